"""What a worker does: read its inputs, clean them, write their outputs, and send back a
small summary of each.

Executors (in-process, a process pool, Ray) run these functions wherever they like; each
input is one task's, from its first byte to its last output file. Only summaries travel
back to the driver (ids, counts, warnings: no texts), and each document's fingerprint
goes to a file beside the outputs (parts.py), where the dedup stage reads it. So the
driver's work per document is the duplicate check alone, and adding workers adds speed.
"""

from __future__ import annotations

import hashlib
import traceback
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Generic, TypeVar

from cleaner import sandbox, third_party
from cleaner.config import OutputFormat
from cleaner.corpus import CorpusTable
from cleaner.document import Document
from cleaner.duplicates import Fingerprint, fingerprint, folded_words, signature_size
from cleaner.errors import CleanerError
from cleaner.interrupts import guard
from cleaner.manifest import InputEntry, file_sha256
from cleaner.parts import FingerprintHeader, FingerprintJournal, fingerprint_ids, fingerprints_path
from cleaner.pipeline import Cleaner, document_record
from cleaner.readers import InputFile, ReadStats, RecordFailure, read_input
from cleaner.readers.options import ReadOptions
from cleaner.shards import IndexTask, ShardTask, TaskResult, index_path
from cleaner.state import OutputFolders
from cleaner.time_limit import DocumentTimedOut, time_limit
from cleaner.writers import StoredDocument, Writer, atomic_write, make_writer, run_task


@dataclass(frozen=True, slots=True)
class RunContext:
    """What every worker needs to know of the run besides the cleaner: where and how its
    outputs go, and the settings digest its fingerprint files are stamped with."""

    folders: OutputFolders  # OUT, and the state folder of its bookkeeping
    output_format: OutputFormat
    settings: str


@dataclass(frozen=True, slots=True)
class InputTask:
    """One input, for a worker to read, clean and write."""

    index: int  # its place in the run's canonical order
    file: InputFile
    context: RunContext
    previous: InputEntry | None = None  # the manifest's entry: reuse, and stale outputs
    reserved: frozenset[str] = frozenset()  # output names its records may not take
    skip: frozenset[int] = frozenset()  # records (by position) that killed their worker
    #: Of those, the ones whose worker was stopped at a limit: (position, the reason).
    stopped: tuple[tuple[int, str], ...] = ()
    careful: bool = False  # note each record before cleaning it, to name one that kills
    read: ReadOptions = field(default_factory=ReadOptions)  # how (`ReadOptions.for_input`)

    @property
    def name(self) -> str:
        return self.file.name.as_posix()


@dataclass(slots=True)
class DocumentSummary:
    """What the driver needs of a written document: for the dedup stage, the report and
    the manifest. No text: that stays in the worker's files."""

    id: str
    source: str
    duplicate_of: str | None  # as written in OUT now (None for a document just cleaned)
    #: What other documents' duplicate_of call it where that is not `id`: the input's own
    #: id, in jsonl/parquet rows (Writer.row_id).
    row_id: str | None = None
    page_type: str | None = None
    words: int | None = None
    warnings: list[str] = field(default_factory=list)
    removed_by_rule: Counter[str] = field(default_factory=Counter)
    removed_by_step: Counter[str] = field(default_factory=Counter)
    rules_fired: Counter[str] = field(default_factory=Counter)
    rule_timeouts: Counter[str] = field(default_factory=Counter)
    stats: dict[str, float] = field(default_factory=dict)  # Document.stats, when cleaned now

    @property
    def name(self) -> str:
        """What another document's duplicate_of names this one by."""
        return self.id if self.row_id is None else self.row_id

    @classmethod
    def of(
        cls,
        record: dict[str, Any],
        rules_fired: Counter[str],
        rule_timeouts: Counter[str],
        stats: dict[str, float] | None = None,
        row_id: str | None = None,
    ) -> DocumentSummary:
        removed = record["removed"]
        return cls(
            id=record["id"],
            source=record["source"],
            duplicate_of=record.get("duplicate_of"),
            row_id=row_id,
            page_type=record.get("page_type"),
            words=record.get("words"),
            warnings=list(record["warnings"]),
            removed_by_rule=Counter(removal["rule"] for removal in removed),
            removed_by_step=Counter(removal["step"] for removal in removed),
            rules_fired=rules_fired,
            rule_timeouts=rule_timeouts,
            stats=stats or {},
        )


