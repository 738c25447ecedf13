"""Inputs cut short or built to break a reader lose nothing silently (issue 26's repros):
what came before the damage is read, and the loss is a failure that names the stream."""

from __future__ import annotations

import json
import random
import shutil

import zstandard
from helpers import FIXTURES

from cleaner import Config, run

SENTENCE = "The council met on Tuesday and voted to build a new bridge over the river. "


def _line(doc_id: str, **fields: object) -> str:
    return json.dumps({"id": doc_id, "text": SENTENCE * 3, **fields}) + "\n"


def _records(out, folder: str) -> dict[str, dict]:
    return {p.stem: json.loads(p.read_text()) for p in sorted((out / folder).glob("*.json"))}


def test_a_deeply_nested_line_fails_alone(tmp_path) -> None:
    inputs = tmp_path / "in"
    inputs.mkdir()
    deep = '{"id": "b", "text": "x", "m": ' + "[" * 100_000 + "]" * 100_000 + "}\n"
    (inputs / "d.jsonl").write_text(_line("a") + deep + _line("c"))
    report = run([inputs], tmp_path / "out", Config(near_duplicate_threshold=None))
    assert sorted(_records(tmp_path / "out", "d")) == ["a", "c"]
    assert [f.source.rsplit("/", 1)[1] for f in report.failures] == ["d.jsonl:2"]
    assert "nested too deeply" in report.failures[0].reason


def test_a_byte_order_mark_before_the_first_line_is_read_past(tmp_path) -> None:
    inputs = tmp_path / "in"
    inputs.mkdir()
    (inputs / "bom.jsonl").write_bytes(b"\xef\xbb\xbf" + _line("x").encode())
    report = run([inputs], tmp_path / "out")
    assert not report.failures and list(_records(tmp_path / "out", "bom")) == ["x"]


def test_field_values_keep_the_contract(tmp_path) -> None:
    inputs = tmp_path / "in"
    inputs.mkdir()
    line = (
        '{"id": "s", "text": "Lone \\ud800 here. ' + SENTENCE + '", "note": "\\udfff", '
        '"emoji": "\\ud83d\\ude00", "input_id": "theirs", "date": "not a date", '
        '"crawl_date": "2024-05-18T01:58:10+00:00"}\n'
    )
    (inputs / "f.jsonl").write_text(line)
    report = run([inputs], tmp_path / "out")
    assert not report.failures
    record = _records(tmp_path / "out", "f")["s"]
    text = (tmp_path / "out" / "f" / "s.txt").read_text(encoding="utf-8")
    assert "Lone \ufffd here." in text and record["note"] == "\ufffd"
    assert record["emoji"] == "😀"  # a pair is one character, not two replacements
    assert record["input_id"] == "s" and record["input_input_id"] == "theirs"
    assert record["date"] != "not a date" and record["crawl_date"] == "2024-05-18T01:58:10+00:00"
    assert any("lone surrogates" in w for w in record["warnings"])
    assert any("'not a date' is not a date" in w for w in record["warnings"])


def _random_words(count: int, seed: int) -> str:
    chooser = random.Random(seed)
    return " ".join(chooser.choice(SENTENCE.split()) for _ in range(count)) + "."


