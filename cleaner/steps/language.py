"""Language and its probability, from a bounded sample of the text (prose lines first,
since menus and names say little about a language; the classifier needs the result).

langdetect is seeded through a private factory, so runs are reproducible and no
global random state is touched; the sample keeps detection cost flat on long texts.
"""

from __future__ import annotations

from langdetect.detector_factory import PROFILES_DIRECTORY, DetectorFactory
from langdetect.lang_detect_exception import LangDetectException

from cleaner.document import Document
from cleaner.steps.base import Step
from cleaner.text import looks_like_prose

SAMPLE_CHARS = 1000  # langdetect's cost grows with the sample; prose is plenty at this size
MIN_LETTERS = 20  # fewer letters than this say nothing reliable about a language


class LanguageStep(Step):
    """Sets `language` (ISO 639-1, as langdetect names it) and `language_confidence`."""

    name = "language"

    def __init__(self, seed: int = 0, sample_chars: int = SAMPLE_CHARS) -> None:
        super().__init__()
        self.seed = seed
        self.sample_chars = sample_chars
        self._factory: DetectorFactory | None = None

    def __getstate__(self) -> dict[str, object]:
        """Sent to a worker without the loaded profiles: it loads its own when first needed."""
        return {**self.__dict__, "_factory": None}

    def _detector_factory(self) -> DetectorFactory:
        if self._factory is None:  # profiles take a second to load: only when first needed
            factory = DetectorFactory()
            factory.load_profile(PROFILES_DIRECTORY)
            factory.set_seed(self.seed)
            self._factory = factory
        return self._factory

    def process(self, doc: Document) -> None:
        kept = doc.kept
        prose = [line.text for line in kept if looks_like_prose(line.text)]
        sample = "\n".join(prose or [line.text for line in kept])[: self.sample_chars]
        if sum(ch.isalpha() for ch in sample) < MIN_LETTERS:
            return
        detector = self._detector_factory().create()
        detector.append(sample)
        try:
            best = detector.get_probabilities()[0]
        except (LangDetectException, IndexError):
            return
        doc.set_meta("language", best.lang)
        doc.set_meta("language_confidence", round(best.prob, 4))
