"""Plugin plumbing: hook specifications, registration types and the manager."""

from papercite.plugins.hookspecs import hookimpl
from papercite.plugins.manager import PluginError, Registry, get_plugin_manager
from papercite.plugins.types import (
    EnrichContext,
    Enricher,
    ExportContext,
    Exporter,
    ExportOptions,
    LinkChecker,
    ReadContext,
    Reader,
    Rendered,
    Service,
    Setting,
)

__all__ = [
    "EnrichContext",
    "Enricher",
    "ExportContext",
    "ExportOptions",
    "Exporter",
    "LinkChecker",
    "PluginError",
    "ReadContext",
    "Reader",
    "Registry",
    "Rendered",
    "Service",
    "Setting",
    "get_plugin_manager",
    "hookimpl",
]
