"""The corpus layouts' shards: planned by the driver, written by the workers.

A worker that writes an input's part (writers._PartsWriter) also writes the part's index
beside it, `<state>/parts/<hash>.index` (state.py): for each document its id, the UTF-8 bytes
of its text and the shape of the input's other fields (their names, in order, and the
JSON type of each value), and the byte offset of every `OFFSET_EVERY`th line. The index
names the part it describes by inode, size and modification time: one that does not
match its part (a run killed between the two renames, a part copied or edited) is not
used, and a worker indexes the part again.

After the dedup stage the driver reads the indexes (never the parts) in canonical order,
drops what `--drop-duplicates` drops, and cuts the documents into shards by
`--shard-size` and `--shard-bytes` exactly as one pass over the rows would (`ShardPlanner`);
the types of the other fields come out of the same pass. Each shard is then a task of
ranges of parts, which a worker writes to a temporary file and renames into place. A
shard whose plan (its ranges, their parts, their duplicates, the settings) and file are
those the last run recorded is left as it is.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import suppress
from dataclasses import dataclass, field
from hashlib import sha256
from pathlib import Path
from typing import Any, Protocol

import orjson

from cleaner import __version__
from cleaner.config import Compression, OutputFormat
from cleaner.parts import part_stem
from cleaner.schema import NAMES, Audit, columns
from cleaner.state import OutputFolders

INDEX = ".index"
#: The index notes the byte offset of every this many lines of its part: a shard that
#: starts inside a part seeks near its first line instead of reading the part from its start.
OFFSET_EVERY = 1024
#: What the last run wrote of each shard: its plan's digest and its file's size (in the
#: state folder).
SHARDS_RECORD = "shards.json"


def index_path(state: Path, name: str) -> Path:
    return part_stem(state, name).with_suffix(INDEX)


def json_kind(value: Any) -> str:
    """The JSON type of a value of an input's own field."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int):
        return "int"
    if isinstance(value, float):
        return "float"
    if isinstance(value, str):
        return "string"
    return "json"  # a list or an object


def arrow_kind(kinds: set[str]) -> str:
    """One column type for the JSON types a field took: numbers widen to float, anything
    else mixed (or nested) is JSON text."""
    found = kinds - {"null"}
    if not found:
        return "string"
    if found <= {"int", "float"}:
        return "float" if "float" in found else "int"
    if len(found) == 1:
        return next(iter(found))
    return "json"


Shape = tuple[tuple[str, str], ...]  # an input's other fields in a record: (name, JSON type)


@dataclass(frozen=True, slots=True)
class PartIndex:
    """What the driver needs of a part to plan the shards, without its texts."""

    part_bytes: int  # the part's size: an index of another version of it is not used
    part_sha256: str  # the part's bytes: a shard made from it depends on them
    ids: list[str]
    text_bytes: list[int]
    shapes: list[Shape]  # the distinct shapes, by first appearance
    shape_of: list[int]  # each document's shape, by its place in `shapes`
    offsets: list[int]  # byte offset of line 0, OFFSET_EVERY, 2 * OFFSET_EVERY...

    def to_bytes(self) -> bytes:
        return orjson.dumps(
            {
                "part_bytes": self.part_bytes,
                "part_sha256": self.part_sha256,
                "ids": self.ids,
                "text_bytes": self.text_bytes,
                "shapes": self.shapes,
                "shape_of": self.shape_of,
                "offsets": self.offsets,
            }
        )

    @classmethod
    def load(cls, path: Path) -> PartIndex | None:
        """The index at `path`, if it can be read and is whole; else None."""
        try:
            data = orjson.loads(path.read_bytes())
            index = cls(
                int(data["part_bytes"]),
                str(data["part_sha256"]),
                data["ids"],
                data["text_bytes"],
                [tuple((str(k), str(v)) for k, v in shape) for shape in data["shapes"]],
                data["shape_of"],
                data["offsets"],
            )
        except (OSError, orjson.JSONDecodeError, KeyError, TypeError, ValueError):
            return None
        if not len(index.ids) == len(index.text_bytes) == len(index.shape_of):
            return None
        return index


