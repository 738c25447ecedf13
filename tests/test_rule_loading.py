"""Malformed rule files stop the run with one message naming file, line and field."""

from __future__ import annotations

import pytest
from helpers import write_rules

from cleaner import RuleError, load_rules
from cleaner.ruleset.matcher import RuleMatcher
from cleaner.ruleset.schema import Extent, Where

GOOD_RULE = """\
rules:
  - id: demo
    description: A demo rule.
    exact: Add new comment
    tests:
      - drop: Add new comment
      - keep: Something else entirely.
"""


def load(tmp_path, text: str):
    return load_rules([write_rules(tmp_path / "rules", text)], builtin=False)


def test_good_rule_file_loads(tmp_path) -> None:
    ruleset = load(tmp_path, GOOD_RULE)
    (rule,) = ruleset.rules
    assert rule.id == "demo" and rule.line == 2
    assert rule.extent is Extent.LINE and rule.where is Where.ANYWHERE
    assert RuleMatcher([rule]).matches("ADD  new comment") == [(rule, True)]


@pytest.mark.parametrize(
    ("text", "line", "expected"),
    [
        (
            GOOD_RULE.replace("exact:", "exakt:"),
            4,
            "field 'rules.exakt': unknown key (did you mean 'exact'?)",
        ),
        (
            GOOD_RULE.replace("exact: Add new comment", "regex: '(unclosed'"),
            4,
            "field 'rules.regex': invalid regular expression: missing ) at position 9",
        ),
        (GOOD_RULE.replace("    exact: Add new comment\n", ""), 2, "exactly one matcher"),
        (
            GOOD_RULE.replace("exact: Add new comment", "regex: '(?P<colour>x)'"),
            2,
            "named groups ['colour'] in 'regex' are not metadata keys",
        ),
        (GOOD_RULE.replace("id: demo", "id: Demo Rule"), 2, "field 'rules.id'"),
        (
            GOOD_RULE.replace(
                "      - drop: Add new comment\n      - keep: Something else entirely.\n",
                "      []\n",
            ),
            None,
            "field 'rules.tests'",
        ),
        (
            GOOD_RULE.replace("    description: A demo rule.", "    description: [unclosed"),
            4,
            "YAML syntax error",
        ),
        (
            GOOD_RULE.replace("exact: Add new comment", "exact:\n      - Tags:"),
            5,
            "put the text in quotes",
        ),
        ("- just a list\n", 1, "a rule file is a mapping with a 'rules:' list"),
        (
            GOOD_RULE.replace("    tests:", "    where: middle\n    tests:"),
            5,
            "field 'rules.where'",
        ),
        (
            GOOD_RULE.replace("    tests:", "    action: strip\n    tests:"),
            2,
            "a 'strip' rule removes what its 'regex' matches inside one line",
        ),
        (
            GOOD_RULE.replace("    tests:", "    until: '^(?P<autor>.+)$'\n    tests:"),
            2,
            "named groups ['autor'] in 'until' are not metadata keys",
        ),
        (
            GOOD_RULE.replace("    tests:", "    set: {date: 'sometime soon'}\n    tests:"),
            5,
            "date 'sometime soon' is not a date",
        ),
        (
            GOOD_RULE.replace("    tests:", "    ? [a, b]\n    : 1\n    tests:"),
            5,
            "a key must be a word, not a list or a mapping",
        ),
        (
            GOOD_RULE.replace("A demo rule.", "A demo \x1b rule."),
            3,
            "character #x001b is not allowed",
        ),
        (
            GOOD_RULE.replace("exact: Add new comment", "exact: [No, Yes]"),
            4,
            "put it in quotes",
        ),
    ],
)
def test_bad_rule_file_names_file_line_and_field(tmp_path, text, line, expected) -> None:
    with pytest.raises(RuleError) as caught:
        load(tmp_path, text)
    message = str(caught.value)
    assert message.startswith(str(tmp_path / "rules" / "rules.yaml"))
    assert expected in message
    if line is not None:
        assert caught.value.line == line, message
    assert "\n" not in message


def test_duplicate_id_across_files_names_both_places(tmp_path) -> None:
    folder = write_rules(tmp_path / "rules", GOOD_RULE, "a.yaml")
    write_rules(folder, GOOD_RULE, "b.yaml")
    with pytest.raises(
        RuleError,
        match=r"b\.yaml:2: field 'id': duplicate rule id 'demo' "
        r"\(first defined at .*a\.yaml:2\)",
    ):
        load_rules([folder], builtin=False)


