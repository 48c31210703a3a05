"""Reader for paper listings: the text paper-listing sites give when copied.

The format is described in ``listing-format.md``: per paper a header
(``CLAug 7, 2023Code``), a byline (title glued to up to three authors, then
`` · `` and affiliation slugs) and a one-line abstract. The reader is a
generator over lines, so memory does not grow with the input; a bad record is
reported as ``FILE:LINE: message`` and reading resumes at the next header.
"""

from __future__ import annotations

import datetime as _dt
import re
from collections.abc import Iterable, Iterator

from papercite.links.urls import find_links
from papercite.model import Paper, Source
from papercite.plugins.hookspecs import hookimpl
from papercite.plugins.types import ReadContext, Reader

# arXiv's computer-science archives, by the two-letter code listings show.
CS_ARCHIVES = frozenset(
    [
        "AI",
        "AR",
        "CC",
        "CE",
        "CG",
        "CL",
        "CR",
        "CV",
        "CY",
        "DB",
        "DC",
        "DL",
        "DM",
        "DS",
        "ET",
        "FL",
        "GL",
        "GR",
        "GT",
        "HC",
        "IR",
        "IT",
        "LG",
        "LO",
        "MA",
        "MM",
        "MS",
        "NA",
        "NE",
        "NI",
        "OH",
        "OS",
        "PF",
        "PL",
        "RO",
        "SC",
        "SD",
        "SE",
        "SI",
        "SY",
    ]
)
_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("Jan", "January"),
            ("Feb", "February"),
            ("Mar", "March"),
            ("Apr", "April"),
            ("May",),
            ("Jun", "June"),
            ("Jul", "July"),
            ("Aug", "August"),
            ("Sep", "Sept", "September"),
            ("Oct", "October"),
            ("Nov", "November"),
            ("Dec", "December"),
        ),
        start=1,
    )
    for name in names
}
_HEADER = re.compile(
    r"(?P<subject>[A-Z]{2})(?P<month>[A-Z][a-z]{2,8})\.? ?(?P<day>\d{1,2})"
    r"(?:, ?(?P<year>\d{4}))?(?P<code> ?Code)?"
)


_HEADER_MAX = 40  # "CLSeptember 30, 2024Code" is 24 characters


class HeaderError(ValueError):
    """A line shaped like a header whose date is not a real date."""


def parse_header(line: str, as_of: _dt.date) -> tuple[str, _dt.date, bool] | None:
    """``AIAug 7, 2023Code`` -> ("AI", 2023-08-07, True); None if not a header."""
    m = _HEADER.fullmatch(line)
    if not m or m.group("month") not in _MONTHS:
        return None
    month, day = _MONTHS[m.group("month")], int(m.group("day"))
    year = m.group("year")
    try:
        if year is not None:
            date = _dt.date(int(year), month, day)
        else:
            # No year: the listing's own year, unless that puts the date after
            # the reference date, in which case it is last year's.
            date = _infer_year(month, day, as_of)
    except ValueError:
        shown = f"{m.group('month')} {day}" + (f", {year}" if year else "")
        raise HeaderError(f"not a valid date: {shown!r}") from None
    return m.group("subject"), date, m.group("code") is not None


def _infer_year(month: int, day: int, as_of: _dt.date) -> _dt.date:
    for year in (as_of.year, as_of.year - 1, as_of.year - 2, as_of.year - 3, as_of.year - 4):
        try:
            date = _dt.date(year, month, day)
        except ValueError:
            continue  # Feb 29 outside a leap year: the listing's year is an earlier one
        if date <= as_of:
            return date
    raise ValueError


def category_for(subject: str) -> str | None:
    return f"cs.{subject}" if subject in CS_ARCHIVES else None


