"""Per-host limits of one HTTP client: requests in flight, the pace between requests, and a
rate-limit reset to wait for (or to refuse requests until, when it is too far away)."""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable, Iterator

from papercite.http.answers import RateLimited
from papercite.http.transport import origin

DEFAULT_CAP = 4  # requests in flight to a host no service declared


class HostLimits:
    """The limits of each origin (``scheme://host[:port]``); thread-safe."""

    def __init__(self, max_wait: float, sleep: Callable[[float], None] = time.sleep) -> None:
        self._max_wait = max_wait
        self._sleep = sleep
        self._caps: dict[str, threading.BoundedSemaphore] = {}
        self._paces: dict[str, float] = {}  # origin -> seconds between requests
        self._next: dict[str, float] = {}  # origin -> monotonic time its next request may start
        self.blocked: dict[str, float] = {}  # origin -> epoch seconds of its rate-limit reset
        self._lock = threading.Lock()

    def cap(self, base_url: str, requests_in_flight: int) -> None:
        with self._lock:
            self._caps[origin(base_url)] = threading.BoundedSemaphore(max(1, requests_in_flight))

    def pace(self, base_url: str, seconds: float) -> None:
        with self._lock:
            self._paces[origin(base_url)] = seconds

    def capacity(self, base_url: str) -> int:
        slot = self._caps.get(origin(base_url))
        return slot._initial_value if slot else DEFAULT_CAP  # type: ignore[attr-defined]

    def keep_pace(self, url: str) -> None:
        """Wait until a request to ``url``'s origin may start."""
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

    @contextlib.contextmanager
    def slot(self, host: str) -> Iterator[None]:
        """One of the requests in flight ``host`` allows, for the time of the block."""
        with self._lock:
            slot = self._caps.setdefault(host, threading.BoundedSemaphore(DEFAULT_CAP))
        with slot:
            yield

    def wait_for_reset(self, host: str) -> None:
        """Wait for ``host``'s rate-limit reset if it is near; :class:`RateLimited` if it is not."""
        reset = self.blocked.get(host)
        if reset is None:
            return
        wait = reset - time.time()
        if wait <= 0:
            self.blocked.pop(host, None)
        elif wait <= self._max_wait:
            self._sleep(wait)
        else:
            raise RateLimited(host, reset)
