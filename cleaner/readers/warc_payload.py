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


class _Brotli:
    """brotli's Decompressor, as warcio's readers use a decompressor."""

    unused_data = b""  # brotli stops at its stream's end: nothing after it to hand back

    def __init__(self) -> None:
        self._inner = brotli.Decompressor()

    def decompress(self, data: bytes) -> bytes:
        return bytes(self._inner.process(data))


def _zstd() -> Any:
    return zstandard.ZstdDecompressor().decompressobj()


_DECOMPRESSORS = {**BufferedReader.DECOMPRESSORS, "br": _Brotli, "zstd": _zstd}


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
