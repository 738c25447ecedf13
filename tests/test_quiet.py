"""Quiet in git (#25 item 7) and empty documents (#25 item 8): a run that changes nothing
rewrites nothing, `--check` reuses OUT's manifest and agrees with `run`, and documents
with no words left are counted (and, with --min-words, left out)."""

from __future__ import annotations

import json
import shutil
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cleaner.check import check
from cleaner.cli import app
from cleaner.config import Config, OutputFormat
from cleaner.readers.names import is_hidden
from cleaner.report import lasting
from cleaner.runner import run
from cleaner.state import DEFAULT_STATE, REPORT_NAME, OutputFolders

ARTICLE = (
    "The council met on Tuesday evening to discuss the new budget for the public library, "
    "which has seen its opening hours cut twice in the last three years.\n\n"
    "Residents who spoke at the meeting asked for the reading room to open on Sundays again, "
    "and several teachers described how pupils use it to finish their homework.\n"
)
MOJIBAKE = "The cafÃ© owners said they were dÃ©jÃ  trÃ¨s contents with the new bridge plan.\n"
FURNITURE = "Add new comment\n"  # nothing of it is left after cleaning


def corpus(folder: Path) -> Path:
    folder.mkdir(parents=True)
    (folder / "article.txt").write_text(ARTICLE, encoding="utf-8")
    (folder / "cafe.txt").write_text(MOJIBAKE, encoding="utf-8")
    (folder / "furniture.txt").write_text(FURNITURE, encoding="utf-8")
    (folder / "other.txt").write_text(ARTICLE.replace("library", "museum"), encoding="utf-8")
    return folder


def snapshot(out: Path) -> dict[Path, tuple[bytes, int]]:
    return {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in out.rglob("*") if p.is_file()}


def visible(out: Path) -> dict[str, bytes]:
    """What a user commits and compares: every visible file, report.json less its times."""
    files = {}
    for path in sorted(out.rglob("*")):
        relative = path.relative_to(out)
        if path.is_file() and not is_hidden(relative):
            data = path.read_bytes()
            if relative.as_posix() == REPORT_NAME:
                data = json.dumps(lasting(json.loads(data)), sort_keys=True).encode()
            files[relative.as_posix()] = data
    return files


@pytest.mark.parametrize("output_format", [OutputFormat.TXT, OutputFormat.JSONL])
def test_a_no_op_run_after_a_fresh_one_rewrites_nothing(tmp_path, output_format) -> None:
    """The first run cleans everything and the second reuses everything: the report is the
    same all the same (its step counts come from the manifest), so it is not rewritten."""
    inputs, out = corpus(tmp_path / "in"), tmp_path / "out"
    config = Config(format=output_format)
    fresh = run([inputs], out, config)
    assert fresh.reused == 0 and fresh.step_counts["normalize:mojibake_fixed"] == 1
    before = snapshot(out)
    time.sleep(0.05)
    again = run([inputs], out, config)
    assert again.reused == 4 and again.step_counts == fresh.step_counts
    after = snapshot(out)
    assert {p: v[0] for p, v in after.items()} == {p: v[0] for p, v in before.items()}
    report = next(p for p in after if p.name == REPORT_NAME)
    assert after[report][1] == before[report][1]  # not even rewritten with the same bytes
    assert not OutputFolders.of(out).lock.exists()


def test_a_report_that_changed_is_rewritten(tmp_path) -> None:
    inputs, out = corpus(tmp_path / "in"), tmp_path / "out"
    run([inputs], out)
    (inputs / "new.txt").write_text(ARTICLE.replace("library", "harbour"), encoding="utf-8")
    run([inputs], out)
    assert json.loads((out / REPORT_NAME).read_text())["counts"]["written"] == 5


def test_empty_documents_are_counted_and_left_out_with_min_words(tmp_path) -> None:
    inputs = corpus(tmp_path / "in")
    report = run([inputs], tmp_path / "all")
    counts = json.loads((tmp_path / "all" / REPORT_NAME).read_text())["counts"]
    assert (counts["written"], counts["empty"], counts["left_out_short"]) == (4, 1, 0)
    assert (tmp_path / "all" / "furniture.txt").read_text() == ""

    out = tmp_path / "short"
    report = run([inputs], out, Config(min_words=1))
    saved = json.loads((out / REPORT_NAME).read_text())
    assert not (out / "furniture.txt").exists() and not (out / "furniture.json").exists()
    assert (report.written, report.empty, report.left_out) == (3, 0, 1)
    assert saved["counts"]["left_out_short"] == 1 and saved["counts"]["documents"] == 4
    assert saved["counts"]["skipped"] == 0 and saved["skipped"] == {}  # not reader skips
    again = run([inputs], out, Config(min_words=1))  # reused: the count stays
    assert again.reused == 4 and again.left_out == 1


