"""Writing results: every file lands atomically (temporary file, then rename)."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any, Protocol

import orjson

from cleaner.config import OutputFormat
from cleaner.document import METADATA_KEYS
from cleaner.errors import UsageError


def _file_mode() -> int:
    """The mode `open()` would give a new file: 0o666 less the process's umask."""
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def _temporary_beside(path: Path) -> tuple[int, Path]:
    """A new file in `path`'s folder to write `path` into before renaming it: named
    `.name.XXXX.tmp` (what remove_stale_temporaries looks for), with the mode a plain new
    file gets (mkstemp makes it private)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        os.fchmod(fd, _file_mode())
    except BaseException:
        os.close(fd)
        Path(tmp).unlink(missing_ok=True)
        raise
    return fd, Path(tmp)


def atomic_write(path: Path, data: bytes) -> None:
    """Write `data` to `path` so that readers see the old file or the new one, never half."""
    fd, tmp = _temporary_beside(path)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, path)
    except BaseException:
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


class Writer(Protocol):
    def write(self, text: str, record: dict[str, Any]) -> None: ...
    def close(self) -> None: ...


class TxtWriter:
    """OUT/<id>.txt (clean text) and OUT/<id>.json (metadata) per document."""

    def __init__(self, out: Path) -> None:
        self.out = out

    def write(self, text: str, record: dict[str, Any]) -> None:
        text_path, record_path = txt_paths(self.out, record["id"])
        atomic_write(text_path, text.encode("utf-8"))
        atomic_write(record_path, to_json(record).encode("utf-8"))

    def close(self) -> None:
        pass


class _StreamingFile:
    """A file built up during the run in a temporary file, renamed into place at the end."""

    def __init__(self, path: Path, mode: str) -> None:
        self.path = path
        fd, self.tmp = _temporary_beside(path)
        self.handle = os.fdopen(
            fd, mode, **({"encoding": "utf-8", "newline": "\n"} if "b" not in mode else {})
        )

    def finish(self) -> None:
        self.handle.close()
        os.replace(self.tmp, self.path)


class JsonlWriter:
    """OUT/documents.jsonl: one object per document, `text` first, then the metadata."""

    FILE_NAME = "documents.jsonl"

    def __init__(self, out: Path) -> None:
        self.file = _StreamingFile(out / self.FILE_NAME, "w")

    def write(self, text: str, record: dict[str, Any]) -> None:
        record = {"text": text, **record}
        self.file.handle.write(json.dumps(record, ensure_ascii=False) + "\n")

    def close(self) -> None:
        self.file.finish()


class ParquetWriter:
    """OUT/documents.parquet: the JSON Lines columns, for dataset pipelines (needs pyarrow)."""

    FILE_NAME = "documents.parquet"
    BATCH = 1000

    def __init__(self, out: Path) -> None:
        try:
            import pyarrow as pa
            import pyarrow.parquet as pq
        except ImportError:
            raise UsageError(
                "--format parquet needs pyarrow: pip install 'cleaner[parquet]'"
            ) from None
        self.pa, self.pq = pa, pq
        removal = pa.struct(
            [
                ("rule", pa.string()),
                ("step", pa.string()),
                ("text", pa.string()),
                ("line", pa.int64()),
                ("reason", pa.string()),
            ]
        )
        fields = [("text", pa.string()), ("id", pa.string()), ("source", pa.string())]
        fields += [
            (key, pa.float64() if key == "language_confidence" else pa.string())
            for key in METADATA_KEYS
        ]
        fields += [
            ("words", pa.int64()),
            ("chars_in", pa.int64()),
            ("chars_out", pa.int64()),
            ("sha256", pa.string()),
            ("kept_lines", pa.list_(pa.int64())),
            ("removed", pa.list_(removal)),
            ("duplicate_of", pa.string()),
            ("warnings", pa.list_(pa.string())),
            ("extra", pa.string()),
        ]
        self.schema = pa.schema(fields)
        self.file = _StreamingFile(out / self.FILE_NAME, "wb")
        self.writer = pq.ParquetWriter(self.file.handle, self.schema)
        self.rows: list[dict[str, Any]] = []

    def write(self, text: str, record: dict[str, Any]) -> None:
        record = {"text": text, **record}
        names = set(self.schema.names)
        extra = {k: v for k, v in record.items() if k not in names}
        row = {k: v for k, v in record.items() if k in names}
        row["extra"] = json.dumps(extra, ensure_ascii=False) if extra else None
        self.rows.append(row)
        if len(self.rows) >= self.BATCH:
            self._flush()

    def _flush(self) -> None:
        if self.rows:
            self.writer.write_table(self.pa.Table.from_pylist(self.rows, schema=self.schema))
            self.rows = []

    def close(self) -> None:
        self._flush()
        self.writer.close()
        self.file.finish()


def make_writer(out: Path, output_format: OutputFormat) -> Writer:
    if output_format is OutputFormat.JSONL:
        return JsonlWriter(out)
    if output_format is OutputFormat.PARQUET:
        return ParquetWriter(out)
    return TxtWriter(out)


def remove_stale_temporaries(out: Path) -> int:
    """Temporary files a killed run left behind (`.name.XXXX.tmp`): never finished outputs."""
    removed = 0
    if out.is_dir():
        for path in out.rglob(".*.tmp"):
            if path.is_file():
                path.unlink()
                removed += 1
    return removed
