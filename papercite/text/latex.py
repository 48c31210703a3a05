"""LaTeX source -> plain Unicode text, for abstracts and titles.

pylatexenc renders LaTeX to text correctly but takes milliseconds per abstract.
Most abstracts carry no LaTeX at all, and the rest use a small vocabulary
(font switches, ``$\\times$``, ``\\url``, accents, ``\\cite``). This module
renders that vocabulary itself, using pylatexenc's own table of symbol macros
so the characters agree, and hands anything else (environments, ``\\frac``,
math alphabets, ...) to pylatexenc configured with the same choices.

Deliberate choices where pylatexenc's defaults suit LaTeX documents rather
than copied abstracts (the same choices are applied to pylatexenc here):

* ``%`` and ``&`` are literal characters (abstracts say "5%" and "A & B").
* ``\\url{u}`` -> ``u``; ``\\href{u}{t}`` -> ``t (u)``;
  ``\\cite{a,b}`` -> ``[a, b]``; ``\\footnote{x}`` -> `` (x)``.
* Runs of white space (including line breaks from ``\\\\``) become one space.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from functools import lru_cache

from papercite.text.latexmacros import (
    ACCENTS,
    CITE_COMMANDS,
    LETTER_ACCENTS,
    SYMBOL_OVERRIDES,
    UNWRAP,
    macro_tables,
)

# Anything that makes a string LaTeX rather than plain text; without it the
# text is returned as is (after white-space folding). Substring tests beat a
# regular-expression scan several times over on long plain abstracts.
_WS = re.compile(r"[ \t\r\n\f\v]+")

_TOKEN = re.compile(
    r"""
    (?P<word>\\[A-Za-z@]+)\*?[ \t\r\n]*   # control word, swallowing following space
  | (?P<sym>\\[^A-Za-z@])               # control symbol: \& \% \' \, \\ ...
  | (?P<open>\{)
  | (?P<close>\})
  | (?P<math>\$\$?)
  | (?P<tilde>~)
  | (?P<text>[^\\{}$~]+)
    """,
    re.VERBOSE | re.DOTALL,
)

# Ligatures and quotes of running text, replaced inside each text run.
_SPECIALS = {"---": "\u2014", "--": "\u2013", "``": "\u201c", "''": "\u201d", "!`": "\u00a1", "?`": "\u00bf"}
_SPECIAL = re.compile("|".join(map(re.escape, sorted(_SPECIALS, key=len, reverse=True))))


def _specials(text: str) -> str:
    if "--" in text or "`" in text or "''" in text:
        return _SPECIAL.sub(lambda m: _SPECIALS[m.group()], text)
    return text


# Text symbols pylatexenc lacks or renders otherwise; these are what
# papercite writes for literal characters in BibTeX, so they must read back.
# pylatexenc logs what it cannot make sense of (a \url without argument, \input{}) as warnings,
# which would reach the user's terminal through logging's last-resort handler. papercite reports
# problems with the input itself; these are not the user's business.
logging.getLogger("pylatexenc").setLevel(logging.ERROR)


class _Unsupported(Exception):
    """Raised by the fast renderer for LaTeX it leaves to pylatexenc."""


def _escape_literals(source: str) -> str:
    """Make unescaped ``%`` and ``&`` literal before pylatexenc sees them."""
    return re.sub(r"(?<!\\)((?:\\\\)*)([%&])", r"\1\\\2", source)


@lru_cache(maxsize=1)
def _pylatexenc_converter():
    from pylatexenc import latex2text, latexwalker
    from pylatexenc.macrospec import MacroSpec

    # Callables, not "%s" templates: pylatexenc leaves a template's "%s" in the text when the
    # argument is missing (a "\url" at the very end of an abstract).
    def args(node, l2tobj, count: int) -> list[str]:
        given = [a for a in (node.nodeargd.argnlist if node.nodeargd else []) if a is not None][-count:]
        return [""] * (count - len(given)) + [l2tobj.nodelist_to_text([a]) for a in given]

    def cite(node, l2tobj=None):
        (keys,) = args(node, l2tobj, 1)
        return "[" + ", ".join(k.strip() for k in keys.split(",")) + "]" if keys.strip() else ""

    def href(node, l2tobj=None):
        url, text = args(node, l2tobj, 2)
        return text if text == url or not url else f"{text} ({url})"

    def unwrap(node, l2tobj=None):
        return args(node, l2tobj, 1)[0]

    def footnote(node, l2tobj=None):
        (text,) = args(node, l2tobj, 1)
        return f" ({text})" if text else ""

    walk_db = latexwalker.get_default_latex_context_db()
    walk_db.add_context_category(
        "papercite",
        prepend=True,
        macros=[MacroSpec("href", "{{"), MacroSpec("url", "{"), MacroSpec("footnote", "[{")]
        + [MacroSpec(name, "*[[{") for name in CITE_COMMANDS]
        + [MacroSpec(name, "{") for name in UNWRAP],
    )
    text_db = latex2text.get_default_latex_context_db()
    text_db.add_context_category(
        "papercite",
        prepend=True,
        macros=[
            latex2text.MacroTextSpec("url", unwrap),
            latex2text.MacroTextSpec("href", href),
            latex2text.MacroTextSpec("footnote", footnote),
        ]
        + [latex2text.MacroTextSpec(name, text) for name, text in SYMBOL_OVERRIDES.items()]
        + [latex2text.MacroTextSpec(name, cite) for name in CITE_COMMANDS]
        + [latex2text.MacroTextSpec(name, unwrap) for name in UNWRAP],
    )
    return latex2text.LatexNodes2Text(latex_context=text_db), walk_db


def pylatexenc_to_text(source: str) -> str:
    """Render with pylatexenc, configured with this module's choices (slow, complete)."""
    from pylatexenc import latexwalker

    converter, walk_db = _pylatexenc_converter()
    walker = latexwalker.LatexWalker(_escape_literals(source), latex_context=walk_db, tolerant_parsing=True)
    nodes, _, _ = walker.get_latex_nodes()
    return fold_space(converter.nodelist_to_text(nodes))


