"""trafilatura's `extract_author`, with its XPath expressions evaluated in Python.

libxml2 evaluates trafilatura's author expressions (`//*[self::a or ... or re:test(...)]`)
at about 2 ms a page each, and a page without an author in its meta tags needs up to
five of them. The cost is in the predicates, not in the regex callbacks (the same
expressions with contains() cost the same). Walking the elements in Python and testing
the same conditions takes 2.6 times less. lxml's `re:test` is Python's `re.search` on the
attribute's value ("" when missing, which none of these regexes matches), so the regexes
are trafilatura's own.

trafilatura runs its expressions on a deep copy of the page that it has pruned (comment
sections, sidebars, dates, figures...): half of the search's time on a page without an
author. `find_author` leaves the page as it is and skips the elements that pruning would
remove; only an author element with pruned elements inside it is copied and pruned, so
that its text (tails joined as `delete_element` joins them) is the one trafilatura reads.

The conditions are a translation of trafilatura's expressions as they stand in the
releases listed in `TRANSLATED`; with any other expressions, trafilatura's own function
runs. tests/test_author_search.py holds each condition to its expression on generated
pages.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterator
from copy import deepcopy
from dataclasses import dataclass
from functools import cache

from lxml import etree
from lxml.html import HtmlElement
from trafilatura.json_metadata import normalize_authors
from trafilatura.metadata import extract_author
from trafilatura.utils import trim
from trafilatura.xml import delete_element
from trafilatura.xpaths import AUTHOR_DISCARD_XPATHS, AUTHOR_XPATHS

LEN_LIMIT = 120  # extract_author's `len_limit`

_DISCARD_ID = re.compile("^comments|comment-?list|ProductReviews")
_DISCARD_CLASS = re.compile(
    "^[Cc]omments|commentlist|comments-list|sidebar|is-hidden|quote|embedly-instagram|"
    "article-(?:share|support)|print|category|meta-date|meta-reviewer"
)
_SPECIFIC_CLASS = re.compile("author-?name|AuthorName|authorName")
_GENERIC_ID = re.compile("author|zuozhe|bianji|xiaobian")
_GENERIC_CLASS = re.compile(
    "author|channel-name|zuozhe|bianji|xiaobian|submitted-by|posted-by|journalist-name"
)
_ANY_ID = re.compile("[Aa]uthor")
_ANY_CLASS = re.compile("[Aa]uthor|screenname|writer|[Bb]yline")


#: sha256 of the author expressions (spaces collapsed) that the conditions below
#: translate: trafilatura 2.3.1's.
TRANSLATED = frozenset({"e929b65c7921b496c0325db4e0a1e9b841480de7d92753fd465d8800b1f6413c"})


def expressions_digest() -> str:
    """sha256 of the installed trafilatura's author expressions, spaces collapsed."""
    paths = [xpath.path for xpath in (*AUTHOR_DISCARD_XPATHS, *AUTHOR_XPATHS)]
    return hashlib.sha256("\n".join(" ".join(path.split()) for path in paths).encode()).hexdigest()


@cache
def translation_applies() -> bool:
    """Whether the installed trafilatura's expressions are the ones translated here."""
    return expressions_digest() in TRANSLATED


def _string_value(element: HtmlElement) -> str:
    """XPath's string-value of an element: all the text inside it."""
    return "".join(element.itertext())


_DISCARD_TAGS = ("a", "div", "section", "span")
#: A condition on an element, given how to read an element's text (string-value).
Condition = Callable[[HtmlElement, Callable[[HtmlElement], str]], bool]
_SPECIFIC_TAGS = frozenset({"a", "address", "div", "link", "p", "span", "strong"})
_GENERIC_TAGS = frozenset({"a", "div", "h3", "h4", "p", "span"})


def discarded(element: HtmlElement) -> bool:
    """AUTHOR_DISCARD_XPATHS[0]'s condition (comments, sidebars, quotes, dates...)."""
    if element.tag not in _DISCARD_TAGS:
        return False
    id_, class_ = element.get("id"), element.get("class")
    return (
        id_ == "comments"
        or class_ in ("comments", "title", "date")
        or (id_ is not None and _DISCARD_ID.search(id_) is not None)
        or (class_ is not None and _DISCARD_CLASS.search(class_) is not None)
        or "Figure" in (element.get("data-component") or "")
    )


