"""How papercite talks to services: the settings, apart from the HTTP client in :mod:`papercite.http.client`.

Every command with network options builds these, while only the ones that
make requests import ``requests`` (~50 ms of start-up for the others).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class HttpSettings:
    """How the enrichers talk to services (``--timeout``, ``--cache-dir``, ...)."""

    timeout: float = 15.0  # seconds, for connecting and for each read
    retries: int = 3  # further attempts after a failed one
    backoff: float = 1.0  # first wait between attempts; doubles each time
    max_wait: float = 60.0  # longest rate-limit wait worth waiting; longer ones are reported
    cache: bool = True
    cache_dir: str | None = None  # default: the platform's user cache directory
    max_cache_age: float = 24 * 3600.0  # seconds before a cached answer is revalidated
    offline: bool = False

    @property
    def cache_path(self) -> Path:
        if self.cache_dir:
            base = Path(self.cache_dir)
        else:
            import platformdirs  # only when a cache is actually used

            base = Path(platformdirs.user_cache_dir("papercite"))
        return base / "http-cache.sqlite"
