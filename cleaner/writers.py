"""Writing results: every file lands atomically (temporary file, then rename)."""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from hashlib import sha256
from pathlib import Path
from typing import IO, Any, Protocol

import orjson

from cleaner.config import OutputFormat
from cleaner.errors import UsageError
from cleaner.interrupts import guard
from cleaner.parts import PARTS, fingerprints_path, part_stem
from cleaner.schema import Audit, arrow_schema, columns, corpus_row

MANIFEST_NAME = ".cleaner-manifest.jsonl"  # hidden: no document id can take its name
#: The --format of the run that writes OUT, saved before its first output: a run in
#: another format is refused even when the first one was killed before it finished.
FORMAT_NAME = ".cleaner-format"
LOCK_NAME = ".cleaner-lock"  # held by the run writing OUT (see runner._sole_writer)


def _file_mode() -> int:
    """The mode `open()` would give a new file: 0o666 less the process's umask."""
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def _temporary_beside(path: Path) -> tuple[int, Path]:
    """A new file in `path`'s folder to write `path` into before renaming it: named
    `.name.XXXX.tmp` (what remove_stale_temporaries looks for), with the mode a plain new
    file gets (mkstemp makes it private)."""
    try:
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    except FileNotFoundError:  # the folder is new: made on demand, not tried every time
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        os.fchmod(fd, _file_mode())
    except BaseException:
        os.close(fd)
        Path(tmp).unlink(missing_ok=True)
        raise
    return fd, Path(tmp)


def atomic_write(path: Path, data: bytes | Iterable[bytes]) -> None:
    """Write `data` (or its pieces, in turn) to `path` so that readers see the old file or
    the new one, never half."""
    fd, tmp = _temporary_beside(path)
    try:
        with os.fdopen(fd, "wb") as handle:
            if isinstance(data, bytes):
                handle.write(data)
            else:
                handle.writelines(data)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def _written_beside(path: Path, data: bytes) -> Path:
    """`data` in a new temporary file beside `path`, to be renamed into place."""
    fd, tmp = _temporary_beside(path)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return tmp


def commit_pair(paths: tuple[Path, Path], data: tuple[bytes, bytes]) -> None:
    """A document's two files as one unit: both are written first, then renamed into place
    back to back with Ctrl-C and SIGTERM held, so a signal never leaves one file of a
    pair new and the other old. (Only SIGKILL or a power cut can; the text's sha256 in the
    record tells, and a re-run cleans such a document again.)"""
    temporaries: list[Path] = []
    try:
        for path, content in zip(paths, data, strict=True):
            temporaries.append(_written_beside(path, content))
        with guard.held():
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

    out: Path  # the output folder

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

    def record_duplicates(self, name: str, decisions: Sequence[Duplicate]) -> None:
        """The dedup stage's answer for each document of input `name`, in order."""

    def drop_documents(self, doc_ids: Iterable[str]) -> None:
        """Documents the current run no longer writes (stale, or duplicates to drop)."""

    def drop_input(self, name: str, doc_ids: Iterable[str]) -> None:
        """Every output of an input that is gone (--prune)."""

    def close(self, names: Sequence[str], drop_duplicates: bool) -> None:
        """End of the run; `names`: the inputs whose outputs OUT holds, in canonical order."""


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

    def __init__(self, out: Path) -> None:
        self.out = out

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

    def close(self, names: Sequence[str], drop_duplicates: bool) -> None:
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


def _jsonl_line(text: str, record: dict[str, Any]) -> str:
    return json.dumps({"text": text, **record}, ensure_ascii=False) + "\n"


