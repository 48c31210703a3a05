"""Built-in exporters, each a plugin module registered like a third-party one.

This module holds what the exporters share.
"""

from __future__ import annotations

from papercite.model import Paper
from papercite.plugins.types import ExportContext


def writable(paper: Paper, ctx: ExportContext) -> bool:
    """Can the record make an entry? If not (it has no title), say so against its source line."""
    if paper.title.strip():
        return True
    ctx.diagnostics.skip(paper.source or "-", "record has no title; not written")
    return False
