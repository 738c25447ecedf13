"""JSON Lines: one document per line; a broken line fails alone."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from typing import TextIO

from cleaner.config import DEFAULT_MAX_BYTES
from cleaner.document import METADATA_KEYS, Document
from cleaner.readers.compression import DECOMPRESSION_ERRORS, open_decompressed
from cleaner.readers.discover import InputFile
from cleaner.readers.names import safe_name, unique_name
from cleaner.readers.records import ReadStats, RecordFailure

# Input fields that fill our metadata instead of passing through.
_METADATA_FIELDS = frozenset(METADATA_KEYS) - {"language", "language_confidence"}


def read_jsonl(
    item: InputFile,
    stats: ReadStats,
    text_field: str = "text",
    max_chars: int = DEFAULT_MAX_BYTES,
) -> Iterator[Document | RecordFailure]:
    """One document per line; a damaged compressed stream fails at the line it reached,
    and a line longer than `max_chars` (--max-bytes) fails alone, read past in pieces."""
    seen: set[str] = set()  # output names given so far
    number = 0
    try:
        with open_decompressed(item.path) as binary:
            lines = io.TextIOWrapper(binary, encoding="utf-8", errors="replace")
            for number, line in enumerate(_bounded_lines(lines, max_chars), start=1):
                if line is None:
                    yield RecordFailure(
                        f"{item.source}:{number}",
                        f"a line over the {max_chars:,}-character limit; raise it with "
                        "--max-bytes if this is a text",
                    )
                    continue
                yield from _record(item, number, line, text_field, seen)
    except DECOMPRESSION_ERRORS as exc:
        yield RecordFailure(
            f"{item.source}:{number + 1}",
            f"compressed data damaged after line {number}: {exc}",
        )


def _bounded_lines(text: TextIO, limit: int, piece: int = 1 << 20) -> Iterator[str | None]:
    """The lines of `text`, each None that is longer than `limit` characters: a record
    inflated from a small compressed file must not have to fit in memory whole."""
    while line := text.readline(limit + 1):
        if len(line) <= limit or line.endswith("\n"):
            yield line
            continue
        while (rest := text.readline(piece)) and not rest.endswith("\n"):
            pass
        yield None


def _record(
    item: InputFile,
    number: int,
    line: str,
    text_field: str,
    seen: set[str],
) -> Iterator[Document | RecordFailure]:
    """The document on one line, or why there is none (blank lines give nothing)."""
    source = f"{item.source}:{number}"
    if not line.strip():
        return
    try:
        record = json.loads(line)
    except json.JSONDecodeError as exc:
        # Some of json's messages end in "at" already ("Invalid control character at").
        what = exc.msg.removesuffix(" at")
        yield RecordFailure(
            source, f"invalid JSON ({what} at column {exc.colno}); fix or remove the line"
        )
        return
    if not isinstance(record, dict) or not isinstance(record.get(text_field), str):
        yield RecordFailure(
            source, f"no string field {text_field!r}; choose the text field with --text-field"
        )
        return
    raw_id = record.get("id")
    name = safe_name(str(raw_id)) if isinstance(raw_id, str | int) else f"line-{number:06d}"
    name = unique_name(name, seen, f"-line-{number}")  # ids can repeat
    doc = Document(id=f"{item.name}/{name}", source=source, raw=record.pop(text_field))
    for key in list(record):
        if key in _METADATA_FIELDS and isinstance(record[key], str):
            doc.metadata[key] = record.pop(key)
    record.pop("id", None)
    doc.extra = record
    if raw_id is not None:
        doc.extra["input_id"] = raw_id
    yield doc
