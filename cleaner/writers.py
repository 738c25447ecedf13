"""Writing results: every file lands atomically (temporary file, then rename)."""

from __future__ import annotations

import errno
import gzip
import json
import os
import re
import shutil
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from hashlib import sha256
from pathlib import Path
from typing import IO, Any, Protocol, cast

import orjson

from cleaner import __version__
from cleaner.config import DEFAULT_SHARD_SIZE, Compression, OutputFormat
from cleaner.errors import UsageError
from cleaner.interrupts import guard
from cleaner.parts import fingerprints_path, part_stem
from cleaner.sandbox import committing
from cleaner.schema import (
    REMOVAL_FIELDS,
    Audit,
    Column,
    arrow_schema,
    columns,
    corpus_row,
    input_row_id,
)
from cleaner.shards import (
    INDEX,
    OFFSET_EVERY,
    SHARDS_RECORD,
    IndexBuilder,
    IndexTask,
    PartIndex,
    ShardPlanner,
    ShardRange,
    ShardSettings,
    ShardTask,
    TaskResult,
    TaskRunner,
    index_path,
    load_index,
    load_record,
    record_entries,
    stamp,
    text_bytes,
    up_to_date,
)
from cleaner.state import REPORT_NAME, OutputFolders

#: What versions before the bookkeeping folder left in OUT: it still marks OUT as
#: cleaner's, and a run removes it (the inputs it lists are cleaned again, once).
LEGACY_MANIFEST = ".cleaner-manifest.jsonl"
LEGACY_FORMAT = ".cleaner-format"
LEGACY_PARTS = ".cleaner-parts"
LEGACY_BOOKKEEPING = (LEGACY_MANIFEST, LEGACY_FORMAT, ".cleaner-lock", ".cleaner-run", LEGACY_PARTS)


#: How a temporary file is created: new (never someone else's file, nor a link to one),
#: not inherited by processes this one starts.
_CREATE = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) | os.O_CLOEXEC
_CREATE_TRIES = 100  # names taken already (a killed run's temporaries): as many as mkstemp's


def _temporary_beside(path: Path) -> tuple[int, Path]:
    """A new file in `path`'s folder to write `path` into before renaming it: named
    `.name.XXXXXXXX.tmp` (what remove_stale_temporaries looks for), with the mode a plain
    new file gets (0o666 less the umask, as `open()` gives it). One system call: the
    folder is made only when it is missing, and no `mkstemp` with its random name
    generator, its path checks and the `fchmod` its private mode would need (a document's
    two files were a fortieth of text mode's time)."""
    folder, prefix = path.parent, f".{path.name}."
    for _ in range(_CREATE_TRIES):
        tmp = folder / f"{prefix}{os.urandom(4).hex()}.tmp"
        try:
            return os.open(tmp, _CREATE, 0o666), tmp
        except FileExistsError:
            continue
        except FileNotFoundError:  # the folder is new: made on demand, not tried every time
            if folder.is_dir():
                raise
            folder.mkdir(parents=True, exist_ok=True)
    raise FileExistsError(errno.EEXIST, "no free name for a temporary file", str(folder))


def _write_all(fd: int, data: bytes) -> None:
    """All of `data` to `fd`, and the file closed (an error closes it too)."""
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view) :]
    finally:
        os.close(fd)


def atomic_write(path: Path, data: bytes | Iterable[bytes]) -> None:
    """Write `data` (or its pieces, in turn) to `path` so that readers see the old file or
    the new one, never half."""
    fd, tmp = _temporary_beside(path)
    try:
        if isinstance(data, bytes):
            _write_all(fd, data)
        else:
            with os.fdopen(fd, "wb") as handle:
                handle.writelines(data)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def _written_beside(path: Path, data: bytes) -> Path:
    """`data` in a new temporary file beside `path`, to be renamed into place."""
    fd, tmp = _temporary_beside(path)
    try:
        _write_all(fd, data)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return tmp


def commit_pair(paths: tuple[Path, Path], data: tuple[bytes, bytes]) -> None:
    """A document's two files as one unit: both are written first, then renamed into place
    back to back with Ctrl-C and SIGTERM held, and under the worker's commit lock (the
    parent takes it before it kills the worker: sandbox.py's `committing`), so a stop
    never leaves one file of a pair new and the other old. (Only a SIGKILL from outside
    or a power cut can; the text's sha256 in the record tells, and a re-run cleans such
    a document again.)"""
    temporaries: list[Path] = []
    try:
        for path, content in zip(paths, data, strict=True):
            temporaries.append(_written_beside(path, content))
        with guard.held(), committing():
            for tmp, path in zip(temporaries, paths, strict=True):
                os.replace(tmp, path)
    except BaseException:
        for tmp in temporaries:
            tmp.unlink(missing_ok=True)
        raise


def txt_paths(out: Path, doc_id: str) -> tuple[Path, Path]:
    """The txt layout's two files for a document: its clean text and its metadata."""
    return out / f"{doc_id}.txt", out / f"{doc_id}.json"


