"""Teaser rails: the "Latest stories" and "More from" boxes of an article page, taken out of
the page before its text is extracted.

A rail is a group of sibling elements of the same tag and class (as cards.py groups them),
each a teaser of another page: a headline that is a link, and at most a short summary.
On a listing or collection page such cards are the content (cards.py keeps them); on an
article page they are page furniture, and trafilatura keeps them when their container's
class does not say "related" ("latest-news-box"), after the article, where they read as
more of it. Only article pages lose them here.

A member is a teaser when it holds a link to another page of the same site (relative, or
on the page's own domain: a deals article's "Get it at Dell for $799.99" links go to the
shops, and are its content) whose text is a headline (a heading's whole text, or at least
half the member's words) of `MIN_HEADLINE_WORDS` or more, and the member has at most
`MAX_TEASER_WORDS` words; a group is a rail when `MIN_TEASERS` or more of its members are
teasers, they are most of it, and their links go to as many different addresses. Groups
inside furniture (menus) are not looked at, and one that holds `MAX_PAGE_SHARE` of the
page's words is never taken out (a page that is a list of links is not an article,
whatever its markup says).

Measured (bench/quality.py's pages, per page): scrapinghub HTML 7 pages better, none
worse (mean shingle F1 +0.0025); WCXB dev +0.0002 and +0.0001 on its two halves (10 pages
better, 3 worse: "related reads" its gold keeps). About 2 ms a page. Tried on
documentation, service and forum pages too: documentation lost (WCXB odd half, its 39
typed pages 0.964 -> 0.944: an index of linked entries is a reference page's content),
service lost a little and forum gained a little; untyped pages changed nothing on
scrapinghub. So articles only.
"""

from __future__ import annotations

from lxml.html import HtmlElement

from cleaner.cards import FURNITURE_TAGS, sibling_kind
from cleaner.steps.rules import site_domain
from cleaner.steps.title import registered_domain

#: Page types whose rails are taken out: pages whose content is one text.
RAIL_TYPES = frozenset({"article"})
MIN_TEASERS = 3
MAX_TEASER_WORDS = 60
MIN_HEADLINE_WORDS = 3
#: Share of a group's members that must be teasers.
MIN_TEASER_SHARE = 0.75
#: A group holding more than this share of the page's words is not taken out.
MAX_PAGE_SHARE = 0.4
_HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
#: Elements a teaser can be: blocks, not the links of a paragraph.
_MEMBER_TAGS = frozenset({"li", "div", "article", "section", "figure", "ul", "ol"})
#: Elements that can hold a rail's teasers.
_HOLDER_TAGS = ("ul", "ol", "div", "section", "article", "main", "td")


def _words(element: HtmlElement) -> int:
    return len(element.text_content().split())


def _site(url: str | None) -> str | None:
    """The registered part of a URL's host ("cnn.com" for edition.cnn.com, "bbc.co.uk"),
    or None for an address without a host name."""
    host = site_domain(url)
    return registered_domain(host) if host and "." in host else None


def _internal(href: str, site: str | None) -> bool:
    """Whether a link goes to another page of the page's own site: a relative address, or
    one on the same site. Teasers of a shop's offers ("Get it at Dell for $799.99") in a
    deals article go elsewhere, and are its content."""
    if href.startswith(("#", "javascript:", "mailto:", "tel:")):
        return False
    if "//" not in href.split("?", 1)[0]:
        return True
    return site is not None and _site(href) == site


def _headline_link(member: HtmlElement, words: int, site: str | None) -> str | None:
    """The address of the member's headline link to its own site, or None if it has none."""
    for link in member.iter("a"):
        href = (link.get("href") or "").strip()
        link_words = _words(link) if href else 0
        if link_words < MIN_HEADLINE_WORDS or not _internal(href, site):
            continue
        if link_words * 2 >= words:
            return href
        heading = next((a for a in link.iterancestors() if a.tag in _HEADINGS), None)
        if heading is not None and _words(heading) == link_words:
            return href
        if any(_words(h) == link_words for h in link.iter(*_HEADINGS)):
            return href
    return None


def _is_rail(members: list[HtmlElement], site: str | None) -> bool:
    linked = [member for member in members if any(a.get("href") for a in member.iter("a"))]
    if len(linked) < MIN_TEASERS or len(linked) < MIN_TEASER_SHARE * len(members):
        return False  # (most groups: no words counted)
    addresses = set()
    teasers = 0
    for member in linked:
        words = _words(member)
        if words == 0 or words > MAX_TEASER_WORDS:
            continue
        address = _headline_link(member, words, site)
        if address is not None:
            teasers += 1
            addresses.add(address)
    return (
        teasers >= MIN_TEASERS
        and teasers >= MIN_TEASER_SHARE * len(members)
        and len(addresses) >= MIN_TEASERS
    )


def teaser_rails(tree: HtmlElement, url: str | None) -> list[list[HtmlElement]]:
    """The page's teaser rails, each as its members, in document order; the tree is read,
    not changed. `url`: the page's address (without it, only relative links are the
    site's own)."""
    site = _site(url)
    body = tree.find("body")
    root = body if body is not None else tree
    page_words: int | None = None
    rails: list[list[HtmlElement]] = []
    taken: set[HtmlElement] = set()
    # Holders inside furniture (menus): the extractors leave their teasers out anyway.
    furniture = {e for f in root.iter(FURNITURE_TAGS) for e in f.iter(_HOLDER_TAGS)}
    for parent in root.iter(_HOLDER_TAGS):
        if len(parent) < MIN_TEASERS or parent in furniture or (taken and _inside(parent, taken)):
            continue
        groups: dict[tuple[str, str], list[HtmlElement]] = {}
        for child in parent:
            if child.tag in _MEMBER_TAGS:
                groups.setdefault(sibling_kind(child), []).append(child)
        for members in groups.values():
            if len(members) < MIN_TEASERS or not _is_rail(members, site):
                continue
            if page_words is None:
                page_words = _words(root)
            if sum(_words(m) for m in members) > MAX_PAGE_SHARE * page_words:
                continue
            rails.append(members)
            taken.update(members)
    return rails


def _inside(element: HtmlElement, taken: set[HtmlElement]) -> bool:
    return any(ancestor in taken for ancestor in element.iterancestors())


def drop_teaser_rails(tree: HtmlElement, url: str | None) -> int:
    """Takes the page's teaser rails out of the tree; the number of teasers taken."""
    taken = 0
    for rail in teaser_rails(tree, url):
        for member in rail:
            member.drop_tree()
            taken += 1
    return taken
