"""bench/wcxb.py: the WCXB benchmark's word F1, snippet rates and metadata checks."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))
from wcxb import Output, Page, Result, load_pages, same_author, same_date, word_f1


@pytest.mark.parametrize(
    ("predicted", "gold", "expected"),
    [
        ("", "", 1.0),
        ("anything", "", 0.0),
        ("", "the gold", 0.0),
        ("The Gold", "the gold", 1.0),
        ("a a b", "a b c", 2 * (2 / 3) * (2 / 3) / (4 / 3)),  # overlap 2 of 3 both ways
        ("x y", "a b", 0.0),
    ],
)
def test_word_f1(predicted: str, gold: str, expected: float) -> None:
    assert word_f1(predicted, gold) == pytest.approx(expected)


def test_snippets_and_metadata_are_tallied() -> None:
    gold = {
        "text": "Kettle review\nIt boils fast.",
        "with": ["It boils fast"],
        "without": ["Sign in", "Cart"],
        "title": "Kettle review",
        "author": "Ana Lima",
        "date": "2024-05-01",
    }
    result = Result("x")
    out = Output(
        "kettle review it boils fast. sign in",
        "Kettle  Review",
        "Ana Lima; Bo Chen",
        "2024-05-01T10:00:00",
        "article",
    )
    result.add(Page("1", "", "article", gold), out, with_metadata=True)
    assert result.with_found == [1, 1] and result.without_found == [1, 2]
    assert result.meta == {"title": [1, 1], "author": [1, 1], "date": [1, 1]}
    assert result.types == {("article", "article"): 1}
    assert not same_author("Ana Limaz", "Ana Lima") and not same_date(None, "2024-05-01")


def test_limit_spreads_pages_and_halves_split_them(tmp_path) -> None:
    rows = [{"id": f"{i:02d}", "url": "", "page_type": "article", "text": ""} for i in range(10)]
    (tmp_path / "gold.jsonl").write_text("\n".join(json.dumps(r) for r in rows))
    assert [p.id for p in load_pages(tmp_path, 5)] == ["00", "02", "04", "06", "08"]
    even, odd = load_pages(tmp_path, half="even"), load_pages(tmp_path, half="odd")
    assert {p.id for p in even} | {p.id for p in odd} == {r["id"] for r in rows}
    assert not {p.id for p in even} & {p.id for p in odd}
