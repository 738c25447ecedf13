"""Title, author and date of an HTML page, from the evidence that agrees.

trafilatura's metadata takes `<title>` or `og:title` as they are, with the site's name
appended ("Machine learning, explained | MIT Sloan"), and the first author-looking
element. A page states these things in several places; where they agree, the answer is
more likely the page's own:

- title: the page's headline, an `<h1>` in the page's content (not in its navigation,
  footer, side bar or a form; in a page header only when nothing else agrees), when it
  agrees with what the meta tags (JSON-LD `headline`/`name`, `og:title`,
  `twitter:title`, `<title>`) say; else, on an article (`og:type` "article" or an
  article's JSON-LD type) that is not the site's home page, its first `<h1>`: a
  headline is its own, the meta title is often reworded for search engines; else the
  best meta title with the parts naming the site left out (cleaner/steps/title.py's
  `strip_site`), else the first `<h1>`. On a landing page the `<h1>` is as often a
  slogan ("Build fast."), which is why it needs the meta tags' agreement there.
  Permalink marks after a heading ("Quickstart¶") are not part of it.
- author: JSON-LD `author` of the page's article (several names joined as a byline
  writes them), then trafilatura's answer (meta tags, byline elements) with what follows
  the name ("Last updated ...", "| Staff") left out; a value that is a sentence (a bio),
  a URL or the site's own name is not an author.
- date: the publication date the markup states (`stated_date`: a published-time meta
  tag, JSON-LD `datePublished`, the first `<time datetime>`), else htmldate's extensive
  search, preferring the original date to the last modified one.

Each function takes the parsed page (cleaner/steps/extract.py's `parse_page`) and reads
it without changing it.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterator
from urllib.parse import urlsplit

from lxml.html import HtmlElement

from cleaner.steps.rules import site_domain
from cleaner.steps.title import _DOMAIN_SHAPED, _letters, strip_site

_SPACES = re.compile(r"\s+")
_WORD = re.compile(r"\w+")
MAX_TITLE_WORDS = 40
_FURNITURE = frozenset({"header", "nav", "footer", "aside", "form", "button", "template"})
_FURNITURE_CLASS = re.compile(
    r"(?:^|[\s_-])(?:site-header|masthead|navbar|menu|footer|sidebar|modal|popup|cookie)"
    r"(?:$|[\s_-])",
    re.I,
)
_MAX_JSON_LD = 200_000
_NESTED = ("@graph", "mainEntity", "mainEntityOfPage")
#: JSON-LD types whose `headline`/`name`, `author` and `datePublished` are the page's own.
_MAIN_TYPES = frozenset(
    {
        "article",
        "newsarticle",
        "blogposting",
        "reportagenewsarticle",
        "techarticle",
        "opinionnewsarticle",
        "analysisnewsarticle",
        "scholarlyarticle",
        "report",
        "webpage",
        "itempage",
        "aboutpage",
        "faqpage",
        "qapage",
        "collectionpage",
        "product",
        "recipe",
        "discussionforumposting",
        "question",
        "howto",
        "liveblogposting",
        "socialmediaposting",
        "medicalwebpage",
        "review",
        "course",
        "event",
        "service",
        "videoobject",
        "podcastepisode",
    }
)
_ARTICLE_TYPES = _MAIN_TYPES - {"webpage", "collectionpage", "itempage", "aboutpage", "faqpage"}


def _clean(text: str | None) -> str:
    """Spaces collapsed and character references ("&amp;", "&#8217;") resolved: JSON-LD
    and some meta tags carry them escaped twice."""
    text = text or ""
    if "&" in text:
        text = html.unescape(text)
    return _SPACES.sub(" ", text).strip()


def _words(text: str) -> list[str]:
    return _WORD.findall(text.casefold())


def _meta(tree: HtmlElement, *names: str) -> list[str]:
    """Contents of `<meta>` tags whose name or property is one of `names`, in page order."""
    wanted = {name.casefold() for name in names}
    found = []
    for meta in tree.iter("meta"):
        key = (meta.get("property") or meta.get("name") or meta.get("itemprop") or "").casefold()
        if key in wanted and (content := _clean(meta.get("content"))):
            found.append(content)
    return found


def in_furniture(element: HtmlElement) -> bool:
    """Whether an element is inside the page's header, navigation, footer or a form."""
    for ancestor in element.iterancestors():
        if ancestor.tag in _FURNITURE:
            return True
        if _FURNITURE_CLASS.search(ancestor.get("class") or "") or _FURNITURE_CLASS.search(
            ancestor.get("id") or ""
        ):
            return True
    return False


