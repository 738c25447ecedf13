"""The step base class: it owns the loop over documents and the counters."""

from __future__ import annotations

import time
from abc import ABC, abstractmethod
from collections import Counter
from collections.abc import Iterable, Iterator
from typing import ClassVar

from cleaner.document import Document


class Step(ABC):
    """One stage of the pipeline. Subclasses fill in `process(doc)`; it edits `doc` in place.

    Any text a step takes out goes through `Document.drop`/`Document.cut`, so it lands
    in the document's audit with the step's name and a rule id.
    """

    name: ClassVar[str]

    def __init__(self) -> None:
        self.counts: Counter[str] = Counter()
        self.seconds = 0.0

    @abstractmethod
    def process(self, doc: Document) -> None:
        """Clean one document in place."""

    def load_resources(self) -> None:  # noqa: B027 - most steps load nothing
        """Load now what would otherwise load with the first document."""

    def __call__(self, doc: Document) -> Document:
        started = time.perf_counter()
        removals_before = len(doc.removals)
        self.process(doc)
        self.seconds += time.perf_counter() - started
        self.counts["documents"] += 1
        for removal in doc.removals[removals_before:]:
            self.counts[f"removed:{removal.rule}"] += 1
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
        # Each step cleans to its own fixed point, so a step whose input has not changed
        # since it last ran (no removal since) would change nothing: it is skipped.
        after_step: dict[int, int] = {}  # step index -> removals right after it last ran
        for _ in range(self.max_rounds):
            before = len(doc.removals)
            for index, step in enumerate(self.steps):
                if after_step.get(index) == len(doc.removals):
                    continue
                step(doc)
                after_step[index] = len(doc.removals)
            if len(doc.removals) == before:
                return
