"""What the HTTP client hands back: an answer, the errors of a service, and counts of what it did."""

from __future__ import annotations

import datetime as _dt
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import orjson

from papercite.http.cache import without_credentials

if TYPE_CHECKING:
    from requests import PreparedRequest


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

    def sent(self, request: PreparedRequest) -> None:
        host = urlsplit(request.url or "").netloc
        with self._lock:
            self.requests += 1
            self.by_host[host] = self.by_host.get(host, 0) + 1
            if "If-None-Match" in request.headers or "If-Modified-Since" in request.headers:
                self.conditional += 1
