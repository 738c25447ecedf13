"""Which files of the given paths are inputs, which reader reads each (by the suffixes and
sniffers in `cleaner.readers.registry`), and its output name."""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Iterable, Iterator
from contextlib import suppress
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path, PurePosixPath

from cleaner.errors import UsageError
from cleaner.readers.base import InputFile, Reader, path_text
from cleaner.readers.compression import (
    DECOMPRESSION_ERRORS,
    open_decompressed,
    strip_compression_suffix,
)
from cleaner.readers.names import RESERVED_NAMES, safe_name, sidecar_path, with_hash
from cleaner.readers.names import split_name as _split_name
from cleaner.readers.registry import formats_text, reader_for_suffix, sniffed_reader


@dataclass(frozen=True, slots=True)
class SkippedFile:
    """A file (or folder) under the inputs that is not read, and why: every entry a run
    sees is read, skipped, or failed, and the report names the skipped ones."""

    path: Path
    reason: str


class SkipReason(StrEnum):
    UNKNOWN_SUFFIX = "unknown suffix"
    HIDDEN = "hidden"
    HIDDEN_FOLDER = "hidden folder (its files are not read)"
    BINARY = "binary content"
    TOO_LARGE = "over --max-bytes"
    LINK_OUTSIDE = "symbolic link leading outside the input folder (--follow-symlinks reads it)"
    LINKED_FOLDER = "symbolic link to a folder (--follow-symlinks reads it)"
    BROKEN_LINK = "broken symbolic link"
    LINK_LOOP = "symbolic link loop"
    SPECIAL = "not a regular file (a FIFO, socket or device)"
    SIDECAR = "metadata sidecar (name.json beside name.txt: read with it)"
    GIVEN_TWICE = "given twice (a folder and a file in it, or the same path again): read once"


@dataclass(slots=True)
class Discovery:
    """What the input paths hold: inputs to read, in canonical order, and everything left
    out, each with its reason."""

    files: list[InputFile] = field(default_factory=list)
    skipped: list[SkippedFile] = field(default_factory=list)
    unreadable: list[UnreadableFolder] = field(default_factory=list)
    renamed: list[str] = field(default_factory=list)  # notices: output names that clashed


def sniff_kind(path: Path) -> Reader | None:
    """The reader of a file with an unknown suffix, from its first bytes. A compressed
    file whose start cannot be decompressed is read as a text, so that it fails alone,
    named, with what is wrong ("cannot read: Corrupt input data"), not the run."""
    try:
        with open_decompressed(path) as stream:
            head = stream.read(2048)
    except FileNotFoundError:
        return None
    except DECOMPRESSION_ERRORS:
        return reader_for_suffix(".txt")
    return sniffed_reader(head)


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


def _special(path: Path, real_root: Path, follow: bool) -> SkipReason | None:
    """Why a non-folder entry under an input folder is not a file to read, if it is not."""
    try:
        status = path.lstat()
        if stat.S_ISLNK(status.st_mode):
            target = path.resolve(strict=True)
            if not follow and not target.is_relative_to(real_root):
                return SkipReason.LINK_OUTSIDE
            status = target.stat()
    except FileNotFoundError:
        return SkipReason.BROKEN_LINK
    except (RuntimeError, OSError) as exc:  # RuntimeError: pathlib's "Symlink loop"
        if isinstance(exc, RuntimeError) or exc.errno == errno.ELOOP:
            return SkipReason.LINK_LOOP
        return None  # unreadable: the reader says why, as this input's failure
    return None if stat.S_ISREG(status.st_mode) else SkipReason.SPECIAL


