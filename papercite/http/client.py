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

import dataclasses
import datetime as _dt
import re
import sqlite3
import threading
import time
from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import urljoin

import orjson
import requests
from urllib3.exceptions import MaxRetryError
from urllib3.util.retry import Retry

from papercite import __version__
from papercite.http import cache as httpcache
from papercite.http.answers import Answer, Offline, RateLimited, ServiceError, Stats
from papercite.http.limits import HostLimits
from papercite.http.ratelimit import exhausted, is_rate_limited, rate_limit_wait
from papercite.http.settings import HttpSettings as HttpSettings  # where callers of the client find it
from papercite.http.transport import (
    HEADER_VALUE,
    Adapter,
    origin,
    token_problem,
)

USER_AGENT = f"papercite/{__version__} (+https://pypi.org/project/papercite/)"
MAX_REDIRECTS = 5
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
        self.limits = HostLimits(self.settings.max_wait, sleep)
        self._unreachable: dict[str, str] = {}  # origin -> why it cannot be reached at all, this run
        self._env: dict[str, dict[str, Any]] = {}
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
        adapter = Adapter(self.stats, total, max_retries=retry, pool_maxsize=16)
        session.mount("http://", adapter)
        session.mount("https://", adapter)
        session.headers["User-Agent"] = USER_AGENT
        session.trust_env = False  # no ~/.netrc credentials; proxies come from _environment
        return session

    def _open_session(self) -> requests.Session:
        if not self.settings.cache or self.settings.offline:
            return self._mount(requests.Session())
        return httpcache.open_session(self.settings.cache_path, self._mount, self._warn, self._sleep)

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
        self.limits.cap(base_url, requests_in_flight)

    def pace(self, base_url: str, seconds: float) -> None:
        """Leave at least ``seconds`` between requests to the origin of ``base_url`` (answers
        from the cache do not count): arXiv asks for one request every 3 seconds."""
        self.limits.pace(base_url, seconds)

    def capacity(self, base_url: str) -> int:
        """How many requests the origin of ``base_url`` takes at once."""
        return self.limits.capacity(base_url)

    # -- requests ---------------------------------------------------------------

    def _fetch(self, method: str, url: str, headers: dict[str, str], body: bytes | None) -> requests.Response:
        """One request through the cache: a fresh cached answer, else the network (conditionally
        when the cached answer has a validator)."""
        session = self._session
        request = session.prepare_request(requests.Request(method, url, headers=headers, data=body))
        kwargs: dict[str, Any] = {"timeout": self.settings.timeout, "allow_redirects": False, **self._environment(url)}
        cache = getattr(session, "cache", None)
        if cache is None:
            self.limits.keep_pace(url)
            return session.send(request, **kwargs)
        cached = cache.get_response(cache.create_key(request))
        # Permanent redirects are cacheable for good (GitHub's point at a stable repository id).
        if cached is not None and (cached.status_code in (301, 308) or self._fresh(cached)):
            return cached
        self.limits.keep_pace(url)
        return session.send(request, refresh=True, **kwargs)

    def _environment(self, url: str) -> dict[str, Any]:
        """Proxy and CA settings from the environment (HTTPS_PROXY, NO_PROXY, REQUESTS_CA_BUNDLE),
        worked out once per host: requests would redo it for every request, at ~0.5 ms each."""
        key = origin(url)
        settings = self._env.get(key)
        if settings is None:
            with requests.Session() as probe:
                settings = dict(probe.merge_environment_settings(url, {}, None, None, None))
            self._env[key] = settings
        return settings

    def _fresh(self, cached: Any) -> bool:
        """Was the answer fetched or revalidated within ``max_cache_age``? Entries are stored for
        :data:`_STORED_FOR`, so their expiry says when they were last confirmed, and a
        shorter ``--max-cache-age`` applies to answers cached by earlier runs too."""
        expires = getattr(cached, "expires", None)
        if expires is None:
            return False
        confirmed = expires - httpcache.STORED_FOR
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
            if not HEADER_VALUE.fullmatch(token):
                raise ServiceError("token not sent: it holds characters an HTTP header cannot carry")
            request_headers["Authorization"] = f"Bearer {token}"
        if body is not None:
            request_headers["Content-Type"] = "application/json"
        failure: ServiceError | None = None
        with self.limits.slot(host):
            if host in self._unreachable:  # its other links fail at once, not each after the retries
                raise ServiceError(self._unreachable[host])
            for attempt in range(self.settings.retries + 1):
                pause = self.settings.backoff * 2**attempt
                self.limits.wait_for_reset(host)
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
                    if is_rate_limited(response):
                        reset = now + wait if wait is not None else None
                        failure = RateLimited(host, reset, response.status_code)
                        if wait is not None and wait > self.settings.max_wait:
                            self.limits.blocked[host] = now + wait
                            raise failure
                        pause = wait if wait is not None else pause
                    elif response.status_code >= 500:
                        failure = ServiceError(f"server error from {host}", response.status_code)
                        pause = min(wait, self.settings.max_wait) if wait is not None else pause
                    else:
                        if exhausted(response) and wait is not None:
                            self.limits.blocked[host] = now + wait  # the next request would be refused
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
