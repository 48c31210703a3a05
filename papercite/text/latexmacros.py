"""What LaTeX's macros mean to papercite: accents, macros whose argument is their text,
citation commands, symbols, and the arguments each macro takes."""

from __future__ import annotations

from functools import lru_cache

# Combining marks for the accent macros (as pylatexenc renders them).
ACCENTS = {
    "'": "\u0301",
    "`": "\u0300",
    "^": "\u0302",
    '"': "\u0308",
    "~": "\u0303",
    "=": "\u0304",
    ".": "\u0307",
    "u": "\u0306",
    "v": "\u030c",
    "H": "\u030b",
    "c": "\u0327",
    "d": "\u0323",
    "b": "\u0331",
    "k": "\u0328",
    "r": "\u030a",
}


LETTER_ACCENTS = frozenset("udvHcbkr")  # accents spelled as letters: need an argument


# Macros whose single argument is simply shown.
UNWRAP = frozenset(
    [
        "textit",
        "textbf",
        "emph",
        "textrm",
        "textsf",
        "texttt",
        "textsc",
        "textsl",
        "textup",
        "textmd",
        "textnormal",
        "text",
        "mathrm",
        "mbox",
        "hbox",
        "underline",
        "uline",
        "ensuremath",
    ]
)


CITE_COMMANDS = frozenset("cite citep citet citealp citealt citeauthor citeyear nocite".split())


SYMBOL_OVERRIDES = {
    "textbraceleft": "{",
    "textbraceright": "}",
    "textasciicircum": "^",
    "textasciitilde": "~",
    "textbackslash": "\\",
    "textperiodcentered": "\u00b7",  # pylatexenc says U+02D9 (a dot accent); LaTeX prints a middle dot
    # Logos, which plain text spells out (pylatexenc drops them: "The \\TeX book" -> "The book").
    "TeX": "TeX",
    "LaTeX": "LaTeX",
    "LaTeXe": "LaTeX2e",
    "BibTeX": "BibTeX",
    "XeTeX": "XeTeX",
    "XeLaTeX": "XeLaTeX",
    "LuaTeX": "LuaTeX",
    "LuaLaTeX": "LuaLaTeX",
    "ConTeXt": "ConTeXt",
    "AmS": "AMS",
    "MF": "Metafont",
    "MP": "MetaPost",
}


@lru_cache(maxsize=1)
def macro_tables() -> tuple[dict[str, str], frozenset[str]]:
    """From pylatexenc: argument-less macros with a constant rendering
    (``\\times`` -> ×), and the names of macros that take arguments."""
    from pylatexenc import latex2text, latexwalker

    text_db = latex2text.get_default_latex_context_db()
    walk_db = latexwalker.get_default_latex_context_db()
    symbols: dict[str, str] = {}
    for spec in text_db.iter_macro_specs():
        repl = spec.simplify_repl
        walk = walk_db.get_macro_spec(spec.macroname)
        if isinstance(repl, str) and "%" not in repl and not (walk and walk.args_parser.argspec):
            symbols[spec.macroname] = repl
    symbols.update(SYMBOL_OVERRIDES)
    with_args = frozenset(spec.macroname for spec in walk_db.iter_macro_specs() if spec.args_parser.argspec)
    return symbols, with_args


@lru_cache(maxsize=256)
def argument_spec(name: str) -> str:
    """pylatexenc's argument spec of a macro (``"{"``, ``"[{"``, ...); ``""`` if it takes none or is unknown."""
    from pylatexenc import latexwalker

    spec = latexwalker.get_default_latex_context_db().get_macro_spec(name)
    return spec.args_parser.argspec if spec else ""
