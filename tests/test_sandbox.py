"""Limits that hold inside native code (sandbox.py): a document stuck where the signal of
time_limit.py cannot reach, or allocating past --document-memory, fails alone, named,
with the limit it hit, with one worker or several; the other documents are written."""

from __future__ import annotations

import json
import os
import signal
import time
from pathlib import Path

import pytest
from helpers import SEEDS

from cleaner import sandbox
from cleaner.config import Config
from cleaner.document import Document
from cleaner.executors import InlineExecutor, ProcessExecutor, make_executor
from cleaner.pipeline import Cleaner
from cleaner.runner import run

FILLER = "The council met on Tuesday to discuss the budget for the public library."


class HostileCleaner(Cleaner):
    """Stands for native code gone wrong on a document holding one of the markers."""

    STUCK = "STUCK-IN-NATIVE-CODE"  # never returns to Python: the timer signal is blocked
    GREEDY = "ALLOCATES-GIGABYTES"
    ABORTS = "ABORTS-THE-PROCESS"

    def clean(self, doc: Document) -> Document:
        if self.STUCK in doc.raw:
            signal.pthread_sigmask(signal.SIG_BLOCK, [signal.SIGALRM])
            time.sleep(60)  # the sandbox kills it long before; if not, it is written
        if self.GREEDY in doc.raw:
            bytearray(8 << 30)
        if self.ABORTS in doc.raw:
            os.kill(os.getpid(), signal.SIGKILL)  # as the out-of-memory killer does
        return super().clean(doc)


def _inputs(folder: Path, *markers: str) -> Path:
    folder.mkdir()
    for seed in sorted(SEEDS.glob("*.txt")):
        (folder / seed.name).write_bytes(seed.read_bytes())
    lines = [{"id": f"r{n}", "text": f"{FILLER} Item {n} of the agenda."} for n in range(5)]
    for place, marker in zip((1, 3), markers, strict=False):
        lines[place]["text"] = f"{marker}\n\n{FILLER}"
    (folder / "records.jsonl").write_text("".join(json.dumps(line) + "\n" for line in lines))
    return folder


def _failures(report) -> list[tuple[str, str]]:
    return sorted((f.source.rsplit("/", 1)[-1], f.reason) for f in report.failures)


@pytest.mark.parametrize("workers", [1, 2])
def test_a_document_stuck_in_native_code_fails_alone_at_the_time_limit(tmp_path, workers) -> None:
    inputs = _inputs(tmp_path / "in", HostileCleaner.STUCK)
    config = Config(document_timeout=0.5)
    executor = make_executor("local", workers)
    report = run([inputs], tmp_path / "out", config, cleaner=HostileCleaner(config), executor=executor)
    failures = _failures(report)
    assert [source for source, _ in failures] == ["records.jsonl:2"]  # its line: r1
    assert "--document-timeout" in failures[0][1] and "0.5 s" in failures[0][1]
    assert report.written == len(list(SEEDS.glob("*.txt"))) + 4
    assert not (tmp_path / "out" / "records" / "r1.txt").exists()
    assert (tmp_path / "out" / "records" / "r2.txt").is_file()


@pytest.mark.parametrize("workers", [1, 2])
def test_a_document_over_the_memory_cap_fails_alone(tmp_path, workers) -> None:
    inputs = _inputs(tmp_path / "in", HostileCleaner.GREEDY)
    config = Config()
    executor = make_executor("local", workers, document_memory=256)
    report = run([inputs], tmp_path / "out", config, cleaner=HostileCleaner(config), executor=executor)
    failures = _failures(report)
    assert [source for source, _ in failures] == ["records.jsonl:2"]
    assert "256 MiB" in failures[0][1] and "--document-memory" in failures[0][1]
    assert report.written == len(list(SEEDS.glob("*.txt"))) + 4


