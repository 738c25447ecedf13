"""A whole run: inputs in, cleaned documents and a report out. The CLI's `run` calls this.

Reading and writing happen here, in the canonical order of the inputs; cleaning happens
wherever the executor sends the batches. Duplicates are decided here, in that order, so
the output is the same for any executor, any number of workers and any input order.
"""

from __future__ import annotations

import errno
import json
import os
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager, suppress
from pathlib import Path, PurePosixPath
from typing import Any

from cleaner.config import Config
from cleaner.corpus import CorpusTable
from cleaner.document import Document
from cleaner.duplicates import DuplicateFinder
from cleaner.errors import CleanerError, OutputError, UsageError
from cleaner.executors import Executor, InlineExecutor, long_lived_frozen
from cleaner.interrupts import guard
from cleaner.manifest import DocumentEntry, InputEntry, Manifest, file_sha256, settings_digest
from cleaner.pipeline import Cleaner
from cleaner.progress import NoProgress, Progress
from cleaner.readers import (
    InputFile,
    ReadStats,
    RecordFailure,
    UnreadableFolder,
    discover,
    path_text,
    read_input,
)
from cleaner.report import Failure, FailureKind, RunReport
from cleaner.run_record import RUN_RECORD_NAME, RunRecord
from cleaner.work import CLEAN, COUNT, CleanedDocument, InputDone, Item
from cleaner.writers import (
    FORMAT_NAME,
    LOCK_NAME,
    MANIFEST_NAME,
    Writer,
    atomic_write,
    check_layout,
    is_output_folder,
    make_writer,
    remove_stale_temporaries,
    save_layout,
    to_json,
)

REPORT_NAME = "report.json"
BATCH_DOCUMENTS = 8  # per task: amortizes the hand-over, small enough to balance the workers
#: A batch also closes at this many characters of documents, so that large pages go to
#: the workers one by one instead of eight to one worker, and at this many items of any
#: kind, so that the markers of unchanged inputs (and failures) move the progress along.
BATCH_CHARS = 1 << 20
BATCH_ITEMS = 256


def _check_output_dir(inputs: Sequence[Path], out: Path, force: bool = False) -> None:
    """OUT is a folder cleaner may write: no input can be overwritten or read back, and
    it is new, empty, or made by cleaner (its marker). A folder of someone's files (the
    captures themselves, given in the wrong order) is refused unless `force`; inputs are
    never overwritten, `force` or not."""
    if out.exists() and not out.is_dir():
        raise UsageError(
            f"{out}: exists and is not a folder; give a new folder, or the output folder "
            "of an earlier run"
        )
    resolved_out = out.resolve()
    for path in inputs:
        resolved_in = path.resolve()
        if resolved_out == resolved_in or (
            path.is_dir() and resolved_out.is_relative_to(resolved_in)
        ):
            raise UsageError(
                f"{out}: the output folder must not be inside the input {path}; "
                "choose an output folder elsewhere"
            )
        if resolved_in.is_relative_to(resolved_out):
            raise UsageError(
                f"{path}: an input inside the output folder {out} could be overwritten; "
                "move it out, or choose another output folder"
            )
    if force or not out.is_dir() or is_output_folder(out):
        return
    foreign = _first_visible_entry(out)
    if foreign is not None:
        raise UsageError(
            f"{out}: holds files cleaner did not write ({foreign.name}); were the input and "
            "output folders swapped? Give a new or empty output folder, or add --force to "
            "write into this one anyway"
        )


def _first_visible_entry(folder: Path) -> Path | None:
    """An entry of `folder` other than hidden ones (`.gitkeep`, `.DS_Store`), if any."""
    try:
        with os.scandir(folder) as entries:
            return next((Path(e.path) for e in entries if not e.name.startswith(".")), None)
    except OSError as exc:
        raise OutputError(folder, exc) from None


@contextmanager
def _writing(out: Path) -> Iterator[None]:
    """Errors of the file system while OUT is written are the user's to fix, not bugs."""
    try:
        yield
    except OSError as exc:
        raise OutputError(out, exc) from None


