"""Dates as written on pages ("5 September 2017 21:21 (UTC +04:00)", "Oct 28, 2016") to ISO 8601.

A date is returned only when day, month and year are all stated: a missing year is
never filled in from today.
"""

from __future__ import annotations

import re
import warnings
from datetime import date, datetime

from dateutil import parser as date_parser

# "UTC +04:00" / "GMT+4": dateutil would read "UTC+4" POSIX-style (sign inverted), so
# keep only the offset, which it reads the ISO way.
_UTC_OFFSET = re.compile(r"\b(?:UTC|GMT)\s*([+-])\s*(\d{1,2})(?::?(\d{2}))?\b", re.IGNORECASE)
_TIME = re.compile(r"\d{1,2}:\d{2}")
# 03/04/2019 is March or April depending on the country: ambiguous, so not a date.
_NUMERIC = re.compile(r"\b(\d{1,2})[/.-](\d{1,2})[/.-]\d{2,4}\b")
_NOISE = re.compile(r"[()\[\]]")
#: What htmldate answers for every page with a date: read without dateutil, which parses
#: it twice (a third of a millisecond a page), with the same answer.
_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
# Two defaults that differ in every field: a field that comes out different was not stated.
_DEFAULT_A = datetime(2001, 1, 1, 0, 0, 0)
_DEFAULT_B = datetime(2002, 2, 2, 1, 1, 1)


def _offset(match: re.Match[str]) -> str:
    sign, hours, minutes = match.group(1), int(match.group(2)), match.group(3) or "00"
    return f" {sign}{hours:02d}:{minutes}"


def parse_date(text: str) -> str | None:
    """ISO 8601 for a stated date (with time and offset when stated), else None."""
    if _ISO_DAY.fullmatch(text):
        try:
            return date.fromisoformat(text).isoformat()
        except ValueError:  # "2019-02-30"
            return None
    return _parse_stated_date(text)


def _parse_stated_date(text: str) -> str | None:
    numeric = _NUMERIC.search(text)
    if numeric and numeric.group(1) != numeric.group(2) and max(map(int, numeric.groups())) <= 12:
        return None
    has_time = _TIME.search(text) is not None
    cleaned = _UTC_OFFSET.sub(_offset if has_time else " ", text)
    cleaned = _NOISE.sub(" ", cleaned).strip()
    if not cleaned or not any(ch.isdigit() for ch in cleaned):
        return None
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", date_parser.UnknownTimezoneWarning)
        try:
            first = date_parser.parse(cleaned, default=_DEFAULT_A, fuzzy=True)
            second = date_parser.parse(cleaned, default=_DEFAULT_B, fuzzy=True)
        except (ValueError, OverflowError):
            return None
    if caught:  # a zone name dateutil does not know ("EST"): the time is not pinned down
        return first.date().isoformat()
    if (first.year, first.month, first.day) != (second.year, second.month, second.day):
        return None
    if first.hour != second.hour:
        return first.date().isoformat()
    if first.minute != second.minute:
        first = first.replace(minute=0)
    seconds_stated = first.second == second.second
    stamp = first.replace(second=first.second if seconds_stated else 0)
    return stamp.isoformat()
