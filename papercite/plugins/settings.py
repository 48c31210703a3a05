"""The values of the settings plugins declare (:class:`~papercite.plugins.types.Setting`), and
the limits of the services they ask (:class:`~papercite.plugins.types.Service`).

The command line builds options from the same declarations (``papercite.cli.options``); here a
value comes from what the caller gives (an option, a settings-file key, an API argument), else
from the first of the setting's environment variables that is set, else from its default.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from papercite.plugins.types import Enricher, Service, Setting

if TYPE_CHECKING:
    from papercite.http.client import HttpClient


class SettingError(ValueError):
    """A setting's value cannot be used; the message names the setting and where the value came from."""


def declared(enrichers: Iterable[Enricher]) -> list[Setting]:
    """The settings of ``enrichers``, each name once (the first declaration of a name counts)."""
    seen: dict[str, Setting] = {}
    for enricher in enrichers:
        for setting in enricher.settings:
            seen.setdefault(setting.name, setting)
    return list(seen.values())


def check(setting: Setting, value: Any, where: str) -> Any:
    """``value`` as ``setting`` takes it (a number, an http(s) URL), or a SettingError."""
    if setting.type in (float, int):
        try:
            number = setting.type(value)
        except (TypeError, ValueError):
            raise SettingError(f"{where}: {value!r} is not a number") from None
        if setting.minimum is not None and number < setting.minimum:
            raise SettingError(f"{where}: {value!r} is below {setting.minimum:g}")
        return number
    text = str(value).strip() if setting.secret else str(value)
    if setting.url and not text.startswith(("http://", "https://")):
        raise SettingError(f"{where}: {text!r} is not an http(s) URL")
    return text


def resolve(settings: Sequence[Setting], given: Mapping[str, Any], environ: Mapping[str, str]) -> dict[str, Any]:
    """Each setting's value: ``given`` (not for a secret), else its first environment variable
    that is set (a token without the white space ``echo $T > file`` leaves), else its default."""
    values: dict[str, Any] = {}
    for setting in settings:
        value, where = (None, "") if setting.secret else (given.get(setting.name), f"--{setting.name}")
        if value is None:
            name = next((n for n in setting.env if (environ.get(n) or "").strip()), None)
            value, where = (environ[name], name) if name else (setting.default, f"{setting.name} (default)")
        values[setting.name] = None if value is None else check(setting, value, where)
    return values


def services(enrichers: Iterable[Enricher]) -> list[Service]:
    return [service for enricher in enrichers for service in enricher.services]


def base_url(service: Service, values: Mapping[str, Any]) -> str:
    return str(values.get(service.url) or "").rstrip("/")


def limit(http: HttpClient, declared_services: Iterable[Service], values: Mapping[str, Any]) -> None:
    """Set the per-host limits the services ask for on ``http``."""
    for service in declared_services:
        base = base_url(service, values)
        if not base:
            continue
        http.cap(base, service.concurrency)
        pace = values.get(service.pace) if isinstance(service.pace, str) else service.pace
        if pace:
            http.pace(base, float(pace))
