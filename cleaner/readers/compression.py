"""Compressed inputs, recognised by their first bytes (the suffix only names them)."""

from __future__ import annotations

import bz2
import gzip
import io
import lzma
import os
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import Any, BinaryIO, cast

import zstandard

COMPRESSION_SUFFIXES = (".gz", ".bz2", ".xz", ".zst")
#: What reading a damaged or truncated compressed stream can raise (LZMAError and
#: ZstdError are not OSErrors).
DECOMPRESSION_ERRORS = (
    OSError,
    EOFError,
    ValueError,
    zlib.error,
    lzma.LZMAError,
    zstandard.ZstdError,
)
_MAGIC = {
    b"\x1f\x8b": "gzip",
    b"BZh": "bz2",
    b"\xfd7zXZ\x00": "xz",
    b"\x28\xb5\x2f\xfd": "zstd",
}


def compression_of(head: bytes) -> str | None:
    return next((kind for magic, kind in _MAGIC.items() if head.startswith(magic)), None)


def strip_compression_suffix(name: str) -> str:
    lowered = name.lower()
    for suffix in COMPRESSION_SUFFIXES:
        if lowered.endswith(suffix):
            return name[: -len(suffix)]
    return name


def _sniffed(handle: BinaryIO) -> str | None:
    """The compression of an open file, which is left at its start."""
    kind = compression_of(handle.read(6))
    handle.seek(0)
    return kind


#: How many times its compressed size a file may inflate beyond --max-bytes: text
#: compresses 3 to 10 times, zeros a thousand times and more (10 GB in 7.8 KB of bz2).
MAX_INFLATION_RATIO = 100


class InflationLimit(ValueError):
    """A compressed file inflated past its budget: a decompression bomb, most likely."""


def inflation_budget(compressed: int, max_bytes: int | None) -> int | None:
    """How many bytes a file of `compressed` bytes may inflate to (None: no bound):
    `max_bytes`, and MAX_INFLATION_RATIO times its own size beyond that."""
    if max_bytes is None:
        return None
    return max_bytes + MAX_INFLATION_RATIO * compressed


def _decompressing(handle: BinaryIO, kind: str | None, budget: int | None = None) -> BinaryIO:
    """The content of `handle` (a file compressed as `kind`) as a binary stream."""
    if kind is None:
        return handle
    openers: dict[str, Callable[[BinaryIO], Any]] = {
        "gzip": lambda raw: gzip.GzipFile(fileobj=raw),  # multi-member (record-wise) too
        "bz2": bz2.BZ2File,
        "xz": lzma.LZMAFile,
        "zstd": _ZstdStream,
    }
    inflated = _Inflated(openers[kind](handle), handle, kind, budget)
    return cast(BinaryIO, inflated)  # what readers use of it: read, readline, close


class _Inflated(io.RawIOBase):
    """A decompressing stream that keeps what came before a cut and counts what it gives.

    GzipFile, BZ2File and LZMAFile raise EOFError from a `read(n)` that meets the end of a
    truncated file, and the bytes that read had inflated are lost: a truncated
    single-member .warc.gz gave no record at all. Here a read gathers `read1` pieces; one
    that meets the cut returns what came before it, and the next read raises. Past
    `budget` bytes out, a read raises InflationLimit."""

    def __init__(self, inner: Any, handle: BinaryIO, kind: str, budget: int | None) -> None:
        self._inner = inner
        self._handle = handle  # GzipFile, BZ2File, LZMAFile leave a file object open
        self._kind = kind
        self._budget = budget
        self._given = 0
        self._error: BaseException | None = None

    def readable(self) -> bool:
        return True

    def read1(self, size: int = -1) -> bytes:
        if self._error is not None:
            error, self._error = self._error, None
            raise error
        data = bytes(self._inner.read1(1 << 20 if size is None or size < 0 else size))
        self._given += len(data)
        if self._budget is not None and self._given > self._budget:
            raise InflationLimit(
                f"{self._kind} content inflates past {self._budget:,} bytes "
                f"(--max-bytes and {MAX_INFLATION_RATIO} times its compressed size "
                "beyond): a decompression bomb? raise --max-bytes if it is not"
            )
        return data

    def read(self, size: int | None = -1) -> bytes:
        wanted = -1 if size is None else size
        parts: list[bytes] = []
        have = 0
        while wanted < 0 or have < wanted:
            try:
                part = self.read1(1 << 20 if wanted < 0 else wanted - have)
            except DECOMPRESSION_ERRORS as exc:
                if not parts:
                    raise
                self._error = exc  # what came before the cut now; the cut next time
                break
            if not part:
                break
            parts.append(part)
            have += len(part)
        return b"".join(parts)

    def readinto(self, buffer: Any) -> int:
        data = self.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)

    def close(self) -> None:
        try:
            self._inner.close()
        finally:
            self._handle.close()
            super().close()


