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

from papercite import arxivids, fieldmap
from papercite.dates import month_number
from papercite.links.urls import find_links
from papercite.model import Author, DatePrecision, Group, Paper, Person, Source, iso_date
from papercite.plugins.hookspecs import hookimpl
from papercite.plugins.types import ReadContext, Reader
from papercite.readers import clean_doi, clean_url, date_from_parts, own_doi, own_url, preprint_type
from papercite.text.texify import escape_text

_TAG = re.compile(r"^([A-Z][A-Z0-9]) {1,2}-(?: (.*))?$")
_DATE = re.compile(r"\s*(\d{4})(?:[/-](\d{1,2})?(?:[/-](\d{1,2})?)?)?")
_ISSN = re.compile(r"\d{4}-?\d{3}[\dXx]")
_NAME_TAGS = {"AU": "author", "A1": "author", **fieldmap.RIS_NAMES_READ}
# Tags the reader takes apart itself; the others are CSL variables by papercite.fieldmap's
# tables, or kept in ``extra``.
_OWN = frozenset(
    """TY ER ID TI T1 CT BT T2 JO JF JA AU A1 A2 A3 A4 ED PY Y1 DA DO UR L1 L2 L4 AN M1 AB N2 KW AD SP EP SN IS
    PB""".split()
)


def _date(value: str) -> tuple[_dt.date | None, DatePrecision]:
    m = _DATE.match(value)
    if not m:
        return None, "day"
    numbers = [int(g) for g in m.groups() if g]
    if len(numbers) == 3 and not m.group(2):
        numbers = numbers[:1]
    return date_from_parts(numbers)


def _issued(values: dict[str, list[str]]) -> tuple[_dt.date | None, DatePrecision]:
    """PY's year, made more precise by DA when DA agrees; a DA of a month only
    (``DA  - SEP``, as Web of Science writes it) gives its month to PY's year."""
    year_text = next((v for tag in ("PY", "Y1") for v in values.get(tag, []) if v), "")
    full = next((v for v in values.get("DA", []) if v), "")
    year, year_precision = _date(year_text)
    date, precision = _date(full)
    finer = ("day", "month", "year").index(precision) <= ("day", "month", "year").index(year_precision)
    if date is not None and (year is None or (year.year == date.year and finer)):
        return date, precision
    if year is not None and full and date is None:
        month = month_number(full.split()[0].rstrip(".")) if full.split() else None
        if month and 1 <= month <= 12 and year_precision == "year":
            return date_from_parts([year.year, month])
    return (year, year_precision) if year is not None else (date, precision)


_SUFFIX = re.compile(r"(?:Jr|Sr|Jnr|Snr)\.?|[IVX]{1,5}|\d(?:st|nd|rd|th)", re.IGNORECASE)
_INITIALS_LAST = re.compile(r"(\S.*?)\s+((?:[A-Z]\.-?){1,4})")  # "Liu R.", "Adler D.G." (Embase, Scopus)


def _person_or_group(name: str) -> Author:
    if "," not in name:
        m = _INITIALS_LAST.fullmatch(name)
        return Person(m.group(2), m.group(1)) if m else Group(name)
    family, given = (part.strip() for part in name.split(",", 1))
    suffix = ""
    head, _, tail = given.rpartition(",")
    if head and _SUFFIX.fullmatch(tail.strip()):  # "Family, Given, Suffix": RIS's own order
        given, suffix = head.strip(), tail.strip()
    return Person(given, family, suffix=suffix)


