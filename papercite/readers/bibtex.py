"""Reader for BibTeX and BibLaTeX, with bibtexparser 2.

``@string`` macros and month macros are resolved and names are split by
bibtexparser; titles and abstracts stay LaTeX (the record model holds LaTeX
source, and a style's case-protecting braces are kept as grouping), names are
decoded to Unicode (``{\\L}ukasz`` -> ``Łukasz``). arXiv identifiers come from
``eprint`` (with ``archivePrefix``/``eprinttype`` arXiv), an arXiv DOI, URL
or ``journal = {arXiv preprint arXiv:…}``; the category from
``primaryClass``/``eprintclass``; code and model links from the URLs in
``note``, ``addendum`` and ``howpublished``. An entry bibtexparser cannot
parse is reported with its line; the entries after it are still read.
"""

from __future__ import annotations

import datetime as _dt
import logging
import re
from collections.abc import Iterable, Iterator

from papercite import arxiv
from papercite.latex import latex_to_text
from papercite.links import find_links
from papercite.model import Author, DatePrecision, Group, Paper, Person, Source
from papercite.plugins.hookspecs import hookimpl
from papercite.plugins.types import ReadContext, Reader
from papercite.readers import date_from_parts, own_doi
from papercite.readers.csljson import arxiv_id_from

_MONTHS = {m: i for i, m in enumerate("jan feb mar apr may jun jul aug sep oct nov dec".split(), start=1)}


def _plain(value: str) -> str:
    return latex_to_text(value)


_AND = re.compile(r"[ \t\r\n]+and[ \t\r\n]+", re.IGNORECASE)


def split_names(text: str) -> list[str]:
    """The names of a BibTeX name list, by BibTeX's own rule: separated by the word "and"
    between white space, outside braces. (bibtexparser's splitter loses the character after a
    backslash at the start of a name, and the word before an escaped character.)"""
    names: list[str] = []
    depth = start = i = 0
    while i < len(text):
        char = text[i]
        if char == "{":
            depth += 1
        elif char == "}":
            depth = max(0, depth - 1)
        elif depth == 0 and char in " \t\r\n":
            m = _AND.match(text, i)
            if m:
                names.append(text[start:i])
                start = i = m.end()
                continue
        i += 1
    names.append(text[start:])
    return [name.strip() for name in names if name.strip()]


def _name_parts(name: str):  # -> bibtexparser's NameParts
    from bibtexparser.middlewares.names import InvalidNameError, NameParts, parse_single_name_into_parts

    try:
        return parse_single_name_into_parts(name, strict=False)
    except InvalidNameError:
        return NameParts(last=[name])  # too many commas: kept whole rather than lost


def _authors(names: list, source: Source) -> tuple[tuple[Author, ...], bool]:
    authors: list[Author] = []
    et_al = False
    for parts in names:
        last = " ".join(parts.last)
        if not parts.first and not parts.von and not parts.jr:
            if last.lower() == "others":
                et_al = True
                continue
            if last.startswith("{") and last.endswith("}"):
                authors.append(Group(_plain(last[1:-1])))  # an institution, braced so it is not split
                continue
        family = " ".join(parts.von + parts.last)
        if parts.jr:
            family += ", " + " ".join(parts.jr)
        authors.append(Person(_plain(" ".join(parts.first)), _plain(family)))
    return tuple(authors), et_al


