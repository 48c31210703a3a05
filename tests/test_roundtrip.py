"""Any format to any other, and round trips that lose nothing a format holds."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pytest
from click.testing import CliRunner

from papercite.cli import make_cli
from papercite.diagnostics import Diagnostics
from papercite.model import Paper
from papercite.plugins import ExportContext, ReadContext, Registry, get_plugin_manager
from papercite.readers.listing import read_listing

from records import TRICKY

FIXTURE = Path(__file__).parent.parent / "fixtures" / "glm-listing.txt"
AS_OF = dt.date(2026, 11, 27)
REGISTRY = Registry(get_plugin_manager(entry_points=False))

COMMON = ("title_text", "authors", "et_al", "category", "date_iso", "abstract_text", "urls", "arxiv_id")
# What each format holds of a record.
HELD = {
    "bibtex": tuple("year_month" if name == "date_iso" else name for name in COMMON),  # no day field
    "biblatex": COMMON,
    "csljson": (*COMMON, "affiliations", "has_code", "subject"),
    "ris": (*(n for n in COMMON if n != "et_al"), "affiliations"),  # RIS has no et al.
}
EXTENSIONS = {"bibtex": "bib", "biblatex": "bib", "csljson": "json", "ris": "ris"}


def fixture_records():
    with FIXTURE.open(encoding="utf-8") as f:
        return list(read_listing(f, ReadContext("glm-listing.txt", Diagnostics(), AS_OF)))


def held(paper: Paper, fmt: str):
    def value(name: str):
        if name == "year_month":
            return (paper.date_iso or "")[:7]
        if name == "authors":  # a name as it reads: "van der Berg" is a family name or a particle and one
            return tuple((type(a).__name__, a.display) for a in paper.authors)
        return getattr(paper, name)

    return {name: value(name) for name in HELD[fmt]}


@pytest.mark.parametrize("fmt", sorted(HELD))
@pytest.mark.parametrize("records", [fixture_records(), TRICKY], ids=["fixture", "tricky"])
def test_listing_to_format_and_back_is_lossless(fmt, records):
    out = io.StringIO()
    REGISTRY.exporter(fmt).write(records, out, ExportContext(Diagnostics()))
    diagnostics = Diagnostics()
    back = list(REGISTRY.reader(fmt).read(io.StringIO(out.getvalue()), ReadContext("x", diagnostics, AS_OF)))
    assert diagnostics.items == []
    assert [held(p, fmt) for p in back] == [held(p, fmt) for p in records]


@pytest.mark.parametrize("source", sorted(HELD))
@pytest.mark.parametrize("target", [*sorted(HELD), "jsonl", "text", "html"])
def test_every_format_converts_to_every_other(tmp_path, source, target):
    runner = CliRunner()
    first = tmp_path / f"refs.{EXTENSIONS[source]}"
    result = runner.invoke(make_cli(), ["export", str(FIXTURE), "--to", source, "-o", str(first), "--as-of", "2026-11-27"])
    assert result.exit_code == 0, result.stderr
    # The input format is detected from the file.
    converted = runner.invoke(make_cli(), ["export", str(first), "--to", target, "--strict"])
    assert converted.exit_code == 0, converted.stderr
    assert "26 records read, 0 skipped, 0 warnings" in converted.stderr
    again = runner.invoke(make_cli(), ["parse", str(first)])
    assert len(again.stdout.splitlines()) == 26
