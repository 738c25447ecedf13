"""JSON Lines: one document per line; a broken line fails alone."""

from __future__ import annotations

import io
import json
import re
from collections.abc import Iterator
from typing import Any, ClassVar, TextIO

from cleaner.dates import parse_date
from cleaner.document import METADATA_KEYS, Document
from cleaner.readers.base import InputFile, Reader, stripped
from cleaner.readers.compression import (
    DECOMPRESSION_ERRORS,
    InflationLimit,
    open_decompressed,
)
from cleaner.readers.decode import decode_bytes
from cleaner.readers.names import safe_name, unique_name
from cleaner.readers.options import ReadOptions, usable
from cleaner.readers.records import ReadStats, RecordFailure
from cleaner.text import SURROGATES_REPLACED, may_hold_surrogates, without_surrogates

#: A byte that is not UTF-8, as the reader keeps it (errors="surrogateescape").
_ESCAPED_BYTE = re.compile("[\udc80-\udcff]")
#: A UTF-16 byte order mark, so read: JSON Lines are UTF-8 (RFC 8259), and each of its
#: lines would fail as invalid JSON, saying nothing of why.
_UTF16_MARKS = ("\udcff\udcfe", "\udcfe\udcff")

# Input fields that fill our metadata instead of passing through.
_METADATA_FIELDS = frozenset(METADATA_KEYS) - {"language", "language_confidence"}


def read_jsonl(
    item: InputFile,
    stats: ReadStats,
    options: ReadOptions | None = None,
) -> Iterator[Document | RecordFailure]:
    """One document per line; a damaged compressed stream fails at the line it reached,
    and a line longer than `max_chars` (--max-bytes) fails alone, read past in pieces."""
    options = options or ReadOptions()
    max_chars = options.max_bytes
    seen: set[str] = set()  # output names given so far
    number = 0
    try:
        with open_decompressed(item.path, max_chars) as binary:
            # utf-8-sig: a byte order mark before the first line is no part of it. Bytes
            # that are not UTF-8 are kept (surrogate escapes), to be decoded as they say.
            lines = io.TextIOWrapper(binary, encoding="utf-8-sig", errors="surrogateescape")
            for number, line in enumerate(_bounded_lines(lines, max_chars), start=1):
                if number == 1 and line is not None and line.startswith(_UTF16_MARKS):
                    yield RecordFailure(
                        item.source,
                        "UTF-16 text, and JSON Lines are UTF-8: convert the file "
                        "(iconv -f UTF-16 -t UTF-8)",
                    )
                    return
                if line is None:
                    yield RecordFailure(
                        f"{item.source}:{number}",
                        f"a line over the {max_chars:,}-character limit; raise it with "
                        "--max-bytes if this is a text",
                    )
                    continue
                yield from _record(item, number, line, options, seen)
    except InflationLimit as exc:
        yield RecordFailure(f"{item.source}:{number + 1}", f"stopped after line {number}: {exc}")
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
    options: ReadOptions,
    seen: set[str],
) -> Iterator[Document | RecordFailure]:
    """The document on one line, or why there is none (blank lines give nothing)."""
    source = f"{item.source}:{number}"
    if not line.strip():
        return
    warnings: list[str] = []
    if _ESCAPED_BYTE.search(line):
        line = _redecoded(line, warnings)
    try:
        record = json.loads(line)
    except json.JSONDecodeError as exc:
        # Some of json's messages end in "at" already ("Invalid control character at").
        what = exc.msg.removesuffix(" at")
        yield RecordFailure(
            source, f"invalid JSON ({what} at column {exc.colno}); fix or remove the line"
        )
        return
    except RecursionError:  # [[[[... 100,000 deep: this line, not the rest of the file
        yield RecordFailure(source, "JSON nested too deeply to read; fix or remove the line")
        return
    except ValueError as exc:  # a number of over 4,300 digits (int's conversion limit)
        reason = str(exc).split(";")[0]  # not Python's advice to raise its limit
        yield RecordFailure(source, f"JSON that cannot be read ({reason}); fix or remove the line")
        return
    if may_hold_surrogates(line) and (cleaned := without_surrogates(record)) != record:
        record = cleaned
        warnings.append(SURROGATES_REPLACED)
    text_field = options.text_field
    if not isinstance(record, dict) or not isinstance(record.get(text_field), str):
        yield RecordFailure(
            source, f"no string field {text_field!r}; choose the text field with --text-field"
        )
        return
    raw_id = record.pop(options.id_field, None)
    if not isinstance(raw_id, str | int) or isinstance(raw_id, bool):
        if raw_id is not None:  # an object, a float: not a name, and not passed on
            warnings.append(
                f"id field {options.id_field!r} is not a string or an integer "
                f"({type(raw_id).__name__}): named line-{number:06d}"
            )
        elif options.id_field != "id":
            warnings.append(f"no id field {options.id_field!r}: named line-{number:06d}")
        raw_id = None
    name = safe_name(str(raw_id)) if raw_id is not None else f"line-{number:06d}"
    named = unique_name(name, seen, f"-line-{number}")  # ids can repeat
    if named != name:
        warnings.append(f"id {raw_id!r} already taken in this file: written as {named}")
    doc = Document(id=f"{item.name}/{named}", source=source, raw=record.pop(text_field))
    doc.warnings.extend(warnings)
    if options.url_field != "url" and isinstance(record.get(options.url_field), str):
        doc.metadata["url"] = record.pop(options.url_field)
    for key in list(record):
        if key in _METADATA_FIELDS and isinstance(record[key], str):
            value = record.pop(key)
            if key in _DATE_FIELDS:
                value = _iso_date(key, value, doc.warnings)
            doc.set_meta(key, value)
    _nested_metadata(record.get("metadata"), options.url_field, doc)
    if "input_id" in record:  # the input's own field of that name is kept, renamed
        record["input_input_id"] = record.pop("input_id")
    doc.extra = record
    if raw_id is not None:
        doc.extra["input_id"] = raw_id
    yield doc