# --- JSON-LD -------------------------------------------------------------------------


def _objects(node: object, depth: int = 0) -> Iterator[dict]:
    """Every object in a JSON-LD value, `@graph` members and nested main entities too,
    except the questions of an FAQ (they are not the page's own title or author)."""
    if depth > 5:
        return
    if isinstance(node, list):
        for item in node[:50]:
            yield from _objects(item, depth + 1)
    elif isinstance(node, dict):
        yield node
        keys = ("@graph",) if "faqpage" in _types(node) else _NESTED
        for key in keys:
            if key in node:
                yield from _objects(node[key], depth + 1)


def _types(node: dict) -> set[str]:
    kind = node.get("@type")
    names = kind if isinstance(kind, list) else [kind]
    return {name.rsplit("/", 1)[-1].casefold() for name in names if isinstance(name, str)}


def json_ld(tree: HtmlElement) -> list[dict]:
    """The page's JSON-LD objects; blocks that are not valid JSON are skipped."""
    found: list[dict] = []
    for script in tree.iter("script"):
        if (script.get("type") or "").strip().casefold() != "application/ld+json":
            continue
        text = (script.text or "").strip()[:_MAX_JSON_LD]
        try:
            value = json.loads(text)
        except (ValueError, RecursionError):
            continue
        found.extend(_objects(value))
    return found


def _main_objects(objects: list[dict], kinds: frozenset[str]) -> list[dict]:
    return [node for node in objects if _types(node) & kinds]


# --- title ---------------------------------------------------------------------------


#: Where a heading is not the page's own: navigation, footers, side bars, forms, pop-ups.
_HEADING_FURNITURE = frozenset({"nav", "footer", "aside", "form", "button", "template"})
_HEADING_FURNITURE_CLASS = re.compile(
    r"(?:^|[\s_-])(?:navbar|menu|footer|sidebar|modal|popup|cookie)(?:$|[\s_-])", re.I
)
#: The page's own header (logo, tagline), where an `<h1>` is as often the site's name.
_PAGE_HEADER_CLASS = re.compile(r"(?:^|[\s_-])(?:site-header|masthead|logo)(?:$|[\s_-])", re.I)
#: A permalink mark after a heading ("Quickstart¶", "Install #"): a link, not a word.
_LINK_MARK = re.compile(r"[\s\W]*$")


def _heading_place(element: HtmlElement) -> str | None:
    """Where a heading sits: "furniture" (navigation, footer, side bar, form, pop-up),
    "header" (a page header that is not inside the page's article or main part: a logo
    or tagline as often as the headline), or None (the page's content)."""
    place = None
    for ancestor in element.iterancestors():
        tag = ancestor.tag
        if tag in ("article", "main", "body"):
            return place
        if tag in _HEADING_FURNITURE:
            return "furniture"
        classes = _own_classes(ancestor)
        if _HEADING_FURNITURE_CLASS.search(classes):
            return "furniture"
        if tag == "header" or _PAGE_HEADER_CLASS.search(classes):
            place = "header"
    return place


#: Class names that describe the layout around an element, not the element itself
#: ("has-sidebar", "no-menu", "content-sidebar-wrap").
_LAYOUT_CLASS = re.compile(r"^(?:has|no|with|is|without)[_-]|content", re.I)


def _own_classes(element: HtmlElement) -> str:
    """An element's class names and id, without the ones that describe its layout."""
    names = f"{element.get('class') or ''} {element.get('id') or ''}".split()
    return " ".join(name for name in names if not _LAYOUT_CLASS.search(name))


def heading_text(element: HtmlElement) -> str:
    """A heading's text without the permalink marks its links add ("¶", "#", "🔗")."""
    text = _clean("".join(element.itertext()))
    for link in element.iter("a"):
        mark = _clean(link.text_content())
        if mark and not any(ch.isalnum() for ch in mark) and text.endswith(mark):
            text = text[: -len(mark)].rstrip()
    if text.endswith(("¶", "§")):
        text = _LINK_MARK.sub("", text.rstrip("¶§"))
    return text


def headings(tree: HtmlElement, place: str | None = None) -> list[str]:
    """Texts of the page's `<h1>` elements at `place` (see `_heading_place`; None: the
    page's content), in page order."""
    found = []
    for h1 in tree.iter("h1"):
        text = heading_text(h1)
        if text and len(text.split()) <= MAX_TITLE_WORDS and _heading_place(h1) == place:
            found.append(text)
    return found


