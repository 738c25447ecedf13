"""WARC and WET archives, read with warcio.

warcio rather than FastWARC: it undoes chunked transfer-encoding and gzip/deflate
Content-Encoding, and parses the HTTP headers of ClueWeb's WARC/0.18 records; on this
project's fixtures FastWARC returned such payloads raw. Parsing costs little next to
HTML extraction, which dominates the time per page.
"""

from __future__ import annotations

import io
import os
import re
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import BinaryIO, ClassVar

from warcio.exceptions import ArchiveLoadFailed

from cleaner.config import DEFAULT_MAX_BYTES
from cleaner.document import Document
from cleaner.readers.base import InputFile, Reader, stripped
from cleaner.readers.compression import DECOMPRESSION_ERRORS, compression_of, open_decompressed
from cleaner.readers.decode import charset_from_content_type
from cleaner.readers.names import safe_name, unique_name
from cleaner.readers.options import ReadOptions
from cleaner.readers.records import ReadStats, RecordFailure
from cleaner.readers.text import document_from_bytes, looks_like_html
from cleaner.readers.warc_bounds import BoundedArchiveIterator
from cleaner.readers.warc_payload import (
    MAX_PAYLOAD_BYTES,
    can_decode,
    content_encoding,
    payload_stream,
)

HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})


def _mime(content_type: str | None) -> str:
    return (content_type or "").split(";")[0].strip().lower()


def _record_name(record_id: str | None, index: int) -> str:
    if record_id:
        bare = record_id.strip("<>").removeprefix("urn:uuid:")
        return safe_name(bare, fallback=f"record-{index:06d}")
    return f"record-{index:06d}"


def _crawl_date(raw: str | None, doc: Document) -> None:
    if not raw:
        return
    try:
        doc.metadata["crawl_date"] = datetime.fromisoformat(raw.strip()).isoformat()
    except ValueError:
        doc.warnings.append(f"malformed WARC-Date {raw!r} left out")


def _document(record, item: InputFile, state: _ReadState, stats: ReadStats) -> Document | None:
    index, seen = state.index, state.seen
    headers = record.rec_headers
    rec_type = record.rec_type
    sniff = False  # whether the payload's bytes say if it is a page
    if rec_type == "conversion":
        is_html, content_type = False, headers.get_header("Content-Type")
    elif rec_type in ("response", "resource"):
        http = record.http_headers if rec_type == "response" else None
        status = http.get_statuscode() if http is not None else "200"
        if status and status != "200":
            stats.skipped[f"{rec_type}:status {status}"] += 1
            return None
        content_type = (
            http.get_header("Content-Type") if http is not None else None
        ) or headers.get_header("Content-Type")
        # A server that sends no type: the page is what its bytes say (as browsers do).
        sniff = http is not None and not http.get_header("Content-Type")
        if not sniff and _mime(content_type) not in HTML_TYPES:
            stats.skipped[f"{rec_type}:{_mime(content_type) or 'unknown type'}"] += 1
            return None
        is_html = True
    else:
        stats.skipped[rec_type or "unknown"] += 1
        return None
    encoding = content_encoding(record)
    if not can_decode(encoding):
        stats.skipped[f"{rec_type}:content-encoding {encoding}"] += 1
        return None
    payload = payload_stream(record).read(MAX_PAYLOAD_BYTES + 1)
    if sniff and not looks_like_html(payload):
        stats.skipped[f"{rec_type}:no type, not HTML"] += 1
        return None
    record_id = None if state.arc else headers.get_header("WARC-Record-ID")
    name = _record_name(record_id, index)
    name = unique_name(name, seen, f"-record-{index:06d}")  # WARC-Record-IDs can repeat
    doc = document_from_bytes(
        f"{item.name}/{name}",
        f"{item.source}#{record_id or index}",
        payload[:MAX_PAYLOAD_BYTES],
        html=is_html,
        declared_charset=charset_from_content_type(content_type),
    )
    doc.metadata["url"] = headers.get_header("WARC-Target-URI") or None
    doc.metadata["record_id"] = record_id
    _crawl_date(headers.get_header("WARC-Date"), doc)
    if len(payload) > MAX_PAYLOAD_BYTES:
        doc.warnings.append(f"payload cut at {MAX_PAYLOAD_BYTES} bytes")
    if cut := headers.get_header("WARC-Truncated"):  # the crawler stored part of the page
        doc.warnings.append(f"record truncated by the crawler (WARC-Truncated: {cut.strip()})")
    return doc


