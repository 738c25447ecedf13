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
from dataclasses import dataclass, field, replace
from pathlib import Path

from cleaner.config import OutputFormat
from cleaner.errors import UsageError
from cleaner.outputs import UnreadableOutput, read_outputs
from cleaner.readers.compression import DECOMPRESSION_ERRORS, open_decompressed
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
    missing: tuple[str, ...] = ()  # gold ids that name no output (scored as empty)


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
    """Gold texts from JSON Lines with `id` and `text` on every line (compressed or not);
    an id given twice, or a text that is not a string, is an error naming its line."""
    gold: dict[str, str] = {}
    try:
        with open_decompressed(path) as stream:
            lines = stream.read().decode("utf-8-sig").splitlines()
    except UnicodeDecodeError:
        raise UsageError(f"{path}: the gold file is not UTF-8; convert it") from None
    except DECOMPRESSION_ERRORS as exc:  # OSError among them
        reason = getattr(exc, "strerror", None) or str(exc) or type(exc).__name__
        raise UsageError(f"{path}: cannot read gold file: {reason}") from None
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        where = f"{path}:{number}"
        try:
            record = json.loads(line)
            doc_id, text = str(record["id"]), record["text"]
        except (ValueError, KeyError, TypeError):
            raise UsageError(f"{where}: expected a JSON object with 'id' and 'text'") from None
        if not isinstance(text, str):
            raise UsageError(f"{where}: 'text' of {doc_id!r} is not a string")
        if doc_id in gold:
            raise UsageError(f"{where}: id {doc_id!r} is given twice; keep one")
        gold[doc_id] = text
    return gold


@dataclass(slots=True)
class RunTexts:
    """The clean texts of a finished run, found by the names a gold file may use for
    them, in this order: a document's name (its path in OUT without the suffix; in a
    JSON Lines or Parquet run its `id`, the input's own id where it had one), then its
    WARC record id or the input's id, then the last part of its name. A name that several
    documents share at the first level that has it is an error, not a guess."""

    texts: list[str] = field(default_factory=list)
    #: per level: name -> the documents (places in `texts`) that have it
    levels: tuple[dict[str, set[int]], ...] = field(default_factory=lambda: ({}, {}, {}))

    def add(self, text: str, name: str, ids: Iterable[object]) -> None:
        place = len(self.texts)
        self.texts.append(text)
        keys = ([name], [str(key) for key in ids if key is not None], [name.rsplit("/", 1)[-1]])
        for level, names in zip(self.levels, keys, strict=True):
            for key in names:
                level.setdefault(key, set()).add(place)

    def find(self, gold_id: str) -> str | None:
        """The text that `gold_id` names; None when it names none."""
        for level in self.levels:
            places = level.get(gold_id, set())
            if len(places) == 1:
                return self.texts[next(iter(places))]
            if places:
                raise UsageError(
                    f"gold id {gold_id!r} names {len(places)} documents of the run: give "
                    "each document a distinct id (in a per-document run, its path in OUT "
                    "without the suffix)"
                )
        return None


def load_outputs(out: Path) -> RunTexts:
    """Clean texts of a finished run, in any of its formats (see RunTexts)."""
    texts = RunTexts()
    if layout_in(OutputFolders.of(out)) in (OutputFormat.JSONL, OutputFormat.PARQUET):
        for entry in read_outputs(out):  # every shard, JSON Lines or Parquet
            if isinstance(entry, UnreadableOutput) or not isinstance(entry.data, dict):
                continue
            record = entry.data
            if record.get("id") is not None:
                texts.add(record["text"], str(record["id"]), [record.get("record_id")])
        if texts.texts:
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
        meta = meta if isinstance(meta, dict) else {}
        name = path.relative_to(out).with_suffix("").as_posix()
        texts.add(text, name, [meta.get("record_id"), meta.get("input_id")])
    if not texts.texts:
        raise UsageError(f"{out}: no outputs found (.txt files, or JSON Lines/Parquet shards)")
    return texts


def evaluate_run(out: Path, gold_path: Path) -> Score:
    """Score a finished run against gold; a gold document with no output scores zero recall
    (and is named in `Score.missing`); gold that names no output at all is an error."""
    outputs = load_outputs(out)
    gold = load_gold(gold_path)
    found = {doc_id: outputs.find(doc_id) for doc_id in gold}
    missing = tuple(doc_id for doc_id, text in found.items() if text is None)
    if gold and len(missing) == len(gold):
        raise UsageError(
            f"{gold_path}: none of its {len(gold)} ids names an output in {out} (such as "
            f"{missing[0]!r}); gold ids are output names, the path in OUT without the suffix"
        )
    scores = (score_document(i, found[i] or "", text) for i, text in gold.items())
    return replace(score_corpus(scores), missing=missing)
