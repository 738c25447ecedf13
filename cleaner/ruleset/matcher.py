"""Matching many rules against many lines: each line's key and word count computed once,
exact rules answered by one dictionary lookup, `max_words` checked before any pattern.

Patterns: RE2 set matches per line (linear time, whatever the patterns) say which of
them can match at all (each pattern widened so that RE2 never says no where `regex` would
say yes: see re2_superset); only those run with the `regex` module, to get their groups,
under a time bound. Almost no line matches any rule, so the bounded matches are rare. Patterns
RE2 cannot parse (lookbehind, backreferences) always run under the time bound.

Two RE2 sets, not one: RE2 builds its automaton's states as lines need them, and a state
stands for where every pattern is at once. Most patterns are keywords at the start of a line
and are done within a few characters; a few stay open along any line of prose (a byline
such as "Name on March 3, 2024 at 5:12 pm", "^.*[.!?] Read also") or match anywhere. In one
set each of the first kind's many states at a line's start is paired with each of the
second kind's states, so a fresh process (each worker) spent 30 us a line building states
against 4 us once they exist; two sets cost one more call a line and build their states
about a third faster.
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
#: A line of prose: a pattern that can still match after reading it (or that matches
#: anywhere in a line) goes in the RE2 set of patterns that stay open (see the docstring).
#: Shorter than the patterns' counted repeats, which RE2's form does not bound.
PROSE_PROBE = "The council met on Tuesday evening to discuss"
#: Lines whose matches a matcher remembers ("Share", "Advertisement" and a site's furniture
#: recur from page to page); past this many it starts again, so memory stays bounded.
KNOWN_LINES = 50_000


class RuleMatcher:
    """The rules that match a line, in rule order."""

    def __init__(self, rules: Sequence[Rule]) -> None:
        self.order = {rule.id: index for index, rule in enumerate(rules)}
        self.folded: dict[str, list[Rule]] = defaultdict(list)
        self.exact_case: dict[str, list[Rule]] = defaultdict(list)
        #: RE2 sets, each with its rules by position; pattern rules RE2 cannot take always run.
        self.prefilters: list[tuple[re2.Set, list[Rule]]] = []
        self.unfiltered: list[Rule] = []
        self.timeouts: Counter[str] = Counter()  # rule id -> matches that hit the bound
        self.last_timeouts: list[str] = []  # since the caller last emptied it
        self.slow_time: defaultdict[str, float] = defaultdict(float)  # rule id -> seconds
        #: A line's text -> its matches, when every pattern tried on it answered fast (a
        #: line's matches depend on its text alone; a slow answer is asked again, so that
        #: its time counts as it did).
        self._known: dict[str, tuple[Match, ...]] = {}
        self._slow = False  # a pattern tried on the current line was slow
        widened: dict[str, str] = {}
        for rule in rules:
            if rule.pattern is not None:
                pattern = None if rule.spec.regex is None else re2_superset(rule.spec.regex)
                if pattern is None:
                    self.unfiltered.append(rule)
                else:
                    widened[rule.id] = pattern
                continue
            target = self.exact_case if rule.spec.case_sensitive else self.folded
            for key in rule.exact_keys:
                target[key].append(rule)
        with_pattern = [rule for rule in rules if rule.id in widened]
        stay_open = [rule for rule in with_pattern if _stays_open(rule, widened[rule.id])]
        for group in ([r for r in with_pattern if r not in stay_open], stay_open):
            found, refused = _re2_set(group, widened)
            if found is not None:
                self.prefilters.append(found)
            self.unfiltered.extend(refused)

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
        if self.prefilters:
            encoded = text.encode("utf-8")  # once for every set
            for prefilter, by_position in self.prefilters:
                hits = prefilter.Match(encoded)
                if hits:
                    candidates = candidates + [by_position[position] for position in hits]
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


def _stays_open(rule: Rule, widened: str) -> bool:
    """Whether the rule's pattern may match anywhere in a line (as widened for RE2), or is
    still matching after a line of prose: then it goes in the set of such patterns (see
    the module docstring). Only a matter of speed: every pattern is in one set or the
    other."""
    if rule.pattern is None or not all(b.startswith("^") for b in _top_level_branches(widened)):
        return True
    try:  # a hostile pattern costs the matcher's build a near miss at most
        return rule.pattern.match(PROSE_PROBE, partial=True, timeout=NEAR_MISS) is not None
    except TimeoutError:
        return True


def _top_level_branches(pattern: str) -> list[str]:
    """`pattern` split at its top-level `|`s (outside groups and character classes)."""
    branches, depth, start, i, in_class = [], 0, 0, 0, False
    while i < len(pattern):
        char = pattern[i]
        if char == "\\":
            i += 2
            continue
        if in_class:
            in_class = char != "]"
        elif char == "[":
            in_class = True
            if pattern.startswith(("[]", "[^]"), i):  # a "]" first in a class is a literal
                i += 2 if pattern[i + 1] == "]" else 3
                continue
        elif char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        elif char == "|" and depth == 0:
            branches.append(pattern[start:i])
            start = i + 1
        i += 1
    branches.append(pattern[start:])
    return branches


def _re2_set(
    rules: Sequence[Rule], widened: dict[str, str]
) -> tuple[tuple[re2.Set, list[Rule]] | None, list[Rule]]:
    """An RE2 set of the rules' widened patterns (`widened`, by rule id) with the rule at
    each position (None when it would be empty), and the rules whose patterns RE2 refused."""
    refused: list[Rule] = []
    if not rules:
        return None, refused
    options = re2.Options()
    options.log_errors = False
    # With RE2's default 8 MB the set's DFA runs out of room and falls back to a
    # slower automaton: 15 us a line against 2 us with the built-in rules.
    options.max_mem = DFA_MEMORY
    found = re2.Set.SearchSet(options)
    by_position: list[Rule] = []
    for rule in rules:
        try:
            pattern = widened[rule.id]
            position = found.Add(pattern if rule.spec.case_sensitive else f"(?i:{pattern})")
        except Exception:
            refused.append(rule)
            continue
        assert position == len(by_position)
        by_position.append(rule)
    if not by_position:
        return None, refused
    found.Compile()
    return (found, by_position), refused
