"""The public Python API: clean_text, clean_html, clean, Cleaner; every metadata key."""

from __future__ import annotations

from pathlib import Path

import cleaner
from cleaner import Cleaner, Config, Document, clean, clean_html, clean_text
from cleaner.document import METADATA_KEYS

PAGE = """<!doctype html><html><head><title>Harbour reopens after storm</title>
<meta name="author" content="Maria Jensen"></head><body>
<nav>Home | News | Sport</nav>
<article><h1>Harbour reopens after storm</h1>
<p>The harbour reopened on Friday after three days of repairs to the sea wall, and the
first ferry to the islands left on time in the morning with a full deck of passengers.</p>
<p>Forecasters expect storms to return next week, and the council has asked boat owners
to check their moorings before the weekend and to keep clear of the outer pier.</p>
</article><footer>All rights reserved</footer></body></html>"""
TEXT = (
    "Harbour reopens after storm\n\nThe harbour reopened on Friday after three days of "
    "repairs to the sea wall, and the first ferry left on time.\n\nAdd new comment\n"
)


def test_public_names() -> None:
    for name in (
        "clean_text",
        "clean_html",
        "clean",
        "clean_batch",
        "Cleaner",
        "Audit",
        "ReadOptions",
    ):
        assert name in cleaner.__all__ and getattr(cleaner, name)


def test_every_metadata_key_is_there_none_when_unknown() -> None:
    doc = clean_text("x")
    assert set(METADATA_KEYS) <= set(doc.metadata)
    assert doc.metadata["title"] is None and doc.metadata["date"] is None


def test_clean_text_with_url() -> None:
    doc = clean_text(TEXT, url="https://news.example/a")
    assert "Add new comment" not in doc.text and "harbour reopened" in doc.text
    assert doc.metadata["url"] == "https://news.example/a"
    assert any(r.text == "Add new comment" for r in doc.removals)


def test_clean_html_extracts_the_page() -> None:
    doc = clean_html(PAGE, url="https://news.example/harbour")
    assert "<p>" not in doc.text and "harbour reopened on Friday" in doc.text
    assert "All rights reserved" not in doc.text
    assert doc.metadata["title"] == "Harbour reopens after storm"
    assert doc.metadata["url"] == "https://news.example/harbour"


def test_clean_document_and_reusable_cleaner() -> None:
    doc = clean(Document(id="a", source="a", raw=TEXT))
    reused = Cleaner(Config())
    assert reused.clean_text(TEXT).text == doc.text
    assert reused.clean_html(PAGE).text == clean_html(PAGE).text


def test_metadata_argument_is_taken_as_stated() -> None:
    doc = clean_text(TEXT, metadata={"title": "Given title", "date": "2020-02-03"})
    assert doc.metadata["title"] == "Given title"
    assert (doc.metadata["date"], doc.metadata["date_precision"]) == (
        "2020-02-03T00:00:00+00:00",
        "day",
    )


def test_readme_library_example_runs(tmp_path) -> None:
    """The README's "Using it as a library" block, as written."""
    text = (Path(cleaner.__file__).parent.parent / "README.md").read_text(encoding="utf-8")
    block = text.split("## Using it as a library", 1)[1].split("```python", 1)[1].split("```", 1)[0]
    (tmp_path / "my-rules").mkdir()  # a folder of the reader's rules: one of them
    (tmp_path / "my-rules" / "site.yaml").write_text(
        "rules:\n  - id: my-footer\n    description: a site's footer\n"
        "    exact: All rights reserved\n    tests:\n      - drop: All rights reserved\n"
        "      - keep: The rights were reserved, the judge said.\n",
        encoding="utf-8",
    )
    namespace = {"raw_text": TEXT, "texts": [TEXT], "page_html": PAGE}
    import os

    cwd = os.getcwd()
    os.chdir(tmp_path)
    try:
        exec(compile(block, "README.md", "exec"), namespace)
    finally:
        os.chdir(cwd)


