"""`Clean`: cleaner's pipeline as a datatrove step.

    from datatrove.executor import LocalPipelineExecutor
    from datatrove.pipeline.readers import WarcReader
    from datatrove.pipeline.writers import JsonlWriter
    from cleaner.integrations.datatrove import Clean

    LocalPipelineExecutor(
        pipeline=[WarcReader("crawl/"), Clean(), JsonlWriter("clean/")], tasks=4
    ).run()

Each document's text is cleaned (an HTML page, as WarcReader gives, is extracted first);
cleaner's metadata (title, author, date, language, words... see `cleaner.schema`) is
added to the document's `metadata` where it found a value; datatrove's own fields are
never changed: where cleaner's value differs it goes under `cleaner_<key>` (datatrove's
`date` is the capture date, cleaner's the date the page states: `cleaner_date`); the
audit goes there too (`audit`: "summary" by default, counts of removals; "full", every
removal as `removed`; "none"). Documents left empty are dropped
(`drop_empty`). datatrove's stats count `cleaned`, `dropped_empty` and the removals of
each step (`removed_<step>`). datatrove's `metadata.date` (the capture date) is read as
`crawl_date`. Needs datatrove: `pip install datatrove`.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

try:
    from datatrove.pipeline.base import PipelineStep
except ImportError as exc:  # pragma: no cover - depends on the environment
    raise ImportError(
        "cleaner.integrations.datatrove needs datatrove: pip install datatrove"
    ) from exc

from cleaner.config import Config
from cleaner.document import Document
from cleaner.pipeline import Cleaner, document_record
from cleaner.readers.text import looks_like_html
from cleaner.schema import Audit, corpus_row


class Clean(PipelineStep):
    """Cleans each datatrove document's text with cleaner's rules and steps."""

    name = "🧹 cleaner"
    type = "✂️ - FORMAT"

    def __init__(
        self,
        config: Config | None = None,
        *,
        audit: Audit | str = Audit.SUMMARY,
        html: bool | None = None,
        drop_empty: bool = True,
    ) -> None:
        """`html`: True, every text is an HTML page; False, never; None, each text that
        starts like one (`<!doctype html`, `<html`) is."""
        super().__init__()
        self.config = config or Config()
        self.audit = Audit(audit)
        self.html = html
        self.drop_empty = drop_empty
        self._cleaner: Cleaner | None = None  # built in the worker, on the first document

    def _our_document(self, document: Any) -> Document:
        meta = document.metadata or {}
        html = self.html
        if html is None:
            html = looks_like_html(document.text[:1024].encode("utf-8", "replace"))
        doc = Document(
            id=str(document.id),
            source=str(document.id),
            raw="" if html else document.text,
            html=document.text if html else None,
        )
        doc.set_meta("url", meta.get("url") if isinstance(meta.get("url"), str) else None)
        if isinstance(meta.get("date"), str):
            doc.set_meta("crawl_date", meta["date"])
        return doc

    def run(self, data: Any, rank: int = 0, world_size: int = 1) -> Any:
        if self._cleaner is None:
            self._cleaner = Cleaner(self.config)
        for document in data:
            with self.track_time():
                doc = self._cleaner.clean(self._our_document(document))
                text = doc.text
                row = corpus_row(text, document_record(doc, text), self.audit)
            for step, count in Counter(r.step for r in doc.removals).items():
                self.stat_update(f"removed_{step}", value=count)
            if not text and self.drop_empty:
                self.stat_update("dropped_empty")
                continue
            document.text = text
            for key, value in row.items():
                if key in ("text", "id", "source") or value is None:
                    continue
                if document.metadata.get(key, value) != value:  # datatrove's: kept
                    key = f"cleaner_{key}"
                document.metadata[key] = value
            self.stat_update("cleaned")
            self.update_doc_stats(document)
            yield document
