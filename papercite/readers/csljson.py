"""Reader for CSL-JSON: an array of items (a single item, or JSON Lines, is accepted too).

Each item is decoded on its own, so one malformed item is reported with its
line and the reader goes on with the next one. Plain-text values become the
LaTeX-light text the record model holds (``&`` -> ``\\&``); names, dates,
DOI, URL, the arXiv id (``number: "arXiv:…"``, an arXiv DOI or URL) and
papercite's own ``custom.papercite`` data are read back.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from typing import Any

import orjson

from papercite.diagnostics import Diagnostics
from papercite.model import Paper, Source
from papercite.plugins.hookspecs import hookimpl
from papercite.plugins.types import ReadContext, Reader
from papercite.readers.cslitem import (
    ItemError,
    item_to_paper,
)

_DECODER = json.JSONDecoder()


_SEPARATORS = " \t\r\n,[]\ufeff"
_SKIP = re.compile("[" + re.escape(_SEPARATORS) + "]*")
_ITEM_ENDS = ("}", "}\n", "},\n", "}\r\n", "},\r\n", "},")
_NOT_CLOSED = "invalid JSON: the item is not closed; item skipped"


def read_csljson(lines: Iterable[str], ctx: ReadContext) -> Iterator[Paper]:
    """Stream the items of a CSL-JSON array (or of concatenated items), one JSON object at a time.

    Lines are gathered until they hold a complete object, so memory holds one
    item, not the file. The brackets and commas between items are skipped.
    Decoding is tried when the braces gathered balance, or else only each time the
    gathered text has doubled: an item spread over many lines (or one whose strings
    hold braces) costs time in proportion to its size, not to its size squared.
    """
    report = ctx.diagnostics
    parts: list[str] = []  # the lines of the item(s) being gathered
    size = opens = closes = 0
    next_try = 0  # after a decode that found the text incomplete: the size worth trying again at
    counts_hold = True  # False once balanced braces were not a complete item (braces in strings)
    start = 0  # first line of the gathered text
    seen_any = False
    number = ctx.line_offset

    def drain(final: bool) -> Iterator[Paper]:
        """Decode the items the gathered text holds; keep an incomplete rest for more lines."""
        nonlocal parts, size, opens, closes, next_try, counts_hold, start
        buffer = "".join(parts)
        if counts_hold and opens == closes and opens:
            # One item spread over lines (Zotero's tab-indented, pandoc's 2-space arrays): orjson
            # decodes it several times faster; two items, or a broken one, take the path below.
            head = _SKIP.match(buffer).end()  # type: ignore[union-attr]
            body = buffer[head:].rstrip(_SEPARATORS)
            if body[:1] == "{" and body[-1:] == "}":
                try:
                    item = orjson.loads(body)
                except (orjson.JSONDecodeError, RecursionError):
                    pass
                else:
                    start += buffer.count("\n", 0, head)
                    paper = _item(item, Source(ctx.source, start), report)
                    if paper is not None:
                        yield paper
                    parts, size, opens, closes, next_try, counts_hold = [], 0, 0, 0, 0, True
                    return
        pos = 0
        lines_in = "\n" in buffer  # a piece of a long line has none to count
        while True:
            skipped = _SKIP.match(buffer, pos).end()  # type: ignore[union-attr]
            if lines_in:
                start += buffer.count("\n", pos, skipped)
            pos = skipped
            if pos >= len(buffer):
                parts, size, opens, closes, next_try, counts_hold = [], 0, 0, 0, 0, True
                return
            fast = _next_item(buffer, pos)
            if fast is not None:  # items one after another ("},{"): orjson, item by item
                item, end = fast
                paper = _item(item, Source(ctx.source, start), report)
                if paper is not None:
                    yield paper
                if lines_in:
                    start += buffer.count("\n", pos, end)
                pos = end
                continue
            try:
                item, end = _DECODER.raw_decode(buffer, pos)
            except RecursionError:
                end = _skip_object(buffer, pos)
                report.skip(Source(ctx.source, start), "nested too deeply to read; item skipped")
            except json.JSONDecodeError as exc:
                # Incomplete (more lines to come): the error is at the end, or, in a piece of a
                # long line cut inside a string, no other item follows this one.
                again = _next_start(buffer, exc.pos)  # where reading goes on if this item is broken
                incomplete = exc.pos >= len(buffer.rstrip(_SEPARATORS)) or (not line_start and again < 0)
                if incomplete and not final:
                    rest = buffer[pos:]  # incomplete: gather more lines
                    parts, size = [rest], len(rest)
                    opens, closes = rest.count("{"), rest.count("}")
                    counts_hold = counts_hold and opens > closes
                    next_try = 2 * size
                    return
                if exc.pos >= len(buffer.rstrip(_SEPARATORS)):
                    report.skip(Source(ctx.source, start), _NOT_CLOSED)
                else:
                    where = start + buffer.count("\n", pos, exc.pos)
                    report.skip(Source(ctx.source, where), f"invalid JSON: {exc.msg}; item skipped")
                    if again >= 0 and "\n" not in buffer[pos:again]:
                        # Items on one line ("},{"): the next one after the broken one is read.
                        pos = again
                        continue
                parts, size, opens, closes, next_try, counts_hold = [], 0, 0, 0, 0, True
                return  # resynchronise on the next line that starts an object
            else:
                paper = _item(item, Source(ctx.source, start), report)
                if paper is not None:
                    yield paper
            start += buffer.count("\n", pos, end)
            pos = end

    number = ctx.line_offset
    line_start = True  # the last line ended: this one starts a line (a long line comes in pieces)
    it = iter(lines)
    pushed: list[str] = []  # lines taken ahead for an indented item that was not one, in reverse
    while True:
        line = pushed.pop() if pushed else next(it, None)
        if line is None:
            break
        number += line_start
        at_start = line_start
        line_start = line.endswith("\n")
        if not parts and at_start and line in _INDENTED_START and not pushed:
            # An item over lines (Zotero's tab, pandoc's two spaces): its lines run to the "}"
            # at its opening brace's indent; taken in one go and decoded by orjson.
            closers = _CLOSERS[line]
            gathered = [line]
            for more in it:
                gathered.append(more)
                if more in closers:
                    break
            text = "".join(gathered)
            try:
                item = orjson.loads(text.strip(_SEPARATORS))
            except (orjson.JSONDecodeError, RecursionError):
                pushed = gathered[:0:-1]  # not one item: the lines go the general way
            else:
                seen_any = True
                start = number
                line_start = gathered[-1].endswith("\n")
                number += text.count("\n") - line_start  # the line ends before the last line's
                paper = _item(item, Source(ctx.source, start), report)
                if paper is not None:
                    yield paper
                continue
        if parts and at_start and is_item_start(line):
            # A whole item on its line, or an indented item's opening brace, starts a record
            # (parallel reading cuts the input there): what was gathered before it must be
            # complete by now, and a broken item does not swallow the next one.
            yield from drain(final=True)
        if not parts:
            line = line.lstrip(_SEPARATORS)
            if not line:
                continue
            start = number
            whole = line.rstrip(_SEPARATORS) if line[0] == "{" and line_start else ""
            if whole.endswith("}"):
                # The usual case, an item on a line: orjson decodes it several times faster.
                try:
                    item = orjson.loads(whole)
                except (orjson.JSONDecodeError, RecursionError):
                    pass  # not exactly one object: the general path below says what is wrong
                else:
                    seen_any = True
                    paper = _item(item, Source(ctx.source, start), report)
                    if paper is not None:
                        yield paper
                    continue
        seen_any = True
        parts.append(line)
        size += len(line)
        opens += line.count("{")
        closes += line.count("}")
        if line_start and not line.rstrip(_SEPARATORS).endswith("}"):
            continue  # an object can only be complete after a closing brace (a piece is always tried)
        if (counts_hold and closes >= opens) or size >= next_try:
            yield from drain(final=False)
    if parts and "".join(parts).strip(_SEPARATORS):
        yield from drain(final=True)
    if not seen_any and ctx.line_offset == 0:
        report.warn(ctx.source, "empty input: no records")


# Between two items of an array written on one line: "}", a comma, "{" (white space allowed).
_ITEM_GAP = re.compile(r"\}\s*,\s*(?=\{)")
_ITEM_GAP_BYTES = re.compile(_ITEM_GAP.pattern.encode())  # the same, for the cuts on bytes
# How an item opens (a name or a date opens with neither key).
_ITEM_OPENING = re.compile(r'\{\s*"(?:id|type)"\s*:')
_ITEM_OPENING_BYTES = re.compile(_ITEM_OPENING.pattern.encode())
# The usual gap, before an item whose first key is "id" (Zotero, pandoc, citation-js, papercite).
_NEXT_ITEM = re.compile(r'\}\s*,\s*(?=\{\s*"id"\s*:)')


def _item_end(buffer: str, pos: int) -> int:
    """Where the item starting at ``pos`` ends, if it ends at a "},{" (braces balanced since
    ``pos``) or at the text's end; -1 if it does not (yet)."""
    opens = closes = 0
    last = pos
    for gap in _ITEM_GAP.finditer(buffer, pos):  # a name list's "},{" is inside the item
        end = gap.start() + 1
        opens += buffer.count("{", last, end)
        closes += buffer.count("}", last, end)
        last = end
        if opens == closes:
            return end
    end = len(buffer.rstrip(_SEPARATORS))
    if end > last and buffer[end - 1] == "}" and opens + buffer.count("{", last, end) == closes + buffer.count(
        "}", last, end
    ):
        return end
    return -1


