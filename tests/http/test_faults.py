"""Faults: a killed process, a full disk, a locked cache, two processes on one cache, servers
that drop connections or say 429 forever, and tokens across redirects."""

from __future__ import annotations

import errno
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer

from conftest import Checker
from standins import json_response
from test_check_links import listing

ROOT = Path(__file__).parents[2]
sys.path.insert(0, str(ROOT / "bench"))
from make_listing import generate  # noqa: E402


def test_a_killed_export_never_replaces_a_good_file(tmp_path: Path) -> None:
    big = tmp_path / "big.txt"
    with big.open("w", encoding="utf-8") as out:
        generate(60_000, 1, out)
    target = tmp_path / "refs.bib"
    target.write_text("@misc{keep, title = {Good}}\n")
    process = subprocess.Popen(
        [sys.executable, "-m", "papercite", "export", str(big), "--to", "bibtex", "-o", str(target), "-j", "1"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while not list(tmp_path.glob(".refs.bib.*.tmp")):  # it is writing
        assert process.poll() is None and time.monotonic() < deadline, "the export ended before it could be killed"
        time.sleep(0.01)
    process.send_signal(signal.SIGKILL)
    process.wait()
    assert target.read_text() == "@misc{keep, title = {Good}}\n"


def test_a_full_disk_is_a_clear_error_and_keeps_the_old_file(checker: Checker, tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "refs.bib"
    target.write_text("old\n")

    def full(fd: int) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr("papercite.files.os.fsync", full)
    result = checker.run("export", str(ROOT / "fixtures" / "glm-listing.txt"), "--to", "bibtex", "-o", str(target))
    assert result.exit_code == 2
    assert f"papercite: error: {target}: No space left on device" in result.stderr
    assert "Traceback" not in result.output
    assert target.read_text() == "old\n"
    assert list(tmp_path.glob(".refs.bib.*")) == []  # no temporary file left behind


def test_a_locked_cache_is_waited_for(checker: Checker, tmp_path: Path) -> None:
    checker.github.add_repo("a/b")
    path = listing(tmp_path, "https://github.com/a/b")
    assert checker.json(path)[1][0]["status"] == "ok"  # the cache now exists
    lock = sqlite3.connect(checker.cache / "http-cache.sqlite", check_same_thread=False)
    lock.execute("BEGIN EXCLUSIVE")
    threading.Timer(1.0, lock.rollback).start()  # another process holds it for a second
    start = time.monotonic()
    result, rows = checker.json(path)
    assert rows[0]["status"] == "ok" and time.monotonic() - start >= 0.9
    assert ": warning:" not in result.stderr
    assert len(checker.github.log) == 1  # answered from the cache once the lock was gone
    lock.close()


def test_two_processes_share_one_cache(checker: Checker, tmp_path: Path) -> None:
    for i in range(40):
        checker.github.add_repo(f"a/r{i}")
        checker.hub.add(f"o/m{i}")
    checker.github.delay = checker.hub.delay = 0.01
    path = listing(tmp_path, *[f"https://github.com/a/r{i} https://huggingface.co/o/m{i}" for i in range(40)])
    command = [sys.executable, "-m", "papercite", "check-links", path, "--format", "json"]
    env = checker.subprocess_env()
    runs = [subprocess.Popen([*command, "-o", str(tmp_path / f"out{k}.json")], env=env, stderr=subprocess.PIPE,
                             text=True) for k in range(2)]
    for run in runs:
        _, err = run.communicate(timeout=120)
        assert run.returncode == 0, err
        assert "warning" not in err.replace("0 warnings", "")
    asked = len(checker.github.log) + len(checker.hub.log)
    assert 80 <= asked <= 160  # each link once or twice: the two ran at the same time
    result = checker.run("check-links", path)
    assert "0 requests" in result.stderr  # nothing lost: everything is in the cache


def test_dropped_connections_end_in_a_clear_error(checker: Checker, tmp_path: Path) -> None:
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    accepted = []

    def drop() -> None:
        while True:
            try:
                conn, _ = server.accept()
            except OSError:
                return
            accepted.append(conn)
            conn.recv(65536)
            conn.close()  # no answer at all

    threading.Thread(target=drop, daemon=True).start()
    try:
        api = f"http://127.0.0.1:{server.getsockname()[1]}"
        start = time.monotonic()
        result, rows = checker.json(listing(tmp_path, "https://github.com/a/b"), PAPERCITE_GITHUB_API=api)
        assert time.monotonic() - start < 10
        assert rows[0]["status"] == "error" and "4 attempts" in rows[0]["detail"]
        assert result.exit_code == 0
        assert len(accepted) == 4
    finally:
        server.close()


def test_429_forever_is_bounded(checker: Checker, tmp_path: Path) -> None:
    checker.hub.script("/api/models/o/m", *[json_response({"error": "slow down"}, 429, {"Retry-After": "1"})] * 10)
    start = time.monotonic()
    result, rows = checker.json(listing(tmp_path, "https://huggingface.co/o/m"))
    assert time.monotonic() - start < 8
    assert rows[0]["status"] == "error" and "rate limit" in rows[0]["detail"]
    assert len(checker.hub.log) == 4 and result.exit_code == 0


def test_tokens_never_follow_a_redirect_to_another_host(checker: Checker, tmp_path: Path) -> None:
    other = HTTPServer()
    other.start()
    try:
        other.expect_request("/anything").respond_with_data("{}")
        checker.hub.world.token = "hf_SECRET_REDIRECT"
        checker.github.world.token = "ghp_SECRET_REDIRECT"
        checker.hub.script("/api/models/o/m", json_response({}, 307, {"Location": other.url_for("/anything")}))
        checker.github.script("/graphql", json_response({}, 301, {"Location": other.url_for("/anything")}))
        env = {"HF_TOKEN": "hf_SECRET_REDIRECT", "GITHUB_TOKEN": "ghp_SECRET_REDIRECT"}
        result = checker.run("-v", "check-links", listing(tmp_path, "https://huggingface.co/o/m https://github.com/a/b"),
                             "--format", "json", **env)
        assert other.log == []  # not followed, so no token went there
        assert '"status": "error"' in result.stdout
        assert "SECRET" not in result.output
        for file in checker.cache.iterdir():
            assert b"SECRET" not in file.read_bytes()
    finally:
        other.clear()
        other.stop()


def test_a_cache_locked_for_good_is_given_up_with_a_warning(checker: Checker, tmp_path: Path,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    checker.github.add_repo("a/b")
    path = listing(tmp_path, "https://github.com/a/b")
    checker.json(path)
    monkeypatch.setattr("papercite.http.cache.LOCK_WAIT", 0.5)
    lock = sqlite3.connect(checker.cache / "http-cache.sqlite")
    lock.execute("BEGIN EXCLUSIVE")  # and never released while papercite runs
    try:
        result, rows = checker.json(path)
    finally:
        lock.close()
    assert rows[0]["status"] == "ok"
    assert "http-cache.sqlite: warning: cache locked by another program for 0.5 s; running without it" in result.stderr
