"""Whole documents that duplicate an earlier one: exactly (same clean text) or nearly (MinHash).

The kept document is the first in the run's canonical order (inputs sorted by output
name, records in archive order), so the choice does not depend on how the paths were
given. Near duplicates: MinHash of word 5-grams (datasketch), banded as datasketch's LSH
bands them; a candidate counts only when its estimated Jaccard similarity reaches the
threshold. The index lives in SQLite, on disk during a run (see DuplicateFinder).
"""

from __future__ import annotations

import errno
import hashlib
import os
import sqlite3
import tempfile
import zlib
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from itertools import islice
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from cleaner.document import Line
from cleaner.text import _WORD as WORD

if TYPE_CHECKING:
    from datasketch import MinHash

SHINGLE = 5
NUM_PERM = 64
MINHASH_SCHEME = "affine32"  # named: signatures made in workers are rebuilt here
MINHASH_SEED = 1
#: Shingles are hashed with CRC-32: five times cheaper than datasketch's default (SHA-1
#: cut to 32 bits), and datasketch's affine32 scheme runs every value through murmur3's
#: finaliser before permuting, which spreads CRC's linear structure over all 32 bits.
SHINGLE_HASH = zlib.crc32
_EMPTY_SHA256 = hashlib.sha256(b"").hexdigest()


#: Shingles hashed at a time: datasketch holds a 64-column array per batch (512 bytes a
#: shingle), so a 90 MB one-line text in one batch peaked at 10 GB; in pieces it stays
#: at about 25 MB whatever the text, with the same signature (a running minimum).
SHINGLES_PER_BATCH = 50_000
#: A line with more words than this is case-folded word by word as its shingles are
#: hashed, never all at once: the folded copy of an 18 MB line of two-letter words was
#: 6 million string objects (some 400 MB). Shorter lines use the lines' own folded words.
LONG_LINE_WORDS = 10_000


def _shingles(words: Iterable[str], per_batch: int = SHINGLES_PER_BATCH) -> Iterator[list[bytes]]:
    """Word 5-grams of the case-folded words, as bytes (all the words when there are
    fewer), `per_batch` at a time: read from `words` as they are needed, so that only a
    batch of words and shingles is held at once. Built by map and zip, with no Python
    step per shingle: a third faster than slicing."""
    stream = iter(words)
    part = list(islice(stream, per_batch + SHINGLE - 1))
    if len(part) < SHINGLE:
        yield [" ".join(part).encode()]
        return
    while True:
        # The shortest of the shifted lists ends the windows: strict=False on purpose.
        windows = zip(*(part[shift:] for shift in range(SHINGLE)), strict=False)
        yield list(map(str.encode, map(" ".join, windows)))
        more = list(islice(stream, per_batch))
        if not more:
            return
        part = part[-(SHINGLE - 1) :] + more  # the last windows of the batch go on here


def folded_words(lines: Iterable[Line]) -> Iterator[str]:
    """The case-folded words of these lines (`Document.folded_words` of the kept ones),
    one at a time: a long line's are folded as they are read, not kept (see
    LONG_LINE_WORDS)."""
    for line in lines:
        words = line.words()
        if len(words) > LONG_LINE_WORDS:
            yield from map(str.casefold, words)
        else:
            yield from line.folded_words()


def _folded_words_of(text: str) -> Iterator[str]:
    """`words_of(text)`, case-folded, one at a time."""
    return (match.group().casefold() for match in WORD.finditer(text))


@dataclass(frozen=True, slots=True)
class Fingerprint:
    """What duplicate detection needs of a clean text: computed where the text is cleaned
    (any worker), compared where documents are written (in canonical order)."""

    sha256: str
    minhash: tuple[int, ...] | None  # None: empty text, or near duplicates off


@cache
def _permutations(num_perm: int) -> np.ndarray:
    """The MinHash permutation parameters: a constant of (num_perm, seed), which datasketch
    would otherwise draw again for every signature (a quarter of a millisecond each). Drawn
    here as datasketch's MinHash draws them for its affine32 scheme (an odd a and a b of 32
    bits; tests/test_dedup.py checks they are its own): importing datasketch would cost
    every worker half a second, its LSH module importing scipy.integrate."""
    draw = np.random.RandomState(MINHASH_SEED)
    a = draw.randint(0, 1 << 31, num_perm, dtype=np.uint32) * np.uint32(2) + np.uint32(1)
    b = draw.randint(0, 1 << 32, num_perm, dtype=np.uint32)
    return np.array([a, b])


def minhash(num_perm: int, hashvalues: tuple[int, ...] | None = None) -> MinHash:
    """datasketch's MinHash of these settings: the reference that the tests compare
    fingerprint()'s signatures with (fingerprint() computes them without datasketch)."""
    from datasketch import MinHash

    return MinHash(
        num_perm=num_perm,
        seed=MINHASH_SEED,
        scheme=MINHASH_SCHEME,
        hashfunc=SHINGLE_HASH,
        hashvalues=hashvalues,
        permutations=_permutations(num_perm),
    )


