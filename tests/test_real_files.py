"""Converting real bibliographies (issue 16): every file in ../shared/real-world/files/ — what
Zotero/Better BibTeX, Mendeley, JabRef, Citavi, EndNote, PubMed, Scopus, Web of Science, pandoc
and others wrote — to every format and back, checked by independent readers (bibtexparser,
rispy, json; tests/fieldcheck.py) and by pandoc and the CSL-JSON schema.

The shares of key fields kept are summed over all files and must stay at or above the floors
below (measured, then rounded down: a regression in any mapping shows here). BENCHMARKS.md has
the table, before and after issue 16.
"""

from __future__ import annotations

import json
import os
import subprocess
from collections import Counter
from pathlib import Path

import jsonschema
import pytest
from fieldcheck import FIELDS, READERS, compare

import papercite
from papercite.diagnostics import Diagnostics

from consumers import STRICT, pandoc3

REAL_WORLD = Path(os.environ.get("PAPERCITE_REAL_WORLD") or Path(__file__).resolve().parents[2] / "shared" / "real-world")
FILES = REAL_WORLD / "files"
SCHEMA = REAL_WORLD.parent / "schemas" / "csl-data.json"
KINDS = {"bib": "bibtex", "csl": "csljson", "ris": "ris"}
TARGETS = {"bibtex": ("bib", ".bib"), "biblatex": ("bib", ".bib"), "csljson": ("csl", ".json"), "ris": ("ris", ".ris")}

# Lowest share (%) of each field present in the inputs that the outputs keep, over all files,
# by input kind, for every target and leg: measured (BENCHMARKS.md, "Real bibliographies"),
# less one point. Where it is low, the reason is the input's: RIS puts ISBN and ISSN in one
# tag and keywords in several (rispy keeps one), CSL-JSON test-suite items hold a type and a
# title only (BibTeX writes such a book @misc: @book wants a publisher and a year), and so on.
FLOOR = {
    "bib": {"authors": 96, "container": 96, "doi": 96, "editors": 94, "isbn": 73, "issn": 96, "issue": 97, "key": 97,
            "keywords": 89, "language": 96, "pages": 96, "place": 97, "publisher": 98, "record": 98, "title": 97,
            "type": 84, "url": 97, "volume": 98, "year": 98},
    "csl": {"authors": 98, "container": 97, "doi": 99, "editors": 99, "isbn": 83, "issn": 88, "issue": 93, "key": 95,
            "keywords": 99, "language": 95, "pages": 95, "place": 98, "publisher": 98, "record": 95, "title": 98,
            "type": 22, "url": 97, "volume": 98, "year": 96},
    "ris": {"authors": 93, "container": 93, "doi": 99, "editors": 88, "isbn": 32, "issn": 94, "issue": 83, "key": 93,
            "keywords": 49, "language": 99, "pages": 95, "place": 97, "publisher": 97, "record": 95, "title": 98,
            "type": 79, "url": 96, "volume": 98, "year": 98},
}  # fmt: skip


def _files() -> list[tuple[Path, str]]:
    if not FILES.is_dir():
        if STRICT:
            pytest.fail(f"{FILES} is missing (shared/ is laid beside the checkout)")
        pytest.skip(f"{FILES} is missing (shared/ is laid beside the checkout)")
    return sorted((path, kind) for kind in KINDS for path in (FILES / kind).iterdir() if path.is_file())


@pytest.fixture(scope="module")
def conversions(tmp_path_factory) -> dict[tuple[str, str, str], tuple[Counter[str], Counter[str]]]:
    """(input kind, target, "there" or "back") -> (present, kept) summed over every file."""
    out = tmp_path_factory.mktemp("real")
    totals: dict[tuple[str, str, str], tuple[Counter[str], Counter[str]]] = {}
    for i, (path, kind) in enumerate(_files()):
        path = _head(path, out / f"{i}-head{path.suffix}")
        records = papercite.read(path, fmt=KINDS[kind], diagnostics=Diagnostics())
        try:
            inputs = READERS[kind](path.read_bytes().decode("utf-8-sig"))
        except Exception:  # the independent reader cannot read it (not UTF-8, or it fails): papercite alone
            continue
        for target, (target_kind, ext) in TARGETS.items():
            text = papercite.export(records, target, diagnostics=Diagnostics())
            outputs = READERS[target_kind](text)
            written = out / f"{i}-{target}{ext}"
            written.write_text(text, encoding="utf-8")
            back_records = papercite.read(written, fmt=target, diagnostics=Diagnostics())
            back = READERS[kind](papercite.export(back_records, KINDS[kind], diagnostics=Diagnostics()))
            for leg, result in (("there", outputs), ("back", back)):
                present, kept, _ = compare(inputs, result)
                sums = totals.setdefault((kind, target, leg), (Counter(), Counter()))
                sums[0].update(present)
                sums[1].update(kept)
    return totals


MAX_ENTRIES = 400  # of one .bib: the five largest libraries (up to 7,166 entries) are cut here, for the suite's time


def _head(path: Path, to: Path) -> Path:
    """``path``, or its first MAX_ENTRIES entries (cut before a line that starts one) in ``to``."""
    if path.suffix != ".bib" or path.stat().st_size < 100_000:
        return path
    lines = path.read_bytes().splitlines(keepends=True)
    starts = [n for n, line in enumerate(lines) if line.lstrip().startswith(b"@")]
    if len(starts) <= MAX_ENTRIES:
        return path
    to.write_bytes(b"".join(lines[: starts[MAX_ENTRIES]]))
    return to


@pytest.mark.parametrize("leg", ["there", "back"])
@pytest.mark.parametrize("target", sorted(TARGETS))
@pytest.mark.parametrize("kind", sorted(KINDS))
def test_key_fields_survive_conversion_and_back(conversions, kind, target, leg):
    present, kept = conversions[(kind, target, leg)]
    shares = {name: 100 * kept[name] / present[name] for name in ("record", *FIELDS) if present[name]}
    low = {name: f"{share:.1f}% < {FLOOR[kind][name]}%" for name, share in shares.items() if share < FLOOR[kind][name]}
    assert not low, f"{kind} -> {target} ({leg}): {low}"


def test_every_csl_output_is_valid_and_pandoc_reads_every_output(tmp_path):
    files = _files()
    validator = jsonschema.Draft7Validator(json.loads(SCHEMA.read_text()))
    pandoc = pandoc3()
    for target, (target_kind, ext) in TARGETS.items():
        for kind, fmt in KINDS.items():
            paths = [_head(p, tmp_path / f"{n}-head{p.suffix}") for n, (p, k) in enumerate(files) if k == kind]
            records = papercite.read(*paths, fmt=fmt, diagnostics=Diagnostics())
            text = papercite.export(records, target, diagnostics=Diagnostics())
            out = tmp_path / f"{kind}-{target}{ext}"
            out.write_text(text, encoding="utf-8")
            if target == "csljson":
                errors = [e.message for e in validator.iter_errors(json.loads(text))][:5]
                assert not errors, f"{kind} -> csljson: {errors}"
            result = subprocess.run([pandoc, "-f", target, "-t", "csljson", str(out)], capture_output=True, text=True)
            assert result.returncode == 0, f"{kind} -> {target}: {result.stderr[-500:]}"
            items = json.loads(result.stdout)
            assert len(items) >= 0.98 * len(READERS[target_kind](text)), f"{kind} -> {target}: pandoc read {len(items)}"
