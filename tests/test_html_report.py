"""The HTML run report: what it shows, read back from its HTML and seen in a real browser."""

from __future__ import annotations

import gzip
import json
import shutil
import struct
import zlib
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from bs4 import BeautifulSoup
from helpers import SEEDS

from bench.report_screenshot import find_chromium, launch_chromium
from cleaner import Config, run
from cleaner.document import Removal
from cleaner.errors import UsageError
from cleaner.html_report import (
    DocumentRecord,
    build_view,
    load_run,
    write_html_report,
)


@pytest.fixture(scope="module")
def seeds_out(tmp_path_factory: pytest.TempPathFactory, cleaner) -> Path:
    out = tmp_path_factory.mktemp("html_report") / "out"
    run([SEEDS], out, cleaner=cleaner)
    return out


@pytest.fixture(scope="module")
def seeds_html(seeds_out: Path) -> Path:
    html = seeds_out.parent / "report.html"
    assert write_html_report(seeds_out, html) == 5
    return html


def record_paths(out: Path) -> list[Path]:
    """OUT/<id>.json of the txt layout (not report.json, not hidden bookkeeping files)."""
    return [
        path
        for path in sorted(out.rglob("*.json"))
        if path.name != "report.json" and not path.name.startswith(".")
    ]


def txt_records(out: Path) -> list[dict[str, Any]]:
    return [json.loads(path.read_text(encoding="utf-8")) for path in record_paths(out)]


def soup_of(html: Path) -> BeautifulSoup:
    return BeautifulSoup(html.read_text(encoding="utf-8"), "html.parser")


def cuts(record: dict[str, Any]) -> int:
    kept = set(record["kept_lines"])
    return sum(removal["line"] in kept for removal in record["removed"])


def assert_documents_match(soup: BeautifulSoup, records: list[dict[str, Any]]) -> None:
    """One <details> per record, with one <del> per removal carrying its rule."""
    docs = {d["data-id"]: d for d in soup.select("details.doc")}
    assert set(docs) == {record["id"] for record in records}
    for record in records:
        dels = docs[record["id"]].select(".text del")
        assert len(dels) == len(record["removed"]), record["id"]
        assert Counter(d["data-rule"] for d in dels) == Counter(
            r["rule"] for r in record["removed"]
        )
        assert all(d["title"].startswith(d["data-rule"] + " (") for d in dels)
        assert len(docs[record["id"]].select("p.cut del")) == cuts(record), record["id"]
        assert json.loads(docs[record["id"]]["data-rules"]) == sorted(
            {r["rule"] for r in record["removed"]}
        )


# ------------------------------------------------------------------------ the HTML


def test_every_document_and_removal_is_shown(seeds_out: Path, seeds_html: Path) -> None:
    records = txt_records(seeds_out)
    soup = soup_of(seeds_html)
    assert_documents_match(soup, records)
    assert len(soup.select(".text del")) == sum(len(r["removed"]) for r in records)
    assert sum(cuts(r) for r in records) >= 1, "the seeds should include a cut line"


def test_lines_in_input_order_with_cut_after_kept_text(seeds_out: Path, seeds_html: Path) -> None:
    soup = soup_of(seeds_html)
    for record in txt_records(seeds_out):
        doc = soup.select_one(f'details.doc[data-id="{record["id"]}"]')
        numbers = [int(n.text) for n in doc.select(".text .no")]
        assert numbers == sorted(numbers)
        assert set(numbers) == set(record["kept_lines"]) | {r["line"] for r in record["removed"]}
        kept = set(record["kept_lines"])
        for removal in record["removed"]:
            if removal["line"] in kept:  # a cut: the kept text first, then what was cut
                line = doc.select(".text p")[numbers.index(removal["line"])]
                assert "cut" in line["class"]
                assert line.contents[1].strip() and line.select_one("del").text == removal["text"]