def load_index(state: Path, name: str, part: Path) -> PartIndex | None:
    """Input `name`'s part index, if it is whole and of the part's size (a worker that
    writes a shard checks each line's id and text against it as well)."""
    index = PartIndex.load(index_path(state, name))
    try:
        size = part.stat().st_size
    except OSError:
        return None
    if index is None or index.part_bytes != size:
        return None
    return index


class IndexBuilder:
    """An index, a line of its part at a time (`add` each line as it is written)."""

    def __init__(self) -> None:
        self.ids: list[str] = []
        self.text_bytes: list[int] = []
        self.shapes: dict[Shape, int] = {}
        self.shape_of: list[int] = []
        self.offsets: list[int] = []
        self.position = 0  # bytes of the part so far
        self.digest = sha256()

    def add(self, line: Mapping[str, Any], data: bytes) -> None:
        """The part's next line: as a dict (`text` and the record), and its bytes. Its
        text and fields as the shards take them (`writers._PartsWriter.planned_rows`)."""
        if len(self.ids) % OFFSET_EVERY == 0:
            self.offsets.append(self.position)
        self.position += len(data)
        self.digest.update(data)
        self.ids.append(str(line.get("id", "")))
        self.text_bytes.append(text_bytes(line.get("text")))
        shape = tuple(
            (key, json_kind(value))
            for key, value in line.items()
            if key not in NAMES and key != "input_id"
        )
        self.shape_of.append(self.shapes.setdefault(shape, len(self.shapes)))

    def build(self) -> PartIndex:
        return PartIndex(
            self.position,
            self.digest.hexdigest(),
            self.ids,
            self.text_bytes,
            list(self.shapes),
            self.shape_of,
            self.offsets,
        )


def text_bytes(text: Any) -> int:
    """The UTF-8 bytes of a part's `text` as the shards take it (not text: none)."""
    return len(text.encode("utf-8")) if isinstance(text, str) else 0


@dataclass(frozen=True, slots=True)
class ShardRange:
    """Lines `start` to `stop` (not included) of input `name`'s part."""

    name: str
    start: int
    stop: int


@dataclass(frozen=True, slots=True)
class ShardSettings:
    """What shapes every shard of a run besides its documents."""

    output_format: OutputFormat
    audit: Audit
    compression: Compression
    drop_duplicates: bool
    #: The input's other fields and the one type each has in every shard, in order.
    extra_kinds: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, slots=True)
class ShardTask:
    """A shard for a worker to write: its ranges of parts, in order, into file `file`."""

    index: int  # the shard's number (and its place for the executors)
    folders: OutputFolders  # the shard goes to OUT, its parts are in the state
    file: str
    ranges: tuple[ShardRange, ...]
    settings: ShardSettings
    # The executors' contract for a task (records to leave out): a shard has none.
    skip: frozenset[int] = frozenset()
    stopped: tuple[tuple[int, str], ...] = ()


@dataclass(frozen=True, slots=True)
class IndexTask:
    """A part whose index is missing or out of date, for a worker to index again."""

    index: int
    folders: OutputFolders
    name: str
    skip: frozenset[int] = frozenset()
    stopped: tuple[tuple[int, str], ...] = ()


@dataclass(slots=True)
class TaskResult:
    """A shard or index task, done: or why it could not be (a damaged part, a worker
    that died twice on it)."""

    index: int
    error: str = ""


class TaskRunner(Protocol):
    """Runs shard and index tasks (on the run's workers) and gives their results."""

    def __call__(self, tasks: Sequence[ShardTask | IndexTask]) -> Iterator[TaskResult]: ...


@dataclass(slots=True)
class _Shard:
    ranges: list[ShardRange] = field(default_factory=list)
    documents: int = 0
    text_bytes: int = 0
    digest: Any = field(default_factory=sha256)


