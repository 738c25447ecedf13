"""main_text gives bare_extraction's text, without bare_extraction's copy of the tree."""

from __future__ import annotations

import pytest
from helpers import ODD_PAGES, html_fixture_pages
from lxml import etree
from trafilatura import bare_extraction

from cleaner.markup import decode_blocks
from cleaner.steps.extract import parse_page
from cleaner.vendored.trafilatura import main_text as module
from cleaner.vendored.trafilatura.main_text import main_text

#: A page whose main text trafilatura finds too short: bare_extraction returns None.
EMPTY_BODY = "<html><head><title>Nothing</title></head><body><div></div></body></html>"

PAGES = [*html_fixture_pages(), *((page, None) for page in (*ODD_PAGES, EMPTY_BODY))]


def _bare_text(
    html: str, url: str | None, favor_precision: bool, comments: bool = False, fast: bool = False
) -> str | None:
    """bare_extraction's text, then its comments on a line after (as extract() joins them)."""
    tree = parse_page(html)
    result = bare_extraction(
        tree,
        url=url,
        include_comments=comments,
        deduplicate=False,
        favor_precision=favor_precision,
        fast=fast,
    )
    if result is None:
        return None
    if comments and result.comments:
        return f"{result.text}\n{result.comments}" if result.text else result.comments
    return result.text


@pytest.mark.parametrize(
    ("favor_precision", "comments", "fast"),
    [(False, False, False), (True, False, False), (False, True, False), (False, False, True)],
)
def test_main_text_is_bare_extractions_text(
    favor_precision: bool, comments: bool, fast: bool
) -> None:
    answers = []
    for html, url in PAGES:
        tree = parse_page(html)
        if tree is None:
            continue
        ours = main_text(tree, url, favor_precision, comments=comments, fast=fast)
        assert ours == _bare_text(html, url, favor_precision, comments, fast), html[:80]
        answers.append(ours)
    assert None in answers and sum(bool(text) for text in answers) >= 10


def test_the_tree_is_pruned_in_place_not_copied() -> None:
    """What the shortcut saves: bare_extraction prunes a copy and leaves the tree alone."""
    html = (
        "<html><body><article><p>The council approved the harbour works on Tuesday, after "
        "a long debate about the cost of dredging the old basin.</p></article>"
        '<div class="comments"><p>First!</p></div></body></html>'
    )
    kept = parse_page(html)
    before = etree.tostring(kept)
    _ = bare_extraction(kept, include_comments=False, deduplicate=False)
    assert etree.tostring(kept) == before
    pruned = parse_page(html)
    assert main_text(pruned, None) == _bare_text(html, None, False)
    assert etree.tostring(pruned) != before


def test_another_bare_extraction_is_called_as_it_is(monkeypatch) -> None:
    """With a bare_extraction main_text does not follow, trafilatura's own runs."""
    calls = []

    def sequence(*args: object) -> object:
        calls.append(args)
        raise AssertionError("the copied lines ran")

    module.shortcut_applies.cache_clear()
    monkeypatch.setattr(module, "VERIFIED", frozenset())
    monkeypatch.setattr(module, "trafilatura_sequence", sequence)
    try:
        html, url = PAGES[0]
        assert main_text(parse_page(html), url) == _bare_text(html, url, False)
        assert not calls
    finally:
        module.shortcut_applies.cache_clear()


def test_a_tree_size_limit_is_left_to_trafilatura(monkeypatch) -> None:
    """A MAX_TREE_SIZE in trafilatura's settings takes bare_extraction's own path."""
    from trafilatura.settings import DEFAULT_CONFIG

    def sequence(*args: object) -> object:
        raise AssertionError("the copied lines ran")

    monkeypatch.setattr(module, "trafilatura_sequence", sequence)
    monkeypatch.setitem(DEFAULT_CONFIG["DEFAULT"], "MAX_TREE_SIZE", "5000")
    html, url = PAGES[0]
    assert main_text(parse_page(html), url) == _bare_text(html, url, False)


TABLE_AND_LIST = (
    "<html><body><article><h1>Harbour works</h1><p>The council approved the harbour works on "
    "Tuesday, after a long debate about the cost of dredging the old basin.</p>"
    "<ul><li>Dredging the basin</li><li>New <b>quay</b> walls</li></ul>"
    "<table><tr><th>Item</th><th>Cost</th></tr><tr><td>Dredging</td><td>4 <i>m</i></td></tr>"
    "</table><pre><code>- not a bullet\n| not | a row |</code></pre><p>The works begin in "
    "the spring and should last two years, the harbour master told the council.</p>"
    "</article></body></html>"
)


@pytest.mark.parametrize("shortcut", [True, False])
def test_plain_text_has_no_markdown(monkeypatch, shortcut: bool) -> None:
    """Lists one item a line without bullets, table rows with tab-separated cells; code as it is."""
    if not shortcut:
        monkeypatch.setattr(module, "VERIFIED", frozenset())
    module.shortcut_applies.cache_clear()
    try:
        text = decode_blocks(main_text(parse_page(TABLE_AND_LIST), None, plain=True) or "")
        markdown = main_text(parse_page(TABLE_AND_LIST), None).splitlines()
    finally:
        module.shortcut_applies.cache_clear()  # not cached with the patched VERIFIED
    lines = text.splitlines()
    assert "Dredging the basin" in lines and "New quay walls" in lines
    assert "Item\tCost" in lines and "Dredging\t4 m" in lines
    assert "- not a bullet" in lines and "| not | a row |" in text  # code, as it was
    assert not any(line.startswith("|---") for line in lines)
    assert "- Dredging the basin" in markdown
