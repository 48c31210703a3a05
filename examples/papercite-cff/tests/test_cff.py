"""The plugin's own tests: papercite's registry finds it, and its output is valid CFF 1.2.0."""

from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path

import jsonschema
import papercite_cff
import yaml

from papercite.diagnostics import Diagnostics
from papercite.model import Group, Paper, Person
from papercite.plugins import ExportContext, Registry, get_plugin_manager

SCHEMA = json.loads((Path(__file__).parents[3] / "fixtures" / "schemas" / "cff-1.2.0.json").read_text())


def export(records: list[Paper]) -> dict:
    exporter = Registry(get_plugin_manager()).exporter("cff")  # found through the entry point
    out = io.StringIO()
    exporter.write(records, out, ExportContext(Diagnostics()))
    return yaml.safe_load(out.getvalue())


PAPER = Paper(
    title="GLM-130B: An Open Bilingual Pre-trained Model",
    authors=(Person("Aohan", "Zeng"), Group("GLM Team")),
    et_al=True,
    date=dt.date(2022, 10, 5),
    arxiv_id="2210.02414",
    category="cs.CL",
)


def test_one_record_is_software_with_a_preferred_citation() -> None:
    doc = export([PAPER])
    jsonschema.validate(doc, SCHEMA)
    assert doc["preferred-citation"]["doi"] == "10.48550/arXiv.2210.02414"
    assert doc["authors"][1] == {"name": "GLM Team"}


def test_many_records_are_references() -> None:
    doc = export([PAPER, Paper(title="Second: with \"quotes\" & a colon", date=dt.date(2020, 1, 1),
                               date_precision="year")])
    jsonschema.validate(doc, SCHEMA)
    assert [r["title"] for r in doc["references"]] == [PAPER.title, 'Second: with "quotes" & a colon']


def test_module_registers_an_exporter() -> None:
    assert [e.name for e in papercite_cff.papercite_exporters()] == ["cff"]
