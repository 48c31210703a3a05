"""Hostile records: values that try to end a field, start an entry, run a LaTeX command, start a
new RIS record or add JSON keys. Their exports are checked by the real consumers (bibtex and
pdflatex, biber, pandoc, rispy, the CSL schema): every record and value comes back, and no
command from a plain-text field is executed."""

from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path

import jsonschema
import pytest
import rispy

from papercite.diagnostics import Diagnostics
from papercite.model import Group, Paper, Person, Source
from papercite.plugins import ExportContext, ReadContext, Registry, get_plugin_manager
from papercite.readers.listing import read_listing
from papercite.text.texify import escape_text

from consumers import biber_validate, bibtex_and_pdflatex, pandoc_csl
from test_properties import held

REGISTRY = Registry(get_plugin_manager(entry_points=False))
SCHEMA = json.loads((Path(__file__).parent.parent / "fixtures" / "schemas" / "csl-data.json").read_text())
AS_OF = dt.date(2026, 11, 27)

HOSTILE_TEXT = [
    "Closing} , note = {pwned",
    "}\n@misc{evil, title = {injected}}\n",
    r"\input{/etc/passwd} and \include{/etc/shadow}",
    r"\immediate\write18{touch /tmp/papercite-pwned} \csname input\endcsname{/etc/passwd}",
    r"^^5cinput{/etc/passwd} \def\x{y}\x \catcode`\@=11",
    "ER  - \nTY  - JOUR\nTI  - injected record",
    '", "URL": "https://evil.example", "x": "',
    "</script><script>alert(1)</script> & <b>bold</b>",
    "% comment that eats the rest } { $ unbalanced math",
    "@comment{ @preamble{\"\\input{/etc/passwd}\"}",
]


def plain_records() -> list[Paper]:
    """Hostile values as a plain-text format (RIS, CSL-JSON) would bring them in."""
    return [
        Paper(
            title=escape_text(text) or "x",
            abstract=escape_text(text),
            # names are plain text in the model; a group's comma is left out (RIS cannot tell it
            # from the "Family, Given" separator)
            authors=(Person(" ".join(text.split()), "Doe"), Group(" ".join(text.replace(",", " ").split()))),
            date=dt.date(2020, 1, 2 + i),
            source=Source("hostile", i + 1),
        )
        for i, text in enumerate(HOSTILE_TEXT)
    ]


def listing_records() -> list[Paper]:
    """Hostile LaTeX in a listing, where titles and abstracts are LaTeX source."""
    text = "".join(
        f"CLJan {i + 1}, 2020\nA Hostile Title {i}: {' '.join(line.split())}Jane Doe\n{' '.join(line.split())}\n"
        for i, line in enumerate(HOSTILE_TEXT)
    )
    return list(read_listing(io.StringIO(text), ReadContext("hostile.txt", Diagnostics(), AS_OF)))


def export(records: list[Paper], fmt: str) -> str:
    out = io.StringIO()
    REGISTRY.exporter(fmt).write(records, out, ExportContext(Diagnostics()))
    return out.getvalue()


def read_back(text: str, fmt: str) -> list[Paper]:
    diagnostics = Diagnostics()
    back = list(REGISTRY.reader(fmt).read(io.StringIO(text), ReadContext("x", diagnostics, AS_OF)))
    assert not [d for d in diagnostics.items if d.severity.value == "error"], [str(d) for d in diagnostics.items]
    return back


SOURCES = {"plain": plain_records, "listing": listing_records}


@pytest.mark.parametrize("source", sorted(SOURCES))
@pytest.mark.parametrize("fmt", ["bibtex", "biblatex", "csljson", "ris"])
def test_values_come_back_exactly(source: str, fmt: str) -> None:
    records = SOURCES[source]()
    assert len(records) == len(HOSTILE_TEXT)
    back = read_back(export(records, fmt), fmt)
    expected = [held(p, fmt) for p in records]
    if fmt == "csljson":
        # CSL-JSON titles are rich text: <b>...</b> in one is bold, to papercite as to citeproc.
        expected = [{k: v.replace("<b>bold</b>", "bold") if k == "title" else v for k, v in e.items()} for e in expected]
    assert [held(p, fmt) for p in back] == expected


@pytest.mark.parametrize("source", sorted(SOURCES))
def test_bibtex_and_pdflatex_run_nothing(source: str, tmp_path: Path) -> None:
    bib = tmp_path / "hostile.bib"
    bib.write_text(export(SOURCES[source](), "bibtex"))
    assert bibtex_and_pdflatex(bib) == []
    log = (tmp_path / "doc.log").read_text(errors="replace")
    assert "(/etc/passwd" not in log and "root:x:" not in log  # no file was \input (TeX logs "(FILE")
    assert not Path("/tmp/papercite-pwned").exists()
    bbl = (tmp_path / "doc.bbl").read_text()
    assert bbl.count("\\bibitem") == len(HOSTILE_TEXT)
    assert "\\input" not in bbl and "\\write18" not in bbl and "\\csname" not in bbl and "\\def" not in bbl


def test_biber_and_pandoc_read_every_record(tmp_path: Path) -> None:
    records = plain_records() + listing_records()
    bib = tmp_path / "hostile.bib"
    bib.write_text(export(records, "biblatex"))
    assert biber_validate(bib) == []
    assert len(pandoc_csl(bib, "biblatex")) == len(records)
    csl = tmp_path / "hostile.json"
    csl.write_text(export(records, "csljson"))
    items = json.loads(csl.read_text())
    jsonschema.validate(items, SCHEMA)
    assert all(set(item) <= {"id", "type", "title", "author", "issued", "abstract", "note", "custom", "URL", "DOI",
                             "publisher", "number"} for item in items)  # no key came from a value
    straight = str.maketrans("“”‘’", "\"\"''")  # pandoc makes quotes typographic
    assert [i["title"].translate(straight) for i in pandoc_csl(csl, "csljson")] == [i["title"] for i in items]


def test_rispy_reads_every_record() -> None:
    records = plain_records() + listing_records()
    text = export(records, "ris")
    entries = rispy.loads(text)
    assert len(entries) == len(records)
    assert sum(line.startswith("TY  - ") for line in text.splitlines()) == len(records)
    assert not any(e.get("title", "").startswith("injected") for e in entries)
