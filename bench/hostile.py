"""Hostile inputs: does papercite's time and memory grow linearly with them?

Each row of issue 15's table is an input shape that once cost quadratic time or
memory. For each shape this writes the input at growing sizes, runs
``papercite export FILE --to bibtex -j 1`` on it (each run in its own process, so
its peak RSS is its own) and prints the time, the peak RSS, and the growth
exponent between the last two sizes (1 is linear, 2 quadratic).

    python bench/hostile.py                  # every shape, the default sizes
    python bench/hostile.py --shape bib-accents --scale 4
"""

from __future__ import annotations

import argparse
import json
import math
import os
import subprocess
import sys
import sysconfig
import tempfile
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent

PYTHON = [sys.executable]  # how the measured papercite is run (see --tree)
Shape = Callable[[int], tuple[str, str]]  # n -> (file suffix, content)


def _bib(fields: str) -> str:
    return f"@misc{{k,\n  title = {{A title}},\n  author = {{Doe, Jane}},\n  year = {{2020}},\n{fields}}}\n"


def _csl(**item: object) -> str:
    return json.dumps([{"id": "a", "type": "article", "title": "A title", **item}])


SHAPES: dict[str, tuple[Shape, int]] = {
    # name: (make an input of about n characters, default n)
    "eprint-letters": (lambda n: (".bib", _bib(f"  eprint = {{{'hep-th' * (n // 6)}}},\n")), 20_000),
    "csl-number-letters": (lambda n: (".json", _csl(number="arXiv:" + "a" * n)), 20_000),
    "note-letters": (lambda n: (".bib", _bib(f"  note = {{{'a' * n}}},\n")), 20_000),
    "url-letters": (lambda n: (".bib", _bib(f"  url = {{https://arxiv.org/abs/{'a' * n}}},\n")), 20_000),
    "abstract-spaces": (lambda n: (".bib", _bib(f"  abstract = {{a{' ' * n}b\nc}},\n")), 40_000),
    "url-parens": (
        lambda n: (".txt", "CLMar 1, 2021\nA TitleAda Lovelace\nsee https://github.com/a/b" + ")" * n + "\n"),
        1_000_000,
    ),
    "byline-capitals": (
        lambda n: (".txt", "CLMar 1, 2021\nA Title" + "ABC-" * (n // 4) + "Ada Lovelace, Bob Smith\nabstract\n"),
        80_000,
    ),
    "ris-continuations": (
        lambda n: (".ris", "TY  - JOUR\nTI  - T\nAB  - x\n" + "more text\n" * (n // 10) + "ER  - \n"),
        2_000_000,
    ),
    "csl-many-lines": (
        lambda n: (
            ".json",
            json.dumps(
                [{"id": "a", "type": "article", "title": "T", "author": [{"family": "x", "given": "y"}] * (n // 50)}],
                indent=2,
            ),
        ),
        100_000,
    ),
    "bib-string-macros": (
        lambda n: (
            ".bib",
            "".join(f'@string{{m{i} = "v{i}"}}\n' for i in range(n // 40))
            + "".join(f"@misc{{k{i}, title = m{i}, year = 2020}}\n" for i in range(n // 80)),
        ),
        900_000,
    ),
    "bib-accents": (
        lambda n: (
            ".bib",
            _bib("  abstract = {" + "".join(f"\\'{c}" for c in "abcdefghijklmnopqrstuvwxyz") * (n // 78) + "},\n"),
        ),
        600_000,
    ),
    "bib-braces": (lambda n: (".bib", _bib("  abstract = {" + "{a}" * (n // 3) + "},\n")), 3_600_000),
    "bib-deep-braces": (lambda n: (".bib", _bib("  abstract = {" + "{" * (n // 2) + "}" * (n // 2) + "},\n")), 200_000),
    "bib-footnotes": (
        lambda n: (".bib", _bib("  abstract = {" + "\\footnote{" * (n // 11) + "x" + "}" * (n // 11) + "},\n")),
        200_000,
    ),
    "csl-deep-arrays": (
        lambda n: (
            ".json",
            '[{"id": "a", "title": "T", "x": ' + "[" * (n // 2) + "]" * (n // 2) + '},\n{"id": "b", "title": "U"}]',
        ),
        200_000,
    ),
}


def run_once(path: Path, timeout: float) -> tuple[float, float]:
    """Seconds and peak RSS (MB) of one export of ``path``, in a process of its own."""
    code = (
        "import resource, subprocess, sys, time\n"
        "t = time.perf_counter()\n"
        "p = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)\n"
        "print(time.perf_counter() - t, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024)\n"
    )
    command = [
        sys.executable,
        "-c",
        code,
        *PYTHON,
        "-m",
        "papercite",
        "export",
        str(path),
        "--to",
        "bibtex",
        "-j",
        "1",
    ]
    try:
        # cwd: "-m" puts the working directory first on the path, which must not be a checkout.
        out = subprocess.run(
            command, capture_output=True, text=True, timeout=timeout, check=True, cwd=path.parent
        ).stdout
    except subprocess.TimeoutExpired:
        return math.inf, math.nan
    seconds, rss = out.split()
    return float(seconds), float(rss)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--shape", action="append", help="only these shapes (repeatable)")
    parser.add_argument("--scale", type=float, default=1.0, help="multiply every size by this")
    parser.add_argument("--timeout", type=float, default=60.0)
    parser.add_argument("--tree", type=Path, help="measure the papercite in this checkout (default: the installed one)")
    args = parser.parse_args()
    if args.tree:
        # -S: without site, the editable install's import hook (which wins over PYTHONPATH)
        # is not loaded; the dependencies come from site-packages on the path instead.
        os.environ["PYTHONPATH"] = os.pathsep.join([str(args.tree.resolve()), sysconfig.get_paths()["purelib"]])
        PYTHON[:] = [sys.executable, "-S"]
    print(f"{'shape':<20} {'size':>10} {'seconds':>9} {'peak MB':>8} {'x input':>8} {'k (time)':>9}")
    print("(x input: peak RSS beyond start-up over the input's size; k: growth exponent of the time beyond")
    print(" start-up between the last two sizes, 1 linear, 2 quadratic; inf: over --timeout)")
    with tempfile.TemporaryDirectory() as tmp:
        for name, (make, n) in SHAPES.items():
            if args.shape and name not in args.shape:
                continue
            suffix, text = make(10)
            (Path(tmp) / f"base{suffix}").write_text(text, encoding="utf-8")
            runs = [run_once(Path(tmp) / f"base{suffix}", args.timeout) for _ in range(2)]
            base, base_rss = min(r[0] for r in runs), min(r[1] for r in runs)  # start-up
            times: list[tuple[int, float]] = []
            for factor in (0.25, 0.5, 1.0):
                suffix, text = make(int(n * factor * args.scale))
                path = Path(tmp) / f"{name}{suffix}"
                path.write_text(text, encoding="utf-8")
                size = path.stat().st_size
                seconds, rss = run_once(path, args.timeout)
                times.append((size, max(seconds - base, 1e-3)))
                k = ""
                if len(times) >= 2 and math.isfinite(seconds) and times[-2][1] > 0:
                    (s0, t0), (s1, t1) = times[-2:]
                    k = f"{math.log(t1 / t0) / math.log(s1 / s0):.2f}"
                ratio = (rss - base_rss) * 2**20 / size  # memory beyond start-up, per byte of input
                print(f"{name:<20} {size:>10,} {seconds:>9.2f} {rss:>8.0f} {ratio:>8.0f} {k:>9}", flush=True)
                if not math.isfinite(seconds):
                    break


if __name__ == "__main__":
    main()
