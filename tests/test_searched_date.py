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


_STORY = (
    "<p>The council met on Tuesday and discussed the budget for the coming season at "
    "length, and the members agreed on a smaller plan after a long debate.</p>"
)


def _date(body: str, head: str = "") -> str | None:
    html = f"<html><head>{head}</head><body><article><h1>Budget agreed</h1>{body}</article></body></html>"
    doc = Cleaner(Config()).clean_html(html, url="https://example.com/news/budget")
    return doc.metadata["date"]


@pytest.mark.parametrize(
    "mention", ["<p>The bakery opened in 2011.</p>", "<footer>© 2011 Example News</footer>"]
)
def test_a_year_alone_is_no_date_of_the_page(mention: str) -> None:
    """htmldate's search makes a year in the text (a copyright line) January 1: a date
    the page never stated. On WCXB dev 253 of 1,497 pages got one that way."""
    assert _date(_STORY + mention) is None
    stated = "<p>Posted on January 1, 2011 by the editors.</p>"
    assert (_date(_STORY + mention + stated) or "").startswith("2011-01-01")


def test_a_date_after_today_is_an_event_not_the_publication() -> None:
    concert = '<p>The first concert is on <time datetime="2031-06-14">June 14, 2031</time>.</p>'
    assert _date(_STORY + concert) is None
    meta = '<meta property="article:published_time" content="2099-01-01T00:00:00Z">'
    assert _date(_STORY, head=meta) is None


@pytest.mark.parametrize(
    "times",
    [
        '<time itemprop="dateModified" datetime="2024-06-01">June 1, 2024</time>'
        '<time itemprop="datePublished" datetime="2020-01-02">January 2, 2020</time>',
        '<span>Last updated <time datetime="2024-06-01">June 1, 2024</time></span>'
        '<span>Published <time datetime="2020-01-02">January 2, 2020</time></span>',
    ],
)
def test_the_published_time_wins_over_the_modified_one(times: str) -> None:
    assert (_date(f"<div>{times}</div>{_STORY}") or "").startswith("2020-01-02")
