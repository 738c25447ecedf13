"""The manifest (state.py): which input made which outputs, under which rules and settings.

A re-run skips an input whose bytes and settings are unchanged and whose outputs are all
there (the writer of OUT's layout says), re-cleans the rest, and removes outputs no input
makes any more. Entries are saved as inputs finish, so a run killed at any moment resumes
where it stopped.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

import orjson

from cleaner import __version__
from cleaner.config import Config
from cleaner.corpus import CorpusTable
from cleaner.state import MANIFEST_NAME
from cleaner.writers import atomic_write

FORMAT_VERSION = 1


@dataclass(slots=True)
class DocumentEntry:
    id: str
    rules_fired: dict[str, int] = field(default_factory=dict)
    rule_timeouts: dict[str, int] = field(default_factory=dict)
    stats: dict[str, float] = field(default_factory=dict)  # step counts (report.step_counts)


@dataclass(slots=True)
class InputEntry:
    """One input: its content hash, the settings it was cleaned with, what it wrote."""

    sha256: str
    settings: str
    documents: list[DocumentEntry] = field(default_factory=list)
    skipped: dict[str, int] = field(default_factory=dict)
    complete: bool = True  # False: a document failed; the input is cleaned again next time
    source: str = ""  # the input's path as that run was given it (records name it)

    def to_dict(self) -> dict[str, Any]:
        """As `dataclasses.asdict` would, a tenth of the cost (a line per input)."""
        return {
            "source": self.source,
            "sha256": self.sha256,
            "settings": self.settings,
            "documents": [
                {
                    "id": d.id,
                    "rules_fired": d.rules_fired,
                    "rule_timeouts": d.rule_timeouts,
                    "stats": d.stats,
                }
                for d in self.documents
            ],
            "skipped": self.skipped,
            "complete": self.complete,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> InputEntry:
        docs = [DocumentEntry(**d) for d in data.get("documents", [])]
        unsafe = next((d.id for d in docs if not safe_output_id(d.id)), None)
        if unsafe is not None:
            raise ValueError(f"document id {unsafe!r} would be written outside OUT")
        return cls(
            sha256=data["sha256"],
            settings=data["settings"],
            documents=docs,
            skipped=dict(data.get("skipped", {})),
            complete=bool(data.get("complete", True)),
            source=str(data.get("source", "")),
        )


def safe_output_id(doc_id: object) -> bool:
    """A document id as the readers make them: a relative path that stays inside OUT.
    The manifest's ids name files to delete, and a manifest can be edited by hand."""
    if not isinstance(doc_id, str) or "\\" in doc_id or "\0" in doc_id:
        return False
    return all(part not in ("", ".", "..") for part in doc_id.split("/"))  # "/x": "" first


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def settings_digest(config: Config, rules_sha256: str, corpus: CorpusTable | None) -> str:
    """Everything besides an input's bytes that its output depends on."""
    settings = {
        "version": __version__,
        "rules": rules_sha256,
        # Rules count by content. A document over the time limit fails, and a failure
        # makes its input be cleaned again anyway: the limit itself changes no output.
        # --audit, --shard-size and --compression shape only the JSONL/Parquet shards,
        # made from the parts at every run's end.
        # The corpus pass's own settings count only when it runs (its table, below).
        "config": config.model_dump(
            mode="json",
            exclude={
                "rules",
                "document_timeout",
                "audit",
                "shard_size",
                "shard_bytes",
                "compression",
                *(() if config.corpus_pass else ("corpus_min_docs", "corpus_min_share")),
            },
        ),
        "corpus": corpus.digest() if corpus is not None else None,
    }
    return hashlib.sha256(json.dumps(settings, sort_keys=True).encode()).hexdigest()


