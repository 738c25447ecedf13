"""Whole documents that duplicate an earlier one: exactly (same clean text) or nearly (MinHash).

The kept document is the first in the run's canonical order (inputs sorted by output
name, records in archive order), so the choice does not depend on how the paths were
given. Near duplicates: MinHash of word 5-grams with LSH (datasketch); a candidate
counts only when its estimated Jaccard similarity reaches the threshold.
"""

from __future__ import annotations

import hashlib
import zlib
from dataclasses import dataclass
from functools import cache

import numpy as np
from datasketch import MinHash, MinHashLSH

from cleaner.text import words_of

SHINGLE = 5
NUM_PERM = 64
MINHASH_SCHEME = "affine32"  # named: signatures made in workers are rebuilt here
MINHASH_SEED = 1
#: Shingles are hashed with CRC-32: five times cheaper than datasketch's default (SHA-1
#: cut to 32 bits), and datasketch's affine32 scheme runs every value through murmur3's
#: finaliser before permuting, which spreads CRC's linear structure over all 32 bits.
SHINGLE_HASH = zlib.crc32
_EMPTY_SHA256 = hashlib.sha256(b"").hexdigest()


def _shingles(words: list[str]) -> list[bytes]:
    """Word 5-grams of the case-folded words, as bytes (all the words when there are fewer).
    Built by map and zip, with no Python step per shingle: a third faster than slicing."""
    if len(words) < SHINGLE:
        return [" ".join(words).encode()]
    # The shortest of the shifted lists ends the windows: strict=False on purpose.
    windows = zip(*(words[start:] for start in range(SHINGLE)), strict=False)
    return list(map(str.encode, map(" ".join, windows)))


@dataclass(frozen=True, slots=True)
class Fingerprint:
    """What duplicate detection needs of a clean text: computed where the text is cleaned
    (any worker), compared where documents are written (in canonical order)."""

    sha256: str
    minhash: tuple[int, ...] | None  # None: empty text, or near duplicates off


@cache
def _permutations(num_perm: int) -> np.ndarray:
    """The MinHash permutation parameters: a constant of (num_perm, seed), which datasketch
    would otherwise draw again for every signature (a quarter of a millisecond each)."""
    return MinHash(num_perm=num_perm, seed=MINHASH_SEED, scheme=MINHASH_SCHEME).permutations


def minhash(num_perm: int, hashvalues: tuple[int, ...] | None = None) -> MinHash:
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
    folded_words: list[str] | None = None,
) -> Fingerprint:
    """`sha256` and `folded_words` (the text's words, case-folded): when the caller has
    them already."""
    digest = sha256 or hashlib.sha256(text.encode()).hexdigest()
    if not text or not num_perm:
        return Fingerprint(digest, None)
    if folded_words is None:
        folded_words = [word.casefold() for word in words_of(text)]
    signature = minhash(num_perm)
    signature.update_batch(_shingles(folded_words))
    return Fingerprint(digest, tuple(signature.hashvalues.tolist()))


class DuplicateFinder:
    """Remembers the documents seen so far and names the one a new document duplicates."""

    def __init__(self, near_threshold: float | None = 0.8) -> None:
        self.exact: dict[str, str] = {}
        self.near_threshold = near_threshold
        self.num_perm = signature_size(near_threshold)
        self.lsh = (
            MinHashLSH(threshold=near_threshold, num_perm=self.num_perm) if self.num_perm else None
        )
        self.signatures: dict[str, MinHash] = {}
        self.order: dict[str, int] = {}
        self.counts = {"exact": 0, "near": 0}

    def fingerprint(self, text: str) -> Fingerprint:
        return fingerprint(text, self.num_perm)

    def check(self, doc_id: str, found: Fingerprint) -> str | None:
        """The id of the earlier document this one duplicates (and remember it if none)."""
        if found.sha256 == _EMPTY_SHA256:
            return None  # an empty text duplicates nothing
        if found.sha256 in self.exact:
            self.counts["exact"] += 1
            return self.exact[found.sha256]
        original = self._near_original(doc_id, found)
        self.exact[found.sha256] = original or doc_id  # later exact copies name the original too
        if original:
            self.counts["near"] += 1
        return original

    def _near_original(self, doc_id: str, found: Fingerprint) -> str | None:
        if self.lsh is None or self.near_threshold is None or found.minhash is None:
            return None
        signature = minhash(self.num_perm, found.minhash)
        matches = [
            key
            for key in self.lsh.query(signature)
            if self.signatures[key].jaccard(signature) >= self.near_threshold
        ]
        if matches:
            return min(matches, key=self.order.__getitem__)
        self.order[doc_id] = len(self.order)
        self.signatures[doc_id] = signature
        self.lsh.insert(doc_id, signature)
        return None
