"""Benchmark ``papercite export --to bibtex`` against peer tools, in one run.

Peers, each given the same records as CSL-JSON (they do not read listings):
citation-js (``bench/peers``, installed with npm on first use), pandoc
(``-f csljson -t bibtex``, on a tenth of the records: it is slow), and
bibtexparser's own writer (on a library built from papercite's output).
Prints records/s, peak RSS and each peer's ratio to papercite.

    python bench/export.py            # 100,000 records
    python bench/export.py --n 20000  # a quick look
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
from run import timed  # noqa: E402


def csl_items(jsonl: Path, limit: int | None = None) -> list[dict]:
    """The records as plain CSL-JSON items (enough for the peers to write BibTeX)."""
    items = []
    with jsonl.open(encoding="utf-8") as f:
        for i, line in enumerate(f):
            if limit is not None and i >= limit:
                break
            r = json.loads(line)
            y, m, d = (int(x) for x in r["date"].split("-"))
            items.append(
                {
                    "id": f"r{i}",
                    "type": "article",
                    "title": r["title"],
                    "author": r["authors"],
                    "issued": {"date-parts": [[y, m, d]]},
                    "publisher": "arXiv",
                    "abstract": r["abstract_text"],
                    "note": "; ".join(r["urls"]),
                }
            )
    return items


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100_000)
    args = parser.parse_args()
    n = args.n
    rows: list[tuple[str, int, float, float | None, float | None]] = []
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        listing = work / "listing.txt"
        with listing.open("w", encoding="utf-8") as out:
            generate(n, 1, out)
        seconds, rss, tree = timed(["papercite", "export", str(listing), "--to", "bibtex", "--as-of", "2026-11-27"])
        rows.append(("papercite export --to bibtex (listing -> BibTeX)", n, seconds, rss, tree))
        seconds, rss, tree = timed(["papercite", "parse", str(listing), "--as-of", "2026-11-27"])
        rows.append(("papercite parse (listing -> JSON Lines), for reference", n, seconds, rss, tree))

        jsonl = work / "records.jsonl"
        timed(["papercite", "parse", str(listing), "--as-of", "2026-11-27"], jsonl)
        csl = work / "records.json"
        csl.write_text(json.dumps(csl_items(jsonl)), encoding="utf-8")

        peers = HERE / "peers"
        if shutil.which("node") and shutil.which("npm"):
            if not (peers / "node_modules" / "@citation-js" / "core").exists():
                subprocess.run(["npm", "install", "--no-audit", "--no-fund"], cwd=peers, check=True,
                               capture_output=True)
            seconds, rss, tree = timed(["node", str(peers / "citation-js.mjs"), str(csl), str(work / "cjs.bib")])
            rows.append(("citation-js (CSL-JSON -> BibTeX)", n, seconds, rss, tree))
        if shutil.which("pandoc"):
            small = work / "small.json"
            small.write_text(json.dumps(csl_items(jsonl, n // 10)), encoding="utf-8")
            seconds, rss, tree = timed(["pandoc", "-f", "csljson", "-t", "bibtex", str(small)])
            rows.append(("pandoc (CSL-JSON -> BibTeX)", n // 10, seconds, rss, tree))

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

    ours = rows[0][1] / rows[0][2]
    print("| tool | records | seconds | records/s | vs papercite export | peak RSS, all processes (MB) |")
    print("|---|---:|---:|---:|---:|---:|")
    for name, count, seconds, _, tree in rows:
        rate = count / seconds
        print(f"| {name} | {count:,} | {seconds:.2f} | {rate:,.0f} | {rate / ours:.2f}x | "
              f"{'' if tree is None else f'{tree:.0f}'} |")


if __name__ == "__main__":
    main()
