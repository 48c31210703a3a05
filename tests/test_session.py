"""One composition of the pipeline (issue 21): the session both the command line and the Python
API use, its exit-code rule, and the settings and services plugins declare."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator, Sequence
from functools import partial
from pathlib import Path

import pytest
from click.testing import CliRunner

import papercite
import papercite.api
import papercite.pipeline
from papercite.cli import make_cli
from papercite.diagnostics import Diagnostics
from papercite.links.check import checker_enricher
from papercite.model import Link, LinkKind, LinkReport, LinkStatus
from papercite.parallel import render_chunk
from papercite.plugins import EnrichContext, LinkChecker, Service, Setting, get_plugin_manager, hookimpl
from papercite.plugins.manager import Registry
from papercite.session import EXIT_FAILED, EXIT_INPUT, EXIT_OK, Session

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "glm-listing.txt"
LISTING = "CLMar 18, 2021\nGPT Understands, TooXiao Liu, Yanan Zheng, Zhengxiao Du et al.\nhttps://github.com/THUDM/P-tuning\n"


def test_exit_code_is_one_rule():
    session = Session(Registry(get_plugin_manager(entry_points=False)))
    assert session.exit_code() == EXIT_OK
    session.diagnostics.warn("x.txt:1", "doubtful")
    assert session.exit_code() == EXIT_OK
    assert session.exit_code(strict=True) == EXIT_FAILED
    session.fail("a link is broken")
    assert session.exit_code() == EXIT_FAILED
    session.diagnostics.fail("y.txt", "not UTF-8")
    assert session.exit_code() == EXIT_INPUT  # an input that could not be read at all wins


def _spy_render_chunk(log, *args, **kwargs):
    """render_chunk, noting which process ran it."""
    with open(log, "a") as f:
        f.write(f"{os.getpid()}\n")
    return render_chunk(*args, **kwargs)


def test_the_python_api_renders_in_workers_like_the_command_line(tmp_path, monkeypatch):
    as_of = dt.date(2026, 11, 27)
    cli = CliRunner().invoke(make_cli(), ["export", str(FIXTURE), "--to", "bibtex", "-j", "1", "--as-of", "2026-11-27"])
    monkeypatch.setattr(papercite.pipeline, "CHUNK_RECORDS", 2)
    monkeypatch.setattr(papercite.pipeline, "CHUNK_BYTES", 300)
    log = tmp_path / "pids"
    monkeypatch.setattr(papercite.pipeline, "render_chunk", partial(_spy_render_chunk, str(log)))
    diagnostics = Diagnostics()
    text = papercite.convert(FIXTURE, to="bibtex", as_of=as_of, jobs=2, diagnostics=diagnostics)
    assert text == cli.stdout
    workers = set(log.read_text().split())
    assert workers and str(os.getpid()) not in workers
    assert diagnostics.read == 26


def test_check_links_offers_only_the_settings_of_link_checkers():
    shown = CliRunner().invoke(make_cli(), ["check-links", "--help"]).stdout
    assert "--github-api" in shown and "--hf-endpoint" in shown
    assert "--arxiv-api" not in shown and "--arxiv-delay" not in shown
    shown = CliRunner().invoke(make_cli(), ["export", "--help"]).stdout
    assert "--arxiv-api" in shown and "--arxiv-delay" in shown and "--github-api" in shown


class PasteChecker:
    """A third-party link checker that declares a service and two settings."""

    def __init__(self) -> None:
        self.seen: list[tuple[str, object, int]] = []

    def check(self, links: Sequence[Link], ctx: EnrichContext) -> Iterator[LinkReport]:
        assert ctx.http is not None
        base = ctx.settings["paste-api"]
        self.seen.append((base, ctx.settings["paste-depth"], ctx.http.capacity(base)))
        for link in links:
            yield LinkReport(link.url, link.kind.service, LinkStatus.OK)

    @hookimpl
    def papercite_enrichers(self):
        yield checker_enricher(
            "paste",
            LinkChecker(lambda link: link.kind is LinkKind.GITHUB_REPO, self.check),
            "A stand-in link checker",
            (
                Setting("paste-api", "Paste API", env=("PASTE_API",), default="https://paste.example", url=True),
                Setting("paste-depth", "How deep", env=("PASTE_DEPTH",), default=1, type=int, minimum=0),
                Setting("paste-token", "Paste token", env=("PASTE_TOKEN",), secret=True),
            ),
            (Service("Paste", url="paste-api", token="paste-token", concurrency=2),),
        )


@pytest.fixture
def paste(tmp_path, monkeypatch):
    plugin = PasteChecker()

    def factory():
        pm = get_plugin_manager(entry_points=False)
        pm.register(plugin, name="paste-plugin")
        return pm

    monkeypatch.chdir(tmp_path)
    (tmp_path / "papers.txt").write_text(LISTING)
    for name in ("PASTE_API", "PASTE_DEPTH", "PASTE_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    return plugin, factory


def _run(factory, *args, **env):
    return CliRunner().invoke(make_cli(factory), list(args), env={"PAPERCITE_CACHE_DIR": "cache", **env},
                              catch_exceptions=False)


def test_a_third_party_checker_gets_its_flag_settings_key_config_line_and_limits(paste):
    plugin, factory = paste
    result = _run(factory, "check-links", "papers.txt", "--checker", "paste", "--paste-api", "http://127.0.0.1:9/p",
                  "--paste-depth", "3")
    assert result.exit_code == 0, result.output
    assert "1 link: 1 ok" in result.stdout
    assert plugin.seen == [("http://127.0.0.1:9/p", 3, 2)]  # the flag's values, and the service's cap
    Path("papercite.toml").write_text("paste-depth = 4\n")
    assert _run(factory, "check-links", "papers.txt", "--checker", "paste").exit_code == 0
    assert plugin.seen[-1] == ("https://paste.example", 4, 2)  # the file's value, the declared default URL
    assert _run(factory, "check-links", "papers.txt", "--checker", "paste", PASTE_DEPTH="5").exit_code == 0
    assert plugin.seen[-1][1] == 5  # the environment beats the file
    shown = _run(factory, "config", "check-links", PASTE_TOKEN="s3cret").stdout
    assert "paste-depth = 4  # " in shown and 'paste-api = "https://paste.example"  # default' in shown
    assert "paste-token: set in environment PASTE_TOKEN, sent to Paste only" in shown and "s3cret" not in shown


@pytest.mark.parametrize("content", ['paste-api = "http://127.0.0.1:9/evil"\n', 'paste-token = "x"\n'])
def test_a_settings_file_cannot_choose_a_plugins_service_or_token(paste, content):
    plugin, factory = paste
    Path("papercite.toml").write_text(content)
    result = _run(factory, "check-links", "papers.txt", "--checker", "paste")
    assert result.exit_code == 2
    assert "not taken from a settings file" in result.stderr
    assert plugin.seen == []


def test_a_plugins_url_setting_must_be_http(paste):
    _, factory = paste
    result = _run(factory, "check-links", "papers.txt", "--checker", "paste", "--paste-api", "file:///etc/passwd")
    assert result.exit_code == 2 and "is not an http(s) URL" in result.stderr


def test_the_python_api_takes_a_plugins_settings_by_name(paste, monkeypatch):
    plugin, factory = paste
    monkeypatch.setattr(papercite.api, "registry", lambda: Registry(factory()))
    records = papercite.read("papers.txt", as_of=dt.date(2026, 11, 27))
    results = papercite.check_links(records, checkers=["paste"], values={"paste-depth": 7},
                                    environ={"PASTE_API": "http://127.0.0.1:9/q", "PAPERCITE_CACHE_DIR": "cache"})
    assert [r.report.status for r in results] == [LinkStatus.OK]
    assert plugin.seen == [("http://127.0.0.1:9/q", 7, 2)]
