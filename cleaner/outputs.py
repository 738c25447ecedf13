"""Reading a finished run's OUT back, whatever its layout: the report, and each document's
record and text. The HTML report and `explain --rule` read OUT this way.

A record that cannot be read comes back as `UnreadableOutput`, so one damaged file costs
one document, not the whole reading.
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

from cleaner.config import OutputFormat
from cleaner.errors import UsageError
from cleaner.readers.compression import DECOMPRESSION_ERRORS, open_decompressed
from cleaner.readers.names import is_hidden
from cleaner.state import REPORT_NAME, OutputFolders
from cleaner.writers import corpus_files, layout_in, report_path


@dataclass(frozen=True, slots=True)
class OutputEntry:
    """A document in OUT: where it is (for notes), its record, and how to get its text."""

    where: str
    data: Any
    load_text: Callable[[], str]
    #: A row of a JSON Lines or Parquet shard (whose audit --audit may have left out),
    #: not a .json beside its .txt.
    in_corpus: bool = True

    @property
    def lacks_audit(self) -> bool:
        """A shard row written with --audit summary or none: no removals, no kept lines."""
        return (
            self.in_corpus
            and isinstance(self.data, dict)
            and not {"removed", "kept_lines"} & self.data.keys()
        )


@dataclass(frozen=True, slots=True)
class UnreadableOutput:
    where: str
    reason: str


def read_report(out: Path, state: Path | None = None) -> dict[str, Any]:
    """The run's report (`writers.report_path`; `state`: OUT's state folder, as the run
    took it); a missing or broken one means OUT is not a finished run's output."""
    if not out.is_dir():
        raise UsageError(f"{out}: no such folder; give the output folder of a `cleaner run`")
    path = report_path(OutputFolders.of(out, state))
    if not path.is_file():
        apart = "" if state is not None else " (or, if its run kept its state apart, its --state)"
        raise UsageError(
            f"{path} not found: is {out} the output folder of a finished `cleaner run`{apart}?"
        )
    try:
        report = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise UsageError(f"{path}: cannot read ({exc}); run `cleaner run` again") from None
    if not isinstance(report, dict):
        raise UsageError(f"{path}: not a run report (a JSON object); run `cleaner run` again")
    return report


def no_audit_kept(out: Path) -> str:
    """Why a corpus run written with `--audit summary` or `none` cannot show its removals."""
    return (
        f"{out}: its run kept no list of removals (--audit summary or none); run it again "
        "with --audit full, or explain one document with --id"
    )


def read_outputs(out: Path) -> Iterator[OutputEntry | UnreadableOutput]:
    """The documents of OUT in their written order, whatever the layout (and wherever its
    state: the shards tell the corpus layouts)."""
    found = layout_in(OutputFolders.of(out))
    if found is OutputFormat.TXT or found is None:
        yield from _txt_entries(out)
        return
    for path in corpus_files(out):  # in order: a shard's rows after the one before's
        if path.suffix == ".parquet":
            yield from _parquet_entries(path)
        else:
            yield from _jsonl_entries(path)


def _txt_entries(out: Path) -> Iterator[OutputEntry | UnreadableOutput]:
    """OUT/<id>.json + OUT/<id>.txt, sorted by path (the txt layout keeps no order)."""
    for path in sorted(out.rglob("*.json")):
        relative = path.relative_to(out)
        if relative == Path(REPORT_NAME) or is_hidden(relative):
            continue
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            yield UnreadableOutput(relative.as_posix(), f"cannot read: {exc}")
            continue
        text_path = path.with_suffix(".txt")
        yield OutputEntry(
            relative.as_posix(), data, partial(text_path.read_text, encoding="utf-8"), False
        )


def _jsonl_entries(path: Path) -> Iterator[OutputEntry | UnreadableOutput]:
    try:
        with io.TextIOWrapper(open_decompressed(path), encoding="utf-8") as handle:
            for number, line in enumerate(handle, 1):
                where = f"{path.name} line {number}"
                try:
                    data = json.loads(line)
                except ValueError as exc:
                    yield UnreadableOutput(where, f"not valid JSON: {exc}")
                    continue
                text = data.get("text") if isinstance(data, dict) else None
                yield OutputEntry(where, data, partial(_text_field, text))
    except (OSError, UnicodeDecodeError, *DECOMPRESSION_ERRORS) as exc:
        raise UsageError(f"{path}: cannot read ({exc}); run `cleaner run` again") from None


def _parquet_entries(path: Path) -> Iterator[OutputEntry | UnreadableOutput]:
    try:
        import pyarrow.parquet as pq
    except ImportError:
        raise UsageError(
            f"{path}: reading Parquet needs pyarrow: pip install 'cleaner[parquet]'"
        ) from None
    try:
        batches = pq.ParquetFile(path).iter_batches()
        number = 0
        for batch in batches:
            for row in batch.to_pylist():
                number += 1
                text = partial(_text_field, row.get("text"))
                yield OutputEntry(f"{path.name} row {number}", row, text)
    except (OSError, ValueError) as exc:  # pyarrow's errors derive from these
        raise UsageError(f"{path}: cannot read ({exc}); run `cleaner run` again") from None


def _text_field(value: Any) -> str:
    if not isinstance(value, str):
        raise ValueError("field 'text' is missing or not a str")
    return value
