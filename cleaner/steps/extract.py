"""HTML pages to text and page metadata: trafilatura, with beautifulsoup4 as the fallback.

trafilatura runs with `deduplicate=False` (its module-level cache would make results
depend on what ran before; our own dedup step does that job), with its fallback
extractors, and without comments, which are not part of an article, except on forum
pages, whose posts trafilatura finds as comments. The page's type (cleaner/page_type.py)
is decided first, on the whole page, and written as `page_type`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager, suppress

import htmldate.extractors
from bs4 import BeautifulSoup
from htmldate import find_date
from lxml import etree
from lxml.html import (
    HtmlComment,
    HtmlElement,
    HtmlEntity,
    HtmlProcessingInstruction,
    fromstring,
    tostring,
)
from trafilatura.metadata import (
    META_URL,
    examine_meta,
    extract_meta_json,
    extract_sitename,
    extract_title,
    extract_url,
)
from trafilatura.settings import Document as PageMetadata
from trafilatura.utils import DOCTYPE_TAG, FAULTY_HTML, INVALID_XML_CHARS, is_dubious_html

from cleaner.author_boxes import AUTHOR_BOX_TYPES, drop_author_boxes
from cleaner.body_parts import add_missing_parts, body_parts
from cleaner.cards import FURNITURE_TAGS, page_cards
from cleaner.combine import ALWAYS_CARDS, CARD_TYPES, COMMENT_TYPES, combine
from cleaner.dates import parse_date
from cleaner.dialogs import drop_dialogs
from cleaner.document import Document
from cleaner.forum_chrome import FORUM_CHROME_TYPES, drop_forum_chrome
from cleaner.markup import markdown_key
from cleaner.misnested import FURNITURE_WRAPPERS, holds_the_page, unwrap_page_holders
from cleaner.page_fields import is_placeholder, page_author, page_title, scan, stated_date
from cleaner.page_type import page_evidence, url_evidence
from cleaner.product_data import product_lines
from cleaner.steps.base import Setup, Step
from cleaner.teaser_rails import RAIL_TYPES, drop_teaser_rails
from cleaner.text import encodable, line_key
from cleaner.vendored.trafilatura.author_search import find_author
from cleaner.vendored.trafilatura.main_text import main_text

_FALLBACK_DROP = FURNITURE_TAGS
_SCRIPTS = ("script", "style", "noscript", "template")
_BLANKS = re.compile(r"\n\s*\n+")
#: Dates the page states (markup, meta tags), not ones inferred from free text.
DATE_SEARCH = {"extensive_search": False, "original_date": True}


def fallback_text(html: str) -> str:
    """Visible text of the page, block by block, minus obvious furniture elements (not
    one that holds the page: see misnested.py)."""
    soup = BeautifulSoup(html, "lxml")
    for element in soup(_SCRIPTS):
        element.decompose()
    body = soup.body or soup
    page = len(body.get_text(strip=True))
    for element in soup(_FALLBACK_DROP):
        if element.decomposed:
            continue  # inside one taken out before
        if element.name in FURNITURE_WRAPPERS and holds_the_page(
            len(element.get_text(strip=True)), page
        ):
            element.unwrap()
        else:
            element.decompose()
    return _BLANKS.sub("\n", body.get_text("\n")).strip()


@contextmanager
def _without_dateparser() -> Iterator[None]:
    """htmldate's extensive search, less its last resort: dateparser on text its own
    parsers could not read. On WCXB dev that gave a date on 7 of 1,497 pages, each one
    whose gold has none (review, event and comment dates), and never where the gold has
    one; its first call costs half a second of CPU in every process (dateparser builds
    its time-zone expressions), a tenth of a 181-page HTML run. The gate before it goes
    too (`has_date_cue`: its first call loads every dateparser locale's month names,
    another half second, to decide whether to call dateparser). Swapped out for the call
    only: htmldate used elsewhere in the process keeps them (though its cache of parsed
    strings may remember a None from here for the same string)."""
    module = htmldate.extractors
    swaps = {"_external_date": _no_external_date, "has_date_cue": _no_date_cue}
    originals = {name: getattr(module, name, None) for name in swaps}
    if None in originals.values():  # another htmldate release: nothing to swap
        yield
        return
    for name, stand_in in swaps.items():
        setattr(module, name, stand_in)
    try:
        yield
    finally:
        for name, original in originals.items():
            setattr(module, name, original)


def _no_external_date(string: str) -> None:
    return None


def _no_date_cue(string: str, min_date: object, max_date: object) -> bool:
    return False


_FRAMESET = re.compile(r"<frameset[\s>]", re.I)
_BODY = re.compile(r"<body[\s>]", re.I)


def page_problem(html: str, text: str) -> str | None:
    """Why a page gave no main text, when the reason is the page's shape, not its content."""
    if _FRAMESET.search(html):
        return "the page is a frameset: its text is in the framed pages, not here"
    if not text.strip():
        return "no text in the HTML (only scripts, or nothing in <body>): the document is empty"
    if not _BODY.search(html):
        return NO_BODY
    return None


