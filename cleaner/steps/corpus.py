"""Drops a site's furniture found by the corpus pass: lines on many of its documents."""

from __future__ import annotations

from cleaner.corpus import CorpusTable, document_site
from cleaner.document import Document
from cleaner.steps.base import Setup, Step


class CorpusStep(Step):
    """A line goes when it is on at least `min_docs` documents and `min_share` of its site's.

    Lines a rule vouched for (`action: keep`) stay, whatever their frequency.
    """

    name = "corpus"
    rule = "corpus:frequent-line"

    def __init__(self, table: CorpusTable, min_docs: int = 3, min_share: float = 0.1) -> None:
        super().__init__()
        self.table = table
        self.min_docs = min_docs
        self.min_share = min_share

    @classmethod
    def from_setup(cls, setup: Setup) -> CorpusStep | None:
        if setup.corpus is None:  # no --corpus-pass
            return None
        return cls(setup.corpus, setup.config.corpus_min_docs, setup.config.corpus_min_share)

    def process(self, doc: Document) -> None:
        site = document_site(doc)
        site_total = self.table.site_documents.get(site, 0)
        if site_total < self.min_docs:
            return
        for line in doc.kept:
            if line.content:
                continue
            count = self.table.documents_with(site, line.text)
            if count >= self.min_docs and count / site_total >= self.min_share:
                doc.drop(
                    line,
                    step=self.name,
                    rule=self.rule,
                    reason=f"on {count} of {site_total} documents of {site}",
                )
