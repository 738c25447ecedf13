"""Every built-in rule's own test cases, through the same runner as `cleaner rules test`."""

from __future__ import annotations

import pytest

from cleaner import load_rules
from cleaner.ruleset.cases import run_case, run_cases
from cleaner.ruleset.loader import parse_rule_file

BUILTIN_CASES = [
    pytest.param(rule, index, case, id=f"{rule.id}[{index}]")
    for rule in load_rules().rules
    for index, case in enumerate(rule.spec.tests)
]


@pytest.mark.parametrize(("rule", "index", "case"), BUILTIN_CASES)
def test_builtin_rule_case(rule, index, case) -> None:
    result = run_case(rule, case, index)
    assert result.passed, result.describe()


def test_every_builtin_rule_has_a_dropping_and_a_keeping_case() -> None:
    for rule in load_rules().rules:
        kinds = {("keep" if case.keep is not None else "change") for case in rule.spec.tests}
        assert kinds == {"keep", "change"}, f"{rule.location}: {rule.id} needs both kinds of case"


def test_runner_reports_a_wrong_case(tmp_path) -> None:
    rules = parse_rule_file(
        tmp_path / "r.yaml",
        """
rules:
  - id: too-greedy
    description: Drops every line that mentions comments.
    regex: comment
    tests:
      - drop: Add new comment
      - keep: The minister declined to comment on the report.
      - input: "Leave a comment"
        output: "Leave a comment"
""",
    )
    results = list(run_cases(type("R", (), {"rules": rules})()))
    assert [r.passed for r in results] == [True, False, False]
    assert "should keep 'The minister declined to comment on the report.'" in results[1].problem
    assert results[1].describe().startswith(f"{tmp_path / 'r.yaml'}:3: rule too-greedy, test 2")


def _results(tmp_path, yaml: str) -> list:
    rules = parse_rule_file(tmp_path / "r.yaml", yaml)
    return list(run_cases(type("R", (), {"rules": rules})()))


def test_a_keep_rule_s_case_fails_when_the_rule_does_not_match(tmp_path) -> None:
    """A keep rule removes nothing: its `keep:` case is a line it must vouch for, or a
    misspelt pattern would pass every case."""
    results = _results(
        tmp_path,
        """
rules:
  - id: vouch-sponsor
    description: Our sponsor line is content.
    regex: '^Advertis(?:e)?ment$'
    action: keep
    tests:
      - keep: Advertisement
      - keep: Advertisment
      - keep: Sponsored
""",
    )
    assert [r.passed for r in results] == [True, True, False]
    assert "should vouch for 'Sponsored'" in results[2].problem


def test_a_case_whose_pattern_hits_the_time_bound_fails(tmp_path) -> None:
    results = _results(
        tmp_path,
        """
rules:
  - id: evil
    description: Backtracks without end on a long run of a.
    regex: '^(?=a)(a|a)+$'
    tests:
      - drop: aaaa
      - keep: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaab
""",
    )
    assert [r.passed for r in results] == [True, False]
    assert "took longer than" in results[1].problem


def test_a_strip_pattern_that_matches_nothing_cuts_nothing(tmp_path) -> None:
    from cleaner import Cleaner, Config

    (tmp_path / "rules").mkdir()
    (tmp_path / "rules" / "r.yaml").write_text(
        """
rules:
  - id: credit
    description: A caption's credit, if any.
    regex: '(?:\\(Image: [A-Z]+\\))?$'
    action: strip
    tests:
      - input: "A caption here (Image: GETTY)"
        output: A caption here
      - keep: A caption here
""",
        encoding="utf-8",
    )
    cleaner = Cleaner(Config(rules=(tmp_path / "rules",), builtin_rules=False))
    doc = cleaner.clean_text("A caption here (Image: GETTY)\nThe council met on Tuesday.")
    assert [(r.rule, r.text) for r in doc.removals] == [("credit", "(Image: GETTY)")]
