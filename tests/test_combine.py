"""cleaner/combine.py: resiliparse's blocks merged into trafilatura's text."""

from __future__ import annotations

import pytest

from cleaner import Cleaner, Config
from cleaner.combine import available, merge, second_opinion
from cleaner.readers.text import document_from_bytes


def test_new_lines_go_after_the_line_before_them() -> None:
    first = "First post by Ann about the engine.\nThird post by Cy about tyres."
    second = (
        "First post by Ann about the engine.\n"
        "Second post by Bo: the gearbox failed twice this winter.\n"
        "Third post by Cy about tyres."
    )
    assert merge(first, second).split("\n") == [
        "First post by Ann about the engine.",
        "Second post by Bo: the gearbox failed twice this winter.",
        "Third post by Cy about tyres.",
    ]


def test_lines_mostly_in_the_first_text_are_not_added() -> None:
    first = "The gearbox failed twice this winter, said Bo."
    assert merge(first, "Bo: the gearbox failed twice this winter") == first
    assert merge(first, "") == first


def test_a_run_before_any_shared_line_opens_the_text() -> None:
    merged = merge("Shared line of text here.", "Brand new heading words\nShared line of text here.")
    assert merged == "Brand new heading words\nShared line of text here."


FORUM = b"""<html><head><title>Gearbox trouble - Car Forum</title></head><body>
<div class="thread">
<div class="post"><span class="username">ann</span><p>My gearbox started grinding in second gear last week, after the car had stood outside for a month in the cold. Has anyone seen this before and found what causes it?</p></div>
<div class="post"><span class="username">bo</span><p>Mine did the same. The clutch fluid was low and the clutch did not disengage fully: topping it up fixed the grinding within a day of driving.</p></div>
<div class="post"><span class="username">cy</span><p>Check the synchromesh too. On older cars worn synchro rings grind in second first, because that is the gear shifted into at the highest speed difference.</p></div>
</div></body></html>"""


@pytest.mark.skipif(not available(), reason="resiliparse is not installed")
def test_second_opinion_reads_every_post() -> None:
    text = second_opinion(FORUM.decode()) or ""
    assert "clutch fluid was low" in text and "synchro rings" in text


def test_a_page_of_no_decided_type_keeps_trafilatura_text_when_resiliparse_agrees() -> None:
    doc = document_from_bytes("forum", "forum.html", FORUM, html=True)
    doc = Cleaner(Config()).clean(doc)
    assert "clutch fluid was low" in doc.text
