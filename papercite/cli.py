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
from typing import Any, TextIO

import click

from papercite import __version__
from papercite.diagnostics import Diagnostic, Diagnostics
from papercite.files import atomic_output, iter_lines
from papercite.pipeline import read_records
from papercite.plugins.manager import PluginError, Registry, get_plugin_manager
from papercite.plugins.types import ExportContext

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


def reader_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """The options of every command that reads inputs (``parse``, ``export``, ``check-links``)."""
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
    ]
    for decorator in reversed(decorators):
        command = decorator(command)
    return command


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
          papercite plugins
        """
        ctx.obj = App(pm_factory, verbose)

    @cli.command()
    @reader_options
    @click.option("-o", "--output", default="-", metavar="FILE", help="Write here instead of standard output.")
    @click.pass_obj
    def parse(
        app: App, inputs: tuple[str, ...], fmt: str | None, as_of: _dt.date | None, strict: bool, output: str
    ) -> None:
        """Read inputs and print one JSON object per record (JSON Lines).

        INPUT is a file, or - for standard input. Each line of the output has
        exactly the keys title, authors, et_al, affiliations, category, date,
        has_code, abstract, abstract_text, urls and source (see the README).
        Problems are reported on standard error as FILE:LINE: message, and
        the other records are still written.
        """
        _run_export(app, inputs, fmt, as_of, strict, output, "jsonl")

    @cli.command()
    @click.pass_obj
    def plugins(app: App) -> None:
        """List installed plugins, built-in and external, with their hooks, as JSON."""
        click.echo(json.dumps(app.registry.describe(), indent=2))

    return cli


def _run_export(
    app: App, inputs: tuple[str, ...], fmt: str | None, as_of: _dt.date | None, strict: bool, output: str, to: str
) -> None:
    try:
        exporter = app.registry.exporter(to)
        if fmt:
            app.registry.reader(fmt)
    except PluginError as exc:
        raise click.UsageError(str(exc)) from None
    stdin = sys.stdin.buffer
    records = read_records(
        inputs,
        lambda path: iter_lines(path, stdin),
        app.registry,
        app.diagnostics,
        as_of=as_of or _dt.date.today(),
        fmt=fmt,
    )
    try:
        with output_stream(output) as out:
            exporter.write(records, out, ExportContext(app.diagnostics))
    except BrokenPipeError:
        raise
    except OSError as exc:
        click.echo(f"papercite: error: {output}: {exc.strerror or exc}", err=True)
        sys.exit(EXIT_INPUT)
    except Exception as exc:
        # A plugin's reader or exporter failed: one line, unless asked for more.
        if app.verbose:
            raise
        click.echo(f"papercite: error: {type(exc).__name__}: {exc} (use --verbose for the traceback)", err=True)
        sys.exit(EXIT_STRICT)
    app.finish(strict)


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
