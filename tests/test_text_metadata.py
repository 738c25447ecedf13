"""Metadata read from a text capture: the title without its site name, author and date
from bylines and datelines, and the language."""

from __future__ import annotations

import pytest
from helpers import write_rules

from cleaner import Cleaner, Config
from cleaner.dates import canonical_date, parse_date
from cleaner.document import Document, Line
from cleaner.pipeline import document_record
from cleaner.scripts import count_words
from cleaner.steps.language import LanguageStep
from cleaner.steps.rules import NEAR_PROSE_LINES
from cleaner.steps.title import domain_name, headline_on_page, strip_site

MENU = "Home\nNews\nSport\nAbout us\n"
PROSE = (
    "The council approved the harbour works on Tuesday, after a long debate about the cost "
    "of dredging the old basin and the noise the pile drivers would make at night.\n"
)
ARTICLE = PROSE + (
    "Residents of the quarter had asked for the work to stop at eight in the evening, and "
    "the council agreed to that after the mayor spoke in their favour.\n"
    "The first ships are expected to use the new quay in the spring of next year, when the "
    "cranes that were ordered from Rotterdam have been delivered and tested.\n"
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
        # a short part after a bar is a site or section name, after a dash it may not be
        ("Data Analytics Agency | Punto Rojo", None, None, "", "Data Analytics Agency"),
        ("Star Wars - Episode IV", None, None, "", "Star Wars - Episode IV"),
        ("Harbour works | Why the council voted for the new quay", None, None, "", "Harbour works | Why the council voted for the new quay"),
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


def test_the_headline_on_the_page_is_the_title(cleaner) -> None:
    """Whichever end of the page title the site takes, the run of its parts that is a
    line of the page by itself is the headline."""
    for page_title in (
        "How to Book a Flight for Beginners | It's All Trip To Me",
        "Frommers | How to Book a Flight for Beginners",
        "How to Book a Flight for Beginners - Travel Tips - Frommers",
    ):
        raw = f"{page_title}\n{MENU}How to Book a Flight for Beginners\n{PROSE * 3}"
        assert cleaner.clean_text(raw).metadata["title"] == "How to Book a Flight for Beginners"
    assert headline_on_page("Harbour works | Gazette", {"harbour works | gazette"}) is None


# --- language -------------------------------------------------------------------------------

ZH_LINES = [
    "北京市政府周三宣布，将在明年扩大地铁网络。",
    "新线路将连接城市东部和西部的主要住宅区。",
    "官员表示，工程预计耗资约三百亿元人民币。",
    "许多市民对这一计划表示欢迎，认为能缓解交通拥堵。",
    "也有专家担心施工期间会对周边居民造成影响。",
    "市政府承诺将在施工前举行公开听证会。",
]
LATIN_MENU = [
    "Home", "Sign in", "Weather forecast and radar maps", "Sport results and fixtures",
    "Business and markets today", "Technology reviews and gadgets", "Entertainment and arts",
    "Travel destinations worldwide", "Health and wellbeing advice", "Newsletters and podcasts",
]  # fmt: skip
LANGUAGE_MENU = (
    "Change language & content: Afrique francophone (français) América Latina (español) "
    "Argentina (español) Australia (English) België (Nederlands) Belgique (français) Brasil "
    "(português) Chile (español) Colombia (español) España (español) México (español) Perú "
    "(español) United States (español) Venezuela (español) 日本 (日本語)"
)


def _language(cleaner, raw: str) -> tuple[str | None, float | None]:
    record = document_record(cleaner.clean_text(raw))
    return record["language"], record["language_confidence"]


def test_chinese_sentences_are_sampled_though_each_is_one_word(cleaner) -> None:
    language, confidence = _language(cleaner, "\n".join(LATIN_MENU + ZH_LINES) + "\n")
    assert language == "zh-cn" and confidence > 0.9


def test_a_language_menu_is_not_sampled(cleaner) -> None:
    raw = "\n".join(["Sign in", LANGUAGE_MENU, "Harbour works start", PROSE * 2, PROSE]) + "\n"
    assert _language(cleaner, raw)[0] == "en"


def test_the_longest_run_of_prose_is_sampled_first(cleaner) -> None:
    cookie = (
        "Vous pouvez à tout moment gérer vos préférences ou retirer votre consentement en "
        "accédant à notre politique de confidentialité et à nos conditions d'utilisation.\n"
    )
    raw = cookie + "Accepter\nRefuser\nHarbour works start\n" + ARTICLE
    assert _language(cleaner, raw)[0] == "en"


def test_too_little_text_has_neither_language_nor_confidence(cleaner) -> None:
    assert _language(cleaner, "Home\nAbout\n") == (None, None)


def test_language_is_detected_again_on_the_text_that_is_kept() -> None:
    german = "Die Regierung hat am Dienstag neue Regeln für den Hafen beschlossen und verkündet."
    doc = Document(id="d", source="d", raw="")
    doc.lines = [Line(german, 1), Line(german.replace("Dienstag", "Mittwoch"), 2)]
    doc.lines += [Line(text, n) for n, text in enumerate(ARTICLE.splitlines()[:1], 3)]
    step = LanguageStep()
    step(doc)
    assert doc.metadata["language"] == "de"
    for line in doc.lines[:2]:
        doc.drop(line, step="test", rule="test")
    step(doc)  # after the cleaning: the sample has changed
    assert doc.metadata["language"] == "en"
    doc.drop(doc.lines[2], step="test", rule="test")
    step(doc)  # nothing left to tell
    assert doc.metadata["language"] is None and doc.metadata["language_confidence"] is None


def test_a_language_set_by_the_input_stays() -> None:
    doc = Document(id="d", source="d", raw="", metadata={"language": "pt"})
    doc.lines = [Line(text, n) for n, text in enumerate(ARTICLE.splitlines(), 1)]
    step = LanguageStep()
    step(doc)
    doc.drop(doc.lines[0], step="test", rule="test")
    step(doc)
    assert doc.metadata["language"] == "pt"


def test_a_text_without_language_is_cleaned_not_dropped(cleaner) -> None:
    raw = "12 34 56\n78 90 12\n++ -- ==\n34 56 78 90\n"
    assert _language(cleaner, raw) == (None, None)
    assert cleaner.clean_text(raw).text.strip()


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("Hello world", 2),
        ("東京は晴れ", 5),  # Han and kana: a word a character
        ("iPhone发布会", 4),
        ("北京市政府周三宣布。", 9),  # the full stop is not a word
        ("한국어 텍스트 입니다", 3),  # Korean is spaced: counted by its spaces
        ("สวัสดีครับ", 7),  # Thai by its letters, not its vowel and tone marks
        ("— | x", 3),  # elsewhere, runs between spaces as before
    ],
)
def test_words_count_unspaced_scripts_by_character(text, words) -> None:
    assert count_words(text) == words


