"""Link checks replayed against answers the real services gave (issue 19).

The recordings live in ``../shared/real-world/services/recordings`` (octokit/fixtures,
PyGithub, huggingface_hub and others; provenance in that folder's README). They are read
from there at test time, never copied into the project, and served as they were recorded
by pytest-httpserver: for one method and path, the first answer goes to the first request
and the last one to every later request.
"""

from __future__ import annotations

import json
import os
import re
import time
from collections import deque
from pathlib import Path
from typing import Any

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from conftest import Checker
from test_check_links import by_url, listing

# shared/ lies beside the checkout (for developers and in CI); PAPERCITE_REAL_WORLD may name it elsewhere.
REAL_WORLD = Path(os.environ.get("PAPERCITE_REAL_WORLD") or Path(__file__).resolve().parents[3] / "shared" / "real-world")
RECORDINGS = REAL_WORLD / "services" / "recordings"
_HOP_BY_HOP = {"content-length", "content-encoding", "transfer-encoding", "connection"}


def recording(name: str) -> dict[str, Any]:
    path = RECORDINGS / name
    if not path.is_file():
        message = f"recording {path} is missing (shared/ is laid beside the checkout)"
        if os.environ.get("PAPERCITE_REQUIRE_CONSUMERS"):
            pytest.fail(message)
        pytest.skip(message)
    return json.loads(path.read_text())


def _response(recorded: dict[str, Any], base: str = "") -> Response:
    headers = []
    for key, value in recorded["headers"]:
        if key.lower() in _HOP_BY_HOP:
            continue
        if key.lower() == "location" and base:  # the recorded service's own URL, served from here
            value = re.sub(r"^https://api\.github\.com", base, value)
        if key.lower() == "x-ratelimit-reset" and value.startswith("+"):  # "now + N s", as the recording asks
            value = str(int(time.time()) + int(value[1:]))
        headers.append((key, value))
    return Response(recorded.get("body") or "", recorded["status"], headers)


def serve(server: HTTPServer, *names: str) -> dict[tuple[str, str], int]:
    """Serve the interactions of the recordings ``names``; returns the count of requests by
    (method, path), filled in as they come."""
    answers: dict[tuple[str, str], deque[dict[str, Any]]] = {}
    for name in names:
        for interaction in recording(name)["interactions"]:
            match = interaction["match"]
            answers.setdefault((match["method"], match["path"]), deque()).append(interaction["response"])
    asked: dict[tuple[str, str], int] = {}

    def handler(request: Request) -> Response:
        key = (request.method, request.path)
        asked[key] = asked.get(key, 0) + 1
        queue = answers.get(key)
        if not queue:
            return Response('{"message": "Not Found"}', 404, content_type="application/json")
        return _response(queue.popleft() if len(queue) > 1 else queue[0], server.url_for("").rstrip("/"))

    server.clear()
    server.expect_request(re.compile(".*")).respond_with_handler(handler)
    return asked


# -- GitHub, REST (no token) -------------------------------------------------------------------

GITHUB_REST = [
    # (recording, link, status, http status, target, words in the detail)
    ("github/gh-get-repository.json", "https://github.com/octokit-fixture-org/hello-world", "ok", 200, None, ""),
    ("github/gh-archived-200.json", "https://github.com/takenet/library.data", "archived", 200, None, ""),
    ("github/gh-dmca-451.json", "https://github.com/rowanz/hellaswag", "broken", 451, None, "legal"),
    ("github/gh-repo-404.json", "https://github.com/jacquev6/Xxx", "broken", 404, None, "not found"),
    ("github/gh-user-404.json", "https://github.com/ThisUserShouldReallyNotExist", "broken", 404, None, ""),
    ("github/gh-org-200.json", "https://github.com/PyGithub", "ok", 200, None, "organisation"),
    ("github/gh-rename-301.json",
     "https://github.com/octokit-fixture-org/tmp-scenario-rename-repository-20220719044033126-ukeod", "moved", 301,
     "https://github.com/octokit-fixture-org/tmp-scenario-rename-repository-20220719044033126-ukeod-newname", ""),
    ("github/gh-transfer-301.json", "https://github.com/protoncoin/protoncoin", "moved", 301,
     "https://github.com/padima2/protoncoin", ""),
    ("github/gh-500-then-200.json", "https://github.com/PyGithub/PyGithub", "ok", 200, None, ""),
    ("github/gh-ratelimit-403.json", "https://github.com/jacquev6/PyGithub", "error", 403, None, "rate limit"),
]


