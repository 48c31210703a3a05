"""Field values for BibTeX and BibLaTeX: safe, brace-balanced LaTeX.

Titles and abstracts from listings carry a little LaTeX (``$O(L^2)$``,
``\\textit{...}``, ``$π_0$``); everything else in them is text. This module
keeps the LaTeX that is known to be harmless and valid in any document
(font commands, accents, text symbols, math with standard symbols) and
escapes everything else, so that no value can end its field early, start a
new entry, or run a command (``\\input``, ``\\write18``) when the document is
compiled:

* ``& % # _ ^`` become ``\\& \\% \\# \\_ \\textasciicircum{}``; unmatched braces
  and an unclosed ``$`` are dropped (they render as nothing).
* Any other command (``\\input{...}``, ``\\write``, ``\\num``) is replaced, with its
  arguments, by the text it renders to in ``abstract_text`` — so the entry
  reads back as the same text, and no such command ever reaches LaTeX.
* A math formula that uses a command outside the math whitelist is written as
  the text it renders to (escaped), not as math.
* ``\\cite{a,b}`` becomes ``[a, b]``, ``\\footnote{x}`` `` (x)``,
  ``\\href{u}{t}`` ``t (u)``, ``\\\\`` a space.
* With ``ascii=True`` (BibTeX for pdflatex) non-ASCII characters become LaTeX
  (``Ł`` -> ``{\\L}``, ``π`` in math -> ``\\pi``), via pylatexenc; otherwise
  they stay UTF-8 (BibLaTeX with biber).
* ``protect_case=True`` (titles) braces each word whose capitals a style must
  not lower-case (``{AgentBench}``, ``{LLMs}``, ``{GLM-130B}``), never the
  whole title.
"""

from __future__ import annotations

import codecs
from collections.abc import Iterable, Iterator

from papercite.text.escape import (
    BRACES,
    TEXT_PAIRS,
    EscapedText,
    ascii_text,
    escape_text,
    latex_errors,
    replace_each,
)
from papercite.text.latex import latex_to_text
from papercite.text.latexmacros import CITE_COMMANDS
from papercite.text.texmath import math_to_bib
from papercite.text.textokens import (
    BACKSLASH,
    CLOSE,
    MATH,
    OPEN,
    SYM,
    SYM_BRACE,
    TEXT,
    Tokens,
    brace_arguments,
    group_at,
    macro_name,
    matched,
)

# Commands valid in text mode in any LaTeX document (kernel + textcomp).
TEXT_MACROS = frozenset(
    """
    textit textbf emph texttt textsc textrm textsf textsl textup textmd textnormal L l o O ss aa
    AA ae AE oe OE i j ldots dots textemdash textendash textquoteleft textquoteright
    textquotedblleft textquotedblright textasciitilde textasciicircum textbackslash textbar
    textless textgreater textbullet textdegree texttimes textregistered texttrademark
    textcopyright textsection textparagraph textdagger textdaggerdbl textbraceleft textbraceright
    LaTeX TeX c v u H d b k r t S P dag ddag pounds copyright
    """.split()
)

# Control symbols kept as they are: escapes, accents, spacing. Others (``\(``,
# ``\[`` would open math) are escaped.
_SAFE_SYMBOLS = frozenset("&%$#_" + ",;:! " + "'`\"^~=." + "-/@")


codecs.register_error("papercite-latex", latex_errors)


_LEADING = "([\"'“‘"
_TRAILING = ")]\"'”’:;,.!?"


def _needs_protection(word: str) -> bool:
    """A word whose capitals must survive a style's lower-casing: AgentBench, LLMs, GLM-130B, K12.

    Each hyphen-separated part is judged on its own, so Multi-Modal and
    End-to-End stay unprotected (a style may lower-case them).
    """
    for part in word.split("-") if "-" in word else (word,):
        rest = part[1:]
        if rest != rest.lower():
            return True  # a capital after the first character
        if part[:1].isupper() and not part.isalpha() and any(c.isdigit() for c in part):
            return True  # K12, V2
    return False


def _protect_words(text: str) -> str:
    """Brace the core of each word that needs it, leaving punctuation outside: ``{AgentBench}:``."""
    # Word by word, cheap checks first: faster than any regular expression tried for finding
    # the candidates (a character-class scan costs ~10 ns a character).
    words = text.split(" ")
    changed = False
    for i, word in enumerate(words):
        if word.islower() or (word.istitle() and word.isalpha() and word.isascii()):
            continue  # no capital, or only a first one (Evaluating): the common words, decided cheaply
        if word and _needs_protection(word):
            words[i] = _brace_core(word)
            changed = True
    return " ".join(words) if changed else text


def _brace_core(word: str) -> str:
    """``{AgentBench}:`` for ``AgentBench:``: leading and trailing punctuation stays outside."""
    core = word.lstrip(_LEADING)
    stripped = core.rstrip(_TRAILING)
    if not stripped:
        return word
    return f"{word[: len(word) - len(core)]}{{{stripped}}}{core[len(stripped) :]}"


def _text(text: str, ascii: bool, protect_case: bool) -> str:
    """A run of text outside math: specials escaped, then ASCII, then case protection."""
    text = replace_each(text, TEXT_PAIRS)
    if ascii and not text.isascii():
        text = ascii_text(text)
    return _protect_words(text) if protect_case else text


MAX_NESTING = 4  # \footnote{\href{...}} levels converted; deeper ones are written as their text