def test_the_record_counts_chinese_words_by_character(cleaner) -> None:
    doc = cleaner.clean_text("\n".join(ZH_LINES) + "\n")
    record = document_record(doc)
    han = sum(1 for ch in doc.text if "\u4e00" <= ch <= "\u9fff")
    assert record["words"] == han > 100


# --- bylines and datelines ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "iso"),
    [
        ("2017年1月18日", "2017-01-18"),
        ("2017年1月18日 11:30", "2017-01-18T11:30:00"),
        ("2017년 1월 18일", "2017-01-18"),
        ("18. Januar 2017", "2017-01-18"),
        ("18 janvier 2017", "2017-01-18"),
        ("3 mars 2019 à 10h00", "2019-03-03T10:00:00"),
        ("18 de enero de 2017", "2017-01-18"),
        ("22 de outubro de 2010 às 20:13", "2010-10-22T20:13:00"),
        ("18 gennaio 2017", "2017-01-18"),
        ("18 januari 2017", "2017-01-18"),
        ("18 января 2017 г.", "2017-01-18"),
        ("18 stycznia 2017", "2017-01-18"),
        ("Mittwoch, 20. November 2019 um 14:05 Uhr", "2019-11-20T14:05:00"),
        ("2017年13月40日", None),  # no such day
        ("18 janvier", None),  # no year: never filled in
    ],
)
def test_dates_in_other_languages(text, iso) -> None:
    assert parse_date(text) == iso


def _near_prose_cleaner(tmp_path) -> Cleaner:
    folder = write_rules(
        tmp_path / "rules",
        "rules:\n  - id: by\n    description: a byline\n    regex: '^By (?P<author>\\w+ \\w+)$'\n"
        "    case_sensitive: true\n    where: near-prose\n    tests:\n      - drop: By Jane Smith\n",
    )
    return Cleaner(Config(rules=(folder,), builtin_rules=False, classifier=False))


