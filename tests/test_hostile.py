"""Hostile inputs (issue 15): values stay inside their fields and every output compiles;
time and memory grow with the input, not with its square; deep nesting is one bad record.

The time bounds are generous (seconds where the code before took minutes): they catch
quadratic growth, not a slow machine. bench/hostile.py measures the growth itself.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import time
import tracemalloc
from pathlib import Path

import pytest

from papercite import arxivids
from papercite.diagnostics import Diagnostics
from papercite.links.urls import find_links
from papercite.plugins import ReadContext, Registry, get_plugin_manager
from papercite.readers.byline import split_byline
from papercite.text.latex import latex_to_text
from papercite.text.texify import to_bib

from conftest import Checker
from consumers import biber_validate, bibtex_and_pdflatex

REGISTRY = Registry(get_plugin_manager(entry_points=False))
AS_OF = dt.date(2026, 11, 27)


def read(fmt: str, text: str) -> tuple[list, Diagnostics]:
    diagnostics = Diagnostics()
    records = list(REGISTRY.reader(fmt).read(io.StringIO(text), ReadContext("x", diagnostics, AS_OF)))
    return records, diagnostics


# -- values stay inside their fields ---------------------------------------------------------

SECRET = "SECRETFILECONTENT"


@pytest.fixture
def secret(tmp_path: Path) -> Path:
    """A local file an injected \\input would read into the document."""
    path = tmp_path / "secret.tex"
    path.write_text(SECRET + "\n")
    return path


def hostile_inputs(secret: Path) -> dict[str, str]:
    """The same hostile record as CSL-JSON, RIS and BibTeX."""
    inject = f"}}, note = {{\\input{{{secret.stem}}}}}"
    caret = f"$x^^5cinput^^7b{secret.stem}^^7d$"
    item = {"id": "evil", "type": "article-journal", "title": f"Title {caret} and $\\frac$ and $\\left( x$",
            "author": [{"family": "Doe", "given": "Jane"}], "issued": {"date-parts": [[2020]]},
            "DOI": f"10.1/x{inject}", "URL": f"https://example.com/^^5cinput^^7b{secret.stem}^^7d",
            "number": "arXiv:2101.00001", "custom": {"papercite": {"category": f"cs.CL{inject}"}},
            "abstract": f"An abstract {caret} \u001b[31m with \u0007 controls"}
    ris = (f"TY  - JOUR\nTI  - Title {caret}\nAU  - Doe, Jane\nPY  - 2020\nDO  - 10.1/x{inject}\n"
           f"UR  - https://example.com/^^5cinput^^7b{secret.stem}^^7d\nER  - \n")
    bib = (f"@article{{evil,\n  title = {{Title {caret} and $\\frac$ and $\\left( x$}},\n  author = {{Doe, Jane}},\n  year = {{2020}},\n"
           f"  doi = {{10.1/x\\}}\\input\\{{{secret.stem}\\}}}},\n  eprint = {{2101.00001}},\n"
           f"  primaryClass = {{cs.CL \\input{{{secret.stem}}}}},\n}}\n")
    return {"json": json.dumps([item]), "ris": ris, "bib": bib}


@pytest.mark.parametrize("kind", ["json", "ris", "bib"])
@pytest.mark.parametrize("to", ["bibtex", "biblatex"])
def test_no_value_leaves_its_field_and_every_bib_compiles(checker: Checker, tmp_path: Path, secret: Path,
                                                           kind: str, to: str) -> None:
    source = tmp_path / f"evil.{kind}"
    source.write_text(hostile_inputs(secret)[kind])
    out = tmp_path / "refs.bib"
    result = checker.run("export", str(source), "--to", to, "-o", str(out))
    assert result.exit_code == 0, result.output
    assert "1 record read, 0 skipped" in result.stderr  # the record still comes out
    text = out.read_text()
    assert "^^" not in text and "\\input" not in text
    assert not re.search("[\x00-\x08\x0b-\x1f\x7f-\x9f]", text)
    if kind != "bib":  # a DOI that is no DOI is dropped, with a message on the record's line
        assert re.search(rf"evil\.{kind}:1: warning: DOI '10\.1/x}}.*' is not a valid DOI", result.stderr)
        assert "doi = " not in text
    if kind == "json":
        assert "arXiv category 'cs.CL}" in result.stderr and "primaryClass" not in text and "eprintclass" not in text
    if kind == "bib":  # LaTeX source: a formula that cannot compile is written as its text, with a warning
        assert "would not compile (TeX reads ^^ as a character code): written as text" in result.stderr
        assert "would not compile (\\frac without its arguments): written as text" in result.stderr
        assert "would not compile (\\left without \\right)" in result.stderr
    if to == "bibtex":
        for style in ("plain", "plainnat"):
            assert bibtex_and_pdflatex(out, style) == [], style
            log = (tmp_path / "doc.log").read_text(errors="replace")
            assert "secret.tex" not in log and SECRET not in (tmp_path / "doc.bbl").read_text()
    else:
        assert biber_validate(out) == []


def test_an_arxiv_doi_with_junk_after_it_is_no_arxiv_id() -> None:
    assert arxivids.id_from_doi("10.48550/arXiv.2308.03688") == "2308.03688"
    assert arxivids.id_from_doi("10.48550/arXiv.2308.03688}, note={x}") is None
    records, _ = read("csljson", json.dumps([{"id": "a", "title": "T", "DOI": "10.48550/arXiv.}, x = {y"}]))
    assert records[0].arxiv_id is None


def test_an_id_inside_a_longer_number_is_not_taken() -> None:
    assert arxivids.id_in("2101.123456") is None  # six digits: not an id, not its first five
    assert arxivids.id_in("see arXiv:2308.03688v2.") == "2308.03688"
    assert arxivids.id_in("hep-th/9901001") == "hep-th/9901001"


# -- time and memory grow linearly -------------------------------------------------------------


def timed(function, *args) -> float:
    start = time.perf_counter()
    function(*args)
    return time.perf_counter() - start


@pytest.mark.parametrize(("name", "call", "bound"), [
    # (what, a call that took minutes before, seconds allowed now)
    ("a long letter run in an arXiv field", lambda: arxivids.id_in("hep-th" * 20_000), 2),
    ("a prefixed one", lambda: arxivids.id_in("arxiv:" + "a" * 100_000, prefixed=True), 2),
    ("a URL followed by many ')'", lambda: list(find_links("see https://github.com/a/b" + ")" * 1_000_000)), 3),
    ("a byline with many capitals", lambda: split_byline("A Title" + "ABC-" * 100_000 + "xAda Lovelace, Bob Smith"), 3),
    ("nested braces in LaTeX", lambda: latex_to_text("{" * 100_000 + "x" + "}" * 100_000), 3),
    ("dense accents in LaTeX", lambda: latex_to_text("\\'ab" * 200_000), 5),
    ("nested footnotes in BibTeX", lambda: to_bib("\\footnote{" * 20_000 + "x" + "}" * 20_000), 5),
])
def test_hostile_shapes_take_linear_time(name: str, call, bound: float) -> None:
    assert timed(call) < bound, name


def test_spaces_around_line_breaks_cost_linear_time(checker: Checker, tmp_path: Path) -> None:
    bib = tmp_path / "x.bib"
    bib.write_text("@misc{k, title = {T}, abstract = {a" + " " * 400_000 + "b\nc}}\n")
    start = time.perf_counter()
    result = checker.run("export", str(bib), "--to", "bibtex")
    assert time.perf_counter() - start < 5 and result.exit_code == 0


@pytest.mark.parametrize(("fmt", "text"), [
    ("ris", "TY  - JOUR\nTI  - T\nAB  - x\n" + "more text\n" * 400_000 + "ER  - \n"),
    ("csljson", json.dumps([{"id": "a", "title": "T", "author": [{"family": "x", "given": "y"}] * 40_000}], indent=2)),
    ("csljson", json.dumps([{"id": "a", "title": "}}}", "author": [{"family": "x}", "given": "y"}] * 40_000}],
                           indent=2)),  # braces in strings: the brace count cannot be trusted
    ("bibtex", "".join(f'@string{{m{i} = "v{i}"}}\n' for i in range(20_000))
     + "".join(f"@misc{{k{i}, title = m{i}, year = 2020}}\n" for i in range(10_000))),
])
def test_readers_take_linear_time(fmt: str, text: str) -> None:
    start = time.perf_counter()
    records, diagnostics = read(fmt, text)
    assert time.perf_counter() - start < 8
    assert records and not [d for d in diagnostics.items if d.severity.value == "error"]
    if fmt == "bibtex":
        assert records[-1].title == "v9999"  # macros from many chunks before still resolve


def test_braces_and_accents_cost_memory_in_proportion() -> None:
    source = "{a}" * 300_000 + "\\'a" * 100_000  # 1.2 MB
    tracemalloc.start()
    try:
        to_bib(source)
        latex_to_text(source)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 20 * len(source), f"{peak / len(source):.0f}x the input"


# -- deep nesting is one bad record -------------------------------------------------------------


def test_deep_nesting_is_one_bad_record(checker: Checker, tmp_path: Path) -> None:
    deep = tmp_path / "deep.json"
    deep.write_text('[{"id": "a", "title": "T", "x": ' + "[" * 100_000 + "]" * 100_000
                    + '},\n{"id": "b", "title": "U", "URL": "https://github.com/a/b"}]')
    result = checker.run("export", str(deep), "--to", "bibtex")
    assert result.exit_code == 0
    assert "deep.json:1: error: nested too deeply to read; item skipped" in result.stderr
    assert "title = {U}" in result.stdout
    checker.github.add_repo("a/b")
    links = checker.run("check-links", str(deep))
    assert links.exit_code == 0, links.output  # 1 would mean "a link is broken"
    bib = tmp_path / "deep.bib"
    bib.write_text("@misc{a, title = {T}, abstract = {" + "{" * 50_000 + "x" + "}" * 50_000
                   + "\\footnote{" * 5_000 + "}" * 5_000 + "}}\n@misc{b, title = {U}}\n")
    for to in ("bibtex", "biblatex", "csljson", "ris", "text"):
        result = checker.run("export", str(bib), "--to", to)
        assert result.exit_code == 0 and "2 records read" in result.stderr, (to, result.stderr[-300:])
