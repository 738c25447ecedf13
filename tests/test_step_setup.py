"""Steps take their settings from `Config` themselves (`Step.from_setup`): a new step is
its class and its name in `cleaner.pipeline.STEPS`, and what it counts reaches the report."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cleaner import pipeline
from cleaner.cli import app
from cleaner.config import Config
from cleaner.corpus import CorpusTable
from cleaner.document import Document
from cleaner.pipeline import Cleaner
from cleaner.steps.base import Setup, Step, UntilStable
from cleaner.steps.classify import ClassifyStep
from cleaner.steps.corpus import CorpusStep
from cleaner.steps.extract import ExtractStep
from cleaner.steps.language import LanguageStep
from cleaner.steps.near_repeats import NearRepeatStep
from cleaner.steps.repeats import RepeatedLineStep
from cleaner.steps.rules import RulesStep


def flat(steps: list[Step]) -> list[Step]:
    return [
        inner
        for step in steps
        for inner in (flat(step.steps) if isinstance(step, UntilStable) else [step])
    ]


def one(cleaner: Cleaner, kind: type[Step]) -> Step:
    (step,) = {id(s): s for s in flat(cleaner.steps) if isinstance(s, kind)}.values()
    return step


def test_each_step_reads_its_own_settings() -> None:
    config = Config(
        extract_fallbacks=True,
        markup="markdown",
        language_seed=7,
        dedup_min_words=2,
        dedup_distant_min_words=30,
        prose_min_words=5,
        near_repeat_threshold=0.8,
        near_repeat_min_words=6,
        near_repeats_in_html=True,
        corpus_min_docs=9,
        corpus_min_share=0.5,
    )
    cleaner = Cleaner(config, corpus=CorpusTable())
    extract = one(cleaner, ExtractStep)
    assert isinstance(extract, ExtractStep) and not extract.fast and extract.markdown
    assert cleaner.reading == cleaner.steps[:2] and cleaner.reading[0] is extract
    language = one(cleaner, LanguageStep)
    assert isinstance(language, LanguageStep) and language.seed == 7
    repeated = one(cleaner, RepeatedLineStep)
    assert isinstance(repeated, RepeatedLineStep)
    assert (repeated.min_words, repeated.distant_min_words) == (2, 30)
    rules = one(cleaner, RulesStep)
    assert isinstance(rules, RulesStep) and rules.prose_min_words == 5
    assert rules.ruleset is cleaner.ruleset
    near = one(cleaner, NearRepeatStep)
    assert isinstance(near, NearRepeatStep)
    assert (near.threshold, near.min_words, near.in_html) == (0.8, 6, True)
    corpus = one(cleaner, CorpusStep)
    assert isinstance(corpus, CorpusStep) and (corpus.min_docs, corpus.min_share) == (9, 0.5)
    assert isinstance(one(cleaner, ClassifyStep), ClassifyStep)


def test_settings_that_leave_a_step_out() -> None:
    cleaner = Cleaner(Config(classifier=False, near_repeat_threshold=None))
    kinds = {type(step) for step in flat(cleaner.steps)}
    assert not kinds & {ClassifyStep, NearRepeatStep, CorpusStep}  # no corpus table either
    assert {ExtractStep, RulesStep, RepeatedLineStep, LanguageStep} <= kinds


def test_a_class_named_twice_is_one_step_run_twice() -> None:
    cleaner = Cleaner()
    rules = [step for step in flat(cleaner.steps) if isinstance(step, RulesStep)]
    languages = [step for step in cleaner.steps if isinstance(step, LanguageStep)]
    assert len(rules) == 2 and rules[0] is rules[1]
    assert len(languages) == 2 and languages[0] is languages[1]


class LongLineStep(Step):
    """A step from outside: counts kept lines of at least `corpus_min_docs` words, and is
    left out with --no-classifier (settings it borrows, to show that it reads Config
    itself: nothing else passes them to it)."""

    name = "long-lines"

    def __init__(self, min_words: int) -> None:
        super().__init__()
        self.min_words = min_words

    @classmethod
    def from_setup(cls, setup: Setup) -> LongLineStep | None:
        if not setup.config.classifier:
            return None
        return cls(setup.config.corpus_min_docs)

    def process(self, doc: Document) -> None:
        self.counts["long"] += sum(len(line.text.split()) >= self.min_words for line in doc.kept)


TEXT = (
    "The council met on Tuesday evening and voted to build a new bridge over the river.\n"
    "Short line.\n"
    "Work on the bridge is to start in the spring, the mayor told the gathered residents.\n"
)


@pytest.fixture
def long_lines(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pipeline, "STEPS", (*pipeline.STEPS, LongLineStep))


@pytest.mark.usefixtures("long_lines")
def test_a_new_step_is_its_class_and_its_name_in_the_list(tmp_path: Path) -> None:
    inputs = tmp_path / "in"
    inputs.mkdir()
    (inputs / "a.txt").write_text(TEXT, encoding="utf-8")
    for args, expected in (([], 2), (["--corpus-min-docs", "100"], 0)):
        out = tmp_path / f"out{len(args)}"
        result = CliRunner().invoke(app, ["run", str(inputs), str(out), *args])
        assert result.exit_code == 0, result.output
        steps = json.loads((out / "report.json").read_text(encoding="utf-8"))["steps"]
        assert steps["counts"].get("long-lines:long", 0) == expected, steps
        assert "long-lines" in steps["seconds"]
    out = tmp_path / "out-no-classifier"
    result = CliRunner().invoke(app, ["run", str(inputs), str(out), "--no-classifier"])
    assert result.exit_code == 0, result.output
    steps = json.loads((out / "report.json").read_text(encoding="utf-8"))["steps"]
    assert "long-lines" not in steps["seconds"]
