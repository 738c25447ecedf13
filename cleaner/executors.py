"""Where the pipeline runs: in this process, in a pool of processes, or on a Ray cluster.

Every executor does one thing: apply a task to a stream of batches and give the results
back in input order, with only a bounded number of batches in flight, so memory stays
flat however many documents stream through. Whatever the executor, the caller sees the
same results in the same order, so the output does not depend on it.
"""

from __future__ import annotations

import gc
import math
import multiprocessing
import os
import threading
import time
from abc import ABC, abstractmethod
from collections import deque
from collections.abc import Callable, Generator, Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from pathlib import Path

from cleaner.config import ExecutorName
from cleaner.errors import UsageError
from cleaner.interrupts import ignore_in_worker
from cleaner.pipeline import Cleaner
from cleaner.work import BatchTask, Item, R, Work

#: Batches in flight per worker: enough to keep every worker busy, few enough to bound memory.
IN_FLIGHT_PER_WORKER = 3


def default_workers(cgroup: Path = Path("/sys/fs/cgroup")) -> int:
    """The cores this process may use: those it may run on, within a container's CPU quota
    (`docker run --cpus 2` on a 64-core host: 2), not the host's count."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cores = os.cpu_count() or 1
    quota = cpu_quota(cgroup)
    return max(1, min(cores, quota) if quota else cores)


def cpu_quota(cgroup: Path) -> int | None:
    """CPUs the cgroup's quota allows, rounded up, or None (no quota, or not Linux)."""
    try:
        if (cgroup / "cpu.max").is_file():  # cgroup v2: "max 100000" or "200000 100000"
            quota, period = (cgroup / "cpu.max").read_text().split()[:2]
        else:  # cgroup v1
            quota = (cgroup / "cpu" / "cpu.cfs_quota_us").read_text().strip()
            period = (cgroup / "cpu" / "cpu.cfs_period_us").read_text().strip()
        if quota in ("max", "-1"):
            return None
        return max(1, math.ceil(int(quota) / int(period)))
    except (OSError, ValueError, ZeroDivisionError):
        return None


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


class Executor(ABC):
    """Runs `task(cleaner, batch)` over batches; results come back in the batches' order."""

    workers: int = 1

    @abstractmethod
    def map(
        self, task: BatchTask[R], cleaner: Cleaner, batches: Iterable[Sequence[Item]]
    ) -> Iterator[R]:
        """The task's result for each batch, in order."""

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


# The pool's worker processes each hold one Cleaner, installed once when the process starts
# (rules compiled, language profiles loaded), not sent with every batch.
_worker_cleaner: Cleaner | None = None


def _install_cleaner(cleaner: Cleaner, parent: int) -> None:
    global _worker_cleaner
    _worker_cleaner = cleaner
    ignore_in_worker()  # the parent alone decides when a run stops (see interrupts.py)
    gc.freeze()  # the worker's heap lives as long as the worker: see long_lived_frozen
    threading.Thread(target=_exit_with_parent, args=(parent,), daemon=True).start()


def _exit_with_parent(parent: int, every: float = 1.0) -> None:
    """A worker whose parent was killed (kill -9 gives it no chance to stop the pool)
    would wait for work forever: it leaves as soon as it is orphaned."""
    while os.getppid() == parent:
        time.sleep(every)
    os._exit(1)


def _run_in_worker(work: Work[R], batch: Sequence[Item]) -> R:
    assert _worker_cleaner is not None, "the pool initializer installs the cleaner"
    return work(_worker_cleaner, batch)


