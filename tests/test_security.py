"""papercite must not be usable against the person running it (issue 14).

Each test plays the attacker's part through the command line, against the stand-in
services: a planted cache entry, a token that would leak, a settings file in the
checked repository, a file name that looks like an option, a trickling server.
"""

from __future__ import annotations

import os
import pickle
import signal
import sqlite3
import stat
import subprocess
import time
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from conftest import Checker
from standins import json_response
from test_check_links import listing

ROOT = Path(__file__).parent.parent


def cache_bytes(cache: Path) -> bytes:
    return b"".join(file.read_bytes() for file in cache.iterdir() if file.is_file())


# -- the cache cannot run code --------------------------------------------------------


class _Planted:
    """Unpickling this creates a file: proof that a cache entry was executed."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[object, tuple[str, str]]:
        return (open, (str(self.marker), "w"))


def test_a_planted_pickle_in_the_cache_is_never_run(checker: Checker, tmp_path: Path) -> None:
    checker.github.add_repo("a/b")
    path = listing(tmp_path, "https://github.com/a/b")
    _, rows = checker.json(path)
    assert rows[0]["status"] == "ok"
    db = checker.cache / "http-cache.sqlite"
    with sqlite3.connect(db) as con:
        values = [row[0] for row in con.execute("SELECT value FROM responses")]
        assert values and all(bytes(v).lstrip().startswith(b"{") for v in values)  # JSON, not pickle
        marker = tmp_path / "pwned"
        con.execute("UPDATE responses SET value = ?", (pickle.dumps(_Planted(marker)),))
    checker.github.log.clear()
    result, rows = checker.json(path, "--max-cache-age", "99999")
    assert not marker.exists()
    assert rows[0]["status"] == "ok"
    assert len(checker.github.log) == 1  # the planted entry was a miss: asked again
    assert "Traceback" not in result.output and "deserialize" not in result.output


def test_garbage_and_foreign_json_in_the_cache_are_misses(checker: Checker, tmp_path: Path) -> None:
    checker.github.add_repo("a/b")
    path = listing(tmp_path, "https://github.com/a/b")
    checker.json(path)
    for planted in (b"\x80\x04garbage", b'{"status_code": "x", "_content": 5}', b"[1, 2]", b'"text"'):
        with sqlite3.connect(checker.cache / "http-cache.sqlite") as con:
            con.execute("UPDATE responses SET value = ?", (planted,))
        result, rows = checker.json(path, "--max-cache-age", "99999")
        assert rows[0]["status"] == "ok", planted
        assert result.exit_code == 0 and "Traceback" not in result.output


def test_the_cache_directory_is_private(checker: Checker, tmp_path: Path) -> None:
    checker.github.add_repo("a/b")
    checker.json(listing(tmp_path, "https://github.com/a/b"))
    assert stat.S_IMODE(os.stat(checker.cache).st_mode) == 0o700
    files = list(checker.cache.iterdir())
    assert files and all(stat.S_IMODE(os.stat(f).st_mode) == 0o600 for f in files)


def test_a_cache_directory_others_can_write_is_not_used(checker: Checker, tmp_path: Path) -> None:
    checker.github.add_repo("a/b")
    path = listing(tmp_path, "https://github.com/a/b")
    checker.cache.mkdir()
    checker.cache.chmod(0o777)
    result, rows = checker.json(path)
    assert rows[0]["status"] == "ok"
    assert result.stderr.count("writable by other users: not used; running without a cache") == 1
    assert not (checker.cache / "http-cache.sqlite").exists()


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0, reason="needs root to give a file away")
def test_a_cache_owned_by_another_user_is_not_used(checker: Checker, tmp_path: Path) -> None:
    checker.github.add_repo("a/b")
    path = listing(tmp_path, "https://github.com/a/b")
    checker.json(path)
    os.chown(checker.cache / "http-cache.sqlite", 65534, 65534)
    checker.github.log.clear()
    result, rows = checker.json(path, "--max-cache-age", "99999")
    assert rows[0]["status"] == "ok" and len(checker.github.log) == 1
    assert "owned by another user (uid 65534): not used; running without a cache" in result.stderr
    os.chown(checker.cache, 65534, 65534)
    result, _ = checker.json(path)
    assert "cache directory" in result.stderr and "owned by another user" in result.stderr


# -- tokens ----------------------------------------------------------------------------


def test_a_token_is_not_cached_after_a_same_host_redirect(checker: Checker, tmp_path: Path) -> None:
    hub = checker.hub
    hub.world.token = "hf_SAMEHOSTSECRET"
    hub.add("new-org/model")
    hub.world.renamed[("models", "old-org/model")] = "new-org/model"
    result, rows = checker.json(listing(tmp_path, "https://huggingface.co/old-org/model"),
                                HF_TOKEN="hf_SAMEHOSTSECRET")
    assert rows[0]["status"] == "moved"
    assert all(h[2].get("Authorization") == "Bearer hf_SAMEHOSTSECRET" for h in hub.log)
    assert b"SAMEHOSTSECRET" not in cache_bytes(checker.cache)
    assert "SAMEHOSTSECRET" not in result.output


def test_a_graphql_token_is_not_cached_or_printed(checker: Checker, tmp_path: Path) -> None:
    checker.github.world.token = "ghp_GRAPHQLSECRET"
    checker.github.add_repo("a/b")
    checker.github.rename("a/old", "a/b")
    result, rows = checker.json(listing(tmp_path, "https://github.com/a/b https://github.com/a/old"),
                                GITHUB_TOKEN="ghp_GRAPHQLSECRET")
    assert {r["status"] for r in rows} == {"ok", "moved"}
    assert b"GRAPHQLSECRET" not in cache_bytes(checker.cache)
    assert "GRAPHQLSECRET" not in result.output


def test_a_token_with_a_trailing_new_line_is_stripped_and_never_printed(checker: Checker, tmp_path: Path) -> None:
    checker.github.world.token = "ghp_NEWLINESECRET"
    checker.github.add_repo("a/b")
    path = listing(tmp_path, "https://github.com/a/b")
    for fmt in ("json", "text", "markdown", "junit", "github"):
        result = checker.run("check-links", path, "--format", fmt, GITHUB_TOKEN="ghp_NEWLINESECRET\n")
        assert "NEWLINESECRET" not in result.output, fmt
    _, rows = checker.json(path, GITHUB_TOKEN="  ghp_NEWLINESECRET\n")
    assert rows[0]["status"] == "ok"
    # A token no header can carry is refused without being shown.
    result, rows = checker.json(path, GITHUB_TOKEN="ghp_INNER\nSECRET")
    assert rows[0]["status"] == "error" and "cannot carry" in rows[0]["detail"]
    assert "INNER" not in result.output and "SECRET" not in result.output


def test_credentials_in_a_service_url_are_neither_stored_nor_printed(checker: Checker, tmp_path: Path) -> None:
    checker.github.add_repo("a/b")
    api = checker.github.url.replace("http://", "http://robot:pa55w0rd@")
    path = listing(tmp_path, "https://github.com/a/b https://github.com/c/gone")
    for fmt in ("json", "text", "github"):
        result = checker.run("check-links", path, "--format", fmt, PAPERCITE_GITHUB_API=api)
        assert "pa55w0rd" not in result.output and "robot:" not in result.output
    assert b"pa55w0rd" not in cache_bytes(checker.cache)
    checker.github.script("/repos/a/b", *[json_response({}, 503)] * 4)
    result, rows = checker.json(path, "--no-cache", PAPERCITE_GITHUB_API=api)
    assert any(r["status"] == "error" for r in rows)
    assert "pa55w0rd" not in result.output


def test_a_token_goes_over_https_only(checker: Checker, tmp_path: Path) -> None:
    path = listing(tmp_path, "https://github.com/a/b https://huggingface.co/o/m")
    result, rows = checker.json(path, "--no-cache", PAPERCITE_GITHUB_API="http://papercite.invalid",
                                PAPERCITE_HF_ENDPOINT="http://papercite.invalid", GITHUB_TOKEN="ghp_PLAIN",
                                HF_TOKEN="hf_PLAIN")
    assert [r["status"] for r in rows] == ["error", "error"]
    assert all("token not sent: http://papercite.invalid is not https" in r["detail"] for r in rows)
    assert "PLAIN" not in result.output


@pytest.mark.parametrize("link", ["https://huggingface.co/datasets/../whoami-v2",
                                  "https://huggingface.co/datasets/%2e%2e/whoami-v2",
                                  "https://huggingface.co/spaces/%252E%252E/whoami-v2",
                                  "https://huggingface.co/./x/y"])
def test_a_link_with_dot_segments_is_never_asked(checker: Checker, tmp_path: Path, link: str) -> None:
    checker.hub.world.token = "hf_DOTS"
    result, rows = checker.json(listing(tmp_path, link), HF_TOKEN="hf_DOTS")
    assert rows == [] and checker.hub.log == []
    assert result.exit_code == 0


def test_a_token_stays_inside_the_service_api(checker: Checker, tmp_path: Path) -> None:
    checker.hub.world.token = "hf_SCOPE"
    checker.hub.script("/api/models/o/m", Response("", 307, {"Location": "/whoami-v2"}))
    _, rows = checker.json(listing(tmp_path, "https://huggingface.co/o/m"), HF_TOKEN="hf_SCOPE")
    assert [path for _, path, _ in checker.hub.log] == ["/api/models/o/m"]  # the redirect was not followed
    assert rows[0]["status"] == "error"


# -- --timeout bounds a whole request ---------------------------------------------------


def test_a_trickling_server_cannot_hold_a_run(checker: Checker, tmp_path: Path) -> None:
    def trickle(request: Request) -> Response:
        def body():
            yield b'{"full_name": "a/b"'
            for _ in range(400):
                time.sleep(0.05)  # always well within the read timeout
                yield b" "
            yield b"}"

        return Response(body(), 200, {"Content-Length": str(19 + 400 + 1)}, content_type="application/json")

    checker.github.script("/repos/a/b", *[trickle] * 4)
    start = time.monotonic()
    _, rows = checker.json(listing(tmp_path, "https://github.com/a/b"), "--timeout", "1", "--no-cache")
    assert time.monotonic() - start < 6  # 20 s of trickle, four times over, before
    assert rows[0]["status"] == "error" and "within 1 s" in rows[0]["detail"]


def test_a_proxy_is_used_to_decide_offline(checker: Checker, tmp_path: Path) -> None:
    """Only a proxy reaches the services: --skip-if-offline must see them through it."""
    proxy = HTTPServer()
    proxy.expect_request("/repos/a/b").respond_with_json({"full_name": "a/b"})
    proxy.expect_request("/").respond_with_json({})
    proxy.start()
    try:
        env = {"PAPERCITE_GITHUB_API": "http://api.papercite.invalid", "PAPERCITE_HF_ENDPOINT": "http://hub.papercite.invalid",
               "HTTP_PROXY": proxy.url_for("/").rstrip("/"), "http_proxy": None, "NO_PROXY": None, "no_proxy": None}
        path = listing(tmp_path, "https://github.com/a/b")
        result = checker.run("check-links", path, "--skip-if-offline", "--no-cache", "--format", "json", **env)
        assert "link check skipped" not in result.stderr
        assert '"status": "ok"' in result.stdout
    finally:
        proxy.clear()
        proxy.stop()


# -- settings files are not trusted with where things go ---------------------------------


@pytest.fixture
def repo(checker: Checker, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A checked-out repository at tmp/repo, the working directory in its sub/ folder."""
    checker.github.add_repo("a/b")
    root = tmp_path / "repo"
    (root / ".git").mkdir(parents=True)
    (root / "sub").mkdir()
    (root / "papers.txt").write_text("CLMar 1, 2021\nA Study of LinksAda Lovelace, Alan Turing\nhttps://github.com/a/b\n")
    monkeypatch.chdir(root / "sub")
    return root