def meta_titles(tree: HtmlElement, objects: list[dict]) -> list[str]:
    """What the page's metadata gives as its title, most specific first."""
    titles: list[str] = []
    for node in _main_objects(objects, _ARTICLE_TYPES):
        for key in ("headline", "name"):
            value = node.get(key)
            if isinstance(value, str) and _clean(value):
                titles.append(_clean(value))
                break
    titles += _meta(tree, "og:title", "twitter:title")
    title = tree.find(".//title")
    if title is not None and (text := _clean(title.text_content())):
        titles.append(text)
    return titles


def agrees(heading: str, title: str) -> bool:
    """Whether a heading and a meta title name the same thing: the same words, or the
    heading's words the whole of the title's first part or most of the title's words."""
    mine, theirs = _words(heading), _words(title)
    if not mine or not theirs:
        return False
    if mine == theirs or " ".join(theirs).startswith(" ".join(mine)):
        return True
    shared = len(set(mine) & set(theirs))
    return shared >= 0.6 * len(set(mine)) and shared >= 0.6 * len(set(theirs))


def _only_site(title: str, site: str | None, domain: str | None) -> bool:
    """Whether a title is nothing but the site's name or address."""
    letters = _letters(title)
    if site and letters == _letters(site):
        return True
    if domain and letters in _letters(domain):
        return True
    return _DOMAIN_SHAPED.fullmatch(title.casefold()) is not None


#: JSON-LD types of a page that is an article (a post, a report, a how-to) or one thing
#: (a product, a question), whose `<h1>` is its headline even where the meta title,
#: written for search engines, says it differently.
_HEADLINE_TYPES = _ARTICLE_TYPES - {"course", "event", "service", "videoobject", "review"}


def is_article(tree: HtmlElement, objects: list[dict]) -> bool:
    """Whether the page says it is an article: `og:type` "article" or an article's
    JSON-LD type."""
    if any(kind.casefold() == "article" for kind in _meta(tree, "og:type")):
        return True
    return bool(_main_objects(objects, _HEADLINE_TYPES))


def _is_home(url: str | None) -> bool:
    return bool(url) and not urlsplit(url if "//" in url else "//" + url).path.strip("/")


def page_title(tree: HtmlElement, url: str | None, site: str | None) -> str | None:
    """The page's headline (see the module's docstring), or None."""
    domain = site_domain(url)
    objects = json_ld(tree)
    metas = meta_titles(tree, objects)
    content = [h for h in headings(tree) if not _only_site(h, site, domain)]
    header = [h for h in headings(tree, "header") if not _only_site(h, site, domain)]
    for heading in content + header:
        if any(agrees(heading, title) for title in metas):
            return heading
    if content and not _is_home(url) and is_article(tree, objects):
        return content[0]
    stripped = [strip_site(title, site, domain) for title in metas]
    stripped = [title for title in stripped if not _only_site(title, site, domain)]
    if stripped:
        return stripped[0]
    return (content + header)[0] if content or header else None


# --- author --------------------------------------------------------------------------

MAX_AUTHOR_WORDS = 6
_BY = re.compile(r"^(?:(?:written|posted|reviewed|edited|published)\s+)?by[:\s]+", re.I)
_NOT_A_NAME = re.compile(r"https?:|www\.|@\w+\.|[.!?]\s+\w|\d{3,}|[|<>{}]")
_NAME_END = re.compile(
    r"\s+(?:on|updated|last updated|published|posted|\||·|•|—|–|-)\s+.*$"
    r"|\s+(?:last\s+)?updated\b.*$"
    r"|\s+(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+\d.*$",
    re.I,
)


def _author_names(value: object, depth: int = 0) -> list[str]:
    """Names in a JSON-LD `author` value: a string, a Person, or a list of them."""
    if depth > 3:
        return []
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [name for item in value[:20] for name in _author_names(item, depth + 1)]
    if isinstance(value, dict):
        name = value.get("name")
        if isinstance(name, str):
            return [name]
        given, family = value.get("givenName"), value.get("familyName")
        if isinstance(given, str) and isinstance(family, str):
            return [f"{given} {family}"]
    return []


def clean_name(text: str) -> str | None:
    """A person's or byline's name from an author field or element, or None when the
    text is not a name (a sentence, an address, a long bio)."""
    text = _BY.sub("", _clean(text))
    text = _NAME_END.sub("", text).strip(" ,;:-|")
    if not text or _NOT_A_NAME.search(text) or len(text.split()) > MAX_AUTHOR_WORDS:
        return None
    if not any(ch.isalpha() for ch in text):
        return None
    return text


