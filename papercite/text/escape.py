"""Unicode text to LaTeX that BibTeX reads back the same: special characters escaped, and (for
ASCII output) letters spelled as LaTeX accents and commands."""

from __future__ import annotations

import re
from functools import lru_cache

from papercite.text.latex import latex_to_text

# BibTeX counts every brace, escaped or not, so literal braces are written as commands.
BRACES = {"{": r"\textbraceleft{}", "}": r"\textbraceright{}"}


_TEXT_ESCAPES = {"&": r"\&", "%": r"\%", "#": r"\#", "_": r"\_", "^": r"\textasciicircum{}"}


_MATH_ESCAPES = {"&": r"\&", "%": r"\%", "#": r"\#"}


MATH_TABLE = str.maketrans(_MATH_ESCAPES)


@lru_cache(maxsize=1)
def _encoder():
    from pylatexenc.latexencode import UnicodeToLatexEncoder

    return UnicodeToLatexEncoder(
        non_ascii_only=True,
        replacement_latex_protection="braces-all",
        unknown_char_policy="keep",  # the exporter reports what stays non-ASCII
        unknown_char_warning=False,
    )


# LaTeX accent commands for combining marks, to spell a character pylatexenc's table gets
# wrong (it writes U+0170 as \'{U}, an acute, not the double acute \H{U}).
_ACCENTS = {
    "\u0300": "`", "\u0301": "'", "\u0302": "^", "\u0303": "~", "\u0304": "=", "\u0306": "u",
    "\u0307": ".", "\u0308": '"', "\u030a": "r", "\u030b": "H", "\u030c": "v", "\u0323": "d",
    "\u0327": "c", "\u0328": "k", "\u0331": "b",
}  # fmt: skip


@lru_cache(maxsize=4096)
def _encode_char(ch: str) -> str:
    """The LaTeX form of one non-ASCII character, checked to read back as that character;
    the character itself when no form does (the exporter then reports it)."""
    import unicodedata

    want = unicodedata.normalize("NFKC", ch)
    candidates = [_encoder().unicode_to_latex(ch)]
    base, *marks = list(unicodedata.normalize("NFD", ch))
    if marks and base.isascii() and all(m in _ACCENTS for m in marks):
        spelled = base
        for mark in marks:
            spelled = f"\\{_ACCENTS[mark]}{{{spelled}}}"
        candidates.append("{" + spelled + "}")
    for latex in candidates:
        if latex.isascii() and unicodedata.normalize("NFKC", latex_to_text(latex)) == want:
            return latex
    return ch


@lru_cache(maxsize=4096)
def _encode_run(run: str) -> str:
    return "".join(_encode_char(ch) for ch in run)


def latex_errors(error: UnicodeError) -> tuple[str, int]:
    assert isinstance(error, UnicodeEncodeError)
    return _encode_run(error.object[error.start : error.end]), error.end


def ascii_text(text: str) -> str:
    # The codec finds the non-ASCII runs at C speed; only they go through
    # pylatexenc's encoder (which works a character at a time in Python: a
    # whole abstract took ~1 ms), and they repeat (–, ×, ’), so are cached.
    if text.isascii():
        return text
    try:
        return text.encode("ascii", "papercite-latex").decode("ascii")
    except UnicodeEncodeError:  # a character with no LaTeX form (CJK) stays as it is
        return _NON_ASCII.sub(lambda m: _encode_run(m.group()), text)


def ascii_math(text: str) -> str:
    if text.isascii():
        return text
    out = []
    for ch in text:
        if ch.isascii():
            out.append(ch)
            continue
        latex = _encoder().unicode_to_latex(ch)
        m = re.fullmatch(r"\{?\\ensuremath\{(.*?)\}\}?", latex)
        out.append(m.group(1) + " " if m else f"\\mbox{{{latex}}}")
    return "".join(out)


_BRACE_ESCAPES = str.maketrans({"{": r"\textbraceleft{}", "}": r"\textbraceright{}", "\\": r"\textbackslash{}"})


_PLAIN_PAIRS = (
    ("&", r"\&"),
    ("%", r"\%"),
    ("#", r"\#"),
    ("_", r"\_"),
    ("$", r"\$"),
    ("^", r"\textasciicircum{}"),
    ("~", r"\textasciitilde{}"),
)


TEXT_PAIRS = tuple(_TEXT_ESCAPES.items())


_NON_ASCII = re.compile(r"[^\x00-\x7f]+")


_DOUBLE_DASH = re.compile("--")


_DOUBLE_QUOTE = re.compile("''")


_LIGATURE = re.compile(r"(-(?=-)|`(?=`)|'(?=')|[!?](?=`))")


def replace_each(text: str, pairs: tuple[tuple[str, str], ...]) -> str:
    # str.replace per character present is many times faster than translate()
    # with a mapping (which works a character at a time) on long values.
    for char, replacement in pairs:
        if char in text:
            text = text.replace(char, replacement)
    return text


class EscapedText(str):
    """LaTeX that :func:`escape_text` made from plain text: safe as it is.

    Like markupsafe's ``Markup`` for HTML, the type carries what is known about
    the value, so that :func:`to_bib` need not check it again (values read from
    CSL-JSON and RIS). Any string operation returns a plain ``str``, which is
    checked as usual.
    """

    __slots__ = ()


def escape_text(text: str, *, ascii: bool = False) -> EscapedText:
    """Plain text -> LaTeX text: every special character escaped, ligatures (``--``, ``''``) broken."""
    if text.isalnum():  # letters and digits only (most name parts): nothing to escape
        return EscapedText(ascii_text(text) if ascii else text)
    result = text
    if "\\" in result or "{" in result or "}" in result:  # first: their escapes contain \, { and }
        result = result.translate(_BRACE_ESCAPES)
    result = replace_each(result, _PLAIN_PAIRS)
    # str's two-character search is slow on a long abstract (~1.2 us): a compiled literal
    # pattern takes half the time (one pattern for both would take 7 us: no literal prefix).
    if "`" in result or _DOUBLE_DASH.search(result) or ("'" in result and _DOUBLE_QUOTE.search(result)):
        result = _LIGATURE.sub(r"\1{}", result)
    return EscapedText(ascii_text(result) if ascii else result)