def _shorten(text: str, width: int = 60) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def read_listing(lines: Iterable[str], ctx: ReadContext) -> Iterator[Paper]:
    """Yield the records of a listing, reporting bad ones to ``ctx.diagnostics``."""
    # Imported here: its patterns take a few ms to compile, which runs that read no listing skip.
    from papercite.readers.byline import BylineError, split_byline

    report = ctx.diagnostics
    state = "header"  # what the next non-blank line should be: header, byline, abstract, skip
    header: tuple[str, _dt.date, bool] | None = None
    header_line = byline_line = 0
    byline = None
    seen_any = False

    def finish(abstract: str) -> Paper:
        assert header is not None and byline is not None
        subject, date, has_code = header
        source = Source(ctx.source, header_line)
        for warning in byline.warnings:
            report.warn(Source(ctx.source, byline_line), warning)
        category = category_for(subject)
        if category is None:
            report.warn(source, f"unknown subject code {subject!r}: category left empty")
        report.read += 1
        return Paper(
            title=byline.title,
            authors=byline.authors,
            et_al=byline.et_al,
            affiliations=byline.affiliations,
            subject=subject,
            category=category,
            date=date,
            has_code=has_code,
            abstract=abstract,
            links=tuple(find_links(abstract)),
            source=source,
        )

    line_no = 0
    for line_no, raw in enumerate(lines, start=ctx.line_offset + 1):
        line = raw.rstrip()  # line end, CR of CRLF, trailing spaces
        if not line:
            continue
        if line[0] == "\ufeff":  # a byte-order mark, usually on the first line
            line = line.lstrip("\ufeff")
            if not line:
                continue
        seen_any = True
        try:
            # A header is short; bylines and abstracts need not be matched at all.
            parsed = parse_header(line, ctx.as_of) if len(line) <= _HEADER_MAX else None
        except HeaderError as exc:
            if state == "abstract":
                report.warn(Source(ctx.source, byline_line), "record has no abstract line")
                yield finish("")
            elif state == "byline":
                report.skip(Source(ctx.source, header_line), "record has no byline (title and authors); skipped")
            report.skip(Source(ctx.source, line_no), f"bad header: {exc}; record skipped")
            state = "skip"
            continue
        if parsed is not None:
            if state == "byline":
                report.skip(Source(ctx.source, header_line), "record has no byline (title and authors); skipped")
            elif state == "abstract":
                report.warn(Source(ctx.source, byline_line), "record has no abstract line")
                yield finish("")
            header, header_line, state = parsed, line_no, "byline"
            continue
        if state == "byline":
            try:
                byline = split_byline(line)
            except BylineError as exc:
                report.skip(Source(ctx.source, line_no), f"{exc}: {_shorten(line)!r}; record skipped")
                state = "skip"
                continue
            byline_line, state = line_no, "abstract"
        elif state == "abstract":
            yield finish(line.strip())
            state = "header"
        elif state == "header":
            report.skip(
                Source(ctx.source, line_no),
                f"expected a header line (subject code and date, e.g. 'CLMar 12, 2024Code'), got {_shorten(line)!r}; "
                "skipping to the next header",
            )
            state = "skip"
        # state == "skip": lines of a bad record, already reported once.
    if state == "byline":
        report.skip(Source(ctx.source, header_line), "record has no byline (title and authors); skipped")
    elif state == "abstract":
        report.warn(Source(ctx.source, byline_line), "record has no abstract line")
        yield finish("")
    if not seen_any:
        report.warn(ctx.source, "empty input: no records")


def is_record_start(line: str) -> bool:
    """Is ``line`` shaped like a header? The reader starts a new record at every such line,
    whatever came before, so a listing can be read in chunks cut before them."""
    if len(line) > 2 * _HEADER_MAX:  # bylines and abstracts: decided without copying them
        return False
    line = line.strip()
    if len(line) > _HEADER_MAX:
        return False
    m = _HEADER.fullmatch(line)
    return m is not None and m.group("month") in _MONTHS


def sniff_listing(first_lines: list[str]) -> bool:
    """A listing starts (after blank lines) with a header line."""
    for line in first_lines:
        if line.strip():
            try:
                return parse_header(line.strip().lstrip("\ufeff"), _dt.date.today()) is not None
            except HeaderError:
                return True
    return False


@hookimpl
def papercite_readers() -> Iterable[Reader]:
    yield Reader(
        name="listing",
        read=read_listing,
        description="paper listing copied from a paper-listing site (header, byline, abstract)",
        extensions=(".txt",),
        sniff=sniff_listing,
        boundary=is_record_start,
    )