class ShardPlanner:
    """The shards, cut from each part's index in canonical order: at most `most` documents
    each (0: no limit), closed once their text reaches `most_bytes` (0: no limit; the
    document that reaches it is the last); one shard, empty, for no document. And the
    types of the input's other fields, over the documents written."""

    def __init__(self, most: int, most_bytes: int, audit: Audit, drop_duplicates: bool) -> None:
        self.most, self.most_bytes = most, most_bytes
        self.drop_duplicates = drop_duplicates
        self.known = {column.name for column in columns(audit)}
        self.kinds: dict[str, set[str]] = {}
        self.shards: list[_Shard] = [_Shard()]

    def add(self, name: str, index: PartIndex, duplicates: Mapping[str, str], stamp: str) -> None:
        """Input `name`'s part; `duplicates`: the dedup stage's answers for it; `stamp`:
        what else its shards depend on (the part's and the answers' identity)."""
        shard = self.shards[-1]
        start = 0
        seen: set[int] = set()
        drop = self.drop_duplicates and duplicates
        for place, size in enumerate(index.text_bytes):
            if drop and index.ids[place] in duplicates:
                continue
            if shard.documents and (
                (self.most and shard.documents >= self.most)
                or (self.most_bytes and shard.text_bytes >= self.most_bytes)
            ):
                self._range(shard, ShardRange(name, start, place), stamp)
                shard, start = _Shard(), place
                self.shards.append(shard)
            shard.documents += 1
            shard.text_bytes += size
            shape = index.shape_of[place]
            if shape not in seen:
                seen.add(shape)
                self._kinds(index.shapes[shape])
        if start < len(index.ids):
            self._range(shard, ShardRange(name, start, len(index.ids)), stamp)

    def _range(self, shard: _Shard, found: ShardRange, stamp: str) -> None:
        shard.ranges.append(found)
        shard.digest.update(orjson.dumps([found.name, found.start, found.stop, stamp]))

    def _kinds(self, shape: Shape) -> None:
        for key, kind in shape:
            if key not in self.known:
                self.kinds.setdefault(key, set()).add(kind)

    def extra_kinds(self) -> tuple[tuple[str, str], ...]:
        return tuple((key, arrow_kind(found)) for key, found in self.kinds.items())

    def tasks(
        self, folders: OutputFolders, names: Sequence[str], settings: ShardSettings
    ) -> list[tuple[ShardTask, str]]:
        """A task per shard (`names`: the shards' file names), and its plan's digest."""
        common = orjson.dumps(
            [
                __version__,
                settings.output_format.value,
                settings.audit.value,
                settings.compression.value,
                settings.drop_duplicates,
                settings.extra_kinds,
            ]
        )
        planned = []
        for number, (shard, file) in enumerate(zip(self.shards, names, strict=True)):
            digest = shard.digest.copy()
            digest.update(common)
            task = ShardTask(number, folders, file, tuple(shard.ranges), settings)
            planned.append((task, digest.hexdigest()))
        return planned


def stamp(index: PartIndex, duplicates: bytes | None) -> str:
    """What a range of a part depends on besides its place: the part, and its answers."""
    answers = sha256(duplicates).hexdigest() if duplicates else ""
    return f"{index.part_sha256}:{answers}"


def load_record(path: Path) -> dict[str, Any]:
    """The shards the last run recorded: file name -> its plan's digest and its size."""
    try:
        found = orjson.loads(path.read_bytes())
    except (OSError, orjson.JSONDecodeError):
        return {}
    return found if isinstance(found, dict) else {}


def up_to_date(record: Mapping[str, Any], out: Path, file: str, digest: str) -> bool:
    """Whether shard `file` in OUT is, by its size, the one the last run wrote from this
    very plan (the record is written once every shard is: a run killed before has its
    shards written again). The record holds nothing of a file's inode or times, so OUT's
    bookkeeping is the same bytes for the same inputs, and a checkout of a committed OUT
    is taken as it is."""
    entry = record.get(file)
    if not isinstance(entry, dict) or entry.get("plan") != digest:
        return False
    try:
        return (out / file).stat().st_size == entry.get("bytes")
    except OSError:
        return False


def record_entries(out: Path, planned: Iterable[tuple[ShardTask, str]]) -> dict[str, Any]:
    """The record of the shards just written (or left as they were)."""
    entries: dict[str, Any] = {}
    for task, digest in planned:
        with suppress(OSError):
            entries[task.file] = {"plan": digest, "bytes": (out / task.file).stat().st_size}
    return entries
