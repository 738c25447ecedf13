"""Each input's fingerprint file: what the dedup stage reads, and what a killed run wrote.

A worker that cleans an input appends a line per document to the input's journal,
`<state>/parts/<hash>.fp.writing` (state.py: OUT/.cleaner by default), *before* it
writes the document's files: its id, the sha256 of its clean text and its MinHash
signature. When the input is done the journal is renamed to `<hash>.fp`. So the dedup
stage reads every document's fingerprint from files, in canonical order, without the
texts; a re-run that reuses an input reuses its fingerprints too; and a journal a killed
run left behind names every file that run may have written for its input (the next run
lists them in the manifest as pending, and removes those the input no longer makes).

The first line says which input, bytes and settings the fingerprints belong to: a file
of another run's settings is never taken for this one's.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from hashlib import sha256
from pathlib import Path
from typing import IO, TYPE_CHECKING

import orjson

from cleaner.state import PARTS

if TYPE_CHECKING:  # the CLI's start-up imports this module, and not datasketch
    from cleaner.duplicates import Fingerprint

FINGERPRINTS = ".fp"
WRITING = ".writing"


def part_stem(state: Path, name: str) -> Path:
    """Where input `name`'s bookkeeping lives, less its suffix. Flat, one stem per input,
    named by a hash of its name: an input's name can be another's folder (`a.txt` is `a`,
    `a.jsonl/x.txt` is `a.jsonl/x`)."""
    return state.joinpath(PARTS, _stem_name(name))


def _stem_name(name: str) -> str:
    return sha256(name.encode("utf-8")).hexdigest()[:32]


def fingerprints_path(state: Path, name: str) -> Path:
    # One join, not three path operations: the driver asks this for every input.
    return state.joinpath(PARTS, _stem_name(name) + FINGERPRINTS)


@dataclass(frozen=True, slots=True)
class FingerprintHeader:
    """The input a fingerprint file belongs to: its name, its bytes' hash, the settings."""

    input: str
    sha256: str
    settings: str


class FingerprintJournal:
    """Written by the worker that cleans an input: a line per document, flushed before the
    document's files are written, then renamed into place by `commit`."""

    def __init__(self, state: Path, header: FingerprintHeader) -> None:
        self.path = fingerprints_path(state, header.input)
        self.writing = self.path.with_name(self.path.name + WRITING)
        try:
            handle = self.writing.open("wb")
        except FileNotFoundError:  # the first input of OUT: the folder is made on demand
            self.writing.parent.mkdir(parents=True, exist_ok=True)
            handle = self.writing.open("wb")
        self._handle: IO[bytes] = handle
        self.ids: list[str] = []
        self._write({"input": header.input, "sha256": header.sha256, "settings": header.settings})

    def add(self, doc_id: str, found: Fingerprint) -> None:
        """A document about to be written: on disk (the OS's) before its files are."""
        self.ids.append(doc_id)
        self._write({"id": doc_id, "sha256": found.sha256, "minhash": found.minhash})

    def _write(self, line: dict[str, object]) -> None:
        self._handle.write(orjson.dumps(line) + b"\n")
        self._handle.flush()

    def commit(self) -> None:
        """Every document of the input is written: the journal becomes its fingerprint file."""
        self._handle.close()
        os.replace(self.writing, self.path)

    def abandon(self) -> None:
        """The input could not be finished (an error of OUT): its journal stays, as a
        killed run's would, so that the next run knows the files it may have written."""
        self._handle.close()


def read_fingerprints(path: Path) -> tuple[FingerprintHeader, Iterator[tuple[str, Fingerprint]]]:
    """A fingerprint file's header, and its documents' fingerprints in order. Raises
    OSError or ValueError if it cannot be read."""
    handle = path.open("rb")
    try:
        first = orjson.loads(handle.readline())
        header = FingerprintHeader(str(first["input"]), str(first["sha256"]), first["settings"])
    except (KeyError, TypeError, orjson.JSONDecodeError) as exc:
        handle.close()
        raise ValueError(f"{path}: not a fingerprint file ({exc})") from None
    except BaseException:
        handle.close()
        raise
    return header, _documents(path, handle)


def _documents(path: Path, handle: IO[bytes]) -> Iterator[tuple[str, Fingerprint]]:
    from cleaner.duplicates import Fingerprint

    with handle:
        for number, line in enumerate(handle, 2):
            try:
                data = orjson.loads(line)
                minhash = data["minhash"]
                found = Fingerprint(data["sha256"], tuple(minhash) if minhash else None)
                yield data["id"], found
            except (KeyError, TypeError, orjson.JSONDecodeError) as exc:
                if not line.endswith(b"\n"):  # cut short by a killed worker: the rest is gone
                    return
                raise ValueError(f"{path} line {number}: damaged ({exc})") from None


def fingerprint_ids(path: Path, header: FingerprintHeader) -> list[str] | None:
    """The document ids of a fingerprint file, if it is the one `header` describes (the
    same input, bytes and settings) and whole; else None."""
    try:
        found, documents = read_fingerprints(path)
        if found != header:
            documents.close()  # type: ignore[attr-defined]
            return None
        return [doc_id for doc_id, _ in documents]
    except (OSError, ValueError):
        return None


def leftover_journals(state: Path) -> Iterator[tuple[str, list[str]]]:
    """The journals runs killed while cleaning an input left in the state folder: the
    input's name and the documents it may have written. Each is removed once read: the
    caller records them."""
    folder = state / PARTS
    if not folder.is_dir():
        return
    for path in sorted(folder.glob(f"*{FINGERPRINTS}{WRITING}")):
        try:
            header, documents = read_fingerprints(path)
            ids = [doc_id for doc_id, _ in documents]
        except (OSError, ValueError):
            ids, header = [], None
        if header is not None:
            yield header.input, ids
        path.unlink(missing_ok=True)


def unrecorded_fingerprints(state: Path, listed: set[str]) -> Iterator[tuple[str, list[str]]]:
    """Fingerprints committed for an input the manifest does not list (`listed`: the
    inputs it does): a worker outlives its killed run by up to a second, and may finish an
    input and commit its fingerprints after the run could record it. Its documents are
    then in OUT with no word of them: given as `leftover_journals` gives a journal (the
    input's name and its documents), and each file removed once read, for the caller
    records them (the run that cleans the input again writes it anew)."""
    folder = state / PARTS
    if not folder.is_dir():
        return
    expected = {fingerprints_path(state, name).name for name in listed}
    for path in sorted(folder.glob(f"*{FINGERPRINTS}")):
        if path.name in expected:
            continue
        try:
            header, documents = read_fingerprints(path)
            ids = [doc_id for doc_id, _ in documents]
        except (OSError, ValueError):
            continue  # not one of ours to read: left as it is
        if header.input not in listed:
            yield header.input, ids
            path.unlink(missing_ok=True)
