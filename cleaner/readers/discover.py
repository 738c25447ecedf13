"""Which files of the given paths are inputs, what format each is, and its output name."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path, PurePosixPath

from cleaner.errors import UsageError
from cleaner.readers.compression import open_decompressed, strip_compression_suffix
from cleaner.readers.names import is_hidden, safe_name


class InputKind(StrEnum):
    TEXT = "text"
    HTML = "html"
    WARC = "warc"  # WARC and WET archives: one document per record
    JSONL = "jsonl"  # one document per line

    @property
    def is_container(self) -> bool:
        return self in (InputKind.WARC, InputKind.JSONL)


_SUFFIX_KINDS = {
    ".txt": InputKind.TEXT,
    ".text": InputKind.TEXT,
    ".html": InputKind.HTML,
    ".htm": InputKind.HTML,
    ".xhtml": InputKind.HTML,
    ".warc": InputKind.WARC,
    ".wet": InputKind.WARC,
    ".arc": InputKind.WARC,
    ".jsonl": InputKind.JSONL,
    ".ndjson": InputKind.JSONL,
}


@dataclass(frozen=True, slots=True)
class InputFile:
    """An input file, its format, and its output name (relative POSIX path, no suffix)."""

    path: Path
    name: PurePosixPath
    kind: InputKind = InputKind.TEXT


def _split_name(file_name: str) -> tuple[str, str]:
    """("page", ".html") for "page.html.gz"; ("x.warc", ".wet") for "x.warc.wet.gz"."""
    bare = strip_compression_suffix(file_name)
    stem, dot, suffix = bare.rpartition(".")
    if not dot or not stem:
        return bare, ""
    return stem, "." + suffix.lower()


def sniff_kind(path: Path) -> InputKind | None:
    """The format of a file with an unknown suffix, from its first bytes."""
    try:
        with open_decompressed(path) as stream:
            head = stream.read(2048)
    except (OSError, EOFError):
        return None
    stripped = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    lowered = stripped[:512].lower()
    if stripped.startswith((b"WARC/", b"filedesc://")):
        return InputKind.WARC
    if stripped.startswith(b"{"):
        return InputKind.JSONL
    if lowered.startswith((b"<!doctype html", b"<html", b"<?xml")) or b"<body" in lowered:
        return InputKind.HTML
    if b"\x00" not in head:
        return InputKind.TEXT
    return None


def _output_name(relative: PurePosixPath, stem: str) -> PurePosixPath:
    parts = [safe_name(part) for part in relative.parent.parts] + [safe_name(stem)]
    return PurePosixPath(*parts)


def discover_inputs(paths: Iterable[Path]) -> list[InputFile]:
    """Input files under the paths, in a stable order; output names mirror the folders.

    Inside folders only known suffixes count (so a run's own .json output is never read
    back), and hidden files and folders are left out (`.git`, a run's own bookkeeping in
    `.cleaner-parts`); a file named explicitly is taken whatever its suffix, its format
    sniffed.
    """
    found: list[InputFile] = []
    for root in paths:
        if root.is_dir():
            for path in sorted(root.rglob("*")):
                stem, suffix = _split_name(path.name)
                kind = _SUFFIX_KINDS.get(suffix)
                relative = PurePosixPath(path.relative_to(root).as_posix())
                if kind and path.is_file() and not is_hidden(relative):
                    found.append(InputFile(path, _output_name(relative, stem), kind))
        elif root.is_file():
            stem, suffix = _split_name(root.name)
            kind = _SUFFIX_KINDS.get(suffix) or sniff_kind(root)
            if kind is None:
                raise UsageError(
                    f"{root}: not a text, HTML, WARC or JSON Lines file "
                    "(binary content); leave it out of the inputs"
                )
            found.append(InputFile(root, PurePosixPath(safe_name(stem)), kind))
        else:
            raise UsageError(f"{root}: no such file or folder")
    found.sort(key=lambda item: str(item.name))  # one canonical order, however paths were given
    names = [item.name for item in found]
    if len(set(names)) != len(names):
        clash = next(name for name in names if names.count(name) > 1)
        raise UsageError(
            f"two inputs would both be written as {clash}; "
            "give them separate folders or run them separately"
        )
    return found