def _open_archive(path: Path, kind: str | None, max_bytes: int) -> BinaryIO:
    """Gzip is left to warcio, whose per-record decompressor survives a truncated member.
    A bz2, xz or zstd archive that inflates far past `max_bytes` stops there. `kind`: its
    compression (`_compression_of_file`)."""
    return path.open("rb") if kind in (None, "gzip") else open_decompressed(path, max_bytes)


def read_warc(
    item: InputFile, stats: ReadStats, max_bytes: int = DEFAULT_MAX_BYTES
) -> Iterator[Document | RecordFailure]:
    """One document per HTML response/resource record and per WET conversion record.

    A corrupt record fails alone: reading resumes at the next record header (or gzip
    member) after it, so the records before and after it still come out. A .warc.gz
    compressed as one whole (`gzip x.warc`, not record by record) is read as one stream,
    to its end; a cut in it loses the record it falls in, and says so.
    """
    head = _first_bytes(item.path)
    if not head.lstrip(b"\r\n\t ").startswith((b"WARC/", b"filedesc:")):
        # warcio reads a header line of any length, in time that grows with its square:
        # 100 MB of zeros took three minutes to say "no records".
        yield RecordFailure(
            item.source,
            f"not a WARC, WET or ARC file: it starts with {head[:16]!r}, not a WARC header",
            whole_input=True,
        )
        return
    state = _ReadState(arc=head.lstrip(b"\r\n\t ").startswith(b"filedesc:"))
    kind = _compression_of_file(item.path)
    state.plain = kind is None and not state.arc
    if state.plain:
        state.size, state.ends_cleanly = _plain_file_end(item.path)
    with _open_archive(item.path, kind, max_bytes) as stream:
        try:
            yield from _read_records(item, stats, stream, state)
            return
        except _OneMember:
            pass
    # Record-wise reading met a gzip member holding more than one record: read it all
    # as one stream, past the records already given.
    with open_decompressed(item.path, max_bytes) as stream:
        yield from _read_records(item, stats, stream, _ReadState(seen=state.seen), state.index)


class _OneMember(Exception):
    """The archive is gzipped as one whole, not record by record."""


@dataclass(slots=True)
class _ReadState:
    index: int = 0  # records read so far
    seen: set[str] = field(default_factory=set)  # output names given (a record id can repeat)
    #: An ARC file: its records have no id (warcio makes up a new random one for each
    #: record it converts, which would name the outputs differently in every run).
    arc: bool = False
    #: Not compressed: a record's offsets are the file's, so one whose Content-Length runs
    #: into the records after it can be told and cut (`_next_record_inside`).
    plain: bool = False
    size: int = 0  # of a plain file
    #: A plain file that ends with a record's blank line: not a download cut short, so a
    #: record that claims to run past its end has a Content-Length too long.
    ends_cleanly: bool = False


