"""Language and its probability, from a bounded sample of the text's prose (menus, names
and language pickers say little about a page's language; the classifier needs the result).

The sample is measured in characters, not words, so that Chinese, Japanese and Thai
sentences (one run of word characters each) count as the prose they are. A sample line
is a sentence: it ends like one (`cleaner.text.ends_with_sentence_mark`, the definition
the rules and the classifier use: ". ! ? … 。 ！ ？" and the other scripts' marks, a
closing quote or bracket after them; a bracket alone only after a remark of several
words, so "Canada (français) 日本 (日本語)" is a menu), is mostly letters (not code) and
holds at least `MIN_PROSE_LETTERS` letters (`MIN_UNSPACED_PROSE_LETTERS` in a script
written without spaces). Thai and Lao mark no sentence end: a line of them is a sentence
by its length alone (`MIN_PROSE_LETTERS`). The sample starts with the longest run of
such lines (at most `MAX_RUN_GAP` other lines, a subhead or a caption, between two of
them; lines the cleaning removed count among them): an article is a run of paragraphs, a
cookie notice or a teaser in another language a line or two; the other runs follow in
text order. A text with no such line is sampled whole. With fewer than `MIN_LETTERS`
letters in the sample, `language` and `language_confidence` are both null: too little
to say.

The step runs twice: before the classifier, which needs the language, and after the
cleaning, on the text that is kept.

langdetect is seeded through a private factory, so runs are reproducible and no
global random state is touched; the sample keeps detection cost flat on long texts.
"""

from __future__ import annotations

from langdetect.detector_factory import PROFILES_DIRECTORY
from langdetect.lang_detect_exception import LangDetectException
from langdetect.language import Language

from cleaner.document import Document
from cleaner.langdetect_numpy import NumpyDetectorFactory
from cleaner.scripts import is_unspaced, marks_no_sentence_end
from cleaner.steps.base import Setup, Step
from cleaner.text import ends_with_sentence_mark

SAMPLE_CHARS = 1000  # langdetect's cost grows with the sample; prose is plenty at this size
MIN_LETTERS = 20  # fewer letters than this say nothing reliable about a language
#: langdetect averages random trials (7 by default); on a 1,000-character prose sample
#: three agree with seven on every benchmark page, at two thirds of the cost.
TRIALS = 3
#: The first try reads this much of the sample, and stands when it is this sure: on the
#: 191 benchmark and fixture texts the answer is the full sample's every time.
FIRST_SAMPLE_CHARS = 300
CONFIDENT = 0.99
MIN_PROSE_LETTERS = 40  # about eight words of a language written with spaces
MIN_UNSPACED_PROSE_LETTERS = 12  # a short sentence of Chinese or Japanese
MAX_RUN_GAP = 2  # lines that are not sentences (subheads, a caption) inside a run of prose
MIN_LETTER_SHARE = 0.75  # of the characters other than spaces: prose is mostly letters


def sample_line(text: str) -> bool:
    """Whether a line is a sentence worth sampling (see the module's docstring)."""
    marked = ends_with_sentence_mark(text)
    if not marked and (len(text) < MIN_PROSE_LETTERS or not marks_no_sentence_end(text)):
        return False  # (most lines: a menu's labels are short, and few lines are Thai)
    letters = sum(map(str.isalpha, text))
    if letters < MIN_LETTER_SHARE * (len(text) - text.count(" ")):
        return False  # code, a table row of figures
    if letters >= MIN_PROSE_LETTERS:
        return True
    # A short sentence of Chinese or Japanese; Thai, with no mark to tell a sentence
    # from a menu's label, needs the length of a clause.
    return marked and letters >= MIN_UNSPACED_PROSE_LETTERS and is_unspaced(text)


