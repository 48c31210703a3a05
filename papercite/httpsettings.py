"""How papercite talks to services: the settings, apart from the HTTP client in :mod:`papercite.net`.

Every command with network options builds these, while only the ones that
make requests import ``requests`` (~50 ms of start-up for the others).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path


def env_token(environ: Mapping[str, str], *names: str) -> str | None:
    """The first token set in ``environ`` under ``names``, without surrounding white space
    (``echo $T > file`` leaves a new line that would otherwise end up in a header)."""
    for name in names:
        value = (environ.get(name) or "").strip()
        if value:
            return value
    return None


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
