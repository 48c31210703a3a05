"""Settings from papercite.toml / [tool.papercite]: precedence and clear errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import Checker


@pytest.fixture
def project(checker: Checker, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    checker.github.add_repo("a/b")
    (tmp_path / "papers.txt").write_text("CLMar 1, 2021\nA Study of LinksAda Lovelace, Alan Turing\nhttps://github.com/a/b\n")
    sub = tmp_path / "sub"
    sub.mkdir()
    monkeypatch.chdir(sub)  # the file is found from the working directory upwards
    return tmp_path


def test_settings_from_pyproject(checker: Checker, project: Path) -> None:
    (project / "pyproject.toml").write_text('[project]\nname = "x"\n\n[tool.papercite]\noffline = true\n')
    result = checker.run("check-links", "../papers.txt", "--format", "json")
    assert result.exit_code == 0, result.output
    assert '"status": "unchecked"' in result.stdout
    assert checker.github.log == []


def test_precedence_cli_then_environment_then_file(checker: Checker, project: Path) -> None:
    (project / "papercite.toml").write_text('arxiv-delay = 5\n\n[check-links]\nfail-on = "ok"\n')
    result = checker.run("check-links", "../papers.txt")
    assert "1 links: 1 ok" in result.stdout or "1 link: 1 ok" in result.stdout
    assert result.exit_code == 1  # fail-on = "ok" from the file's [check-links] table
    # the command line beats the file
    assert checker.run("check-links", "../papers.txt", "--fail-on", "broken").exit_code == 0
    # the environment beats the file
    shown = checker.run("config", "export", PAPERCITE_ARXIV_DELAY="1").stdout
    assert 'arxiv-delay = "1"  # environment PAPERCITE_ARXIV_DELAY' in shown
    shown = checker.run("config", "export", PAPERCITE_ARXIV_DELAY=None).stdout
    assert f"arxiv-delay = 5.0  # {project / 'papercite.toml'}" in shown


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("ofline = true\n", "papercite.toml: ofline: unknown setting"),
        ("offline = 3\n", "papercite.toml: offline: expected true or false"),
        ('timeout = "soon"\n', "papercite.toml: timeout: 'soon' is not a valid float range"),
        ('[check-links]\nfail-on = ["broken", "nope"]\n', "papercite.toml: check-links.fail-on: 'nope' is not a link status"),
        ('[export]\nfail-on = "broken"\n', "papercite.toml: export.fail-on: unknown setting for export"),
        ("offline = [true\n", "papercite.toml: "),
    ],
)
def test_bad_config_is_one_line_and_exit_2(checker: Checker, project: Path, content: str, message: str) -> None:
    (project / "papercite.toml").write_text(content)
    result = checker.run("check-links", "../papers.txt")
    assert result.exit_code == 2
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.output


def test_explicit_config_file(checker: Checker, project: Path) -> None:
    other = project / "ci.toml"
    other.write_text('offline = true\nfail-on = ["unchecked"]\n')
    assert checker.run("--config", str(other), "check-links", "../papers.txt").exit_code == 1
    assert checker.run("check-links", "../papers.txt").exit_code == 0


def test_config_shows_values_and_where_they_come_from(checker: Checker, project: Path) -> None:
    (project / "pyproject.toml").write_text('[tool.papercite]\nmax-cache-age = 60\n\n[tool.papercite.check-links]\n'
                                            'fail-on = ["broken", "moved"]\n')
    result = checker.run("config", "check-links", PAPERCITE_GITHUB_API="https://ghe.example.com/api/v3")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0] == f"# settings file: {project / 'pyproject.toml'}"
    assert f'fail-on = "broken,moved"  # {project / "pyproject.toml"}' in lines
    assert f"max-cache-age = 60.0  # {project / 'pyproject.toml'}" in lines
    assert 'github-api = "https://ghe.example.com/api/v3"  # environment PAPERCITE_GITHUB_API' in lines
    assert "strict = false  # default" in lines
    assert "[export]" not in lines
    assert checker.run("config", "nope").exit_code == 2


def test_shell_completion(checker: Checker) -> None:
    script = checker.run("completion", "bash").stdout
    assert "_PAPERCITE_COMPLETE=bash_complete" in script
    formats = checker.run(_PAPERCITE_COMPLETE="bash_complete", COMP_WORDS="papercite export x --to bib", COMP_CWORD="4")
    assert formats.stdout.split() == ["plain,biblatex", "plain,bibtex"]
    commands = checker.run(_PAPERCITE_COMPLETE="bash_complete", COMP_WORDS="papercite ch", COMP_CWORD="1")
    assert commands.stdout.split() == ["plain,check-links"]
