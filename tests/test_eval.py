"""`cleaner eval` and the shingle score it shares with bench/quality.py."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from cleaner.cli import app
from cleaner.evaluate import evaluate_run, score_corpus, score_document

GOLD_TEXT = "The council met on Tuesday and voted to build a new bridge over the river next year."


def test_identical_text_scores_one_and_extra_text_lowers_precision() -> None:
    assert score_document("a", GOLD_TEXT, GOLD_TEXT).f1 == 1.0
    padded = score_document("a", "Home News Sport Contact Us Today " + GOLD_TEXT, GOLD_TEXT)
    assert padded.recall == 1.0 and 0.5 < padded.precision < 1.0
    missing = score_document("a", GOLD_TEXT[:40], GOLD_TEXT)
    assert missing.precision == 1.0 and missing.recall < 0.5


def test_corpus_score_averages_documents_not_words() -> None:
    short = score_document("s", "one two three four five", "one two three four five")
    long = score_document("l", "x " * 400, "y " * 400)
    score = score_corpus([short, long])
    assert score.precision == pytest.approx(0.5) and score.recall == pytest.approx(0.5)


@pytest.fixture
def finished_run(tmp_path):
    out = tmp_path / "out"
    (out / "site").mkdir(parents=True)
    (out / "a.txt").write_text(GOLD_TEXT + "\n")
    (out / "site" / "b.txt").write_text("Menu Home Sport\n\n" + GOLD_TEXT + "\n")
    gold = tmp_path / "gold.jsonl"
    gold.write_text("".join(json.dumps({"id": i, "text": GOLD_TEXT}) + "\n" for i in ("a", "b", "c")))
    return out, gold


def test_eval_matches_ids_by_stem_and_counts_missing_outputs(finished_run) -> None:
    out, gold = finished_run
    score = evaluate_run(out, gold)
    by_id = {d.id: d for d in score.documents}
    assert by_id["a"].f1 == 1.0 and by_id["b"].precision < 1.0 and by_id["c"].recall == 0.0


def test_eval_cli_prints_scores_and_worst_documents(finished_run) -> None:
    out, gold = finished_run
    result = CliRunner().invoke(app, ["eval", str(out), str(gold), "--worst", "2"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("3 documents: F1 ")
    lines = result.output.splitlines()
    assert lines[2].startswith("c ") and lines[3].startswith("b ")


def test_eval_cli_json(finished_run) -> None:
    out, gold = finished_run
    result = CliRunner().invoke(app, ["eval", str(out), str(gold), "--json"])
    data = json.loads(result.output)
    assert data["documents"] == 3 and data["per_document"][0]["id"] == "c"
    assert 0 < data["f1"] < 1


def test_eval_bad_gold_line_names_file_and_line(finished_run, tmp_path) -> None:
    out, _ = finished_run
    gold = tmp_path / "bad.jsonl"
    gold.write_text('{"id": "a", "text": "x"}\n{"id": "b"}\n')
    result = CliRunner().invoke(app, ["eval", str(out), str(gold)])
    assert result.exit_code == 2 and "bad.jsonl:2: expected a JSON object with 'id' and 'text'" in result.output
