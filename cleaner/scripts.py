"""Scripts written without spaces between words, and a word count that knows them.

Chinese, Japanese and Thai do not put spaces between words, so `text.split()` counts a
whole sentence of them as one word. Here each Han, kana or Thai (Lao, Khmer, Myanmar)
character counts as one word, the way such text is measured (characters; Thai by its
letters, not its combining vowel and tone marks); Korean separates its words with spaces
and is counted by them. Elsewhere a word is what it always was: a run of characters
between spaces.
"""

from __future__ import annotations

import re

#: Han (with its extensions and compatibility ideographs), kana, Thai, Lao, Myanmar,
#: Khmer: letters of scripts that run words together.
UNSPACED = (
    "\u0e00-\u0eff"  # Thai, Lao
    "\u1000-\u109f"  # Myanmar
    "\u1780-\u17ff"  # Khmer
    "\u3005\u3007\u3021-\u3029\u3038-\u303b"  # ideographic iteration marks and numerals
    "\u3040-\u30ff\u31f0-\u31ff"  # hiragana, katakana
    "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"  # Han
    "\uff66-\uff9f"  # half-width katakana
    "\U00020000-\U0003134f"  # Han, supplementary planes
)
#: Characters of such a script that weigh as much as a word of a spaced one where lines
#: are weighed against each other: a line's prose words (`Line.prose_words`) and its
#: weight in the classifier (`unspaced_word_weight`).
UNSPACED_CHARS_PER_WORD = 2
#: Thai and Lao: scripts with no sentence mark at all (a space parts their sentences).
UNMARKED = "\u0e00-\u0eff"
_UNSPACED = re.compile(f"[{UNSPACED}]")
_UNMARKED = re.compile(f"[{UNMARKED}]")
_UNSPACED_RUNS = re.compile(f"[{UNSPACED}]+")
_HAS_WORD = re.compile(r"\w")


def unspaced_letters(text: str) -> int:
    """How many characters of the text are letters of a script written without spaces
    (marks, such as Thai vowel and tone signs, are not letters of their own)."""
    return sum(map(str.isalpha, _UNSPACED.findall(text)))


def unspaced_word_weight(text: str) -> int:
    """The words a line of such a script weighs as, by its length: its `\\w+` runs are
    phrases, so a paragraph of them would otherwise weigh as a few words."""
    return len(text) // UNSPACED_CHARS_PER_WORD


def is_unspaced(text: str, share: float = 0.5) -> bool:
    """Whether at least `share` of the text's letters are of a script written without
    spaces: its `\\w+` runs are phrases, not words, so lengths and weights count its
    characters instead (the classifier, the language sample)."""
    if text.isascii() or _UNSPACED.search(text) is None:  # a C loop: most lines stop here
        return False
    letters = sum(map(str.isalpha, text))
    return letters > 0 and unspaced_letters(text) >= share * letters


def marks_no_sentence_end(text: str, share: float = 0.5) -> bool:
    """Whether at least `share` of the text's letters are Thai or Lao, whose sentences
    end with no mark: a test of its ending says nothing about such a line."""
    if text.isascii() or _UNMARKED.search(text) is None:
        return False
    letters = sum(map(str.isalpha, text))
    thai = sum(map(str.isalpha, _UNMARKED.findall(text)))
    return letters > 0 and thai >= share * letters


def count_words(text: str) -> int:
    """Words of a text: runs between spaces, except that each Han, kana or Thai letter is
    a word of its own ("東京は晴れ" is 5, "iPhone发布会" 4, "Hello world" 2)."""
    if _UNSPACED.search(text) is None:
        return len(text.split())
    words = 0
    for token in text.split():
        if _UNSPACED.search(token) is None:
            words += 1
            continue
        words += unspaced_letters(token)
        words += sum(1 for piece in _UNSPACED_RUNS.split(token) if _HAS_WORD.search(piece))
    return words
