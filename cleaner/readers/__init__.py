"""Readers: find the inputs of a run and turn each into documents."""

from __future__ import annotations

from collections.abc import Iterator

from cleaner.document import Document
from cleaner.readers.discover import (
    Discovery,
    InputFile,
    InputKind,
    SkippedFile,
    UnreadableFolder,
    discover,
    discover_inputs,
    path_text,
)
from cleaner.readers.jsonl import read_jsonl
from cleaner.readers.options import ReadOptions
from cleaner.readers.records import ReadStats, RecordFailure
from cleaner.readers.text import DEFAULT_MAX_BYTES, read_single, read_text_file
from cleaner.readers.warc import read_warc


def read_input(
    item: InputFile,
    stats: ReadStats,
    options: ReadOptions | None = None,
    *,
    text_field: str = "text",
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> Iterator[Document | RecordFailure]:
    """The documents of one input file (one for text/HTML, one per record for containers).
    `options` (`ReadOptions.of(config)`) says how; without it, `text_field` and
    `max_bytes` do, and text/HTML files still take their sidecar's metadata."""
    if options is None:
        options = ReadOptions(text_field=text_field, max_bytes=max_bytes)
    if item.kind is InputKind.WARC:
        return read_warc(item, stats, max_bytes)
    if item.kind is InputKind.JSONL:
        return read_jsonl(item, stats, options)
    return read_single(item, options)


__all__ = [
    "Discovery",
    "InputFile",
    "InputKind",
    "ReadOptions",
    "ReadStats",
    "RecordFailure",
    "SkippedFile",
    "UnreadableFolder",
    "discover",
    "discover_inputs",
    "path_text",
    "read_input",
    "read_text_file",
]