def read_guarded(
    item: InputFile,
    stats: ReadStats,
    config: Config,
) -> Iterator[Document | RecordFailure]:
    """The input's documents; a reader that breaks down yields a failure instead (of the
    whole input when it gave no document)."""
    read = 0
    try:
        for found in read_input(
            item, stats, text_field=config.text_field, max_bytes=config.max_bytes
        ):
            read += 1
            yield found
    except CleanerError as exc:
        yield RecordFailure(item.source, str(exc), whole_input=not read)
    except Exception as exc:  # a reader bug on one input must not lose the others
        reason = f"cannot read: {type(exc).__name__}: {exc}"
        yield RecordFailure(item.source, reason, whole_input=not read)


def stream_items(
    files: Sequence[InputFile],
    config: Config,
    reusable: Callable[[int], bool] | None = None,
) -> Iterator[Item]:
    """Every input's documents in canonical order, each input closed by an `InputDone`.
    Inputs that `reusable` accepts are not read: their outputs are already up to date."""
    for index, item in enumerate(files):
        if reusable is not None and reusable(index):
            yield InputDone(index)
            continue
        stats = ReadStats()
        yield from read_guarded(item, stats, config)
        yield InputDone(index, tuple(sorted(stats.skipped.items())))


def batched(
    items: Iterable[Item],
    size: int = BATCH_DOCUMENTS,
    chars: int = BATCH_CHARS,
    most: int = BATCH_ITEMS,
) -> Iterator[list[Item]]:
    """Groups of at most `size` documents (markers and failures ride along), closed early
    once their documents reach `chars` characters or the group `most` items."""
    batch: list[Item] = []
    documents = length = 0
    for item in items:
        batch.append(item)
        if isinstance(item, Document):
            documents += 1
            length += len(item.raw) + len(item.html or "")
        if documents >= size or length >= chars or len(batch) >= most:
            yield batch
            batch, documents, length = [], 0, 0
    if batch:
        yield batch


def build_corpus_table(
    files: Sequence[InputFile],
    cleaner: Cleaner,
    config: Config,
    executor: Executor | None = None,
) -> CorpusTable:
    """The corpus pass: line counts per site over every input, summed over the batches
    (read failures wait for the cleaning pass, which reports them)."""
    table = CorpusTable()
    executor = executor or InlineExecutor()
    for part in executor.map(COUNT, cleaner, batched(stream_items(files, config))):
        table.merge(part)
    return table