def _files_under(root: Path, follow: bool, found: Discovery) -> Iterator[Path]:
    """Every regular file under `root` worth a look; what is not (hidden entries, links
    that are not followed, FIFOs...) goes to `found.skipped`, and folders that cannot be
    listed to `found.unreadable` (Path.rglob passes over them without a word)."""
    real_root = root.resolve()
    visited: set[tuple[int, int]] = set()  # followed links can lead back up: no loops

    def note(error: OSError) -> None:
        folder = Path(error.filename or root)
        name = _output_folder(PurePosixPath(folder.relative_to(root).as_posix()))
        found.unreadable.append(UnreadableFolder(folder, name, error.strerror or str(error)))

    for folder, folders, files in os.walk(root, onerror=note, followlinks=follow):
        here = Path(folder)
        if follow:
            with suppress(OSError):
                status = here.stat()
                visited.add((status.st_dev, status.st_ino))
        kept = []
        for name in sorted(folders):
            path = here / name
            if name.startswith("."):  # .git, OUT's bookkeeping: not read, one entry each
                found.skipped.append(SkippedFile(path, SkipReason.HIDDEN_FOLDER))
            elif path.is_symlink() and not follow:
                found.skipped.append(SkippedFile(path, SkipReason.LINKED_FOLDER))
            elif path.is_symlink() and _folder_key(path) in visited:
                found.skipped.append(SkippedFile(path, SkipReason.LINK_LOOP))
            else:
                kept.append(name)
        folders[:] = kept
        for name in files:
            path = here / name
            reason = (
                SkipReason.HIDDEN if name.startswith(".") else _special(path, real_root, follow)
            )
            if reason is None:
                yield path
            else:
                found.skipped.append(SkippedFile(path, reason))


def _folder_key(path: Path) -> tuple[int, int] | None:
    try:
        status = path.stat()
    except OSError:
        return None
    return status.st_dev, status.st_ino


def discover(
    paths: Iterable[Path], *, follow_symlinks: bool = False, max_bytes: int | None = None
) -> Discovery:
    """Input files under the paths, in a stable order, and every entry left out, with why.

    Inside folders only known suffixes count (so a run's own .json output is never read
    back), hidden files and folders are left out (`.git`, a run's own bookkeeping in
    `.cleaner-parts`), and so are symbolic links leading outside the folder (unless
    `follow_symlinks`), FIFOs and devices; text and HTML files over `max_bytes` on disk
    too. A file named explicitly is taken whatever its suffix, its format sniffed. Output
    names mirror the folders; inputs whose names would clash get distinct ones.
    """
    found = Discovery()
    for root in paths:
        if root.is_dir():
            for path in _files_under(root, follow_symlinks, found):
                relative = PurePosixPath(path.relative_to(root).as_posix())
                _consider(path, relative, found, max_bytes)
        elif root.is_file():
            stem, suffix = _split_name(root.name)
            kind = reader_for_suffix(suffix) or sniff_kind(root)
            if kind is None:
                found.skipped.append(SkippedFile(root, SkipReason.BINARY))
            else:
                name = _output_name(PurePosixPath(root.name), stem)
                found.files.append(InputFile(root, name, kind))
        elif root.exists():
            raise UsageError(
                f"{path_text(root)}: not a file or a folder (a FIFO, socket or device); "
                "give the files to read"
            )
        else:
            raise UsageError(f"{path_text(root)}: no such file or folder")
    found.files = _each_once(found)
    found.files.sort(key=lambda item: str(item.name))  # one canonical order
    found.skipped = _sidecars_named(found)
    found.renamed = _separate_names(found.files)
    return found


def _each_once(found: Discovery) -> list[InputFile]:
    """The inputs, a file reached twice (the same path given again, a folder and a file in
    it, a hard link) once, named whatever the order the paths were given in: as the path
    through the most folders names it (the one that mirrors its place in a folder given),
    then by name and path."""
    chosen: dict[tuple[int, int], InputFile] = {}
    once: list[InputFile] = []
    for item in found.files:
        key = _folder_key(item.path)
        if key is None:
            once.append(item)
            continue
        kept = chosen.get(key)
        if kept is None:
            chosen[key] = item
            continue
        better, other = sorted((kept, item), key=_naming_preference)
        chosen[key] = better
        found.skipped.append(SkippedFile(other.path, SkipReason.GIVEN_TWICE))
    return once + list(chosen.values())


def _naming_preference(item: InputFile) -> tuple[int, str, str]:
    return (-len(item.name.parts), str(item.name), str(item.path))


def _sidecars_named(found: Discovery) -> list[SkippedFile]:
    """The skipped files, a sidecar of an input said to be one instead of an unknown file."""
    if not any(skipped.reason is SkipReason.UNKNOWN_SUFFIX for skipped in found.skipped):
        return found.skipped  # no file that could be a sidecar: no name to work out per input
    sidecars = {sidecar_path(item.path) for item in found.files if not item.kind.is_container}
    return [
        SkippedFile(skipped.path, SkipReason.SIDECAR)
        if skipped.reason is SkipReason.UNKNOWN_SUFFIX and skipped.path in sidecars
        else skipped
        for skipped in found.skipped
    ]


