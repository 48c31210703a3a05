"""Fixtures shared by the link-health tests: stand-in services and a CLI runner that
points papercite at them (and nowhere else)."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from pytest_httpserver import HTTPServer

from papercite.cli import make_cli

from standins import ArxivAPI, GitHubAPI, HubAPI


def _server() -> Iterator[HTTPServer]:
    server = HTTPServer(threaded=True)
    server.start()
    yield server
    server.clear()
    server.stop()  # slow (it waits for idle connections), hence one server per session


github_server = pytest.fixture(scope="session")(_server)
hub_server = pytest.fixture(scope="session")(_server)
arxiv_server = pytest.fixture(scope="session")(_server)


@pytest.fixture
def arxiv(arxiv_server: HTTPServer) -> Iterator[ArxivAPI]:
    arxiv_server.clear()
    yield ArxivAPI(arxiv_server)
    arxiv_server.clear()


@pytest.fixture
def github(github_server: HTTPServer) -> Iterator[GitHubAPI]:
    github_server.clear()
    yield GitHubAPI(github_server)
    github_server.clear()


@pytest.fixture
def hub(hub_server: HTTPServer) -> Iterator[HubAPI]:
    hub_server.clear()
    yield HubAPI(hub_server)
    hub_server.clear()


class Checker:
    """Runs ``papercite`` against the stand-ins with a private cache and a clean environment."""

    def __init__(self, github: GitHubAPI, hub: HubAPI, cache: Path) -> None:
        self.github, self.hub, self.cache = github, hub, cache
        self.env: dict[str, str | None] = {
            "PAPERCITE_GITHUB_API": github.url,
            "PAPERCITE_HF_ENDPOINT": hub.url,
            "PAPERCITE_CACHE_DIR": str(cache),
            "PAPERCITE_BACKOFF": "0.05",  # retries wait 0.05, 0.1, 0.2 s instead of 1, 2, 4
            "HF_ENDPOINT": None,
            "GITHUB_TOKEN": None,
            "GH_TOKEN": None,
            "HF_TOKEN": None,
            "HUGGING_FACE_HUB_TOKEN": None,
            "PAPERCITE_ARXIV_API": "http://127.0.0.1:9/no-arxiv-here",  # tests that use arXiv set theirs
            "PAPERCITE_ARXIV_DELAY": "0",
        }

    def run(self, *args: str, input: str | None = None, **env: str | None) -> Result:
        return CliRunner().invoke(make_cli(), list(args), input=input, env={**self.env, **env}, prog_name="papercite",
                                  catch_exceptions=False)

    def subprocess_env(self, **extra: str) -> dict[str, str]:
        """The environment for running papercite as a subprocess: this one's settings, and this
        venv's scripts on PATH."""
        env = {k: v for k, v in os.environ.items() if k not in self.env}
        env.update({k: v for k, v in self.env.items() if v is not None})
        env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
        env.update(extra)
        return env

    def json(self, *args: str, **env: str | None) -> tuple[Result, list[dict]]:
        result = self.run("check-links", *args, "--format", "json", **env)
        return result, json.loads(result.stdout) if result.stdout.strip() else []


@pytest.fixture
def checker(github: GitHubAPI, hub: HubAPI, tmp_path: Path) -> Checker:
    return Checker(github, hub, tmp_path / "cache")