def test_a_truncated_zstd_text_fails_instead_of_passing_as_complete(tmp_path) -> None:
    inputs = tmp_path / "in"
    inputs.mkdir()
    data = zstandard.ZstdCompressor().compress(
        "\n\n".join(_random_words(100, n) for n in range(400)).encode()
    )
    (inputs / "whole.txt.zst").write_bytes(data)
    (inputs / "half.txt.zst").write_bytes(data[: len(data) // 2])
    report = run([inputs], tmp_path / "out")
    assert (tmp_path / "out" / "whole.txt").is_file()
    assert not (tmp_path / "out" / "half.txt").exists()
    assert [f.source.rsplit("/", 1)[1] for f in report.failures] == ["half.txt.zst"]
    assert "zstd stream ended before its frame was complete" in report.failures[0].reason


def test_a_truncated_zstd_jsonl_keeps_the_lines_before_the_cut(tmp_path) -> None:
    inputs = tmp_path / "in"
    inputs.mkdir()
    lines = "".join(
        json.dumps({"id": f"r{n:03d}", "text": _random_words(300, n)}) + "\n" for n in range(400)
    )
    data = zstandard.ZstdCompressor().compress(lines.encode())
    (inputs / "cut.jsonl.zst").write_bytes(data[: len(data) * 2 // 3])
    report = run([inputs], tmp_path / "out", Config(near_duplicate_threshold=None))
    kept = _records(tmp_path / "out", "cut")
    assert 100 < len(kept) < 400 and sorted(kept)[0] == "r000"
    (failure,) = report.failures
    assert "compressed data damaged after line" in failure.reason


def test_a_zstd_jsonl_cut_by_a_few_bytes_is_not_taken_for_complete(tmp_path) -> None:
    """Cut 40 bytes short, the file gave 0 written, 0 failed and exit 0: every line sits
    in the frame's last block, which the cut damaged."""
    inputs = tmp_path / "in"
    inputs.mkdir()
    lines = "".join(
        json.dumps({"id": f"r{n:03d}", "text": _random_words(300, n)}) + "\n" for n in range(400)
    )
    data = zstandard.ZstdCompressor().compress(lines.encode())
    (inputs / "cut.jsonl.zst").write_bytes(data[:-40])
    report = run([inputs], tmp_path / "out", Config(near_duplicate_threshold=None))
    (failure,) = report.failures
    assert failure.source.rsplit("/", 1)[1] == f"cut.jsonl.zst:{report.written + 1}"
    assert "zstd stream ended before its frame was complete" in failure.reason
    kept = sorted(_records(tmp_path / "out", "cut"))
    assert 300 < len(kept) == report.written < 400 and kept[0] == "r000"


def test_zstd_files_of_several_frames_are_read_whole(tmp_path) -> None:
    inputs = tmp_path / "in"
    inputs.mkdir()
    frames = [
        zstandard.ZstdCompressor().compress(f"Frame {n}. {SENTENCE}".encode()) for n in (1, 2)
    ]
    (inputs / "two.txt.zst").write_bytes(b"".join(frames))
    report = run([inputs], tmp_path / "out")
    assert not report.failures
    assert "Frame 2." in (tmp_path / "out" / "two.txt").read_text()


def test_a_truncated_warc_gz_names_the_lost_records(tmp_path) -> None:
    inputs = tmp_path / "in"
    inputs.mkdir()
    whole = FIXTURES / "warc" / "warcio__example.warc.gz"
    shutil.copy(whole, inputs / "whole.warc.gz")
    (inputs / "cut.warc.gz").write_bytes(whole.read_bytes()[:-300])
    report = run([inputs], tmp_path / "out", Config(near_duplicate_threshold=None))
    sources = [f.source.rsplit("/", 1)[1] for f in report.failures]
    assert sources == ["cut.warc.gz@2621"]
    assert "the archive is cut short" in report.failures[0].reason


def test_a_record_cut_short_and_flagged_is_not_reported_twice(tmp_path) -> None:
    """A clipped record still gives its document, with a warning: no failure besides."""
    clipped = FIXTURES / "warc" / "resiliparse__clipped.warc.gz"
    report = run([clipped], tmp_path / "out")
    assert not report.failures and report.written == 1


def test_a_warc_that_is_not_one_fails_at_once(tmp_path) -> None:
    """warcio reads a header line of any length in quadratic time: 100 MB of zeros took
    three minutes. Without a WARC header at its start, a file is refused unread."""
    inputs = tmp_path / "in"
    inputs.mkdir()
    with (inputs / "zeros.warc").open("wb") as handle:
        handle.truncate(50_000_000)  # sparse: costs no disk
    report = run([inputs], tmp_path / "out")
    (failure,) = report.failures
    assert "not a WARC, WET or ARC file" in failure.reason


def _single_member(tmp_path):
    """The fixture archive gzipped as one whole (`gzip x.warc`), as many tools write it."""
    import gzip

    warc = gzip.decompress((FIXTURES / "warc" / "warcio__example.warc.gz").read_bytes())
    return gzip.compress(warc)


def test_a_warc_gzipped_as_one_whole_is_read_to_its_end(tmp_path) -> None:
    """warcio stops after the first record of such a file ("non-chunked gzip")."""
    inputs = tmp_path / "in"
    inputs.mkdir()
    (inputs / "one.warc.gz").write_bytes(_single_member(tmp_path))
    report = run([inputs], tmp_path / "out", Config(near_duplicate_threshold=None))
    assert not report.failures and report.written == 1  # its one HTML response
    assert sum(report.skipped.values()) == 5  # warcinfo, requests, revisit: all were read


def test_a_cut_warc_gzipped_as_one_whole_names_the_loss(tmp_path) -> None:
    inputs = tmp_path / "in"
    inputs.mkdir()
    (inputs / "cut.warc.gz").write_bytes(_single_member(tmp_path)[:-300])
    report = run([inputs], tmp_path / "out", Config(near_duplicate_threshold=None))
    assert report.written == 1  # the response, before the cut
    (failure,) = report.failures
    assert failure.source.rsplit("/", 1)[1].startswith("cut.warc.gz@")
    assert "the archive is cut short" in failure.reason


def test_a_warc_header_followed_by_a_line_without_end_fails_fast(tmp_path) -> None:
    """warcio read such a line in time that grows with its square (20 MB: 7 s, no word)."""
    inputs = tmp_path / "in"
    inputs.mkdir()
    with (inputs / "zeros.warc").open("wb") as handle:
        handle.write(b"WARC/1.0\r\n")
        handle.truncate(30_000_000)  # sparse zeros after the version line
    report = run([inputs], tmp_path / "out")
    (failure,) = report.failures
    assert "a header line longer than" in failure.reason


def test_a_compressed_jsonl_bomb_stops_near_max_bytes(tmp_path) -> None:
    """7.8 KB of bz2 held 10 GB of zeros and took 26 s, growing with the inflated size."""
    import bz2

    inputs = tmp_path / "in"
    inputs.mkdir()
    compressor = bz2.BZ2Compressor(9)
    parts = [compressor.compress(_line("a").encode())]
    zeros = b"\0" * (1 << 20)
    parts += [compressor.compress(zeros) for _ in range(400)]  # 400 MB inflated
    (inputs / "bomb.jsonl.bz2").write_bytes(b"".join(parts) + compressor.flush())
    report = run([inputs], tmp_path / "out", Config(max_bytes=5_000_000))
    assert report.written == 1  # the line before the zeros
    (failure,) = report.failures
    assert "inflates past" in failure.reason and "decompression bomb" in failure.reason


def test_a_bz2_warc_of_a_gigabyte_of_zeros_fails_fast(tmp_path) -> None:
    """785 bytes of bz2 that inflate to a version line and then zeros ran past 300 s with
    memory growing: warcio read the zeros as one header line. The line cap stops it at
    1 MiB, so the size of the inflated zeros no longer matters (here 200 MB)."""
    import bz2

    inputs = tmp_path / "in"
    inputs.mkdir()
    compressor = bz2.BZ2Compressor(9)
    parts = [compressor.compress(b"WARC/1.0\r\n")]
    zeros = b"\0" * (1 << 20)
    parts += [compressor.compress(zeros) for _ in range(200)]
    (inputs / "z.warc.bz2").write_bytes(b"".join(parts) + compressor.flush())
    (inputs / "good.txt").write_text(SENTENCE * 3)
    report = run([inputs], tmp_path / "out")
    assert report.written == 1
    (failure,) = report.failures
    assert failure.source.rsplit("/", 1)[1] == "z.warc.bz2@0"
    assert "a header line longer than 1,048,576 bytes" in failure.reason


def _warc_response(number: int, page: bytes, declared: int | None = None) -> bytes:
    http = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n" + page
    return (
        b"WARC/1.0\r\nWARC-Type: response\r\nWARC-Record-ID: <urn:uuid:%d>\r\n"
        b"WARC-Target-URI: http://example.com/%d\r\n"
        b"Content-Type: application/http; msgtype=response\r\n"
        b"Content-Length: %d\r\n\r\n" % (number, number, declared or len(http))
    ) + http + b"\r\n\r\n"


def test_a_wrong_content_length_is_a_warning_that_does_not_quote_the_page(tmp_path) -> None:
    """warcio wrote 'WARNING: Record not followed by newline' to stderr with the raw line
    of HTML it found instead; now it is a one-line warning on the document."""
    import subprocess
    import sys

    inputs = tmp_path / "in"
    inputs.mkdir()
    page = f"<html><body><p>{SENTENCE * 5}</p><p>RAW-PAGE-MARKUP</p></body></html>".encode()
    (inputs / "wrong.warc").write_bytes(_warc_response(1, page, declared=60) + _warc_response(2, page))
    done = subprocess.run(
        [sys.executable, "-m", "cleaner", "run", str(inputs), str(tmp_path / "out"), "--quiet"],
        capture_output=True, text=True, timeout=300,
    )
    assert done.returncode == 0, done.stderr
    assert "RAW-PAGE-MARKUP" not in done.stderr and "<p>" not in done.stderr
    saved = json.loads((tmp_path / "out" / "report.json").read_text())
    (warning,) = saved["warnings"]
    assert warning["source"].endswith("wrong.warc#<urn:uuid:1>")
    assert "not followed by a blank line" in warning["reason"] and "<" not in warning["reason"]
    assert saved["counts"]["written"] == 2
