"""This machine: the pipeline in a pool of worker processes (one worker: in this process,
see base.InlineExecutor)."""

from __future__ import annotations

import math
import multiprocessing
import os
import threading
import time
from collections import deque
from collections.abc import Generator, Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, replace
from itertools import chain, islice
from pathlib import Path

from cleaner import sandbox
from cleaner.errors import UsageError
from cleaner.executors.base import (
    IN_FLIGHT_PER_WORKER,
    Executor,
    InlineExecutor,
    rerun_after_crash,
    settle_worker_heap,
)
from cleaner.interrupts import ignore_in_worker, starting_workers
from cleaner.pipeline import Cleaner
from cleaner.sandbox import (
    DEFAULT_DOCUMENT_MEMORY_MIB,
    Limits,
    Watch,
    Watchdog,
    check_document_memory,
)
from cleaner.work import WORKER_DIED, BatchTask, Item, R, Work, timed_out


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


def _install_cleaner(
    cleaner: Cleaner, parent: int, watch: Watch | None = None, memory_mib: int | None = None
) -> None:
    global _worker_cleaner
    _worker_cleaner = cleaner
    if watch is not None:
        sandbox.install(watch, memory_mib)
    ignore_in_worker()  # the parent alone decides when a run stops (see interrupts.py)
    settle_worker_heap()  # the worker's heap lives as long as the worker
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


@dataclass
class _Pool:
    """A process pool and the slots its workers note their records in."""

    executor: ProcessPoolExecutor
    watch: Watch


class ProcessExecutor(Executor):
    """A pool of worker processes on this machine, each document cleaned within limits.

    A worker still on one document past `--document-timeout` (native code that never
    returns to Python, which the signal of time_limit.py cannot stop) is killed by the
    parent's watchdog, and a document's allocations past `document_memory` MiB fail (see
    sandbox.py): the document fails alone, with the limit it hit. One worker is a pool of
    one, so `--workers 1` is protected too (with no limit at all, it cleans in this
    process: there is nothing to protect).

    A worker that dies takes down the pool and every batch in flight. When the watchdog
    killed it, the record it was on is known: the batches in flight run again in a new
    pool, without it. Otherwise (a segfault in a native library, the out-of-memory
    killer) nothing names the culprit: the batches in flight run again one at a time in a
    fresh one-worker pool, where the record the worker dies on is known from its slot; a
    worker that dies between records makes its input run document by document
    (`rerun_after_crash`). The document that kills its worker fails alone
    (`BatchTask.crashed`). Then a new pool takes the rest.
    """

    def __init__(
        self, workers: int, document_memory: int | None = DEFAULT_DOCUMENT_MEMORY_MIB
    ) -> None:
        if workers < 1:
            raise UsageError(f"--workers {workers}: give at least 1")
        check_document_memory(document_memory)
        self.workers = workers
        self.document_memory = document_memory or None  # 0: no cap, as the option says
        #: Batches in flight per worker (a Ray actor's pool of one takes one at a time).
        self.in_flight = IN_FLIGHT_PER_WORKER
        methods = multiprocessing.get_all_start_methods()
        # fork starts workers in milliseconds with the parent's imports; spawn elsewhere.
        self.context = multiprocessing.get_context("fork" if "fork" in methods else "spawn")

    def _pool(self, cleaner: Cleaner, workers: int, watchdog: Watchdog) -> _Pool:
        watch = watchdog.watch(workers)
        executor = ProcessPoolExecutor(
            max_workers=workers,
            mp_context=self.context,
            initializer=_install_cleaner,
            initargs=(cleaner, os.getpid(), watch, watchdog.limits.memory_mib),
        )
        return _Pool(executor, watch)

    def map(
        self, task: BatchTask[R], cleaner: Cleaner, batches: Iterable[Sequence[Item]]
    ) -> Iterator[R]:
        limits = Limits(cleaner.config.document_timeout, self.document_memory)
        if self.workers == 1 and not limits:
            yield from InlineExecutor().map(task, cleaner, batches)
            return
        cleaner.load_resources()  # once, here: forked workers inherit them
        reason = timed_out(limits.timeout) if limits.timeout else ""  # no timeout: no stops
        with Watchdog(limits, self.context, reason) as watchdog:
            yield from self._map(task, cleaner, batches, watchdog)

    def _map(
        self,
        task: BatchTask[R],
        cleaner: Cleaner,
        batches: Iterable[Sequence[Item]],
        watchdog: Watchdog,
    ) -> Iterator[R]:
        pool: _Pool | None = None
        pending: deque[tuple[Sequence[Item], Future[R]]] = deque()
        # No more workers than batches to give them: `-w 5000` over five inputs forked
        # 5,000 processes (a pool forks all its workers at once) and the machine ran out
        # of memory.
        stream = iter(batches)
        first = list(islice(stream, self.workers * self.in_flight))
        workers = max(1, min(self.workers, len(first)))
        limit = workers * self.in_flight
        finished = False
        try:
            for batch in chain(first, stream):
                pool = pool or self._pool(cleaner, workers, watchdog)  # anew after a crash
                pending.append((batch, _submit(pool.executor, task.run, batch)))
                if len(pending) >= limit:
                    pool = yield from self._drain(
                        task, cleaner, pool, pending, limit - 1, watchdog
                    )
            pool = yield from self._drain(task, cleaner, pool, pending, 0, watchdog)
            finished = True
        finally:
            if pool is not None:
                if not finished:  # Ctrl-C, or the caller gave up: no waiting for the batches
                    _stop_workers(pool)
                pool.executor.shutdown(wait=finished, cancel_futures=True)
                watchdog.forget(pool.watch)

    def _drain(
        self,
        task: BatchTask[R],
        cleaner: Cleaner,
        pool: _Pool | None,
        pending: deque[tuple[Sequence[Item], Future[R]]],
        keep: int,
        watchdog: Watchdog,
    ) -> Generator[R, None, _Pool | None]:
        """Results from the front of `pending` until `keep` are left, and the pool. If a
        worker died: the batches in flight again (in a new pool when the watchdog named
        the record, see the class), and the pool they run in, or none."""
        while len(pending) > keep:
            try:
                result = pending[0][1].result()
            except BrokenProcessPool:
                named = pool is not None and watchdog.named_after_death(pool.watch, WORKER_DIED)
                size = self.workers if pool is None else pool.watch.size  # the pool's again
                if pool is not None:
                    _end(pool, watchdog)
                if not named:
                    yield from self._recover(task, cleaner, pending, watchdog)
                    return None
                pool = self._pool(cleaner, size, watchdog)
                for place, (batch, future) in enumerate(pending):
                    if not _succeeded(future):
                        again = _left_out(batch, watchdog)
                        pending[place] = (again, _submit(pool.executor, task.run, again))
                continue
            pending.popleft()
            yield result
        return pool

    def _recover(
        self,
        task: BatchTask[R],
        cleaner: Cleaner,
        pending: deque[tuple[Sequence[Item], Future[R]]],
        watchdog: Watchdog,
    ) -> Iterator[R]:
        """Results for the batches that were in flight when a worker died, in order."""
        while pending:
            batch, future = pending.popleft()
            if _succeeded(future):
                yield future.result()  # finished before the crash
                continue
            yield rerun_after_crash(
                task, batch, lambda part: self._alone(task.run, cleaner, part, watchdog)
            )

    def _alone(
        self, work: Work[R], cleaner: Cleaner, batch: Sequence[Item], watchdog: Watchdog
    ) -> tuple[R] | None:
        """`work` on `batch` in a fresh one-worker pool; None if that worker dies too, on
        no record the watchdog or its slot can name (each named one is left out, and the
        batch runs again)."""
        while True:
            batch = _left_out(batch, watchdog)
            pool = self._pool(cleaner, 1, watchdog)
            try:
                return (pool.executor.submit(_run_in_worker, work, batch).result(),)
            except BrokenProcessPool:
                if not watchdog.named_after_death(pool.watch, WORKER_DIED):
                    return None
            finally:
                _end(pool, watchdog)


