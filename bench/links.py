"""Benchmark ``papercite check-links`` against markdown-link-check and linkinator, in one run.

Local stand-ins for the GitHub API and the Hugging Face Hub (the test
stand-ins, ``tests/standins.py``) answer every request after 50 ms. The input
links 2,000 distinct repositories (1,000 on GitHub, 1,000 on the Hub), each
twice. papercite asks the APIs; the peers fetch the same 2,000 URLs (pointed
at the same servers) themselves. For each run: requests made (conditional
ones among them), wall time, and the time the documented per-host
concurrency allows (GitHub: 1 request at a time; the Hub: 4), with the ratio.

    python bench/links.py              # 1,000 + 1,000 repositories, 50 ms per answer
    python bench/links.py --n 200      # a quick look
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from pytest_httpserver import HTTPServer

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests"))

from standins import GitHubAPI, HubAPI  # noqa: E402

GITHUB_CONCURRENCY = 1  # papercite.enrichers.github.CONCURRENCY
HUB_CONCURRENCY = 4  # papercite.enrichers.huggingface.CONCURRENCY
GRAPHQL_BATCH = 100


def write_inputs(work: Path, n: int, github: GitHubAPI, hub: HubAPI) -> tuple[Path, Path]:
    """A listing for papercite and a Markdown file of the same links, on the stand-ins, for the peers."""
    listing, markdown = work / "papers.txt", work / "links.md"
    with listing.open("w", encoding="utf-8") as lst, markdown.open("w", encoding="utf-8") as md:
        for i in range(2 * n):
            j = i % n
            lst.write(
                f"CLMar {i % 28 + 1}, 2024\nLink Health Study Number {i}Ada Lovelace, Alan Turing\n"
                f"Code: https://github.com/org{j % 10}/repo-{j}. Model: https://huggingface.co/org{j % 10}/model-{j}.\n"
            )
            md.write(f"- [code]({github.url}/org{j % 10}/repo-{j}) [model]({hub.url}/org{j % 10}/model-{j})\n")
    for j in range(n):
        github.add_repo(f"org{j % 10}/repo-{j}")
        hub.add(f"org{j % 10}/model-{j}")
    return listing, markdown


def counted(stand_ins: list[GitHubAPI | HubAPI], run: callable) -> tuple[float, int, int]:
    """Run; return wall seconds, requests the stand-ins got, and how many were conditional."""
    before = [len(s.log) for s in stand_ins]
    start = time.perf_counter()
    run()
    seconds = time.perf_counter() - start
    new = [entry for s, b in zip(stand_ins, before, strict=True) for entry in s.log[b:]]
    return seconds, len(new), sum("If-None-Match" in headers for _, _, headers in new)


def papercite(listing: Path, cache: Path, github: GitHubAPI, hub: HubAPI, *extra: str, token: str | None = None):
    env = {**os.environ, "PAPERCITE_GITHUB_API": github.url, "PAPERCITE_HF_ENDPOINT": hub.url}
    for name in ("GITHUB_TOKEN", "GH_TOKEN", "HF_TOKEN", "HF_ENDPOINT"):
        env.pop(name, None)
    if token:
        env["GITHUB_TOKEN"] = token

    def run() -> None:
        out = cache.parent / "links.json"
        cmd = ["papercite", "check-links", str(listing), "--format", "json", "-o", str(out), "--cache-dir", str(cache)]
        subprocess.run([*cmd, *extra], env=env, check=False, capture_output=True)
        rows = json.loads(out.read_text())
        bad = [r for r in rows if r["status"] != "ok"]
        if bad:
            raise SystemExit(f"papercite reported {len(bad)} links not ok, e.g. {bad[0]}")

    return run


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1000, help="repositories per service (each linked twice)")
    parser.add_argument("--delay", type=float, default=0.05, help="seconds before each answer")
    args = parser.parse_args()
    n, delay = args.n, args.delay
    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # one line per request otherwise
    servers = [HTTPServer(threaded=True), HTTPServer(threaded=True)]
    for server in servers:
        server.start()
    github, hub = GitHubAPI(servers[0]), HubAPI(servers[1])
    github.world.remaining = 10**9
    github.world.token = "bench-token"
    for s in (github, hub):
        s.delay, s.web_pages = delay, True
    stand_ins: list[GitHubAPI | HubAPI] = [github, hub]
    rows: list[tuple[str, int, int, float, float | None]] = []
    # What the per-host caps allow: each host's requests in sequence, at its concurrency; hosts in parallel.
    rest_floor = max(n * delay / GITHUB_CONCURRENCY, n * delay / HUB_CONCURRENCY)
    graphql_floor = max(-(-n // GRAPHQL_BATCH) * delay / GITHUB_CONCURRENCY, n * delay / HUB_CONCURRENCY)
    try:
        with tempfile.TemporaryDirectory() as tmp:
            work = Path(tmp)
            listing, markdown = write_inputs(work, n, github, hub)
            cache = work / "cache-token"
            t, r, c = counted(stand_ins, papercite(listing, cache, github, hub, token="bench-token"))
            gh_requests = len(github.log)
            rows.append((f"papercite, GITHUB_TOKEN (GitHub: {gh_requests} GraphQL)", r, c, t, graphql_floor))
            cache = work / "cache"
            t, r, c = counted(stand_ins, papercite(listing, cache, github, hub))
            rows.append(("papercite, no token", r, c, t, rest_floor))
            t, r, c = counted(stand_ins, papercite(listing, cache, github, hub))
            rows.append(("papercite, second run (cache fresh)", r, c, t, 0.0))
            t, r, c = counted(stand_ins, papercite(listing, cache, github, hub, "--max-cache-age", "0"))
            rows.append(("papercite, --max-cache-age 0 (revalidate)", r, c, t, rest_floor))
            peers = HERE / "peers"
            if shutil.which("node") and shutil.which("npm"):
                if not (peers / "node_modules" / "linkinator").exists():
                    subprocess.run(["npm", "install", "--no-audit", "--no-fund"], cwd=peers, check=True)
                mlc = [str(peers / "node_modules" / ".bin" / "markdown-link-check"), "-q", str(markdown)]
                t, r, c = counted(stand_ins, lambda: subprocess.run(mlc, check=False, capture_output=True))
                rows.append(("markdown-link-check 3 (fetches each URL)", r, c, t, None))
                lk = [str(peers / "node_modules" / ".bin" / "linkinator"), str(markdown), "--markdown"]
                t, r, c = counted(stand_ins, lambda: subprocess.run(lk, check=False, capture_output=True))
                rows.append(("linkinator 7 (fetches each URL, 100 at a time)", r, c, t, None))
            else:
                print("node/npm not found: peers skipped", file=sys.stderr)
    finally:
        for server in servers:
            server.clear()
            server.stop()
    print(f"{2 * n:,} distinct links ({n:,} GitHub + {n:,} Hub repositories, each linked twice), "
          f"{delay * 1000:.0f} ms per answer\n")
    print("| run | requests | conditional | seconds | allowed by the per-host caps | ratio |")
    print("|---|---:|---:|---:|---:|---:|")
    for name, requests, conditional, seconds, floor in rows:
        allowed = "" if floor is None else f"{floor:.1f}"
        ratio = f"{seconds / floor:.2f}x" if floor else ""
        print(f"| {name} | {requests:,} | {conditional:,} | {seconds:.1f} | {allowed} | {ratio} |")


if __name__ == "__main__":
    main()
