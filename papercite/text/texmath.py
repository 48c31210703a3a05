"""Math in a field: kept as LaTeX when BibTeX and LaTeX can take it as written, else its text."""

from __future__ import annotations

from papercite.text.escape import (
    MATH_TABLE,
    ascii_math,
    escape_text,
)
from papercite.text.latex import latex_to_text
from papercite.text.textokens import (
    BACKSLASH,
    CLOSE,
    OPEN,
    SYM,
    SYM_BRACE,
    TEXT,
    WORD,
    Tokens,
    macro_name,
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


def _available_arguments(tokens: Tokens, i: int, end: int, wanted: int) -> int:
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


def _cannot_compile(tokens: Tokens, start: int, end: int) -> str | None:
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
        name = macro_name(tokens.text(i))
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


def math_to_bib(tokens: Tokens, start: int, end: int, ascii: bool, problems: list[str] | None = None) -> str:
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
            safe = safe and macro_name(tokens.text(i)) in MATH_MACROS
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
            text = tokens.text(i).translate(MATH_TABLE)
            out.append(ascii_math(text) if ascii else text)
        else:
            out.append(tokens.text(i))
    return "$" + "".join(out) + "$"