class LanguageStep(Step):
    """Sets `language` (ISO 639-1, as langdetect names it) and `language_confidence`."""

    name = "language"

    def __init__(self, seed: int = 0, sample_chars: int = SAMPLE_CHARS) -> None:
        super().__init__()
        self.seed = seed
        self.sample_chars = sample_chars
        self._factory: NumpyDetectorFactory | None = None

    @classmethod
    def from_setup(cls, setup: Setup) -> LanguageStep:
        return cls(seed=setup.config.language_seed)

    def __getstate__(self) -> dict[str, object]:
        """Sent to a worker without the loaded profiles: it loads its own when first needed."""
        return {**super().__getstate__(), "_factory": None}

    def load_resources(self) -> None:
        self._detector_factory()

    def _detect(self, sample: str) -> Language | None:
        detector = self._detector_factory().create()
        detector.n_trial = TRIALS
        detector.append(sample)
        try:
            return detector.get_probabilities()[0]
        except (LangDetectException, IndexError):
            return None

    def _detector_factory(self) -> NumpyDetectorFactory:
        if self._factory is None:  # profiles take a second to load: only when first needed
            factory = NumpyDetectorFactory()
            factory.load_profile(PROFILES_DIRECTORY)
            factory.set_seed(self.seed)
            self._factory = factory
        return self._factory

    def sample(self, doc: Document) -> str:
        """`sample_chars` of the sentence lines, from the longest run of them first (of all
        kept lines, if there is none)."""
        runs: list[list[str]] = []
        gap = MAX_RUN_GAP + 1
        # The step runs twice on a document, on mostly the same lines.
        sentences: dict[str, bool] = self.memo(doc).setdefault("sentences", {})
        # Removed lines count in the gaps: a cookie notice whose buttons the cleaning
        # took out does not join the article's run because of that.
        for line in doc.lines:
            if line.removed:
                gap += 1
                continue
            is_sentence = sentences.get(line.text)
            if is_sentence is None:
                is_sentence = sentences[line.text] = sample_line(line.text)
            if is_sentence:
                if gap > MAX_RUN_GAP:
                    runs.append([])
                runs[-1].append(line.text)
                gap = 0
            else:
                gap += 1
        if not runs:
            return "\n".join(line.text for line in doc.kept)[: self.sample_chars]
        longest = max(range(len(runs)), key=lambda i: sum(map(len, runs[i])))
        chosen: list[str] = []
        size = 0
        for run in (runs[longest], *runs[:longest], *runs[longest + 1 :]):
            for text in run:
                chosen.append(text)
                size += len(text) + 1
                if size >= self.sample_chars:
                    return "\n".join(chosen)[: self.sample_chars]
        return "\n".join(chosen)

    def detect(self, sample: str) -> tuple[str, float] | None:
        """Language and probability for a sample; None when it is too short to say."""
        if sum(map(str.isalpha, sample)) < MIN_LETTERS:
            return None
        # A short sample settles most documents; only an uncertain answer pays for the
        # whole sample (langdetect's cost grows with the characters it reads).
        best = self._detect(sample[:FIRST_SAMPLE_CHARS])
        if len(sample) > FIRST_SAMPLE_CHARS and (best is None or best.prob < CONFIDENT):
            best = self._detect(sample)
        return None if best is None else (best.lang, round(best.prob, 4))

    def process(self, doc: Document) -> None:
        """The first run detects on the text the rules leave, for the classifier; run
        again after the cleaning, it detects again when the sample has changed (a cookie
        notice or a teaser in another language has gone), so that `language` is the
        language of the text that is kept. A language set by an earlier source (an input
        field) stays."""
        sample = self.sample(doc)
        memo = self.memo(doc)
        found = (doc.metadata.get("language"), doc.metadata.get("language_confidence"))
        if "sample" in memo:
            if memo["sample"] == sample or found != memo["result"]:
                return
            language, confidence = self.detect(sample) or (None, None)
            doc.metadata["language"], doc.metadata["language_confidence"] = language, confidence
            memo["sample"], memo["result"] = sample, (language, confidence)
            return
        memo["sample"] = sample
        if found[0] is not None:
            memo["result"] = None  # not this step's to change
            return
        language, confidence = self.detect(sample) or (None, None)
        doc.set_meta("language", language)
        doc.set_meta("language_confidence", confidence)
        memo["result"] = (language, confidence)