def _redecoded(line: str, warnings: list[str]) -> str:
    """A line that is not all UTF-8 (its other bytes kept as surrogate escapes), decoded
    as its bytes say (cp1252 for a few accented letters), with a warning that says how."""
    text, codec, note = decode_bytes(line.encode("utf-8", "surrogateescape"))
    if note is None and codec.endswith("+replace"):
        note = (
            "invalid UTF-8: bytes that are not valid in any detected encoding "
            "were replaced with U+FFFD"
        )
    warnings.append(note or f"not UTF-8: decoded as {codec}")
    return text


def _nested_metadata(nested: Any, url_field: str, doc: Document) -> None:
    """datatrove's records keep `url`, `date`... in a nested `metadata` object: they fill
    what the record's own fields left unset (the object itself passes through unchanged).
    Its `date` is datatrove's capture date (`WARC-Date`, as FineWeb's), so `crawl_date`."""
    if not isinstance(nested, dict):
        return
    if isinstance(nested.get(url_field), str):
        doc.set_meta("url", nested[url_field])
    nested = {"crawl_date" if key == "date" else key: value for key, value in nested.items()}
    values, warnings = usable(nested, "metadata")
    doc.warnings.extend(warnings)
    for key, value in values.items():
        doc.set_meta(key, value)


#: Dates in the contract are ISO 8601 or null, whatever an input's field says.
_DATE_FIELDS = frozenset({"date", "crawl_date"})


def _iso_date(key: str, value: str, warnings: list[str]) -> str | None:
    parsed = parse_date(value) if value.strip() else None
    if parsed is None and value.strip():
        warnings.append(f"{key} {value[:60]!r} is not a date: left out")
    return parsed


class JsonlReader(Reader):
    """JSON Lines: one document per line (see `read_jsonl`)."""

    name = "jsonl"
    label = "JSON Lines"
    suffixes: ClassVar[tuple[str, ...]] = (".jsonl", ".ndjson")
    is_container = True

    def sniff(self, head: bytes) -> bool:
        return stripped(head).startswith(b"{")

    def read(
        self, item: InputFile, stats: ReadStats, options: ReadOptions
    ) -> Iterator[Document | RecordFailure]:
        return read_jsonl(item, stats, options)
