"""The example third-party plugin (examples/papercite-cff), installed as a user would:
papercite finds it through its entry point, lists it, and exports with it.

.ci/run installs it before the tests (so these must pass there) and uninstalls
it afterwards to check that the rest keeps working without it."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
import yaml

from consumers import STRICT

ROOT = Path(__file__).parent.parent
SCHEMA = json.loads((ROOT / "fixtures" / "schemas" / "cff-1.2.0.json").read_text())

if importlib.util.find_spec("papercite_cff") is None:
    message = "the example plugin is not installed (pip install ./examples/papercite-cff)"
    if STRICT:
        pytest.fail(f"{message}; CI installs it", pytrace=False)
    pytest.skip(message, allow_module_level=True)


def papercite(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "papercite", *args], capture_output=True, text=True, check=False)


def test_plugins_lists_it() -> None:
    plugins = json.loads(papercite("plugins").stdout)
    entry = next(p for p in plugins if p["name"] == "cff")
    assert entry["builtin"] is False and entry["version"] == "0.1.0"
    assert entry["exporters"] == ["cff"] and "errors" not in entry


def test_export_to_cff(tmp_path: Path) -> None:
    out = tmp_path / "CITATION.cff"
    result = papercite("export", str(ROOT / "fixtures" / "glm-listing.txt"), "--to", "cff", "-o", str(out),
                       "--as-of", "2026-11-27")
    assert result.returncode == 0, result.stderr
    doc = yaml.safe_load(out.read_text())
    jsonschema.validate(doc, SCHEMA)
    assert len(doc["references"]) == 26
    one = tmp_path / "one.cff"
    bib = tmp_path / "one.bib"
    bib.write_text("@misc{x, title = {One Paper}, author = {Doe, Jane}, year = 2024, eprint = {2401.00001}, "
                   "archivePrefix = {arXiv}, note = {Code: https://github.com/a/b}}\n")
    assert papercite("export", str(bib), "--to", "cff", "-o", str(one)).returncode == 0
    single = yaml.safe_load(one.read_text())
    jsonschema.validate(single, SCHEMA)
    assert single["repository-code"] == "https://github.com/a/b"
    assert single["preferred-citation"]["doi"] == "10.48550/arXiv.2401.00001"
