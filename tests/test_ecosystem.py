"""Fitting the ecosystem: link excludes and accepts, extra reports, pre-commit hooks and the
GitHub Action, each run the way its host runs it (against stand-ins)."""

from __future__ import annotations

import re
import shlex
import shutil
import subprocess
from pathlib import Path

import yaml

from conftest import Checker
from test_check_links import listing

ROOT = Path(__file__).parent.parent


def mixed(checker: Checker, tmp_path: Path) -> str:
    checker.github.add_repo("a/ok")
    checker.github.rename("a/old", "b/new")
    checker.hub.add("org/gated", gated="auto")
    return listing(tmp_path, "https://github.com/a/ok https://github.com/a/old",
                   "https://github.com/a/gone, https://huggingface.co/org/gated")


def test_accept_and_exclude(checker: Checker, tmp_path: Path) -> None:
    path = mixed(checker, tmp_path)
    result = checker.run("check-links", path, "--accept", "gated,broken", "--exclude", r"github\.com/a/ok$")
    assert result.exit_code == 0  # broken is accepted: nothing fails
    assert result.stdout.splitlines()[:-1] == [
        f"{path}:1: moved: https://github.com/a/old -> https://github.com/b/new (renamed or transferred to b/new)"]
    assert "3 links: 1 moved, 1 gated, 1 broken, 1 excluded" in result.stderr
    assert ("GET", "/repos/a/ok") not in [(m, p) for m, p, _ in checker.github.log]
    bad = checker.run("check-links", path, "--exclude", "(")
    assert bad.exit_code == 2 and "not a regular expression" in bad.stderr


def test_extra_reports(checker: Checker, tmp_path: Path) -> None:
    path = mixed(checker, tmp_path)
    md, xml = tmp_path / "summary.md", tmp_path / "links.xml"
    result = checker.run("check-links", path, "--format", "github", "--report", f"markdown:{md}",
                         "--report", f"junit:{xml}")
    assert result.stdout.startswith("::warning ")
    assert md.read_text().startswith("### papercite check-links: 4 links")
    assert xml.read_text().startswith('<?xml version="1.0"')
    assert len(checker.github.log) == 4  # one check (a rename costs a hop), three reports
    assert checker.run("check-links", path, "--report", "pdf:x").exit_code == 2


def test_skip_if_offline(checker: Checker, tmp_path: Path) -> None:
    path = mixed(checker, tmp_path)
    nowhere = {"PAPERCITE_GITHUB_API": "http://127.0.0.1:9", "PAPERCITE_HF_ENDPOINT": "http://127.0.0.1:9"}
    result = checker.run("check-links", path, "--skip-if-offline", "--timeout", "1", **nowhere)
    assert result.exit_code == 0
    assert "no network (cannot reach 127.0.0.1:9, 127.0.0.1:9): link check skipped" in result.stderr
    assert checker.run("check-links", path, "--skip-if-offline").exit_code == 1  # reachable: checked


def test_fail_if_changed(checker: Checker, tmp_path: Path) -> None:
    path = mixed(checker, tmp_path)
    bib = tmp_path / "refs.bib"
    first = checker.run("export", path, "--to", "bibtex", "-o", str(bib), "--fail-if-changed")
    assert first.exit_code == 1 and "refs.bib changed (written again): commit it" in first.stderr
    assert checker.run("export", path, "--to", "bibtex", "-o", str(bib), "--fail-if-changed").exit_code == 0
    assert checker.run("export", path, "--to", "bibtex", "--fail-if-changed").exit_code == 2


def test_pre_commit_hooks_run_as_pre_commit_runs_them(checker: Checker, tmp_path: Path) -> None:
    hooks = {h["id"]: h for h in yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())}
    path = mixed(checker, tmp_path)

    def run(hook_id: str, args: list[str], files: list[str]) -> subprocess.CompletedProcess[str]:
        hook = hooks[hook_id]
        command = shlex.split(hook["entry"]) + args + (files if hook.get("pass_filenames", True) else [])
        return subprocess.run(command, cwd=tmp_path, env=checker.subprocess_env(), capture_output=True, text=True, check=False)

    bib = run("papercite-bib", [path, "--to", "bibtex", "-o", "refs.bib"], ["papers.txt"])
    assert bib.returncode == 1 and (tmp_path / "refs.bib").exists()  # regenerated: commit it
    assert run("papercite-bib", [path, "--to", "bibtex", "-o", "refs.bib"], ["papers.txt"]).returncode == 0
    links = run("papercite-check-links", [], ["papers.txt", "refs.bib"])
    assert links.returncode == 1 and "broken: https://github.com/a/gone" in links.stdout
    # A staged file named like an option is checked as a file, not obeyed.
    for name in ("--exclude=.*", "-oX.txt"):
        shutil.copy(path, tmp_path / name)
        links = run("papercite-check-links", [], [name])
        assert links.returncode == 1 and "broken: https://github.com/a/gone" in links.stdout, name
        assert not (tmp_path / "X.txt").exists()
    assert re.search(hooks["papercite-check-links"]["files"], "refs.bib")
    assert re.search(hooks["papercite-check-links"]["files"], "papers.txt")


def test_github_action_step(checker: Checker, tmp_path: Path) -> None:
    action = yaml.safe_load((ROOT / "action.yml").read_text())
    step = action["runs"]["steps"][-1]
    script = (ROOT / "action" / "check-links.sh").read_text()
    assert step["run"] == 'bash "$GITHUB_ACTION_PATH/action/check-links.sh"'
    assert all(f"${{{name}" in script or name == "GITHUB_TOKEN" for name in step["env"])
    assert {k.removeprefix("INPUT_").lower().replace("_", "-") for k in step["env"] if k.startswith("INPUT_")} <= set(
        action["inputs"])
    path = mixed(checker, tmp_path)
    shutil.copy(path, tmp_path / "--exclude=.*")  # a file named like an option is a file
    summary = tmp_path / "step-summary.md"
    summary.write_text("## earlier step\n")
    variables = checker.subprocess_env(
        GITHUB_ACTIONS="true",
        GITHUB_ACTION_PATH=str(ROOT),
        GITHUB_STEP_SUMMARY=str(summary),
        RUNNER_TEMP=str(tmp_path),
        INPUT_FILES=f"{path} --exclude=.*",
        INPUT_FAIL_ON="broken",
        INPUT_ACCEPT="gated",
        INPUT_EXCLUDE="example\\.org\n",
        GITHUB_TOKEN="",
    )
    result = subprocess.run(["bash", str(ROOT / "action" / "check-links.sh")], cwd=tmp_path, env=variables,
                            capture_output=True, text=True, check=False)
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert any(line.startswith(f"::error file={path},line=4,") for line in lines)
    assert any(line.startswith(f"::warning file={path},line=1,") for line in lines)
    assert not any("gated" in line for line in lines if line.startswith("::"))  # accepted
    text = summary.read_text()
    assert text.startswith("## earlier step\n### papercite check-links: 8 links")  # appended; the odd name checked too
    assert "| **broken** | `https://github.com/a/gone` |" in text
