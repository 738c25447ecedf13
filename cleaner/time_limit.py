"""A time limit on cleaning one document: a page that sends a library into an endless
loop fails alone, with a reason, instead of hanging the run.

The limit is a timer signal (SIGALRM), so it works wherever documents are cleaned in a
process's main thread: the CLI's own process, pool workers, Ray actors. It cannot stop
native code that never returns to Python: in the local executor's workers, the parent's
watchdog does, by killing the worker (sandbox.py). Elsewhere (no SIGALRM, another
thread, a timer the caller already runs) there is no limit.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType


class DocumentTimedOut(BaseException):
    """The time limit is up. A BaseException, so that libraries' broad `except Exception`
    (trafilatura has many) let it through to the step that set the limit."""


def _time_is_up(signum: int, frame: FrameType | None) -> None:
    raise DocumentTimedOut


def _can_set_timer() -> bool:
    return (
        hasattr(signal, "setitimer")
        and threading.current_thread() is threading.main_thread()
        and signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)  # not the caller's timer
    )


@contextmanager
def time_limit(seconds: float | None) -> Iterator[None]:
    """Raises DocumentTimedOut in the block once `seconds` have passed (None: no limit)."""
    if not seconds or not _can_set_timer():
        yield
        return
    previous = signal.signal(signal.SIGALRM, _time_is_up)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