@dataclass(slots=True)
class InputSummary:
    """An input, done: its documents (in order), failures, and what the reader skipped."""

    index: int
    sha256: str  # of the input's bytes; "" when it could not be read
    documents: list[DocumentSummary] = field(default_factory=list)
    failures: list[RecordFailure] = field(default_factory=list)
    skipped: dict[str, int] = field(default_factory=dict)
    reused: bool = False  # its outputs of an earlier run were up to date
    unreadable: bool = False  # the input could not be read at all


@dataclass(slots=True)
class CleanedDocument:
    """A document after the pipeline: what its files and its summary are made of."""

    id: str
    text: str
    record: dict[str, Any]
    fingerprint: Fingerprint
    rules_fired: Counter[str] = field(default_factory=Counter)
    rule_timeouts: Counter[str] = field(default_factory=Counter)
    stats: dict[str, float] = field(default_factory=dict)  # Document.stats of this cleaning


def clean_document(
    cleaner: Cleaner, doc: Document, num_perm: int | None, seconds: float | None = None
) -> CleanedDocument | RecordFailure:
    """One document through the pipeline, within `seconds`; an error becomes that
    document's failure."""
    try:
        with time_limit(seconds):
            with third_party.collected() as said:
                cleaner.clean(doc)
            doc.warnings.extend(dict.fromkeys(said))  # each distinct line once
            text = doc.text
            record = document_record(doc, text)
            return CleanedDocument(
                id=doc.id,
                text=text,
                record=record,
                fingerprint=fingerprint(
                    text,
                    num_perm,
                    sha256=record["sha256"],
                    folded_words=folded_words(doc.kept) if num_perm else None,
                ),
                rules_fired=Counter(rule_id for rule_id, _ in doc.rules_fired),
                rule_timeouts=Counter(doc.rule_timeouts),
                stats=dict(doc.stats),
            )
    except DocumentTimedOut:
        return RecordFailure(doc.source, timed_out(seconds))
    except MemoryError as exc:  # past --document-memory, in a worker that caps it
        capped = sandbox.memory_cap()
        reason = sandbox.over_memory(capped) if capped else f"out of memory: MemoryError: {exc}"
        return RecordFailure(doc.source, reason)
    except CleanerError as exc:
        return RecordFailure(doc.source, str(exc))
    except Exception as exc:  # a bug on one document must not lose the others
        guard.check()  # unless it was Ctrl-C that a library made its own error
        reason = f"internal error: {type(exc).__name__}: {exc}"
        return RecordFailure(doc.source, reason, traceback.format_exc())


def timed_out(seconds: float | None) -> str:
    return (
        f"cleaning took longer than {seconds:g} s and was stopped (a page that sends a "
        "library into an endless loop?); --document-timeout sets the limit"
    )


def read_guarded(
    item: InputFile, stats: ReadStats, options: ReadOptions
) -> Iterator[Document | RecordFailure]:
    """The input's documents; a reader that breaks down yields a failure instead (of the
    whole input when it gave no document)."""
    read = 0
    try:
        for found in read_input(item, stats, options=options):
            read += 1
            yield found
    except CleanerError as exc:
        yield RecordFailure(item.source, str(exc), whole_input=not read)
    except Exception as exc:  # a reader bug on one input must not lose the others
        reason = f"cannot read: {type(exc).__name__}: {exc}"
        yield RecordFailure(item.source, reason, whole_input=not read)


#: The failure reason of a document whose worker process died on it, twice (a crash in a
#: native library, or the kernel's out-of-memory killer): it fails alone.
WORKER_DIED = (
    "the worker process died while cleaning this document (a crash in a native library, "
    "or out of memory; --document-memory caps what a document may take); the other "
    "documents were cleaned"
)


def process_input(cleaner: Cleaner, task: InputTask) -> InputSummary:
    """An input from its bytes to its outputs: reused when its outputs of an earlier run
    are up to date, else read, cleaned and written."""
    try:
        digest = file_sha256(task.file.path)
    except OSError:  # unreadable: the reader says why, as a failure of this input
        digest = ""
    stamp = task.read.stamp(task.file)
    if digest and stamp:  # its sidecar or --metadata line changes its output too
        digest = hashlib.sha256(f"{digest} {stamp}".encode()).hexdigest()
    writer = make_writer(task.context.folders, task.context.output_format)
    if digest:
        reused = _reuse(writer, task, digest)
        if reused is not None:
            return reused
    return _clean_input(cleaner, writer, task, digest)


def _header(task: InputTask, digest: str) -> FingerprintHeader:
    return FingerprintHeader(task.name, digest, task.context.settings)