def to_json(value: Any) -> str:
    """Stable JSON: same value, same bytes. orjson writes exactly what
    `json.dumps(value, ensure_ascii=False, indent=2)` would, ten times faster (indented
    output is pure Python in the standard library); values it refuses (integers beyond
    64 bits from an input's own fields) go through the standard library."""
    try:
        return orjson.dumps(value, option=orjson.OPT_INDENT_2).decode("utf-8") + "\n"
    except (TypeError, orjson.JSONEncodeError):
        return json.dumps(value, ensure_ascii=False, indent=2) + "\n"


@dataclass(frozen=True, slots=True)
class StoredDocument:
    """A document an earlier run wrote, read back for a re-run that reuses its input."""

    id: str
    text: str = ""
    record: dict[str, Any] = field(default_factory=dict)
    error: str = ""  # why it could not be read back; then text and record are empty


class Writer(Protocol):
    """A layout of OUT: where each input's documents go, and how a re-run finds them.

    Workers write: `begin_input`, a `write` per document, `finish_input` (or
    `abandon_input` when it cannot be finished), each input whole in one worker. The driver
    then records the dedup stage's answers (`record_duplicates`), and `close` ends the run."""

    folders: OutputFolders  # OUT, and the state folder of its bookkeeping

    def begin_input(self, name: str) -> None:
        """Input `name`'s documents come next."""

    def write(self, text: str, record: dict[str, Any]) -> None:
        """A document cleaned in this run."""

    def finish_input(self, name: str) -> None:
        """Every document of input `name` has been written."""

    def abandon_input(self) -> None:
        """The input being written cannot be finished (an error): what is half done goes."""

    def rewrite(self, name: str, stored: Sequence[StoredDocument]) -> None:
        """An input's stored documents again, with changed records (its path moved)."""

    def read_back(self, name: str, doc_ids: Sequence[str]) -> Iterator[StoredDocument]:
        """The outputs input `name` made in an earlier run, one per id and in that order."""

    def row_id(self, record: dict[str, Any]) -> str | None:
        """What this layout calls a document where it is not its cleaner id (`id`): the
        name other documents' `duplicate_of` gives it."""

    def record_duplicates(self, name: str, decisions: Sequence[Duplicate]) -> None:
        """The dedup stage's answer for each document of input `name`, in order."""

    def drop_documents(self, doc_ids: Iterable[str]) -> None:
        """Documents the current run no longer writes (stale, or duplicates to drop)."""

    def drop_input(self, name: str, doc_ids: Iterable[str]) -> None:
        """Every output of an input that is gone (--prune)."""

    def close(
        self, names: Sequence[str], drop_duplicates: bool, run_tasks: TaskRunner | None = None
    ) -> None:
        """End of the run; `names`: the inputs whose outputs OUT holds, in canonical order;
        `run_tasks`: runs tasks of the layout's own (its shards) on the workers."""


@dataclass(frozen=True, slots=True)
class Duplicate:
    """The dedup stage's answer for one document: what OUT says now, and what it should."""

    id: str
    stored: str | None  # duplicate_of as written
    decided: str | None  # duplicate_of as the dedup stage found it

    @property
    def changed(self) -> bool:
        return self.stored != self.decided


class TxtWriter:
    """OUT/<id>.txt (clean text) and OUT/<id>.json (metadata) per document: each file is
    an output, so a re-run updates OUT in place."""

    def __init__(self, folders: OutputFolders) -> None:
        self.folders = folders
        self.out = folders.out

    def begin_input(self, name: str) -> None:
        pass

    def write(self, text: str, record: dict[str, Any]) -> None:
        commit_pair(
            txt_paths(self.out, record["id"]),
            (text.encode("utf-8"), to_json(record).encode("utf-8")),
        )

    def finish_input(self, name: str) -> None:
        pass

    def abandon_input(self) -> None:
        pass  # each pair landed whole or not at all

    def rewrite(self, name: str, stored: Sequence[StoredDocument]) -> None:
        for found in stored:
            _, record_path = txt_paths(self.out, found.id)
            atomic_write(record_path, to_json(found.record).encode("utf-8"))

    def read_back(self, name: str, doc_ids: Sequence[str]) -> Iterator[StoredDocument]:
        """Every document's pair, checked to belong together: a pair split by SIGKILL
        between its two renames (a new .txt beside an old .json) is an error."""
        for doc_id in doc_ids:
            text_path, record_path = txt_paths(self.out, doc_id)
            try:
                data = text_path.read_bytes()
                record = json.loads(record_path.read_text(encoding="utf-8"))
                text = data.decode("utf-8")
            except (OSError, ValueError) as exc:  # changed or removed since the run began
                yield StoredDocument(doc_id, error=str(exc))
                continue
            if not isinstance(record, dict) or record.get("sha256") != sha256(data).hexdigest():
                yield StoredDocument(doc_id, error=f"{text_path} does not match its .json")
                continue
            yield StoredDocument(doc_id, text, record)

    def row_id(self, record: dict[str, Any]) -> str | None:
        return None  # files are named by cleaner's id

    def record_duplicates(self, name: str, decisions: Sequence[Duplicate]) -> None:
        """Rewrites the .json of each document whose answer changed (a document just
        cleaned was written with none)."""
        for decision in decisions:
            if not decision.changed:
                continue
            _, record_path = txt_paths(self.out, decision.id)
            record = json.loads(record_path.read_text(encoding="utf-8"))
            record["duplicate_of"] = decision.decided
            atomic_write(record_path, to_json(record).encode("utf-8"))

    def drop_documents(self, doc_ids: Iterable[str]) -> None:
        for doc_id in doc_ids:
            for path in txt_paths(self.out, doc_id):
                path.unlink(missing_ok=True)
            _remove_empty_folders(self.out, txt_paths(self.out, doc_id)[0].parent)

    def drop_input(self, name: str, doc_ids: Iterable[str]) -> None:
        self.drop_documents(doc_ids)
        fingerprints_path(self.folders.state, name).unlink(missing_ok=True)

    def close(
        self, names: Sequence[str], drop_duplicates: bool, run_tasks: TaskRunner | None = None
    ) -> None:
        pass