def record_to_paper(tags: list[tuple[str, str]], source: Source) -> Paper:
    """One RIS record's tags as a record; raises ValueError when it holds nothing citable."""
    values: dict[str, list[str]] = {}
    for tag, value in tags:
        values.setdefault(tag, []).append(value.strip())

    def first(*names: str) -> str:
        for name in names:
            for value in values.get(name, []):
                if value:
                    return value
        return ""

    ty = first("TY")
    kind = fieldmap.csl_type("ris", ty) or "document"
    title = first("TI", "T1", "CT") or (first("BT") if kind != "chapter" else "")
    authors: list[Author] = []
    names: dict[str, list[Author]] = {}
    et_al = False
    for tag, role in _NAME_TAGS.items():
        for name in values.get(tag, []):
            if not name:
                continue
            if name.lower() in ("others", "et al.", "et al"):
                et_al = et_al or role == "author"
            elif role == "author":
                authors.append(_person_or_group(name))
            else:
                names.setdefault(role, []).append(_person_or_group(name))
    date, precision = _issued(values)
    doi = clean_doi(first("DO"))
    urls = [clean_url(u) for tag in ("UR", "L2", "L1", "L4") for u in values.get(tag, []) if u]
    arxiv_id = arxivids.id_from(first("AN", "M1"), doi, next(iter(urls), None))
    keywords = [k for k in values.get("KW", []) if k]
    categories = [k for k in keywords if arxivids.is_category(k)]
    abstract = first("AB", "N2")
    notes = " ".join([*values.get("N1", []), *urls])  # a code or model URL may be a UR of its own
    links = tuple(dict.fromkeys(link for url in re.findall(r"https?://\S+", notes) for link in find_links(url)))
    variables: list[tuple[str, str]] = []

    def add(name: str, value: str) -> None:
        if value and not any(k == name for k, _ in variables):
            variables.append((name, value))

    container_tags = ("JO", "JF", "T2") if kind not in fieldmap.SERIES_TYPES else ("JO", "JF")
    add("container-title", escape_text(first(*container_tags, *(("BT",) if kind == "chapter" else ()))))
    if kind in fieldmap.SERIES_TYPES:
        add("collection-title", escape_text(first("T2")))
    add("container-title-short", escape_text(first("JA")))
    start_page, end_page = first("SP"), first("EP")
    add(
        "page",
        f"{start_page}-{end_page}" if start_page and end_page and end_page != start_page else start_page or end_page,
    )
    add("issue" if kind not in fieldmap.NUMBERED_TYPES else "number", first("IS"))
    add("publisher", escape_text(first("PB")))
    for number in values.get("SN", []):
        for part in re.split(r"[;\s]+(?=\d)", number):
            add("ISSN" if _ISSN.fullmatch(part.strip()) else "ISBN", part.strip())
    plain_keywords = [k for k in keywords if k not in categories]
    if plain_keywords:
        # ", " between them, as BibTeX and CSL join them, unless one holds a comma (MeSH's
        # "Colitis, Ulcerative/therapy"): then "; ", which RIS output splits on again.
        joiner = "; " if any("," in k for k in plain_keywords) else ", "
        add("keyword", escape_text(joiner.join(plain_keywords)))
    if first("M1") and not arxiv_id and kind in fieldmap.NUMBERED_TYPES:
        add("number", first("M1"))
    extra: list[tuple[str, str]] = []
    version = arxivids.version_in(first("AN", "M1")) if arxiv_id else None
    if version:
        extra.append((arxivids.VERSION, version))  # the version the record cites, kept in AN
    for tag, value in tags:
        if tag in _OWN or not value.strip():
            continue
        row = fieldmap.field_csl("ris", tag)
        if row is None:
            extra.append((f"ris:{tag}", value.strip()))
        elif row.kind == "date":
            add(row.csl, iso_date(*_date(value)) or "")
        else:
            add(row.csl, value.strip() if row.kind == "verbatim" else escape_text(value.strip()))
    category = categories[0] if categories else None
    csl_type, kept = preprint_type(kind, arxiv_id, category, tuple(variables))
    paper = Paper(
        title=escape_text(title),
        authors=tuple(authors),
        et_al=et_al,
        affiliations=tuple(a for a in values.get("AD", []) if a),
        category=category,
        date=date,
        date_precision=precision,
        abstract=escape_text(abstract) if abstract else "",
        links=links,
        source=source,
        arxiv_id=arxiv_id,
        doi=own_doi(doi, arxiv_id),
        url=next((u for u in urls if own_url(u, arxiv_id)), None),
        type=csl_type,
        key=first("ID") or None,
        variables=kept,
        names=tuple((role, tuple(people)) for role, people in names.items()),
        extra=tuple(extra),
    )
    if not paper.citable:
        raise ValueError("record has no title, names, DOI, URL or other data: nothing to cite")
    return paper


def read_ris(lines: Iterable[str], ctx: ReadContext) -> Iterator[Paper]:
    report = ctx.diagnostics
    tags: list[tuple[str, list[str]]] | None = None  # the open record's tags, each value in its lines
    start = 0
    junk_reported = False
    seen_any = False
    one_space_reported = False

    def finish() -> Paper | None:
        assert tags is not None
        try:
            paper = record_to_paper([(tag, " ".join(parts)) for tag, parts in tags], Source(ctx.source, start))
        except ValueError as exc:
            report.skip(Source(ctx.source, start), f"{exc}; skipped")
            return None
        if not paper.title:
            report.warn(Source(ctx.source, start), "record has no title (TI): kept for what else it holds")
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
        if m and line[3] == "-" and not one_space_reported:
            report.warn(
                Source(ctx.source, number),
                f"tag line {line[:12]!r} has one space before '-' (RIS wants two): read anyway",
            )
            one_space_reported = True
        if tag == "TY":
            if tags is not None:
                report.warn(Source(ctx.source, start), "record has no ER line; it ends at the next TY")
                paper = finish()
                if paper:
                    yield paper
            tags, start, junk_reported = [("TY", [value.strip()])], number, False
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
        elif tags and tags[-1][0] == "KW":
            tags.append(("KW", [line.strip()]))  # keywords go on one a line without the tag (EndNote, Ovid)
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