def test_near_prose_rule_fires_next_to_prose_wherever_it_is(tmp_path) -> None:
    cleaner = _near_prose_cleaner(tmp_path)
    cookie = "We use cookies to improve your experience on our site, and you can opt out of them at any time.\n"
    doc = cleaner.clean_text(cookie + "Menu\nHarbour works start\nBy Jane Smith\n" + ARTICLE)
    assert doc.metadata["author"] == "Jane Smith"  # after the cookie notice: not in the head
    assert "By Jane Smith" not in doc.text


def test_near_prose_rule_leaves_lines_far_from_prose(tmp_path) -> None:
    cleaner = _near_prose_cleaner(tmp_path)
    menu = "".join(f"Item {n}\n" for n in range(NEAR_PROSE_LINES + 1))
    doc = cleaner.clean_text("By Use Case\n" + menu + ARTICLE)
    assert doc.metadata.get("author") is None and "By Use Case" in doc.text


def test_byline_after_page_furniture_is_found_and_goes(cleaner) -> None:
    cookie = "We use cookies to improve your experience on our site, and you can opt out of them at any time.\n"
    raw = (
        cookie
        + MENU
        + "Harbour works start\nby Steven Musil January 18, 2017 11:00 PM PST\n"
        + ARTICLE
    )
    doc = cleaner.clean_text(raw)
    assert (doc.metadata["author"], doc.metadata["date"]) == (
        "Steven Musil",
        "2017-01-18T00:00:00+00:00",
    )
    assert "Steven Musil" not in doc.text


@pytest.mark.parametrize(
    ("line", "author", "date"),
    [
        ("Dan Goodin - Apr 16, 2015", "Dan Goodin", "2015-04-16"),
        ("Par Jean Dupont, le 18 janvier 2017", "Jean Dupont", "2017-01-18"),
        ("Von Hans Müller", "Hans Müller", None),
        ("Por Juan Pérez - 18 de enero de 2017", "Juan Pérez", "2017-01-18"),
        ("Автор: Иван Петров", "Иван Петров", None),
        ("Door Jan de Vries, 18 januari 2017", "Jan de Vries", "2017-01-18"),
        ("Autor: Jan Kowalski", "Jan Kowalski", None),
        ("作者：王小明", "王小明", None),
        # an update's date only where the page states no date of publication
        ("By Richard Garner Updated Sep 5, 2024", "Richard Garner", "2024-09-05"),
        ("Aktualisiert am 20. November 2019", None, "2019-11-20"),
        ("Last Updated: Dec 17, 2025 • 5 min read", None, "2025-12-17"),
        ("Veröffentlicht am 20. November 2019", None, "2019-11-20"),
        ("2017年1月18日 11:00", None, "2017-01-18T11:00:00"),
        ("Опубликовано: 18 января 2017 г., 11:00", None, "2017-01-18T11:00:00"),
    ],
)
def test_bylines_and_datelines_of_several_languages(cleaner, line, author, date) -> None:
    doc = cleaner.clean_text(f"Harbour works start\n{line}\n{ARTICLE}")
    # The outputs' one form (`canonical_date`) of the date parse_date reads.
    assert (doc.metadata.get("author"), doc.metadata.get("date")) == (
        author,
        canonical_date(date)[0],
    )
    assert line not in doc.text


def test_a_stated_publication_date_wins_over_an_update(cleaner) -> None:
    for lines in (
        "Updated: Dec 17, 2025\nPublished: March 3, 2025",
        "Published: March 3, 2025\nUpdated: Dec 17, 2025",
    ):
        doc = cleaner.clean_text(f"Harbour works start\n{lines}\n{ARTICLE}")
        assert doc.metadata["date"] == canonical_date("2025-03-03")[0]


def test_a_section_heading_above_a_date_is_no_author(cleaner) -> None:
    doc = cleaner.clean_text(f"Harbour works start\nRecent Posts\nMarch 3, 2025\n{ARTICLE}")
    assert doc.metadata["author"] is None
    doc = cleaner.clean_text(f"Harbour works start\nAndrew King\nMarch 3, 2025\n{ARTICLE}")
    assert doc.metadata["author"] == "Andrew King"
