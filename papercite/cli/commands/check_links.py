"""``papercite check-links``: the GitHub and Hugging Face links of every record, and a report."""

from __future__ import annotations

import re
from collections.abc import Sequence

import click

from papercite.cli.app import App, say, writing
from papercite.cli.options import (
    NetRequest,
    ReadRequest,
    names,
    network_options,
    reader_options,
    statuses,
    without_clashes,
)
from papercite.links.reports import FORMATS, Policy, summary
from papercite.model import LinkStatus
from papercite.plugins.manager import PluginError
from papercite.plugins.types import Setting
from papercite.session import Session, Stop


def _report_target(value: str) -> tuple[str, str]:
    fmt, sep, path = value.partition(":")
    if not sep or fmt not in FORMATS or not path:
        raise click.BadParameter(
            f"{value!r} is not FORMAT:FILE with FORMAT one of {', '.join(FORMATS)}", param_hint="--report"
        )
    return fmt, path


def _patterns(excludes: tuple[str, ...]) -> list[re.Pattern[str]]:
    patterns = []
    for text in excludes:
        try:
            patterns.append(re.compile(text))
        except re.error as exc:
            raise click.BadParameter(f"{text!r} is not a regular expression ({exc})", param_hint="--exclude") from None
    return patterns


def command(settings: Sequence[Setting]) -> click.Command:
    """``settings``: those of the installed link checkers, offered as options."""

    @click.command("check-links")
    @reader_options
    @click.option(
        "-f",
        "--format",
        "report_format",
        type=click.Choice(list(FORMATS)),
        default="text",
        show_default=True,
        help="text: problems and a summary; json: every link; markdown: a table; junit: one testcase per link; "
        "github: workflow annotations on the record's line.",
    )
    @click.option("-o", "--output", default="-", metavar="FILE", help="Write here instead of standard output.")
    @click.option(
        "--fail-on",
        default="broken",
        show_default=True,
        metavar="STATUS[,STATUS...]",
        callback=statuses,
        help="Exit 1 when a link has one of these statuses: ok, moved, archived, gated, broken, error, unchecked.",
    )
    @click.option(
        "--accept",
        default="",
        metavar="STATUS[,STATUS...]",
        callback=statuses,
        help="Count these statuses as fine: not reported as problems, never failing (e.g. gated,archived).",
    )
    @click.option(
        "--exclude",
        "excludes",
        multiple=True,
        metavar="REGEX",
        help="Do not check links whose URL matches this regular expression (repeatable).",
    )
    @click.option(
        "--report",
        "reports",
        multiple=True,
        metavar="FORMAT:FILE",
        help="Also write the results in FORMAT to FILE (repeatable), e.g. markdown:summary.md.",
    )
    @click.option(
        "--skip-if-offline",
        is_flag=True,
        help="When no service can be reached (no network), say so and exit 0 instead of reporting errors.",
    )
    @click.option(
        "--checker",
        "checker_names",
        multiple=True,
        metavar="NAME[,NAME...]",
        help="Use only these link checkers (default: every installed one; built in: github, hf).",
    )
    @network_options(settings)
    @click.pass_obj
    def check_links(
        app: App,
        read: ReadRequest,
        report_format: str,
        output: str,
        fail_on: frozenset[LinkStatus],
        accept: frozenset[LinkStatus],
        excludes: tuple[str, ...],
        reports: tuple[str, ...],
        skip_if_offline: bool,
        checker_names: tuple[str, ...],
        net: NetRequest,
    ) -> None:
        """Check the GitHub and Hugging Face links of every record.

        INPUT is any file papercite reads (listing, .bib, CSL-JSON, RIS). Each
        distinct link is checked once through the services' APIs, answers are
        cached between runs, and each link gets a status: ok, moved, archived,
        gated, broken, error (could not tell, e.g. a rate limit; a warning unless
        --fail-on lists it) or unchecked (--offline).

        \b
        Exit codes: 0 no link has a --fail-on status; 1 one has (or --strict and
        a record had a problem); 2 unusable input or options.

        \b
        Examples:
          papercite check-links papers.txt
          papercite check-links refs.bib --format github --fail-on broken,moved
          GITHUB_TOKEN=... papercite check-links papers.txt --format json -o links.json
        """
        wanted = names(checker_names)
        for name in wanted:
            try:
                if app.registry.enricher(name).checker is None:
                    raise click.BadParameter(f"{name!r} is an enricher but not a link checker", param_hint="--checker")
            except PluginError as exc:
                raise click.UsageError(str(exc)) from None
        patterns = _patterns(excludes)
        extra = [_report_target(value) for value in reports]

        def body(session: Session) -> None:
            chosen = session.checker_names(wanted)
            if skip_if_offline and not net.http.offline:
                unreachable = session.unreachable(chosen)
                if unreachable:
                    raise Stop(f"no network ({unreachable}): link check skipped", 0)
            records = session.read(read.inputs, fmt=read.fmt, as_of=read.as_of)
            results, excluded = session.check_links(records, chosen, patterns)
            policy = Policy(fail_on, accept)
            for fmt, path in [(report_format, output), *extra]:
                with writing(path) as out:
                    FORMATS[fmt](results, out, policy)
            more = f", {excluded} excluded" if excluded else ""
            say(f"papercite: {summary(results)}{more}")
            failing = [r for r in results if policy.fails(r.report.status)]
            if failing:
                shown = ", ".join(sorted(s.value for s in fail_on - accept))
                session.fail(f"{len(failing)} link(s) with a status in --fail-on ({shown})")

        app.run(body, strict=read.strict, net=net)

    return without_clashes(check_links)
