"""Unicode and whitespace normalization, then the split into lines.

Only invisible or spacing characters change here (and mojibake is re-decoded), so
no visible text is lost; blank lines are layout, not content.
"""

from __future__ import annotations

import re
import unicodedata

import ftfy
from ftfy.badness import BADNESS_RE, MOJIBAKE_CATEGORIES

from cleaner.document import Document, Line
from cleaner.steps.base import Step
from cleaner.text import encodable

# Spaces that are not U+0020: NBSP, narrow NBSP, figure space, en/em/thin spaces, ideographic.
_ODD_SPACES = re.compile("[\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000\t\v\f]")
# Invisible characters that carry no meaning in running text. ZWJ/ZWNJ are kept: Persian,
# Indic scripts and emoji sequences need them.
_INVISIBLE = re.compile("[\u200b\u2060\ufeff\u00ad\u180e]")
_JOINERS = "\u200c\u200d \t"
# C0/C1 control characters other than newline (tabs are handled as spaces above).
_CONTROL = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x9f]")
_LINE_BREAKS = re.compile("\r\n|[\r\u2028\u2029\x85]")
#: Any character that `_canonical_characters` replaces, found in one scan.
_NOT_CANONICAL = re.compile(
    f"[{_ODD_SPACES.pattern[1:-1]}{_INVISIBLE.pattern[1:-1]}\r\u2028\u2029\x85]"
)
_SPACE_RUNS = re.compile("  +")  # " {2,}", with a prefix that is searched for fast


def normalize_line(text: str) -> str:
    """One line in canonical form: NFC, plain spaces, no invisibles, trimmed."""
    if text.isprintable() and "  " not in text:
        # Odd spaces, invisibles and controls are all unprintable (Unicode Z*, Cf, Cc):
        # nothing below can match. The common case, at a tenth of the cost.
        return text.strip()
    text = _ODD_SPACES.sub(" ", text)
    text = _INVISIBLE.sub("", text)
    text = _CONTROL.sub("", text)
    text = _SPACE_RUNS.sub(" ", text).strip()
    # A ZWJ or ZWNJ joins the letters around it; alone on a line (Webflow's empty
    # paragraph, "<p>&zwj;</p>") there is nothing to join: the line is blank.
    return "" if not text.strip(_JOINERS) else text


def _canonical_characters(text: str) -> str:
    text = unicodedata.normalize("NFC", text)
    if _NOT_CANONICAL.search(text) is None:  # most texts: one scan instead of three
        return text
    text = _LINE_BREAKS.sub("\n", text)
    return _INVISIBLE.sub("", _ODD_SPACES.sub(" ", text))


#: Characters of clean text that no pattern of ftfy's badness test needs: ASCII, ftfy's
#: "common" and quotation categories (curly quotes, dashes, the ellipsis) and lower-case
#: Greek and Cyrillic. Every pattern needs some other character (a test reads ftfy's
#: patterns to check it), so in most news text there is little to look at. The category
#: strings are written to go inside a character class, as ftfy uses them.
_MOJIBAKE_ANCHOR = re.compile(
    "[^\\x00-\\x7f{common}{start_punctuation}{end_punctuation}{lower_common}]".format(
        **MOJIBAKE_CATEGORIES
    )
)
#: Every pattern of ftfy's badness test spans at most 8 characters, so it lies within
#: this many characters of the anchor it needs.
_MOJIBAKE_REACH = 8
#: ftfy's badness test (`is_bad`) with "^" at the start of every line: on lines joined by
#: newlines, it finds whatever it finds on any one of them alone.
_BADNESS_BY_LINE = re.compile(BADNESS_RE.pattern, BADNESS_RE.flags | re.MULTILINE)


