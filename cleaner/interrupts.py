"""Ctrl-C (SIGINT) and SIGTERM: a run stops at once, cleanly, with the shell's exit code.

The first signal raises `Interrupted` where the main thread is, like Python's own
KeyboardInterrupt, but also for SIGTERM; what the run finished stays recorded. Inside a
`held()` block (a document's files being committed, Ray starting its processes) the
signal waits for the block's end, so no pair of files is ever split by it; while a module
is being imported it waits for the import, so that no library is left half set up. A second
signal exits at once: the workers are killed and the process leaves without unwinding,
still outside any `held()` block.

Libraries can swallow the exception (langdetect's profile loader turns any exception,
KeyboardInterrupt too, into a LangDetectException): `received()` tells the caller that
whatever it caught was an interrupt in disguise, and `check()` raises it again.

The state is the process's own, as signal handlers are: one `InterruptGuard`, installed
by the CLI (library callers keep Python's default behaviour unless they install it).
"""

from __future__ import annotations

import os
import signal
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from types import FrameType

SIGNALS = (signal.SIGINT, signal.SIGTERM)


class Interrupted(KeyboardInterrupt):
    """The run was stopped by a signal; `exit_code` is what shells expect (128 + signal)."""

    def __init__(self, signum: int) -> None:
        super().__init__(signal.Signals(signum).name)
        self.signum = signum

    @property
    def exit_code(self) -> int:
        return 128 + self.signum


class InterruptGuard:
    """The handler of SIGINT and SIGTERM for a command's lifetime (see the module)."""

    def __init__(self) -> None:
        self.signum: int | None = None
        self._held = 0
        self._again: int | None = None  # a second signal that came inside a held block
        self._redelivery = False  # a first signal re-sent to itself (see _handle)
        #: The command has said it was interrupted ("interrupted: ..."): `finish` need not.
        self.told = False

    def install(self) -> None:
        if threading.current_thread() is not threading.main_thread():
            return  # signal handlers belong to the main thread
        for signum in SIGNALS:
            signal.signal(signum, self._handle)

    @property
    def installed(self) -> bool:
        """Whether this guard handles SIGINT now (the CLI installs it; a library caller
        keeps Python's KeyboardInterrupt)."""
        return signal.getsignal(signal.SIGINT) == self._handle

    def leave(self) -> None:
        """The command is over and what it wrote is saved: a signal from now on, while the
        interpreter exits (thread joins, libraries' exit hooks), ends the process at once
        with 128 + signal. Raised there, the interrupt would be printed as "Exception
        ignored" (SIGTERM) or end the process by the signal itself (SIGINT)."""
        if threading.current_thread() is not threading.main_thread():
            return
        for signum in SIGNALS:
            signal.signal(signum, _leave_at_once)

    def finish(self, message: bytes = b"") -> None:
        """The command is over (`leave()`), and output is flushed. If a signal came
        during it, whatever a library made of it, the process ends now with 128 +
        signal, after `message`: what the run finished is saved and its workers are
        gone, so the interpreter's own exit (thread joins, libraries' exit hooks) has
        nothing left to save and could only keep a stopped run waiting."""
        self.leave()
        if self.signum is None:
            flush_quietly()
            return
        end_process(self.signum, b"" if self.told else message)

    def reset(self) -> None:
        self.signum, self._held, self._again, self._redelivery = None, 0, None, False
        self.told = False

    def received(self) -> Interrupted | None:
        """The interrupt that came, if one did (whatever a library made of it)."""
        return Interrupted(self.signum) if self.signum is not None else None

    def check(self) -> None:
        """Raise the interrupt that came, if one did: a safe point to stop at."""
        if self.signum is not None and not self._held:
            raise Interrupted(self.signum)

    @contextmanager
    def held(self) -> Iterator[None]:
        """A block no signal interrupts: it is acted on when the block ends."""
        self._held += 1
        try:
            yield
        finally:
            self._held -= 1
        if not self._held:
            if self._again is not None:
                exit_now(self._again)
            self.check()

    def _handle(self, signum: int, frame: FrameType | None) -> None:
        if self._redelivery:  # our own re-sent signal, after landing somewhere unsafe
            self._redelivery = False
        elif self.signum is not None:  # the second one: no more waiting
            if self._held:
                self._again = signum
                return
            exit_now(signum)
        self.signum = signum
        if self._held:
            return
        if _unsafe(frame):  # raised there, Python prints it and goes on: not yet
            self._redeliver(signum)
            return
        raise Interrupted(signum)

    def _redeliver(self, signum: int) -> None:
        """The signal again in a moment, when the main thread has (likely) moved on."""
        self._redelivery = True
        main = threading.main_thread().ident
        if main is not None:
            timer = threading.Timer(REDELIVER_AFTER_S, signal.pthread_kill, (main, signum))
            timer.daemon = True
            timer.start()


