"""The dedup stage: `duplicate_of` for every document, from the fingerprint files the
workers wrote (parts.py), with one answer whatever runs it.

The answer is DuplicateFinder's, fed the documents in the run's canonical order: the
earliest document wins. `SequentialDedup` does exactly that on the driver, as each input's
summary comes back (an index on disk: bounded memory on one machine). An executor may
bring its own stage (the Ray executor: executors/ray_dedup.py, a distributed job), which
must give the same answers; `checked_fingerprints` is the one walk over an input's
fingerprint file both use, so that a damaged file leaves the same documents in the index
and fails its input with the same reason.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path

from cleaner.duplicates import DuplicateFinder, Fingerprint
from cleaner.parts import read_fingerprints
from cleaner.work import InputSummary
from cleaner.writers import Duplicate


def checked_fingerprints(path: Path, ids: Sequence[str]) -> Iterator[Fingerprint]:
    """The fingerprints of an input's documents (`ids`, in order, as its worker reported
    them), one by one as the stage checks them. Raises OSError or ValueError at the first
    that cannot be read back or is not the document expected: those before it have been
    checked (they are in the index), the input's answers are not applied."""
    _, fingerprints = read_fingerprints(path)
    for expected, (doc_id, found) in zip(ids, fingerprints, strict=True):
        if doc_id != expected:
            raise ValueError(f"{path}: lists {doc_id} where its input wrote {expected}")
        yield found


class DedupStage:
    """Decides `duplicate_of` for each input's documents, in canonical order."""

    def stream(
        self, summaries: Iterable[InputSummary], cleaned: Callable[[InputSummary], None]
    ) -> Iterator[InputSummary]:
        """The cleaning stage's summaries, in canonical order, each once the stage can
        decide its documents (`decide`); `cleaned` is told of each as it comes in."""
        for summary in summaries:
            cleaned(summary)
            yield summary

    def decide(self, path: Path, summary: InputSummary) -> list[Duplicate]:
        """The answer for each document of an input (`path`: its fingerprint file).
        Raises OSError or ValueError if they cannot be read back."""
        raise NotImplementedError

    @property
    def counts(self) -> dict[str, int]:
        """Documents found to be exact and near duplicates."""
        raise NotImplementedError

    def close(self) -> None:
        """Removes what the stage kept on disk."""


class SequentialDedup(DedupStage):
    """Today's stage on the driver: DuplicateFinder over each input as it comes back."""

    def __init__(self, near_threshold: float | None, folder: Path | None = None) -> None:
        self.finder = DuplicateFinder(near_threshold, folder=folder)

    def decide(self, path: Path, summary: InputSummary) -> list[Duplicate]:
        documents = summary.documents
        found = checked_fingerprints(path, [doc.id for doc in documents])
        return [
            Duplicate(doc.id, doc.duplicate_of, self.finder.check(doc.name, fingerprint))
            for doc, fingerprint in zip(documents, _whole(found, len(documents)), strict=True)
        ]

    @property
    def counts(self) -> dict[str, int]:
        return self.finder.counts

    def close(self) -> None:
        self.finder.close()


def _whole(found: Iterator[Fingerprint], count: int) -> Iterator[Fingerprint]:
    """`found`, asked once more after its `count` items, so that a file listing more
    documents than its input wrote fails as such."""
    for _ in range(count):
        yield next(found)
    for _ in found:
        pass  # raises: the strict walk never yields past the input's documents
