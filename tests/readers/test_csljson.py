"""CSL-JSON: the official schema, pandoc, Zotero's arXiv shape, and lossless round trips."""

from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path

import jsonschema
import pytest
from click.testing import CliRunner

from papercite.cli import make_cli
from papercite.diagnostics import Diagnostics
from papercite.model import Paper, Person, Source
from papercite.plugins import ExportContext, ReadContext, Registry, get_plugin_manager
from papercite.readers.csljson import read_csljson
from papercite.readers.listing import read_listing
from papercite.text.texify import escape_text

from consumers import pandoc_csl
from records import TRICKY

ROOT = Path(__file__).parents[2]
FIXTURE = ROOT / "fixtures" / "glm-listing.txt"
SCHEMA_PATH = ROOT / "fixtures" / "schemas" / "csl-data.json"
AS_OF = dt.date(2026, 11, 27)


def schema():
    if not SCHEMA_PATH.exists():
        pytest.fail(f"the official CSL-JSON schema is missing: {SCHEMA_PATH}")
    return json.loads(SCHEMA_PATH.read_text())


def fixture_records():
    with FIXTURE.open(encoding="utf-8") as f:
        return list(read_listing(f, ReadContext("glm-listing.txt", Diagnostics(), AS_OF)))


def to_csl(records):
    out = io.StringIO()
    registry = Registry(get_plugin_manager(entry_points=False))
    registry.exporter("csljson").write(records, out, ExportContext(Diagnostics()))
    return out.getvalue()


def read_back(text):
    diagnostics = Diagnostics()
    return list(read_csljson(io.StringIO(text), ReadContext("x.json", diagnostics, AS_OF))), diagnostics


def held(paper: Paper):
    """The fields CSL-JSON holds, as values to compare."""
    return (
        paper.title_text,
        paper.authors,
        paper.et_al,
        paper.affiliations,
        paper.category,
        paper.date_iso,
        paper.has_code,
        paper.abstract_text,
        paper.urls,
        paper.arxiv_id,
    )


@pytest.mark.parametrize("records", [fixture_records(), TRICKY], ids=["fixture", "tricky"])
def test_valid_against_the_official_schema_and_read_by_pandoc(tmp_path, records):
    text = to_csl(records)
    data = json.loads(text)
    jsonschema.validate(data, schema())
    assert len(data) == len(records)
    path = tmp_path / "refs.json"
    path.write_text(text, encoding="utf-8")
    items = pandoc_csl(path, "csljson")
    assert len(items) == len(records)


@pytest.mark.parametrize("records", [fixture_records(), TRICKY], ids=["fixture", "tricky"])
def test_round_trip_is_lossless(records):
    back, diagnostics = read_back(to_csl(records))
    assert diagnostics.items == []
    assert [held(p) for p in back] == [held(p) for p in records]


def test_fixture_items():
    data = json.loads(to_csl(fixture_records()))
    first = data[0]
    assert first["id"] == "liu2023agentbench" and first["type"] == "article" and first["publisher"] == "arXiv"
    assert first["issued"] == {"date-parts": [[2023, 8, 7]]}
    assert first["title"] == "AgentBench: Evaluating LLMs as Agents"
    assert "\\" not in first["abstract"] and "evaluate LLMs as agents" in first["abstract"]
    assert first["note"] == "Code: https://github.com/THUDM/AgentBench"
    assert data[5]["author"][0] == {"literal": "GLM-5 Team"}
    ids = [item["id"] for item in data]
    assert len(set(ids)) == 26 and "du2021glm" in ids


def test_arxiv_item_as_zotero_writes_it():
    item = json.loads(to_csl([TRICKY[3]]))[0]
    assert item["type"] == "article" and item["publisher"] == "arXiv"
    assert item["number"] == "arXiv:2308.03688"
    assert item["DOI"] == "10.48550/arXiv.2308.03688"
    assert item["URL"] == "https://arxiv.org/abs/2308.03688"


def test_hostile_values_do_not_change_the_structure():
    plain_title = 'A "quoted", "id": "evil"} title\nwith a line break\r\nand \x07 bell'
    nasty = [
        Paper(title=escape_text(plain_title), abstract="ER  - \nTY  - JOUR",
              authors=(Person('Jane "JSON"', "Doe\\"),), date=dt.date(2020, 1, 2), source=Source("x", 1)),
        Paper(title="Second", date=dt.date(2021, 1, 1), source=Source("x", 4)),
    ]
    text = to_csl(nasty)
    data = json.loads(text)
    assert len(data) == 2
    jsonschema.validate(data, schema())
    assert data[0]["title"] == " ".join(plain_title.split())
    back, _ = read_back(text)
    assert [p.title_text for p in back] == [p.title_text for p in nasty]
    assert back[0].authors == nasty[0].authors