class _PartsWriter:
    """The single-file layouts. Each input's documents first go to a part of their own,
    OUT/.cleaner-parts/<hash of the input's name>.jsonl, written by the worker that cleans
    the input and renamed into place when it is done; the dedup stage's answers for the
    input go beside it (`.dups`, only when it has duplicates). At the end of the run the
    parts, in canonical order and with those answers, make the one output file. A re-run
    reuses an unchanged input's part, and a run killed at any moment keeps the parts of
    the inputs it finished. The parts take about as much room as the output file itself."""

    FILE_NAME: str
    MODE = "w"

    def __init__(self, out: Path, audit: Audit = Audit.FULL) -> None:
        self.out = out
        self.audit = audit  # what the final file keeps of each audit (parts keep it all)
        self._part: _StreamingFile | None = None

    def part_path(self, name: str) -> Path:
        return part_stem(self.out, name).with_suffix(".jsonl")

    def duplicates_path(self, name: str) -> Path:
        return part_stem(self.out, name).with_suffix(".dups")

    def begin_input(self, name: str) -> None:
        path = self.part_path(name)
        path.parent.mkdir(parents=True, exist_ok=True)
        self._part = _StreamingFile(path, "w")

    def write(self, text: str, record: dict[str, Any]) -> None:
        assert self._part is not None, "begin_input comes first"
        self._part.handle.write(_jsonl_line(text, record))

    def finish_input(self, name: str) -> None:
        assert self._part is not None, "begin_input comes first"
        self._part.finish()
        self._part = None

    def abandon_input(self) -> None:
        if self._part is not None:
            self._part.handle.close()
            self._part.tmp.unlink(missing_ok=True)
            self._part = None

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
        self.duplicates_path(name).unlink(missing_ok=True)
        fingerprints_path(self.out, name).unlink(missing_ok=True)

    def close(self, names: Sequence[str], drop_duplicates: bool) -> None:
        # A part can only be missing for an input gone since an earlier run (an orphan)
        # whose part was removed by hand: its documents are gone with it.
        parts = [(name, path) for name in names if (path := self.part_path(name)).is_file()]
        final = _StreamingFile(self.out / self.FILE_NAME, self.MODE)
        try:
            self.assemble(final, parts, drop_duplicates)
        except BaseException:
            final.handle.close()
            final.tmp.unlink(missing_ok=True)
            raise
        final.finish()

    def rows(
        self, parts: list[tuple[str, Path]], drop_duplicates: bool
    ) -> Iterator[dict[str, Any]]:
        """The final file's rows, in order: each part's records with the dedup stage's
        answers, shaped by `schema.corpus_row` (the input's own id, `--audit`)."""
        for name, part in parts:
            duplicates = _duplicates_of(self.duplicates_path(name))
            with part.open(encoding="utf-8") as handle:
                for number, line in enumerate(handle, 1):
                    record = _part_line(part, name, number, line)
                    record["duplicate_of"] = duplicates.get(str(record.get("id", "")))
                    if drop_duplicates and record["duplicate_of"]:
                        continue
                    text = record.pop("text", "")
                    yield corpus_row(text if isinstance(text, str) else "", record, self.audit)

    def assemble(
        self, final: _StreamingFile, parts: list[tuple[str, Path]], drop_duplicates: bool
    ) -> None:
        """Writes the parts' rows, in order, into the final file."""
        raise NotImplementedError


