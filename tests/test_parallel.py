"""Reading and rendering in worker processes gives exactly what one process gives."""

from __future__ import annotations

import os
from functools import partial
from pathlib import Path

import pytest
from click.testing import CliRunner

import papercite.pipeline
from papercite.cli import make_cli
from papercite.listing import is_record_start
from papercite.parallel import chunks, render_chunk

FIXTURE = Path(__file__).parent.parent / "fixtures" / "glm-listing.txt"
RECORD = "CLMar 18, 2021\nGPT Understands, TooXiao Liu, Yanan Zheng, Zhengxiao Du et al.\nAbstract with $O(L^2)$.\n"
MESSY = (
    FIXTURE.read_text(encoding="utf-8")
    + "\n\nthis is not a header\n"
    + RECORD
    + "CLFeb 30, 2024\nSome TitleJane Doe\nAbstract.\n"
    + "CLMar 1, 2024\nno author list here at all\nAbstract.\n"
    + "CLMar 1, 2024\nA Paper TitleJane Doe\n"  # no abstract: the next header follows
    + "CLMar 2, 2024\n"  # no byline
    + RECORD
    + "\n"
    + "CLMar 1, 2024\nTowards AGIGLM Team\nAmbiguous.\n"
    + "CLMar 1, 2024\n"
).encode()


def _spy_render_chunk(log, *args):
    """render_chunk, noting which process ran it."""
    with open(log, "a") as f:
        f.write(f"{os.getpid()}\n")
    return render_chunk(*args)


def run(args, path):
    result = CliRunner().invoke(make_cli(), [*args, str(path), "--as-of", "2026-11-27"], catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


@pytest.mark.parametrize("args", [["parse"], ["export", "--to", "bibtex"], ["export", "--to", "biblatex"]])
@pytest.mark.parametrize("tail", [b"", b"CLMar 3, 2024\nCaf\xe9 TitleJane Doe\nx\n" + RECORD.encode()])
def test_workers_give_the_same_output_and_messages(tmp_path, monkeypatch, args, tail):
    path = tmp_path / "messy.txt"
    path.write_bytes(MESSY + tail)
    one = run([*args, "-j", "1"], path)
    monkeypatch.setattr(papercite.pipeline, "CHUNK_RECORDS", 2)  # many chunks, so workers really run
    log = tmp_path / "pids"
    monkeypatch.setattr(papercite.pipeline, "render_chunk", partial(_spy_render_chunk, str(log)))
    two = run([*args, "-j", "2"], path)
    assert two == one
    workers = set(log.read_text().split())
    assert workers and str(os.getpid()) not in workers  # chunks ran in worker processes
    assert one[2].count(": error: ") >= 5
    if tail:
        assert one[0] == 2 and "not UTF-8" in one[2]


def test_chunks_start_at_record_boundaries():
    lines = FIXTURE.read_text(encoding="utf-8").splitlines(keepends=True)
    cut = list(chunks(iter(lines), is_record_start, 5))
    assert [offset for offset, _, _ in cut] == [0, 15, 30, 45, 60, 75]
    assert all(is_record_start(chunk[0]) for _, chunk, _ in cut)
    assert sum(len(chunk) for _, chunk, _ in cut) == len(lines)


def test_boundary_is_the_header_shape():
    assert is_record_start("CLMar 12\n") and is_record_start("AIAug 7, 2023Code") and is_record_start("CLFeb 30, 2024")
    assert not is_record_start("GPT Understands, TooXiao Liu") and not is_record_start("CLFoo 12")


def test_a_plugin_that_cannot_go_to_workers_runs_in_this_process(tmp_path, monkeypatch):
    from papercite.plugins import Exporter, Rendered, get_plugin_manager, hookimpl

    class LambdaExporter:
        @hookimpl
        def papercite_exporters(self):
            yield Exporter(name="titles", render=lambda paper, ctx: Rendered(paper.title + "\n"))

    pm = get_plugin_manager(entry_points=False)
    pm.register(LambdaExporter(), name="lambda-plugin")
    path = tmp_path / "listing.txt"
    path.write_bytes(MESSY)
    monkeypatch.setattr(papercite.pipeline, "CHUNK_RECORDS", 2)
    result = CliRunner().invoke(make_cli(lambda: pm), ["export", str(path), "--to", "titles", "-j", "2"],
                                catch_exceptions=False)
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines()[0] == "AgentBench: Evaluating LLMs as Agents"
