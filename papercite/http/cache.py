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

import contextlib
import datetime as _dt
import os
import stat
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit, urlunsplit

import orjson

if TYPE_CHECKING:
    import requests

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


LOCK_WAIT = 10.0  # seconds to wait for a cache another process has locked
# Worth keeping between runs: a missing repository stays missing, a redirect
# stays a redirect. Failures are never cached: not a 401 (a token rejected now may be
# replaced by the next run), 403, 429 or 5xx; a 200 that carries an error (GraphQL) is
# taken out again by the caller (HttpClient.forget).
_CACHED_CODES = (200, 301, 302, 307, 308, 404, 410, 451)
STORED_FOR = _dt.timedelta(days=3650)  # how long entries stay; freshness is decided by max_cache_age


def _cache_key(request: requests.PreparedRequest, **kwargs: Any) -> str:
    """requests-cache's key, plus whether the request was authenticated: a token can see
    what an anonymous request cannot, so the two answers must not be mixed up."""
    from requests_cache import create_key

    key = create_key(request, **kwargs)
    return key + "-auth" if request.headers.get("Authorization") else key


def open_session(
    path: Path,
    mount: Callable[[requests.Session], requests.Session],
    warn: Callable[[str, str], None],
    sleep: Callable[[float], None],
) -> requests.Session:
    """A session answering from the cache at ``path`` (``mount`` adds the client's adapter), or
    one without a cache, with a warning, when the cache is unsafe, locked for long or unusable;
    an unreadable cache is rebuilt."""
    import sqlite3  # here: the command line imports this module for without_credentials alone

    from requests import Session

    try:
        prepare(path)
    except UnsafeCache as exc:
        warn(str(path), f"{exc}: not used; running without a cache")
        return mount(Session())
    locked = f"cache locked by another program for {LOCK_WAIT:g} s; running without it"
    if not _writable_soon(path):
        warn(str(path), locked)
        return mount(Session())
    deadline = time.monotonic() + LOCK_WAIT
    while True:
        try:
            return mount(_cached_session(path))
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc):
                warn(str(path), f"cache unreadable ({exc}); rebuilding it")
                break
            # Another papercite is opening the same cache this moment: wait, never rebuild.
            if time.monotonic() > deadline:
                warn(str(path), locked)
                return mount(Session())
            sleep(0.05)
        except (sqlite3.Error, OSError) as exc:
            warn(str(path), f"cache unreadable ({exc}); rebuilding it")
            break
    try:
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        prepare(path)
        return mount(_cached_session(path))
    except (sqlite3.Error, OSError, UnsafeCache) as exc:
        warn(str(path), f"cache unusable ({exc}); running without it")
        return mount(Session())


def _writable_soon(path: Path) -> bool:
    """Can the cache be written within :data:`LOCK_WAIT`? requests-cache waits for a write
    lock without end, so a program holding one (another run that hangs, a database browser)
    would hang papercite; this waits a bounded time instead. A corrupt file passes here and
    is rebuilt by the caller."""
    if not path.exists():
        return True
    import sqlite3

    try:
        with contextlib.closing(sqlite3.connect(path, timeout=LOCK_WAIT)) as db:
            db.execute("BEGIN IMMEDIATE")
            db.rollback()
    except sqlite3.OperationalError as exc:
        return "locked" not in str(exc)
    except sqlite3.Error:
        pass
    return True


def _cached_session(path: Path) -> requests.Session:
    from requests_cache import CachedSession  # imported only when a cache is used

    session = CachedSession(
        str(path),
        backend="sqlite",
        serializer=serializer(),
        expire_after=STORED_FOR,
        allowable_codes=_CACHED_CODES,
        allowable_methods=("GET", "POST"),  # POST: GraphQL queries, keyed by their body
        cache_control=False,  # our max age, not the service's (GitHub says 60 s)
        key_fn=_cache_key,
        wal=True,  # readers do not wait for writers: ~7% less overhead with 4 requests in flight
    )
    len(session.cache.responses)  # touch the file now: a corrupt one fails here, not mid-run
    return session

