"""Small text helpers shared by the steps."""

from __future__ import annotations

import re
from typing import Any

_SPACES = re.compile(r"\s+")
#: What a line's comparison form drops at its ends: a space (runs are one by then) and the
#: invisible left-to-right, right-to-left and Arabic letter marks.
_EDGE_MARKS = " \u200e\u200f\u061c"
_WORD = re.compile(r"\w+")
#: The one definition of a sentence's end, for every step that asks (the rules, the
#: classifier, the language sample, a line's `prose_words`): in every language, 。！？
#: end a sentence as .!? do. The marks that end one: Latin and full-width full stops,
#: question and exclamation marks, the ideographic full stop (full and half width), the
#: ellipsis, the Devanagari dandas, the Arabic question mark and the Urdu full stop, the
#: Armenian, Ethiopic, Myanmar and Khmer ones. Thai and Lao mark no sentence end (a
#: space parts their sentences): their lines are weighed by their characters instead
#: (cleaner.scripts).
SENTENCE_TERMINALS = ".!?…‼⁉。！？．｡।॥؟۔։።፧။។"
#: Closing quotes and brackets, which may follow a mark ("？」", "said.”", "(AP).").
SENTENCE_CLOSERS = "\"”’'»)]」』）"
#: What may end a sentence's line: a mark, or a closing quote or bracket.
SENTENCE_MARKS = SENTENCE_TERMINALS + SENTENCE_CLOSERS
# After the mark only more marks, spaces or a footnote sign: "said.", "？」", "(AP).",
# "wrong?!", but not a line of code ("});").
_SENTENCE_END = re.compile(
    "[" + re.escape(SENTENCE_MARKS) + "][" + re.escape(SENTENCE_MARKS) + r"\s*†‡]{0,3}$"
)
SENTENCE_END_REACH = 4  # a mark ends a sentence within this many characters of the end
_MARKS = frozenset(SENTENCE_MARKS)
#: A closing bracket with no mark before it ends a sentence when it closes a remark of
#: BRACKET_MIN_WORDS words or more ("… meet in Moscow (photo by the Foreign Ministry)");
#: a count or a tag in brackets ends a label ("Uncategorized (51)", "Kommentare (3)",
#: "Lady Beaten By Three Men (Photos)").
BRACKET_MIN_WORDS = 3
_BRACKET_END = re.compile(r"[(\[（]([^()\[\]（）]{0,80})[)\]）]\s*$")
_BRACKETS = frozenset(")]）")  # closers that need a mark or a remark before them
_TERMINAL = frozenset(SENTENCE_TERMINALS)


def line_key(text: str, *, casefold: bool = True) -> str:
    """The comparison form of a line: spaces collapsed, ends stripped (of direction marks
    too: a consent dialog's "List of IAB Vendors" ends with a left-to-right mark), case
    folded."""
    if "  " in text or not text.isprintable():  # else only a plain space can be there
        key = _SPACES.sub(" ", text).strip(_EDGE_MARKS)
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
    ("said.", "？」", "(AP).", "wrong?!"), or a remark in brackets; not a count or a tag
    in brackets ("Archives (12)", "(Photos)"). The rules, the classifier and the
    language sample share it; only the tail is read, never the whole line."""
    last = text[-1:]
    if last in _MARKS and last not in _BRACKETS:  # the common cases first: a mark, or a
        return last != ""  # word, right at the end
    if last.isalnum():
        return False
    end = text[-100:].rstrip()
    if end[-1:] in _BRACKETS:
        remark = _BRACKET_END.search(end)
        if remark is not None and remark.group(1).rstrip()[-1:] not in _TERMINAL:
            return len(remark.group(1).split()) >= BRACKET_MIN_WORDS
    tail = end[-SENTENCE_END_REACH:]
    return _SENTENCE_END.search(tail) is not None


#: A lone surrogate (U+D800-U+DFFF): JSON can state one ("\ud83d", an emoji cut in half),
#: Python holds it, and no UTF-8 file can.
_SURROGATE = re.compile("[\ud800-\udfff]")
_ESCAPED_SURROGATE = re.compile(r"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")


def may_hold_surrogates(raw_json: str) -> bool:
    """Whether JSON text may decode to a lone surrogate (it escapes one as \\ud800); a
    pair decodes to one character, and is fine."""
    return _ESCAPED_SURROGATE.search(raw_json) is not None


def without_surrogates(value: Any, depth: int = 0) -> Any:
    """`value` (a string, or JSON's lists and dictionaries of them) with every lone
    surrogate in its strings replaced with U+FFFD."""
    if isinstance(value, str):
        return _SURROGATE.sub("\ufffd", value)
    if depth > 100:
        return value
    if isinstance(value, list):
        return [without_surrogates(v, depth + 1) for v in value]
    if isinstance(value, dict):
        return {
            without_surrogates(k, depth + 1): without_surrogates(v, depth + 1)
            for k, v in value.items()
        }
    return value


def has_surrogate(text: str) -> bool:
    """Whether `text` holds a lone surrogate (an encoding attempt, seven times faster
    than a search)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


SURROGATES_REPLACED = "lone surrogates (\\ud800-\\udfff) replaced with U+FFFD"


def encodable(text: str, warnings: list[str], what: str = "") -> str:
    """`text` with any lone surrogate replaced with U+FFFD, said in `warnings` (naming
    `what`, a metadata key, when given): what a caller's string or a page's JSON can hold
    and no output file can."""
    if not has_surrogate(text):
        return text
    warnings.append(f"{what}: {SURROGATES_REPLACED}" if what else SURROGATES_REPLACED)
    return str(without_surrogates(text))


def host_key(host: str) -> str:
    """A host name as sites are compared (a rule's `sites`, a page's address): lower case,
    without "www.", with its punycode labels ("xn--bcher-kva") in Unicode ("bücher"), so
    that a site written either way compares equal."""
    return _unpunycode(host.lower().removeprefix("www."))


def _unpunycode(host: str) -> str:
    """`host` with its punycode labels in Unicode; a label that does not decode stays."""
    if "xn--" not in host:
        return host
    labels = []
    for label in host.split("."):
        try:
            decoded = label.encode("ascii").decode("idna") if label.startswith("xn--") else label
        except UnicodeError:
            decoded = label
        labels.append(decoded)
    return ".".join(labels)
