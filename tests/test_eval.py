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
    lines = [line for line in result.output.splitlines() if not line.startswith("note:")]
    assert lines[2].startswith("c ") and lines[3].startswith("b ")
    assert "note: 1 gold id(s) name no output, scored as empty: 'c'" in result.output


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


def _run(tmp_path, inputs: dict[str, str], output_format: str):
    folder = tmp_path / "in"
    for name, content in inputs.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(content)
    out = tmp_path / f"out-{output_format}"
    result = CliRunner().invoke(app, ["run", str(folder), str(out), "-q", "--format", output_format])
    assert result.exit_code == 0, result.output
    return out


def _gold(tmp_path, texts: dict[str, str]):
    gold = tmp_path / "gold.jsonl"
    gold.write_text("".join(json.dumps({"id": i, "text": t}) + "\n" for i, t in texts.items()))
    return gold


RAIN = "Heavy rain flooded the valley roads overnight, and the schools stayed shut on Monday."


@pytest.mark.parametrize("output_format", ["txt", "jsonl", "parquet"])
def test_eval_scores_each_gold_page_against_its_own_output_in_every_format(
    tmp_path, output_format
) -> None:
    """In a jsonl or parquet run, gold "z" was scored against "a/z" (found first by the
    last part of its name): F1 0 where the txt run gave 1."""
    out = _run(tmp_path, {"a/z.txt": GOLD_TEXT, "z.txt": RAIN}, output_format)
    score = evaluate_run(out, _gold(tmp_path, {"z": RAIN, "a/z": GOLD_TEXT}))
    assert [d.f1 for d in score.documents] == [1.0, 1.0] and not score.missing


@pytest.mark.parametrize("output_format", ["txt", "jsonl", "parquet"])
def test_eval_refuses_a_gold_id_that_names_several_documents(tmp_path, output_format) -> None:
    """Two JSON Lines inputs with the same id: gold "3" silently took one of them."""
    inputs = {f"{name}.jsonl": json.dumps({"id": 3, "text": text}) + "\n"
              for name, text in (("a", GOLD_TEXT), ("b", RAIN))}
    out = _run(tmp_path, inputs, output_format)
    gold = _gold(tmp_path, {"3": RAIN})
    result = CliRunner().invoke(app, ["eval", str(out), str(gold)])
    assert result.exit_code == 2 and "gold id '3' names 2 documents" in result.output


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('{"id": "a", "text": "x"}\n{"id": "a", "text": "y"}\n', "gold.jsonl:2: id 'a' is given twice"),
        ('{"id": "a", "text": null}\n', "gold.jsonl:1: 'text' of 'a' is not a string"),
        ('{"id": "zz", "text": "x"}\n', "none of its 1 ids names an output"),
        (b'{"id": "a", "text": "caf\xe9"}\n', "the gold file is not UTF-8"),
    ],
)
def test_eval_gold_that_cannot_be_scored_is_one_line_error(
    finished_run, tmp_path, content, message
) -> None:
    out, _ = finished_run
    gold = tmp_path / "gold.jsonl"
    gold.write_bytes(content if isinstance(content, bytes) else content.encode())
    result = CliRunner().invoke(app, ["eval", str(out), str(gold)])
    assert result.exit_code == 2 and message in result.output, result.output


def test_eval_reads_compressed_gold(finished_run, tmp_path) -> None:
    import gzip

    out, gold = finished_run
    packed = tmp_path / "gold.jsonl.gz"
    packed.write_bytes(gzip.compress(gold.read_bytes()))
    assert evaluate_run(out, packed).f1 == evaluate_run(out, gold).f1
