"""Page types: which of the seven WCXB kinds of page an HTML page is, from evidence it carries.

article, forum, product, collection, listing, documentation, service. Each piece of
evidence adds points to one type: schema.org types (JSON-LD `@type`, microdata
`itemtype`), OpenGraph `og:type`, the URL's path, and the page's structure (repeated
posts with authors and dates, repeated product cards, code blocks, sections). The type
with the most points wins when it has `MIN_SCORE` or more and leads the next one by
`MIN_MARGIN`; otherwise the page is undecided (`None`) and is extracted as an article.
Transparent rules, no learned weights: `bench/quality.py` prints its accuracy on WCXB dev.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from urllib.parse import urlsplit

PAGE_TYPES = ("article", "forum", "product", "collection", "listing", "documentation", "service")
MIN_SCORE = 2.0
MIN_MARGIN = 1.0

#: schema.org types (JSON-LD or microdata) and the page type each one points to, with weight.
SCHEMA_TYPES: dict[str, tuple[str, float]] = {
    "discussionforumposting": ("forum", 4),
    "qapage": ("forum", 4),
    "question": ("forum", 2),
    "answer": ("forum", 2),
    "comment": ("forum", 0.5),
    "product": ("product", 3),
    "productgroup": ("product", 3),
    "offer": ("product", 1),
    "aggregateoffer": ("product", 1),
    "individualproduct": ("product", 3),
    "newsarticle": ("article", 3),
    "article": ("article", 2),
    "blogposting": ("article", 3),
    "reportagenewsarticle": ("article", 3),
    "opinionnewsarticle": ("article", 3),
    "analysisnewsarticle": ("article", 3),
    "recipe": ("article", 2),
    "review": ("article", 0.5),
    "techarticle": ("documentation", 3),
    "apireference": ("documentation", 4),
    "softwaresourcecode": ("documentation", 1),
    "itemlist": ("listing", 1),
    "service": ("service", 2),
    "professionalservice": ("service", 2),
    "financialproduct": ("service", 2),
    "course": ("service", 1),
    "educationalOccupationalProgram".lower(): ("service", 2),
    "faqpage": ("service", 1),
    "offercatalog": ("service", 1),
}
OG_TYPES: dict[str, tuple[str, float]] = {
    "article": ("article", 1.5),
    "blog": ("article", 0.5),
    "product": ("product", 3),
    "product.item": ("product", 3),
    "og:product": ("product", 3),
    "product.group": ("collection", 2),
}
#: schema.org types by which a page declares itself a page of many items. Unlike ItemList
#: (also an article's table of contents, a forum's breadcrumb of posts), on WCXB dev they
#: name only collection and listing pages (14 of 14), and none of the scrapinghub news
#: pages: they outweigh a site-wide `og:type article`. A collection when the page shows
#: product cards or prices, else a listing (of articles, recipes, courses).
ITEMS_PAGE_TYPES = frozenset({"collectionpage", "searchresultspage"})
ITEMS_PAGE_WEIGHT = 3.0
#: Product cards or prices from which a page of items is a shop's collection.
SHOP_ITEMS = 4

#: Path patterns (on the lower-cased path, with a trailing "/") and what each points to.
URL_PATTERNS: tuple[tuple[re.Pattern[str], str, float], ...] = tuple(
    (re.compile(pattern), page_type, weight)
    for pattern, page_type, weight in (
        (r"/(?:forums?|threads?|discussions?|boards?)/", "forum", 2.5),
        (r"/t/[^/]+/\d+/", "forum", 3),  # Discourse: /t/<slug>/<topic id>
        (r"/questions/\d+/", "forum", 3),  # Stack Exchange and its clones
        (r"/(?:topics?|community)/", "forum", 1),
        (r"/(?:viewtopic|showthread)\.php", "forum", 3),
        (r"/products?/[^/]+", "product", 2.5),
        (r"/(?:p|dp|item|itm)/[^/]+", "product", 1),
        (r"/(?:collections?|category|categories|c|shop|store|catalog)/[^/]*/?$", "collection", 2),
        (
            r"/(?:docs?|documentation|manual|reference|api|guide|userguide|handbook|wiki)/",
            "documentation",
            2,
        ),
        (r"/(?:blog|news|articles?|posts?|stories|story|insights|pulse)/[^/]+", "article", 1.5),
        (r"/20\d\d/\d\d?/", "article", 2),
        (
            r"/(?:news|blog|articles|events|press|press-releases|resources|issues|tag|tags|search)/$",
            "listing",
            2,
        ),
        # 1.5 -> 2 (decides alone): +0.0001 / +0.0002 on WCXB dev's halves, 5 pages better, 1 worse
        (
            r"/(?:services?|pricing|plans|solutions|programs?|packages|certificat\w*|courses?|tuition\w*)/",
            "service",
            2.0,
        ),
    )
)
_HOST_HINTS: tuple[tuple[re.Pattern[str], str, float], ...] = (
    (re.compile(r"^(?:forums?|community|discuss|discussion|answers|users)\."), "forum", 2.5),
    # A site named for its forum ("warriorforum.com", "physicsforums.com"), whose threads
    # also carry an article's markup (JSON-LD Article, og:type article) often enough.
    (re.compile(r"(?:^|\.)[a-z0-9-]*forums?[a-z0-9-]*\.[a-z]{2,}(?:\.[a-z]{2})?$"), "forum", 2.5),
    (re.compile(r"stackexchange\.com$|stackoverflow\.com$|reddit\.com$"), "forum", 3),
    (
        re.compile(r"^(?:docs?|developer|developers|wiki)\.|readthedocs\.io$|gitbook\.io$"),
        "documentation",
        2.5,
    ),
    (re.compile(r"^shop\."), "product", 0.5),
)
_MAX_JSON_LD = 200_000  # characters of JSON-LD read per page


@dataclass(slots=True)
class PageEvidence:
    """What the page says about its type: points per type, and the reasons behind them."""

    scores: dict[str, float] = field(default_factory=dict)
    reasons: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def add(self, page_type: str, points: float, reason: str) -> None:
        self.scores[page_type] = self.scores.get(page_type, 0.0) + points
        self.reasons.append(f"{reason} -> {page_type} +{points:g}")

    def decide(self) -> str | None:
        ranked = sorted(self.scores.items(), key=lambda item: -item[1])[:2]
        if not ranked or ranked[0][1] < MIN_SCORE:
            return None
        if len(ranked) > 1 and ranked[0][1] - ranked[1][1] < MIN_MARGIN:
            return None
        return ranked[0][0]


def _json_types(node: object, depth: int = 0) -> Iterator[str]:
    """Every `@type` in a JSON-LD value, nested ones (`@graph`, `mainEntity`) included."""
    if depth > 6:
        return
    if isinstance(node, list):
        for item in node[:100]:
            yield from _json_types(item, depth + 1)
    elif isinstance(node, dict):
        kind = node.get("@type")
        for name in kind if isinstance(kind, list) else [kind]:
            if isinstance(name, str):
                yield name.rsplit("/", 1)[-1].lower()
        for key in ("@graph", "mainEntity", "mainEntityOfPage", "itemListElement", "hasPart"):
            if key in node:
                yield from _json_types(node[key], depth + 1)


def schema_types(found: _Structure, evidence: PageEvidence) -> set[str]:
    """schema.org types named by the page's JSON-LD and microdata; broken JSON-LD is noted."""
    names: set[str] = set()
    broken = 0
    for text in found.json_ld:
        try:
            names.update(_json_types(json.loads(text[:_MAX_JSON_LD])))
        except (ValueError, RecursionError):
            broken += 1
    if broken:
        evidence.warnings.append(f"{broken} JSON-LD block(s) are not valid JSON: ignored")
    for itemtype in found.itemtypes:
        for name in itemtype.split():
            names.add(name.rstrip("/").rsplit("/", 1)[-1].lower())
    return names


