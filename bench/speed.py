"""Speed and memory of cleaner, measured in one run on this machine, against stated targets.

Why one run: the machine is shared and noisy, so every figure that is compared with another
(cleaner vs trafilatura.extract, N workers vs 1, 20x corpus vs 1x) comes from the same run.
Every timed configuration runs in a fresh Python process (`python bench/speed.py --child ...`),
so peak RSS and import state belong to that configuration alone; the child warms up (imports,
one Cleaner, one synthetic document), then times only `run(...)` into a fresh output folder
(runs are incremental: a reused folder would skip everything). Each timing is repeated in a
new process, round-robin over the configurations, and the best (least time) is kept; each
timing also records how much CPU other processes took meanwhile ("others %").

Measured:
  cleaner, text mode and HTML mode, 1..N workers (as `cleaner run --workers N` does);
  baselines: trafilatura.extract with its defaults, and with `with_metadata=True` (title,
  author, date... as HTML mode also extracts them; not a target, a like-for-like view),
  langdetect on the whole text and on the first 1000 characters, and a bare
  read-split-write loop (the floor);
  peak RSS of a text-mode run over the corpus vs over 20 copies of it (1 worker);
  with --scaling-data, text mode over a larger corpus of distinct documents at 1..N
  workers: the 181 pages take about a second of CPU, so a worker's fixed costs (its
  caches and RE2's automaton filled again) weigh on their 2-worker figures more than they
  would on a real corpus. Printed beside the 181-page figures, not instead of them.

Usage (from the repository root, with the dev virtualenv):

    .venv/bin/python bench/speed.py                # full run, a few minutes
    .venv/bin/python bench/speed.py --quick        # 1 repeat, no 20x memory run
    .venv/bin/python bench/speed.py --workers-list 1,2,4 --repeat 5 \\
        --data ../shared/bench/scrapinghub --json bench/speed.json --plot docs/throughput.svg
    .venv/bin/python bench/speed.py --workers-list 1,2 --repeat 3 --scaling-data \
        ../shared/bench/scrapinghub/text ../shared/bench/wcxb-dev/text   # + 1,678 dumps

Prints a table and PASS/MISS per target, writes the figures as JSON and a throughput plot
(SVG, drawn here without a plotting library). Exits 0 whatever the figures: it measures,
it does not test. The data folder holds text/*.txt and html/*.html.gz (the scrapinghub
article-extraction benchmark).
"""

from __future__ import annotations

import argparse
import gzip
import json
import math
import os
import platform
import re
import resource
import shlex
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

REPO = Path(__file__).resolve().parent.parent
DEFAULT_DATA = REPO.parent / "shared" / "bench" / "scrapinghub"
DEFAULT_JSON = REPO / "bench" / "speed.json"
DEFAULT_PLOT = REPO / "docs" / "throughput.svg"
MEMORY_COPIES = 20
LANGDETECT_PREFIX = 1000

# The targets (see targets()).
TARGET_HTML_VS_TRAFILATURA = 1.0
TARGET_TEXT_DOCS_PER_S = 200.0
TARGET_EFFICIENCY = 0.85  # 2 workers >= 1.7x one
#: The main process's share of the run's CPU at 2 workers: its work per document (plan,
#: dedup, report) bounds the speed-up any number of workers can give (1 / share).
TARGET_MAIN_SHARE = 0.05
TARGET_MEMORY_RATIO = 1.10

Figures = dict[str, Any]

# --- warm-up inputs: synthetic, so no document of the corpus is cached before timing ---

WARM_PARAGRAPHS = (
    "The council met on Tuesday evening to discuss the new budget for the public library, "
    "which has seen its opening hours cut twice in the last three years.",
    "Residents who spoke at the meeting asked for the reading room to open on Sundays again, "
    "and several teachers described how pupils use it to finish their homework.",
    "A decision is expected next month, after the finance committee has looked at the costs.",
)
WARM_TEXT = "\n\n".join(("Home | News | Contact", *WARM_PARAGRAPHS, "Share this article"))
WARM_HTML = (
    "<!doctype html><html><head><title>Library hours</title>"
    '<meta name="author" content="A. Writer"></head><body><nav><a href="/">Home</a></nav>'
    "<article><h1>Library hours</h1>"
    + "".join(f"<p>{p}</p>" for p in WARM_PARAGRAPHS)
    + "</article><footer>Share this article</footer></body></html>"
)


# --- what a child process measures ---------------------------------------------------------


def _peak_rss_mib(who: int) -> float:
    """Peak resident set size in MiB (Linux reports ru_maxrss in KiB)."""
    return resource.getrusage(who).ru_maxrss / 1024


