"""For CI: `run --check`, `rules lint`, rule coverage in the report."""

from __future__ import annotations

import json
import shutil

from helpers import SEEDS, write_rules
from typer.testing import CliRunner

from cleaner.cli import app

runner = CliRunner()


def invoke(*args):
    return runner.invoke(app, [str(a) for a in args])


def test_check_passes_on_a_fresh_run_and_writes_nothing(tmp_path) -> None:
    out = tmp_path / "out"
    assert invoke("run", SEEDS, out, "-q").exit_code == 0
    before = {p: p.stat().st_mtime_ns for p in out.rglob("*")}
    result = invoke("run", SEEDS, out, "--check")
    assert result.exit_code == 0 and "is up to date" in result.output
    assert {p: p.stat().st_mtime_ns for p in out.rglob("*")} == before


def test_check_reports_missing_changed_and_extra_files(tmp_path) -> None:
    out = tmp_path / "out"
    invoke("run", SEEDS, out, "-q")
    (out / "000_fb5aa608aeb41b4f.txt").write_text("edited by hand\n")
    (out / "001_7fddbf4e8879bb3a.json").unlink()
    (out / "stray.txt").write_text("no input gives this\n")
    result = invoke("run", SEEDS, out, "--check")
    assert result.exit_code == 3
    assert f"would write {out / '001_7fddbf4e8879bb3a.json'}" in result.output
    assert f"would not write {out / 'stray.txt'}" in result.output
    assert f"would change {out / '000_fb5aa608aeb41b4f.txt'}: +" in result.output
    assert "3 file(s) would change" in result.output
    assert (out / "000_fb5aa608aeb41b4f.txt").read_text() == "edited by hand\n"  # untouched


def test_check_of_a_missing_output_folder(tmp_path) -> None:
    result = invoke("run", SEEDS, tmp_path / "never-written", "--check")
    assert result.exit_code == 3 and not (tmp_path / "never-written").exists()


def test_report_lists_rules_fired_and_never_fired(tmp_path) -> None:
    invoke("run", SEEDS, tmp_path / "out", "-q")
    report = json.loads((tmp_path / "out" / "report.json").read_text())
    assert report["rules_fired"]["comment-prompt"] == 2
    assert "cookie-notice" in report["rules_never_fired"]
    assert not set(report["rules_fired"]) & set(report["rules_never_fired"])


def test_keep_rules_count_as_fired(tmp_path) -> None:
    rules = write_rules(tmp_path / "rules", """
rules:
  - id: keep-thanks
    description: Closing thanks are content here.
    exact: "Thank you. Once again, welcome!"
    action: keep
    tests:
      - keep: "Thank you. Once again, welcome!"
""")
    shutil.copy(SEEDS / "004_3242645981f0b378.txt", tmp_path / "doc.txt")
    invoke("run", tmp_path / "doc.txt", tmp_path / "out", "--rules", rules, "-q")
    report = json.loads((tmp_path / "out" / "report.json").read_text())
    assert report["rules_fired"]["keep-thanks"] == 1


LINT_RULES = """
rules:
  - id: comments
    description: Comment prompts.
    regex: '^(?:add|leave) (?:a|new) comment$'
    tests:
      - drop: Add new comment
      - keep: Add new comment boxes, the editor said.
  - id: add-comment
    description: Shadowed by the rule above.
    exact: Add new comment
    tests:
      - drop: Add new comment
      - keep: Something else.
  - id: no-keep-case
    description: Only a case that changes text.
    exact: Subscribe
    tests:
      - drop: Subscribe
"""


def test_lint_finds_shadowed_rules_and_missing_cases(tmp_path) -> None:
    rules = write_rules(tmp_path / "rules", LINT_RULES)
    result = invoke("rules", "lint", rules)
    assert result.exit_code == 1
    assert "rules.yaml:9: rule add-comment: shadowed by comments" in result.output
    assert "rules.yaml:15: rule no-keep-case: add a test case that must stay" in result.output
    assert "3 rules, 2 problem(s)" in result.output


def test_lint_passes_on_the_builtin_rules() -> None:
    result = invoke("rules", "lint")
    assert result.exit_code == 0 and " 0 problem(s)" in result.output
