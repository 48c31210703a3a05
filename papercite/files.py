"""The filesystem edge: reading input lines and writing outputs atomically."""

from __future__ import annotations

import contextlib
import errno
import io
import os
import stat
import tempfile
from collections.abc import Callable, Iterator
from typing import BinaryIO, NamedTuple, TextIO


class InputError(Exception):
    """An input that cannot be read at all: missing, a directory, binary, not UTF-8."""

    def __init__(self, where: str, message: str) -> None:
        super().__init__(f"{where}: {message}")
        self.where = where
        self.message = message


def iter_lines(path: str, stdin: BinaryIO | None = None) -> Iterator[str]:
    """Yield the decoded lines of ``path`` (``-`` is ``stdin``), one at a time.

    Raises :class:`InputError` for a file that cannot be opened and, at the
    offending line, for NUL bytes or bytes that are not UTF-8.
    """
    if path == "-":
        if stdin is None:
            raise InputError("-", "no standard input")
        yield from _decode_lines(stdin, "-")
        return
    with _open(path) as stream:
        if os.path.isdir(path):  # some platforms open directories
            raise InputError(path, "is a directory, not a file")
        yield from _decode_lines(stream, path)


def _open(path: str) -> BinaryIO:
    try:
        return open(path, "rb")
    except FileNotFoundError:
        raise InputError(path, "no such file") from None
    except IsADirectoryError:
        raise InputError(path, "is a directory, not a file") from None
    except PermissionError:
        raise InputError(path, "permission denied") from None
    except OSError as exc:
        raise InputError(path, exc.strerror or str(exc)) from None


def _decode_lines(stream: BinaryIO, name: str, first: int = 1) -> Iterator[str]:
    """The lines of ``stream``, numbered from ``first`` in messages."""
    peek = getattr(stream, "peek", None)
    if first == 1 and peek is not None and b"\0" in peek(8192)[:8192]:
        raise InputError(name, "binary data (NUL byte): not a text file")
    for number, raw in enumerate(stream, start=first):
        if b"\0" in raw:
            raise InputError(f"{name}:{number}", "binary data (NUL byte): not a text file")
        try:
            yield raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise InputError(
                f"{name}:{number}", f"not UTF-8 text (byte 0x{raw[exc.start]:02x} at column {exc.start + 1})"
            ) from None


def is_regular_file(path: str) -> bool:
    """Is ``path`` a file that can be read in parts (not standard input, a pipe or a device)?"""
    return path != "-" and os.path.isfile(path)


class ByteRange(NamedTuple):
    """Part of a file: bytes ``start`` to ``end`` (``None``: to the end), whose first line is
    line ``offset + 1``. Worker processes read their part of an input themselves, so the
    input's text never has to be sent to them."""

    path: str
    start: int
    end: int | None
    offset: int


def byte_ranges(path: str, boundary: Callable[[str], bool], size: int) -> Iterator[ByteRange]:
    """Cut a regular file into ranges of about ``size`` bytes, each from the start of a line
    where ``boundary`` holds (a record may start there) or from the start of the file.

    Only the line at each cut is decoded; the rest is counted for line numbers at C speed.
    When no boundary turns up within ``8 * size`` bytes (an input written one item over
    many lines, or on one long line), the last range runs to the end of the file: its
    lines are then streamed. Raises :class:`InputError` if the file cannot be opened.
    """
    limit = 8 * size  # no line is read whole beyond this, so memory stays bounded
    with _open(path) as stream:
        start = 0
        offset = 0
        while True:
            block = stream.read(size)
            if not block:
                return
            length = len(block)
            lines = block.count(b"\n")
            at_line_start = block.endswith(b"\n")  # else the first read finishes a line
            while True:
                raw = stream.readline(limit)
                if not raw:
                    yield ByteRange(path, start, start + length, offset)
                    return
                if at_line_start and boundary(raw.decode("utf-8", "replace")):
                    stream.seek(-len(raw), os.SEEK_CUR)
                    break
                length += len(raw)
                at_line_start = raw.endswith(b"\n")
                lines += at_line_start
                if length > limit:
                    yield ByteRange(path, start, None, offset)
                    return
            yield ByteRange(path, start, start + length, offset)
            start += length
            offset += lines