def test_yaml_cannot_construct_objects(tmp_path) -> None:
    text = GOOD_RULE.replace("A demo rule.", "!!python/object/apply:os.system ['echo hi']")
    with pytest.raises(RuleError, match="YAML syntax error"):
        load(tmp_path, text)


def test_missing_rules_folder(tmp_path) -> None:
    with pytest.raises(RuleError, match="no such rule file or folder"):
        load_rules([tmp_path / "nope"], builtin=False)


def test_a_fifo_given_as_rules_is_named_for_what_it_is(tmp_path) -> None:
    import os

    fifo = tmp_path / "rules.yaml"
    os.mkfifo(fifo)
    with pytest.raises(RuleError, match=r"not a rule file or folder \(a FIFO"):
        load_rules([fifo], builtin=False)


def test_builtin_rules_ship_and_hash_is_stable() -> None:
    first, second = load_rules(), load_rules()
    assert len(first) >= 25
    assert first.digest == second.digest
    assert {r.path.parent.name for r in first.rules} >= {"generic", "lang", "sites"}


def test_every_builtin_pattern_goes_through_the_re2_prefilter() -> None:
    # A pattern RE2 cannot take (a lookbehind) runs on every line of every document: the
    # photo-credit rules written with one halved text mode's speed.
    assert [rule.id for rule in RuleMatcher(load_rules().rules).unfiltered] == []


def test_rule_file_size_and_pattern_length_are_limited(tmp_path) -> None:
    from cleaner.ruleset.loader import MAX_RULE_FILE_BYTES
    from cleaner.ruleset.schema import MAX_PATTERN_LENGTH

    huge = GOOD_RULE + "# " + "x" * MAX_RULE_FILE_BYTES + "\n"
    with pytest.raises(RuleError, match="rule file is larger than 1000000 bytes"):
        load(tmp_path / "a", huge)
    long_pattern = GOOD_RULE.replace(
        "exact: Add new comment", f"regex: '{'a' * (MAX_PATTERN_LENGTH + 1)}'"
    )
    with pytest.raises(
        RuleError, match=r"field 'rules.regex': pattern is longer than 2000 characters"
    ):
        load(tmp_path / "b", long_pattern)


def test_hidden_files_and_folders_are_not_rules_and_a_folder_needs_one(tmp_path) -> None:
    folder = write_rules(tmp_path / "rules", GOOD_RULE)
    (folder / ".#rules.yaml").write_text("not: [yaml", encoding="utf-8")  # an editor's lock
    (folder / "._rules.yaml").write_bytes(b"\x00\x05\x16\x07")  # macOS metadata
    (folder / ".git").mkdir()
    (folder / ".git" / "copy.yaml").write_text(GOOD_RULE, encoding="utf-8")  # a duplicate id
    (folder / "upper.YAML").write_text(GOOD_RULE.replace("id: demo", "id: upper-demo"), encoding="utf-8")
    assert [rule.id for rule in load_rules([folder], builtin=False).rules] == ["demo", "upper-demo"]
    empty = tmp_path / "empty"
    (empty / ".hidden").mkdir(parents=True)
    with pytest.raises(RuleError, match="no rule files in this folder"):
        load_rules([empty], builtin=False)


def test_rules_test_and_lint_report_an_id_a_built_in_rule_has(tmp_path) -> None:
    from typer.testing import CliRunner

    from cleaner.cli import app

    clash = GOOD_RULE.replace("id: demo", "id: ad-label")
    folder = write_rules(tmp_path / "rules", clash)
    for command in ("test", "lint"):
        result = CliRunner().invoke(app, ["rules", command, str(folder)])
        assert result.exit_code == 2, result.output
        assert "duplicate rule id 'ad-label'" in result.output


def test_a_date_a_rule_sets_is_read_as_a_captured_one(tmp_path) -> None:
    from cleaner import Cleaner, Config

    text = GOOD_RULE.replace("    tests:", "    set: {date: 'March 3, 2021'}\n    tests:")
    folder = write_rules(tmp_path / "rules", text)
    doc = Cleaner(Config(rules=(folder,), builtin_rules=False)).clean_text(
        "Add new comment\nThe council met on Tuesday to discuss the budget for the year."
    )
    assert doc.metadata["date"].startswith("2021-03-03")
