"""``papercite config``: the effective settings of every command, and where each comes from."""

from __future__ import annotations

import json
import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import click

from papercite.http.cache import without_credentials
from papercite.plugins.types import Setting


def command(secrets: Mapping[str, Sequence[tuple[Setting, str | None]]]) -> click.Command:
    """``secrets``: the tokens each command's plugins read from the environment, with the
    service each goes to, shown as set or not (never their values)."""

    @click.command("config")
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
        commands: dict[str, click.Command] = root.command.commands  # type: ignore[attr-defined]
        path = root.meta.get("papercite.config")
        mapped = root.default_map or {}
        if command_name is not None and command_name not in commands:
            raise click.BadParameter(f"no command {command_name!r}", param_hint="COMMAND")
        click.echo(f"# settings file: {path or 'none (papercite.toml or [tool.papercite] in pyproject.toml)'}")
        for name in sorted(commands):
            if command_name not in (None, name):
                continue
            options = [p for p in commands[name].params if isinstance(p, click.Option) and not p.hidden]
            options = [p for p in options if p.name != "help"]
            if not options:
                continue
            click.echo(f"\n[{name}]")
            for param in options:
                value, origin = _effective(param, mapped.get(name, {}), path)
                key = next(opt for opt in param.opts if opt.startswith("--"))[2:]
                click.echo(f"{key} = {json.dumps(value, default=str)}  # {origin}")
            for setting, service in secrets.get(name, ()):
                found = next((env for env in setting.env if os.environ.get(env, "").strip()), None)
                where = f"set in environment {found}" if found else f"not set ({' or '.join(setting.env)})"
                to = f", sent to {service} only" if service else ""
                click.echo(f"# {setting.name}: {where}{to}; a secret: from the environment only, never shown")

    return show_config


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