def _read_records(
    item: InputFile, stats: ReadStats, stream: BinaryIO, state: _ReadState, skip: int = 0
) -> Iterator[Document | RecordFailure]:
    """The archive's documents, from the first record after the first `skip`."""
    position = 0
    truncated = False  # the last document came from a record cut short (and says so)
    # Resynchronise only in a raw file (plain or gzip members): a bz2/xz/zstd stream
    # past its damage has nothing left to find.
    raw = isinstance(stream, io.BufferedReader)
    while True:
        if position:
            stream.seek(position)
        iterator = BoundedArchiveIterator(stream, arc2warc=True)
        offset = ended = position
        read_one = False  # a record was read whole since `position`
        try:
            for record in iterator:
                if state.index < skip:
                    state.index += 1
                    continue
                noted = len(iterator.notes)
                inside = _inside_past_the_end(item.path, state, iterator.offset, record.length)
                if inside is not None:  # not read through: warcio would read to the end
                    offset = iterator.offset  # the file's (the stream is seeked)
                    doc = _read_cut(item, stats, state, offset, inside)
                else:
                    doc = _document(record, item, state, stats)
                    # Only after the payload is read: asked earlier, warcio skips it.
                    offset = iterator.get_record_offset()
                    ended = offset + iterator.get_record_length()
                    if state.plain and _not_followed_by_blank_line(iterator.notes[noted:]):
                        inside = _next_record_inside(item.path, offset, ended)
                    if inside is not None and doc is not None:
                        state.seen.discard(doc.id[len(str(item.name)) + 1 :])  # named again
                        doc = _read_cut(item, stats, state, offset, inside)
                    elif (missing := getattr(record.raw_stream, "limit", 0)) and doc is not None:
                        doc.warnings.append(f"record truncated: {missing} bytes of it are missing")
                read_one = True
                if inside is not None:  # its Content-Length took in the records after it
                    del iterator.notes[noted:]  # "not followed by a blank line": said below
                state.index += 1
                if doc is not None:
                    doc.warnings.extend(iterator.notes)
                    iterator.notes.clear()
                    truncated = any(w.startswith("record truncated") for w in doc.warnings)
                    yield doc
                if inside is not None:
                    break
            else:
                inside = None
            if inside is not None:
                position = inside  # the records it took in are read as themselves
                continue
            problem = _unclean_end(stream, raw, state.index) or _cut_gzip_member(
                item.path, offset, last_flagged=truncated
            )
            if problem:
                yield RecordFailure(f"{item.source}@{offset}", problem)
            return
        # warcio raises AttributeError for a record without a WARC-Type.
        except (ArchiveLoadFailed, AttributeError, *DECOMPRESSION_ERRORS) as exc:
            if raw and "non-chunked gzip" in str(exc):
                raise _OneMember from None
            if isinstance(exc, EOFError) and not raw:
                yield RecordFailure(
                    f"{item.source}@{offset}",
                    f"the archive is cut short after byte {offset} of its content (a "
                    f"truncated download?): record {state.index} and any after it are lost",
                )
                return
            reason = _short_reason(exc)
            # After a good record, the damaged one starts where the good one ended (its
            # own header may be what is damaged: the next intact header is the record
            # after it, to be read, not skipped).
            damaged = ended if raw and read_one else offset
            resume = _next_record_start(stream, damaged + 1) if raw else None
            after = f"resumed at byte {resume}" if resume else "the rest is unreadable"
            yield RecordFailure(
                f"{item.source}@{damaged}",
                f"corrupt record at or after byte {damaged}: {reason}; {after}",
            )
            if resume is None:
                return
            position = resume
            state.index += 1


def _compression_of_file(path: Path) -> str | None:
    with path.open("rb") as probe:
        return compression_of(probe.read(6))


#: The most of a WARC header read to find its end.
_HEADER_LOOK = 1 << 16
#: Where a record's bytes may hold another record's start (after its blank line).
_INNER_START = re.compile(rb"\r\n\r\n(?=WARC/[01]\.)")
_MARKER_REACH = len(b"\r\n\r\nWARC/1.") - 1  # chunks overlap by this much
_VERSION_LINE = re.compile(rb"WARC/[01]\.\d+\Z")
#: Places inside one record looked at, at most: a page that holds the marker over and
#: over costs no more than this (about 30 ms).
MAX_INNER_CANDIDATES = 10_000


def _plain_file_end(path: Path) -> tuple[int, bool]:
    """A plain archive's size, and whether it ends with a record's blank line."""
    with path.open("rb") as handle:
        size = handle.seek(0, os.SEEK_END)
        handle.seek(max(size - 4, 0))
        return size, handle.read(4) == b"\r\n\r\n"


def _not_followed_by_blank_line(notes: list[str]) -> bool:
    """Whether warcio found other bytes where a record's blank line should have been (its
    Content-Length is wrong), as it read past the record."""
    return any("not followed by a blank line" in note for note in notes)


