"""The step base class: it owns the loop over documents and the counters.

How to add a step: subclass `Step`, fill in `process(doc)`, and, if the step has
settings, override `from_setup` to read them from the run's `Config` (and its rules or
corpus counts) and return the step, or None when they leave it out. Then name the class
in `cleaner.pipeline.STEPS` where it is to run. What it counts (`self.counts`) and its
time reach `report.json` (`steps.counts`, `steps.seconds`) with no more code.
"""

from __future__ import annotations

import time
from abc import ABC, abstractmethod
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

from cleaner.document import Document

if TYPE_CHECKING:
    from typing import Self

    from cleaner.config import Config
    from cleaner.corpus import CorpusTable
    from cleaner.ruleset.loader import RuleSet


@dataclass(frozen=True, slots=True)
class Setup:
    """What a pipeline's steps are built from (`Step.from_setup`)."""

    config: Config  # the run's settings
    ruleset: RuleSet  # its rules, compiled
    corpus: CorpusTable | None = None  # the corpus pass's line counts (--corpus-pass)


class Step(ABC):
    """One stage of the pipeline. Subclasses fill in `process(doc)`; it edits `doc` in place.

    Any text a step takes out goes through `Document.drop`/`Document.cut`, so it lands
    in the document's audit with the step's name and a rule id.
    """

    name: ClassVar[str]
    #: The step cleans to its own fixed point: run again on a document that lost no line
    #: since, it would change nothing, so it is skipped (UntilStable runs steps again).
    settles: ClassVar[bool] = False
    #: Stronger: removing lines never gives the step more to remove (it only compares a
    #: line with kept lines before it, and fewer kept lines match less), so its first run
    #: on a document is final and UntilStable's later rounds skip it.
    settles_in_one_run: ClassVar[bool] = False

    def __init__(self) -> None:
        #: What the step counts as it goes ("fallback", "mojibake_fixed"): the document
        #: being cleaned gets the counts of its own call, named after the step.
        self.counts: Counter[str] = Counter()
        self._memo_doc: Document | None = None
        #: The memo document's lines when it was made: a document cleaned again (its
        #: `raw` changed, or not) gets new lines from NormalizeStep, and a fresh memo.
        self._memo_lines: list[Any] | None = None
        self._memo: dict[Any, Any] = {}
        self._settled_at = -1  # the memo document's removals when the step last ran on it

    @classmethod
    def from_setup(cls, setup: Setup) -> Self | None:
        """The step as the run's settings make it, or None when they leave it out; a
        step with settings overrides this and reads its own from `setup.config`."""
        return cls()

    def __getstate__(self) -> dict[str, Any]:
        """Sent to a worker without what it remembers of the document being cleaned."""
        return {
            **self.__dict__,
            "_memo_doc": None,
            "_memo_lines": None,
            "_memo": {},
            "_settled_at": -1,
        }

    def memo(self, doc: Document) -> dict[Any, Any]:
        """A dictionary for what the step computes from `doc` and may need again while
        it runs again on the same document; emptied when the document changes."""
        if not self._remembers(doc):
            self._memo_doc, self._memo_lines, self._memo, self._settled_at = doc, doc.lines, {}, -1
        return self._memo

    def _remembers(self, doc: Document) -> bool:
        """Whether the memo is `doc`'s, made from its present lines."""
        return self._memo_doc is doc and self._memo_lines is doc.lines

    @abstractmethod
    def process(self, doc: Document) -> None:
        """Clean one document in place."""

    def load_resources(self) -> None:  # noqa: B027 - most steps load nothing
        """Load now what would otherwise load with the first document."""

    def _settled(self, doc: Document) -> bool:
        """Whether running again on `doc` would change nothing (see `settles`)."""
        if not self._remembers(doc):
            return False
        if self.settles_in_one_run:
            return self._settled_at >= 0
        return self.settles and self._settled_at == len(doc.removals)

    def __call__(self, doc: Document) -> Document:
        if self._settled(doc):
            return doc
        started = time.perf_counter()
        before = dict(self.counts)  # a few keys: what this step counts, not removals
        self.process(doc)
        if self.settles or self.settles_in_one_run:
            self.memo(doc)
            self._settled_at = len(doc.removals)
        stats = doc.stats
        timed = f"seconds:{self.name}"
        stats[timed] = stats.get(timed, 0.0) + time.perf_counter() - started
        for key, count in self.counts.items():
            if count != before.get(key, 0):
                named = f"{self.name}:{key}"
                stats[named] = stats.get(named, 0) + count - before.get(key, 0)
        return doc

    def run(self, docs: Iterable[Document]) -> Iterator[Document]:
        for doc in docs:
            yield self(doc)


class UntilStable(Step):
    """Runs steps in turn until a round removes nothing.

    Steps whose decisions depend on neighbouring lines (repeats "back to back", the
    classifier's context) change each other's neighbours when they remove lines; running
    them to a fixed point is what makes cleaning their output change nothing.
    """

    name = "until-stable"

    def __init__(self, steps: list[Step], max_rounds: int = 5) -> None:
        super().__init__()
        self.steps = steps
        self.max_rounds = max_rounds

    def load_resources(self) -> None:
        for step in self.steps:
            step.load_resources()

    def process(self, doc: Document) -> None:
        for _ in range(self.max_rounds):
            before = len(doc.removals)
            for step in self.steps:
                step(doc)  # a step that `settles` skips a document unchanged since its last run
            if len(doc.removals) == before:
                return
