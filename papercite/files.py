"""The filesystem edge: reading input lines and writing outputs atomically."""

from __future__ import annotations

import contextlib
import errno
import io
import itertools
import os
import stat
import tempfile
from collections.abc import Callable, Iterator
from typing import BinaryIO, NamedTuple, TextIO

# Lines longer than this come in pieces to a reader that takes them (a CSL-JSON array written
# on one line): memory holds a piece, not the line.
LONG_LINE = 1 << 20


class InputError(Exception):
    """An input that cannot be read at all: missing, a directory, binary, not UTF-8."""

    def __init__(self, where: str, message: str) -> None:
        super().__init__(f"{where}: {message}")
        self.where = where
        self.message = message


def iter_lines(
    path: str,
    stdin: BinaryIO | None = None,
    warn: Callable[[str, str], None] | None = None,
    *,
    pieces: bool = False,
) -> Iterator[str]:
    """Yield the decoded lines of ``path`` (``-`` is ``stdin``), one at a time.

    With ``pieces``, a UTF-8 line longer than :data:`LONG_LINE` bytes (a whole CSL-JSON array
    on one line) comes in pieces, every piece but the last without the line end, so memory
    never holds it whole; :func:`whole_lines` joins them back for a reader that wants lines.

    Raises :class:`InputError` for a file that cannot be opened and, at the
    offending line, for NUL bytes or bytes that are not UTF-8 in an input whose
    encoding cannot be told. A file in UTF-16 (with its byte-order mark), Latin-1,
    GBK or another encoding charset-normalizer recognises is read, and ``warn``
    told which encoding it was.
    """
    if path == "-":
        if stdin is None:
            raise InputError("-", "no standard input")
        yield from _decode_lines(stdin, "-", piece=LONG_LINE if pieces else None)
        return
    with _open(path) as stream:
        if os.path.isdir(path):  # some platforms open directories
            raise InputError(path, "is a directory, not a file")
        lines = Lines(stream, path, detect=path.lower().endswith(DETECTED_SUFFIXES), pieces=pieces)
        yield from lines
        if lines.encoding and warn is not None:
            warn(path, f"not UTF-8: read as {lines.encoding} (detected); write it back as UTF-8")


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


# Files whose formats predate UTF-8 everywhere (JabRef's and EndNote's Latin-1 or UTF-16
# exports, GBK from Chinese databases): read in the encoding detected. CSL-JSON is UTF-8 by
# its RFC; a listing is text copied from a browser.
DETECTED_SUFFIXES = (".bib", ".bibtex", ".ris")


class Lines:
    """The decoded lines of a whole input; ``encoding`` names the one it was read in when
    that was not UTF-8 (found from a byte-order mark or by charset-normalizer, if ``detect``)."""

    def __init__(self, stream: BinaryIO, name: str, detect: bool = True, pieces: bool = False) -> None:
        self.encoding: str | None = None
        if detect:
            self._lines = self._decode(stream, name)
        else:
            self._lines = _decode_lines(stream, name, piece=LONG_LINE if pieces else None)

    def __iter__(self) -> Iterator[str]:
        return self._lines

    def _decode(self, stream: BinaryIO, name: str) -> Iterator[str]:
        peek = getattr(stream, "peek", None)
        head = peek(8192)[:8192] if peek is not None else b""
        if head.startswith((b"\xff\xfe", b"\xfe\xff")):  # UTF-16 with its byte-order mark (JabRef, Windows tools)
            self.encoding = "UTF-16"
            text = io.TextIOWrapper(stream, encoding="utf-16", errors="strict", newline="")
            try:
                yield from (line.lstrip("\ufeff") if number == 1 else line for number, line in enumerate(text, 1))
            except UnicodeDecodeError:
                raise InputError(name, "not text: a UTF-16 byte-order mark, but not UTF-16") from None
            return
        lines = _decode_lines(stream, name)
        try:
            yield from lines
        except NotUtf8 as exc:
            encoding = _detect(stream)
            if encoding is None:
                raise InputError(exc.where, exc.message) from None
            self.encoding = encoding
            # The lines before were UTF-8 (ASCII, almost always): the rest is read in the encoding found.
            for raw in itertools.chain([exc.raw], stream):
                if b"\0" in raw:
                    raise InputError(name, "binary data (NUL byte): not a text file") from None
                yield raw.decode(encoding, errors="replace")


def _detect(stream: BinaryIO) -> str | None:
    """The encoding of a seekable file that is not UTF-8, or None if it cannot be told."""
    from charset_normalizer import from_bytes

    try:
        position = stream.tell()
        stream.seek(0)
        matches = list(from_bytes(stream.read()))
        stream.seek(position)
    except (OSError, ValueError):
        return None  # standard input or a pipe: not read twice
    if not matches or matches[0].encoding in ("utf_8", "ascii"):
        return None
    best = matches[0]
    if best.language in ("Korean", "Japanese", "Chinese"):
        # A few CJK characters fit several encodings about as well; the bibliographies written in
        # one (CNKI's and Wanfang's exports, older Chinese tools) are GBK far more often than the rest.
        chinese = next((m for m in matches if m.encoding == "gb18030" and m.chaos <= best.chaos + 0.1), None)
        return chinese.encoding if chinese else best.encoding
    return best.encoding


class NotUtf8(InputError):
    """A line that is not UTF-8 (``raw`` its bytes): the caller may know another encoding."""

    def __init__(self, where: str, message: str, raw: bytes) -> None:
        super().__init__(where, message)
        self.raw = raw


