"""Settings from a file: ``papercite.toml``, or ``[tool.papercite]`` in ``pyproject.toml``.

The nearest such file from the working directory upwards is used (or the one
``--config`` names); the search stops at the repository's root (the directory
holding ``.git``) or the home directory. Keys are the long option names without
dashes in front:

    [tool.papercite]
    max-cache-age = 3600

    [tool.papercite.check-links]
    fail-on = ["broken", "moved"]

A top-level key applies to every command that has the option, a table named
after a command to that command only. They become click's ``default_map``, so
the precedence is: command line > environment variable > file > built-in
default. Every key and value is checked when the file is read.

A settings file in a repository is written by whoever opened the pull request
being checked, so it does not choose where requests, tokens and the cache go:
service URLs and the cache directory come only from the command line or the
environment, and output paths stay inside the file's own directory tree.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import click

CONFIG_FILE = "papercite.toml"
# Settings a file may not hold, with the environment variable to use instead (the service URLs
# and tokens plugins declare are added to these by the command line).
NOT_FROM_FILES = {"cache-dir": "PAPERCITE_CACHE_DIR"}
OUTPUT_PATHS = ("output", "merge", "report")  # keys whose values are files papercite writes


class ConfigError(Exception):
    """A configuration file that cannot be used; the message names the file and key."""


def find_config(start: Path) -> Path | None:
    """The nearest ``papercite.toml``, or ``pyproject.toml`` with a ``[tool.papercite]`` table,
    from ``start`` up to the repository root or the home directory (never above them)."""
    home = Path.home()
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
        if folder == home or (folder / ".git").exists():
            break
    return None


def _read(path: Path) -> dict[str, Any]:
    # Imported here: most runs find no configuration file to parse.
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - Python 3.10
        import tomli as tomllib  # type: ignore[import-not-found]
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


def default_map(
    path: Path, group: click.Group, not_from_files: Mapping[str, str] | None = None
) -> dict[str, dict[str, Any]]:
    """click's ``default_map`` for ``group`` from the settings in ``path``, every value checked;
    ``not_from_files`` names more settings a file may not hold (with the variable to use instead)."""
    refused = {**NOT_FROM_FILES, **(not_from_files or {})}
    settings = read_settings(path)
    commands = group.commands
    result: dict[str, dict[str, Any]] = {name: {} for name in commands}
    shared = {key: value for key, value in settings.items() if not (key in commands and isinstance(value, dict))}
    for key, value in shared.items():
        _not_from_files(path, key, refused)
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
                _not_from_files(path, f"{name}.{key}", refused)
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
            if opt.startswith("--") and opt != "--help"
        }
    )


def _not_from_files(path: Path, key: str, refused: Mapping[str, str]) -> None:
    name = key.rpartition(".")[2]
    if name in refused or "token" in name.lower():
        instead = refused.get(name, "the environment")
        raise ConfigError(
            f"{path}: {key}: not taken from a settings file (one in a checked repository would choose where "
            f"requests and tokens go); give it on the command line or in {instead}"
        )


def _inside(path: Path, key: str, value: Any) -> Any:
    """An output path from the file at ``path``, relative to its directory and inside its
    tree; a ConfigError for an absolute path, a ``..`` or a link out of the tree."""
    if not isinstance(value, str) or value == "-":
        return value
    fmt, sep, target = value.partition(":") if key.endswith("report") else ("", "", value)
    pure = Path(target)
    if not target or pure.is_absolute() or ".." in pure.parts or target.startswith("~"):
        raise ConfigError(f"{path}: {key}: {value!r} must be a path inside {path.parent} (no absolute path, no '..')")
    root = path.parent.resolve()
    resolved = (root / pure).resolve()
    if resolved != root and root not in resolved.parents:
        raise ConfigError(f"{path}: {key}: {value!r} leads out of {path.parent} (through a symbolic link)")
    return f"{fmt}{sep}{root / pure}"


def _check(path: Path, key: str, param: click.Option, value: Any) -> Any:
    """``value`` as the option takes it, or a ConfigError naming the file and key."""
    where = f"{path}: {key}"
    if key.rpartition(".")[2] in OUTPUT_PATHS:
        value = [_inside(path, key, v) for v in value] if isinstance(value, list) else _inside(path, key, value)
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