@pytest.mark.parametrize(("name", "link", "status", "http_status", "target", "words"), GITHUB_REST,
                         ids=[row[0] for row in GITHUB_REST])
def test_github_rest_recordings(checker: Checker, github_server: HTTPServer, tmp_path: Path, name: str, link: str,
                                status: str, http_status: int, target: str | None, words: str) -> None:
    asked = serve(github_server, name)
    _, rows = checker.json(listing(tmp_path, link), "--no-cache")
    row = by_url(rows)[link]
    assert (row["status"], row["http_status"], row["target"]) == (status, http_status, target), row
    assert words in row["detail"], row
    if name.endswith("gh-500-then-200.json"):
        assert asked[("GET", "/repos/PyGithub/PyGithub")] == 2  # the 500 was retried


def test_github_secondary_rate_limit_is_not_waited_beyond_max_wait(github_server: HTTPServer) -> None:
    from papercite.http.client import HttpClient, HttpSettings, RateLimited

    serve(github_server, "github/gh-secondary-403.json")
    url = github_server.url_for("/repos/jacquev6/slow-abuse")
    with HttpClient(HttpSettings(cache=False, max_wait=5, backoff=0.01)) as http:
        with pytest.raises(RateLimited):
            http.get(url)
        with pytest.raises(RateLimited):  # the host is not asked again before the reset
            http.get(url)
    assert len(github_server.log) == 1


# -- the Hugging Face Hub --------------------------------------------------------------------------

HUB = [
    # (recordings, link, token, status, http status, target, words in the detail)
    (["hf/hf-legacy-307.json"], "https://huggingface.co/bert-base-uncased", None, "moved", 307,
     "https://huggingface.co/google-bert/bert-base-uncased", "renamed to google-bert/bert-base-uncased"),
    (["hf/hf-307-repathed.json", "hf/hf-legacy-307.json"], "https://huggingface.co/bert-base-uncased-REPATHED/x",
     None, "moved", 307, "https://huggingface.co/google-bert/bert-base-uncased", ""),
    (["hf/hf-401-bare.json"], "https://huggingface.co/thisorg/does-not-exist-bare", None, "broken", 401, None,
     "cannot tell"),
    (["hf/hf-401-reponotfound.json"], "https://huggingface.co/thisorg/does-not-exist-xyz", None, "broken", 401, None,
     "cannot tell"),
    (["hf/hf-401-gatedrepo.json"], "https://huggingface.co/mistralai/Mistral-7B-Instruct-v0.2", None, "gated", 401,
     None, "restricted"),
    (["hf/hf-gated-auto-200.json"], "https://huggingface.co/black-forest-labs/FLUX.1-schnell", None, "gated", 200,
     None, "auto"),
    (["hf/hf-gated-manual-200.json"], "https://huggingface.co/meta-llama/Llama-2-7b-hf", None, "gated", 200, None,
     "manual"),
    (["hf/hf-model-200-albert.json"], "https://huggingface.co/sentence-transformers/paraphrase-albert-small-v2", None,
     "ok", 200, None, ""),
    (["hf/hf-model-200-roberta.json"], "https://huggingface.co/deepset/roberta-base-squad2", None, "ok", 200, None, ""),
    (["hf/hf-model-200-sd21.json"], "https://huggingface.co/stabilityai/stable-diffusion-2-1", None, "ok", 200, None,
     ""),
    (["hf/hf-space-200.json"], "https://huggingface.co/spaces/user/tmp_test_space", None, "ok", 200, None, ""),
    (["hf/hf-401-expired-token-then-200.json"], "https://huggingface.co/stable-diffusion-v1-5/stable-diffusion-v1-5",
     "hf_expired", "error", 401, None, "rejected the token (User Access Token \"sd training\" is expired)"),
]


@pytest.mark.parametrize(("names", "link", "token", "status", "http_status", "target", "words"), HUB,
                         ids=[f"{row[0][0]}:{row[1].rsplit('/', 1)[1]}" for row in HUB])
