"""Run-level contracts: determinism, idempotence, one bad document never stops a run."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from helpers import FIXTURES, SEEDS

from cleaner import Cleaner, Config, run
from cleaner.errors import DocumentError


def read_tree(out: Path) -> dict[str, bytes]:
    return {
        p.relative_to(out).as_posix(): p.read_bytes()
        for p in sorted(out.rglob("*"))
        if p.is_file() and p.name != "report.json"
    }


def test_same_input_same_bytes(tmp_path, cleaner) -> None:
    run([SEEDS], tmp_path / "a", cleaner=cleaner)
    run([SEEDS], tmp_path / "b", cleaner=Cleaner(Config()))
    assert read_tree(tmp_path / "a") == read_tree(tmp_path / "b")


def test_cleaning_clean_output_changes_nothing(tmp_path, cleaner) -> None:
    run([SEEDS], tmp_path / "first", cleaner=cleaner)
    again = tmp_path / "again_in"
    again.mkdir()
    for text in (tmp_path / "first").glob("*.txt"):
        shutil.copy(text, again / text.name)
    run([again], tmp_path / "second", cleaner=cleaner)
    for text in (tmp_path / "first").glob("*.txt"):
        second = tmp_path / "second" / text.name
        assert second.read_text() == text.read_text(), text.name
        meta = json.loads(second.with_suffix(".json").read_text())
        assert meta["removed"] == [], f"{text.name}: {meta['removed']}"


def test_cleaning_clean_real_dumps_changes_nothing(tmp_path, cleaner) -> None:
    """Real pages full of furniture: the classifier's result must be a fixed point too."""
    dumps = FIXTURES / "dumps"
    run([dumps], tmp_path / "first", cleaner=cleaner)
    again = tmp_path / "again_in"
    shutil.copytree(tmp_path / "first", again, ignore=shutil.ignore_patterns("*.json"))
    run([again], tmp_path / "second", cleaner=cleaner)
    for text in sorted((tmp_path / "first").glob("*.txt")):
        assert (tmp_path / "second" / text.name).read_text() == text.read_text(), text.name
        removed = json.loads((tmp_path / "second" / text.with_suffix(".json").name).read_text())
        assert removed["removed"] == [], text.name


def test_nested_folders_mirror_into_out(tmp_path, cleaner) -> None:
    (tmp_path / "in" / "a" / "b").mkdir(parents=True)
    shutil.copy(SEEDS / "000_fb5aa608aeb41b4f.txt", tmp_path / "in" / "a" / "b" / "doc.txt")
    (tmp_path / "in" / "notes.md").write_text("not an input")
    report = run([tmp_path / "in"], tmp_path / "out", cleaner=cleaner)
    assert report.inputs == 1
    assert (tmp_path / "out" / "a" / "b" / "doc.txt").is_file()
    meta = json.loads((tmp_path / "out" / "a" / "b" / "doc.json").read_text())
    assert meta["id"] == "a/b/doc"


def test_one_bad_document_does_not_stop_the_run(tmp_path, cleaner, monkeypatch) -> None:
    original = cleaner.clean

    def flaky(doc):
        if doc.id.startswith("002"):
            raise DocumentError(doc.source, "cannot be cleaned (test)")
        if doc.id.startswith("003"):
            raise RuntimeError("unexpected bug")
        return original(doc)

    monkeypatch.setattr(cleaner, "clean", flaky)
    failures = []
    report = run([SEEDS], tmp_path / "out", cleaner=cleaner, on_failure=failures.append)
    assert report.written == 3 and len(report.failures) == 2 == len(failures)
    assert (tmp_path / "out" / "004_3242645981f0b378.txt").is_file()
    assert not (tmp_path / "out" / "002_bf7511384bacec8f.txt").exists()
    saved = json.loads((tmp_path / "out" / "report.json").read_text())
    assert saved["counts"]["failed"] == 2
    reasons = [f["reason"] for f in saved["failures"]]
    assert "cannot be cleaned (test)" in reasons[0]
    assert reasons[1].startswith("internal error: RuntimeError: unexpected bug")


def test_undecodable_bytes_do_not_fail_the_document(tmp_path, cleaner) -> None:
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "bom.txt").write_bytes(
        b"\xef\xbb\xbfHeadline\n\nThe text goes on \xff here and ends.\n"
    )
    report = run([tmp_path / "in"], tmp_path / "out", cleaner=cleaner)
    assert report.written == 1
    text = (tmp_path / "out" / "bom.txt").read_text()
    assert text.startswith("Headline\n") and "\ufffd" in text


def test_step_statistics_reach_the_report(tmp_path) -> None:
    """What steps count besides removals (a mojibake repair here) is summed in report.json,
    with each step's time, from whichever worker cleaned the document."""
    import json

    from cleaner import run

    inputs = tmp_path / "in"
    inputs.mkdir()
    (inputs / "a.txt").write_text(
        "The cafÃ© owners said they were dÃ©jÃ  trÃ¨s contents with the new bridge plan.\n"
    )
    (inputs / "b.txt").write_text("The council met on Tuesday and voted to build a bridge.\n")
    run([inputs], tmp_path / "out")
    steps = json.loads((tmp_path / "out" / "report.json").read_text())["steps"]
    assert steps["counts"] == {"normalize:mojibake_fixed": 1}
    assert {"normalize", "rules", "language"} <= steps["seconds"].keys()
