"""CSL-JSON, the input format of citeproc, pandoc and Zotero.

Valid against the official schema (``csl-data.json``): ``id`` is the
citation key (the same keys as the BibTeX export), ``type`` always set, no
unknown keys. arXiv preprints are written as Zotero exports them:
``type: "article"``, ``publisher: "arXiv"``, ``number: "arXiv:<id>"``, the
arXiv DOI in ``DOI`` and the abstract page in ``URL``. Titles and abstracts
are plain Unicode text, group authors ``{"literal": ...}``, dates
``date-parts``. Code and model links go in ``note`` for people; everything
else the record holds (truncated author list, affiliations, category, code
flag) goes in ``custom.papercite`` so that reading the file back loses
nothing.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from typing import Any, TextIO

import orjson

from papercite.citekeys import base_key, fill_keys
from papercite.exporters import published_venue, writable
from papercite.exporters.bibtex import arxiv_doi, arxiv_url, links_text
from papercite.model import Group, Paper
from papercite.plugins.hookspecs import hookimpl
from papercite.plugins.types import KEY_SLOT, ExportContext, Exporter, Rendered, write_joined


def csl_item(paper: Paper, prefer_published: bool = False) -> dict[str, Any]:
    """The CSL-JSON item of a record, without its ``id``."""
    venue = published_venue(paper, prefer_published)
    preprint = bool(paper.arxiv_id or paper.category) and venue is None
    item: dict[str, Any] = {"type": "article" if preprint else "document"}
    if venue is not None:
        item["type"] = "paper-conference" if venue.proceedings else "article-journal"
        item["container-title"] = venue.name
    item["title"] = paper.title_text
    if paper.authors:
        item["author"] = [
            {"literal": a.name}
            if isinstance(a, Group)
            else ({"family": a.family, "given": a.given} if a.given else {"family": a.family})
            for a in paper.authors
        ]
    if paper.date:
        item["issued"] = {"date-parts": [paper.date_parts]}
    if preprint:
        item["publisher"] = "arXiv"
    if paper.arxiv_id and preprint:
        item["number"] = f"arXiv:{paper.arxiv_id}"
    doi = venue.doi if venue else arxiv_doi(paper)
    if doi:
        item["DOI"] = doi
    url = arxiv_url(paper)
    if url:
        item["URL"] = url
    if paper.abstract:
        item["abstract"] = paper.abstract_text
    note = links_text(paper, latex_urls=False, ascii=False, escape=False)
    if note:
        item["note"] = note
    custom: dict[str, Any] = {}
    if paper.et_al:
        custom["et_al"] = True
    if paper.affiliations:
        custom["affiliations"] = list(paper.affiliations)
    if paper.subject:
        custom["subject"] = paper.subject
    if paper.category:
        custom["category"] = paper.category
    if paper.arxiv_id and not preprint:
        custom["arxiv"] = paper.arxiv_id  # the published version is cited; its preprint stays known
    if paper.has_code:
        custom["has_code"] = True
    if paper.links:
        custom["urls"] = [link.url for link in paper.links]
    if custom:
        item["custom"] = {"papercite": custom}
    return item


def render_csl(paper: Paper, ctx: ExportContext) -> Rendered | None:
    if not writable(paper, ctx):
        return None
    # One item a line: compact, diff-friendly, and readable in chunks. The id
    # comes first; its value is filled in once keys are unique.
    body = orjson.dumps(csl_item(paper, ctx.options.prefer_published)).decode()
    return Rendered('{"id":' + KEY_SLOT + "," + body[1:], base_key(paper, ctx.options.key_pattern))


def assemble_csl(rendered: Iterable[Rendered], out: TextIO, ctx: ExportContext) -> None:
    """A JSON array, one item a line."""
    items = fill_keys(rendered, ctx.options, encode=lambda key: orjson.dumps(key).decode())
    first = next(items, None)
    if first is None:
        out.write("[]\n")
        return
    out.write("[\n")
    write_joined(itertools.chain([first], items), out, ",\n")
    out.write("\n]\n")


@hookimpl
def papercite_exporters() -> Iterable[Exporter]:
    yield Exporter(
        name="csljson",
        render=render_csl,
        assemble=assemble_csl,
        description="CSL-JSON (.json) for citeproc, pandoc and Zotero",
        extension=".json",
    )
