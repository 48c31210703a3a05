"""Dates beyond a plain day: EDTF as biblatex and the record model keep them, CSL's date objects.

The record model's ``date`` is the machine-readable start (year, month, day, as precise as
known); a date that says more — a range (``2001/2003``), a season (``2017-21``, EDTF's
spring), circa or uncertain (``2017~``, ``2017?``), a year before 1 (``-0044``), a literal
(``Spring term 2019``) — is also kept whole as the EDTF text of the ``issued`` variable, so
formats that can hold it (biblatex ``date``, CSL date objects) write it back.
"""

from __future__ import annotations

import datetime as _dt
import re
from typing import Any

from papercite.model import DatePrecision

_PRECISIONS: tuple[DatePrecision, ...] = ("year", "month", "day")
_PART = re.compile(r"(-?\d{1,4})(?:-(\d{2}|XX))?(?:-(\d{2}|XX))?([~?%]?)")
_PLAIN = re.compile(r"\d{4}(?:-\d{2}(?:-\d{2})?)?")


def date_from_parts(numbers: list[int]) -> tuple[_dt.date | None, DatePrecision]:
    """``[2023]``, ``[2023, 8]`` or ``[2023, 8, 7]`` -> a date and how precisely it is known."""
    try:
        if len(numbers) >= 3:  # more parts than a day (a time) are ignored
            return _dt.date(numbers[0], numbers[1], numbers[2]), "day"
        if not numbers:
            return None, "day"
        return _dt.date(*numbers, *[1] * (3 - len(numbers))), _PRECISIONS[len(numbers) - 1]
    except (TypeError, ValueError):
        if len(numbers) > 1:  # an impossible day or a season (month 21): the year still holds
            return date_from_parts(numbers[:2] if len(numbers) > 2 and 1 <= numbers[1] <= 12 else numbers[:1])
        return None, "day"


def _parts(text: str) -> list[int] | None:
    m = _PART.fullmatch(text.strip())
    if not m:
        return None
    return [int(g) for g in m.groups()[:3] if g and g != "XX"]


def parse_edtf(text: str) -> tuple[_dt.date | None, DatePrecision, bool]:
    """(start date, precision, whether the text says more than that date) of an EDTF date;
    a text that is not one gives the year found in it, if any."""
    text = text.strip()
    if _PLAIN.fullmatch(text):
        date, precision = date_from_parts([int(p) for p in text.split("-")])
        return date, precision, date is None or len(text.split("-")) > {"year": 1, "month": 2, "day": 3}[precision]
    start = text.split("/", 1)[0]
    parts = _parts(start) if start not in ("", "..") else None
    if parts is None:
        year = re.search(r"(?<!\d)\d{4}(?!\d)", text)
        parts = [int(year.group())] if year else []
    date, precision = date_from_parts(parts)
    return date, precision, True


def edtf_from_csl(value: Any) -> str | None:
    """The EDTF text of a CSL date object that is more than a plain date (None if it is not)."""
    if not isinstance(value, dict):
        return None
    parts = value.get("date-parts")
    if value.get("literal") and not parts:
        return str(value["literal"])
    if not isinstance(parts, list) or not parts:
        return str(value["raw"]) if value.get("raw") and not _PLAIN.fullmatch(str(value["raw"])) else None
    texts = []
    for part in parts[:2]:
        if not isinstance(part, list) or not part:
            continue
        try:
            numbers = [int(str(p)) if str(p).lstrip("-").isdigit() else _month_number(p) for p in part[:3]]
        except ValueError:
            return None
        if value.get("season") and len(numbers) == 1 and str(value["season"]).isdigit():
            numbers.append(20 + int(value["season"]))
        texts.append(
            "-".join(
                f"{n:05d}" if i == 0 and n < 0 else (f"{n:04d}" if i == 0 else f"{n:02d}")
                for i, n in enumerate(numbers)
            )
        )
    if not texts:
        return None
    text = "/".join(texts)
    if value.get("circa"):
        text += "~"
    if len(texts) == 1 and _PLAIN.fullmatch(text) and all(1 <= n <= 12 for n in _numbers(text)[1:2]):
        return None  # a plain date: the model's date holds it
    return text


_MONTH_WORDS = {m: i for i, m in enumerate("jan feb mar apr may jun jul aug sep oct nov dec".split(), 1)}
_SEASON_WORDS = {"spring": 21, "summer": 22, "autumn": 23, "fall": 23, "winter": 24}


def _month_number(value: Any) -> int:
    word = str(value).strip().lower()
    if word[:3] in _MONTH_WORDS:
        return _MONTH_WORDS[word[:3]]
    if word in _SEASON_WORDS:
        return _SEASON_WORDS[word]
    raise ValueError(f"not a month: {value!r}")


def month_number(value: Any) -> int | None:
    """A month (1-12) or season (21-24) given as a number or a word (``Jan``, ``March``, ``Spring``)."""
    try:
        return int(str(value)) if str(value).strip().isdigit() else _month_number(value)
    except ValueError:
        return None


def _numbers(text: str) -> list[int]:
    return [int(p) for p in re.findall(r"-?\d+", text)]


def csl_from_edtf(text: str) -> dict[str, Any]:
    """A CSL date object for an EDTF text (``literal`` when it is not one CSL can split)."""
    circa = text.endswith(("~", "?", "%"))
    body = text.rstrip("~?%")
    parts = []
    season = None
    for side in body.split("/")[:2]:
        numbers = _parts(side)
        if numbers is None:
            return {"literal": text}
        if len(numbers) >= 2 and 21 <= numbers[1] <= 24:
            season, numbers = numbers[1] - 20, numbers[:1]
        parts.append(numbers)
    out: dict[str, Any] = {"date-parts": parts}
    if season:
        out["season"] = season
    if circa:
        out["circa"] = True
    return out
