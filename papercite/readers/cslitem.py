"""One CSL-JSON item to a record: names, dates, types and variables by papercite.fieldmap's
tables, and CSL's rich-text markup to LaTeX."""

from __future__ import annotations

import datetime as _dt
import re
from typing import Any

from papercite import arxivids, fieldmap
from papercite.dates import edtf_from_csl, month_number, parse_edtf
from papercite.links.urls import find_links
from papercite.model import Author, DatePrecision, Group, Link, Paper, Person, Source, iso_date
from papercite.readers import clean_doi, clean_url, date_from_parts, own_doi, own_url, preprint_type
from papercite.text.texify import escape_text


class ItemError(ValueError):
    """An item that cannot become a record."""


def _person(name: dict[str, Any]) -> Person:
    def part(key: str) -> str:
        value = name.get(key)
        return value if type(value) is str else ("" if value is None else str(value))

    return Person(
        part("given"),
        part("family"),
        particle=part("non-dropping-particle"),
        dropping_particle=part("dropping-particle"),
        suffix=part("suffix"),
    )


def _names(values: Any, role: str = "author") -> tuple[tuple[Author, ...], bool]:
    authors: list[Author] = []
    et_al = False
    if values is not None and not isinstance(values, list):
        raise ItemError(f"{role} is not a list of names")
    for name in values or []:
        if not isinstance(name, dict):
            raise ItemError(f"{role} {name!r} is not an object")
        if "literal" in name:
            if str(name["literal"]).strip().lower() in ("others", "et al.", "et al"):
                et_al = True
            else:
                authors.append(Group(str(name["literal"])))
            continue
        family = name.get("family")
        if type(family) is str and (len(name) == 1 or (len(name) == 2 and "given" in name)):
            given = name.get("given", "")  # family and given only (most names)
            authors.append(Person(given if type(given) is str else str(given), family))
        elif str(family or "").strip().lower() == "others" and not name.get("given"):
            et_al = True
        else:
            authors.append(_person(name))
    return tuple(authors), et_al


def _date(value: Any) -> tuple[_dt.date | None, DatePrecision]:
    if not isinstance(value, dict):
        return None, "day"
    parts = value.get("date-parts")
    if parts and isinstance(parts, list) and parts[0]:
        first = parts[0]
        if type(first) is list and len(first) == 3 and type(first[0]) is type(first[1]) is type(first[2]) is int:
            try:  # year, month and day as numbers (most items): nothing to convert
                return _dt.date(*first), "day"
            except ValueError:
                return date_from_parts(first)
        if not isinstance(first, list):
            raise ItemError("date-parts is not a list of lists")
        numbers: list[int] = []
        for p in first[:3]:  # a string month ("Jan") or season keeps the year
            if type(p) is float and p.is_integer():
                p = int(p)
            n = int(p) if type(p) is int or str(p).strip().lstrip("-").isdigit() else month_number(p)
            if n is None:
                break
            numbers.append(n)
        return date_from_parts(numbers)
    for key in ("raw", "literal"):
        if value.get(key):
            date, precision, _ = parse_edtf(str(value[key]))
            return date, precision
    return None, "day"


# Keys read into the record's own fields; other standard variables go to ``variables``.
_OWN = frozenset(
    {"id", "citation-key", "type", "title", "author", "issued", "DOI", "URL", "abstract", "custom", "number"}
)


def _key(item: dict[str, Any]) -> str | None:
    """The citation key: Better CSL JSON's ``citation-key`` (the user's key when the ``id`` is
    Zotero's item URI), else the ``id``."""
    for name in ("citation-key", "id"):
        value = item.get(name)
        if value not in (None, "") and isinstance(value, (str, int, float)):
            return str(value)
    return None


_CSL_TYPES = fieldmap.CSL_TYPES


_ALIASES = {"journalAbbreviation": "container-title-short", "shortTitle": "title-short"}


# How each CSL variable is read: names, a date, rich text, identifiers as they are, or text.
_HOW: dict[str, str] = {
    **{k: "text" for k in fieldmap.CSL_TEXT_VARIABLES | fieldmap.CSL_NUMBER_VARIABLES},
    **{k: "verbatim" for k in fieldmap.VERBATIM_VARIABLES},
    **{k: "rich" for k in fieldmap.CSL_RICH_VARIABLES},
    **{k: "date" for k in fieldmap.CSL_DATE_VARIABLES},
    **{k: "name" for k in fieldmap.CSL_NAME_VARIABLES},
}


def _strings(value: Any) -> list[str]:
    """A list of strings from a JSON value that should be one (anything else gives none)."""
    return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []


def item_to_paper(item: Any, source: Source) -> Paper:
    """One CSL-JSON item as a record; raises :class:`ItemError` if it cannot be one."""
    if not isinstance(item, dict):
        raise ItemError("item is not a JSON object")
    title = rich_to_latex(str(item.get("title", "")).strip())
    authors, et_al = _names(item.get("author"))
    try:
        date, precision = _date(item.get("issued"))
    except (TypeError, ValueError) as exc:
        raise ItemError(f"bad issued date: {exc}") from None
    get = item.get
    custom = get("custom")
    custom = custom.get("papercite") if isinstance(custom, dict) else None
    if not isinstance(custom, dict):
        custom = {}  # another tool's "custom", or a damaged one: papercite's extras are simply absent
    arxiv_id = arxivids.id_from(item.get("number"), item.get("DOI"), item.get("URL"))
    doi = clean_doi(str(item["DOI"])) if get("DOI") else None
    url = clean_url(str(item["URL"])) if get("URL") else None
    # papercite's own list of links, else those in the note (and the item's URL, which may be one).
    urls = _strings(custom.get("urls")) or [*_NOTE_URL.findall(str(get("note", ""))), *([url] if url else [])]
    links = tuple(find_links(urls[0].rstrip(";,"))) if len(urls) == 1 else _links(urls)
    abstract = str(get("abstract", ""))
    subject = custom.get("subject")
    category = custom.get("category")
    kind = get("type")
    variables: list[tuple[str, str]] = []
    names: list[tuple[str, tuple[Author, ...]]] = []
    extra: list[tuple[str, str]] = []
    number = get("number")
    if number not in (None, "") and not (arxiv_id and str(number).lower().startswith("arxiv:")):
        variables.append(("number", str(number)))
    elif number and arxiv_id and (version := arxivids.version_in(str(number))):
        extra.append((arxivids.VERSION, version))
    for key in [k for k in item if k not in _OWN]:  # most items have two or three keys left
        value = item[key]
        if value is None or value == "":
            continue
        if custom and key in ("note", "publisher"):
            # papercite's own item: its links close the note (they are in custom.papercite.urls),
            # and "arXiv" as publisher says it is a preprint, which the record's type says.
            if key == "publisher" and value == "arXiv" and (arxiv_id or category):
                continue
            if key == "note" and custom.get("urls"):
                before, _, last = str(value).rpartition("\n")
                if last.startswith(_LINK_LABELS):
                    if not before:
                        continue
                    value = before
        key = _ALIASES.get(key, key)
        how = _HOW.get(key)
        if how is None:
            if isinstance(value, (str, int, float)):
                extra.append((f"csl:{key}", str(value)))
        elif how == "name":
            people = _names(value, key)[0]
            if people:
                names.append((key, people))
        elif how == "date":
            text = edtf_from_csl(value) or _plain_date(value)
            if text:
                variables.append((key, text))
        else:
            text = value if type(value) is str else str(value)
            if how == "rich":
                text = rich_to_latex(text)
            elif how == "text":
                text = escape_text(text)
            variables.append((key, text))
    issued = get("issued")
    edtf = None
    if issued is not None and not (
        precision == "day" and date is not None and len(issued) == 1 and len(issued.get("date-parts", ())) == 1
    ):  # not one plain day (most are): a range, a season, circa, a literal say more than ``date``
        edtf = edtf_from_csl(issued)  # None for a plain date, which ``date`` holds whole
    if edtf:
        variables.append(("issued", edtf))
    fields = custom.get("fields")
    if fields and isinstance(fields, dict):
        extra += [(str(k), v) for k, v in fields.items() if isinstance(v, str) and (str(k), v) not in extra]
    category = category if isinstance(category, str) else None
    csl_type = kind if type(kind) is str and kind in _CSL_TYPES else "document"
    final_type, kept = preprint_type(csl_type, arxiv_id, category, tuple(variables))
    paper = Paper(
        title=title,
        authors=authors,
        et_al=et_al or bool(custom.get("et_al")),
        affiliations=tuple(_strings(custom.get("affiliations"))),
        subject=subject if isinstance(subject, str) else None,
        category=category,
        date=date,
        date_precision=precision,
        has_code=bool(custom.get("has_code")),
        abstract=escape_text(abstract) if abstract else "",
        links=links,
        source=source,
        arxiv_id=arxiv_id,
        doi=own_doi(doi, arxiv_id),
        url=own_url(url, arxiv_id),
        type=final_type,
        key=_key(item),
        variables=kept,
        names=tuple(names),
        extra=tuple(extra),
    )
    if not paper.citable:
        raise ItemError("item has no title, names, DOI, URL or other data: nothing to cite")
    return paper


_TAGS = {
    "i": "\\textit{", "em": "\\textit{", "b": "\\textbf{", "strong": "\\textbf{",
    "sub": "\\textsubscript{", "sup": "\\textsuperscript{",
}  # fmt: skip


_MARKUP = re.compile(r'<(/?)(i|em|b|strong|sub|sup|span)((?:\s+(?:class|style)="[^"]*")*)\s*>')


def rich_to_latex(text: str) -> str:
    """CSL rich text (``<i>``, ``<b>``, ``<sub>``, ``<sup>``, ``<span class="nocase">``,
    small caps) as the LaTeX source the record model holds; the rest of the text escaped.
    Only a tag closed by its own closing tag is markup (as in citeproc-js): a lone ``<sup>``
    or ``</i>`` is text."""
    if "<" not in text:
        return escape_text(text) if text else ""
    tags = list(_MARKUP.finditer(text))
    paired: set[int] = set()
    open_tags: list[int] = []
    for n, m in enumerate(tags):
        if not m.group(1):
            open_tags.append(n)
        elif open_tags and tags[open_tags[-1]].group(2) == m.group(2):
            paired.update((open_tags.pop(), n))
    out: list[str] = []
    pos = 0
    for n, m in enumerate(tags):
        if n not in paired:
            continue  # text, escaped with what surrounds it
        out.append(escape_text(text[pos : m.start()]))
        pos = m.end()
        closing, tag, attrs = m.groups()
        if closing:
            out.append("}")
        elif tag == "span":
            out.append("\\textsc{" if "small-caps" in attrs else "{")  # nocase, or a span of no known meaning: a group
        else:
            out.append(_TAGS[tag])
    out.append(escape_text(text[pos:]))
    return "".join(out)


_LINK_LABELS = ("Code: ", "Model: ", "Models: ", "Dataset: ", "Demo: ")  # what papercite's notes of links start with


def _plain_date(value: Any) -> str | None:
    return iso_date(*_date(value))


_NOTE_URL = re.compile(r"https?://\S+")


def _links(urls: list[str]) -> tuple[Link, ...]:
    """The GitHub and Hugging Face links of several URLs, each once."""
    return tuple(dict.fromkeys(link for url in urls for link in find_links(url.rstrip(";,"))))
