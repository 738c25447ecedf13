"""A WARC response's payload with its HTTP encodings undone: chunked transfer, and the
Content-Encodings that pages are served with (gzip, deflate, br, zstd, and the `x-`
names of the first two).

warcio's own `content_stream` undoes gzip and deflate; its brotli hook fails on brotli
1.1 and later (it sets an attribute on brotli's C type: "corrupt record", and in a
compressed archive every record after it lost), and it passes an encoding it does not
know on as the page itself, which came out as an empty document. Here the readers are
warcio's, with decompressors of their own (no change to warcio's), and a payload in an
encoding none of them undoes is named, not read.
"""

from __future__ import annotations

from typing import Any, BinaryIO

import brotli
import zstandard
from warcio.bufferedreaders import BufferedReader, ChunkedDataReader

#: Names that servers send for gzip and deflate (RFC 9110 keeps the x- ones as aliases).
_ALIASES = {"x-gzip": "gzip", "x-deflate": "deflate", "identity": ""}
#: A page's payload is read up to this many bytes (the reader says "payload cut" past it).
MAX_PAYLOAD_BYTES = 50_000_000
#: What a decompressor here gives in all: the payload the reader takes, and a byte to
#: tell it was cut. A few KB of brotli or zstd can inflate to gigabytes, in one call.
_BUDGET = MAX_PAYLOAD_BYTES + 1
#: zstd input fed at a time: a few hundred bytes of run-length blocks inflate to a few
#: MB at most, so the budget is overshot by no more than that.
_ZSTD_SLICE = 256


class _Brotli:
    """brotli's Decompressor, as warcio's readers use a decompressor, giving `_BUDGET`
    bytes in all."""

    unused_data = b""  # brotli stops at its stream's end: nothing after it to hand back

    def __init__(self) -> None:
        self._inner = brotli.Decompressor()
        self._left = _BUDGET

    def decompress(self, data: bytes) -> bytes:
        parts: list[bytes] = []
        while self._left > 0:
            part = bytes(self._inner.process(data, output_buffer_limit=self._left))
            data = b""  # what is left of it the decompressor holds
            self._left -= len(part)
            parts.append(part)
            if not part or self._inner.can_accept_more_data():
                break
        return b"".join(parts)


class _Zstd:
    """zstandard's decompressing object, as warcio's readers use a decompressor, giving
    about `_BUDGET` bytes in all."""

    unused_data = b""

    def __init__(self) -> None:
        self._inner = zstandard.ZstdDecompressor().decompressobj()
        self._left = _BUDGET

    def decompress(self, data: bytes) -> bytes:
        parts: list[bytes] = []
        for start in range(0, len(data), _ZSTD_SLICE):
            if self._left <= 0:
                break
            part = self._inner.decompress(data[start : start + _ZSTD_SLICE])
            self._left -= len(part)
            parts.append(part)
        return b"".join(parts)


_DECOMPRESSORS = {**BufferedReader.DECOMPRESSORS, "br": _Brotli, "zstd": _Zstd}


class _Decoding(BufferedReader):
    DECOMPRESSORS = _DECOMPRESSORS


class _ChunkedDecoding(ChunkedDataReader):
    DECOMPRESSORS = _DECOMPRESSORS


def content_encoding(record: Any) -> str:
    """The payload's Content-Encoding, by the name its decompressor has here ("" when
    there is none); one that no decompressor here undoes is returned as sent."""
    http = record.http_headers
    sent = (http.get_header("Content-Encoding") or "") if http is not None else ""
    name = sent.strip().lower()
    return _ALIASES.get(name, name)


def can_decode(encoding: str) -> bool:
    return not encoding or encoding in _DECOMPRESSORS


def payload_stream(record: Any) -> BinaryIO:
    """The record's payload, decoded (`content_encoding` must be one `can_decode`)."""
    http = record.http_headers
    if http is None:
        return record.raw_stream
    encoding = content_encoding(record) or None
    if (http.get_header("Transfer-Encoding") or "").strip().lower() == "chunked":
        return _ChunkedDecoding(record.raw_stream, decomp_type=encoding)
    if encoding:
        return _Decoding(record.raw_stream, decomp_type=encoding)
    return record.raw_stream
