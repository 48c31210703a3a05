"""Reader for RIS (``TY  - `` ... ``ER  - ``), line by line.

papercite reads RIS itself rather than with rispy: it needs the line of every
record for its messages, must stream, and must not drop a record whose
``ER`` is missing (rispy does so silently). A line that is not a tag inside a
record continues the previous value (some exporters wrap long abstracts); a
record without ``ER`` is kept and reported; stray lines between records are
reported once and skipped.
"""

from __future__ import annotations

import datetime as _dt
import re
from collections.abc import Iterable, Iterator

from papercite import arxiv
from papercite.links import find_links
from papercite.model import Author, DatePrecision, Group, Paper, Person, Source
from papercite.plugins.hookspecs import hookimpl
from papercite.plugins.types import ReadContext, Reader
from papercite.readers import date_from_parts, own_doi
from papercite.readers.csljson import arxiv_id_from
from papercite.texify import escape_text

_TAG = re.compile(r"^([A-Z][A-Z0-9])  -(?: (.*))?$")


def _date(value: str) -> tuple[_dt.date | None, DatePrecision]:
    m = re.match(r"\s*(\d{4})(?:[/-](\d{1,2})?(?:[/-](\d{1,2})?)?)?", value)
    if not m:
        return None, "day"
    numbers = [int(g) for g in m.groups() if g]
    if len(numbers) == 3 and not m.group(2):
        numbers = numbers[:1]
    return date_from_parts(numbers)


def record_to_paper(tags: list[tuple[str, str]], source: Source) -> Paper:
    """One RIS record's tags as a record; raises ValueError when it has no title."""
    values: dict[str, list[str]] = {}
    for tag, value in tags:
        values.setdefault(tag, []).append(value.strip())

    def first(*names: str) -> str:
        for name in names:
            for value in values.get(name, []):
                if value:
                    return value
        return ""

    title = first("TI", "T1", "CT", "BT")
    if not title:
        raise ValueError("record has no title (TI)")
    authors: list[Author] = []
    et_al = False
    for name in values.get("AU", []) + values.get("A1", []):
        if not name:
            continue
        if name.lower() in ("others", "et al.", "et al"):
            et_al = True
        elif "," in name:
            family, given = (part.strip() for part in name.split(",", 1))
            authors.append(Person(given, family))
        else:
            authors.append(Group(name))
    date, precision = _date(first("DA", "PY", "Y1"))
    doi = first("DO") or None
    urls = values.get("UR", []) + values.get("L2", [])
    pseudo_item = {"number": first("AN", "M1"), "DOI": doi or "", "URL": next(iter(urls), "")}
    arxiv_id = arxiv_id_from(pseudo_item)
    categories = [k for k in values.get("KW", []) if arxiv.is_category(k)]
    abstract = first("AB", "N2")
    notes = " ".join([*values.get("N1", []), *urls])  # a code or model URL may be a UR of its own
    links = tuple(dict.fromkeys(link for url in re.findall(r"https?://\S+", notes) for link in find_links(url)))
    return Paper(
        title=escape_text(title),
        authors=tuple(authors),
        et_al=et_al,
        affiliations=tuple(a for a in values.get("AD", []) if a),
        category=categories[0] if categories else None,
        date=date,
        date_precision=precision,
        abstract=escape_text(abstract) if abstract else "",
        links=links,
        source=source,
        arxiv_id=arxiv_id,
        doi=own_doi(doi, arxiv_id),
        url=next((u for u in urls if "arxiv.org/abs/" not in u), None),
    )


def read_ris(lines: Iterable[str], ctx: ReadContext) -> Iterator[Paper]:
    report = ctx.diagnostics
    tags: list[tuple[str, list[str]]] | None = None  # the open record's tags, each value in its lines
    start = 0
    junk_reported = False
    seen_any = False

    def finish() -> Paper | None:
        assert tags is not None
        try:
            paper = record_to_paper([(tag, " ".join(parts)) for tag, parts in tags], Source(ctx.source, start))
        except ValueError as exc:
            report.skip(Source(ctx.source, start), f"{exc}; skipped")
            return None
        report.read += 1
        return paper

    number = ctx.line_offset
    for number, raw in enumerate(lines, start=ctx.line_offset + 1):
        line = raw.rstrip("\r\n").lstrip("\ufeff")
        if not line.strip():
            continue
        seen_any = True
        m = _TAG.match(line)
        tag, value = (m.group(1), m.group(2) or "") if m else (None, line)
        if tag == "TY":
            if tags is not None:
                report.warn(Source(ctx.source, start), "record has no ER line; it ends at the next TY")
                paper = finish()
                if paper:
                    yield paper
            tags, start, junk_reported = [], number, False
        elif tags is None:
            if not junk_reported:
                report.skip(Source(ctx.source, number), f"expected 'TY  - ' to start a record, got {line[:60]!r}")
                junk_reported = True
        elif tag == "ER":
            paper = finish()
            if paper:
                yield paper
            tags = None
        elif tag is not None:
            tags.append((tag, [value]))
        elif tags:
            tags[-1][1].append(line.strip())  # a wrapped value goes on (joined once, at the end)
    if tags is not None:
        report.warn(Source(ctx.source, start), "record has no ER line; it ends at the end of the input")
        paper = finish()
        if paper:
            yield paper
    if not seen_any:
        report.warn(ctx.source, "empty input: no records")


def sniff_ris(first_lines: list[str]) -> bool:
    for line in first_lines:
        if line.strip():
            return bool(re.match(r"\ufeff?TY {1,2}- ", line))
    return False


@hookimpl
def papercite_readers() -> Iterable[Reader]:
    yield Reader(
        name="ris",
        read=read_ris,
        description="RIS (.ris), as Zotero, Mendeley and EndNote export it",
        extensions=(".ris",),
        sniff=sniff_ris,
    )
