"""The corpus pass: text that repeats on many pages of one site is that site's furniture.

A first pass counts, per site, on how many documents each normalized line appears. Lines
are hashed (8 bytes of BLAKE2b over site and line), never stored, so memory grows with
the number of distinct lines, not with the corpus. Counts are sums, so the table is the
same whatever the order of the inputs or the number of workers that built its parts.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass, field
from pathlib import PurePosixPath

from cleaner.document import Document
from cleaner.steps.rules import site_domain
from cleaner.text import line_key


def line_hash(site: str, key: str) -> int:
    digest = hashlib.blake2b(f"{site}\0{key}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "little")


def document_site(doc: Document) -> str:
    """The document's site: the domain of its url, else the folder (or container) it came from."""
    domain = site_domain(doc.metadata.get("url"))
    if domain:
        return domain
    folder, _, _ = doc.id.rpartition("/")  # a subfolder, or the container of a record
    if not folder:  # a file at the top of an input folder: that folder's name
        folder = PurePosixPath(doc.source.partition("#")[0]).parent.name or "."
    return f"folder:{folder}"


@dataclass(slots=True)
class CorpusTable:
    """Documents per site, and documents per (site, line) hash."""

    site_documents: Counter[str] = field(default_factory=Counter)
    line_documents: Counter[int] = field(default_factory=Counter)

    def add(self, doc: Document) -> None:
        """Count one normalized document (each distinct line once)."""
        site = document_site(doc)
        self.site_documents[site] += 1
        keys = {line_key(line.text) for line in doc.lines if not line.removed}
        self.line_documents.update(line_hash(site, key) for key in keys)

    def merge(self, other: CorpusTable) -> None:
        self.site_documents.update(other.site_documents)
        self.line_documents.update(other.line_documents)

    def pruned(self, min_docs: int) -> CorpusTable:
        """Only the lines on `min_docs` documents or more: the rest can never be furniture,
        and a table this size is cheap to send to every worker."""
        lines = Counter({key: n for key, n in self.line_documents.items() if n >= min_docs})
        return CorpusTable(Counter(self.site_documents), lines)

    def digest(self) -> str:
        """A hash of the counts, whatever order they were added in."""
        digest = hashlib.sha256()
        for site, count in sorted(self.site_documents.items()):
            digest.update(f"{site}\0{count}\n".encode())
        for key, count in sorted(self.line_documents.items()):
            digest.update(f"{key}:{count}\n".encode())
        return digest.hexdigest()

    def documents_with(self, site: str, text: str) -> int:
        return self.line_documents.get(line_hash(site, line_key(text)), 0)

    def __len__(self) -> int:
        return len(self.line_documents)
