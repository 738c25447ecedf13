"""HTML pages to text and page metadata: trafilatura, with beautifulsoup4 as the fallback.

trafilatura runs with `deduplicate=False` (its module-level cache would make results
depend on what ran before; our own dedup step does that job) and without comments,
which are not part of an article.
"""

from __future__ import annotations

import re
from contextlib import suppress

import trafilatura
from bs4 import BeautifulSoup
from htmldate import find_date
from lxml.html import HtmlElement
from trafilatura.metadata import (
    META_URL,
    examine_meta,
    extract_author,
    extract_meta_json,
    extract_sitename,
    extract_title,
    extract_url,
)
from trafilatura.settings import Document as PageMetadata
from trafilatura.utils import load_html

from cleaner.dates import parse_date
from cleaner.document import Document
from cleaner.steps.base import Step

_FALLBACK_DROP = (
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
_BLANKS = re.compile(r"\n\s*\n+")
#: Dates the page states (markup, meta tags), not ones inferred from free text.
DATE_SEARCH = {"extensive_search": False, "original_date": True}


def fallback_text(html: str) -> str:
    """Visible text of the page, block by block, minus obvious furniture elements."""
    soup = BeautifulSoup(html, "lxml")
    for element in soup(_FALLBACK_DROP):
        element.decompose()
    body = soup.body or soup
    return _BLANKS.sub("\n", body.get_text("\n")).strip()


def page_metadata(tree: HtmlElement, url: str | None) -> PageMetadata:
    """trafilatura's `extract_metadata` for the fields a record has (title, author, url,
    site, description, date), step for step, without the categories, tags and licence it
    also looks for: those cost a fifth of HTML mode's time and nothing here reads them.
    It reads the tree trafilatura then extracts from, as `extract_metadata` does inside
    `bare_extraction`. tests/test_inputs.py holds it to trafilatura's answers."""
    metadata = examine_meta(tree)
    if metadata.author and " " not in metadata.author:
        metadata.author = None
    with suppress(Exception):  # trafilatura guards its JSON-LD reader the same way
        metadata = extract_meta_json(tree, metadata)
    metadata.title = metadata.title or extract_title(tree)
    metadata.author = metadata.author or extract_author(tree)
    metadata.url = metadata.url or extract_url(tree, url)
    metadata.date = find_date(tree, **DATE_SEARCH, url=metadata.url)
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


class ExtractStep(Step):
    """For HTML documents: main text into `raw`, title/author/date/url/site/description."""

    name = "extract"

    def __init__(self, favor_precision: bool = False) -> None:
        super().__init__()
        self.favor_precision = favor_precision

    def process(self, doc: Document) -> None:
        if doc.html is None:
            return
        tree = load_html(doc.html)
        metadata = result = None
        with suppress(TypeError, ValueError):  # what bare_extraction turns into "no result"
            metadata = page_metadata(tree, doc.metadata.get("url")) if tree is not None else None
        if tree is not None and metadata is not None:
            result = trafilatura.bare_extraction(
                tree,  # copied by trafilatura before it prunes
                url=doc.metadata.get("url") or metadata.url,
                include_comments=False,
                deduplicate=False,
                favor_precision=self.favor_precision,
                # No second opinion from trafilatura's fallback extractors (readability,
                # jusText): a third of its time, for no gain on the benchmark pages.
                fast=True,
            )
        text = result.text if result is not None else None
        if text and text.strip():
            doc.raw = text
        else:
            doc.raw = fallback_text(doc.html)
            self.counts["fallback"] += 1
        if result is None or metadata is None:
            return
        doc.set_meta("url", metadata.url)  # canonical link, unless the archive named one
        doc.set_meta("title", metadata.title)
        doc.set_meta("author", metadata.author)
        doc.set_meta("site", metadata.sitename)
        doc.set_meta("description", metadata.description)
        doc.set_meta("date", parse_date(metadata.date) if metadata.date else None)
