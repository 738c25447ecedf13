"""A new user's ordinary mistakes never cost a byte of their data, and every file under
IN is accounted for: the repros of issue 23, each a regression test."""

from __future__ import annotations

import gzip
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import FIXTURES, SEEDS

from cleaner import Config, OutputFormat, UsageError, run
from cleaner.readers import discover
from cleaner.runner import _same_file
from cleaner.state import OutputFolders

SEED_FILES = sorted(SEEDS.glob("*.txt"))


def cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "cleaner", *args],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=cwd,
        env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent)},
    )


def folder_bytes(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


@pytest.fixture
def captures(tmp_path) -> Path:
    folder = tmp_path / "captures"
    shutil.copytree(SEEDS, folder)
    return folder


# 1. Never overwrite what cleaner did not write


def test_swapping_in_and_out_changes_no_capture(captures, tmp_path) -> None:
    cleaned = tmp_path / "cleaned"
    assert cli("run", "-q", str(captures), str(cleaned)).returncode == 0
    before = folder_bytes(captures)
    swapped = cli("run", str(cleaned), str(captures))
    assert swapped.returncode == 2
    assert "cleaner did not write" in swapped.stderr and "--force" in swapped.stderr
    assert swapped.stderr.count("\n") == 1 and "Traceback" not in swapped.stderr
    assert folder_bytes(captures) == before


@pytest.mark.parametrize(
    "out_of",
    [
        lambda captures: captures,  # OUT = IN
        lambda captures: captures / "cleaned",  # OUT inside IN
        lambda captures: captures.parent,  # IN inside OUT
    ],
    ids=["same", "out-inside-in", "in-inside-out"],
)
def test_out_overlapping_in_is_refused_even_with_force(captures, out_of) -> None:
    before = folder_bytes(captures)
    for extra in ([], ["--force"]):
        done = cli("run", str(captures), str(out_of(captures)), *extra)
        assert done.returncode == 2 and "Traceback" not in done.stderr, done.stderr
    assert folder_bytes(captures) == before


def test_a_symlinked_out_pointing_into_in_is_refused(captures, tmp_path) -> None:
    (captures / "sub").mkdir()
    link = tmp_path / "looks-elsewhere"
    link.symlink_to(captures / "sub")
    before = folder_bytes(captures)
    done = cli("run", str(captures), str(link), "--force")
    assert done.returncode == 2 and "inside the input" in done.stderr
    assert folder_bytes(captures) == before


def test_force_writes_into_a_foreign_folder(tmp_path) -> None:
    foreign = tmp_path / "notes"
    foreign.mkdir()
    (foreign / "todo.md").write_text("mine\n")
    with pytest.raises(UsageError, match="cleaner did not write"):
        run([SEEDS], foreign)
    report = run([SEEDS], foreign, force=True)
    assert report.written == len(SEED_FILES)
    assert (foreign / "todo.md").read_text() == "mine\n"


def test_a_folder_with_only_hidden_files_counts_as_empty(tmp_path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / ".gitkeep").write_text("")
    assert run([SEEDS], out).written == len(SEED_FILES)


# 3. Every input accounted for


def test_every_entry_of_a_mixed_folder_is_read_skipped_or_failed(tmp_path) -> None:
    inputs = tmp_path / "in"
    (inputs / "sub").mkdir(parents=True)
    (inputs / ".git").mkdir()
    (inputs / ".git" / "HEAD").write_text("ref\n")
    shutil.copy(SEED_FILES[0], inputs / "a.txt")
    shutil.copy(SEED_FILES[1], inputs / "sub" / "b.txt")
    (inputs / "blob.bin").write_bytes(b"\x00\x01")
    (inputs / "notes.md").write_text("# notes\n")
    (inputs / "crawl.wat.gz").write_bytes(b"\x1f\x8b")
    (inputs / ".hidden.txt").write_text("hidden\n")
    (inputs / "broken.txt").write_bytes(b"\x00\x00binary\x00")  # a known suffix: fails
    (inputs / "big.txt").write_text("x " * 60_000)
    (inputs / "dangling.txt").symlink_to(tmp_path / "nowhere")
    (inputs / "loop.txt").symlink_to(inputs / "loop.txt")
    (inputs / "passwd.txt").symlink_to(SEED_FILES[2])  # outside IN
    (inputs / "linked").symlink_to(inputs / "sub")
    os.mkfifo(inputs / "pipe.txt")
    out = tmp_path / "out"
    report = run([inputs], out, Config(max_bytes=100_000))
    counts = json.loads((out / "report.json").read_text())["counts"]
    files = counts["files"]
    entries = sum(1 for _ in inputs.rglob("*")) - 1 - 1  # .git's HEAD and sub/b.txt's folder
    assert files["seen"] == entries == files["read"] + files["skipped"] + files["failed"]
    assert (files["read"], files["failed"]) == (2, 1)
    assert (
        counts["documents"]
        == counts["written"] + counts["duplicates_dropped"] + counts["failed_documents"]
    )
    named = json.loads((out / "report.json").read_text())["skipped_files"]
    reasons = {Path(path).name: reason for reason, paths in named.items() for path in paths}
    assert reasons == {
        "blob.bin": "unknown suffix",
        "notes.md": "unknown suffix",
        "crawl.wat.gz": "unknown suffix",
        ".hidden.txt": "hidden",
        ".git": "hidden folder (its files are not read)",
        "big.txt": "over --max-bytes",
        "dangling.txt": "broken symbolic link",
        "loop.txt": "symbolic link loop",
        "passwd.txt": "symbolic link leading outside the input folder (--follow-symlinks reads it)",
        "linked": "symbolic link to a folder (--follow-symlinks reads it)",
        "pipe.txt": "not a regular file (a FIFO, socket or device)",
    }
    assert report.failures[0].source.endswith("broken.txt")


def test_the_end_of_run_line_says_what_was_left_out(tmp_path) -> None:
    inputs = tmp_path / "in"
    inputs.mkdir()
    shutil.copy(SEED_FILES[0], inputs / "a.txt")
    (inputs / "notes.md").write_text("x\n")
    (inputs / "b.bin").write_text("x\n")
    done = cli("run", str(inputs), str(tmp_path / "out"))
    assert "2 files left out (2 unknown suffix)" in done.stdout


def test_follow_symlinks_reads_a_link_out_of_in(tmp_path) -> None:
    inputs = tmp_path / "in"
    inputs.mkdir()
    (inputs / "page.txt").symlink_to(SEED_FILES[0])
    assert run([inputs], tmp_path / "out").written == 0
    assert run([inputs], tmp_path / "out2", follow_symlinks=True).written == 1


def test_followed_folder_links_do_not_loop(tmp_path) -> None:
    inputs = tmp_path / "in"
    (inputs / "sub").mkdir(parents=True)
    shutil.copy(SEED_FILES[0], inputs / "sub" / "a.txt")
    (inputs / "sub" / "up").symlink_to(inputs)
    found = discover([inputs], follow_symlinks=True)
    assert [item.name.as_posix() for item in found.files] == ["sub/a"]
    assert [s.reason for s in found.skipped] == ["symbolic link loop"]


def test_an_explicit_binary_file_is_skipped_not_a_run_error(tmp_path) -> None:
    blob = tmp_path / "blob"
    blob.write_bytes(b"\x00\x01\x02")
    report = run([SEED_FILES[0], blob], tmp_path / "out")
    assert report.written == 1 and [r for _, r in report.skipped_files] == ["binary content"]


# 4. Names, pairs, locks


def test_a_file_name_that_is_not_utf8_is_cleaned_with_the_others(tmp_path) -> None:
    inputs = tmp_path / "I"
    inputs.mkdir()
    for name in (b"a.txt", b"b\xff.txt", b"z.txt"):
        shutil.copy(SEED_FILES[0], os.path.join(os.fsencode(inputs), name))
    done = cli("run", str(inputs), str(tmp_path / "O"))
    assert done.returncode == 0, done.stderr
    records = [json.loads(p.read_text()) for p in sorted((tmp_path / "O").glob("*.json"))]
    sources = sorted(r["source"] for r in records if "source" in r)
    assert sources == sorted(f"{inputs}/{n}" for n in ("a.txt", "b\\xff.txt", "z.txt"))
    check = cli("run", str(inputs), str(tmp_path / "O"), "--check")
    assert check.returncode == 0, check.stderr


def test_inputs_sharing_an_output_name_both_get_written(tmp_path) -> None:
    inputs = tmp_path / "in"
    inputs.mkdir()
    shutil.copy(SEED_FILES[0], inputs / "a.txt")
    shutil.copy(SEED_FILES[1], inputs / "a.html")
    report = run([inputs], tmp_path / "out")
    assert report.written == 2 and not report.failures
    assert sorted(p.name for p in (tmp_path / "out").glob("*.txt")) == ["a.html.txt", "a.txt.txt"]
    assert any("would be written as a" in notice for notice in report.notices)
    again = run([inputs], tmp_path / "out2")  # deterministic
    assert sorted(p.name for p in (tmp_path / "out2").glob("*.txt")) == ["a.html.txt", "a.txt.txt"]
    assert again.notices == report.notices


@pytest.mark.parametrize("output_format", [OutputFormat.TXT, OutputFormat.JSONL])
def test_a_file_beside_a_folder_of_the_same_output_name(tmp_path, output_format) -> None:
    inputs = tmp_path / "in"
    (inputs / "a.jsonl").mkdir(parents=True)
    shutil.copy(SEED_FILES[0], inputs / "a.txt")
    shutil.copy(SEED_FILES[1], inputs / "a.jsonl" / "x.txt")
    (inputs / "b.txt.jsonl").write_text(json.dumps({"text": "A sentence. " * 30}) + "\n")
    shutil.copy(SEED_FILES[2], inputs / "b.txt")
    report = run([inputs], tmp_path / "out", Config(format=output_format))
    assert report.written == 4 and not report.failures, report.failures


HOLD_THE_LOCK = """
import sys, time
from pathlib import Path
from cleaner.runner import _sole_writer
from cleaner.state import OutputFolders
with _sole_writer(OutputFolders.of(Path(sys.argv[1]))):
    print("held", flush=True)
    sys.stdin.readline()
"""


def test_a_refused_run_leaves_the_lock_and_out_alone(tmp_path) -> None:
    out = tmp_path / "out"
    holder = subprocess.Popen(  # record locks are per process: the holder is another one
        [sys.executable, "-c", HOLD_THE_LOCK, str(out)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent)},
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline() == "held\n"
        lock = OutputFolders.of(out).lock
        with pytest.raises(UsageError, match="another cleaner run"):
            run([SEEDS], out)
        assert lock.is_file() and out.is_dir()
        refused = cli("run", str(SEEDS), str(out))
        assert refused.returncode == 2 and "another cleaner run" in refused.stderr
        assert lock.is_file() and not list(out.glob("*.txt"))
    finally:
        holder.communicate("\n", timeout=30)
    assert not lock.exists()  # its holder removes it when done


def test_a_lock_taken_on_a_removed_file_is_not_held(tmp_path) -> None:
    """A run that opened the lock file just as its holder removed it locks a file no one
    else will ever look at: it must see that, and try the file that is there now."""
    out = tmp_path / "out"
    lock = OutputFolders.of(out).lock
    lock.parent.mkdir(parents=True)
    stale = lock.open("a")
    lock.unlink()
    assert not _same_file(stale.fileno(), lock)
    lock.touch()
    assert not _same_file(stale.fileno(), lock)
    fresh = lock.open("a")
    assert _same_file(fresh.fileno(), lock)
    stale.close()
    fresh.close()


def test_the_lock_is_gone_after_a_run(tmp_path) -> None:
    run([SEEDS], tmp_path / "out")
    assert not OutputFolders.of(tmp_path / "out").lock.exists()


# 5. explain tells the truth


def _rule_for(line: str, rule_id: str = "my-drop") -> str:
    quoted = json.dumps(line)
    return (
        f"rules:\n  - id: {rule_id}\n    description: a line of this test's document\n"
        f"    exact: [{quoted}]\n    tests:\n      - drop: {quoted}\n"
        '      - keep: "An ordinary sentence stays."\n'
    )


def test_explain_uses_the_runs_rules_from_any_directory(captures, tmp_path) -> None:
    out, rules = tmp_path / "out", tmp_path / "my-rules"
    rules.mkdir()
    run([captures], tmp_path / "plain")
    target = next((tmp_path / "plain").glob("003*.txt"))
    line = target.read_text().split("\n\n")[1]
    (rules / "r.yaml").write_text(_rule_for(line))
    assert cli("run", "-q", "captures", "out", "--rules", "my-rules", cwd=tmp_path).returncode == 0
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    for shown in ("out/" + target.name, "out/" + target.with_suffix(".json").name):
        done = cli("explain", str(tmp_path / shown), cwd=elsewhere)
        assert done.returncode == 0 and "[my-drop]" in done.stdout, done.stderr
        assert "note:" not in done.stderr
    (rules / "r.yaml").write_text(_rule_for("Something else entirely.", "other"))
    changed = cli("explain", str(out / target.name), cwd=elsewhere)
    assert "[my-drop]" in changed.stdout  # the run's rules, saved in OUT
    assert "rule files on disk have changed" in changed.stderr


def test_explain_a_container_record_and_a_jsonl_run(tmp_path) -> None:
    warc = FIXTURES / "warc"
    out = tmp_path / "out"
    run([warc], out, Config(near_duplicate_threshold=None))
    record = next(p for p in sorted(out.rglob("*.json")) if p.parent != out)
    done = cli("explain", str(record))
    assert done.returncode == 0, done.stderr
    assert "note:" not in done.stderr  # re-cleaned to the very text of the output
    jsonl_out = tmp_path / "jsonl"
    run([SEEDS], jsonl_out, Config(format=OutputFormat.JSONL))
    shard = jsonl_out / "documents-00000.jsonl.gz"
    first = json.loads(gzip.decompress(shard.read_bytes()).splitlines()[0])
    by_id = cli("explain", str(jsonl_out), "--id", first["id"])
    assert by_id.returncode == 0 and "metadata:" in by_id.stdout, by_id.stderr
    missing = cli("explain", str(jsonl_out), "--id", "nope")
    assert missing.returncode == 2 and "no document with id" in missing.stderr


def test_explain_says_when_the_input_changed(captures, tmp_path) -> None:
    out = tmp_path / "out"
    run([captures], out)
    source = next(captures.glob("003*.txt"))
    text = source.read_text()
    edited = text.replace("Tehran and Moscow have backed", "Tehran and Moscow have long backed")
    assert edited != text  # a word changed inside the article (a paragraph appended after
    source.write_text(edited)  # its tag list and "Latest" is rightly left out as furniture)
    done = cli("explain", str(next(out.glob("003*.json"))))
    assert "differs from the output" in done.stderr
