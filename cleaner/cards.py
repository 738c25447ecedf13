"""Cards: the repeated items of a listing or collection page, every one of them.

A category page of a shop or a list of articles shows its content as cards: siblings of
the same tag and class, each with a link and a few words (a product's name and price, an
article's headline and teaser). Extractors built for articles keep one dense block, or
the prices without the names. `page_cards` finds the largest group of such siblings
outside the page's header, navigation, footer, sidebars and forms, and returns each
card's text, one line per block inside it.

A group counts when it has `MIN_CARDS` or more members with text, a mean of at least
`MIN_MEAN_WORDS` words per card (a menu's one- and two-word links are not cards) and a
link in at least half of them; an element whose id or class names a menu is never looked
into. The largest group by words wins.

cleaner/steps/extract.py adds the cards trafilatura's text lacks (cleaner/combine.py's
`merge`) on pages typed collection or listing, and on pages of no type, service or
documentation pages where the cards hold at least half as many words as the text.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from lxml.html import HtmlElement

from cleaner.prune import text_length

MIN_CARDS = 4
MIN_MEAN_WORDS = 3
#: Elements that hold no main text: furniture and scripts (the fallback extractor of
#: steps/extract.py drops them too).
FURNITURE_TAGS = (
    "script",
    "style",
    "noscript",
    "template",
    "nav",
    "header",
    "footer",
    "aside",
    "form",
    "button",
    "svg",
    "iframe",
)
#: Elements whose text is never a card's: furniture, scripts, form controls.
_SKIP = frozenset({*FURNITURE_TAGS, "select", "option"})
_BLOCK = frozenset(
    {
        "div",
        "p",
        "li",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "br",
        "tr",
        "section",
        "article",
        "dd",
        "dt",
        "ul",
        "ol",
        "table",
        "figure",
        "figcaption",
    }
)
_DIGIT = re.compile(r"\d")
_SPACES = re.compile(r"\s+")
_MAX_ELEMENTS = 50_000  # elements looked at per page


def sibling_kind(element: HtmlElement) -> tuple[str, str]:
    """Tag and class names, less the ones with digits (ids and positions differ per card):
    siblings of one kind are the cards of a group (and a teaser rail's teasers)."""
    classes = (element.get("class") or "").split()
    return element.tag, " ".join(sorted(name for name in classes if not _DIGIT.search(name)))


def leading_kind(element: HtmlElement) -> tuple[str, str]:
    """Tag and first class name without digits: on a shop's category page the tiles share
    it ("product") while the classes after it differ per tile (WooCommerce marks a row's
    "first" and "last", a tile "sale" or "outofstock", each its "product_cat-…")."""
    classes = [name for name in (element.get("class") or "").split() if not _DIGIT.search(name)]
    return element.tag, classes[0] if classes else ""


def card_lines(element: HtmlElement) -> list[str]:
    """The element's text, one line per block element, skipping furniture; the texts of
    elements within a line are joined by a space ("Candle" and "$24.50" in two spans)."""
    lines: list[str] = []
    current: list[str] = []

    def flush() -> None:
        if current:
            lines.append(" ".join(current))  # a card's name and price are apart
            current.clear()

    def walk(node: HtmlElement) -> None:
        if not isinstance(node.tag, str) or node.tag in _SKIP:
            if node.tail:
                current.append(node.tail)
            return
        block = node.tag in _BLOCK
        if block:
            flush()
        if node.text:
            current.append(node.text)
        for child in node:
            walk(child)
        if block:
            flush()
        if node.tail:
            current.append(node.tail)

    walk(element)
    flush()
    return [text for line in lines if (text := _SPACES.sub(" ", line).strip())]


#: An id or a class that names a menu ("c-mega-menu--main", "menu-item", "dropdown",
#: "site-nav"): its links are the site's sections, not cards, even outside a <nav>.
_MENU_NAME = re.compile(r"menu|(?:^|[-_\s])nav|dropdown", re.I)
MAX_MENU_SHARE = 0.5


def is_menu(element: HtmlElement, page_chars: int) -> bool:
    """Whether the element's id or class names a menu (`_MENU_NAME`) and it holds at most
    half of the page's `page_chars` characters of text: a class on a wrapper
    ("page menu-open") describes the page's state."""
    name = f"{element.get('class') or ''} {element.get('id') or ''}"
    if _MENU_NAME.search(name) is None:
        return False
    return text_length(element) <= MAX_MENU_SHARE * page_chars


def _parents(root: HtmlElement) -> Iterator[HtmlElement]:
    """Elements with children, outside the skipped furniture and menus, in document
    order. Menus by name: a mega-menu's panels, each a heading and a dozen links, were
    an article's cards (WCXB dev, 4 pages better by 0.04 to 0.46, none worse, on both
    halves; by name and at least 80% link text, only one of them)."""
    page_chars = text_length(root)
    stack = [root]
    seen = 0
    while stack and seen < _MAX_ELEMENTS:
        node = stack.pop()
        seen += 1
        children = [
            child
            for child in node
            if isinstance(child.tag, str)
            and child.tag not in _SKIP
            and not is_menu(child, page_chars)
        ]
        if len(children) >= MIN_CARDS:
            yield node
        stack.extend(reversed(children))


def page_cards(tree: HtmlElement, *, by_leading_class: bool = False) -> list[list[str]]:
    """The cards of the page's largest group of repeated siblings (each a list of lines),
    or [] when it has none. Reads the tree without changing it.

    Siblings are grouped by `sibling_kind`, or with `by_leading_class` by `leading_kind`:
    on a page whose content is cards, tiles whose later classes differ are still one
    group (WCXB dev, collection and listing pages: +0.0003 and +0.0012 of overall word F1
    on the two halves; on pages of no type the looser groups took in other repeated
    blocks, articles -0.0016)."""
    kind_of = leading_kind if by_leading_class else sibling_kind
    body = tree.find("body")
    best: tuple[int, list[list[str]]] = (0, [])
    for parent in _parents(body if body is not None else tree):
        groups: dict[tuple[str, str], list[HtmlElement]] = {}
        for child in parent:
            if isinstance(child.tag, str) and child.tag not in _SKIP:
                groups.setdefault(kind_of(child), []).append(child)
        for members in groups.values():
            if len(members) < MIN_CARDS:
                continue
            linked = sum(1 for m in members if m.tag == "a" or m.find(".//a") is not None)
            if linked * 2 < len(members):
                continue
            cards = [lines for m in members if (lines := card_lines(m))]
            words = sum(len(line.split()) for card in cards for line in card)
            if len(cards) < MIN_CARDS or words < MIN_MEAN_WORDS * len(cards):
                continue
            if words > best[0]:
                best = (words, cards)
    return best[1]