def specific_author(
    element: HtmlElement, text: Callable[[HtmlElement], str] = _string_value
) -> bool:
    """AUTHOR_XPATHS[0]'s condition ("rel='me'" there is a child element <rel>, not an
    attribute: translated as written)."""
    tag = element.tag
    if tag not in _SPECIFIC_TAGS:
        return tag == "author"
    class_ = element.get("class")
    return (
        element.get("rel") == "author"
        or element.get("id") == "author"
        or class_ == "author"
        or element.get("itemprop") == "author name"
        or (
            element.find("rel") is not None
            and any(text(child) == "me" for child in element.iterchildren("rel"))
        )
        or element.get("data-testid") in ("AuthorCard", "AuthorURL")
        or (class_ is not None and _SPECIFIC_CLASS.search(class_) is not None)
    )


def generic_author(
    element: HtmlElement, text: Callable[[HtmlElement], str] = _string_value
) -> bool:
    """AUTHOR_XPATHS[1]'s condition."""
    if element.tag not in _GENERIC_TAGS:
        return False
    class_, id_ = element.get("class"), element.get("id")
    return (
        class_ in ("byline", "username", "byl", "BBL")
        or "author" in (element.get("itemprop") or "")
        or (id_ is not None and _GENERIC_ID.search(id_) is not None)
        or (class_ is not None and _GENERIC_CLASS.search(class_) is not None)
    )


def any_author(element: HtmlElement, text: Callable[[HtmlElement], str] = _string_value) -> bool:
    """AUTHOR_XPATHS[2]'s condition, on any element."""
    class_, id_ = element.get("class"), element.get("id")
    return (
        "Byline" in (element.get("data-component") or "")
        or "author" in (element.get("itemprop") or "")
        or (id_ is not None and _ANY_ID.search(id_) is not None)
        or (class_ is not None and _ANY_CLASS.search(class_) is not None)
    )


#: The conditions in the order of AUTHOR_XPATHS, each with the tags it can accept: lxml
#: skips the other elements in C, without making Python objects of them (no tags: any).
AUTHOR_CONDITIONS: tuple[tuple[Condition, tuple[str, ...]], ...] = (
    (specific_author, (*sorted(_SPECIFIC_TAGS), "author")),
    (generic_author, tuple(sorted(_GENERIC_TAGS))),
    (any_author, ()),
)


def _elements(tree: HtmlElement, *tags: str) -> Iterator[HtmlElement]:
    """The elements of the tree's document with one of `tags` (any, if none), root
    included, in document order (`//*`)."""
    return tree.getroottree().getroot().iter(*(tags or (etree.Element,)))


@dataclass(slots=True)
class _Pruned:
    """What `prune_unwanted_nodes(tree, AUTHOR_DISCARD_XPATHS)` removes from a copy of the
    tree, found without copying it: the elements it deletes (each expression's matches,
    found before any is deleted, deleted in document order, tails kept), and every
    element gone with them."""

    deleted: list[HtmlElement]
    gone: set[HtmlElement]

    @classmethod
    def of(cls, tree: HtmlElement) -> _Pruned:
        # .//*[self::a...]: descendants of the copy's root (the root, parentless, stays)
        deleted = [e for e in tree.iterdescendants(*_DISCARD_TAGS) if discarded(e)]
        gone: set[HtmlElement] = set()
        for element in deleted:
            gone.update(element.iter())
        later = [e for e in tree.iter("time", "figure") if e not in gone and e is not tree]
        for element in later:
            gone.update(element.iter())
        return cls(deleted + later, gone)

    def copy(self, element: HtmlElement) -> HtmlElement:
        """A copy of `element` (still in the tree) as the pruned copy of the tree holds it:
        deletions inside it done in the same order, so that tails join the same texts."""
        twin = deepcopy(element)
        inside = dict(zip(element.iter(), twin.iter(), strict=True))
        for deleted in self.deleted:
            if deleted in inside:
                delete_element(inside[deleted])
        return twin


def find_author(tree: HtmlElement) -> str | None:
    """What `trafilatura.metadata.extract_author(tree)` returns. trafilatura prunes a deep
    copy of the tree (half of the search's time); here the pruned elements are skipped,
    and only an author element that holds some is copied and pruned for its text."""
    if not translation_applies():
        return extract_author(tree)
    pruned = _Pruned.of(tree)
    gone = pruned.gone

    def text(element: HtmlElement) -> str:
        return _string_value(pruned.copy(element) if gone else element)

    for condition, tags in AUTHOR_CONDITIONS:
        for element in tree.iter(*(tags or (etree.Element,))):  # the copy's root is `tree`
            if element in gone or not condition(element, text):
                continue
            kept = pruned.copy(element) if gone else element
            content = trim(" ".join(kept.itertext()))
            if content and 2 < len(content) < LEN_LIMIT:
                return normalize_authors(None, content)
    return None