def range_lines(part: ByteRange) -> Iterator[str]:
    """The decoded lines of ``part``, with :class:`InputError` at a line that is not text (as
    :func:`iter_lines` reports it)."""
    with _open(part.path) as stream:
        stream.seek(part.start)
        if part.end is None:
            yield from _decode_lines(stream, part.path, part.offset + 1)
            return
        data = stream.read(part.end - part.start)
    yield from _decode_lines(io.BytesIO(data), part.path, part.offset + 1)


class ChangedMeanwhile(Exception):
    """The file was changed by someone else while papercite was working on it."""

    def __init__(self, path: str) -> None:
        super().__init__(f"{path}: changed while papercite was working on it: not replaced (run it again)")
        self.path = path


def write_bytes_atomically(path: str, data: bytes, *, unchanged: bytes | None = None) -> None:
    """Replace ``path`` with ``data``, atomically (see :func:`atomic_output`); with ``unchanged``,
    only if the file still holds those bytes (missing counts as ``b""``), else
    :class:`ChangedMeanwhile` and the file is left as it is."""
    with atomic_output(path, unchanged=unchanged) as out:
        out.flush()
        out.buffer.write(data)


def _refuse_foreign_links(path: str) -> None:
    """Follow no symbolic link that another user owns in a world-writable sticky directory
    (``/tmp``): the kernel's ``protected_symlinks`` rule, applied here because papercite
    resolves the path itself. Raises PermissionError."""
    if not hasattr(os, "geteuid"):
        return
    me = os.geteuid()
    parts = os.path.abspath(path).split(os.sep)
    for i in range(2, len(parts) + 1):
        prefix = os.sep.join(parts[:i]) or os.sep
        try:
            link = os.lstat(prefix)
        except OSError:
            return  # from here on nothing exists to follow
        if not stat.S_ISLNK(link.st_mode) or link.st_uid == me:
            continue
        directory = os.stat(os.path.dirname(prefix) or os.sep)
        shared = directory.st_mode & stat.S_ISVTX and directory.st_mode & stat.S_IWOTH
        if shared and link.st_uid != directory.st_uid:
            raise PermissionError(
                errno.EACCES,
                f"not following {prefix}: a symbolic link of another user (uid {link.st_uid}) in a shared "
                f"directory",
            )


def _current_bytes(path: str) -> bytes:
    try:
        with open(path, "rb") as f:
            return f.read()
    except FileNotFoundError:
        return b""


@contextlib.contextmanager
def atomic_output(path: str, *, unchanged: bytes | None = None) -> Iterator[TextIO]:
    """Write a text file so that readers see either the old or the complete new content.

    The data goes to a temporary file in the same directory, which is synced
    and renamed over ``path`` only when the block ends without an exception;
    otherwise (an error, Ctrl-C, SIGTERM) it is removed and an existing ``path``
    is left untouched. A symbolic link stays a link: the file it points to is
    replaced, unless the link belongs to another user in a shared directory such
    as ``/tmp``. A path that is not a regular file (``/dev/null``, ``/dev/stdout``,
    a named pipe) is written directly, as other tools do: renaming over it would
    destroy it. With ``unchanged``, the file is replaced only if it still holds
    those bytes (:class:`ChangedMeanwhile` otherwise).
    """
    _refuse_foreign_links(path)
    path = os.path.realpath(path)
    try:
        status = os.stat(path)
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        mode = 0o666 & ~umask
    else:
        if not stat.S_ISREG(status.st_mode):
            with open(path, "w", encoding="utf-8", newline="\n") as out:
                yield out
            return
        mode = status.st_mode & 0o777
    directory = os.path.dirname(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{os.path.basename(path)}.", suffix=".tmp", dir=directory)
    try:
        with open(fd, "w", encoding="utf-8", newline="\n") as out:
            yield out
            out.flush()
            os.fsync(out.fileno())
        os.chmod(tmp, mode)
        if unchanged is not None and _current_bytes(path) != unchanged:
            raise ChangedMeanwhile(path)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
