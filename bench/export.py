"""Benchmark ``papercite export`` against peer tools, in one run.

papercite: listing -> BibTeX, listing -> CSL-JSON, and CSL-JSON -> BibTeX.
Peers, each given the same CSL-JSON (papercite's export of the listing; they
do not read listings): citation-js (``bench/peers``, installed with npm on
first use; skipped with a message without node), pandoc (``-f csljson -t
bibtex``, on the same records: about 26 s and 2.3 GB for 100,000; pandoc does
~16% more items a second on a tenth of them, so a tenth would flatter it), and
bibtexparser's own writer (on a library built from papercite's output). Prints
records/s, peak RSS and each tool's ratio to papercite's first row, then
CSL-JSON -> BibTeX against the peers.

    python bench/export.py                  # 100,000 records
    python bench/export.py --n 20000        # a quick look
    python bench/export.py --pandoc-n 10000 # pandoc on the first 10,000 only
    python bench/export.py --layouts        # CSL-JSON as other tools write it, and BibTeX -> CSL-JSON

``--layouts`` measures CSL-JSON -> BibTeX on each layout other tools write (one item a line,
papercite's; minified on one line, ``JSON.stringify``'s; tab-indented, Zotero's and Better
BibTeX's; two-space-indented, pandoc's), and BibTeX -> CSL-JSON, against citation-js in the
same run (issue 20).

Each tool runs ``--repeat`` times (3) and its fastest run counts.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from make_listing import generate  # noqa: E402
from run import compile_papercite, timed  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--pandoc-n", type=int, help="records for pandoc (default: all)")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each tool; the fastest counts")
    parser.add_argument("--layouts", action="store_true", help="CSL-JSON layouts and BibTeX -> CSL-JSON vs citation-js")
    args = parser.parse_args()
    compile_papercite()
    if args.layouts:
        layouts(args.n, args.repeat)
        return
    n = args.n
    pandoc_n = min(args.pandoc_n or n, n)
    rows: list[tuple[str, int, float, float | None, float | None]] = []

    def run(name: str, count: int, command: list[str], stdout: Path | None = None) -> None:
        # The fastest of a few runs, for every tool alike: on a shared machine other work only
        # ever slows a run down. Memory: the largest peak of the runs.
        runs = [timed(command, stdout) for _ in range(args.repeat)]
        rows.append((name, count, min(r[0] for r in runs), max(r[1] for r in runs), max(r[2] for r in runs)))
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        listing = work / "listing.txt"
        with listing.open("w", encoding="utf-8") as out:
            generate(n, 1, out)
        run("papercite export --to bibtex (listing -> BibTeX)", n,
            ["papercite", "export", str(listing), "--to", "bibtex", "--as-of", "2026-11-27"])
        run("papercite parse (listing -> JSON Lines), for reference", n,
            ["papercite", "parse", str(listing), "--as-of", "2026-11-27"])

        # The peers read CSL-JSON: they all get papercite's own (schema-valid) export.
        csl = work / "records.json"
        run("papercite export --to csljson (listing -> CSL-JSON)", n,
            ["papercite", "export", str(listing), "--to", "csljson", "--as-of", "2026-11-27"], csl)
        run("papercite export (CSL-JSON -> BibTeX)", n, ["papercite", "export", str(csl), "--to", "bibtex"])

        peers = HERE / "peers"
        if not (shutil.which("node") and shutil.which("npm")):
            print("citation-js skipped: node and npm are not installed", file=sys.stderr)
        else:
            if not (peers / "node_modules" / "@citation-js" / "core").exists():
                subprocess.run(["npm", "install", "--no-audit", "--no-fund"], cwd=peers, check=True,
                               capture_output=True)
            run("citation-js (CSL-JSON -> BibTeX)", n,
                ["node", str(peers / "citation-js.mjs"), str(csl), str(work / "cjs.bib")])
        if not shutil.which("pandoc"):
            print("pandoc skipped: not installed", file=sys.stderr)
        else:
            given = csl
            if pandoc_n < n:
                given = work / "first.json"
                items = json.loads(csl.read_text(encoding="utf-8"))[:pandoc_n]
                given.write_text(json.dumps(items), encoding="utf-8")
            run("pandoc (CSL-JSON -> BibTeX)", pandoc_n, ["pandoc", "-f", "csljson", "-t", "bibtex", str(given)])

        import bibtexparser

        bib = work / "ours.bib"
        timed(["papercite", "export", str(listing), "--to", "bibtex", "--as-of", "2026-11-27"], bib)
        text = bib.read_text(encoding="utf-8")
        text = text[: text.find("\n@", 30_000_000) + 1 or len(text)]  # whole entries, about 18,000
        library = bibtexparser.parse_string(text)
        stack = bibtexparser.middlewares.default_unparse_stack(allow_inplace_modification=True)
        start = time.perf_counter()
        bibtexparser.write_string(library, unparse_stack=stack)
        rows.append(("bibtexparser 2 writer (Library -> BibTeX)", len(library.entries),
                     time.perf_counter() - start, None, None))

    rates = {name: count / seconds for name, count, seconds, _, _ in rows}
    ours = rows[0][1] / rows[0][2]
    print("| tool | records | seconds | records/s | vs papercite export | peak RSS, all processes (MB) |")
    print("|---|---:|---:|---:|---:|---:|")
    for name, count, seconds, _, tree in rows:
        rate = count / seconds
        print(f"| {name} | {count:,} | {seconds:.2f} | {rate:,.0f} | {rate / ours:.2f}x | "
              f"{'' if tree is None else f'{tree:.0f}'} |")
    convert = rates["papercite export (CSL-JSON -> BibTeX)"]
    peers = [name for name in rates if name.startswith(("citation-js", "pandoc"))]
    print()
    print("CSL-JSON -> BibTeX: " + ", ".join(f"{convert / rates[p]:.2f}x {p.split()[0]}" for p in peers))


def _citation_js() -> Path | None:
    peers = HERE / "peers"
    if not (shutil.which("node") and shutil.which("npm")):
        print("citation-js skipped: node and npm are not installed", file=sys.stderr)
        return None
    if not (peers / "node_modules" / "@citation-js" / "core").exists():
        subprocess.run(["npm", "install", "--no-audit", "--no-fund"], cwd=peers, check=True, capture_output=True)
    return peers


def layouts(n: int, repeat: int) -> None:
    """papercite and citation-js on the CSL-JSON layouts other tools write, and on BibTeX."""
    peers = _citation_js()

    def best(command: list[str], stdout: Path | None = None) -> tuple[float, float]:
        runs = [timed(command, stdout) for _ in range(repeat)]
        return min(r[0] for r in runs), max(r[2] for r in runs)

    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        listing = work / "listing.txt"
        with listing.open("w", encoding="utf-8") as out:
            generate(n, 1, out)
        lined = work / "line.json"
        timed(["papercite", "export", str(listing), "--to", "csljson", "--as-of", "2026-11-27"], lined)
        items = json.loads(lined.read_text(encoding="utf-8"))
        files = {"one item a line (papercite)": lined}
        for name, file, indent, separators in (
            ("minified, one line (JSON.stringify, web APIs)", "min.json", None, (",", ":")),
            ("tab-indented (Zotero, Better BibTeX)", "tab.json", "\t", None),
            ("2-space-indented (pandoc)", "two.json", 2, None),
        ):
            files[name] = work / file
            files[name].write_text(json.dumps(items, ensure_ascii=False, indent=indent, separators=separators),
                                   encoding="utf-8")
        del items
        print(f"CSL-JSON -> BibTeX, {n:,} items, fastest of {repeat}")
        print("| layout | papercite (s) | citation-js (s) | ratio | papercite peak RSS, all processes (MB) |"
              " citation-js peak RSS (MB) |")
        print("|---|---:|---:|---:|---:|---:|")
        for name, path in files.items():
            ours, our_rss = best(["papercite", "export", str(path), "--to", "bibtex"])
            theirs, their_rss = (best(["node", str(peers / "citation-js.mjs"), str(path), str(work / "cjs.bib")])
                                 if peers else (float("nan"), float("nan")))
            print(f"| {name} | {ours:.2f} | {theirs:.2f} | {theirs / ours:.2f}x | {our_rss:.0f} | {their_rss:.0f} |")
        bib = work / "records.bib"
        timed(["papercite", "export", str(listing), "--to", "bibtex", "--as-of", "2026-11-27"], bib)
        ours, our_rss = best(["papercite", "export", str(bib), "--to", "csljson"])
        theirs, their_rss = (best(["node", str(peers / "citation-js-bib.mjs"), str(bib), str(work / "cjs.json")])
                             if peers else (float("nan"), float("nan")))
        print()
        print(f"BibTeX -> CSL-JSON, {n:,} entries: papercite {ours:.2f} s ({our_rss:.0f} MB), citation-js "
              f"{theirs:.2f} s ({their_rss:.0f} MB): {theirs / ours:.2f}x")


if __name__ == "__main__":
    main()
