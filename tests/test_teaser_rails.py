"""An article page's "Latest stories" boxes are taken out before its text is extracted
(cleaner/teaser_rails.py); links that are the article's content stay."""

from __future__ import annotations

from cleaner import Cleaner, Config
from cleaner.readers.text import document_from_bytes
from cleaner.steps.extract import parse_page
from cleaner.teaser_rails import _site, teaser_rails

URL = "https://www.cbssports.com/soccer/news/wales-punches-ticket-to-euro-2020/"
_PROSE = (
    "Wales beat Hungary two goals to nil in Cardiff on Tuesday night, and with that win "
    "the side claimed the last automatic place in the group behind Croatia. Aaron Ramsey "
    "scored both goals, the first a header from six yards and the second a low finish "
    "after a quick break down the left wing."
)
_ARTICLE = "".join(f"<p>Paragraph {n}. {_PROSE}</p>" for n in range(1, 6))
_HEAD = (
    "<head><title>Wales punches ticket to Euro 2020</title>"
    '<meta property="og:type" content="article">'
    '<script type="application/ld+json">{"@context": "https://schema.org", '
    '"@type": "NewsArticle", "headline": "Wales punches ticket to Euro 2020"}</script></head>'
)
_TEASERS = (
    ("/soccer/news/pochettino-fired/", "Pochettino fired by Tottenham",
     "Pochettino took the club to the Champions League final in June"),
    ("/soccer/news/mls-expansion-draft/", "Results from MLS Expansion Draft",
     "Here is what you need to know about the expansion draft"),
    ("https://www.cbssports.com/soccer/news/maradona-out/", "Maradona out as coach of Gimnasia",
     "The coach would now be free to sign with another club"),
)  # fmt: skip


def _rail(teasers: tuple[tuple[str, str, str], ...] = _TEASERS) -> str:
    items = "".join(
        f'<li class="col-4"><a href="{href}" class="thumbnail"><img src="x.jpg" alt=""></a>'
        f'<div class="headlines"><h3><a href="{href}">{headline}</a></h3>'
        f"<h4>{subline}</h4></div></li>"
        for href, headline, subline in teasers
    )
    return (
        '<div class="latest-news-box"><div class="title">Our Latest Stories</div>'
        f'<ul class="latest-news-box-row">{items}</ul></div>'
    )


def _page(after_article: str) -> str:
    """An article page with `after_article` inside the article's container, below its
    paragraphs, where trafilatura takes it for more of the article."""
    return (
        f"<html>{_HEAD}<body><article><h1>Wales punches ticket to Euro 2020</h1>"
        f"{_ARTICLE}{after_article}</article></body></html>"
    )


def _clean(html: str) -> str:
    doc = document_from_bytes("p", "p", html.encode(), html=True)
    doc.metadata["url"] = URL
    cleaned = Cleaner(Config()).clean(doc)
    assert cleaned.metadata["page_type"] == "article"
    return cleaned.text


def test_a_rail_of_the_sites_other_stories_after_an_article_is_taken_out() -> None:
    tree = parse_page(_page(_rail()))
    assert tree is not None
    rails = teaser_rails(tree, URL)
    assert [len(rail) for rail in rails] == [3]
    text = _clean(_page(_rail()))
    assert "Paragraph 1." in text and "Paragraph 5." in text
    for _, headline, subline in _TEASERS:
        assert headline not in text and subline not in text


def test_a_deals_articles_links_to_shops_are_its_content() -> None:
    offers = tuple(
        (f"https://www.{shop}.com/dp/{n}", f"Get it at {shop.title()} for ${n}.99",
         f"The lowest price we have seen at {shop.title()} this year")
        for n, shop in ((199, "amazon"), (249, "walmart"), (299, "dell"))
    )  # fmt: skip
    tree = parse_page(_page(_rail(offers)))
    assert tree is not None
    assert teaser_rails(tree, URL) == []
    text = _clean(_page(_rail(offers)))
    assert all(headline in text for _, headline, _ in offers)


def test_links_inside_paragraphs_and_a_list_of_the_pages_own_content_stay() -> None:
    inline = "".join(
        f'<a href="/topic/{n}/">air pollution in city number {n}</a> and ' for n in range(5)
    )
    page = _page(f"<p>Read more about {inline} the rest.</p>")
    tree = parse_page(page)
    assert tree is not None
    assert teaser_rails(tree, URL) == []
    # a page that is mostly a list of links is not an article, whatever its markup says
    only_links = (
        f"<html>{_HEAD}<body><h1>Stories</h1>{_rail()}<p>The end of the page.</p></body></html>"
    )
    tree = parse_page(only_links)
    assert tree is not None
    assert teaser_rails(tree, URL) == []


def test_without_the_pages_address_only_relative_links_are_its_own() -> None:
    tree = parse_page(_page(_rail()))
    assert tree is not None
    # two of the three headlines are relative links: not enough for a rail of three
    assert teaser_rails(tree, None) == []
    assert _site("https://edition.cnn.com/2019/") == "cnn.com"
    assert _site("http://news.bbc.co.uk/a") == "bbc.co.uk"
    assert _site("https://sport.orf.at/a") == _site("https://www.orf.at/") == "orf.at"
    assert _site("//cdn.cnn.com/x.jpg") == "cnn.com"  # a link without its scheme
    assert _site("not a url") is None
