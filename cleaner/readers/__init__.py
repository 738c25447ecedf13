"""Readers: find the inputs of a run and turn each into documents.

Each input format is one `Reader` class; `cleaner.readers.registry` lists them, and its
docstring says how to add one."""

from __future__ import annotations

from collections.abc import Iterator

from cleaner.document import Document
from cleaner.readers.base import InputFile, Reader, path_text
from cleaner.readers.discover import (
    Discovery,
    SkippedFile,
    UnreadableFolder,
    discover,
    discover_inputs,
)
from cleaner.readers.options import ReadOptions
from cleaner.readers.records import ReadStats, RecordFailure
from cleaner.readers.registry import InputKind, register, unregister
from cleaner.readers.text import DEFAULT_MAX_BYTES, read_text_file


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
    return item.kind.read(item, stats, options)


__all__ = [
    "Discovery",
    "InputFile",
    "InputKind",
    "ReadOptions",
    "ReadStats",
    "Reader",
    "RecordFailure",
    "SkippedFile",
    "UnreadableFolder",
    "discover",
    "discover_inputs",
    "path_text",
    "read_input",
    "read_text_file",
    "register",
    "unregister",
]
