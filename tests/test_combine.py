"""cleaner/combine.py: resiliparse's blocks merged into trafilatura's text."""

from __future__ import annotations

import pytest

from cleaner import Cleaner, Config
from cleaner.combine import available, combine, merge, second_opinion
from cleaner.readers.text import document_from_bytes


def test_new_lines_go_after_the_line_before_them() -> None:
    first = "First post by Ann about the engine.\nThird post by Cy about tyres."
    second = (
        "First post by Ann about the engine.\n"
        "Second post by Bo: the gearbox failed twice this winter.\n"
        "Third post by Cy about tyres."
    )
    assert merge(first, second).split("\n") == [
        "First post by Ann about the engine.",
        "Second post by Bo: the gearbox failed twice this winter.",
        "Third post by Cy about tyres.",
    ]


def test_lines_mostly_in_the_first_text_are_not_added() -> None:
    first = "The gearbox failed twice this winter, said Bo."
    assert merge(first, "Bo: the gearbox failed twice this winter") == first
    assert merge(first, "") == first


def test_a_line_of_common_words_that_the_first_text_lacks_is_added() -> None:
    first = (
        "My container is on the default network and it can ping the other one.\n"
        "The other container is on the same network, and it is up."
    )
    # every word of the new line is somewhere in `first`, none of its phrases is
    new = "It is the network of the other one, and on it the container is up."
    assert merge(first, f"{first}\n{new}").split("\n")[-1] == new


def test_a_run_before_any_shared_line_opens_the_text() -> None:
    merged = merge(
        "Shared line of text here.", "Brand new heading words\nShared line of text here."
    )
    assert merged == "Brand new heading words\nShared line of text here."


FORUM = b"""<html><head><title>Gearbox trouble - Car Forum</title></head><body>
<div class="thread">
<div class="post"><span class="username">ann</span><p>My gearbox started grinding in second gear last week, after the car had stood outside for a month in the cold. Has anyone seen this before and found what causes it?</p></div>
<div class="post"><span class="username">bo</span><p>Mine did the same. The clutch fluid was low and the clutch did not disengage fully: topping it up fixed the grinding within a day of driving.</p></div>
<div class="post"><span class="username">cy</span><p>Check the synchromesh too. On older cars worn synchro rings grind in second first, because that is the gear shifted into at the highest speed difference.</p></div>
</div></body></html>"""


@pytest.mark.skipif(not available(), reason="resiliparse is not installed")
def test_second_opinion_reads_every_post() -> None:
    text = second_opinion(FORUM.decode()) or ""
    assert "clutch fluid was low" in text and "synchro rings" in text


def test_a_page_of_no_decided_type_keeps_trafilatura_text_when_resiliparse_agrees() -> None:
    doc = document_from_bytes("forum", "forum.html", FORUM, html=True)
    doc = Cleaner(Config()).clean(doc)
    assert "clutch fluid was low" in doc.text


SHOP = b"""<html><head><title>Candles - Shop</title></head><body>
<nav><ul><li><a href="/">Home</a></li><li><a href="/a">About</a></li><li><a href="/c">Contact</a></li><li><a href="/s">Shop</a></li></ul></nav>
<h1>Decorative candles</h1>
<ul class="grid">
<li class="tile tile-1"><a href="/p/1">Espresso Martini Glass Candle</a><span class="price">$24.50</span></li>
<li class="tile tile-2"><a href="/p/2">Romy Clover Floral Lidded Candle</a><span class="price">$23.80</span></li>
<li class="tile tile-3"><a href="/p/3">Eye Decorative Shaped Wax Candle</a><span class="price">$66.00</span></li>
<li class="tile tile-4"><a href="/p/4">Spring Bunny Figural Glass Candle</a><span class="price">$22.40</span></li>
<li class="tile tile-5"><a href="/p/5">Dirty Martini Glass Candle</a><span class="price">$35.00</span></li>
</ul>
<footer><ul><li><a href="/t">Terms of use</a></li><li><a href="/p">Privacy policy</a></li><li><a href="/j">Jobs</a></li><li><a href="/h">Help</a></li></ul></footer>
</body></html>"""


