"""``export --merge``: new records are added, the existing .bib is kept byte for byte."""

from __future__ import annotations

from pathlib import Path

import bibtexparser
from click.testing import CliRunner

from papercite.cli import make_cli

from consumers import bibtex_and_pdflatex

FIXTURE = Path(__file__).parent.parent / "fixtures" / "glm-listing.txt"

HAND_EDITED = """\
% My bibliography, edited by hand since 2019.
@string{acl = "Proceedings of the ACL"}

@inproceedings{myKey2020,
   title     = {Hand {Edited} Title},
   booktitle = acl,
   author = {Doe, Jane},
   year = 2020
}

@misc{agentbench-mine,
  title = {AgentBench: evaluating LLMs as agents},
  author = {Liu, Xiao},
  year = {2023},
}

@misc{liu2023webglm,
  title = {A different paper that took the key first},
  author = {Liu, Xiao},
  year = {2023},
}
"""


def run(*args):
    return CliRunner().invoke(make_cli(), ["export", str(FIXTURE), "--to", "bibtex", "--as-of", "2026-11-27", *args],
                              catch_exceptions=False)


def test_merge_adds_the_new_records_and_keeps_the_file(tmp_path):
    bib = tmp_path / "refs.bib"
    bib.write_bytes(HAND_EDITED.encode())
    result = run("--merge", str(bib))
    assert result.exit_code == 0, result.stderr
    merged = bib.read_bytes()
    assert merged.startswith(HAND_EDITED.encode())  # byte for byte
    assert "25 added, 1 already there" in result.stderr  # AgentBench matched by title
    library = bibtexparser.parse_string(merged.decode())
    keys = [e.key for e in library.entries]
    assert keys[:3] == ["myKey2020", "agentbench-mine", "liu2023webglm"]  # existing keys untouched
    assert "liu2023webglma" in keys  # the new WebGLM entry does not take the existing key
    assert "liu2023agentbench" not in keys
    assert len(keys) == 3 + 25
    assert bibtex_and_pdflatex(bib) == []


def test_merging_twice_changes_nothing(tmp_path):
    bib = tmp_path / "refs.bib"
    bib.write_bytes(HAND_EDITED.encode())
    run("--merge", str(bib))
    once = bib.read_bytes()
    mtime = bib.stat().st_mtime_ns
    result = run("--merge", str(bib))
    assert result.exit_code == 0
    assert "0 added, 26 already there" in result.stderr
    assert bib.read_bytes() == once
    assert bib.stat().st_mtime_ns == mtime  # not even rewritten


def test_merge_into_missing_file_creates_it(tmp_path):
    bib = tmp_path / "new.bib"
    result = run("--merge", str(bib))
    assert result.exit_code == 0
    assert len(bibtexparser.parse_string(bib.read_text()).entries) == 26


def test_merge_to_another_output_leaves_the_original(tmp_path):
    bib = tmp_path / "refs.bib"
    bib.write_bytes(HAND_EDITED.encode())
    out = tmp_path / "merged.bib"
    result = run("--merge", str(bib), "-o", str(out))
    assert result.exit_code == 0
    assert bib.read_bytes() == HAND_EDITED.encode()
    assert out.read_bytes().startswith(HAND_EDITED.encode())


def test_merge_matches_by_arxiv_id_and_doi(tmp_path):
    bib = tmp_path / "refs.bib"
    bib.write_text(
        "@article{x, title={Renamed}, journal={arXiv preprint arXiv:2308.03688}}\n"
        "@misc{y, title={Other}, doi={10.48550/arXiv.2210.02414}}\n"
    )
    from papercite.merge import scan_bib

    found = scan_bib(bib.read_text())
    assert found.arxiv_ids == {"2308.03688", "2210.02414"}
    assert found.dois == {"10.48550/arxiv.2210.02414"}
    assert found.keys == {"x", "y"}


def test_merge_knows_a_biblatex_entry_by_the_arxiv_id_in_its_journaltitle(tmp_path):
    """BibLaTeX writes the preprint's venue as ``journaltitle``: the entry is the same paper
    however its title is worded, so merging adds no second one (the reader's arXiv rule)."""
    bib = tmp_path / "refs.bib"
    existing = (
        "@article{mine, title = {Agents, Benchmarked (my wording)}, journaltitle = {arXiv preprint arXiv:2308.03688},"
        " date = {2023-08-07}}\n"
    )
    bib.write_text(existing)
    new = tmp_path / "new.bib"
    new.write_text(
        "@misc{liu2023agentbench, title = {AgentBench: Evaluating LLMs as Agents}, author = {Liu, Xiao},"
        " eprint = {2308.03688}, archivePrefix = {arXiv}, year = {2023}}\n"
    )
    result = CliRunner().invoke(make_cli(), ["export", str(new), "--to", "biblatex", "--merge", str(bib)],
                                catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert "0 added, 1 already there" in result.stderr
    assert bib.read_text() == existing


def test_the_bibtex_reader_reads_mendeleys_arxivid():
    from papercite.readers.bibentry import arxiv_id_of

    assert arxiv_id_of({"arxivid": "2210.02414"}) == "2210.02414"
    assert arxiv_id_of({"journaltitle": "arXiv preprint arXiv:2308.03688"}) == "2308.03688"
    assert arxiv_id_of({"journal": "Journal of 2308.03688 Things"}) is None  # a number is not an id
