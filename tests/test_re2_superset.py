"""The RE2 prefilter never rejects a line that a rule's own pattern matches."""

from __future__ import annotations

import pytest
import re2
import regex
from helpers import write_rules
from hypothesis import given, settings
from hypothesis import strategies as st

from cleaner import Cleaner, Config, load_rules
from cleaner.ruleset.matcher import RuleMatcher
from cleaner.ruleset.re2_superset import re2_superset

#: Patterns with every construct the rewrite touches: Perl classes in and out of classes,
#: negated classes, word boundaries, counted repeats, properties, escapes, a "]" first.
PATTERNS = [
    r"^\w+ says:$",
    r"^[\w .'’()@&-]{1,60}\s+wrote\s*:$",
    r"^[^\w]+$",
    r"^[^\w\s]{2,}$",
    r"\d{2,4}",
    r"\bcomments?\b",
    r"\Bment\B",
    r"^\p{L}{3}\s\d",
    r"^\pL+$",
    r"[\]a]{2}",
    r"[^\]\d]+x",
    r"\\w\{1\}",
    r"^\S+\s\S+$",
    r"^\W{1,3}$",
    r"a{0,2}b{3}",
    r"[\xe9\d]+",
]
#: Characters on which ASCII-only and Unicode classes disagree, and some that they agree on.
ALPHABET = "aZ9_ .:'-]\\wé٣Ж漢\u00a0\u3000\u2009’x{}1"


def widened_set(pattern: str, case_sensitive: bool = True) -> re2.Set:
    widened = re2_superset(pattern)
    assert widened is not None
    options = re2.Options()
    options.log_errors = False
    found = re2.Set.SearchSet(options)
    found.Add(widened if case_sensitive else f"(?i:{widened})")
    found.Compile()
    return found


@pytest.mark.parametrize("pattern", PATTERNS)
@settings(max_examples=300, deadline=None)
@given(text=st.text(alphabet=ALPHABET, max_size=12))
def test_widened_pattern_matches_wherever_regex_does(pattern: str, text: str) -> None:
    if regex.search(pattern, text):
        assert widened_set(pattern).Match(text), (pattern, text)


@pytest.mark.parametrize(
    ("pattern", "text"),
    [
        (r"^\w+ says:$", "José says:"),
        (r"^\w+ says:$", "Жанна says:"),
        (r"\d{4}", "٢٠١٩"),
        (r"\bкомментарии\b", "Все комментарии"),
        (r"^\s*Share$", "\u3000Share"),
    ],
)
def test_non_ascii_lines_pass_the_prefilter(pattern: str, text: str) -> None:
    assert not re2.compile(pattern).search(text)  # RE2 as written misses it
    assert regex.search(pattern, text)
    assert widened_set(pattern).Match(text)


@pytest.mark.parametrize(
    "pattern", [r"[^\W]+", r"[^\S]", r"[^\D]", r"[^\pL]+", r"[[:alpha:]]+"]
)
def test_no_safe_widening_means_no_prefilter(pattern: str) -> None:
    assert re2_superset(pattern) is None


def test_counted_repeats_and_boundaries_are_relaxed() -> None:
    assert re2_superset(r"\ba{2,5}b{0,3}c{4}\b") == "a+b*c+"
    assert re2_superset(r"x{,2}") == "x*"  # from 0 to 2 in the regex module's syntax
    assert re2_superset(r"x{}") == "x{}"  # a literal


def test_rule_with_word_class_fires_on_non_ascii_line(tmp_path) -> None:
    rules = (
        "rules:\n  - id: commenter\n    description: a commenter's byline\n"
        "    regex: '^\\w+ says:$'\n    tests:\n      - drop: 'Ana says:'\n"
    )
    cleaner = Cleaner(Config(rules=(write_rules(tmp_path / "r", rules),), builtin_rules=False))
    doc = cleaner.clean_text("José says:\n\nThe council met on Tuesday to discuss the budget.")
    assert [r.rule for r in doc.removals] == ["commenter"]


def test_builtin_rules_all_get_a_prefilter_and_their_examples_pass_it() -> None:
    rules = load_rules().rules
    matcher = RuleMatcher(rules)
    assert not matcher.unfiltered
    for rule in rules:
        if rule.pattern is None:
            continue
        for case in rule.spec.tests:
            for line in (case.drop or case.keep or case.input or "").splitlines():
                if rule.pattern.search(line):
                    assert matcher.matches(line), (rule.id, line)


def test_patterns_that_stay_open_get_their_own_set_and_answers_do_not_change(tmp_path) -> None:
    # Keyword patterns at a line's start in one RE2 set, those that match anywhere or are
    # still matching after a line of prose in the other (their states, paired in one set,
    # made a fresh worker build the automaton slowly); every line gets the same rules.
    rules = "rules:\n" + "".join(
        f"  - id: {rule_id}\n    description: d\n    regex: '{pattern}'\n"
        f"    tests:\n      - drop: '{example}'\n"
        for rule_id, pattern, example in [
            ("share", r"^(?:share|tweet)$", "Share"),
            ("by", r"^by \w+$|^written by \w+$", "By Ana"),
            ("commenter", r"^[\w .]{1,60}\s+wrote:$", "Ana wrote:"),
            ("cookies", r"we use cookies", "Sorry, we use cookies."),
            ("either", r"^read more|see also$", "Read more"),
        ]
    )
    ruleset = load_rules([write_rules(tmp_path / "r", rules)], builtin=False)
    matcher = RuleMatcher(ruleset.rules)
    assert [[rule.id for rule in rules] for _, rules in matcher.prefilters] == [
        ["share", "by"],
        ["commenter", "cookies", "either"],
    ]
    lines = ["Share", "By Ana", "Ana Lopez wrote:", "Sorry, we use cookies.", "Ana: see also"]
    lines += ["Read more", "The council met on Tuesday.", "written by Ana", "tweet this"]
    for line in lines:
        expected = [rule.id for rule in ruleset.rules if rule.pattern.search(line)]
        assert [rule.id for rule, _ in matcher.matches(line)] == expected, line


def test_rules_fire_where_the_regex_module_matches_repeats_from_zero_and_turkish_i(
    tmp_path,
) -> None:
    rules = (
        "rules:\n  - id: pager\n    description: a page number\n"
        "    regex: '^Page \\d{,3}$'\n    tests:\n      - drop: 'Page 12'\n"
        "  - id: login\n    description: a Turkish login button\n"
        "    exact: giriş yap\n    tests:\n      - drop: 'Giriş yap'\n"
        "  - id: login-regex\n    description: the same as a pattern\n"
        "    regex: '^(?:üye ol|giriş yap)$'\n    tests:\n      - drop: 'Üye ol'\n"
    )
    cleaner = Cleaner(Config(rules=(write_rules(tmp_path / "r", rules),), builtin_rules=False))
    doc = cleaner.clean_text("Page 12\n\nGİRİŞ YAP\n\nThe council met on Tuesday to discuss it.")
    assert [line.text for line in doc.kept] == ["The council met on Tuesday to discuss it."]
    assert re2_superset(r"^giriş$") == "^g[iIİı]r[iIİı]ş$"
