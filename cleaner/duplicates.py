"""Whole documents that duplicate an earlier one: exactly (same clean text) or nearly (MinHash).

The kept document is the first in the run's canonical order (inputs sorted by output
name, records in archive order), so the choice does not depend on how the paths were
given. Near duplicates: MinHash of word 5-grams with LSH (datasketch); a candidate
counts only when its estimated Jaccard similarity reaches the threshold.
"""

from __future__ import annotations

import hashlib
import re

from datasketch import MinHash, MinHashLSH

from cleaner.document import Document

_WORD = re.compile(r"\w+")
SHINGLE = 5


def _shingles(text: str) -> list[bytes]:
    words = [w.casefold() for w in _WORD.findall(text)]
    return [
        " ".join(words[i : i + SHINGLE]).encode() for i in range(max(1, len(words) - SHINGLE + 1))
    ]


class DuplicateFinder:
    """Remembers the documents seen so far and names the one a new document duplicates."""

    def __init__(self, near_threshold: float | None = 0.8, num_perm: int = 64) -> None:
        self.exact: dict[str, str] = {}
        self.near_threshold = near_threshold
        self.num_perm = num_perm
        self.lsh = (
            MinHashLSH(threshold=near_threshold, num_perm=num_perm) if near_threshold else None
        )
        self.signatures: dict[str, MinHash] = {}
        self.order: dict[str, int] = {}
        self.counts = {"exact": 0, "near": 0}

    def check(self, doc: Document) -> str | None:
        """The id of the earlier document `doc` duplicates (and remember `doc` if none)."""
        text = doc.text
        if not text:
            return None
        digest = hashlib.sha256(text.encode()).hexdigest()
        if digest in self.exact:
            self.counts["exact"] += 1
            return self.exact[digest]
        original = self._near_original(doc, text)
        self.exact[digest] = original or doc.id  # later exact copies name the original too
        if original:
            self.counts["near"] += 1
        return original

    def _near_original(self, doc: Document, text: str) -> str | None:
        if self.lsh is None or self.near_threshold is None:
            return None
        signature = MinHash(num_perm=self.num_perm, seed=1)
        signature.update_batch(_shingles(text))
        matches = [
            key
            for key in self.lsh.query(signature)
            if self.signatures[key].jaccard(signature) >= self.near_threshold
        ]
        if matches:
            return min(matches, key=self.order.__getitem__)
        self.order[doc.id] = len(self.order)
        self.signatures[doc.id] = signature
        self.lsh.insert(doc.id, signature)
        return None
