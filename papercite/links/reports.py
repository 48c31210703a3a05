"""What ``papercite check-links`` writes: one row per checked link, in five formats.

``text`` (problems and a summary, for people), ``json`` (every link),
``markdown`` (a table a bot can post), ``junit`` (one testcase per link) and
``github`` (workflow annotations on the record's file and line).
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, TextIO

from papercite.model import LinkReport, LinkStatus, Paper, Source
from papercite.text.safetext import one_line, without_controls

DEFAULT_FAIL_ON = frozenset({LinkStatus.BROKEN})


@dataclass(frozen=True)
class Policy:
    """Which statuses fail the run (``--fail-on``) and which count as fine (``--accept``)."""

    fail_on: frozenset[LinkStatus] = DEFAULT_FAIL_ON
    accept: frozenset[LinkStatus] = frozenset()

    def fails(self, status: LinkStatus) -> bool:
        return status in self.fail_on and status not in self.accept

    def is_problem(self, status: LinkStatus) -> bool:
        return status is not LinkStatus.OK and status not in self.accept


def report_json(report: LinkReport) -> dict[str, Any]:
    """A link report as JSON: ``url``, ``kind``, ``status``, ``http_status``, ``target``, ``detail``."""
    return {
        "url": report.url,
        "kind": report.kind,
        "status": report.status.value,
        "http_status": report.http_status,
        "target": report.target,
        "detail": report.detail,
    }


@dataclass(frozen=True)
class LinkResult:
    """One checked link of one record."""

    paper: str
    source: Source | None
    report: LinkReport

    def as_json(self) -> dict[str, Any]:
        source = {"file": self.source.file, "line": self.source.line} if self.source else None
        return {"paper": self.paper, **report_json(self.report), "source": source}

    @property
    def where(self) -> str:
        return str(self.source) if self.source else "-"


def link_results(records: Iterable[Paper]) -> Iterator[LinkResult]:
    for paper in records:
        for report in paper.link_reports:
            yield LinkResult(paper.title_text, paper.source, report)


def summary(results: Sequence[LinkResult]) -> str:
    """``26 links: 20 ok, 3 moved, 1 broken`` (statuses in a fixed order)."""
    counts = Counter(r.report.status for r in results)
    parts = [f"{counts[s]} {s.value}" for s in LinkStatus if counts[s]]
    n = len(results)
    return f"{n} link{'s' if n != 1 else ''}" + (f": {', '.join(parts)}" if parts else "")


def _problems(results: Sequence[LinkResult], policy: Policy) -> list[LinkResult]:
    return [r for r in results if policy.is_problem(r.report.status)]


def _describe(report: LinkReport) -> str:
    text = report.url
    if report.target:
        text += f" -> {report.target}"
    return text + (f" ({report.detail})" if report.detail else "")


def write_text(results: Sequence[LinkResult], out: TextIO, policy: Policy) -> None:
    for r in _problems(results, policy):
        out.write(one_line(f"{r.where}: {r.report.status.value}: {_describe(r.report)}") + "\n")
    out.write(summary(results) + "\n")


def write_json(results: Sequence[LinkResult], out: TextIO, policy: Policy) -> None:
    json.dump([r.as_json() for r in results], out, ensure_ascii=False, indent=2)
    out.write("\n")


def _cell(text: str) -> str:
    """A table cell as a code span: nothing in a title, URL or detail becomes a link, an
    image, emphasis or HTML in the step summary; only ``|`` needs escaping there."""
    text = one_line(text).strip().replace("|", "\\|")
    if not text:
        return " "
    fence = "`" * (max((len(run) for run in re.findall("`+", text)), default=0) + 1)
    return f"{fence} {text} {fence}" if text[0] == "`" or text[-1] == "`" else f"{fence}{text}{fence}"


def write_markdown(results: Sequence[LinkResult], out: TextIO, policy: Policy) -> None:
    problems = _problems(results, policy)
    out.write(f"### papercite check-links: {summary(results)}\n\n")
    if not problems:
        out.write("All links are healthy.\n")
        return
    out.write("| Status | Link | Paper | Where | Detail |\n|---|---|---|---|---|\n")
    for r in problems:
        link = r.report.url + (f" → {r.report.target}" if r.report.target else "")
        status = f"**{r.report.status.value}**" if policy.fails(r.report.status) else r.report.status.value
        cells = [_cell(c) for c in (link, r.paper, r.where, r.report.detail)]
        out.write("| " + " | ".join([status, *cells]) + " |\n")


_XML_BAD = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _xml(text: str) -> str:
    return _XML_BAD.sub("", text)


def write_junit(results: Sequence[LinkResult], out: TextIO, policy: Policy) -> None:
    failures = sum(policy.fails(r.report.status) for r in results)
    skipped = sum(r.report.status is LinkStatus.UNCHECKED and not policy.fails(r.report.status) for r in results)
    counts: dict[str, Any] = {
        "tests": str(len(results)),
        "failures": str(failures),
        "errors": "0",
        "skipped": str(skipped),
    }
    suites = ET.Element("testsuites", name="papercite check-links", **counts)
    suite = ET.SubElement(suites, "testsuite", name="papercite check-links", **counts)
    for r in results:
        attrs: dict[str, Any] = {"classname": _xml(r.source.file if r.source else "-"), "name": _xml(r.report.url)}
        if r.source:
            attrs.update(file=_xml(r.source.file), line=str(r.source.line))
        case = ET.SubElement(suite, "testcase", **attrs)
        text = _xml(f"{r.paper}\n{r.where}: {r.report.status.value}: {_describe(r.report)}")
        if policy.fails(r.report.status):
            ET.SubElement(case, "failure", type=r.report.status.value, message=_xml(r.report.detail)).text = text
        elif r.report.status is LinkStatus.UNCHECKED:
            ET.SubElement(case, "skipped", message=_xml(r.report.detail))
        elif policy.is_problem(r.report.status):
            ET.SubElement(case, "system-out").text = text
    ET.indent(suites)
    out.write('<?xml version="1.0" encoding="UTF-8"?>\n')
    out.write(ET.tostring(suites, encoding="unicode"))
    out.write("\n")


def _escape_data(text: str) -> str:
    """GitHub workflow-command escaping of the message (other control characters dropped)."""
    text = without_controls(text.replace("\t", " ").replace("\u2028", " ").replace("\u2029", " ").replace("\r", "\n"))
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def write_github(results: Sequence[LinkResult], out: TextIO, policy: Policy) -> None:
    """``::error`` for statuses that fail the run, ``::warning`` for the other problems."""
    for r in _problems(results, policy):
        level = "error" if policy.fails(r.report.status) else "warning"
        props = [f"title={_escape_property(f'link {r.report.status.value}')}"]
        if r.source and r.source.file != "-":  # standard input has no file to mark
            props[:0] = [f"file={_escape_property(r.source.file)}", f"line={r.source.line}"]
        message = f"{r.report.status.value}: {_describe(r.report)} — {r.paper}"
        out.write(f"::{level} {','.join(props)}::{_escape_data(message)}\n")
    out.write(summary(results) + "\n")


FORMATS: dict[str, Callable[[Sequence[LinkResult], TextIO, Policy], None]] = {
    "text": write_text,
    "json": write_json,
    "markdown": write_markdown,
    "junit": write_junit,
    "github": write_github,
}
