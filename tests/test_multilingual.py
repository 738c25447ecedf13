"""The multilingual probe (bench/multilingual.py): furniture inserted into real article
text in nine languages must go, and every article sentence must stay."""

from __future__ import annotations

import pytest

from bench.multilingual import (
    MIN_REMOVED,
    compose,
    load,
    measure,
    run_probe,
    sentences,
)
from cleaner import Cleaner, Config

DATA = load()


@pytest.fixture(scope="module")
def results():
    return {r.language: r for r in run_probe(DATA, Cleaner(Config()))}


def test_probe_covers_at_least_eight_languages() -> None:
    assert len(DATA) >= 8
    for language, entry in DATA.items():
        furniture = entry["boilerplate"]
        assert [len(furniture[w]) for w in ("head", "mid", "tail")] == [4, 4, 4], language


@pytest.mark.parametrize("language", sorted(DATA))
def test_furniture_removed_and_no_sentence_lost(results, language: str) -> None:
    result = results[language]
    assert result.removed >= MIN_REMOVED, f"{language} kept {result.kept_furniture}"
    assert result.lost_sentences == [], f"{language} lost {result.lost_sentences}"


def test_measure_sees_a_lost_sentence_and_kept_furniture() -> None:
    # The probe must be able to fail: a document that kept the furniture and lost a sentence.
    probe = compose("de", DATA["de"])
    first = sentences(probe.paragraphs[0])[0]
    result = measure(probe, probe.text.replace(first, ""))
    assert result.removed == 0 and not result.passed
    assert result.lost_sentences == [first]


def test_sentences_split_latin_cyrillic_and_cjk() -> None:
    assert sentences("Er kam. Sie ging! Warum?") == ["Er kam.", "Sie ging!", "Warum?"]
    assert sentences("第一句。第二句！") == ["第一句。", "第二句！"]
