"""The five seed documents, end to end: golden output, article sentences, metadata.

Update the golden files after an intended change with:
    CLEANER_UPDATE_GOLDEN=1 pytest tests/test_seeds.py
and review the diff before committing.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from helpers import FIXTURES, SEEDS

from cleaner import Config, run
from cleaner.steps.normalize import normalize_line

GOLDEN = FIXTURES / "golden" / "seeds"
SEED_NAMES = sorted(path.stem for path in SEEDS.glob("*.txt"))


@pytest.fixture(scope="module")
def seed_out(tmp_path_factory, cleaner) -> Path:
    out = tmp_path_factory.mktemp("out")
    report = run([SEEDS], out, Config(), cleaner=cleaner)
    assert report.written == len(SEED_NAMES) == 5 and not report.failures
    return out


def read_meta(out: Path, name: str) -> dict:
    return json.loads((out / f"{name}.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("name", SEED_NAMES)
def test_output_matches_golden(seed_out, name) -> None:
    for suffix in (".txt", ".json"):
        produced = (seed_out / f"{name}{suffix}").read_text(encoding="utf-8")
        if suffix == ".json":  # the source path depends on where the test runs from
            meta = json.loads(produced)
            meta["source"] = f"seeds/{name}.txt"
            produced = json.dumps(meta, ensure_ascii=False, indent=2) + "\n"
        golden = GOLDEN / f"{name}{suffix}"
        if os.environ.get("CLEANER_UPDATE_GOLDEN"):
            golden.parent.mkdir(parents=True, exist_ok=True)
            golden.write_text(produced, encoding="utf-8")
        assert produced == golden.read_text(encoding="utf-8"), f"{name}{suffix} differs"


@pytest.mark.parametrize("name", SEED_NAMES)
def test_every_article_sentence_is_kept(seed_out, name) -> None:
    text = (seed_out / f"{name}.txt").read_text(encoding="utf-8")
    expected = (FIXTURES / "seeds" / f"{name}.sentences.txt").read_text(encoding="utf-8")
    missing = [
        line for line in expected.splitlines() if normalize_line(line).rstrip(".") not in text
    ]
    assert not missing, f"{name}: article lines lost: {missing}"


FURNITURE = [
    "Add new comment",
    "Read our comment policy",
    "Skip to main content",
    "Always Online",
    "Refresh",
    "Stay informed with MEE",
    "Sign up to get the latest alerts",
    "delivers independent and unrivalled coverage",
    "EDITOR’S NOTE",
    "Recent Posts",
    "Contact Us",
    "We're not around right now",
    "Start typing and press Enter",
    "Translate",
    "Tags:",
    "Latest\n",
    "...\n",
    "*****",
    "Politics Materials",
    "By Farhad Daneshvar",
    "In Multipolarity",
    "Baku, Azerbaijan, Sep. 5",
    "TASS, Oct 28",
    "Press TV, Oct 28",
    "Published on the website of the Russian Foreign Ministry, Oct 28",
]


@pytest.mark.parametrize("name", SEED_NAMES)
def test_furniture_is_gone(seed_out, name) -> None:
    text = "\n" + (seed_out / f"{name}.txt").read_text(encoding="utf-8")
    for phrase in FURNITURE:
        assert phrase not in text, f"{name}: {phrase!r} is still there"


@pytest.mark.parametrize("name", SEED_NAMES)
def test_whitespace_is_normalized(seed_out, name) -> None:
    text = (seed_out / f"{name}.txt").read_text(encoding="utf-8")
    assert text.endswith("\n") and not text.endswith("\n\n")
    for bad in ("\u00a0", "\u200b", "\t", "  ", " \n", "\n\n\n", "\r"):
        assert bad not in text, f"{name}: {bad!r} in output"
    assert all(paragraph.strip() == paragraph for paragraph in text[:-1].split("\n\n"))


@pytest.mark.parametrize("name", SEED_NAMES)
def test_no_paragraph_or_title_twice(seed_out, name) -> None:
    text = (seed_out / f"{name}.txt").read_text(encoding="utf-8")
    paragraphs = [p.rstrip(".").casefold() for p in text.split("\n\n") if len(p.split()) >= 4]
    assert len(paragraphs) == len(set(paragraphs))
    title = read_meta(seed_out, name)["title"]
    if title:
        assert text.count(title) == 1


def test_self_repeated_lines_keep_one_copy(seed_out) -> None:
    caption = (
        "Foreign ministers Sergey Lavrov of Russia is flanked by Walid al-Muallem (L) of "
        "Syria and Mohammad Javad Zarif of Iran during a news conference in Moscow on April 14."
    )
    assert (seed_out / "000_fb5aa608aeb41b4f.txt").read_text().count(caption) == 1
    doubled = "Iran, Russia, Syria Seek Increased Defense Cooperation"
    assert (seed_out / "002_bf7511384bacec8f.txt").read_text().count(doubled) == 1
    photo = "Iranian Foreign Minister Mohammad Javad Zarif and Russian Foreign Minister Sergey Lavrov meet"
    assert (seed_out / "004_3242645981f0b378.txt").read_text().count(photo) == 1


EXPECTED_METADATA = {
    "000_fb5aa608aeb41b4f": {
        "title": "Iran, Russia, Syria Reinforce Anti-Terror Cooperation",
        "url": None,
        "date": None,
        "author": None,
        "site": None,
    },
    "001_7fddbf4e8879bb3a": {
        "title": "Assad allies vow to keep battling 'terrorism' in Syria",
        "site": "Middle East Eye",
        "author": None,
        "date": None,
    },
    "002_bf7511384bacec8f": {"title": "Iran, Russia, Syria Seek Increased Defense Cooperation"},
    "003_a1e318bd52d8cfa9": {
        "title": "Iran, Russia co-op on Syria shows strong will to defeat terrorism",
        "date": "2017-09-05T17:21:00+00:00",  # 21:21 at UTC+04:00
        "date_precision": "minute",
        "author": "Farhad Daneshvar",
        "site": "Trend",
    },
    "004_3242645981f0b378": {
        "url": "newcoldwar.org/russian-iranian-and-syrian-foreign-ministers-meet-in-moscow-on-oct-28/",
        "date": "2016-10-28T00:00:00+00:00",
        "date_precision": "day",
        "title": None,
        "author": None,
    },
}


@pytest.mark.parametrize("name", SEED_NAMES)
def test_metadata(seed_out, name) -> None:
    meta = read_meta(seed_out, name)
    for key, value in EXPECTED_METADATA[name].items():
        assert meta[key] == value, f"{name}: {key}"
    assert meta["language"] == "en" and meta["language_confidence"] > 0.9
    assert list(meta) == [
        "id", "source", "url", "title", "site", "author", "date", "date_precision", "description", "language",
        "language_confidence", "page_type", "record_id", "crawl_date", "words", "chars_in", "chars_out",
        "sha256", "kept_lines", "removed", "duplicate_of", "warnings",
    ]  # fmt: skip
    assert all(set(r) >= {"rule", "step", "text", "line"} and r["rule"] for r in meta["removed"])
    paragraphs = (seed_out / f"{name}.txt").read_text().split("\n\n")
    assert len(meta["kept_lines"]) == len(paragraphs)  # one input line number per paragraph
    assert meta["kept_lines"] == sorted(set(meta["kept_lines"]))


def test_metadata_lines_leave_the_body(seed_out) -> None:
    meta = read_meta(seed_out, "003_a1e318bd52d8cfa9")
    rules = {r["rule"] for r in meta["removed"]}
    assert {"dateline-stamp", "byline-with-publisher", "tag-list"} <= rules
    # the headline again under the summary: a repeat of the first line, taken for the title
    assert any(r["step"] == "dedup" and r["text"] == meta["title"] for r in meta["removed"])


def test_report(seed_out) -> None:
    report = json.loads((seed_out / "report.json").read_text())
    assert report["counts"] == {
        "inputs": 5,
        "files": {"seen": 5, "read": 5, "skipped": 0, "failed": 0},
        "documents": 5,
        "written": 5,
        "empty": 0,
        "left_out_short": 0,
        "duplicates_dropped": 0,
        "failed_documents": 0,
        "failed": 0,
        "skipped": 0,
    }
    assert report["removals_by_rule"]["comment-section-header"] == 4  # two prompts in two seeds
    assert len(report["rules_sha256"]) == 64 and report["failures"] == []