def _read_or_none(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except OSError:
        return None


def _duplicates_of(path: Path) -> dict[str, str]:
    """An input's duplicates (id -> the document it duplicates); {} when it has none."""
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
    """OUT/documents.jsonl: one object per document, `text` first, then the metadata."""

    FILE_NAME = "documents.jsonl"

    def assemble(
        self, final: _StreamingFile, parts: list[tuple[str, Path]], drop_duplicates: bool
    ) -> None:
        for row in self.rows(parts, drop_duplicates):
            final.handle.write(json.dumps(row, ensure_ascii=False) + "\n")


class ParquetWriter(_PartsWriter):
    """OUT/documents.parquet: the JSON Lines columns, for dataset pipelines (needs pyarrow).

    The input's other fields are columns of their own, as in JSON Lines; a field whose
    values are not all of one JSON type (or are objects or lists) holds them as JSON text,
    since a Parquet column has one type. Its types are found in a first pass over the
    parts, so the file is written in batches, never held whole."""

    FILE_NAME = "documents.parquet"
    MODE = "wb"
    BATCH = 1000

    def __init__(self, out: Path, audit: Audit = Audit.FULL) -> None:
        super().__init__(out, audit)
        try:
            import pyarrow as pa
            import pyarrow.parquet as pq
        except ImportError:
            raise UsageError(
                "--format parquet needs pyarrow: pip install 'cleaner[parquet]'"
            ) from None
        self.pa, self.pq = pa, pq

    def assemble(
        self, final: _StreamingFile, parts: list[tuple[str, Path]], drop_duplicates: bool
    ) -> None:
        known = {column.name for column in columns(self.audit)}
        kinds: dict[str, set[str]] = {}
        for row in self.rows(parts, drop_duplicates):
            for key, value in row.items():
                if key not in known:
                    kinds.setdefault(key, set()).add(_json_kind(value))
        extra_types = {key: _arrow_type(self.pa, found) for key, found in kinds.items()}
        schema = arrow_schema(self.audit)
        for key, arrow_type in extra_types.items():
            schema = schema.append(self.pa.field(key, arrow_type))
        as_json = {key for key, found in kinds.items() if _arrow_kind(found) == "json"}
        writer = self.pq.ParquetWriter(final.handle, schema)
        batch: list[dict[str, Any]] = []
        try:
            for row in self.rows(parts, drop_duplicates):
                for key in as_json:
                    if row.get(key) is not None:
                        row[key] = json.dumps(row[key], ensure_ascii=False)
                batch.append(row)
                if len(batch) >= self.BATCH:
                    writer.write_table(self.pa.Table.from_pylist(batch, schema=schema))
                    batch = []
            if batch:
                writer.write_table(self.pa.Table.from_pylist(batch, schema=schema))
        finally:
            writer.close()  # also on an error: its file is then thrown away


def _json_kind(value: Any) -> str:
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


def _arrow_kind(kinds: set[str]) -> str:
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


def _arrow_type(pa: Any, kinds: set[str]) -> Any:
    return {
        "string": pa.string(),
        "json": pa.string(),
        "int": pa.int64(),
        "float": pa.float64(),
        "bool": pa.bool_(),
    }[_arrow_kind(kinds)]


def _part_line(part: Path, name: str, number: int, line: str) -> dict[str, Any]:
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


#: The single-file layouts, by format; everything else is the txt layout.
SINGLE_FILE_WRITERS: dict[OutputFormat, type[_PartsWriter]] = {
    OutputFormat.JSONL: JsonlWriter,
    OutputFormat.PARQUET: ParquetWriter,
}


def _saved_layout(out: Path) -> OutputFormat | None:
    """The format saved in OUT; None if none is (an OUT of an earlier version), or damaged."""
    try:
        return OutputFormat((out / FORMAT_NAME).read_text(encoding="utf-8").strip())
    except (OSError, UnicodeDecodeError, ValueError):
        return None


def layout_in(out: Path) -> OutputFormat | None:
    """The layout an earlier run wrote into OUT, if any."""
    saved = _saved_layout(out)
    if saved is not None:
        return saved
    for output_format, writer in SINGLE_FILE_WRITERS.items():
        if (out / writer.FILE_NAME).is_file():
            return output_format
    if (out / MANIFEST_NAME).is_file() and not any((out / PARTS).glob("*.jsonl")):
        return OutputFormat.TXT
    return None


def check_layout(out: Path, output_format: OutputFormat) -> None:
    """One layout per OUT: a run in another format would leave the earlier one there,
    stale, beside the new one (and `cleaner report` would read the wrong one)."""
    found = layout_in(out)
    if found is None and output_format is OutputFormat.TXT and any((out / PARTS).glob("*.jsonl")):
        raise UsageError(
            f"{out} holds --format jsonl or parquet output from an earlier run; write "
            "--format txt to another folder, or empty this one first"
        )
    if found is not None and found is not output_format:
        raise UsageError(
            f"{out} holds --format {found.value} output from an earlier run; write "
            f"--format {output_format.value} to another folder, or empty this one first"
        )


def save_layout(out: Path, output_format: OutputFormat) -> None:
    """Records OUT's format before anything else is written there (see check_layout)."""
    if _saved_layout(out) is not output_format:
        atomic_write(out / FORMAT_NAME, f"{output_format.value}\n".encode())


def is_output_folder(out: Path) -> bool:
    """Whether a run of cleaner has written into OUT."""
    return (out / FORMAT_NAME).is_file() or (out / MANIFEST_NAME).is_file()


def make_writer(out: Path, output_format: OutputFormat, audit: Audit = Audit.FULL) -> Writer:
    """The writer of `output_format`; `audit` shapes the final JSONL/Parquet file only."""
    single_file = SINGLE_FILE_WRITERS.get(output_format)
    return single_file(out, audit) if single_file is not None else TxtWriter(out)


def remove_stale_temporaries(out: Path) -> int:
    """Temporary files a killed run left behind (`.name.XXXX.tmp`): never finished outputs.
    Only in a folder a run wrote into: elsewhere such files are someone else's."""
    removed = 0
    if out.is_dir() and is_output_folder(out):
        for path in out.rglob(".*.tmp"):
            if path.is_file():
                path.unlink()
                removed += 1
    return removed
