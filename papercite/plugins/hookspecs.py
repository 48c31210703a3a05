"""The hooks papercite plugins implement.

Every hook returns an iterable of registrations (see
:mod:`papercite.plugins.types`); a plugin usually writes it as a generator.
Built-in readers and exporters implement these hooks exactly as third-party
plugins do, through the entry-point group ``papercite``.
"""

from __future__ import annotations

from collections.abc import Iterable

import pluggy

from papercite.plugins.types import Enricher, Exporter, Reader

hookspec = pluggy.HookspecMarker("papercite")
hookimpl = pluggy.HookimplMarker("papercite")


@hookspec
def papercite_readers() -> Iterable[Reader]:
    """Register input formats.

    Called once by the plugin registry when a command first needs readers
    (``parse``, ``export``, format detection, ``plugins``). Return (or yield)
    :class:`~papercite.plugins.types.Reader` objects. A reader name must be
    unique across all plugins; a duplicate is an error naming both plugins.
    """


@hookspec
def papercite_exporters() -> Iterable[Exporter]:
    """Register output formats.

    Called once by the plugin registry when a command first needs exporters
    (``parse`` uses the ``jsonl`` exporter; ``export --to NAME`` looks NAME up
    here). Return (or yield) :class:`~papercite.plugins.types.Exporter`
    objects with unique names.
    """


@hookspec
def papercite_enrichers() -> Iterable[Enricher]:
    """Register enrichers (arXiv identifiers, link checks, ...).

    Called once by the plugin registry when a command first needs enrichers
    (``--enrich NAME``, ``check-links``, ``plugins``). Return (or yield)
    :class:`~papercite.plugins.types.Enricher` objects with unique names. An
    enricher receives the whole stream of records and must yield every record
    back, in order.
    """