def test_malformed_items_are_reported_and_the_rest_read():
    text = (
        '[\n  {"id": "a", "type": "article", "title": "First"},\n'
        '  {"id": "b", "type": "article", "title": broken},\n'
        '  {"id": "c", "type": "article"},\n'
        '  {"id": "d", "type": "article", "title": "Fourth", "issued": {"date-parts": [[2020, 5]]}}\n]\n'
    )
    back, diagnostics = read_back(text)
    assert [p.title for p in back] == ["First", "Fourth"]
    assert back[1].date_iso == "2020-05"
    assert [str(d) for d in diagnostics.items] == [
        "x.json:3: error: invalid JSON: Expecting value; item skipped",
        "x.json:4: error: item has no title, names, DOI, URL or other data: nothing to cite; item skipped",
    ]


@pytest.mark.parametrize(
    ("parts", "iso"),
    [
        ([[2023, 8, 7]], "2023-08-07"),
        ([[2023, 8, 7, 12]], "2023-08-07"),  # a time after the day is ignored
        ([["2023", "8", "7"]], "2023-08-07"),  # numbers as strings, as some tools write them
        ([[2023.0, 8, 7]], "2023-08-07"),
        ([[2023, 8]], "2023-08"),
        ([[2023]], "2023"),
        ([[2023, 2, 30]], "2023-02"),  # no such day: the year and month still hold
        ([[2023, 13, 1]], "2023"),  # CSL's months 13-16 are seasons: the year holds
        ([[2023, "Jan"]], "2023-01"),  # a month as a word, as some tools write it
    ],
)
def test_date_parts(parts, iso):
    item = {"id": "a", "type": "article", "title": "T", "issued": {"date-parts": parts}}
    back, diagnostics = read_back(json.dumps([item]))
    assert [p.date_iso for p in back] == [iso] and not diagnostics.items


def test_an_item_cut_short_does_not_swallow_the_next_one():
    # The cut item's last value is left open: the next line, a whole item, would otherwise be
    # read as that value, and the error land on the line after, losing a good record.
    text = (
        '[\n{"id": "a", "type": "article", "title": "First"},\n'
        '{"id": "b", "type": "article", "title": \n'
        '{"id": "c", "type": "article", "title": "Third"},\n'
        '{"id": "d", "type": "article", "title": "Fourth"}\n]\n'
    )
    back, diagnostics = read_back(text)
    assert [p.title for p in back] == ["First", "Third", "Fourth"]
    assert [str(d) for d in diagnostics.items] == ["x.json:3: error: invalid JSON: the item is not closed; item skipped"]


def test_cli_converts_csljson_to_bibtex_with_the_same_keys(tmp_path):
    import bibtexparser

    runner = CliRunner()
    csl = tmp_path / "refs.json"
    result = runner.invoke(make_cli(), ["export", str(FIXTURE), "--to", "csljson", "-o", str(csl), "--as-of", "2026-11-27"])
    assert result.exit_code == 0
    from_csl = runner.invoke(make_cli(), ["export", str(csl), "--to", "bibtex"])
    from_listing = runner.invoke(make_cli(), ["export", str(FIXTURE), "--to", "bibtex", "--as-of", "2026-11-27"])
    assert from_csl.exit_code == 0
    a, b = (bibtexparser.parse_string(r.stdout).entries for r in (from_csl, from_listing))
    # The same entries, keys and fields; only the abstracts differ (CSL-JSON holds them as plain text).
    assert [(e.key, e["title"], e["author"], e.get("note")) for e in a] == [(e.key, e["title"], e["author"], e.get("note")) for e in b]


@pytest.mark.parametrize("indent", [None, 2])
def test_minified_and_pretty_printed_arrays_read_alike(indent):
    # A minified array is one line of 1,040 items: read in linear time (it once was quadratic).
    items = json.loads(to_csl(fixture_records() * 40))
    items[5] = {"id": "broken", "type": "article"}  # no title: skipped, the others kept
    text = json.dumps(items, indent=indent)
    back, diagnostics = read_back(text)
    assert len(back) == 1039
    assert [p.title for p in back[:5]] == [r.title for r in fixture_records()[:5]]
    bad = [d for d in diagnostics.items if "skipped" in d.message]
    assert len(bad) == 1
    if indent is None:
        assert {p.source.line for p in back} == {1} and bad[0].source.line == 1
    else:  # each item's line is the line of its opening brace
        starts = [n for n, line in enumerate(text.splitlines(), 1) if line == "  {"]
        assert [p.source.line for p in back] == starts[:5] + starts[6:]
        assert bad[0].source.line == starts[5]


def test_damaged_custom_fields_are_ignored_not_fatal():
    # found by bench/fuzz.py: "custom": {"papercite": "..."} made the reader raise
    text = json.dumps([
        {"id": "a", "type": "article", "title": "One", "custom": {"papercite": "not an object"}},
        {"id": "b", "type": "article", "title": "Two", "custom": {"papercite": {"urls": "x", "affiliations": [1, "mit"],
                                                                                 "category": 5}}},
    ])
    back, _ = read_back(text)
    assert [p.title for p in back] == ["One", "Two"]
    assert back[1].affiliations == ("mit",) and back[1].category is None and back[1].links == ()
