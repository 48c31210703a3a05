"""``papercite parse`` end to end: output contract, bad input, exit codes."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from click.testing import CliRunner

from papercite.cli import make_cli
from papercite.files import atomic_output

ROOT = Path(__file__).parents[2]
FIXTURE = ROOT / "fixtures" / "glm-listing.txt"
KEYS = ["title", "authors", "et_al", "affiliations", "category", "date", "has_code", "abstract",
        "abstract_text", "urls", "source"]

GOOD = (
    "CLMar 18, 2021\n"
    "GPT Understands, TooXiao Liu, Yanan Zheng, Zhengxiao Du et al.\n"
    "Prompting a pretrained language model.\n"
)
GOOD2 = (
    "LGNov 19, 2019\n"
    "Policy-Gradient Training of Fair and Unbiased Ranking FunctionsHimank Yadav, Zhengxiao Du, Thorsten Joachims\n"
    "While implicit feedback is abundant.\n"
)


def run(args, input=None):
    runner = CliRunner()
    result = runner.invoke(make_cli(), args, input=input, catch_exceptions=False)
    records = [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]
    return result, records


def write(tmp_path, text, name="in.txt", encoding="utf-8"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding) if isinstance(text, str) else text)
    return str(path)


def test_fixture_contract():
    result, records = run(["parse", str(FIXTURE), "--as-of", "2026-11-27"])
    assert result.exit_code == 0
    assert len(records) == 26
    for record in records:
        assert list(record) == KEYS
        assert set(record["source"]) == {"file", "line"}
        for author in record["authors"]:
            assert set(author) in ({"given", "family"}, {"literal"})
    first = records[0]
    assert first["date"] == "2023-08-07" and first["category"] == "cs.AI" and first["has_code"] is True
    assert first["source"] == {"file": str(FIXTURE), "line": 1}
    assert {"literal": "GLM-5 Team"} in records[5]["authors"]
    assert "26 records read, 0 skipped, 0 warnings" in result.stderr


def test_stdin_and_crlf_bom_blank_lines_trailing_spaces():
    text = "\ufeff" + (GOOD.replace("\n", "  \r\n") + "\r\n\r\n" + GOOD2).replace("\n", "\r\n")
    result, records = run(["parse", "-", "--as-of", "2026-11-27"], input=text.encode("utf-8"))
    assert result.exit_code == 0, result.stderr
    assert [r["title"] for r in records] == ["GPT Understands, Too",
                                             "Policy-Gradient Training of Fair and Unbiased Ranking Functions"]
    assert records[0]["source"] == {"file": "-", "line": 1}
    assert records[1]["source"]["line"] == 6
    assert records[0]["abstract"] == "Prompting a pretrained language model."


def test_a_byline_without_authors_is_a_record_with_a_warning(tmp_path):
    path = write(tmp_path, GOOD + "CLMar 1, 2024\nno author list here at all\nAbstract.\n" + GOOD2)
    result, records = run(["parse", path, "--as-of", "2026-11-27"])
    assert result.exit_code == 0
    assert [r["title"] for r in records][1] == "no author list here at all"
    assert records[1]["authors"] == []
    assert f"{path}:5: warning: no author found after the title" in result.stderr
    assert "3 records read, 0 skipped, 1 warning" in result.stderr
    assert run(["parse", path, "--as-of", "2026-11-27", "--strict"])[0].exit_code == 1


@pytest.mark.parametrize(
    ("bad", "line", "message"),
    [
        ("this is not a header\n", 4, "expected a header line"),
        ("CLFeb 30, 2024\nSome TitleJane Doe\nAbstract.\n", 4, "bad header: not a valid date: 'Feb 30, 2024'"),
        ("CLMar 1, 2024\n", 4, "record has no byline"),
    ],
)
def test_bad_record_is_reported_and_the_rest_is_read(tmp_path, bad, line, message):
    path = write(tmp_path, GOOD + bad + GOOD2)
    result, records = run(["parse", path, "--as-of", "2026-11-27"])
    assert result.exit_code == 0
    assert [r["title"] for r in records] == ["GPT Understands, Too",
                                             "Policy-Gradient Training of Fair and Unbiased Ranking Functions"]
    assert f"{path}:{line}: error: {message}" in result.stderr
    assert "2 records read, 1 skipped" in result.stderr
    strict, _ = run(["parse", path, "--as-of", "2026-11-27", "--strict"])
    assert strict.exit_code == 1


def test_missing_abstract_keeps_the_record_with_a_warning(tmp_path):
    path = write(tmp_path, "CLMar 1, 2024\nA Paper TitleJane Doe\n" + GOOD)
    result, records = run(["parse", path, "--as-of", "2026-11-27"])
    assert result.exit_code == 0
    assert next((r["title"], r["abstract"]) for r in records) == ("A Paper Title", "")
    assert len(records) == 2
    assert f"{path}:2: warning: record has no abstract line" in result.stderr


def test_missing_abstract_at_end_of_file(tmp_path):
    path = write(tmp_path, GOOD + "CLMar 1, 2024\nA Paper TitleJane Doe")
    _result, records = run(["parse", path, "--as-of", "2026-11-27"])
    assert len(records) == 2 and records[1]["abstract"] == ""


def test_ambiguous_split_is_a_warning_naming_the_line(tmp_path):
    path = write(tmp_path, GOOD + "CLMar 1, 2024\nTowards AGIGLM Team\nAbstract.\n")
    result, records = run(["parse", path, "--as-of", "2026-11-27"])
    assert result.exit_code == 0 and len(records) == 2
    assert f"{path}:5: warning: ambiguous title/author split" in result.stderr
    strict, _ = run(["parse", path, "--as-of", "2026-11-27", "--strict"])
    assert strict.exit_code == 1


def test_unknown_subject_code_is_kept_out_of_category(tmp_path):
    path = write(tmp_path, "XQMar 1, 2024\nA Paper TitleJane Doe\nAbstract.\n")
    result, records = run(["parse", path, "--as-of", "2026-11-27"])
    assert records[0]["category"] is None
    assert "unknown subject code 'XQ'" in result.stderr


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda tmp: str(tmp / "missing.txt"), "no such file"),
        (lambda tmp: str(tmp), "is a directory"),
        (lambda tmp: write(tmp, b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "x.png"), "binary data"),
        (lambda tmp: write(tmp, GOOD + "CLMar 1, 2024\nCaf\xe9 TitleJane Doe\n", "latin1.txt", "latin-1"),
         "not UTF-8 text (byte 0xe9 at column 4)"),
    ],
)
def test_unreadable_input_is_one_line_and_exit_2_and_other_inputs_still_come_out(tmp_path, make, message):
    bad = make(tmp_path)
    good = write(tmp_path, GOOD2, "good.txt")
    result, records = run(["parse", bad, good, "--as-of", "2026-11-27"])
    assert result.exit_code == 2
    errors = [line for line in result.stderr.splitlines() if "error" in line]
    assert len(errors) == 1 and message in errors[0]
    assert "Traceback" not in result.stderr
    assert records[-1]["title"] == "Policy-Gradient Training of Fair and Unbiased Ranking Functions"


def test_non_utf8_error_names_the_line(tmp_path):
    path = write(tmp_path, GOOD + "CLMar 1, 2024\nCaf\xe9 TitleJane Doe\n", "latin1.txt", "latin-1")
    result, records = run(["parse", path, "--as-of", "2026-11-27"])
    assert f"{path}:5: error: not UTF-8" in result.stderr
    assert len(records) == 1  # the record before the bad bytes is kept


@pytest.mark.parametrize("text", ["", "\n\n  \n"])
def test_empty_input_warns_and_exits_0(tmp_path, text):
    path = write(tmp_path, text)
    result, records = run(["parse", path])
    assert result.exit_code == 0 and records == []
    assert f"{path}: warning: empty input" in result.stderr


def test_output_file_is_written(tmp_path):
    out = tmp_path / "records.jsonl"
    result, _ = run(["parse", str(FIXTURE), "-o", str(out), "--as-of", "2026-11-27"])
    assert result.exit_code == 0 and result.stdout == ""
    assert len(out.read_text(encoding="utf-8").splitlines()) == 26


def test_atomic_output_leaves_the_old_file_on_failure(tmp_path):
    target = tmp_path / "refs.jsonl"
    target.write_text("precious\n")
    with pytest.raises(RuntimeError), atomic_output(str(target)) as out:
        out.write("half")
        raise RuntimeError("disk on fire")
    assert target.read_text() == "precious\n"
    assert os.listdir(tmp_path) == ["refs.jsonl"]  # no temporary file left behind


def test_output_to_a_named_pipe_is_written_into_it(tmp_path):
    # -o /dev/null and -o /dev/stdout are the everyday cases: renaming a file over them would
    # replace the device with a file (this once turned a machine's /dev/null into a file).
    fifo = tmp_path / "out.pipe"
    os.mkfifo(fifo)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()))
    reader.start()
    result, _ = run(["parse", str(FIXTURE), "-o", str(fifo), "--as-of", "2026-11-27"])
    reader.join(10)
    assert result.exit_code == 0
    assert len(received[0].decode().splitlines()) == 26
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode) and os.listdir(tmp_path) == ["out.pipe"]


def test_output_through_a_symbolic_link_keeps_the_link(tmp_path):
    target = tmp_path / "real.jsonl"
    target.write_text("old\n")
    link = tmp_path / "refs.jsonl"
    link.symlink_to(target.name)
    result, _ = run(["parse", str(FIXTURE), "-o", str(link), "--as-of", "2026-11-27"])
    assert result.exit_code == 0
    assert link.is_symlink() and len(target.read_text().splitlines()) == 26


def test_bad_options():
    result, _ = run(["parse", str(FIXTURE), "--as-of", "27/11/2026"])
    assert result.exit_code == 2 and "not a date in the form YYYY-MM-DD" in result.stderr
    result, _ = run(["parse", str(FIXTURE), "--from", "nonesuch"])
    assert result.exit_code == 2 and "no reader named 'nonesuch'" in result.stderr


def test_help_and_version():
    result, _ = run(["--help"])
    assert result.exit_code == 0 and "parse" in result.stdout and "plugins" in result.stdout
    for command in ("parse", "plugins"):
        result, _ = run([command, "--help"])
        assert result.exit_code == 0 and "Usage:" in result.stdout
    result, _ = run(["--version"])
    assert result.stdout.startswith("papercite, version ")


@pytest.mark.parametrize("command", [["papercite"], [sys.executable, "-m", "papercite"]])
def test_installed_commands(command, tmp_path):
    garbage = write(tmp_path, os.urandom(3000).replace(b"\0", b"x"), "garbage.txt")
    proc = subprocess.run(
        [*command, "parse", str(FIXTURE), garbage, "--as-of", "2026-11-27"],
        capture_output=True, text=True, check=False,
    )
    assert len(proc.stdout.splitlines()) == 26
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
