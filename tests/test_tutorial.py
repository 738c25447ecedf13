"""The README's five-minute tutorial, step by step, so it stays true."""

from __future__ import annotations

from helpers import ROOT
from typer.testing import CliRunner

from cleaner.cli import app

SITE = ROOT / "docs" / "tutorial" / "harbour-gazette"
MASTHEAD = "Harbour Gazette | Your town, every morning"


def invoke(*args: object):
    result = CliRunner().invoke(app, [str(a) for a in args])
    assert result.exit_code == 0, result.output
    return result


def test_tutorial(tmp_path) -> None:
    before, after, rules = tmp_path / "before", tmp_path / "after", tmp_path / "my-rules"
    invoke("run", SITE, before, "--no-classifier", "-q")
    assert (before / "ferry.txt").read_text().startswith(MASTHEAD)  # the furniture we target
    invoke("rules", "suggest", SITE, "-o", rules / "harbour-gazette.yaml")
    draft = (rules / "harbour-gazette.yaml").read_text()
    assert "id: harbour-gazette-furniture" in draft and MASTHEAD in draft
    assert "passed" in invoke("rules", "test", rules).output
    invoke("rules", "lint", rules)
    report = tmp_path / "report.html"
    invoke("run", SITE, after, "--rules", rules, "--no-classifier", "--html-report", report, "-q")
    for page in after.glob("*.txt"):
        assert MASTHEAD not in page.read_text()
        assert "Most read this week" not in page.read_text()
    hits = invoke("explain", after, "--rule", "harbour-gazette-furniture").output
    assert "removal(s) by harbour-gazette-furniture" in hits and hits.count(MASTHEAD) == 4
    assert "harbour-gazette-furniture" in report.read_text()
