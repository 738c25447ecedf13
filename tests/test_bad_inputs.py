"""Every kind of bad input through `cleaner run`: a one-line message naming the file, the
run goes on, the failure is in report.json, and nothing else is lost."""

from __future__ import annotations

import json
import re
import shutil

import pytest
from helpers import FIXTURES
from typer.testing import CliRunner

from cleaner.cli import app

EXPECTED_FAILURES = {
    "binary.txt": "binary content (NUL bytes), not text",
    "empty.txt": "empty file",
    "whitespace-only.txt": "empty file",
    "truncated.txt.gz": "cannot read: Compressed file ended",
    "one-broken-line.jsonl:2": "invalid JSON",
    "corrupt-middle.warc.gz@": "corrupt record at or after byte",
}
#: Files over --max-bytes on disk are left out unread, named in the report.
EXPECTED_SKIPPED = {"huge-single-line.txt", "one-gigabyte.txt"}


@pytest.fixture(scope="module")
def bad_run(tmp_path_factory):
    folder = tmp_path_factory.mktemp("bad")
    inputs = folder / "in"
    shutil.copytree(FIXTURES / "bad", inputs)
    # The very large inputs are made here, not committed: 200 MB on one line, and a 1 GB
    # file (sparse: it costs no disk, and must be refused without being read).
    with (inputs / "huge-single-line.txt").open("wb") as handle:
        chunk = b"word " * 200_000
        for _ in range(200):
            handle.write(chunk)
    with (inputs / "one-gigabyte.txt").open("wb") as handle:
        handle.truncate(1 << 30)
    out = folder / "out"
    result = CliRunner().invoke(app, ["run", str(inputs), str(out)])
    (inputs / "huge-single-line.txt").unlink()
    (inputs / "one-gigabyte.txt").unlink()
    return result, out, json.loads((out / "report.json").read_text())


def test_run_goes_on_and_exits_with_documents_failed(bad_run) -> None:
    result, _, report = bad_run
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert report["counts"]["written"] == 13  # 9 readable files, 2 WARC records, 2 JSONL lines


def test_each_failure_is_one_line_naming_the_file(bad_run) -> None:
    result, _, report = bad_run
    failed_lines = [line for line in result.output.splitlines() if line.startswith("failed:")]
    for name, reason in EXPECTED_FAILURES.items():
        matching = [line for line in failed_lines if name in line and reason in line]
        assert matching, f"no one-line failure for {name}"
        assert any(name in f["source"] and reason in f["reason"] for f in report["failures"])
    assert len(report["failures"]) == len(failed_lines) == 6  # the corrupt WARC: its one bad record


def test_files_over_max_bytes_are_skipped_unread_and_named(bad_run) -> None:
    result, _, report = bad_run
    named = report["skipped_files"]["over --max-bytes"]
    assert {path.rsplit("/", 1)[1] for path in named} == EXPECTED_SKIPPED
    assert re.search(r"\d+ files left out \(.*2 over --max-bytes", result.output)


def test_damaged_archives_lose_only_the_damaged_records(bad_run) -> None:
    _, out, report = bad_run
    assert len(list((out / "corrupt-middle").glob("*.txt"))) == 2  # records 1 and 3
    failures = [f for f in report["failures"] if "corrupt-middle" in f["source"]]
    assert [f["source"].rsplit("@", 1)[1] for f in failures] == ["376"]  # record 2, once
    assert sorted(p.stem for p in (out / "one-broken-line").glob("*.txt")) == ["ok-1", "ok-2"]


@pytest.mark.parametrize(
    ("name", "text", "warning"),
    [
        (
            "legacy-cp1252",
            "The café owners said they were déjà très contents.",
            "decoded as cp1252",
        ),
        ("legacy-shift-jis", "市議会は火曜日の夜に会合を開き", "decoded as cp932"),
        ("legacy-koi8-r", "Городской совет во вторник вечером", "decoded as koi8-r"),
        ("invalid-utf8", "Grüße aus Köln", "invalid UTF-8"),
        ("bom-utf16", "Bridge news", "decoded as utf-16"),
        ("bom-utf8", "Bridge news", None),
        ("mixed-line-endings", "Last line.", None),
        ("deeply-nested", "voted to build a new bridge", None),
        ("malformed", "voted to build a new bridge", None),
    ],
)
def test_damaged_but_readable_inputs_are_cleaned_and_flagged(bad_run, name, text, warning) -> None:
    _, out, _ = bad_run
    assert text in (out / f"{name}.txt").read_text()
    warnings = json.loads((out / f"{name}.json").read_text())["warnings"]
    assert (warning is None and warnings == []) or any(warning in w for w in warnings)


def test_invalid_utf8_keeps_the_replacement_character(bad_run) -> None:
    _, out, _ = bad_run
    assert "\ufffd" in (out / "invalid-utf8.txt").read_text()


def test_bom_is_gone(bad_run) -> None:
    _, out, _ = bad_run
    assert not (out / "bom-utf8.txt").read_text().startswith("\ufeff")


# Found by bench/fuzz_readers.py: each used to raise out of its reader.
def _fuzz_findings(folder):
    import bz2
    import gzip
    import lzma

    jsonl = (
        b'{"id": "a", "text": "The council met on Tuesday and voted for the new bridge."}\n' * 50
    )
    (folder / "truncated.jsonl.bz2").write_bytes(bz2.compress(jsonl)[:-40])  # EOFError
    xz = bytearray(lzma.compress(jsonl))
    xz[40:60] = b"\x00" * 20
    (folder / "corrupt.jsonl.xz").write_bytes(bytes(xz))  # LZMAError
    warc = gzip.decompress((FIXTURES / "warc" / "warcio__example.warc.gz").read_bytes())
    (folder / "no-type.warc").write_bytes(warc.replace(b"WARC-Type: warcinfo\r\n", b"", 1))
    (folder / "cut-archive.warc.bz2").write_bytes(bz2.compress(warc)[:-100])  # EOFError


def test_fuzz_findings_fail_alone(tmp_path) -> None:
    (tmp_path / "in").mkdir()
    _fuzz_findings(tmp_path / "in")
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["run", str(tmp_path / "in"), str(out)])
    assert result.exit_code == 1 and "Traceback" not in result.output
    report = json.loads((out / "report.json").read_text())
    reasons = " ".join(f["reason"] for f in report["failures"])
    assert "compressed data damaged after line" in reasons
    assert "the archive is cut short after record 0" in reasons
    assert report["counts"]["written"] >= 1  # what came before the damage is kept


def test_an_address_that_does_not_parse_is_no_site() -> None:
    """bench/fuzz_readers.py found WARC target URIs such as "http://[::1" failing the
    document as an internal error (urlsplit raises): it is cleaned, with no site."""
    from cleaner import Cleaner

    for url in ("http://[::1", "https://[bad]/x"):
        doc = Cleaner().clean_text("A sentence of the page that stays here.\n", url=url)
        assert doc.text.startswith("A sentence") and doc.metadata["site"] is None
        html = Cleaner().clean_html(
            "<html><body><p>A paragraph of the page.</p></body></html>", url=url
        )
        assert "A paragraph" in html.text
