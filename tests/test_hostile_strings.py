"""Strings no UTF-8 file can hold, and characters XML forbids: a document is cleaned and
written with a warning, the run goes on, and nothing is cut short at them."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from cleaner import Cleaner, Config
from cleaner.cli import app

_PROSE = (
    "<p>The council met on Tuesday evening to discuss the budget for the coming year, "
    "and the members agreed on a smaller plan after a long debate about the roads.</p>"
)
#: JSON-LD may escape half of an emoji pair: json.loads gives a lone surrogate.
_CUT_EMOJI = (
    '<script type="application/ld+json">{"@type": "NewsArticle", "headline": "Best trips '
    'of the year \\ud83c", "author": {"@type": "Person", "name": "Jane Doe \\ud83d"}}</script>'
)


@pytest.fixture(scope="module")
def cleaner() -> Cleaner:
    return Cleaner(Config())


def test_a_cut_emoji_in_json_ld_loses_no_page_of_the_run(tmp_path) -> None:
    inputs = tmp_path / "in"
    inputs.mkdir()
    (inputs / "a.html").write_text(
        f"<html><head>{_CUT_EMOJI}</head><body><article>{_PROSE}</article></body></html>"
    )
    (inputs / "b.html").write_text(f"<html><body><article>{_PROSE}</article></body></html>")
    result = CliRunner().invoke(app, ["run", str(inputs), str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    record = json.loads((tmp_path / "out" / "a.json").read_text(encoding="utf-8"))
    assert record["author"] == "Jane Doe \ufffd"
    assert (tmp_path / "out" / "b.txt").read_text(encoding="utf-8").startswith("The council")


def test_a_caller_s_lone_surrogates_become_replacement_characters(cleaner) -> None:
    text = "The council met on Tuesday \ud800 to discuss the budget for the coming year."
    doc = cleaner.clean_text(text, metadata={"title": "Budget \udc00 talks"})
    assert doc.text == text.replace("\ud800", "\ufffd") + "\n"
    assert doc.metadata["title"] == "Budget \ufffd talks"
    assert any("surrogates" in warning for warning in doc.warnings)
    prose = _PROSE.replace("evening", "evening \ud800")
    doc = cleaner.clean_html(f"<html><body><article>{prose}</article></body></html>")
    assert "after a long debate" in doc.text  # the parser no longer stops at it
    assert "\ufffd" in doc.text


@pytest.mark.parametrize("markup", ["plain", "markdown"])
@pytest.mark.parametrize("reference", ["&#xFFFE;", "&#65535;", "&#x1;", "&#11;"])
def test_references_to_characters_xml_forbids_are_dropped(markup: str, reference: str) -> None:
    page = f"<html><body><div>Opening hours {reference} Monday to Friday</div></body></html>"
    doc = Cleaner(Config(markup=markup)).clean_html(page)
    assert doc.text == "Opening hours Monday to Friday\n"
