"""Text mode on the WCXB dev dumps (and the scrapinghub dumps): what it keeps, block by block.

Runs cleaner's text mode (`Cleaner.clean_text`, built-in rules, default settings, no URL:
what `cleaner run` does with a folder of .txt files) on

- WCXB dev: `../shared/bench/wcxb-dev/text/<id>.txt.gz`, scored with the benchmark's own
  metric (its SOURCE.md): per page, bag-of-words F1 over `re.findall(r"\\w+", lower)`
  tokens (multiset overlap), then the macro mean, overall and per `page_type`;
- scrapinghub: `../shared/bench/scrapinghub/text/<id>.txt`, scored with word 4-gram
  shingle F1 (cleaner/evaluate.py, the benchmark's definition; what bench/quality.py
  prints for its "text dumps" row), unless `--no-scrapinghub`.

Then, per kind of gold block, how much of it text mode keeps. WCXB's `main_content` puts
headings on their own lines and separates paragraphs by a blank line; list items, table
rows and code lines sit on consecutive lines of one block. Each gold line is classified
by its shape alone, first match wins:

    table row     two or more cells: a tab, or " | " between cells
    list item     starts with a bullet or a number ("- ", "* ", "• ", "1. ", "2) ")
    code          looks like code: ends with "{", "}", ";" or ")" or starts with a shell
                  prompt, a keyword (def, class, import, return, for ... do, #include,
                  @decorator), or holds many code symbols ({}[]();=<>$_) and no sentence end
    heading       a block of one line, under 15 words, that does not end in . ! ? : ; or ,
    list item     any other line of a block of several lines (an unmarked item)
    first paragraph  the first block of one line that is a paragraph (5+ words, not the
                  above): counted in its length kind too
    short paragraph  a one-line block under 15 words
    paragraph     15 words or more

A line counts as kept in proportion to its word 3-grams (lines of 1-2 words: the whole
line as one n-gram) found in the output's word 3-grams. Shares are over all lines of a
kind on all pages: "dump" is what the html-text dump holds (the ceiling), "kept" what
text mode keeps, "of dump" their ratio (what cleaning lost). Nothing here is tuned to
pages: it prints figures.

    python bench/text_blocks.py [--jobs 2] [--limit N] [--no-scrapinghub] [--worst 10]
                                [--near-repeat-threshold 0.8]

Measured 2026-12-04 (2-core shared machine), before (35ad8be) and after the text-blocks
branch (issue 22, part 1):

    scrapinghub dumps, shingle F1 / P / R   0.9079 / 0.8747 / 0.9437 -> 0.9132 / 0.8781 / 0.9513
    WCXB dev, macro word F1                 0.7585 -> 0.7718
      article 0.8923 -> 0.8998, collection 0.5285 -> 0.5402, documentation 0.8300 -> 0.8585,
      forum 0.5972 -> 0.6329, listing 0.5302 -> 0.5170, product 0.4920 -> 0.4982,
      service 0.6790 -> 0.7181
    kept of what the dump holds: heading 47.3% -> 47.5%, list item 78.7% -> 80.3%,
      code 63.1% -> 79.6%, table row 33.6% -> 45.0%, short paragraph 68.2% -> 71.6%,
      paragraph 15+ 91.6% -> 92.6%, first paragraph 84.9% -> 87.1%
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import statistics
import time
from collections import defaultdict
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from wcxb import word_f1  # the benchmark's metric, one definition for every bench script

SHARED = Path(__file__).resolve().parents[1].parent / "shared" / "bench"
WCXB = SHARED / "wcxb-dev"
SCRAPINGHUB = SHARED / "scrapinghub"

_TOKEN = re.compile(r"\w+")
_LIST_MARK = re.compile(r"^\s*(?:[-*•·▪►✓–—]|\(?\d{1,3}[.)]|[a-z][.)])\s")
_CODE_START = re.compile(
    r"^\s*(?:\$ |# |>>> |def |class |import |from \S+ import |return\b|#include|@\w|"
    r"for .* do\b|if \(|let |const |var |function\b|public |private |<\w+)"
)
_CODE_END = re.compile(r"[{};]\s*$|^\s*[})\]]")
_CODE_SYMBOLS = re.compile(r"[{}\[\]();=<>$_\\]")
_SENTENCE_END = re.compile(r"[.!?:;,。！？]\W{0,2}$")
KINDS = (
    "heading",
    "list item",
    "code",
    "table row",
    "short paragraph",
    "paragraph 15+",
    "first paragraph",
)

_cleaner = None
_config: dict[str, object] = {}


def line_kinds(gold: str) -> list[tuple[str, str]]:
    """(kind, line) for the lines of a gold text; a first paragraph is listed twice."""
    out: list[tuple[str, str]] = []
    first_seen = False
    for block in re.split(r"\n\s*\n", gold):
        lines = [line for line in block.split("\n") if line.strip()]
        for line in lines:
            kind = _kind(line, single=len(lines) == 1)
            out.append((kind, line))
            paragraph = len(lines) == 1 and kind in ("short paragraph", "paragraph 15+")
            if not first_seen and paragraph and len(_TOKEN.findall(line)) >= 5:
                out.append(("first paragraph", line))
                first_seen = True
    return out


def _kind(line: str, *, single: bool) -> str:
    words = len(_TOKEN.findall(line))
    if "\t" in line.strip() or line.count(" | ") >= 1:
        return "table row"
    if _LIST_MARK.match(line):
        return "list item"
    if _looks_like_code(line):
        return "code"
    if not single:
        return "list item"
    if words < 15 and not _SENTENCE_END.search(line):
        return "heading"
    return "short paragraph" if words < 15 else "paragraph 15+"


def _looks_like_code(line: str) -> bool:
    if _CODE_START.match(line) or _CODE_END.search(line):
        return True
    symbols = len(_CODE_SYMBOLS.findall(line))
    return symbols >= 3 and symbols >= 0.06 * len(line.strip()) and not line.rstrip().endswith(".")


def _ngrams(tokens: list[str], n: int) -> set[tuple[str, ...]]:
    return {tuple(tokens[i : i + n]) for i in range(len(tokens) - n + 1)}


def _found(line: str, grams: dict[int, set[tuple[str, ...]]]) -> tuple[int, float]:
    """(n-grams of the line, how many of them the text holds)."""
    tokens = _TOKEN.findall(line.lower())
    if not tokens:
        return 0, 0.0
    if len(tokens) < 3:
        key = tuple(tokens)
        return 1, float(key in grams.setdefault(len(tokens), set()))
    mine = [tuple(tokens[i : i + 3]) for i in range(len(tokens) - 2)]
    return len(mine), float(sum(g in grams[3] for g in mine))


def _grams_of(text: str) -> dict[int, set[tuple[str, ...]]]:
    tokens = _TOKEN.findall(text.lower())
    return {n: _ngrams(tokens, n) for n in (1, 2, 3)}


def _init(config: dict[str, object]) -> None:
    global _cleaner
    from cleaner import Cleaner, Config

    _cleaner = Cleaner(Config(**config))


def _clean(item: tuple[str, str]) -> tuple[str, str]:
    doc_id, raw = item
    assert _cleaner is not None
    return doc_id, _cleaner.clean_text(raw, id=doc_id).text


def clean_all(items: list[tuple[str, str]], jobs: int) -> dict[str, str]:
    if jobs <= 1:
        _init(_config)
        return dict(map(_clean, items))
    with ProcessPoolExecutor(jobs, initializer=_init, initargs=(_config,)) as pool:
        return dict(pool.map(_clean, items, chunksize=8))


def wcxb(jobs: int, limit: int | None, worst: int) -> None:
    rows = [json.loads(line) for line in (WCXB / "gold.jsonl").open(encoding="utf-8")]
    rows = rows[:limit] if limit else rows
    items = []
    for row in rows:
        with gzip.open(WCXB / "text" / f"{row['id']}.txt.gz", "rt", encoding="utf-8") as f:
            items.append((row["id"], f.read()))
    dumps = dict(items)
    started = time.perf_counter()
    outputs = clean_all(items, jobs)
    seconds = time.perf_counter() - started
    by_type: dict[str, list[float]] = defaultdict(list)
    dump_by_type: dict[str, list[float]] = defaultdict(list)
    scores = []
    totals = {kind: [0, 0.0, 0.0] for kind in KINDS}  # n-grams, in dump, kept
    for row in rows:
        score = word_f1(outputs[row["id"]], row["text"])
        scores.append((score, row["id"], row["page_type"]))
        by_type[row["page_type"]].append(score)
        dump_by_type[row["page_type"]].append(word_f1(dumps[row["id"]], row["text"]))
        out_grams, dump_grams = _grams_of(outputs[row["id"]]), _grams_of(dumps[row["id"]])
        for kind, line in line_kinds(row["text"]):
            n, kept = _found(line, out_grams)
            _, held = _found(line, dump_grams)
            totals[kind][0] += n
            totals[kind][1] += held
            totals[kind][2] += kept
    overall = statistics.fmean(s for s, _, _ in scores)
    dump = statistics.fmean(v for values in dump_by_type.values() for v in values)
    print(f"WCXB dev, text mode: {len(rows)} pages in {seconds:.1f} s ({jobs} jobs)")
    print(f"{'page type':16} {'pages':>6} {'F1':>7} {'dump F1':>8}")
    print(f"{'all':16} {len(rows):6} {overall:7.4f} {dump:8.4f}")
    for page_type in sorted(by_type):
        values = by_type[page_type]
        dump_type = statistics.fmean(dump_by_type[page_type])
        print(f"{page_type:16} {len(values):6} {statistics.fmean(values):7.4f} {dump_type:8.4f}")
    print()
    print(f"{'gold block kind':18} {'3-grams':>9} {'dump':>7} {'kept':>7} {'of dump':>8}")
    for kind in KINDS:
        n, held, kept = totals[kind]
        if n:
            print(f"{kind:18} {n:9} {held / n:7.1%} {kept / n:7.1%} {kept / max(held, 1):8.1%}")
    if worst:
        print()
        print("worst pages:", ", ".join(f"{i} {t} {s:.2f}" for s, i, t in sorted(scores)[:worst]))


def scrapinghub(jobs: int) -> None:
    from cleaner.evaluate import load_gold, score_corpus, score_document

    gold = load_gold(SCRAPINGHUB / "gold.jsonl")
    items = [
        (doc_id, (SCRAPINGHUB / "text" / f"{doc_id}.txt").read_text(encoding="utf-8"))
        for doc_id in sorted(gold)
    ]
    outputs = clean_all(items, jobs)
    score = score_corpus(score_document(i, outputs[i], gold[i]) for i in sorted(gold))
    print(
        f"scrapinghub dumps ({len(items)}): shingle F1 {score.f1:.4f} "
        f"precision {score.precision:.4f} recall {score.recall:.4f}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--limit", type=int, default=None, help="only the first N WCXB pages")
    parser.add_argument("--worst", type=int, default=10, help="list the N worst WCXB pages")
    parser.add_argument("--no-scrapinghub", action="store_true")
    parser.add_argument("--no-wcxb", action="store_true")
    parser.add_argument(
        "--near-repeat-threshold", type=float, default=None, help="instead of the default"
    )
    args = parser.parse_args()
    if args.near_repeat_threshold is not None:
        _config["near_repeat_threshold"] = args.near_repeat_threshold
    if not args.no_scrapinghub:
        scrapinghub(args.jobs)
        print()
    if not args.no_wcxb:
        wcxb(args.jobs, args.limit, args.worst)


if __name__ == "__main__":
    main()
