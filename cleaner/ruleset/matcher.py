"""Matching many rules against many lines: each line's key and word count computed once,
exact rules answered by one dictionary lookup, `max_words` checked before any regex."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence

from cleaner.ruleset.rule import Rule
from cleaner.text import line_key

Match = tuple[Rule, re.Match[str] | bool]


class RuleMatcher:
    """The rules that match a line, in rule order."""

    def __init__(self, rules: Sequence[Rule]) -> None:
        self.order = {rule.id: index for index, rule in enumerate(rules)}
        self.folded: dict[str, list[Rule]] = defaultdict(list)
        self.exact_case: dict[str, list[Rule]] = defaultdict(list)
        self.patterns: list[Rule] = []
        for rule in rules:
            if rule.pattern is not None:
                self.patterns.append(rule)
                continue
            target = self.exact_case if rule.spec.case_sensitive else self.folded
            for key in rule.exact_keys:
                target[key].append(rule)

    def matches(self, text: str) -> list[Match]:
        words = len(text.split())
        found: list[Match] = []
        candidates = self.folded.get(line_key(text), [])
        if self.exact_case:
            candidates = candidates + self.exact_case.get(line_key(text, casefold=False), [])
        for rule in candidates:
            if rule.spec.max_words is None or words <= rule.spec.max_words:
                found.append((rule, True))
        for rule in self.patterns:
            if rule.spec.max_words is not None and words > rule.spec.max_words:
                continue
            match = rule.pattern.search(text)  # type: ignore[union-attr]
            if match:
                found.append((rule, match))
        if len(found) > 1:
            found.sort(key=lambda pair: self.order[pair[0].id])
        return found
