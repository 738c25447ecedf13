"""Which files of the given paths are inputs, what format each is, and its output name."""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path, PurePosixPath

from cleaner.errors import UsageError
from cleaner.readers.compression import open_decompressed, strip_compression_suffix
from cleaner.readers.names import RESERVED_NAMES, is_hidden, safe_name, with_hash


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


@dataclass(frozen=True, slots=True)
class UnreadableFolder:
    """A folder under an input folder that could not be listed: its files are unknown."""

    path: Path
    name: PurePosixPath  # the output names of its files would start with this
    reason: str


def _output_folder(relative: PurePosixPath) -> PurePosixPath:
    """Where in OUT the files of input folder `relative` go."""
    return PurePosixPath(*(safe_name(part) for part in relative.parts))


def _output_name(relative: PurePosixPath, stem: str) -> PurePosixPath:
    name = safe_name(stem)
    if not relative.parent.parts and name.lower() in RESERVED_NAMES:
        name = with_hash(name, name)
    return _output_folder(relative.parent) / name


def _files_under(root: Path, unreadable: list[UnreadableFolder]) -> Iterator[Path]:
    """Every file under `root`; folders that cannot be listed go to `unreadable` (Path.rglob
    passes over them without a word)."""

    def note(error: OSError) -> None:
        folder = Path(error.filename or root)
        name = _output_folder(PurePosixPath(folder.relative_to(root).as_posix()))
        unreadable.append(UnreadableFolder(folder, name, error.strerror or str(error)))

    for folder, folders, files in os.walk(root, onerror=note):
        folders[:] = [name for name in folders if not name.startswith(".")]  # hidden: not read
        for file_name in files:
            yield Path(folder, file_name)


def discover_inputs(
    paths: Iterable[Path], unreadable: list[UnreadableFolder] | None = None
) -> list[InputFile]:
    """Input files under the paths, in a stable order; output names mirror the folders.

    Inside folders only known suffixes count (so a run's own .json output is never read
    back), and hidden files and folders are left out (`.git`, a run's own bookkeeping in
    `.cleaner-parts`); a file named explicitly is taken whatever its suffix, its format
    sniffed. A folder that cannot be listed is an error, unless the caller passes
    `unreadable` to collect such folders and go on without them.
    """
    found: list[InputFile] = []
    missed: list[UnreadableFolder] = []
    for root in paths:
        if root.is_dir():
            for path in _files_under(root, missed):
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
    if unreadable is None and missed:
        raise UsageError(
            f"{missed[0].path}: cannot list this folder ({missed[0].reason}); "
            "fix its permissions or leave it out"
        )
    if unreadable is not None:
        unreadable.extend(missed)
    found.sort(key=lambda item: str(item.name))  # one canonical order, however paths were given
    _check_names(found)
    return found


def _check_names(found: list[InputFile]) -> None:
    """No two inputs may write the same output, nor one a file where another needs a
    folder (`a.txt`, written as OUT/a.txt, beside `a.txt.jsonl`, whose records go in
    OUT/a.txt/)."""
    names = [item.name for item in found]
    if len(set(names)) != len(names):
        clash = next(name for name in names if names.count(name) > 1)
        raise UsageError(
            f"two inputs would both be written as {clash}; "
            "give them separate folders or run them separately"
        )
    files = {
        f"{item.name}{suffix}": item
        for item in found
        if not item.kind.is_container
        for suffix in (".txt", ".json")
    }
    for item in found:
        folders = [item.name, *item.name.parents] if item.kind.is_container else item.name.parents
        for folder in folders:
            other = files.get(str(folder))
            if other is not None:
                raise UsageError(
                    f"{other.path} is written as OUT/{folder}, where {item.path} needs a "
                    "folder; rename one of them or run them separately"
                )
