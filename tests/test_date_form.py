"""One date form in every output: `YYYY-MM-DDTHH:MM:SS+00:00`, and how much was stated."""

from __future__ import annotations

from datetime import datetime

import pytest

from cleaner.dates import canonical_date


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2008-07-04", ("2008-07-04T00:00:00+00:00", "day")),  # a day is not moved to UTC
        ("2017-09-05T21:21:00+04:00", ("2017-09-05T17:21:00+00:00", "minute")),
        ("2024-05-18T01:58:10+00:00", ("2024-05-18T01:58:10+00:00", "second")),
        ("2017-01-18T11:00:00", ("2017-01-18T11:00:00+00:00", "minute")),  # no zone: UTC
        ("2020-01-01T00:00:05Z", ("2020-01-01T00:00:05+00:00", "second")),
        ("not a date", (None, None)),
        ("0099-01-01", (None, None)),
        ("", (None, None)),
        (None, (None, None)),
    ],
)
def test_canonical_date(value, expected) -> None:
    assert canonical_date(value) == expected


def test_canonical_date_is_idempotent_given_its_precision() -> None:
    for value in ("2008-07-04", "2017-09-05T21:21:00+04:00", "2024-05-18T01:58:10+00:00"):
        once, precision = canonical_date(value)
        assert canonical_date(once, precision) == (once, precision)


def test_every_form_parses_in_one_call() -> None:
    values = [canonical_date(v)[0] for v in ("2008-07-04", "2017-09-05T21:21:00+04:00")]
    parsed = [datetime.strptime(v, "%Y-%m-%dT%H:%M:%S%z") for v in values]
    assert all(p.utcoffset() is not None and p.utcoffset().total_seconds() == 0 for p in parsed)