def _inside_past_the_end(path: Path, state: _ReadState, start: int, length: int) -> int | None:
    """Where the next record starts inside a record of a plain file that claims to run past
    the file's end while the file ends cleanly (`ends_cleanly`: not a download cut short),
    or None. Told before the record is read: warcio would read it to the file's end, and
    each record that claims so again after it to the end again."""
    if not state.plain or not state.ends_cleanly or not isinstance(length, int):
        return None
    if start + _HEADER_LOOK + length + 8 <= state.size:
        return None  # ends inside the file whatever its header's length: nothing to read
    with path.open("rb") as handle:
        handle.seek(start)
        header_end = handle.read(_HEADER_LOOK).find(b"\r\n\r\n")
    if header_end < 0 or start + header_end + 4 + length + 4 <= state.size:
        return None
    return _next_record_inside(path, start, state.size)


def _next_record_inside(path: Path, start: int, end: int, chunk: int = 1 << 20) -> int | None:
    """Where the next WARC record starts inside the record at bytes `start` to `end` of
    an uncompressed archive that did not end where it said (its Content-Length is too
    long, from an archive edited by hand or joined from pieces, and it took in the
    records after it as its payload), or None. A record starts at a "WARC/1.0" line
    after a blank line, with a header under it; that record is checked in turn when it is
    read (one whose header is damaged fails alone). Read `chunk` bytes at a time (a record
    can be a video of gigabytes), looking at MAX_INNER_CANDIDATES places at most."""
    candidates = 0
    with path.open("rb") as handle:
        handle.seek(start)
        header_end = handle.read(min(end - start, _HEADER_LOOK)).find(b"\r\n\r\n")
        if header_end < 0:
            return None
        at = start + header_end + 4  # the block: a header is sought inside it
        while at < end:
            handle.seek(at)
            data = handle.read(min(chunk, end - at) + _MARKER_REACH)  # one across the end
            for hit in _INNER_START.finditer(data):
                found = at + hit.start() + 4
                if found >= end or candidates >= MAX_INNER_CANDIDATES:
                    return None
                candidates += 1
                head = data[hit.start() + 4 : hit.start() + 4 + _HEADER_LOOK]
                if b"\r\n\r\n" not in head and len(head) < _HEADER_LOOK:
                    handle.seek(found)  # the header goes on past the chunk
                    head = handle.read(_HEADER_LOOK)
                if _is_record_header(head):
                    return found
            at += max(len(data) - _MARKER_REACH, 1)
    return None


def _is_record_header(head: bytes) -> bool:
    """Whether `head` starts with a WARC header: a version line, then "Name: value" lines
    up to a blank line (what they say is for the record's own reading to judge)."""
    header_end = head.find(b"\r\n\r\n")
    if header_end < 0:
        return False
    version, *fields = head[:header_end].split(b"\r\n")
    return (
        bool(_VERSION_LINE.match(version)) and bool(fields) and all(b":" in line for line in fields)
    )


def _read_cut(
    item: InputFile, stats: ReadStats, state: _ReadState, start: int, cut: int
) -> Document | None:
    """The document of the record at `start`, read with its block ending where the record
    inside it begins (`cut`), and a warning that says so. At most what a payload may be
    is read (MAX_PAYLOAD_BYTES, and room for the HTTP header): the rest would be cut."""
    with item.path.open("rb") as handle:
        handle.seek(start)
        data = handle.read(min(cut - start, MAX_PAYLOAD_BYTES + 2 * _HEADER_LOOK))
    header_end = data.find(b"\r\n\r\n") + 4
    block = data[header_end:]
    if len(data) == cut - start:
        block = block.removesuffix(b"\r\n\r\n")
    header = re.sub(
        rb"(?im)^(content-length:)[ \t]*\d+", rb"\g<1> %d" % len(block), data[:header_end], count=1
    )
    del data
    record = next(iter(BoundedArchiveIterator(io.BytesIO(header + block + b"\r\n\r\n"))))
    cut_doc = _document(record, item, state, stats)
    if cut_doc is not None:
        cut_doc.warnings.append(
            f"its Content-Length ran past the start of the next record (byte {cut}): read to there"
        )
    return cut_doc


