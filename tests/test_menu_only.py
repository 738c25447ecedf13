"""A document left with only a menu comes out empty (cleaner/steps/menu_only.py)."""

from __future__ import annotations

import pytest

from cleaner import Cleaner, Config
from cleaner.readers.text import document_from_bytes
from cleaner.steps.menu_only import menu_only, page_title_only
from cleaner.steps.rules import site_domain

SHOP_SHELL = ["Cart (0)", "Back", "Shop", "Trade In", "The Cleanest Line", "${{amount}}"]


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        (SHOP_SHELL, True),
        (["Aliexpress", "I'm shopping for..."], True),  # an ellipsis ends no sentence
        (["How It Works", "For Providers", "Find a therapist"], True),
        (["Beatrice Tan Rug"], False),  # one line alone: a record can be just a headline
        (["Storm closes the coast road", "The road reopens on Monday."], False),  # a sentence
        (["Menu", "Ferries now leave the harbour at six each morning"], False),  # 9 words
        ([f"Item {n}" for n in range(30)], False),  # 60 words: a listing, not a menu
        (["首页", "东京今天的天气晴朗气温二十度"], False),  # Han letters count one each
        (["12 34 56", "78 90 12", "++ -- ==", "Total"], False),  # figures, not a menu
    ],
)
def test_menu_only(lines: list[str], expected: bool) -> None:
    assert menu_only(lines, max_words=50) is expected


def test_a_page_of_menu_lines_is_emptied_and_audited() -> None:
    doc = Cleaner(Config()).clean_text("\n".join(SHOP_SHELL), id="shell")
    assert doc.text == ""
    assert {r.rule for r in doc.removals} == {"menu-only"}
    assert len(doc.removals) == len(SHOP_SHELL)


def test_switched_off_the_menu_stays() -> None:
    doc = Cleaner(Config(menu_only_words=0)).clean_text("\n".join(SHOP_SHELL), id="shell")
    assert "Trade In" in doc.text


def test_an_app_shell_page_has_no_text() -> None:
    """A page drawn by its scripts: its header menu is all the HTML holds."""
    html = (
        "<html><head><title>Therapy that works</title></head><body>"
        "<header><nav><a href='/how'>How It Works</a><a href='/pro'>For Providers</a>"
        "<a href='/join'>Join Alma</a><a href='/find'>Find a therapist</a></nav></header>"
        "<div id='root'></div><script>window.app = {}</script></body></html>"
    )
    doc = document_from_bytes("shell", "shell", html.encode(), html=True)
    doc = Cleaner(Config()).clean(doc)
    assert doc.text == ""
    assert "menu-only" in {r.rule for r in doc.removals}
    assert doc.metadata["title"] == "Therapy that works"


def test_a_short_page_with_a_sentence_keeps_it() -> None:
    doc = Cleaner(Config()).clean_text("Notice\nThe office is closed on Monday.", id="notice")
    assert "The office is closed on Monday." in doc.text


@pytest.mark.parametrize(
    ("lines", "url", "expected"),
    [
        (
            ["Beatrice Tan Rug | Ruggable US"],
            "https://ruggable.com/products/rug",
            "Beatrice Tan Rug",
        ),
        (
            ["Express - Men's & Women's Clothing"],
            "https://www.express.com/c",
            "Men's & Women's Clothing",
        ),
        (["Storm closes the coast road | Daily Planet"], None, "Storm closes the coast road"),
        (["Storm closes the coast road"], None, None),  # no site's name: a record's headline
        (["2025 in Review: My favorite new-to-me games"], "https://example.org/x", None),
        ([" ".join(["word"] * 31) + " | Harbour News"], None, None),  # too long for a title
        (["Rug | Ruggable US", "Cart"], "https://ruggable.com/p", None),  # two lines
    ],
)
def test_page_title_only(lines: list[str], url: str | None, expected: str | None) -> None:
    assert page_title_only(lines, None, site_domain(url)) == expected


def test_a_dump_of_only_the_page_title_is_emptied_and_keeps_its_title() -> None:
    """A text dump of a page whose scripts draw its content holds only its <title>."""
    doc = Cleaner(Config()).clean_text(
        "Online Therapy That Fits You | Cerebral", id="shell", url="https://cerebral.com/"
    )
    assert doc.text == ""
    assert [r.rule for r in doc.removals] == ["title-only"]
    assert doc.metadata["title"] == "Online Therapy That Fits You"


def test_a_one_line_record_without_a_site_name_is_kept() -> None:
    doc = Cleaner(Config()).clean_text("Storm closes the coast road", id="record")
    assert doc.text == "Storm closes the coast road\n"