def _decode_lines(stream: BinaryIO, name: str, first: int = 1, piece: int | None = None) -> Iterator[str]:
    """The lines of ``stream``, numbered from ``first`` in messages; with ``piece``, a line
    longer than that many bytes comes in pieces (cut between characters)."""
    peek = getattr(stream, "peek", None)
    if first == 1 and peek is not None and b"\0" in peek(8192)[:8192]:
        raise InputError(name, "binary data (NUL byte): not a text file")
    raws: Iterator[bytes] = iter(stream) if piece is None else iter(lambda: stream.readline(piece), b"")
    number = first
    carry = b""  # the start of a character cut at the end of the last piece
    for raw in raws:
        if carry:
            raw, carry = carry + raw, b""
        if b"\0" in raw:
            raise InputError(f"{name}:{number}", "binary data (NUL byte): not a text file")
        ended = raw.endswith(b"\n")
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            if piece is None or ended or exc.reason != "unexpected end of data" or exc.start < len(raw) - 3:
                raise NotUtf8(
                    f"{name}:{number}", f"not UTF-8 text (byte 0x{raw[exc.start]:02x} at column {exc.start + 1})", raw
                ) from None
            text, carry = raw[: exc.start].decode("utf-8"), raw[exc.start :]
        if text:
            yield text
        number += ended
    if carry:
        raise NotUtf8(f"{name}:{number}", f"not UTF-8 text (byte 0x{carry[0]:02x} at the end)", carry)


def whole_lines(lines: Iterator[str]) -> Iterator[str]:
    """The lines of ``lines`` read with ``pieces``: a long line's pieces joined back."""
    parts: list[str] = []
    for line in lines:
        if line.endswith("\n"):
            if parts:
                parts.append(line)
                line = "".join(parts)
                parts = []
            yield line
        else:
            parts.append(line)
    if parts:
        yield "".join(parts)


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
    pieces: bool = False  # a long line comes in pieces (the reader takes them)


def byte_ranges(
    path: str, boundary: Callable[[str], bool], size: int, cut: Callable[[bytes, int], int] | None = None
) -> Iterator[ByteRange]:
    """Cut a regular file into ranges of about ``size`` bytes, each from the start of a line
    where ``boundary`` holds (a record may start there) or from the start of the file.

    Only the line at each cut is decoded; the rest is counted for line numbers at C speed.
    With ``cut`` (the reader's: where a record starts inside a line, searched from a
    position in bytes that begin at a record), a long line (a CSL-JSON array on one line) is
    cut too, and its ranges come in pieces. When no boundary turns up within ``8 * size``
    bytes (an input written one item over many lines, or on one long line), the last range
    runs to the end of the file: its lines are then streamed. Raises :class:`InputError` if
    the file cannot be opened.
    """
    limit = 8 * size  # no line is read whole beyond this, so memory stays bounded
    pieces = cut is not None
    with _open(path) as stream:
        start = 0
        offset = 0
        while True:
            block = stream.read(size)
            if not block:
                return
            if cut is not None and block.rfind(b"\n") < len(block) // 2:
                # Inside a long line: cut it where a record starts, if one does in this block.
                at = cut(block, len(block) * 3 // 4)
                while at < 0 and len(block) < limit:  # records longer than a quarter of a range
                    more = stream.read(size)
                    if not more:
                        break
                    searched, block = len(block), block + more
                    at = cut(block, searched - 8)  # a "},{" may straddle the two reads
                if at > 0:
                    lines = block.count(b"\n", 0, at)
                    yield ByteRange(path, start, start + at, offset, pieces)
                    start += at
                    offset += lines
                    stream.seek(start)
                    continue
            length = len(block)
            lines = block.count(b"\n")
            at_line_start = block.endswith(b"\n")  # else the first read finishes a line
            # The first range holds a record, not only what comes before the first (a comment
            # longer than a range): its end must be a second place a record starts.
            need_record = start == 0 and not any(
                boundary(line) for line in block[: block.rfind(b"\n") + 1].decode("utf-8", "replace").splitlines(True)
            )
            while True:
                raw = stream.readline(limit)
                if not raw:
                    yield ByteRange(path, start, start + length, offset, pieces)
                    return
                if at_line_start and boundary(raw.decode("utf-8", "replace")):
                    if not need_record:
                        stream.seek(-len(raw), os.SEEK_CUR)
                        break
                    need_record = False
                length += len(raw)
                at_line_start = raw.endswith(b"\n")
                lines += at_line_start
                if length > limit:
                    yield ByteRange(path, start, None, offset, pieces)
                    return
            yield ByteRange(path, start, start + length, offset, pieces)
            start += length
            offset += lines


def range_lines(part: ByteRange) -> Iterator[str]:
    """The decoded lines of ``part``, with :class:`InputError` at a line that is not text (as
    :func:`iter_lines` reports it). A part with an end is read when this is called."""
    if part.end is None:
        return _rest_lines(part)
    with _open(part.path) as stream:
        stream.seek(part.start)
        data = stream.read(part.end - part.start)
    if b"\0" not in data:
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            pass  # the line by line path says where
        else:
            # The part is in memory and all text: split at C speed (on "\n" only, as bytes are),
            # and handed over without a generator between the lines and the reader.
            return iter(io.StringIO(text, newline="\n"))
    return _decode_lines(io.BytesIO(data), part.path, part.offset + 1, LONG_LINE if part.pieces else None)


def _rest_lines(part: ByteRange) -> Iterator[str]:
    with _open(part.path) as stream:
        stream.seek(part.start)
        yield from _decode_lines(stream, part.path, part.offset + 1, LONG_LINE if part.pieces else None)


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
