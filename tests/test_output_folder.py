"""OUT as a user can get it wrong, and as a killed or moved run leaves it: inputs are never
overwritten, no two documents share an output, and a re-run still equals a fresh run."""

from __future__ import annotations

import errno
import json
import multiprocessing
import os
import shutil
import time
from pathlib import Path

import pytest
from helpers import SEEDS
from test_parallel import outputs

from cleaner.check import check
from cleaner.config import Config, OutputFormat
from cleaner.errors import OutputError, UsageError
from cleaner.manifest import DocumentEntry, InputEntry, Manifest
from cleaner.readers import discover_inputs
from cleaner.runner import _sole_writer, run
from cleaner.state import MANIFEST_NAME, OutputFolders
from cleaner.writers import TxtWriter

SEED_FILES = sorted(SEEDS.glob("*.txt"))
PARAGRAPH = "The council met on Tuesday to discuss the budget for the public library again.\n"


def seeds_in(folder: Path) -> Path:
    shutil.copytree(SEEDS, folder)
    return folder


def records(out: Path) -> dict[str, dict]:
    return {
        path.relative_to(out).as_posix(): json.loads(path.read_text(encoding="utf-8"))
        for path in out.rglob("*.json")
        if path.name != "report.json"
    }


def test_an_input_inside_the_output_folder_is_refused(tmp_path) -> None:
    inputs = seeds_in(tmp_path / "in")
    before = SEED_FILES[0].read_bytes()
    with pytest.raises(UsageError, match="inside the output folder"):
        run([inputs / SEED_FILES[0].name], inputs)  # OUT/x.txt would be the input itself
    with pytest.raises(UsageError, match="inside the output folder"):
        run([inputs], tmp_path)
    assert (inputs / SEED_FILES[0].name).read_bytes() == before


def test_an_output_folder_that_is_a_file_is_refused(tmp_path) -> None:
    afile = tmp_path / "afile"
    afile.write_text("mine\n", encoding="utf-8")
    with pytest.raises(UsageError, match="is not a folder"):
        run([SEEDS], afile)
    assert afile.read_text(encoding="utf-8") == "mine\n"


def test_an_unwritable_output_is_a_users_error_naming_the_file(tmp_path, monkeypatch) -> None:
    import cleaner.writers

    real = cleaner.writers._written_beside

    def full_disk(path: Path, data: bytes) -> Path:
        if path.suffix == ".json":
            raise OSError(errno.ENOSPC, "No space left on device", str(path))
        return real(path, data)

    monkeypatch.setattr(cleaner.writers, "_written_beside", full_disk)
    with pytest.raises(OutputError, match="No space left on device"):
        run([SEEDS], tmp_path / "out")
    assert not list((tmp_path / "out").rglob("*.txt"))  # no .txt without its .json


def test_an_input_named_report_does_not_take_the_reports_place(tmp_path) -> None:
    inputs = tmp_path / "in"
    inputs.mkdir()
    shutil.copy(SEED_FILES[0], inputs / "report.txt")
    shutil.copy(SEED_FILES[1], inputs / "Report.txt")  # the same file where case is ignored
    out = tmp_path / "out"
    first = run([inputs], out)
    again = run([inputs], out)
    assert not first.failures and not again.failures and again.reused == 2
    assert json.loads((out / "report.json").read_text())["counts"]["written"] == 2
    names = sorted(p.name for p in out.glob("*.txt"))
    assert len(names) == 2 and all(n.lower().startswith("report-") for n in names)


def test_a_record_cannot_take_the_output_name_of_another_input(tmp_path) -> None:
    inputs = tmp_path / "in"
    (inputs / "feed").mkdir(parents=True)
    shutil.copy(SEED_FILES[0], inputs / "feed" / "x.txt")
    lines = [{"id": "x", "text": PARAGRAPH * 3}, {"id": "y", "text": PARAGRAPH * 2}]
    (inputs / "feed.jsonl").write_text("".join(json.dumps(r) + "\n" for r in lines))
    out = tmp_path / "out"
    report = run([inputs], out)
    assert [(f.source, "already the name" in f.reason) for f in report.failures] == [
        (f"{(inputs / 'feed.jsonl').as_posix()}:1", True)
    ]
    assert (out / "feed" / "x.txt").read_text() == outputs_of(SEED_FILES[0], tmp_path)
    assert (out / "feed" / "y.txt").is_file()


