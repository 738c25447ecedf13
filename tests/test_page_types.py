"""Page types: the classifier's evidence, its place in HTML mode, and rules scoped by type."""

from __future__ import annotations

import json

import pytest
from helpers import write_rules

from cleaner import Cleaner, Config, load_rules
from cleaner.document import METADATA_KEYS, Document
from cleaner.errors import RuleError
from cleaner.page_type import classify_page, page_evidence
from cleaner.pipeline import document_record
from cleaner.ruleset.cases import run_cases
from cleaner.ruleset.lint import lint

PROSE = (
    "The council approved the harbour works on Tuesday, after a long debate about the cost "
    "of dredging the old basin and the noise the work would bring to the houses nearby."
)


def page(head: str = "", body: str = f"<article><p>{PROSE}</p></article>") -> str:
    return f"<html><head><title>T</title>{head}</head><body>{body}</body></html>"


def json_ld(value: object) -> str:
    return f'<script type="application/ld+json">{json.dumps(value)}</script>'


@pytest.mark.parametrize(
    ("html", "url", "expected"),
    [
        (page(json_ld({"@type": "Product", "name": "Mug"})), None, "product"),
        (
            page(json_ld({"@graph": [{"@type": "WebPage"}, {"@type": "NewsArticle"}]})),
            None,
            "article",
        ),
        (page(json_ld({"@type": "QAPage"})), None, "forum"),
        (page(), "https://forum.example.org/t/a-question/1234", "forum"),
        (
            page(
                json_ld({"@type": "Article"}) + '<meta property="og:type" content="article">',
                "".join(
                    f'<div class="post" itemscope itemtype="https://schema.org/Comment">'
                    f'<span class="username">u{i}</span><p>{PROSE}</p></div>'
                    for i in range(6)
                ),
            ),
            "https://www.warriorforum.com/beginners-area/1488296-simple-method.html",
            "forum",
        ),
        (page(), "https://docs.example.org/en/latest/guide/", "documentation"),
        (page('<meta property="og:type" content="product">'), None, "product"),
        (page(), "https://example.com/products/blue-mug", "product"),
        (
            page(body="<div itemscope itemtype='https://schema.org/Product'>Mug</div>"),
            None,
            "product",
        ),
        # a site's home page presents what the site offers, unless its markup says more
        (page(), "https://example.com/", "service"),
        (page(), "https://example.com", "service"),
        (
            page(body="".join(f"<article><p>{PROSE}</p></article>" for _ in range(6))),
            "https://news.example.com/",
            None,  # a news site's front page: its teasers count for listing
        ),
        (page('<meta property="og:type" content="product">'), "https://example.com/", "product"),
        (page(), "https://www.example.com/us/en/services/consulting.html", "service"),
        # undecided: no evidence, or evidence that does not point one way
        (page(), None, None),
        (page(), "https://example.com/about-us", None),
        (
            page(json_ld({"@type": "NewsArticle"}) + '<meta property="og:type" content="article">'),
            "https://www.forumnews.example/2024/05/a-story",
            "article",
        ),
        (
            page(json_ld({"@type": "Product"}) + '<meta property="og:type" content="article">'),
            "https://example.com/2024/05/a-story",
            None,
        ),
    ],
)
def test_classify_page(html: str, url: str | None, expected: str | None) -> None:
    assert classify_page(html, url) == expected


def test_a_page_that_declares_itself_a_collection_page_is_one() -> None:
    """schema.org CollectionPage outweighs a site-wide og:type article; it is a shop's
    collection where the page shows prices, else a listing."""
    declared = json_ld({"@type": "CollectionPage", "name": "Dinner recipes"})
    og_article = '<meta property="og:type" content="article">'
    assert classify_page(page(declared + og_article), None) == "listing"
    prices = "".join(
        f'<li><a href="/p/{i}">Mug {i}</a><span class="price">$ {i}</span></li>' for i in range(4)
    )
    assert classify_page(page(declared, f"<ul>{prices}</ul>"), None) == "collection"
    results = json_ld({"@type": "SearchResultsPage"})
    assert classify_page(page(results), None) == "listing"


def test_an_faq_is_not_a_forum() -> None:
    faq = json_ld({"@type": "FAQPage", "mainEntity": [{"@type": "Question"}, {"@type": "Answer"}]})
    assert page_evidence(page(faq), None).scores.get("forum", 0) == 0


