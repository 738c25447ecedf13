"""gunzip reads gzip data as GzipFile does: members, padding, limits, damage."""

from __future__ import annotations

import bz2
import gzip
import io
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cleaner.readers import compression
from cleaner.readers.compression import (
    DECOMPRESSION_ERRORS,
    gunzip,
    open_decompressed,
    read_decompressed,
)

#: gzip data: members (some empty, some compressible) with runs of zero bytes between.
MEMBERS = st.lists(
    st.tuples(
        st.one_of(st.binary(max_size=3000), st.text(max_size=400).map(lambda t: t.encode() * 5)),
        st.integers(0, 3),
    ),
    min_size=1,
    max_size=4,
).map(lambda parts: b"".join(gzip.compress(data) + b"\x00" * zeros for data, zeros in parts))


def _outcome(read) -> bytes | str:
    """What a read gives: its bytes, or "error" for what the readers report as damage."""
    try:
        return read()
    except DECOMPRESSION_ERRORS:
        return "error"


def _gzipfile(data: bytes, limit: int) -> bytes:
    with gzip.GzipFile(fileobj=io.BytesIO(data)) as stream:
        return stream.read(limit)


@settings(max_examples=300, deadline=None)
@given(MEMBERS, st.integers(1, 20_000), st.floats(0, 1))
def test_gunzip_reads_what_gzipfile_reads(data: bytes, limit: int, cut: float) -> None:
    assert gunzip(data, limit) == (_gzipfile(data, limit), 0)
    truncated = data[: int(len(data) * cut)]  # cut anywhere: a header, a stream, a trailer
    expected = _outcome(lambda: _gzipfile(truncated, limit))
    assert _outcome(lambda: gunzip(truncated, limit)[0]) == expected


def test_trailing_garbage_is_ignored_and_counted() -> None:
    """Bytes after the last member that are not gzip (a download's garbage) are left out,
    as `gzip -d` leaves them out, where GzipFile fails the whole file."""
    text = b"the council met on Tuesday " * 50
    data = gzip.compress(text) + gzip.compress(b"and again") + b"<html>404</html>"
    assert gunzip(data, 10_000) == (text + b"and again", 16)
    assert gunzip(gzip.compress(text) + b"\x00" * 5 + b"garbage!", 10_000) == (text, 13)
    assert _outcome(lambda: _gzipfile(data, 10_000)) == "error"
    # A second member's first byte alone is a member cut short, not garbage.
    with pytest.raises(EOFError):
        gunzip(gzip.compress(text) + b"\x1f", 10_000)


def test_a_cut_member_says_so_and_a_bad_checksum_is_damage() -> None:
    data = gzip.compress(b"the council met on Tuesday " * 50)
    with pytest.raises(EOFError, match="Compressed file ended before the end-of-stream"):
        gunzip(data[:-12], 10_000)
    crc_damaged = data[:-8] + bytes([data[-8] ^ 1]) + data[-7:]
    assert _outcome(lambda: gunzip(crc_damaged, 10_000)[0]) == "error"
    assert _outcome(lambda: _gzipfile(crc_damaged, 10_000)) == "error"


@pytest.mark.parametrize(
    ("name", "compress"),
    [("plain.txt", lambda data: data), ("page.gz", gzip.compress), ("page.bz2", bz2.compress)],
)
@pytest.mark.parametrize("limit", [10, 100_000])
def test_read_decompressed_is_the_streams_content(
    tmp_path: Path, monkeypatch, name, compress, limit
) -> None:
    """The same bytes as the stream gives, whichever path a file takes. A gzip file bigger
    than the limit is streamed, not read whole into memory."""
    path = tmp_path / name
    path.write_bytes(compress(b"Harbour works start on Tuesday.\n" * 300))
    if path.stat().st_size > limit:
        monkeypatch.setattr(compression, "gunzip", None)  # not called
    with open_decompressed(path) as stream:
        assert read_decompressed(path, limit) == (stream.read(limit), None)


def test_a_text_with_trailing_garbage_is_cleaned_with_a_warning(tmp_path: Path) -> None:
    from cleaner.readers import ReadStats, discover_inputs, read_input

    path = tmp_path / "story.txt.gz"
    text = "The harbour works start on Tuesday, the council said in a statement.\n"
    path.write_bytes(gzip.compress(text.encode()) + b"\r\n\r\n-- garbage --")
    (item,) = discover_inputs([path])
    (doc,) = read_input(item, ReadStats())
    assert doc.raw == text
    assert doc.warnings == ["17 bytes after the gzip data are not gzip: ignored"]