def _machine_busy_s() -> float | None:
    """CPU seconds the whole machine has been busy since boot (Linux /proc/stat), or None."""
    try:
        ticks = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:9]]
    except (OSError, ValueError):
        return None
    idle = ticks[3] + ticks[4]  # idle, iowait
    return (sum(ticks) - idle) / os.sysconf("SC_CLK_TCK")


def _own_cpu_s() -> tuple[float, float]:
    """CPU seconds of this process, and of its children that have been waited for."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime, children.ru_utime + children.ru_stime


class Stopwatch:
    """Wall time of a block, the CPU this process tree spent in it, and the share of the
    machine's CPU that other processes took meanwhile: on a shared machine a timing is only
    as good as the quiet around it, so each timing says how quiet it was."""

    def __enter__(self) -> Stopwatch:
        self._busy, self._cpu = _machine_busy_s(), _own_cpu_s()
        self._started = time.perf_counter()
        return self

    def __exit__(self, *exc: object) -> None:
        self.seconds = time.perf_counter() - self._started
        own, children = _own_cpu_s()
        self.cpu_self_s, self.cpu_children_s = own - self._cpu[0], children - self._cpu[1]
        self.cpu_s = self.cpu_self_s + self.cpu_children_s
        busy = _machine_busy_s()
        self.others_share: float | None = None
        if busy is not None and self._busy is not None and self.seconds > 0:
            others = max(0.0, busy - self._busy - self.cpu_s)  # /proc/stat sums every CPU
            self.others_share = others / (self.seconds * (os.cpu_count() or 1))

    def figures(self) -> Figures:
        return {
            "seconds": self.seconds,
            "cpu_s": self.cpu_s,
            "cpu_workers_s": self.cpu_children_s,
            "others_share": self.others_share,
        }


def _warm_cleaner(mode: str) -> tuple[Figures, Any]:
    """A Cleaner that has loaded what a first document needs (imports, rules, language
    profiles, trafilatura), handed to run() as a library user builds one and cleans many:
    the timed run measures cleaning. Returns what the warm-up cost, and the cleaner."""
    from cleaner.config import Config
    from cleaner.document import Document
    from cleaner.pipeline import Cleaner

    started = time.perf_counter()
    cleaner = Cleaner(Config())
    built = time.perf_counter()
    html = mode == "html"
    cleaner.clean(Document("warm", "warm", "" if html else WARM_TEXT, WARM_HTML if html else None))
    cleaned = time.perf_counter()
    return {"build_s": built - started, "first_document_s": cleaned - built}, cleaner


def child_clean(spec: Figures) -> Figures:
    """One cleaner run over `spec["input"]`, as the CLI runs it; only run(...) is timed."""
    from cleaner.config import Config
    from cleaner.executors import make_executor
    from cleaner.runner import run

    warm, cleaner = _warm_cleaner(spec["mode"]) if spec["warm"] else ({}, None)
    with tempfile.TemporaryDirectory(prefix="speed-") as tmp:
        executor = make_executor("local", spec["workers"])
        with Stopwatch() as watch:
            report = run(
                [Path(path) for path in spec.get("inputs") or [spec["input"]]],
                Path(tmp) / "out",
                Config(),
                cleaner=cleaner,
                executor=executor,
            )
    return {
        **watch.figures(),
        "docs": report.written,
        "failures": len(report.failures),
        "warm_up": warm,
        "rss_parent_mib": _peak_rss_mib(resource.RUSAGE_SELF),
        "rss_worker_mib": _peak_rss_mib(resource.RUSAGE_CHILDREN),  # pool shut down by now
    }


def _read_pages(folder: Path) -> list[bytes]:
    return [gzip.decompress(p.read_bytes()) for p in sorted(folder.glob("*.html.gz"))]


def _read_texts(folder: Path) -> list[str]:
    return [p.read_text(encoding="utf-8", errors="replace") for p in sorted(folder.glob("*.txt"))]


def child_trafilatura(spec: Figures) -> Figures:
    """trafilatura.extract with its defaults (or `with_metadata`) over the pages, read (and
    un-gzipped) first."""
    import trafilatura

    pages = _read_pages(Path(spec["input"]))
    options = {"with_metadata": bool(spec.get("with_metadata"))}
    trafilatura.extract(WARM_HTML, **options)
    with Stopwatch() as watch:
        extracted = sum(1 for page in pages if trafilatura.extract(page, **options))
    return {**watch.figures(), "docs": len(pages), "extracted": extracted}


def child_langdetect(spec: Figures) -> Figures:
    """langdetect alone: one seeded factory, profiles loaded before timing."""
    from langdetect.detector_factory import PROFILES_DIRECTORY, DetectorFactory
    from langdetect.lang_detect_exception import LangDetectException

    texts = _read_texts(Path(spec["input"]))
    prefix = spec["prefix"]
    factory = DetectorFactory()
    factory.load_profile(PROFILES_DIRECTORY)
    factory.set_seed(0)

    def detect(text: str) -> bool:
        detector = factory.create()
        detector.append(text if prefix is None else text[:prefix])
        try:
            return bool(detector.get_probabilities())
        except LangDetectException:
            return False

    detect(WARM_TEXT)
    with Stopwatch() as watch:
        detected = sum(detect(text) for text in texts)
    return {**watch.figures(), "docs": len(texts), "detected": detected}


def child_floor(spec: Figures) -> Figures:
    """The least any text pipeline in Python does: read, split lines, strip, join, write."""
    files = sorted(Path(spec["input"]).glob("*.txt"))
    with tempfile.TemporaryDirectory(prefix="speed-floor-") as tmp, Stopwatch() as watch:
        for path in files:
            lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
            text = "\n".join(line.strip() for line in lines)
            (Path(tmp) / path.name).write_text(text, encoding="utf-8")
    return {**watch.figures(), "docs": len(files)}


CHILDREN: dict[str, Callable[[Figures], Figures]] = {
    "clean": child_clean,
    "trafilatura": child_trafilatura,
    "langdetect": child_langdetect,
    "floor": child_floor,
}


def child_main(name: str, spec_json: str) -> None:
    figures = CHILDREN[name](json.loads(spec_json))
    figures.setdefault("rss_parent_mib", _peak_rss_mib(resource.RUSAGE_SELF))
    print(json.dumps(figures), flush=True)


# --- the parent: runs children, keeps the best ---------------------------------------------


class BenchError(Exception):
    """A measurement could not be taken (a child failed, data missing)."""


def run_child(name: str, spec: Figures) -> Figures:
    """One measurement in a fresh interpreter; its last stdout line is the JSON figures."""
    command = [sys.executable, str(Path(__file__).resolve()), "--child", name, json.dumps(spec)]
    done = subprocess.run(command, capture_output=True, text=True, cwd=REPO, check=False)
    lines = done.stdout.strip().splitlines()
    if done.returncode != 0 or not lines:
        tail = (done.stderr.strip().splitlines() or ["no output"])[-1]
        raise BenchError(f"child {name} {spec} failed ({done.returncode}): {tail}")
    return json.loads(lines[-1])


@dataclass(frozen=True)
class Job:
    """One thing to time: its label, the child function that does it, and what it gets."""

    label: str
    child: str
    spec: Figures


def keep_best(runs: Sequence[Figures]) -> Figures:
    """The fastest run's figures; peak RSS is the highest seen in any run."""
    best = dict(min(runs, key=lambda r: r["seconds"]))
    best["all_seconds"] = [r["seconds"] for r in runs]
    best["docs_per_s"] = best["docs"] / best["seconds"]
    for key in ("rss_parent_mib", "rss_worker_mib"):
        if key in best:
            best[key] = max(r[key] for r in runs)
    if len({r["docs"] for r in runs}) > 1:
        best["docs_varied"] = sorted({r["docs"] for r in runs})
    return best