def to_bib(
    source: str,
    *,
    ascii: bool = False,
    protect_case: bool = False,
    problems: list[str] | None = None,
    _nesting: int = 0,
) -> str:
    """LaTeX-light source (title, abstract) -> a safe BibTeX field value (without the outer braces).

    A formula that could not compile (``\\frac`` without arguments, an unbalanced ``\\left``,
    ``x^^5c``) is written as the text it renders to, and said in ``problems``."""
    if type(source) is not EscapedText and not ("\\" in source or "$" in source or "{" in source or "}" in source):
        return _text(source, ascii, protect_case)  # no LaTeX at all: most values
    if type(source) is EscapedText:
        # Plain text escaped by escape_text() (values read from CSL-JSON, RIS):
        # already safe, so only ASCII and case protection remain to be done.
        if ascii and not source.isascii():
            source = ascii_text(source)
        return _protect_words(source) if protect_case else source
    if _nesting > MAX_NESTING:
        return escape_text(latex_to_text(source), ascii=ascii)
    tokens = Tokens(source)
    return joined(_render(tokens, matched(tokens), ascii, protect_case, _nesting, problems))


def joined(pieces: Iterable[str], batch: int = 4096) -> str:
    """``"".join(pieces)``, joining every ``batch`` pieces as they come: a value of many
    small pieces (a brace, an accent each) then never holds them all as objects at once."""
    chunks: list[str] = []
    run: list[str] = []
    for piece in pieces:
        run.append(piece)
        if len(run) == batch:
            chunks.append("".join(run))
            run.clear()
    chunks.append("".join(run))
    return "".join(chunks)


def _render(
    tokens: Tokens, paired: bytearray, ascii: bool, protect_case: bool, nesting: int, problems: list[str] | None
) -> Iterator[str]:
    i = 0
    depth = 0  # braces opened by the source around the current token
    kinds = tokens.kinds
    n = len(kinds)
    while i < n:
        kind = kinds[i]
        if kind == TEXT:
            yield _text(tokens.text(i), ascii, protect_case and depth == 0)
        elif kind in (OPEN, CLOSE):
            if paired[i]:
                depth += 1 if kind == OPEN else -1
                yield tokens.text(i)
            # An unmatched brace renders as nothing (as in abstract_text): it is dropped.
        elif kind == MATH:
            if paired[i]:
                # Its partner may have gone inside a command's argument already written as text
                # (\input{$}$): then this one is as good as unclosed.
                end = next((j for j in range(i + 1, n) if kinds[j] == MATH and paired[j]), None)
                if end is not None:
                    yield math_to_bib(tokens, i + 1, end, ascii, problems)
                    i = end
            # else: an unclosed $ starts math that runs to the end: its text is kept, the $ dropped
        elif kind == SYM:
            sym = tokens.text(i)
            if sym == "\\\\":
                yield " "  # a line break means nothing in a field
            else:
                yield sym if sym[1] in _SAFE_SYMBOLS else r"\textbackslash{}" + escape_text(sym[1])
        elif kind == SYM_BRACE:
            yield BRACES[tokens.text(i)[1]]  # \{ and \} unbalance BibTeX's brace count
        elif kind == BACKSLASH:
            pass  # a backslash ending the value renders as nothing: dropped
        else:
            name = macro_name(tokens.text(i))
            converted = _convert(name, tokens, i, paired, ascii, nesting, problems)
            if converted is not None:
                text, i = converted
                yield text
                continue
            if name in TEXT_MACROS:
                yield tokens.text(i)
            else:
                # Not a command we know to be harmless: never written as a
                # command. It and its arguments become the text they render
                # to (what abstract_text shows: \num and \input{...} show
                # nothing, \mathbb{R} shows ℝ), escaped.
                end = i + 1
                for _ in range(brace_arguments(name)):
                    group = group_at(tokens, end, paired)
                    if group is None:
                        break
                    end = group[1]
                yield escape_text(latex_to_text(tokens.span(i, end)), ascii=ascii)
                i = end
                continue
        i += 1


def _convert(
    name: str, tokens: Tokens, i: int, paired: bytearray, ascii: bool, nesting: int, problems: list[str] | None
) -> tuple[str, int] | None:
    """Commands rewritten rather than kept: citations, footnotes, links, URLs."""
    if name in CITE_COMMANDS:
        group = group_at(tokens, i + 1, paired)
        if group:
            keys = ", ".join(k.strip() for k in group[0].split(","))
            return escape_text(f"[{keys}]", ascii=ascii), group[1]
    elif name == "footnote":
        group = group_at(tokens, i + 1, paired)
        if group:
            return " (" + to_bib(group[0], ascii=ascii, problems=problems, _nesting=nesting + 1) + ")", group[1]
    elif name == "href":
        url = group_at(tokens, i + 1, paired)
        text = url and group_at(tokens, url[1], paired)
        if url and text:
            return to_bib(text[0], ascii=ascii, problems=problems, _nesting=nesting + 1) + " (" + url_field(
                url[0]
            ) + ")", text[1]
    elif name == "url":
        group = group_at(tokens, i + 1, paired)
        if group:
            return r"\url{" + url_field(group[0]) + "}", group[1]
    return None


def url_field(url: str) -> str:
    """A URL as it may stand in a ``url`` field or ``\\url{}``: braces and ``^`` percent-encoded,
    ``%`` and ``#`` escaped."""
    # Braces and ^ (TeX's ^^5c is a backslash) are percent-encoded first, then every % escaped.
    url = url.replace("\\", "").replace("{", "%7B").replace("}", "%7D").replace("^", "%5E")
    return url.replace("%", r"\%").replace("#", r"\#")
