"""HTML pages to text and page metadata: trafilatura, with beautifulsoup4 as the fallback.

trafilatura runs with `deduplicate=False` (its module-level cache would make results
depend on what ran before; our own dedup step does that job) and without comments,
which are not part of an article.
"""

from __future__ import annotations

import re

import trafilatura
from bs4 import BeautifulSoup

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


def fallback_text(html: str) -> str:
    """Visible text of the page, block by block, minus obvious furniture elements."""
    soup = BeautifulSoup(html, "lxml")
    for element in soup(_FALLBACK_DROP):
        element.decompose()
    body = soup.body or soup
    return _BLANKS.sub("\n", body.get_text("\n")).strip()


class ExtractStep(Step):
    """For HTML documents: main text into `raw`, title/author/date/url/site/description."""

    name = "extract"

    def __init__(self, favor_precision: bool = False) -> None:
        super().__init__()
        self.favor_precision = favor_precision

    def process(self, doc: Document) -> None:
        if doc.html is None:
            return
        result = trafilatura.bare_extraction(
            doc.html,
            url=doc.metadata.get("url"),
            with_metadata=True,
            include_comments=False,
            deduplicate=False,
            favor_precision=self.favor_precision,
            # No second opinion from trafilatura's fallback extractors (readability,
            # jusText): a third of its time, for no gain on the benchmark pages.
            fast=True,
            # Dates the page states (markup, meta tags), not ones inferred from free text.
            date_extraction_params={"extensive_search": False, "original_date": True},
        )
        text = result.text if result is not None else None
        if text and text.strip():
            doc.raw = text
        else:
            doc.raw = fallback_text(doc.html)
            self.counts["fallback"] += 1
        if result is None:
            return
        doc.set_meta("url", result.url)  # canonical link, unless the archive named one
        doc.set_meta("title", result.title)
        doc.set_meta("author", result.author)
        doc.set_meta("site", result.sitename)
        doc.set_meta("description", result.description)
        doc.set_meta("date", parse_date(result.date) if result.date else None)
