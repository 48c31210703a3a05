"""A papercite exporter for GitHub's CITATION.cff (Citation File Format 1.2.0).

Each record is rendered on its own into a CFF ``reference`` (as JSON text, so
that papercite may render in worker processes); ``assemble`` then writes the
YAML document: for one record, the code that goes with the paper, with the
paper as ``preferred-citation``; for several, a ``references`` list.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from typing import Any, TextIO

from papercite.citing import arxiv_doi, arxiv_url
from papercite.model import Group, LinkKind, Paper
from papercite.plugins import ExportContext, Exporter, Rendered, hookimpl

CFF_VERSION = "1.2.0"
_DOI = re.compile(r"^10\.\d{4,9}(\.\d+)?/[A-Za-z0-9:/_;\-.()\[\]\\]+$")


def _authors(paper: Paper) -> list[dict[str, str]]:
    authors: list[dict[str, str]] = []
    for author in paper.authors:
        if isinstance(author, Group):
            authors.append({"name": author.name})
        else:
            person = {"family-names": author.family}
            if author.given:
                person["given-names"] = author.given
            authors.append(person)
    if paper.et_al:
        authors.append({"name": "et al."})  # CFF has no "et al."; an entity keeps the list honest
    return authors or [{"name": "Unknown"}]


def reference(paper: Paper) -> dict[str, Any]:
    """The CFF ``reference`` of one record."""
    ref: dict[str, Any] = {"type": "article", "title": paper.title_text, "authors": _authors(paper)}
    if paper.date is not None:
        ref["year"] = paper.date.year
        if paper.date_precision != "year":
            ref["month"] = paper.date.month
        if paper.date_precision == "day":
            ref["date-published"] = paper.date.isoformat()
    doi = arxiv_doi(paper)
    if doi and _DOI.match(doi):
        ref["doi"] = doi
    url = arxiv_url(paper)
    if url:
        ref["url"] = url
    if paper.arxiv_id:
        ref["journal"] = "arXiv"
        ref["identifiers"] = [{"type": "other", "value": f"arXiv:{paper.arxiv_id}", "description": "arXiv"}]
    code = next((link.url for link in paper.links if link.kind is LinkKind.GITHUB_REPO), None)
    if code:
        ref["repository-code"] = code
    if paper.category:
        ref["keywords"] = [paper.category]
    if paper.abstract:
        ref["abstract"] = paper.abstract_text
    return ref


def render(paper: Paper, ctx: ExportContext) -> Rendered | None:
    if not paper.title.strip():
        ctx.diagnostics.skip(paper.source or "-", "record has no title; not written")
        return None
    return Rendered(json.dumps(reference(paper), ensure_ascii=False))


def document(references: list[dict[str, Any]]) -> dict[str, Any]:
    """The whole CITATION.cff for the rendered references."""
    if len(references) == 1:
        paper = references[0]
        doc: dict[str, Any] = {
            "cff-version": CFF_VERSION,
            "message": "If you use this software, please cite the paper it comes with.",
            "title": paper["title"],
            "authors": paper["authors"],
            "type": "software",
        }
        if "repository-code" in paper:
            doc["repository-code"] = paper["repository-code"]
        doc["preferred-citation"] = paper
        return doc
    return {
        "cff-version": CFF_VERSION,
        "message": "The works listed under references; cite each as given there.",
        "title": "References",
        "authors": [{"name": "papercite"}],
        "references": references,
    }


def assemble(rendered: Iterable[Rendered], out: TextIO, ctx: ExportContext) -> None:
    references = [json.loads(item.text) for item in rendered]
    if not references:
        return
    import yaml  # on use: papercite loads every plugin at start-up, for every command

    out.write(yaml.safe_dump(document(references), sort_keys=False, allow_unicode=True, width=100))


@hookimpl
def papercite_exporters() -> Iterator[Exporter]:
    yield Exporter(
        name="cff",
        render=render,
        assemble=assemble,
        description="CITATION.cff (Citation File Format 1.2.0): one paper's code, or a references list",
        extension=".cff",
    )