def test_the_chart_leads_with_the_top_rule(seeds_out: Path, seeds_html: Path) -> None:
    report = json.loads((seeds_out / "report.json").read_text())
    rule, count = max(report["removals_by_rule"].items(), key=lambda item: (item[1], item[0]))
    bars = soup_of(seeds_html).select("svg.chart g.bar[data-rule]")
    assert (bars[0]["data-rule"], int(bars[0]["data-count"])) == (rule, count)
    assert rule in bars[0].get_text() and str(count) in bars[0].get_text()
    steps = {
        g["data-step"]: int(g["data-count"]) for g in soup_of(seeds_html).select("g[data-step]")
    }
    assert steps == report["removals_by_step"]


def test_summary_counts(seeds_out: Path, seeds_html: Path) -> None:
    records = txt_records(seeds_out)
    stats = {
        div.dt.text: div.dd.text.replace(",", "")
        for div in soup_of(seeds_html).select("#summary .stats div")
    }
    assert stats["Documents"] == "5" and stats["Failed"] == "0" and stats["Inputs"] == "5"
    assert stats["Words kept"] == str(sum(r["words"] for r in records))
    removed = sum(len(x["text"].split()) for r in records for x in r["removed"])
    assert stats["Words removed"] == str(removed) != "0"


def test_failures_warnings_and_rules_never_fired(seeds_out: Path, seeds_html: Path) -> None:
    report = json.loads((seeds_out / "report.json").read_text())
    soup = soup_of(seeds_html)
    never = [code.text for code in soup.select("#never-fired + ul code")]
    assert never == report["rules_never_fired"] and never
    assert soup.select_one("#failures") and soup.select_one("#warnings")


def test_the_filter_lists_every_rule_with_hits(seeds_out: Path, seeds_html: Path) -> None:
    rules = {r["rule"] for record in txt_records(seeds_out) for r in record["removed"]}
    options = [o["value"] for o in soup_of(seeds_html).select("#rule-filter option")]
    assert options == ["", *sorted(rules)]


def test_self_contained(seeds_html: Path) -> None:
    soup = soup_of(seeds_html)
    for tag in soup.find_all(["script", "link", "img", "iframe", "source", "object", "embed"]):
        for attribute in ("src", "href", "data"):
            assert not tag.get(attribute), f"<{tag.name} {attribute}={tag.get(attribute)}>"
    css = " ".join(style.text for style in soup.find_all("style"))
    assert "@import" not in css and "url(" not in css
    assert len(soup.find_all("script")) == 1


def test_same_out_same_bytes(seeds_out: Path, seeds_html: Path, tmp_path: Path) -> None:
    write_html_report(seeds_out, tmp_path / "again.html")
    assert (tmp_path / "again.html").read_bytes() == seeds_html.read_bytes()


def test_max_documents(seeds_out: Path, tmp_path: Path) -> None:
    assert write_html_report(seeds_out, tmp_path / "r.html", max_documents=2) == 2
    soup = soup_of(tmp_path / "r.html")
    assert len(soup.select("details.doc")) == 2
    assert "the first 2 of 5 documents" in soup.select_one("#documents").get_text()


def test_jsonl_layout(tmp_path: Path, cleaner) -> None:
    out = tmp_path / "out"
    run([SEEDS], out, Config(format="jsonl"), cleaner=cleaner)
    shard = out / "documents-00000.jsonl.gz"
    lines = gzip.decompress(shard.read_bytes()).decode("utf-8").splitlines()
    records = [json.loads(line) for line in lines]
    assert write_html_report(out, tmp_path / "r.html") == len(records) == 5
    assert_documents_match(soup_of(tmp_path / "r.html"), records)


def test_parquet_layout(tmp_path: Path, cleaner) -> None:
    pytest.importorskip("pyarrow")
    import pyarrow.parquet as pq

    out = tmp_path / "out"
    run([SEEDS], out, Config(format="parquet"), cleaner=cleaner)
    records = pq.read_table(out).to_pylist()  # the folder: its shards, hidden files skipped
    assert write_html_report(out, tmp_path / "r.html") == 5
    assert_documents_match(soup_of(tmp_path / "r.html"), records)


