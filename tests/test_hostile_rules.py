"""A rule with a pattern that backtracks without end must not hang a run."""

from __future__ import annotations

import json

import pytest
from helpers import write_rules

from cleaner import Cleaner, Config, run
from cleaner.ruleset.matcher import MAX_TIMEOUTS

HOSTILE = """
rules:
  - id: catastrophic
    description: Nested quantifiers that backtrack exponentially on a line of a's.
    regex: '(a+)+$'
    tests:
      - drop: "aaab"
      - keep: "bbbb"
  - id: lookbehind-catastrophic
    description: The same, with a lookbehind RE2 cannot parse, so it runs under the time bound.
    regex: '(?<!x)(a+)+$'
    tests:
      - keep: "bbbb"
"""


def test_catastrophic_patterns_are_bounded_and_reported(tmp_path) -> None:
    rules = write_rules(tmp_path / "rules", HOSTILE)
    folder = tmp_path / "in"
    folder.mkdir()
    lines = ["a" * 5000 + "!", "word " * 2000 + "?", "Ordinary closing line of the page."] * 3
    for index in range(3):
        (folder / f"doc{index}.txt").write_text("\n".join(lines))
    config = Config(rules=(rules,), builtin_rules=False, classifier=False)
    report = run([folder], tmp_path / "out", config)
    assert report.written == 3 and not report.failures
    saved = json.loads((tmp_path / "out" / "report.json").read_text())
    # RE2 sees in linear time that `(a+)+$` cannot match; the lookbehind variant needs the bound.
    assert set(saved["rule_timeouts"]) == {"lookbehind-catastrophic"}
    # Each pattern gives up at most MAX_TIMEOUTS times per run before it is left out: a
    # bounded time whatever the documents (bench/hostile.py times it).
    assert all(count <= MAX_TIMEOUTS for count in saved["rule_timeouts"].values())
    assert any("rule lookbehind-catastrophic gave up on a line" in w["reason"]
               for w in saved["warnings"])
    assert "a" * 5000 + "!" in (tmp_path / "out" / "doc0.txt").read_text()  # the line was kept


def test_the_same_pattern_still_matches_ordinary_lines(tmp_path) -> None:
    rules = write_rules(tmp_path / "rules", HOSTILE)
    cleaner = Cleaner(Config(rules=(rules,), builtin_rules=False, classifier=False))
    doc = cleaner.clean_text("keep me\nshort aaa")
    assert [line.text for line in doc.kept] == ["keep me"]


@pytest.mark.parametrize("kind", ["fifo", "symlink-to-dev-zero"])
def test_a_rule_file_that_is_not_a_regular_file_is_refused_unread(tmp_path, kind) -> None:
    """A FIFO named like a rule file would block the run for ever if it were opened; a
    link to /dev/zero was read until memory ran out (the size check came after it)."""
    import os

    from cleaner.errors import RuleError
    from cleaner.ruleset.loader import load_rules

    if kind == "fifo":
        os.mkfifo(tmp_path / "pipe.yaml")
    else:
        (tmp_path / "zero.yaml").symlink_to("/dev/zero")
    with pytest.raises(RuleError, match="not a regular file"):
        load_rules([tmp_path], builtin=False)


def test_an_oversized_rule_file_is_refused_before_it_is_read(tmp_path, monkeypatch) -> None:
    from pathlib import Path

    from cleaner.errors import RuleError
    from cleaner.ruleset.loader import MAX_RULE_FILE_BYTES, load_rules

    big = tmp_path / "big.yaml"
    with big.open("wb") as handle:  # sparse: a stat says how big, nothing is read
        handle.truncate(MAX_RULE_FILE_BYTES * 50)
    monkeypatch.setattr(Path, "read_bytes", lambda self: pytest.fail("read whole"))
    with pytest.raises(RuleError, match="larger than"):
        load_rules([tmp_path], builtin=False)


