"""Matching many rules against many lines: each line's key and word count computed once,
exact rules answered by one dictionary lookup, `max_words` checked before any pattern.

Patterns: one RE2 set match per line (linear time, whatever the patterns) says which of
them can match at all (each pattern widened so that RE2 never says no where `regex` would
say yes: see re2_superset); only those run with the `regex` module, to get their groups,
under a time bound. Almost no line matches any rule, so the bounded matches are rare. Patterns
RE2 cannot parse (lookbehind, backreferences) always run under the time bound.
"""

from __future__ import annotations

import time
from collections import Counter, defaultdict
from collections.abc import Sequence

import re2
import regex

from cleaner.ruleset.re2_superset import re2_superset
from cleaner.ruleset.rule import MATCH_TIMEOUT, Rule
from cleaner.text import line_key

Match = tuple[Rule, regex.Match[str] | bool]
#: A pattern that hits the time bound this often is not tried again.
MAX_TIMEOUTS = 3
#: A match slower than this (seconds) is a near miss: real rules take microseconds. Near
#: misses add up, and each MATCH_TIMEOUT of them counts as one timeout: a pattern that takes
#: 50 ms on every line never hits the bound, yet costs a minute on a page of 400 lines.
NEAR_MISS = MATCH_TIMEOUT / 20
#: Memory RE2 may give the set's automaton (a cache that fills only as lines need it).
DFA_MEMORY = 64 << 20
#: Lines whose matches a matcher remembers ("Share", "Advertisement" and a site's furniture
#: recur from page to page); past this many it starts again, so memory stays bounded.
KNOWN_LINES = 50_000


class RuleMatcher:
    """The rules that match a line, in rule order."""

    def __init__(self, rules: Sequence[Rule]) -> None:
        self.order = {rule.id: index for index, rule in enumerate(rules)}
        self.folded: dict[str, list[Rule]] = defaultdict(list)
        self.exact_case: dict[str, list[Rule]] = defaultdict(list)
        self.prefilter, prefilter_index = _re2_set(rules)
        # Pattern rules by their position in the RE2 set; those RE2 cannot take always run.
        self.by_position: dict[int, Rule] = {}
        self.unfiltered: list[Rule] = []
        self.timeouts: Counter[str] = Counter()  # rule id -> matches that hit the bound
        self.last_timeouts: list[str] = []  # since the caller last emptied it
        self.slow_time: defaultdict[str, float] = defaultdict(float)  # rule id -> seconds
        #: A line's text -> its matches, when every pattern tried on it answered fast (a
        #: line's matches depend on its text alone; a slow answer is asked again, so that
        #: its time counts as it did).
        self._known: dict[str, tuple[Match, ...]] = {}
        self._slow = False  # a pattern tried on the current line was slow
        for rule in rules:
            if rule.pattern is not None:
                position = prefilter_index.get(rule.id)
                if position is None:
                    self.unfiltered.append(rule)
                else:
                    self.by_position[position] = rule
                continue
            target = self.exact_case if rule.spec.case_sensitive else self.folded
            for key in rule.exact_keys:
                target[key].append(rule)

    def matches(self, text: str) -> list[Match]:
        """The rules that match `text`, in rule order, with their matches."""
        known = self._known.get(text)
        if known is not None and not (self.timeouts and self._struck(known)):
            return list(known)
        self._slow = False
        found = self._matches(text)
        if not self._slow:
            if len(self._known) >= KNOWN_LINES:
                self._known.clear()
            # A tuple: most are the empty one, no object at all for the collector to visit.
            self._known[text] = tuple(found)
        return found

    def _struck(self, found: tuple[Match, ...]) -> bool:
        """Whether a rule among `found` has since been left out (MAX_TIMEOUTS)."""
        return any(self.timeouts[rule.id] >= MAX_TIMEOUTS for rule, _ in found)

    def _matches(self, text: str) -> list[Match]:
        found: list[Match] = []
        key = line_key(text, casefold=False)
        candidates = self.folded.get(key.casefold(), [])  # line_key(text), without redoing it
        if self.exact_case:
            candidates = candidates + self.exact_case.get(key, [])
        hits = self.prefilter.Match(text) if self.prefilter is not None else None
        if hits:
            candidates = candidates + [self.by_position[position] for position in hits]
        if self.unfiltered:
            candidates = candidates + self.unfiltered
        if not candidates:
            return found  # almost every line
        words = len(text.split())
        for rule in candidates:
            if rule.spec.max_words is not None and words > rule.spec.max_words:
                continue
            if rule.pattern is None:
                found.append((rule, True))
                continue
            if self.timeouts[rule.id] >= MAX_TIMEOUTS:
                continue
            match = self._search(rule, rule.pattern, text)
            if match:
                found.append((rule, match))
        if len(found) > 1:
            found.sort(key=lambda pair: self.order[pair[0].id])
        return found

    def until_matches(self, rule: Rule, text: str) -> bool | None:
        """Whether `rule`'s `until` pattern ends its block at `text`; None when it cannot
        say in time. Its timeouts are the rule's, under the same bound and strike count as
        its own pattern: after MAX_TIMEOUTS the rule gives no answer at all."""
        if rule.until is None or self.timeouts[rule.id] >= MAX_TIMEOUTS:
            return None
        match = self._search(rule, rule.until, text)
        return None if match is None else bool(match)

    def _search(
        self, rule: Rule, pattern: regex.Pattern[str], text: str
    ) -> regex.Match[str] | bool | None:
        """`pattern`'s match in `text` (False: none), or None when it took too long: then,
        or when its near misses add up to the bound, the rule takes a strike."""
        # CPU time of this thread, not the clock: on a busy machine a process waits for a
        # core, and a wait counted as matching time would make the output depend on load.
        started = time.thread_time()
        try:
            match = pattern.search(text, timeout=MATCH_TIMEOUT)
        except TimeoutError:  # regex's bound is the clock's: was the time really spent?
            self._slow = True
            if time.thread_time() - started >= MATCH_TIMEOUT / 2:
                self._strike(rule.id)
                return None
            try:
                match = pattern.search(text, timeout=MATCH_TIMEOUT)
            except TimeoutError:
                self._strike(rule.id)
                return None
        took = time.thread_time() - started
        if took > NEAR_MISS:
            self._slow = True
            self.slow_time[rule.id] += took
            if self.slow_time[rule.id] >= MATCH_TIMEOUT:
                self.slow_time[rule.id] -= MATCH_TIMEOUT
                self._strike(rule.id)
        return match if match is not None else False

    def _strike(self, rule_id: str) -> None:
        self.timeouts[rule_id] += 1
        self.last_timeouts.append(rule_id)


def _re2_set(rules: Sequence[Rule]) -> tuple[re2.Set | None, dict[str, int]]:
    """An RE2 set of the patterns it accepts, and each rule's position in it."""
    options = re2.Options()
    options.log_errors = False
    # With RE2's default 8 MB the set's DFA runs out of room and falls back to a
    # slower automaton: 15 us a line against 2 us with the built-in rules.
    options.max_mem = DFA_MEMORY
    found = re2.Set.SearchSet(options)
    index: dict[str, int] = {}
    for rule in rules:
        widened = None if rule.spec.regex is None else re2_superset(rule.spec.regex)
        if widened is None:
            continue
        pattern = widened if rule.spec.case_sensitive else f"(?i:{widened})"
        try:
            index[rule.id] = found.Add(pattern)
        except Exception:
            continue
    if not index:
        return None, {}
    found.Compile()
    return found, index