def test_settings_are_not_looked_for_above_the_repository(checker: Checker, repo: Path) -> None:
    (repo.parent / "papercite.toml").write_text("offline = true\n")  # e.g. /tmp/papercite.toml on a shared machine
    shown = checker.run("config", "check-links").stdout
    assert shown.startswith("# settings file: none")
    (repo / "papercite.toml").write_text("offline = true\n")
    assert checker.run("config", "check-links").stdout.startswith(f"# settings file: {repo / 'papercite.toml'}")


def test_settings_are_not_looked_for_above_home(checker: Checker, tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "papercite.toml").write_text("offline = true\n")
    home = tmp_path / "home"
    (home / "work").mkdir(parents=True)
    monkeypatch.chdir(home / "work")
    assert checker.run("config", HOME=str(home)).stdout.startswith("# settings file: none")


@pytest.mark.parametrize("content", [
    'github-api = "http://127.0.0.1:9/evil"\n',
    'hf-endpoint = "http://127.0.0.1:9/evil"\n',
    'arxiv-api = "http://127.0.0.1:9/evil"\n',
    'cache-dir = "/tmp/shared-cache"\n',
    '[check-links]\ncache-dir = "x.json"\n',
    'github-token = "ghp_x"\n',
])
def test_a_settings_file_cannot_choose_services_cache_or_tokens(checker: Checker, repo: Path, content: str) -> None:
    (repo / "papercite.toml").write_text(content)
    result = checker.run("check-links", "../papers.txt")
    assert result.exit_code == 2
    key = content.split("=")[0].strip().replace("[check-links]\n", "check-links.")
    assert f"papercite.toml: {key}: not taken from a settings file" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert checker.github.log == []


