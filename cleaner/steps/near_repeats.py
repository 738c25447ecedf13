"""Paragraphs that restate an earlier one almost word for word (a caption repeated with a
credit added, a lede repeated with small edits, a pull quote).

Measure: sets of word 3-grams per paragraph, found through an inverted index, so
each paragraph is compared only with earlier ones that share a 3-gram and the work grows
with the text, not with the square of the paragraph count (difflib-style alignment would
be quadratic in both). A later paragraph goes when its 3-grams are, at `threshold` or
more, either the same set as an earlier kept paragraph's (Jaccard) or contained in it:
it then adds nothing. The earlier copy is always the one kept.
"""

from __future__ import annotations

import re
from collections import defaultdict

from cleaner.document import Document
from cleaner.steps.base import Step

_WORD = re.compile(r"\w+")
SHINGLE = 3


Shingle = tuple[str, ...]


def shingle_set(text: str) -> frozenset[Shingle]:
    """Word 3-grams, case-folded; the tuples themselves, so results never depend on hash seeds."""
    words = [w.casefold() for w in _WORD.findall(text)]
    return frozenset(tuple(words[i : i + SHINGLE]) for i in range(len(words) - SHINGLE + 1))


class NearRepeatStep(Step):
    """Drops a paragraph whose word 3-grams match or sit inside an earlier paragraph's."""

    name = "dedup"
    rule = "dedup:near-repeat"

    def __init__(self, threshold: float = 0.8, min_words: int = 8) -> None:
        super().__init__()
        self.threshold = threshold
        self.min_words = min_words

    def process(self, doc: Document) -> None:
        index: dict[Shingle, list[int]] = defaultdict(list)  # shingle -> earlier paragraphs
        kept: list[tuple[int, frozenset[Shingle]]] = []  # (line number, shingles)
        for line in doc.kept:
            if len(_WORD.findall(line.text)) < self.min_words:
                continue
            shingles = shingle_set(line.text)
            match = self._best_match(shingles, index, kept)
            if match is not None and not line.content:
                number, similarity = match
                doc.drop(
                    line,
                    step=self.name,
                    rule=self.rule,
                    reason=f"restates line {number} (similarity {similarity:.2f})",
                )
                continue
            position = len(kept)
            kept.append((line.number, shingles))
            for shingle in shingles:
                index[shingle].append(position)

    def _best_match(
        self,
        shingles: frozenset[Shingle],
        index: dict[Shingle, list[int]],
        kept: list[tuple[int, frozenset[Shingle]]],
    ) -> tuple[int, float] | None:
        shared: dict[int, int] = defaultdict(int)
        for shingle in shingles:
            for position in index.get(shingle, ()):
                shared[position] += 1
        best: tuple[int, float] | None = None
        for position, common in sorted(shared.items()):
            other = kept[position][1]
            jaccard = common / (len(shingles) + len(other) - common)
            contained = common / len(shingles)
            similarity = max(jaccard, contained)
            if similarity >= self.threshold and (best is None or similarity > best[1]):
                best = (kept[position][0], similarity)
        return best
