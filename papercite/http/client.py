"""The HTTP layer every enricher shares: one pooled session, polite retries, a cache.

- Every call has a timeout. Connection failures are retried by urllib3's
  ``Retry`` (mounted on the session); read timeouts, truncated bodies, 5xx and
  rate-limit answers are retried here, because the decision needs the
  response: ``Retry-After``, GitHub's ``x-ratelimit-*`` and the Hub's
  ``RateLimit`` header say how long to wait. A wait up to ``max_wait`` is
  waited; a longer one is reported (:class:`RateLimited`) and the host is not
  asked again before its reset, so a long run does not keep hammering it.
- ``--timeout`` bounds a whole request, from sending it to the last byte of the
  answer: a watchdog shuts the socket down at the deadline (urllib3's read
  timeout only bounds each wait for bytes), and such a request is not retried.
- A host that cannot be reached at all fails its other requests at once.
- A per-host cap on requests in flight (:meth:`HttpClient.cap`).
- A persistent cache (requests-cache, SQLite in the user cache directory, JSON
  entries and private files: :mod:`papercite.http.cache`):
  answers younger than ``max_cache_age`` are served without a request, older
  ones are revalidated with ``If-None-Match`` (a 304 is cheap, and free of
  GitHub's rate limit). ``Authorization`` is never stored and is part of
  the cache key only as "authenticated or not". An unreadable cache is
  rebuilt with a warning. Failures (401, 403, 429, 5xx) are never cached.
- Redirects are followed only within the origin that was asked, so nothing a
  service answers can make papercite (or a token) go to another host; a token
  goes only to https URLs under its service's API (:func:`token_problem`).
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as _dt
import email.utils
import ipaddress
import re
import socket
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

import orjson
import requests
import urllib3
from requests.adapters import HTTPAdapter
from urllib3.exceptions import MaxRetryError
from urllib3.util.retry import Retry

from papercite import __version__
from papercite.http import cache as httpcache
from papercite.http.cache import without_credentials
from papercite.http.settings import HttpSettings as HttpSettings  # where callers of the client find it
from papercite.links.urls import has_dot_segments

USER_AGENT = f"papercite/{__version__} (+https://pypi.org/project/papercite/)"
MAX_REDIRECTS = 5
DEFAULT_CAP = 4
LOCK_WAIT = 10.0  # seconds to wait for a cache another process has locked
# Worth keeping between runs: a missing repository stays missing, a redirect
# stays a redirect. Failures are never cached: not a 401 (a token rejected now may be
# replaced by the next run), 403, 429 or 5xx; a 200 that carries an error (GraphQL) is
# taken out again by the caller (HttpClient.forget).
_CACHED_CODES = (200, 301, 302, 307, 308, 404, 410, 451)
_STORED_FOR = _dt.timedelta(days=3650)  # how long entries stay; freshness is decided by max_cache_age


@dataclass(frozen=True)
class Answer:
    """A response, read completely. ``redirects`` are the URLs followed to get here."""

    url: str
    status: int
    headers: Mapping[str, str]
    body: bytes
    redirects: tuple[tuple[int, str], ...] = ()  # (status, location) of each hop
    from_cache: bool = False
    cache_key: str | None = None  # where the cache holds it, for HttpClient.forget

    def json(self) -> Any:
        try:
            return orjson.loads(self.body)
        except orjson.JSONDecodeError:
            raise ServiceError(
                f"unreadable answer from {without_credentials(self.url)} (HTTP {self.status})", self.status
            ) from None


class ServiceError(Exception):
    """The service could not be asked or gave no usable answer, after retries."""

    def __init__(self, detail: str, http_status: int | None = None) -> None:
        super().__init__(detail)
        self.detail = detail
        self.http_status = http_status


class RateLimited(ServiceError):
    """The service's rate limit is exhausted until ``reset`` (longer than worth waiting)."""

    def __init__(self, host: str, reset: float | None, http_status: int | None = None) -> None:
        when = (
            _dt.datetime.fromtimestamp(reset, _dt.timezone.utc).strftime("%Y-%m-%d %H:%M:%S UTC")
            if reset
            else "an unknown time"
        )
        super().__init__(f"rate limit of {host} exhausted until {when}", http_status)
        self.reset = reset


