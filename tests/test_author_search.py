"""The author search in Python finds what trafilatura's XPath expressions find."""

from __future__ import annotations

from html import escape

from hypothesis import example, given, settings
from hypothesis import strategies as st
from trafilatura.metadata import extract_author
from trafilatura.xpaths import AUTHOR_DISCARD_XPATHS, AUTHOR_XPATHS

from cleaner.steps.extract import parse_page
from cleaner.vendored.trafilatura import author_search
from cleaner.vendored.trafilatura.author_search import AUTHOR_CONDITIONS, discarded, find_author

TAGS = [
    *("a", "address", "div", "link", "p", "span", "strong", "h3", "h4", "section"),
    *("time", "figure", "author", "rel", "li", "article"),
]
ATTRIBUTES = ["class", "id", "rel", "itemprop", "data-testid", "data-component"]
# Values that meet each condition of the expressions, or nearly do.
VALUES = [
    *("author", "Author", "authorName", "author-name", "AuthorName", "post-author", "byline"),
    *("Byline", "byl", "BBL", "username", "screenname", "writer", "zuozhe", "posted-by"),
    *("author name", "AuthorCard", "AuthorURL", "Figure", "BylineBlock", "comments"),
    *("Comments-box", "x-comments", "commentlist", "comment-list", "sidebar", "quote"),
    *("print", "meta-date", "title", "date", "article-share", "ProductReviews", "me", "main"),
]
TEXTS = ["", "me", "By Ana Lima", "Jo", "  Ana   Lima  ", "A" * 130, "Ana Lima, Rui Sousa"]


def _element(children: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    def render(tag: str, attributes: dict[str, str], text: str, inner: list[str]) -> str:
        attrs = "".join(f' {name}="{escape(value)}"' for name, value in attributes.items())
        return f"<{tag}{attrs}>{escape(text)}{''.join(inner)}</{tag}>"

    return st.builds(
        render,
        st.sampled_from(TAGS),
        st.dictionaries(st.sampled_from(ATTRIBUTES), st.sampled_from(VALUES), max_size=3),
        st.sampled_from(TEXTS),
        st.lists(children, max_size=3),
    )


def _tails(element: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    return st.builds(lambda markup, tail: markup + escape(tail), element, st.sampled_from(TEXTS))


PAGES = st.lists(
    st.recursive(st.sampled_from(TEXTS).map(escape), lambda inner: _tails(_element(inner))),
    min_size=1,
    max_size=6,
).map(lambda parts: f"<html><body>{''.join(parts)}</body></html>")


@settings(max_examples=300, deadline=None)
@given(PAGES)
@example("<html><body><p>By <rel>me</rel></p><span><rel>me</rel>Ana Lima</span></body></html>")
# Pruned elements' tails join the text before them: "AnaLima", "Rui Sousa", then "me".
@example('<html><body><p class="byline">Ana<time>today</time>Lima</p></body></html>')
@example(
    '<html><body><div id="author"><span class="date">May</span>Rui<figure>x</figure> '
    "Sousa</div></body></html>"
)
@example("<html><body><span><rel>m<time>1</time>e</rel>Ana Lima</span></body></html>")
def test_conditions_select_what_the_expressions_select(page: str) -> None:
    tree = parse_page(page)
    assert tree is not None
    elements = list(tree.iter())
    assert [e for e in tree.iterdescendants() if discarded(e)] == AUTHOR_DISCARD_XPATHS[0](tree)
    for (condition, tags), expression in zip(AUTHOR_CONDITIONS, AUTHOR_XPATHS, strict=True):
        found = [e for e in elements if condition(e)]
        assert found == expression(tree), condition.__name__
        assert not tags or all(e.tag in tags for e in found)
    assert find_author(tree) == extract_author(tree)


def test_a_byline_inside_a_discarded_block_is_not_the_author() -> None:
    page = (
        '<html><body><div class="sidebar"><span class="author">Rui Sousa</span></div>'
        '<p class="byline">By <time>today</time>Ana Lima</p></body></html>'
    )
    tree = parse_page(page)
    assert find_author(tree) == extract_author(tree) == "Ana Lima"


def test_other_expressions_get_trafilaturas_own_search(monkeypatch) -> None:
    """With another trafilatura's expressions the translation would be wrong: not used."""

    def fail(element: object) -> bool:
        raise AssertionError("the translated conditions ran")

    author_search.translation_applies.cache_clear()
    monkeypatch.setattr(author_search, "TRANSLATED", frozenset())
    monkeypatch.setattr(author_search, "AUTHOR_CONDITIONS", ((fail, ()),) * 3)
    try:
        tree = parse_page('<html><body><p class="byline">Ana Lima</p></body></html>')
        assert find_author(tree) == "Ana Lima"
    finally:
        author_search.translation_applies.cache_clear()
