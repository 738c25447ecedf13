"""What every reader is (`Reader`) and what it reads (`InputFile`).

A reader is one class: its name, the suffixes it claims, a sniffer for files whose
suffix says nothing, and `read`, which turns one input into documents. The readers the
tool uses are listed in one place, `cleaner.readers.registry`; see there how to add one.
"""

from __future__ import annotations

import os
from abc import ABC, abstractmethod
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any, ClassVar

if TYPE_CHECKING:
    from cleaner.document import Document
    from cleaner.readers.options import ReadOptions
    from cleaner.readers.records import ReadStats, RecordFailure


class Reader(ABC):
    """One input format. Subclasses set the class attributes and fill in `read`, and
    `sniff` where files of the format may come without a known suffix.

    A reader is stateless: the registry holds one instance of each, `InputFile.kind`
    points at it, and it crosses to worker processes by its name.
    """

    #: A short unique name ("warc"), what `reader_named` looks a reader up by.
    name: ClassVar[str]
    #: How messages name the format ("WARC", "JSON Lines").
    label: ClassVar[str]
    #: The suffixes it claims, lower case with the dot (".warc"); a compression suffix
    #: after them (.gz, .bz2, .xz, .zst) is taken off first, and the content inflated.
    suffixes: ClassVar[tuple[str, ...]] = ()
    #: One document per record (WARC, JSON Lines) rather than one per file: such a file
    #: has no sidecar, is not held to --max-bytes as a whole, and its outputs go in a
    #: folder named after it.
    is_container: ClassVar[bool] = False

    def sniff(self, head: bytes) -> bool:
        """Whether a file that starts with `head` (its first 2048 bytes, decompressed) is
        in this format; asked only of files named explicitly whose suffix no reader
        claims, in the registry's order. `stripped(head)` drops a BOM and blank space."""
        return False

    @abstractmethod
    def read(
        self, item: InputFile, stats: ReadStats, options: ReadOptions
    ) -> Iterator[Document | RecordFailure]:
        """The documents of `item`. An input that cannot be read at all raises
        `DocumentError` (one document) or yields a `RecordFailure` with `whole_input`; a
        record that cannot be read yields a `RecordFailure` and reading goes on."""

    def __reduce__(self) -> tuple[Any, ...]:
        """Pickled by name: a worker process gets its own registry's instance."""
        from cleaner.readers.registry import reader_named

        return reader_named, (self.name,)

    def __repr__(self) -> str:
        return f"<reader {self.name}>"


def stripped(head: bytes) -> bytes:
    """The first bytes of a file without a UTF-8 byte order mark and blank space."""
    return head.lstrip(b"\xef\xbb\xbf \t\r\n")


@dataclass(frozen=True, slots=True)
class InputFile:
    """An input file, the reader of its format (`kind`), and its output name (relative
    POSIX path, no suffix)."""

    path: Path
    name: PurePosixPath
    kind: Reader

    @property
    def source(self) -> str:
        """The path as records, the report and messages name it (see `path_text`)."""
        return path_text(self.path)


def path_text(path: Path | str) -> str:
    """A path as text that can always be written (JSON, a terminal): a file name that is
    not UTF-8 keeps its other characters, and each byte that is not shows as `\\xff`."""
    return os.fsencode(path).decode("utf-8", "backslashreplace")
