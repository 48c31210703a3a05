"""The filesystem edge: reading input lines and writing outputs atomically."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from typing import BinaryIO, TextIO


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
    try:
        stream = open(path, "rb")  # noqa: SIM115 - closed below, generator-scoped
    except FileNotFoundError:
        raise InputError(path, "no such file") from None
    except IsADirectoryError:
        raise InputError(path, "is a directory, not a file") from None
    except PermissionError:
        raise InputError(path, "permission denied") from None
    except OSError as exc:
        raise InputError(path, exc.strerror or str(exc)) from None
    with stream:
        if os.path.isdir(path):  # some platforms open directories
            raise InputError(path, "is a directory, not a file")
        yield from _decode_lines(stream, path)


def _decode_lines(stream: BinaryIO, name: str) -> Iterator[str]:
    peek = getattr(stream, "peek", None)
    if peek is not None and b"\0" in peek(8192)[:8192]:
        raise InputError(name, "binary data (NUL byte): not a text file")
    for number, raw in enumerate(stream, start=1):
        if b"\0" in raw:
            raise InputError(f"{name}:{number}", "binary data (NUL byte): not a text file")
        try:
            yield raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise InputError(
                f"{name}:{number}", f"not UTF-8 text (byte 0x{raw[exc.start]:02x} at column {exc.start + 1})"
            ) from None


def write_bytes_atomically(path: str, data: bytes) -> None:
    """Replace ``path`` with ``data``, atomically (see :func:`atomic_output`)."""
    with atomic_output(path) as out:
        out.flush()
        out.buffer.write(data)


@contextlib.contextmanager
def atomic_output(path: str) -> Iterator[TextIO]:
    """Write a text file so that readers see either the old or the complete new content.

    The data goes to a temporary file in the same directory, which is synced
    and renamed over ``path`` only when the block ends without an exception;
    otherwise it is removed and an existing ``path`` is left untouched.
    """
    directory = os.path.dirname(os.path.abspath(path))
    try:
        mode = os.stat(path).st_mode & 0o777
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        mode = 0o666 & ~umask
    fd, tmp = tempfile.mkstemp(prefix=f".{os.path.basename(path)}.", suffix=".tmp", dir=directory)
    try:
        with open(fd, "w", encoding="utf-8", newline="\n") as out:
            yield out
            out.flush()
            os.fsync(out.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
