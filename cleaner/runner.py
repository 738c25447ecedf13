"""A whole run: inputs in, cleaned documents and a report out. The CLI's `run` calls this.

The stages: planning (the inputs, in canonical order, each with what the manifest knows
of it), cleaning (workers read, clean and write each input whole: work.py), dedup (in
canonical order, from the fingerprint files the workers wrote: parts.py; here, or as the
executor's own job on a Ray cluster: dedup_stage.py), reporting.
The driver handles no text: its work per document is the duplicate check alone. The
earliest document in canonical order wins, so the output is the same for any executor,
any number of workers and any input order.
"""

from __future__ import annotations

import errno
import json
import os
import tempfile
import time
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import ExitStack, contextmanager, suppress
from pathlib import Path, PurePosixPath
from typing import Any

from cleaner.config import Config
from cleaner.corpus import CorpusTable
from cleaner.dedup_stage import DedupStage
from cleaner.errors import OutputError, UsageError
from cleaner.executors import Executor, InlineExecutor, long_lived_frozen
from cleaner.interrupts import guard
from cleaner.manifest import DocumentEntry, InputEntry, Manifest, settings_digest
from cleaner.parts import fingerprints_path, leftover_journals, unrecorded_fingerprints
from cleaner.pipeline import Cleaner, checked_config
from cleaner.progress import NoProgress, Progress
from cleaner.readers import InputFile, UnreadableFolder, discover, path_text
from cleaner.readers.options import ReadOptions
from cleaner.report import Failure, FailureKind, RunReport, lasting, step_counts
from cleaner.run_record import RunRecord
from cleaner.shards import IndexTask, ShardTask, TaskResult, TaskRunner
from cleaner.state import (
    FORMAT_NAME,
    LOCK_NAME,
    MANIFEST_NAME,
    OWNER_NAME,
    REPORT_NAME,
    RUN_RECORD_NAME,
    OutputFolders,
    check_state,
)
from cleaner.work import CLEAN, COUNT, SHARD, InputSummary, InputTask, RunContext
from cleaner.writers import (
    Duplicate,
    TxtWriter,
    Writer,
    atomic_write,
    check_layout,
    corpus_files,
    is_output_folder,
    make_writer,
    remove_legacy_bookkeeping,
    remove_stale_temporaries,
    report_path,
    save_layout,
    to_json,
)

BATCH_INPUTS = 16  # per task: amortizes the hand-over, small enough to balance the workers
#: A batch also closes at this many bytes of input files, so that large inputs go to the
#: workers one by one.
BATCH_BYTES = 1 << 20


def _resolved(path: Path) -> Path:
    """The path with its symbolic links followed; a loop of them is the user's to mend."""
    try:
        return path.resolve()
    except (RuntimeError, OSError) as exc:  # RuntimeError: "Symlink loop" (Python < 3.13)
        raise UsageError(
            f"{path}: a symbolic link that leads back to itself ({exc.__class__.__name__}); "
            "give the folder it should name"
        ) from None


def check_output_dir(inputs: Sequence[Path], folders: OutputFolders, force: bool = False) -> None:
    """OUT is a folder cleaner may write: no input can be overwritten or read back, and
    it is new, empty, or made by cleaner (its state's markers). A folder of someone's
    files (the captures themselves, given in the wrong order) is refused unless `force`;
    inputs are never overwritten, `force` or not. So is the state folder (check_state)."""
    out = folders.out
    if out.exists() and not out.is_dir():
        raise UsageError(
            f"{out}: exists and is not a folder; give a new folder, or the output folder "
            "of an earlier run"
        )
    resolved_out = _resolved(out)
    for path in inputs:
        resolved_in = _resolved(path)
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
    check_state(folders, inputs)
    if force or not out.is_dir() or is_output_folder(folders):
        return
    foreign = _first_visible_entry(out)
    if foreign is not None and (corpus_files(out) or (out / REPORT_NAME).is_file()):
        raise UsageError(
            f"{out}: holds cleaner's output but no bookkeeping; if the run that wrote it kept "
            "it elsewhere, give that --state folder again (or add --force to write into it "
            "anew)"
        )
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