def _reuse(writer: Writer, task: InputTask, digest: str) -> InputSummary | None:
    """The summary of an input whose outputs of an earlier run are up to date (same bytes,
    same settings, every output there and whole, and its fingerprints), read from them;
    None when anything is off (the input is then cleaned again)."""
    entry = task.previous
    if (
        entry is None
        or not entry.complete
        or (entry.sha256, entry.settings)
        != (
            digest,
            task.context.settings,
        )
    ):
        return None
    ids = [doc.id for doc in entry.documents]
    if (
        fingerprint_ids(
            fingerprints_path(task.context.folders.state, task.name), _header(task, digest)
        )
        != ids
    ):
        return None
    stored = list(writer.read_back(task.name, ids))
    if any(found.error for found in stored):  # a pair split by kill -9, or edited by hand
        return None
    summary = InputSummary(task.index, digest, skipped=dict(entry.skipped), reused=True)
    moved = _moved(task, entry, stored)
    if moved:  # the input is now named by another path: its records say so
        writer.rewrite(task.name, moved)
        stored = moved
    for doc, found in zip(entry.documents, stored, strict=True):
        summary.documents.append(
            DocumentSummary.of(
                found.record,
                Counter(doc.rules_fired),
                Counter(doc.rule_timeouts),
                doc.stats,
                writer.row_id(found.record),
            )
        )
    return summary


def _moved(
    task: InputTask, entry: InputEntry, stored: list[StoredDocument]
) -> list[StoredDocument]:
    """The stored documents with `source` naming the input's path as given now, if that
    changed since they were written (records name it as a fresh run would); else []."""
    source, earlier = task.file.source, entry.source
    if earlier in ("", source):
        return []
    moved = []
    for found in stored:
        record = dict(found.record)
        if record["source"].startswith(earlier):
            record["source"] = source + record["source"][len(earlier) :]
        moved.append(replace(found, record=record))
    return moved


def _clean_input(cleaner: Cleaner, writer: Writer, task: InputTask, digest: str) -> InputSummary:
    summary = InputSummary(task.index, digest)
    num_perm = signature_size(cleaner.config.near_duplicate_threshold)
    seconds = cleaner.config.document_timeout
    journal = FingerprintJournal(task.context.folders.state, _header(task, digest))
    stats = ReadStats()
    done = False
    try:
        writer.begin_input(task.name)
        found = read_guarded(task.file, stats, task.read)
        for position, item in enumerate(found):
            if isinstance(item, RecordFailure):
                summary.unreadable = summary.unreadable or item.whole_input
                summary.failures.append(item)
            elif position in task.skip:
                reason = dict(task.stopped).get(position, WORKER_DIED)
                summary.failures.append(RecordFailure(item.source, reason))
            else:
                if task.careful:
                    _note_position(task, position)
                with sandbox.watched(task.index, position):  # the executor's limits
                    result = clean_document(cleaner, item, num_perm, seconds)
                if isinstance(result, CleanedDocument) and (why := cleaner.left_out(result.record)):
                    stats.skipped[why] += 1  # --min-words: counted, not written
                    continue
                _write(writer, journal, task, summary, result)
        writer.finish_input(task.name)
        journal.commit()
        done = True
    finally:
        if not done:
            writer.abandon_input()
            journal.abandon()
        if task.careful:
            _position_path(task).unlink(missing_ok=True)
    summary.skipped = dict(sorted(stats.skipped.items()))
    if task.previous is not None:  # what the input made before and makes no more
        kept = set(journal.ids)
        writer.drop_documents([d.id for d in task.previous.documents if d.id not in kept])
    return summary


def _write(
    writer: Writer,
    journal: FingerprintJournal,
    task: InputTask,
    summary: InputSummary,
    result: CleanedDocument | RecordFailure,
) -> None:
    if isinstance(result, RecordFailure):
        summary.failures.append(result)
        return
    if result.id in task.reserved:
        summary.failures.append(
            RecordFailure(
                result.record["source"],
                f"its output name {result.id} is already the name of another input's "
                "output; give the record another id, or move that input",
            )
        )
        return
    journal.add(result.id, result.fingerprint)  # listed before its files exist
    writer.write(result.text, result.record)
    summary.documents.append(
        DocumentSummary.of(
            result.record,
            result.rules_fired,
            result.rule_timeouts,
            result.stats,
            writer.row_id(result.record),
        )
    )


def _position_path(task: InputTask) -> Path:
    return fingerprints_path(task.context.folders.state, task.name).with_suffix(".at")