def _remove_empty_folders(out: Path, folder: Path) -> None:
    """`folder` and the folders above it, up to OUT, as long as they are empty."""
    while folder != out and folder.is_relative_to(out):
        try:
            folder.rmdir()
        except OSError:  # not empty (or gone): the folders above are not empty either
            return
        folder = folder.parent


class _StreamingFile:
    """A file built up in a temporary file, renamed into place when finished."""

    def __init__(self, path: Path, mode: str) -> None:
        self.path = path
        fd, self.tmp = _temporary_beside(path)
        self.handle: IO[Any] = (
            os.fdopen(fd, mode)
            if "b" in mode
            else os.fdopen(fd, mode, encoding="utf-8", newline="\n")
        )

    def finish(self) -> None:
        self.handle.close()
        os.replace(self.tmp, self.path)


class _PartsWriter:
    """The corpus layouts (JSON Lines, Parquet). Each input's documents first go to a part
    of their own, <state>/parts/<hash of the input's name>.jsonl, written by the
    worker that cleans the input and renamed into place when it is done, with its index
    beside it (shards.py: what the driver plans the shards from, without reading the
    part); the dedup stage's answers for the input go beside it too (`.dups`, only when it
    has duplicates). At the end of the run the driver plans the shards and the workers
    write them from the parts, in canonical order and with those answers (`close`). A
    re-run reuses an unchanged input's part, and a run killed at any moment keeps the
    parts of the inputs it finished. The parts take about as much room as the shards."""

    SUFFIX: str  # of a shard's name, before a compression suffix
    FORMAT: OutputFormat

    def __init__(
        self,
        folders: OutputFolders,
        audit: Audit = Audit.FULL,
        shard_size: int = DEFAULT_SHARD_SIZE,
        compression: Compression = Compression.AUTO,
        shard_bytes: int = 0,
    ) -> None:
        self.folders = folders
        self.out = folders.out  # the shards; the parts are in the state folder
        self.shard_bytes = shard_bytes
        self.audit = audit  # what the shards keep of each audit (parts keep it all)
        self.shard_size = shard_size
        self.compression = compression
        self._part: _StreamingFile | None = None
        self._index: IndexBuilder | None = None
        #: The input's other fields, and the one type each has in every shard.
        self.extra_kinds: dict[str, str] = {}

    def shard_name(self, index: int) -> str:
        return f"{SHARD_STEM}-{index:05d}{self.SUFFIX}"

    def part_path(self, name: str) -> Path:
        return part_stem(self.folders.state, name).with_suffix(".jsonl")

    def duplicates_path(self, name: str) -> Path:
        return part_stem(self.folders.state, name).with_suffix(".dups")

    def begin_input(self, name: str) -> None:
        path = self.part_path(name)
        path.parent.mkdir(parents=True, exist_ok=True)
        self._part = _StreamingFile(path, "wb")
        self._index = IndexBuilder()

    def write(self, text: str, record: dict[str, Any]) -> None:
        assert self._part is not None and self._index is not None, "begin_input comes first"
        line = {"text": text, **record}
        data = (json.dumps(line, ensure_ascii=False) + "\n").encode("utf-8")
        self._part.handle.write(data)
        self._index.add(line, data)

    def finish_input(self, name: str) -> None:
        """The part, and its index first (one that lands without its part, a worker killed
        between the renames, does not match the part: it is made again, see shards.py)."""
        assert self._part is not None and self._index is not None, "begin_input comes first"
        part, index = self._part, self._index
        self._part = self._index = None
        try:
            part.handle.close()
            atomic_write(index_path(self.folders.state, name), index.build().to_bytes())
            os.replace(part.tmp, part.path)
        except BaseException:
            part.tmp.unlink(missing_ok=True)
            raise

    def abandon_input(self) -> None:
        if self._part is not None:
            self._part.handle.close()
            self._part.tmp.unlink(missing_ok=True)
            self._part = self._index = None

    def rewrite(self, name: str, stored: Sequence[StoredDocument]) -> None:
        self.begin_input(name)
        try:
            for found in stored:
                self.write(found.text, found.record)
        except BaseException:
            self.abandon_input()
            raise
        self.finish_input(name)

    def read_back(self, name: str, doc_ids: Sequence[str]) -> Iterator[StoredDocument]:
        path = self.part_path(name)
        wanted = iter(doc_ids)
        try:
            with path.open(encoding="utf-8") as handle:
                # Lines first: when the part runs out, no id has been taken from `wanted`.
                for line, doc_id in zip(handle, wanted, strict=False):
                    yield _stored(doc_id, line)
        except (OSError, UnicodeDecodeError) as exc:
            yield from (StoredDocument(doc_id, error=str(exc)) for doc_id in wanted)
            return
        yield from (StoredDocument(doc_id, error=f"missing from {path}") for doc_id in wanted)

    def row_id(self, record: dict[str, Any]) -> str | None:
        return input_row_id(record)  # a row's `id` is the input's own id where it had one

    def record_duplicates(self, name: str, decisions: Sequence[Duplicate]) -> None:
        """The input's duplicates, beside its part (a part's records are as the worker
        wrote them; the answers can change from run to run without the input changing)."""
        found = {d.id: d.decided for d in decisions if d.decided is not None}
        path = self.duplicates_path(name)
        if not found:
            path.unlink(missing_ok=True)
            return
        data = orjson.dumps(found) + b"\n"
        if _read_or_none(path) != data:
            atomic_write(path, data)

    def drop_documents(self, doc_ids: Iterable[str]) -> None:
        pass  # an input's part is written whole: what it no longer makes is not in it

    def drop_input(self, name: str, doc_ids: Iterable[str]) -> None:
        self.part_path(name).unlink(missing_ok=True)
        index_path(self.folders.state, name).unlink(missing_ok=True)
        self.duplicates_path(name).unlink(missing_ok=True)
        fingerprints_path(self.folders.state, name).unlink(missing_ok=True)

    def close(
        self, names: Sequence[str], drop_duplicates: bool, run_tasks: TaskRunner | None = None
    ) -> None:
        """The shards, from the parts in canonical order: `shard_size` documents each, or
        fewer once their text reaches `shard_bytes` (the last one fewer; one shard, empty,
        for no document), named by their place, so the same inputs give the same files.

        Planned here from the parts' indexes, written by the workers (`run_tasks`; here
        if None): each shard lands whole (a temporary file renamed), and one whose plan
        and file are those the last run recorded is left as it is. Shards of an earlier
        run beyond the new last one are removed. A run killed while the shards are
        written leaves a mix of old and new, which the next run writes again."""
        run_tasks = run_tasks or _run_here
        # A part can only be missing for an input gone since an earlier run (an orphan)
        # whose part was removed by hand: its documents are gone with it.
        parts = [name for name in names if self.part_path(name).is_file()]
        planner = self._plan(parts, drop_duplicates)
        if isinstance(planner, list):  # parts with no index that matches them
            tasks = [IndexTask(n, self.folders, name) for n, name in enumerate(planner)]
            self._run(run_tasks, tasks)
            planner = self._plan(parts, drop_duplicates)
            if isinstance(planner, list):
                raise UsageError(
                    f"{self.part_path(planner[0])} (the part of input {planner[0]}) changed "
                    "while the run wrote the shards; run again"
                )
        extra_kinds = planner.extra_kinds()
        self.extra_kinds = dict(extra_kinds)
        settings = ShardSettings(
            self.FORMAT, self.audit, self.compression, drop_duplicates, extra_kinds
        )
        files = [self.shard_name(number) for number in range(len(planner.shards))]
        planned = planner.tasks(self.folders, files, settings)
        record_path = self.folders.state / SHARDS_RECORD
        record = load_record(record_path)
        self._run(
            run_tasks,
            [task for task, plan in planned if not up_to_date(record, self.out, task.file, plan)],
        )
        keep = set(files)
        for path in corpus_files(self.out):
            if path.name not in keep:
                path.unlink()
        self.finish_shards(len(files))
        entries = orjson.dumps(record_entries(self.out, planned)) + b"\n"
        if _read_or_none(record_path) != entries:
            atomic_write(record_path, entries)

    def _plan(self, parts: Sequence[str], drop_duplicates: bool) -> ShardPlanner | list[str]:
        """The shards, planned from the parts' indexes (read one at a time); or the parts
        whose index is missing or does not match them (a part of an earlier version, or
        copied without it), for the workers to index first."""
        planner = ShardPlanner(self.shard_size, self.shard_bytes, self.audit, drop_duplicates)
        missing = []
        for name in parts:
            index = load_index(self.folders.state, name, self.part_path(name))
            if index is None:
                missing.append(name)
            elif not missing:
                answers = _read_or_none(self.duplicates_path(name))
                duplicates = _answers(self.duplicates_path(name), answers)
                planner.add(name, index, duplicates, stamp(index, answers))
        return missing or planner

    def _run(self, run_tasks: TaskRunner, tasks: Sequence[ShardTask | IndexTask]) -> None:
        """Tasks on the workers; a damaged part stops the run with what the task said.
        What a worker killed mid-task left (a temporary file) goes: it is never read, and
        its task was done again."""
        try:
            for result in run_tasks(tasks):
                if result.error:
                    raise UsageError(result.error)
        finally:
            _remove_temporaries(self.out, f".{SHARD_STEM}-*.tmp")
            _remove_temporaries(self.folders.parts, f".*{INDEX}.*.tmp")

    def finish_shards(self, count: int) -> None:
        """What the layout writes beside its shards once they are all there."""

    def shaped(self, rows: Iterable[dict[str, Any]]) -> Iterator[dict[str, Any]]:
        """The rows with the fields of no one type (`extra_kinds`) as JSON text."""
        as_json = [key for key, kind in self.extra_kinds.items() if kind == "json"]
        for row in rows:
            for key in as_json:
                if row.get(key) is not None:
                    row[key] = json.dumps(row[key], ensure_ascii=False)
            yield row

    def write_shard(self, handle: IO[bytes], rows: Iterable[dict[str, Any]]) -> None:
        raise NotImplementedError

    def write_planned(self, task: ShardTask) -> None:
        """A worker's part of `close`: one shard, from its ranges of parts, into a
        temporary file renamed into place once whole (a worker that dies leaves only the
        temporary file, which the run removes, and its shard is written again)."""
        self.extra_kinds = dict(task.settings.extra_kinds)
        final = _StreamingFile(self.out / task.file, "wb")
        try:
            rows = self.planned_rows(task.ranges, task.settings.drop_duplicates)
            self.write_shard(final.handle, self.shaped(rows))
        except BaseException:
            final.handle.close()
            final.tmp.unlink(missing_ok=True)
            raise
        final.finish()

    def planned_rows(
        self, ranges: Iterable[ShardRange], drop_duplicates: bool
    ) -> Iterator[dict[str, Any]]:
        """A shard's rows, in order: its ranges' records with the dedup stage's answers,
        shaped by `schema.corpus_row` (the input's own id, `--audit`). Each line is checked
        against the part's index, from which the driver planned the shard."""
        for found in ranges:
            part = self.part_path(found.name)
            index = load_index(self.folders.state, found.name, part)
            if index is None:
                self._unmatched(found.name)
            assert index is not None
            duplicates = _answers(self.duplicates_path(found.name))
            with part.open("rb") as handle:
                for number, line in _lines(handle, index, found):
                    record = _part_line(part, found.name, number + 1, line)
                    text = record.pop("text", "")
                    if (
                        str(record.get("id", "")) != index.ids[number]
                        or text_bytes(text) != index.text_bytes[number]
                    ):
                        self._unmatched(found.name)
                    record["duplicate_of"] = duplicates.get(str(record.get("id", "")))
                    if drop_duplicates and record["duplicate_of"]:
                        continue
                    yield corpus_row(text if isinstance(text, str) else "", record, self.audit)

    def _unmatched(self, name: str) -> None:
        """A part that no longer matches its index (changed since the shards were planned,
        or a worker killed between writing the two): the index goes, and the next run
        makes it again."""
        index_path(self.folders.state, name).unlink(missing_ok=True)
        raise UsageError(
            f"{self.part_path(name)} (the part of input {name}) does not match its index; "
            "run again to index it anew"
        )


