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
from cleaner.readers.records import ReadStats, RecordFailure
from cleaner.readers.text import DEFAULT_MAX_BYTES, read_single, read_text_file
from cleaner.readers.warc import read_warc


def read_input(
    item: InputFile,
    stats: ReadStats,
    *,
    text_field: str = "text",
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> Iterator[Document | RecordFailure]:
    """The documents of one input file (one for text/HTML, one per record for containers)."""
    if item.kind is InputKind.WARC:
        return read_warc(item, stats, max_bytes)
    if item.kind is InputKind.JSONL:
        return read_jsonl(item, stats, text_field, max_bytes)
    return read_single(item, max_bytes)


__all__ = [
    "Discovery",
    "InputFile",
    "InputKind",
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
