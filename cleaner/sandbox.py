"""Limits on one document that hold whatever the code does: the worker process that
cleans it is killed when it runs past `--document-timeout`, and an allocation past
`--document-memory` fails.

The time limit of time_limit.py is a signal handler: it runs only when native code
(lxml on a page of 200,000 attributes, htmldate, a regex engine) returns to Python. So
each pool worker notes in a slot of memory it shares with its parent which record it is
cleaning and since when (`watched`: four numbers, written without a lock or a system
call), and a thread of the parent (`Watchdog`) reads the slots a few times a second and
kills a worker still on one record past the limit and a grace period. The executor then
runs the batches that were in flight again, in a new pool, leaving that record out: it
fails alone, with the reason a document stopped by the signal gets.

The memory cap is the kernel's: before each record the worker limits its address space
(RLIMIT_AS) to what it holds now plus the cap, and gives the limit back after. Python
code and most native code (lxml, numpy, regex) then get a MemoryError, and the document
fails with a reason naming the option; a library that aborts instead kills its worker,
and the executor names the record that worker was on (see executors/local.py).

Both hold only in worker processes the executor watches (`install`); in any other
process `watched` does nothing, and no limit is set on a library user's process.
"""

from __future__ import annotations

import os
import resource
import signal
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from multiprocessing.context import BaseContext
from typing import Any

from cleaner.errors import UsageError

#: MiB a document may add to its worker's memory (address space) by default: a worker
#: then stays under 2 GB. A 20 MB text of news prose takes about 650 MiB (and a minute:
#: --document-timeout stops longer ones first); an 18 MB line of two-letter words, 1.3 GiB.
DEFAULT_DOCUMENT_MEMORY_MIB = 1536
#: Below this a worker cannot load its own libraries (numpy's failed to map a segment, and
#: native code aborted with its own messages): 0 or at least this many MiB.
MIN_DOCUMENT_MEMORY_MIB = 64
MAX_DOCUMENT_MEMORY_MIB = 1 << 24  # 16 TiB: past it, RLIMIT_AS overflows
#: Numbers per slot: the worker's pid, when it began the record (time.monotonic(), a
#: clock all processes share; 0 when it is between records), the input's index in the
#: run and the record's position in the input.
_FIELDS = 4
_PID, _STARTED, _INDEX, _POSITION = range(_FIELDS)


def check_document_memory(mib: int | None) -> None:
    """Refuses a --document-memory no worker can run under, or one past what RLIMIT_AS
    takes (None, or 0 as the option says it: no cap)."""
    if mib and not MIN_DOCUMENT_MEMORY_MIB <= mib <= MAX_DOCUMENT_MEMORY_MIB:
        raise UsageError(
            f"--document-memory {mib}: give 0 (no cap) or {MIN_DOCUMENT_MEMORY_MIB} to "
            f"{MAX_DOCUMENT_MEMORY_MIB:,} MiB"
        )


@dataclass(frozen=True, slots=True)
class Limits:
    """What a document may take: seconds (None: no limit) and MiB (None: no cap)."""

    timeout: float | None = None
    memory_mib: int | None = None

    def __bool__(self) -> bool:
        return bool(self.timeout or self.memory_mib)

    @property
    def grace(self) -> float:
        """Seconds past the timeout before the worker is killed: the signal of
        time_limit.py stops Python code at the limit itself, with less lost."""
        return min(10.0, max(1.0, (self.timeout or 0) / 10))

    @property
    def tick(self) -> float:
        """How often the watchdog reads the slots."""
        return min(1.0, max(0.05, (self.timeout or 0) / 20))


def over_memory(mib: int) -> str:
    """The failure reason of a document that took more memory than the cap."""
    return (
        f"cleaning took more than {mib} MiB of memory and was stopped; "
        "--document-memory sets the limit"
    )


