"""Helpers shared by the tests (conftest holds the fixtures)."""

from __future__ import annotations

from pathlib import Path

from cleaner.document import Document
from cleaner.readers import ReadStats, discover_inputs, read_input

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
FIXTURES = ROOT / "fixtures"


def write_rules(folder: Path, text: str, name: str = "rules.yaml") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return folder


def html_fixture_pages() -> list[tuple[str, str | None]]:
    """Every HTML page among the fixtures: the article, and the WARC fixtures' responses."""
    pages = [((FIXTURES / "html" / "article.html").read_text(encoding="utf-8"), None)]
    for item in discover_inputs([FIXTURES / "warc"]):
        for doc in read_input(item, ReadStats()):
            if isinstance(doc, Document) and doc.html is not None:
                pages.append((doc.html, doc.metadata.get("url")))
    return pages


SITE_PAGE = """<html><head><title>Harbour works start | harbourgazette</title>
<meta name="author" content="Ana Lima"><meta property="og:site_name" content="9to5harbour">
<meta name="description" content="The council approved the works.">
<link rel="canonical" href="https://harbour.example/news/works">
<meta property="article:published_time" content="2021-05-04T10:00:00Z"></head>
<body><article><h1>Harbour works start</h1><p>The council approved the works on Tuesday,
after a long debate about the cost of dredging the old basin.</p></article></body></html>"""

ODD_PAGES = [
    SITE_PAGE,
    '<?xml version="1.0" encoding="utf-8"?><html><body><p>Declared encoding</p></body></html>',
    "<!DOCTYPE html>\n<html/>\n<body><p>Self-closing html tag</p></body>",
    "<p>A fragment, not a page</p>",
    "no markup at all",
    "",
    "<html><body><form><input name=q><label>Search</label><select><option>a</select>"
    "<textarea>t</textarea></form><p>After the form</p></body></html>",
]


def corpus_rows(out: Path) -> list[dict]:
    """Every row of OUT's JSON Lines or Parquet shards, in order."""
    from cleaner.outputs import OutputEntry, read_outputs

    return [entry.data for entry in read_outputs(out) if isinstance(entry, OutputEntry)]


def corpus_report(out: Path) -> dict:
    """The report of a JSON Lines or Parquet run (in OUT's bookkeeping folder)."""
    import json

    return json.loads((out / ".cleaner" / "report.json").read_text(encoding="utf-8"))