class Manifest:
    """The manifest in the state folder: a line per input, appended as each input finishes.

    Appending one line is cheap however many inputs there are, and a run killed in the
    middle of a line loses only that line. Later lines win; the file is rewritten, sorted
    and compact, at the end of a run. An input's entry stays in the file: what is held in
    memory is where its latest line is, so a run's memory does not grow with the documents
    of the inputs it has finished (or has yet to reach).
    """

    def __init__(self, state: Path) -> None:
        self.path = state / MANIFEST_NAME
        self.problem = ""  # why some of the saved manifest could not be used, if it could not
        # Each input's latest entry: where its line is in the file (offset, length), or,
        # for an input a killed run left pending lines for, the entry they make.
        self._lines: dict[str, tuple[int, int]] = {}
        self._pending: dict[str, InputEntry] = {}
        self._journal: BinaryIO | None = None
        #: The inputs whose latest line this process wrote (`record`): already in the form
        #: `compact` writes, so it copies their bytes instead of reading and writing anew.
        self._recorded: set[str] = set()
        # While loading: the document ids of each input with pending lines, so that a
        # killed run's 100,000 pending lines load in linear time.
        self._pending_ids: dict[str, set[str]] = {}

    @classmethod
    def load(cls, state: Path) -> Manifest:
        """The saved entries; what cannot be read is cleaned again (and `problem` says so)."""
        manifest = cls(state)
        lines = unread = 0
        try:
            with manifest.path.open("rb") as saved:
                offset = 0
                for line in saved:
                    if not line.endswith(b"\n"):
                        break  # cut short by a killed run: that input is simply cleaned again
                    lines += 1
                    unread += not manifest._load_line(line, offset)
                    offset += len(line)
        except FileNotFoundError:
            return manifest
        except OSError as exc:
            manifest.problem = f"cannot be read ({exc})"
            manifest._lines.clear()
            manifest._pending.clear()
        manifest._pending_ids.clear()
        if unread and not manifest.problem:
            manifest.problem = (
                f"{unread} of its {lines} lines could not be read (written by another "
                "version of cleaner, or damaged)"
            )
        return manifest

    def _load_line(self, line: bytes, offset: int) -> bool:
        """Applies one saved line; False if it is not one this version wrote."""
        try:
            data = json.loads(line)
            if data.get("format") != FORMAT_VERSION:
                return False
            name = data["input"]
            if not isinstance(name, str):
                return False
            if "pending" in data:
                self._add_pending(name, data["pending"])
                return True
            if data.get("entry") is not None:
                InputEntry.from_dict(data["entry"])  # refused here, not when it is needed
            self._pending_ids.pop(name, None)
            self._pending.pop(name, None)
            self._lines.pop(name, None)
            if data.get("entry") is not None:
                self._lines[name] = (offset, len(line))
        except (ValueError, KeyError, TypeError, AttributeError):
            return False
        return True

    def _add_pending(self, name: str, doc_id: object) -> None:
        """A document a run wrote before it was killed, ahead of its input's entry: listed,
        so that the next run removes it if the input no longer makes it (or is gone)."""
        if not safe_output_id(doc_id):
            raise ValueError(f"document id {doc_id!r} would be written outside OUT")
        entry = self._pending.get(name)
        if entry is None:
            entry = self.get(name) or InputEntry("", "", complete=False)
            self._lines.pop(name, None)
            self._pending[name] = entry
        entry.complete = False
        known = self._pending_ids.get(name)
        if known is None:
            known = self._pending_ids[name] = {doc.id for doc in entry.documents}
        if doc_id not in known:
            known.add(str(doc_id))
            entry.documents.append(DocumentEntry(str(doc_id)))

    def names(self) -> set[str]:
        """The inputs the manifest lists."""
        return self._lines.keys() | self._pending.keys()

    def get(self, name: str) -> InputEntry | None:
        """The input's entry (read from the file), or None if the manifest lists none."""
        if name in self._pending:
            return self._pending[name]
        where = self._lines.get(name)
        if where is None:
            return None
        offset, length = where
        with self.path.open("rb") as saved:  # a handle per read: any thread may ask
            saved.seek(offset)
            data = json.loads(saved.read(length))
        return InputEntry.from_dict(data["entry"])

    @property
    def entries(self) -> dict[str, InputEntry]:
        """Every entry, read from the file: for tools and tests (a run asks `get`)."""
        return {name: entry for name in sorted(self.names()) if (entry := self.get(name))}

    def up_to_date(self, name: str, sha256: str, settings: str) -> InputEntry | None:
        """The input's entry, if cleaning it again would write what that entry lists: the
        same bytes, the same settings, and no document failed."""
        entry = self.get(name)
        if entry is None or not entry.complete:
            return None
        if entry.sha256 != sha256 or entry.settings != settings:
            return None
        return entry

    def record(self, name: str, entry: InputEntry | None) -> None:
        """Set (or, with None, forget) an input's entry, and append it to the file at once."""
        line = _line(name, entry)
        offset = self._append(line)
        self._pending.pop(name, None)
        self._lines.pop(name, None)
        if entry is not None:
            self._lines[name] = (offset, len(line))
            self._recorded.add(name)

    def note_pending(self, name: str, doc_ids: list[str]) -> None:
        """Documents a killed run may have written for input `name` (its worker's journal,
        see parts.py): listed, so that this run removes those the input no longer makes."""
        for doc_id in doc_ids:
            if not safe_output_id(doc_id):
                continue  # a journal edited by hand: such an id names no file of ours
            self._add_pending(name, doc_id)
            self._append(_pending_line(name, doc_id))
        self._pending_ids.pop(name, None)

    def _append(self, line: bytes) -> int:
        """Appends a line; returns where in the file it starts."""
        if self._journal is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._journal = self.path.open("ab")
            if self._journal.tell() and not _ends_with_newline(self.path):
                self._journal.write(b"\n")  # after a line a killed run cut short
        offset = self._journal.tell()
        self._journal.write(line)
        self._journal.flush()
        return offset

    def close(self) -> None:
        """Stop appending (a run that stops early: the lines so far stand as they are)."""
        if self._journal is not None:
            self._journal.close()
            self._journal = None

    def compact(self) -> None:
        """Rewrite the file with one line per input, sorted: the same run, the same bytes.
        Written entry by entry, as they are read from the file it replaces."""
        self.close()
        lines: dict[str, tuple[int, int]] = {}
        offset = 0

        def sorted_lines(saved: BinaryIO | None) -> Iterator[bytes]:
            nonlocal offset
            for name in sorted(self.names()):
                where = self._lines.get(name)
                if saved is not None and where is not None and name in self._recorded:
                    saved.seek(where[0])
                    line = saved.read(where[1])  # as `record` wrote it: `_line`'s bytes
                else:  # a line of an earlier run, or pending ones: in this version's form
                    line = _line(name, self.get(name))
                lines[name] = (offset, len(line))
                offset += len(line)
                yield line

        with contextlib.ExitStack() as stack:
            saved = stack.enter_context(self.path.open("rb")) if self._recorded else None
            atomic_write(self.path, sorted_lines(saved))
        self._lines, self._pending, self._recorded = lines, {}, set()


def _ends_with_newline(path: Path) -> bool:
    with path.open("rb") as handle:
        handle.seek(-1, 2)
        return handle.read(1) == b"\n"


def _pending_line(name: str, doc_id: str) -> bytes:
    data = {"format": FORMAT_VERSION, "input": name, "pending": doc_id}
    return orjson.dumps(data, option=orjson.OPT_SORT_KEYS) + b"\n"


def _line(name: str, entry: InputEntry | None) -> bytes:
    data = {"format": FORMAT_VERSION, "input": name, "entry": entry.to_dict() if entry else None}
    return orjson.dumps(data, option=orjson.OPT_SORT_KEYS) + b"\n"
