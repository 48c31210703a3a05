"""What every command shares: the invocation's state, messages on standard error, output
streams, and the one place a command ends (:meth:`App.run`)."""

from __future__ import annotations

import contextlib
import io
import sys
from collections.abc import Callable, Iterator
from typing import Any, TextIO

import click

from papercite.diagnostics import Diagnostic, Diagnostics
from papercite.files import atomic_output
from papercite.plugins.manager import PluginError, Registry
from papercite.plugins.settings import SettingError
from papercite.plugins.types import Progress
from papercite.session import EXIT_FAILED, EXIT_INPUT, EXIT_OK, Session, Stop
from papercite.text.safetext import one_line

from .options import NetRequest

__all__ = ["EXIT_FAILED", "EXIT_INPUT", "EXIT_OK", "App", "output_stream", "progress_bar", "say"]


def say(line: str) -> None:
    """A message on standard error, on one line whatever the file names and answers in it hold."""
    click.echo(one_line(line), err=True)


@contextlib.contextmanager
def progress_bar() -> Iterator[Progress]:
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


@contextlib.contextmanager
def output_stream(path: str) -> Iterator[TextIO]:
    """``-`` is standard output; a file is written atomically."""
    if path != "-":
        with atomic_output(path) as out:
            yield out
        return
    out = io.TextIOWrapper(sys.stdout.buffer, encoding="utf-8", newline="\n", write_through=False)
    try:
        yield out
        out.flush()
    finally:
        out.detach()


@contextlib.contextmanager
def writing(path: str) -> Iterator[TextIO]:
    """:func:`output_stream`, an I/O error being a :class:`Stop` that names the file."""
    try:
        with output_stream(path) as out:
            yield out
    except BrokenPipeError:
        raise
    except OSError as exc:
        raise Stop(f"{path}: {exc.strerror or exc}") from None


class App:
    """Per-invocation state: the registry (its plugins' problems said on first use) and the
    diagnostics, printed as they come."""

    def __init__(self, registry: Registry, verbose: bool = False) -> None:
        self._registry = registry
        self._said = False
        self.verbose = verbose
        self.diagnostics = Diagnostics(emit=self._emit)

    @property
    def registry(self) -> Registry:
        if not self._said:
            self._said = True
            for problem in self._registry.problems:
                say(f"papercite: warning: plugin {problem.plugin!r} {problem.message}")
        return self._registry

    @staticmethod
    def _emit(diagnostic: Diagnostic) -> None:
        click.echo(str(diagnostic), err=True)

    def session(self, net: NetRequest | None = None) -> Session:
        return Session(
            self.registry,
            self.diagnostics,
            given=net.given if net else None,
            http_settings=net.http if net else None,
            progress=progress_bar if sys.stderr.isatty() else None,
            note=lambda line: say(f"papercite: {line}"),
            stdin=sys.stdin.buffer,
            verbose=self.verbose,
        )

    def run(self, body: Callable[[Session], Any], *, strict: bool, net: NetRequest | None = None) -> None:
        """Run a command's ``body`` in a session, print the counts and end with the session's exit code."""
        with self.session(net) as session:
            try:
                body(session)
            except Stop as stop:
                say(f"papercite: error: {stop.message}" if stop.code != EXIT_OK else f"papercite: {stop.message}")
                sys.exit(stop.code)
            except (PluginError, SettingError) as exc:
                raise click.UsageError(str(exc)) from None
            stats = session.http_stats
        if stats is not None:
            click.echo(
                f"papercite: {stats.requests} request{'s' if stats.requests != 1 else ''} "
                f"({stats.conditional} conditional), {stats.cached} answered from the cache",
                err=True,
            )
        say(f"papercite: {self.diagnostics.summary()}")
        code = session.exit_code(strict)
        if code == EXIT_FAILED:
            if strict and self.diagnostics.counted:
                say("papercite: --strict: failing because of the messages above")
            for reason in session.failures:
                say(f"papercite: {reason}")
        sys.exit(code)