def fold_space(text: str) -> str:
    if "  " in text or "\t" in text or "\n" in text or "\r" in text or "\f" in text or "\v" in text:
        text = _WS.sub(" ", text)
    return text.strip(" ")


MAX_DEPTH = 100  # groups nested deeper than this are not LaTeX anyone writes by hand
MAX_PYLATEXENC = 20_000  # characters: pylatexenc builds a node per token; real abstracts are shorter


def latex_to_text(source: str) -> str:
    """Render LaTeX source (an abstract, a title) as plain Unicode text."""
    if not (
        "\\" in source
        or "$" in source
        or "{" in source
        or "}" in source
        or "~" in source
        or "--" in source
        or "`" in source
        or "''" in source
    ):
        return fold_space(source)
    if not ("\\" in source or "$" in source or "{" in source or "}" in source or "~" in source):
        return fold_space(_specials(source))  # only dashes and quotes
    try:
        return fold_space(_Renderer(source).render())
    except _TooDeep:
        pass  # nesting no abstract has: pylatexenc would recurse as deeply
    except _Unsupported:
        if len(source) <= MAX_PYLATEXENC:
            try:
                return pylatexenc_to_text(source)
            except Exception:  # pylatexenc can fail on odd input; never lose the abstract
                pass
    return fold_space(re.sub(r"\\[A-Za-z@]+\*?|[{}$]", "", source))


class _TooDeep(_Unsupported):
    """Groups nested deeper than :data:`MAX_DEPTH`."""