class Offline(ServiceError):
    def __init__(self) -> None:
        super().__init__("not checked: offline")


@dataclass
class Stats:
    """What a run cost: requests sent (conditional ones among them) and answers from the cache."""

    requests: int = 0
    conditional: int = 0
    cached: int = 0
    by_host: dict[str, int] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def sent(self, request: requests.PreparedRequest) -> None:
        host = urlsplit(request.url or "").netloc
        with self._lock:
            self.requests += 1
            self.by_host[host] = self.by_host.get(host, 0) + 1
            if "If-None-Match" in request.headers or "If-Modified-Since" in request.headers:
                self.conditional += 1


class _Watch:
    """One request's deadline, and whether the watchdog had to end the request."""

    def __init__(self, seconds: float) -> None:
        self.at = time.monotonic() + seconds
        self.timer: threading.Timer | None = None
        self.expired = False

    def expire(self, sock: Any) -> None:
        self.expired = True
        if sock is not None:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)


_current = threading.local()  # .watch: the _Watch of the request this thread is sending


class _GuardedConnection:
    """A connection that a watchdog shuts down when its request passes its deadline.

    urllib3's read timeout bounds each wait for bytes, so a server that sends a byte
    just before each timeout could hold a request for ever; shutting the socket down
    ends the status line, headers or body being read, wherever they are."""

    sock: Any

    def request(self, *args: Any, **kwargs: Any) -> Any:
        result = super().request(*args, **kwargs)  # type: ignore[misc]
        watch = getattr(_current, "watch", None)
        if watch is not None:
            # The socket is taken now: http.client hands it to the response and forgets it
            # when the server closes the connection after answering.
            sock = self.sock
            timer = threading.Timer(max(0.0, watch.at - time.monotonic()), watch.expire, (sock,))
            timer.daemon = True
            timer.start()
            watch.timer = timer
        return result


class _GuardedHTTP(_GuardedConnection, urllib3.connection.HTTPConnection):
    pass


class _GuardedHTTPS(_GuardedConnection, urllib3.connection.HTTPSConnection):
    pass


class _GuardedHTTPPool(urllib3.HTTPConnectionPool):
    ConnectionCls = _GuardedHTTP


class _GuardedHTTPSPool(urllib3.HTTPSConnectionPool):
    ConnectionCls = _GuardedHTTPS


_GUARDED_POOLS = {"http": _GuardedHTTPPool, "https": _GuardedHTTPSPool}


class _Adapter(HTTPAdapter):
    """Counts what really goes on the wire (the cache answers before it gets here) and gives
    each request ``total`` seconds, from sending it to the last byte of the answer."""

    def __init__(self, stats: Stats, total: float, **kwargs: Any) -> None:
        self._stats = stats
        self._total = total
        super().__init__(**kwargs)

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = _GUARDED_POOLS

    def proxy_manager_for(self, proxy: str, **proxy_kwargs: Any) -> Any:
        manager = super().proxy_manager_for(proxy, **proxy_kwargs)
        if hasattr(manager, "pool_classes_by_scheme"):
            manager.pool_classes_by_scheme = _GUARDED_POOLS
        return manager

    def send(self, request: requests.PreparedRequest, stream: bool = False, **kwargs: Any) -> requests.Response:
        self._stats.sent(request)
        watch = _current.watch = _Watch(self._total)
        try:
            response = super().send(request, stream=True, **kwargs)
            if not stream:
                response.content  # noqa: B018 - read the body now, within the deadline
        except requests.RequestException:
            if watch.expired:
                raise requests.ReadTimeout(f"no complete answer within {self._total:g} s") from None
            raise
        finally:
            if watch.timer is not None:
                watch.timer.cancel()
            _current.watch = None
        if watch.expired:  # a body read until the connection closed, cut short by the watchdog
            response.close()
            raise requests.ReadTimeout(f"no complete answer within {self._total:g} s")
        return response


