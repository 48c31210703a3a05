"""One BibTeX entry to a record: its names, date, arXiv id, type and the fields papercite.fieldmap maps."""

from __future__ import annotations

import datetime as _dt
import re

from papercite import arxivids, fieldmap
from papercite.dates import month_number, parse_edtf
from papercite.links.urls import find_links
from papercite.model import Author, DatePrecision, Paper, Source
from papercite.readers import clean_doi, clean_url, date_from_parts, own_doi, own_url, preprint_type
from papercite.readers.bibnames import (
    authors_of,
    plain,
)


def _date(fields: dict[str, str]) -> tuple[_dt.date | None, DatePrecision, str | None]:
    """(date, precision, the EDTF text when ``date`` says more than a plain date)."""
    raw = fields.get("date", "").strip()
    if raw:
        date, precision, more = parse_edtf(raw)
        if date is not None or more:
            return date, precision, raw if more else None
    year = re.search(r"-?\d{1,4}", fields.get("year", ""))
    if not year:
        return None, "day", None
    numbers = [int(year.group())]
    month = month_number(
        fields.get("month", "").strip().strip("{}").split("~")[0].split()[0] if fields.get("month", "").strip() else ""
    )
    if month is not None and 1 <= month <= 12:
        numbers.append(month)
        day = fields.get("day", "").strip()
        if day.isdigit():
            numbers.append(int(day))
    date, precision = date_from_parts(numbers)
    if date is None or (month is not None and month > 12):
        text = f"{numbers[0]:04d}" if numbers[0] >= 0 else f"-{-numbers[0]:04d}"
        return date, precision, text + (f"-{month:02d}" if month and month > 12 else "")
    return date, precision, None


def arxiv_id_of(fields: dict[str, str]) -> str | None:
    """The arXiv identifier a BibTeX entry's fields (names lower-cased) give, wherever the
    tools that write .bib files put it: ``eprint`` (with an arXiv or no prefix), Mendeley's
    ``arxivId`` or an ``arxiv`` field, an arXiv DOI or URL, or ``journal``/``journaltitle``/
    ``note``/``howpublished`` saying ``arXiv:ID``. The one rule for reading and for merging."""
    prefix = (fields.get("archiveprefix") or fields.get("eprinttype") or "").lower()
    if fields.get("eprint") and (prefix in ("arxiv", "") or "arxiv" in prefix):
        found = arxivids.id_in(fields["eprint"])
        if found:
            return found
    for name in ("arxivid", "arxiv"):
        found = arxivids.id_in(fields.get(name, ""))
        if found:
            return found
    found = arxivids.id_from(None, fields.get("doi"), fields.get("url"))
    if found:
        return found
    for name in ("journal", "journaltitle", "note", "howpublished"):
        found = arxivids.id_in(fields.get(name, ""), prefixed=True)
        if found:
            return found
    return None


# Fields the reader takes apart itself; every other field is a CSL variable by the tables
# of papercite.fieldmap, or kept as it is in ``extra``.
_OWN = (
    frozenset(
        """title author year month day date doi url eprint archiveprefix eprinttype primaryclass eprintclass
    abstract journal journaltitle booktitle publisher institution school organization number issue
    crossref xdata""".split()
    )
    | {row.bibtex for row in fieldmap.NAMES if row.bibtex}
    | {row.biblatex for row in fieldmap.NAMES if row.biblatex}
)


_NAME_ROLES = {name: row.csl for row in fieldmap.NAMES for name in (row.bibtex, row.biblatex) if name}


def entry_to_paper(entry, source: Source, inherited: dict[str, str] | None = None) -> Paper:
    """One entry as a record (``inherited``: fields of its crossref/xdata parents that it
    lacks); raises ValueError if it holds nothing citable."""
    fields = {f.key.lower(): f.value for f in entry.fields if isinstance(f.value, str)}
    if inherited:
        fields = {**inherited, **fields}
    kind = entry.entry_type.lower()
    title = fields.get("title", "").strip()
    authors, et_al = authors_of(fields.get("author", ""))
    date, precision, edtf = _date(fields)
    arxiv_id = arxiv_id_of(fields)
    doi = clean_doi(fields.get("doi"))
    url = clean_url(fields["url"]) if fields.get("url", "").strip() else None
    # URLs as the text shows them (\_ is _, \url{} unwrapped).
    # A code or model URL may also be the entry's own url (hand-written .bib files do that).
    links_text = " ".join(plain(fields.get(name, "")) for name in ("note", "addendum", "howpublished", "url"))
    csl_type = fieldmap.csl_type("biblatex", kind) or fieldmap.csl_type("bibtex", kind) or "document"
    variables: list[tuple[str, str]] = []
    container = fields.get("journal") or fields.get("journaltitle") or fields.get("booktitle") or ""
    if container.strip():
        variables.append(("container-title", container.strip()))
    publisher = next((fields[n] for n in ("publisher", "institution", "school", "organization") if fields.get(n)), "")
    if publisher.strip():
        variables.append(("publisher", publisher.strip()))
    number, issue = fields.get("number", "").strip(), fields.get("issue", "").strip()
    if issue:
        variables.append(("issue", issue))
    if number:
        if csl_type in fieldmap.JOURNAL_TYPES and not issue:
            variables.append(("issue", number))
        elif csl_type not in fieldmap.NUMBERED_TYPES and fields.get("series"):
            variables.append(("collection-number", number))
        else:
            variables.append(("number", number))
    if edtf:
        variables.append(("issued", edtf))
    names: list[tuple[str, tuple[Author, ...]]] = []
    extra: list[tuple[str, str]] = []
    version = arxivids.version_in(fields.get("eprint", "")) if arxiv_id else None
    if version:
        extra.append((arxivids.VERSION, version))  # the version the entry cites, kept in eprint
    for name, value in fields.items():
        if name in _OWN:
            role = _NAME_ROLES.get(name)
            if role and value.strip() and role not in dict(names):
                names.append((role, authors_of(value)[0]))
            continue
        row = fieldmap.field_csl("biblatex", name)
        value = value.strip()
        if not value:
            continue
        if row is None:
            extra.append((f"bibtex:{name}", value))
        elif row.csl == "medium" and value.lower() == "arxiv preprint":
            continue  # papercite's own mark of a preprint without an id yet
        elif not any(k == row.csl for k, _ in variables):
            if row.csl == "page":
                value = re.sub(r"\s*-{1,3}\s*", "-", value)
            variables.append((row.csl, value))
    category = fields.get("primaryclass") or fields.get("eprintclass") or None
    kind, kept = preprint_type(csl_type, arxiv_id, category, tuple(variables))
    paper = Paper(
        title=title,
        authors=authors,
        et_al=et_al,
        category=category,
        date=date,
        date_precision=precision,
        abstract=fields.get("abstract", "").strip(),
        links=tuple(dict.fromkeys(find_links(links_text))),
        source=source,
        arxiv_id=arxiv_id,
        doi=own_doi(doi, arxiv_id),
        url=own_url(url, arxiv_id),
        type=kind,
        key=entry.key.strip() or None,
        variables=kept,
        names=tuple(names),
        extra=tuple(extra),
    )
    if not paper.citable:
        raise ValueError("entry has no title, names, DOI, URL or container: nothing to cite")
    return paper
