"""LaTeX source as tokens, which braces and dollars pair up, and a command's arguments."""

from __future__ import annotations

import re
from array import array

from papercite.text.latexmacros import argument_spec

_TOKEN = re.compile(
    r"(?P<word>\\[A-Za-z@]+\*?[ \t\r\n]*)"
    r"|(?P<sym_brace>\\[{}])"
    r"|(?P<sym>\\[^A-Za-z@])"
    r"|(?P<backslash>\\)"  # a backslash at the very end
    r"|(?P<open>\{)|(?P<close>\})|(?P<math>\$\$?)|(?P<text>[^\\{}$]+)",
    re.DOTALL,
)


# Token kinds, in the order of _TOKEN's groups.
WORD, SYM_BRACE, SYM, BACKSLASH, OPEN, CLOSE, MATH, TEXT = range(8)


_KIND = {
    "word": WORD,
    "sym_brace": SYM_BRACE,
    "sym": SYM,
    "backslash": BACKSLASH,
    "open": OPEN,
    "close": CLOSE,
    "math": MATH,
    "text": TEXT,
}


class Tokens:
    """The tokens of a value, compactly: a kind byte and a start offset each (a list of
    match objects would cost a few hundred bytes per brace of the input). Consecutive
    tokens cover the source without gaps, so a token ends where the next one starts and
    a run of them is a slice of the source."""

    __slots__ = ("kinds", "source", "starts")

    def __init__(self, source: str) -> None:
        self.source = source
        self.kinds = bytearray()
        self.starts = array("i" if len(source) < 2**31 else "q")
        kinds, starts, kind_of = self.kinds, self.starts, _KIND
        for m in _TOKEN.finditer(source):
            kinds.append(kind_of[m.lastgroup])  # type: ignore[index]
            starts.append(m.start())
        starts.append(len(source))

    def __len__(self) -> int:
        return len(self.kinds)

    def text(self, i: int) -> str:
        return self.source[self.starts[i] : self.starts[i + 1]]

    def span(self, i: int, j: int) -> str:
        """The source of tokens ``i`` to ``j - 1``."""
        return self.source[self.starts[i] : self.starts[j]] if j > i else ""


def matched(tokens: Tokens) -> bytearray:
    """1 for each brace and dollar that has a partner (the others get escaped), else 0.

    A ``$`` pairs only with one in the same group, as in TeX: math cannot run out of the
    braces it starts in (``\\textbf{$x} $y$`` has one formula, ``$y$``)."""
    paired = bytearray(len(tokens))
    stack = array("i" if len(tokens) < 2**31 else "q")  # open braces: 4 bytes each, not an int object
    open_math: tuple[int, int] | None = None  # (token index, brace depth) of an opening $
    kinds = tokens.kinds
    for i, kind in enumerate(kinds):
        if kind == OPEN:
            stack.append(i)
        elif kind == CLOSE and stack:
            paired[stack.pop()] = paired[i] = 1
            if open_math is not None and open_math[1] > len(stack):
                open_math = None  # the group ends with its formula unclosed
        elif kind == MATH:
            if open_math is None or open_math[1] != len(stack):
                open_math = (i, len(stack))
            elif tokens.text(i) == tokens.text(open_math[0]):
                paired[open_math[0]] = paired[i] = 1
                open_math = None
    return paired


def brace_arguments(name: str) -> int:
    """How many ``{...}`` arguments a command takes, as pylatexenc (and so abstract_text) knows it."""
    return argument_spec(name).count("{")


def macro_name(word: str) -> str:
    return word.rstrip(" \t\r\n*")[1:]


def group_at(tokens: Tokens, i: int, paired: bytearray) -> tuple[str, int] | None:
    """The raw text of the balanced ``{...}`` group starting at token ``i``, and the index after it."""
    kinds = tokens.kinds
    if i >= len(kinds) or kinds[i] != OPEN or not paired[i]:
        return None
    depth = 0
    for j in range(i, len(kinds)):
        kind = kinds[j]
        depth += kind == OPEN
        depth -= kind == CLOSE
        if depth == 0:
            return tokens.span(i + 1, j), j + 1
    return None
