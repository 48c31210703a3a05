"""The Python API: the README's example runs as written (against stand-ins), and the
functions agree with the command line."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from test_arxiv import truth
from test_listing_fixture import ARXIV_IDS, EXPECTED

import papercite
from papercite.diagnostics import Diagnostics
from papercite.plugins import ExportOptions

from conftest import Checker
from standins import ArxivAPI

ROOT = Path(__file__).parent.parent


def readme_example() -> str:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("## Python API", 1)[1]
    return re.search(r"```python\n(.*?)```", section, re.S).group(1)


def test_readme_example_runs(checker: Checker, arxiv: ArxivAPI, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                             capsys: pytest.CaptureFixture[str]) -> None:
    arxiv.add(*truth())
    checker.github.add_repo("THUDM/GLM-130B")
    shutil.copytree(ROOT / "fixtures", tmp_path / "fixtures")
    monkeypatch.chdir(tmp_path)
    for name, value in {**checker.env, "PAPERCITE_ARXIV_API": arxiv.query_url}.items():
        if value is None:
            monkeypatch.delenv(name, raising=False)
        else:
            monkeypatch.setenv(name, value)
    exec(compile(readme_example(), "README.md", "exec"), {})
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "26 AgentBench: Evaluating LLMs as Agents"
    bib = (tmp_path / "refs.bib").read_text()
    assert bib.count("eprint = {") == 26 and f"eprint = {{{ARXIV_IDS[1]}}}" in bib
    assert any("broken https://github.com/THUDM/AgentBench" in line for line in out)
    assert not any("GLM-130B" in line for line in out)  # ok links are not printed


def test_api_matches_the_command_line(checker: Checker) -> None:
    fixture = str(ROOT / "fixtures" / "glm-listing.txt")
    records = papercite.read(fixture, as_of=__import__("datetime").date(2026, 11, 27))
    assert [r.title_text for r in records] == [e[4] for e in EXPECTED]
    cli = checker.run("export", fixture, "--to", "ris", "--as-of", "2026-11-27").stdout
    assert papercite.export(records, "ris") == cli
    keyed = papercite.export(records[:1], "bibtex", options=ExportOptions(key_pattern="{author}{year}"))
    assert keyed.startswith("@misc{liu2023,")


def test_problems_are_collected_not_raised(tmp_path: Path) -> None:
    bad = tmp_path / "bad.txt"
    bad.write_text("CLMar 1, 2021\nA Study of LinksAda Lovelace, Alan Turing\nabstract\nnonsense line\n")
    diagnostics = Diagnostics()
    records = papercite.read(bad, tmp_path / "missing.txt", diagnostics=diagnostics)
    assert len(records) == 1
    assert any("missing.txt" in str(d) for d in diagnostics.items)
    with pytest.raises(papercite.plugins.PluginError):
        papercite.export(records, "nope")