def _url_evidence(url: str | None, evidence: PageEvidence) -> None:
    if not url:
        return
    try:
        parts = urlsplit(url.lower())
        host = parts.hostname or ""
    except ValueError:  # "http://[::1": no evidence in an address that does not parse
        return
    path = parts.path if parts.path.endswith("/") else parts.path + "/"
    for pattern, page_type, weight in _HOST_HINTS:
        if pattern.search(host):
            evidence.add(page_type, weight, f"host {host}")
    for pattern, page_type, weight in URL_PATTERNS:
        if pattern.search(path):
            evidence.add(page_type, weight, f"URL path {pattern.pattern}")
    if path == "/":
        # A site's home page presents what the site offers (hero, features, pricing):
        # enough to decide, unless the markup points elsewhere (a shop's product cards, a
        # news site's teasers). On WCXB dev 40 of 72 home pages are service pages, 17
        # listings, 10 collections; weight 0.5 -> 2: +0.0010 / +0.0006 on the two halves
        # (service +0.009 / +0.004: 18 service pages better, 4 worse; 6 others better, 4
        # worse).
        evidence.add("service", 2.0, "site home page")


#: Class names, matched line by line over all of a page's class attributes.
_POST = re.compile(r"post|comment|reply|answer|message|topic-body|cooked")
_PERSON = re.compile(r"author|username|user-name|poster|creator|avatar")
_CARD = re.compile(r"product[-_]?(?:card|item|tile|grid-item)|grid-product")
_CART = re.compile(r"add[ -]to[ -](?:cart|bag|basket)|in den warenkorb|ajouter au panier")


