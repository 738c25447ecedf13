"""A document left with nothing but a menu: no main text, so nothing is written.

A page whose content its scripts draw (an app shell, a shop's search page), or that the
extractor found no content in, comes out of cleaning as the few short lines around it:
a menu, a header, a search box ("Aliexpress", "I'm shopping for..."), a cart. Written
out, they read as the document's text; they are page furniture, and an empty document
says what the page held (WCXB's gold text for such pages is empty).

So does a document left with one line that is the page's <title>: a headline with the
site's name beside it ("Beatrice Tan Rug | Ruggable US"), which is all a text dump of
such a page holds. It becomes the `title` metadata. A one-line record without a site's
name (a headline, a caption) is kept: it can be the whole of what a user wants.
"""

from __future__ import annotations

from cleaner.document import Document
from cleaner.scripts import count_words
from cleaner.steps.base import Setup, Step
from cleaner.steps.rules import site_domain
from cleaner.steps.title import looks_like_headline, strip_site
from cleaner.text import ends_with_sentence_mark

#: A menu entry, a heading or a price: a longer line is text someone wrote to be read.
MAX_LINE_WORDS = 6
TITLE_ONLY = "title-only"
_ELLIPSES = ("...", "…")  # a placeholder or a cut-off teaser, not a finished sentence


def is_sentence(text: str) -> bool:
    """The line ends like a sentence, not like a search box's "Search..."."""
    stripped = text.rstrip()
    return ends_with_sentence_mark(stripped) and not stripped.endswith(_ELLIPSES)


def menu_only(lines: list[str], max_words: int) -> bool:
    """Two lines or more, none longer than `MAX_LINE_WORDS` words or ending like a
    sentence, `max_words` words at most in all, and half of them or more with a letter
    (menu entries are words; a table of figures is data). One line alone is left: a
    short record (a headline, a caption) can be the whole of what a user wants kept."""
    if len(lines) < 2:
        return False
    total = lettered = 0
    for text in lines:
        words = count_words(text)
        if words > MAX_LINE_WORDS or is_sentence(text):
            return False
        total += words
        if total > max_words:
            return False
        lettered += any(char.isalpha() for char in text)
    return 2 * lettered >= len(lines)


def page_title_only(lines: list[str], site: str | None, domain: str | None) -> str | None:
    """The headline, when the one line left is a page title naming the site (see the
    module's docstring); None otherwise."""
    if len(lines) != 1 or not looks_like_headline(lines[0]):
        return None
    headline = strip_site(lines[0], site, domain)
    return headline if headline != lines[0] else None


class MenuOnlyStep(Step):
    """Empties a document whose kept lines are only a few short, sentence-less ones."""

    name = "menu-only"
    rule = "menu-only"

    def __init__(self, max_words: int) -> None:
        super().__init__()
        self.max_words = max_words

    @classmethod
    def from_setup(cls, setup: Setup) -> MenuOnlyStep | None:
        words = setup.config.menu_only_words
        return cls(words) if words else None

    def process(self, doc: Document) -> None:
        kept = doc.kept
        texts = [line.text for line in kept]
        headline = None
        if len(texts) == 1:
            domain = site_domain(doc.metadata.get("url"))
            headline = page_title_only(texts, doc.metadata.get("site"), domain)
        if headline is not None:
            self.counts["title_only"] += 1
            doc.metadata["title"] = doc.metadata.get("title") or headline
            reason = "only the page's title was left, the site's name beside it: no text"
            doc.drop(kept[0], step=self.name, rule=TITLE_ONLY, reason=reason)
            return
        if not menu_only(texts, self.max_words):
            return
        self.counts["emptied"] += 1
        reason = f"only {len(kept)} short lines and no sentence were left: a menu, not text"
        for line in kept:
            doc.drop(line, step=self.name, rule=self.rule, reason=reason)