def test_hub_recordings(checker: Checker, hub_server: HTTPServer, tmp_path: Path, names: list[str], link: str,
                        token: str | None, status: str, http_status: int, target: str | None, words: str) -> None:
    serve(hub_server, *names)
    _, rows = checker.json(listing(tmp_path, link), HF_TOKEN=token)
    row = by_url(rows)[link]
    assert (row["status"], row["http_status"], row["target"]) == (status, http_status, target), row
    assert words in row["detail"], row


def test_a_rejected_token_is_asked_again_by_the_next_run(checker: Checker, hub_server: HTTPServer,
                                                         tmp_path: Path) -> None:
    asked = serve(hub_server, "hf/hf-401-expired-token-then-200.json")
    path = listing(tmp_path, "https://huggingface.co/stable-diffusion-v1-5/stable-diffusion-v1-5")
    _, first = checker.json(path, HF_TOKEN="hf_old")
    assert first[0]["status"] == "error"
    _, second = checker.json(path, "--max-cache-age", "99999", HF_TOKEN="hf_new")  # the token was replaced
    assert second[0]["status"] == "ok"
    assert asked[("GET", "/api/models/stable-diffusion-v1-5/stable-diffusion-v1-5")] == 2  # not from the cache


def test_a_legacy_dataset_without_owner_is_checked(checker: Checker, hub_server: HTTPServer, tmp_path: Path) -> None:
    asked = serve(hub_server)
    _, rows = checker.json(listing(tmp_path, "https://huggingface.co/datasets/squad"))
    assert [r["url"] for r in rows] == ["https://huggingface.co/datasets/squad"]  # reported, not dropped
    assert ("GET", "/api/datasets/squad") in asked


# -- GitHub GraphQL (with a token) ----------------------------------------------------------------


def serve_graphql(server: HTTPServer, shapes: dict[str, Any], rate_limited: dict[str, Any] | None = None) -> list[str]:
    """A /graphql that answers papercite's aliased query from the recorded per-target shapes
    (and, once, with the recorded rate-limit answer when the query names its trigger).
    Returns the queries asked."""
    asked: list[str] = []
    pending = [rate_limited] if rate_limited else []

    def handler(request: Request) -> Response:
        payload = json.loads(request.get_data())
        asked.append(payload["query"])
        variables = payload["variables"]
        names = {alias: (variables.get(f"o{alias[1:]}"), variables.get(f"n{alias[1:]}"))
                 for alias in re.findall(r"(t\d+):", payload["query"])}
        if pending and any(f"{o}/{n}".lower() == pending[0]["trigger"] for o, n in names.values()):
            return _response(pending.pop())
        data: dict[str, Any] = {}
        errors = []
        for alias, (owner, name) in names.items():
            found = (shapes["targets"].get(f"{owner}/{name}".lower()) if name
                     else shapes.get("owners", {}).get(owner.lower()))
            if isinstance(found, dict):
                data[alias] = found
            else:
                data[alias] = None
                error = json.loads(json.dumps(shapes["not_found_template"]).replace("<alias>", alias)
                                   .replace("<owner>", owner).replace("<name>", name or ""))
                errors.append(error)
        data["rateLimit"] = shapes.get("rate_limit", {"remaining": 4999, "resetAt": "2026-01-01T00:00:00Z"})
        return Response(json.dumps({"data": data, **({"errors": errors} if errors else {})}), 200,
                        content_type="application/json")

    server.clear()
    server.expect_request("/graphql", method="POST").respond_with_handler(handler)
    return asked


def test_github_graphql_recorded_shapes(checker: Checker, github_server: HTTPServer, tmp_path: Path) -> None:
    shapes = recording("github-graphql/gql-shapes.json")
    serve_graphql(github_server, shapes)
    links = {
        "https://github.com/octokit-fixture-org/hello-world": ("ok", None),
        "https://github.com/protoncoin/protoncoin": ("moved", "https://github.com/padima2/protoncoin"),
        "https://github.com/takenet/library.data": ("archived", None),
        "https://github.com/jacquev6/Xxx": ("broken", None),
        "https://github.com/IBM-Swift/Kitura-MustacheTemplateEngine": ("broken", None),
        "https://github.com/PyGithub": ("ok", None),
        "https://github.com/ThisUserShouldReallyNotExist": ("broken", None),
    }
    _, rows = checker.json(listing(tmp_path, " ".join(links)), GITHUB_TOKEN="ghp_replay")
    got = {url: (row["status"], row["target"]) for url, row in by_url(rows).items()}
    assert got == links