def _next_item(buffer: str, pos: int) -> tuple[Any, int] | None:
    """The item at ``pos`` when orjson reads it whole up to where its braces balance at a
    "},{" (or the text's end), with where the next one starts; else None (the general path
    decides)."""
    if buffer[pos] != "{":
        return None
    likely = _NEXT_ITEM.search(buffer, pos)  # one search, where the next item's first key is "id"
    if likely is not None:
        try:
            return orjson.loads(buffer[pos : likely.start() + 1]), likely.end()
        except (orjson.JSONDecodeError, RecursionError):
            pass  # that "},{" was inside this item: count braces
    end = _item_end(buffer, pos)
    if end < 0:
        return None
    try:
        item = orjson.loads(buffer[pos:end])
    except (orjson.JSONDecodeError, RecursionError):
        return None
    return item, _SKIP.match(buffer, end).end()  # type: ignore[union-attr]


def _next_start(buffer: str, pos: int) -> int:
    """Where the next item surely starts after ``pos`` on a line of items: after a "},{" that
    an ``id`` or a ``type`` follows first, or that an object with one of them follows whole
    (a name or a date has neither); -1 if none does (yet)."""
    for gap in _ITEM_GAP.finditer(buffer, pos):
        at = gap.end()
        if _ITEM_OPENING.match(buffer, at):
            return at
        try:
            item, _ = _DECODER.raw_decode(buffer, at)
        except (json.JSONDecodeError, RecursionError):
            continue
        if isinstance(item, dict) and ("id" in item or "type" in item):
            return at
    return -1


