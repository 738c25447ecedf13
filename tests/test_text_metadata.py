"""Metadata read from a text capture: the title without its site name, author and date
from bylines and datelines, and the language."""

from __future__ import annotations

import pytest

from cleaner.steps.title import domain_name, strip_site

MENU = "Home\nNews\nSport\nAbout us\n"
PROSE = (
    "The council approved the harbour works on Tuesday, after a long debate about the cost "
    "of dredging the old basin and the noise the pile drivers would make at night.\n"
)


@pytest.mark.parametrize(
    ("title", "site", "domain", "page", "stripped"),
    [
        # the last part recurs on the page (a copyright line)
        ("What is Cloud Computing? | Google Cloud", None, None, "© 2025 google cloud", "What is Cloud Computing?"),
        # ... again while the next last part does
        ("Healthy Eating Tips | Nutrition | CDC", None, None, "cdc\nnutrition", "Healthy Eating Tips"),
        # the `site` value, the domain, a domain-shaped part
        ("Harbour works start - Gazette", "Gazette", None, "", "Harbour works start"),
        ("Event Planning Process | Accruent", None, "accruent.com", "", "Event Planning Process"),
        ("Fitness Trends in 2025 - advantagefitness.com", None, None, "", "Fitness Trends in 2025"),
        # a first part only when it names the site
        ("BBC News - Harbour works start", None, "news.bbc.co.uk", "", "Harbour works start"),
        ("Mobile UX Design - The Ultimate Guide", None, None, "mobile ux design", "Mobile UX Design - The Ultimate Guide"),
        # nothing names the site: the title stays whole
        ("Spider-Man - Far From Home", None, None, "", "Spider-Man - Far From Home"),
        ("Harbour works start", "Gazette", "gazette.example", "gazette", "Harbour works start"),
        # a part too long for a site name, or too short to tell, stays
        ("A - One Two Three Four Five Six Seven", None, None, "one two three four five six seven", "A - One Two Three Four Five Six Seven"),
        ("Harbour works start - AB", None, None, "ab", "Harbour works start - AB"),
    ],
)  # fmt: skip
def test_title_loses_the_parts_that_name_the_site(title, site, domain, page, stripped) -> None:
    assert strip_site(title, site, domain, page) == stripped


def test_domain_name() -> None:
    assert domain_name("news.bbc.co.uk") == "bbc"
    assert domain_name("accruent.com") == "accruent"
    assert domain_name("localhost") == ""


def test_text_title_leaves_out_the_site_name(cleaner) -> None:
    raw = f"Harbour works start | Harbour Gazette\n{MENU}Harbour works start\n{PROSE * 3}© 2021 Harbour Gazette\n"
    doc = cleaner.clean_text(raw)
    assert doc.metadata["title"] == "Harbour works start"
    assert "Harbour works start\n" in doc.text  # the headline above the article stays