class _Collector:
    """Takes the cleaned documents in canonical order: duplicates, writing, report, manifest."""

    def __init__(
        self,
        config: Config,
        files: Sequence[InputFile],
        report: RunReport,
        writer: Writer,
        progress: Progress,
        manifest: Manifest,
        on_failure: Callable[[Failure], None] | None,
    ) -> None:
        self.config, self.files = config, files
        self.report, self.writer, self.progress = report, writer, progress
        self.manifest, self.on_failure = manifest, on_failure
        # On disk, in OUT: the index of a million documents would take gigabytes of memory.
        self.finder = DuplicateFinder(config.near_duplicate_threshold, folder=writer.out)
        self.sizes = [_size(item.path) for item in files]
        self.plain_names = _names_under_containers(files)
        self.settings = ""  # the settings digest, when there is a manifest
        self.reuse: dict[int, InputEntry] = {}  # inputs to reuse, with their entries
        self.hashes: dict[int, str] = {}
        self.skipped: Counter[str] = Counter()
        self._documents: list[DocumentEntry] = []
        self._incomplete = False
        self._input_failed = False  # the current input could not be read at all
        self._inputs_done = 0  # so files[_inputs_done] is the input whose results come now

    def reusable(self, index: int) -> bool:
        """Whether an input's outputs are up to date. Each input is hashed as the stream
        reaches it, just before it would be read: one pass over the inputs, not two."""
        item = self.files[index]
        try:
            self.hashes[index] = file_sha256(item.path)
        except OSError:  # unreadable: the reader says why, as a failure of this input
            self.hashes[index] = ""
            return False
        name = item.name.as_posix()
        entry = self.manifest.up_to_date(name, self.hashes[index], self.settings)
        if entry is not None and self.writer.has_outputs(name, [d.id for d in entry.documents]):
            self.reuse[index] = entry  # held until the input is done: read from OUT once
            return True
        return False

    def take(self, result: CleanedDocument | RecordFailure | InputDone) -> None:
        if isinstance(result, RecordFailure):
            kind = FailureKind.INPUT if result.whole_input else FailureKind.DOCUMENT
            self._input_failed = self._input_failed or result.whole_input
            self.fail(result.source, result.reason, result.detail, kind)
        elif isinstance(result, CleanedDocument):
            self._accept(result, reused=False)
        else:
            self._input_done(result)

    def fail(
        self,
        source: str,
        reason: str,
        detail: str = "",
        kind: FailureKind = FailureKind.DOCUMENT,
    ) -> None:
        """A document (or the whole) of the current input failed: the input is cleaned
        again next time."""
        self._incomplete = True
        self.report_failure(Failure(source, reason, detail, kind))

    def report_failure(self, failure: Failure) -> None:
        self.report.failures.append(failure)
        if self.on_failure:
            self.on_failure(failure)

    def _accept(self, cleaned: CleanedDocument, *, reused: bool, moved: bool = False) -> None:
        """A document, in canonical order. `moved`: a reused document whose input is now
        named by another path (its stored record is rewritten)."""
        if cleaned.id in self.plain_names and self.files[self._inputs_done].kind.is_container:
            self.fail(
                cleaned.record["source"],
                f"its output name {cleaned.id} is already the name of another input's "
                "output; give the record another id, or move that input",
            )
            return
        duplicate_of = self.finder.check(cleaned.id, cleaned.fingerprint)
        changed = moved or cleaned.record["duplicate_of"] != duplicate_of
        cleaned.record["duplicate_of"] = duplicate_of
        self.progress.advance(documents=1)
        if self.config.drop_duplicates and duplicate_of:
            self.report.dropped_duplicates += 1
            self._incomplete = True  # a dropped document has no output to reuse next time
            if reused:
                self.writer.drop_documents([cleaned.id])
            return
        if reused:  # an earlier input may have changed, and this one's duplicate_of with it
            self.writer.keep(cleaned.text, cleaned.record, changed)
        else:
            if self.writer.files_per_document:
                self.manifest.pending(self.files[self._inputs_done].name.as_posix(), cleaned.id)
            self.writer.write(cleaned.text, cleaned.record)
        self.report.add_document(cleaned.record, cleaned.rules_fired, cleaned.rule_timeouts)
        self.report.add_stats(cleaned.stats)
        self._documents.append(
            DocumentEntry(
                cleaned.id,
                dict(sorted(cleaned.rules_fired.items())),
                dict(sorted(cleaned.rule_timeouts.items())),
            )
        )

    def _input_done(self, done: InputDone) -> None:
        item = self.files[done.index]
        skipped = dict(done.skipped)
        earlier = self.reuse.pop(done.index, None)
        if earlier is not None:
            skipped = self._replay(item, earlier)
        self.skipped.update(skipped)
        name = item.name.as_posix()
        self.writer.input_done(name)
        old = earlier if earlier is not None else self.manifest.get(name)
        entry = InputEntry(
            self.hashes.pop(done.index),  # held only while the input is in the stream
            self.settings,
            self._documents,
            skipped,
            complete=not self._incomplete,
            source=item.source,
        )
        if old is not None:  # what the input made before and makes no more
            kept = {doc.id for doc in entry.documents}
            self.writer.drop_documents([doc.id for doc in old.documents if doc.id not in kept])
        self.manifest.record(name, entry)
        if not self._input_failed:
            self.report.files_read += 1
        self._documents, self._incomplete, self._input_failed = [], False, False
        self._inputs_done += 1
        self.progress.advance(inputs=1, nbytes=self.sizes[done.index])

    def _replay(self, item: InputFile, entry: InputEntry) -> dict[str, int]:
        """An unchanged input: its outputs are read back, for duplicates and the report."""
        name = item.name.as_posix()
        source, earlier = item.source, entry.source
        stored = self.writer.read_back(name, [doc.id for doc in entry.documents])
        for doc, found in zip(entry.documents, stored, strict=True):
            if found.error:  # changed or removed since the run began
                self.fail(
                    item.source,
                    f"its output {doc.id} could not be read back ({found.error}); "
                    "run again to clean this input anew",
                )
                continue
            record = found.record
            # Records name the input by its path as given: the same as a fresh run's.
            moved = earlier not in ("", source) and record["source"].startswith(earlier)
            if moved:
                record["source"] = source + record["source"][len(earlier) :]
            cleaned = CleanedDocument(
                doc.id,
                found.text,
                record,
                self.finder.fingerprint(found.text),
                Counter(doc.rules_fired),
                Counter(doc.rule_timeouts),
            )
            self._accept(cleaned, reused=True, moved=moved)
        self.report.reused += 1
        return entry.skipped

    def forget_missing_inputs(self, prune: bool, unlisted: Sequence[UnreadableFolder]) -> None:
        """Inputs gone since the last run: their outputs go with --prune, else stay listed.
        Inputs under a folder that could not be listed are not known to be gone."""
        present = {item.name.as_posix() for item in self.files}
        for name in sorted(self.manifest.names() - present):
            if any(PurePosixPath(name).is_relative_to(folder.name) for folder in unlisted):
                continue
            if prune:
                entry = self.manifest.get(name)
                self.writer.drop_input(name, (d.id for d in entry.documents) if entry else ())
                self.manifest.record(name, None)
            else:
                self.report.orphaned += 1

    def finish(self) -> None:
        """The layout's last word (a single-file layout is put together now), then the
        manifest, compacted."""
        self.writer.close(sorted(self.manifest.names()))
        self.manifest.compact()


