"""What a bibliography file holds, read by independent readers, and how much of it a conversion kept.

The readers here are not papercite's: bibtexparser 2 (with pylatexenc for the text) for
BibTeX/BibLaTeX, rispy for RIS, the json module for CSL-JSON. Each record becomes a flat
dict of the key fields (type class, title, authors, editors, year, DOI, URL, container,
volume, issue, pages, publisher, place, ISBN/ISSN, keywords, language) normalised so that
the same fact compares equal whatever format holds it. ``compare`` matches the records of
an input and of an output (by key, then by title) and counts, per field, how many present
in the input survive in the output.

Used by ``tests/test_real_files.py`` and ``bench/fidelity.py``.
"""

from __future__ import annotations

import functools
import json
import re
import unicodedata
from collections import Counter
from pathlib import Path
from typing import Any

FIELDS = (
    "key", "type", "title", "authors", "editors", "year", "doi", "url", "container", "volume",
    "issue", "pages", "publisher", "place", "isbn", "issn", "keywords", "language",
)  # fmt: skip

# Coarse type classes every format can tell apart.
_BIB_TYPES = {
    "article": "journal", "book": "book", "mvbook": "book", "booklet": "book", "collection": "book",
    "mvcollection": "book", "proceedings": "book", "mvproceedings": "book", "inbook": "chapter",
    "incollection": "chapter", "bookinbook": "chapter", "suppbook": "chapter", "inproceedings": "conference",
    "conference": "conference", "phdthesis": "thesis", "mastersthesis": "thesis", "thesis": "thesis",
    "techreport": "report", "report": "report", "online": "web", "electronic": "web", "www": "web",
    "dataset": "dataset", "software": "software", "patent": "patent", "unpublished": "manuscript",
}  # fmt: skip
_RIS_TYPES = {
    "JOUR": "journal", "JFULL": "journal", "EJOUR": "journal", "BOOK": "book", "EBOOK": "book",
    "EDBOOK": "book", "CHAP": "chapter", "ECHAP": "chapter", "CONF": "conference", "CPAPER": "conference",
    "THES": "thesis", "RPRT": "report", "ELEC": "web", "WEB": "web", "DATA": "dataset", "COMP": "software",
    "PAT": "patent", "UNPB": "manuscript", "MANSCPT": "manuscript",
}  # fmt: skip
_CSL_TYPES = {
    "article-journal": "journal", "book": "book", "chapter": "chapter", "paper-conference": "conference",
    "thesis": "thesis", "report": "report", "webpage": "web", "post-weblog": "web", "post": "web",
    "dataset": "dataset", "software": "software", "patent": "patent", "manuscript": "manuscript",
}  # fmt: skip


def _norm(text: Any) -> str:
    """Lower-case letters and digits only, accents folded: the fact, not its spelling."""
    text = unicodedata.normalize("NFKD", str(text or ""))
    return re.sub(r"[\W_]+", "", text).lower()


def _doi(text: Any) -> str:
    text = str(text or "").strip()
    m = re.search(r"10\.\d{4,9}/\S+", text.replace("\\_", "_").replace("{\\_}", "_"))
    return m.group().lower().rstrip(".") if m else ""


def _first_page(text: Any) -> str:
    m = re.match(r"\s*([A-Za-z]*\d+)", str(text or ""))
    return m.group(1).lower() if m else _norm(text)


def _year(text: Any) -> str:
    m = re.search(r"(?<!\d)(\d{4})(?!\d)", str(text or ""))
    return m.group(1) if m else ""


def _digits(text: Any) -> str:
    return re.sub(r"[^0-9xX]", "", str(text or "")).lower()


def _record(**values: Any) -> dict[str, Any]:
    record = {name: values.get(name) or "" for name in FIELDS}
    for name in ("authors", "editors", "keywords"):
        record[name] = tuple(values.get(name) or ())
    return record


# BibTeX -------------------------------------------------------------------------------------


@functools.lru_cache(maxsize=1)
def _latex2text():  # one converter: building pylatexenc's context takes longer than converting a title
    from pylatexenc.latex2text import LatexNodes2Text

    return LatexNodes2Text(math_mode="verbatim")


@functools.lru_cache(maxsize=65536)
def _latex_text(value: str) -> str:
    if not any(c in value for c in "\\{$~"):
        return value
    try:
        return _latex2text().latex_to_text(value)
    except Exception:  # pylatexenc gives up on some malformed input: compare the source then
        return value


