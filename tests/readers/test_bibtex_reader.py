"""Reading BibTeX and BibLaTeX: macros, names, arXiv fields, and entries that cannot be parsed."""

from __future__ import annotations

import datetime as dt
import io

import pytest

from papercite.diagnostics import Diagnostics
from papercite.model import Group, Person
from papercite.plugins import ReadContext
from papercite.readers.bibtex import read_bibtex

BIB = r"""% a hand-written file
@string{acl = "Proceedings of ACL"}

@inproceedings{first,
  title = {{AgentBench}: Evaluating {LLMs} as Agents},
  booktitle = acl,
  author = {{\L}ukasz Kaiser and van der Berg, Vincent and {GLM-5 Team} and others},
  year = 2023, month = aug,
  eprint = {2308.03688v2}, archivePrefix = {arXiv}, primaryClass = {cs.AI},
  note = {Code: \url{https://github.com/THUDM/AgentBench}},
}

@misc{broken, title = {Unclosed, author = {Doe, Jane}

@online{third,
  title = {Third},
  author = {Schr\"odinger, Erwin},
  date = {2021-05},
  doi = {10.48550/arXiv.2105.00001},
}

@article{notitle, author = {Doe, Jane}, year = {2020}}

@article{scholar, title = {Scholar style}, journal = {arXiv preprint arXiv:2401.12345}, year = {2024}}
"""


def read(text):
    diagnostics = Diagnostics()
    return list(read_bibtex(io.StringIO(text), ReadContext("refs.bib", diagnostics, dt.date(2026, 1, 1)))), diagnostics


def test_fields_names_and_macros():
    records, _ = read(BIB)
    first = records[0]
    assert first.title_text == "AgentBench: Evaluating LLMs as Agents"
    assert first.authors == (Person("Łukasz", "Kaiser"), Person("Vincent", "Berg", particle="van der"), Group("GLM-5 Team"))
    assert first.et_al
    assert (first.date_iso, first.arxiv_id, first.category) == ("2023-08", "2308.03688", "cs.AI")
    assert first.urls == ("https://github.com/THUDM/AgentBench",)
    assert first.source.line == 4
    third = records[1]
    assert third.authors == (Person("Erwin", "Schrödinger"),)
    assert (third.date_iso, third.arxiv_id, third.doi) == ("2021-05", "2105.00001", None)
    assert records[3].arxiv_id == "2401.12345" and records[3].type is None  # scholar style: a preprint
    assert records[2].type == "article-journal" and records[2].key == "notitle"


def test_bad_entries_are_reported_with_their_line_and_the_rest_read():
    records, diagnostics = read(BIB)
    # An entry without a title is kept for its other fields (as Zotero and biber keep it), with a warning.
    assert [r.title_text for r in records] == ["AgentBench: Evaluating LLMs as Agents", "Third", "", "Scholar style"]
    messages = [str(d) for d in diagnostics.items]
    assert len(messages) == 2
    assert messages[0].startswith("refs.bib:13: error: cannot parse this entry")
    assert messages[1] == "refs.bib:22: warning: entry has no title: kept for what else it holds"


def test_empty_input():
    records, diagnostics = read("\n% nothing here\n")
    assert records == []
    assert [str(d) for d in diagnostics.items] == ["refs.bib: warning: no entries found"]


def test_reading_streams_in_chunks_and_macros_carry_over(monkeypatch):
    import papercite.readers.bibtex as reader

    monkeypatch.setattr(reader, "_CHUNK_BLOCKS", 2)
    text = '@string{arx = "arXiv preprint arXiv:2401.00001"}\n' + "".join(
        f"@article{{k{i},\n  title = {{T{i}}},\n  journal = arx,\n  year = 2024,\n}}\n" for i in range(7)
    ) + "@misc{bad, title={x}\n@misc{last, title={Last}}\n"
    records, diagnostics = read(text)
    assert [(r.title, r.source.line, r.arxiv_id) for r in records][:2] == [("T0", 2, "2401.00001"), ("T1", 7, "2401.00001")]
    assert [r.title for r in records] == [f"T{i}" for i in range(7)] + ["Last"]
    assert all(r.arxiv_id == "2401.00001" for r in records[:7])
    assert [str(d) for d in diagnostics.items] == [
        "refs.bib:37: error: cannot parse this entry: syntax error (unbalanced braces or a missing comma?); skipped"
    ]


@pytest.mark.parametrize(
    "name",
    ["Liu, Xiao", "De Brabandere, Bert", "Zhang,  Hanchen  Ming", "Du, Z.", "van der Berg, Vincent",
     "Liu, Xiao, Jr.", "{Team GLM}", "M{\\\"u}ller, J{\\\"u}rgen", "'t Hooft, Gerard", "Xiao Liu", "others"],
)
def test_the_fast_name_split_agrees_with_bibtexparser(name):
    """``Family, Given`` is split without bibtexparser; whatever it takes is split exactly as
    bibtexparser would, and anything else (particles, braces, suffixes) is left to it."""
    from papercite.model import Person
    from papercite.readers.bibnames import _name_parts, _simple_name
    from papercite.readers.bibnames import plain as _plain

    fast = _simple_name(name)
    if fast is None:
        assert "," not in name or "{" in name or name.count(",") > 1 or not name.split(",")[0].strip()[0].isupper()
        return
    parts = _name_parts(name)
    assert fast == Person(_plain(" ".join(parts.first)), _plain(" ".join(parts.last)),
                          particle=_plain(" ".join(parts.von)), suffix=_plain(" ".join(parts.jr)))
