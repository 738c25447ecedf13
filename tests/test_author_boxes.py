"""An article's "About the author" box is taken out before its text is extracted
(cleaner/author_boxes.py); the author's name still reaches the metadata."""

from __future__ import annotations

from cleaner import Cleaner, Config
from cleaner.author_boxes import drop_author_boxes
from cleaner.readers.text import document_from_bytes
from cleaner.steps.extract import parse_page

_PROSE = (
    "The new ferry timetable starts on Monday, and the first boat now leaves the harbour "
    "at six in the morning, an hour earlier than before. Commuters asked for the change "
    "last winter, when the late boats were full every day of the week."
)
_ARTICLE = "".join(f"<p>Paragraph {n}. {_PROSE}</p>" for n in range(1, 6))
_BIO = (
    "Maria Lopez covers transport and city planning. She has written about ferries, "
    "trams and bicycles for ten years, and lives by the harbour with her two cats."
)
_HEAD = (
    "<head><title>Ferries leave earlier from Monday</title>"
    '<meta name="author" content="Maria Lopez">'
    '<script type="application/ld+json">{"@context": "https://schema.org", '
    '"@type": "BlogPosting", "headline": "Ferries leave earlier from Monday"}</script></head>'
)


def _page(box_class: str) -> str:
    return (
        f"<html>{_HEAD}<body><article><h1>Ferries leave earlier from Monday</h1>{_ARTICLE}"
        f'<div class="{box_class}"><img src="maria.jpg" alt=""><h4>About Maria Lopez</h4>'
        f"<p>{_BIO}</p></div></article></body></html>"
    )


def _clean(html: str):
    doc = document_from_bytes("p", "p", html.encode(), html=True)
    doc.metadata["url"] = "https://blog.example.org/ferries-leave-earlier/"
    return Cleaner(Config()).clean(doc)


def test_the_author_box_under_an_article_goes_and_the_author_stays() -> None:
    doc = _clean(_page("bio-box clearfix"))
    assert "Paragraph 5. The new ferry timetable" in doc.text
    assert "two cats" not in doc.text and "About Maria Lopez" not in doc.text
    assert doc.metadata["author"] == "Maria Lopez"


def test_a_box_of_another_name_is_left_to_the_extractor() -> None:
    # The same box named "post-extra": the pass does not take it (trafilatura keeps it
    # here, which is what the end-to-end test above would show without the pass).
    doc = _clean(_page("post-extra"))
    assert "two cats" in doc.text


def test_names_that_say_author_box_and_the_guards() -> None:
    for name in (
        "author-box",
        "author_info",
        "about-the-author",
        "bio-box",
        "authorbio",
        "author-name",
    ):
        tree = parse_page(_page(name))
        assert drop_author_boxes(tree) == (0 if name == "author-name" else 1), name
    # A wrapper that holds the page's headline is not a box.
    wrapper = f'<html><body><div class="author-info"><h1>Title</h1>{_ARTICLE}</div></body></html>'
    assert drop_author_boxes(parse_page(wrapper)) == 0
    # Nor is one holding most of the page's words.
    big = f'<html><body><p>Short intro.</p><div class="author-box">{_ARTICLE}</div></body></html>'
    assert drop_author_boxes(parse_page(big)) == 0