def signature_size(near_threshold: float | None) -> int | None:
    """MinHash permutations per signature: none when near duplicates are off. One answer
    for workers and the finder, so their signatures always compare."""
    return NUM_PERM if near_threshold else None


def fingerprint(
    text: str,
    num_perm: int | None = NUM_PERM,
    sha256: str | None = None,
    folded_words: Iterable[str] | None = None,
) -> Fingerprint:
    """`sha256` and `folded_words` (the text's words, case-folded, in a list or one at a
    time: `folded_words(doc.kept)`): when the caller has them already. Memory does not
    grow with the text: words are read and shingles hashed a batch at a time."""
    digest = sha256 or hashlib.sha256(text.encode()).hexdigest()
    if not text or not num_perm:
        return Fingerprint(digest, None)
    if folded_words is None:
        folded_words = _folded_words_of(text)
    a, b = _permutations(num_perm)
    a, b = a[:, np.newaxis], b[:, np.newaxis]  # a row per permutation
    signature = np.full(num_perm, _MAX_HASH32, dtype=np.uint32)
    for batch in _shingles(folded_words, SHINGLES_PER_BATCH):
        if batch:  # as datasketch: an empty batch changes nothing
            signature = np.minimum(signature, _permuted(batch, a, b).min(axis=1))
    return Fingerprint(digest, tuple(signature.tolist()))


#: datasketch's affine32 scheme, as its MinHash.update_batch computes it (the same
#: signature: tests/test_dedup.py), with each permutation's values in a row so that the
#: minimum runs along memory: murmur3's 32-bit finaliser on each shingle's CRC-32, then
#: a * h + b modulo 2^32.
_MAX_HASH32 = np.uint32(0xFFFFFFFF)
_FMIX32 = tuple(map(np.uint32, (16, 0x85EBCA6B, 13, 0xC2B2AE35, 16)))


