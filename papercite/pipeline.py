"""Read inputs into one stream of records and hand it to an exporter.

Nothing here touches the filesystem directly: lines come from
:mod:`papercite.files`, formats from the plugin registry.
"""

from __future__ import annotations

import datetime as _dt
import itertools
import os
from collections.abc import Callable, Iterable, Iterator

from papercite.diagnostics import Diagnostics
from papercite.files import InputError
from papercite.model import Paper
from papercite.plugins.manager import Registry
from papercite.plugins.types import ReadContext, Reader

DEFAULT_READER = "listing"
_SNIFF_LINES = 20


def choose_reader(registry: Registry, path: str, head: list[str], fmt: str | None = None) -> Reader:
    """The reader for an input: ``fmt`` if given, else by extension, else by content."""
    if fmt:
        return registry.reader(fmt)
    ext = os.path.splitext(path)[1].lower()
    readers = [registry.readers.items[name] for name in registry.readers.names()]
    for reader in readers:
        if ext and ext in reader.extensions:
            return reader
    for reader in readers:
        if reader.sniff is not None and reader.sniff(head):
            return reader
    return registry.reader(DEFAULT_READER)


def read_records(
    inputs: Iterable[str],
    open_lines: Callable[[str], Iterator[str]],
    registry: Registry,
    diagnostics: Diagnostics,
    *,
    as_of: _dt.date,
    fmt: str | None = None,
) -> Iterator[Paper]:
    """Stream the records of every input in turn.

    An input that cannot be read is reported as fatal in ``diagnostics`` and
    the other inputs are still read.
    """
    for path in inputs:
        ctx = ReadContext(source=path, diagnostics=diagnostics, as_of=as_of)
        lines = open_lines(path)
        head: list[str] = []
        try:
            for line in lines:
                head.append(line)
                if len(head) == _SNIFF_LINES:
                    break
        except InputError as exc:
            # Keep what was read before the bad line; the error surfaces after it.
            lines = _raising(exc)
        try:
            reader = choose_reader(registry, path, head, fmt)
            yield from reader.read(itertools.chain(head, lines), ctx)
        except InputError as exc:
            diagnostics.fail(exc.where, exc.message)


def _raising(exc: Exception) -> Iterator[str]:
    raise exc
    yield  # a generator that fails when first advanced