@pytest.mark.parametrize("value", ['"/tmp/evil.bib"', '"../evil.bib"', '"sub/../../evil.bib"', '"~/evil.bib"'])
def test_output_paths_from_a_settings_file_stay_in_its_tree(checker: Checker, repo: Path, value: str) -> None:
    (repo / "papercite.toml").write_text(f"[export]\noutput = {value}\n")
    result = checker.run("export", "../papers.txt", "--to", "bibtex")
    assert result.exit_code == 2 and "papercite.toml: export.output: " in result.stderr
    (repo / "papercite.toml").write_text(f"[check-links]\nreport = [{value.replace(chr(34), chr(34) + 'markdown:', 1)}]\n")
    result = checker.run("check-links", "../papers.txt")
    assert result.exit_code == 2 and "papercite.toml: check-links.report: " in result.stderr
    assert not (repo.parent / "evil.bib").exists()


def test_an_output_path_through_a_link_out_of_the_tree_is_refused(checker: Checker, repo: Path) -> None:
    (repo / "out").symlink_to(repo.parent)
    (repo / "papercite.toml").write_text('[export]\noutput = "out/evil.bib"\n')
    result = checker.run("export", "../papers.txt", "--to", "bibtex")
    assert result.exit_code == 2 and "leads out of" in result.stderr