def test_min_words_counts_in_the_summary_line(tmp_path) -> None:
    inputs = corpus(tmp_path / "in")
    result = CliRunner().invoke(app, ["run", str(inputs), str(tmp_path / "out")])
    assert result.exit_code == 0 and "1 empty documents written" in result.output
    result = CliRunner().invoke(
        app, ["run", str(inputs), str(tmp_path / "out2"), "--min-words", "20"]
    )
    assert result.exit_code == 0, result.output
    assert "2 documents written" in result.output
    assert "2 documents under --min-words left out" in result.output


def test_check_reuses_the_manifest(tmp_path) -> None:
    inputs, out = corpus(tmp_path / "in"), tmp_path / "out"
    run([inputs], out)
    before = snapshot(out)
    result = check([inputs], out)
    assert result.differences == 0 and result.reused == 4
    assert snapshot(out) == before  # OUT untouched
    (inputs / "other.txt").write_text(ARTICLE.replace("library", "school"), encoding="utf-8")
    result = check([inputs], out)
    assert result.reused == 3
    assert sorted(result.changed) == ["other.json", "other.txt"]


def test_check_without_reuse_cleans_everything(tmp_path) -> None:
    inputs, out = corpus(tmp_path / "in"), tmp_path / "out"
    run([inputs], out)
    result = check([inputs], out, reuse=False)
    assert result.differences == 0 and result.reused == 0


def test_check_copies_the_bookkeeping_and_nothing_else_hidden(tmp_path) -> None:
    inputs, out = corpus(tmp_path / "in"), tmp_path / "out"
    run([inputs], out)
    assert {p.name for p in out.iterdir() if p.name.startswith(".")} == {DEFAULT_STATE}


def _edit_input(inputs: Path, out: Path) -> None:
    (inputs / "article.txt").write_text(ARTICLE.replace("Tuesday", "Monday"), encoding="utf-8")


def _delete_input(inputs: Path, out: Path) -> None:
    (inputs / "other.txt").unlink()


def _add_input(inputs: Path, out: Path) -> None:
    (inputs / "new.txt").write_text(ARTICLE.replace("library", "harbour"), encoding="utf-8")


def _add_earlier_duplicate(inputs: Path, out: Path) -> None:
    """A copy that comes first: a reused document's .json now says it is a duplicate
    (rewritten in check's folder, whose outputs are OUT's, hard-linked: OUT stays)."""
    shutil.copyfile(inputs / "article.txt", inputs / "aa-copy.txt")


def _edit_output_text(inputs: Path, out: Path) -> None:
    (out / "article.txt").write_text("edited by hand\n", encoding="utf-8")


def _remove_output(inputs: Path, out: Path) -> None:
    (out / "cafe.json").unlink()


def _stray_file(inputs: Path, out: Path) -> None:
    (out / "stray.txt").write_text("no input gives this\n", encoding="utf-8")


def _edit_report(inputs: Path, out: Path) -> None:
    report = json.loads((out / REPORT_NAME).read_text())
    report["counts"]["written"] += 1
    (out / REPORT_NAME).write_text(json.dumps(report))


def _nothing(inputs: Path, out: Path) -> None:
    pass


@pytest.mark.parametrize(
    "change",
    [
        _nothing,
        _edit_input,
        _delete_input,
        _add_input,
        _add_earlier_duplicate,
        _edit_output_text,
        _remove_output,
        _stray_file,
        _edit_report,
    ],
)
def test_check_and_run_agree(tmp_path, change: Callable[[Path, Path], None]) -> None:
    """Whatever happened to IN or OUT since the last run, `--check` names exactly the
    files that a run (with --prune) then changes, and a run from scratch would write."""
    inputs, out = corpus(tmp_path / "in"), tmp_path / "out"
    run([inputs], out)
    change(inputs, out)
    untouched = snapshot(out)
    result = check([inputs], out)
    assert snapshot(out) == untouched  # bytes and times: check writes nothing in OUT
    named = set(result.missing) | set(result.extra) | set(result.changed)

    before = visible(out)
    ran = tmp_path / "ran"
    shutil.copytree(out, ran, symlinks=True)
    run([inputs], ran, prune=True)
    after = visible(ran)
    touched = {n for n in before.keys() | after.keys() if before.get(n) != after.get(n)}
    if "stray.txt" in before:  # no input gives it: a run leaves it, --check names it
        assert "stray.txt" in result.extra
        named.discard("stray.txt")
        del after["stray.txt"]
    assert named == touched

    fresh = tmp_path / "fresh"
    run([inputs], fresh)
    assert after == visible(fresh)


@pytest.mark.parametrize("output_format", [OutputFormat.JSONL, OutputFormat.PARQUET])
def test_check_of_a_corpus_layout_reuses_its_parts(tmp_path, output_format) -> None:
    inputs, out = corpus(tmp_path / "in"), tmp_path / "out"
    config = Config(format=output_format)
    run([inputs], out, config)
    before = snapshot(out)
    result = check([inputs], out, config)
    assert result.differences == 0 and result.reused == 4
    assert snapshot(out) == before
    (inputs / "other.txt").write_text(ARTICLE.replace("library", "school"), encoding="utf-8")
    result = check([inputs], out, config)
    assert result.reused == 3 and result.changed and not result.missing + result.extra
    assert snapshot(out) == before
