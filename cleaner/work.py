"""What a worker does with a batch of documents, and what it sends back.

Executors (in-process, a process pool, Ray) run these functions wherever they like; the
results come back in input order, where duplicates are found and files are written. So
only small, picklable values cross: a cleaned document's text, its record and fingerprint.
"""

from __future__ import annotations

import traceback
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from cleaner import third_party
from cleaner.corpus import CorpusTable
from cleaner.document import Document
from cleaner.duplicates import Fingerprint, fingerprint, signature_size
from cleaner.errors import CleanerError
from cleaner.interrupts import guard
from cleaner.pipeline import Cleaner, document_record
from cleaner.readers import RecordFailure
from cleaner.time_limit import DocumentTimedOut, time_limit


@dataclass(slots=True)
class CleanedDocument:
    """A document after the pipeline: what the writer and the report need of it."""

    id: str
    text: str
    record: dict[str, Any]
    fingerprint: Fingerprint
    rules_fired: Counter[str] = field(default_factory=Counter)
    rule_timeouts: Counter[str] = field(default_factory=Counter)
    stats: dict[str, float] = field(default_factory=dict)  # Document.stats of this cleaning


@dataclass(frozen=True, slots=True)
class InputDone:
    """Marks the end of one input's documents in the stream (for progress and the manifest)."""

    index: int
    skipped: tuple[tuple[str, int], ...] = ()  # records the reader passed over, by reason


Item = Document | RecordFailure | InputDone
Result = CleanedDocument | RecordFailure | InputDone


def clean_document(
    cleaner: Cleaner, doc: Document, num_perm: int | None, seconds: float | None = None
) -> Result:
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
                    folded_words=doc.folded_words() if num_perm else None,
                ),
                rules_fired=Counter(rule_id for rule_id, _ in doc.rules_fired),
                rule_timeouts=Counter(doc.rule_timeouts),
                stats=dict(doc.stats),
            )
    except DocumentTimedOut:
        return RecordFailure(doc.source, timed_out(seconds))
    except CleanerError as exc:
        return RecordFailure(doc.source, str(exc))
    except Exception as exc:  # a bug on one document must not lose the others
        guard.check()  # unless it was Ctrl-C that a library made its own error
        reason = f"internal error: {type(exc).__name__}: {exc}"
        return RecordFailure(doc.source, reason, traceback.format_exc())


def clean_items(cleaner: Cleaner, items: Sequence[Item]) -> list[Result]:
    """A batch: documents are cleaned, failures and markers pass through in place."""
    num_perm = signature_size(cleaner.config.near_duplicate_threshold)
    seconds = cleaner.config.document_timeout
    return [
        clean_document(cleaner, item, num_perm, seconds) if isinstance(item, Document) else item
        for item in items
    ]


def timed_out(seconds: float | None) -> str:
    return (
        f"cleaning took longer than {seconds:g} s and was stopped (a page that sends a "
        "library into an endless loop?); --document-timeout sets the limit"
    )


def count_items(cleaner: Cleaner, items: Sequence[Item]) -> CorpusTable:
    """A batch's share of the corpus pass: line counts, summed later in any order."""
    table = CorpusTable()
    for item in items:
        if isinstance(item, Document):
            try:
                with time_limit(cleaner.config.document_timeout):
                    table.add(cleaner.prepare(item))
            except (Exception, DocumentTimedOut):  # it fails again, and is reported, later
                continue
    return table


#: The failure reason of a document whose worker process died on it, twice (a crash in a
#: native library, or the kernel's out-of-memory killer): it fails alone.
WORKER_DIED = (
    "the worker process died while cleaning this document (a crash in a native library, "
    "or out of memory); the other documents were cleaned"
)

R = TypeVar("R")
#: What runs on a batch, wherever an executor sends it.
Work = Callable[[Cleaner, Sequence[Item]], R]


@dataclass(frozen=True)
class BatchTask(Generic[R]):
    """What executors run over batches: the work itself, what a document that killed its
    worker contributes instead, and how results of parts of a batch add up to the batch's.
    The last two let a process pool find the one document that crashes and go on."""

    run: Work[R]
    crashed: Callable[[Item], R]
    combine: Callable[[list[R]], R]


def _crashed_document(item: Item) -> list[Result]:
    if isinstance(item, Document):
        return [RecordFailure(item.source, WORKER_DIED)]
    return [item]  # failures and markers pass through untouched: they cannot crash


def _concatenated(parts: list[list[Result]]) -> list[Result]:
    return [result for part in parts for result in part]


def _merged(parts: list[CorpusTable]) -> CorpusTable:
    table = CorpusTable()
    for part in parts:
        table.merge(part)
    return table


def _uncounted(item: Item) -> CorpusTable:
    """A document that crashes the corpus pass counts for nothing there (and fails, with a
    reason, in the cleaning pass)."""
    return CorpusTable()


CLEAN = BatchTask(clean_items, _crashed_document, _concatenated)
COUNT = BatchTask(count_items, _uncounted, _merged)