def outputs_of(seed: Path, tmp_path: Path) -> str:
    alone = tmp_path / "alone"
    run([seed], alone)
    return (alone / f"{seed.stem}.txt").read_text()


def test_a_file_where_another_input_needs_a_folder_gets_a_name_of_its_own(tmp_path) -> None:
    inputs = tmp_path / "in"
    inputs.mkdir()
    shutil.copy(SEED_FILES[0], inputs / "a.txt")  # written as OUT/a.txt
    (inputs / "a.txt.jsonl").write_text(json.dumps({"text": PARAGRAPH}) + "\n")  # OUT/a.txt/
    names = {item.name.as_posix() for item in discover_inputs([inputs])}
    assert "a.txt" in names and any(n.startswith("a-") for n in names)  # a path hash
    report = run([inputs], tmp_path / "out")
    assert report.written == 2 and any("need a folder" in n for n in report.notices)


def test_repeated_warc_record_ids_get_distinct_names(tmp_path) -> None:
    def record(body: str) -> bytes:
        payload = f"<html><body><p>{body}</p></body></html>".encode()
        http = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n" + payload
        head = (
            "WARC/1.0\r\nWARC-Type: response\r\nWARC-Record-ID: <urn:uuid:same>\r\n"
            "WARC-Target-URI: http://example.com/\r\nContent-Type: application/http\r\n"
            f"Content-Length: {len(http)}\r\n\r\n"
        ).encode()
        return head + http + b"\r\n\r\n"

    archive = tmp_path / "in" / "crawl.warc"
    archive.parent.mkdir()
    archive.write_bytes(record(PARAGRAPH * 3) + record("Another page. " + PARAGRAPH * 2))
    report = run([archive.parent], tmp_path / "out", Config(near_duplicate_threshold=None))
    assert not report.failures and report.written == 2
    assert sorted(p.name for p in (tmp_path / "out" / "crawl").glob("*.txt")) == [
        "same-record-000001.txt",
        "same.txt",
    ]


def test_an_unlisted_folder_fails_and_its_outputs_are_not_pruned(tmp_path, monkeypatch) -> None:
    inputs = seeds_in(tmp_path / "in")
    (inputs / "locked").mkdir()
    shutil.copy(SEED_FILES[0], inputs / "locked" / "page.txt")
    out = tmp_path / "out"
    run([inputs], out)
    real = os.scandir

    def refuse(path=".", *args):
        if Path(path).name == "locked":
            raise PermissionError(errno.EACCES, "Permission denied", os.fspath(path))
        return real(path, *args)

    monkeypatch.setattr(os, "scandir", refuse)  # as chmod 000 does (tests may run as root)
    report = run([inputs], out, prune=True)
    assert [
        (Path(f.source).name, "cannot list this folder" in f.reason) for f in report.failures
    ] == [("locked", True)]
    assert (out / "locked" / "page.txt").is_file()
    assert report.reused == len(SEED_FILES)  # the failure is no input's: all still reused
    with pytest.raises(UsageError, match="locked: cannot list this folder"):
        discover_inputs([inputs])  # callers that cannot go on without it: an error


def test_a_killed_single_file_run_keeps_its_format(tmp_path) -> None:
    out = tmp_path / "out"
    run([SEEDS], out, Config(format=OutputFormat.JSONL))
    (out / "documents-00000.jsonl.gz").unlink()  # as a run killed before the shards were made
    with pytest.raises(UsageError, match="holds --format jsonl output"):
        run([SEEDS], out)
    (out / ".cleaner" / "format").unlink()  # as an OUT of an early version: its files say
    with pytest.raises(UsageError, match="holds --format jsonl or parquet output"):
        run([SEEDS], out)


def test_a_moved_input_folder_rewrites_the_records_source(tmp_path) -> None:
    inputs = seeds_in(tmp_path / "in")
    out = tmp_path / "out"
    run([inputs], out)
    moved = inputs.rename(tmp_path / "moved")
    again = run([moved], out)
    fresh = tmp_path / "fresh"
    run([moved], fresh)
    assert again.reused == len(SEED_FILES)
    assert records(out) == records(fresh)
    assert all(r["source"].startswith(moved.as_posix()) for r in records(out).values())


