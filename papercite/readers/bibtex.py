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

import logging
import re
from collections.abc import Iterable, Iterator
from typing import Any

from papercite.diagnostics import Diagnostics
from papercite.model import Paper, Source
from papercite.plugins.hookspecs import hookimpl
from papercite.plugins.types import ReadContext, Reader
from papercite.readers.bibentry import entry_to_paper
from papercite.readers.bibsplit import (
    entries_together,
    is_entry_line,
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

        def transform(self, library):
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
        blocks: list[tuple[int | None, Any, bool]] = []
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
        for line, block, failed in sorted(blocks, key=lambda b: b[0] or 0):
            any_block = True
            source = Source(ctx.source, ctx.line_offset + start + (line or 0) + 1)
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
        self.held: list[tuple[Any, Source, list[str]]] = []
        self.keys: dict[str, Source] = {}

    def add(self, entry: Any, source: Source) -> Iterator[Paper]:
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

    def _record(self, entry: Any, source: Source, inherited: dict[str, str]) -> Paper | None:
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
