"""`cleaner explain`: a document's lines, the removed ones marked with the rule that took them."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from rich.console import Console
from rich.text import Text

from cleaner.config import Config
from cleaner.document import Document
from cleaner.errors import CleanerError, UsageError
from cleaner.manifest import InputEntry, Manifest
from cleaner.outputs import OutputEntry, no_audit_kept, read_outputs
from cleaner.pipeline import Cleaner
from cleaner.readers import (
    InputFile,
    ReadStats,
    discover_inputs,
    path_text,
    read_input,
    read_text_file,
)
from cleaner.readers.options import ReadOptions
from cleaner.ruleset.loader import load_rules
from cleaner.run_record import RunRecord
from cleaner.state import OutputFolders, recorded_out
from cleaner.writers import is_output_folder


@dataclass(slots=True)
class Explained:
    """A document cleaned again for `explain`, and what the user should know about it."""

    document: Document
    notes: list[str] = field(default_factory=list)


def explain_path(
    path: Path,
    make_cleaner: Callable[[], Cleaner],
    doc_id: str | None = None,
    state: Path | None = None,
) -> Explained:
    """Clean again the document behind `path`: an input file (with `make_cleaner`'s
    rules), or an output of a run (a .txt/.json in OUT, or OUT itself with `doc_id`),
    with the rules and settings that run used, whichever the working directory. `state`:
    the state folder of a run that kept it apart from OUT (it names its OUT)."""
    folders = output_folders(path, state)
    if folders is None:
        if doc_id is not None:
            raise UsageError(
                f"{path}: --id needs the output folder of a `cleaner run` (one whose run "
                "kept its bookkeeping apart needs that --state too)"
            )
        return Explained(_explain_input(path, make_cleaner()))
    return _explain_output(folders, _find_record(folders.out, path, doc_id))


def output_folders(path: Path, state: Path | None = None) -> OutputFolders | None:
    """The folders of the run whose output `path` is (or is inside), if any: OUT with its
    own state, or the OUT that the state folder `state` names."""
    if state is not None:
        out = recorded_out(state)
        if out is None:
            raise UsageError(
                f"--state {state}: not the state folder of a run that kept it apart from its "
                "output folder"
            )
        return OutputFolders.of(out, state)
    folder = path if path.is_dir() else path.parent
    for candidate in (folder, *folder.parents):
        if is_output_folder(OutputFolders.of(candidate)):
            return OutputFolders.of(candidate)
    return None


def _explain_input(path: Path, cleaner: Cleaner) -> Document:
    if not path.is_file():
        raise UsageError(f"{path}: no such file")
    (item,) = discover_inputs([path])
    if item.kind.is_container:
        raise UsageError(
            f"{path}: holds many documents; explain one of the outputs a run made of it "
            "(OUT/<name>/<id>.json, or OUT --id ID)"
        )
    return cleaner.clean(read_text_file(item))


def _find_record(out: Path, path: Path, doc_id: str | None) -> dict[str, Any]:
    if doc_id is None and path.is_dir():
        raise UsageError(f"{path}: an output folder; add --id ID to explain one of its documents")
    if doc_id is None:
        meta = path.with_suffix(".json")
        try:
            record = json.loads(meta.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise UsageError(f"{meta}: cannot read this output's metadata ({exc})") from None
        if isinstance(record, dict):
            return record
        raise UsageError(f"{meta}: not a document's metadata")
    found = []
    for entry in read_outputs(out):
        data = entry.data if isinstance(entry, OutputEntry) else None
        if isinstance(data, dict) and doc_id in (data.get("id"), data.get("source")):
            found.append(data)
    if len(found) == 1:
        return found[0]
    if found:  # JSON Lines inputs keep their own ids, which two inputs may share
        sources = ", ".join(str(data.get("source")) for data in found[:3])
        raise UsageError(
            f"{out}: {len(found)} documents have id {doc_id!r} (from {sources}); give the "
            "one to explain by its source instead: --id SOURCE"
        )
    raise UsageError(f"{out}: no document with id {doc_id!r}; `cleaner report` lists them")


def _explain_output(folders: OutputFolders, record: dict[str, Any]) -> Explained:
    doc_id = str(record.get("id"))
    out = folders.out
    run = RunRecord.load(folders.state)
    if run is None:
        raise UsageError(
            f"{out}: does not record the rules its run used (an older cleaner wrote it); "
            "run `cleaner run` into it again, or explain the input file itself"
        )
    name, entry, doc_id = _manifest_entry_of(folders, run, record, doc_id)
    if entry.settings != run.settings:
        raise UsageError(
            f"{doc_id}: written under other rules or settings than the last run into {out} "
            "used, which are the ones saved there; run `cleaner run` again, then explain"
        )
    notes = []
    if _rules_on_disk_digest(run) != run.rules_sha256:
        notes.append(
            "the rule files on disk have changed since the run; explained with the rules "
            f"the run used (saved in {folders.state})"
        )
    config = run.run_config()
    if config.corpus_pass:
        notes.append("the run used --corpus-pass: its corpus-frequent lines are not shown")
    cleaner = Cleaner(config, ruleset=run.ruleset())
    doc = _read_document(run.input_path(entry.source), PurePosixPath(name), doc_id, config)
    cleaner.clean(doc)
    if hashlib.sha256(doc.text.encode("utf-8")).hexdigest() != record.get("sha256"):
        notes.append(
            f"the text cleaned now differs from the output {doc_id} (has its input "
            f"{entry.source} changed since the run?)"
        )
    return Explained(doc, notes)


def _manifest_entry_of(
    folders: OutputFolders, run: RunRecord, record: dict[str, Any], doc_id: str
) -> tuple[str, InputEntry, str]:
    """The manifest entry of the input that made `record`, and cleaner's id of the
    document. A corpus row's `id` is the input's own id where it had one (a JSON Lines
    record's "id"), not cleaner's: then the row's `source` ("d.jsonl:1") names the input
    and the record, and the input read again names the document."""
    manifest = Manifest.load(folders.state)
    try:
        entries = list(manifest.entries.items())
    finally:
        manifest.close()
    for name, entry in entries:
        if any(doc.id == doc_id for doc in entry.documents):
            return name, entry, doc_id
    input_source, _, position = str(record.get("source") or "").rpartition(":")
    options = ReadOptions.of(run.run_config())
    for name, entry in entries:
        if not (input_source and position.isdigit() and entry.source == input_source):
            continue
        path = run.input_path(entry.source)
        if not path.is_file():
            continue
        (item,) = discover_inputs([path])
        item = InputFile(path, PurePosixPath(name), item.kind)
        for doc in read_input(item, ReadStats(), options=options):
            # (its source names the path as given now; the record, the position)
            if isinstance(doc, Document) and doc.source.rpartition(":")[2] == position:
                return name, entry, doc.id
    raise UsageError(
        f"{folders.out}: its manifest lists no document {doc_id}; run `cleaner run` again"
    )


def _rules_on_disk_digest(run: RunRecord) -> str | None:
    config = run.run_config()
    try:
        return load_rules(config.rules, builtin=config.builtin_rules).digest
    except CleanerError:
        return None


def _read_document(path: Path, name: PurePosixPath, doc_id: str, config: Config) -> Document:
    """The document `doc_id` of the input at `path`, named as the run named it."""
    if not path.is_file():
        raise UsageError(f"{path_text(path)}: the input of {doc_id} is gone; explain needs it")
    (found,) = discover_inputs([path])
    item = InputFile(path, name, found.kind)
    for doc in read_input(item, ReadStats(), options=ReadOptions.of(config)):
        if isinstance(doc, Document) and doc.id == doc_id:
            return doc
    raise UsageError(f"{path_text(path)}: no longer holds the document {doc_id}")


def render(doc: Document, console: Console) -> None:
    """Print every line; removed ones struck through with their rule, cuts noted below."""
    by_line: dict[int | None, list] = {}
    for removal in doc.removals:
        by_line.setdefault(removal.line, []).append(removal)
    width = len(str(doc.lines[-1].number)) if doc.lines else 1
    for line in doc.lines:
        number = str(line.number).rjust(width)
        removals = by_line.get(line.number, [])
        if line.removed:
            whole = (
                next(r for r in removals if r.text == line.text)
                if any(r.text == line.text for r in removals)
                else removals[0]
            )
            row = Text(f"- {number} | ", style="red")
            row.append(line.text, style="strike dim red")
            row.append(f"  [{whole.rule}]", style="bold yellow")
            console.print(row, soft_wrap=True)
            continue
        console.print(Text(f"  {number} | ", style="dim") + Text(line.text), soft_wrap=True)
        for removal in removals:
            note = Text(f"  {' ' * width}   cut: ", style="dim")
            note.append(removal.text, style="strike red")
            note.append(f"  [{removal.rule}]", style="bold yellow")
            console.print(note, soft_wrap=True)
    evidence = doc.metadata.get("page_type_evidence")
    meta = {k: v for k, v in doc.metadata.items() if v is not None and k != "page_type_evidence"}
    if evidence is not None:
        decided = doc.metadata.get("page_type") or "undecided (extracted as an article)"
        reasons = "; ".join(evidence) or "no evidence"
        console.print(Text(f"page type: {decided}; {reasons}", style="cyan"), soft_wrap=True)
    console.print(
        Text(f"metadata: {json.dumps(meta, ensure_ascii=False)}", style="cyan"), soft_wrap=True
    )


@dataclass(frozen=True, slots=True)
class RuleHit:
    document: str
    line: int | None
    text: str
    reason: str


def rule_hits(out: Path, rule_id: str) -> Iterator[RuleHit]:
    """Every removal by `rule_id` across a finished run's outputs, in document order."""
    if not out.is_dir():
        raise UsageError(f"{out}: not a folder; --rule searches the output folder of a run")
    for entry in read_outputs(out):
        if not isinstance(entry, OutputEntry) or not isinstance(entry.data, dict):
            continue  # unreadable records: `cleaner report` lists them
        record = entry.data
        if entry.lacks_audit:
            raise UsageError(no_audit_kept(out))
        for removal in record.get("removed") or []:
            if isinstance(removal, dict) and removal.get("rule") == rule_id:
                yield RuleHit(
                    str(record.get("id")),
                    removal.get("line"),
                    str(removal.get("text", "")),
                    str(removal.get("reason") or ""),
                )


def render_hits(hits: Iterator[RuleHit], rule_id: str, console: Console) -> int:
    """One line per hit: document, line number, the removed text; the count at the end."""
    count = 0
    for hit in hits:
        count += 1
        row = Text(f"{hit.document}:{hit.line if hit.line is not None else '-'}  ", style="cyan")
        row.append(hit.text, style="strike red")
        if hit.reason:
            row.append(f"  ({hit.reason})", style="dim")
        console.print(row, soft_wrap=True)
    console.print(f"{count} removal(s) by {rule_id}")
    return count