def test_wrong_argument_types_are_named_where_they_are_given() -> None:
    """They failed as AttributeErrors deep inside a step ("'NoneType' object has no
    attribute 'encode'"), or silently (clean_html(None) gave '')."""
    import datetime
    import re

    import pytest

    for call, message in (
        (lambda: clean_text(None), "text: a string (or bytes), not NoneType"),
        (lambda: clean_html(None), "html: a string (or bytes), not NoneType"),
        (lambda: clean_text(5), "text: a string (or bytes), not int"),
        (lambda: clean_text("x", metadata={"title": 5}), "metadata['title']: a string, not int"),
        (lambda: clean_text("x", url=5), "url: a string, not int"),
        (lambda: Cleaner({"markup": "markdown"}), "config: a cleaner.Config, not dict"),
    ):
        with pytest.raises(TypeError, match=re.escape(message)):
            call()
    text = "The council met on Tuesday to discuss the budget for the new library."
    assert clean_text(text.encode("cp1252")).text == clean_text(text).text  # bytes: decoded
    page = f"<html><body><article><p>{text}</p><p>{text}</p></article></body></html>"
    assert clean_html(page.encode()).text == clean_html(page).text
    stated = clean_text(text, metadata={"date": datetime.date(2021, 3, 5), "shard": 7})
    assert stated.metadata["date"].startswith("2021-03-05") and stated.extra == {"shard": 7}
    assert Document("d", "d", html="<p>x</p>").raw == ""  # as clean()'s docstring builds one


def test_run_takes_string_paths_and_one_input(tmp_path) -> None:
    from helpers import SEEDS

    from cleaner import run

    assert run(str(SEEDS), str(tmp_path / "a")).inputs == 5
    assert run([str(SEEDS)], tmp_path / "b").inputs == 5


def test_zero_switches_a_setting_off_as_its_description_says() -> None:
    config = Config(near_repeat_threshold=0, near_duplicate_threshold=0, document_timeout=0)
    assert config.near_repeat_threshold is None and config.document_timeout is None
    assert config.near_duplicate_threshold is None


def test_clean_batch_takes_arrays_and_dataframes() -> None:
    """The truth value of a Series or an array is an error: `batch.get(url) or [...]`."""
    import numpy as np
    import pandas as pd
    import pytest

    from cleaner import clean_batch

    text = "The council met on Tuesday to discuss the budget for the new library."
    frame = pd.DataFrame({"text": [text], "url": [None]})
    assert clean_batch(frame)["words"] == clean_batch({"text": [text]})["words"]
    arrays = {"text": np.array([text, text]), "url": np.array(["https://a.x/", "https://b.x/"])}
    assert len(clean_batch(arrays)["words"]) == 2
    with pytest.raises(KeyError, match="no column 'text'"):
        clean_batch({"content": [text]})


def test_a_document_cleaned_twice_lists_each_removal_once() -> None:
    """Its audit doubled: every (rule, line) was listed twice."""
    from helpers import SEEDS

    cleaner = Cleaner()
    doc = Document("x", "x", raw=(SEEDS / "004_3242645981f0b378.txt").read_text())
    cleaner.clean(doc)
    first = [r.to_dict() for r in doc.removals]
    text = doc.text
    cleaner.clean(doc)
    assert [r.to_dict() for r in doc.removals] == first and doc.text == text and first


def test_a_date_given_as_metadata_is_read_as_pages_state_one_or_said_to_be_none() -> None:
    """Only ISO 8601 was taken: "March 5, 2021" and "not a date" were both dropped
    without a word."""
    text = "The council met on Tuesday to discuss the budget for the new library."
    stated = clean_text(text, metadata={"date": "March 5, 2021"})
    assert stated.metadata["date"] == "2021-03-05T00:00:00+00:00" and not stated.warnings
    wrong = clean_text(text, metadata={"date": "not a date"})
    assert wrong.metadata["date"] is None
    assert wrong.warnings == ["metadata date 'not a date' is not a date: left out"]
