"""The date searched in a page's text when its markup states none: htmldate's extensive
search, without dateparser (cleaner/steps/extract.py, `_without_dateparser`)."""

from __future__ import annotations

import htmldate.extractors
import pytest
from htmldate import find_date

from cleaner.config import Config
from cleaner.document import Document
from cleaner.pipeline import Cleaner


#: A date split over elements (a news site's calendar widget): htmldate's own parsers
#: cannot read "November 20 15:23 2019", so its extensive search asks dateparser.
def page(day: int) -> str:
    return (
        "<html><head><title>Deportees return home</title></head><body><article>"
        "<h1>Deportees return home</h1><div class='date'><div class='calendar-date'>"
        f"November {day}</div><div class='calendar-time'><font>15:23</font> "
        "<font>2019</font></div></div><p>With shattered dreams, hundreds of deportees "
        "returned home this week after months in detention, their families waiting at the "
        "airport since the morning.</p></article></body></html>"
    )


class RecordingParser:
    def __init__(self) -> None:
        self.asked: list[str] = []

    def get_date_data(self, text: str) -> dict[str, None]:
        self.asked.append(text)
        return {"date_obj": None}


@pytest.fixture
def parser(monkeypatch) -> RecordingParser:
    recording = RecordingParser()
    monkeypatch.setattr(htmldate.extractors, "get_external_parser", lambda: recording)
    return recording


def test_the_search_leaves_dateparser_out_and_htmldate_as_it_was(parser) -> None:
    # htmldate on its own asks dateparser about such a page: the search reaches that point.
    find_date(page(20), extensive_search=True, original_date=True)
    assert parser.asked
    parser.asked.clear()
    external = htmldate.extractors._external_date
    doc = Cleaner(Config()).clean(Document("page", "page", "", page(21)))
    assert "shattered dreams" in doc.text
    assert parser.asked == []
    assert htmldate.extractors._external_date is external


def test_the_search_does_not_ask_whether_to_call_dateparser(parser, monkeypatch) -> None:
    # htmldate's gate before dateparser loads every locale's month names on first use
    # (half a second a process): with dateparser left out, it is not asked.
    asked: list[str] = []

    def recording_cue(string: str, min_date: object, max_date: object) -> bool:
        asked.append(string)
        return True

    monkeypatch.setattr(htmldate.extractors, "has_date_cue", recording_cue)
    find_date(page(22), extensive_search=True, original_date=True)
    assert asked  # htmldate alone asks it on this page
    asked.clear()
    doc = Cleaner(Config()).clean(Document("page", "page", "", page(23)))
    assert "shattered dreams" in doc.text
    assert asked == []
    assert htmldate.extractors.has_date_cue is recording_cue