# ------------------------------------------------------------------ what goes wrong


def test_missing_report_names_the_file(tmp_path: Path) -> None:
    (tmp_path / "out").mkdir()
    with pytest.raises(UsageError, match=r"out/report\.json not found: .*`cleaner run`"):
        write_html_report(tmp_path / "out", tmp_path / "r.html")
    with pytest.raises(UsageError, match="no such folder"):
        write_html_report(tmp_path / "missing", tmp_path / "r.html")
    assert not (tmp_path / "r.html").exists()


def test_broken_report_json(tmp_path: Path) -> None:
    (tmp_path / "report.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(UsageError, match=r"report\.json: cannot read"):
        write_html_report(tmp_path, tmp_path / "r.html")


def test_a_broken_record_costs_one_document(seeds_out: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    shutil.copytree(seeds_out, out)
    broken, edited, *_ = record_paths(out)
    broken.write_text("{truncated", encoding="utf-8")
    edited.with_suffix(".txt").write_text("one paragraph only\n", encoding="utf-8")
    assert write_html_report(out, tmp_path / "r.html") == 3
    notes = [li.text for li in soup_of(tmp_path / "r.html").select("#notes + ul li")]
    assert len(notes) == 2
    assert notes[0].startswith(f"{broken.name}: cannot read")
    assert notes[1].startswith(f"{edited.name}: skipped: 1 paragraphs but")


def test_a_bad_jsonl_line_is_noted(tmp_path: Path) -> None:
    (tmp_path / ".cleaner").mkdir()
    (tmp_path / ".cleaner" / "report.json").write_text("{}", encoding="utf-8")
    good = {"text": "Kept.\n", "id": "a", "words": 1, "kept_lines": [2], "removed": []}
    lines = [json.dumps(good), "{oops", json.dumps({**good, "removed": "x"})]
    (tmp_path / "documents-00000.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    view = load_run(tmp_path)
    assert [d.id for d in view.documents] == ["a"]
    assert view.notes[0].startswith("documents-00000.jsonl line 2: not valid JSON")
    assert view.notes[1] == (
        "documents-00000.jsonl line 3: skipped: field 'removed' is missing or not a list"
    )


def test_text_is_escaped(tmp_path: Path) -> None:
    (tmp_path / "report.json").write_text('{"version": "<b>1</b>"}', encoding="utf-8")
    record = {
        "id": "x",
        "title": "<img src=x onerror=alert(1)>",
        "url": "javascript:alert(1)",
        "words": 2,
        "kept_lines": [1],
        "removed": [
            {
                "rule": 'r"><script>',
                "step": "rules",
                "text": "</del><script>",
                "line": 2,
                "reason": '"',
            }
        ],
    }
    (tmp_path / "x.json").write_text(json.dumps(record), encoding="utf-8")
    (tmp_path / "x.txt").write_text("<script>alert(1)</script>\n", encoding="utf-8")
    write_html_report(tmp_path, tmp_path / "r.html")
    soup = soup_of(tmp_path / "r.html")
    assert len(soup.find_all("script")) == 1 and not soup.find_all(["img", "b", "a"])
    assert soup.select_one(".text del")["data-rule"] == 'r"><script>'
    assert soup.select_one(".text del").text == "</del><script>"
    assert "<script>alert(1)</script>" in soup.select_one(".text p.kept").text


# ------------------------------------------------------------- the line order model


def removal(rule: str, line: int | None, text: str) -> Removal:
    return Removal(rule=rule, step="s", text=text, line=line, reason="")


def test_build_view_puts_removals_back_in_place() -> None:
    record = DocumentRecord(
        id="d",
        title=None,
        url=None,
        words=3,
        kept_lines=(1, 4),
        removed=(
            removal("extract", None, "page furniture"),
            removal("whole", 2, "Menu"),
            removal("half", 3, "Title"),  # the line was "Title Title": first cut, then dropped
            removal("dup", 3, "Title"),
            removal("tail", 4, "B B"),  # "A B B B B": cut twice, newest cut first in the line
            removal("tail", 4, "B"),
        ),
    )
    view = build_view(record, "Head\n\nA B\n")
    lines = [
        (line.number, [(s.text, s.removal and s.removal.rule) for s in line.segments])
        for line in view.lines
    ]
    assert lines == [
        (None, [("page furniture", "extract")]),
        (1, [("Head", None)]),
        (2, [("Menu", "whole")]),
        (3, [("Title", "dup"), ("Title", "half")]),
        (4, [("A B", None), ("B", "tail"), ("B B", "tail")]),
    ]
    assert [line.kept for line in view.lines] == [False, True, False, False, True]
    assert view.rules == ["dup", "extract", "half", "tail", "whole"]
    assert view.removed_words == 8


def test_build_view_rejects_edited_text() -> None:
    record = DocumentRecord("d", None, None, 1, (1, 3), ())
    with pytest.raises(ValueError, match="1 paragraphs but 2 numbers"):
        build_view(record, "only one\n")
    assert build_view(DocumentRecord("e", None, None, 0, (), ()), "").lines == ()


def test_build_view_keeps_a_code_block_with_blank_lines_whole() -> None:
    """A code block keeps its blank lines: its document had more paragraphs than kept
    lines, and was left out of the report ("was the text edited after the run?")."""
    record = DocumentRecord("d", None, None, 9, (1, 2, 5), ())
    text = "Define it first:\n\ndef area(r):\n\n    return 3.14 * r * r\n\nThen call it.\n"
    view = build_view(record, text)
    assert [line.segments[0].text for line in view.lines] == [
        "Define it first:",
        "def area(r):\n\n    return 3.14 * r * r",
        "Then call it.",
    ]


# ------------------------------------------------------------------ in a real browser


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.skip("playwright is not installed (pip install playwright; no `playwright install`)")
    if find_chromium() is None:
        pytest.skip("no chromium on PATH (apt-get install -y chromium)")
    with sync_playwright() as playwright:
        chromium = launch_chromium(playwright)
        yield chromium
        chromium.close()


@pytest.fixture
def problems() -> list[str]:
    """Console errors, page errors and any fetch that leaves the file: none expected."""
    return []


@pytest.fixture
def page(browser: Any, seeds_html: Path, problems: list[str]) -> Iterator[Any]:
    """The seeds report, opened from disk."""
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.on("console", lambda m: m.type == "error" and problems.append(m.text))
    page.on("pageerror", lambda exc: problems.append(str(exc)))
    page.on("request", lambda r: r.url.startswith(("file:", "data:")) or problems.append(r.url))
    page.goto(seeds_html.as_uri())
    yield page
    page.close()


def test_browser_filter_by_rule(page: Any, problems: list[str], seeds_out: Path) -> None:
    records = txt_records(seeds_out)
    with_rule = Counter(r for record in records for r in {x["rule"] for x in record["removed"]})
    rule = min(with_rule, key=lambda r: (abs(with_rule[r] - len(records) / 2), r))
    assert 0 < with_rule[rule] < len(records)
    page.select_option("#rule-filter", rule)
    for record in records:
        doc = page.locator(f'details.doc[data-id="{record["id"]}"]')
        has = rule in {x["rule"] for x in record["removed"]}
        assert doc.is_visible() == has, record["id"]
        if has:
            assert doc.evaluate("d => d.open")
    hits = page.locator(f'del.hit[data-rule="{rule}"]')
    assert hits.count() == sum(x["rule"] == rule for r in records for x in r["removed"])
    assert (
        page.locator(".text del.faded").count() + hits.count() == page.locator(".text del").count()
    )
    assert f"{with_rule[rule]} of {len(records)} documents" in page.inner_text("#filter-status")
    page.select_option("#rule-filter", "")
    assert page.locator("details.doc:visible").count() == len(records)
    assert page.locator(".text del.hit, .text del.faded").count() == 0
    page.click(f'.legend button[data-filter="{rule}"]')
    assert page.locator("details.doc:visible").count() == with_rule[rule]
    assert problems == []


def test_browser_del_title(page: Any, problems: list[str], seeds_out: Path) -> None:
    record = next(r for r in txt_records(seeds_out) if r["removed"])
    first = record["removed"][0]
    doc = page.locator(f'details.doc[data-id="{record["id"]}"]')
    doc.locator("summary").click()
    struck = doc.locator(".text del").first
    struck.hover()
    assert struck.is_visible()
    assert struck.get_attribute("title") == f"{first['rule']} ({first['step']}): {first['reason']}"
    assert struck.evaluate("e => getComputedStyle(e).textDecorationLine") == "line-through"
    assert problems == []


def test_browser_screenshot_is_not_blank(page: Any, problems: list[str], tmp_path: Path) -> None:
    png = tmp_path / "report.png"
    page.screenshot(path=str(png), full_page=True)
    width, height, colours = png_pixels(png.read_bytes())
    assert width == 1280 and height > 900
    assert len(colours) > 50
    assert colours.most_common(1)[0][1] < 0.99 * width * height
    assert problems == []


def png_pixels(data: bytes) -> tuple[int, int, Counter[bytes]]:
    """Width, height and colour counts of an 8-bit RGB(A) PNG (what Chromium writes).

    Decoded here because Pillow is not a dependency."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    chunks: dict[bytes, list[bytes]] = {}
    position = 8
    while position < len(data):
        length, kind = struct.unpack(">I4s", data[position : position + 8])
        chunks.setdefault(kind, []).append(data[position + 8 : position + 8 + length])
        position += 12 + length
    width, height, depth, colour, _, _, interlace = struct.unpack(">IIBBBBB", chunks[b"IHDR"][0])
    assert (depth, colour in (2, 6), interlace) == (8, True, 0)
    size = 3 if colour == 2 else 4
    raw = zlib.decompress(b"".join(chunks[b"IDAT"]))
    stride = width * size
    previous = bytearray(stride)
    colours: Counter[bytes] = Counter()
    for y in range(height):
        start = y * (stride + 1)
        row = unfilter(raw[start], bytearray(raw[start + 1 : start + 1 + stride]), previous, size)
        line = bytes(row)
        colours.update(line[x : x + size] for x in range(0, stride, size))
        previous = row
    return width, height, colours


def unfilter(kind: int, row: bytearray, up: bytearray, size: int) -> bytearray:
    """Undo one PNG row filter (none, sub, up, average, Paeth)."""
    if kind == 0:
        return row
    if kind == 2:
        return bytearray((a + b) & 255 for a, b in zip(row, up, strict=True))
    for i in range(len(row)):
        left = row[i - size] if i >= size else 0
        corner = up[i - size] if i >= size else 0
        if kind == 1:
            guess = left
        elif kind == 3:
            guess = (left + up[i]) >> 1
        else:
            p = left + up[i] - corner
            pa, pb, pc = abs(p - left), abs(p - up[i]), abs(p - corner)
            guess = left if pa <= pb and pa <= pc else up[i] if pb <= pc else corner
        row[i] = (row[i] + guess) & 255
    return row


def test_a_users_json_file_in_a_txt_out_does_not_stop_the_report(tmp_path) -> None:
    """A .json of the user's beside the outputs was taken for a run without its audit:
    'report' and 'explain --rule' refused the whole folder."""
    from typer.testing import CliRunner

    from cleaner import run
    from cleaner.cli import app

    out = tmp_path / "out"
    run([SEEDS], out)
    (out / "notes.json").write_text('{"note": "mine"}')
    result = CliRunner().invoke(app, ["report", str(out), "-o", str(tmp_path / "r.html")])
    assert result.exit_code == 0, result.output
    result = CliRunner().invoke(app, ["explain", str(out), "--rule", "share-bar"])
    assert result.exit_code == 0, result.output
