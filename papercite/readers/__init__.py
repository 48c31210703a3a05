"""Built-in readers of citation formats, each a plugin module registered like a third-party one.

(The listing reader, papercite's main input, lives in :mod:`papercite.listing`.)
This module holds what the readers share.
"""

from __future__ import annotations

import datetime as _dt

from papercite.model import DatePrecision

_PRECISIONS: tuple[DatePrecision, ...] = ("year", "month", "day")


def date_from_parts(numbers: list[int]) -> tuple[_dt.date | None, DatePrecision]:
    """``[2023]``, ``[2023, 8]`` or ``[2023, 8, 7]`` -> a date and how precisely it is known."""
    try:
        if len(numbers) >= 3:  # more parts than a day (a time) are ignored
            return _dt.date(numbers[0], numbers[1], numbers[2]), "day"
        if not numbers:
            return None, "day"
        return _dt.date(*numbers, *[1] * (3 - len(numbers))), _PRECISIONS[len(numbers) - 1]
    except (TypeError, ValueError):
        return None, "day"


def own_doi(doi: str | None, arxiv_id: str | None) -> str | None:
    """A DOI worth keeping beside the arXiv id: not the arXiv DOI, which exporters derive from the id."""
    if doi and arxiv_id and doi.lower() == f"10.48550/arxiv.{arxiv_id}".lower():
        return None
    return doi or None
