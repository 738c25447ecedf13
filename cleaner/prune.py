"""Taking marked parts out of a page before its text is extracted (author boxes, forum
chrome): of the elements a pass marks, the outermost ones, each small beside the page.

A mark is a class name, and a theme sometimes gives one to a wrapper around the whole
page or article: an element that holds more than a share of the page's text, or that is
the page's root, body or main, is kept, and what it holds is not looked into.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from lxml.etree import XPath
from lxml.html import HtmlElement

_ROOT_TAGS = frozenset({"html", "body", "main"})
_TEXT_LENGTH = XPath("string-length(.)")


def text_length(element: HtmlElement) -> int:
    """The element's text length in characters, as `len(element.text_content())`, counted
    in C without building the string."""
    return int(_TEXT_LENGTH(element))


def small_outermost(
    tree: HtmlElement,
    marked: Iterable[HtmlElement],
    max_share: float,
    keep: Callable[[HtmlElement], bool] | None = None,
) -> list[HtmlElement]:
    """The `marked` elements of `tree` (in document order) that no other marked element
    holds and that hold at most `max_share` of the page's text, less the page's root,
    body and main and those `keep` says to keep."""
    found = [element for element in marked if element.tag not in _ROOT_TAGS]
    if not found:
        return []
    body = tree.find("body")
    page_length = text_length(body if body is not None else tree)
    seen = set(found)
    return [
        element
        for element in found
        if not any(ancestor in seen for ancestor in element.iterancestors())
        and not (keep is not None and keep(element))
        and text_length(element) <= max_share * page_length
    ]
