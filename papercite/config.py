"""Settings from a file: ``papercite.toml``, or ``[tool.papercite]`` in ``pyproject.toml``.

The nearest such file from the working directory upwards is used (or the one
``--config`` names). Keys are the long option names without dashes in front:

    [tool.papercite]
    github-api = "https://ghe.example.com/api/v3"
    max-cache-age = 3600

    [tool.papercite.check-links]
    fail-on = ["broken", "moved"]

A top-level key applies to every command that has the option, a table named
after a command to that command only. They become click's ``default_map``, so
the precedence is: command line > environment variable > file > built-in
default. Every key and value is checked when the file is read.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import click

CONFIG_FILE = "papercite.toml"


class ConfigError(Exception):
    """A configuration file that cannot be used; the message names the file and key."""


def find_config(start: Path) -> Path | None:
    """The nearest ``papercite.toml``, or ``pyproject.toml`` with a ``[tool.papercite]`` table."""
    for folder in (start, *start.parents):
        own = folder / CONFIG_FILE
        if own.is_file():
            return own
        pyproject = folder / "pyproject.toml"
        if pyproject.is_file():
            try:
                if "papercite" in _read(pyproject).get("tool", {}):
                    return pyproject
            except ConfigError:
                return pyproject  # a broken pyproject.toml is reported, not skipped
    return None


def _read(path: Path) -> dict[str, Any]:
    # Imported here: most runs find no configuration file to parse.
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - Python 3.10
        import tomli as tomllib
    try:
        with path.open("rb") as f:
            return tomllib.load(f)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: {exc}") from None
    except OSError as exc:
        raise ConfigError(f"{path}: {exc.strerror or exc}") from None


def read_settings(path: Path) -> dict[str, Any]:
    """The papercite table of ``path`` (the whole file for ``papercite.toml``)."""
    data = _read(path)
    if path.name == "pyproject.toml":
        data = data.get("tool", {}).get("papercite", {})
        if not isinstance(data, dict):
            raise ConfigError(f"{path}: [tool.papercite] must be a table")
    return data


def default_map(path: Path, group: click.Group) -> dict[str, dict[str, Any]]:
    """click's ``default_map`` for ``group`` from the settings in ``path``, every value checked."""
    settings = read_settings(path)
    commands = group.commands
    result: dict[str, dict[str, Any]] = {name: {} for name in commands}
    shared = {key: value for key, value in settings.items() if not (key in commands and isinstance(value, dict))}
    for key, value in shared.items():
        owners = [name for name, command in commands.items() if _option(command, key) is not None]
        if not owners:
            raise ConfigError(f"{path}: {key}: unknown setting (known: {', '.join(_known(commands.values()))})")
        for name in owners:
            param = _option(commands[name], key)
            assert param is not None
            result[name][param.name or key] = _check(path, key, param, value)
    for name, table in settings.items():
        if name in commands and isinstance(table, dict):
            for key, value in table.items():
                param = _option(commands[name], key)
                if param is None:
                    known = ", ".join(_known([commands[name]]))
                    raise ConfigError(f"{path}: {name}.{key}: unknown setting for {name} (known: {known})")
                result[name][param.name or key] = _check(path, f"{name}.{key}", param, value)
    return {name: values for name, values in result.items() if values}


def _option(command: click.Command, key: str) -> click.Option | None:
    for param in command.params:
        if isinstance(param, click.Option) and f"--{key}" in param.opts:  # ascii = false, not unicode = true
            return param
    return None


def _known(commands: Iterable[click.Command]) -> list[str]:
    return sorted(
        {
            opt[2:]
            for command in commands
            for param in command.params
            if isinstance(param, click.Option) and not param.hidden
            for opt in param.opts
            if opt.startswith("--") and opt not in ("--help", "--output")
        }
    )


def _check(path: Path, key: str, param: click.Option, value: Any) -> Any:
    """``value`` as the option takes it, or a ConfigError naming the file and key."""
    where = f"{path}: {key}"
    if param.is_flag and not isinstance(value, bool):
        raise ConfigError(f"{where}: expected true or false, not {value!r}")
    if isinstance(value, (dict, Mapping)):
        raise ConfigError(f"{where}: expected a value, not a table")
    if param.multiple:
        values = value if isinstance(value, list) else [value]
    elif isinstance(value, list):  # a comma-separated option given as a list: fail-on = ["broken", "moved"]
        if not all(isinstance(v, str) for v in value):
            raise ConfigError(f"{where}: expected a string or a list of strings")
        values = [",".join(value)]
    else:
        values = [value]
    try:
        converted = [param.type.convert(v, param, None) for v in values]
        if param.callback is not None:
            for v in converted:
                param.callback(click.Context(click.Command("config")), param, v)
    except click.BadParameter as exc:
        raise ConfigError(f"{where}: {exc.message}") from None
    return converted if param.multiple else converted[0]
