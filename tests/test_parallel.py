"""Workers, input order and incremental runs never change what a run writes."""

from __future__ import annotations

import gc
import importlib.util
import json
import multiprocessing
import os
import shutil
import signal
import sys
import time
from pathlib import Path

import pytest
from helpers import FIXTURES, SEEDS, write_rules

from cleaner.config import Config, OutputFormat
from cleaner.document import Document
from cleaner.errors import UsageError
from cleaner.executors import Executor, InlineExecutor, ProcessExecutor, make_executor
from cleaner.outputs import read_outputs
from cleaner.pipeline import Cleaner
from cleaner.progress import NoProgress, PlainProgress, make_progress
from cleaner.readers import discover_inputs
from cleaner.readers.names import is_hidden
from cleaner.runner import batched, plan, run
from cleaner.state import OutputFolders
from cleaner.work import RunContext

MIXED = [SEEDS, FIXTURES / "dumps", FIXTURES / "html", FIXTURES / "warc"]


def outputs(out: Path) -> dict[str, bytes]:
    """Every file a user sees in OUT, report.json less its times."""
    files = {}
    for path in sorted(out.rglob("*")):
        if path.is_file() and not is_hidden(path.relative_to(out)):
            data = path.read_bytes()
            if path.name == "report.json":  # less its times and what was reused
                report = json.loads(data)
                report.pop("wall_seconds")
                report.pop("incremental")
                report["steps"].pop("seconds")
                data = json.dumps(report, sort_keys=True).encode()
            files[path.relative_to(out).as_posix()] = data
    return files


