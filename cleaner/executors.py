"""Where the pipeline runs: in this process, in a pool of processes, or on a Ray cluster.

Every executor does one thing: apply a task to a stream of batches and give the results
back in input order, with only a bounded number of batches in flight, so memory stays
flat however many documents stream through. Whatever the executor, the caller sees the
same results in the same order, so the output does not depend on it.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
import time
from abc import ABC, abstractmethod
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from enum import StrEnum
from typing import TypeVar

from cleaner.errors import UsageError
from cleaner.pipeline import Cleaner
from cleaner.work import Item

R = TypeVar("R")
Task = Callable[[Cleaner, Sequence[Item]], R]
#: Batches in flight per worker: enough to keep every worker busy, few enough to bound memory.
IN_FLIGHT_PER_WORKER = 3


def default_workers() -> int:
    """The cores this process may use (a container's limit, not the host's count)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


class Executor(ABC):
    """Runs `task(cleaner, batch)` over batches; results come back in the batches' order."""

    workers: int = 1

    @abstractmethod
    def map(
        self, task: Task[R], cleaner: Cleaner, batches: Iterable[Sequence[Item]]
    ) -> Iterator[R]:
        """The task's result for each batch, in order."""

    def close(self) -> None:  # noqa: B027 - a hook: most executors hold nothing between maps
        """Give back what the executor started (a local Ray, say)."""


class InlineExecutor(Executor):
    """This process, one batch after another: no start-up cost, the reference behaviour."""

    def map(
        self, task: Task[R], cleaner: Cleaner, batches: Iterable[Sequence[Item]]
    ) -> Iterator[R]:
        for batch in batches:
            yield task(cleaner, batch)


# The pool's worker processes each hold one Cleaner, installed once when the process starts
# (rules compiled, language profiles loaded), not sent with every batch.
_worker_cleaner: Cleaner | None = None


def _install_cleaner(cleaner: Cleaner, parent: int) -> None:
    global _worker_cleaner
    _worker_cleaner = cleaner
    threading.Thread(target=_exit_with_parent, args=(parent,), daemon=True).start()


def _exit_with_parent(parent: int, every: float = 1.0) -> None:
    """A worker whose parent was killed (kill -9 gives it no chance to stop the pool)
    would wait for work forever: it leaves as soon as it is orphaned."""
    while os.getppid() == parent:
        time.sleep(every)
    os._exit(1)


def _run_in_worker(task: Task[R], batch: Sequence[Item]) -> R:
    assert _worker_cleaner is not None, "the pool initializer installs the cleaner"
    return task(_worker_cleaner, batch)


class ProcessExecutor(Executor):
    """A pool of worker processes on this machine."""

    def __init__(self, workers: int) -> None:
        if workers < 1:
            raise UsageError(f"--workers {workers}: give at least 1")
        self.workers = workers
        methods = multiprocessing.get_all_start_methods()
        # fork starts workers in milliseconds with the parent's imports; spawn elsewhere.
        self.context = multiprocessing.get_context("fork" if "fork" in methods else "spawn")

    def map(
        self, task: Task[R], cleaner: Cleaner, batches: Iterable[Sequence[Item]]
    ) -> Iterator[R]:
        cleaner.load_resources()  # once, here: forked workers inherit them
        with ProcessPoolExecutor(
            max_workers=self.workers,
            mp_context=self.context,
            initializer=_install_cleaner,
            initargs=(cleaner, os.getpid()),
        ) as pool:
            pending: deque[Future[R]] = deque()
            limit = self.workers * IN_FLIGHT_PER_WORKER
            for batch in batches:
                pending.append(pool.submit(_run_in_worker, task, batch))
                if len(pending) >= limit:
                    yield pending.popleft().result()
            while pending:
                yield pending.popleft().result()


class ExecutorName(StrEnum):
    LOCAL = "local"
    RAY = "ray"


def make_executor(name: str, workers: int | None = None, address: str | None = None) -> Executor:
    """The executor a user asked for by name (`--executor`)."""
    if name == ExecutorName.LOCAL:
        count = workers or default_workers()
        return InlineExecutor() if count == 1 else ProcessExecutor(count)
    if name == ExecutorName.RAY:
        from cleaner.ray_executor import RayExecutor  # Ray is optional and slow to import

        return RayExecutor(workers=workers, address=address)
    raise UsageError(f"--executor {name}: unknown executor; choose local or ray")