def test_repeated_cards_make_a_collection() -> None:
    cards = "".join(
        f'<div class="product-card"><span class="price">$ {i}</span></div>' for i in range(12)
    )
    assert (
        classify_page(page(body=cards), "https://shop.example.com/collections/mugs") == "collection"
    )


def test_markup_is_read_whatever_its_case_and_the_page_s_script() -> None:
    """Tags, attribute names and class names are matched without regard to case, on a
    page whose text is not ASCII (the markup is lower-cased as bytes, its text kept)."""
    cards = "".join(
        f'<DIV CLASS="Product-Card"><SPAN Class="PRICE">{i} ₽ — Кружка</SPAN></DIV>'
        for i in range(12)
    )
    assert classify_page(page(body=cards), None) == "collection"
    ld = '<SCRIPT TYPE="Application/LD+JSON">{"@type": "Product", "name": "Çay bardağı"}</SCRIPT>'
    assert classify_page(page(ld), None) == "product"
    assert classify_page(page(body="<PRE>a</PRE><Pre>b</Pre>" * 3), None) == "documentation"


def test_broken_json_ld_is_a_warning_not_a_failure() -> None:
    html = page('<script type="application/ld+json">{"@type": "Product",</script>')
    evidence = page_evidence(html, None)
    assert evidence.decide() is None
    assert evidence.warnings == ["1 JSON-LD block(s) are not valid JSON: ignored"]


@pytest.fixture(scope="module")
def cleaner() -> Cleaner:
    return Cleaner(Config())


def html_doc(cleaner: Cleaner, html: str, url: str | None = None) -> Document:
    doc = Document(id="p", source="p", raw="", html=html)
    if url:
        doc.metadata["url"] = url
    return cleaner.clean(doc)


def test_page_type_is_written_after_the_language(cleaner) -> None:
    assert METADATA_KEYS[METADATA_KEYS.index("language_confidence") + 1] == "page_type"
    doc = html_doc(
        cleaner, page(json_ld({"@type": "Product", "name": "Mug"}), f"<main><p>{PROSE}</p></main>")
    )
    record = document_record(doc)
    assert record["page_type"] == "product"
    assert "page_type_evidence" not in record
    undecided = document_record(html_doc(cleaner, page()))
    assert undecided["page_type"] is None
    assert PROSE in html_doc(cleaner, page()).text  # undecided: extracted as an article


@pytest.mark.parametrize(
    "html",
    [
        "<html><head><title>Frames</title></head><frameset><frame src='a.html'></frameset></html>",
        "<html><head><script>var a = 1;</script></head></html>",
        "<script>document.write('hello')</script>",
        "<html><head><title>No body</title></head></html>",
        page('<script type="application/ld+json">{broken</script>', "<div></div>"),
    ],
)
def test_pages_without_text_give_a_document_with_a_warning(cleaner, html: str) -> None:
    doc = html_doc(cleaner, html)
    assert doc.warnings, html
    assert document_record(doc)["page_type"] is None


def test_a_page_without_body_gives_its_text_and_a_warning(cleaner) -> None:
    doc = html_doc(cleaner, f"<html><head><title>No body</title></head><p>{PROSE}</p></html>")
    assert PROSE in doc.text
    assert any("no <body>" in warning for warning in doc.warnings)
    assert not html_doc(cleaner, page()).warnings


def test_forum_posts_survive_the_comment_thread_rules(cleaner) -> None:
    """A thread page: the built-in comment rules do not cut its posts as comments."""
    posts = "".join(
        f'<div class="post"><span class="username">user{i}</span><time>2024-01-0{i}</time>'
        f"<p>Reply number {i}: I tried the same setting on my own server and it worked once "
        "I restarted the service, so check the logs before changing anything else.</p></div>"
        for i in range(1, 8)
    )
    body = f"<main><h1>Server keeps restarting</h1><p>{PROSE} {PROSE}</p><h2>Comments</h2>{posts}</main>"
    doc = html_doc(cleaner, page(body=body), "https://forum.example.org/t/server-restarts/991")
    assert doc.metadata["page_type"] == "forum"
    assert "Reply number 7" in doc.text
    assert not any(r.rule.startswith("comment-section") for r in doc.removals)


REPLIES = [
    "I tried the same setting on my own server and it worked once I restarted the service.",
    "Check the logs before you change anything else, the error is usually written there.",
    "Mine did that too until I replaced the power supply, which had been failing for weeks.",
    "Have you looked at the cron jobs? One of them may restart it every night at two.",
    "Thanks to everyone who answered, it was the watchdog timer and it is fixed now.",
]