class ProcessExecutor(Executor):
    """A pool of worker processes on this machine.

    A worker that dies (a segfault in a native library, the out-of-memory killer) takes
    down the pool and every batch in flight, with no word of which document did it. The
    batches in flight then run again one at a time in a fresh one-worker pool; a batch
    that kills that one too runs document by document, and the document that still kills
    its worker fails alone (`BatchTask.crashed`). Then a new pool takes the rest.
    """

    def __init__(self, workers: int) -> None:
        if workers < 1:
            raise UsageError(f"--workers {workers}: give at least 1")
        self.workers = workers
        methods = multiprocessing.get_all_start_methods()
        # fork starts workers in milliseconds with the parent's imports; spawn elsewhere.
        self.context = multiprocessing.get_context("fork" if "fork" in methods else "spawn")

    def _pool(self, cleaner: Cleaner, workers: int) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(
            max_workers=workers,
            mp_context=self.context,
            initializer=_install_cleaner,
            initargs=(cleaner, os.getpid()),
        )

    def map(
        self, task: BatchTask[R], cleaner: Cleaner, batches: Iterable[Sequence[Item]]
    ) -> Iterator[R]:
        cleaner.load_resources()  # once, here: forked workers inherit them
        pool: ProcessPoolExecutor | None = None
        pending: deque[tuple[Sequence[Item], Future[R]]] = deque()
        limit = self.workers * IN_FLIGHT_PER_WORKER
        finished = False
        try:
            for batch in batches:
                pool = pool or self._pool(cleaner, self.workers)  # a new one after a crash
                pending.append((batch, _submit(pool, task.run, batch)))
                if len(pending) >= limit:
                    pool = yield from self._drain(task, cleaner, pool, pending, keep=limit - 1)
            pool = yield from self._drain(task, cleaner, pool, pending, keep=0)
            finished = True
        finally:
            if pool is not None:
                if not finished:  # Ctrl-C, or the caller gave up: no waiting for the batches
                    _stop_workers(pool)
                pool.shutdown(wait=finished, cancel_futures=True)

    def _drain(
        self,
        task: BatchTask[R],
        cleaner: Cleaner,
        pool: ProcessPoolExecutor | None,
        pending: deque[tuple[Sequence[Item], Future[R]]],
        keep: int,
    ) -> Generator[R, None, ProcessPoolExecutor | None]:
        """Results from the front of `pending` until `keep` are left, and the pool. If a
        worker died: every pending result (found without the broken pool), and no pool."""
        while len(pending) > keep:
            try:
                result = pending[0][1].result()
            except BrokenProcessPool:
                if pool is not None:
                    pool.shutdown(wait=False, cancel_futures=True)
                yield from self._recover(task, cleaner, pending)
                return None
            pending.popleft()
            yield result
        return pool

    def _recover(
        self,
        task: BatchTask[R],
        cleaner: Cleaner,
        pending: deque[tuple[Sequence[Item], Future[R]]],
    ) -> Iterator[R]:
        """Results for the batches that were in flight when a worker died, in order."""
        while pending:
            batch, future = pending.popleft()
            if future.done() and not future.cancelled() and future.exception() is None:
                yield future.result()  # finished before the crash
                continue
            yield rerun_after_crash(task, batch, lambda part: self._alone(task.run, cleaner, part))

    def _alone(self, work: Work[R], cleaner: Cleaner, batch: Sequence[Item]) -> tuple[R] | None:
        """`work` on `batch` in a fresh one-worker pool; None if that worker dies too."""
        with self._pool(cleaner, 1) as pool:
            try:
                return (pool.submit(_run_in_worker, work, batch).result(),)
            except BrokenProcessPool:
                return None


def _submit(pool: ProcessPoolExecutor, work: Work[R], batch: Sequence[Item]) -> Future[R]:
    """The batch's future. A pool whose worker died refuses new work at once: the
    batch's future then holds that error, for `_drain` to recover in order."""
    try:
        return pool.submit(_run_in_worker, work, batch)
    except BrokenProcessPool as exc:
        refused: Future[R] = Future()
        refused.set_exception(exc)
        return refused


def _stop_workers(pool: ProcessPoolExecutor, wait: float = 1.0) -> None:
    """Ends the pool's workers now, whatever they are doing (ProcessPoolExecutor has no
    public way: its shutdown waits for the running batches), and reaps them, so that no
    zombie outlives the run. SIGKILL: workers ignore SIGINT and SIGTERM, and hold nothing
    that needs saving (the parent writes every file)."""
    processes = list((getattr(pool, "_processes", None) or {}).values())
    for process in processes:
        if process.is_alive():
            process.kill()
    deadline = time.monotonic() + wait
    for process in processes:
        process.join(max(0.0, deadline - time.monotonic()))


def rerun_after_crash(
    task: BatchTask[R],
    batch: Sequence[Item],
    alone: Callable[[Sequence[Item]], tuple[R] | None],
) -> R:
    """The result of a batch that was in flight when its worker died, which names no
    culprit: the batch again on a fresh worker of its own (`alone`, None if that one dies
    too), then document by document; a document that still kills its worker fails alone."""
    whole = alone(batch)
    if whole is not None:
        return whole[0]
    parts = []
    for item in batch:
        single = alone([item])
        parts.append(single[0] if single is not None else task.crashed(item))
    return task.combine(parts)


def make_executor(name: str, workers: int | None = None, address: str | None = None) -> Executor:
    """The executor a user asked for by name (`--executor`)."""
    if name == ExecutorName.LOCAL:
        if address is not None:
            raise UsageError("--ray-address: add --executor ray to run on a Ray cluster")
        count = workers or default_workers()
        return InlineExecutor() if count == 1 else ProcessExecutor(count)
    if name == ExecutorName.RAY:
        from cleaner.ray_executor import RayExecutor  # Ray is optional and slow to import

        return RayExecutor(workers=workers, address=address)
    raise UsageError(f"--executor {name}: unknown executor; choose local or ray")
