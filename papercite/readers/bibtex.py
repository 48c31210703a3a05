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

from papercite import arxivids, fieldmap
from papercite.dates import month_number, parse_edtf
from papercite.diagnostics import Diagnostics
from papercite.links.urls import find_links
from papercite.model import Author, DatePrecision, Group, Paper, Person, Source
from papercite.plugins.hookspecs import hookimpl
from papercite.plugins.types import ReadContext, Reader
from papercite.readers import clean_doi, clean_url, date_from_parts, own_doi, own_url, preprint_type
from papercite.text.latex import latex_to_text


def _plain(value: str) -> str:
    return latex_to_text(value)


_AND = re.compile(r"[ \t\r\n]+and[ \t\r\n]+", re.IGNORECASE)


def split_names(text: str) -> list[str]:
    """The names of a BibTeX name list, by BibTeX's own rule: separated by the word "and"
    between white space, outside braces. (bibtexparser's splitter loses the character after a
    backslash at the start of a name, and the word before an escaped character.)"""
    if "{" not in text:  # no group to keep "and" inside: the regular expression splits alike
        return [name for name in (part.strip() for part in _AND.split(text)) if name]
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


_XNAME = re.compile(r"\s*([a-z-]+)\s*=\s*(\{(?:[^{}]|\{[^{}]*\})*\}|[^,]*)\s*(?:,|$)", re.IGNORECASE)


def _extended_name(name: str) -> Person | None:
    """biblatex's extended name format, ``family=Dijk, given=Marten, prefix=van, useprefix=true``."""
    if "=" not in name or not re.match(r"\s*(?:family|given|prefix|suffix)\s*=", name, re.IGNORECASE):
        return None
    parts: dict[str, str] = {}
    pos = 0
    while pos < len(name):
        m = _XNAME.match(name, pos)
        if not m or m.end() == pos:
            return None
        value = m.group(2).strip()
        parts[m.group(1).lower()] = value[1:-1] if value.startswith("{") and value.endswith("}") else value
        pos = m.end()
    prefix = _plain(parts.get("prefix", ""))
    non_dropping = parts.get("useprefix", "").strip().lower() == "true"
    return Person(
        _plain(parts.get("given", "")),
        _plain(parts.get("family", "")),
        particle=prefix if non_dropping else "",
        dropping_particle="" if non_dropping else prefix,
        suffix=_plain(parts.get("suffix", "")),
    )


def _simple_name(name: str) -> Person | None:
    """``Liu, Xiao``, the form most names take in files that tools write: split here, as
    bibtexparser would (one comma, no braces or commands, no lower-case "von" word), several
    times faster; anything else is left to bibtexparser."""
    family, comma, given = name.partition(",")
    if not comma or "," in given or "{" in name or "\\" in name or "~" in name or "=" in name:
        return None
    words = family.split()
    if not words or not all(word[0].isupper() for word in words):
        return None
    return Person(_plain(" ".join(given.split())), _plain(" ".join(words)))


def _authors(value: str) -> tuple[tuple[Author, ...], bool]:
    authors: list[Author] = []
    et_al = False
    for name in split_names(value):
        simple = _simple_name(name)
        if simple is not None:
            authors.append(simple)
            continue
        person = _extended_name(name)
        if person is not None:
            authors.append(person)
            continue
        parts = _name_parts(name)
        last = " ".join(parts.last)
        if not parts.first and not parts.von and not parts.jr:
            if last.lower() == "others":
                et_al = True
                continue
            if last.startswith("{") and last.endswith("}"):
                authors.append(Group(_plain(last[1:-1])))  # an institution, braced so it is not split
                continue
        authors.append(
            Person(
                _plain(" ".join(parts.first)),
                _plain(last),
                particle=_plain(" ".join(parts.von)),
                suffix=_plain(" ".join(parts.jr)),
            )
        )
    return tuple(authors), et_al


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
    authors, et_al = _authors(fields.get("author", ""))
    date, precision, edtf = _date(fields)
    arxiv_id = arxiv_id_of(fields)
    doi = clean_doi(fields.get("doi"))
    url = clean_url(fields["url"]) if fields.get("url", "").strip() else None
    # URLs as the text shows them (\_ is _, \url{} unwrapped).
    # A code or model URL may also be the entry's own url (hand-written .bib files do that).
    links_text = " ".join(_plain(fields.get(name, "")) for name in ("note", "addendum", "howpublished", "url"))
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
                names.append((role, _authors(value)[0]))
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


