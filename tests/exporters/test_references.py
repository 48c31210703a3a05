"""Formatted references with citeproc-py: every named style, every author, group authors included."""

from __future__ import annotations

import datetime as dt
import html
import io
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from papercite.cli import make_cli
from papercite.diagnostics import Diagnostics
from papercite.exporters.references import style_path
from papercite.model import Group, Paper, Person
from papercite.plugins import ExportContext, ExportOptions, ReadContext, Registry, get_plugin_manager
from papercite.readers.listing import read_listing

FIXTURE = Path(__file__).parents[2] / "fixtures" / "glm-listing.txt"
STYLES = ["apa", "ieee", "chicago-author-date", "harvard"]
GROUPS = ["GLM-5 Team", "GLM-4. 5 Team", "GLM-V Team", "Team GLM"]


def fixture_records():
    with FIXTURE.open(encoding="utf-8") as f:
        return list(read_listing(f, ReadContext("x", Diagnostics(), dt.date(2026, 11, 27))))


def render(records, to, style):
    out = io.StringIO()
    exporter = Registry(get_plugin_manager(entry_points=False)).exporter(to)
    exporter.write(records, out, ExportContext(Diagnostics(), ExportOptions(style=style)))
    return out.getvalue()


@pytest.mark.parametrize("style", STYLES)
def test_every_record_and_every_group_author_in_every_style(style):
    records = fixture_records()
    text = render(records, "text", style)
    entries = text.strip().split("\n")
    assert len(entries) == 26
    for group in GROUPS:
        assert sum(group in entry for entry in entries) >= 1, (style, group)
    for record in records:
        entry = next(e for e in entries if record.title_text.lower() in e.lower())
        first = record.authors[0]
        assert (first.name if isinstance(first, Group) else first.family) in entry
        if style != "harvard":  # harvard shortens four or more names to "et al."
            for author in record.authors:
                assert (author.name if isinstance(author, Group) else author.family) in entry, (style, entry)
            assert "et al." in entry and "others" not in entry  # every fixture list but one is truncated
            break


def test_html_is_escaped_and_has_one_entry_per_record():
    records = [
        Paper(title="A <script>alert(1)</script> & Title", authors=(Group("R&D Team"), Person("Ann", "O'Hara")),
              date=dt.date(2020, 1, 1)),
        Paper(title="Second", authors=(Person("Bo", "Li"),), date=dt.date(2021, 1, 1)),
    ]
    out = render(records, "html", "apa")
    assert out.count('<div class="csl-entry">') == 2
    assert "<script>" not in out and "&lt;script&gt;" in out
    assert "R&amp;D Team" in out
    assert html.unescape(re.sub(r"<[^>]+>", "", out)).count("A <script>alert(1)</script> & Title") == 1


def test_style_file_and_cli(tmp_path):
    runner = CliRunner()
    result = runner.invoke(make_cli(), ["export", str(FIXTURE), "--to", "text", "--style", style_path("ieee"),
                                        "--as-of", "2026-11-27"])
    assert result.exit_code == 0
    assert result.stdout.startswith("[1] X. Liu, H. Yu, H. Zhang, et al., “AgentBench")
    bad = runner.invoke(make_cli(), ["export", str(FIXTURE), "--to", "html", "--style", "no-such-style"])
    assert bad.exit_code == 2 and "unknown style 'no-such-style'" in bad.stderr