def test_page_cards_are_the_repeated_tiles_not_the_menus() -> None:
    from lxml.html import fromstring

    from cleaner.cards import page_cards

    cards = page_cards(fromstring(SHOP))
    assert len(cards) == 5
    assert cards[0] == ["Espresso Martini Glass Candle $24.50"]
    assert not any("Privacy" in line for card in cards for line in card)


def _mega_menu_panel(section: str) -> str:
    links = "".join(
        f'<li><a href="/{section}/{n}">{section.title()} resources part {n}</a></li>'
        for n in range(6)
    )
    return f'<div class="c-mega-menu--main"><h2>{section.title()}</h2><ul>{links}</ul></div>'


# A mega-menu outside any <nav>: panels alike, each a heading and links of some words.
MEGA_MENU_SHOP = SHOP.replace(
    b"<h1>",
    (
        '<div class="site-header-menus">'
        + "".join(_mega_menu_panel(s) for s in ("education", "practice", "advocacy", "news"))
        + "</div><h1>"
    ).encode(),
)


def test_a_menu_outside_nav_is_not_a_group_of_cards() -> None:
    from lxml.html import fromstring

    from cleaner.cards import page_cards

    cards = page_cards(fromstring(MEGA_MENU_SHOP))
    assert [card[0] for card in cards][:2] == [
        "Espresso Martini Glass Candle $24.50",
        "Romy Clover Floral Lidded Candle $23.80",
    ]
    unnamed = MEGA_MENU_SHOP.replace(b"c-mega-menu--main", b"panel").replace(
        b"site-header-menus", b"panels"
    )
    # The same panels under plain class names outweigh the tiles: they are the group.
    assert page_cards(fromstring(unnamed))[0][0] == "Education"


WOO_SHOP = b"""<html><body><h1>Cups</h1><ul class="products columns-4">
<li class="product type-product post-11 first instock"><a href="/p/4oz">Joco Cup 4oz</a> <span>$29.95</span></li>
<li class="product type-product post-12 instock sale"><a href="/p/6oz">Joco Cup 6oz</a> <span>$30.95</span></li>
<li class="product type-product post-13 instock"><a href="/p/8oz">Joco Cup 8oz</a> <span>$32.95</span></li>
<li class="product type-product post-14 last outofstock"><a href="/p/12oz">Joco Cup 12oz</a> <span>$34.95</span></li>
<li class="product type-product post-15 first instock"><a href="/p/16oz">Joco Cup 16oz</a> <span>$36.95</span></li>
</ul></body></html>"""


def test_tiles_whose_later_classes_differ_are_one_group_by_their_leading_class() -> None:
    from lxml.html import fromstring

    from cleaner.cards import page_cards

    # By whole class lists no four tiles are alike ("first", "last", "sale", stock).
    assert page_cards(fromstring(WOO_SHOP)) == []
    cards = page_cards(fromstring(WOO_SHOP), by_leading_class=True)
    assert [card[0] for card in cards] == [
        "Joco Cup 4oz $29.95",
        "Joco Cup 6oz $30.95",
        "Joco Cup 8oz $32.95",
        "Joco Cup 12oz $34.95",
        "Joco Cup 16oz $36.95",
    ]


def test_cards_are_added_on_a_collection_page() -> None:
    from cleaner.combine import combine

    cards = [["Dirty Martini Glass Candle", "$35.00"], ["Eye Decorative Shaped Wax Candle"]]
    text = combine("Decorative candles", "<html><body></body></html>", "collection", cards)
    assert "Dirty Martini Glass Candle" in text and "$35.00" in text
    assert combine("Decorative candles", "", "article", cards) == "Decorative candles"


INTRO = (
    "Our certificate programs give working engineers and managers the skills to lead "
    "change in their organizations, taught by faculty who do the research themselves, in "
    "person or online, in the evenings or at weekends."
)
COURSES = [
    [
        f"{topic} track",
        f"Learn how {topic.lower()} changes the way teams plan, build and ship their products.",
    ]
    for topic in (
        "Biotechnology",
        "Data Science",
        "Chief Technology Officer",
        "Sustainability",
        "Product Design",
    )
]