_MONTH_MACROS = {
    m[:3]: m for m in "january february march april may june july august september october november december".split()
}
_CONCAT_PART = re.compile(r'\s*(\{(?:[^{}]|\{(?:[^{}]|\{[^{}]*\})*\})*\}|"[^"]*"|[^\s#]+)\s*(?:#|$)')


def _unenclosed(value: str) -> str:
    if len(value) >= 2 and ((value[0] == "{" and value[-1] == "}") or (value[0] == '"' and value[-1] == '"')):
        return value[1:-1]
    return value


def _top_level_hash(value: str) -> bool:
    """Does ``value`` hold a ``#`` outside braces and quotes (a concatenation)?"""
    if "#" not in value:
        return False
    depth, quoted = 0, False
    for char in value:
        if char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
        elif char == '"' and depth == 0:
            quoted = not quoted
        elif char == "#" and depth == 0 and not quoted:
            return True
    return False


def resolve_value(value: str, known: dict[str, object], *, enclose: bool) -> str:
    """A field's raw value with its macros resolved and ``#`` concatenations joined
    (``jan # "~3"`` -> ``January~3``); ``enclose`` keeps it braced for the middleware
    that removes the braces next."""
    if not value or (value[0] in '{"' and value[-1] in '}"' and not _top_level_hash(value)):
        return value if enclose else _unenclosed(value)
    parts = []
    pos = 0
    while pos < len(value):
        m = _CONCAT_PART.match(value, pos)
        if not m or m.end() == pos:
            return value if enclose else _unenclosed(value)  # not a concatenation: left as it is
        part = m.group(1)
        if part[0] in '{"':
            parts.append(part[1:-1])
        else:
            macro = known.get(part.lower())
            if macro is None:
                macro = _MONTH_MACROS.get(part.lower(), part)
            parts.append(_unenclosed(str(macro)))
        pos = m.end()
    joined = "".join(parts)
    return "{" + joined + "}" if enclose else joined


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
            for entry in library.entries:
                for field in entry.fields:
                    if isinstance(field.value, str):
                        field.value = resolve_value(field.value, self.known, enclose=True)
            for block in library.failed_blocks:  # an entry with a key seen before: read all the same
                entry = getattr(block, "ignore_error_block", None)
                for field in getattr(entry, "fields", ()):
                    if isinstance(field.value, str):
                        field.value = resolve_value(field.value, self.known, enclose=False)
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
    refs = _References(report)
    if ctx.prelude:  # a chunk's macros, defined at the top of the file (read there, reported there)
        bibtexparser.parse_string(ctx.prelude, parse_stack=stack)
    for start, text in _block_chunks(lines):
        any_text = any_text or bool(text.strip())
        library = bibtexparser.parse_string(text, parse_stack=stack)
        blocks = []
        for block in library.failed_blocks:
            entry = getattr(block, "ignore_error_block", None)
            # A key bibtexparser saw before in this chunk: the entry is fine, and read like any other.
            blocks.append(
                (
                    block.start_line,
                    entry if hasattr(entry, "fields") else block,
                    entry is None or not hasattr(entry, "fields"),
                )
            )
        blocks += [(entry.start_line, entry, False) for entry in library.entries]
        for line, block, failed in sorted(blocks, key=lambda b: b[0]):
            any_block = True
            source = Source(ctx.source, ctx.line_offset + start + line + 1)
            if failed:
                error = getattr(block, "error", None)
                reason = str(error) if error and str(error) else "syntax error (unbalanced braces or a missing comma?)"
                report.skip(source, f"cannot parse this entry: {reason}; skipped")
                continue
            yield from refs.add(block, source)
    yield from refs.finish()
    if not any_text:
        report.warn(ctx.source, "empty input: no records")
    elif not any_block:
        report.warn(ctx.source, "no entries found")


