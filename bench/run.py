"""Benchmark ``papercite parse``: records per second and peak memory.

Generates synthetic listings (bench/make_listing.py) of the given sizes, runs
the installed ``papercite parse`` on each with output to /dev/null, and prints
a Markdown table. For the LaTeX rendering it also times papercite's renderer
against pylatexenc on the same abstracts, in the same run, and prints the
ratio (the machines are shared and noisy: compare ratios, not seconds).

    python bench/run.py                 # 100,000 and 1,000,000 records
    python bench/run.py --sizes 20000   # a quick look
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from make_listing import generate  # noqa: E402


def run_parse(path: Path) -> tuple[float, float]:
    """Wall seconds and peak RSS (MB) of one ``papercite parse`` run."""
    start = time.perf_counter()
    with open(os.devnull, "wb") as sink:
        proc = subprocess.Popen(["papercite", "parse", str(path), "--as-of", "2026-11-27"], stdout=sink)
        _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"papercite parse failed on {path}")
    return elapsed, usage.ru_maxrss / 1024


def latex_rates(path: Path, count: int = 2000) -> tuple[float, float]:
    """Abstracts per second: papercite's renderer and pylatexenc, on LaTeX-bearing abstracts."""
    from papercite.latex import latex_to_text, pylatexenc_to_text

    abstracts: list[str] = []
    with path.open(encoding="utf-8") as f:
        for i, line in enumerate(f):
            if i % 3 == 2 and "\\" in line:
                abstracts.append(line.strip())
                if len(abstracts) == count:
                    break
    rates = []
    for render in (latex_to_text, pylatexenc_to_text):
        render(abstracts[0])  # warm up tables
        start = time.perf_counter()
        for abstract in abstracts:
            render(abstract)
        rates.append(len(abstracts) / (time.perf_counter() - start))
    return rates[0], rates[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for n in args.sizes:
            path = Path(tmp) / f"listing-{n}.txt"
            with path.open("w", encoding="utf-8") as out:
                generate(n, 1, out)
            seconds, rss = run_parse(path)
            rows.append((n, seconds, n / seconds, rss))
        ours, theirs = latex_rates(path)
    print("| records | seconds | records/s | peak RSS (MB) |")
    print("|---:|---:|---:|---:|")
    for n, seconds, rate, rss in rows:
        print(f"| {n:,} | {seconds:.2f} | {rate:,.0f} | {rss:.0f} |")
    print()
    print("| abstract_text of LaTeX abstracts | abstracts/s |")
    print("|---|---:|")
    print(f"| papercite | {ours:,.0f} |")
    print(f"| pylatexenc | {theirs:,.0f} |")
    print(f"| ratio | {ours / theirs:.0f}x |")


if __name__ == "__main__":
    main()