def test_outputs_of_a_killed_run_are_pruned_with_their_input(tmp_path, monkeypatch) -> None:
    inputs = seeds_in(tmp_path / "in")
    feed = inputs / "feed.jsonl"
    feed.write_text(
        "".join(json.dumps({"id": f"r{n}", "text": PARAGRAPH * (n + 2)}) + "\n" for n in range(3))
    )
    out = tmp_path / "out"
    real = TxtWriter.write
    written: list[str] = []

    def killed_after_two(self, text: str, record: dict) -> None:
        if record["id"].startswith("feed/") and len(written) == 2:
            raise KeyboardInterrupt  # the run dies here, before feed's entry is saved
        real(self, text, record)
        if record["id"].startswith("feed/"):
            written.append(record["id"])

    monkeypatch.setattr(TxtWriter, "write", killed_after_two)
    with pytest.raises(KeyboardInterrupt):
        run([inputs], out)
    monkeypatch.undo()
    assert sorted(p.name for p in (out / "feed").glob("*.txt")) == ["r0.txt", "r1.txt"]
    feed.unlink()
    run([inputs], out, prune=True)
    assert not (out / "feed").exists()  # its files, and the folder they left empty
    fresh = tmp_path / "fresh"
    run([inputs], fresh)
    assert outputs(out) == outputs(fresh)


def test_outputs_a_worker_committed_after_its_run_was_killed_are_not_lost(tmp_path) -> None:
    """A worker outlives its run killed with kill -9 by up to a second: it can finish an
    input and commit its fingerprints with no manifest line for it. Those outputs stayed
    in OUT for good: --prune did not know them, --check failed on every later run."""
    inputs = seeds_in(tmp_path / "in")
    feed = inputs / "feed.jsonl"
    feed.write_text(
        "".join(json.dumps({"id": f"r{n}", "text": PARAGRAPH * (n + 2)}) + "\n" for n in range(3))
    )
    out = tmp_path / "out"
    run([inputs], out)
    manifest = OutputFolders.of(out).manifest  # as if the run died before feed's line
    lines = manifest.read_text().splitlines(keepends=True)
    manifest.write_text("".join(line for line in lines if json.loads(line)["input"] != "feed"))
    feed.write_text(json.dumps({"id": "r0", "text": PARAGRAPH * 2}) + "\n")  # r1, r2 gone
    run([inputs], out, prune=True)
    fresh = tmp_path / "fresh"
    run([inputs], fresh)
    assert outputs(out) == outputs(fresh)
    assert sorted(p.name for p in (out / "feed").glob("*.txt")) == ["r0.txt"]


def test_a_damaged_manifest_is_reported_and_cannot_delete_outside_out(tmp_path) -> None:
    inputs = seeds_in(tmp_path / "in")
    out = tmp_path / "out"
    run([inputs], out)
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me\n", encoding="utf-8")
    entry = {"sha256": "", "settings": "", "documents": [{"id": "../victim"}]}
    with OutputFolders.of(out).manifest.open("a", encoding="utf-8") as handle:
        handle.write(json.dumps({"format": 1, "input": "gone", "entry": entry}) + "\n")
        handle.write("not json\n")
        handle.write('{"format": 1, "input": "cut sho')  # a killed run's last line: no notice
    report = run([inputs], out, prune=True)
    assert victim.read_text(encoding="utf-8") == "keep me\n"
    assert len(report.notices) == 1 and "2 of its" in report.notices[0]
    assert report.reused == len(SEED_FILES)  # the readable lines still count
    manifest = Manifest.load(OutputFolders.of(out).state)
    assert not manifest.problem and set(manifest.entries) == {p.stem for p in SEED_FILES}


def test_leftover_temporaries_are_removed_only_in_a_runs_output_folder(tmp_path) -> None:
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / ".notes.abc.tmp").write_text("a user's file\n")
    run([SEEDS], mine)
    assert (mine / ".notes.abc.tmp").is_file()  # not a folder cleaner wrote before
    (mine / ".page.xyz.tmp").write_text("a killed run's\n")
    run([SEEDS], mine)
    assert not list(mine.glob(".*.tmp"))  # now it is one