class Watch:
    """The slots of one pool's workers, in memory shared with the parent. Made in the
    parent before the workers start; each worker takes a slot of its own (`install`)."""

    def __init__(self, context: BaseContext, size: int) -> None:
        self.size = size
        self.slots: Any = context.RawArray("d", size * _FIELDS)
        self.taken: Any = context.RawValue("i", 0)
        self.lock: Any = context.Lock()
        #: A lock per slot, held by its worker while it renames a document's files into
        #: place (`committing`) and by the parent before it kills the worker: a kill
        #: never falls between the two renames of a pair.
        self.commits: list[Any] = [context.Lock() for _ in range(size)]
        #: The parent's own record, never read in workers: records stopped in this pool.
        self.stopped: list[tuple[int, int]] = []

    def __getstate__(self) -> dict[str, Any]:  # for spawned workers: the shared parts
        return {
            "size": self.size,
            "slots": self.slots,
            "taken": self.taken,
            "lock": self.lock,
            "commits": self.commits,
        }

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state, stopped=[])

    def note(self, slot: int) -> tuple[int, float, int, int] | None:
        """(pid, started, index, position) of the record the slot's worker is on, or None
        between records. Read twice: a worker that moved on meanwhile is not on it."""
        base = slot * _FIELDS
        started = self.slots[base + _STARTED]
        if not started:
            return None
        found = (
            int(self.slots[base + _PID]),
            started,
            int(self.slots[base + _INDEX]),
            int(self.slots[base + _POSITION]),
        )
        return found if self.slots[base + _STARTED] == started else None

    def clear(self, slot: int) -> None:
        self.slots[slot * _FIELDS + _STARTED] = 0.0


@dataclass(slots=True)
class _Installed:
    watch: Watch
    slot: int
    memory_mib: int | None


class _Worker:
    """What this process is, when it is a watched worker: set once, by `install`."""

    installed: _Installed | None = None


def install(watch: Watch, memory_mib: int | None) -> None:
    """Makes this process (a pool worker, at its start) note its records in a slot of
    `watch`, and cap each record's memory at `memory_mib`."""
    with watch.lock:
        slot = watch.taken.value
        watch.taken.value = slot + 1
    if slot >= watch.size:  # more workers than slots: cannot happen with a fixed pool
        return
    watch.slots[slot * _FIELDS + _PID] = os.getpid()
    watch.clear(slot)
    _Worker.installed = _Installed(watch, slot, memory_mib)


def memory_cap() -> int | None:
    """The MiB a document may take in this process, if capped."""
    installed = _Worker.installed
    return installed.memory_mib if installed is not None else None


@contextmanager
def watched(index: int, position: int) -> Iterator[None]:
    """Cleaning the record at `position` of input `index`, noted for the watchdog, with
    its memory capped. Nothing at all outside a watched worker."""
    installed = _Worker.installed
    if installed is None:
        yield
        return
    slots, base = installed.watch.slots, installed.slot * _FIELDS
    slots[base + _STARTED] = 0.0  # a consistent note: the record first, then the time
    slots[base + _INDEX] = index
    slots[base + _POSITION] = position
    slots[base + _STARTED] = time.monotonic()
    try:
        with _address_space_capped(installed.memory_mib):
            yield
    finally:
        slots[base + _STARTED] = 0.0


@contextmanager
def committing() -> Iterator[None]:
    """A document's files being renamed into place (cleaner/writers.py's `commit_pair`):
    the parent waits for the block to end before it kills this worker (`Watch.commits`).
    Nothing at all outside a watched worker."""
    installed = _Worker.installed
    if installed is None:
        yield
        return
    with installed.watch.commits[installed.slot]:
        yield


_PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096


def _address_space() -> int | None:
    """Bytes of this process's address space now (Linux), or None where unknown."""
    try:
        with open("/proc/self/statm", "rb") as handle:
            return int(handle.read().split()[0]) * _PAGE
    except (OSError, ValueError, IndexError):
        return None


