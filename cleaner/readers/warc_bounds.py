"""warcio's record iterator with bounded line reading and no writes to stderr.

warcio reads a line by adding block after block to a bytes object, in time that grows
with the square of the line's length, with no cap: a header line of 20 MB of zeros took
seven seconds, 100 MB three minutes and 1.4 GB. Here a line is gathered in pieces, joined
once, and one longer than MAX_LINE_BYTES stops the record (`LineTooLong`, which the WARC
reader counts as a corrupt record). warcio's own warnings, which quote raw page bytes on
stderr (its writes, and its log records such as "Replacing spaces in invalid
WARC-Target-URI"), are kept as one-line notes instead.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

from warcio.archiveiterator import ArchiveIterator
from warcio.bufferedreaders import DecompressingBufferedReader
from warcio.exceptions import ArchiveLoadFailed

from cleaner.third_party import one_line

#: Longest line a WARC or HTTP header (or a chunk-size line) may have.
MAX_LINE_BYTES = 1 << 20


class LineTooLong(ArchiveLoadFailed):
    """A header or chunk line longer than MAX_LINE_BYTES: not a WARC record."""


class BoundedReader(DecompressingBufferedReader):
    """warcio's reader, with `readline` linear in the line's length and capped."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.notes: list[str] = []

    def readline(self, length: int | None = None) -> bytes:
        if length == 0:
            return b""
        self._fillbuff()
        if self.empty():
            return b""
        parts: list[bytes] = []
        size = 0
        while True:
            piece = self.buff.readline(length - size if length else -1)
            parts.append(piece)
            size += len(piece)
            if piece.endswith(b"\n") or (length and size >= length):
                break
            if size > MAX_LINE_BYTES:
                raise LineTooLong(f"a header line longer than {MAX_LINE_BYTES:,} bytes")
            self._fillbuff()
            if self.empty():
                break
        return b"".join(parts)

    def _decompress(self, data: bytes) -> bytes:
        """warcio's, without its write of the error to stderr (the damage is told by the
        reader, where the archive ends badly)."""
        if self.decompressor and data and self.num_block_read:
            try:
                return bytes(self.decompressor.decompress(data))
            except Exception as exc:  # what zlib, brotli or warcio's own may raise
                self.notes.append(f"decompression failed: {str(exc)[:120]}")
                return b""
        return bytes(super()._decompress(data))


class _LogToNotes(logging.Filter):
    """Turns a warcio log record into a note and stops it there: with no handler of
    the caller's, logging's last resort printed it on stderr, page bytes and all."""

    def __init__(self, notes: list[str]) -> None:
        super().__init__()
        self.notes = notes

    def filter(self, record: logging.LogRecord) -> bool:
        self.notes.append(one_line(f"warcio: {record.getMessage()}"))
        return False


def _warcio_loggers() -> list[logging.Logger]:
    """warcio's loggers (a logger's filters see only what is logged on it, not what its
    children pass up, so each gets the filter)."""
    names = [name for name in logging.Logger.manager.loggerDict if name.split(".")[0] == "warcio"]
    return [logging.getLogger(name) for name in names]


class BoundedArchiveIterator(ArchiveIterator):
    """ArchiveIterator over a BoundedReader; a record not followed by its blank lines
    (a wrong Content-Length) is a note, not a warning on stderr that quotes the page."""

    def __init__(self, fileobj: Any, block_size: int = 16384, **kwargs: Any) -> None:
        super().__init__(fileobj, block_size=block_size, **kwargs)
        self.reader = BoundedReader(self.fh, block_size=block_size)
        self.notes: list[str] = self.reader.notes

    def _consume_blanklines(self) -> tuple[bytes | None, int]:
        empty_size = 0
        first_line = True
        while True:
            line = self.reader.readline()
            if len(line) == 0:
                return None, empty_size
            stripped = line.rstrip()
            if len(stripped) == 0 or first_line:
                empty_size += len(line)
                if len(stripped) != 0:
                    offset = self.fh.tell() - self.reader.rem_length() - empty_size
                    self.notes.append(
                        f"a record not followed by a blank line near byte {offset} "
                        "(a wrong Content-Length?)"
                    )
                    self.err_count += 1
                first_line = False
                continue
            return line, empty_size

    def _iterate_records(self) -> Iterator[Any]:
        """warcio's records, with what warcio logs meanwhile kept in `notes`."""
        to_notes = _LogToNotes(self.notes)
        loggers = _warcio_loggers()
        for logger in loggers:
            logger.addFilter(to_notes)
        try:
            yield from super()._iterate_records()
        finally:
            for logger in loggers:
                logger.removeFilter(to_notes)
