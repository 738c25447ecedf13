"""Page furniture elements that hold the page itself, unwrapped before extraction.

An unclosed `<header>` or a newsletter pop-up's `<aside>` left open at the top of the
markup makes the parser nest the whole page inside it (and ASP.NET pages sit in one
`<form>` by design): the article then sits in the header, and every extractor that drops
headers and asides (trafilatura, the beautifulsoup4 fallback) drops the article with
them, and returns nothing. Such an element, holding more than half of the page's text,
is not furniture: its tag goes and what it holds stays where it was. One on WCXB dev
held a 1,893-word article inside a pop-up and a header (`tests/test_misnested.py` has
its shape).

Only for a page whose text came out empty (steps/extract.py): done on every page, it
cost as much as it gained on WCXB dev's even half (word F1 0.8498 -> 0.8496: a book's
table of contents in a `<nav>`, footers holding more text than a shop page, a header
holding a page whose text was found anyway).
"""

from __future__ import annotations

from lxml import etree
from lxml.html import HtmlElement

#: Tags that extractors drop whole as page furniture.
FURNITURE_WRAPPERS = frozenset({"header", "aside", "footer", "nav", "form"})
#: An element holding more than this share of the page's text holds the page.
MAX_FURNITURE_SHARE = 0.5

_VISIBLE_TEXT = etree.XPath(".//text()[not(ancestor::script or ancestor::style)]")


def holds_the_page(length: int, page: int) -> bool:
    """Whether an element of `length` characters of text holds a page of `page`: the one
    criterion for this module's lxml trees and the beautifulsoup4 fallback's soup."""
    return length > MAX_FURNITURE_SHARE * page


def visible_length(element: HtmlElement) -> int:
    """Characters of the element's text, its scripts and styles left out."""
    return sum(len(text.strip()) for text in _VISIBLE_TEXT(element))


def unwrap_page_holders(tree: HtmlElement) -> int:
    """Unwraps (drops the tag, keeps the content of) each header, aside, footer, nav or
    form that holds more than `MAX_FURNITURE_SHARE` of the page's text; how many it unwrapped."""
    holders = [
        element
        for element in tree.iter(etree.Element)
        if element.tag in FURNITURE_WRAPPERS and len(element) > 0
    ]
    if not holders:
        return 0
    page = visible_length(tree)
    if not page:
        return 0
    unwrapped = 0
    for element in holders:  # outermost first: document order
        if holds_the_page(visible_length(element), page):
            element.drop_tag()
            unwrapped += 1
    return unwrapped
