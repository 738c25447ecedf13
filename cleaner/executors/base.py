"""The executors' one contract: apply a task to a stream of batches and give the results
back in input order, with only a bounded number of batches in flight, so memory stays
flat however many documents stream through. Whatever the executor, the caller sees the
same results in the same order, so the output does not depend on it.
"""

from __future__ import annotations

import gc
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from cleaner.pipeline import Cleaner
from cleaner.work import BatchTask, Item, R, carefully, past_crash

if TYPE_CHECKING:  # the CLI's start-up imports this module, and not datasketch
    from cleaner.dedup_stage import DedupStage

#: Batches in flight per worker: enough to keep every worker busy, few enough to bound memory.
IN_FLIGHT_PER_WORKER = 3


@contextmanager
def long_lived_frozen() -> Iterator[None]:
    """Keeps the objects alive now (modules, the compiled rules: some 90,000) out of the
    garbage collector's passes until the block ends.

    They outlive the run, yet every full pass of the collector walks them all again, and
    cleaning allocates enough (word lists, shingle sets) to set off such passes: on the
    scrapinghub text dumps the collector's time falls from 0.12-0.17 s to 0.04 s a run
    (of 1.4). Forked workers inherit the frozen set; a worker freezes its own heap too."""
    if gc.get_freeze_count():  # the caller froze objects of its own: leave that to it
        yield
        return
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


#: The collector's first threshold in a worker (Python's default: 700 container objects).
#: Cleaning allocates a document's lines, word lists and matches by the hundred thousand,
#: and reference counting frees nearly all of them; at 700 the collector ran about 200
#: passes over the scrapinghub text dumps (0.04 s of 2.0 s of CPU), at this 2 (0.015 s).
WORKER_COLLECTION_THRESHOLD = 20_000


def settle_worker_heap() -> None:
    """For a process that cleans documents until it exits (a pool worker, a Ray actor):
    what it holds now is frozen out of the collector's passes (see long_lived_frozen),
    and the collector's youngest generation runs less often (WORKER_COLLECTION_THRESHOLD)."""
    gc.freeze()
    _, middle, oldest = gc.get_threshold()
    gc.set_threshold(WORKER_COLLECTION_THRESHOLD, middle, oldest)


class Executor(ABC):
    """Runs `task(cleaner, batch)` over batches; results come back in the batches' order."""

    workers: int = 1

    @abstractmethod
    def map(
        self, task: BatchTask[R], cleaner: Cleaner, batches: Iterable[Sequence[Item]]
    ) -> Iterator[R]:
        """The task's result for each batch, in order."""

    def dedup_stage(
        self, near_threshold: float | None, state: Path, names: Callable[[int], str]
    ) -> DedupStage:
        """The dedup stage of a run on this executor (`state`: the run's state folder, with
        the fingerprint files, where it may keep files of its own; `names`: an input's name
        by its index): by default the driver's own, with its index on disk in `state`."""
        from cleaner.dedup_stage import SequentialDedup

        return SequentialDedup(near_threshold, state)

    def start(self) -> None:  # noqa: B027 - a hook: most executors start nothing
        """Reach what the executor needs (a Ray cluster, say) before anything is read or
        written: a run that cannot start fails with OUT untouched."""

    def close(self) -> None:  # noqa: B027 - a hook: most executors hold nothing between maps
        """Give back what the executor started (a local Ray, say)."""


class InlineExecutor(Executor):
    """This process, one batch after another: no start-up cost, the reference behaviour."""

    def map(
        self, task: BatchTask[R], cleaner: Cleaner, batches: Iterable[Sequence[Item]]
    ) -> Iterator[R]:
        cleaner.load_resources()  # before the first document, not within its time limit
        for batch in batches:
            yield task.run(cleaner, batch)


def rerun_after_crash(
    task: BatchTask[R],
    batch: Sequence[Item],
    alone: Callable[[Sequence[Item]], tuple[R] | None],
) -> R:
    """The result of a batch that was in flight when its worker died, which names no
    culprit: the batch again on a fresh worker of its own (`alone`, None if that one dies
    too), then input by input. An input that still kills its worker runs again noting
    each record before it cleans it: the record it died on is left out (and fails alone)
    and the input runs again, until it finishes."""
    whole = alone(batch)
    if whole is not None:
        return whole[0]
    parts = []
    for item in batch:
        single = alone([item])
        attempt: Item | None = carefully(item)
        while single is None and attempt is not None:
            single = alone([attempt])
            if single is None:
                attempt = past_crash(attempt)
        parts.append(single[0] if single is not None else task.crashed(item))
    return task.combine(parts)