def measure(jobs: Sequence[Job], repeat: int) -> list[Figures]:
    """Every job `repeat` times, round-robin: a stretch of load from elsewhere on the machine
    then spoils one run of several jobs, not every run of one job; the best run is kept."""
    runs: list[list[Figures]] = [[] for _ in jobs]
    for attempt in range(1, repeat + 1):
        for job, done in zip(jobs, runs, strict=True):
            print(f"  run {attempt}/{repeat}: {job.label}", file=sys.stderr, flush=True)
            done.append(run_child(job.child, job.spec))
    return [{"name": job.label, **keep_best(done)} for job, done in zip(jobs, runs, strict=True)]


def folder_bytes(folder: Path) -> tuple[int, int]:
    """Bytes as stored, and after un-gzipping (the same for plain files)."""
    stored = raw = 0
    for path in folder.rglob("*"):
        if path.is_file():
            stored += path.stat().st_size
            raw += len(gzip.decompress(path.read_bytes())) if path.suffix == ".gz" else 0
    return stored, raw or stored


def cleaner_jobs(data: Path, workers: Sequence[int]) -> list[Job]:
    return [
        Job(
            f"cleaner, {mode} mode, {count} worker(s)",
            "clean",
            {"mode": mode, "workers": count, "input": str(data / mode), "warm": True},
        )
        for mode in ("text", "html")
        for count in workers
    ]


def scaling_jobs(folders: Sequence[Path], workers: Sequence[int]) -> list[Job]:
    """Text mode over the larger corpus (`--scaling-data`), at each worker count."""
    inputs = [str(folder) for folder in folders]
    return [
        Job(
            f"cleaner, text mode, scaling corpus, {count} worker(s)",
            "clean",
            {"mode": "text", "workers": count, "inputs": inputs, "warm": True},
        )
        for count in workers
    ]