class _ZstdStream(io.RawIOBase):
    """A zstd file's content, frame after frame, that raises EOFError when the file ends
    inside a frame: zstandard's stream_reader returns a cut-short file as if complete.
    A read that meets the cut returns what came before it; the next one raises (so the
    lines before a cut are read, and the cut is still reported).

    The compressed bytes go in 1 KiB at a time, so one step's output stays small even for
    a file that inflates a thousandfold or more."""

    CHUNK = 1024

    def __init__(self, handle: BinaryIO) -> None:
        self._handle = handle
        self._frame = zstandard.ZstdDecompressor().decompressobj()
        self._fed = False  # whether the current frame has had any byte
        self._pending = b""

    def readable(self) -> bool:
        return True

    def _next(self, size: int) -> bytes:
        """Up to `size` bytes (b"" at the end of a complete stream)."""
        while not self._pending:
            data = self._handle.read(self.CHUNK)
            if not data:
                if self._fed and not self._frame.eof:
                    raise EOFError("zstd stream ended before its frame was complete")
                return b""
            self._pending = self._decompress(data)
        out, self._pending = self._pending[:size], self._pending[size:]
        return out

    def read(self, size: int | None = -1) -> bytes:
        wanted = -1 if size is None else size
        parts: list[bytes] = []
        have = 0
        while wanted < 0 or have < wanted:
            try:
                part = self._next(1 << 20 if wanted < 0 else wanted - have)
            except EOFError:
                if parts:  # what came before the cut; the next read raises
                    break
                raise
            if not part:
                break
            parts.append(part)
            have += len(part)
        return b"".join(parts)

    def read1(self, size: int = -1) -> bytes:
        return self._next(1 << 20 if size < 0 else size)

    def readinto(self, buffer: Any) -> int:
        data = self._next(len(buffer))
        buffer[: len(data)] = data
        return len(data)

    def _decompress(self, data: bytes) -> bytes:
        out = []
        while data:
            if self._frame.eof:  # the next frame of a file of several
                self._frame = zstandard.ZstdDecompressor().decompressobj()
            self._fed = True
            out.append(self._frame.decompress(data))
            data = self._frame.unused_data if self._frame.eof else b""
        return b"".join(out)

    def close(self) -> None:
        self._handle.close()
        super().close()


def open_decompressed(path: Path, max_bytes: int | None = None) -> BinaryIO:
    """The file's content as a binary stream, decompressed if it is compressed; with
    `max_bytes`, one that inflates far past it stops (`inflation_budget`)."""
    handle = path.open("rb")
    budget = inflation_budget(os.fstat(handle.fileno()).st_size, max_bytes)
    return _decompressing(handle, _sniffed(handle), budget)


def read_decompressed(path: Path, limit: int) -> tuple[bytes, str | None]:
    """At most `limit` bytes of the file's content, decompressed if it is compressed, and
    a warning about it (trailing garbage ignored), or None.

    A gzip file no bigger than `limit` is inflated from its bytes (`gunzip`): GzipFile
    inflates 8 KB at a time, in Python, which took half again the time of inflating
    (0.10 against 0.07 s over the 181 benchmark pages)."""
    with path.open("rb") as handle:
        kind = _sniffed(handle)
        if kind == "gzip" and os.fstat(handle.fileno()).st_size <= limit:
            data, trailing = gunzip(handle.read(), limit)
            if trailing:
                return data, f"{trailing:,} bytes after the gzip data are not gzip: ignored"
            return data, None
        with _decompressing(handle, kind) as stream:
            data = stream.read(limit)
            if len(data) < limit:
                stream.read(1)  # a stream cut short says so here, after what it held
            return data, None


def gunzip(data: bytes, limit: int) -> tuple[bytes, int]:
    """At most `limit` bytes of gzip `data` decompressed, as GzipFile reads it: member after
    member (zero bytes between them skipped), each member's CRC and length checked, and
    the same EOFError for a member cut short; and how many bytes after the last member
    are not gzip at all (a download's or a copy's garbage: ignored, as `gzip -d` ignores
    them, where GzipFile fails the file)."""
    parts: list[bytes] = []
    size = 0
    after = 0  # the bytes after the last member, zero bytes before the next one included
    while data and size < limit:
        if parts and not data.startswith(b"\x1f\x8b") and not b"\x1f\x8b".startswith(data):
            return b"".join(parts), after
        inflater = zlib.decompressobj(wbits=31)  # 31: a gzip header and trailer
        part = inflater.decompress(data, limit - size)
        parts.append(part)
        size += len(part)
        if size >= limit:
            break
        if not inflater.eof:
            raise EOFError("Compressed file ended before the end-of-stream marker was reached")
        after = len(inflater.unused_data)
        data = inflater.unused_data.lstrip(b"\x00")
    return b"".join(parts), 0