@contextmanager
def _address_space_capped(mib: int | None) -> Iterator[None]:
    """RLIMIT_AS at the address space now plus `mib` within the block (no cap where the
    address space cannot be read), and the previous limit after."""
    now = _address_space() if mib else None
    if now is None or mib is None:
        yield
        return
    previous = resource.getrlimit(resource.RLIMIT_AS)
    soft, hard = previous
    cap = now + (mib << 20)
    if hard != resource.RLIM_INFINITY:
        cap = min(cap, hard)
    if soft != resource.RLIM_INFINITY:
        cap = min(cap, soft)  # a tighter limit of the caller's stands
    resource.setrlimit(resource.RLIMIT_AS, (cap, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_AS, previous)


@dataclass
class Watchdog:
    """The parent's side: a thread that kills a worker still on one record past the
    timeout and its grace, and remembers that record (by input index and position) with
    the reason it failed, for the executor to leave it out when it runs the input again.
    A context manager: the thread runs within the block, when there is a timeout."""

    limits: Limits
    context: BaseContext
    reason: str  # the failure reason of a record stopped at the time limit
    stops: dict[int, dict[int, str]] = field(default_factory=dict)
    #: Records a worker died on once, named only by its slot (see `named_after_death`).
    _suspects: set[tuple[int, int]] = field(default_factory=set)
    _watches: list[Watch] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _done: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None

    def __enter__(self) -> Watchdog:
        if self.limits.timeout:
            self._thread = threading.Thread(target=self._run, name="cleaner-watchdog", daemon=True)
            self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._done.set()
        if self._thread is not None:
            self._thread.join()

    def watch(self, workers: int) -> Watch:
        """Slots for a new pool of `workers`, watched until `forget`."""
        watch = Watch(self.context, workers)
        with self._lock:
            self._watches.append(watch)
        return watch

    def forget(self, watch: Watch) -> None:
        """The pool is gone: its slots are read no more (a pid in them may be reused)."""
        with self._lock:
            if watch in self._watches:
                self._watches.remove(watch)

    def stopped_in(self, index: int) -> dict[int, str]:
        """The records of input `index` stopped so far: position -> reason (a copy: the
        thread adds to them)."""
        with self._lock:
            return dict(self.stops.get(index, {}))

    def named_after_death(self, watch: Watch, reason: str) -> bool:
        """After a pool broke: whether the watchdog stopped one of its workers, or else
        (a one-worker pool) the record its worker died on a second time, now remembered
        with `reason`. Either way the record is known, and the batch can run again
        without it. A first death on a record says little of it (the machine's OOM
        killer, a kill -9 from outside): it is only a suspect, and the batch runs again
        with it, as a pool of several workers reruns a batch whose worker died."""
        with self._lock:
            if watch.stopped:
                watch.stopped.clear()
                return True
            if watch.size != 1:
                return False
            note = watch.note(0)
            if note is None:
                return False
            watch.clear(0)
            _, _, index, position = note
            if (index, position) not in self._suspects:
                self._suspects.add((index, position))
                return False
            self.stops.setdefault(index, {})[position] = reason
            return True

    def _run(self) -> None:
        while not self._done.wait(self.limits.tick):
            self.check(time.monotonic())

    def check(self, now: float) -> None:
        """Kills each watched worker on one record for longer than the limit allows."""
        assert self.limits.timeout is not None
        deadline = self.limits.timeout + self.limits.grace
        with self._lock:
            for watch in self._watches:
                for slot in range(watch.size):
                    note = watch.note(slot)
                    if note is None or now - note[1] <= deadline:
                        continue
                    pid, _, index, position = note
                    with suppress(ProcessLookupError, PermissionError):
                        os.kill(pid, signal.SIGKILL)
                    watch.clear(slot)
                    watch.stopped.append((index, position))
                    self.stops.setdefault(index, {})[position] = self.reason