def scaling_rows(jobs: Sequence[Job], results: Sequence[Figures]) -> list[Figures]:
    """The scaling corpus's runs with their mode and workers (for `efficiency`)."""
    rows = []
    for job, row in zip(jobs, results, strict=True):
        row.update(mode="text", workers=job.spec["workers"], inputs=job.spec["inputs"])
        rows.append(row)
    return rows


def scaling_table(rows: Sequence[Figures]) -> str:
    header = ["workers", "docs", "best s", "docs/s", "efficiency", "CPU s", "main %", "others %"]
    body = [
        [
            str(r["workers"]),
            str(r["docs"]),
            f"{r['seconds']:.2f}",
            f"{r['docs_per_s']:.1f}",
            f"{efficiency(rows, 'text', r['workers']):.2f}",
            f"{r['cpu_s']:.2f}",
            f"{100 * (main_share(r) or 0):.1f}" if r["workers"] > 1 else "-",
            _others(r),
        ]
        for r in rows
    ]
    return table(header, body)


def scaling_lines(rows: Sequence[Figures] | None) -> list[str]:
    """The scaling corpus's figures, and its own view of the two scaling targets (the
    targets themselves are judged on the 181 pages, as the README's table states them)."""
    if not rows:
        return []
    top = max(r["workers"] for r in rows)
    lines = [
        "scaling corpus (text mode, --scaling-data: "
        + ", ".join(rows[0]["inputs"])
        + "; not the 181 pages above):",
        scaling_table(rows),
    ]
    if top > 1:
        lines.append(
            f"scaling corpus: efficiency at {top} workers {efficiency(rows, 'text', top):.3g} "
            f"(target {TARGET_EFFICIENCY:g} on the 181 pages)"
        )
    if any(r["workers"] == 2 for r in rows):
        share = main_share(_row(rows, "text", 2)) or 0.0
        lines.append(
            f"scaling corpus: main-process share of CPU at 2 workers {100 * share:.1f}% "
            f"(target {100 * TARGET_MAIN_SHARE:g}% on the 181 pages)"
        )
    return [*lines, ""]


def baseline_jobs(data: Path) -> list[Job]:
    text, html = str(data / "text"), str(data / "html")
    return [
        Job("trafilatura.extract (defaults), HTML", "trafilatura", {"input": html}),
        Job(
            "trafilatura.extract (with_metadata), HTML",
            "trafilatura",
            {"input": html, "with_metadata": True},
        ),
        Job("langdetect, whole text", "langdetect", {"input": text, "prefix": None}),
        Job(
            f"langdetect, first {LANGDETECT_PREFIX} chars",
            "langdetect",
            {"input": text, "prefix": LANGDETECT_PREFIX},
        ),
        Job("read-split-write loop (floor), text", "floor", {"input": text}),
    ]


def cleaner_rows(data: Path, jobs: Sequence[Job], results: Sequence[Figures]) -> list[Figures]:
    """The cleaner runs with their mode, workers and input throughput."""
    sizes = {mode: folder_bytes(data / mode) for mode in ("text", "html")}
    rows = []
    for job, row in zip(jobs, results, strict=True):
        mode, count = job.spec["mode"], job.spec["workers"]
        stored, raw = sizes[mode]
        row.update(mode=mode, workers=count, stored_bytes=stored, raw_bytes=raw)
        row["mb_per_s"] = stored / 1e6 / row["seconds"]
        row["raw_mb_per_s"] = raw / 1e6 / row["seconds"]
        rows.append(row)
    return rows