def test_github_graphql_rate_limit_is_not_cached(checker: Checker, github_server: HTTPServer, tmp_path: Path) -> None:
    shapes = recording("github-graphql/gql-rate-limit.json")
    asked = serve_graphql(github_server, shapes, shapes["rate_limited_once"])
    path = listing(tmp_path, "https://github.com/ratelimit/probe")
    _, first = checker.json(path, GITHUB_TOKEN="ghp_replay")
    assert first[0]["status"] == "error" and "rate limit" in first[0]["detail"]
    _, second = checker.json(path, "--max-cache-age", "99999", GITHUB_TOKEN="ghp_replay")
    assert second[0]["status"] == "ok"  # asked again after the limit, not the old error from the cache
    assert len(asked) == 2


def test_the_graphql_query_validates_against_githubs_schema() -> None:
    graphql = pytest.importorskip("graphql")
    import gzip

    from papercite.enrichers.github import graphql_query

    schema_path = RECORDINGS.parent / "github-schema.graphql.gz"
    if not schema_path.is_file():
        recording("missing-schema")  # skips, or fails in CI
    # GitHub's published SDL defines a few fields twice, which graphql-core's SDL check refuses.
    schema = graphql.build_schema(gzip.decompress(schema_path.read_bytes()).decode(), assume_valid_sdl=True)
    # And its interfaces break graphql-core's deprecation rule; the queries are what is checked here.
    schema._validation_errors = []  # type: ignore[attr-defined]
    query = graphql_query([("octokit", "hello-world"), ("octokit", None)])
    errors = graphql.validate(schema, graphql.parse(query["query"]))
    assert errors == []


# -- hosts that cannot be reached fail fast ---------------------------------------------------------


def test_links_to_an_unreachable_host_fail_fast(checker: Checker, tmp_path: Path) -> None:
    links = " ".join(f"https://github.com/a/repo{i}" for i in range(17))
    start = time.monotonic()
    _, rows = checker.json(listing(tmp_path, links), "--no-cache", PAPERCITE_GITHUB_API="http://127.0.0.1:9",
                           PAPERCITE_BACKOFF="1")
    assert time.monotonic() - start < 15  # ~4 s for the first link's retries; 17 x that before
    assert len(rows) == 17 and all(r["status"] == "error" and "cannot connect" in r["detail"] for r in rows)


# -- arXiv ---------------------------------------------------------------------------------------


def serve_arxiv(server: HTTPServer, *names: str) -> list[dict[str, str]]:
    """``/api/query`` answering as recorded, matched on the query (``id_list`` exactly, or one of
    the ``…_contains`` parameters as a substring). Returns the queries asked."""
    rules = []
    for name in names:
        for interaction in recording(name)["interactions"]:
            rules.append((interaction["match"].get("query", {}), interaction["response"]))
    asked: list[dict[str, str]] = []

    def handler(request: Request) -> Response:
        query = dict(request.args)
        asked.append(query)
        for wanted, response in rules:
            if all(
                query.get(key) == value if not key.endswith("_contains")
                else value.lower() in query.get(key.removesuffix("_contains"), "").lower()
                for key, value in wanted.items()
            ):
                return _response(response)
        return Response(EMPTY_FEED, 200, content_type="application/atom+xml")

    server.clear()
    server.expect_request("/api/query").respond_with_handler(handler)
    return asked


EMPTY_FEED = '<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>x</title></feed>'


def arxiv_export(checker: Checker, server: HTTPServer, source: Path, *args: str):
    return checker.run("export", str(source), "--to", "csljson", "--enrich", "arxiv", "--no-cache", *args,
                       PAPERCITE_ARXIV_API=server.url_for("/api/query"), PAPERCITE_ARXIV_DELAY="0")


