"""The one data type that flows through the pipeline.

A document keeps every line it was read with; steps mark lines as removed instead
of deleting them, so the audit (`removals`) and `cleaner explain` can always show
what went and why.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from cleaner.markup import decode_blocks
from cleaner.scripts import is_unspaced, marks_no_sentence_end, unspaced_word_weight
from cleaner.text import ends_with_sentence_mark, words_of

METADATA_KEYS = (
    "url",
    "title",
    "site",
    "author",
    "date",
    "date_precision",
    "description",
    "language",
    "language_confidence",
    "page_type",
    "record_id",
    "crawl_date",
)


@dataclass(slots=True)
class Removal:
    """One piece of text taken out of a document, and the rule that took it."""

    step: str
    rule: str
    text: str
    line: int | None
    reason: str = ""
    #: The whole line went (`Document.drop`), not a part of it (`Document.cut`).
    whole: bool = True

    def to_dict(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "step": self.step,
            "text": self.text,
            "line": self.line,
            "reason": self.reason,
        }


@dataclass(slots=True)
class Line:
    """A line of the document; `number` is its 1-based line number in the input."""

    text: str
    number: int
    removed: bool = False
    content: bool = False  # a rule vouched for it: heuristic steps leave it alone
    # The words of `_words_of` (the text they were split from), and their case-folded forms.
    _words_of: str | None = field(default=None, repr=False, compare=False)
    _words: list[str] = field(default_factory=list, repr=False, compare=False)
    _folded: list[str] | None = field(default=None, repr=False, compare=False)

    def words(self) -> list[str]:
        """The line's words (`\\w+`): rules, classifier, dedup and fingerprint all need
        them, so they are split once per text. A step that changes `text` gets new ones."""
        if self._words_of is not self.text:
            self._words_of, self._words, self._folded = self.text, words_of(self.text), None
        return self._words

    def prose_words(self, min_words: int = 12) -> int:
        """The words of a prose line (a sentence-like paragraph: it ends like a sentence and
        has `min_words` or more), 0 for a line that is not prose; the ending is checked
        first, so only sentences are split into words. A line of Chinese, Japanese or
        Thai counts a word per `UNSPACED_CHARS_PER_WORD` characters (`unspaced_word_weight`,
        as the classifier weighs it): its `\\w+` runs are phrases, and a paragraph of them
        would never be prose. Thai and Lao mark no sentence end: a line of them is prose
        by its length alone."""
        if not ends_with_sentence_mark(self.text) and not marks_no_sentence_end(self.text):
            return 0
        words = len(self.words())
        if words < min_words and is_unspaced(self.text):
            words = max(words, unspaced_word_weight(self.text))
        return words if words >= min_words else 0

    def word_weight(self) -> int:
        """Its words, or for a line of Chinese, Japanese or Thai as many as its characters
        weigh (`unspaced_word_weight`): what length thresholds in words compare with."""
        words = len(self.words())
        if is_unspaced(self.text):
            return max(words, unspaced_word_weight(self.text))
        return words

    def folded_words(self) -> list[str]:
        """`words()`, case-folded."""
        words = self.words()
        if self._folded is None:
            self._folded = [word.casefold() for word in words]
        return self._folded


@dataclass(slots=True)
class Document:
    """A document read from a source, cleaned in place by the steps."""

    id: str  # also the output name: a relative, filesystem-safe POSIX path
    source: str
    raw: str = ""  # the text to clean; filled by extraction for HTML documents
    html: str | None = None  # the page, for HTML documents
    lines: list[Line] = field(default_factory=list)
    metadata: dict[str, Any] = field(default_factory=dict)
    removals: list[Removal] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)  # input fields passed through (JSONL)
    warnings: list[str] = field(default_factory=list)  # problems worth reporting, not failing
    rule_timeouts: list[str] = field(default_factory=list)  # ids of rules that hit the bound
    rules_fired: set[tuple[str, int]] = field(default_factory=set)  # (rule id, line number)
    #: What the steps did besides removals ("extract:fallback": 1), and their seconds
    #: ("seconds:classifier"): summed over the run into report.json's `steps`.
    stats: dict[str, float] = field(default_factory=dict)
    #: `title` is the text's first line, taken for its title (TitleStep), not stated.
    title_guessed: bool = False

    @property
    def kept(self) -> list[Line]:
        return [line for line in self.lines if not line.removed]

    def drop(self, line: Line, *, step: str, rule: str, reason: str = "") -> None:
        """Remove a whole line, recording why."""
        if line.removed:
            return
        line.removed = True
        self.removals.append(Removal(step, rule, line.text, line.number, reason))

    def cut(
        self,
        line: Line,
        new_text: str,
        removed_text: str,
        *,
        step: str,
        rule: str,
        reason: str = "",
    ) -> None:
        """Replace a line's text by a shorter one, recording the part taken out."""
        line.text = new_text
        self.removals.append(Removal(step, rule, removed_text, line.number, reason, whole=False))

    def set_meta(self, key: str, value: Any) -> None:
        """Set a metadata value unless an earlier, more specific source set it."""
        if value is not None and self.metadata.get(key) is None:
            self.metadata[key] = value

    @property
    def text(self) -> str:
        """The clean text: kept lines as paragraphs, one blank line apart, final newline."""
        paragraphs = [line.text for line in self.lines if not line.removed and line.text]
        # A code block or table extracted from HTML is one line with stand-ins for its
        # breaks, spaces and tabs (cleaner/markup.py): written as they were.
        if not paragraphs:
            return ""
        text = "\n\n".join(paragraphs) + "\n"
        return text if self.html is None else decode_blocks(text)

    def folded_words(self) -> list[str]:
        """The case-folded words of the clean text: `words_of(self.text)` case-folded,
        from the lines' own (no word spans the blank line between two paragraphs)."""
        return [word for line in self.lines if not line.removed for word in line.folded_words()]