def distinct_copy(text: str, copy: int) -> str:
    """The text with every word of four or more letters marked with the copy's number, so
    that no copy duplicates another, exactly or nearly: each document is a new entry in
    the duplicate indexes, as in a real corpus of that size (plain copies would all be
    found as duplicates of the first, and the indexes would not grow)."""
    if copy == 0:
        return text
    mark = chr(ord("a") + copy % 26) * (1 + copy // 26)
    return re.sub(r"\b([^\W\d_]{4,})\b", rf"\1{mark}", text)


def measure_memory(data: Path) -> Figures:
    """Peak RSS, 1 worker, text mode, over the corpus and over 20 distinct copies of it (no
    warm-up: the process is what `cleaner run` would be)."""
    with tempfile.TemporaryDirectory(prefix="speed-20x-") as tmp:
        big = Path(tmp) / "corpus"
        for copy in range(MEMORY_COPIES):
            folder = big / f"copy{copy:02d}"
            folder.mkdir(parents=True)
            for path in sorted((data / "text").glob("*.txt")):
                text = path.read_text(encoding="utf-8", errors="replace")
                (folder / path.name).write_text(distinct_copy(text, copy), encoding="utf-8")
        runs = {}
        for label, folder in (("1x", data / "text"), (f"{MEMORY_COPIES}x", big)):
            print(f"  memory: {label} corpus", file=sys.stderr, flush=True)
            spec = {"mode": "text", "workers": 1, "input": str(folder), "warm": False}
            runs[label] = run_child("clean", spec)
    small, large = runs["1x"], runs[f"{MEMORY_COPIES}x"]
    return {
        "runs": runs,
        "ratio": large["rss_parent_mib"] / small["rss_parent_mib"],
    }


# --- targets -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Target:
    name: str
    value: float | None  # None: not measured in this run
    goal: float
    at_least: bool  # True: value >= goal passes; False: value <= goal passes

    @property
    def verdict(self) -> str:
        if self.value is None:
            return "SKIP"
        passed = self.value >= self.goal if self.at_least else self.value <= self.goal
        return "PASS" if passed else "MISS"

    def as_dict(self) -> Figures:
        return {**self.__dict__, "verdict": self.verdict}


def _row(rows: Sequence[Figures], mode: str, workers: int) -> Figures:
    return next(r for r in rows if r["mode"] == mode and r["workers"] == workers)


def main_share(row: Figures) -> float | None:
    """The main process's share of a run's CPU (the workers' is counted once they are
    reaped, which run() does before it returns)."""
    total = row["cpu_s"]
    return (total - row["cpu_workers_s"]) / total if total > 0 else None


def efficiency(rows: Sequence[Figures], mode: str, workers: int) -> float:
    """docs/s at N workers over N times docs/s at 1: 1.0 is perfectly linear scaling."""
    return _row(rows, mode, workers)["docs_per_s"] / (workers * _row(rows, mode, 1)["docs_per_s"])


def targets(
    rows: Sequence[Figures], baselines: Sequence[Figures], memory: Figures | None
) -> list[Target]:
    """Each target with its measured value; efficiency is taken at the most workers run."""
    top = max(r["workers"] for r in rows)
    trafilatura = baselines[0]["docs_per_s"]
    found = [
        Target(
            "HTML mode, 1 worker ÷ trafilatura.extract (docs/s)",
            _row(rows, "html", 1)["docs_per_s"] / trafilatura,
            TARGET_HTML_VS_TRAFILATURA,
            True,
        ),
        Target(
            "text mode, 1 worker (docs/s)",
            _row(rows, "text", 1)["docs_per_s"],
            TARGET_TEXT_DOCS_PER_S,
            True,
        ),
    ]
    for mode in ("text", "html"):
        value = efficiency(rows, mode, top) if top > 1 else None
        found.append(
            Target(f"parallel efficiency, {mode}, {top} workers", value, TARGET_EFFICIENCY, True)
        )
    if any(r["workers"] == 2 for r in rows):
        found.append(
            Target(
                "main-process share of CPU, text mode, 2 workers",
                main_share(_row(rows, "text", 2)),
                TARGET_MAIN_SHARE,
                False,
            )
        )
    ratio = memory["ratio"] if memory else None
    found.append(
        Target(f"peak RSS, {MEMORY_COPIES}x corpus ÷ 1x", ratio, TARGET_MEMORY_RATIO, False)
    )
    return found


# --- printing ----------------------------------------------------------------------------


def table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """Plain aligned text: first column left, the others right (they are numbers)."""
    widths = [max(len(str(c)) for c in column) for column in zip(header, *rows, strict=True)]

    def line(cells: Sequence[str]) -> str:
        first, *rest = cells
        return "  ".join(
            [first.ljust(widths[0]), *(c.rjust(w) for c, w in zip(rest, widths[1:], strict=True))]
        )

    return "\n".join([line(header), "  ".join("-" * w for w in widths), *map(line, rows)])


NOISY_SHARE = 0.10  # others' share of the CPU above which a kept timing is flagged


def _seconds_list(row: Figures) -> str:
    return " ".join(f"{s:.2f}" for s in row["all_seconds"])


def _others(row: Figures) -> str:
    share = row.get("others_share")
    return "?" if share is None else f"{100 * share:.0f}"


def noise_warnings(rows: Sequence[Figures]) -> list[str]:
    """Kept timings during which other processes took a noticeable share of the CPU."""
    return [
        f"warning: other processes took {100 * r['others_share']:.0f}% of the CPU during the "
        f"kept run of {r['name']}: it may have slowed that run, compare it with care"
        for r in rows
        if (r.get("others_share") or 0) > NOISY_SHARE
    ]


def cleaner_table(rows: Sequence[Figures]) -> str:
    header = [
        "mode",
        "workers",
        "docs",
        "best s",
        "docs/s",
        "MB/s",
        "raw MB/s",
        "efficiency",
        "CPU s",
        "in workers",
        "main %",
        "others %",
        "RSS MiB",
        "worker RSS",
        "runs s",
    ]
    body = []
    for r in rows:
        worker_rss = f"{r['rss_worker_mib']:.0f}" if r["workers"] > 1 else "-"
        body.append(
            [
                r["mode"],
                str(r["workers"]),
                str(r["docs"]),
                f"{r['seconds']:.2f}",
                f"{r['docs_per_s']:.1f}",
                f"{r['mb_per_s']:.2f}",
                f"{r['raw_mb_per_s']:.2f}",
                f"{efficiency(rows, r['mode'], r['workers']):.2f}",
                f"{r['cpu_s']:.2f}",
                f"{r['cpu_workers_s']:.2f}" if r["workers"] > 1 else "-",
                f"{100 * (main_share(r) or 0):.1f}" if r["workers"] > 1 else "-",
                _others(r),
                f"{r['rss_parent_mib']:.0f}",
                worker_rss,
                _seconds_list(r),
            ]
        )
    return table(header, body)


def baseline_table(baselines: Sequence[Figures]) -> str:
    header = ["baseline (1 process)", "docs", "best s", "docs/s", "others %", "RSS MiB", "runs s"]
    body = [
        [
            b["name"],
            str(b["docs"]),
            f"{b['seconds']:.2f}",
            f"{b['docs_per_s']:.1f}",
            _others(b),
            f"{b['rss_parent_mib']:.0f}",
            _seconds_list(b),
        ]
        for b in baselines
    ]
    return table(header, body)


def memory_lines(memory: Figures | None) -> list[str]:
    if memory is None:
        return ["memory: skipped (--quick)"]
    lines = []
    for label, run in memory["runs"].items():
        lines.append(
            f"  {label:>4}: {run['docs']:5d} docs in {run['seconds']:6.1f} s, "
            f"peak RSS {run['rss_parent_mib']:.0f} MiB"
        )
    lines.append(f"  ratio {MEMORY_COPIES}x ÷ 1x: {memory['ratio']:.3f}")
    return ["memory (text mode, 1 worker, default Config, no warm-up):", *lines]


def target_lines(found: Sequence[Target]) -> list[str]:
    body = []
    for t in found:
        value = "-" if t.value is None else f"{t.value:.3g}"
        goal = f"{'≥' if t.at_least else '≤'} {t.goal:g}"
        body.append([t.name, value, goal, t.verdict])
    return table(["target", "measured", "goal", "verdict"], body).splitlines()


def machine() -> Figures:
    return {
        "cores_usable": len(os.sched_getaffinity(0)),
        "cpu_count": os.cpu_count(),
        "python": platform.python_version(),
        "implementation": platform.python_implementation(),
        "platform": platform.platform(),
        "processor": platform.processor() or platform.machine(),
    }


def warm_up_note(rows: Sequence[Figures]) -> str:
    warm = _row(rows, "text", 1).get("warm_up", {})
    if not warm:
        return ""
    return (
        f"note: in the warm-up, Cleaner(Config()) took {warm['build_s']:.2f} s and its first "
        f"document {warm['first_document_s']:.2f} s\n(langdetect profiles load then); that "
        "Cleaner is passed to run(), so the timed runs leave out this one-off cost\n(forked "
        "pool workers inherit the loaded profiles)."
    )


# --- the plot ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Series:
    """One line of a chart: its legend label, its (x, y) points, colour and dash."""

    label: str
    points: Sequence[tuple[float, float]]
    color: str
    dashed: bool = False


def nice_ticks(high: float, count: int = 5) -> list[float]:
    """Ticks from 0 up past `high` in steps of 1, 2 or 5 times a power of ten (readable)."""
    if high <= 0:
        return [0.0, 1.0]
    rough = high / count
    power = 10 ** math.floor(math.log10(rough))
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= rough)
    return [i * step for i in range(math.ceil(high / step - 1e-9) + 1)]


