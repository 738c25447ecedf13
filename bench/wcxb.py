"""The WCXB benchmark's metric (its evaluate.py), and the systems bench/quality.py scores with it.

Per page: tokens are `\\w+` of the lower-cased text; overlap is the multiset intersection of
predicted and gold tokens; F1 from precision (overlap / predicted) and recall (overlap /
gold); an empty gold with an empty prediction scores 1, an empty prediction for a gold
that is not empty scores 0. Means over pages (macro), overall and per page type. `with`
rate: share of `with` snippets found (case-insensitive substring); `without` rate: share
of `without` snippets found (lower is better).

Title, author and date are compared on the pages whose gold has them: title and author
after case folding and collapsing whitespace (author also accepts the gold name as the
whole of one of several names joined by ";" or ","), date as `YYYY-MM-DD`.
"""

from __future__ import annotations

import gzip
import json
import re
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

PAGE_TYPES = ("article", "forum", "product", "collection", "listing", "documentation", "service")
_TOKEN = re.compile(r"\w+")
_SPACES = re.compile(r"\s+")


def word_f1(predicted: str, gold: str) -> float:
    """The benchmark's per-page bag-of-words F1."""
    pred = Counter(_TOKEN.findall((predicted or "").lower()))
    true = Counter(_TOKEN.findall((gold or "").lower()))
    if not true:
        return 1.0 if not pred else 0.0
    if not pred:
        return 0.0
    overlap = sum((pred & true).values())
    if not overlap:
        return 0.0
    precision, recall = overlap / sum(pred.values()), overlap / sum(true.values())
    return 2 * precision * recall / (precision + recall)


def _norm(value: str | None) -> str:
    return _SPACES.sub(" ", (value or "").casefold()).strip()


def same_title(predicted: str | None, gold: str) -> bool:
    return _norm(predicted) == _norm(gold)


def same_author(predicted: str | None, gold: str) -> bool:
    want = _norm(gold)
    names = [_norm(name) for name in re.split(r"[;,]| and ", predicted or "")]
    return _norm(predicted) == want or want in names


def same_date(predicted: str | None, gold: str) -> bool:
    return bool(predicted) and str(predicted)[:10] == gold[:10]


@dataclass(slots=True)
class Page:
    id: str
    url: str
    page_type: str
    gold: dict


@dataclass(slots=True)
class Output:
    """What a system made of one page: its text and, where it reports them, metadata."""

    text: str
    title: str | None = None
    author: str | None = None
    date: str | None = None
    page_type: str | None = None


@dataclass(slots=True)
class Result:
    name: str
    seconds: float = 0.0
    f1: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    with_found: list[int] = field(default_factory=lambda: [0, 0])
    without_found: list[int] = field(default_factory=lambda: [0, 0])
    meta: dict[str, list[int]] = field(default_factory=dict)  # key -> [right, pages with gold]
    types: Counter = field(default_factory=Counter)  # (gold, predicted) page types

    def add(self, page: Page, out: Output, with_metadata: bool) -> None:
        score = word_f1(out.text, page.gold["text"])
        self.f1["all"].append(score)
        self.f1[page.page_type].append(score)
        folded = (out.text or "").casefold()
        for snippets, tally in (
            (page.gold["with"], self.with_found),
            (page.gold["without"], self.without_found),
        ):
            for snippet in snippets or ():
                tally[0] += snippet.casefold() in folded
                tally[1] += 1
        if with_metadata:
            self.add_metadata(page, out)
            self.types[(page.page_type, out.page_type)] += 1

    def add_metadata(self, page: Page, out: Output) -> None:
        for key, same in (("title", same_title), ("author", same_author), ("date", same_date)):
            if page.gold.get(key):
                tally = self.meta.setdefault(key, [0, 0])
                tally[0] += same(getattr(out, key), page.gold[key])
                tally[1] += 1

    def mean(self, key: str) -> float | None:
        scores = self.f1.get(key)
        return sum(scores) / len(scores) if scores else None


def load_pages(folder: Path, limit: int | None = None, half: str | None = None) -> list[Page]:
    """The gold pages, all or `limit` of them spread evenly over the ids (every type in);
    `half` "even" or "odd": only the pages at even (odd) positions in gold.jsonl, the
    halves the page-type rules were tuned on (even) and checked on (odd)."""
    with open(folder / "gold.jsonl", encoding="utf-8") as lines:
        rows = [json.loads(line) for line in lines if line.strip()]
    if half:
        rows = rows[0 if half == "even" else 1 :: 2]
    pages = [Page(r["id"], r.get("url") or "", r["page_type"], r) for r in rows]
    if limit and limit < len(pages):
        step = len(pages) / limit
        pages = [pages[int(i * step)] for i in range(limit)]
    return pages


def read_gz(path: Path) -> str:
    with gzip.open(path, "rt", encoding="utf-8", errors="replace") as page:
        return page.read()


def score(
    name: str, pages: Iterable[Page], system: Callable[[Page], Output], with_metadata: bool
) -> Result:
    result = Result(name)
    for page in pages:
        started = time.perf_counter()
        out = system(page)
        result.seconds += time.perf_counter() - started
        result.add(page, out, with_metadata)
    return result


def table(results: list[Result]) -> str:
    """Overall and per-type F1, snippet rates, metadata accuracy: one row per system."""
    head = f"{'':34} {'pages':>5} {'F1':>6} " + " ".join(f"{t[:6]:>6}" for t in PAGE_TYPES)
    head += f" {'with':>6} {'w/out':>6} {'title':>6} {'author':>6} {'date':>6} {'sec.':>6}"
    rows = [head]
    for r in results:
        cells = [f"{r.name:34}", f"{len(r.f1['all']):5d}"]
        for key in ("all", *PAGE_TYPES):
            value = r.mean(key)
            cells.append(f"{value:6.3f}" if value is not None else f"{'-':>6}")
        for found, total in (r.with_found, r.without_found):
            cells.append(f"{found / total:6.3f}" if total else f"{'-':>6}")
        for key in ("title", "author", "date"):
            right, total = r.meta.get(key, (0, 0))
            cells.append(f"{right / total:6.3f}" if total else f"{'-':>6}")
        cells.append(f"{r.seconds:6.1f}")
        rows.append(" ".join(cells))
    return "\n".join(rows)


def type_accuracy(result: Result) -> str:
    """Page-type confusion of a system that names types: decided share, accuracy."""
    total = sum(result.types.values())
    decided = sum(n for (_, got), n in result.types.items() if got is not None)
    right = sum(n for (want, got), n in result.types.items() if want == got)
    lines = [
        f"page type ({result.name}): {decided}/{total} decided, "
        f"{right}/{decided or 1} = {right / (decided or 1):.3f} right where decided, "
        f"{right / (total or 1):.3f} of all pages"
    ]
    for want in PAGE_TYPES:
        row = {got: n for (w, got), n in result.types.items() if w == want}
        if row:
            ranked = sorted(row.items(), key=lambda item: -item[1])
            parts = ", ".join(f"{got or 'null'} {n}" for got, n in ranked)
            lines.append(f"  {want:13} -> {parts}")
    return "\n".join(lines)
