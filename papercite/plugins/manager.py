"""The plugin manager and the typed registry built from it.

Built-in plugins are registered first, through the same hooks that external
plugins implement; then the entry-point group ``papercite`` is loaded. A
plugin that fails to import, implements an unknown hook or raises inside a
hook is recorded as a :class:`PluginProblem` and left out: commands that do
not need it keep working, and ``papercite plugins`` shows what went wrong.
"""

from __future__ import annotations

import importlib
import importlib.metadata
from dataclasses import dataclass
from typing import Generic, TypeVar

import pluggy

from papercite import __version__
from papercite.plugins import hookspecs
from papercite.plugins.types import Enricher, Exporter, Reader

PROJECT = "papercite"
ENTRY_POINT_GROUP = "papercite"
# The built-in plugins by name, each name the module it was first written as: the names are what
# `papercite plugins` prints and what settings and other plugins refer to, so they stay put when a
# module moves (the listing reader now lives with the other readers).
BUILTIN_PLUGINS = {
    "papercite.listing": "papercite.readers.listing",
    **{
        name: name
        for name in (
            "papercite.exporters.jsonl",
            "papercite.exporters.bibtex",
            "papercite.exporters.csljson",
            "papercite.readers.csljson",
            "papercite.exporters.ris",
            "papercite.readers.ris",
            "papercite.readers.bibtex",
            "papercite.readers.ids",
            "papercite.exporters.references",
            "papercite.enrichers.github",
            "papercite.enrichers.huggingface",
            "papercite.enrichers.arxiv",
        )
    },
}


class PluginError(Exception):
    """A requested reader, exporter or enricher is missing, broken or ambiguous."""


@dataclass(frozen=True)
class PluginProblem:
    plugin: str
    message: str


class PluginManager(pluggy.PluginManager):
    """pluggy's manager, plus the problems met while loading plugins."""

    def __init__(self) -> None:
        super().__init__(PROJECT)
        self.load_problems: list[PluginProblem] = []
        self.versions: dict[str, str] = {}  # plugin name -> version of its distribution


def get_plugin_manager(*, entry_points: bool = True) -> PluginManager:
    """A new manager with the built-ins and (unless told not to) installed plugins."""
    pm = PluginManager()
    pm.add_hookspecs(hookspecs)
    for name, module in BUILTIN_PLUGINS.items():
        pm.register(importlib.import_module(module), name=name)
    pm.check_pending()
    if entry_points:
        pm.load_problems.extend(load_entry_points(pm))
    return pm


def load_entry_points(pm: PluginManager) -> list[PluginProblem]:
    """Register every plugin of the entry-point group; return those that failed."""
    problems: list[PluginProblem] = []
    for ep in importlib.metadata.entry_points(group=ENTRY_POINT_GROUP):
        if pm.has_plugin(ep.name):
            problems.append(PluginProblem(ep.name, f"not loaded: another plugin is already registered as {ep.name!r}"))
            continue
        try:
            plugin = ep.load()
            pm.register(plugin, name=ep.name)
            if ep.dist is not None:
                pm.versions[ep.name] = ep.dist.version
        except Exception as exc:  # a broken plugin must not break papercite
            problems.append(PluginProblem(ep.name, f"failed to load: {type(exc).__name__}: {exc}"))
            continue
        try:
            pm.check_pending()
        except pluggy.PluginValidationError as exc:
            pm.unregister(name=ep.name)
            problems.append(PluginProblem(ep.name, f"invalid plugin: {exc}"))
    return problems


T = TypeVar("T", Reader, Exporter, Enricher)


class _Kind(Generic[T]):
    """Registrations of one kind (readers, exporters or enrichers), by name."""

    def __init__(self, noun: str) -> None:
        self.noun = noun
        self.items: dict[str, T] = {}
        self.providers: dict[str, list[str]] = {}

    def add(self, plugin: str, item: T) -> None:
        self.providers.setdefault(item.name, []).append(plugin)
        self.items.setdefault(item.name, item)

    def names(self) -> list[str]:
        return sorted(self.items)

    def get(self, name: str, problems: list[PluginProblem]) -> T:
        providers = self.providers.get(name, [])
        if len(providers) > 1:
            raise PluginError(f"{self.noun} {name!r} is provided by more than one plugin: {', '.join(providers)}")
        if name not in self.items:
            known = ", ".join(self.names()) or "none"
            broken = "".join(f"; plugin {p.plugin!r} {p.message}" for p in problems)
            raise PluginError(f"no {self.noun} named {name!r} (available: {known}){broken}")
        return self.items[name]


class Registry:
    """Typed view of what the plugins provide, collected once per manager."""

    def __init__(self, pm: pluggy.PluginManager) -> None:
        self.pm = pm
        self.problems: list[PluginProblem] = list(getattr(pm, "load_problems", []))
        self.provided: dict[str, dict[str, list[str]]] = {}
        self.readers: _Kind[Reader] = self._collect("papercite_readers", "reader", Reader)
        self.exporters: _Kind[Exporter] = self._collect("papercite_exporters", "exporter", Exporter)
        self.enrichers: _Kind[Enricher] = self._collect("papercite_enrichers", "enricher", Enricher)

    def _collect(self, hook: str, noun: str, cls: type[T]) -> _Kind[T]:
        kind: _Kind[T] = _Kind(noun)
        # Call each implementation on its own so that one raising plugin
        # costs only its own registrations.
        for impl in getattr(self.pm.hook, hook).get_hookimpls():
            try:
                items = list(impl.function() or ())
                bad = [i for i in items if not isinstance(i, cls)]
                if bad:
                    raise TypeError(f"{hook} returned {type(bad[0]).__name__}, expected {cls.__name__}")
            except Exception as exc:
                self.problems.append(PluginProblem(impl.plugin_name, f"raised in {hook}: {type(exc).__name__}: {exc}"))
                continue
            for item in items:
                kind.add(impl.plugin_name, item)
                self.provided.setdefault(impl.plugin_name, {}).setdefault(noun + "s", []).append(item.name)
        return kind

    def reader(self, name: str) -> Reader:
        return self.readers.get(name, self.problems)

    def exporter(self, name: str) -> Exporter:
        return self.exporters.get(name, self.problems)

    def enricher(self, name: str) -> Enricher:
        return self.enrichers.get(name, self.problems)

    def describe(self) -> list[dict[str, object]]:
        """What ``papercite plugins`` prints: every plugin, its hooks and registrations."""
        out: list[dict[str, object]] = []
        for name, plugin in sorted(self.pm.list_name_plugin(), key=lambda np: (np[0] not in BUILTIN_PLUGINS, np[0])):
            if plugin is None:
                continue
            entry: dict[str, object] = {
                "name": name,
                "builtin": name in BUILTIN_PLUGINS,
                "version": __version__ if name in BUILTIN_PLUGINS else getattr(self.pm, "versions", {}).get(name),
                "hooks": sorted(h.name for h in self.pm.get_hookcallers(plugin) or []),
            }
            entry.update(self.provided.get(name, {}))
            errors = [p.message for p in self.problems if p.plugin == name]
            if errors:
                entry["errors"] = errors
            out.append(entry)
        registered = {name for name, _ in self.pm.list_name_plugin()}
        for problem in self.problems:
            if problem.plugin not in registered:
                out.append(
                    {
                        "name": problem.plugin,
                        "builtin": False,
                        "version": None,
                        "hooks": [],
                        "errors": [problem.message],
                    }
                )
        return out