_HEADER_VALUE = re.compile(r"[\x21-\x7e]+")  # what a token may hold: printable ASCII, no space


def _loopback(host: str | None) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host or "").is_loopback
    except ValueError:
        return False


def token_problem(url: str, scope: str) -> str | None:
    """Why a token must not go to ``url`` (of a service whose API is under ``scope``), or None."""
    parts = urlsplit(url)
    if parts.scheme != "https" and not (parts.scheme == "http" and _loopback(parts.hostname)):
        return f"{origin(url)} is not https"
    if has_dot_segments(parts.path):
        return f"the path of {origin(url)}{parts.path} has . or .. segments"
    if not without_credentials(url).lower().startswith(without_credentials(scope).lower()):
        return f"{origin(url)}{parts.path} is outside the service's API ({without_credentials(scope)})"
    return None


def origin(url: str) -> str:
    """``scheme://host[:port]`` of a URL, lower-cased, without credentials (``user:pass@``)."""
    parts = urlsplit(url)
    return f"{parts.scheme.lower()}://{parts.netloc.rpartition('@')[2].lower()}"


def _cache_key(request: requests.PreparedRequest, **kwargs: Any) -> str:
    """requests-cache's key, plus whether the request was authenticated: a token can see
    what an anonymous request cannot, so the two answers must not be mixed up."""
    from requests_cache import create_key

    key = create_key(request, **kwargs)
    return key + "-auth" if request.headers.get("Authorization") else key


_RATELIMIT_T = re.compile(r"(?:^|;)\s*t=(\d+)")
_RATELIMIT_R = re.compile(r"(?:^|;)\s*r=(\d+)")


def _exhausted(response: requests.Response) -> bool:
    """Does a successful answer say that the next request would be refused?"""
    if response.headers.get("x-ratelimit-remaining") == "0":  # GitHub
        return True
    m = _RATELIMIT_R.search(response.headers.get("RateLimit", ""))  # the Hub: "api";r=0;t=55
    return bool(m) and m.group(1) == "0"


def rate_limit_wait(response: requests.Response, now: float) -> float | None:
    """Seconds until the service says it will answer again, from its headers, if it says."""
    headers = response.headers
    retry_after = headers.get("Retry-After")
    if retry_after:
        if retry_after.strip().isdigit():
            return float(retry_after)
        with contextlib.suppress(TypeError, ValueError):
            return max(0.0, email.utils.parsedate_to_datetime(retry_after).timestamp() - now)
    if headers.get("x-ratelimit-remaining") == "0" and headers.get("x-ratelimit-reset", "").isdigit():
        return max(0.0, float(headers["x-ratelimit-reset"]) - now)  # GitHub: epoch seconds
    m = _RATELIMIT_T.search(headers.get("RateLimit", ""))  # the Hub: "api";r=0;t=55
    if m:
        return float(m.group(1))
    return None


def _is_rate_limited(response: requests.Response) -> bool:
    if response.status_code == 429:
        return True
    # GitHub answers 403 for its primary (remaining 0) and secondary (retry-after) limits.
    return response.status_code == 403 and (
        response.headers.get("x-ratelimit-remaining") == "0" or "Retry-After" in response.headers
    )


