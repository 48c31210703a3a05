"""Run the real consumers of papercite's outputs and collect what they complain about.

A consumer missing on this machine skips the test with its reason, except in
CI (``CI=true`` or ``PAPERCITE_REQUIRE_CONSUMERS=1``), where it fails: CI
must never pass by skipping.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

STRICT = os.environ.get("CI", "").lower() == "true" or os.environ.get("PAPERCITE_REQUIRE_CONSUMERS") == "1"


def require(tool: str) -> str:
    path = shutil.which(tool)
    if path is None:
        message = f"{tool} is not installed (Debian: texlive-binaries, texlive-latex-base, biber, pandoc)"
        if STRICT:
            pytest.fail(f"{message}; consumers are required in CI")
        pytest.skip(message)
    return path


def _run(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, cwd=cwd, capture_output=True, text=True, errors="replace", timeout=120, check=False)


def bibtex_and_pdflatex(bib: Path, style: str = "plain") -> list[str]:
    """Compile a document citing every entry of ``bib``; return bibtex's and LaTeX's warnings and errors."""
    require("bibtex")
    require("pdflatex")
    work = bib.parent
    (work / "doc.tex").write_text(
        "\\documentclass{article}\n\\begin{document}\n\\nocite{*}\n"
        f"\\bibliographystyle{{{style}}}\n\\bibliography{{{bib.stem}}}\n\\end{{document}}\n"
    )
    problems: list[str] = []
    latex = ["pdflatex", "-interaction=nonstopmode", "-halt-on-error", "-no-shell-escape", "doc.tex"]
    first = _run(latex, work)
    if first.returncode != 0:
        return [f"pdflatex failed: {first.stdout[-2000:]}"]
    bib_run = _run(["bibtex", "doc"], work)
    problems += [line for line in bib_run.stdout.splitlines() if re.search(r"warning|error|I was expecting|I'm skipping", line, re.I)]
    if bib_run.returncode != 0:
        problems.append(f"bibtex exited {bib_run.returncode}: {bib_run.stdout[-2000:]}")
    for _ in range(2):
        final = _run(latex, work)
    if final.returncode != 0:
        problems.append(f"pdflatex failed: {final.stdout[-2000:]}")
    log = (work / "doc.log").read_text(errors="replace")
    problems += [
        line
        for line in log.splitlines()
        if re.search(r"Warning|^! |Missing character|Undefined control sequence", line)
    ]
    return problems


def biber_validate(bib: Path) -> list[str]:
    """``biber --tool --validate-datamodel``: every WARN and ERROR line."""
    require("biber")
    result = _run(["biber", "--tool", "--validate-datamodel", "--output-file", str(bib.with_suffix(".out.bib")), str(bib)], bib.parent)
    problems = [line for line in (result.stdout + result.stderr).splitlines() if re.match(r"(WARN|ERROR)", line)]
    if result.returncode != 0:
        problems.append(f"biber exited {result.returncode}")
    return problems


def pandoc3() -> str:
    """The pandoc 3 of the pypandoc-binary wheel (Debian's pandoc 2.17 cannot read RIS)."""
    try:
        import pypandoc

        return pypandoc.get_pandoc_path()
    except (ImportError, OSError) as exc:
        message = f"pypandoc-binary is not installed ({exc})"
        if STRICT:
            pytest.fail(f"{message}; consumers are required in CI")
        pytest.skip(message)


def pandoc_csl(bib: Path, reader: str, pandoc: str = "pandoc") -> list[dict]:
    """Read a file with pandoc (``-f bibtex``, ``biblatex``, ``csljson``, ``ris``) into CSL-JSON items."""
    import json

    if pandoc == "pandoc":
        require("pandoc")
    result = _run([pandoc, "-f", reader, "-t", "csljson", str(bib)], bib.parent)
    assert result.returncode == 0, result.stderr
    assert not result.stderr.strip(), result.stderr
    return json.loads(result.stdout)
