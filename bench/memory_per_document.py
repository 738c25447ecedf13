"""What the main process keeps per document of a run, in memory and on disk.

Workers hold a bounded number of batches; what grows with the corpus is in the process
that writes OUT: the duplicate index (a SQLite file in OUT, with a bounded page cache),
the manifest (where each finished input's entry is in its file) and the document list
of the input being cleaned (until it ends). This builds each as a run builds it, in a fresh
process, from synthetic documents (random signatures: every document is kept, the
index's worst case), and prints the growth of that process's RSS, the index's file size
and the time per document.

    python bench/memory_per_document.py [--documents 200000]
"""

from __future__ import annotations

import argparse
import hashlib
import random
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from cleaner.duplicates import NUM_PERM, DuplicateFinder, Fingerprint
from cleaner.manifest import DocumentEntry, InputEntry, Manifest

DOCUMENTS_PER_INPUT = 100


def rss_mib() -> float:
    """This process's resident memory now (Linux), else its peak so far."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024 if sys.platform == "darwin" else 1024)


def fingerprints(count: int, near: bool) -> list[Fingerprint]:
    rng = random.Random(1)
    return [
        Fingerprint(
            hashlib.sha256(str(number).encode()).hexdigest(),
            tuple(rng.getrandbits(32) for _ in range(NUM_PERM)) if near else None,
        )
        for number in range(count)
    ]


def measure(label: str, count: int, build: Callable[[], Path | None]) -> None:
    before = rss_mib()
    started = time.perf_counter()
    file = build()
    seconds = time.perf_counter() - started
    grown = rss_mib() - before
    on_disk = f"{file.stat().st_size / count:7.0f}" if file and file.exists() else "      -"
    print(
        f"{label:<38} {grown:+8.1f} {grown * 1024 * 1024 / count:9.0f} {on_disk} "
        f"{seconds / count * 1e6:8.1f}"
    )


def build_structure(structure: str, count: int, folder: Path) -> None:
    if structure == "manifest":  # finished inputs: where each one's entry is in the file
        manifest = Manifest(folder)

        def finished_inputs() -> Path:
            for start in range(0, count, DOCUMENTS_PER_INPUT):
                documents = [
                    DocumentEntry(f"input{start}/doc{n}", {"share-bar": 1})
                    for n in range(start, min(start + DOCUMENTS_PER_INPUT, count))
                ]
                manifest.record(f"input{start}", InputEntry("0" * 64, "0" * 64, documents))
            return manifest.path

        measure(f"manifest, inputs of {DOCUMENTS_PER_INPUT} documents", count, finished_inputs)
        manifest.close()
        return
    if structure == "input":  # held until the input ends: a WARC of `count` records
        held: list[DocumentEntry] = []

        def one_input() -> None:
            held.extend(DocumentEntry(f"input/doc{n}", {"share-bar": 1}) for n in range(count))

        measure("documents of the input being cleaned", count, one_input)
        return
    threshold = 0.8 if structure == "near" else None
    prints = fingerprints(count, near=threshold is not None)
    with DuplicateFinder(threshold, folder=folder) as finder:

        def index() -> Path | None:
            for number, found in enumerate(prints):
                finder.check(f"input/doc{number}", found)
            return finder.path

        label = "duplicate index, near and exact" if threshold else "duplicate index, exact only"
        measure(label, count, index)


STRUCTURES = ("near", "exact", "manifest", "input")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=200_000)
    parser.add_argument("--structure", choices=STRUCTURES, help="measure this one only")
    args = parser.parse_args()
    if args.structure:
        with tempfile.TemporaryDirectory(prefix="memory-per-document-", dir=Path.cwd()) as tmp:
            build_structure(args.structure, args.documents, Path(tmp))
        return
    print(f"{args.documents:,} documents, each structure built in a fresh process")
    print(f"{'structure':<38} {'RSS MiB':>8} {'B/doc':>9} {'disk B':>7} {'us/doc':>8}")
    for structure in STRUCTURES:
        command = [sys.executable, __file__, "--documents", str(args.documents)]
        subprocess.run([*command, "--structure", structure], check=True)


if __name__ == "__main__":
    main()