def _number(value: float) -> str:
    return f"{value:.0f}" if float(value).is_integer() else f"{value:g}"


def line_chart_svg(
    series: Sequence[Series],
    *,
    title: str,
    x_label: str,
    y_label: str,
    x_ticks: Sequence[float] | None = None,
    width: int = 760,
    height: int = 420,
) -> str:
    """A labelled line chart as a standalone SVG document: axes, ticks, grid, legend, one
    <polyline> per series (a plotting library would be a dependency for one picture)."""
    left, right, top, bottom = 70, 230, 50, 60  # margins; the legend sits in the right one
    plot_w, plot_h, pad = width - left - right, height - top - bottom, 20
    xs = [x for s in series for x, _ in s.points]
    x_ticks = list(x_ticks) if x_ticks else sorted(set(xs))
    x_lo, x_hi = min([*x_ticks, *xs]), max([*x_ticks, *xs])
    if x_hi == x_lo:
        x_lo, x_hi = x_lo - 1, x_hi + 1
    y_ticks = nice_ticks(max((y for s in series for _, y in s.points), default=1.0))
    y_hi = y_ticks[-1]

    def px(x: float) -> float:
        return left + pad + (x - x_lo) / (x_hi - x_lo) * (plot_w - 2 * pad)

    def py(y: float) -> float:
        return top + plot_h - y / y_hi * plot_h

    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" font-family="sans-serif" font-size="12">',
        f"<title>{escape(title)}</title>",
        f'<rect width="{width}" height="{height}" fill="white"/>',
        f'<text x="{left + plot_w / 2}" y="28" text-anchor="middle" font-size="15" '
        f'font-weight="bold">{escape(title)}</text>',
    ]
    for y in y_ticks:
        out.append(
            f'<line x1="{left}" y1="{py(y):.1f}" x2="{left + plot_w}" y2="{py(y):.1f}" '
            f'stroke="#e3e3e3"/>'
        )
        out.append(
            f'<text x="{left - 8}" y="{py(y) + 4:.1f}" text-anchor="end">{_number(y)}</text>'
        )
    for x in x_ticks:
        out.append(
            f'<line x1="{px(x):.1f}" y1="{top + plot_h}" x2="{px(x):.1f}" '
            f'y2="{top + plot_h + 5}" stroke="#333"/>'
        )
        out.append(
            f'<text x="{px(x):.1f}" y="{top + plot_h + 19}" text-anchor="middle">'
            f"{_number(x)}</text>"
        )
    out += [
        f'<path d="M{left},{top} V{top + plot_h} H{left + plot_w}" fill="none" stroke="#333"/>',
        f'<text x="{left + plot_w / 2}" y="{height - 16}" text-anchor="middle">'
        f"{escape(x_label)}</text>",
        f'<text transform="translate(18,{top + plot_h / 2}) rotate(-90)" '
        f'text-anchor="middle">{escape(y_label)}</text>',
    ]
    for index, s in enumerate(series):
        dash = ' stroke-dasharray="6,4"' if s.dashed else ""
        points = " ".join(f"{px(x):.1f},{py(y):.1f}" for x, y in s.points)
        out.append(
            f'<polyline fill="none" stroke="{s.color}" stroke-width="2"{dash} '
            f'points="{points}"><title>{escape(s.label)}</title></polyline>'
        )
        if not s.dashed:
            out += [
                f'<circle cx="{px(x):.1f}" cy="{py(y):.1f}" r="3.5" fill="{s.color}"/>'
                for x, y in s.points
            ]
        ly = top + 10 + index * 22
        lx = left + plot_w + 20
        out.append(
            f'<line x1="{lx}" y1="{ly}" x2="{lx + 28}" y2="{ly}" stroke="{s.color}" '
            f'stroke-width="2"{dash}/>'
        )
        out.append(f'<text x="{lx + 36}" y="{ly + 4}">{escape(s.label)}</text>')
    out.append("</svg>")
    return "\n".join(out) + "\n"


