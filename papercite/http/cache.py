"""The HTTP cache on disk: what may be stored, in which format, in which directory.

Whoever can write the cache can make papercite read what they wrote, so:

- entries are JSON (requests-cache's cattrs stage, then orjson), never pickle:
  an entry that does not decode is a cache miss, and nothing in it can run;
- nothing secret is stored: the ``Authorization``, ``Proxy-Authorization`` and
  ``Cookie`` headers of the request, credentials inside a URL
  (``https://user:pass@host``), and the next request of a redirect (requests
  builds it with the token in it) are removed before an entry is written;
- the directory is created 0700 and the database 0600 (SQLite gives its -wal
  and -shm files the database's mode); a directory or database that another
  user owns, or that others can write, is not used.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import orjson

SECRET_HEADERS = ("Authorization", "Proxy-Authorization", "Cookie")


def without_credentials(url: str) -> str:
    """``url`` without a ``user:password@`` part."""
    if "@" not in url:
        return url
    parts = urlsplit(url)
    if "@" not in parts.netloc:
        return url
    return urlunsplit(parts._replace(netloc=parts.netloc.rpartition("@")[2]))


def _redact(response: Any) -> Any:
    """What of a response may be written to disk (see the module's docstring)."""
    response._next = None  # a redirect's next request, Authorization and all
    response.history = []
    response.url = without_credentials(response.url or "")
    request = response.request
    if request is not None:
        request.url = without_credentials(request.url or "")
        for name in SECRET_HEADERS:
            request.headers.pop(name, None)
    response.headers.pop("Set-Cookie", None)
    response.cookies.clear()
    return response


def _loads(data: Any) -> Any:
    try:
        return orjson.loads(data)
    except Exception:  # not JSON (an old pickle, a planted file): a miss
        return None


def serializer() -> Any:
    """requests-cache's JSON pipeline, with :func:`_redact` before it. An entry that does not
    decode becomes None, which requests-cache takes for a miss (a raised error would be
    logged on standard error for each entry)."""
    from requests_cache.serializers import SerializerPipeline, Stage
    from requests_cache.serializers.preconf import json_preconf_stage

    class SafeStructure(Stage):
        def __init__(self) -> None:
            super().__init__(json_preconf_stage, dumps=self._dumps, loads=self._loads)

        @staticmethod
        def _dumps(response: Any) -> Any:
            return json_preconf_stage.dumps(_redact(response))

        @staticmethod
        def _loads(data: Any) -> Any:
            if not isinstance(data, dict):
                return None
            try:
                return json_preconf_stage.loads(data)
            except Exception:  # cattrs raises ExceptionGroups, not only ValueError
                return None

    return SerializerPipeline(
        [SafeStructure(), Stage(dumps=orjson.dumps, loads=_loads)], name="papercite-json", is_binary=True
    )


class UnsafeCache(Exception):
    """A cache directory or file that must not be used; the message says why."""


def _foreign(status: os.stat_result) -> str | None:
    """Why a file or directory with ``status`` is not safe to use, or None."""
    if not hasattr(os, "geteuid"):  # Windows: ACLs, not modes
        return None
    if status.st_uid != os.geteuid():
        return f"owned by another user (uid {status.st_uid})"
    if status.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
        return "writable by other users"
    return None


def prepare(path: Path) -> None:
    """Make ``path`` (the database) safe to open: its directory 0700, the file 0600.

    Raises :class:`UnsafeCache` when the directory or the file belongs to another user
    or can be written by others, or when the directory cannot be created."""
    directory = path.parent
    try:
        directory.mkdir(mode=0o700, parents=True, exist_ok=True)
        status = os.stat(directory)
    except OSError as exc:
        raise UnsafeCache(f"cannot create the cache directory ({exc.strerror or exc})") from None
    problem = _foreign(status)
    if problem:
        raise UnsafeCache(f"cache directory {directory} is {problem}")
    if hasattr(os, "geteuid") and stat.S_IMODE(status.st_mode) != 0o700:
        os.chmod(directory, 0o700)
    for suffix in ("", "-wal", "-shm", "-journal"):
        file = Path(f"{path}{suffix}")
        try:
            status = os.lstat(file)
        except FileNotFoundError:
            continue
        if stat.S_ISLNK(status.st_mode) or not stat.S_ISREG(status.st_mode):
            raise UnsafeCache(f"cache file {file} is not a regular file")
        problem = _foreign(status)
        if problem:
            raise UnsafeCache(f"cache file {file} is {problem}")
        if hasattr(os, "geteuid") and stat.S_IMODE(status.st_mode) & 0o077:
            os.chmod(file, 0o600)
    try:  # an empty file is an empty SQLite database; created here to get its mode right
        os.close(os.open(path, os.O_CREAT | os.O_WRONLY | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o600))
    except FileExistsError:
        pass  # checked above, or just made by another papercite
    except OSError as exc:
        raise UnsafeCache(f"cannot create the cache file ({exc.strerror or exc})") from None
