"""`cleaner explain`: a document's lines, the removed ones marked with the rule that took them."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from rich.console import Console
from rich.text import Text

from cleaner.document import Document
from cleaner.errors import UsageError
from cleaner.outputs import OutputEntry, read_outputs
from cleaner.pipeline import Cleaner
from cleaner.readers import discover_inputs, read_text_file


def resolve_source(path: Path) -> Path:
    """An input file, or the input named by an output's metadata (`OUT/x.json` or `OUT/x.txt`)."""
    meta = path if path.suffix == ".json" else path.with_suffix(".json")
    if meta.is_file() and path.suffix in (".json", ".txt"):
        try:
            source = json.loads(meta.read_text(encoding="utf-8")).get("source")
        except (ValueError, AttributeError):
            source = None
        if source and Path(source).is_file() and Path(source).resolve() != path.resolve():
            return Path(source)
    if not path.is_file():
        raise UsageError(f"{path}: no such file")
    return path


def explain_document(path: Path, cleaner: Cleaner) -> Document:
    """Clean one text or HTML file (containers hold many documents: explain an output)."""
    source = resolve_source(path)
    (item,) = discover_inputs([source])
    if item.kind.is_container:
        raise UsageError(
            f"{source}: holds many documents; explain one of its outputs "
            "(OUT/<name>/<id>.json) instead"
        )
    return cleaner.clean(read_text_file(item))


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
    meta = {
        k: v for k, v in doc.metadata.items() if v is not None and k != "page_type_evidence"
    }
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