@contextmanager
def _sole_writer(out: Path) -> Iterator[None]:
    """Holds a lock on OUT while a run writes it: a second run into the same folder would
    take the first one's temporary files for a killed run's, and interleave manifests.

    The lock goes with the process, so a killed run leaves none that holds: a POSIX
    record lock (lockf), which forked workers do not inherit (flock's would stay held by a
    killed run's workers until they notice). The lock file is the holder's alone to
    remove, and it does so, while holding it, when the run ends; a run that took the lock
    on a file removed meanwhile holds nothing, so it opens the new one and tries again."""
    try:
        import fcntl
    except ImportError:  # not POSIX (Windows): no lock
        yield
        return
    path = out / LOCK_NAME
    for _ in range(100):
        with _writing(out):
            out.mkdir(parents=True, exist_ok=True)
            handle = path.open("a")
        try:
            fcntl.lockf(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            handle.close()
            if exc.errno in (errno.EACCES, errno.EAGAIN):
                raise UsageError(
                    f"{out}: another cleaner run is writing into this folder now; wait for "
                    "it to finish, or choose another output folder"
                ) from None
            # Any other error: a file system without locks (NFS without its lock
            # service); the run goes on unlocked, as on Windows.
            yield
            return
        if _same_file(handle.fileno(), path):
            break
        handle.close()  # the holder before us removed it as we opened it: again
    else:
        raise UsageError(f"{out}: could not lock this folder; try again")
    try:
        yield
    finally:
        path.unlink(missing_ok=True)  # still ours: no one else can hold it now
        handle.close()


def _same_file(fd: int, path: Path) -> bool:
    try:
        opened, named = os.fstat(fd), path.stat()
    except OSError:
        return False
    return (opened.st_dev, opened.st_ino) == (named.st_dev, named.st_ino)


@contextmanager
def _removed_if_unused(out: Path, created: bool) -> Iterator[None]:
    """Empties an OUT this run created when the run stops before it wrote anything of
    its own (a Ray cluster that starts no worker, Ctrl-C at once): the folder would claim
    a format, and say "written by cleaner", for nothing. Only the lock's holder may, so
    this goes inside `_sole_writer`; the empty folder goes once the lock is given up."""
    try:
        yield
    except BaseException:
        if created:
            _remove_if_unused(out)
        raise


def _remove_if_unused(out: Path) -> None:
    try:
        names = set(os.listdir(out))
        if not names <= {FORMAT_NAME, LOCK_NAME, MANIFEST_NAME, RUN_RECORD_NAME}:
            return
        if MANIFEST_NAME in names and (out / MANIFEST_NAME).stat().st_size:
            return
        for name in names - {LOCK_NAME}:
            (out / name).unlink()
    except OSError:
        pass  # what stays is harmless: a later run reads it as an empty output folder


def _write_report(path: Path, content: dict[str, Any]) -> None:
    """OUT/report.json, rewritten only when more than its wall time changed: a run that
    changed nothing leaves a committed OUT as it was (`git status` stays clean)."""
    try:
        earlier = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        earlier = None
    if isinstance(earlier, dict) and _lasting(earlier) == _lasting(content):
        return
    atomic_write(path, to_json(content).encode("utf-8"))


def _lasting(report: dict[str, Any]) -> dict[str, Any]:
    """A report without what differs from run to run of the same inputs: its times."""
    steps = report.get("steps")
    counts = steps.get("counts") if isinstance(steps, dict) else None
    return {**report, "wall_seconds": None, "steps": counts}


def _names_under_containers(files: Sequence[InputFile]) -> frozenset[str]:
    """Output names of plain inputs inside a folder named like a container input (a/x.txt
    beside a.jsonl): the names the container's records may not take."""
    containers = {item.name for item in files if item.kind.is_container}
    if not containers:
        return frozenset()
    return frozenset(
        item.name.as_posix()
        for item in files
        if not item.kind.is_container and item.name.parent in containers
    )


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def run(
    inputs: Sequence[Path],
    out: Path,
    config: Config | None = None,
    cleaner: Cleaner | None = None,
    on_failure: Callable[[Failure], None] | None = None,
    executor: Executor | None = None,
    progress: Progress | None = None,
    prune: bool = False,
    force: bool = False,
    follow_symlinks: bool = False,
) -> RunReport:
    """Clean every input under `inputs` into `out`; one bad document never stops the run.

    A run is incremental: inputs unchanged since the run that wrote OUT (same bytes, same
    rules and settings) are not cleaned again (see manifest.py). `force`: write into a
    folder of files cleaner did not make (inputs are never overwritten all the same).
    `follow_symlinks`: read links under an input folder that lead outside it.
    """
    config = config or Config()
    executor = executor or InlineExecutor()
    progress = progress or NoProgress()
    started = time.perf_counter()
    _check_output_dir(inputs, out, force)
    check_layout(out, config.format)
    found = discover(inputs, follow_symlinks=follow_symlinks, max_bytes=config.max_bytes)
    files, unlisted = found.files, found.unreadable
    if cleaner is None:  # rule errors surface here, before anything is written
        cleaner = Cleaner(config)
    created = not out.exists()
    try:
        executor.start()  # a cluster that cannot be reached fails here, with OUT untouched
        table = None
        if config.corpus_pass:
            table = build_corpus_table(files, cleaner, config, executor)
            table = table.pruned(config.corpus_min_docs)
            cleaner = Cleaner(config, ruleset=cleaner.ruleset, corpus=table)
        report = RunReport(
            rules_sha256=cleaner.ruleset.digest,
            rule_ids=tuple(rule.id for rule in cleaner.ruleset.rules),
        )
        report.inputs = len(files)
        report.skipped_files = [(path_text(s.path), s.reason) for s in found.skipped]
        report.notices.extend(found.renamed)
        with _sole_writer(out), _removed_if_unused(out, created):
            with _writing(out):
                remove_stale_temporaries(out)  # a killed run's never finished files
                save_layout(out, config.format)  # before any output: a killed run's OUT says it
                manifest = Manifest.load(out)
            if manifest.problem:
                report.notices.append(
                    f"{manifest.path}: {manifest.problem}; the inputs it lists there are "
                    "cleaned again, and --prune cannot remove outputs of inputs it does not list"
                )
            writer = make_writer(out, config.format)
            with _writing(out):  # the duplicate index is a file in OUT
                collector = _Collector(
                    config, files, report, writer, progress, manifest, on_failure
                )
            collector.settings = settings_digest(config, cleaner.ruleset.digest, table)
            with _writing(out):  # for `explain`: the rules and settings this run used
                RunRecord.of_run(config, cleaner.ruleset.digest, collector.settings).save(out)
            for folder in unlisted:  # no input's failure: no input is cleaned again for it
                collector.report_failure(
                    Failure(
                        path_text(folder.path),
                        f"cannot list this folder ({folder.reason}); its files were left out, "
                        "and the outputs of earlier runs kept",
                        kind=FailureKind.FOLDER,
                    )
                )
            progress.start(len(files), sum(collector.sizes))
            try:
                batches = batched(stream_items(files, config, collector.reusable))
                with long_lived_frozen(), _writing(out):
                    for results in executor.map(CLEAN, cleaner, batches):
                        for result in results:
                            guard.check()  # Ctrl-C that a library swallowed stops here
                            collector.take(result)
            finally:
                progress.stop()
                manifest.close()
                collector.finder.close()
            with _writing(out):
                collector.forget_missing_inputs(prune, unlisted)
                collector.finish()
                report.skipped = collector.skipped
                report.duplicates = dict(collector.finder.counts)
                report.wall_seconds = time.perf_counter() - started
                _write_report(out / REPORT_NAME, report.to_dict())
            return report
    except BaseException:
        if created:  # emptied by its lock's holder (this run, or none): then it goes
            with suppress(OSError):
                out.rmdir()
        raise
    finally:
        executor.close()