class HttpClient:
    """One session for all enrichers of a run. Thread-safe; use as a context manager."""

    def __init__(
        self,
        settings: HttpSettings | None = None,
        warn: Callable[[str, str], None] | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.settings = settings or HttpSettings()
        self.stats = Stats()
        self._warn = warn or (lambda where, message: None)
        self._sleep = sleep
        self._caps: dict[str, threading.BoundedSemaphore] = {}
        self._blocked: dict[str, float] = {}  # origin -> epoch seconds of its rate-limit reset
        self._unreachable: dict[str, str] = {}  # origin -> why it cannot be reached at all, this run
        self._env: dict[str, dict[str, Any]] = {}
        self._paces: dict[str, float] = {}  # origin -> seconds between requests
        self._next: dict[str, float] = {}  # origin -> monotonic time its next request may start
        self._lock = threading.Lock()
        self._session = self._open_session()

    def __enter__(self) -> HttpClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._session.close()

    # -- session and cache ------------------------------------------------------

    def _mount(self, session: requests.Session, *, probe: bool = False) -> requests.Session:
        """``session`` with papercite's adapter: counted, deadline-bound, connections retried
        by urllib3 (not for a ``probe``, which makes one attempt within 5 s)."""
        retry = Retry(
            total=None,
            connect=0 if probe else self.settings.retries,
            read=False,  # read failures (re-raised as they are) and statuses are retried in _send
            status=0,
            other=0,
            redirect=False,
            backoff_factor=self.settings.backoff / 2,  # urllib3 waits factor * 2**(n-1)... from the 2nd retry
            allowed_methods=None,
            raise_on_status=False,
            respect_retry_after_header=False,
        )
        total = min(self.settings.timeout, 5.0) if probe else self.settings.timeout
        adapter = _Adapter(self.stats, total, max_retries=retry, pool_maxsize=16)
        session.mount("http://", adapter)
        session.mount("https://", adapter)
        session.headers["User-Agent"] = USER_AGENT
        session.trust_env = False  # no ~/.netrc credentials; proxies come from _environment
        return session

    def _open_session(self) -> requests.Session:
        if not self.settings.cache or self.settings.offline:
            return self._mount(requests.Session())
        path = self.settings.cache_path
        try:
            httpcache.prepare(path)
        except httpcache.UnsafeCache as exc:
            self._warn(str(path), f"{exc}: not used; running without a cache")
            return self._mount(requests.Session())
        locked = f"cache locked by another program for {LOCK_WAIT:g} s; running without it"
        if not self._writable_soon(path):
            self._warn(str(path), locked)
            return self._mount(requests.Session())
        deadline = time.monotonic() + LOCK_WAIT
        while True:
            try:
                return self._mount(self._cached_session(path))
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc):
                    self._warn(str(path), f"cache unreadable ({exc}); rebuilding it")
                    break
                # Another papercite is opening the same cache this moment: wait, never rebuild.
                if time.monotonic() > deadline:
                    self._warn(str(path), locked)
                    return self._mount(requests.Session())
                self._sleep(0.05)
            except (sqlite3.Error, OSError) as exc:
                self._warn(str(path), f"cache unreadable ({exc}); rebuilding it")
                break
        try:
            for suffix in ("", "-wal", "-shm", "-journal"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
            httpcache.prepare(path)
            return self._mount(self._cached_session(path))
        except (sqlite3.Error, OSError, httpcache.UnsafeCache) as exc:
            self._warn(str(path), f"cache unusable ({exc}); running without it")
            return self._mount(requests.Session())

    @staticmethod
    def _writable_soon(path: Path) -> bool:
        """Can the cache be written within :data:`LOCK_WAIT`? requests-cache waits for a write
        lock without end, so a program holding one (another run that hangs, a database browser)
        would hang papercite; this waits a bounded time instead. A corrupt file passes here and
        is rebuilt by the caller."""
        if not path.exists():
            return True
        try:
            with contextlib.closing(sqlite3.connect(path, timeout=LOCK_WAIT)) as db:
                db.execute("BEGIN IMMEDIATE")
                db.rollback()
        except sqlite3.OperationalError as exc:
            return "locked" not in str(exc)
        except sqlite3.Error:
            pass
        return True

    def _cached_session(self, path: Path) -> requests.Session:
        from requests_cache import CachedSession  # imported only when a cache is used

        session = CachedSession(
            str(path),
            backend="sqlite",
            serializer=httpcache.serializer(),
            expire_after=_STORED_FOR,
            allowable_codes=_CACHED_CODES,
            allowable_methods=("GET", "POST"),  # POST: GraphQL queries, keyed by their body
            cache_control=False,  # our max age, not the service's (GitHub says 60 s)
            key_fn=_cache_key,
            wal=True,  # readers do not wait for writers: ~7% less overhead with 4 requests in flight
        )
        len(session.cache.responses)  # touch the file now: a corrupt one fails here, not mid-run
        return session

    def _drop_cache(self, exc: Exception) -> None:
        with self._lock:
            if getattr(self._session, "cache", None) is None:
                return
            self._warn(str(self.settings.cache_path), f"cache failed ({exc}); continuing without it")
            old, self._session = self._session, self._mount(requests.Session())
            old.close()

    def reaches(self, url: str) -> bool:
        """Does the service at ``url`` answer at all (any HTTP status), through the proxy and
        CA settings a check would use? One attempt, no cache: for ``--skip-if-offline``."""
        with self._mount(requests.Session(), probe=True) as session:
            try:
                timeout = min(self.settings.timeout, 5.0)
                session.head(url, timeout=timeout, allow_redirects=False, **self._environment(url)).close()
            except requests.RequestException:
                return False
        return True

    def _cannot_reach(self, host: str, reason: str) -> ServiceError:
        error = ServiceError(f"cannot connect to {host} ({reason})")
        with self._lock:
            self._unreachable[host] = error.detail
        return error

    def forget(self, answer: Answer) -> None:
        """Take ``answer`` out of the cache: a 200 that carries a failure (a GraphQL rate limit,
        an error instead of data) must be asked again by the next run."""
        cache = getattr(self._session, "cache", None)
        if cache is None or not answer.cache_key:
            return
        try:
            cache.delete(answer.cache_key)
        except (sqlite3.Error, OSError) as exc:
            self._drop_cache(exc)

    # -- limits -----------------------------------------------------------------

    def cap(self, base_url: str, requests_in_flight: int) -> None:
        """Allow at most ``requests_in_flight`` concurrent requests to the origin of ``base_url``."""
        with self._lock:
            self._caps[origin(base_url)] = threading.BoundedSemaphore(max(1, requests_in_flight))

    def pace(self, base_url: str, seconds: float) -> None:
        """Leave at least ``seconds`` between requests to the origin of ``base_url`` (answers
        from the cache do not count): arXiv asks for one request every 3 seconds."""
        with self._lock:
            self._paces[origin(base_url)] = seconds

    def _keep_pace(self, url: str) -> None:
        host = origin(url)
        interval = self._paces.get(host)
        if not interval:
            return
        with self._lock:
            start = max(time.monotonic(), self._next.get(host, 0.0))
            self._next[host] = start + interval
        wait = start - time.monotonic()
        if wait > 0:
            self._sleep(wait)

    def capacity(self, base_url: str) -> int:
        """How many requests the origin of ``base_url`` takes at once."""
        slot = self._caps.get(origin(base_url))
        return slot._initial_value if slot else DEFAULT_CAP  # type: ignore[attr-defined]

    @contextlib.contextmanager
    def _slot(self, host: str) -> Iterator[None]:
        with self._lock:
            slot = self._caps.setdefault(host, threading.BoundedSemaphore(DEFAULT_CAP))
        with slot:
            yield

    def _wait_for_reset(self, host: str) -> None:
        reset = self._blocked.get(host)
        if reset is None:
            return
        wait = reset - time.time()
        if wait <= 0:
            self._blocked.pop(host, None)
        elif wait <= self.settings.max_wait:
            self._sleep(wait)
        else:
            raise RateLimited(host, reset)

    # -- requests ---------------------------------------------------------------

    def _fetch(self, method: str, url: str, headers: dict[str, str], body: bytes | None) -> requests.Response:
        """One request through the cache: a fresh cached answer, else the network (conditionally
        when the cached answer has a validator)."""
        session = self._session
        request = session.prepare_request(requests.Request(method, url, headers=headers, data=body))
        kwargs: dict[str, Any] = {"timeout": self.settings.timeout, "allow_redirects": False, **self._environment(url)}
        cache = getattr(session, "cache", None)
        if cache is None:
            self._keep_pace(url)
            return session.send(request, **kwargs)
        cached = cache.get_response(cache.create_key(request))
        # Permanent redirects are cacheable for good (GitHub's point at a stable repository id).
        if cached is not None and (cached.status_code in (301, 308) or self._fresh(cached)):
            return cached
        self._keep_pace(url)
        return session.send(request, refresh=True, **kwargs)

    def _environment(self, url: str) -> dict[str, Any]:
        """Proxy and CA settings from the environment (HTTPS_PROXY, NO_PROXY, REQUESTS_CA_BUNDLE),
        worked out once per host: requests would redo it for every request, at ~0.5 ms each."""
        key = origin(url)
        settings = self._env.get(key)
        if settings is None:
            with requests.Session() as probe:
                settings = probe.merge_environment_settings(url, {}, None, None, None)
            self._env[key] = settings
        return settings

    def _fresh(self, cached: Any) -> bool:
        """Was the answer fetched or revalidated within ``max_cache_age``? Entries are stored for
        :data:`_STORED_FOR`, so their expiry says when they were last confirmed, and a
        shorter ``--max-cache-age`` applies to answers cached by earlier runs too."""
        expires = getattr(cached, "expires", None)
        if expires is None:
            return False
        confirmed = expires - _STORED_FOR
        age = _dt.datetime.now(_dt.timezone.utc) - confirmed.replace(tzinfo=confirmed.tzinfo or _dt.timezone.utc)
        return age.total_seconds() <= self.settings.max_cache_age

    def get(
        self,
        url: str,
        *,
        headers: Mapping[str, str] | None = None,
        token: str | None = None,
        scope: str | None = None,
    ) -> Answer:
        """GET ``url``, following redirects within its origin (with a token, within ``scope``)."""
        return self._follow("GET", url, headers, token, None, scope)

    def post_json(
        self,
        url: str,
        payload: Any,
        *,
        headers: Mapping[str, str] | None = None,
        token: str | None = None,
        scope: str | None = None,
    ) -> Answer:
        """POST a JSON body (a GraphQL query) to ``url``."""
        return self._follow("POST", url, headers, token, orjson.dumps(payload), scope)

    def _follow(
        self,
        method: str,
        url: str,
        headers: Mapping[str, str] | None,
        token: str | None,
        body: bytes | None,
        scope: str | None,
    ) -> Answer:
        """Ask ``url`` and follow its redirects. A ``token`` goes only to URLs under ``scope``
        (the service's API root; default: the origin asked), over https (plain http only to
        loopback, for tests), and never to a path with ``.`` or ``..`` segments."""
        hops: list[tuple[int, str]] = []
        start = origin(url)
        if token:
            scope = scope or start + "/"
            problem = token_problem(url, scope)
            if problem:
                raise ServiceError(f"token not sent: {problem}")
        while True:
            answer = self._send(method, url, headers, token, body)
            location = answer.headers.get("Location")
            if answer.status not in (301, 302, 303, 307, 308) or not location:
                break
            target = urljoin(url, location)
            if origin(target) != start or len(hops) >= MAX_REDIRECTS:
                break  # the caller sees the redirect itself and decides what it means
            if token and scope and token_problem(target, scope):
                break  # the token stays inside the service's API
            hops.append((answer.status, target))
            url = target
            if answer.status == 303:
                method, body = "GET", None
        return dataclasses.replace(answer, redirects=tuple(hops))

    def _send(
        self, method: str, url: str, headers: Mapping[str, str] | None, token: str | None, body: bytes | None
    ) -> Answer:
        if self.settings.offline:
            raise Offline()
        host = origin(url)
        request_headers = dict(headers or {})
        if token:
            if not _HEADER_VALUE.fullmatch(token):
                raise ServiceError("token not sent: it holds characters an HTTP header cannot carry")
            request_headers["Authorization"] = f"Bearer {token}"
        if body is not None:
            request_headers["Content-Type"] = "application/json"
        failure: ServiceError | None = None
        with self._slot(host):
            if host in self._unreachable:  # its other links fail at once, not each after the retries
                raise ServiceError(self._unreachable[host])
            for attempt in range(self.settings.retries + 1):
                pause = self.settings.backoff * 2**attempt
                self._wait_for_reset(host)
                try:
                    response = self._fetch(method, url, request_headers, body)
                    content = response.content  # a truncated body fails here
                except sqlite3.Error as exc:
                    self._drop_cache(exc)
                    failure, pause = ServiceError(f"cache failed: {exc}"), 0.0
                except requests.ConnectTimeout:
                    raise self._cannot_reach(host, "timed out, after retries") from None
                except requests.Timeout:
                    # Not tried again: --timeout bounds the whole request, retries included.
                    raise ServiceError(f"no answer from {host} within {self.settings.timeout:g} s") from None
                except (requests.exceptions.ChunkedEncodingError, requests.exceptions.ContentDecodingError) as exc:
                    failure = ServiceError(f"incomplete answer from {host} ({_reason(exc)})")
                except requests.ConnectionError as exc:
                    if exc.args and isinstance(exc.args[0], MaxRetryError):
                        # urllib3 has already retried connecting (name resolution, refused, TLS):
                        # nothing more to gain here, nor from the host's other links.
                        raise self._cannot_reach(host, _reason(exc)) from None
                    failure = ServiceError(f"connection to {host} lost ({_reason(exc)})")  # e.g. reset mid-answer
                except requests.RequestException as exc:
                    raise ServiceError(f"request to {host} failed ({_reason(exc)})") from None
                else:
                    now = time.time()
                    wait = rate_limit_wait(response, now)
                    if _is_rate_limited(response):
                        reset = now + wait if wait is not None else None
                        failure = RateLimited(host, reset, response.status_code)
                        if wait is not None and wait > self.settings.max_wait:
                            self._blocked[host] = now + wait
                            raise failure
                        pause = wait if wait is not None else pause
                    elif response.status_code >= 500:
                        failure = ServiceError(f"server error from {host}", response.status_code)
                        pause = min(wait, self.settings.max_wait) if wait is not None else pause
                    else:
                        if _exhausted(response) and wait is not None:
                            self._blocked[host] = now + wait  # the next request would be refused
                        from_cache = bool(getattr(response, "from_cache", False))
                        if from_cache:
                            with self._lock:
                                self.stats.cached += 1
                        key = getattr(response, "cache_key", None)
                        return Answer(
                            response.url or url, response.status_code, response.headers, content, (), from_cache, key
                        )
                if attempt < self.settings.retries:
                    self._sleep(pause)
        assert failure is not None
        if isinstance(failure, RateLimited):
            raise failure
        status = f"HTTP {failure.http_status}, " if failure.http_status else ""
        raise ServiceError(f"{failure.detail} ({status}{self.settings.retries + 1} attempts)", failure.http_status)


def _reason(exc: Exception) -> str:
    """The innermost reason of a requests/urllib3 exception, without its URL."""
    text = str(exc.args[0] if exc.args else exc)
    m = re.search(r"\((?:[^()]*: )?([^()]*)\)+$", text)
    return (m.group(1) if m else text).strip() or type(exc).__name__