def test_cards_that_dwarf_an_untyped_page_text_are_added() -> None:
    """A catalogue page of no type whose text is its intro paragraph: the cards hold over
    twice its words and read as a list of like items, so every card is added."""
    from cleaner.combine import combine

    text = combine(INTRO, "<html><body></body></html>", None, COURSES)
    # none of the cards' lines is in the text: they open it (cleaner.combine.merge)
    assert text.split("\n") == [*(line for card in COURSES for line in card), INTRO]


def test_a_page_of_no_type_keeps_its_article_without_an_archive_list() -> None:
    """Links of one or two words ("March (12)") are not items, a card holding most of the
    words is a page column, and cards under twice the article are a teaser rail."""
    from cleaner.combine import combine

    months = [[f"{month} ({n})" for n in range(12)] for month in ("March", "April", "May", "June")]
    assert combine(INTRO, "<html><body></body></html>", None, months) == INTRO
    column = [*COURSES[:3], [INTRO * 8]]
    assert combine(INTRO, "<html><body></body></html>", None, column) == INTRO
    article = INTRO + " " + INTRO + " " + INTRO
    assert combine(article, "<html><body></body></html>", None, COURSES) == article


RESTAURANTS = [
    ("Bridges", "A newly starred counter on Division Street, with a short menu of raw fish."),
    ("Huso", "Caviar service and a tasting menu in a room above the shop that supplies it."),
    ("Yamada", "Kaiseki for eight guests a night, each course built around one ingredient."),
    ("Laliko", "Georgian cooking, khachapuri baked to order, and a long list of amber wines."),
    ("Noreetuh", "Hawaiian dishes in the East Village, with spam musubi and a poke of the day."),
    ("Yemenat", "Yemeni breads and stews in Brooklyn, and lamb that falls off the bone."),
]
LISTICLE_INTRO = "The Michelin stars are back in New York, and these are the honorees to book now."
LISTICLE = (
    "<html><head><title>The Michelin Star Restaurants in New York</title></head><body>"
    f"<article><h1>The Michelin Star Restaurants in New York</h1><p>{LISTICLE_INTRO}</p>"
    + "".join(
        f'<article class="venue"><h3>{name}</h3><p>{about} Book a table for two at {name} '
        "through the app, where the team releases seats thirty days ahead.</p></article>"
        for name, about in RESTAURANTS
    )
    + "</article></body></html>"
)


@pytest.mark.skipif(not available(), reason="resiliparse is not installed")
def test_an_article_whose_text_is_only_its_intro_gets_the_rest_from_resiliparse() -> None:
    """trafilatura took a listicle's intro for the article (a WCXB dev page: 89 of 5,462
    words): resiliparse's much longer text is merged."""
    merged = combine(LISTICLE_INTRO, LISTICLE, "article", [])
    assert all(about in merged for _, about in RESTAURANTS)
    assert merged.index(LISTICLE_INTRO) < merged.index(RESTAURANTS[0][1])


@pytest.mark.skipif(not available(), reason="resiliparse is not installed")
def test_an_article_text_of_some_length_stands_alone() -> None:
    text = " ".join([LISTICLE_INTRO] * 25)  # 400 words: trafilatura found an article
    assert combine(text, LISTICLE, "article", []) == text


def test_markdown_text_holds_what_its_markup_wraps() -> None:
    """In markdown mode a line is compared without its markup: "The power\\_supply
    setting…" holds the page's block "The power_supply setting…", which was taken for
    missing and added again (whole documentation pages came out twice in markdown)."""
    from cleaner.body_parts import add_missing_parts
    from cleaner.markup import markdown_key

    first = "The candles are poured by hand in small batches in our workshop."
    second = "The power_supply setting is described in the next section of this guide."
    text = f"## Guide\n\n{first}\n\n{second.replace('_', chr(92) + '_')}"
    groups = [[(first,), (second,)]]
    assert add_missing_parts(text, groups, markdown_key) == text
    assert add_missing_parts(text, groups) != text  # plain keys: the escaped line differs
    cards = [["Dirty Martini Glass Candle", "$35.00"]]
    shop = "## Candles\n\n- **Dirty Martini Glass Candle**\n- `$35.00`"
    assert combine(shop, "<html><body></body></html>", "collection", cards, key_of=markdown_key) == shop
    assert markdown_key("1. [Read **more**](https://x.example/a_b)") == "read more"
