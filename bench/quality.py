"""Extraction quality on the scrapinghub benchmark pages, against their human gold text.

Runs cleaner on the HTML pages and on the plain-text dumps of the same pages, and plain
trafilatura.extract on the HTML in the same run; prints shingle F1, precision and recall
(the benchmark's own definition, cleaner/evaluate.py). A script, not a test: it prints.

    python bench/quality.py [--bench ../shared/bench/scrapinghub]
"""

from __future__ import annotations

import argparse
import gzip
import tempfile
import time
from pathlib import Path

import trafilatura

from cleaner import Cleaner, Config, run
from cleaner.evaluate import Score, evaluate_run, load_gold, score_corpus, score_document

DEFAULT_BENCH = Path(__file__).resolve().parents[1].parent / "shared" / "bench" / "scrapinghub"


def cleaner_score(inputs: Path, gold: Path, cleaner: Cleaner) -> tuple[Score, float]:
    with tempfile.TemporaryDirectory() as tmp:
        started = time.perf_counter()
        run([inputs], Path(tmp) / "out", cleaner=cleaner)
        seconds = time.perf_counter() - started
        return evaluate_run(Path(tmp) / "out", gold), seconds


def trafilatura_score(html_dir: Path, gold_path: Path) -> tuple[Score, float]:
    gold = load_gold(gold_path)
    started = time.perf_counter()
    scores = []
    for doc_id, text in gold.items():
        with gzip.open(html_dir / f"{doc_id}.html.gz") as page:
            html = page.read()
        scores.append(score_document(doc_id, trafilatura.extract(html) or "", text))
    return score_corpus(scores), time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bench", type=Path, default=DEFAULT_BENCH)
    args = parser.parse_args()
    gold = args.bench / "gold.jsonl"
    cleaner = Cleaner(Config())
    rows = [
        ("cleaner, HTML pages", *cleaner_score(args.bench / "html", gold, cleaner)),
        ("trafilatura.extract, HTML pages", *trafilatura_score(args.bench / "html", gold)),
        ("cleaner, text dumps", *cleaner_score(args.bench / "text", gold, cleaner)),
    ]
    print(f"{'':34} {'F1':>7} {'prec.':>7} {'recall':>7} {'seconds':>8}")
    for name, score, seconds in rows:
        figures = f"{score.f1:7.4f} {score.precision:7.4f} {score.recall:7.4f} {seconds:8.1f}"
        print(f"{name:34} {figures}")
    print(f"{len(rows[0][1].documents)} documents; gold: {gold}")


if __name__ == "__main__":
    main()
