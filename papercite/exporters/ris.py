"""RIS, the tagged format Zotero, Mendeley and EndNote all import.

Every record is ``TY  - `` first and ``ER  - `` last, one tag per line,
records separated by a blank line and nothing else (no numbered lines, as
rispy's writer adds). RIS has no preprint type: arXiv preprints are
``TY  - JOUR`` with ``JO  - arXiv`` (what Google Scholar and Semantic Scholar
export, and what all three managers import as a journal article), and the
arXiv id is kept where imports keep it: ``AN  - arXiv:<id>`` (accession
number), the arXiv DOI in ``DO`` and the abstract page in ``UR``. Authors are
``Family, Given`` one per ``AU`` (a group name has no comma), a truncated
list ends with ``AU  - others``, dates are ``YYYY/MM/DD/``, the category is a
``KW`` keyword and affiliations are ``AD`` lines.

Values are single lines: line breaks and every character that a reader might
take as one (``\\r``, ``\\v``, ``\\f``, U+0085, U+2028, U+2029, ...) become
spaces, so no value can start a tag line such as ``ER  - `` or ``TY  - ``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import TextIO

from papercite.exporters import published_venue, writable
from papercite.exporters.bibtex import arxiv_doi, arxiv_url, links_text
from papercite.model import Group, Paper
from papercite.plugins.hookspecs import hookimpl
from papercite.plugins.types import ExportContext, Exporter, Rendered, write_joined

# Everything str.splitlines() splits on, and other control characters.
_UNSAFE = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]+")


def one_line(value: str) -> str:
    return " ".join(_UNSAFE.sub(" ", value).split())


def ris_lines(paper: Paper, prefer_published: bool = False) -> list[tuple[str, str]]:
    """The ``(tag, value)`` pairs of one record, ``TY`` first and ``ER`` last."""
    venue = published_venue(paper, prefer_published)
    preprint = bool(paper.arxiv_id or paper.category) and venue is None
    kind = "JOUR" if preprint else "GEN"
    if venue is not None:
        kind = "CONF" if venue.proceedings else "JOUR"
    tags: list[tuple[str, str]] = [("TY", kind), ("TI", paper.title_text)]
    for author in paper.authors:
        tags.append(
            (
                "AU",
                author.name
                if isinstance(author, Group)
                else (f"{author.family}, {author.given}" if author.given else author.family),
            )
        )
    if paper.et_al:
        tags.append(("AU", "others"))
    if paper.date:
        parts = paper.date_parts + [None] * (3 - len(paper.date_parts))
        date = "/".join(f"{p:02d}" if i and p else (str(p) if p else "") for i, p in enumerate(parts)) + "/"
        tags += [("PY", date), ("DA", date)]
    if preprint:
        tags.append(("JO", "arXiv"))
    if venue is not None:
        tags.append(("T2" if venue.proceedings else "JO", venue.name))
    if paper.arxiv_id:
        tags.append(("AN", f"arXiv:{paper.arxiv_id}"))
    doi = venue.doi if venue else arxiv_doi(paper)
    if doi:
        tags.append(("DO", doi))
    url = arxiv_url(paper)
    if url:
        tags.append(("UR", url))
    if paper.category:
        tags.append(("KW", paper.category))
    tags += [("AD", affiliation) for affiliation in paper.affiliations]
    if paper.abstract:
        tags.append(("AB", paper.abstract_text))
    note = links_text(paper, latex_urls=False, ascii=False, escape=False)
    if note:
        tags.append(("N1", note))
    tags.append(("ER", ""))
    return [(tag, one_line(value)) for tag, value in tags]


def render_ris(paper: Paper, ctx: ExportContext) -> Rendered | None:
    if not writable(paper, ctx):
        return None
    lines = ris_lines(paper, ctx.options.prefer_published)
    return Rendered("".join(f"{tag}  - {value}\n" for tag, value in lines))


def assemble_ris(rendered: Iterable[Rendered], out: TextIO, ctx: ExportContext) -> None:
    write_joined((item.text for item in rendered), out, "\n")


@hookimpl
def papercite_exporters() -> Iterable[Exporter]:
    yield Exporter(
        name="ris",
        render=render_ris,
        assemble=assemble_ris,
        description="RIS (.ris) for Zotero, Mendeley and EndNote",
        extension=".ris",
    )
