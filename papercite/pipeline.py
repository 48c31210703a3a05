"""Read inputs into one stream of records and hand it to an exporter.

Nothing here touches the filesystem directly: lines come from
:mod:`papercite.files`, formats from the plugin registry.
"""

from __future__ import annotations

import datetime as _dt
import itertools
import os
import pickle
from collections.abc import Callable, Iterable, Iterator
from functools import partial
from typing import NamedTuple

from papercite.diagnostics import Diagnostics
from papercite.files import InputError, is_regular_file, whole_lines
from papercite.model import Paper
from papercite.parallel import (
    CHUNK_BYTES,
    CHUNK_RECORDS,
    chunks,
    file_chunks,
    render_chunk,
    render_chunks,
)
from papercite.plugins.manager import Registry
from papercite.plugins.types import ExportContext, Exporter, ReadContext, Reader, Rendered

DEFAULT_READER = "listing"
SNIFF_LINES = 20


def choose_reader(registry: Registry, path: str, head: list[str], fmt: str | None = None) -> Reader:
    """The reader for an input: ``fmt`` if given, else a reader of a format without a file
    type of its own whose content test holds (a list of arXiv ids in a ``.txt``), else by
    extension, else by content."""
    if fmt:
        return registry.reader(fmt)
    ext = os.path.splitext(path)[1].lower()
    readers = [registry.readers.items[name] for name in registry.readers.names()]
    for reader in readers:
        if not reader.extensions and reader.sniff is not None and reader.name != DEFAULT_READER and reader.sniff(head):
            return reader
    for reader in readers:
        if ext and ext in reader.extensions:
            return reader
    for reader in readers:
        if reader.sniff is not None and reader.sniff(head):
            return reader
    return registry.reader(DEFAULT_READER)


class _Input(NamedTuple):
    path: str
    reader: Reader
    lines: Iterator[str]  # the sniffed head put back in front
    seekable: bool  # a regular file whose head read cleanly: worker processes may read parts of it


def _inputs(
    inputs: Iterable[str],
    open_lines: Callable[[str], Iterator[str]],
    registry: Registry,
    fmt: str | None,
) -> Iterator[_Input]:
    """Each input with its reader and its lines."""
    for path in inputs:
        lines = open_lines(path)
        head: list[str] = []
        clean = True
        try:
            for line in lines:
                head.append(line)
                if len(head) == SNIFF_LINES or not line.endswith("\n"):
                    break  # enough to tell the format: a piece of a long line is already plenty
        except InputError as exc:
            # Keep what was read before the bad line; the error surfaces after it.
            lines = _raising(exc)
            clean = False
        reader = choose_reader(registry, path, head, fmt)
        whole = itertools.chain(head, lines)
        # A long line comes in pieces (open_lines reads them so): joined again for a reader
        # that wants whole lines.
        yield _Input(path, reader, whole if reader.cut else whole_lines(whole), clean and is_regular_file(path))


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
    for path, reader, lines, _ in _inputs(inputs, open_lines, registry, fmt):
        try:
            yield from reader.read(lines, ReadContext(source=path, diagnostics=diagnostics, as_of=as_of))
        except InputError as exc:
            diagnostics.fail(exc.where, exc.message)


def render_records(
    inputs: Iterable[str],
    open_lines: Callable[[str], Iterator[str]],
    registry: Registry,
    exporter: Exporter,
    ctx: ExportContext,
    *,
    as_of: _dt.date,
    fmt: str | None = None,
    jobs: int = 1,
) -> Iterator[Rendered]:
    """Read every input and render its records for ``exporter``, in input order.

    With ``jobs`` > 1, an input whose reader declares record boundaries and
    that is larger than one chunk is read and rendered in worker processes
    (:mod:`papercite.parallel`); the output and the messages are the same.
    The workers read a regular file themselves, in parts (``open_lines`` then
    gives only its first lines, to choose the reader), and get the lines of
    any other input.
    """
    diagnostics = ctx.diagnostics
    for path, reader, lines, seekable in _inputs(inputs, open_lines, registry, fmt):
        try:
            task = partial(render_chunk, reader.read, exporter.render, path, as_of, ctx.options)
            apart = jobs > 1 and reader.boundary is not None and _picklable(task) and _apart(reader, path, seekable)
            if apart and reader.boundary is not None:
                if isinstance(apart, str):
                    task = partial(task, prelude=apart)  # what every chunk after the first reads first
                if seekable:
                    parts = file_chunks(path, reader.boundary, CHUNK_BYTES, reader.cut)  # the workers read the file
                else:
                    parts = chunks(lines, reader.boundary, CHUNK_RECORDS, reader.cut, CHUNK_BYTES)
                yield from render_chunks(parts, task, diagnostics, jobs)
            else:
                for paper in reader.read(lines, ReadContext(source=path, diagnostics=diagnostics, as_of=as_of)):
                    rendered = exporter.render(paper, ctx)
                    if rendered is not None:
                        yield rendered
        except InputError as exc:
            diagnostics.fail(exc.where, exc.message)


def _apart(reader: Reader, path: str, seekable: bool) -> bool | str:
    """May the input's records be read apart, in chunks (see ``Reader.together``)? A text:
    yes, each chunk after reading it first."""
    if reader.together is None:
        return True
    if not seekable:
        return False
    together = reader.together(path)
    return together if isinstance(together, str) else not together


def _picklable(task: Callable[..., object]) -> bool:
    """Can the task go to a worker process? A plugin's lambda or closure cannot: it then runs here."""
    try:
        pickle.dumps(task)
    except Exception:
        return False
    return True


def _raising(exc: Exception) -> Iterator[str]:
    raise exc
    yield  # a generator that fails when first advanced
