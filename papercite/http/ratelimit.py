"""Rate limits as services announce them: ``Retry-After``, GitHub's ``x-ratelimit-*`` and the
Hub's ``RateLimit`` header."""

from __future__ import annotations

import contextlib
import email.utils
import re

import requests

from papercite.http.settings import HttpSettings as HttpSettings  # where callers of the client find it

_RATELIMIT_T = re.compile(r"(?:^|;)\s*t=(\d+)")


_RATELIMIT_R = re.compile(r"(?:^|;)\s*r=(\d+)")


def exhausted(response: requests.Response) -> bool:
    """Does a successful answer say that the next request would be refused?"""
    if response.headers.get("x-ratelimit-remaining") == "0":  # GitHub
        return True
    m = _RATELIMIT_R.search(response.headers.get("RateLimit", ""))  # the Hub: "api";r=0;t=55
    return m is not None and m.group(1) == "0"


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


def is_rate_limited(response: requests.Response) -> bool:
    if response.status_code == 429:
        return True
    # GitHub answers 403 for its primary (remaining 0) and secondary (retry-after) limits.
    return response.status_code == 403 and (
        response.headers.get("x-ratelimit-remaining") == "0" or "Retry-After" in response.headers
    )
