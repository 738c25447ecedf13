"""A page nested inside its own header or pop-up (an unclosed tag) still gives its text."""

from __future__ import annotations

from lxml.html import fromstring

from cleaner import Cleaner, Config
from cleaner.misnested import unwrap_page_holders
from cleaner.readers.text import document_from_bytes
from cleaner.steps.extract import fallback_text

PARAGRAPHS = [
    "Ethical fashion does not have to cost more than the high street, and these brands "
    "prove it with every collection they release.",
    "Each of the labels below pays its workers a living wage, uses natural fibres and safe "
    "dyes, and publishes where its clothes are made.",
    "We tested their basics over a whole season of wear and washing, and most of them held "
    "their shape and colour better than we expected.",
    "Prices start at twenty dollars for a cotton tee, and several of the brands run sales "
    "twice a year that bring their knitwear within reach.",
]
# The shape of a WCXB dev page: a newsletter pop-up's <aside> and the site's <header>
# left open above the article, so the parser nests the article inside both.
MISNESTED = (
    "<html><head><title>Affordable ethical fashion</title></head><body>"
    '<aside id="Popup-Newsletter" class="Popup-Overlay"><div class="Popup-Outer">'
    "<p>Sign up for our newsletter</p>"
    '<div id="Wrapper-Outer"><header class="Header-Main"><div class="Header-Main-Top">'
    '<div class="Content"><article class="post"><h1>Affordable ethical fashion</h1>'
    + "".join(f"<p>{text}</p>" for text in PARAGRAPHS)
    + "</article></div></body></html>"
)


def test_the_article_inside_an_unclosed_popup_and_header_is_extracted() -> None:
    doc = Cleaner(Config()).clean(document_from_bytes("p", "p", MISNESTED.encode(), html=True))
    assert doc.text.strip().split("\n\n") == PARAGRAPHS
    assert doc.stats["extract:page_in_furniture"] == 1


def test_the_fallback_keeps_a_furniture_element_that_holds_the_page() -> None:
    text = fallback_text(MISNESTED)
    assert all(paragraph in text for paragraph in PARAGRAPHS)
    assert "Sign up for our newsletter" in text  # the pop-up's own line: unwrapped, not cut


def test_only_elements_holding_most_of_the_page_are_unwrapped() -> None:
    page = fromstring(
        "<html><body><header><a href='/'>Home</a></header><main>"
        + "".join(f"<p>{text}</p>" for text in PARAGRAPHS)
        + "</main><aside><p>Related: ten more brands</p></aside></body></html>"
    )
    assert unwrap_page_holders(page) == 0
    assert [element.tag for element in page.body] == ["header", "main", "aside"]
    tree = fromstring(MISNESTED)
    assert unwrap_page_holders(tree) == 2  # the pop-up, then the header inside it
    assert not tree.xpath("//aside | //header")
    assert len(tree.xpath("//article/p")) == len(PARAGRAPHS)
