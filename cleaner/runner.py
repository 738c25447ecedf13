"""A whole run: inputs in, cleaned documents and a report out. The CLI's `run` calls this."""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

from cleaner.config import Config
from cleaner.corpus import CorpusTable
from cleaner.document import Document
from cleaner.duplicates import DuplicateFinder
from cleaner.errors import CleanerError, UsageError
from cleaner.pipeline import Cleaner
from cleaner.readers import InputFile, ReadStats, RecordFailure, discover_inputs, read_input
from cleaner.report import Failure, RunReport
from cleaner.writers import atomic_write, make_writer, remove_stale_temporaries, to_json

REPORT_NAME = "report.json"


def _check_output_dir(inputs: Sequence[Path], out: Path) -> None:
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


def read_guarded(
    item: InputFile,
    stats: ReadStats,
    config: Config,
) -> Iterator[Document | RecordFailure]:
    """The input's documents; a reader that breaks down yields a failure instead."""
    try:
        yield from read_input(item, stats, text_field=config.text_field, max_bytes=config.max_bytes)
    except CleanerError as exc:
        yield RecordFailure(item.path.as_posix(), str(exc))
    except Exception as exc:  # a reader bug on one input must not lose the others
        yield RecordFailure(item.path.as_posix(), f"cannot read: {type(exc).__name__}: {exc}")


def build_corpus_table(
    files: Sequence[InputFile],
    cleaner: Cleaner,
    config: Config,
) -> CorpusTable:
    """The corpus pass: line counts per site over every input (read failures wait for pass 2)."""
    table = CorpusTable()
    for item in files:
        for doc in read_guarded(item, ReadStats(), config):
            if isinstance(doc, Document):
                with contextlib.suppress(Exception):  # it fails again, and is reported, in pass 2
                    table.add(cleaner.prepare(doc))
    return table


def run(
    inputs: Sequence[Path],
    out: Path,
    config: Config | None = None,
    cleaner: Cleaner | None = None,
    on_failure: Callable[[Failure], None] | None = None,
) -> RunReport:
    """Clean every input under `inputs` into `out`; one bad document never stops the run."""
    config = config or Config()
    started = time.perf_counter()
    _check_output_dir(inputs, out)
    files = discover_inputs(inputs)
    if cleaner is None:  # rule errors surface here, before anything is written
        cleaner = Cleaner(config)
    if config.corpus_pass:
        table = build_corpus_table(files, cleaner, config)
        cleaner = Cleaner(config, ruleset=cleaner.ruleset, corpus=table)
    finder = DuplicateFinder(config.near_duplicate_threshold)
    report = RunReport(
        rules_sha256=cleaner.ruleset.digest,
        rule_ids=tuple(rule.id for rule in cleaner.ruleset.rules),
    )
    report.inputs = len(files)
    stats = ReadStats()
    remove_stale_temporaries(out)  # what a killed run was writing: never finished files
    writer = make_writer(out, config.format)

    def fail(source: str, reason: str) -> None:
        failure = Failure(source, reason)
        report.failures.append(failure)
        if on_failure:
            on_failure(failure)

    for item in files:
        for doc in read_guarded(item, stats, config):
            if isinstance(doc, RecordFailure):
                fail(doc.source, doc.reason)
                continue
            try:
                cleaner.clean(doc)
                doc.metadata["duplicate_of"] = finder.check(doc)
                if config.drop_duplicates and doc.metadata["duplicate_of"]:
                    report.dropped_duplicates += 1
                    continue
                writer.write(doc)
            except CleanerError as exc:
                fail(doc.source, str(exc))
            except Exception as exc:  # a bug on one document must not lose the others
                fail(doc.source, f"internal error: {type(exc).__name__}: {exc}")
            else:
                report.add_document(doc)
    writer.close()
    report.skipped = stats.skipped
    report.duplicates = dict(finder.counts)
    report.wall_seconds = time.perf_counter() - started
    atomic_write(out / REPORT_NAME, to_json(report.to_dict()).encode("utf-8"))
    return report
