"""`cleaner rules lint`: what the schema cannot see. Every rule needs a case that changes
text and one that must stay; no rule may be shadowed entirely by an earlier one (every
text it drops already dropped first, so it never gets the credit)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from cleaner.ruleset.cases import run_case
from cleaner.ruleset.loader import RuleSet
from cleaner.ruleset.rule import Rule
from cleaner.ruleset.schema import PageType, RuleCase, Where


@dataclass(frozen=True, slots=True)
class LintProblem:
    rule: Rule
    message: str

    def describe(self) -> str:
        return f"{self.rule.location}: rule {self.rule.id}: {self.message}"


def _drop_texts(rule: Rule) -> list[str]:
    return [case.drop for case in rule.spec.tests if case.drop is not None]


def _shadowed_by(rule: Rule, earlier: list[Rule]) -> Rule | None:
    drops = _drop_texts(rule)
    if not drops or not rule.drops:
        return None
    for other in earlier:
        if not other.drops or other.sites != rule.sites:
            continue
        if not _covers(other.spec.page_types, rule.spec.page_types):
            continue
        if other.where is not rule.where and other.where is not Where.ANYWHERE:
            continue
        if all(run_case(other, RuleCase(drop=text)).passed for text in drops):
            return other
    return None


def _covers(scope: list[PageType] | None, inner: list[PageType] | None) -> bool:
    """Whether a rule scoped to `scope` fires on every page type `inner` names."""
    if scope is None:
        return True
    return inner is not None and set(inner) <= set(scope)


def _page_type_problems(rule: Rule) -> Iterator[str]:
    scope = rule.spec.page_types
    if not scope:
        return
    if len(set(scope)) < len(scope):
        yield "`page_types` names a type twice"
    if set(scope) == set(PageType):
        yield "`page_types` names every page type: leave it out"


def lint(ruleset: RuleSet) -> Iterator[LintProblem]:
    earlier: list[Rule] = []
    for rule in ruleset.rules:
        tests = rule.spec.tests
        if not any(case.keep is not None for case in tests):
            yield LintProblem(rule, "add a test case that must stay as it is (`keep:`)")
        if not any(case.keep is None for case in tests):
            yield LintProblem(rule, "add a test case that the rule changes (`drop:` or `input:`)")
        for message in _page_type_problems(rule):
            yield LintProblem(rule, message)
        shadow = _shadowed_by(rule, earlier)
        if shadow is not None:
            yield LintProblem(
                rule,
                f"shadowed by {shadow.id} ({shadow.location}): every line "
                "its cases drop is dropped by that rule first",
            )
        earlier.append(rule)
