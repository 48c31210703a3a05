"""RIS: structure line by line, rispy as a consumer, and lossless round trips."""

from __future__ import annotations

import datetime as dt
import io
import re
from pathlib import Path

import pytest
import rispy

from papercite.diagnostics import Diagnostics
from papercite.model import Paper, Person, Source
from papercite.plugins import ExportContext, ReadContext, Registry, get_plugin_manager
from papercite.readers.listing import read_listing
from papercite.readers.ris import read_ris
from papercite.text.texify import escape_text

from consumers import pandoc3, pandoc_csl
from records import TRICKY

FIXTURE = Path(__file__).parents[2] / "fixtures" / "glm-listing.txt"
AS_OF = dt.date(2026, 11, 27)
TAG_LINE = re.compile(r"^[A-Z][A-Z0-9]  - .*$")


def fixture_records():
    with FIXTURE.open(encoding="utf-8") as f:
        return list(read_listing(f, ReadContext("glm-listing.txt", Diagnostics(), AS_OF)))


def to_ris(records):
    out = io.StringIO()
    Registry(get_plugin_manager(entry_points=False)).exporter("ris").write(records, out, ExportContext(Diagnostics()))
    return out.getvalue()


def read_back(text):
    diagnostics = Diagnostics()
    return list(read_ris(io.StringIO(text), ReadContext("x.ris", diagnostics, AS_OF))), diagnostics


def check_structure(text: str, count: int) -> None:
    """TY first, ER last, one tag per line, only blank lines between records."""
    records = [block for block in text.split("\n\n") if block.strip()]
    assert len(records) == count
    for block in records:
        lines = block.strip("\n").split("\n")
        assert lines[0].startswith("TY  - ") and lines[-1] == "ER  - "
        assert all(TAG_LINE.match(line) for line in lines), lines
        assert sum(line.startswith(("TY  - ", "ER  - ")) for line in lines) == 2
    assert len(text.splitlines()) == text.count("\n")  # no line breaks hiding inside values


def held(paper: Paper):
    # Names as they read ("van der Berg" a family name, or a particle and one); RIS has no et al.
    authors = tuple((type(a).__name__, a.display) for a in paper.authors)
    return (paper.title_text, authors, paper.affiliations, paper.category, paper.date_iso,
            paper.abstract_text, paper.urls, paper.arxiv_id)


@pytest.mark.parametrize("records", [fixture_records(), TRICKY], ids=["fixture", "tricky"])
def test_structure_rispy_and_round_trip(records):
    text = to_ris(records)
    check_structure(text, len(records))
    entries = rispy.loads(text)
    assert len(entries) == len(records)
    assert [e["title"] for e in entries] == [p.title_text for p in records]
    back, diagnostics = read_back(text)
    assert diagnostics.items == []
    assert [held(p) for p in back] == [held(p) for p in records]


@pytest.mark.parametrize("records", [fixture_records(), TRICKY], ids=["fixture", "tricky"])
def test_pandoc_3_reads_every_record(tmp_path, records):
    path = tmp_path / "refs.ris"
    path.write_text(to_ris(records), encoding="utf-8")
    items = pandoc_csl(path, "ris", pandoc=pandoc3())
    assert [item["title"] for item in items] == [p.title_text for p in records]


def test_arxiv_record_tags():
    text = to_ris([TRICKY[3]])
    assert "TY  - JOUR\n" in text and "JO  - arXiv\n" in text
    assert "AN  - arXiv:2308.03688\n" in text
    assert "DO  - 10.48550/arXiv.2308.03688\n" in text
    assert "UR  - https://arxiv.org/abs/2308.03688\n" in text
    assert "PY  - 2023/08/07/\n" in text and "AU  - Liu, Xiao\n" in text and "others" not in text  # RIS has no et al.


def test_hostile_values_never_make_lines():
    plain = "Evil\nER  - \nTY  - JOUR\r\nTI  - injected\u2028and\u2029more\x0b\x0c\x1c\x85 end"
    nasty = [
        Paper(title=escape_text(plain), abstract=escape_text(plain), authors=(Person("ER  - x", "Doe\nTY  - "),),
              date=dt.date(2020, 1, 2), source=Source("x", 1)),
        Paper(title="Second", date=dt.date(2021, 1, 1), source=Source("x", 4)),
    ]
    text = to_ris(nasty)
    check_structure(text, 2)
    assert len(rispy.loads(text)) == 2
    back, _ = read_back(text)
    assert [p.title_text for p in back] == [" ".join(re.sub(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]", " ", plain).split()),
                                            "Second"]


def test_malformed_ris_is_reported_and_the_rest_read():
    text = (
        "junk before\nmore junk\n"
        "TY  - JOUR\nTI  - First\nAU  - Doe, Jane\nPY  - 2020///\nER  - \n\n"
        "TY  - JOUR\nTI  - No end\nAB  - a wrapped\n  abstract line\n"
        "TY  - JOUR\nAU  - Nobody\nER  - \n"
        "TY  - GEN\nTI  - Last\nDA  - 2021/05//\nER  - \n"
    )
    back, diagnostics = read_back(text)
    assert [p.title for p in back] == ["First", "No end", "", "Last"]  # no title, but an author: kept
    assert back[0].date_iso == "2020" and back[3].date_iso == "2021-05"
    assert back[1].abstract_text == "a wrapped abstract line"
    assert [str(d) for d in diagnostics.items] == [
        "x.ris:1: error: expected 'TY  - ' to start a record, got 'junk before'",
        "x.ris:9: warning: record has no ER line; it ends at the next TY",
        "x.ris:13: warning: record has no title (TI): kept for what else it holds",
    ]
