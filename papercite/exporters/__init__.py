"""Built-in exporters, each a plugin module registered like a third-party one.

This module holds what the exporters share.
"""

from __future__ import annotations

from papercite.model import Paper
from papercite.plugins.types import ExportContext


def writable(paper: Paper, ctx: ExportContext) -> bool:
    """Can the record make an entry? It must hold something to cite: a title, or (a dataset,
    a biblatex set, a CSL item of an id and a URL) names, an identifier, a URL or other data.
    If not, say so against its source line."""
    if paper.citable:
        return True
    message = "record has nothing to cite (no title, names, DOI, URL or other data); not written"
    ctx.diagnostics.skip(paper.source or "-", message)
    return False
