"""A whole run: inputs in, cleaned documents and a report out. The CLI's `run` calls this."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from pathlib import Path

from cleaner.config import Config, OutputFormat
from cleaner.errors import CleanerError, UsageError
from cleaner.pipeline import Cleaner
from cleaner.readers import discover_inputs, read_text_file
from cleaner.report import Failure, RunReport
from cleaner.writers import JsonlWriter, TxtWriter, Writer, atomic_write, to_json

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
    report = RunReport(rules_sha256=cleaner.ruleset.digest, rules_count=len(cleaner.ruleset))
    report.inputs = len(files)
    writer: Writer = JsonlWriter(out) if config.format is OutputFormat.JSONL else TxtWriter(out)
    for item in files:
        try:
            doc = cleaner.clean(read_text_file(item))
            writer.write(item.name, doc)
        except CleanerError as exc:
            failure = Failure(item.path.as_posix(), str(exc))
        except Exception as exc:  # a bug on one document must not lose the others
            failure = Failure(item.path.as_posix(), f"internal error: {type(exc).__name__}: {exc}")
        else:
            report.add_document(doc)
            report.written += 1
            continue
        report.failures.append(failure)
        if on_failure:
            on_failure(failure)
    writer.close()
    report.wall_seconds = time.perf_counter() - started
    atomic_write(out / REPORT_NAME, to_json(report.to_dict()).encode("utf-8"))
    return report
