"""What the per-document limits (sandbox.py) cost: the same corpus cleaned with them and
without them, interleaved, each timing in a fresh process.

With `--document-timeout 0 --document-memory 0`, `--workers 1` cleans in the main
process (no pool, no watchdog, no timer signal, no RLIMIT_AS per document): that is the
no-sandbox baseline. With 2 workers both are pools; without limits the watchdog and the
per-document notes and rlimit calls are left out. Each child builds its Cleaner and loads
its resources first, then times `run(...)` alone into a fresh folder. Round-robin over the
configurations, `--repeat` times; the best and the median of each are printed, and the
ratio of the sandboxed to the bare run.

    PYTHONPATH=. python bench/sandbox_cost.py --data ../shared/bench/scrapinghub/text
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from cleaner import Cleaner, Config
from cleaner.executors import ProcessExecutor
from cleaner.runner import run
from cleaner.sandbox import DEFAULT_DOCUMENT_MEMORY_MIB

#: name -> (workers, limits on)
CONFIGURATIONS = {
    "-w 1, in process (no limits)": (1, False),
    "-w 1, sandboxed (defaults)": (1, True),
    "-w 2, no limits": (2, False),
    "-w 2, sandboxed (defaults)": (2, True),
}


def child(data: Path, name: str) -> None:
    workers, limited = CONFIGURATIONS[name]
    config = Config() if limited else Config(document_timeout=None)
    memory = DEFAULT_DOCUMENT_MEMORY_MIB if limited else None
    cleaner = Cleaner(config)
    cleaner.load_resources()
    cleaner.clean_text("The council met on Tuesday and voted to build a new bridge.")
    with tempfile.TemporaryDirectory() as tmp:
        started = time.perf_counter()
        report = run([data], Path(tmp) / "out", config, cleaner=cleaner,
                     executor=ProcessExecutor(workers, memory))
        seconds = time.perf_counter() - started
    print(json.dumps({"seconds": seconds, "documents": report.written + len(report.failures)}))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, required=True, help="a folder of inputs")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.data, args.child)
        return
    times: dict[str, list[float]] = {name: [] for name in CONFIGURATIONS}
    documents = 0
    for _ in range(args.repeat):
        for name in CONFIGURATIONS:
            done = subprocess.run(
                [sys.executable, __file__, "--data", str(args.data), f"--child={name}"],
                capture_output=True, text=True,
            )
            if done.returncode:
                sys.exit(f"{name}: {done.stderr.strip()[-2000:]}")
            figures = json.loads(done.stdout.strip().splitlines()[-1])
            times[name].append(figures["seconds"])
            documents = figures["documents"]
    print(f"{documents} documents from {args.data}, {args.repeat} runs each, interleaved")
    print(f"{'configuration':<32} {'best s':>8} {'median s':>9} {'docs/s (best)':>14}")
    for name, seconds in times.items():
        best = min(seconds)
        print(f"{name:<32} {best:8.2f} {statistics.median(seconds):9.2f} {documents / best:14.1f}")
    names = list(CONFIGURATIONS)
    for bare, boxed in ((names[0], names[1]), (names[2], names[3])):
        best = min(times[boxed]) / min(times[bare])
        median = statistics.median(times[boxed]) / statistics.median(times[bare])
        print(f"{boxed} / {bare}: {best:.3f} (best), {median:.3f} (median)")


if __name__ == "__main__":
    main()
