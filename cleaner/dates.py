"""Dates as written on pages ("5 September 2017 21:21 (UTC +04:00)", "Oct 28, 2016") to ISO 8601.

A date is returned only when day, month and year are all stated: a missing year is
never filled in from today.

Besides English, month names in German, French, Spanish, Portuguese, Italian, Dutch,
Russian and Polish (with their genitive and abbreviated forms: "18. Januar 2017",
"18 janvier 2017", "18 de enero de 2017", "18 января 2017 г.", "18 stycznia 2017") are
read, and Chinese, Japanese and Korean dates ("2017年1月18日", "2017년 1월 18일"). Short
forms that are also common words ("set", "out", "ago", Polish "sie", "lis") are left out.
"""

from __future__ import annotations

import re
import warnings
from datetime import UTC, date, datetime

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
_FOREIGN_MONTHS = {
    1: "januar jänner janvier janv enero ene janeiro jan gennaio januari января январь янв "
    "stycznia styczeń",
    2: "februar février févr fevr febrero febr fevereiro fev febbraio februari февраля "
    "февраль фев лютого luty",
    3: "märz mars marzo março marco maart mrt марта март мар marca marzec",
    4: "avril avr abril abr aprile апреля апрель апр kwietnia kwiecień",
    5: "mai mayo maio maggio mei мая май maja maj",
    6: "juni juin junio junho giugno giu июня июнь июн czerwca czerwiec",
    7: "juli juillet juil julio julho luglio lug июля июль июл lipca lipiec",
    8: "août aout agosto augustus августа август авг sierpnia sierpień",
    9: "septembre septiembre setiembre setembro settembre сентября сентябрь сент сен "
    "września wrzesień",
    10: "oktober octobre octubre outubro ottobre ott okt октября октябрь окт "
    "października październik",
    11: "novembre noviembre novembro ноября ноябрь нояб ноя listopada listopad",
    12: "dezember dez décembre déc diciembre dic dezembro dicembre декабря декабрь дек "
    "grudnia grudzień",
}
_ENGLISH_MONTHS = (
    "January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December",
)  # fmt: skip
_MONTH_NAMES = {
    name: _ENGLISH_MONTHS[month - 1]
    for month, names in _FOREIGN_MONTHS.items()
    for name in names.split()
}
_WORD = re.compile(r"[^\W\d_]+\.?")
# "18 de enero de 2017", "18 января 2017 г.", "18. Januar 2017 um 11:00 Uhr"
_CONNECTORS = re.compile(
    r"(?<=\d)\s+(?:de|del)\s+(?=\D)|(?<=\D)\s+(?:de|del)\s+(?=\d)|(?<=\d{4})\s*(?:г\.|года|r\.)"
    r"|\b(?:um|à|às|a las|alle|om|o|в)\s+(?=\d{1,2}[:.h]\d{2})|(?<=\d)\s*uhr\b|(?<=\d\d)\s*h\b",
    re.IGNORECASE,
)
_H_TIME = re.compile(r"\b(\d{1,2})h(\d{2})\b")  # French "10h00"
_CJK_DATE = re.compile(
    r"(\d{4})\s*[年년]\s*(\d{1,2})\s*[月월]\s*(\d{1,2})\s*[日일]?"
    r"(?:\D{0,6}?(\d{1,2})[:時시]\s*(\d{2}))?"
)
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
    cjk = _CJK_DATE.search(text)
    if cjk:
        return _cjk_date(cjk)
    return _parse_stated_date(_in_english(text))


def _cjk_date(match: re.Match[str]) -> str | None:
    year, month, day, hour, minute = match.groups()
    try:
        stated = date(int(year), int(month), int(day))
    except ValueError:
        return None
    if hour is None or int(hour) > 23 or int(minute) > 59:
        return stated.isoformat()
    return datetime(stated.year, stated.month, stated.day, int(hour), int(minute)).isoformat()


def _english_month(match: re.Match[str]) -> str:
    word = match.group(0)
    return _MONTH_NAMES.get(word.casefold().rstrip("."), word)


def _in_english(text: str) -> str:
    """Month names of other languages in English, and their "de", "г." and "um" gone."""
    return _H_TIME.sub(r"\1:\2", _CONNECTORS.sub(" ", _WORD.sub(_english_month, text)))


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


#: How much of a `date` the page stated: a calendar day, or a time to the minute or second.
DATE_PRECISIONS = ("day", "minute", "second")
_CANONICAL = "%Y-%m-%dT%H:%M:%S+00:00"


def canonical_date(
    value: str | None, precision: str | None = None
) -> tuple[str | None, str | None]:
    """An ISO 8601 date or date-time in the one form every output carries,
    `YYYY-MM-DDTHH:MM:SS+00:00` (UTC; a time stated without a zone is taken as UTC),
    and its precision: "day" for a date alone (midnight, not moved to UTC: it names a
    calendar day), else "second", or "minute" when the seconds are zero (not stated).
    `precision`, when a valid one is given, is kept: a canonical value says no more.
    (None, None) for a value that is not ISO 8601."""
    if not value:
        return None, None
    text = value.strip()
    try:
        if _ISO_DAY.fullmatch(text):
            stamp = datetime.combine(date.fromisoformat(text), datetime.min.time())
            found = "day"
        else:
            stamp = datetime.fromisoformat(text.replace("Z", "+00:00"))
            if stamp.tzinfo is not None:
                stamp = stamp.astimezone(UTC)
            found = "second" if stamp.second or stamp.microsecond else "minute"
    except (ValueError, OverflowError):
        return None, None
    if stamp.year < 1000:  # strftime would not pad the year to four digits
        return None, None
    return stamp.strftime(_CANONICAL), precision if precision in DATE_PRECISIONS else found
