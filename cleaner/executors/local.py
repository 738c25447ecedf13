"""This machine: the pipeline in a pool of worker processes (one worker: in this process,
see base.InlineExecutor)."""

from __future__ import annotations

import gc
import math
import multiprocessing
import os
import threading
import time
from collections import deque
from collections.abc import Generator, Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

from cleaner.errors import UsageError
from cleaner.executors.base import IN_FLIGHT_PER_WORKER, Executor, rerun_after_crash
from cleaner.interrupts import ignore_in_worker
from cleaner.pipeline import Cleaner
from cleaner.work import BatchTask, Item, R, Work


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
    zombie outlives the run. SIGKILL: workers ignore SIGINT and SIGTERM, and lose nothing
    by it: each output file is written to a temporary name and renamed when whole, so a
    killed worker leaves a temporary file (removed by the next run) and no torn output,
    and its input, never noted in the manifest as done, is cleaned again next time."""
    processes = list((getattr(pool, "_processes", None) or {}).values())
    for process in processes:
        if process.is_alive():
            process.kill()
    deadline = time.monotonic() + wait
    for process in processes:
        process.join(max(0.0, deadline - time.monotonic()))