def test_output_paths_from_a_settings_file_are_relative_to_it_and_shown(checker: Checker, repo: Path) -> None:
    (repo / "refs").mkdir()
    (repo / "papercite.toml").write_text('[export]\noutput = "refs/papers.bib"\n')
    result = checker.run("export", "../papers.txt", "--to", "bibtex")
    assert result.exit_code == 0, result.output
    assert (repo / "refs" / "papers.bib").read_text().startswith("@misc{")
    shown = checker.run("config", "export").stdout.splitlines()
    assert f'output = "{repo / "refs" / "papers.bib"}"  # {repo / "papercite.toml"}' in shown


# -- what others wrote cannot start a workflow command or reach an output raw ------------


def test_no_line_from_a_service_or_an_input_starts_a_workflow_command(checker: Checker, tmp_path: Path) -> None:
    checker.github.add_repo("a/ok")
    evil = "x\n::add-mask::\n::set-output name=pwned::1\r##[set-env name=X]y\u2028::error::z\x85::warning::w"
    checker.github.script("/repos/a/blocked", json_response({"block": {"reason": evil}}, 403))
    checker.github.script("/repos/a/blocked", json_response({"block": {"reason": evil}}, 403))
    name = "::error title=pwned::from a file name.txt"
    path = listing(tmp_path, "https://github.com/a/ok https://github.com/a/blocked", name=name)
    (tmp_path / "evil.txt").write_text(f"CLMar 1, 2021\nA Study{evil}Ada Lovelace\nabstract\n")
    for fmt in ("text", "github", "markdown"):
        result = checker.run("check-links", path, str(tmp_path / "evil.txt"), "--format", fmt, "--no-cache",
                             "--fail-on", "broken,error")
        assert result.exit_code == 1, result.output
        for line in (result.stdout + result.stderr).splitlines():
            legit = fmt == "github" and line.startswith(("::error file=", "::warning file="))
            assert legit or not line.startswith(("::", "##[")), (fmt, line)
            assert "\r" not in line and "\u2028" not in line and "\x85" not in line
        assert "pwned" in result.output  # still reported, on its own line's terms


def test_the_markdown_summary_shows_titles_urls_and_details_as_text(checker: Checker, tmp_path: Path) -> None:
    title = "![track](https://evil.example/pixel.png) [click](https://evil.example) <img src=x> **bold** `code`"
    checker.github.script("/repos/a/gone", json_response({"message": "Not Found"}, 404))
    path = tmp_path / "papers.txt"
    path.write_text(f"CLMar 1, 2021\n{title}Ada Lovelace, Alan Turing\nhttps://github.com/a/gone\n")
    md = checker.run("check-links", str(path), "--format", "markdown").stdout
    row = next(line for line in md.splitlines() if "gone" in line)
    cells = [c.strip() for c in row.strip("|").split(" | ")]
    assert cells[0] == "**broken**"
    for cell in cells[1:]:  # every cell is one code span: no link, image, emphasis or HTML
        fence = cell[: len(cell) - len(cell.lstrip("`"))]
        assert fence and cell.endswith(fence) and fence not in cell[len(fence):-len(fence)], cell
    assert "pixel.png" in row


