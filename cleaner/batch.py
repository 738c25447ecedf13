"""`clean_batch`: cleaner as a `datasets.map(batched=True)` function.

    from datasets import load_dataset
    from cleaner import clean_batch

    ds = load_dataset("json", data_files="pages.jsonl", split="train")
    ds = ds.map(clean_batch, batched=True)                      # text in, clean text out
    ds = ds.map(clean_batch, batched=True, fn_kwargs={"html_field": "html"})  # HTML pages

Each batch comes back with its `text` cleaned and the output record's columns
(`cleaner.schema`) beside it, under `--audit` `summary` by default (`removed_count`,
`removed_chars`; `audit="full"` for every removal). A process builds one `Cleaner` per
`Config` and keeps it (the rules compile once, not once a batch); call
`cleaner.batch.forget_cleaners()` after editing rule files in the same process.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import lru_cache
from typing import Any

from cleaner.config import Config
from cleaner.document import Document
from cleaner.pipeline import Cleaner, document_record
from cleaner.schema import Audit, columns, corpus_row


@lru_cache(maxsize=4)
def _cleaner(config: Config) -> Cleaner:
    return Cleaner(config)


def clean_batch(
    batch: Mapping[str, Sequence[Any]],
    *,
    text_field: str = "text",
    html_field: str | None = None,
    url_field: str = "url",
    id_field: str = "id",
    audit: Audit | str = Audit.SUMMARY,
    config: Config | None = None,
) -> dict[str, list[Any]]:
    """A batch of `{column: [values]}` cleaned: `text` (the clean text) and the columns of
    `cleaner.schema.columns(audit)` except `id` and `source` (the batch keeps its own).
    With `html_field`, that column holds the pages to extract and clean. Rows whose
    text is None give an empty text and null metadata."""
    audit = Audit(audit)
    cleaner = _cleaner(config or Config())
    field = html_field or text_field
    if field not in batch:
        option = "html_field" if html_field else "text_field"
        raise KeyError(f"the batch has no column {field!r}: name the text's with {option}=")
    # Lists, whatever holds the columns (datasets' numpy or pandas formats give arrays and
    # Series, whose truth value is an error).
    source = list(batch[field])
    urls = _column(batch, url_field, len(source))
    ids = _column(batch, id_field, len(source))
    names = [c.name for c in columns(audit) if c.name not in ("id", "source")]
    out: dict[str, list[Any]] = {name: [] for name in names}
    for index, value in enumerate(source):
        doc_id = str(ids[index]) if ids[index] is not None else f"row-{index}"
        doc = Document(
            id=doc_id,
            source=doc_id,
            raw="" if html_field else (value or ""),
            html=(value or "") if html_field else None,
        )
        url = urls[index]
        doc.set_meta("url", url if isinstance(url, str) else None)
        cleaner.clean(doc)
        text = doc.text
        row = corpus_row(text, document_record(doc, text), audit)
        for name in names:
            out[name].append(row.get(name))
    return out


def _column(batch: Mapping[str, Sequence[Any]], name: str, rows: int) -> list[Any]:
    """A column's values as a list; Nones where the batch has no such column."""
    values = batch.get(name)
    return [None] * rows if values is None else list(values)


def forget_cleaners() -> None:
    """Drop the cleaners `clean_batch` built (after editing rule files in this process)."""
    _cleaner.cache_clear()