def throughput_chart(rows: Sequence[Figures], subtitle: str) -> str:
    """docs/s against workers per mode, each with its ideal (linear from 1 worker) line."""
    colors = {"text": "#1f77b4", "html": "#d62728"}
    names = {"text": "text mode", "html": "HTML mode"}
    series = []
    workers = sorted({r["workers"] for r in rows})
    for mode in ("text", "html"):
        points = [(r["workers"], r["docs_per_s"]) for r in rows if r["mode"] == mode]
        one = _row(rows, mode, 1)["docs_per_s"]
        series.append(Series(names[mode], sorted(points), colors[mode]))
        series.append(
            Series(
                f"{names[mode]}, ideal linear",
                [(w, one * w) for w in workers],
                colors[mode],
                dashed=True,
            )
        )
    return line_chart_svg(
        series,
        title=f"cleaner throughput ({subtitle})",
        x_label="workers",
        y_label="documents per second",
        x_ticks=workers,
    )


# --- main --------------------------------------------------------------------------------


def default_workers_list() -> list[int]:
    cores = len(os.sched_getaffinity(0))
    return sorted({1, 2, cores})


def parse_workers(text: str) -> list[int]:
    try:
        counts = {int(part) for part in text.split(",") if part.strip()}
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"{text!r}: give worker counts like 1,2,4") from exc
    if not counts or min(counts) < 1:
        raise argparse.ArgumentTypeError(f"{text!r}: worker counts are 1 or more")
    return sorted(counts | {1})  # 1 worker is the reference for the ratios