NO_BODY = "the page has no <body>: its text was read from whatever markup it has"


def _page_parser() -> etree.HTMLParser:
    """trafilatura's HTML parser, with lxml.html's element classes looked up in C.

    lxml.html looks up the class of every element Python touches with a Python callback
    (to give form fields classes of their own, which neither trafilatura nor this step
    reads): 400,000 calls on the benchmark pages, a tenth of extraction's time. Building
    a parser costs a microsecond, so each page gets its own (lxml parsers are not shared
    between threads, nor pickled to workers)."""
    parser = etree.HTMLParser(
        collect_ids=False,
        default_doctype=False,
        encoding="utf-8",
        remove_comments=True,
        remove_pis=True,
    )
    lookup = etree.ElementDefaultClassLookup(
        element=HtmlElement, comment=HtmlComment, pi=HtmlProcessingInstruction, entity=HtmlEntity
    )
    parser.set_element_class_lookup(lookup)
    return parser


#: Bytes of a UTF-8 page that are none of the control characters INVALID_XML_CHARS removes.
_XML_SAFE_BYTES = bytes(b for b in range(256) if INVALID_XML_CHARS.match(chr(b)) is None)


def has_invalid_xml_chars(html: str) -> bool:
    """Whether INVALID_XML_CHARS finds anything in `html`, in half the regex's time: U+FFFE
    and U+FFFF by substring search, the control characters on the UTF-8 bytes, where they
    are single bytes (no multi-byte sequence holds one) and deleting every other byte is
    one C pass."""
    if "\ufffe" in html or "\uffff" in html:
        return True
    return bool(html.encode("utf-8", "surrogatepass").translate(None, _XML_SAFE_BYTES))


def repair_page(html: str, beginning: str) -> str:
    """trafilatura's `repair_faulty_html`, step for step, with its scan for characters XML
    forbids done by `has_invalid_xml_chars` (the substitution runs only when there are
    some): the regex scan was a third of parsing's time on the benchmark pages."""
    if has_invalid_xml_chars(html):
        html = INVALID_XML_CHARS.sub("", html)
    if "doctype" in beginning:  # libxml2 mishandles "<!DOCTYPE html/>"
        first_line, newline, rest = html.partition("\n")
        repaired = DOCTYPE_TAG.sub("", first_line, count=1)
        if repaired != first_line or not newline:  # else the same text: not copied again
            html = repaired + "\n" + rest
    for line in html[:4096].splitlines()[:4]:  # a self-closing <html/> near the top
        if "<html" in line and line.endswith("/>"):
            html = FAULTY_HTML.sub(r"\1>", html, count=1)
            break
    return html


#: A character reference to a character XML forbids (the controls but tab and line
#: breaks, U+FFFE, U+FFFF): the HTML parser puts the character in the tree, and lxml then
#: refuses text that holds it (trafilatura's markdown output failed on "&#xFFFE;").
_FORBIDDEN_REFERENCE = re.compile(
    r"&#(?:[xX]0*(?:[1-8bBcCeEfF]|1[0-9a-fA-F]|[fF]{3}[eEfF])(?![0-9a-fA-F])"
    r"|0*(?:[1-8]|1[124-9]|2[0-9]|3[01]|6553[45])(?![0-9]));?"
)


def parse_page(html: str) -> HtmlElement | None:
    """trafilatura's `load_html` for a decoded page, step for step, with `_page_parser`:
    the same tree (tests/test_inputs.py compares them), built faster; and without the
    characters XML forbids that character references write (`_FORBIDDEN_REFERENCE`)."""
    parser = _page_parser()
    beginning = html[:50].lower()
    html = repair_page(html, beginning)
    if "&#" in html and _FORBIDDEN_REFERENCE.search(html):
        html = _FORBIDDEN_REFERENCE.sub("", html)
    tree: HtmlElement | None = None
    as_bytes = False
    try:
        tree = fromstring(html, parser=parser)
    except ValueError:  # a str declaring its encoding: lxml takes it as bytes only
        tree, as_bytes = _parse_bytes(html, parser), True
    except Exception:  # load_html's guard, without its log line
        tree = None
    if (tree is None or len(tree) < 1) and not as_bytes:
        tree = _parse_bytes(html, parser)
    if tree is not None and is_dubious_html(beginning) and len(tree) < 2:
        return None  # not HTML, or not a whole page
    return tree


def _parse_bytes(html: str, parser: etree.HTMLParser) -> HtmlElement | None:
    with suppress(Exception):
        return fromstring(html.encode("utf8", "surrogatepass"), parser=parser)
    return None