def test_control_characters_never_reach_an_output_raw(tmp_path: Path, checker: Checker) -> None:
    import json
    import re

    evil = "Esc \u001b[31mred\u0007 bell \u009b csi \u0000 nul \u0085 nel"
    item = {"id": "a", "type": "article-journal", "title": evil, "author": [{"family": "Sm\u001bith", "given": "J"}],
            "issued": {"date-parts": [[2020]]}, "abstract": evil, "URL": "https://example.com/a\u001bb",
            "container-title": evil}
    src = tmp_path / "refs.json"
    src.write_text(json.dumps([item]))
    for fmt in ("bibtex", "biblatex", "text", "html", "ris"):
        result = checker.run("export", str(src), "--to", fmt)
        assert result.exit_code == 0, result.output
        assert not re.search("[\x00-\x08\x0b-\x1f\x7f-\x9f]", result.stdout), (fmt, result.stdout)
        assert "31mred" in result.stdout and "@misc{," not in result.stdout


# -- files --------------------------------------------------------------------------------


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0, reason="needs root to plant another user's link")
@pytest.mark.parametrize("option", ["-o", "--merge", "--report"])
def test_a_link_another_user_planted_in_a_shared_directory_is_not_followed(
        checker: Checker, tmp_path: Path, option: str) -> None:
    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(0o1777)  # like /tmp
    victim = tmp_path / "victim.txt"
    victim.write_text("precious\n")
    link = shared / "out.bib"
    link.symlink_to(victim)
    os.lchown(link, 65534, 65534)
    checker.github.add_repo("a/b")
    path = listing(tmp_path, "https://github.com/a/b")
    if option == "--report":
        result = checker.run("check-links", path, "--report", f"markdown:{link}")
    else:
        result = checker.run("export", path, "--to", "bibtex", option, str(link))
    assert result.exit_code == 2, result.output
    assert "a symbolic link of another user (uid 65534) in a shared directory" in result.stderr
    assert victim.read_text() == "precious\n"
    # One's own link is followed as before, and so is another user's outside a shared directory.
    os.lchown(link, 0, 0)
    assert checker.run("export", path, "--to", "bibtex", "-o", str(link)).exit_code == 0
    assert victim.read_text().startswith("@misc{")


def _papercite(*args: str, env: dict[str, str], cwd: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(["papercite", *args], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=env, cwd=cwd)


def test_merge_never_loses_an_edit_made_while_it_runs(checker: Checker, tmp_path: Path) -> None:
    bib = tmp_path / "refs.bib"
    bib.write_text("@misc{mine, title = {Mine}}\n")
    run = _papercite("export", "-", "--to", "bibtex", "--merge", str(bib), env=checker.subprocess_env(), cwd=tmp_path)
    time.sleep(1.5)  # it has read refs.bib and waits for its input
    edited = "@misc{mine, title = {Mine, edited meanwhile}}\n"
    bib.write_text(edited)
    _, err = run.communicate("CLMar 1, 2021\nA New PaperAda Lovelace\nabstract\n", timeout=60)
    assert run.returncode == 1, err
    assert "refs.bib: changed while papercite was working on it: not replaced" in err
    assert bib.read_text() == edited
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_an_interrupted_write_leaves_no_temporary_file(checker: Checker, tmp_path: Path, signum: int) -> None:
    out = tmp_path / "refs.bib"
    out.write_text("old\n")
    run = _papercite("export", "-", "--to", "bibtex", "-o", str(out), env=checker.subprocess_env(), cwd=tmp_path)
    assert run.stdin is not None
    run.stdin.write("CLMar 1, 2021\nA New PaperAda Lovelace\nabstract\n")
    run.stdin.flush()
    deadline = time.monotonic() + 30
    while not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")] and time.monotonic() < deadline:
        time.sleep(0.05)
    assert [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")], "no temporary file seen"
    run.send_signal(signum)
    _, err = run.communicate(timeout=60)
    assert run.returncode == 128 + signum, err
    assert "Traceback" not in err and "papercite: interrupted" in err
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []
    assert out.read_text() == "old\n"


def test_papercite_config_shows_no_credentials_of_a_service_url(checker: Checker) -> None:
    shown = checker.run("config", "check-links", PAPERCITE_GITHUB_API="https://robot:pa55w0rd@ghe.example.com/api/v3")
    assert 'github-api = "https://ghe.example.com/api/v3"  # environment PAPERCITE_GITHUB_API' in shown.stdout
    assert "pa55w0rd" not in shown.output