def parse_args(argv: Sequence[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--data",
        type=Path,
        default=DEFAULT_DATA,
        help="folder with text/ and html/ (default: %(default)s)",
    )
    parser.add_argument(
        "--workers-list",
        type=parse_workers,
        default=default_workers_list(),
        help="comma-separated worker counts; 1 is always added",
    )
    parser.add_argument("--repeat", type=int, default=3, help="runs per timing; best is kept")
    parser.add_argument("--quick", action="store_true", help="1 repeat, no 20x memory run")
    parser.add_argument(
        "--scaling-data",
        type=Path,
        nargs="+",
        default=[],
        metavar="FOLDER",
        help="also time text mode over these folders of text dumps together (distinct "
        "documents, e.g. the scrapinghub dumps and wcxb-dev/text) at each worker count",
    )
    parser.add_argument("--json", type=Path, default=DEFAULT_JSON, help="figures as JSON")
    parser.add_argument("--plot", type=Path, default=DEFAULT_PLOT, help="throughput plot (SVG)")
    args = parser.parse_args(argv)
    if args.quick:
        args.repeat = 1
    if args.repeat < 1:
        parser.error("--repeat: give at least 1")
    return args


def check_data(data: Path, scaling: Sequence[Path] = ()) -> None:
    for mode, pattern in (("text", "*.txt"), ("html", "*.html.gz")):
        if not any((data / mode).glob(pattern)):
            raise BenchError(f"no {pattern} in {data / mode}: give the benchmark with --data DIR")
    for folder in scaling:
        if not folder.is_dir():
            raise BenchError(f"--scaling-data {folder}: no such folder")


def report(args: argparse.Namespace, results: Figures, found: Sequence[Target]) -> str:
    info = results["machine"]
    rows, baselines = results["cleaner"], results["baselines"]
    lines = [
        f"command: {results['command']}",
        f"machine: {info['cores_usable']} usable cores (cpu_count {info['cpu_count']}), "
        f"{info['implementation']} {info['python']}, {info['platform']}",
        f"data: {args.data}",
        f"timings: best (least time) of {args.repeat} run(s), each in a fresh process after a "
        "warm-up; only the work itself is timed",
        "",
        "cleaner (run() as the CLI does, default Config, fresh output folder):",
        cleaner_table(rows),
        "MB/s: input bytes as stored (HTML pages are .html.gz); raw MB/s: decompressed bytes.\n"
        "efficiency: docs/s ÷ (workers × docs/s at 1 worker).\n"
        "RSS: peak of the process running run(); worker RSS: peak of the largest pool worker.\n"
        "CPU s: CPU time of run()'s process and its workers (in workers: theirs alone).\n"
        "others %: share of the machine's CPU that other processes took during the kept run "
        "(>10% is flagged).",
    ]
    note = warm_up_note(rows)
    lines += [note] if note else []
    lines += ["", baseline_table(baselines), "", *memory_lines(results["memory"]), ""]
    lines += scaling_lines(results.get("scaling"))
    warnings = noise_warnings([*rows, *baselines, *(results.get("scaling") or [])])
    lines += [*warnings, ""] if warnings else []
    lines += target_lines(found)
    with_metadata = _baseline(baselines, "with_metadata")
    if with_metadata is not None:
        ratio = _row(rows, "html", 1)["docs_per_s"] / with_metadata["docs_per_s"]
        lines.append(
            f"not a target: HTML mode, 1 worker ÷ trafilatura.extract(with_metadata=True): "
            f"{ratio:.3g} (both extract the page's title, author, date...)"
        )
    return "\n".join(lines)


def _baseline(baselines: Sequence[Figures], word: str) -> Figures | None:
    return next((b for b in baselines if word in b["name"]), None)


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["--child"]:
        child_main(argv[1], argv[2])
        return 0
    args = parse_args(argv)
    try:
        check_data(args.data, args.scaling_data)
        clean, base = cleaner_jobs(args.data, args.workers_list), baseline_jobs(args.data)
        scaling = scaling_jobs(args.scaling_data, args.workers_list) if args.scaling_data else []
        measured = measure([*clean, *base, *scaling], args.repeat)
        rows = cleaner_rows(args.data, clean, measured[: len(clean)])
        baselines = measured[len(clean) : len(clean) + len(base)]
        scaled = scaling_rows(scaling, measured[len(clean) + len(base) :])
        memory = None if args.quick else measure_memory(args.data)
    except BenchError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    found = targets(rows, baselines, memory)
    results = {
        "command": shlex.join([Path(sys.executable).name, *sys.argv]),
        "date": time.strftime("%Y-%m-%d %H:%M:%S %z"),
        "machine": machine(),
        "repeat": args.repeat,
        "kept": "best (least time) of the repeats, each in a fresh process",
        "cleaner": rows,
        "baselines": baselines,
        "memory": memory,
        "scaling": scaled or None,
        "targets": [t.as_dict() for t in found],
    }
    print(report(args, results, found))
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    info = results["machine"]
    args.plot.parent.mkdir(parents=True, exist_ok=True)
    args.plot.write_text(
        throughput_chart(rows, f"{info['cores_usable']} cores, Python {info['python']}"),
        encoding="utf-8",
    )
    print(f"\nwrote {args.json} and {args.plot}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