def test_a_second_run_into_the_same_folder_is_refused_while_the_first_writes(tmp_path) -> None:
    fcntl = pytest.importorskip("fcntl")
    out = tmp_path / "out"
    run([SEEDS], out)
    fork = multiprocessing.get_context("fork")
    locked, release = fork.Event(), fork.Event()

    def writing_run() -> None:  # holds the lock as a run writing there does
        with (out / ".cleaner" / "lock").open("a") as held:
            fcntl.lockf(held, fcntl.LOCK_EX | fcntl.LOCK_NB)
            locked.set()
            release.wait(60)

    holder = fork.Process(target=writing_run)
    holder.start()
    try:
        assert locked.wait(60)
        with pytest.raises(UsageError, match="another cleaner run is writing"):
            run([SEEDS], out)
        # --check copied a run's journals as they were committed: an internal error
        with pytest.raises(UsageError, match="a cleaner run is writing into this folder now"):
            check([SEEDS], out)
    finally:
        release.set()
        holder.join(60)
    assert run([SEEDS], out).reused == len(SEED_FILES)  # the lock went with its holder


def test_a_killed_runs_lock_is_not_kept_by_the_workers_it_forked(tmp_path) -> None:
    """Pool workers outlive a run killed with kill -9 by up to a second: they must not
    hold its lock, or the same command run again at once is refused."""
    pytest.importorskip("fcntl")
    out = tmp_path / "out"
    out.mkdir()
    fork = multiprocessing.get_context("fork")
    with _sole_writer(OutputFolders.of(out)):
        worker = fork.Process(target=time.sleep, args=(60,))  # forked while the lock is held
        worker.start()
    try:
        with _sole_writer(OutputFolders.of(out)):  # the holder is done; its worker is still alive
            assert worker.is_alive()
    finally:
        worker.kill()
        worker.join()


def test_pending_lines_list_each_document_once_until_the_inputs_entry(tmp_path) -> None:
    """A killed run's pending lines (one per document its journals list) are read back as one
    unfinished entry per input; the entry a later line saves replaces them."""
    manifest = Manifest(tmp_path)
    manifest.note_pending("big.jsonl", ["big/r0", "big/r1", "big/r0", "big/r2"])
    manifest.note_pending("small.txt", ["small"])
    manifest.record("small.txt", InputEntry("sha", "settings", documents=[DocumentEntry("small")]))
    manifest.note_pending("small.txt", ["small-2"])  # a later run, killed again
    manifest.close()
    loaded = Manifest.load(tmp_path)
    big = loaded.entries["big.jsonl"]
    assert not big.complete and [d.id for d in big.documents] == ["big/r0", "big/r1", "big/r2"]
    small = loaded.entries["small.txt"]
    assert not small.complete and [d.id for d in small.documents] == ["small", "small-2"]


def test_the_manifest_holds_where_entries_are_and_reads_them_when_asked(tmp_path) -> None:
    """Entries stay in the file: recorded, replaced, forgotten, reloaded, compacted (then
    read from the compacted file), and a line of bytes that are not UTF-8 is one line
    that cannot be read, not a manifest that cannot be."""
    manifest = Manifest(tmp_path)
    for number in range(3):
        docs = [DocumentEntry(f"in{number}/d{n}", {"rule": n}) for n in range(number + 1)]
        manifest.record(f"in{number}", InputEntry(f"sha{number}", "s", documents=docs))
    manifest.record("in1", InputEntry("sha1-new", "s", documents=[DocumentEntry("in1/x")]))
    manifest.record("in2", None)
    manifest.close()
    with (tmp_path / MANIFEST_NAME).open("ab") as saved:
        saved.write(b'{"format": 1, "input": "bad\xff", "entry": null}\n')
        saved.write(b'{"format": 1, "input": 7, "entry": null}\n')  # names are strings
    loaded = Manifest.load(tmp_path)
    assert loaded.problem.startswith("2 of its 7 lines could not be read")
    assert loaded.names() == {"in0", "in1"}
    assert loaded.get("in1") == InputEntry("sha1-new", "s", documents=[DocumentEntry("in1/x")])
    assert loaded.get("in2") is None and loaded.up_to_date("in0", "sha0", "s") is not None
    loaded.record("in3", InputEntry("sha3", "s"))
    loaded.compact()
    assert [json.loads(line)["input"] for line in (tmp_path / MANIFEST_NAME).open()] == [
        "in0",
        "in1",
        "in3",
    ]
    assert loaded.get("in0") == InputEntry(
        "sha0", "s", documents=[DocumentEntry("in0/d0", {"rule": 0})]
    )
    assert loaded.get("in3") == InputEntry("sha3", "s")
    assert Manifest.load(tmp_path).entries == loaded.entries


