"""How much of a real bibliography survives a conversion: fields and keys kept, per format.

Every file in ../shared/real-world/files/ (what Zotero/Better BibTeX, Mendeley, JabRef,
Citavi, EndNote, PubMed, Scopus, Web of Science, pandoc and others wrote) is converted to
bibtex, biblatex, csljson and ris; input and output are read by independent readers
(bibtexparser, rispy, json: tests/fieldcheck.py) and compared field by field.

    python bench/fidelity.py                     # the installed papercite
    python bench/fidelity.py --tree /tmp/old     # another checkout (e.g. a worktree of an old commit)

Prints one table: per input kind and target format, the share of each key field present in
the inputs that the outputs hold intact, and the share of citation keys kept.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import sysconfig
import tempfile
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests"))
import fieldcheck  # noqa: E402

FILES = HERE.parent.parent / "shared" / "real-world" / "files"
TARGETS = ("bibtex", "biblatex", "csljson", "ris")
KIND_FORMAT = {"bib": "bibtex", "csl": "csljson", "ris": "ris"}

_WORKER = """
import sys, json, warnings
warnings.simplefilter("ignore")
import papercite
from papercite.diagnostics import Diagnostics
jobs = json.loads(sys.stdin.read())
for path, fmt, outdir, stem in jobs:
    try:
        records = papercite.read(path, fmt=fmt, diagnostics=Diagnostics())
    except Exception as exc:  # the file is rejected whole: every target gets nothing
        records = []
        print(f"{path}: {type(exc).__name__}: {exc}", file=sys.stderr)
    for to, ext in (("bibtex", "bib"), ("biblatex", "bib"), ("csljson", "json"), ("ris", "ris")):
        text = papercite.export(records, to, diagnostics=Diagnostics())
        open(f"{outdir}/{stem}.{to}.{ext}", "w", encoding="utf-8").write(text)
"""


def convert(files: list[tuple[Path, str]], outdir: Path, tree: Path | None) -> None:
    env = dict(os.environ)
    args = [sys.executable]
    if tree is not None:
        env["PYTHONPATH"] = os.pathsep.join([str(tree.resolve()), sysconfig.get_paths()["purelib"]])
        args.append("-S")
    jobs = [(str(path.resolve()), KIND_FORMAT[kind], str(outdir), f"{i:04d}") for i, (path, kind) in enumerate(files)]
    subprocess.run([*args, "-c", _WORKER], input=json.dumps(jobs), text=True, env=env, cwd=outdir, check=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tree", type=Path, help="measure the papercite in this checkout (default: the installed one)")
    parser.add_argument("--files", type=Path, default=FILES)
    parser.add_argument("--losses", action="store_true", help="print a few lost fields of each file")
    args = parser.parse_args()
    files = sorted((path, kind) for kind in KIND_FORMAT for path in (args.files / kind).iterdir() if path.is_file())
    present: dict[tuple[str, str], Counter[str]] = {}
    kept: dict[tuple[str, str], Counter[str]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        convert(files, out, args.tree)
        for i, (path, kind) in enumerate(files):
            try:
                inputs = fieldcheck.read(path, kind)
            except Exception as exc:  # the independent reader fails on it: nothing to compare against
                print(f"{path.name}: independent reader failed: {exc!r}", file=sys.stderr)
                continue
            for to in TARGETS:
                ext = {"bibtex": "bib", "biblatex": "bib", "csljson": "json", "ris": "ris"}[to]
                target = fieldcheck.FORMAT_KIND[to]
                try:
                    outputs = fieldcheck.READERS[target]((out / f"{i:04d}.{to}.{ext}").read_text(encoding="utf-8"))
                except Exception as exc:  # an output its own format's reader cannot read keeps nothing
                    print(f"{path.name} -> {to}: unreadable output: {exc}", file=sys.stderr)
                    outputs = []
                p, k, losses = fieldcheck.compare(inputs, outputs)
                present.setdefault((kind, to), Counter()).update(p)
                kept.setdefault((kind, to), Counter()).update(k)
                if args.losses and losses:
                    print(f"{path.name} -> {to}:", *losses[:5], sep="\n  ")
    names = ["record", *fieldcheck.FIELDS]
    print("| input -> output | " + " | ".join(names) + " | all fields |")
    print("|---|" + "---|" * (len(names) + 1))
    for (kind, to), p in sorted(present.items()):
        k = kept[(kind, to)]
        cells = [f"{100 * k[n] / p[n]:.0f}" if p[n] else "-" for n in names]
        fields = [n for n in fieldcheck.FIELDS if n != "key"]
        total = f"{100 * sum(k[n] for n in fields) / max(1, sum(p[n] for n in fields)):.1f}"
        print(f"| {kind} -> {to} | " + " | ".join(cells) + f" | {total} |")


if __name__ == "__main__":
    main()