def _bib_families(value: str) -> tuple[str, ...]:
    from bibtexparser.middlewares.names import (
        InvalidNameError,
        parse_single_name_into_parts,
        split_multiple_persons_names,
    )

    families = []
    for name in split_multiple_persons_names(value):
        if name.strip().lower() == "others":
            continue
        if "=" in name and re.search(r"\bfamily\s*=", name):  # biblatex's extended name format
            m = re.search(r"\bfamily\s*=\s*(\{[^}]*\}|[^,]*)", name)
            families.append(_norm(_latex_text(m.group(1).strip("{}"))).split()[-1:] if m else "")
            families[-1] = "".join(families[-1])
            continue
        try:
            parts = parse_single_name_into_parts(name, strict=False)
            last = " ".join(parts.last)
        except InvalidNameError:
            last = name
        words = _latex_text(last).split()
        families.append(_norm(words[-1]) if words else "")
    return tuple(families)


def read_bib(text: str) -> list[dict[str, Any]]:
    import bibtexparser
    from bibtexparser.middlewares import RemoveEnclosingMiddleware, ResolveStringReferencesMiddleware

    library = bibtexparser.parse_string(
        text, parse_stack=[ResolveStringReferencesMiddleware(True), RemoveEnclosingMiddleware(True)]
    )
    blocks = list(library.entries)
    for failed in library.failed_blocks:  # a duplicate key is still a record of the file
        entry = getattr(failed, "ignore_error_block", None)
        if entry is not None and hasattr(entry, "fields"):
            blocks.append(entry)
    records = []
    for entry in blocks:
        f = {field.key.lower(): field.value for field in entry.fields if isinstance(field.value, str)}
        kind = entry.entry_type.lower()
        number = f.get("number", "")
        issue = f.get("issue", "") or (number if kind in ("article", "periodical") else "")
        container = f.get("journal") or f.get("journaltitle") or f.get("booktitle") or ""
        records.append(
            _record(
                key=entry.key,
                type=_BIB_TYPES.get(kind, "misc"),
                title=_norm(_latex_text(f.get("title", ""))),
                authors=_bib_families(f.get("author", "")),
                editors=_bib_families(f.get("editor", "")),
                year=_year(f.get("year") or f.get("date")),
                doi=_doi(f.get("doi")),
                url=_norm(f.get("url", "").replace("\\_", "_").replace("{\\_}", "_")),
                container=_norm(_latex_text(container)),
                volume=_norm(f.get("volume")),
                issue=_norm(issue),
                pages=_first_page(f.get("pages")),
                publisher=_norm(_latex_text(f.get("publisher", "") or f.get("institution", "") or f.get("school", ""))),
                place=_norm(_latex_text(f.get("address", "") or f.get("location", ""))),
                isbn=_digits(f.get("isbn")),
                issn=_digits(f.get("issn")),
                keywords=sorted(_norm(k) for k in re.split(r"[,;]", _latex_text(f.get("keywords", ""))) if _norm(k)),
                language=_norm(f.get("language") or f.get("langid")),
            )
        )
    return records


# RIS ----------------------------------------------------------------------------------------


def _ris_family(name: str) -> str:
    family = name.split(",")[0] if "," in name else name
    words = family.split()
    return _norm(words[-1]) if words else ""


def read_ris(text: str) -> list[dict[str, Any]]:
    import rispy

    # rispy wants exactly two spaces before the dash; a single space is fixed here so the
    # independent count sees the records of such files too.
    text = re.sub(r"(?m)^([A-Z][A-Z0-9]) -( |$)", r"\1  -\2", text.lstrip("\ufeff"))
    records = []
    for entry in rispy.loads(text, skip_unknown_tags=True, enforce_list_tags=False):
        g = entry.get

        def one(*names: str, g=g) -> str:
            for name in names:
                value = g(name)
                if isinstance(value, list):
                    value = value[0] if value else ""
                if value:
                    return str(value)
            return ""

        def many(*names: str, g=g) -> list[str]:
            out: list[str] = []
            for name in names:
                value = g(name) or []
                out += value if isinstance(value, list) else [value]
            return out

        kind = str(g("type_of_reference", ""))
        container = one("journal_name", "secondary_title", "alternate_title3", "alternate_title2", "alternate_title1")
        if kind in ("BOOK", "EBOOK", "EDBOOK", "THES", "RPRT"):
            container = ""  # T2 of a book is its series, not a container
        records.append(
            _record(
                key=one("id"),
                type=_RIS_TYPES.get(kind, "misc"),
                title=_norm(one("title", "primary_title")),
                authors=tuple(
                    _ris_family(a) for a in many("authors", "first_authors") if a.strip().lower() != "others"
                ),
                editors=tuple(_ris_family(a) for a in many("secondary_authors", "editor")),
                year=_year(one("year", "publication_year", "date")),
                doi=_doi(one("doi")),
                url=_norm(one("urls", "url")),
                container=_norm(container),
                volume=_norm(one("volume")),
                issue=_norm(one("number", "issue")),
                pages=_first_page(one("start_page")),
                publisher=_norm(one("publisher")),
                place=_norm(one("place_published")),
                isbn=_digits(one("issn")) if len(_digits(one("issn"))) in (10, 13) else "",
                issn=_digits(one("issn")) if len(_digits(one("issn"))) == 8 else "",
                keywords=sorted(_norm(k) for k in many("keywords") if _norm(k)),
                language=_norm(one("language")),
            )
        )
    return records