def test_arxivs_error_feeds_are_reported(checker: Checker, arxiv_server: HTTPServer, tmp_path: Path) -> None:
    from papercite.enrichers.arxiv import ArxivSays, parse_feed

    # HTTP 200 with an error entry (the classic API, for a malformed id): arXiv's words.
    with pytest.raises(ArxivSays, match=r"arXiv says: incorrect id format for 1234\.12345"):
        parse_feed(recording("arxiv/ax-docs-error-1234.12345.json")["interactions"][0]["response"]["body"].encode())
    # HTTP 400 with an error entry (today's API), through the command line.
    serve_arxiv(arxiv_server, "arxiv/ax-error-400-abc.json")
    source = tmp_path / "refs.json"
    source.write_text(json.dumps([{"id": "a", "type": "article", "title": "Some Title", "number": "arXiv:9912.12345",
                                   "author": [{"family": "Doe", "given": "Jane"}]}]))
    result = arxiv_export(checker, arxiv_server, source)
    assert result.exit_code == 0, result.output
    assert "warning: arxiv: not looked up: arXiv says: incorrect id format for abc" in result.stderr


@pytest.mark.parametrize(("name", "arxiv_id"), [
    ("arxiv/ax-1707.08567-34-authors.json", "1707.08567"),
    ("arxiv/ax-astro-ph-0601001.json", "astro-ph/0601001"),
    ("arxiv/ax-quant-ph-0201082.json", "quant-ph/0201082"),
])
def test_arxiv_entries_as_recorded_verify_and_complete_a_record(checker: Checker, arxiv_server: HTTPServer,
                                                                tmp_path: Path, name: str, arxiv_id: str) -> None:
    from papercite.enrichers.arxiv import parse_feed

    (entry,) = parse_feed(recording(name)["interactions"][0]["response"]["body"].encode())
    assert entry.arxiv_id == arxiv_id and "  " not in entry.title and "\n" not in entry.title
    serve_arxiv(arxiv_server, name)
    source = tmp_path / "refs.json"
    first = [{"family": n.rsplit(" ", 1)[-1], "given": n.rsplit(" ", 1)[0]} for n in entry.authors[:3]]
    source.write_text(json.dumps([{"id": "a", "type": "article", "title": entry.title, "number": f"arXiv:{arxiv_id}",
                                   "author": [*first, {"literal": "others"}] if len(entry.authors) > 3 else first,
                                   "issued": {"date-parts": [[entry.published.year]]}}]))
    result = arxiv_export(checker, arxiv_server, source, "--complete-authors")
    assert result.exit_code == 0, result.output
    (item,) = json.loads(result.stdout)
    assert len(item["author"]) == len(entry.authors)  # the full list, as arXiv has it
    assert "1 verified" in result.stderr, result.stderr


def test_a_malformed_id_does_not_sink_its_batch(checker: Checker, arxiv_server: HTTPServer, tmp_path: Path) -> None:
    from papercite.enrichers.arxiv import parse_feed

    (entry,) = parse_feed(recording("arxiv/ax-1707.08567-34-authors.json")["interactions"][0]["response"]["body"]
                          .encode())
    asked = serve_arxiv(arxiv_server, "arxiv/ax-error-400-abc.json", "arxiv/ax-1707.08567-34-authors.json")
    source = tmp_path / "refs.json"
    first = [{"family": n.rsplit(" ", 1)[-1], "given": n.rsplit(" ", 1)[0]} for n in entry.authors[:3]]
    source.write_text(json.dumps([
        {"id": "good", "type": "article", "title": entry.title, "number": "arXiv:1707.08567",
         "author": [*first, {"literal": "others"}], "issued": {"date-parts": [[2017]]}},
        {"id": "bad", "type": "article", "title": "Another", "number": "arXiv:9912.12345"},
        {"id": "month", "type": "article", "title": "A Third", "number": "arXiv:1234.12345"},
    ]))
    result = arxiv_export(checker, arxiv_server, source, "--complete-authors")
    assert result.exit_code == 0, result.output
    good, *_ = json.loads(result.stdout)
    assert len(good["author"]) == 34  # verified although its batch held a bad id
    assert "refs.json:1: warning: arxiv: not looked up: arXiv says: incorrect id format for abc" in result.stderr
    assert "refs.json:1: warning: arxiv: '1234.12345' is not an arXiv id (month 34 does not exist)" in result.stderr
    assert not any("1234.12345" in q.get("id_list", "") for q in asked)  # never asked
    assert [q["id_list"] for q in asked] == ["1707.08567,9912.12345", "1707.08567", "9912.12345"]
