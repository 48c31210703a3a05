"""Abstract text: the fast renderer against pylatexenc, and the deliberate choices."""

from __future__ import annotations

from pathlib import Path

import pytest

from papercite.text.latex import latex_to_text, pylatexenc_to_text

FIXTURE = Path(__file__).parents[2] / "fixtures" / "glm-listing.txt"
ABSTRACTS = FIXTURE.read_text(encoding="utf-8").splitlines()[2::3]

SAMPLES = [
    r"quantitatively \textit{evaluate LLMs as agents} on",
    r"over \num API-based and",
    r"on 4$\times$RTX 3090 and 8$\times$RTX 2080",
    r"from $O(L^2)$ to $O(Lk)$ and $x^{2}_{i}$",
    r"ChatGLM\footnote{\url{https://chatglm.cn}}, an online",
    r"Tuning \cite{li2021prefix,qin2021learning} optimized; see \citep[p.~3]{a2020}",
    r"framework--model size---and ``quoted'' text, it's",
    r"a~b \& c \% d \$ e \# f \_ g \{ h \}",
    r"\'e \`a \^o \"u \~n \c{c} \v{C}ech \u{a} \={o} \H{o} Schr\"odinger na\"ive \'\i{}",
    r"{\L}ukasz {\l}{\o}{\O}\ss{} \aa\AA\ae\AE\oe\OE",
    r"$\alpha+\beta \leq \gamma \approx \infty \rightarrow \pi_0$ \ldots",
    r"\emph{nested \textbf{bold \texttt{mono}}} and \textsc{Small Caps}",
    r"\href{https://x.org/a}{the project page} and \url{https://github.com/THUDM/WebGLM}.",
    r"unknown \foo{bar} baz \LaTeX{} 3\,GB 100\textdegree C",
    r"line\\break and \newline too",
    r"\frac{a}{b} and \sqrt{x} and $\mathbf{x} \in \mathbb{R}^n$",
    r"\begin{itemize}\item one \item two\end{itemize}",
    "unbalanced {brace and $unclosed math",
    "stray } brace",
    "plain text with no LaTeX at all, 50% better & faster",
]


@pytest.mark.parametrize("source", ABSTRACTS + SAMPLES, ids=[f"fixture{i}" for i in range(26)] + SAMPLES)
def test_agrees_with_pylatexenc(source):
    assert latex_to_text(source) == pylatexenc_to_text(source)


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        (r"\textit{x}", "x"),
        (r"$\times$", "×"),
        (r"\url{https://a.b/c_d%20e}", "https://a.b/c_d%20e"),
        (r"A \& B", "A & B"),
        ("A & B improves 5% over C", "A & B improves 5% over C"),  # literal, not alignment/comment
        (r"see \cite{k1, k2}.", "see [k1, k2]."),
        (r"X\footnote{a note}, Y", "X (a note), Y"),
        (r"\href{https://u.v}{text}", "text (https://u.v)"),
        (r"{\L}ukasz J\"urgen Ond\v{r}ej", "Łukasz Jürgen Ondřej"),
        ("  spaced\n\tout  ", "spaced out"),
        ("", ""),
    ],
)
def test_choices(source, expected):
    assert latex_to_text(source) == expected


def test_pylatexenc_failure_does_not_lose_the_text(monkeypatch):
    import papercite.text.latex as latex

    def broken(source):
        raise RuntimeError("boom")

    monkeypatch.setattr(latex, "pylatexenc_to_text", broken)
    assert latex.latex_to_text(r"\frac{a}{b} kept \textbf{words}") == "ab kept words"


def test_pylatexenc_complaints_do_not_reach_the_terminal(capfd):
    # found by bench/fuzz.py: pylatexenc logged warnings through logging's last-resort handler
    from papercite.text.latex import latex_to_text

    assert latex_to_text(r"see \url").split() == ["see"]  # no "%s" left behind either
    assert latex_to_text(r"\input").strip() == ""
    assert latex_to_text(r"a\footnote") == "a" and latex_to_text(r"\href{u}") == "u"
    captured = capfd.readouterr()
    assert captured.err == "" and captured.out == ""