def page_metadata(
    tree: HtmlElement, url: str | None, find_dates: bool = True, search_author: bool = True
) -> PageMetadata:
    """trafilatura's `extract_metadata` for the fields a record has (title, author, url,
    site, description, date), step for step, without the categories, tags and licence it
    also looks for: those cost a fifth of HTML mode's time and nothing here reads them.
    It reads the tree trafilatura then extracts from, as `extract_metadata` does inside
    `bare_extraction`. tests/test_inputs.py holds it to trafilatura's answers.
    `find_dates=False` leaves the date out (the extract step looks for it its own way);
    `search_author=False` the byline search where the meta tags and JSON-LD name no
    author (the extract step runs `searched_author` only when its own sources fail)."""
    metadata = examine_meta(tree)
    if metadata.author and " " not in metadata.author:
        metadata.author = None
    with suppress(Exception):  # trafilatura guards its JSON-LD reader the same way
        metadata = extract_meta_json(tree, metadata)
    metadata.title = metadata.title or extract_title(tree)
    if search_author:
        metadata.author = metadata.author or find_author(tree)
    metadata.url = metadata.url or extract_url(tree, url)
    if find_dates:
        metadata.date = find_date(
            tree,
            extensive_search=DATE_SEARCH["extensive_search"],
            original_date=DATE_SEARCH["original_date"],
            url=metadata.url,
        )
    metadata.sitename = metadata.sitename or extract_sitename(tree)
    site = metadata.sitename
    if site:
        site = site.lstrip("@")  # a Twitter handle
        capitalise = site and "." not in site and not site[0].isupper()
        metadata.sitename = site.title() if capitalise else site
    elif metadata.url and (found := META_URL.match(metadata.url)):
        metadata.sitename = found[1]
    metadata.clean_and_trim()
    return metadata


def searched_author(tree: HtmlElement) -> str | None:
    """trafilatura's byline search (`find_author`), trimmed as `page_metadata` trims it."""
    found = PageMetadata(author=find_author(tree))
    found.clean_and_trim()
    return found.author


#: The first of January in the forms pages write it: {year} is filled in.
_NEW_YEAR = (
    r"{year}\s*[-/.]\s*0?1\s*[-/.]\s*0?1(?!\d)|(?<!\d)0?1\s*[-/.]\s*0?1\s*[-/.]\s*{year}"
    r"|(?<!\d)1(?:st|er|\.|º)?\s+(?:de\s+)?(?:jan|ene|gen|jän|sty|янв)\w*\.?,?\s+(?:de\s+)?{year}"
    r"|(?:jan|ene|gen|jän)\w*\.?\s+1(?:st)?,?\s+{year}|{year}\s*年\s*0?1\s*月\s*0?1\s*日"
)


def states_new_year(tree: HtmlElement, year: str) -> bool:
    """Whether the page's text states the first of January of `year` as a day."""
    pattern = re.compile(_NEW_YEAR.format(year=year), re.IGNORECASE)
    return pattern.search(tree.text_content()) is not None