def test_a_text_capture_takes_its_type_from_its_address(cleaner) -> None:
    """Text with a forum thread's URL keeps its posts, as the HTML page would; the same
    text without a URL (no type: an article's rules) or with an article's loses them."""
    thread = "\n".join([
        "Server keeps restarting", PROSE, PROSE, PROSE, PROSE, "Comments",
        *(f"user{i} wrote:\n{reply}" for i, reply in enumerate(REPLIES, 1)),
    ])  # fmt: skip
    doc = cleaner.clean_text(thread, url="https://forum.example.org/threads/server-restarts.991/")
    assert doc.metadata["page_type"] == "forum"
    assert REPLIES[-1] in doc.text
    for url, page_type in ((None, None), ("https://news.example.org/2024/01/05/x", "article")):
        doc = cleaner.clean_text(thread, url=url)
        assert doc.metadata.get("page_type") == page_type
        assert REPLIES[-1] not in doc.text


def scoped_rule(scope: str) -> str:
    return (
        "rules:\n  - id: r\n    description: test rule\n    exact: Reply\n"
        f"    page_types: {scope}\n    tests:\n      - drop: Reply\n"
        "      - page_type: forum\n        keep: Reply\n"
    )


def test_page_type_scoped_rule(tmp_path) -> None:
    folder = write_rules(tmp_path / "rules", scoped_rule("[article, product]"))
    ruleset = load_rules((folder,), builtin=False)
    assert all(result.passed for result in run_cases(ruleset))
    assert not list(lint(ruleset))
    cleaner = Cleaner(Config(rules=(folder,), builtin_rules=False), ruleset=ruleset)
    for page_type, kept in (("forum", ["Reply", PROSE]), ("product", [PROSE]), (None, [PROSE])):
        doc = Document(id="d", source="d", raw=f"Reply\n{PROSE}")
        doc.metadata["page_type"] = page_type
        assert [line.text for line in cleaner.clean(doc).kept] == kept


def test_unknown_page_type_is_a_rule_error(tmp_path) -> None:
    folder = write_rules(tmp_path / "rules", scoped_rule("[article, blog]"))
    with pytest.raises(RuleError, match="page_types"):
        load_rules((folder,), builtin=False)


def test_lint_flags_a_scope_that_names_every_type(tmp_path) -> None:
    every = "[article, forum, product, collection, listing, documentation, service, forum]"
    folder = write_rules(tmp_path / "rules", scoped_rule(every))
    messages = [problem.message for problem in lint(load_rules((folder,), builtin=False))]
    assert "`page_types` names a type twice" in messages
    assert "`page_types` names every page type: leave it out" in messages


def test_report_counts_page_types(tmp_path) -> None:
    from cleaner import run

    inputs = tmp_path / "in"
    inputs.mkdir()
    (inputs / "a.html").write_text(
        page(json_ld({"@type": "Product"}), f"<main><p>{PROSE}</p></main>")
    )
    (inputs / "b.html").write_text(page())
    (inputs / "c.txt").write_text(PROSE)
    run([inputs], tmp_path / "out", cleaner=Cleaner(Config()))
    report = json.loads((tmp_path / "out" / "report.json").read_text())
    assert report["page_types"] == {"null": 2, "product": 1}


def test_explain_shows_the_page_type_and_its_evidence(tmp_path) -> None:
    from typer.testing import CliRunner

    from cleaner.cli import app

    path = tmp_path / "p.html"
    path.write_text(page(json_ld({"@type": "Product"}), f"<main><p>{PROSE}</p></main>"))
    result = CliRunner().invoke(app, ["explain", str(path)])
    assert result.exit_code == 0, result.output
    assert "page type: product; schema.org product -> product +3" in result.output
    assert "page_type_evidence" not in result.output


def test_fast_extraction_skips_the_fallback_extractors(monkeypatch) -> None:
    from cleaner.steps import extract

    calls = []

    def spy(*args, **kwargs):
        calls.append(kwargs["fast"])
        return PROSE

    monkeypatch.setattr(extract, "main_text", spy)
    for fallbacks in (True, False):
        html_doc(Cleaner(Config(extract_fallbacks=fallbacks)), page())
    assert calls == [False, True]