# Entry types whose fields other entries may inherit through ``crossref`` or ``xdata``: only
# these are remembered, so memory does not grow with the file.
_PARENT_TYPES = frozenset(
    "proceedings mvproceedings book mvbook collection mvcollection reference mvreference periodical xdata".split()
)
# Fields a child never inherits (biblatex's defaults: its identity, not its content).
_NOT_INHERITED = frozenset("ids crossref xref xdata entryset label shorthand sortkey options keywords".split())


class _References:
    """Resolves ``crossref`` and ``xdata`` (the parent's fields fill the child's missing ones;
    its title becomes the child's booktitle), keeps keys apart, and turns entries into records.

    BibTeX wants a parent after its children: a child whose parent has not been read yet
    is held back, with the records after it (the output keeps the input's order), until
    the parent comes."""

    def __init__(self, report: Diagnostics) -> None:
        self.report = report
        self.parents: dict[str, dict[str, str]] = {}
        self.held: list[tuple[object, Source, list[str]]] = []
        self.keys: dict[str, Source] = {}

    def add(self, entry, source: Source) -> Iterator[Paper]:  # type: ignore[no-untyped-def]
        fields = {f.key.lower(): f.value for f in entry.fields if isinstance(f.value, str)}
        kind = entry.entry_type.lower()
        key = entry.key.strip()
        if kind in _PARENT_TYPES and key:
            self.parents[key.lower()] = fields
        if kind == "xdata":
            return  # a container of fields for others, not a work to cite
        wanted = [k.strip().lower() for k in fields.get("crossref", "").split(",")[:1] if k.strip()]
        wanted += [k.strip().lower() for k in fields.get("xdata", "").split(",") if k.strip()]
        self.held.append((entry, source, wanted))
        yield from self._ready(final=False)

    def finish(self) -> Iterator[Paper]:
        yield from self._ready(final=True)

    def _ready(self, final: bool) -> Iterator[Paper]:
        while self.held:
            entry, source, wanted = self.held[0]
            missing = [k for k in wanted if k not in self.parents]
            if missing and not final:
                return
            del self.held[0]
            for key in missing:
                self.report.warn(source, f"crossref/xdata {key!r} is not in the file: nothing inherited from it")
            inherited: dict[str, str] = {}
            for key in reversed(wanted):
                parent = self.parents.get(key)
                if parent:
                    inherited.update((k, v) for k, v in parent.items() if k not in _NOT_INHERITED)
                    if parent.get("title") and entry.entry_type.lower().startswith("in"):
                        inherited.setdefault("booktitle", parent["title"])
            inherited.pop("title", None)
            paper = self._record(entry, source, inherited)
            if paper is not None:
                yield paper

    def _record(self, entry, source: Source, inherited: dict[str, str]) -> Paper | None:  # type: ignore[no-untyped-def]
        try:
            paper = entry_to_paper(entry, source, inherited)
        except ValueError as exc:
            self.report.skip(source, f"{exc}; skipped")
            return None
        if not paper.title:
            self.report.warn(source, "entry has no title: kept for what else it holds")
        key = paper.key
        if key is None:
            self.report.warn(source, "entry has no citation key: one is generated")
        else:
            first = self.keys.get(key.lower())
            if first is not None:
                self.report.warn(
                    source, f"duplicate citation key {key!r} (first at line {first.line}): this one gets a suffix"
                )
            else:
                self.keys[key.lower()] = source
        self.report.read += 1
        return paper


