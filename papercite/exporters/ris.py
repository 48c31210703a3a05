"""RIS, the tagged format Zotero, Mendeley and EndNote all import.

Every record is ``TY  - `` first and ``ER  - `` last, one tag per line,
records separated by a blank line and nothing else (no numbered lines, as
rispy's writer adds). RIS has no preprint type: arXiv preprints are
``TY  - JOUR`` with ``JO  - arXiv`` (what Google Scholar and Semantic Scholar
export, and what all three managers import as a journal article), and the
arXiv id is kept where imports keep it: ``AN  - arXiv:<id>`` (accession
number), the arXiv DOI in ``DO`` and the abstract page in ``UR``. Authors are
``Family, Given`` one per ``AU`` (a group name has no comma), a truncated
list simply ends (RIS has no et al.), dates are ``YYYY/MM/DD/``, the category is a
``KW`` keyword and affiliations are ``AD`` lines.

Values are single lines: line breaks and every character that a reader might
take as one (``\\r``, ``\\v``, ``\\f``, U+0085, U+2028, U+2029, ...) become
spaces, so no value can start a tag line such as ``ER  - `` or ``TY  - ``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import TextIO

from papercite import arxivids, fieldmap
from papercite.citing import cite
from papercite.exporters import writable
from papercite.exporters.bibtex import links_text
from papercite.model import Author, Group, Paper
from papercite.plugins.hookspecs import hookimpl
from papercite.plugins.types import ExportContext, Exporter, Rendered, write_joined
from papercite.text.latex import latex_to_text

# Everything str.splitlines() splits on, and other control characters.
_UNSAFE = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]+")


def one_line(value: str) -> str:
    return " ".join(_UNSAFE.sub(" ", value).split())


def _ris_name(author: Author) -> str:
    """``Family, Given`` (RIS's ``Family, Given, Suffix``), particles in front of the family
    name; a group's or a mononym's name alone."""
    if isinstance(author, Group):
        return author.name
    if not author.full_family:
        return author.given
    name = f"{author.full_family}, {author.given}" if author.given else author.full_family
    return f"{name}, {author.suffix}" if author.suffix else name


_NAME_TAGS = {row.csl: row.ris for row in fieldmap.NAMES if row.ris}
_TAG_NAME = re.compile(r"[A-Z][A-Z0-9]")


def ris_lines(paper: Paper, prefer_published: bool = False) -> list[tuple[str, str]]:
    """The ``(tag, value)`` pairs of one record, ``TY`` first and ``ER`` last."""
    cited = cite(paper, prefer_published)
    venue, preprint, typed = cited.venue, cited.preprint, cited.typed
    kind = "JOUR" if preprint else (fieldmap.type_name("ris", paper.type or "document") if typed else "GEN")
    if venue is not None:
        kind = "CONF" if venue.proceedings else "JOUR"
    tags: list[tuple[str, str]] = [("TY", kind)]
    if paper.key:
        tags.append(("ID", paper.key))
    tags.append(("TI", paper.title_text))
    tags += [("AU", _ris_name(author)) for author in paper.authors]
    # A truncated list ends there: RIS has no "et al." (an author "others" is a person to Zotero).
    for role, people in paper.names:
        if role in _NAME_TAGS:
            tags += [(_NAME_TAGS[role], _ris_name(person)) for person in people]
    if paper.date:
        parts = paper.date_parts + [None] * (3 - len(paper.date_parts))
        date = "/".join(f"{p:02d}" if i and p else (str(p) if p else "") for i, p in enumerate(parts)) + "/"
        tags += [("PY", date), ("DA", date)]
    if preprint:
        tags.append(("JO", "arXiv"))
    if venue is not None:
        tags.append(("T2" if venue.proceedings else "JO", venue.name))
    elif typed:
        tags += _typed_tags(paper, kind)
    if paper.arxiv_id:
        tags.append(("AN", f"arXiv:{arxivids.eprint(paper.arxiv_id, paper.extra)}"))
    doi = cited.doi
    if doi:
        tags.append(("DO", doi))
    url = cited.url
    if url:
        tags.append(("UR", url))
    if paper.category:
        tags.append(("KW", paper.category))
    tags += [("AD", affiliation) for affiliation in paper.affiliations]
    if paper.abstract:
        tags.append(("AB", paper.abstract_text))
    note = latex_to_text(paper.var("note")) if paper.var("note") else ""
    links = links_text(paper, latex_urls=False, ascii=False, escape=False, unless_in=note)
    for text in (note, links):
        if text:
            tags.append(("N1", text))
    for name, value in paper.extra:
        if name.startswith("ris:") and _TAG_NAME.fullmatch(name[4:]) and name[4:] not in ("TY", "ER"):
            tags.append((name[4:], value))
    tags.append(("ER", ""))
    return [(tag, one_line(value)) for tag, value in tags]


def _typed_tags(paper: Paper, kind: str) -> list[tuple[str, str]]:
    """The tags of a bibliographic record beyond a preprint's, by papercite.fieldmap's tables."""
    tags: list[tuple[str, str]] = []
    csl_type = paper.type or "document"
    container = paper.var("container-title")
    if container:
        tags.append(("JO" if csl_type in fieldmap.JOURNAL_TYPES else "T2", latex_to_text(container)))
    series = paper.var("collection-title")
    if series:
        tags.append(("T2" if csl_type in fieldmap.SERIES_TYPES and not container else "T3", latex_to_text(series)))
    page = paper.var("page")
    if page:
        first, _, last = latex_to_text(page).replace("\u2013", "-").partition("-")
        tags.append(("SP", first.strip()))
        if last.strip():
            tags.append(("EP", last.strip()))
    issue = paper.var("issue") or (paper.var("number") if csl_type in fieldmap.NUMBERED_TYPES else "")
    if issue:
        tags.append(("IS", latex_to_text(issue)))
    if paper.var("publisher"):
        tags.append(("PB", latex_to_text(paper.var("publisher"))))
    for variable, value in paper.variables:
        row = fieldmap.FIELDS_BY_CSL.get(variable)
        if row is None or not row.ris or not value or variable in ("page", "collection-title", "note"):
            continue
        if row.kind == "list":
            text = latex_to_text(value)  # "a; b" (as RIS keywords are joined) or "a, b" (BibTeX, CSL)
            tags += [(row.ris, k.strip()) for k in text.split(";" if ";" in text else ",") if k.strip()]
        elif row.kind == "date":
            tags.append((row.ris, value.replace("-", "/") + ("/" if value.count("-") < 2 else "")))
        else:
            tags.append((row.ris, value if variable in fieldmap.VERBATIM_VARIABLES else latex_to_text(value)))
    return tags


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
