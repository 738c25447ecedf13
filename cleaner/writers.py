"""Writing results: every file lands atomically (temporary file, then rename)."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path, PurePosixPath
from typing import Any, Protocol

from cleaner.document import Document
from cleaner.pipeline import document_record


def atomic_write(path: Path, data: bytes) -> None:
    """Write `data` to `path` so that readers see the old file or the new one, never half."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def to_json(value: Any) -> str:
    """Stable JSON: same value, same bytes."""
    return json.dumps(value, ensure_ascii=False, indent=2) + "\n"


class Writer(Protocol):
    def write(self, name: PurePosixPath, doc: Document) -> list[Path]: ...
    def close(self) -> list[Path]: ...


class TxtWriter:
    """OUT/<name>.txt (clean text) and OUT/<name>.json (metadata) per document."""

    def __init__(self, out: Path) -> None:
        self.out = out

    def write(self, name: PurePosixPath, doc: Document) -> list[Path]:
        text_path = self.out / f"{name}.txt"
        meta_path = self.out / f"{name}.json"
        atomic_write(text_path, doc.text.encode("utf-8"))
        atomic_write(meta_path, to_json(document_record(doc)).encode("utf-8"))
        return [text_path, meta_path]

    def close(self) -> list[Path]:
        return []


class JsonlWriter:
    """OUT/documents.jsonl: one object per document, `text` first, then the metadata.

    Lines stream into a temporary file that replaces the old one only when the run closes.
    """

    FILE_NAME = "documents.jsonl"

    def __init__(self, out: Path) -> None:
        self.path = out / self.FILE_NAME
        out.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=out, prefix=f".{self.FILE_NAME}.", suffix=".tmp")
        self.tmp = Path(tmp)
        self.handle = os.fdopen(fd, "w", encoding="utf-8", newline="\n")

    def write(self, name: PurePosixPath, doc: Document) -> list[Path]:
        record = {"text": doc.text, **document_record(doc)}
        self.handle.write(json.dumps(record, ensure_ascii=False) + "\n")
        return []

    def close(self) -> list[Path]:
        self.handle.close()
        os.replace(self.tmp, self.path)
        return [self.path]