def _lines(handle: IO[bytes], index: PartIndex, found: ShardRange) -> Iterator[tuple[int, bytes]]:
    """Lines `found.start` to `found.stop` of a part (numbered from 0), reached through the
    offsets its index notes."""
    block = min(found.start // OFFSET_EVERY, len(index.offsets) - 1) if index.offsets else 0
    if index.offsets:
        handle.seek(index.offsets[block])
    for number, line in enumerate(handle, block * OFFSET_EVERY):
        if number >= found.stop:
            return
        if number >= found.start:
            yield number, line


def index_part(folders: OutputFolders, name: str) -> None:
    """A worker's part of `close` for a part with no index that matches it: the part read
    and indexed anew (an OUT of an earlier version, or one copied without keeping times)."""
    writer = _PartsWriter(folders)
    part = writer.part_path(name)
    builder = IndexBuilder()
    with part.open("rb") as handle:
        for number, line in enumerate(handle, 1):
            builder.add(_part_line(part, name, number, line), line)
    atomic_write(index_path(folders.state, name), builder.build().to_bytes())


def run_task(task: ShardTask | IndexTask) -> TaskResult:
    """A shard or index task, where a worker runs it: a damaged part is its result's error
    (an error of OUT's file system is raised)."""
    try:
        if isinstance(task, IndexTask):
            index_part(task.folders, task.name)
        else:
            settings = task.settings
            writer = SINGLE_FILE_WRITERS[settings.output_format](
                task.folders, settings.audit, compression=settings.compression
            )
            writer.write_planned(task)
    except UsageError as exc:
        return TaskResult(task.index, str(exc))
    return TaskResult(task.index)


def _run_here(tasks: Sequence[ShardTask | IndexTask]) -> Iterator[TaskResult]:
    return (run_task(task) for task in tasks)


def _remove_temporaries(folder: Path, pattern: str) -> None:
    for path in folder.glob(pattern):
        path.unlink(missing_ok=True)


def _read_or_none(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except OSError:
        return None


def _answers(path: Path, data: bytes | None = None) -> dict[str, str]:
    """An input's duplicates (id -> the document it duplicates), from its `.dups` file
    (or `data`, its bytes, already read); {} when it has none."""
    if data is None:
        data = _read_or_none(path)
    if data is None:
        return {}
    try:
        found = orjson.loads(data)
    except orjson.JSONDecodeError as exc:
        raise UsageError(f"{path}: damaged ({exc}); run again to redo it") from None
    return found if isinstance(found, dict) else {}


def _stored(doc_id: str, line: str) -> StoredDocument:
    try:
        data = json.loads(line)
        text = data.pop("text")
    except (ValueError, AttributeError, KeyError) as exc:
        return StoredDocument(doc_id, error=f"not a stored document: {exc}")
    if not isinstance(text, str) or data.get("id") != doc_id:
        return StoredDocument(doc_id, error="its stored record does not match the manifest")
    return StoredDocument(doc_id, text, data)


class JsonlWriter(_PartsWriter):
    """OUT/documents-00000.jsonl.gz...: one object per line, `text` first, then the
    metadata; gzip by default (`--compression`: zstd, or none)."""

    SUFFIX = ".jsonl"
    FORMAT = OutputFormat.JSONL

    def shard_name(self, index: int) -> str:
        return (
            super().shard_name(index)
            + {
                Compression.AUTO: ".gz",
                Compression.GZIP: ".gz",
                Compression.ZSTD: ".zst",
                Compression.NONE: "",
            }[self.compression]
        )

    def write_shard(self, handle: IO[bytes], rows: Iterable[dict[str, Any]]) -> None:
        with _compressed(handle, self.compression) as stream:
            for row in rows:
                stream.write(json.dumps(row, ensure_ascii=False).encode("utf-8") + b"\n")

    def finish_shards(self, count: int) -> None:
        """The shards' features for `datasets.load_dataset(OUT)`, so that every shard loads
        with the same column types (JSON Lines carries no types of its own): they name the
        shards and every column's type. Beside OUT's own state, a dataset card,
        OUT/README.md, with them in its YAML header. Beside a state apart, whose OUT holds
        the data alone, `OUT/.huggingface.yaml` (which `datasets` reads too) with them as
        one line of JSON: a reader of every file in OUT, such as datatrove's
        `JsonlReader(OUT)`, finds a single line there, a record without text, which it
        skips (with one warning), where the card's lines are a warning each."""
        pattern = self.shard_name(0).replace("00000", "*")
        header = dataset_header(pattern, columns(self.audit), self.extra_kinds)
        if self.folders.state_in_out:
            name, card = DATASET_CARD, dataset_card(header, pattern, count).encode()
            other = FEATURES_FILE
        else:
            name, card = FEATURES_FILE, orjson.dumps(header) + b"\n"
            other = DATASET_CARD
        if _read_or_none(self.out / name) != card:
            atomic_write(self.out / name, card)
        # The other form, left by a run whose state was elsewhere (its state moved since).
        earlier = _read_or_none(self.out / other) or b""
        if earlier.startswith(b"{") or _CARD_MARK in earlier:
            (self.out / other).unlink()


@contextmanager
def _compressed(handle: IO[bytes], compression: Compression) -> Iterator[IO[bytes]]:
    """A stream into `handle` that compresses as `compression` says, the same bytes every
    time (gzip's header gets no time stamp and no file name)."""
    if compression in (Compression.AUTO, Compression.GZIP):
        with gzip.GzipFile(filename="", mode="wb", fileobj=handle, mtime=0) as stream:
            yield cast(IO[bytes], stream)
    elif compression is Compression.ZSTD:
        import zstandard

        with zstandard.ZstdCompressor(level=3).stream_writer(handle, closefd=False) as stream:
            yield cast(IO[bytes], stream)
    else:
        yield handle


class ParquetWriter(_PartsWriter):
    """OUT/documents-00000.parquet...: the JSON Lines columns, for dataset pipelines (needs
    pyarrow), zstd-compressed by default, in row groups of about 64 MiB of text.

    The input's other fields are columns of their own, as in JSON Lines; a field whose
    values are not all of one JSON type (or are objects or lists) holds them as JSON text,
    since a Parquet column has one type. Their types are found in a first pass over the
    parts, so that every shard has the same schema and none is held whole."""

    SUFFIX = ".parquet"
    FORMAT = OutputFormat.PARQUET
    ROW_GROUP_ROWS = 50_000
    ROW_GROUP_TEXT = 64 * 2**20  # characters of text

    def __init__(self, *args: Any, **kwargs: Any) -> None:  # _PartsWriter's
        super().__init__(*args, **kwargs)
        try:
            import pyarrow as pa
            import pyarrow.parquet as pq
        except ImportError:
            raise UsageError(
                "--format parquet needs pyarrow: pip install 'cleaner[parquet]'"
            ) from None
        self.pa, self.pq = pa, pq
        self.schema: Any = None

    def write_planned(self, task: ShardTask) -> None:
        schema = arrow_schema(self.audit)
        for key, kind in task.settings.extra_kinds:
            schema = schema.append(self.pa.field(key, _arrow_type(self.pa, kind)))
        self.schema = schema
        super().write_planned(task)

    def write_shard(self, handle: IO[bytes], rows: Iterable[dict[str, Any]]) -> None:
        codec = {Compression.AUTO: "zstd", Compression.NONE: "none"}.get(
            self.compression, self.compression.value
        )
        writer = self.pq.ParquetWriter(handle, self.schema, compression=codec)
        group: list[dict[str, Any]] = []
        text = 0
        try:
            for row in rows:
                group.append(row)
                text += len(row["text"])
                if len(group) >= self.ROW_GROUP_ROWS or text >= self.ROW_GROUP_TEXT:
                    writer.write_table(self.pa.Table.from_pylist(group, schema=self.schema))
                    group, text = [], 0
            if group:
                writer.write_table(self.pa.Table.from_pylist(group, schema=self.schema))
        finally:
            writer.close()  # also on an error: its file is then thrown away


def _arrow_type(pa: Any, kind: str) -> Any:
    return {
        "string": pa.string(),
        "json": pa.string(),
        "int": pa.int64(),
        "float": pa.float64(),
        "bool": pa.bool_(),
    }[kind]


DATASET_CARD = "README.md"
_CARD_MARK = b"\n# Cleaned documents\n\nWritten by cleaner "  # a card of ours, not a user's
#: What `datasets` reads beside (or instead of) README.md's header: YAML, of which JSON is
#: a part.
FEATURES_FILE = ".huggingface.yaml"
_CARD_TYPES = {"string": "string", "json": "string", "int": "int64", "float": "float64"}
_CARD_TYPES |= {"bool": "bool", "int64": "int64", "float64": "float64"}


def dataset_header(pattern: str, known: Sequence[Column], extra: dict[str, str]) -> dict[str, Any]:
    """What `datasets.load_dataset(OUT)` needs of a JSON Lines OUT: the shards (`pattern`),
    and the features."""
    features: list[dict[str, Any]] = []
    for column in known:
        if column.type == "list<removal>":
            fields = [
                {"name": f.name, "dtype": _CARD_TYPES.get(f.type, "string")} for f in REMOVAL_FIELDS
            ]
            features.append({"name": column.name, "list": fields})
        elif column.type.startswith("list<"):
            features.append({"name": column.name, "sequence": column.type[5:-1]})
        else:
            features.append({"name": column.name, "dtype": _CARD_TYPES.get(column.type, "string")})
    features += [{"name": key, "dtype": _CARD_TYPES[kind]} for key, kind in extra.items()]
    return {
        "configs": [
            {"config_name": "default", "data_files": [{"split": "train", "path": pattern}]}
        ],
        "dataset_info": {"features": features},
    }


def dataset_card(header: dict[str, Any], pattern: str, shards: int) -> str:
    """A Hugging Face dataset card for a JSON Lines OUT: `header` (dataset_header), and
    a word on the shards."""
    import yaml

    return (
        "---\n"
        + yaml.safe_dump(header, sort_keys=False, allow_unicode=True)
        + "---\n\n# Cleaned documents\n\n"
        + f"Written by cleaner {__version__}: {shards} shard(s) named `{pattern}`, one JSON "
        "object per line; the columns and their types are in the header above, which "
        '`datasets.load_dataset` reads. Columns: see cleaner\'s README, "What a run writes".\n'
    )


def _part_line(part: Path, name: str, number: int, line: str | bytes) -> dict[str, Any]:
    """A stored document of a part. Parts of current inputs were just written; one an
    earlier run left for an input gone since can have been damaged by hand."""
    try:
        document = json.loads(line)
    except ValueError as exc:
        document = exc
    if not isinstance(document, dict):
        raise UsageError(
            f"{part} (the part of input {name}) line {number}: damaged ({document}); delete "
            "the file, or run with --prune if its input is gone"
        )
    return document


#: The corpus layouts, by format; everything else is the txt layout.
SINGLE_FILE_WRITERS: dict[OutputFormat, type[_PartsWriter]] = {
    OutputFormat.JSONL: JsonlWriter,
    OutputFormat.PARQUET: ParquetWriter,
}
SHARD_STEM = "documents"
#: What shards (and the one file of versions before shards) look like in OUT.
_SHARD_NAME = re.compile(r"documents(?:-\d{5})?\.(jsonl(?:\.gz|\.zst)?|parquet)")


def corpus_files(out: Path) -> list[Path]:
    """OUT's JSON Lines or Parquet shards, in order (documents-00000..., and the
    documents.jsonl or .parquet of versions before shards)."""
    try:
        names = sorted(name for name in os.listdir(out) if _SHARD_NAME.fullmatch(name))
    except OSError:
        return []
    return [out / name for name in names if (out / name).is_file()]


def _saved_layout(folders: OutputFolders) -> OutputFormat | None:
    """The format saved in the state (or in OUT, by a version before the state folder);
    None if none is (an OUT of an early version), or damaged."""
    for path in (folders.format_marker, folders.out / LEGACY_FORMAT):
        try:
            return OutputFormat(path.read_text(encoding="utf-8").strip())
        except (OSError, UnicodeDecodeError, ValueError):
            continue
    return None


def report_path(folders: OutputFolders, output_format: OutputFormat | None = None) -> Path:
    """Where a run's report is: `OUT/report.json` beside the per-document files of the txt
    layout (the contract of DESIGN.md), in the state folder for JSONL and Parquet, whose
    OUT is a dataset folder that loaders read whole. Without `output_format`, that of the
    run that wrote OUT."""
    if output_format is None:
        output_format = layout_in(folders) or OutputFormat.TXT
    if output_format is OutputFormat.TXT:
        return folders.out / REPORT_NAME
    return folders.state / REPORT_NAME


def remove_legacy_bookkeeping(out: Path) -> bool:
    """Removes what an OUT of a version before the bookkeeping folder holds of it; True if
    there was any (its manifest is then gone: the next run cleans everything once)."""
    found = False
    for name in LEGACY_BOOKKEEPING:
        path = out / name
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path)
            found = True
        elif path.exists() or path.is_symlink():
            path.unlink()
            found = True
    return found


def layout_in(folders: OutputFolders) -> OutputFormat | None:
    """The layout an earlier run wrote into OUT, if any."""
    saved = _saved_layout(folders)
    if saved is not None:
        return saved
    for path in corpus_files(folders.out):
        return OutputFormat.PARQUET if path.suffix == ".parquet" else OutputFormat.JSONL
    if folders.manifest.is_file() and not any(folders.parts.glob("*.jsonl")):
        return OutputFormat.TXT
    out = folders.out
    if (out / LEGACY_MANIFEST).is_file() and not (out / LEGACY_PARTS).is_dir():
        return OutputFormat.TXT
    return None


def check_layout(folders: OutputFolders, output_format: OutputFormat) -> None:
    """One layout per OUT: a run in another format would leave the earlier one there,
    stale, beside the new one (and `cleaner report` would read the wrong one)."""
    found = layout_in(folders)
    out = folders.out
    if found is None and output_format is OutputFormat.TXT and any(folders.parts.glob("*.jsonl")):
        raise UsageError(
            f"{out} holds --format jsonl or parquet output from an earlier run; write "
            "--format txt to another folder, or empty this one first"
        )
    if found is not None and found is not output_format:
        raise UsageError(
            f"{out} holds --format {found.value} output from an earlier run; write "
            f"--format {output_format.value} to another folder, or empty this one first"
        )


def save_layout(folders: OutputFolders, output_format: OutputFormat) -> None:
    """Records OUT's format before anything else is written there (see check_layout), and
    in a state apart from OUT, which OUT it belongs to (state.check_state)."""
    if not folders.state_in_out and _read_or_none(folders.owner) != folders.owner_text().encode():
        atomic_write(folders.owner, folders.owner_text().encode("utf-8"))
    if _saved_layout(folders) is not output_format:
        atomic_write(folders.format_marker, f"{output_format.value}\n".encode())


def is_output_folder(folders: OutputFolders) -> bool:
    """Whether a run of cleaner (of this version or an earlier one) has written into OUT."""
    legacy = (LEGACY_FORMAT, LEGACY_MANIFEST)
    return folders.has_state() or any((folders.out / name).is_file() for name in legacy)


def make_writer(
    folders: OutputFolders,
    output_format: OutputFormat,
    audit: Audit = Audit.FULL,
    shard_size: int = DEFAULT_SHARD_SIZE,
    compression: Compression = Compression.AUTO,
    shard_bytes: int = 0,
) -> Writer:
    """The writer of `output_format`. The rest shapes the JSON Lines/Parquet shards only
    (workers write parts, whatever these say)."""
    corpus = SINGLE_FILE_WRITERS.get(output_format)
    if corpus is None:
        return TxtWriter(folders)
    return corpus(folders, audit, shard_size, compression, shard_bytes)


def remove_stale_temporaries(folders: OutputFolders) -> int:
    """Temporary files a killed run left behind (`.name.XXXX.tmp`), in OUT and in its state:
    never finished outputs. Only where a run wrote: elsewhere such files are someone else's."""
    removed = 0
    if not is_output_folder(folders):
        return removed
    places = [folders.out] if folders.state_in_out else [folders.out, folders.state]
    for folder in places:
        if not folder.is_dir():
            continue
        for path in folder.rglob(".*.tmp"):
            if path.is_file():
                path.unlink()
                removed += 1
    return removed