def test_a_paragraph_of_200000_attributes_fails_alone_at_the_time_limit(tmp_path) -> None:
    """Issue 26's repro, with the real libraries: lxml parsing 200,000 attributes on one
    `<p>` (70 s) and htmldate reading them (145 s) never returned to Python, so
    `--document-timeout 10` was ignored. One worker, as the sandbox protects it too."""
    inputs = tmp_path / "in"
    inputs.mkdir()
    attributes = " ".join(f'a{n}="v{n}"' for n in range(200_000))
    (inputs / "attrs.html").write_text(f"<html><body><p {attributes}>{FILLER}</p></body></html>")
    (inputs / "good.txt").write_text(f"{FILLER}\n\n" * 3)
    started = time.monotonic()
    report = run([inputs], tmp_path / "out", Config(document_timeout=2),
                 executor=make_executor("local", 1))
    assert time.monotonic() - started < 60  # was 74-84 s for the page alone
    assert _failures(report) == [
        ("attrs.html", "cleaning took longer than 2 s and was stopped (a page that sends a "
         "library into an endless loop?); --document-timeout sets the limit")
    ]
    assert (tmp_path / "out" / "good.txt").is_file()


@pytest.mark.parametrize(("workers", "memory"), [(2, None), (1, 256), (2, 256)])
def test_a_pool_without_a_time_limit_cleans(tmp_path, workers, memory) -> None:
    """`--document-timeout 0` with a pool (2 workers, or a memory cap) failed every
    input with 'internal error: TypeError' (the time limit's reason was spelt for None).
    Found by bench/sandbox_cost.py."""
    inputs = _inputs(tmp_path / "in")
    config = Config(document_timeout=None)
    report = run([inputs], tmp_path / "out", config,
                 executor=make_executor("local", workers, document_memory=memory))
    assert not report.failures
    assert report.written == len(list(SEEDS.glob("*.txt"))) + 5


def test_both_limits_and_a_crash_in_one_input(tmp_path) -> None:
    """A record stuck past the time limit and one that kills its worker, in the same
    input: each fails alone, with its own reason, and the other records are written."""
    inputs = _inputs(tmp_path / "in", HostileCleaner.STUCK, HostileCleaner.ABORTS)
    config = Config(document_timeout=0.5)
    executor = ProcessExecutor(2)
    report = run([inputs], tmp_path / "out", config, cleaner=HostileCleaner(config), executor=executor)
    failures = _failures(report)
    assert [source for source, _ in failures] == ["records.jsonl:2", "records.jsonl:4"]
    (_, stuck), (_, died) = failures
    assert "--document-timeout" in stuck
    assert "worker process died" in died
    assert report.written == len(list(SEEDS.glob("*.txt"))) + 3


def test_without_limits_one_worker_cleans_in_this_process(tmp_path) -> None:
    """No time limit and no memory cap: nothing to protect, so no process is started."""
    seen: list[int] = []

    class Noting(Cleaner):
        def clean(self, doc: Document) -> Document:
            seen.append(os.getpid())
            return super().clean(doc)

    config = Config(document_timeout=None)
    executor = make_executor("local", 1, document_memory=None)
    run([SEEDS], tmp_path / "out", config, cleaner=Noting(config), executor=executor)
    assert seen and set(seen) == {os.getpid()}


def test_outside_a_watched_worker_nothing_is_noted_or_capped() -> None:
    """A library user's process gets no memory limit from cleaning."""
    import resource

    before = resource.getrlimit(resource.RLIMIT_AS)
    assert sandbox.memory_cap() is None
    with sandbox.watched(0, 0):
        assert resource.getrlimit(resource.RLIMIT_AS) == before
    assert resource.getrlimit(resource.RLIMIT_AS) == before


def test_the_inline_executor_is_unchanged(tmp_path) -> None:
    report = run([SEEDS], tmp_path / "out", Config(), executor=InlineExecutor())
    assert report.written == len(list(SEEDS.glob("*.txt"))) and not report.failures


