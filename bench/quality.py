"""Extraction quality: the scrapinghub pages (shingle F1) and the WCXB dev split (word F1).

scrapinghub: cleaner on the HTML pages and on the plain-text dumps of the same pages, and
plain trafilatura.extract on the HTML, in the same run; shingle F1, precision and recall
(the benchmark's own definition, cleaner/evaluate.py).

WCXB dev (1,497 pages, 7 page types): the benchmark's metric (bench/wcxb.py), overall and
per page type, `with`/`without` snippet rates and title/author/date accuracy, for cleaner
in HTML mode and text mode, trafilatura.extract with its defaults and resiliparse's main
content (when installed), all in the same run. Every system is given the page's URL, as a
crawl record would. A script, not a test: it prints.

    python bench/quality.py                          # both sets, every mode
    python bench/quality.py --set wcxb --limit 150   # 150 WCXB pages spread over the ids
    python bench/quality.py --set wcxb --mode html --types forum,service
    python bench/quality.py --set wcxb --mode html --half odd   # the held-out half

The page-type rules (cleaner/page_type.py) were tuned on the even half of WCXB dev;
`--half odd` measures them, and everything else, on the half they were not tuned on.
"""

from __future__ import annotations

import argparse
import gzip
import sys
import tempfile
import time
from pathlib import Path

import trafilatura

sys.path.insert(0, str(Path(__file__).resolve().parent))
from wcxb import Output, Page, Result, load_pages, read_gz, score, table, type_accuracy

from cleaner import Cleaner, Config, run
from cleaner.evaluate import Score, evaluate_run, load_gold, score_corpus, score_document
from cleaner.readers.text import document_from_bytes

SHARED = Path(__file__).resolve().parents[1].parent / "shared" / "bench"
DEFAULT_BENCH = SHARED / "scrapinghub"
DEFAULT_WCXB = SHARED / "wcxb-dev"


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


def scrapinghub(bench: Path, modes: set[str], cleaner: Cleaner) -> None:
    gold = bench / "gold.jsonl"
    rows = []
    if "html" in modes:
        rows.append(("cleaner, HTML pages", *cleaner_score(bench / "html", gold, cleaner)))
        rows.append(("trafilatura.extract, HTML pages", *trafilatura_score(bench / "html", gold)))
    if "text" in modes:
        rows.append(("cleaner, text dumps", *cleaner_score(bench / "text", gold, cleaner)))
    print(f"scrapinghub ({bench}): shingle F1")
    print(f"{'':34} {'F1':>7} {'prec.':>7} {'recall':>7} {'seconds':>8}")
    for name, result, seconds in rows:
        figures = f"{result.f1:7.4f} {result.precision:7.4f} {result.recall:7.4f} {seconds:8.1f}"
        print(f"{name:34} {figures}")
    if rows:
        print(f"{len(rows[0][1].documents)} documents; gold: {gold}")


def cleaner_html(cleaner: Cleaner, folder: Path):
    def system(page: Page) -> Output:
        with gzip.open(folder / "html" / f"{page.id}.html.gz") as raw:
            data = raw.read()
        doc = document_from_bytes(page.id, page.id, data, html=True)
        if page.url:
            doc.metadata["url"] = page.url
        doc = cleaner.clean(doc)
        meta = doc.metadata
        return Output(
            doc.text, meta.get("title"), meta.get("author"), meta.get("date"), meta.get("page_type")
        )

    return system


def cleaner_text(cleaner: Cleaner, folder: Path):
    def system(page: Page) -> Output:
        text = read_gz(folder / "text" / f"{page.id}.txt.gz")
        return Output(cleaner.clean_text(text, id=page.id, url=page.url or None).text)

    return system


def trafilatura_html(folder: Path):
    def system(page: Page) -> Output:
        html = read_gz(folder / "html" / f"{page.id}.html.gz")
        return Output(trafilatura.extract(html, url=page.url or None) or "")

    return system


def trafilatura_metadata(folder: Path, pages: list[Page], result: Result) -> None:
    """trafilatura's own title/author/date, untimed (extract() with defaults reads none)."""
    for page in pages:
        html = read_gz(folder / "html" / f"{page.id}.html.gz")
        meta = trafilatura.extract_metadata(html, default_url=page.url or None)
        result.add_metadata(page, Output("", meta.title, meta.author, meta.date))


def resiliparse_html(folder: Path):
    try:
        from resiliparse.extract.html2text import extract_plain_text
        from resiliparse.parse.html import HTMLTree
    except ImportError:
        return None

    def system(page: Page) -> Output:
        html = read_gz(folder / "html" / f"{page.id}.html.gz")
        return Output(extract_plain_text(HTMLTree.parse(html), main_content=True) or "")

    return system


def wcxb(
    folder: Path,
    modes: set[str],
    cleaner: Cleaner,
    limit: int | None,
    types: set[str],
    half: str | None = None,
) -> None:
    pages = [p for p in load_pages(folder, limit, half) if not types or p.page_type in types]
    results: list[Result] = []
    if "html" in modes:
        results.append(score("cleaner, HTML", pages, cleaner_html(cleaner, folder), True))
        traf = score("trafilatura.extract, HTML", pages, trafilatura_html(folder), False)
        trafilatura_metadata(folder, pages, traf)
        results.append(traf)
        resiliparse = resiliparse_html(folder)
        if resiliparse is not None:
            results.append(score("resiliparse main content, HTML", pages, resiliparse, False))
    if "text" in modes:
        results.append(score("cleaner, text dumps", pages, cleaner_text(cleaner, folder), False))
    print(f"WCXB dev ({folder}): word F1 (macro), snippet rates, metadata accuracy")
    print(table(results))
    if "html" in modes:
        print(type_accuracy(results[0]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bench", type=Path, default=DEFAULT_BENCH, help="scrapinghub folder")
    parser.add_argument("--wcxb", type=Path, default=DEFAULT_WCXB, help="WCXB dev folder")
    parser.add_argument("--set", choices=("all", "scrapinghub", "wcxb"), default="all")
    parser.add_argument("--mode", choices=("all", "html", "text"), default="all")
    parser.add_argument("--limit", type=int, help="WCXB: this many pages, spread over the ids")
    parser.add_argument("--types", default="", help="WCXB: only these page types (comma-separated)")
    parser.add_argument("--half", choices=("even", "odd"), help="WCXB: only this half of the ids")
    args = parser.parse_args()
    modes = {"html", "text"} if args.mode == "all" else {args.mode}
    cleaner = Cleaner(Config())
    if args.set in ("all", "scrapinghub"):
        scrapinghub(args.bench, modes, cleaner)
    if args.set in ("all", "wcxb"):
        types = {t for t in args.types.split(",") if t}
        wcxb(args.wcxb, modes, cleaner, args.limit, types, args.half)


if __name__ == "__main__":
    main()