def cut_item(data: bytes, pos: int) -> int:
    """Where an item starts in ``data`` (bytes of one line from an item's start, or from the
    array's ``[``) at or after ``pos``: after a "},{" outside any string (quotes balanced since
    the start), outside any item (braces balanced), before an ``id`` or ``type`` key (so not
    between two names of a list, whatever braces the strings hold). -1 if none does."""
    last = 0
    depth = quotes = 0
    for gap in _ITEM_GAP_BYTES.finditer(data, pos):
        if not _ITEM_OPENING_BYTES.match(data, gap.end()):
            continue
        end = gap.end()  # after the comma and space: never inside an escape sequence
        depth += data.count(b"{", last, end) - data.count(b"}", last, end)
        quotes += data.count(b'"', last, end) - data.count(b'\\"', last, end) + data.count(b'\\\\"', last, end)
        last = end
        if depth == 0 and quotes % 2 == 0:
            return end
    return -1


def _skip_object(text: str, pos: int) -> int:
    """Where the JSON value starting at ``pos`` ends (braces and brackets counted outside
    strings), for skipping an item nested too deeply to decode."""
    depth = 0
    in_string = escaped = False
    for i in range(pos, len(text)):
        c = text[i]
        if in_string:
            if escaped:
                escaped = False
            elif c == "\\":
                escaped = True
            elif c == '"':
                in_string = False
        elif c == '"':
            in_string = True
        elif c in "{[":
            depth += 1
        elif c in "}]":
            depth -= 1
            if depth == 0:
                return i + 1
    return len(text)


def _item(item: Any, source: Source, report: Diagnostics) -> Paper | None:
    """The record of one decoded item, or None (reported) if it cannot be one."""
    try:
        paper = item_to_paper(item, source)
    except ItemError as exc:
        report.skip(source, f"{exc}; item skipped")
        return None
    if not paper.title:
        report.warn(source, "item has no title: kept for what else it holds")
    report.read += 1
    return paper


# An item's opening brace alone on its line, as the indented layouts put it: at the start of
# the line (Better BibTeX), after a tab (Zotero) or two spaces (pandoc). Not four spaces: in a
# two-space layout whose items start the line, that is an author's brace inside an item.
_INDENTED_START = ("{\n", "\t{\n", "  {\n", "{\r\n", "\t{\r\n", "  {\r\n")
# The lines that close an item opened by each of those: "}" at the same indent.
_CLOSERS = {
    start: frozenset(start.split("{")[0] + "}" + comma + end for comma in ("", ",") for end in ("\n", "\r\n", ""))
    for start in _INDENTED_START
}


def is_item_start(line: str) -> bool:
    """Where a chunk of a CSL-JSON array may start: a whole item on its line (papercite's
    layout), or the opening brace of an item of an indented array (Better BibTeX's, Zotero's
    tab, pandoc's two spaces), which nothing inside an item of those layouts looks like."""
    return is_item_line(line) or line in _INDENTED_START


def is_item_line(line: str) -> bool:
    """A whole item on one line, at the start of the line (as papercite writes CSL-JSON):
    the input may be read in chunks cut before such lines."""
    return line.startswith("{") and line.endswith(_ITEM_ENDS)  # endswith: no copy of a long line


def sniff_csljson(first_lines: list[str]) -> bool:
    head = "".join(first_lines).lstrip("\ufeff \t\r\n")
    return head.startswith("[") or head.startswith("{")


@hookimpl
def papercite_readers() -> Iterable[Reader]:
    yield Reader(
        name="csljson",
        read=read_csljson,
        description="CSL-JSON (.json): an array of items, as Zotero, pandoc and citeproc use",
        extensions=(".json", ".csljson"),
        sniff=sniff_csljson,
        boundary=is_item_start,
        cut=cut_item,
    )
