"""The headline: the first line left after the rules, when it is shaped like one.

It becomes the `title` metadata. In the text the line is judged like any other: a
headline right above the article stays as its heading, while a page title that menus
separate from the article (html-text and browser dumps start with the page's <title>)
goes with them, as HTML extraction leaves the title out of the text. Later copies of
the title go, so it is never printed twice.
"""

from __future__ import annotations

from cleaner.document import Document
from cleaner.steps.base import Step
from cleaner.text import word_count

MAX_TITLE_WORDS = 30
MAX_TITLE_CHARS = 250
_NOT_A_HEADLINE_END = frozenset(".,;:")


def looks_like_headline(text: str) -> bool:
    """Short, not ending like a sentence or a label, not starting mid-sentence."""
    words = word_count(text)
    first_letter = next((ch for ch in text if ch.isalpha()), "")
    return (
        2 <= words <= MAX_TITLE_WORDS
        and len(text) <= MAX_TITLE_CHARS
        and text[-1] not in _NOT_A_HEADLINE_END
        and not first_letter.islower()
    )


class TitleStep(Step):
    """Sets `title` from the first kept line when no better source (HTML) has set it."""

    name = "title"

    def process(self, doc: Document) -> None:
        if doc.metadata.get("title"):
            return
        kept = doc.kept
        if len(kept) >= 2 and looks_like_headline(kept[0].text):
            doc.metadata["title"] = kept[0].text