def _permuted(batch: list[bytes], a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """(permutations, shingles): each shingle's hash under each permutation."""
    hv = np.fromiter(map(SHINGLE_HASH, batch), dtype=np.uint32, count=len(batch))
    s1, m1, s2, m2, s3 = _FMIX32
    hv = hv ^ (hv >> s1)
    hv = hv * m1
    hv = hv ^ (hv >> s2)
    hv = hv * m2
    hv = hv ^ (hv >> s3)
    return a * hv + b


#: datasketch's bands and rows for the default threshold (Config's 0.8) and NUM_PERM: it
#: finds them by 560 numerical integrals, 5-15 ms of the driver's time in every run (a
#: tenth of its CPU over the scrapinghub dumps at 2 workers). tests/test_dedup.py checks
#: them against datasketch's answer.
DEFAULT_BANDS = {(0.8, NUM_PERM): (5, 11)}


def _bands(near_threshold: float, num_perm: int) -> tuple[int, int]:
    """Bands and rows per band: datasketch's choice for its MinHashLSH index (false
    positives and negatives weighed alike), so the candidates are those it would give."""
    known = DEFAULT_BANDS.get((near_threshold, num_perm))
    if known is not None:
        return known
    # Its MinHashLSH computes them so, with equal weights, then refuses a single band
    # (b < 2), which is its choice from a threshold of 0.97 up: one band, the whole
    # signature, is a fine index for near copies (an internal error before).
    from datasketch.lsh import _optimal_param

    bands, rows = _optimal_param(near_threshold, num_perm, 0.5, 0.5)
    return int(bands), int(rows)


_SCHEMA = """
CREATE TABLE exact (sha256 BLOB PRIMARY KEY, original TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE kept (n INTEGER PRIMARY KEY, id TEXT NOT NULL, signature BLOB NOT NULL);
CREATE TABLE band (key INTEGER NOT NULL, n INTEGER NOT NULL, PRIMARY KEY (key, n)) WITHOUT ROWID;
"""
#: SQLite's page cache for the index, in KiB: what the index costs in memory at most.
CACHE_KIB = 16 * 1024


class DuplicateFinder:
    """Remembers the documents seen so far and names the one a new document duplicates.

    What it remembers (a hash per document; for near duplicates, the kept documents'
    signatures and their LSH band keys) is kept in SQLite: in a file under `folder` when
    given one, so that a run's memory does not grow with its corpus (the index costs
    about 0.7 KB of disk per document), else in memory. Close it to remove the file."""

    def __init__(self, near_threshold: float | None = 0.8, folder: Path | None = None) -> None:
        self.near_threshold = near_threshold
        self.num_perm = signature_size(near_threshold)
        self.bands = (
            _bands(near_threshold, self.num_perm) if near_threshold and self.num_perm else None
        )
        self.counts = {"exact": 0, "near": 0}
        self.path: Path | None = None
        if folder is not None:
            # Named like a temporary output: a killed run's is removed by the next run.
            fd, name = tempfile.mkstemp(dir=folder, prefix=".cleaner-duplicates.", suffix=".tmp")
            os.close(fd)
            self.path = Path(name)
        with self._disk_errors():
            self._db = sqlite3.connect(_database_uri(self.path), uri=True, isolation_level=None)
            # Nothing to roll back or recover: the index lives as long as the run.
            for pragma in ("journal_mode = OFF", "synchronous = OFF", f"cache_size = -{CACHE_KIB}"):
                self._db.execute(f"PRAGMA {pragma}")
            self._db.executescript(_SCHEMA)
            self._db.execute("BEGIN")  # one transaction: no commit per document
        self._kept = 0

    @contextmanager
    def _disk_errors(self) -> Iterator[None]:
        """SQLite's errors of the disk (full, failing) as the OSError a write would raise,
        which a run reports as OUT that cannot be written."""
        try:
            yield
        except sqlite3.OperationalError as exc:
            raise self._disk_error(exc) from None

    def _disk_error(self, exc: sqlite3.OperationalError) -> OSError:
        return OSError(errno.EIO, f"the duplicate index: {exc}", str(self.path))

    def close(self) -> None:
        """Drops the index (and its file)."""
        self._db.close()
        if self.path is not None:
            self.path.unlink(missing_ok=True)

    def __enter__(self) -> DuplicateFinder:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def fingerprint(self, text: str) -> Fingerprint:
        return fingerprint(text, self.num_perm)

    def check(self, doc_id: str, found: Fingerprint) -> str | None:
        """The id of the earlier document this one duplicates (and remember it if none)."""
        if found.sha256 == _EMPTY_SHA256:
            return None  # an empty text duplicates nothing
        try:  # as _disk_errors, without a context manager made for every document
            return self._check(doc_id, found)
        except sqlite3.OperationalError as exc:
            raise self._disk_error(exc) from None

    def _check(self, doc_id: str, found: Fingerprint) -> str | None:
        digest = bytes.fromhex(found.sha256)
        row = self._db.execute("SELECT original FROM exact WHERE sha256 = ?", (digest,)).fetchone()
        if row is not None:
            self.counts["exact"] += 1
            return row[0]
        original = self._near_original(doc_id, found)
        # Later exact copies name the original too.
        self._db.execute("INSERT INTO exact VALUES (?, ?)", (digest, original or doc_id))
        if original:
            self.counts["near"] += 1
        return original

    def _near_original(self, doc_id: str, found: Fingerprint) -> str | None:
        """The earliest kept document whose estimated Jaccard similarity with this one
        reaches the threshold, among those sharing a band with it; else this one is kept."""
        if self.bands is None or self.near_threshold is None or found.minhash is None:
            return None
        signature = np.array(found.minhash, dtype=np.uint64)
        keys = _band_keys(signature, *self.bands)
        candidates = self._db.execute(
            "SELECT kept.n, kept.id, kept.signature FROM kept WHERE kept.n IN "
            f"(SELECT n FROM band WHERE key IN ({', '.join('?' * len(keys))})) ORDER BY kept.n",
            keys,
        )
        for _, kept_id, kept_signature in candidates:
            other = np.frombuffer(kept_signature, dtype=np.uint64)
            if near_enough(other, signature, self.near_threshold):
                return kept_id
        self._kept += 1
        self._db.execute(
            "INSERT INTO kept VALUES (?, ?, ?)", (self._kept, doc_id, signature.tobytes())
        )
        self._db.executemany(
            "INSERT OR IGNORE INTO band VALUES (?, ?)", ((key, self._kept) for key in keys)
        )
        return None


def near_enough(signatures: np.ndarray, signature: np.ndarray, threshold: float) -> np.ndarray:
    """Whether each of `signatures` (one, or a row each) is a near duplicate of
    `signature`: the share of equal MinHash values, the estimated Jaccard similarity,
    reaches `threshold`. The one test of the driver's finder and the Ray job."""
    return np.count_nonzero(signatures == signature, axis=-1) / len(signature) >= threshold


def _database_uri(path: Path | None) -> str:
    """SQLite's address of the index. No file locks: the index is this process's alone,
    and a file system without them (NFS without its lock service) must not stop a run."""
    if path is None:
        return ":memory:"
    vfs = "?vfs=unix-none" if os.name == "posix" else ""
    return path.resolve().as_uri() + vfs


def _band_keys(signature: np.ndarray, bands: int, rows: int) -> list[int]:
    """A 64-bit key per band of the signature (the band's number and values, hashed): two
    signatures share a key where they share that band (or, one time in 2**64, by chance;
    the similarity check then sorts them out)."""
    raw, width = signature.tobytes(), rows * signature.itemsize
    return [
        int.from_bytes(
            hashlib.blake2b(
                raw[band * width : (band + 1) * width], digest_size=8, salt=salt
            ).digest(),
            "little",
            signed=True,
        )
        for band, salt in enumerate(_band_salts(bands))
    ]


@cache
def _band_salts(bands: int) -> tuple[bytes, ...]:
    """Each band's salt (its number): made once, not for every document."""
    return tuple(band.to_bytes(16, "little") for band in range(bands))
