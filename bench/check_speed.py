"""`cleaner run --check` against an incremental `cleaner run` on unchanged inputs (#25).

A repository that commits its cleaned text runs `--check` on every commit; with the inputs
unchanged, it should cost about what a run that finds everything up to date costs (target:
<= 1.2x), not a full cleaning. Both are timed end to end from the CLI, start-up included,
each in a fresh process, round-robin over `--repeat` rounds; the least time of each is kept.

The corpus: `--copies` copies (default 5) of the scrapinghub text dumps (181 files each:
905 documents), cleaned once into OUT before timing. A full run (everything cleaned) is
timed once too, for scale.

Usage (from the repository root):

    PYTHONPATH=$PWD python bench/check_speed.py [--copies 5] [--repeat 3] [--workers N]

Prints the figures and PASS/MISS; exits 0 whatever they are: it measures, it does not test.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import NamedTuple

REPO = Path(__file__).resolve().parent.parent
DEFAULT_DATA = REPO.parent / "shared" / "bench" / "scrapinghub" / "text"
TARGET = 1.2  # --check <= 1.2x an incremental run


class Timing(NamedTuple):
    wall: float
    cpu: float


def make_corpus(data: Path, copies: int, folder: Path) -> int:
    count = 0
    for number in range(copies):
        target = folder / f"copy{number}"
        target.mkdir(parents=True)
        for path in sorted(data.glob("*.txt")):
            shutil.copyfile(path, target / path.name)
            count += 1
    return count


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed(args: list[str]) -> tuple[Timing, int]:
    """Wall and CPU seconds, and the exit code, of `python -m cleaner ARGS` in a fresh
    process (CPU: its own and its workers', which a loaded machine does not inflate)."""
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    cpu, started = _children_cpu(), time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "cleaner", *args], env=env, capture_output=True, text=True
    )
    seconds = Timing(time.perf_counter() - started, _children_cpu() - cpu)
    if done.returncode not in (0, 3):
        sys.exit(f"cleaner {' '.join(args)} failed ({done.returncode}):\n{done.stderr}")
    return seconds, done.returncode


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="folder of .txt dumps")
    parser.add_argument("--copies", type=int, default=5)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--workers", type=int, default=1)
    options = parser.parse_args()
    if not options.data.is_dir():
        sys.exit(f"{options.data}: no such folder; give --data, a folder of .txt dumps")
    with tempfile.TemporaryDirectory(prefix="check-speed-") as tmp:
        inputs, out = Path(tmp) / "in", Path(tmp) / "out"
        documents = make_corpus(options.data, options.copies, inputs)
        workers = ["--workers", str(options.workers)]
        full, _ = timed(["run", str(inputs), str(out), "-q", *workers])
        runs, checks = [], []
        for _ in range(options.repeat):
            seconds, code = timed(["run", str(inputs), str(out), "-q", *workers])
            runs.append(seconds)
            seconds, code = timed(["run", str(inputs), str(out), "--check", "-q", *workers])
            if code != 0:
                sys.exit("--check found differences on an unchanged corpus: a bug")
            checks.append(seconds)
    print(
        f"corpus: {documents} documents ({options.copies} x {options.data}), "
        f"{options.workers} worker(s), best of {options.repeat}; seconds: wall (CPU)"
    )
    print(f"full run (everything cleaned):      {full.wall:6.2f} ({full.cpu:.2f})")
    for label, timings in (
        ("incremental run (nothing changed):", runs),
        ("--check (nothing changed):        ", checks),
    ):
        best = min(timings)
        every = ", ".join(f"{t.wall:.2f} ({t.cpu:.2f})" for t in timings)
        print(f"{label}  {best.wall:6.2f} ({min(t.cpu for t in timings):.2f})  all: {every}")
    wall = min(checks).wall / min(runs).wall
    cpu = min(t.cpu for t in checks) / min(t.cpu for t in runs)
    verdict = "PASS" if wall <= TARGET else "MISS"
    print(
        f"--check / incremental run: {wall:.2f}x wall, {cpu:.2f}x CPU (target <= {TARGET}x "
        f"wall): {verdict}"
    )


if __name__ == "__main__":
    main()