def looks_like_mojibake(text: str) -> bool:
    """ftfy's `is_bad` (on each line: a line start counts as the text's start), on the
    neighbourhoods of the characters a pattern needs (`_MOJIBAKE_ANCHOR`) only.

    News text in Latin scripts has few of them: testing a few short windows instead of the
    whole text makes this cheap, with the same answer. Windows are joined by NUL, which no
    pattern matches, so no match spans two windows that were apart in the text."""
    positions = [match.start() for match in _MOJIBAKE_ANCHOR.finditer(text)]
    if not positions:
        return False
    if len(positions) * 4 * _MOJIBAKE_REACH > len(text):  # anchors all over: the whole text
        return _BADNESS_BY_LINE.search(text) is not None
    windows: list[str] = []
    start, end = positions[0] - _MOJIBAKE_REACH, positions[0] + _MOJIBAKE_REACH + 1
    for position in positions[1:]:
        if position - _MOJIBAKE_REACH > end:
            windows.append(text[max(start, 0) : end])
            start = position - _MOJIBAKE_REACH
        end = position + _MOJIBAKE_REACH + 1
    windows.append(text[max(start, 0) : end])
    lead = "" if positions[0] - _MOJIBAKE_REACH <= 0 else "\x00"  # "^" means the text's start
    return _BADNESS_BY_LINE.search(lead + "\x00".join(windows)) is not None


def _fix_encoding_by_line(lines: list[str]) -> str:
    """ftfy's repair, line by line: a line's repair then depends on that line alone, so it
    is the same whether or not the lines around it are still there (cleaning clean output
    changes nothing). Whole-text repair could leave "¬ß" alone beside a C1 character and
    fix it to "§" once that line was removed."""
    return "\n".join(
        ftfy.fix_encoding(line) if looks_like_mojibake(line) else line for line in lines
    )


def _normalize_once(text: str) -> tuple[str, bool, bool]:
    """The text normalized, whether it looked like mojibake (and went through ftfy), and
    whether another pass could change it."""
    canonical = _canonical_characters(text)
    # Mojibake is judged and repaired on the lines as they will be written (spaces
    # trimmed): ftfy reads "Â€Ä " and "Â€Ä" differently, and clean output has no trailing
    # space. C1 controls are still there: mojibake like "â€\x9d" needs them to be recognised.
    lines = [line.strip(" ") for line in _SPACE_RUNS.sub(" ", canonical).split("\n")]
    canonical = "\n".join(lines)
    repaired = looks_like_mojibake(canonical)
    if repaired:
        canonical = _canonical_characters(_fix_encoding_by_line(lines))
    normalized = _CONTROL.sub("", canonical)
    # Canonical characters are a fixed point; only a repair or a removed control
    # character can reveal more mojibake.
    return normalized, repaired, repaired or normalized != canonical


def normalize_text(raw: str, max_passes: int = 4) -> str:
    """The whole text in canonical form: NFC, line breaks unified, plain spaces, no
    invisibles or control characters, mojibake repaired.

    Repeated until nothing changes (removing a control character can reveal mojibake),
    so normalizing normalized text changes nothing.
    """
    return _normalize(raw, max_passes)[0]


def _normalize(raw: str, max_passes: int = 4) -> tuple[str, bool]:
    """normalize_text's answer, and whether any pass repaired mojibake."""
    text, repaired_any = raw, False
    for _ in range(max_passes):
        normalized, repaired, unsettled = _normalize_once(text)
        repaired_any = repaired_any or repaired
        if normalized == text or not unsettled:
            return normalized, repaired_any
        text = normalized
    return text, repaired_any


class NormalizeStep(Step):
    """Splits `raw` into normalized, non-blank lines numbered as in the input."""

    name = "normalize"

    def process(self, doc: Document) -> None:
        # (a caller's string may hold a lone surrogate; no reader decodes to one)
        text, repaired = _normalize(encodable(doc.raw, doc.warnings))
        if repaired:
            self.counts["mojibake_fixed"] += 1
        lines = []
        for number, raw_line in enumerate(text.split("\n"), start=1):
            clean = normalize_line(raw_line)
            if clean:
                lines.append(Line(clean, number))
        doc.lines = lines
