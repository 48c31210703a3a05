"""``papercite check-links`` and the GitHub/Hub enrichers, against stand-in services only."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Response

from papercite.http.client import HttpClient, HttpSettings, RateLimited

from conftest import Checker
from standins import HubAPI, json_response, slow, truncated

ROOT = Path(__file__).parents[2]
FIXTURE = ROOT / "fixtures" / "glm-listing.txt"


def listing(tmp_path: Path, *abstracts: str, name: str = "papers.txt") -> str:
    """A listing with one record per abstract; record i starts on line 3*i+1."""
    text = "".join(
        f"CLMar {i % 28 + 1}, 2021\nA Study of Link Number {i}Ada Lovelace, Alan Turing\n{abstract}\n"
        for i, abstract in enumerate(abstracts)
    )
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def by_url(rows: list[dict]) -> dict[str, dict]:
    return {row["url"]: row for row in rows}


# -- GitHub, REST (no token) ------------------------------------------------------


@pytest.fixture
def gh_world(checker: Checker) -> Checker:
    gh = checker.github
    gh.add_repo("THUDM/GLM-130B")
    gh.rename("THUDM/GLM-4.5", "zai-org/GLM-4.5")  # transferred to another organisation
    gh.rename("THUDM/OldName", "THUDM/NewName")  # renamed
    gh.add_repo("THUDM/Frozen", archived=True)
    gh.add_repo("THUDM/Disabled", disabled=True)
    gh.world.taken_down.add("thudm/leaked")
    gh.world.owners["ada"] = "User"
    return checker


def test_github_statuses_without_token(gh_world: Checker, tmp_path: Path) -> None:
    path = listing(
        tmp_path,
        "See https://github.com/THUDM/GLM-130B.",
        "Code: https://github.com/THUDM/GLM-4.5/tree/main/inference and https://github.com/THUDM/OldName.",
        "Archived https://github.com/THUDM/Frozen, disabled https://github.com/THUDM/Disabled.",
        "Gone https://github.com/THUDM/Deleted and https://github.com/THUDM/Leaked.",
        "Owners https://github.com/THUDM and https://github.com/ada and https://github.com/nobody-here.",
    )
    result, rows = gh_world.json(path)
    assert result.exit_code == 1, result.output  # broken links, and broken is the default --fail-on
    got = by_url(rows)
    expect = {
        "https://github.com/THUDM/GLM-130B": ("ok", 200, None),
        "https://github.com/THUDM/GLM-4.5/tree/main/inference": (
            "moved", 301, "https://github.com/zai-org/GLM-4.5/tree/main/inference"),
        "https://github.com/THUDM/OldName": ("moved", 301, "https://github.com/THUDM/NewName"),
        "https://github.com/THUDM/Frozen": ("archived", 200, None),
        "https://github.com/THUDM/Disabled": ("broken", 200, None),
        "https://github.com/THUDM/Deleted": ("broken", 404, None),
        "https://github.com/THUDM/Leaked": ("broken", 451, None),
        "https://github.com/THUDM": ("ok", 200, None),
        "https://github.com/ada": ("ok", 200, None),
        "https://github.com/nobody-here": ("broken", 404, None),
    }
    assert {url: (r["status"], r["http_status"], r["target"]) for url, r in got.items()} == expect
    assert all(r["kind"] == "github" for r in rows)
    assert "zai-org/GLM-4.5" in got["https://github.com/THUDM/GLM-4.5/tree/main/inference"]["detail"]
    assert "disabled" in got["https://github.com/THUDM/Disabled"]["detail"]
    assert "legal" in got["https://github.com/THUDM/Leaked"]["detail"]
    assert got["https://github.com/THUDM"]["detail"] == "organisation THUDM"
    assert got["https://github.com/THUDM/Frozen"]["paper"] == "A Study of Link Number 2"
    assert got["https://github.com/THUDM/Frozen"]["source"] == {"file": path, "line": 7}
    assert set(rows[0]) >= {"paper", "url", "kind", "status", "http_status", "target", "detail", "source"}
    # the API only: one request per repository or owner (redirects add a hop), never github.com pages
    paths = [p for _, p, _ in gh_world.github.log]
    assert all(p.startswith(("/repos/", "/repositories/", "/users/")) for p in paths)
    assert len([p for p in paths if p.startswith(("/repos/", "/users/"))]) == 10
    assert gh_world.hub.log == []


def test_fixture_links_are_all_recognised_and_checked(checker: Checker) -> None:
    text = FIXTURE.read_text(encoding="utf-8")
    raw = re.findall(r"https?://(?:github\.com|huggingface\.co)[^\s{}]*", text)
    expected = {re.sub(r"[/.}]+$", "", url) for url in raw}
    for url in expected:
        parts = url.split("/")
        if "github.com" in url and len(parts) > 4:
            checker.github.add_repo(f"{parts[3]}/{parts[4]}")
        elif "github.com" in url:
            checker.github.world.owners[parts[3].lower()] = "Organization"
        elif len(parts) > 4:
            checker.hub.add(f"{parts[3]}/{parts[4]}")
        else:
            checker.hub.world.orgs[parts[3].lower()] = parts[3]
    result, rows = checker.json(str(FIXTURE))
    assert result.exit_code == 0, result.output
    assert {row["url"] for row in rows} == expected
    assert len(expected) == 17
    assert {row["status"] for row in rows} == {"ok"}
    assert {row["kind"] for row in rows} == {"github", "huggingface"}


def test_duplicate_urls_are_checked_once(checker: Checker, tmp_path: Path) -> None:
    checker.github.add_repo("a/b")
    path = listing(tmp_path, "https://github.com/a/b", "again https://github.com/a/b.", "https://github.com/a/b/")
    _, rows = checker.json(path)
    assert [row["status"] for row in rows] == ["ok", "ok", "ok"]
    assert len(checker.github.requests("/repos/")) == 1


# -- GitHub, GraphQL (token) ------------------------------------------------------


def test_github_graphql_with_token_batches_and_reports_moves(gh_world: Checker, tmp_path: Path) -> None:
    gh = gh_world.github
    gh.world.token = "ghp_secret_graphql"
    for i in range(150):
        gh.add_repo(f"bulk/repo{i}")
    abstracts = [f"https://github.com/bulk/repo{i}" for i in range(150)]
    abstracts += [
        "https://github.com/THUDM/OldName https://github.com/THUDM/Frozen https://github.com/THUDM/Disabled",
        "https://github.com/THUDM/Deleted https://github.com/THUDM https://github.com/nobody-here",
    ]
    result, rows = gh_world.json(listing(tmp_path, *abstracts), GITHUB_TOKEN="ghp_secret_graphql")
    got = by_url(rows)
    assert len(got) == 156
    assert all(got[f"https://github.com/bulk/repo{i}"]["status"] == "ok" for i in range(150))
    assert got["https://github.com/THUDM/OldName"]["status"] == "moved"
    assert got["https://github.com/THUDM/OldName"]["target"] == "https://github.com/THUDM/NewName"
    assert got["https://github.com/THUDM/Frozen"]["status"] == "archived"
    assert got["https://github.com/THUDM/Disabled"]["status"] == "broken"
    assert got["https://github.com/THUDM/Deleted"]["status"] == "broken"
    assert got["https://github.com/THUDM"]["status"] == "ok"
    assert got["https://github.com/nobody-here"]["status"] == "broken"
    assert [(m, p) for m, p, _ in gh.log] == [("POST", "/graphql"), ("POST", "/graphql")]  # 156 links, 100 per query
    assert all(h.get("Authorization") == "Bearer ghp_secret_graphql" for _, _, h in gh.log)
    assert result.exit_code == 1


def test_bad_token_is_an_error_not_a_broken_link(checker: Checker, tmp_path: Path) -> None:
    checker.github.add_repo("a/b")
    checker.github.world.token = "right"
    result, rows = checker.json(listing(tmp_path, "https://github.com/a/b"), GITHUB_TOKEN="wrong")
    assert rows[0]["status"] == "error"
    assert "token" in rows[0]["detail"]
    assert result.exit_code == 0


# -- Hugging Face -----------------------------------------------------------------


@pytest.fixture
def hub_world(checker: Checker) -> Checker:
    hub = checker.hub
    hub.add("THUDM/glm-4-voice-9b")
    hub.add("meta-llama/Llama-2-7b", gated="manual")
    hub.add("THUDM/banned", disabled=True)
    hub.add("zai-org/GLM-4.5")
    hub.world.renamed[("models", "thudm/glm-4.5")] = "zai-org/GLM-4.5"
    hub.add("THUDM/LongBench", "datasets")
    hub.add("THUDM/CogVideo", "spaces")
    hub.add("THUDM/secret")
    hub.world.private.add(("models", "thudm/secret"))
    hub.world.orgs["thudm"] = "THUDM"
    hub.world.renamed_orgs["oldorg"] = "zai-org"
    hub.world.users["ada"] = "ada"
    return checker


HUB_LINKS = (
    "https://huggingface.co/THUDM/glm-4-voice-9b https://huggingface.co/meta-llama/Llama-2-7b "
    "https://huggingface.co/THUDM/banned https://huggingface.co/THUDM/GLM-4.5/tree/main "
    "https://huggingface.co/datasets/THUDM/LongBench https://huggingface.co/spaces/THUDM/CogVideo "
    "https://huggingface.co/THUDM/missing https://huggingface.co/THUDM/secret "
    "https://huggingface.co/THUDM https://huggingface.co/oldorg https://huggingface.co/ada"
)


def test_hub_statuses_anonymous(hub_world: Checker, tmp_path: Path) -> None:
    result, rows = hub_world.json(listing(tmp_path, HUB_LINKS))
    got = {url: (r["status"], r["http_status"], r["target"]) for url, r in by_url(rows).items()}
    assert got == {
        "https://huggingface.co/THUDM/glm-4-voice-9b": ("ok", 200, None),
        "https://huggingface.co/meta-llama/Llama-2-7b": ("gated", 200, None),
        "https://huggingface.co/THUDM/banned": ("broken", 200, None),
        "https://huggingface.co/THUDM/GLM-4.5/tree/main": (
            "moved", 307, "https://huggingface.co/zai-org/GLM-4.5/tree/main"),
        "https://huggingface.co/datasets/THUDM/LongBench": ("ok", 200, None),
        "https://huggingface.co/spaces/THUDM/CogVideo": ("ok", 200, None),
        "https://huggingface.co/THUDM/missing": ("broken", 401, None),
        "https://huggingface.co/THUDM/secret": ("broken", 401, None),
        "https://huggingface.co/THUDM": ("ok", 200, None),
        "https://huggingface.co/oldorg": ("moved", 307, "https://huggingface.co/zai-org"),
        "https://huggingface.co/ada": ("ok", 200, None),
    }
    detail = by_url(rows)["https://huggingface.co/THUDM/missing"]["detail"]
    assert "private" in detail and "cannot tell" in detail
    assert all(r["kind"] == "huggingface" for r in rows)
    paths = {p for _, p, _ in hub_world.hub.log}
    # A one-part path is a legacy canonical model first (huggingface.co/gpt2), then an organisation.
    assert "/api/models/THUDM" in paths and "/api/organizations/THUDM/overview" in paths
    assert "/api/datasets/THUDM/LongBench" in paths and "/api/spaces/THUDM/CogVideo" in paths
    assert result.exit_code == 1


def test_hub_with_token_sees_private_and_says_404(hub_world: Checker, tmp_path: Path) -> None:
    hub_world.hub.world.token = "hf_secret"
    _, rows = hub_world.json(listing(tmp_path, HUB_LINKS), HF_TOKEN="hf_secret")
    got = by_url(rows)
    assert got["https://huggingface.co/THUDM/secret"]["status"] == "ok"
    assert (got["https://huggingface.co/THUDM/missing"]["status"], got["https://huggingface.co/THUDM/missing"]["http_status"]) == ("broken", 404)


def test_hub_gated_403_and_disabled(checker: Checker, tmp_path: Path) -> None:
    hub = checker.hub
    hub.script("/api/models/org/gated403", json_response({"error": "gated"}, 403, {"X-Error-Code": "GatedRepo", "X-Error-Message": "Access to model org/gated403 is restricted."}))
    hub.script("/api/models/org/off", json_response({"error": "disabled"}, 403, {"X-Error-Message": "Access to this resource is disabled."}))
    _, rows = checker.json(listing(tmp_path, "https://huggingface.co/org/gated403 https://huggingface.co/org/off"))
    got = by_url(rows)
    assert got["https://huggingface.co/org/gated403"]["status"] == "gated"
    assert got["https://huggingface.co/org/off"]["status"] == "broken"
    assert "disabled" in got["https://huggingface.co/org/off"]["detail"]


# -- failures, retries, rate limits -----------------------------------------------


def test_429_with_retry_after_is_waited_for(checker: Checker, tmp_path: Path) -> None:
    checker.github.add_repo("a/b")
    checker.github.script("/repos/a/b", json_response({"message": "slow down"}, 429, {"Retry-After": "1"}))
    _, rows = checker.json(listing(tmp_path, "https://github.com/a/b"))
    assert rows[0]["status"] == "ok"
    assert len(checker.github.requests("/repos/a/b")) == 2


def test_long_rate_limit_is_an_error_with_reset_time_and_stops_asking(checker: Checker, tmp_path: Path) -> None:
    for name in ("a/b", "a/c", "a/d"):
        checker.github.add_repo(name)
    checker.github.world.remaining = 0  # every answer: 403, x-ratelimit-remaining 0, reset in an hour
    path = listing(tmp_path, "https://github.com/a/b", "https://github.com/a/c https://github.com/a/d")
    result, rows = checker.json(path)
    assert [r["status"] for r in rows] == ["error"] * 3  # never "broken"
    assert all("rate limit" in r["detail"] and "UTC" in r["detail"] for r in rows)
    assert len(checker.github.log) == 1  # the reset is an hour away: nothing more is asked
    assert result.exit_code == 0  # error is a warning unless --fail-on lists it
    result, _ = checker.json(path, "--fail-on", "broken,error", "--no-cache")
    assert result.exit_code == 1


def test_server_errors_are_retried(checker: Checker, tmp_path: Path) -> None:
    checker.hub.add("org/model")
    checker.hub.script("/api/models/org/model", Response("busy", 503), Response("oops", 502))
    _, rows = checker.json(listing(tmp_path, "https://huggingface.co/org/model"))
    assert rows[0]["status"] == "ok"
    assert len(checker.hub.log) == 3


def test_persistent_server_errors_are_an_error(checker: Checker, tmp_path: Path) -> None:
    checker.github.add_repo("a/b")
    checker.github.script("/repos/a/b", *[json_response({}, 500, {"Retry-After": "0"})] * 4)
    result, rows = checker.json(listing(tmp_path, "https://github.com/a/b"))
    assert rows[0]["status"] == "error"
    assert rows[0]["http_status"] == 500
    assert "4 attempts" in rows[0]["detail"]
    assert result.exit_code == 0


def test_slow_answer_times_out_as_error(checker: Checker, tmp_path: Path) -> None:
    checker.github.add_repo("a/b")
    checker.github.script("/repos/a/b", *[slow(1.0, json_response({}, 200))] * 4)
    result, rows = checker.json(listing(tmp_path, "https://github.com/a/b"), "--timeout", "0.2")
    assert rows[0]["status"] == "error"
    assert "within 0.2 s" in rows[0]["detail"]
    assert result.exit_code == 0


def test_truncated_answer_is_retried(checker: Checker, tmp_path: Path) -> None:
    checker.github.add_repo("a/b")
    checker.github.script("/repos/a/b", truncated)
    _, rows = checker.json(listing(tmp_path, "https://github.com/a/b"), "--timeout", "2")
    assert rows[0]["status"] == "ok"
    assert len(checker.github.requests("/repos/a/b")) == 2


def test_unreadable_answer_is_an_error(checker: Checker, tmp_path: Path) -> None:
    checker.hub.script("/api/models/org/model", *[Response("<html>oops</html>", 200, content_type="text/html")])
    _, rows = checker.json(listing(tmp_path, "https://huggingface.co/org/model"))
    assert rows[0]["status"] == "error"
    assert "unreadable" in rows[0]["detail"]


# -- cache, offline, hosts, tokens ------------------------------------------------


def test_second_run_is_served_from_cache_then_revalidated(checker: Checker, tmp_path: Path) -> None:
    checker.github.add_repo("a/b")
    checker.github.rename("a/old", "a/new")
    checker.hub.add("org/model")
    path = listing(tmp_path, "https://github.com/a/b https://github.com/a/old https://huggingface.co/org/model")
    _, rows1 = checker.json(path)
    asked = len(checker.github.log) + len(checker.hub.log)
    assert asked == 4  # the rename costs a hop
    second, rows2 = checker.json(path)
    assert rows2 == rows1
    assert len(checker.github.log) + len(checker.hub.log) == asked  # nothing asked
    assert "0 requests" in second.stderr
    third, rows3 = checker.json(path, "--max-cache-age", "0")
    assert rows3 == rows1
    # conditional requests only; the permanent redirect (to a repository id) stays cached
    again = checker.github.log[3:] + checker.hub.log[1:]
    assert [p for _, p, _ in again] == ["/repos/a/b", "/repositories/1001", "/api/models/org/model"]
    assert all("If-None-Match" in headers for _, _, headers in again)
    assert "3 requests (3 conditional)" in third.stderr


def test_no_cache_asks_again(checker: Checker, tmp_path: Path) -> None:
    checker.github.add_repo("a/b")
    path = listing(tmp_path, "https://github.com/a/b")
    checker.json(path, "--no-cache")
    checker.json(path, "--no-cache")
    assert len(checker.github.log) == 2
    assert not (checker.cache / "http-cache.sqlite").exists()


def test_corrupt_cache_is_rebuilt_with_a_warning(checker: Checker, tmp_path: Path) -> None:
    checker.github.add_repo("a/b")
    checker.cache.mkdir()
    (checker.cache / "http-cache.sqlite").write_bytes(b"not a database" * 100)
    result, rows = checker.json(listing(tmp_path, "https://github.com/a/b"))
    assert rows[0]["status"] == "ok"
    assert "http-cache.sqlite: warning: cache unreadable" in result.stderr
    assert "Traceback" not in result.output
    result, _ = checker.json(listing(tmp_path, "https://github.com/a/b"))
    assert ": warning:" not in result.stderr and len(checker.github.log) == 1


def test_offline_makes_no_request(checker: Checker, tmp_path: Path) -> None:
    path = listing(tmp_path, "https://github.com/a/b https://huggingface.co/c/d")
    result, rows = checker.json(path, "--offline")
    assert [r["status"] for r in rows] == ["unchecked", "unchecked"]
    assert checker.github.log == [] and checker.hub.log == []
    assert result.exit_code == 0
    assert checker.run("check-links", path, "--offline", "--fail-on", "unchecked").exit_code == 1


def test_tokens_reach_only_their_own_api_and_are_never_stored(checker: Checker, tmp_path: Path) -> None:
    checker.github.add_repo("a/b")
    checker.github.world.token = "ghp_TOPSECRET1"
    checker.hub.add("c/d")
    checker.hub.world.token = "hf_TOPSECRET2"
    path = listing(tmp_path, "https://github.com/a/b https://huggingface.co/c/d https://github.com/zz")
    env = {"GITHUB_TOKEN": "ghp_TOPSECRET1", "HF_TOKEN": "hf_TOPSECRET2"}
    result, rows = checker.json(path, **env)
    assert [r["status"] for r in rows] == ["ok", "ok", "broken"]
    assert {h.get("Authorization") for _, _, h in checker.github.log} == {"Bearer ghp_TOPSECRET1"}
    assert {h.get("Authorization") for _, _, h in checker.hub.log} == {"Bearer hf_TOPSECRET2"}
    assert "TOPSECRET" not in result.output
    for file in checker.cache.iterdir():
        assert b"TOPSECRET" not in file.read_bytes()
    # an anonymous run does not get the authenticated answers from the cache
    checker.json(path)
    assert any("Authorization" not in h for _, _, h in checker.hub.log)


def test_other_hosts_are_never_contacted(checker: Checker, tmp_path: Path) -> None:
    bystander = HTTPServer()
    bystander.start()
    try:
        bystander.expect_request(re.compile(".*")).respond_with_data("hi")
        elsewhere = bystander.url_for("/a/b")
        checker.github.add_repo("a/b")
        # an API answer redirecting to another host is not followed
        checker.github.script("/repos/a/b", json_response({"message": "Moved"}, 301, {"Location": elsewhere}))
        path = listing(tmp_path, f"See {elsewhere} and https://github.com/a/b.")
        _, rows = checker.json(path, "--github-api", checker.github.url)
        assert [(r["url"], r["status"]) for r in rows] == [("https://github.com/a/b", "error")]
        assert "redirected outside the API" in rows[0]["detail"]
        assert bystander.log == []
    finally:
        bystander.clear()
        bystander.stop()


# -- formats and exit codes -------------------------------------------------------


@pytest.fixture
def mixed(checker: Checker, tmp_path: Path) -> tuple[Checker, str]:
    checker.github.add_repo("a/ok")
    checker.github.rename("a/old", "b/new")
    checker.hub.add("org/gated", gated="auto")
    path = listing(tmp_path, "https://github.com/a/ok https://github.com/a/old",
                   "https://github.com/a/gone, https://huggingface.co/org/gated")
    return checker, path


def test_github_annotations_point_at_the_record_line(mixed: tuple[Checker, str]) -> None:
    checker, path = mixed
    result = checker.run("check-links", path, "--format", "github")
    lines = result.stdout.splitlines()
    assert f"::error file={path},line=4,title=link broken::broken%3A https://github.com/a/gone" not in lines
    errors = [line for line in lines if line.startswith("::error ")]
    warnings = [line for line in lines if line.startswith("::warning ")]
    assert errors == [f"::error file={path},line=4,title=link broken::broken: https://github.com/a/gone "
                      f"(repository not found: deleted, private, or never existed) — A Study of Link Number 1"]
    assert len(warnings) == 2
    assert any(f"file={path},line=1," in w and "https://github.com/b/new" in w for w in warnings)
    assert any(f"file={path},line=4," in w and "gated" in w for w in warnings)
    assert lines[-1] == "4 links: 1 ok, 1 moved, 1 gated, 1 broken"
    assert result.exit_code == 1


def test_fail_on_chooses_what_fails(mixed: tuple[Checker, str]) -> None:
    checker, path = mixed
    assert checker.run("check-links", path, "--fail-on", "moved").exit_code == 1
    assert checker.run("check-links", path, "--fail-on", "error").exit_code == 0
    assert checker.run("check-links", path, "--fail-on", "").exit_code == 0
    bad = checker.run("check-links", path, "--fail-on", "borked")
    assert bad.exit_code == 2 and "'borked' is not a link status" in bad.output


def test_junit_has_one_testcase_per_link(mixed: tuple[Checker, str], tmp_path: Path) -> None:
    checker, path = mixed
    out = tmp_path / "links.xml"
    result = checker.run("check-links", path, "--format", "junit", "-o", str(out))
    assert result.exit_code == 1
    suites = ET.parse(out).getroot()
    cases = suites.findall("./testsuite/testcase")
    assert [c.get("name") for c in cases] == ["https://github.com/a/ok", "https://github.com/a/old",
                                              "https://github.com/a/gone", "https://huggingface.co/org/gated"]
    assert suites.get("tests") == "4" and suites.get("failures") == "1"
    failed = [c for c in cases if c.find("failure") is not None]
    assert [(c.get("name"), c.get("file"), c.get("line")) for c in failed] == [("https://github.com/a/gone", path, "4")]


def test_markdown_table_and_text(mixed: tuple[Checker, str]) -> None:
    checker, path = mixed
    md = checker.run("check-links", path, "--format", "markdown").stdout
    assert md.startswith("### papercite check-links: 4 links: 1 ok, 1 moved, 1 gated, 1 broken\n")
    rows = [line for line in md.splitlines() if line.startswith("| ") and "---" not in line]
    assert rows[0] == "| Status | Link | Paper | Where | Detail |"
    assert rows[1].startswith("| moved | `https://github.com/a/old → https://github.com/b/new` | `A Study of Link Number 0` |")
    assert rows[2].startswith("| **broken** | `https://github.com/a/gone` |")
    assert rows[3].startswith("| gated | `https://huggingface.co/org/gated` |")
    text = checker.run("check-links", path).stdout.splitlines()
    assert text[0] == f"{path}:1: moved: https://github.com/a/old -> https://github.com/b/new (renamed or transferred to b/new)"
    assert text[-1] == "4 links: 1 ok, 1 moved, 1 gated, 1 broken"


def test_check_links_reads_any_input_format(mixed: tuple[Checker, str], tmp_path: Path) -> None:
    checker, path = mixed
    bib = tmp_path / "refs.bib"
    assert checker.run("export", path, "--to", "bibtex", "-o", str(bib)).exit_code == 0
    _, rows = checker.json(str(bib))
    assert sorted(r["url"] for r in rows) == sorted(["https://github.com/a/ok", "https://github.com/a/old",
                                                     "https://github.com/a/gone", "https://huggingface.co/org/gated"])
    assert all(r["source"]["file"] == str(bib) for r in rows)


def test_unusable_input_exits_2(checker: Checker, tmp_path: Path) -> None:
    result = checker.run("check-links", str(tmp_path / "missing.txt"))
    assert result.exit_code == 2
    assert "missing.txt" in result.stderr
    assert checker.run("check-links", "x.txt", "--github-api", "ftp://x").exit_code == 2


# -- export --enrich --------------------------------------------------------------


def test_export_enrich_reports_or_updates_links(mixed: tuple[Checker, str]) -> None:
    checker, path = mixed
    plain = checker.run("export", path, "--to", "bibtex", "--enrich", "github,hf")
    assert plain.exit_code == 0
    assert "https://github.com/a/old" in plain.stdout
    assert f"{path}:1: warning: link moved: https://github.com/a/old -> https://github.com/b/new" in plain.stderr
    assert f"{path}:4: warning: link broken: https://github.com/a/gone" in plain.stderr
    updated = checker.run("export", path, "--to", "csljson", "--enrich", "github", "--enrich", "hf", "--update-links")
    first = json.loads(updated.stdout)[0]
    assert first["custom"]["papercite"]["urls"] == ["https://github.com/a/ok", "https://github.com/b/new"]
    assert "https://github.com/b/new" in first["note"] and "https://github.com/a/old" not in first["note"]
    assert "https://github.com/a/old" in first["abstract"]  # the abstract is the paper's own text
    unknown = checker.run("export", path, "--to", "bibtex", "--enrich", "nope")
    assert unknown.exit_code == 2



def test_hub_ratelimit_headers_are_obeyed(hub: HubAPI, tmp_path: Path) -> None:
    for name in ("org/a", "org/b"):
        hub.add(name)
    # a 429 whose RateLimit header says 1 s: waited for; then an answer saying the quota is spent for an hour
    hub.script("/api/models/org/a", json_response({"error": "rate limited"}, 429, {"RateLimit": '"api";r=0;t=1'}),
               json_response({"id": "org/a"}, 200, {"RateLimit": '"api";r=0;t=3600'}))
    with HttpClient(HttpSettings(cache=False, backoff=0)) as http:
        assert http.get(f"{hub.url}/api/models/org/a").status == 200
        with pytest.raises(RateLimited, match="exhausted until"):
            http.get(f"{hub.url}/api/models/org/b")
    assert len(hub.log) == 2  # nothing more asked once the quota was spent


def test_links_in_a_bib_url_field_and_org_pages(checker: Checker, tmp_path: Path) -> None:
    checker.github.add_repo("a/b")
    bib = tmp_path / "hand.bib"
    bib.write_text(
        "@misc{x,\n  title = {Hand Written},\n  author = {Doe, Jane},\n  year = {2020},\n"
        "  url = {https://github.com/a/b},\n  note = {Team: \\url{https://github.com/orgs/a/people}}\n}\n"
    )
    _, rows = checker.json(str(bib))
    assert [(r["url"], r["status"], r["source"]["line"]) for r in rows] == [
        ("https://github.com/orgs/a", "ok", 1), ("https://github.com/a/b", "ok", 1)]
    assert ("GET", "/users/a") in [(m, p) for m, p, _ in checker.github.log]


def test_user_agent_names_papercite(checker: Checker, tmp_path: Path) -> None:
    checker.json(listing(tmp_path, "https://github.com/a/b"))
    assert checker.github.log[0][2]["User-Agent"].startswith("papercite/")


def test_annotations_from_standard_input_carry_no_file(checker: Checker) -> None:
    text = "CLMar 1, 2021\nA Study of LinksAda Lovelace, Alan Turing\nhttps://github.com/a/gone\n"
    result = checker.run("check-links", "-", "--format", "github", input=text)
    assert result.stdout.startswith("::error title=link broken::broken: https://github.com/a/gone")


def test_progress_bar_counts_links(monkeypatch: pytest.MonkeyPatch) -> None:
    import io

    from papercite.cli.app import progress_bar as _progress_bar

    err = io.StringIO()
    monkeypatch.setattr("sys.stderr", err)
    with _progress_bar() as bar:
        bar.add_total(3)
        bar.advance()
        bar.advance(2)
    assert "0/3 [" in err.getvalue()  # the total grows as windows of records come in


def test_export_jsonl_carries_the_link_reports(mixed: tuple[Checker, str]) -> None:
    checker, path = mixed
    result = checker.run("export", path, "--to", "jsonl", "--enrich", "github,hf")
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["status"] for r in records[0]["link_reports"]] == ["ok", "moved"]
    assert records[0]["link_reports"][1]["target"] == "https://github.com/b/new"
    plain = checker.run("export", path, "--to", "jsonl")
    assert "link_reports" not in plain.stdout  # the parse contract's keys, unless links were checked
