"""Where a .bib may be cut for worker processes: entry lines, and whether its entries depend on each other."""

from __future__ import annotations

import re

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