def test_compacting_copies_this_runs_lines_as_it_would_write_them(tmp_path) -> None:
    """`compact` copies the lines this process recorded instead of reading and writing
    them anew: the file is the same bytes as entries written afresh, lines of an earlier
    run (in an older form, without `source` and `complete`) rewritten in this one's."""
    earlier = {"sha256": "e", "settings": "s", "documents": [{"id": "old/d"}]}
    (tmp_path / MANIFEST_NAME).write_bytes(
        json.dumps({"format": 1, "input": "old", "entry": earlier}).encode() + b"\n"
    )
    manifest = Manifest.load(tmp_path)
    stats = {"seconds:rules": 0.1 + 0.2, "extract:fallback": 3}
    entries = {
        "b": InputEntry("sha-b", "s", [DocumentEntry("b", {"r": 1}, {}, stats)], source="in/b"),
        "a": InputEntry("sha-a", "s", [DocumentEntry("a/1"), DocumentEntry("a/2")], {"x": 1}),
    }
    for name, entry in entries.items():
        manifest.record(name, entry)
    manifest.record("a", InputEntry("sha-a2", "s", complete=False))  # the later line wins
    entries["a"] = InputEntry("sha-a2", "s", complete=False)
    manifest.compact()
    afresh = Manifest(tmp_path / "afresh")
    for name, entry in {**entries, "old": InputEntry.from_dict(earlier)}.items():
        afresh.record(name, entry)
    afresh.compact()
    assert (tmp_path / MANIFEST_NAME).read_bytes() == (
        tmp_path / "afresh" / MANIFEST_NAME
    ).read_bytes()
    assert manifest.get("b") == entries["b"] and manifest.get("old") == InputEntry.from_dict(
        earlier
    )


def test_a_run_that_changes_nothing_rewrites_nothing(tmp_path) -> None:
    """Quiet in git: the report's wall time alone does not rewrite it, and no lock stays."""
    out = tmp_path / "out"
    run([SEEDS], out)
    run([SEEDS], out)  # now the report counts the reused inputs
    before = {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in out.rglob("*") if p.is_file()}
    time.sleep(0.05)
    run([SEEDS], out)
    after = {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in out.rglob("*") if p.is_file()}
    assert {p: v[0] for p, v in after.items()} == {p: v[0] for p, v in before.items()}
    assert after[out / "report.json"][1] == before[out / "report.json"][1]


def test_a_state_apart_made_for_an_out_never_made_is_emptied(tmp_path) -> None:
    """Ctrl-C before OUT existed left the state's marks (format, the OUT it serves), and
    that state then refused any other OUT."""
    from cleaner.runner import _remove_if_unused

    folders = OutputFolders.of(tmp_path / "out", tmp_path / "state")
    folders.state.mkdir()
    (folders.state / "format").write_text("txt\n")
    (folders.state / "out").write_text(str(folders.out) + "\n")
    _remove_if_unused(folders)
    assert not any(folders.state.iterdir())


def test_corpus_settings_without_the_corpus_pass_clean_nothing_again(tmp_path) -> None:
    out = tmp_path / "out"
    run([SEEDS], out)
    assert run([SEEDS], out, Config(corpus_min_docs=5)).reused == 5


def test_a_run_stopped_while_it_sets_up_leaves_no_output_folder(tmp_path, monkeypatch) -> None:
    """Ctrl-C between the duplicate index's creation and the cleaning left OUT with its
    format mark and the index's temporary file: a half-made OUT, which then refused a
    run of another format."""
    import cleaner.runner as runner

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(runner._Collector, "__init__", interrupted)
    with pytest.raises(KeyboardInterrupt):
        run([SEEDS], tmp_path / "out")
    assert not (tmp_path / "out").exists()


def test_check_refuses_what_a_run_refuses(tmp_path) -> None:
    """An OUT whose bookkeeping is apart, checked without --state: a run refuses it, the
    check said "up to date"."""
    out, state = tmp_path / "out", tmp_path / "state"
    run([SEEDS], out, state=state)
    with pytest.raises(UsageError, match="give that --state folder again"):
        check([SEEDS], out)
    assert check([SEEDS], out, state=state).differences == 0