def sniff_bibtex(first_lines: list[str]) -> bool:
    return any(re.match(r"\s*@\w+\s*[{(]", line) for line in first_lines)


_ENTRY_LINE = re.compile(r"[ \t]*@[ \t]*(?!(?:comment|preamble|string)\b)\w+[ \t]*[{(]", re.IGNORECASE)


def is_entry_line(line: str) -> bool:
    """Where a chunk of a .bib may start: a line that opens an entry (``@article{``), not a
    ``@comment`` (JabRef's groups at the end go with the entries before them)."""
    return _ENTRY_LINE.match(line) is not None


# What makes entries depend on each other across a file, looked for in its bytes: an opening
# ``@type{key`` (for keys used twice or left empty), ``@string``, ``crossref``/``xdata``.
_HEADER = re.compile(rb"@[ \t]*(\w+)[ \t]*[{(][ \t\r\n]*([^,\s]*)")  # starts with a literal: fast
_SHARED = re.compile(rb"\b(?:crossref|xdata)\s*=")  # searched in the lower-cased text
_LOCAL_BLOCKS = frozenset([b"comment", b"preamble"])
_SHARING_BLOCKS = frozenset([b"string", b"set", b"xdata"])


MAX_PRELUDE = 1 << 16  # bytes of @string definitions every chunk parses again: a few hundred macros


def entries_together(path: str) -> bool | str:
    """Must this .bib be read in one process? Yes when an entry needs another (``crossref``/
    ``xdata`` parents, ``@set``, a macro defined between entries), when a key is used twice or
    left empty (the warning names the first use), when it is not UTF-8 (read in the encoding
    found), or when it holds no entry. ``@string`` definitions before the first entry (as DBLP
    and JabRef write them) are the text every chunk reads first, if short. One pass over the
    bytes at C speed; keys kept, not entries."""
    keys: set[bytes] = set()
    rest = b""
    read = 0  # bytes before ``data``
    macros_end = -1  # where the last @string before the first entry ends, if any
    try:
        with open(path, "rb") as stream:
            while True:
                block = stream.read(1 << 23)
                data = rest + block
                if block:
                    cut = data.rfind(b"\n") + 1
                    data, rest = data[:cut], data[cut:]
                lower = data.lower()
                if b"\0" in data or ((b"crossref" in lower or b"xdata" in lower) and _SHARED.search(lower)):
                    return True
                data.decode("utf-8")
                for header in _HEADER.finditer(data):
                    kind = header.group(1).lower()
                    if kind in _LOCAL_BLOCKS:
                        continue
                    if kind == b"string" and not keys:
                        macros_end = read + header.end()
                        continue
                    key = header.group(2).lower()
                    if kind in _SHARING_BLOCKS or not key or key in keys:
                        return True
                    if not keys and macros_end >= 0:
                        macros_end = read + header.start()  # the macros end where the first entry starts
                    keys.add(key)
                read += len(data)
                if not block:
                    break
            if macros_end < 0 or not keys:
                return not keys
            if macros_end > MAX_PRELUDE:
                return True
            stream.seek(0)
            return stream.read(macros_end).decode("utf-8")
    except (OSError, UnicodeDecodeError):
        return True


@hookimpl
def papercite_readers() -> Iterable[Reader]:
    yield Reader(
        name="bibtex",
        read=read_bibtex,
        description="BibTeX (.bib), LaTeX decoded, @string and month macros resolved",
        extensions=(".bib", ".bibtex"),
        sniff=sniff_bibtex,
        boundary=is_entry_line,
        together=entries_together,
    )
    yield Reader(
        name="biblatex",
        read=read_bibtex,
        description="BibLaTeX (.bib): the BibTeX reader, which also knows date, eprinttype, eprintclass",
        boundary=is_entry_line,
        together=entries_together,
    )