def plan(
    files: Sequence[InputFile],
    context: RunContext,
    manifest: Manifest | None = None,
    options: ReadOptions | None = None,
) -> Iterator[InputTask]:
    """The planning stage: a task per input, in canonical order, with what the manifest
    knows of it (its worker decides from that whether its outputs can be reused: the
    input's bytes are hashed there, not here)."""
    reserved = _names_under_containers(files)
    options = options or ReadOptions()
    for index, item in enumerate(files):
        name = item.name.as_posix()
        yield InputTask(
            index,
            item,
            context,
            previous=manifest.get(name) if manifest is not None else None,
            reserved=reserved.get(name, frozenset()) if item.kind.is_container else frozenset(),
            read=options.for_input(item),
        )


def batched(
    tasks: Iterable[InputTask],
    most: int = BATCH_INPUTS,
    nbytes: int = BATCH_BYTES,
    total: int = 0,
    workers: int = 1,
    sizes: Sequence[int] | None = None,
) -> Iterator[list[InputTask]]:
    """Groups of at most `most` inputs, closed early once their files reach `nbytes` (a
    large input goes alone): few hand-overs for many small files, and balanced workers.
    With `total` inputs in all and several `workers`, the last batches shrink (at most the
    inputs left over TAIL_SHARE times the workers): the workers then finish together,
    not one of them on a whole batch while the others wait. `sizes`: each input's bytes
    by its index, when the caller has them already (else each file is asked)."""
    batch: list[InputTask] = []
    size = 0
    left = total
    limit = _batch_limit(most, left, workers)
    for task in tasks:
        batch.append(task)
        size += sizes[task.index] if sizes is not None else _size(task.file.path)
        if len(batch) >= limit or size >= nbytes:
            yield batch
            left -= len(batch)
            limit = _batch_limit(most, left, workers)
            batch, size = [], 0
    if batch:
        yield batch


#: Near the end of a run with several workers, a batch holds at most the inputs left
#: divided by this many times the workers (see `batched`).
TAIL_SHARE = 2


