"""The dedup stage on the driver (SequentialDedup) and as a job on a local Ray (RayDedup),
over the same fingerprint files: wall time, the driver's CPU time and the growth of its
RSS, and whether every answer agrees.

Synthetic documents: random signatures (every document kept, the index's worst case for
its size), a share of exact copies and a share of near copies (a few of the 64 MinHash
values changed: similar enough at the default threshold), spread over inputs of 100.

    python bench/ray_dedup.py [--documents 50000] [--workers 2]
"""

from __future__ import annotations

import argparse
import hashlib
import random
import resource
import sys
import tempfile
import time
from pathlib import Path

from cleaner.dedup_stage import SequentialDedup
from cleaner.duplicates import NUM_PERM, Fingerprint
from cleaner.parts import FingerprintHeader, FingerprintJournal, fingerprints_path
from cleaner.work import DocumentSummary, InputSummary

PER_INPUT = 100


def rss_mib() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def corpus(out: Path, documents: int, seed: int = 1) -> list[InputSummary]:
    rng = random.Random(seed)
    made: list[Fingerprint] = []
    summaries = []
    for index in range(0, documents, PER_INPUT):
        journal = FingerprintJournal(out, FingerprintHeader(f"in{index}", "x", "s"))
        docs = []
        for number in range(index, min(documents, index + PER_INPUT)):
            roll = rng.random()
            if made and roll < 0.1:  # an exact copy
                found = rng.choice(made)
            elif made and roll < 0.3:  # a near copy: 4 of 64 values changed
                values = list(rng.choice(made).minhash or ())
                for place in rng.sample(range(NUM_PERM), 4):
                    values[place] = rng.getrandbits(32)
                found = Fingerprint(
                    hashlib.sha256(f"n{number}".encode()).hexdigest(), tuple(values)
                )
            else:
                values = [rng.getrandbits(32) for _ in range(NUM_PERM)]
                found = Fingerprint(
                    hashlib.sha256(f"d{number}".encode()).hexdigest(), tuple(values)
                )
            made.append(found)
            journal.add(f"d{number}", found)
            docs.append(DocumentSummary(f"d{number}", f"in{index}", None))
        journal.commit()
        summaries.append(InputSummary(index, "x", docs))
    return summaries


def answers(stage, out: Path, summaries: list[InputSummary]) -> list[str | None]:
    found: list[str | None] = []
    for summary in stage.stream(summaries, lambda _: None):
        path = fingerprints_path(out, f"in{summary.index}")
        found += [d.decided for d in stage.decide(path, summary)]
    return found


def timed(label: str, make, out: Path, summaries: list[InputSummary]) -> list[str | None]:
    before_rss, before_cpu, before = rss_mib(), time.process_time(), time.perf_counter()
    stage = make()
    try:
        found = answers(stage, out, summaries)
        counts = dict(stage.counts)
    finally:
        stage.close()
    wall, cpu = time.perf_counter() - before, time.process_time() - before_cpu
    print(
        f"{label:<12} wall {wall:6.1f} s  driver CPU {cpu:6.1f} s  "
        f"driver RSS +{rss_mib() - before_rss:6.1f} MiB  {counts}"
    )
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=50_000)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    import ray

    from cleaner.executors.ray_dedup import RayDedup

    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder)
        summaries = corpus(out, args.documents)
        print(f"{args.documents} documents in {len(summaries)} inputs")
        ray.init(num_cpus=args.workers, include_dashboard=False, log_to_driver=False)
        try:
            names = lambda index: f"in{index}"  # noqa: E731
            on_ray = timed(
                "ray",
                lambda: RayDedup(ray, out, 0.8, 2 * args.workers, names),
                out,
                summaries,
            )
        finally:
            ray.shutdown()
        driver = timed("driver", lambda: SequentialDedup(0.8, out), out, summaries)
    print("same answers" if on_ray == driver else "ANSWERS DIFFER")
    return 0 if on_ray == driver else 1


if __name__ == "__main__":
    sys.exit(main())