@dataclass(slots=True)
class _Structure:
    """Counts from one walk over the page's elements."""

    posts: int = 0
    people: int = 0
    times: int = 0
    prices: int = 0
    cards: int = 0
    carts: int = 0
    code: int = 0
    articles: int = 0
    sections: int = 0
    json_ld: list[str] = field(default_factory=list)
    itemtypes: list[str] = field(default_factory=list)
    og_type: str | None = None


#: Over the page's UTF-8 bytes, ASCII letters lower-cased (what every expression here looks
#: for is ASCII): bytes.lower() takes a quarter of str.lower()'s time on a large page, a
#: tenth of this module's work. Literal starts, which the regex engine finds by fast search.
_CLASS_ATTR = re.compile(rb"""class\s*=\s*(?:"([^"]*)"|'([^']*)')""")
_ITEMTYPE_ATTR = re.compile(rb"""itemtype\s*=\s*["']?([^"'\s>]+)""")
_TAGS = re.compile(rb"<(pre|article|section|time)[\s>]")
_JSON_LD = re.compile(
    rb"""<script[^>]*?type\s*=\s*["']?application/ld\+json["']?[^>]*>(.*?)</script""", re.S
)
_OG_TYPE = re.compile(
    rb"""<meta[^>]*?property\s*=\s*["']og:type["'][^>]*?content\s*=\s*["']([^"']*)"""
    rb"""|<meta[^>]*?content\s*=\s*["']([^"']*)["'][^>]*?property\s*=\s*["']og:type"""
)
_CONTROL = re.compile(
    rb"""<button[^>]*>(.{0,200}?)</button|<input[^>]*value\s*=\s*["']([^"']*)""", re.S
)
_PRICE = re.compile(r"(?:^|[\s_-])(?:price|product-price|money)(?:$|[\s_-])")
_MARKUP = re.compile(r"<[^>]*>")


def _lines_matching(pattern: re.Pattern[str], lines: Counter[str]) -> int:
    """How many of the lines (each distinct one tested once, then counted as often as it
    occurs: a page repeats its class attributes) `pattern` finds something in."""
    return sum(count for line, count in lines.items() if pattern.search(line))


def _text(found: bytes) -> str:
    return found.decode("utf-8", "surrogatepass")