# CSL-JSON -----------------------------------------------------------------------------------


def _csl_text(value: Any) -> str:
    return re.sub(r"<[^>]+>", "", str(value or ""))


def _csl_families(names: Any) -> tuple[str, ...]:
    out = []
    for name in names if isinstance(names, list) else []:
        if not isinstance(name, dict):
            continue
        family = name.get("family") or name.get("literal") or name.get("given") or ""
        if str(family).strip().lower() == "others":
            continue
        words = str(family).split()
        out.append(_norm(words[-1]) if words else "")
    return tuple(out)


def _csl_year(value: Any) -> str:
    if isinstance(value, dict):
        parts = value.get("date-parts")
        if isinstance(parts, list) and parts and isinstance(parts[0], list) and parts[0]:
            return _year(f"{int(str(parts[0][0])):04d}") if str(parts[0][0]).lstrip("-").isdigit() else ""
        return _year(value.get("raw") or value.get("literal"))
    return _year(value)


def read_csl(text: str) -> list[dict[str, Any]]:
    data = json.loads(text.lstrip("\ufeff"))
    items = data if isinstance(data, list) else [data]
    records = []
    for item in items:
        if not isinstance(item, dict):
            continue
        g = item.get
        isbn, issn = g("ISBN", ""), g("ISSN", "")
        keywords = g("keyword", "")
        records.append(
            _record(
                key=str(g("id", "")),
                type=_CSL_TYPES.get(str(g("type", "")), "misc"),
                title=_norm(_csl_text(g("title"))),
                authors=_csl_families(g("author")),
                editors=_csl_families(g("editor")),
                year=_csl_year(g("issued")),
                doi=_doi(g("DOI")),
                url=_norm(g("URL")),
                container=_norm(_csl_text(g("container-title"))),
                volume=_norm(g("volume")),
                issue=_norm(g("issue")),
                pages=_first_page(g("page")),
                publisher=_norm(g("publisher")),
                place=_norm(g("publisher-place")),
                isbn=_digits(isbn),
                issn=_digits(issn),
                keywords=sorted(_norm(k) for k in re.split(r"[,;]", str(keywords)) if _norm(k)),
                language=_norm(g("language")),
            )
        )
    return records


READERS = {"bib": read_bib, "ris": read_ris, "csl": read_csl}
FORMAT_KIND = {"bibtex": "bib", "biblatex": "bib", "csljson": "csl", "ris": "ris"}


def read(path: Path, kind: str) -> list[dict[str, Any]]:
    raw = path.read_bytes()
    for encoding in ("utf-8-sig", "utf-16") if not raw.startswith((b"\xff\xfe", b"\xfe\xff")) else ("utf-16",):
        try:
            return READERS[kind](raw.decode(encoding))
        except UnicodeDecodeError:
            continue
    return READERS[kind](raw.decode("latin-1"))


def _same(name: str, theirs: Any, ours: Any) -> bool:
    if name in ("authors", "editors"):
        return len(theirs) == len(ours) and all(a == b or not a for a, b in zip(theirs, ours, strict=True))
    if name == "keywords":
        return set(theirs) <= set(ours)
    if name in ("title", "container", "publisher", "place"):
        return theirs == ours or (len(theirs) > 12 and theirs in ours)
    return theirs == ours


def compare(
    inputs: list[dict[str, Any]], outputs: list[dict[str, Any]]
) -> tuple[Counter[str], Counter[str], list[str]]:
    """(present, kept, losses): per field, how many input records have it and how many of those
    the matching output record holds the same; ``losses`` names a few that did not survive."""
    by_key: dict[str, list[int]] = {}
    by_title: dict[str, list[int]] = {}
    for i, out in enumerate(outputs):
        by_key.setdefault(out["key"], []).append(i)
        by_title.setdefault(out["title"], []).append(i)
    used: set[int] = set()
    present: Counter[str] = Counter()
    kept: Counter[str] = Counter()
    losses: list[str] = []
    for record in inputs:
        candidates = [i for i in by_key.get(record["key"], []) if i not in used] if record["key"] else []
        if not candidates and record["title"]:
            candidates = [i for i in by_title.get(record["title"], []) if i not in used]
        match = outputs[candidates[0]] if candidates else None
        if candidates:
            used.add(candidates[0])
        present["record"] += 1
        kept["record"] += match is not None
        for name in FIELDS:
            if not record[name]:
                continue
            present[name] += 1
            if match is not None and _same(name, record[name], match[name]):
                kept[name] += 1
            elif len(losses) < 20:
                losses.append(
                    f"{record['key'] or record['title'][:30]}: {name} {record[name]!r} -> {match[name] if match else None!r}"
                )
    return present, kept, losses