def join_names(names: list[str]) -> str | None:
    """Names in page order, each once, as a byline writes them."""
    unique: list[str] = []
    for name in names:
        if name and name.casefold() not in (n.casefold() for n in unique):
            unique.append(name)
    if not unique:
        return None
    if len(unique) == 1:
        return unique[0]
    return ", ".join(unique[:-1]) + " and " + unique[-1]


def _json_ld_author(objects: list[dict], site: str | None) -> str | None:
    for node in _main_objects(objects, _ARTICLE_TYPES):
        value = node.get("author")
        if value is None:
            continue
        names = [n for name in _author_names(value) if (n := clean_name(name))]
        if names:
            return join_names(names)
    return None


_MICRODATA_AUTHOR = "//*[contains(concat(' ', normalize-space(@itemprop), ' '), ' author ')]"
_MAX_USERNAME = 60


def microdata_author(tree: HtmlElement) -> str | None:
    """The name of the page's first microdata `author` (its `itemprop="name"`'s content
    or text, or the author element's own text), as written: a forum's first poster's
    user name ("hayley.p", "xJewishNinjax"), which name cleaning would spoil."""
    for element in tree.xpath(_MICRODATA_AUTHOR)[:5]:
        holders = element.xpath(".//*[@itemprop='name']") or [element]
        holder = holders[0]
        value = holder.get("content") if holder.tag == "meta" else holder.text_content()
        value = _SPACES.sub(" ", value or "").strip()
        if value and len(value) <= _MAX_USERNAME and not _NOT_A_NAME.search(value):
            return value
    return None


def page_author(
    tree: HtmlElement,
    site: str | None = None,
    fallback: str | None = None,
    page_type: str | None = None,
) -> str | None:
    """The page's author: on a forum page, the first post's author as the page's
    microdata writes it; else JSON-LD `author` of its article, else `fallback`
    (trafilatura's meta tags and byline search) with what follows the name ("Last
    updated ...", a job title after a separator) left out; None when none holds a name."""
    if page_type == "forum" and (found := microdata_author(tree)):
        return found
    if found := _json_ld_author(json_ld(tree), site):
        return found
    if fallback and (name := clean_name(fallback)):
        return name
    return None


#: Meta tags (property, name or itemprop) that state when the page was first published.
_PUBLISHED_KEYS = (
    r"article:published_time|og:published_time|og:article:published_time|datepublished"
    r"|pubdate|publishdate|publish[-_]date|publication[-_]date|date|dc\.date|dc\.date\.issued"
    r"|dcterms\.created|dcterms\.date|sailthru\.date|parsely-pub-date"
)
_ISO = r"(\d{4}-\d{2}-\d{2})"
_META_PUBLISHED = re.compile(
    rf"""<meta\b[^>]*?(?:property|name|itemprop)\s*=\s*["'](?:{_PUBLISHED_KEYS})["'][^>]*?"""
    rf"""content\s*=\s*["']\s*{_ISO}"""
    rf"""|<meta\b[^>]*?content\s*=\s*["']\s*{_ISO}[^"']*["'][^>]*?"""
    rf"""(?:property|name|itemprop)\s*=\s*["'](?:{_PUBLISHED_KEYS})["']""",
    re.I,
)
_LD_PUBLISHED = re.compile(rf""""datePublished"\s*:\s*"\s*{_ISO}""")
_TIME_ELEMENT = re.compile(rf"""<time\b[^>]*?datetime\s*=\s*["']?\s*{_ISO}""", re.I)
_DATE_SEARCH_CHARS = 2_000_000  # of a page's markup


def stated_date(html: str) -> str | None:
    """The publication date a page states in its markup, `YYYY-MM-DD`: a published-time
    meta tag, else JSON-LD `datePublished`, else the first `<time datetime>`; None when
    it states none (htmldate's search then decides). Modified dates are never read.
    On the 782 WCXB dev pages with a gold date this order, then htmldate's extensive
    search, is right on 0.858 of them; htmldate alone 0.807 (0.839 extensive)."""
    head = html[:_DATE_SEARCH_CHARS]
    for pattern in (_META_PUBLISHED, _LD_PUBLISHED, _TIME_ELEMENT):
        found = pattern.search(head)
        if found:
            value = next(group for group in found.groups() if group)
            if _plausible(value):
                return value
    return None


def _plausible(value: str) -> bool:
    year, month, day = (int(part) for part in value.split("-"))
    return 1990 <= year <= 2100 and 1 <= month <= 12 and 1 <= day <= 31
