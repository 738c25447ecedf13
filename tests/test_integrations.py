"""cleaner inside other pipelines: datatrove's step, datasets.map, pandas on the schema.
Each test skips when its package is not installed (they are in the `test` extra)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from cleaner import clean_batch
from cleaner.schema import Audit, arrow_table, columns, corpus_row

FIXTURES = Path(__file__).parent.parent / "fixtures"
TEXTS = [
    "Harbour reopens after storm\n\nThe harbour reopened on Friday after three days of "
    "repairs to the sea wall, and the first ferry left on time.\n\nAdd new comment\n",
    "Council meets on Monday\n\nThe council will meet on Monday to vote on the new budget "
    "for the harbour and the roads around the old town.\n\nShare this article\n",
]


def test_datatrove_step_on_the_warc_fixtures(tmp_path) -> None:
    pytest.importorskip("datatrove")
    pytest.importorskip("cchardet")  # WarcReader's own dependencies
    pytest.importorskip("magic")
    from datatrove.executor import LocalPipelineExecutor
    from datatrove.pipeline.readers import JsonlReader, WarcReader
    from datatrove.pipeline.writers import JsonlWriter

    from cleaner.integrations.datatrove import Clean

    crawl = tmp_path / "crawl"
    crawl.mkdir()
    shutil.copy(FIXTURES / "warc" / "cc-whirlwind__whirlwind.warc.gz", crawl)
    LocalPipelineExecutor(
        pipeline=[WarcReader(str(crawl)), Clean(), JsonlWriter(str(tmp_path / "clean"))],
        tasks=1,
        logging_dir=str(tmp_path / "logs"),
    ).run()
    docs = list(JsonlReader(str(tmp_path / "clean"))())
    assert docs, "no document came out"
    doc = docs[0]
    assert "<html" not in doc.text.lower() and doc.text.strip()
    assert doc.metadata["url"].startswith("http")
    assert doc.metadata["crawl_date"].endswith("+00:00")
    assert isinstance(doc.metadata["removed_count"], int)
    stats = (tmp_path / "logs" / "stats.json").read_text()
    assert "cleaned" in stats


def test_datatrove_step_counts_and_drops_empty() -> None:
    pytest.importorskip("datatrove")
    from datatrove.data import Document as DatatroveDocument

    from cleaner.integrations.datatrove import Clean

    step = Clean(audit="full")
    given = [
        DatatroveDocument(text=TEXTS[0], id="keep-me", metadata={"url": "https://a.example/x"}),
        DatatroveDocument(text="Add new comment\n", id="empty", metadata={}),
    ]
    out = list(step.run(iter(given)))
    assert [d.id for d in out] == ["keep-me"]  # the id unchanged
    assert "Add new comment" not in out[0].text
    assert out[0].metadata["url"] == "https://a.example/x"
    assert any(r["text"] == "Add new comment" for r in out[0].metadata["removed"])
    assert step.stats["dropped_empty"].total == 1 and step.stats["cleaned"].total == 1


def test_datatrove_step_keeps_datatroves_capture_date() -> None:
    """datatrove's metadata.date is the capture date: cleaner's date (the one the page
    states) replaced it on some documents only, leaving a field that meant two things."""
    pytest.importorskip("datatrove")
    from datatrove.data import Document as DatatroveDocument

    from cleaner.integrations.datatrove import Clean

    captured = "2024-04-25T16:24:44Z"
    text = "Published March 3, 2021\n" + TEXTS[0]
    given = [DatatroveDocument(text=text, id="d", metadata={"date": captured})]
    [out] = list(Clean().run(iter(given)))
    assert out.metadata["date"] == captured
    assert out.metadata["cleaner_date"].startswith("2021-03-03")


def test_clean_batch_with_datasets_map() -> None:
    datasets = pytest.importorskip("datasets")
    ds = datasets.Dataset.from_dict(
        {"id": ["a", "b"], "text": TEXTS, "url": ["https://a.example/1", None]}
    )
    cleaned = ds.map(clean_batch, batched=True)
    assert cleaned.num_rows == 2 and cleaned["id"] == ["a", "b"]
    assert "Add new comment" not in cleaned[0]["text"]
    assert cleaned[0]["url"] == "https://a.example/1"
    assert cleaned[0]["removed_count"] >= 1
    assert {c.name for c in columns(Audit.SUMMARY)} - {"source"} <= set(cleaned.column_names)


def test_clean_batch_html_field() -> None:
    page = (FIXTURES / "html").glob("*.html")
    path = next(iter(sorted(page)), None)
    if path is None:
        pytest.skip("no HTML fixture")
    out = clean_batch(
        {"html": [path.read_text(encoding="utf-8", errors="replace")]},
        html_field="html",
        audit="none",
    )
    assert "<p>" not in out["text"][0] and "removed_count" not in out


def test_dates_parse_in_one_call_with_pandas() -> None:
    pd = pytest.importorskip("pandas")
    from cleaner import clean_text

    docs = [
        clean_text(TEXTS[0], metadata={"date": "2008-07-04"}),
        clean_text(TEXTS[1], metadata={"date": "2017-09-05T21:21:00+04:00"}),
    ]
    dates = pd.to_datetime(pd.Series([d.metadata["date"] for d in docs]))  # one call
    assert str(dates.dt.tz) == "UTC"
    assert [d.metadata["date_precision"] for d in docs] == ["day", "minute"]


def test_corpus_rows_load_the_same_from_jsonl_and_parquet(tmp_path) -> None:
    pd = pytest.importorskip("pandas")
    pytest.importorskip("pyarrow")
    import json

    from cleaner import Cleaner, document_record

    cleaner = Cleaner()
    rows = []
    for number, text in enumerate(TEXTS):
        doc = cleaner.clean_text(text, id=f"doc-{number}", metadata={"date": "2008-07-04"})
        record = document_record(doc)
        record["input_id"] = f"input-{number}"
        record["lang_score"] = 0.5  # an input field passes through
        rows.append(corpus_row(doc.text, record, Audit.NONE))
    jsonl = tmp_path / "documents.jsonl"
    jsonl.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    import pyarrow.parquet as pq

    pq.write_table(arrow_table(rows, Audit.NONE), tmp_path / "documents.parquet")
    from_jsonl = pd.read_json(jsonl, lines=True, dtype=False)
    from_parquet = pd.read_parquet(tmp_path / "documents.parquet")
    assert list(from_jsonl.columns) == list(from_parquet.columns)
    assert list(from_parquet["id"]) == ["input-0", "input-1"]  # the input's ids, unchanged
    assert "removed" not in from_parquet.columns and "kept_lines" not in from_parquet.columns
    assert pd.to_datetime(from_parquet["date"]).notna().all()
    assert pd.to_datetime(from_jsonl["date"]).equals(pd.to_datetime(from_parquet["date"]))
