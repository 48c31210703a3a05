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

from papercite import arxivids, fieldmap
from papercite.citekeys import fill_keys, record_key
from papercite.citing import cite
from papercite.dates import csl_from_edtf
from papercite.exporters import writable
from papercite.exporters.bibtex import links_text
from papercite.model import Author, Group, Paper
from papercite.plugins.hookspecs import hookimpl
from papercite.plugins.types import KEY_SLOT, ExportContext, Exporter, Rendered, write_joined
from papercite.text.latex import latex_to_rich, latex_to_text


def csl_name(author: Author) -> dict[str, str]:
    """A CSL name object: a group's literal, a person's parts (a mononym's ``given`` alone)."""
    if isinstance(author, Group):
        return {"literal": author.name}
    name = {"family": author.family} if author.family else {}
    if author.given:
        name["given"] = author.given
    if author.particle:
        name["non-dropping-particle"] = author.particle
    if author.dropping_particle:
        name["dropping-particle"] = author.dropping_particle
    if author.suffix:
        name["suffix"] = author.suffix
    return name or {"literal": ""}


def csl_item(paper: Paper, prefer_published: bool = False) -> dict[str, Any]:
    """The CSL-JSON item of a record, without its ``id``."""
    cited = cite(paper, prefer_published)
    venue, preprint, typed = cited.venue, cited.preprint, cited.typed
    item: dict[str, Any] = {"type": paper.type if typed else ("article" if preprint else "document")}
    if venue is not None:
        item["type"] = "paper-conference" if venue.proceedings else "article-journal"
        item["container-title"] = venue.name
    item["title"] = latex_to_rich(paper.title)
    if paper.authors:
        item["author"] = [
            {"literal": a.name}
            if isinstance(a, Group)
            else (
                ({"family": a.family, "given": a.given} if a.given else {"family": a.family})
                if a.family and not (a.particle or a.dropping_particle or a.suffix)
                else csl_name(a)
            )
            for a in paper.authors
        ]
    for role, people in paper.names:
        if role in fieldmap.CSL_NAME_VARIABLES and people:
            item[role] = [csl_name(a) for a in people]
    issued = paper.var("issued")
    if issued:
        item["issued"] = csl_from_edtf(issued)
    elif paper.date:
        item["issued"] = {"date-parts": [paper.date_parts]}
    if preprint:
        item["publisher"] = "arXiv"
    if paper.arxiv_id and preprint:
        item["number"] = f"arXiv:{arxivids.eprint(paper.arxiv_id, paper.extra)}"
    doi = cited.doi
    if doi:
        item["DOI"] = doi
    url = cited.url
    if url:
        item["URL"] = url
    if paper.abstract:
        item["abstract"] = paper.abstract_text
    if venue is None:
        for name, value in paper.variables:
            if not value or name in item or name == "issued":
                continue
            if name in fieldmap.CSL_DATE_VARIABLES:
                item[name] = csl_from_edtf(value)
            elif name in fieldmap.CSL_RICH_VARIABLES:
                item[name] = latex_to_rich(value)
            elif name in fieldmap.CSL_TEXT_VARIABLES or name in fieldmap.CSL_NUMBER_VARIABLES:
                item[name] = value if name in fieldmap.VERBATIM_VARIABLES else latex_to_text(value)
    note = links_text(paper, latex_urls=False, ascii=False, escape=False, unless_in=item.get("note", ""))
    if note:
        item["note"] = f"{item['note']}\n{note}" if item.get("note") else note
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
    if paper.extra:
        custom["fields"] = dict(paper.extra)  # other formats' fields, for the way back
    if custom:
        item["custom"] = {"papercite": custom}
    return item


def render_csl(paper: Paper, ctx: ExportContext) -> Rendered | None:
    if not writable(paper, ctx):
        return None
    # One item a line: compact, diff-friendly, and readable in chunks. The id
    # comes first; its value is filled in once keys are unique.
    body = orjson.dumps(csl_item(paper, ctx.options.prefer_published)).decode()
    return Rendered('{"id":' + KEY_SLOT + "," + body[1:], record_key(paper, ctx.options, bibtex=False))


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