def _date(fields: dict[str, str]) -> tuple[_dt.date | None, DatePrecision]:
    raw = fields.get("date", "")
    m = re.match(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?", raw)
    if m:
        numbers = [int(g) for g in m.groups() if g]
    else:
        year = re.search(r"\d{4}", fields.get("year", ""))
        if not year:
            return None, "day"
        numbers = [int(year.group())]
        month = fields.get("month", "").strip().strip("{}").lower()
        if month[:3] in _MONTHS:
            numbers.append(_MONTHS[month[:3]])
        elif month.isdigit() and 1 <= int(month) <= 12:
            numbers.append(int(month))
    return date_from_parts(numbers)


def _arxiv_id(fields: dict[str, str]) -> str | None:
    prefix = (fields.get("archiveprefix") or fields.get("eprinttype") or "").lower()
    if fields.get("eprint") and (prefix in ("arxiv", "") or "arxiv" in prefix):
        found = arxiv.id_in(fields["eprint"])
        if found:
            return found
    found = arxiv_id_from({"DOI": fields.get("doi", ""), "URL": fields.get("url", "")})
    if found:
        return found
    for name in ("journal", "journaltitle", "note", "howpublished"):
        found = arxiv.id_in(fields.get(name, ""), prefixed=True)
        if found:
            return found
    return None


def entry_to_paper(entry, source: Source) -> Paper:
    fields = {f.key.lower(): f.value for f in entry.fields if isinstance(f.value, str)}
    names = [_name_parts(name) for name in split_names(fields.get("author", ""))]
    title = fields.get("title", "").strip()
    if not title:
        raise ValueError("entry has no title")
    authors, et_al = _authors(names, source)
    date, precision = _date(fields)
    arxiv_id = _arxiv_id(fields)
    doi = fields.get("doi", "").strip() or None
    # URLs as the text shows them (\_ is _, \url{} unwrapped).
    # A code or model URL may also be the entry's own url (hand-written .bib files do that).
    links_text = " ".join(_plain(fields.get(name, "")) for name in ("note", "addendum", "howpublished", "url"))
    url = fields.get("url", "").strip() or None
    return Paper(
        title=title,
        authors=authors,
        et_al=et_al,
        category=(fields.get("primaryclass") or fields.get("eprintclass") or None),
        date=date,
        date_precision=precision,
        abstract=fields.get("abstract", "").strip(),
        links=tuple(dict.fromkeys(find_links(links_text))),
        source=source,
        arxiv_id=arxiv_id,
        doi=own_doi(doi, arxiv_id),
        url=url if url and "arxiv.org/abs/" not in url else None,
    )


_CHUNK_BLOCKS = 500  # blocks handed to bibtexparser at a time: the reader streams


def _block_chunks(lines: Iterable[str]) -> Iterator[tuple[int, str]]:
    """(index of the first line, text) of about _CHUNK_BLOCKS blocks at a time, cut before
    lines that start a block."""
    chunk: list[str] = []
    start = blocks = 0
    for number, line in enumerate(lines):
        if line.lstrip().startswith("@"):
            if blocks >= _CHUNK_BLOCKS:
                yield start, "".join(chunk)
                chunk, start, blocks = [], number, 0
            blocks += 1
        chunk.append(line)
    if chunk:
        yield start, "".join(chunk)


def _macro_resolver():  # -> a bibtexparser middleware
    """bibtexparser's string resolution, against every ``@string`` seen so far in the file:
    each definition is parsed once, however many chunks follow it (handing the definitions
    to every chunk as text made a file of many macros cost quadratic time)."""
    from bibtexparser.middlewares import ResolveStringReferencesMiddleware

    class Macros(ResolveStringReferencesMiddleware):
        def __init__(self) -> None:
            super().__init__(allow_inplace_modification=True)
            self.known: dict[str, object] = {}

        def transform(self, library):  # type: ignore[no-untyped-def]
            # Keys are case-insensitive; later definitions win (as in bibtexparser and BibTeX).
            self.known.update({key.lower(): string.value for key, string in library.strings_dict.items()})
            known = self.known
            for entry in library.entries:
                for field in entry.fields:
                    value = field.value
                    if isinstance(value, str) and not (value[:1] in "{\"" and value[-1:] in "}\""):
                        resolved = known.get(value.lower())
                        if resolved is not None:
                            field.value = resolved
            return library

    return Macros()


def read_bibtex(lines: Iterable[str], ctx: ReadContext) -> Iterator[Paper]:
    """Stream the entries, a few hundred blocks at a time; ``@string`` macros defined in
    earlier chunks resolve in later ones."""
    import bibtexparser
    from bibtexparser.middlewares import RemoveEnclosingMiddleware

    report = ctx.diagnostics
    logging.getLogger("bibtexparser").setLevel(logging.CRITICAL)  # its failures are reported below
    stack = [_macro_resolver(), RemoveEnclosingMiddleware(allow_inplace_modification=True)]
    any_text = any_block = False
    for start, text in _block_chunks(lines):
        any_text = any_text or bool(text.strip())
        library = bibtexparser.parse_string(text, parse_stack=stack)
        failed = {id(b) for b in library.failed_blocks}
        for block in sorted(library.entries + library.failed_blocks, key=lambda b: b.start_line):
            any_block = True
            source = Source(ctx.source, ctx.line_offset + start + block.start_line + 1)
            if id(block) in failed:
                error = getattr(block, "error", None)
                reason = str(error) if error and str(error) else "syntax error (unbalanced braces or a missing comma?)"
                report.skip(source, f"cannot parse this entry: {reason}; skipped")
                continue
            try:
                paper = entry_to_paper(block, source)
            except ValueError as exc:
                report.skip(source, f"{exc}; skipped")
                continue
            report.read += 1
            yield paper
    if not any_text:
        report.warn(ctx.source, "empty input: no records")
    elif not any_block:
        report.warn(ctx.source, "no entries found")


def sniff_bibtex(first_lines: list[str]) -> bool:
    return any(re.match(r"\s*@\w+\s*[{(]", line) for line in first_lines)


@hookimpl
def papercite_readers() -> Iterable[Reader]:
    yield Reader(
        name="bibtex",
        read=read_bibtex,
        description="BibTeX (.bib), LaTeX decoded, @string and month macros resolved",
        extensions=(".bib", ".bibtex"),
        sniff=sniff_bibtex,
    )
    yield Reader(
        name="biblatex",
        read=read_bibtex,
        description="BibLaTeX (.bib): the BibTeX reader, which also knows date, eprinttype, eprintclass",
    )
