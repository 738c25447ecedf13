"""A document that never finishes cleaning fails alone, after --document-timeout."""

from __future__ import annotations

import signal
import threading
import time

import pytest
from helpers import SEEDS

from cleaner.config import Config
from cleaner.document import Document
from cleaner.executors import InlineExecutor, ProcessExecutor
from cleaner.pipeline import Cleaner
from cleaner.runner import run
from cleaner.time_limit import DocumentTimedOut, time_limit


def spin(seconds: float) -> None:
    """Busy for `seconds`, swallowing every Exception as careless library code does."""
    ends = time.monotonic() + seconds
    while time.monotonic() < ends:
        try:
            sum(range(1000))
        except Exception:  # the point: the limit must get through this
            continue


def test_the_limit_stops_a_loop_that_swallows_exceptions() -> None:
    started = time.monotonic()
    with pytest.raises(DocumentTimedOut), time_limit(0.2):
        spin(10)
    assert time.monotonic() - started < 5
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)  # disarmed
    assert signal.getsignal(signal.SIGALRM) is signal.SIG_DFL  # handler given back


def test_work_within_the_limit_is_untouched() -> None:
    """Work that ends in time finishes whole, under an armed timer that is disarmed after
    it: an alarm left running would strike later, outside any limit."""
    finished = []
    with time_limit(0.3):
        assert 0 < signal.getitimer(signal.ITIMER_REAL)[0] <= 0.3  # the limit is on
        spin(0.05)
        finished.append(True)
    assert finished == [True]
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)
    spin(0.4)  # past the limit: nothing strikes
    with time_limit(None):
        assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)  # no limit: no timer
        spin(0.05)


def test_no_limit_outside_the_main_thread_nor_over_a_callers_timer() -> None:
    errors: list[BaseException] = []

    def worker() -> None:
        try:
            with time_limit(0.05):
                spin(0.3)
        except BaseException as exc:
            errors.append(exc)

    thread = threading.Thread(target=worker)
    thread.start()
    thread.join()
    assert not errors
    fired: list[int] = []
    previous = signal.signal(signal.SIGALRM, lambda signum, frame: fired.append(signum))
    try:
        signal.setitimer(signal.ITIMER_REAL, 0.3)
        with time_limit(0.05):  # the caller's timer stands; no limit of ours
            spin(0.1)
        assert signal.getitimer(signal.ITIMER_REAL)[0] > 0
        spin(0.4)
        assert fired == [signal.SIGALRM]
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


class StuckCleaner(Cleaner):
    """Never finishes a document that holds the marker."""

    MARKER = "ENDLESS-LOOP"

    def clean(self, doc: Document) -> Document:
        if self.MARKER in doc.raw:
            spin(3600)
        return super().clean(doc)


@pytest.mark.parametrize("workers", [1, 2])
def test_a_document_over_the_limit_fails_alone(tmp_path, workers) -> None:
    inputs = tmp_path / "in"
    inputs.mkdir()
    for seed in sorted(SEEDS.glob("*.txt")):
        (inputs / seed.name).write_bytes(seed.read_bytes())
    (inputs / "stuck.txt").write_text(f"{StuckCleaner.MARKER}\n\nSome words.\n", encoding="utf-8")
    config = Config(document_timeout=3)
    executor = InlineExecutor() if workers == 1 else ProcessExecutor(workers)
    report = run([inputs], tmp_path / "out", config, cleaner=StuckCleaner(config), executor=executor)
    assert [(f.source.rsplit("/", 1)[-1], "--document-timeout" in f.reason) for f in report.failures] == [
        ("stuck.txt", True)
    ]
    assert report.written == len(list(SEEDS.glob("*.txt")))