@pytest.fixture(scope="module")
def serial_out(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("serial") / "out"
    run(MIXED, out, Config(), executor=InlineExecutor())
    return out


def test_two_workers_write_the_same_bytes_as_one(serial_out, tmp_path) -> None:
    out = tmp_path / "out"
    report = run(MIXED, out, Config(), executor=ProcessExecutor(2))
    assert report.written > 20 and not report.failures
    assert outputs(out) == outputs(serial_out)


def test_input_order_does_not_change_the_output(serial_out, tmp_path) -> None:
    out = tmp_path / "out"
    run(list(reversed(MIXED)), out, Config(), executor=ProcessExecutor(2))
    assert outputs(out) == outputs(serial_out)


@pytest.mark.parametrize("output_format", [OutputFormat.JSONL, OutputFormat.PARQUET])
def test_single_file_layouts_are_the_same_for_any_workers(tmp_path, output_format) -> None:
    pytest.importorskip("pyarrow") if output_format is OutputFormat.PARQUET else None
    config = Config(format=output_format, corpus_pass=True)
    inputs = [SEEDS, FIXTURES / "dumps"]  # text only: the corpus pass runs twice
    run(inputs, tmp_path / "one", config, executor=InlineExecutor())
    run(list(reversed(inputs)), tmp_path / "two", config, executor=ProcessExecutor(2))
    assert outputs(tmp_path / "one") == outputs(tmp_path / "two")


def test_duplicates_are_found_across_workers(tmp_path) -> None:
    source = tmp_path / "in"
    source.mkdir()
    for index in range(20):  # copies spread over every batch and worker
        shutil.copy(next(SEEDS.glob("003_*")), source / f"copy{index:02d}.txt")
    report = run([source], tmp_path / "out", Config(), executor=ProcessExecutor(2))
    assert report.duplicates["exact"] == 19


def test_batches_keep_every_input_in_order(tmp_path) -> None:
    files = discover_inputs([FIXTURES / "warc", SEEDS])
    tasks = list(plan(files, RunContext(OutputFolders.of(tmp_path), OutputFormat.TXT, "settings")))
    batches = list(batched(iter(tasks), most=3))
    assert [task for batch in batches for task in batch] == tasks
    assert [task.index for task in tasks] == list(range(len(files)))
    assert max(len(batch) for batch in batches) <= 3


def test_the_last_batches_shrink_so_that_the_workers_finish_together(tmp_path) -> None:
    """With several workers the batches shrink as the inputs run out: no worker is left
    with a whole batch while the others wait; one worker takes full batches to the end."""
    for number in range(40):
        (tmp_path / f"doc{number:02d}.txt").write_text("a line\n")
    files = discover_inputs([tmp_path])
    context = RunContext(OutputFolders.of(tmp_path / "out"), OutputFormat.TXT, "settings")
    tasks = list(plan(files, context))
    shrinking = [len(b) for b in batched(iter(tasks), most=8, total=len(tasks), workers=2)]
    assert shrinking == [8, 8, 6, 5, 4, 3, 2, 1, 1, 1, 1]
    assert sum(shrinking) == len(tasks)
    one = [len(b) for b in batched(iter(tasks), most=8, total=len(tasks), workers=1)]
    assert one == [8, 8, 8, 8, 8]


def test_large_inputs_close_a_batch_early(tmp_path) -> None:
    for number in range(3):
        (tmp_path / f"big{number}.txt").write_text("x" * 600)
    files = discover_inputs([tmp_path])
    tasks = plan(
        files, RunContext(OutputFolders.of(tmp_path / "out"), OutputFormat.TXT, "settings")
    )
    assert [len(b) for b in batched(tasks, most=8, nbytes=1000)] == [2, 1]


def test_batches_take_the_sizes_the_caller_has(tmp_path) -> None:
    """The run knows each input's bytes already: batches close by those, not by asking
    each file again (here the files are small, the sizes given large)."""
    for number in range(3):
        (tmp_path / f"small{number}.txt").write_text("x")
    files = discover_inputs([tmp_path])
    tasks = plan(
        files, RunContext(OutputFolders.of(tmp_path / "out"), OutputFormat.TXT, "settings")
    )
    sizes = [600] * len(files)
    assert [len(b) for b in batched(tasks, most=8, nbytes=1000, sizes=sizes)] == [2, 1]


def test_a_run_freezes_the_heap_only_while_it_runs(tmp_path) -> None:
    """The objects alive before the run stay out of the collector's passes during it
    (long_lived_frozen), and are given back to it afterwards."""
    frozen_during: list[int] = []

    class Watching(InlineExecutor):
        def map(self, task, cleaner, batches):
            frozen_during.append(gc.get_freeze_count())
            yield from super().map(task, cleaner, batches)

    assert gc.get_freeze_count() == 0
    run([SEEDS], tmp_path / "out", Config(), executor=Watching())
    assert frozen_during and frozen_during[0] > 10_000
    assert gc.get_freeze_count() == 0


def _collector_state() -> tuple[int, int]:
    return gc.get_threshold()[0], gc.get_freeze_count()


def test_a_pool_worker_freezes_its_heap_and_collects_less_often() -> None:
    """What a worker holds when it starts (the cleaner, the modules) stays out of the
    collector's passes, which run every WORKER_COLLECTION_THRESHOLD allocations, not 700."""
    from concurrent.futures import ProcessPoolExecutor

    from cleaner.executors.base import WORKER_COLLECTION_THRESHOLD
    from cleaner.executors.local import _install_cleaner

    context = multiprocessing.get_context("fork")
    cleaner = Cleaner(Config())
    with ProcessPoolExecutor(
        1, mp_context=context, initializer=_install_cleaner, initargs=(cleaner, os.getpid())
    ) as pool:
        threshold, frozen = pool.submit(_collector_state).result()
    assert threshold == WORKER_COLLECTION_THRESHOLD > 700
    assert frozen > 10_000
    assert gc.get_threshold()[0] == 700  # the parent's own collector is left alone


def test_a_run_leaves_a_callers_frozen_heap_alone(tmp_path) -> None:
    gc.freeze()
    try:
        frozen = gc.get_freeze_count()
        run([SEEDS], tmp_path / "out", Config())
        # Not ==: a frozen object the run lets go of (a module's cache it replaces, a
        # lazy import's placeholder) leaves the count; unfreezing would empty it, and
        # freezing the run's own heap would raise it.
        assert frozen * 0.99 <= gc.get_freeze_count() <= frozen
    finally:
        gc.unfreeze()


def test_make_executor_names() -> None:
    # One worker is a pool of one: each document's limits hold there (test_sandbox.py).
    assert isinstance(make_executor("local", 1), ProcessExecutor)
    assert make_executor("local", 1).workers == 1
    assert make_executor("local", 3).workers == 3


# Incremental runs


def copy_inputs(tmp_path: Path) -> Path:
    source = tmp_path / "in"
    shutil.copytree(FIXTURES / "dumps", source, ignore=shutil.ignore_patterns("README.md"))
    shutil.copytree(SEEDS, source / "seeds")
    return source


def change_delete_add(source: Path) -> None:
    """Change one input (2c46...), delete one (20b2...), add one (added.txt, a copy of
    seeds/001, which comes first in canonical order)."""
    changed = next(source.glob("2c46*.txt"))
    changed.write_text(
        changed.read_text() + "\nA new closing paragraph that was not there before.\n"
    )
    next(source.glob("20b2*.txt")).unlink()
    shutil.copy(next((source / "seeds").glob("001_*")), source / "added.txt")


def test_rerun_skips_unchanged_inputs_and_matches_a_fresh_run(tmp_path) -> None:
    source = copy_inputs(tmp_path)
    out = tmp_path / "out"
    first = run([source], out, Config())
    assert first.reused == 0
    written = outputs(out)
    second = run([source], out, Config())
    assert second.reused == first.inputs and second.written == first.written
    assert outputs(out) == written
    change_delete_add(source)  # only those are cleaned again
    third = run([source], out, Config(), prune=True)
    assert third.reused == first.inputs - 2  # all but the changed and the deleted one
    assert not list(out.glob("20b2*"))  # pruned
    fresh = tmp_path / "fresh"
    run([source], fresh, Config())
    assert outputs(out) == outputs(fresh)
    # added.txt, a copy of seeds/001, comes first in canonical order: the reused
    # seeds/001 output now names it as its original.
    seed_record = next(
        v for k, v in outputs(out).items() if k.startswith("seeds/001_") and k.endswith(".json")
    )
    assert b'"duplicate_of": "added"' in seed_record


def test_manifest_entries_save_every_field() -> None:
    from dataclasses import asdict

    from cleaner.manifest import DocumentEntry, InputEntry

    entry = InputEntry(
        "a" * 64, "b" * 64, [DocumentEntry("x/é", {"r": 2}, {"t": 1})], {"request": 3}, False
    )
    assert entry.to_dict() == asdict(entry)
    assert InputEntry.from_dict(entry.to_dict()) == entry


def test_deleted_inputs_keep_their_outputs_without_prune(tmp_path) -> None:
    source = copy_inputs(tmp_path)
    out = tmp_path / "out"
    run([source], out, Config())
    next(source.glob("20b2*.txt")).unlink()
    report = run([source], out, Config())
    assert report.orphaned == 1 and list(out.glob("20b2*.txt"))
    report = run([source], out, Config(), prune=True)
    assert report.orphaned == 0 and not list(out.glob("20b2*.txt"))
    fresh = tmp_path / "fresh"  # the bookkeeping too: a deleted input's fingerprints went on
    run([source], fresh, Config())
    parts = sorted(p.name for p in (out / ".cleaner" / "parts").iterdir())
    assert parts == sorted(p.name for p in (fresh / ".cleaner" / "parts").iterdir())


def test_changed_rules_clean_everything_again(tmp_path) -> None:
    source = copy_inputs(tmp_path)
    out = tmp_path / "out"
    run([source], out, Config())
    rules = write_rules(
        tmp_path / "rules",
        """
rules:
  - id: drop-related
    description: Related-story headings.
    exact: [Related]
    tests:
      - drop: Related
      - keep: Related stories of the week
""",
    )
    report = run([source], out, Config(rules=(rules,)))
    assert report.reused == 0
    assert run([source], out, Config(rules=(rules,))).reused == report.inputs


SINGLE_FILE = [
    OutputFormat.JSONL,
    pytest.param(
        OutputFormat.PARQUET,
        marks=pytest.mark.skipif(
            importlib.util.find_spec("pyarrow") is None, reason="needs pyarrow"
        ),
    ),
]


def stored_documents(out: Path) -> list[dict]:
    """The documents of a single-file OUT, as written."""
    return [entry.data for entry in read_outputs(out)]


@pytest.mark.parametrize("output_format", SINGLE_FILE)
def test_single_file_layouts_rerun_only_what_changed(tmp_path, output_format) -> None:
    source = copy_inputs(tmp_path)
    out = tmp_path / "out"
    config = Config(format=output_format)
    first = run([source], out, config)
    written = outputs(out)
    before = {doc["id"]: doc for doc in stored_documents(out)}
    second = run([source], out, config)
    assert second.reused == first.inputs and second.written == first.written
    assert outputs(out) == written
    change_delete_add(source)
    third = run([source], out, config, prune=True)
    assert third.reused == first.inputs - 2  # all but the changed and the deleted one
    fresh = tmp_path / "fresh"
    run([source], fresh, config)
    assert outputs(out) == outputs(fresh)
    documents = {doc["id"]: doc for doc in stored_documents(out)}
    assert not any(doc_id.startswith("20b2") for doc_id in documents)  # pruned
    changed_id = next(doc_id for doc_id in documents if doc_id.startswith("2c46"))
    assert documents[changed_id]["chars_in"] > before[changed_id]["chars_in"]  # cleaned anew
    # added.txt, a copy of seeds/001, comes first: the reused seed now names it.
    seed = next(doc for doc_id, doc in documents.items() if doc_id.startswith("seeds/001_"))
    assert seed["duplicate_of"] == "added"


@pytest.mark.parametrize("output_format", SINGLE_FILE)
def test_single_file_layouts_keep_deleted_inputs_until_prune(tmp_path, output_format) -> None:
    source = copy_inputs(tmp_path)
    out = tmp_path / "out"
    config = Config(format=output_format)
    run([source], out, config)
    next(source.glob("20b2*.txt")).unlink()

    def deleted_ones() -> int:
        return sum(doc["id"].startswith("20b2") for doc in stored_documents(out))

    assert run([source], out, config).orphaned == 1 and deleted_ones() == 1
    assert run([source], out, config, prune=True).orphaned == 0 and deleted_ones() == 0


def part_of(out: Path, source: Path, prefix: str) -> Path:
    """The part (OUT/.cleaner/parts/<hash of the input's name>.jsonl) of the input whose
    file name starts with `prefix`."""
    from cleaner.writers import JsonlWriter

    name = next(source.glob(f"{prefix}*.txt")).stem
    return JsonlWriter(OutputFolders.of(out)).part_path(name)


def test_orphan_parts_damaged_or_removed_by_hand(tmp_path) -> None:
    pytest.importorskip("pyarrow")
    source = copy_inputs(tmp_path)
    out = tmp_path / "out"
    config = Config(format=OutputFormat.PARQUET)
    run([source], out, config)
    orphan = part_of(out, source, "20b2")
    next(source.glob("20b2*.txt")).unlink()
    orphan.write_text("{ not json\n")
    with pytest.raises(UsageError, match=r"20b2.*line 1: damaged.*--prune"):
        run([source], out, config)
    orphan.unlink()  # its documents go with it
    report = run([source], out, config)
    assert report.orphaned == 1
    assert not any(doc["id"].startswith("20b2") for doc in stored_documents(out))


def test_damaged_part_is_rebuilt_at_once(tmp_path) -> None:
    """The worker that would reuse the input's part finds it damaged, and cleans the
    input again instead."""
    source = copy_inputs(tmp_path)
    out = tmp_path / "out"
    config = Config(format=OutputFormat.JSONL)
    run([source], out, config)
    part = part_of(out, source, "2c46")
    part.write_text("{ not json\n")
    report = run([source], out, config)
    assert not report.failures and report.reused == report.inputs - 1
    again = run([source], out, config)
    assert not again.failures and again.reused == again.inputs
    fresh = tmp_path / "fresh"
    run([source], fresh, config)
    assert outputs(out) == outputs(fresh)


# Progress


def test_plain_progress_prints_a_line_every_few_seconds(capsys) -> None:
    now = [0.0]
    progress = PlainProgress(sys.stdout, every=5.0, clock=lambda: now[0])
    progress.start(inputs=4, total_bytes=400)
    progress.advance(documents=10, inputs=1, nbytes=100)
    assert capsys.readouterr().out == ""  # too soon
    now[0] = 5.0
    progress.advance(documents=10, inputs=1, nbytes=100)
    line = capsys.readouterr().out
    assert "20 documents, 2/4 inputs (50%), 4.0 documents/s, ETA 0:00:05" in line


def test_plain_progress_tells_no_time_left_before_anything_is_done(capsys) -> None:
    now = [0.0]
    progress = PlainProgress(sys.stdout, every=5.0, clock=lambda: now[0])
    progress.start(inputs=4, total_bytes=400)
    now[0] = 6.0  # workers still starting
    progress.advance()
    assert "0/4 inputs (0%), 0.0 documents/s, ETA unknown" in capsys.readouterr().out


def test_progress_is_a_bar_on_a_terminal_and_lines_elsewhere(monkeypatch) -> None:
    import io

    from rich.console import Console

    monkeypatch.setenv("TERM", "xterm")  # a terminal that can redraw a bar

    assert isinstance(make_progress(Console(file=io.StringIO()), quiet=True), NoProgress)
    assert isinstance(make_progress(Console(file=io.StringIO())), PlainProgress)
    # FORCE_COLOR (set in many CI setups) makes rich call any stream a terminal: a log
    # still gets plain lines, not redrawn bars.
    forced = Console(file=io.StringIO(), force_terminal=True)
    assert forced.is_terminal
    assert isinstance(make_progress(forced), PlainProgress)
    assert type(make_progress(forced, live=True)).__name__ == "BarProgress"

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    assert type(make_progress(Console(file=Terminal()))).__name__ == "BarProgress"
    monkeypatch.setenv("TERM", "dumb")  # as in Emacs' shell: rich draws no live bar there
    assert isinstance(make_progress(Console(file=Terminal())), PlainProgress)


def test_outputs_are_readable_by_others_as_with_open(tmp_path) -> None:
    out = tmp_path / "out"
    old = os.umask(0o022)
    try:
        run([SEEDS], out, Config(format=OutputFormat.TXT))
    finally:
        os.umask(old)
    files = [path for path in out.rglob("*") if path.is_file()]
    assert any(path.parent != out for path in files)  # the fingerprint journals too
    modes = {str(path.relative_to(out)): path.stat().st_mode & 0o777 for path in files}
    assert set(modes.values()) == {0o644}, modes


def test_to_json_is_the_standard_librarys_indented_json() -> None:
    import json

    from cleaner.writers import to_json

    value = {"a": [1, 2.5, None, True], "é": {"x": "line\u2028sep \x00", "n": 10**30}, "e": []}
    assert to_json(value) == json.dumps(value, ensure_ascii=False, indent=2) + "\n"
    small = {k: v for k, v in value.items() if k != "é"}
    assert to_json(small) == json.dumps(small, ensure_ascii=False, indent=2) + "\n"


@pytest.mark.parametrize(
    "damage",
    [
        lambda text, record: record.write_text("{ not json"),
        # SIGKILL between a pair's two renames: a new .txt beside the old .json
        lambda text, record: text.write_text("A text of another run.\n"),
        lambda text, record: record.unlink(),
    ],
    ids=["broken-json", "split-pair", "missing-json"],
)
def test_damaged_reused_output_is_cleaned_again_at_once(tmp_path, damage) -> None:
    source = copy_inputs(tmp_path)
    out = tmp_path / "out"
    run([source], out, Config())
    record = next(out.glob("2c46*.json"))
    damage(record.with_suffix(".txt"), record)
    report = run([source], out, Config())  # the input is cleaned anew: whole again
    assert not report.failures and report.reused == report.inputs - 1
    fresh = tmp_path / "fresh"
    run([source], fresh, Config())
    assert outputs(out) == outputs(fresh)


def test_progress_bar_shows_documents_per_second() -> None:
    import io

    from rich.console import Console

    from cleaner.progress import BarProgress

    stream = io.StringIO()
    bar = BarProgress(Console(file=stream, force_terminal=True, width=100))
    bar.start(inputs=2, total_bytes=200)
    bar.advance(documents=5, inputs=1, nbytes=100)
    bar.bar.refresh()
    bar.stop()
    shown = stream.getvalue()
    assert "5 docs" in shown and "docs/s" in shown and "50%" in shown
    assert "cleaning" in shown
    bar.start(inputs=2, total_bytes=200, phase="counting lines")  # a second phase
    bar.advance(documents=1, inputs=1, nbytes=100)
    bar.bar.refresh()
    bar.stop()
    second = stream.getvalue()[len(shown) :]
    assert "counting lines" in second and "1 docs" in second and "50%" in second


def test_an_input_that_cannot_be_hashed_is_cleaned_not_reused(tmp_path, monkeypatch) -> None:
    import cleaner.work

    source = copy_inputs(tmp_path)
    out = tmp_path / "out"
    first = run([source], out, Config())
    real = cleaner.work.file_sha256

    def flaky(path):
        if path.name.startswith("2c46"):
            raise PermissionError(13, "Permission denied")
        return real(path)

    monkeypatch.setattr(cleaner.work, "file_sha256", flaky)
    again = run([source], out, Config())
    assert not again.failures and again.reused == first.inputs - 1


class CrashingCleaner(Cleaner):
    """Kills the worker process on any document whose text holds the fuse, as a segfault in
    a native library or the out-of-memory killer would; in `prepare` too, with `in_prepare`."""

    FUSE = "SELF-DESTRUCT"

    def __init__(self, in_prepare: bool = False, **kwargs) -> None:
        super().__init__(**kwargs)
        self.in_prepare = in_prepare

    def _maybe_die(self, doc: Document) -> None:
        if self.FUSE in doc.raw and os.getpid() != self.parent:
            os.kill(os.getpid(), signal.SIGKILL)

    def prepare(self, doc: Document) -> Document:
        if self.in_prepare:
            self._maybe_die(doc)
        return super().prepare(doc)

    def clean(self, doc: Document) -> Document:
        self._maybe_die(doc)
        return super().clean(doc)


class KilledOnceCleaner(Cleaner):
    """Its worker is killed from outside once, on the first document holding the mark,
    as the machine's out-of-memory killer or a kill -9 would: the document is innocent."""

    MARK = "KILLED-ONCE"

    def __init__(self, flag: Path, **kwargs) -> None:
        super().__init__(**kwargs)
        self.flag = flag

    def clean(self, doc: Document) -> Document:
        if self.MARK in doc.raw and not self.flag.exists():
            self.flag.touch()
            os.kill(os.getpid(), signal.SIGKILL)
        return super().clean(doc)


@pytest.mark.parametrize("workers", [1, 2])
def test_a_worker_killed_from_outside_once_fails_no_document(tmp_path, workers) -> None:
    """With -w 1 (and on Ray, whose actors run one worker each) the record a worker died
    on once was failed at once; with -w 2 it ran again. Now it runs again either way."""
    source = tmp_path / "in"
    source.mkdir()
    for number in range(6):
        mark = KilledOnceCleaner.MARK if number == 3 else ""
        (source / f"doc-{number}.txt").write_text(
            f"The council met on Tuesday to discuss budget number {number}. {mark}\n"
        )
    cleaner = KilledOnceCleaner(tmp_path / "killed", config=Config())
    out = tmp_path / "out"
    report = run([source], out, Config(), cleaner=cleaner, executor=ProcessExecutor(workers))
    assert (tmp_path / "killed").exists()  # the kill happened
    assert report.failures == [] and len(list(out.glob("*.txt"))) == 6


def test_a_pool_has_no_more_workers_than_batches(tmp_path, monkeypatch) -> None:
    """`-w 5000` over five inputs forked 5,000 processes (a pool forks all its workers at
    once): the machine ran out of memory."""
    from cleaner.executors import local

    sizes: list[int] = []
    real = local.ProcessExecutor._pool

    def counted(self, cleaner, workers, watchdog):
        sizes.append(workers)
        return real(self, cleaner, workers, watchdog)

    monkeypatch.setattr(local.ProcessExecutor, "_pool", counted)
    out = tmp_path / "out"
    report = run([SEEDS], out, Config(), executor=ProcessExecutor(8))  # 5 inputs
    assert report.failures == [] and len(list(out.glob("*.txt"))) == 5
    assert sizes and max(sizes) <= 5


def inputs_with_bombs(folder: Path) -> Path:
    """The seeds, twenty fillers and two documents that kill their worker, in different
    batches."""
    shutil.copytree(SEEDS, folder)
    for number in (3, 17):
        (folder / f"bomb-{number:02d}.txt").write_text(
            f"{CrashingCleaner.FUSE}\n\nThe council met on Tuesday to discuss the budget.\n",
            encoding="utf-8",
        )
    for number in range(20):
        (folder / f"filler-{number:02d}.txt").write_text(
            f"Filler document {number} says the library opens on Sundays again this year.\n",
            encoding="utf-8",
        )
    return folder


def check_bombs_failed_alone(tmp_path: Path, executor: Executor, corpus_pass: bool) -> None:
    """A run with `executor` writes what a serial run writes, less the bombs, which fail
    (in the corpus pass, its own Cleaner crashes: the cleaning pass builds another)."""
    inputs = inputs_with_bombs(tmp_path / "in")
    config = Config(corpus_pass=corpus_pass)
    serial = tmp_path / "serial"
    run([inputs], serial, config, cleaner=Cleaner(config), executor=InlineExecutor())
    cleaner = CrashingCleaner(in_prepare=corpus_pass, config=config)
    cleaner.parent = os.getpid()
    out = tmp_path / "out"
    report = run([inputs], out, config, cleaner=cleaner, executor=executor)
    failed = {Path(failure.source).name: failure.reason for failure in report.failures}
    written, expected = outputs(out), outputs(serial)
    if corpus_pass:
        assert not failed
    else:
        assert sorted(failed) == ["bomb-03.txt", "bomb-17.txt"]
        assert all("worker process died" in reason for reason in failed.values())
        expected = {name: data for name, data in expected.items() if not name.startswith("bomb-")}
    del written["report.json"], expected["report.json"]
    assert written == expected


@pytest.mark.parametrize("corpus_pass", [False, True])
def test_a_document_that_kills_its_worker_fails_alone(tmp_path, corpus_pass) -> None:
    check_bombs_failed_alone(tmp_path, ProcessExecutor(2), corpus_pass)


def test_a_record_that_kills_its_worker_fails_alone_and_its_container_is_written(
    tmp_path,
) -> None:
    """A container input is one task: when a record kills its worker, the input runs
    again noting each record, and only the record it died on fails."""
    source = tmp_path / "in"
    source.mkdir()
    filler = "The council met on Tuesday to discuss the budget for the public library."
    lines = [{"id": f"r{n}", "text": f"{filler} Item {n} of the agenda."} for n in range(6)]
    lines[3]["text"] = f"{CrashingCleaner.FUSE}\n\n{filler}"
    (source / "a.jsonl").write_text("".join(json.dumps(line) + "\n" for line in lines))
    config = Config()
    cleaner = CrashingCleaner(config=config)
    cleaner.parent = os.getpid()
    out = tmp_path / "out"
    report = run([source], out, config, cleaner=cleaner, executor=ProcessExecutor(2))
    assert [(Path(f.source).name, "worker process died" in f.reason) for f in report.failures] == [
        ("a.jsonl:4", True)
    ]
    assert sorted(p.name for p in (out / "a").glob("*.txt")) == [
        f"r{n}.txt" for n in (0, 1, 2, 4, 5)
    ]
    assert not list(out.rglob("*.at"))  # the place notes are gone


def test_a_pool_that_breaks_while_batches_are_handed_out_takes_the_rest(tmp_path) -> None:
    """A worker can die between two hand-overs: the pool then refuses the next batch at
    once. That batch, like those in flight, runs again on a fresh pool; only the bomb fails."""
    from cleaner.work import CLEAN, WORKER_DIED

    filler = "The council met on Tuesday to discuss the budget for the public library.\n"
    source = tmp_path / "in"
    source.mkdir()
    (source / "bomb.txt").write_text(CrashingCleaner.FUSE + "\n\n" + filler)
    for number in range(12):
        (source / f"doc-{number:02d}.txt").write_text(filler)
    tasks = list(
        plan(
            discover_inputs([source]),
            RunContext(OutputFolders.of(tmp_path / "out"), OutputFormat.TXT, "s"),
        )
    )

    def batches():
        yield [tasks[0]]
        time.sleep(1.0)  # the worker is dead and the pool marked broken before the next
        for task in tasks[1:]:
            yield [task]

    cleaner = CrashingCleaner(config=Config())
    cleaner.parent = os.getpid()
    results = [s for batch in ProcessExecutor(1).map(CLEAN, cleaner, batches()) for s in batch]
    assert [s.index for s in results] == list(range(13))
    assert [f.reason for f in results[0].failures] == [WORKER_DIED]
    assert all(len(s.documents) == 1 and not s.failures for s in results[1:])


def test_ctrl_c_stops_a_pool_at_once_and_its_workers_ignore_it(tmp_path) -> None:
    """Ctrl-C reaches every process of the terminal's group. The workers ignore it (one
    interrupted inside the pool's queue would leave the others stuck on its lock); the
    parent stops them without waiting for their batches."""
    from cleaner.work import CLEAN

    text = "The council met on Tuesday to discuss the budget for the public library.\n"
    source = tmp_path / "in"
    source.mkdir()
    for number in range(200):
        (source / f"d{number:03d}.txt").write_text(text)
    tasks = plan(
        discover_inputs([source]),
        RunContext(OutputFolders.of(tmp_path / "out"), OutputFormat.TXT, "s"),
    )
    executor = ProcessExecutor(3)
    others = set(multiprocessing.active_children())  # earlier tests' processes, if any
    results = executor.map(CLEAN, Cleaner(Config()), ([task] for task in tasks))
    next(results)
    pool_workers = [p for p in multiprocessing.active_children() if p not in others]
    assert pool_workers
    for process in pool_workers:
        os.kill(process.pid, signal.SIGINT)  # as a terminal's Ctrl-C does
    time.sleep(0.2)
    assert not any(gone(process) for process in pool_workers)
    with pytest.raises(KeyboardInterrupt):
        results.throw(KeyboardInterrupt)  # what the parent sees on Ctrl-C
    for process in pool_workers:
        process.join(timeout=10)
    assert all(gone(process) for process in pool_workers)


def gone(process: multiprocessing.Process) -> bool:
    """Whether a child process has exited. Not is_alive() alone: a child watcher that
    reaps every child (asyncio's, left by an earlier test) can take its exit status
    first, and is_alive() then says True for ever."""
    if not process.is_alive():
        return True
    try:
        os.kill(process.pid, 0)
    except ProcessLookupError:
        return True
    return False


def test_default_workers_keep_within_a_containers_cpu_quota(tmp_path) -> None:
    """`docker run --cpus 2` on a large host: two workers, not one per host core."""
    from cleaner.executors import cpu_quota, default_workers

    v2 = tmp_path / "v2"
    v2.mkdir()
    (v2 / "cpu.max").write_text("150000 100000\n")
    assert cpu_quota(v2) == 2
    assert default_workers(v2) == min(2, len(os.sched_getaffinity(0)))
    (v2 / "cpu.max").write_text("max 100000\n")
    assert cpu_quota(v2) is None
    v1 = tmp_path / "v1"
    (v1 / "cpu").mkdir(parents=True)
    (v1 / "cpu" / "cpu.cfs_quota_us").write_text("100000\n")
    (v1 / "cpu" / "cpu.cfs_period_us").write_text("100000\n")
    assert cpu_quota(v1) == 1 and default_workers(v1) == 1
    (v1 / "cpu" / "cpu.cfs_quota_us").write_text("-1\n")
    assert cpu_quota(v1) is None
    assert cpu_quota(tmp_path / "none") is None
    assert default_workers(tmp_path / "none") == len(os.sched_getaffinity(0))


def test_failures_are_told_as_inputs_are_cleaned_even_when_dedup_waits(tmp_path) -> None:
    """Ray's dedup stage runs once the cleaning stage is over, and hands the summaries
    back only then: their failures were printed after the whole run had been cleaned,
    and never if it was stopped before. They are told as each input comes in."""
    from cleaner.dedup_stage import DedupStage, SequentialDedup

    events: list[str] = []

    class WaitingDedup(SequentialDedup):
        def stream(self, summaries, cleaned):  # as RayDedup: all in, then all out
            held = list(super().stream(summaries, cleaned))
            events.append("cleaning stage over")
            yield from held

    class WaitingExecutor(InlineExecutor):
        def dedup_stage(self, near_threshold, state, names) -> DedupStage:
            return WaitingDedup(near_threshold, state)

    inputs = tmp_path / "in"
    inputs.mkdir()
    (inputs / "a-empty.txt").write_bytes(b"")
    (inputs / "b.txt").write_text("The council met on Tuesday to discuss the budget.\n")
    report = run(
        [inputs],
        tmp_path / "out",
        Config(),
        executor=WaitingExecutor(),
        on_failure=lambda failure: events.append(f"failed: {Path(failure.source).name}"),
    )
    assert events == ["failed: a-empty.txt", "cleaning stage over"]
    assert [Path(f.source).name for f in report.failures] == ["a-empty.txt"]


class RecordingProgress:
    """Each phase a run shows: its name, inputs and bytes, and what was advanced in it."""

    def __init__(self) -> None:
        self.phases: list[dict] = []

    def start(self, inputs: int, total_bytes: int, phase: str = "cleaning") -> None:
        self.phases.append(
            {"phase": phase, "inputs": inputs, "bytes": total_bytes, "done": [0, 0, 0]}
        )

    def advance(self, *, documents: int = 0, inputs: int = 0, nbytes: int = 0) -> None:
        done = self.phases[-1]["done"]
        done[0] += documents
        done[1] += inputs
        done[2] += nbytes

    def stop(self) -> None:
        self.phases[-1]["stopped"] = True


@pytest.mark.parametrize("workers", [1, 2])
def test_the_corpus_pass_shows_its_own_progress(tmp_path, workers) -> None:
    """Counting lines over every input took as long as cleaning them, with nothing shown."""
    progress = RecordingProgress()
    executor = ProcessExecutor(workers) if workers > 1 else None
    config = Config(corpus_pass=True)
    run([SEEDS], tmp_path / "out", config, progress=progress, executor=executor)
    size = sum(p.stat().st_size for p in SEEDS.glob("*.txt"))
    assert [
        (p["phase"], p["inputs"], p["bytes"], p["done"], p["stopped"]) for p in progress.phases
    ] == [
        ("counting lines", 5, size, [5, 5, size], True),
        ("cleaning", 5, size, [5, 5, size], True),
    ]


def test_plain_progress_names_a_phase_other_than_cleaning(capsys) -> None:
    now = [0.0]
    progress = PlainProgress(sys.stdout, every=5.0, clock=lambda: now[0])
    progress.start(inputs=2, total_bytes=200, phase="counting lines")
    now[0] = 5.0
    progress.advance(documents=4, inputs=1, nbytes=100)
    assert "cleaner: counting lines: 4 documents, 1/2 inputs (50%)" in capsys.readouterr().out
    progress.start(inputs=2, total_bytes=200)  # the next phase starts from nothing
    now[0] = 10.0
    progress.advance(documents=1, inputs=1, nbytes=100)
    assert "cleaner: 1 documents, 1/2 inputs (50%)" in capsys.readouterr().out
