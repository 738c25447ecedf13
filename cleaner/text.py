"""Small text helpers shared by the steps."""

from __future__ import annotations

import re

_SPACES = re.compile(r"\s+")
_WORD = re.compile(r"\w+")
_SENTENCE_END = frozenset(".!?…\"”’»)]'")


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
    """The last visible character ends a sentence (a full stop, a closing quote...)."""
    stripped = text.rstrip()
    return bool(stripped) and stripped[-1] in _SENTENCE_END
