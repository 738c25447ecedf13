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
