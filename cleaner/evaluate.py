"""Scoring clean text against gold text: word 4-gram shingle precision, recall and F1.

The definition of the scrapinghub article-extraction benchmark: per document,
true/false positives and false negatives over shingle counts, normalised by their
sum so long documents weigh no more than short ones; precision and recall are
averaged over documents, and F1 is computed from those averages.
"""

from __future__ import annotations

import json
import re
import statistics
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from cleaner.config import OutputFormat
from cleaner.errors import UsageError
from cleaner.outputs import UnreadableOutput, read_outputs
from cleaner.state import OutputFolders
from cleaner.writers import layout_in

_TOKEN = re.compile(r"\w+")
SHINGLE_SIZE = 4


@dataclass(frozen=True, slots=True)
class DocumentScore:
    id: str
    tp: float
    fp: float
    fn: float

    @property
    def precision(self) -> float:
        if self.fp == self.fn == 0:
            return 1.0
        return 0.0 if self.tp == self.fp == 0 else self.tp / (self.tp + self.fp)

    @property
    def recall(self) -> float:
        if self.fp == self.fn == 0:
            return 1.0
        return 0.0 if self.tp == self.fn == 0 else self.tp / (self.tp + self.fn)

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass(frozen=True, slots=True)
class Score:
    precision: float
    recall: float
    f1: float
    documents: tuple[DocumentScore, ...]


def shingles(text: str, size: int = SHINGLE_SIZE) -> Counter[tuple[str, ...]]:
    tokens = _TOKEN.findall(text or "")
    return Counter(
        tuple(tokens[i : i + size])
        for i in range(max(1, len(tokens) - size + 1))
        if tokens[i : i + size]
    )


def score_document(doc_id: str, predicted: str, gold: str) -> DocumentScore:
    pred, true = shingles(predicted), shingles(gold)
    tp = sum((pred & true).values())
    fp = sum((pred - true).values())
    fn = sum((true - pred).values())
    total = tp + fp + fn
    if total:
        return DocumentScore(doc_id, tp / total, fp / total, fn / total)
    return DocumentScore(doc_id, 0.0, 0.0, 0.0)


def score_corpus(documents: Iterable[DocumentScore]) -> Score:
    docs = tuple(documents)
    precisions = [d.precision for d in docs if d.tp + d.fp > 0]
    recalls = [d.recall for d in docs if d.tp + d.fn > 0]
    precision = statistics.fmean(precisions) if precisions else 0.0
    recall = statistics.fmean(recalls) if recalls else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return Score(precision, recall, f1, docs)


def load_gold(path: Path) -> dict[str, str]:
    """Gold texts from JSON Lines with `id` and `text` on every line."""
    gold: dict[str, str] = {}
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise UsageError(f"{path}: cannot read gold file: {exc.strerror}") from None
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
            gold[str(record["id"])] = str(record["text"])
        except (ValueError, KeyError, TypeError):
            message = f"{path}:{number}: expected a JSON object with 'id' and 'text'"
            raise UsageError(message) from None
    return gold


def load_outputs(out: Path) -> dict[str, str]:
    """Clean texts of a finished run, by output name, by file stem and by record id."""
    texts: dict[str, str] = {}
    if layout_in(OutputFolders.of(out)) in (OutputFormat.JSONL, OutputFormat.PARQUET):
        for entry in read_outputs(out):  # every shard, JSON Lines or Parquet
            if isinstance(entry, UnreadableOutput) or not isinstance(entry.data, dict):
                continue
            record = entry.data
            for key in (record.get("id"), record.get("record_id"), record.get("input_id")):
                if key is not None:
                    texts.setdefault(str(key), record["text"])
                    texts.setdefault(str(key).rsplit("/", 1)[-1], record["text"])
        if texts:
            return texts
    for path in sorted(out.rglob("*.txt")):
        try:
            text = path.read_text(encoding="utf-8")
            meta_path = path.with_suffix(".json")
            meta = json.loads(meta_path.read_text(encoding="utf-8")) if meta_path.is_file() else {}
        except (OSError, ValueError) as exc:  # UnicodeDecodeError and JSONDecodeError too
            raise UsageError(
                f"{path}: cannot read it as a cleaner output ({type(exc).__name__}); is {out} "
                "the output folder of a cleaner run?"
            ) from None
        name = path.relative_to(out).with_suffix("").as_posix()
        texts[name] = text
        texts.setdefault(path.stem, text)
        for key in ("record_id", "input_id"):
            if isinstance(meta, dict) and meta.get(key) is not None:
                texts.setdefault(str(meta[key]), text)
    if not texts:
        raise UsageError(f"{out}: no outputs found (.txt files, or JSON Lines/Parquet shards)")
    return texts


def evaluate_run(out: Path, gold_path: Path) -> Score:
    """Score a finished run against gold; a gold document with no output scores zero recall."""
    outputs = load_outputs(out)
    gold = load_gold(gold_path)
    return score_corpus(score_document(i, outputs.get(i, ""), text) for i, text in gold.items())
