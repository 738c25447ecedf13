"""Language and its probability, from a bounded sample of the text (prose lines first,
since menus and names say little about a language; the classifier needs the result).

langdetect is seeded through a private factory, so runs are reproducible and no
global random state is touched; the sample keeps detection cost flat on long texts.
"""

from __future__ import annotations

from langdetect.detector_factory import PROFILES_DIRECTORY
from langdetect.lang_detect_exception import LangDetectException
from langdetect.language import Language

from cleaner.document import Document
from cleaner.langdetect_numpy import NumpyDetectorFactory
from cleaner.steps.base import Step

SAMPLE_CHARS = 1000  # langdetect's cost grows with the sample; prose is plenty at this size
MIN_LETTERS = 20  # fewer letters than this say nothing reliable about a language
#: langdetect averages random trials (7 by default); on a 1,000-character prose sample
#: three agree with seven on every benchmark page, at two thirds of the cost.
TRIALS = 3
#: The first try reads this much of the sample, and stands when it is this sure: on the
#: 191 benchmark and fixture texts the answer is the full sample's every time.
FIRST_SAMPLE_CHARS = 300
CONFIDENT = 0.99


class LanguageStep(Step):
    """Sets `language` (ISO 639-1, as langdetect names it) and `language_confidence`."""

    name = "language"

    def __init__(self, seed: int = 0, sample_chars: int = SAMPLE_CHARS) -> None:
        super().__init__()
        self.seed = seed
        self.sample_chars = sample_chars
        self._factory: NumpyDetectorFactory | None = None

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
        """The first `sample_chars` of the prose (of all kept lines, if there is none);
        lines are read only until the sample is full."""
        prose: list[str] = []
        size = 0
        for line in doc.lines:
            if not line.removed and line.prose_words():
                prose.append(line.text)
                size += len(line.text) + 1
                if size >= self.sample_chars:
                    break
        if not prose:
            prose = [line.text for line in doc.kept]
        return "\n".join(prose)[: self.sample_chars]

    def process(self, doc: Document) -> None:
        sample = self.sample(doc)
        if sum(map(str.isalpha, sample)) < MIN_LETTERS:
            return
        # A short sample settles most documents; only an uncertain answer pays for the
        # whole sample (langdetect's cost grows with the characters it reads).
        best = self._detect(sample[:FIRST_SAMPLE_CHARS])
        if len(sample) > FIRST_SAMPLE_CHARS and (best is None or best.prob < CONFIDENT):
            best = self._detect(sample)
        if best is None:
            return
        doc.set_meta("language", best.lang)
        doc.set_meta("language_confidence", round(best.prob, 4))
