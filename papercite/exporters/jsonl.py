"""JSON Lines: one JSON object per record, the contract of ``papercite parse``.

Keys, exactly: ``title``, ``authors`` (``{"given", "family"}`` or
``{"literal"}``), ``et_al``, ``affiliations``, ``category``, ``date``
(``YYYY-MM-DD``; ``YYYY-MM`` or ``YYYY`` when only that is known; or null), ``has_code``, ``abstract`` (LaTeX source),
``abstract_text``, ``urls`` and ``source`` (``{"file", "line"}``).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import orjson

from papercite.links.reports import report_json
from papercite.model import Group, Paper
from papercite.plugins.hookspecs import hookimpl
from papercite.plugins.types import ExportContext, Exporter, Rendered


def record_to_json(paper: Paper) -> dict[str, Any]:
    record = {
        "title": paper.title,
        "authors": [
            {"literal": a.name} if isinstance(a, Group) else {"given": a.given, "family": a.family}
            for a in paper.authors
        ],
        "et_al": paper.et_al,
        "affiliations": list(paper.affiliations),
        "category": paper.category,
        "date": paper.date_iso,
        "has_code": paper.has_code,
        "abstract": paper.abstract,
        "abstract_text": paper.abstract_text,
        "urls": [link.url for link in paper.links],
        "source": {"file": paper.source.file, "line": paper.source.line} if paper.source else None,
    }
    if paper.link_reports:  # only after link checks (export --enrich github,hf): parse never adds it
        record["link_reports"] = [report_json(r) for r in paper.link_reports]
    return record


def render_jsonl(paper: Paper, ctx: ExportContext) -> Rendered:
    # orjson is about eight times faster than the json module here, which
    # matters at 20,000 records a second.
    return Rendered(orjson.dumps(record_to_json(paper), option=orjson.OPT_APPEND_NEWLINE).decode())


@hookimpl
def papercite_exporters() -> Iterable[Exporter]:
    yield Exporter(
        name="jsonl",
        render=render_jsonl,
        description="JSON Lines, one object per record (the output of 'papercite parse')",
        extension=".jsonl",
    )