class ExtractStep(Step):
    """For HTML documents: main text into `raw`, title/author/date/url/site/description."""

    name = "extract"

    def __init__(
        self, favor_precision: bool = False, fast: bool = False, markup: str = "plain"
    ) -> None:
        super().__init__()
        self.favor_precision = favor_precision
        self.fast = fast  # without trafilatura's fallback extractors
        self.markdown = markup == "markdown"  # else plain text (cleaner/markup.py)

    @classmethod
    def from_setup(cls, setup: Setup) -> ExtractStep:
        return cls(fast=not setup.config.extract_fallbacks, markup=setup.config.markup)

    def process(self, doc: Document) -> None:
        if doc.html is None:
            self._text_page_type(doc)
            return
        doc.html = encodable(doc.html, doc.warnings)  # the parser would stop at a surrogate
        tree = parse_page(doc.html)
        metadata = text = page_type = None
        with suppress(TypeError, ValueError):  # what bare_extraction turns into "no result"
            url = doc.metadata.get("url")
            metadata = (
                page_metadata(tree, url, find_dates=False, search_author=False)
                if tree is not None
                else None
            )
        if tree is not None and metadata is not None:  # read before main_text prunes the tree
            url = doc.metadata.get("url") or metadata.url
            evidence = page_evidence(doc.html, url)
            doc.warnings.extend(evidence.warnings)
            page_type = evidence.decide()
            doc.metadata["page_type"] = page_type
            doc.metadata["page_type_evidence"] = evidence.reasons  # for `cleaner explain`
            marks = scan(tree)  # read once for the title, the author and a shown date
            metadata.title = page_title(tree, url, metadata.sitename, marks) or metadata.title
            meta_author = metadata.author
            if meta_author and is_placeholder(marks, meta_author):
                meta_author = None
            metadata.author = page_author(
                tree,
                metadata.sitename,
                meta_author or (lambda: searched_author(tree)),
                page_type,
                marks,
            )
            stated = stated_date(doc.html, tree, url, marks)
            metadata.date = stated or self._searched_date(tree, metadata.url)
            # The tree is pruned in place: nothing reads it after this.
            if dropped := drop_dialogs(tree):
                self.counts["dialogs"] += dropped
            if page_type in AUTHOR_BOX_TYPES and (taken := drop_author_boxes(tree)):
                self.counts["author_boxes"] += taken
            if page_type in RAIL_TYPES and (taken := drop_teaser_rails(tree, url)):
                self.counts["teaser_rails"] += taken
            # On a forum page the second extractor (combine.py) reads the page without
            # its chrome, or it brings the chrome back; elsewhere, the page as it came.
            pruned = doc.html
            if page_type in FORUM_CHROME_TYPES and (taken := drop_forum_chrome(tree)):
                self.counts["forum_chrome"] += taken
                pruned = tostring(tree, encoding="unicode")
            comments = page_type in COMMENT_TYPES
            cards = (
                page_cards(tree, by_leading_class=page_type in ALWAYS_CARDS)
                if page_type in CARD_TYPES
                else []
            )
            product = product_lines(tree) if page_type == "product" else []
            parts = body_parts(tree)
            text = self._main_text(tree, url, comments)
            if not (text and text.strip()):
                text = self._page_in_furniture(doc.html, url, comments)
            if text and text.strip():
                # Markdown lines compare without their markup with the page's plain blocks.
                key_of = markdown_key if self.markdown else line_key
                whole = add_missing_parts(text, parts, key_of)
                self.counts["body_parts"] += whole != text
                text = whole
                combined = combine(text, pruned, page_type, cards, product, key_of)
                self.counts["combined"] += combined != text
                text = combined
        if text and text.strip():
            doc.raw = text
            if not _BODY.search(doc.html):
                doc.warnings.append(NO_BODY)
        else:
            doc.raw = fallback_text(doc.html)
            self.counts["fallback"] += 1
            problem = page_problem(doc.html, doc.raw)
            if problem:
                doc.warnings.append(problem)
        if metadata is None:  # a page without main text still states its title, author, date
            return
        doc.set_meta("url", metadata.url)  # canonical link, unless the archive named one
        doc.set_meta("title", metadata.title)
        doc.set_meta("author", metadata.author)
        doc.set_meta("site", metadata.sitename)
        doc.set_meta("description", metadata.description)
        doc.set_meta("date", parse_date(metadata.date) if metadata.date else None)

    def _page_in_furniture(self, html: str, url: str | None, comments: bool) -> str | None:
        """The main text of a page found empty, again with its page-holding header, aside,
        footer, nav or form unwrapped (misnested.py); None if it has none. Only then: on
        pages whose text was found, unwrapping such an element costs as often as it gains
        (it lets a footer's or a sidebar's text in)."""
        tree = parse_page(html)
        if tree is None or not unwrap_page_holders(tree):
            return None
        self.counts["page_in_furniture"] += 1
        drop_dialogs(tree)
        return self._main_text(tree, url, comments)

    def _main_text(self, tree: HtmlElement, url: str | None, comments: bool) -> str | None:
        """trafilatura's main text of the (pruned in place) tree, as this step's settings
        ask for it."""
        return main_text(
            tree,
            url,
            self.favor_precision,
            comments=comments,
            fast=self.fast,
            plain=True,
            markdown=self.markdown,
        )

    @staticmethod
    def _searched_date(tree: HtmlElement, url: str | None) -> str | None:
        """htmldate's extensive search (dates in the page's text too), for a page whose
        markup states no publication date; None where htmldate fails on the page, and
        where it made a year alone the first of January ("opened in 2011", "© 2019"): a
        date is one the page states (`states_new_year`)."""
        found = None
        with suppress(Exception), _without_dateparser():  # htmldate's guard is not total
            found = find_date(tree, extensive_search=True, original_date=True, url=url)
        if found and found[4:] == "-01-01" and not states_new_year(tree, found[:4]):
            return None
        return found

    @staticmethod
    def _text_page_type(doc: Document) -> None:
        """A text capture's type from its address alone (a forum thread's URL), so that
        rules scoped by page type treat it as they would its HTML; None when the address
        does not decide it, as for text with no URL."""
        url = doc.metadata.get("url")
        if not url or doc.metadata.get("page_type"):
            return
        evidence = url_evidence(url)
        page_type = evidence.decide()
        if page_type is not None:
            doc.metadata["page_type"] = page_type
            doc.metadata["page_type_evidence"] = evidence.reasons
