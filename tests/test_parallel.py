"""Reading and rendering in worker processes gives exactly what one process gives."""

from __future__ import annotations

import itertools
import os
from functools import partial
from pathlib import Path

import pytest
from click.testing import CliRunner

import papercite.pipeline
from papercite.cli import make_cli
from papercite.parallel import chunks, render_chunk
from papercite.readers.listing import is_record_start

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


def _spy_render_chunk(log, *args, **kwargs):
    """render_chunk, noting which process ran it."""
    with open(log, "a") as f:
        f.write(f"{os.getpid()}\n")
    return render_chunk(*args, **kwargs)


def run(args, path, stdin=False):
    argv = [*args, "-" if stdin else str(path), "--as-of", "2026-11-27"]
    result = CliRunner().invoke(make_cli(), argv, input=path.read_bytes() if stdin else None, catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


@pytest.mark.parametrize("args", [["parse"], ["export", "--to", "bibtex"], ["export", "--to", "biblatex"]])
@pytest.mark.parametrize("tail", [b"", b"CLMar 3, 2024\nCaf\xe9 TitleJane Doe\nx\n" + RECORD.encode()])
@pytest.mark.parametrize("stdin", [False, True], ids=["file", "stdin"])  # parts of a file, or lines sent
def test_workers_give_the_same_output_and_messages(tmp_path, monkeypatch, args, tail, stdin):
    path = tmp_path / "messy.txt"
    path.write_bytes(MESSY + tail)
    one = run([*args, "-j", "1"], path, stdin)
    # Many chunks, so workers really run.
    monkeypatch.setattr(papercite.pipeline, "CHUNK_RECORDS", 2)
    monkeypatch.setattr(papercite.pipeline, "CHUNK_BYTES", 300)
    log = tmp_path / "pids"
    monkeypatch.setattr(papercite.pipeline, "render_chunk", partial(_spy_render_chunk, str(log)))
    two = run([*args, "-j", "2"], path, stdin)
    assert two == one
    workers = set(log.read_text().split())
    assert workers and str(os.getpid()) not in workers  # chunks ran in worker processes
    # Skipped records, and the byline without authors kept with a warning (issue 17).
    assert one[2].count(": error: ") >= 4 and "warning: no author found after the title" in one[2]
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


def _csljson(tmp_path):
    """The fixture as papercite's CSL-JSON (an item a line) with damage: an item over several lines,
    invalid JSON, an item without a title, and a line that is not UTF-8 near the end."""
    result = CliRunner().invoke(make_cli(), ["export", str(FIXTURE), "--to", "csljson", "--as-of", "2026-11-27"])
    lines = result.stdout.splitlines(keepends=True)
    items = lines[1:-1]
    damaged = [
        *items[:5],
        '{"id": "x", "type": "article",\n',
        ' "title": "Over Several Lines"},\n',
        '{"id": "y", "type": "article", "title": \n',
        '{"id": "z", "type": "article"},\n',
        *items[5:],
    ]
    return "".join([lines[0], *damaged, lines[-1]]).encode()


def _one_and_in_workers(monkeypatch, tmp_path, path, stdin, chunk_bytes):
    """The result of -j 1, after checking that -j 2 in small chunks (several of them) gives the same."""
    one = run(["export", "--to", "bibtex", "-j", "1"], path, stdin)
    monkeypatch.setattr(papercite.pipeline, "CHUNK_RECORDS", 2)
    monkeypatch.setattr(papercite.pipeline, "CHUNK_BYTES", chunk_bytes)
    log = tmp_path / "pids"
    monkeypatch.setattr(papercite.pipeline, "render_chunk", partial(_spy_render_chunk, str(log)))
    two = run(["export", "--to", "bibtex", "-j", "2"], path, stdin)
    assert two == one
    assert len(log.read_text().split()) > 3  # in several chunks
    return one


@pytest.mark.parametrize("tail", [b"", "{\"id\": \"w\", \"title\": \"Caf\xe9\"},\n".encode("latin-1")])
@pytest.mark.parametrize("stdin", [False, True], ids=["file", "stdin"])
def test_csljson_in_workers_gives_the_same_output_and_messages(tmp_path, monkeypatch, tail, stdin):
    path = tmp_path / "records.json"
    text = _csljson(tmp_path)
    path.write_bytes(text[: text.rindex(b"]")] + tail + b"]\n")
    one = _one_and_in_workers(monkeypatch, tmp_path, path, stdin, chunk_bytes=2000)
    assert one[1].count("@misc{") == 27  # the 26 records and the item over several lines
    assert one[2].count("item skipped") == 2
    if tail:
        assert one[0] == 2 and "not UTF-8" in one[2]


def test_byte_ranges_cut_at_boundaries_and_count_lines(tmp_path):
    from papercite.files import byte_ranges

    path = tmp_path / "listing.txt"
    path.write_bytes(FIXTURE.read_bytes())
    lines = FIXTURE.read_bytes().splitlines(keepends=True)
    parts = list(byte_ranges(str(path), is_record_start, 400))
    assert len(parts) > 10
    assert parts[0].start == 0 and parts[-1].end == path.stat().st_size
    assert all(a.end == b.start for a, b in itertools.pairwise(parts))
    for part in parts:
        before = FIXTURE.read_bytes()[: part.start]
        assert part.offset == before.count(b"\n")  # the line it starts at
        if part.start:
            assert is_record_start(lines[part.offset].decode())


def test_an_input_without_boundaries_is_not_read_into_memory_in_one_piece(tmp_path):
    from papercite.files import byte_ranges, range_lines

    path = tmp_path / "pretty.json"
    path.write_text("[\n" + "".join(f'  {{\n    "title": "T{i}"\n  }},\n' for i in range(1000)) + "]\n")
    parts = list(byte_ranges(str(path), lambda line: line.startswith("{"), 100))
    assert [(p.start, p.end) for p in parts] == [(0, None)]  # given up after a few sizes: streamed
    assert "".join(range_lines(parts[0])) == path.read_text()


def test_a_long_line_is_not_read_whole_to_find_a_cut(tmp_path):
    from papercite.files import byte_ranges

    path = tmp_path / "minified.json"
    path.write_text("[" + ",".join(f'{{"title": "T{i}"}}' for i in range(5000)) + "]\n")  # one line
    seen = []

    def boundary(line):
        seen.append(len(line))
        return line.startswith("{")

    parts = list(byte_ranges(str(path), boundary, 1000))
    assert [(p.start, p.end, p.offset) for p in parts] == [(0, None, 0)]
    assert not seen  # never a line start to judge, let alone the whole line


@pytest.mark.parametrize("indent", ["\t", "  "], ids=["zotero-tab", "pandoc-2"])
def test_indented_csljson_arrays_are_read_in_workers_with_the_same_output(tmp_path, monkeypatch, indent):
    """Zotero's and pandoc's indented arrays are cut at each item's opening brace; the output
    and the messages (a broken item among them) are those of -j 1."""
    import json as _json

    result = CliRunner().invoke(make_cli(), ["export", str(FIXTURE), "--to", "csljson", "--as-of", "2026-11-27"])
    items = _json.loads(result.stdout)
    text = _json.dumps(items, indent=indent, ensure_ascii=False)
    cut = text.index("\n" + indent + "{", 2000)  # break one item in the middle: invalid JSON there
    text = text[:cut] + "\n" + indent + '{"id": "broken", "title": ,' + text[cut:]
    path = tmp_path / "library.json"
    path.write_text(text + "\n")
    one = _one_and_in_workers(monkeypatch, tmp_path, path, False, chunk_bytes=3000)
    assert one[1].count("@misc{") == 26 and one[2].count("item skipped") == 1


def _fixture_items():
    import json as _json

    result = CliRunner().invoke(make_cli(), ["export", str(FIXTURE), "--to", "csljson", "--as-of", "2026-11-27"])
    return _json.loads(result.stdout)


def test_a_minified_csljson_array_is_read_in_pieces_and_in_workers_with_the_same_output(tmp_path, monkeypatch):
    """JSON.stringify's layout, the whole array on one line (web APIs, citation-js): read in
    pieces (memory holds one, not the line), cut between items for the workers; a broken item
    in the middle is reported and the items after it on the same line are still read."""
    import json as _json

    import papercite.files

    items = _fixture_items()
    text = _json.dumps(items, ensure_ascii=False, separators=(",", ":"))
    broken = text.index(',{"id"', len(text) // 2)
    text = text[:broken] + ',{"id":"broken","title":,"x":{"y":1}}' + text[broken:]
    path = tmp_path / "minified.json"
    path.write_text(text)  # no line end at all
    monkeypatch.setattr(papercite.files, "LONG_LINE", 700)  # pieces cut inside strings and characters
    one = _one_and_in_workers(monkeypatch, tmp_path, path, False, chunk_bytes=3000)
    (tmp_path / "piped").mkdir()  # its own log of the processes that read parts
    piped = _one_and_in_workers(monkeypatch, tmp_path / "piped", path, True, chunk_bytes=3000)  # standard input
    assert piped[:2] == one[:2] and piped[2].replace("-:", f"{path}:") == one[2]
    assert one[1].count("@misc{") == 26
    assert one[2].count("item skipped") == 1 and "minified.json:1: error: invalid JSON" in one[2]
    lined = tmp_path / "lined.json"
    lined.write_text(_json.dumps(items, ensure_ascii=False, indent="\t"))
    assert run(["export", "--to", "bibtex", "-j", "1"], lined, False)[1] == one[1]


def test_cuts_inside_a_long_line_fall_between_items_only(tmp_path):
    """A "},{" inside a string or inside an item (a list of names) is not a place to cut."""
    from papercite.files import byte_ranges, range_lines
    from papercite.readers.csljson import cut_item, is_item_start

    tricky = [
        {"id": f"i{i}", "title": 'a "},{" in a title \\ and {braces}' if i % 3 == 0 else f"T{i}",
         "author": [{"family": "A", "given": "B"}, {"family": "C", "given": "D"}]}
        for i in range(300)
    ]
    import json as _json

    data = _json.dumps(tricky, separators=(",", ":")).encode()
    path = tmp_path / "tricky.json"
    path.write_bytes(data)
    parts = list(byte_ranges(str(path), is_item_start, 2000, cut_item))
    assert len(parts) > 5 and all(p.offset == 0 for p in parts)
    for part in parts[1:]:
        assert data[part.start : part.start + 6] == b'{"id":'
    assert "".join(s for p in parts for s in range_lines(p)) == data.decode()


def test_pieces_are_cut_between_characters_and_keep_line_numbers(tmp_path, monkeypatch):
    import papercite.files
    from papercite.files import iter_lines, whole_lines

    monkeypatch.setattr(papercite.files, "LONG_LINE", 5)
    path = tmp_path / "long.txt"
    path.write_bytes("ééééé long line\nshort\n".encode() + b"bad \xff\n")
    pieces = []
    with pytest.raises(papercite.files.InputError) as caught:
        for piece in iter_lines(str(path), pieces=True):
            pieces.append(piece)
    assert max(len(p.encode()) for p in pieces) <= 8  # a piece, plus at most a character carried over
    assert "".join(pieces) == "ééééé long line\nshort\n"
    assert list(whole_lines(iter(pieces))) == ["ééééé long line\n", "short\n"]
    assert caught.value.where.endswith("long.txt:3")  # pieces of line 1 counted as one line


def test_a_long_line_in_a_listing_is_read_whole(tmp_path, monkeypatch):
    """Readers without a cut get whole lines back, however long (an abstract of a megabyte)."""
    import papercite.files

    path = tmp_path / "listing.txt"
    path.write_bytes(FIXTURE.read_bytes())
    normal = run(["export", "--to", "bibtex", "-j", "1"], path, False)
    monkeypatch.setattr(papercite.files, "LONG_LINE", 64)
    assert run(["export", "--to", "bibtex", "-j", "1"], path, False) == normal


def _fixture_bib(tmp_path):
    """The fixture as BibTeX, with damage: an entry that cannot be parsed, one without a title."""
    result = CliRunner().invoke(make_cli(), ["export", str(FIXTURE), "--to", "bibtex", "--as-of", "2026-11-27"])
    entries = result.stdout.split("\n@")
    entries[8] += "\n@article{broken, title = {Unclosed\n"
    entries[15] += "\n@misc{untitled, year = {2024}, note = {no title here}}\n"
    return "\n@".join(entries)


def test_bibtex_is_read_in_workers_with_the_same_output_and_messages(tmp_path, monkeypatch):
    path = tmp_path / "library.bib"
    path.write_text(_fixture_bib(tmp_path))
    one = _one_and_in_workers(monkeypatch, tmp_path, path, False, chunk_bytes=2500)
    assert one[1].count('"id"') == 0 and one[1].count("@misc{") >= 26
    assert "cannot parse this entry" in one[2] or "skipped" in one[2]


@pytest.mark.parametrize(
    ("extra", "why"),
    [
        ('@string{glm = "General Language Model"}\n', "a macro defined between entries"),
        ("@inproceedings{child, title = {A Part}, crossref = {liu2023agentbench}}\n", "crossref"),
        ("@misc{liu2023agentbench, title = {Again}}\n", "a key used twice"),
        ("@misc{, title = {No Key}}\n", "an empty key"),
    ],
)
def test_bibtex_whose_entries_depend_on_each_other_is_read_in_one_process(tmp_path, monkeypatch, extra, why):
    from papercite.readers.bibsplit import entries_together

    path = tmp_path / "library.bib"
    path.write_text(_fixture_bib(tmp_path) + "\n" + extra)
    assert entries_together(str(path)), why
    one = run(["export", "--to", "csljson", "-j", "1"], path)
    monkeypatch.setattr(papercite.pipeline, "CHUNK_BYTES", 2500)
    log = tmp_path / "pids"
    monkeypatch.setattr(papercite.pipeline, "render_chunk", partial(_spy_render_chunk, str(log)))
    assert run(["export", "--to", "csljson", "-j", "2"], path) == one
    assert not log.exists()  # never cut


def test_bibtex_that_is_not_utf8_is_read_in_one_process(tmp_path):
    from papercite.readers.bibsplit import entries_together

    path = tmp_path / "latin1.bib"
    path.write_bytes("@article{a, title = {Caf\u00e9}}\n".encode("latin-1"))
    assert entries_together(str(path))
    path.write_bytes("@article{a, title = {Caf\u00e9}}\n@article{b, title = {Th\u00e9}}\n".encode())
    assert not entries_together(str(path))
    path.write_bytes(b"% only a comment\n@comment{nothing}\n")
    assert entries_together(str(path))  # no entry: read whole, it gets its warning


REAL_BIB = Path(os.environ.get("PAPERCITE_REAL_WORLD") or Path(__file__).resolve().parents[2] / "shared" / "real-world") / "files" / "bib"


def test_real_bibliographies_give_the_same_output_in_workers(tmp_path, monkeypatch):
    """Every real .bib (Zotero, Better BibTeX, JabRef, Mendeley, the databases): -j 2 in small
    chunks gives what -j 1 gives, whether it is cut or read whole."""
    files = sorted(REAL_BIB.glob("*.bib"))
    if not files:
        if os.environ.get("PAPERCITE_REQUIRE_CONSUMERS"):
            pytest.fail(f"{REAL_BIB} is missing (shared/ is laid beside the checkout)")
        pytest.skip(f"{REAL_BIB} is missing (shared/ is laid beside the checkout)")
    ones = {f: run(["export", "--to", "csljson", "-j", "1"], f) for f in files}
    monkeypatch.setattr(papercite.pipeline, "CHUNK_BYTES", 4000)
    log = tmp_path / "pids"
    monkeypatch.setattr(papercite.pipeline, "render_chunk", partial(_spy_render_chunk, str(log)))
    for f in files:
        assert run(["export", "--to", "csljson", "-j", "2"], f) == ones[f], f.name
    assert log.exists()  # some were cut


def test_bibtex_macros_at_the_top_are_handed_to_every_chunk(tmp_path, monkeypatch):
    """DBLP's and JabRef's layout: @string definitions first; every chunk reads them first,
    so an entry far down resolves its macro in a worker as in one process."""
    from papercite.readers.bibsplit import entries_together

    path = tmp_path / "library.bib"
    macros = '@string{neurips = "Advances in Neural Information Processing Systems"}\n@string{ai = "AI"}\n\n'
    body = _fixture_bib(tmp_path).replace("howpublished = {arXiv preprint}", "booktitle = neurips # { } # ai")
    path.write_text(macros + body)
    assert entries_together(str(path)) == macros
    one = _one_and_in_workers(monkeypatch, tmp_path, path, False, chunk_bytes=2500)
    assert one[1].count("Advances in Neural Information Processing Systems AI") >= 26


def test_every_csljson_layout_gives_the_same_bibtex_for_any_jobs(tmp_path, monkeypatch):
    """Issue 20: papercite's, JSON.stringify's, Zotero's and pandoc's layouts of one library give
    byte-identical BibTeX and messages with -j 1, 2 and 3, cut into many small parts."""
    import json as _json

    import papercite.files

    items = _fixture_items()
    texts = {
        "line": "[\n" + ",\n".join(_json.dumps(i, ensure_ascii=False) for i in items) + "\n]\n",
        "minified": _json.dumps(items, ensure_ascii=False, separators=(",", ":")),
        "tab": _json.dumps(items, ensure_ascii=False, indent="\t") + "\n",
        "two": _json.dumps(items, ensure_ascii=False, indent=2) + "\n",
    }
    monkeypatch.setattr(papercite.pipeline, "CHUNK_BYTES", 1500)
    monkeypatch.setattr(papercite.files, "LONG_LINE", 900)
    outputs = set()
    for name, text in texts.items():
        path = tmp_path / f"{name}.json"
        path.write_text(text)
        for jobs in ("1", "2", "3"):
            code, out, err = run(["export", "--to", "bibtex", "-j", jobs], path)
            assert code == 0
            outputs.add((out, err.replace(str(path), "FILE")))
    assert len(outputs) == 1


def test_a_latin1_bib_ending_without_a_line_end_is_read_whole(tmp_path):
    """A last line cut short by a Latin-1 letter (a UTF-8 lead byte at the very end) is read in
    the encoding found, not split as if it were a piece of a long line."""
    import json as _json

    path = tmp_path / "latin1.bib"
    text = "@article{a, title = {Caf\u00e9}}\n@misc{b, title = {Th\u00e9}, note = {Caf\u00e9}}"
    path.write_bytes(text.encode("latin-1"))
    code, out, err = run(["export", "--to", "csljson", "-j", "1"], path)
    assert code == 0 and "not UTF-8" in err
    items = _json.loads(out)
    assert [i["title"] for i in items] == ["Café", "Thé"] and items[1]["note"] == "Café"
    from papercite.files import iter_lines

    path.write_bytes(("@misc{c, title = {T}}\n% Caf\u00e9").encode("latin-1"))
    assert list(iter_lines(str(path))) == ["@misc{c, title = {T}}\n", "% Café"]
