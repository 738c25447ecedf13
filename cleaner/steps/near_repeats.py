"""Paragraphs that restate an earlier one almost word for word (a caption repeated with a
credit added, a lede repeated with small edits, a quote pulled out of a paragraph).

Measure: sets of word 2-grams per paragraph (of letter 2-grams in Chinese, Japanese and
Thai, whose paragraphs are a few `\\w+` runs). One set holds every 2-gram of the kept
paragraphs so far; a paragraph is compared with earlier ones only when enough of its
2-grams are in that set for any of them to reach the threshold, which is rare: then
with each kept paragraph in turn. A document that needs many comparisons (a long text
that reuses its sentences: 3 MB took 13 s that way) gets an index from each 2-gram to
the kept paragraphs that have it, which counts the shared 2-grams of just the paragraphs
that share any; building it costs more than the few comparisons most documents need.
2-grams because one edited word costs one shingle per side of it, so small edits keep a
high score, while different paragraphs that share a quote stay far apart.

A later paragraph goes, naming the earlier one, when at `threshold` or more its 2-grams
  - are the same set as an earlier kept paragraph's (Jaccard), or
  - lie inside an earlier one (it adds nothing), or
  - contain an earlier one while adding less than `max_growth` more (a credit appended);
and a long one (`COPY_MIN_WORDS`) when at `threshold` or more its 2-grams lie inside the
kept paragraphs above taken together: the article again, flattened onto one line.
The earlier copy is always the one kept. A line of code is never a near repeat: a
tutorial shows one example growing step by step ("const [age, setAge] = useState(28);"
then the same with a line added), and the dump flattens each block to a line or two.
Exact copies of code still go (dedup:repeat).

The default threshold, 0.9, reaches true near-copies only. Sentences built from one
template ("Columbus is currently streaming on Hulu…" beside "Paterson is currently
streaming on Netflix…") score 0.86 and are distinct text. On the benchmarks' text dumps
(scrapinghub 181 pages, WCXB dev 1,497), removals at 0.85-0.90 took text that the gold
holds and the output then lacked in 314 of 1,223 cases, the most of any band; raising the
threshold from 0.8 to 0.9, 0.95 or 1.0 moved F1 by under 0.001 on either set
(bench/text_blocks.py --near-repeat-threshold).

By default only text documents are searched. In HTML pages the extractor has already
taken out the furniture around the article, and what remains similar is mostly structure
(list items, recipe steps, embedded posts): on the scrapinghub pages 62 of 65 near-repeat
removals in HTML mode were gold article text, against 72 of 440 in text dumps.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from itertools import chain, pairwise

from cleaner.document import Document, Line
from cleaner.scripts import is_unspaced
from cleaner.steps.base import Setup, Step
from cleaner.steps.classify import looks_like_code

Shingle = tuple[str, ...]
#: Kept paragraphs a document's comparisons may read one by one before it gets an index.
SCAN_BUDGET = 2000
#: Most comparison work (paragraphs read, index entries counted) one document may cost.
#: Lines built from one template share most of their 2-grams, so each is compared with
#: every earlier one: 8,000 such lines took a minute. Past this the rest of the document
#: is not searched, and a warning says so (a count, not a clock: the output stays the same
#: on any machine).
WORK_BUDGET = 5_000_000
#: A paragraph of this many words or more goes when `threshold` of its 2-grams are among
#: the kept paragraphs above it, however many: the article flattened onto one line
#: (a hidden microdata copy of its body under the page, read as text).
COPY_MIN_WORDS = 60


def _shingles_of(words: list[str]) -> frozenset[Shingle]:
    """Word 2-grams; the tuples themselves, so results never depend on hash seeds."""
    return frozenset(pairwise(words))


def _compared(line: Line) -> tuple[list[str], int]:
    """What a line is compared by, and its weight in words: its case-folded words, or
    for a line of Chinese, Japanese or Thai its letters and digits (its `\\w+` runs are
    phrases: a paragraph is a few of them, and 2-grams of them would say nothing),
    weighed as `Line.word_weight` weighs them."""
    if is_unspaced(line.text):
        return [char for char in line.text.casefold() if char.isalnum()], line.word_weight()
    words = line.folded_words()
    return words, len(words)


def _index(kept: list[tuple[int, frozenset[Shingle]]]) -> dict[Shingle, list[int]]:
    """Each shingle of the kept paragraphs, with the indexes (in `kept`) of those having it."""
    having: dict[Shingle, list[int]] = {}
    for index, (_, shingles) in enumerate(kept):
        for shingle in shingles:
            having.setdefault(shingle, []).append(index)
    return having


class NearRepeatStep(Step):
    """Drops a paragraph that restates an earlier one (see the module docstring)."""

    name = "dedup"
    rule = "dedup:near-repeat"
    settles_in_one_run = True  # a line kept against more earlier lines stays kept with fewer

    def __init__(
        self,
        threshold: float = 0.9,
        min_words: int = 8,
        max_growth: float = 1.3,
        in_html: bool = False,
    ) -> None:
        super().__init__()
        self.threshold = threshold
        self.min_words = min_words
        self.max_growth = max_growth
        self.in_html = in_html

    @classmethod
    def from_setup(cls, setup: Setup) -> NearRepeatStep | None:
        config = setup.config
        if config.near_repeat_threshold is None:
            return None
        return cls(
            config.near_repeat_threshold,
            config.near_repeat_min_words,
            in_html=config.near_repeats_in_html,
        )

    def process(self, doc: Document) -> None:
        if doc.html is not None and not self.in_html:
            return
        kept: list[tuple[int, frozenset[Shingle]]] = []  # (line number, shingles)
        seen: set[Shingle] = set()  # every shingle of the kept paragraphs so far
        having: dict[Shingle, list[int]] | None = None  # shingle -> kept indexes, once needed
        scanned = 0  # kept paragraphs read one by one so far
        # Any of the three similarities reaching the threshold needs this share of the
        # later paragraph's shingles in one earlier paragraph, hence in `seen`.
        least_share = self.threshold / self.max_growth - 1e-9
        work = 0
        for line in doc.kept:
            if work > WORK_BUDGET:
                doc.warnings.append(
                    f"near-repeat search stopped at line {line.number}: the paragraphs "
                    "share too many word pairs to compare them all"
                )
                return
            words, weight = _compared(line)
            if weight < self.min_words:
                continue
            shingles = _shingles_of(words)
            match = None
            in_seen = len(shingles & seen)
            if in_seen >= least_share * len(shingles):  # rare: compare
                if having is None and scanned >= SCAN_BUDGET:
                    having = _index(kept)
                if having is None:
                    scanned += len(kept)
                    work += len(kept)
                    match = self._best_match(shingles, kept, range(len(kept)), None)
                else:
                    work += sum(len(having.get(s, ())) for s in shingles)
                    shared = Counter(chain.from_iterable(having.get(s, ()) for s in shingles))
                    match = self._best_match(shingles, kept, sorted(shared), shared)
            reason = None
            if match is not None:
                reason = f"restates line {match[0]} (similarity {match[1]:.2f})"
            elif weight >= COPY_MIN_WORDS and in_seen >= self.threshold * len(shingles):
                share = in_seen / len(shingles)
                reason = f"restates the lines above ({share:.2f} of its word pairs)"
            if reason is not None and not line.content and not looks_like_code(line.text):
                doc.drop(line, step=self.name, rule=self.rule, reason=reason)
                continue
            if having is not None:
                for shingle in shingles:
                    having.setdefault(shingle, []).append(len(kept))
            kept.append((line.number, shingles))
            seen.update(shingles)

    def similarity(
        self, later: frozenset[Shingle], earlier: frozenset[Shingle], common: int
    ) -> float:
        jaccard = common / (len(later) + len(earlier) - common)
        later_inside = common / len(later)
        earlier_inside = (
            common / len(earlier) if len(later) <= self.max_growth * len(earlier) else 0.0
        )
        return max(jaccard, later_inside, earlier_inside)

    def _best_match(
        self,
        shingles: frozenset[Shingle],
        kept: list[tuple[int, frozenset[Shingle]]],
        candidates: Iterable[int],
        shared: Counter[int] | None,
    ) -> tuple[int, float] | None:
        """The earliest of the most similar kept paragraphs, if it reaches the threshold:
        among `candidates` (indexes into `kept`, in order), whose shingles in common are
        counted in `shared` when the index gave them."""
        best: tuple[int, float] | None = None
        for index in candidates:
            number, earlier = kept[index]
            common = shared[index] if shared is not None else len(shingles & earlier)
            if not common:
                continue
            score = self.similarity(shingles, earlier, common)
            if score >= self.threshold and (best is None or score > best[1]):
                best = (number, score)
        return best