class _Renderer:
    """Renders the common subset of LaTeX; raises _Unsupported for the rest.

    Tokens are matched one at a time (a list of them would hold a match object per
    brace or accent of the source, hundreds of bytes each), with one token of lookahead."""

    def __init__(self, source: str) -> None:
        self._tokens = _TOKEN.finditer(source)
        self._pending: list[re.Match[str]] = []  # tokens looked at or put back; the next one last
        self._depth = 0

    def _peek(self) -> re.Match[str] | None:
        if not self._pending:
            token = next(self._tokens, None)
            if token is None:
                return None
            self._pending.append(token)
        return self._pending[-1]

    def _take(self) -> re.Match[str] | None:
        return self._pending.pop() if self._pending else next(self._tokens, None)

    def render(self) -> str:
        out = [self._until(None)]
        while self._take() is not None:  # a stray closing brace: pylatexenc drops it
            out.append(self._until(None))
        return "".join(out)

    def _until(self, closer: str | None) -> str:
        """Render tokens up to ``closer`` ('}' or '$'), consuming it."""
        self._depth += 1
        if self._depth > MAX_DEPTH:
            raise _TooDeep
        out: list[str] = []
        while (m := self._peek()) is not None:
            kind = m.lastgroup
            if kind == "close" and closer != "}":
                break  # unbalanced: left for the caller to decide
            self._take()
            if kind == "text":
                out.append(_specials(m.group()))
            elif kind == "open":
                out.append(self._until("}"))
            elif kind == "close":
                break
            elif kind == "math":
                if closer == m.group():
                    break
                if m.group() == "$$":
                    raise _Unsupported  # display math: pylatexenc lays it out
                out.append(self._until("$"))
            elif kind == "tilde":
                out.append("\u00a0")
            elif kind == "sym":
                out.append(self._symbol(m.group()[1]))
            else:
                out.append(self._macro(m.group("word")[1:]))
            if len(out) >= 4096:  # many small pieces (an accent each): hold them as one string
                out[:] = ["".join(out)]
        self._depth -= 1
        return "".join(out)

    def _symbol(self, char: str) -> str:
        if char in ACCENTS:
            return self._accent(char)
        if char == "\\":
            return "\n"
        if char in ",;: ":
            return " "
        symbols = macro_tables()[0]
        if char in symbols:
            return symbols[char]
        if char in "&%$#_{}":
            return char
        raise _Unsupported

    def _macro(self, name: str) -> str:
        if name in UNWRAP:
            return self._argument()
        if name in LETTER_ACCENTS:
            return self._accent(name)
        if name == "url":
            return self._raw_argument()
        if name == "href":
            url = self._raw_argument()
            text = self._argument()
            return text if text == url else f"{text} ({url})"
        if name in CITE_COMMANDS:
            keys = self._raw_argument()
            return "[" + ", ".join(k.strip() for k in keys.split(",")) + "]"
        if name == "footnote":
            return f" ({self._argument()})"
        symbols, with_args = macro_tables()
        if name in symbols:
            return symbols[name]
        if name in with_args:
            raise _Unsupported  # a macro with arguments we do not render ourselves
        # An unknown macro without arguments (``\num``) renders as nothing, as in pylatexenc.
        return ""

    def _argument(self) -> str:
        m = self._peek()
        if m is None or m.lastgroup != "open":
            raise _Unsupported
        self._take()
        return self._until("}")

    def _raw_argument(self) -> str:
        """A verbatim ``{...}`` argument (URLs, citation keys)."""
        m = self._peek()
        if m is None or m.lastgroup != "open":
            raise _Unsupported
        depth, parts = 1, list[str]()
        self._take()
        while (tok := self._take()) is not None:
            if tok.lastgroup == "open":
                depth += 1
            elif tok.lastgroup == "close":
                depth -= 1
                if depth == 0:
                    return "".join(parts)
            parts.append(tok.group())
        raise _Unsupported

    def _accent(self, accent: str) -> str:
        m = self._peek()
        if m is None:
            raise _Unsupported
        if m.lastgroup == "open":
            base = self._argument()
        elif m.lastgroup == "text":
            self._take()
            text = m.group()
            base, rest = text[:1], text[1:]
            if rest:  # put the tail back, ahead of the next token
                tail = _TOKEN.match(rest)
                assert tail is not None
                self._pending.append(tail)
        elif m.lastgroup == "word" and m.group("word")[1:] in ("i", "j"):
            self._take()
            base = m.group("word")[1]  # an accented dotless i is just an accented i
        else:
            raise _Unsupported
        if not base:
            return ""
        return unicodedata.normalize("NFC", base[0] + ACCENTS[accent] + base[1:])


_RICH_TAGS = {
    "textit": ("<i>", "</i>"), "emph": ("<i>", "</i>"), "textbf": ("<b>", "</b>"),
    "textsubscript": ("<sub>", "</sub>"), "textsuperscript": ("<sup>", "</sup>"),
    "textsc": ('<span style="font-variant:small-caps;">', "</span>"),
}  # fmt: skip


_RICH_MACRO = re.compile(r"\\(textit|emph|textbf|textsubscript|textsuperscript|textsc)\s*\{")


def latex_to_rich(source: str) -> str:
    """LaTeX source as CSL rich text: text styles (``\\textit``, ``\\emph``, ``\\textbf``,
    sub- and superscripts, small caps) as CSL's tags, the rest as plain text."""
    m = _RICH_MACRO.search(source) if "\\" in source else None
    if m is None:
        return latex_to_text(source)
    depth, end = 1, m.end()
    while end < len(source) and depth:
        depth += {"{": 1, "}": -1}.get(source[end], 0)
        end += 1
    if depth:  # unbalanced: no markup, the text as it renders
        return latex_to_text(source)
    before = latex_to_text(source[: m.start()]) if m.start() else ""
    opening, closing = _RICH_TAGS[m.group(1)]
    inner = latex_to_rich(source[m.end() : end - 1])
    rest = latex_to_rich(source[end:]) if end < len(source) else ""
    space = lambda text, left: (" " if text[-1:].isspace() else "") if left else (" " if text[:1].isspace() else "")  # noqa: E731
    return (
        before.rstrip()
        + space(source[: m.start()], True)
        + opening
        + inner
        + closing
        + space(source[end:], False)
        + rest.lstrip()
    )
