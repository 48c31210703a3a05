"""Write a synthetic paper listing of N records, shaped like the bundled fixture.

Records are the fixture's own, varied: titles get a distinguishing suffix,
dates and header forms (with and without a year, with and without ``Code``)
vary, and about a third of the abstracts carry LaTeX (font commands, math,
``\\url``, ``\\cite``, ``\\footnote``, accents). Deterministic for a seed.

    python bench/make_listing.py 100000 > /tmp/listing.txt
"""

from __future__ import annotations

import argparse
import random
import sys
from pathlib import Path

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "glm-listing.txt"
MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
LATEX = [
    r" We \textit{evaluate} it on 4$\times$RTX 3090 GPUs.",
    r" Attention drops from $O(L^2)$ to $O(Lk)$ with a \textbf{lightweight} indexer.",
    r" Code is at \url{https://github.com/example/repo-%d}.",
    r" It builds on prior work \cite{li2021prefix,qin2021learning} and Schr\"odinger's \'etude.",
    r" A demo is deployed\footnote{\url{https://example.org/demo}} for users -- free of charge.",
    r" We reach 1.82$\times$ prefill speedup and 50\% lower cost \& latency.",
]


def fixture_records() -> list[tuple[str, str, str]]:
    lines = [line for line in FIXTURE.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [tuple(lines[i : i + 3]) for i in range(0, len(lines), 3)]  # type: ignore[misc]


def strip_latex(abstract: str) -> str:
    for ch in "\\$":
        abstract = abstract.replace(ch, "")
    return abstract


def generate(n: int, seed: int, out) -> None:
    rng = random.Random(seed)
    records = fixture_records()
    write = out.write
    for i in range(n):
        header, byline, abstract = records[i % len(records)]
        subject = header[:2]
        code = "Code" if rng.random() < 0.6 else ""
        day, month = rng.randint(1, 28), rng.choice(MONTHS)
        year = "" if rng.random() < 0.2 else f", {rng.randint(2015, 2025)}"
        # Make the title unique without changing the shape of its end.
        colon = byline.find(":")
        if 0 < colon < 40:
            byline = f"{byline[:colon]}{i}{byline[colon:]}"
        else:
            byline = f"Study {i} of {byline}"
        if i % 3 == 0:
            abstract = abstract + rng.choice(LATEX).replace("%d", str(i))
        else:
            abstract = strip_latex(abstract)
        write(f"{subject}{month} {day}{year}{code}\n{byline}\n{abstract}\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n", type=int, help="number of records")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    generate(args.n, args.seed, sys.stdout)


if __name__ == "__main__":
    main()
