"""Small text helpers shared by the steps."""

from __future__ import annotations

import re

_SPACES = re.compile(r"\s+")
_WORD = re.compile(r"\w+")
#: What ends a sentence, in every script: full stops, question and exclamation marks
#: (Latin, full-width and ideographic 。！？, the Devanagari danda, the Arabic question
#: mark), the ellipsis, and the closing quotes and brackets that may follow them.
SENTENCE_MARKS = ".!?…。！？．｡।؟\"”’'»)]」』）"
# After the mark only more marks, spaces or a footnote sign: "said.", "？」", "(AP).",
# "wrong?!", but not a line of code ("});").
_SENTENCE_END = re.compile(
    "[" + re.escape(SENTENCE_MARKS) + "][" + re.escape(SENTENCE_MARKS) + r"\s*†‡]{0,3}$"
)
SENTENCE_END_REACH = 4  # a mark ends a sentence within this many characters of the end
_MARKS = frozenset(SENTENCE_MARKS)
def line_key(text: str, *, casefold: bool = True) -> str:
    """The comparison form of a line: spaces collapsed, ends stripped, case folded."""
    if "  " in text or not text.isprintable():  # else only a plain space can be there
        key = _SPACES.sub(" ", text).strip()
    else:
        key = text.strip(" ")
    return key.casefold() if casefold else key


def words_of(text: str) -> list[str]:
    """The words of a text: runs of letters, digits and underscores."""
    return _WORD.findall(text)


def word_count(text: str) -> int:
    return len(_WORD.findall(text))


def ends_with_sentence_mark(text: str) -> bool:
    """The line ends like a sentence: a mark of `SENTENCE_MARKS` within its last
    `SENTENCE_END_REACH` characters, followed by nothing but such marks or spaces
    ("said.", "？」", "(AP).", "wrong?!"). The one definition the rules, the classifier
    and the language sample share; only the tail is read, never the whole line."""
    last = text[-1:]
    if last in _MARKS:  # the common cases first: a mark, or a word, right at the end
        return last != ""
    if last.isalnum():
        return False
    tail = text[-SENTENCE_END_REACH - 8 :].rstrip()[-SENTENCE_END_REACH:]
    return _SENTENCE_END.search(tail) is not None