def _succeeded(future: Future[R]) -> bool:
    return future.done() and not future.cancelled() and future.exception() is None


def _left_out(batch: Sequence[Item], watchdog: Watchdog) -> list[Item]:
    """The batch's tasks, each leaving out the records the watchdog named (which then
    fail with the reason it gave)."""
    tasks = []
    for item in batch:
        stops = watchdog.stopped_in(item.index)
        new = {position: why for position, why in stops.items() if position not in item.skip}
        if new:
            item = replace(
                item,
                skip=item.skip | frozenset(new),
                stopped=item.stopped + tuple(sorted(new.items())),
            )
        tasks.append(item)
    return tasks


def _end(pool: _Pool, watchdog: Watchdog) -> None:
    """A broken pool, gone: its workers that are left (busy with batches that will run
    again) killed, so that none writes an input's outputs beside its rerun."""
    _stop_workers(pool)
    pool.executor.shutdown(wait=False, cancel_futures=True)
    watchdog.forget(pool.watch)


def _submit(pool: ProcessPoolExecutor, work: Work[R], batch: Sequence[Item]) -> Future[R]:
    """The batch's future. A pool whose worker died refuses new work at once: the
    batch's future then holds that error, for `_drain` to recover in order."""
    try:
        with starting_workers():  # a fork pool starts its workers on the first submit
            return pool.submit(_run_in_worker, work, batch)
    except BrokenProcessPool as exc:
        refused: Future[R] = Future()
        refused.set_exception(exc)
        return refused


#: How long the parent waits for a worker to finish renaming a document's two files
#: before it kills it anyway (a rename takes microseconds; a worker that died in the
#: middle of one left its lock held).
COMMIT_WAIT_S = 0.5


def _stop_workers(pool: _Pool, wait: float = 1.0) -> None:
    """Ends the pool's workers now, whatever they are doing (ProcessPoolExecutor has no
    public way: its shutdown waits for the running batches), and reaps them, so that no
    zombie outlives the run. SIGKILL: workers ignore SIGINT and SIGTERM, and lose nothing
    by it: each output file is written to a temporary name and renamed when whole, so a
    killed worker leaves a temporary file (removed by the next run) and no torn output,
    and its input, never noted in the manifest as done, is cleaned again next time. A
    document's two files are renamed back to back under the worker's commit lock, which
    is taken here first, so that no worker dies between them (a .txt without its .json,
    which one of tests/test_interrupts.py's trials found once in a CI run)."""
    held = [lock for lock in pool.watch.commits if lock.acquire(timeout=COMMIT_WAIT_S)]
    processes = list((getattr(pool.executor, "_processes", None) or {}).values())
    try:
        for process in processes:
            if process.is_alive():
                process.kill()
    finally:
        for lock in held:
            lock.release()
    deadline = time.monotonic() + wait
    for process in processes:
        process.join(max(0.0, deadline - time.monotonic()))


