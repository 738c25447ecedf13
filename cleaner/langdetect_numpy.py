"""langdetect's detector with its inner loop in numpy: the same answers, several times faster.

langdetect multiplies 55 language probabilities by an n-gram's profile, one Python float at
a time, a few hundred times per text; that loop was a third of text mode's time. Here the
profiles are one float64 matrix (a row per n-gram) and each update is one vector multiply.
Every operation is the same IEEE operation in the same order (the normalising sum stays
Python's own, left to right), and the random n-gram draws are langdetect's, so the
probabilities are identical to stock langdetect's, bit for bit (tests/test_language.py).
The matrix also takes less memory than the per-n-gram lists it replaces, and after a fork it
stays shared between workers, since nothing writes to it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

import numpy as np
from langdetect.detector import Detector
from langdetect.detector_factory import DetectorFactory
from langdetect.lang_detect_exception import ErrorCode, LangDetectException
from langdetect.language import Language
from langdetect.utils.ngram import NGram


class NormalizedChars(dict[int, str]):
    """`str.translate`'s table for langdetect's per-character `NGram.normalize`, filled
    as characters are first seen: one C pass over a text instead of a call per character."""

    def __missing__(self, code: int) -> str:
        normalized = self[code] = NGram.normalize(chr(code))
        return normalized


_SPACE_RUNS = re.compile("  +")  # " {2,}", with a prefix that is searched for fast
_LATIN = re.compile("[A-z]")  # langdetect's 'A' <= ch <= 'z', brackets and all
# langdetect also means to spare the "Latin Extended Additional" block here, but compares
# a block number with a block name, so every character from U+0300 counts.
_NON_LATIN = re.compile("[\u0300-\U0010ffff]")


#: Words whose n-grams a factory remembers (each word's list is short): past this many the
#: memory starts again, so a long run's memory stays bounded.
WORD_GRAMS_MAX = 100_000


class NumpyDetectorFactory(DetectorFactory):
    """A DetectorFactory whose loaded profiles are a matrix; creates NumpyDetectors."""

    def __init__(self) -> None:
        super().__init__()
        self.profile_matrix = np.zeros((0, 0))
        self.normalized_chars = NormalizedChars()
        #: A word (with its following space, if any) -> the known n-grams it yields: the
        #: same words recur in every text of a language.
        self.word_grams: dict[str, tuple[tuple[str, ...], tuple[int, ...]]] = {}

    word_lang_prob_map: dict[str, Any]  # langdetect's, untyped: n-gram -> row here

    def load_profile(self, profile_directory: str) -> None:
        super().load_profile(profile_directory)
        ngrams = list(self.word_lang_prob_map)
        self.profile_matrix = np.array([self.word_lang_prob_map[n] for n in ngrams])
        # Detector only asks whether an n-gram is known and, here, for its row.
        self.word_lang_prob_map = {ngram: row for row, ngram in enumerate(ngrams)}

    def _create_detector(self) -> NumpyDetector:
        if not self.langlist:
            raise LangDetectException(ErrorCode.NeedLoadProfileError, "Need to load profiles.")
        return NumpyDetector(self)


class NumpyDetector(Detector):
    """langdetect's Detector, with the probability vector a numpy array."""

    text: str  # langdetect's, untyped

    def __init__(self, factory: NumpyDetectorFactory) -> None:
        super().__init__(factory)
        self.profile_matrix = factory.profile_matrix
        self.normalized_chars = factory.normalized_chars
        self.word_grams = factory.word_grams

    # langdetect reads the text a character at a time, in Python, three times: to append
    # it, to clean it and to cut it into n-grams. The same steps on whole strings:

    def append(self, text: str) -> None:
        text = self.URL_RE.sub(" ", text)
        text = self.MAIL_RE.sub(" ", text)
        text = NGram.normalize_vi(text)
        # A space right after a space is dropped, as langdetect's loop does.
        self.text += _SPACE_RUNS.sub(" ", text[: self.max_text_length])

    def cleaning_text(self) -> None:
        """Latin letters go from a text mostly in another script."""
        latin = len(_LATIN.findall(self.text))
        if latin and latin * 2 < len(_NON_LATIN.findall(self.text)):
            self.text = _LATIN.sub("", self.text)

    def _extract_ngrams(self) -> list[str]:
        """langdetect's NGram buffer, inlined: the 1- to 3-grams ending at each character
        of a word (a space begins and ends one), none inside an all-capitals word.

        The buffer starts again at every space, so a word's n-grams depend on the word
        alone (and on whether a space follows it): each word is read once per factory."""
        return [gram for grams, _ in self._word_entries() for gram in grams]

    def _extract_rows(self) -> list[int]:
        """The profile rows of `_extract_ngrams()`'s n-grams, in the same order."""
        return [row for _, rows in self._word_entries() for row in rows]

    def _word_entries(self) -> list[tuple[tuple[str, ...], tuple[int, ...]]]:
        """Each word's known n-grams and their profile rows, in text order."""
        known = self.word_lang_prob_map
        cache = self.word_grams
        if len(cache) > WORD_GRAMS_MAX:
            cache.clear()
        entries = []
        words = self.text.translate(self.normalized_chars).split(" ")
        last = len(words) - 1
        for index, word in enumerate(words):
            if not word:
                continue
            if index < last:
                word += " "
            entry = cache.get(word)
            if entry is None:
                # Tuples of strings and numbers: nothing the garbage collector keeps visiting.
                grams = _word_ngrams(word, known)
                entry = cache[word] = (tuple(grams), tuple([known[gram] for gram in grams]))
            entries.append(entry)
        return entries

    def _detect_block(self) -> None:
        """langdetect's trials, draw for draw: the same random n-gram choices (`choice`
        reads only the list's length, so each n-gram's profile row stands in for it) and
        the same products, without a method call and a temporary array per draw."""
        if self.verbose:  # langdetect's own loop prints as it goes
            super()._detect_block()
            return
        self.cleaning_text()
        rows = self._extract_rows()  # the n-grams' rows: all are known, being extracted so
        if not rows:
            raise LangDetectException(ErrorCode.CantDetectError, "No features in text.")
        matrix = self.profile_matrix
        langprob = np.zeros(len(self.langlist))
        factor = np.empty(len(self.langlist))
        random = self.random
        random.seed(self.seed)
        for _ in range(self.n_trial):
            prob = self._init_probability()
            alpha = self.alpha + random.gauss(0.0, 1.0) * self.ALPHA_WIDTH
            weight = alpha / self.BASE_FREQ
            i = 0
            while True:
                np.add(weight, matrix[random.choice(rows)], out=factor)
                prob *= factor
                if i % 5 == 0 and (
                    self._normalize_prob(prob) > self.CONV_THRESHOLD or i >= self.ITERATION_LIMIT
                ):
                    break
                i += 1
            langprob += prob / self.n_trial
        self.langprob = langprob.tolist()

    def _init_probability(self) -> np.ndarray:
        if self.prior_map is not None:
            return np.array(self.prior_map, dtype=np.float64)
        return np.full(len(self.langlist), 1.0 / len(self.langlist))

    def _update_lang_prob(self, prob: np.ndarray, word: str | None, alpha: float) -> bool:
        row = None if word is None else self.word_lang_prob_map.get(word)
        if row is None:
            return False
        prob *= alpha / self.BASE_FREQ + self.profile_matrix[row]
        return True

    def _normalize_prob(self, prob: np.ndarray) -> float:
        values = prob.tolist()
        total = sum(values)  # Python's left-to-right sum, as langdetect adds them up
        prob /= total
        if total > 0:
            # x / total rounds monotonically in x: the largest quotient is the largest
            # value's, without numpy's max over the array.
            return max(values) / total
        return float(prob.max())

    def _sort_probability(self, prob: Sequence[float]) -> list[Language]:
        return super()._sort_probability([float(p) for p in prob])


def _word_ngrams(word: str, known: dict[str, Any]) -> list[str]:
    """The known n-grams of one word (a space may end it), in langdetect's order: its
    NGram buffer starts as " " at each word."""
    found: list[str] = []
    grams = " "
    for char in word:
        last = grams[-1]
        if len(grams) >= NGram.N_GRAM:
            grams = grams[1:]
        grams += char
        if char.isupper() and last.isupper():  # langdetect's `capitalword`
            continue
        if char != " " and char in known:
            found.append(char)
        if len(grams) >= 2:
            if grams[-2:] in known:
                found.append(grams[-2:])
            if len(grams) == 3 and grams in known:
                found.append(grams)
    return found
