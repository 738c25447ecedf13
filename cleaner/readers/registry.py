"""The readers, in one place: which suffixes and which first bytes each one claims.

How to add a reader (an input format):

1. Write a `Reader` subclass (`cleaner/readers/base.py`) in a module of its own: `name`,
   `label` (how messages name the format), `suffixes`, `is_container` when a file holds
   many documents, `sniff(head)` when files of the format may come without a suffix
   that says so, and `read(item, stats, options)`, which yields its documents.
2. Add one instance of it to `READERS` below, ahead of the readers whose sniffers would
   also take its files: sniffers are asked in this order, the most specific first, and
   the text reader, which takes any bytes without NUL, stays last.

Nothing else changes. Discovery takes files with its suffixes (also compressed: .gz,
.bz2, .xz or .zst after them), a file named explicitly with no known suffix is sniffed
with its first bytes, workers read with it, and messages about inputs that are no
format at all name it. A reader that lives outside this package (a plug-in, a test)
joins with `register(reader)`, ahead of the built-in ones, and leaves with
`unregister(name)`.
"""

from __future__ import annotations

from functools import cache

from cleaner.readers.base import Reader
from cleaner.readers.jsonl import JsonlReader
from cleaner.readers.text import HtmlReader, TextReader
from cleaner.readers.warc import WarcReader

#: The built-in readers, in the order their sniffers are asked (the most specific first).
READERS: tuple[Reader, ...] = (JsonlReader(), WarcReader(), HtmlReader(), TextReader())

_registered: list[Reader] = list(READERS)  # with those `register` added, first


class InputKind:
    """The built-in readers by the names `InputFile.kind` had when it was an enum."""

    JSONL, WARC, HTML, TEXT = READERS


def readers() -> tuple[Reader, ...]:
    """The readers in use, in the order their sniffers are asked."""
    return tuple(_registered)


def register(reader: Reader) -> Reader:
    """Use `reader` too, its sniffer asked before the others'. Its name and suffixes
    must be its own."""
    for other in _registered:
        if other.name == reader.name:
            raise ValueError(f"a reader named {reader.name!r} is already registered")
        taken = set(other.suffixes) & set(reader.suffixes)
        if taken:
            raise ValueError(f"{other.name} already reads {', '.join(sorted(taken))}")
    bad = [s for s in reader.suffixes if not s.startswith(".") or s.lower() != s]
    if bad:
        raise ValueError(f"suffixes are lower case and start with a dot, not {bad}")
    _registered.insert(0, reader)
    return reader


def unregister(name: str) -> None:
    """Stop using the reader `register` added under `name`."""
    if any(reader.name == name for reader in READERS):
        raise ValueError(f"{name!r} is a built-in reader")
    _registered[:] = [reader for reader in _registered if reader.name != name]


def reader_named(name: str) -> Reader:
    for reader in _registered:
        if reader.name == name:
            return reader
    raise LookupError(f"no reader named {name!r} (register it in every process that reads)")


def reader_for_suffix(suffix: str) -> Reader | None:
    """The reader of files ending in `suffix` (".html", lower case), if any."""
    return _suffixes(readers()).get(suffix)


def sniffed_reader(head: bytes) -> Reader | None:
    """The first reader whose sniffer takes a file starting with `head`."""
    for reader in _registered:
        if reader.sniff(head):
            return reader
    return None


def formats_text() -> str:
    """The formats read, the most general first: "a text, HTML, WARC or JSON Lines"."""
    labels = [reader.label for reader in reversed(_registered)]
    listed = labels[0] if len(labels) < 2 else f"{', '.join(labels[:-1])} or {labels[-1]}"
    return f"a {listed}"


@cache
def _suffixes(readers: tuple[Reader, ...]) -> dict[str, Reader]:
    return {suffix: reader for reader in readers for suffix in reader.suffixes}