def _consider(path: Path, relative: PurePosixPath, found: Discovery, max_bytes: int | None) -> None:
    stem, suffix = _split_name(path.name)
    kind = reader_for_suffix(suffix)
    if kind is None:
        found.skipped.append(SkippedFile(path, SkipReason.UNKNOWN_SUFFIX))
    elif max_bytes is not None and not kind.is_container and _size(path) > max_bytes:
        found.skipped.append(SkippedFile(path, SkipReason.TOO_LARGE))
    else:
        found.files.append(InputFile(path, _output_name(relative, stem), kind))


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0  # unreadable: the reader says why


def discover_inputs(paths: Iterable[Path]) -> list[InputFile]:
    """The input files under the paths (see `discover`), for callers that cannot go on
    without a folder they cannot list, or with a file they cannot read: an error then."""
    found = discover(paths)
    if found.unreadable:
        missed = found.unreadable[0]
        raise UsageError(
            f"{path_text(missed.path)}: cannot list this folder ({missed.reason}); "
            "fix its permissions or leave it out"
        )
    explicit = {Path(p) for p in paths}
    for skipped in found.skipped:
        if skipped.path in explicit and skipped.reason is not SkipReason.GIVEN_TWICE:
            raise UsageError(
                f"{path_text(skipped.path)}: not {formats_text()} file "
                f"({skipped.reason}); leave it out of the inputs"
            )
    return found.files


def _separate_names(found: list[InputFile]) -> list[str]:
    """Gives inputs whose outputs would clash names of their own, and says so: two inputs
    with one output name (`a.txt` beside `a.html`) take their whole file names (`a.txt`,
    `a.html`), or a hash of their path when even those clash; a file written where another
    input needs a folder (`a.txt`, written as OUT/a.txt, beside `a.txt.jsonl`, whose
    records go in OUT/a.txt/) takes a hash of its path. Deterministic: the same inputs
    get the same names, whatever order they came in."""
    notices: list[str] = []
    by_name: dict[PurePosixPath, list[int]] = {}
    for index, item in enumerate(found):
        by_name.setdefault(item.name, []).append(index)
    taken = set(by_name)
    for name, members in by_name.items():
        if len(members) < 2:
            continue
        members.sort(key=lambda index: found[index].source)  # not the order they were given
        for index in members:
            item = found[index]
            whole = name.parent / safe_name(strip_compression_suffix(item.path.name))
            if whole in taken or sum(_same_whole(found[i], whole) for i in members) > 1:
                whole = name.parent / with_hash(name.name, item.source)
            taken.add(whole)
            found[index] = InputFile(item.path, whole, item.kind)
        notices.append(
            f"{len(members)} inputs would be written as {name}: "
            + ", ".join(f"{found[i].source} as {found[i].name}" for i in members)
        )
    # As strings, not paths: a flat folder of 100,000 files needs no path object per file.
    folders = {
        folder
        for item in found
        for folder in _folders_of(str(item.name), itself=item.kind.is_container)
    }
    for index, item in enumerate(found):
        if item.kind.is_container:
            continue
        if any(f"{item.name}{s}" in folders for s in (".txt", ".json")):
            renamed = item.name.parent / with_hash(item.name.name, item.source)
            found[index] = InputFile(item.path, renamed, item.kind)
            notices.append(
                f"{item.source} would be written where another input's outputs need a "
                f"folder; written as {renamed}"
            )
    if notices:
        found.sort(key=lambda item: str(item.name))
    return notices


def _folders_of(name: str, itself: bool) -> Iterator[str]:
    """The folders an output name is written under, as `PurePosixPath(name).parents`
    gives them ("a/b/c": "a/b", "a", "."), and `name` first if `itself`."""
    if itself:
        yield name
    while "/" in name:
        name = name.rpartition("/")[0]
        yield name
    yield "."


def _same_whole(item: InputFile, whole: PurePosixPath) -> bool:
    return item.name.parent / safe_name(strip_compression_suffix(item.path.name)) == whole
