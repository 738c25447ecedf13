"""The guarded copy of trafilatura_sequence selects what trafilatura's expressions select."""

from __future__ import annotations

import importlib

import pytest
from helpers import html_fixture_pages
from trafilatura.core import trafilatura_sequence
from trafilatura.settings import BASIC_CLEAN_XPATH
from trafilatura.xml import xmltotxt
from trafilatura.xpaths import RAW_TREE_PRUNE_XPATH, REMOVE_COMMENTS_AND_LISTS_XPATH

from cleaner.steps.extract import parse_page
from cleaner.vendored.trafilatura import main_text
from cleaner.vendored.trafilatura.sequence import (
    _attribute_values,
    expressions,
    page_text,
    sequence,
)

html2txt = importlib.import_module("trafilatura.baseline").html2txt

#: class and id values around the literal text the guards look for: matches of the regexes,
#: near misses, other cases, and the non-ASCII letters Python's case folding matches.
ATTRIBUTES = [
    "comments",
    "Comment-list",
    "commentary",
    "xcomments",
    "article-comments",
    "post-comments",
    "comol",
    "disqus_thread",
    "dsq-comments",
    "infinite-scroll",
    "infinitescroll",
    "infinite",
    "mvp-post-add-box",
    "mvp-post-add-wrap",
    "elementor-share-buttons",
    "cookie-banner",
    "COOKIE_NOTICE",
    "Coo\u212aie-Consent",  # Kelvin sign, which re.IGNORECASE matches to k
    "cookiebot",
    "notice--cookie",
    "consent-manager",
    "Borlabs",
    "cmplz-x",
    "OneTrust",
    "moove_gdpr",
    "footer",
    "main",
]
TAGS = ["div", "section", "aside", "ol", "ul", "details", "span", "p"]


def _generated_page() -> str:
    """Every tag with every value as class and as id, some holding an h1."""
    parts = []
    for tag in TAGS:
        for value in ATTRIBUTES:
            for attribute in ("class", "id"):
                inner = "<h1>Head</h1>" if len(parts) % 3 == 0 else ""
                parts.append(f'<{tag} {attribute}="{value}">{inner}<p>{value} text</p></{tag}>')
    return "<html><body>" + "".join(parts) + "</body></html>"


def _pages() -> list[str]:
    return [_generated_page(), *(html for html, _ in html_fixture_pages())]


def test_the_guarded_expressions_select_what_trafilaturas_select() -> None:
    """The same elements; and every one of them has a class or id that the regex `sequence`
    looks for before it evaluates the expression matches."""
    guarded = expressions()
    pairs = [
        (RAW_TREE_PRUNE_XPATH, guarded.raw_tree_prune),
        (REMOVE_COMMENTS_AND_LISTS_XPATH, guarded.remove_comments_and_lists),
    ]
    selected = 0
    for html in _pages():
        tree = parse_page(html)
        assert tree is not None
        for theirs, ours in pairs:
            for their_path, (our_path, needed) in zip(theirs, ours, strict=True):
                found = their_path(tree)
                assert our_path(tree) == found
                for element in found:
                    values = [element.get("class"), element.get("id")]
                    assert any(needed.search(value) for value in values if value is not None)
                selected += len(found)
    assert selected > 20


def test_an_expression_is_skipped_where_no_class_or_id_matches() -> None:
    guarded = expressions()
    tree = parse_page("<html><body><div class='main'><p>Text</p></div></body></html>")
    values = _attribute_values(tree)
    for _, needed in (*guarded.raw_tree_prune, *guarded.remove_comments_and_lists):
        assert not needed.search(values)
    tree = parse_page(_generated_page())
    values = _attribute_values(tree)
    for _, needed in (*guarded.raw_tree_prune, *guarded.remove_comments_and_lists):
        assert needed.search(values)


def test_the_cookie_branch_is_what_the_regex_decides() -> None:
    """Where no class or id matches the cookie regex, BASIC_CLEAN_XPATH and the expression
    without its cookie branch select the same elements; where one does, they differ."""
    guarded = expressions()
    plain = "<html><body><div class='main'><p>Text</p></div><footer>f</footer></body></html>"
    tree = parse_page(plain)
    assert guarded.basic_clean_without_cookies(tree) == BASIC_CLEAN_XPATH(tree)
    tree = parse_page(_generated_page())
    assert len(BASIC_CLEAN_XPATH(tree)) > len(guarded.basic_clean_without_cookies(tree))
    for value in ATTRIBUTES:
        page = f"<html><body><div id='{value}'><p>Text</p></div><p>More</p></body></html>"
        tree = parse_page(page)
        if not guarded.cookies.search(value):
            assert guarded.basic_clean_without_cookies(tree) == BASIC_CLEAN_XPATH(tree), value


@pytest.mark.parametrize("which", ["generated", "fixtures"])
def test_page_text_is_html2txt(which: str) -> None:
    pages = _pages()
    for html in pages[:1] if which == "generated" else pages[1:]:
        tree = parse_page(html)
        assert tree is not None
        assert page_text(tree) == html2txt(tree)


def test_the_sequence_is_trafilaturas() -> None:
    """Body and comments text, on pages where the escalation measures the page too."""
    options = main_text.extraction_options(None, favor_precision=False, comments=True)
    short = (
        "<html><body><div class='cookie-banner'>We use cookies " + "and more " * 50 + "</div>"
        "<nav>" + "<a href='/x'>Section link</a> " * 200 + "</nav>"
        "<article><p>The council approved the harbour works on Tuesday after a long debate "
        "about the costs and the timetable of the project.</p></article></body></html>"
    )
    for html in [short, *_pages()]:
        results = []
        for run in (sequence, trafilatura_sequence):
            tree = parse_page(html)
            body, text, comments, comments_text = run(tree, options, None)
            results.append((xmltotxt(body, False), text, xmltotxt(comments, False), comments_text))
        assert results[0] == results[1], html[:80]
