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
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from make_listing import generate  # noqa: E402


def compile_papercite() -> None:
    """Byte-compile the papercite being measured, as ``pip install .`` does at install time.

    An editable install under PYTHONDONTWRITEBYTECODE=1 (as on the CI machines) has no
    ``.pyc`` files, so every run would compile papercite's sources first: ~40 ms of start-up
    that an installed papercite does not spend.
    """
    import compileall

    import papercite

    compileall.compile_dir(Path(papercite.__file__).parent, quiet=1)


def tree_rss_kb(pid: int) -> int:
    """Resident memory (KB) of a process and its children (the worker processes), from /proc."""
    pids = [pid]
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as f:
            pids += [int(p) for p in f.read().split()]
    except OSError:
        pass
    total = 0
    for p in pids:
        try:
            with open(f"/proc/{p}/status") as f:
                total += next(int(line.split()[1]) for line in f if line.startswith("VmRSS:"))
        except (OSError, StopIteration):
            continue
    return total


def timed(args: list[str], stdout_path: Path | None = None) -> tuple[float, float, float]:
    """Wall seconds, peak RSS of the main process (MB) and peak RSS of all its processes (MB, sampled).

    The process is waited for, not polled: polling every 0.1 s (for the memory samples, now
    taken in a thread) added up to 0.1 s to every time, 4% of a 2.5 s run. Its own peak RSS
    comes from wait4 (RUSAGE_CHILDREN gives the largest of all children so far).
    """
    start = time.perf_counter()
    with open(stdout_path or os.devnull, "wb") as sink:
        proc = subprocess.Popen(args, stdout=sink, stderr=subprocess.DEVNULL)
        peak_tree = 0
        done = threading.Event()

        def sample() -> None:
            nonlocal peak_tree
            while not done.is_set():
                peak_tree = max(peak_tree, tree_rss_kb(proc.pid))
                done.wait(0.1)

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        _, status, usage = os.wait4(proc.pid, 0)  # this child's own peak RSS, not the largest so far
        elapsed = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        done.set()
        sampler.join()
    if proc.returncode != 0:
        raise SystemExit(f"failed: {' '.join(args)}")
    return elapsed, usage.ru_maxrss / 1024, peak_tree / 1024


def latex_rates(path: Path, count: int = 2000) -> tuple[float, float]:
    """Abstracts per second: papercite's renderer and pylatexenc, on LaTeX-bearing abstracts."""
    from papercite.text.latex import latex_to_text, pylatexenc_to_text

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
    compile_papercite()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for n in args.sizes:
            path = Path(tmp) / f"listing-{n}.txt"
            with path.open("w", encoding="utf-8") as out:
                generate(n, 1, out)
            seconds, rss, tree = timed(["papercite", "parse", str(path), "--as-of", "2026-11-27"])
            rows.append((n, seconds, n / seconds, rss, tree))
        ours, theirs = latex_rates(path)
    print("| records | seconds | records/s | peak RSS, main process (MB) | peak RSS, all processes (MB) |")
    print("|---:|---:|---:|---:|---:|")
    for n, seconds, rate, rss, tree in rows:
        print(f"| {n:,} | {seconds:.2f} | {rate:,.0f} | {rss:.0f} | {tree:.0f} |")
    print()
    print("| abstract_text of LaTeX abstracts | abstracts/s |")
    print("|---|---:|")
    print(f"| papercite | {ours:,.0f} |")
    print(f"| pylatexenc | {theirs:,.0f} |")
    print(f"| ratio | {ours / theirs:.0f}x |")


if __name__ == "__main__":
    main()
