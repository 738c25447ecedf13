"""What the main process keeps per document of a run, in memory and on disk.

Workers hold a bounded number of batches; what grows with the corpus is in the process
that writes OUT: the duplicate index (a SQLite file in OUT, with a bounded page cache),
the manifest (where each finished input's entry is in its file) and the document list
of the input being cleaned (until it ends). This builds each as a run builds it, in a fresh
process, from synthetic documents (random signatures: every document is kept, the
index's worst case), and prints the growth of that process's RSS, the index's file size
and the time per document.

    python bench/memory_per_document.py [--documents 200000]

`--one-document 5 20` measures the other side, what cleaning one document of that many
MB costs its worker (the peak of a fresh process, over what it held before): memory that
grows with a document's size (the per-line word caches, `count_words`) is bounded by
`--document-memory` alone, and this says where that cap falls.

    python bench/memory_per_document.py --one-document 5 20
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
from contextlib import suppress
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
PROSE_WORDS = "The council met on Tuesday and voted to build a new bridge over the river"
SHAPES = ("one line of two-letter words", "paragraphs of prose")


def peak_mib() -> float:
    """This process's peak resident memory since the last `reset_peak` (Linux)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return rss_mib()


def reset_peak() -> None:
    with suppress(OSError):
        Path("/proc/self/clear_refs").write_text("5")  # the peak starts again from now


def one_document(shape: str, megabytes: float) -> None:
    """Clean one document as a worker does (no memory cap) and print its cost."""
    from cleaner import Cleaner, Config, Document
    from cleaner.work import clean_document

    cleaner = Cleaner(Config())
    cleaner.clean_text("The council met on Tuesday and voted.")  # profiles loaded
    chooser = random.Random(0)
    if shape == SHAPES[0]:
        letters = "abcdefghijklmnop"
        pairs = [a + b for a in letters for b in letters]
        text = " ".join(chooser.choices(pairs, k=int(megabytes * 1e6 / 3)))
    else:
        words = PROSE_WORDS.split()
        text = "\n\n".join(
            " ".join(chooser.choices(words, k=60)) + "." for _ in range(int(megabytes * 1e6 / 330))
        )
    doc = Document(id="d", source="d.txt", raw=text)
    reset_peak()
    before, started = peak_mib(), time.perf_counter()
    clean_document(cleaner, doc, NUM_PERM)
    seconds, grown = time.perf_counter() - started, peak_mib() - before
    lists = [words for line in doc.lines for words in (line._words, line._folded) if words]
    caches = sum(sys.getsizeof(words) + sum(map(sys.getsizeof, words)) for words in lists) / 2**20
    size = len(text.encode())
    print(
        f"{shape:<30} {size / 1e6:6.1f} MB {grown:+8.0f} MiB "
        f"{grown * 2**20 / size:6.0f}x {caches:8.0f} MiB {seconds:7.1f} s",
        flush=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=200_000)
    parser.add_argument("--structure", choices=STRUCTURES, help="measure this one only")
    parser.add_argument(
        "--one-document", type=float, nargs="+", metavar="MB",
        help="instead: the peak memory of cleaning one document of each size",
    )
    parser.add_argument("--shape", choices=SHAPES, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one_document and args.shape:
        one_document(args.shape, args.one_document[0])
        return
    if args.one_document:
        print(
            f"{'one document':<30} {'size':>9} {'peak':>12} {'/byte':>7} {'caches':>12} {'time':>9}"
        )
        print("(peak: over what the worker held before; caches: the lines' word lists at the end)")
        for shape in SHAPES:
            for megabytes in args.one_document:
                subprocess.run(
                    [sys.executable, __file__, "--one-document", str(megabytes), "--shape", shape],
                    check=True,
                )
        return
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
