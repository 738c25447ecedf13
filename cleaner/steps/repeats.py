"""Repetition inside one document: lines pasted twice over, and lines repeated verbatim."""

from __future__ import annotations

from cleaner.document import Document
from cleaner.steps.base import Setup, Step
from cleaner.text import line_key

_SEPARATORS = frozenset({"", ".", "|", "·", "•", "-", "–", "—", "/"})
MIN_HALF_CHARS = 12  # "ha ha" and "no no" are language, not a paste accident


def self_repeat_half(text: str) -> str | None:
    """If `text` is one string twice (`XX`, `X X`, `X\\tX`, `X.X`, `X | X`), return X."""
    n = len(text)
    for gap in (0, 1, 2, 3):
        if (n - gap) % 2:
            continue
        half = (n - gap) // 2
        if half < MIN_HALF_CHARS:
            return None
        if text[:half] == text[n - half :] and text[half : n - half].strip() in _SEPARATORS:
            return text[:half].strip()
    return None


class SelfRepeatStep(Step):
    """Keeps one copy of a line that is the same text twice (a caption pasted twice)."""

    name = "dedup"
    rule = "dedup:self-repeat"

    def process(self, doc: Document) -> None:
        for line in doc.kept:
            # Until no half is left: a line pasted four times halves twice, and cleaning
            # the result again must find nothing more to cut.
            while (half := self_repeat_half(line.text)) is not None:
                doc.cut(
                    line,
                    half,
                    line.text[len(half) :].strip(),
                    step=self.name,
                    rule=self.rule,
                    reason="the line is the same text twice",
                )


def repeat_key(text: str) -> str:
    return line_key(text).rstrip(".;:,… 。．｡，；：")


class RepeatedLineStep(Step):
    """Keeps the first copy of a line repeated verbatim (after normalization, case folding
    and ignoring a final full stop, any width, so a standfirst and its sentence count as one).

    A repeat right after its copy (only removed lines between) is a paste accident and
    goes from `min_words` up. A repeat further away goes only from `distant_min_words`
    up: short lines recur for good reasons (the same question put to each interviewee,
    table headers, recipe steps), long paragraphs rarely do. Copies of a title the page or
    the input states always go (`dedup:title`); a text's first line taken for its title
    is a line like any other.

    On HTML pages of the types in `DISTANT_REPEATS_KEPT` a repeat further away stays:
    a reference page states a parameter's description again wherever the parameter
    recurs (in the request and in the response, in one tab per language). On WCXB dev
    that took documentation pages from 0.9159 to 0.9188 word F1 (both halves of the ids
    gained); other types lost with it (forum posts quote each other). A text dump keeps
    its site furniture, which also recurs, so there every distant repeat still goes.
    """

    #: Page types (cleaner/page_type.py) whose HTML pages keep repeats further away.
    DISTANT_REPEATS_KEPT = frozenset({"documentation"})

    name = "dedup"
    settles = True

    def __init__(self, min_words: int = 4, distant_min_words: int = 20) -> None:
        super().__init__()
        self.min_words = min_words
        self.distant_min_words = distant_min_words

    @classmethod
    def from_setup(cls, setup: Setup) -> RepeatedLineStep:
        config = setup.config
        return cls(
            min_words=config.dedup_min_words, distant_min_words=config.dedup_distant_min_words
        )

    def _is_repeat(self, key: str, previous: str | None, words: int, drop_distant: bool) -> bool:
        if key == previous:
            return words >= self.min_words
        return drop_distant and words >= self.distant_min_words

    def process(self, doc: Document) -> None:
        # A title stated (by the page, or by the input's metadata) goes wherever the text
        # repeats it; one guessed from the first line is a line like any other: its line
        # may go later (the classifier), and cleaning the output again would then take
        # another line for the title and remove that line's copies too.
        title = None if doc.title_guessed else doc.metadata.get("title")
        title_key = repeat_key(title) if title else None
        first_seen: dict[str, int | None] = {}
        if title_key and doc.html is not None:
            first_seen[title_key] = None  # the page's own title: every body copy is a repeat
        previous: str | None = None
        drop_distant = (
            doc.html is None or doc.metadata.get("page_type") not in self.DISTANT_REPEATS_KEPT
        )
        for line in doc.kept:
            key = repeat_key(line.text)
            if (
                key in first_seen
                and not line.content
                and (
                    key == title_key
                    or self._is_repeat(key, previous, line.word_weight(), drop_distant)
                )
            ):
                where = first_seen[key]
                reason = f"repeats line {where}" if where else "repeats the page title"
                rule = "dedup:title" if key == title_key else "dedup:repeat"
                doc.drop(line, step=self.name, rule=rule, reason=reason)
                continue
            first_seen.setdefault(key, line.number)
            previous = key
