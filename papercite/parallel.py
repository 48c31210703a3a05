"""Reading and rendering a large input in worker processes.

Parsing and rendering are CPU-bound pure Python, so a second core only
helps in a second process. An input whose reader declares record
boundaries (see ``Reader.boundary``) is cut into chunks of whole records;
each chunk is read and rendered in a worker, and the main process replays
the chunk's messages and hands its rendered records on, chunk by chunk in
input order. A chunk of a regular file is a byte range that the worker
reads itself (the main process only finds the cuts), a chunk of standard
input its lines; rendered records and messages come back as text, which
is cheap to pickle, unlike records. At most a few chunks are in flight, so
memory stays bounded.
"""

from __future__ import annotations

import datetime as _dt
import itertools
import multiprocessing
import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor

from papercite.diagnostics import Diagnostic, Diagnostics
from papercite.files import ByteRange, InputError, byte_ranges, range_lines
from papercite.model import Paper
from papercite.plugins.types import ExportContext, ExportOptions, ReadContext, Rendered

CHUNK_RECORDS = 500  # records per chunk: large enough to amortise a task, small enough to stream
CHUNK_BYTES = 1 << 20  # the same for a file cut by size: about 500 to 700 records


def default_jobs() -> int:
    """Worker processes when ``--jobs`` is not given: the cores this process may use, at most 4."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cores = os.cpu_count() or 1
    return max(1, min(cores, 4))


def executor(jobs: int) -> ProcessPoolExecutor:
    # fork starts workers in milliseconds with the plugins already loaded;
    # where it is missing, spawn works too (tasks carry only picklable data).
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
    pool = ProcessPoolExecutor(max_workers=jobs, mp_context=context)
    _widen_result_pipe(pool)
    return pool


def _widen_result_pipe(pool: ProcessPoolExecutor) -> None:
    """Let a chunk's result (~2 MB of text) go through the pipe in a few writes.

    A pipe holds 64 kB, so a worker sending its result waits for this process to
    read each 64 kB; with 1 MiB (Linux's limit for any process) the workers sat
    idle between chunks half as long. This reaches into the executor's private
    ``_result_queue``: where that or F_SETPIPE_SZ is missing, the pipe stays as it is.
    """
    try:
        import fcntl

        fcntl.fcntl(pool._result_queue._reader.fileno(), fcntl.F_SETPIPE_SZ, 1 << 20)  # type: ignore[attr-defined]
    except (ImportError, AttributeError, OSError):
        pass


class _Truncated(Exception):
    """The input broke off after this chunk (a read error); no end-of-input messages."""


def _chunk_lines(lines: list[str], truncated: bool) -> Iterator[str]:
    yield from lines
    if truncated:
        raise _Truncated


# The rendered records (texts and keys apart: two lists pickle in half the time of their
# pairs), the messages, the count read, and the input error that ended the chunk, if any.
ChunkResult = tuple[list[str], list["str | None"], list[Diagnostic], int, "tuple[str, str] | None"]


def render_chunk(
    read: Callable[[Iterable[str], ReadContext], Iterator[Paper]],
    render: Callable[[Paper, ExportContext], Rendered | None],
    source: str,
    as_of: _dt.date,
    options: ExportOptions,
    offset: int,
    lines: list[str] | ByteRange,
    truncated: bool = False,
    prelude: str = "",
) -> ChunkResult:
    """Read and render one chunk (in a worker): its lines, or the part of the file to read;
    ``prelude`` is what a chunk after the first reads first (see ``Reader.together``)."""
    diagnostics = Diagnostics()
    read_ctx = ReadContext(source, diagnostics, as_of, line_offset=offset, prelude=prelude if offset else "")
    export_ctx = ExportContext(diagnostics, options)
    texts: list[str] = []
    keys: list[str | None] = []
    error = None
    try:
        for paper in read(range_lines(lines) if isinstance(lines, ByteRange) else _chunk_lines(lines, truncated),
                          read_ctx):
            item = render(paper, export_ctx)
            if item is not None:
                texts.append(item.text)
                keys.append(item.key)
    except _Truncated:
        pass
    except InputError as exc:  # the part read holds a line that is not text: the input ends there
        error = (exc.where, exc.message)
    return texts, keys, diagnostics.items, diagnostics.read, error


Chunk = tuple[int, "list[str] | ByteRange", "Exception | None"]


def file_chunks(
    path: str, boundary: Callable[[str], bool], size: int, cut: Callable[[bytes, int], int] | None = None
) -> Iterator[Chunk]:
    """Chunks of a regular file of about ``size`` bytes, as byte ranges for the workers to read."""
    return ((part.offset, part, None) for part in byte_ranges(path, boundary, size, cut))


def chunks(
    lines: Iterable[str],
    boundary: Callable[[str], bool],
    size: int,
    cut: Callable[[bytes, int], int] | None = None,
    cut_size: int = CHUNK_BYTES,
) -> Iterator[Chunk]:
    """Cut ``lines`` into (offset, lines, error) chunks of about ``size`` records, each starting at a
    boundary (a line start), or, with the reader's ``cut``, inside a long line given in pieces
    once a chunk holds about ``cut_size`` characters. If reading ``lines`` fails, the last chunk
    holds what was read and the error."""
    chunk: list[str] = []
    offset = 0  # lines before the chunk's first
    records = 0
    number = 0  # lines ended so far
    line_start = True
    held = 0  # characters in the chunk
    next_try = cut_size  # a chunk with no place to cut is looked at again when twice as long
    try:
        for line in lines:
            if line_start and boundary(line):
                if records >= size:
                    yield offset, chunk, None
                    chunk, offset, records, held, next_try = [], number, 0, 0, cut_size
                records += 1
            chunk.append(line)
            line_start = line.endswith("\n")
            number += line_start
            held += len(line)
            if cut is not None and not line_start and held >= next_try:
                data = "".join(chunk).encode("utf-8")
                at = cut(data, len(data) * 3 // 4)
                if at > 0:
                    head, rest = data[:at].decode("utf-8"), data[at:].decode("utf-8")
                    yield offset, head.splitlines(keepends=True), None
                    offset += head.count("\n")
                    chunk, records, held, next_try = [rest], 1, len(rest), cut_size
                else:
                    next_try = 2 * held
    except Exception as exc:  # the input broke off; what was read before still counts
        yield offset, chunk, exc
        return
    if chunk:
        yield offset, chunk, None


def render_chunks(
    chunks: Iterator[Chunk],
    task: Callable[[int, list[str] | ByteRange, bool], ChunkResult],
    diagnostics: Diagnostics,
    jobs: int,
) -> Iterator[Rendered]:
    """Rendered records of every chunk, in input order; messages replayed into ``diagnostics``.

    ``task(offset, lines, truncated)`` reads and renders one chunk (``lines`` may be a
    :class:`~papercite.files.ByteRange` to read). A single
    chunk is done in this process; from the second on, ``jobs`` workers share
    them, with at most ``2 * jobs + 1`` in flight: a worker that finishes has the
    next one waiting, while this process writes out the oldest. A read error comes
    out after the records read before it.
    """

    def replay(result: ChunkResult) -> Iterator[Rendered]:
        texts, keys, messages, read, error = result
        for message in messages:
            diagnostics.report(message)
        diagnostics.read += read
        yield from map(Rendered, texts, keys)
        if error is not None:
            raise InputError(*error)

    first = next(chunks, None) or (0, [], None)  # an empty input is read too: it gets its warning
    second = next(chunks, None)
    if second is None:  # a small input: not worth starting workers
        offset, lines, error = first
        yield from replay(task(offset, lines, error is not None))
        if error is not None:
            raise error
        return
    pending: deque[tuple[Future[ChunkResult], Exception | None]] = deque()
    with executor(jobs) as pool:
        for offset, lines, error in itertools.chain((first, second), chunks):
            pending.append((pool.submit(task, offset, lines, error is not None), error))
            while len(pending) > 2 * jobs or (pending and error is not None):
                future, failed = pending.popleft()
                yield from replay(future.result())
                if failed is not None:
                    raise failed
        while pending:
            future, _ = pending.popleft()
            yield from replay(future.result())
