"""The connections under the HTTP client: a watchdog that bounds a whole request, connections
that refuse hosts a service's answer points elsewhere, and where a token may go."""

from __future__ import annotations

import contextlib
import ipaddress
import re
import socket
import threading
import time
from typing import Any
from urllib.parse import urlsplit

import requests
import urllib3
from requests.adapters import HTTPAdapter

from papercite.http.answers import Stats
from papercite.http.cache import without_credentials
from papercite.http.settings import HttpSettings as HttpSettings  # where callers of the client find it
from papercite.links.urls import has_dot_segments


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


class Adapter(HTTPAdapter):
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

    def send(  # type: ignore[override]  # the keywords requests passes, forwarded as they are
        self, request: requests.PreparedRequest, stream: bool = False, **kwargs: Any
    ) -> requests.Response:
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


HEADER_VALUE = re.compile(r"[\x21-\x7e]+")  # what a token may hold: printable ASCII, no space


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
