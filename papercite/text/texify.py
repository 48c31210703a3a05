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
import re
from array import array
from collections.abc import Iterable, Iterator
from functools import lru_cache

from papercite.text.latex import CITE_COMMANDS, argument_spec, latex_to_text

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
# Commands valid in math mode in any LaTeX document (no amsmath/amssymb).
MATH_MACROS = frozenset(
    """
    alpha beta gamma delta epsilon varepsilon zeta eta theta vartheta iota kappa lambda mu nu xi
    pi varpi rho varrho sigma varsigma tau upsilon phi varphi chi psi omega Gamma Delta Theta
    Lambda Xi Pi Sigma Upsilon Phi Psi Omega pm mp times div cdot ast star circ bullet cap cup
    vee wedge oplus ominus otimes oslash odot setminus wr diamond leq le geq ge neq ne approx
    sim simeq cong equiv propto ll gg subset subseteq supset supseteq in ni notin perp mid
    parallel prec succ preceq succeq to rightarrow leftarrow Rightarrow Leftarrow leftrightarrow
    Leftrightarrow mapsto longrightarrow longleftarrow uparrow downarrow infty partial nabla
    forall exists neg lnot emptyset ell hbar prime ldots cdots vdots ddots sum prod int oint
    bigcup bigcap bigoplus bigotimes coprod log ln exp sin cos tan max min arg lim sup inf det
    dim ker Pr deg gcd frac sqrt left right big Big bigg Bigg mathrm mathbf mathit mathsf mathtt
    mathcal hat tilde bar vec dot ddot check breve acute grave overline underline widehat
    widetilde quad qquad langle rangle lfloor rfloor lceil rceil top bot angle triangle mbox
    """.split()
)  # no \text: it needs amsmath

_TOKEN = re.compile(
    r"(?P<word>\\[A-Za-z@]+\*?[ \t\r\n]*)"
    r"|(?P<sym_brace>\\[{}])"
    r"|(?P<sym>\\[^A-Za-z@])"
    r"|(?P<backslash>\\)"  # a backslash at the very end
    r"|(?P<open>\{)|(?P<close>\})|(?P<math>\$\$?)|(?P<text>[^\\{}$]+)",
    re.DOTALL,
)
# Control symbols kept as they are: escapes, accents, spacing. Others (``\(``,
# ``\[`` would open math) are escaped.
_SAFE_SYMBOLS = frozenset("&%$#_" + ",;:! " + "'`\"^~=." + "-/@")
# BibTeX counts every brace, escaped or not, so literal braces are written as commands.
_BRACES = {"{": r"\textbraceleft{}", "}": r"\textbraceright{}"}
_TEXT_ESCAPES = {"&": r"\&", "%": r"\%", "#": r"\#", "_": r"\_", "^": r"\textasciicircum{}"}
_MATH_ESCAPES = {"&": r"\&", "%": r"\%", "#": r"\#"}
_MATH_TABLE = str.maketrans(_MATH_ESCAPES)


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
    base, *marks = unicodedata.normalize("NFD", ch)
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


def _latex_errors(error: UnicodeError) -> tuple[str, int]:
    assert isinstance(error, UnicodeEncodeError)
    return _encode_run(error.object[error.start : error.end]), error.end


codecs.register_error("papercite-latex", _latex_errors)


def _ascii_text(text: str) -> str:
    # The codec finds the non-ASCII runs at C speed; only they go through
    # pylatexenc's encoder (which works a character at a time in Python: a
    # whole abstract took ~1 ms), and they repeat (–, ×, ’), so are cached.
    if text.isascii():
        return text
    try:
        return text.encode("ascii", "papercite-latex").decode("ascii")
    except UnicodeEncodeError:  # a character with no LaTeX form (CJK) stays as it is
        return _NON_ASCII.sub(lambda m: _encode_run(m.group()), text)


def _ascii_math(text: str) -> str:
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
_TEXT_PAIRS = tuple(_TEXT_ESCAPES.items())
_NON_ASCII = re.compile(r"[^\x00-\x7f]+")
_DOUBLE_DASH = re.compile("--")
_DOUBLE_QUOTE = re.compile("''")
_LIGATURE = re.compile(r"(-(?=-)|`(?=`)|'(?=')|[!?](?=`))")