def test_an_until_pattern_has_the_same_bound_and_strikes_as_a_regex(tmp_path) -> None:
    """`until` is matched on up to 30 lines per firing: without a strike count, a
    catastrophic one cost 3 s per firing, on every document."""
    from cleaner.ruleset.matcher import MAX_TIMEOUTS

    write_rules(
        tmp_path,
        "rules:\n"
        "  - id: slow-block\n"
        "    description: a block whose end pattern backtracks without end\n"
        "    regex: '^BEGIN$'\n"
        "    until: '(?<!z)(a+)+$'\n"
        "    tests:\n"
        "      - keep: An ordinary line of the article stays here.\n",
    )
    cleaner = Cleaner(Config(rules=(tmp_path,), builtin_rules=False, classifier=False))
    text = "\n".join(["BEGIN", "a" * 5000 + "!"] * 10 + ["The end of the article, a sentence."])
    doc = cleaner.clean_text(text)
    # MAX_TIMEOUTS strikes, then the rule is left out: at most MAX_TIMEOUTS bounded searches
    # (no wall-clock assertion here: the machines are shared; bench/hostile.py times it).
    assert doc.rule_timeouts.count("slow-block") == MAX_TIMEOUTS
    assert "BEGIN" in doc.text  # a block whose end cannot be found is no block


@pytest.mark.parametrize(
    ("pattern", "message"),
    [
        ("(" * 990 + "a" + ")" * 990, "nests groups more than 50 deep"),  # RecursionError
        ("(?:(?:a{1000}){1000}){100}", "counted repeats stand for over"),  # 9 GB to compile
        ("[(]{3}(?:x{1000}){1000}", "counted repeats stand for over"),
    ],
)
def test_a_pattern_too_big_to_compile_fails_at_load_naming_file_and_line(
    tmp_path, pattern, message
) -> None:
    from typer.testing import CliRunner

    from cleaner.cli import app

    for key in ("regex", "until"):
        rules = write_rules(
            tmp_path / key,
            "rules:\n"
            "  - id: ok\n"
            "    description: an ordinary rule\n"
            "    exact: Add new comment\n"
            "    tests:\n"
            "      - drop: Add new comment\n"
            "  - id: huge\n"
            "    description: a pattern that would exhaust the compiler\n"
            + ("    regex: '^BEGIN$'\n" if key == "until" else "")
            + f"    {key}: '{pattern}'\n"
            "    tests:\n"
            "      - keep: An ordinary line.\n",
        )
        (tmp_path / "in").mkdir(exist_ok=True)
        (tmp_path / "in" / "a.txt").write_text("An ordinary line of text.\n")
        result = CliRunner().invoke(
            app, ["run", str(tmp_path / "in"), str(tmp_path / "out"), "--rules", str(rules)]
        )
        assert result.exit_code not in (0, 1, 4), result.output
        assert "Traceback" not in result.output
        error = [line for line in result.output.splitlines() if message in line]
        line = 10 if key == "until" else 9  # the line of the pattern itself
        assert len(error) == 1 and f"rules.yaml:{line}: field 'rules.{key}'" in error[0]


def test_ordinary_counted_patterns_are_not_too_big() -> None:
    from cleaner.ruleset.pattern_size import check_pattern_size

    for pattern in (r"^\d{4}-\d{2}-\d{2}$", r"(?:\w+\s){1,40}", "(?:a{100}){100}", r"[{(]{2}"):
        check_pattern_size(pattern)


def test_near_misses_add_up_to_strikes(tmp_path) -> None:
    """`until: '(a|aa)+$'` takes tens of milliseconds a line, never the bound: on 400 such
    lines it cost 82 s and counted nothing. Slow matches now add up to strikes."""
    write_rules(
        tmp_path,
        "rules:\n"
        "  - id: near-miss\n"
        "    description: a block whose end pattern backtracks a while on each line\n"
        "    regex: 'aaaa'\n"
        "    until: '(a|aa)+$'\n"
        "    tests:\n"
        "      - keep: An ordinary line of the article stays here.\n",
    )
    cleaner = Cleaner(Config(rules=(tmp_path,), builtin_rules=False, classifier=False))
    doc = cleaner.clean_text("\n".join(["a" * 23 + "!"] * 400))
    assert doc.rule_timeouts.count("near-miss") == MAX_TIMEOUTS
    assert any("rule near-miss gave up" in w for w in doc.warnings)

