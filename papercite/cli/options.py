"""Option bundles shared by the commands: reading inputs, the HTTP layer, and the settings the
plugins a command runs declare. Each bundle hands the command one value instead of its options."""

from __future__ import annotations

import datetime as _dt
import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import click

from papercite.http.settings import HttpSettings
from papercite.model import LinkStatus
from papercite.parallel import default_jobs
from papercite.plugins.types import Setting

Decorator = Callable[[Callable[..., Any]], Callable[..., Any]]


class _Date(click.ParamType):
    name = "YYYY-MM-DD"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> _dt.date:
        if isinstance(value, _dt.date):
            return value
        try:
            return _dt.date.fromisoformat(value)
        except ValueError:
            self.fail(f"{value!r} is not a date in the form YYYY-MM-DD", param, ctx)


def _decorated(function: Callable[..., Any], decorators: Sequence[Decorator]) -> Callable[..., Any]:
    """``function`` under ``decorators``, the first outermost (as if stacked with @ in that order)."""
    for decorator in reversed(decorators):
        function = decorator(function)
    return function


def names(values: Sequence[str]) -> tuple[str, ...]:
    """``--enrich github,hf --enrich arxiv`` -> ``("github", "hf", "arxiv")``."""
    return tuple(name.strip() for value in values for name in value.split(",") if name.strip())


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

    return _decorated(
        with_request,
        [
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
            click.option("--strict", is_flag=True, help="Exit 1 if any record was skipped or any warning was given."),
            click.option(
                "-j",
                "--jobs",
                type=click.IntRange(min=1),
                default=None,
                help="Processes for reading and rendering a large input (default: the available cores, at most 4). "
                "Output and messages are the same for any number.",
            ),
        ],
    )


@dataclass(frozen=True)
class NetRequest:
    """What the network options of a command ask for: the HTTP layer's settings, and the values
    of the settings its plugins declare that were given (``None`` when not)."""

    http: HttpSettings
    given: dict[str, Any] = field(default_factory=dict)


_PREFIX = "plugin_setting__"  # click parameter names of plugin settings, apart from papercite's own


def _url(ctx: click.Context, param: click.Parameter, value: Any) -> Any:
    if value and not str(value).startswith(("http://", "https://")):
        raise click.BadParameter(f"{value!r} is not an http(s) URL")
    return value


def _setting_option(setting: Setting) -> Decorator:
    """The option of a plugin's setting: ``--NAME``, read from its environment variables too."""
    env = f"env {' or '.join(setting.env)}; " if setting.env else ""
    shown = f" [{env}default {setting.default}]"
    kind: Any = str
    if setting.type in (float, int):
        limit = setting.minimum
        kind = click.FloatRange(min=limit) if setting.type is float else click.IntRange(min=limit)  # type: ignore[arg-type]
    return click.option(
        f"--{setting.name}",
        _PREFIX + setting.name.replace("-", "_"),
        type=kind,
        default=setting.default,  # click reads the environment and the settings file before it
        envvar=list(setting.env) or None,
        metavar=setting.metavar or ("URL" if setting.url else "VALUE"),
        callback=_url if setting.url else None,
        help=setting.help + shown,
    )


def network_options(settings: Sequence[Setting]) -> Decorator:
    """Options of the commands that ask services: the HTTP layer's, and one per setting the
    command's plugins declare (secrets excepted: tokens come from the environment only).
    Handed over as one :class:`NetRequest` named ``net``."""
    own = [s for s in settings if not s.secret]

    def bundle(command: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(command)
        def with_request(
            *args: Any,
            offline: bool,
            cache_dir: str | None,
            no_cache: bool,
            max_cache_age: float,
            timeout: float,
            backoff: float,
            **kwargs: Any,
        ) -> Any:
            given = {s.name: kwargs.pop(_PREFIX + s.name.replace("-", "_"), None) for s in own}
            http = HttpSettings(
                timeout=timeout,
                backoff=backoff,
                cache=not no_cache,
                cache_dir=cache_dir,
                max_cache_age=max_cache_age,
                offline=offline,
            )
            return command(*args, net=NetRequest(http, {k: v for k, v in given.items() if v is not None}), **kwargs)

        return _decorated(with_request, [*_http_options(), *(_setting_option(s) for s in own)])

    return bundle


def _http_options() -> list[Decorator]:
    return [
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
    ]


def statuses(ctx: click.Context | None, param: click.Parameter | None, value: str) -> frozenset[LinkStatus]:
    """``broken,moved`` -> the link statuses (a click callback)."""
    found = set()
    for name in value.split(","):
        name = name.strip().lower()
        if not name:
            continue
        try:
            found.add(LinkStatus(name))
        except ValueError:
            choices = ", ".join(s.value for s in LinkStatus)
            raise click.BadParameter(f"{name!r} is not a link status ({choices})") from None
    return frozenset(found)


def without_clashes(command: click.Command) -> click.Command:
    """``command`` without the options of plugin settings that papercite's own options already
    spell (a plugin's ``--output`` must not take over the command's): those settings then take
    their value from the environment or their default."""
    own = {opt for param in command.params if not (param.name or "").startswith(_PREFIX) for opt in param.opts}
    command.params = [p for p in command.params if not ((p.name or "").startswith(_PREFIX) and set(p.opts) & own)]
    return command