def _replace_each(text: str, pairs: tuple[tuple[str, str], ...]) -> str:
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
        return EscapedText(_ascii_text(text) if ascii else text)
    result = text
    if "\\" in result or "{" in result or "}" in result:  # first: their escapes contain \, { and }
        result = result.translate(_BRACE_ESCAPES)
    result = _replace_each(result, _PLAIN_PAIRS)
    # str's two-character search is slow on a long abstract (~1.2 us): a compiled literal
    # pattern takes half the time (one pattern for both would take 7 us: no literal prefix).
    if "`" in result or _DOUBLE_DASH.search(result) or ("'" in result and _DOUBLE_QUOTE.search(result)):
        result = _LIGATURE.sub(r"\1{}", result)
    return EscapedText(_ascii_text(result) if ascii else result)


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
    text = _replace_each(text, _TEXT_PAIRS)
    if ascii and not text.isascii():
        text = _ascii_text(text)
    return _protect_words(text) if protect_case else text


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
MAX_NESTING = 4  # \footnote{\href{...}} levels converted; deeper ones are written as their text


class _Tokens:
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


def _matched(tokens: _Tokens) -> bytearray:
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
            source = _ascii_text(source)
        return _protect_words(source) if protect_case else source
    if _nesting > MAX_NESTING:
        return escape_text(latex_to_text(source), ascii=ascii)
    tokens = _Tokens(source)
    return joined(_render(tokens, _matched(tokens), ascii, protect_case, _nesting, problems))


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
    tokens: _Tokens, paired: bytearray, ascii: bool, protect_case: bool, nesting: int, problems: list[str] | None
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
                    yield _math(tokens, i + 1, end, ascii, problems)
                    i = end
            # else: an unclosed $ starts math that runs to the end: its text is kept, the $ dropped
        elif kind == SYM:
            sym = tokens.text(i)
            if sym == "\\\\":
                yield " "  # a line break means nothing in a field
            else:
                yield sym if sym[1] in _SAFE_SYMBOLS else r"\textbackslash{}" + escape_text(sym[1])
        elif kind == SYM_BRACE:
            yield _BRACES[tokens.text(i)[1]]  # \{ and \} unbalance BibTeX's brace count
        elif kind == BACKSLASH:
            pass  # a backslash ending the value renders as nothing: dropped
        else:
            name = _name(tokens.text(i))
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
                for _ in range(_brace_arguments(name)):
                    group = _group(tokens, end, paired)
                    if group is None:
                        break
                    end = group[1]
                yield escape_text(latex_to_text(tokens.span(i, end)), ascii=ascii)
                i = end
                continue
        i += 1


# Math commands that need arguments, and how many: without them the formula does not compile.
_MATH_ARGUMENTS = {
    "frac": 2,
    "sqrt": 1,
    "mathrm": 1,
    "mathbf": 1,
    "mathit": 1,
    "mathsf": 1,
    "mathtt": 1,
    "mathcal": 1,
    "hat": 1,
    "tilde": 1,
    "bar": 1,
    "vec": 1,
    "dot": 1,
    "ddot": 1,
    "check": 1,
    "breve": 1,
    "acute": 1,
    "grave": 1,
    "overline": 1,
    "underline": 1,
    "widehat": 1,
    "widetilde": 1,
    "mbox": 1,
    "left": 1,
    "right": 1,
}


def _available_arguments(tokens: _Tokens, i: int, end: int, wanted: int) -> int:
    """How many of ``wanted`` arguments follow token ``i`` before ``end``: a group, a command,
    a control symbol or one character of text each."""
    found = 0
    kinds = tokens.kinds
    while i < end and found < wanted:
        kind = kinds[i]
        if kind == TEXT:
            text = tokens.text(i).replace(" ", "")
            if text[:1] in ("^", "_", "&", "#"):
                return found
            found += len(text)
            i += 1
        elif kind == OPEN:
            depth = 0
            while i < end:
                depth += kinds[i] == OPEN
                depth -= kinds[i] == CLOSE
                i += 1
                if depth == 0:
                    break
            found += 1
        elif kind in (WORD, SYM, SYM_BRACE):
            found += 1
            i += 1
        else:
            return found
    return min(found, wanted)


