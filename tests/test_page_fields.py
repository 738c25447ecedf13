"""Title and author of HTML pages from the evidence that agrees (cleaner/page_fields.py)."""

from __future__ import annotations

from cleaner.page_fields import clean_name, join_names, page_author, page_title
from cleaner.steps.extract import parse_page


def _tree(head: str, body: str):
    tree = parse_page(f"<html><head>{head}</head><body>{body}</body></html>")
    assert tree is not None
    return tree


def test_title_is_the_headline_that_agrees_with_the_meta_title() -> None:
    tree = _tree(
        "<title>Machine learning, explained | MIT Sloan</title>",
        "<header><h1>MIT Sloan</h1></header><article><h1>Machine learning, explained</h1>"
        "<p>Text.</p></article>",
    )
    assert page_title(tree, "https://mitsloan.mit.edu/x", "MIT Sloan") == (
        "Machine learning, explained"
    )


def test_title_without_headline_drops_the_site_name() -> None:
    tree = _tree(
        '<meta property="og:title" content="Video Production Process - QuickFrame">',
        "<p>Text.</p>",
    )
    assert page_title(tree, "https://quickframe.com/blog/x", "QuickFrame") == (
        "Video Production Process"
    )


def test_title_from_json_ld_headline_with_escaped_characters() -> None:
    tree = _tree(
        '<script type="application/ld+json">{"@type": "NewsArticle", '
        '"headline": "Plans &amp; Packages"}</script>',
        "<p>Text.</p>",
    )
    assert page_title(tree, None, None) == "Plans & Packages"


def test_faq_questions_are_not_the_title() -> None:
    tree = _tree(
        '<script type="application/ld+json">{"@type": "FAQPage", "mainEntity": '
        '[{"@type": "Question", "name": "What plans are there?"}]}</script>'
        "<title>Travel Insurance</title>",
        "<p>Text.</p>",
    )
    assert page_title(tree, None, None) == "Travel Insurance"


def test_broken_json_ld_is_skipped() -> None:
    tree = _tree('<script type="application/ld+json">{"@type": </script><title>T x</title>', "")
    assert page_title(tree, None, None) == "T x"


def test_author_from_json_ld_names() -> None:
    tree = _tree(
        '<script type="application/ld+json">{"@type": "Article", "author": '
        '[{"@type": "Person", "name": "Jared Newman"}, {"name": "Sam Singleton"}]}</script>',
        "",
    )
    assert page_author(tree, None, "Someone Else") == "Jared Newman and Sam Singleton"


def test_author_fallback_loses_what_follows_the_name() -> None:
    tree = _tree("", "<p>Text.</p>")
    assert page_author(tree, None, "Cazzy Magennis Last Updated August 1") == "Cazzy Magennis"
    assert page_author(tree, None, "By Jane Doe") == "Jane Doe"
    assert page_author(tree, None, None) is None


def test_sentences_and_addresses_are_not_names() -> None:
    assert clean_name("Jane writes about food. She lives in Paris") is None
    assert clean_name("https://example.com/jane") is None
    assert join_names(["A B", "a b", "C D", "E F"]) == "A B, C D and E F"


def test_stated_date_prefers_published_meta_then_json_ld_then_time() -> None:
    from cleaner.page_fields import stated_date

    page = (
        '<meta property="article:modified_time" content="2025-03-01T10:00:00Z">'
        '<meta property="article:published_time" content="2024-05-06T08:00:00Z">'
        '<script type="application/ld+json">{"datePublished": "2023-01-02"}</script>'
        '<time datetime="2022-07-08">8 July</time>'
    )
    assert stated_date(page) == "2024-05-06"
    assert stated_date(page.split("<script")[0].replace("published", "x")) is None
    assert stated_date(page[page.index("<script") :]) == "2023-01-02"
    assert stated_date(page[page.index("<time") :]) == "2022-07-08"
    assert stated_date('<meta content="2021-02-03" name="pubdate">') == "2021-02-03"
    assert stated_date('<time datetime="0001-01-01">') is None


def test_a_forum_page_author_is_the_first_posters_user_name_as_written() -> None:
    from lxml.html import fromstring

    from cleaner.page_fields import microdata_author, page_author

    page = fromstring(
        '<html><body><div itemprop="author" itemscope itemtype="https://schema.org/Person">'
        '<span itemprop="name">hayley.p</span></div><p>First post.</p>'
        '<div itemprop="author"><meta itemprop="name" content="bo_99"></div></body></html>'
    )
    assert microdata_author(page) == "hayley.p"
    assert page_author(page, None, "Hayley P", page_type="forum") == "hayley.p"
    assert page_author(page, None, "Hayley P", page_type="article") == "Hayley P"


def test_an_articles_headline_is_its_title_even_where_the_meta_title_differs() -> None:
    head = (
        '<meta property="og:type" content="article">'
        "<title>Health Trends For 2026 - Tastewise</title>"
    )
    body = "<div class='wrap'><h1>Top 10 Health Trends to Watch</h1><p>Text.</p></div>"
    assert page_title(_tree(head, body), "https://x.com/blog/trends", None) == (
        "Top 10 Health Trends to Watch"
    )
    # not an article (a landing page's slogan), or the site's home page: the meta title
    no_type = head.replace("article", "website")
    slogan = page_title(_tree(no_type, body), "https://x.com/trends", "Tastewise")
    assert slogan == "Health Trends For 2026"
    assert page_title(_tree(head, body), "https://x.com/", "Tastewise") == "Health Trends For 2026"


def test_a_headline_in_the_articles_header_counts_but_not_in_navigation() -> None:
    head = "<title>Machine learning, explained | MIT Sloan</title>"
    inside = "<article><header><h1>Machine learning, explained</h1></header><p>Text.</p></article>"
    assert page_title(_tree(head, inside), None, None) == "Machine learning, explained"
    in_menu = "<nav><h1>Machine learning, explained</h1></nav><p>Text.</p>"
    article = '<meta property="og:type" content="article"><title>Other words here</title>'
    assert page_title(_tree(article, in_menu), "https://x.com/a", None) == "Other words here"


def test_layout_classes_of_the_body_do_not_make_the_headline_furniture() -> None:
    head = '<meta property="og:type" content="article"><title>Another title | Site</title>'
    body = "<div class='has-sidebar content-sidebar-wrap'><h1>The headline</h1></div>"
    tree = parse_page(
        f"<html><head>{head}</head><body class='has-menu sidebar-left'>{body}</body></html>"
    )
    assert tree is not None
    assert page_title(tree, "https://x.com/a", None) == "The headline"


def test_permalink_marks_are_not_part_of_the_headline() -> None:
    body = '<h1>Quickstart<a class="headerlink" href="#quickstart">¶</a></h1>'
    assert page_title(_tree("<title>Quickstart — Flask</title>", body), None, None) == "Quickstart"
    body = '<h1>Install <a href="#install">#</a></h1><h1>C#</h1>'
    tree = _tree("", body)
    from cleaner.page_fields import headings

    assert headings(tree) == ["Install", "C#"]