#: Where an exception raised by the handler would be printed as "Exception ignored" and
#: dropped: finalizers, and the locks threading and logging take around fork().
_UNSAFE_FUNCTIONS = frozenset({"__del__", "_releaseLock", "_acquireLock", "_after_fork"})
#: A module being imported, however deep: raised there, the interrupt lands inside a
#: library setting itself up, which may swallow it (pydantic-core, building a model's
#: validator, prints it as "Exception ignored") or go on half set up.
_IMPORTING = "<frozen importlib._bootstrap"
REDELIVER_AFTER_S = 0.05


def _unsafe(frame: FrameType | None) -> bool:
    depth = 0
    while frame is not None:
        code = frame.f_code
        if depth < 8 and (code.co_name in _UNSAFE_FUNCTIONS or "weakref" in code.co_filename):
            return True
        if code.co_filename.startswith(_IMPORTING):
            return True
        frame, depth = frame.f_back, depth + 1
    return False


def exit_now(signum: int) -> None:
    """Kill this process's workers and leave at once (a second Ctrl-C). Files are only
    ever renamed into place whole, so what is in OUT stays consistent."""
    end_process(signum, b"interrupted again: stopped at once\n", flush=False)


def end_process(signum: int, message: bytes = b"", *, flush: bool = True) -> None:
    """Leave at once with 128 + signal: output flushed (unless a second Ctrl-C must not
    wait on a blocked pipe), `message` on stderr, the workers killed."""
    if flush:
        flush_quietly()
    if message:
        with suppress(OSError):
            os.write(2, message)
    kill_children()
    os._exit(128 + signum)


def _leave_at_once(signum: int, frame: FrameType | None) -> None:
    end_process(signum)


def kill_children() -> None:
    """SIGKILL to the worker processes this process started (they ignore SIGINT/SIGTERM,
    so that the parent alone decides when and how a run stops)."""
    import multiprocessing

    for child in multiprocessing.active_children():
        if child.pid is not None:
            with suppress(OSError):
                os.kill(child.pid, signal.SIGKILL)


@contextmanager
def starting_workers() -> Iterator[None]:
    """Worker processes started inside this block begin with SIGINT and SIGTERM blocked,
    until `ignore_in_worker()`: a forked worker inherits its parent's handler, and Ctrl-C
    (or SIGTERM to the process group) landing between its fork and its first own line
    would raise there, killing the worker with a traceback and the pool with it. The
    parent itself still takes the signal: a process-directed signal goes to a thread
    that does not block it, and Python runs the handler in the main thread."""
    if threading.current_thread() is not threading.main_thread():
        yield  # only the main thread forks workers (and only its mask is inherited)
        return
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, SIGNALS)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def ignore_in_worker() -> None:
    """A worker process leaves signals to its parent: Ctrl-C reaches the terminal's whole
    process group, and a worker interrupted inside the pool's queue would leave its lock
    held. The parent kills its workers when it stops. A signal that came while the worker
    started (blocked by `starting_workers()`) is discarded with the block lifted."""
    for signum in SIGNALS:
        signal.signal(signum, signal.SIG_IGN)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, SIGNALS)


#: The process's guard: signal handlers are per process, and so is what they saw.
guard = InterruptGuard()


def flush_quietly() -> None:
    """Flush stdout/stderr, ignoring a closed pipe, so the interpreter's own flush at exit
    prints no "Exception ignored" line."""
    for stream in (sys.stdout, sys.stderr):
        if stream is None:  # closed when the process started (`>&-`)
            continue
        with suppress(OSError, ValueError):
            stream.flush()