def _cannot_compile(tokens: _Tokens, start: int, end: int) -> str | None:
    """Why the formula of tokens ``start`` to ``end - 1`` would stop LaTeX, or None."""
    raw = tokens.span(start, end)
    if "^^" in raw:
        return "TeX reads ^^ as a character code"
    scripts = raw.replace(" ", "").replace("{}", "")
    if scripts.endswith(("^", "_")) or any(p in scripts for p in ("^^", "__", "^_", "_^")):
        return "a superscript or subscript without its argument"
    kinds = tokens.kinds
    lefts = 0
    for i in range(start, end):
        if kinds[i] != WORD:
            continue
        name = _name(tokens.text(i))
        wanted = _MATH_ARGUMENTS.get(name)
        if wanted and _available_arguments(tokens, i + 1, end, wanted) < wanted:
            return f"\\{name} without its argument{'s' if wanted > 1 else ''}"
        if name == "left":
            lefts += 1
        elif name == "right":
            lefts -= 1
            if lefts < 0:
                return "\\right without \\left"
    return "\\left without \\right" if lefts else None


def _math(tokens: _Tokens, start: int, end: int, ascii: bool, problems: list[str] | None = None) -> str:
    """The ``$...$`` formula of tokens ``start`` to ``end - 1``: kept as math when every
    command in it is standard and it can compile, else written as the text it renders to."""
    raw = tokens.span(start, end)
    depth = 0
    safe = True
    kinds = tokens.kinds
    for i in range(start, end):
        kind = kinds[i]
        if kind == OPEN:
            depth += 1
        elif kind == CLOSE:
            depth -= 1
            safe = safe and depth >= 0
        elif kind == WORD:
            safe = safe and _name(tokens.text(i)) in MATH_MACROS
        elif kind == BACKSLASH or (kind == SYM and tokens.text(i)[1] in "()[]"):
            safe = False
    broken = _cannot_compile(tokens, start, end) if safe and depth == 0 else None
    if broken and problems is not None:
        shown = raw if len(raw) <= 40 else raw[:37] + "..."
        problems.append(f"formula ${shown}$ would not compile ({broken}): written as text")
    if broken:
        return escape_text("$" + raw + "$", ascii=ascii)  # its source, shown as it was written
    if not safe or depth != 0:
        return escape_text(latex_to_text("$" + raw + "$"), ascii=ascii)  # the text it renders to
    out = []
    for i in range(start, end):
        if kinds[i] == TEXT:
            text = tokens.text(i).translate(_MATH_TABLE)
            out.append(_ascii_math(text) if ascii else text)
        else:
            out.append(tokens.text(i))
    return "$" + "".join(out) + "$"


def _brace_arguments(name: str) -> int:
    """How many ``{...}`` arguments a command takes, as pylatexenc (and so abstract_text) knows it."""
    return argument_spec(name).count("{")


def _name(word: str) -> str:
    return word.rstrip(" \t\r\n*")[1:]


def _group(tokens: _Tokens, i: int, paired: bytearray) -> tuple[str, int] | None:
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


def _convert(
    name: str, tokens: _Tokens, i: int, paired: bytearray, ascii: bool, nesting: int, problems: list[str] | None
) -> tuple[str, int] | None:
    """Commands rewritten rather than kept: citations, footnotes, links, URLs."""
    if name in CITE_COMMANDS:
        group = _group(tokens, i + 1, paired)
        if group:
            keys = ", ".join(k.strip() for k in group[0].split(","))
            return escape_text(f"[{keys}]", ascii=ascii), group[1]
    elif name == "footnote":
        group = _group(tokens, i + 1, paired)
        if group:
            return " (" + to_bib(group[0], ascii=ascii, problems=problems, _nesting=nesting + 1) + ")", group[1]
    elif name == "href":
        url = _group(tokens, i + 1, paired)
        text = url and _group(tokens, url[1], paired)
        if url and text:
            return to_bib(text[0], ascii=ascii, problems=problems, _nesting=nesting + 1) + " (" + url_field(
                url[0]
            ) + ")", text[1]
    elif name == "url":
        group = _group(tokens, i + 1, paired)
        if group:
            return r"\url{" + url_field(group[0]) + "}", group[1]
    return None


def url_field(url: str) -> str:
    """A URL as it may stand in a ``url`` field or ``\\url{}``: braces and ``^`` percent-encoded,
    ``%`` and ``#`` escaped."""
    # Braces and ^ (TeX's ^^5c is a backslash) are percent-encoded first, then every % escaped.
    url = url.replace("\\", "").replace("{", "%7B").replace("}", "%7D").replace("^", "%5E")
    return url.replace("%", r"\%").replace("#", r"\#")