def _batch_limit(most: int, left: int, workers: int) -> int:
    if workers < 2 or left <= 0:
        return most
    return max(1, min(most, -(-left // (TAIL_SHARE * workers))))


#: The corpus pass's phase, as progress shows it.
COUNTING = "counting lines"


def build_corpus_table(
    files: Sequence[InputFile],
    cleaner: Cleaner,
    config: Config,
    executor: Executor | None = None,
    folders: OutputFolders | None = None,
    options: ReadOptions | None = None,
    progress: Progress | None = None,
    sizes: Sequence[int] | None = None,
) -> CorpusTable:
    """The corpus pass: line counts per site over every input, counted by the workers
    and summed here (read failures wait for the cleaning pass, which reports them).
    `folders`: where a worker that dies notes its place (a temporary folder if None);
    `progress`: shown as the phase "counting lines"; `sizes`: each input's bytes, when
    the caller has them (else each file is asked)."""
    executor = executor or InlineExecutor()
    progress = progress or NoProgress()
    if sizes is None:
        sizes = [_size(item.path) for item in files]
    with ExitStack() as stack:
        if folders is None:
            temporary = stack.enter_context(tempfile.TemporaryDirectory(prefix="cleaner-"))
            folders = OutputFolders.of(Path(temporary))
        context = RunContext(folders, config.format, "")
        table = CorpusTable()
        tasks = plan(files, context, options=options or ReadOptions.of(config))
        handed: deque[list[InputTask]] = deque()  # handed out; results come back in order
        parts = batched(tasks, total=len(files), workers=executor.workers, sizes=sizes)
        progress.start(len(files), sum(sizes), COUNTING)
        stack.callback(progress.stop)
        for part in executor.map(COUNT, cleaner, _noted(parts, handed)):
            table.merge(part)
            batch = handed.popleft()
            progress.advance(
                documents=sum(part.site_documents.values()),
                inputs=len(batch),
                nbytes=sum(sizes[task.index] for task in batch),
            )
    return table


def _noted(
    batches: Iterable[list[InputTask]], handed: deque[list[InputTask]]
) -> Iterator[list[InputTask]]:
    """`batches`, each noted in `handed` as it is handed out."""
    for batch in batches:
        handed.append(batch)
        yield batch


class _Collector:
    """The driver's side of the cleaning stage: takes each input's summary in canonical
    order, runs the dedup stage over its fingerprints, records the answers, and keeps the
    report and the manifest."""

    def __init__(
        self,
        config: Config,
        files: Sequence[InputFile],
        report: RunReport,
        writer: Writer,
        progress: Progress,
        manifest: Manifest,
        on_failure: Callable[[Failure], None] | None,
        dedup: DedupStage,
        sizes: Sequence[int],
    ) -> None:
        self.config, self.files = config, files
        self.report, self.writer, self.progress = report, writer, progress
        self.manifest, self.on_failure = manifest, on_failure
        self.dedup = dedup  # the executor's (a distributed job on Ray), else the driver's
        self.sizes = sizes  # each input's bytes, by its index
        self.settings = ""  # the settings digest, when there is a manifest
        self.skipped: Counter[str] = Counter()
        #: Whether a dropped duplicate loses its only copy: then its input is cleaned
        #: again next time (a single-file layout keeps it in the input's part).
        self.drop_loses_files = isinstance(writer, TxtWriter)

    def report_failure(self, failure: Failure) -> None:
        self.report.failures.append(failure)
        if self.on_failure:
            self.on_failure(failure)

    def take(self, summary: InputSummary) -> None:
        """An input, done by its worker."""
        item = self.files[summary.index]
        name = item.name.as_posix()
        complete = not summary.failures  # its failures were told as it came in
        decisions = self._deduplicate(item, summary) if summary.documents else []
        if decisions is None:  # its fingerprints could not be read back: cleaned again
            complete, decisions = False, []
        dropped = []
        for doc, decision in zip(summary.documents, decisions, strict=False):
            if self.config.drop_duplicates and decision.decided:
                dropped.append(doc.id)
            else:
                self.report.add_document(doc)
        if decisions:
            self.writer.record_duplicates(name, decisions)
        if dropped:
            self.report.dropped_duplicates += len(dropped)
            if self.drop_loses_files:
                self.writer.drop_documents(dropped)
                complete = False  # a dropped document has no output to reuse next time
        self.skipped.update(summary.skipped)
        self.manifest.record(
            name,
            InputEntry(
                summary.sha256,
                self.settings,
                [
                    DocumentEntry(
                        doc.id,
                        dict(sorted(doc.rules_fired.items())),
                        dict(sorted(doc.rule_timeouts.items())),
                        step_counts(doc.stats),
                    )
                    for doc in summary.documents
                ],
                summary.skipped,
                complete=complete,
                source=item.source,
            ),
        )
        self.report.reused += summary.reused
        self.report.files_read += not summary.unreadable

    def cleaned(self, summary: InputSummary) -> None:
        """An input, done by its worker (its answers may wait for the dedup stage): its
        failures are told now, not after a deferred dedup stage (Ray's job runs once the
        cleaning stage is over, and a run stopped before then would never name them)."""
        for found in summary.failures:
            kind = FailureKind.INPUT if found.whole_input else FailureKind.DOCUMENT
            self.report_failure(Failure(found.source, found.reason, found.detail, kind))
        self.progress.advance(
            documents=len(summary.documents), inputs=1, nbytes=self.sizes[summary.index]
        )

    def _deduplicate(self, item: InputFile, summary: InputSummary) -> list[Duplicate] | None:
        """The dedup stage on one input: each document's answer, from its fingerprint file
        (None, with the input's failure, if that cannot be read back)."""
        path = fingerprints_path(self.writer.folders.state, item.name.as_posix())
        try:
            return self.dedup.decide(path, summary)
        except (OSError, ValueError) as exc:
            self.report_failure(
                Failure(
                    item.source,
                    f"the fingerprints of its documents could not be read back ({exc}); "
                    "run again to clean this input anew",
                )
            )
            return None

    def forget_missing_inputs(self, prune: bool, unlisted: Sequence[UnreadableFolder]) -> None:
        """Inputs gone since the last run: their outputs go with --prune, else stay listed.
        Inputs under a folder that could not be listed are not known to be gone. An input
        still here under another output name (a new input's name now clashes with its
        old one: both get distinct names) is not gone: its outputs under the old name go,
        as this run wrote them under the new one."""
        present = {item.name.as_posix() for item in self.files}
        sources = {item.source for item in self.files}
        for name in sorted(self.manifest.names() - present):
            if any(PurePosixPath(name).is_relative_to(folder.name) for folder in unlisted):
                continue
            entry = self.manifest.get(name)
            renamed = entry is not None and entry.source in sources
            if prune or renamed:
                self.writer.drop_input(name, (d.id for d in entry.documents) if entry else ())
                self.manifest.record(name, None)
            else:
                self.report.orphaned += 1

    def finish(self, run_tasks: TaskRunner | None = None) -> None:
        """The layout's last word (the corpus layouts' shards are planned now and written
        by `run_tasks`, on the workers), then the manifest, compacted."""
        self.writer.close(sorted(self.manifest.names()), self.config.drop_duplicates, run_tasks)
        self.manifest.compact()


#: Shard tasks per batch handed to a worker, at most: a shard's worth of documents
#: balances the workers on its own, while many small shards share the hand-over.
SHARD_BATCH_TASKS = 8
SHARD_BATCH_LINES = 4096


def _shard_batches(
    tasks: Sequence[ShardTask | IndexTask],
) -> Iterator[list[ShardTask | IndexTask]]:
    """Consecutive tasks, a batch closed at `SHARD_BATCH_TASKS` or at
    `SHARD_BATCH_LINES` lines of parts."""
    batch: list[ShardTask | IndexTask] = []
    lines = 0
    for task in tasks:
        batch.append(task)
        if isinstance(task, ShardTask):
            lines += sum(found.stop - found.start for found in task.ranges)
        if len(batch) >= SHARD_BATCH_TASKS or lines >= SHARD_BATCH_LINES:
            yield batch
            batch, lines = [], 0
    if batch:
        yield batch


def _on_workers(executor: Executor, cleaner: Cleaner) -> TaskRunner:
    """Runs the corpus layouts' shard tasks where the inputs were cleaned."""

    def run_tasks(tasks: Sequence[ShardTask | IndexTask]) -> Iterator[TaskResult]:
        if not tasks:
            return
        for results in executor.map(SHARD, cleaner, _shard_batches(tasks)):
            guard.check()  # Ctrl-C that a library swallowed stops here
            yield from results

    return run_tasks


@contextmanager
def _sole_writer(folders: OutputFolders) -> Iterator[None]:
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
    out, path = folders.out, folders.lock
    for _ in range(100):
        with _writing(out):
            path.parent.mkdir(parents=True, exist_ok=True)
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
def _removed_if_unused(folders: OutputFolders, created: bool) -> Iterator[None]:
    """Empties an OUT this run created when the run stops before it wrote anything of
    its own (a Ray cluster that starts no worker, Ctrl-C at once): the folder would claim
    a format, and say "written by cleaner", for nothing. Only the lock's holder may, so
    this goes inside `_sole_writer`; the empty folder goes once the lock is given up."""
    try:
        yield
    except BaseException:
        if created:
            _remove_if_unused(folders)
        raise


def _remove_if_unused(folders: OutputFolders) -> None:
    try:
        # OUT itself may never have been made (a --state run stopped before it wrote any
        # output): then only its state apart holds what this run made.
        in_out = set(os.listdir(folders.out)) if folders.out.is_dir() else set()
        if in_out != ({folders.state.name} if folders.state_in_out else set()):
            return
        names = set(os.listdir(folders.state))
        if not names <= {FORMAT_NAME, LOCK_NAME, MANIFEST_NAME, RUN_RECORD_NAME, OWNER_NAME}:
            return
        if MANIFEST_NAME in names and folders.manifest.stat().st_size:
            return
        for name in names - {LOCK_NAME}:
            (folders.state / name).unlink()
    except OSError:
        pass  # what stays is harmless: a later run reads it as an empty output folder


def _write_report(path: Path, content: dict[str, Any]) -> None:
    """OUT/report.json, rewritten only when more than its times changed: a run that
    changed nothing leaves a committed OUT as it was (`git status` stays clean)."""
    try:
        earlier = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        earlier = None
    if isinstance(earlier, dict) and _lasting(earlier) == _lasting(content):
        return
    atomic_write(path, to_json(content).encode("utf-8"))


def _lasting(report: dict[str, Any]) -> dict[str, Any]:
    """A report without what differs from run to run of the same inputs (report.lasting)."""
    return lasting(report)


def _names_under_containers(files: Sequence[InputFile]) -> dict[str, frozenset[str]]:
    """Output names of plain inputs inside a folder named like a container input (a/x.txt
    beside a.jsonl), by container: the names the container's records may not take."""
    containers = {item.name for item in files if item.kind.is_container}
    found: dict[str, set[str]] = {}
    for item in files:
        if not item.kind.is_container and item.name.parent in containers:
            found.setdefault(item.name.parent.as_posix(), set()).add(item.name.as_posix())
    return {name: frozenset(names) for name, names in found.items()}


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def run(
    inputs: Sequence[Path | str] | Path | str,
    out: Path | str,
    config: Config | None = None,
    cleaner: Cleaner | None = None,
    on_failure: Callable[[Failure], None] | None = None,
    executor: Executor | None = None,
    progress: Progress | None = None,
    prune: bool = False,
    force: bool = False,
    follow_symlinks: bool = False,
    state: Path | None = None,
) -> RunReport:
    """Clean every input under `inputs` into `out`; one bad document never stops the run.

    A run is incremental: inputs unchanged since the run that wrote OUT (same bytes, same
    rules and settings) are not cleaned again (see manifest.py). `force`: write into a
    folder of files cleaner did not make (inputs are never overwritten all the same).
    `follow_symlinks`: read links under an input folder that lead outside it. `state`:
    where the bookkeeping goes (state.py), OUT/.cleaner if None; every run into OUT must
    give the same. Paths may be strings; `inputs` one path or several.
    """
    paths = [Path(inputs)] if isinstance(inputs, str | Path) else [Path(p) for p in inputs]
    out = Path(out)
    state = None if state is None else Path(state)
    config = checked_config(config)
    executor = executor or InlineExecutor()
    progress = progress or NoProgress()
    started = time.perf_counter()
    folders = OutputFolders.of(out, state)
    check_output_dir(paths, folders, force)
    check_layout(folders, config.format)
    found = discover(paths, follow_symlinks=follow_symlinks, max_bytes=config.max_bytes)
    files, unlisted = found.files, found.unreadable
    options = ReadOptions.of(config)  # reads --metadata: a file it cannot read fails here
    if cleaner is None:  # rule errors surface here, before anything is written
        cleaner = Cleaner(config)
    created = not out.exists()
    state_created = not folders.state.exists()
    # Whose hidden temporary files OUT may hold: a user's, in a folder new to cleaner.
    only_ours = created or is_output_folder(folders)
    try:
        executor.start()  # a cluster that cannot be reached fails here, with OUT untouched
        with _sole_writer(folders), _removed_if_unused(folders, created):
            with _writing(out):
                remove_stale_temporaries(folders)  # a killed run's never finished files
                legacy = remove_legacy_bookkeeping(out)  # an OUT of an earlier version
                save_layout(folders, config.format)  # before any output: a killed run's says it
                manifest = Manifest.load(folders.state)
                for name, doc_ids in leftover_journals(folders.state):  # what killed runs wrote
                    manifest.note_pending(name, doc_ids)
                listed = manifest.names()
                for name, doc_ids in unrecorded_fingerprints(folders.state, listed):
                    manifest.note_pending(name, doc_ids)
            sizes = [_size(item.path) for item in files]  # asked once: progress, batches
            table = None
            if config.corpus_pass:
                with long_lived_frozen():
                    table = build_corpus_table(
                        files, cleaner, config, executor, folders, options, progress, sizes
                    )
                table = table.pruned(config.corpus_min_docs)
                cleaner = Cleaner(config, ruleset=cleaner.ruleset, corpus=table)
            report = RunReport(
                rules_sha256=cleaner.ruleset.digest,
                rule_ids=tuple(rule.id for rule in cleaner.ruleset.rules),
            )
            report.inputs = len(files)
            report.skipped_files = [(path_text(s.path), s.reason) for s in found.skipped]
            report.notices.extend(found.renamed)
            report.notices.extend(options.problems)
            if legacy:
                report.notices.append(
                    f"{out}: made by an earlier version of cleaner; its bookkeeping now "
                    f"lives in {folders.state}, and every input was cleaned again"
                )
            if manifest.problem:
                report.notices.append(
                    f"{manifest.path}: {manifest.problem}; the inputs it lists there are "
                    "cleaned again, and --prune cannot remove outputs of inputs it does not list"
                )
            writer = make_writer(
                folders,
                config.format,
                config.audit,
                config.shard_size,
                config.compression,
                config.shard_bytes,
            )
            with _writing(out):  # the duplicate index is a file in the state folder
                dedup = executor.dedup_stage(
                    config.near_duplicate_threshold,
                    folders.state,
                    lambda index: files[index].name.as_posix(),
                )
            try:  # stopped before the cleaning: its index goes (OUT is then left unused)
                with _writing(out):
                    collector = _Collector(
                        config, files, report, writer, progress, manifest, on_failure, dedup, sizes
                    )
                collector.settings = settings_digest(config, cleaner.ruleset.digest, table)
                context = RunContext(folders, config.format, collector.settings)
                with _writing(out):  # for `explain`: the rules and settings this run used
                    record = RunRecord.of_run(config, cleaner.ruleset.digest, collector.settings)
                    record.save(folders.state)
            except BaseException:
                dedup.close()
                raise
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
                tasks = plan(files, context, manifest, options)
                batches = batched(
                    tasks, total=len(files), workers=executor.workers, sizes=collector.sizes
                )
                with long_lived_frozen(), _writing(out):
                    cleaned = (s for part in executor.map(CLEAN, cleaner, batches) for s in part)
                    for summary in dedup.stream(cleaned, collector.cleaned):
                        guard.check()  # Ctrl-C that a library swallowed stops here
                        collector.take(summary)
            finally:
                progress.stop()
                manifest.close()
                dedup.close()
            with _writing(out):
                # A worker killed mid-input (a crash, a lost Ray node) left its temporary
                # file; its input was cleaned again since.
                if only_ours:
                    remove_stale_temporaries(folders)
                collector.forget_missing_inputs(prune, unlisted)
                with long_lived_frozen():
                    collector.finish(_on_workers(executor, cleaner))
                report.skipped = collector.skipped
                report.duplicates = dict(dedup.counts)
                report.wall_seconds = time.perf_counter() - started
                _write_report(report_path(folders, config.format), report.to_dict())
            return report
    except BaseException:
        # Emptied by its lock's holder (this run, or none): then what this run made goes.
        if state_created:
            with suppress(OSError):
                folders.state.rmdir()
        if created:
            with suppress(OSError):
                out.rmdir()
        raise
    finally:
        executor.close()
