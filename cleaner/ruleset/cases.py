"""The one runner for the test cases every rule carries (pytest and `cleaner rules test`).

Each case runs its rule alone, after normalization, on a small document:
`drop: X` must remove X, `keep: X` must leave X untouched (and, for a rule whose action
is `keep`, be vouched for by it: such a rule removes nothing, so a case it does not match
would pass whatever the pattern), and `input` must become `output` (and set the
`metadata` given). A case whose pattern hits the time bound fails.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from cleaner.document import Document
from cleaner.ruleset.loader import RuleSet
from cleaner.ruleset.rule import MATCH_TIMEOUT, Rule
from cleaner.ruleset.schema import Action, RuleCase
from cleaner.steps.normalize import NormalizeStep, normalize_line, normalize_text
from cleaner.steps.rules import RulesStep


@dataclass(frozen=True, slots=True)
class CaseResult:
    rule: Rule
    index: int
    case: RuleCase
    problem: str | None  # None when the case passed

    @property
    def passed(self) -> bool:
        return self.problem is None

    @property
    def name(self) -> str:
        return f"{self.rule.id}[{self.index}]"

    def describe(self) -> str:
        return f"{self.rule.location}: rule {self.rule.id}, test {self.index + 1}: {self.problem}"


def _expected_lines(text: str) -> list[str]:
    lines = (normalize_line(line) for line in normalize_text(text).split("\n"))
    return [line for line in lines if line]


def _case_url(rule: Rule, case: RuleCase) -> str | None:
    if case.url is not None:
        return case.url
    return f"https://{rule.sites[0]}/" if rule.sites else None


def _case_page_type(rule: Rule, case: RuleCase) -> str | None:
    """The case's page type, else the first type a type-scoped rule names."""
    if case.page_type is not None:
        return str(case.page_type)
    return str(rule.spec.page_types[0]) if rule.spec.page_types else None


def run_case(rule: Rule, case: RuleCase, index: int = 0) -> CaseResult:
    """Run one case of one rule and say what, if anything, went wrong."""
    source = next(text for text in (case.drop, case.keep, case.input) if text is not None)
    doc = Document(id="case", source="case", raw=source)
    url = _case_url(rule, case)
    if url:
        doc.metadata["url"] = url
    page_type = _case_page_type(rule, case)
    if page_type:
        doc.metadata["page_type"] = page_type
    NormalizeStep()(doc)
    RulesStep(RuleSet((rule,), ""))(doc)
    kept = [line.text for line in doc.kept]

    problem = None
    if doc.rule_timeouts:
        problem = (
            f"the pattern took longer than {MATCH_TIMEOUT}s on this line (it backtracks: "
            "make its repeats unambiguous, or anchor it)"
        )
    elif case.drop is not None and kept:
        problem = f"should drop {case.drop!r} but kept {kept!r}"
    elif case.keep is not None and kept != _expected_lines(case.keep):
        problem = f"should keep {case.keep!r} but it became {kept!r}"
    elif case.keep is not None and rule.spec.action is Action.KEEP:
        if unvouched := [line.text for line in doc.kept if not line.content]:
            problem = (
                f"a keep rule should vouch for {unvouched[0]!r} but does not match it "
                "(a keep case is a line the rule protects)"
            )
    elif case.input is not None:
        if case.output is not None and kept != _expected_lines(case.output):
            problem = f"expected output {_expected_lines(case.output)!r}, got {kept!r}"
        for key, value in (case.metadata or {}).items():
            if problem is None and doc.metadata.get(key) != value:
                problem = f"expected metadata {key}={value!r}, got {doc.metadata.get(key)!r}"
    return CaseResult(rule, index, case, problem)


def run_cases(ruleset: RuleSet) -> Iterator[CaseResult]:
    """Every case of every rule, in rule order."""
    for rule in ruleset.rules:
        for index, case in enumerate(rule.spec.tests):
            yield run_case(rule, case, index)