def _walk(html: str) -> _Structure:
    """The counts, by regular expressions over the page's markup: one C loop each (a
    Python walk over every element of the parsed page cost ten times more)."""
    found = _Structure()
    page = html.encode("utf-8", "surrogatepass").lower()
    named = Counter(a or b for a, b in _CLASS_ATTR.findall(page))
    classes = Counter({_text(name): count for name, count in named.items()})
    found.posts = _lines_matching(_POST, classes)
    found.people = _lines_matching(_PERSON, classes)
    found.cards = _lines_matching(_CARD, classes)
    found.prices = _lines_matching(_PRICE, classes)
    tags = Counter(_TAGS.findall(page))
    found.code, found.articles = tags[b"pre"], tags[b"article"]
    found.sections, found.times = tags[b"section"], tags[b"time"]
    for button, value in _CONTROL.findall(page):
        if _CART.search(_MARKUP.sub(" ", _text(button or value))):
            found.carts += 1
    found.json_ld = [_text(text).strip() for text in _JSON_LD.findall(page)]
    found.itemtypes = [_text(itemtype) for itemtype in _ITEMTYPE_ATTR.findall(page)[:200]]
    og_type = _OG_TYPE.search(page)
    content = (og_type[1] or og_type[2]) if og_type else None
    found.og_type = None if content is None else _text(content)
    return found


def _structure_evidence(found: _Structure, evidence: PageEvidence) -> None:
    """Repeated posts with authors or times, product cards and prices, code blocks, sections."""
    if found.posts >= 6 and max(found.people, found.times) >= 3:
        evidence.add("forum", 1.5, f"{found.posts} post containers, {found.people} authors")
    if found.carts and found.prices <= 6:
        evidence.add("product", 1.5, "an add-to-cart control")
    if found.cards >= 8:
        evidence.add("collection", 2, f"{found.cards} product cards")
    elif found.prices >= 8:
        evidence.add("collection", 1, f"{found.prices} prices")
    if found.code >= 2:
        evidence.add("documentation", 1 if found.code < 5 else 2, f"{found.code} code blocks")
    if found.articles >= 6:
        evidence.add("listing", 1.5, f"{found.articles} <article> elements")
    if found.sections >= 6 and found.articles < 2:
        evidence.add("service", 0.5, f"{found.sections} <section> elements")


def page_evidence(html: str, url: str | None) -> PageEvidence:
    """Collect the evidence a page's markup and address give."""
    evidence = PageEvidence()
    found = _walk(html)
    names = schema_types(found, evidence)
    if "faqpage" in names:  # its questions and answers are an FAQ's, not a forum's
        names -= {"question", "answer"}
    if declared := sorted(names & ITEMS_PAGE_TYPES):
        shop = max(found.cards, found.prices) >= SHOP_ITEMS
        items = "collection" if shop else "listing"
        evidence.add(items, ITEMS_PAGE_WEIGHT, f"schema.org {declared[0]}")
    for name in sorted(names):
        if name in SCHEMA_TYPES:
            page_type, weight = SCHEMA_TYPES[name]
            evidence.add(page_type, weight, f"schema.org {name}")
    og = (found.og_type or "").strip().lower()
    if og in OG_TYPES:
        evidence.add(OG_TYPES[og][0], OG_TYPES[og][1], f"og:type {og}")
    _url_evidence(url, evidence)
    _structure_evidence(found, evidence)
    return evidence


def url_evidence(url: str | None) -> PageEvidence:
    """The evidence a page's address alone gives: all a text capture with a URL has.
    On WCXB dev it decides 96 of 113 forum pages and 70 of 91 documentation pages, and
    names no other page forum."""
    evidence = PageEvidence()
    _url_evidence(url, evidence)
    return evidence


def classify_page(html: str, url: str | None) -> str | None:
    """The page's type, or None when the evidence does not decide it."""
    return page_evidence(html, url).decide()