def test_the_watchdog_kills_only_a_worker_past_the_limit_and_its_grace() -> None:
    """Read at a given time (no clock in the test): a worker on one record for longer
    than the timeout plus the grace is killed, its record remembered with the reason; a
    worker within them, or between records, is left alone."""
    import multiprocessing
    import subprocess

    context = multiprocessing.get_context("fork")
    limits = sandbox.Limits(timeout=10)
    watchdog = sandbox.Watchdog(limits, context, "too slow")  # not entered: no thread
    watch = watchdog.watch(3)
    sleepers = [subprocess.Popen(["sleep", "60"]) for _ in range(3)]
    try:
        now = 1000.0
        started = {0: now - 10 - limits.grace - 0.1, 1: now - 10, 2: 0.0}  # 2: between records
        for slot, sleeper in enumerate(sleepers):
            base = slot * 4
            watch.slots[base : base + 4] = [sleeper.pid, started[slot], 7, 40 + slot]
        watchdog.check(now)
        assert sleepers[0].wait(timeout=30) == -signal.SIGKILL
        assert sleepers[1].poll() is None and sleepers[2].poll() is None
        assert watchdog.stopped_in(7) == {40: "too slow"}
        assert watch.note(0) is None  # cleared: never killed twice
        assert watchdog.named_after_death(watch, "died") is True  # the kill explains it
        assert watchdog.named_after_death(watch, "died") is False  # once
        watchdog.forget(watch)
        watchdog.check(now + 100)  # a forgotten pool's slots are not read
        assert sleepers[1].poll() is None
    finally:
        for sleeper in sleepers:
            sleeper.kill()
            sleeper.wait()


def test_a_one_worker_pool_names_the_record_its_worker_died_on_twice() -> None:
    """Once is no proof (an OOM kill, a kill -9 from outside failed an innocent record
    with -w 1 and on Ray, where -w 2 ran it again): twice names it."""
    import multiprocessing

    watchdog = sandbox.Watchdog(sandbox.Limits(), multiprocessing.get_context("fork"), "")
    watch = watchdog.watch(1)
    assert watchdog.named_after_death(watch, "died") is False  # between records: no name
    watch.slots[0:4] = [12345, 5.0, 3, 9]
    assert watchdog.named_after_death(watch, "died") is False  # once: a suspect
    assert watchdog.stopped_in(3) == {}
    again = watchdog.watch(1)  # the fresh pool the batch runs again in
    again.slots[0:4] = [12346, 6.0, 3, 9]
    assert watchdog.named_after_death(again, "died") is True
    assert watchdog.stopped_in(3) == {9: "died"}


def test_the_cli_takes_document_memory(tmp_path) -> None:
    from typer.testing import CliRunner

    from cleaner.cli import app

    done = CliRunner().invoke(
        app, ["run", str(SEEDS), str(tmp_path / "out"), "--workers", "1", "--document-memory", "0"]
    )
    assert done.exit_code == 0, done.output
    refused = CliRunner().invoke(
        app, ["run", str(SEEDS), str(tmp_path / "o2"), "--document-memory", "-1"]
    )
    assert refused.exit_code == 2


def _commit_slowly(folder: str) -> None:
    """Stands for a worker renaming a document's two files: the first, a pause, then the
    second (module level: a pool worker runs it)."""
    with sandbox.committing():
        (Path(folder) / "started").write_text("")
        time.sleep(0.3)
        (Path(folder) / "a.txt").write_text("text")
        (Path(folder) / "a.json").write_text("{}")


def test_stopping_a_pool_waits_for_a_worker_renaming_a_pair(tmp_path) -> None:
    """The parent kills its workers when a run stops; a worker inside `committing` (the
    renames of commit_pair) finishes first, so no .txt is left without its .json."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    from cleaner.executors.local import _Pool, _stop_workers

    context = multiprocessing.get_context("fork")
    watch = sandbox.Watch(context, 1)
    executor = ProcessPoolExecutor(1, context, initializer=sandbox.install, initargs=(watch, None))
    executor.submit(_commit_slowly, str(tmp_path))
    deadline = time.monotonic() + 30
    while not (tmp_path / "started").exists() and time.monotonic() < deadline:
        time.sleep(0.01)
    _stop_workers(_Pool(executor, watch))
    executor.shutdown(wait=False, cancel_futures=True)
    assert (tmp_path / "a.txt").exists() and (tmp_path / "a.json").exists()