def _note_position(task: InputTask, position: int) -> None:
    """Which record a careful worker is on, where the driver finds it if the worker dies."""
    path = _position_path(task)
    path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write(path, str(position).encode())


def carefully(task: Item) -> Item:
    """The task again, noting each record before it is cleaned (see `past_crash`); a
    shard or index task has no records to note."""
    return replace(task, careful=True) if isinstance(task, InputTask) else task


def past_crash(task: Item) -> Item | None:
    """After a careful task's worker died: the task again without the record it died on
    (which then fails alone), or None if it named none new."""
    if not isinstance(task, InputTask):
        return None
    path = _position_path(task)
    try:
        position = int(path.read_text())
    except (OSError, ValueError):
        return None
    finally:
        path.unlink(missing_ok=True)
    if position in task.skip:
        return None
    return replace(task, skip=task.skip | {position})


def process_inputs(cleaner: Cleaner, tasks: Sequence[InputTask]) -> list[InputSummary]:
    return [process_input(cleaner, task) for task in tasks]


def count_inputs(cleaner: Cleaner, tasks: Sequence[InputTask]) -> CorpusTable:
    """A batch's share of the corpus pass: line counts, summed later in any order (read
    failures wait for the cleaning pass, which reports them)."""
    table = CorpusTable()
    for task in tasks:
        stats = ReadStats()
        documents = read_guarded(task.file, stats, task.read)
        for position, item in enumerate(documents):
            if isinstance(item, RecordFailure) or position in task.skip:
                continue
            if task.careful:
                _note_position(task, position)
            try:
                with (
                    sandbox.watched(task.index, position),
                    time_limit(cleaner.config.document_timeout),
                ):
                    table.add(cleaner.prepare(item))
            except (Exception, DocumentTimedOut):  # it fails again, and is reported, later
                continue
        if task.careful:
            _position_path(task).unlink(missing_ok=True)
    return table


R = TypeVar("R")
#: What executors hand out: inputs to clean (or count), shards to write, parts to index.
Item = InputTask | ShardTask | IndexTask
#: What runs on a batch of tasks, wherever an executor sends it.
Work = Callable[[Cleaner, Sequence[Any]], R]


@dataclass(frozen=True)
class BatchTask(Generic[R]):
    """What executors run over batches: the work itself, what a task that killed its
    worker contributes instead, and how results of parts of a batch add up to the batch's.
    The last two let an executor find the one document that crashes and go on."""

    run: Work[R]
    crashed: Callable[[Any], R]
    combine: Callable[[list[R]], R]


def _crashed_input(task: InputTask) -> list[InputSummary]:
    """An input whose worker died on a record that could not be named: it fails whole."""
    failure = RecordFailure(task.file.source, WORKER_DIED, whole_input=True)
    return [InputSummary(task.index, "", failures=[failure], unreadable=True)]


T = TypeVar("T")


def _concatenated(parts: list[list[T]]) -> list[T]:
    return [summary for part in parts for summary in part]


def _merged(parts: list[CorpusTable]) -> CorpusTable:
    table = CorpusTable()
    for part in parts:
        table.merge(part)
    return table


def _uncounted(task: InputTask) -> CorpusTable:
    """An input that crashes the corpus pass counts for nothing there (and fails, with a
    reason, in the cleaning pass)."""
    return CorpusTable()


def write_shards(cleaner: Cleaner, tasks: Sequence[ShardTask | IndexTask]) -> list[TaskResult]:
    """A batch of the corpus layouts' tasks after the dedup stage: shards to write from
    the parts (or parts to index first), planned by the driver (writers._PartsWriter.close)."""
    return [run_task(task) for task in tasks]


def _unwritten(task: ShardTask | IndexTask) -> list[TaskResult]:
    """A shard (or index) whose worker died on it, twice: the run stops, its parts kept."""
    what = (
        task.folders.out / task.file
        if isinstance(task, ShardTask)
        else index_path(task.folders.state, task.name)
    )
    reason = (
        f"{what}: the worker process writing it died, twice (out of memory?); run again: "
        "the cleaned documents are kept, and only the shards are written"
    )
    return [TaskResult(task.index, reason)]


CLEAN = BatchTask(process_inputs, _crashed_input, _concatenated)
COUNT = BatchTask(count_inputs, _uncounted, _merged)
#: Writing the shards of --format jsonl|parquet (and indexing parts that need it).
SHARD = BatchTask(write_shards, _unwritten, _concatenated)