def _first_bytes(path: Path, size: int = 64) -> bytes:
    """The archive's first bytes, decompressed; b"" when even they cannot be read (the
    reader then says why)."""
    try:
        with open_decompressed(path) as stream:
            return stream.read(size)
    except DECOMPRESSION_ERRORS:
        return b"WARC/"  # let the reader meet the damage and report it where it is


def _unclean_end(stream: BinaryIO, raw: bool, records: int) -> str | None:
    """Why the archive ended badly, if it did: warcio stops quietly on some damage."""
    if not raw:
        try:
            stream.read(1)  # a truncated bz2/xz/zstd stream raises here
        except EOFError:
            return (
                f"the archive is cut short after record {records} (a truncated download?): "
                "the records before the cut were read, the rest is lost"
            )
        except DECOMPRESSION_ERRORS as exc:
            return f"compressed archive damaged after record {records}: {exc}"
    if records == 0:
        return "no WARC records found: not a WARC/WET file, or damaged at its start"
    return None


def _cut_gzip_member(path: Path, start: int, *, last_flagged: bool) -> str | None:
    """Why a record-wise gzipped archive ends badly, if it does. warcio stops without a
    word at a gzip member cut short (a truncated download): the members from the last
    record read to the end of the file are inflated again, output thrown away, to see
    that each one ends. The last record's own member cut short is already told, when its
    document carries the "record truncated" warning (`last_flagged`)."""
    cut = _first_unended_member(path, start)
    if cut is None or (cut == 0 and last_flagged):
        return None
    if cut < 0:
        return f"the archive is damaged after byte {start}: a gzip member does not inflate"
    return (
        f"the archive is cut short: a gzip member after byte {start} ends before its end "
        "(a truncated download?); the records before it were read, the rest is lost"
    )


def _first_unended_member(path: Path, start: int, chunk: int = 1 << 16) -> int | None:
    """Which gzip member from `start` on is cut short (0: the first), -1 for one that is
    damaged, None when all end; None for a file that is not gzip."""
    with path.open("rb") as handle:
        if compression_of(handle.read(6)) != "gzip":
            return None
        handle.seek(start)
        inflater, member, fed = zlib.decompressobj(wbits=31), 0, False
        while data := handle.read(chunk):
            while data:
                if inflater.eof:
                    data = data.lstrip(b"\x00")
                    if not data:
                        break
                    inflater, member, fed = zlib.decompressobj(wbits=31), member + 1, False
                try:  # at most 64 KiB out at a time: only where the member ends matters
                    inflater.decompress(data, 1 << 16)
                    while inflater.unconsumed_tail and not inflater.eof:
                        inflater.decompress(inflater.unconsumed_tail, 1 << 16)
                except zlib.error:
                    return -1
                fed = True
                data = inflater.unused_data if inflater.eof else b""
    return member if fed and not inflater.eof else None


def _short_reason(exc: Exception) -> str:
    """warcio's message without the raw bytes it quotes."""
    text = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    return text.split(", first line")[0][:120]


_RECORD_STARTS = (b"WARC/1.", b"WARC/0.", b"\x1f\x8b\x08")


def _next_record_start(stream: BinaryIO, start: int, chunk: int = 1 << 20) -> int | None:
    """Byte offset of the next WARC header or gzip member at or after `start`."""
    try:
        stream.seek(start)
        base = start
        tail = b""
        while block := stream.read(chunk):
            data = tail + block
            hits = [found for marker in _RECORD_STARTS if (found := data.find(marker)) >= 0]
            if hits:
                return base - len(tail) + min(hits)
            tail = data[-8:]
            base += len(block)
    except DECOMPRESSION_ERRORS:
        return None
    return None


class WarcReader(Reader):
    """WARC, WET and ARC archives: one document per record (see `read_warc`)."""

    name = "warc"
    label = "WARC"
    suffixes: ClassVar[tuple[str, ...]] = (".warc", ".wet", ".arc")
    is_container = True

    def sniff(self, head: bytes) -> bool:
        return stripped(head).startswith((b"WARC/", b"filedesc://"))

    def read(
        self, item: InputFile, stats: ReadStats, options: ReadOptions
    ) -> Iterator[Document | RecordFailure]:
        return read_warc(item, stats, options.max_bytes)
