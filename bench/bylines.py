"""Accuracy of the listing reader's title/author split on real bylines (issue 17).

    python bench/bylines.py

prints, for the class-rich evaluation set (tests/data/bylines_eval.tsv) and the held-out arXiv
answers (../shared/real-world/services/recordings/arxiv), a row per class: records, splits
right, family names right. Run it with PYTHONPATH pointing at an older checkout to get the
"before" column of BENCHMARKS.md; the parse rate is measured by bench/run.py.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from bylineeval import eval_set, evaluate, held_out_set, table


def main() -> None:
    for label, cases in (("evaluation set", eval_set()), ("held out (arXiv recordings)", held_out_set())):
        outcomes = evaluate(cases)
        print(f"\n{label}: {len(outcomes)} bylines, {sum(o.warned for o in outcomes)} with a warning")
        print(f"| {'class':<42} | records | split right | family names right |")
        print(f"|{'-' * 44}|---------|-------------|--------------------|")
        for name, n, split, family in table(outcomes):
            print(f"| {name:<42} | {n:>7} | {split:>4} ({split / n:>4.0%}) | {family:>4} ({family / n:>4.0%}) |")
        for o in outcomes:
            if not o.families_right:
                print(f"    miss: {o.case.byline[-80:]!r} -> {o.got[-100:]}")


if __name__ == "__main__":
    main()
