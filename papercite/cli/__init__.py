"""The ``papercite`` command line: a thin layer of commands over :class:`papercite.session.Session`.

Exit codes: 0 success; 1 ``--strict`` and a record was skipped or doubtful, a link
failed, an output changed, or a plugin failed while running; 2 an input could not be
read at all (missing, a directory, binary, not UTF-8), a bad option, or an unknown format.
"""

from __future__ import annotations

import os
import signal
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from papercite import __version__
from papercite.cli.app import EXIT_INPUT, App, say
from papercite.cli.commands import check_links, completion, config, export, parse, plugins
from papercite.config import ConfigError, default_map, find_config
from papercite.plugins import settings as plugin_settings
from papercite.plugins.manager import Registry, get_plugin_manager

__all__ = ["main", "make_cli"]


def make_cli(pm_factory: Callable[[], Any] = get_plugin_manager) -> click.Group:
    """Build the command group; tests pass their own plugin-manager factory. The options of the
    commands that run plugins come from the settings those plugins declare."""
    registry = Registry(pm_factory())
    enrichers = [registry.enricher(name) for name in registry.enrichers.names()]
    checkers = [enricher for enricher in enrichers if enricher.checker is not None]
    # The settings of the plugins each command runs: export any enricher, check-links the checkers.
    declared = {"export": plugin_settings.declared(enrichers), "check-links": plugin_settings.declared(checkers)}
    services = {service.token: service.name for service in plugin_settings.services(enrichers) if service.token}
    secrets = {command: [(s, services.get(s.name)) for s in found if s.secret] for command, found in declared.items()}
    # A settings file in a checked repository does not choose where requests and tokens go.
    not_from_files = {
        s.name: (s.env[0] if s.env else "the environment") for s in declared["export"] if s.url or s.secret
    }

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
        ctx.obj = App(registry, verbose)
        path = config_file or find_config(Path.cwd())
        ctx.meta["papercite.config"] = path
        if path is not None:
            try:
                ctx.default_map = default_map(path, cli, not_from_files)
            except ConfigError as exc:
                say(f"papercite: error: {exc}")
                ctx.exit(EXIT_INPUT)

    for command in (
        parse.command(),
        export.command(registry, declared["export"]),
        check_links.command(declared["check-links"]),
        config.command(secrets),
        completion.command(),
        plugins.command(),
    ):
        cli.add_command(command)
    return cli


def _interrupted(signum: int, frame: object) -> None:
    """Ctrl-C and SIGTERM end papercite by an exception, so that a file being written is
    removed on the way out instead of being left behind; the exit code is 128 + the signal."""
    if os.getpid() != _MAIN_PID[0]:  # a worker process: die as the default action would
        signal.signal(signum, signal.SIG_DFL)
        os.kill(os.getpid(), signum)
        return
    signal.signal(signum, signal.SIG_DFL)  # a second one ends papercite at once
    say("papercite: interrupted")
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
