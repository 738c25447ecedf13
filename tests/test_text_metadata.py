"""Metadata read from a text capture: the title without its site name, author and date
from bylines and datelines, and the language."""

from __future__ import annotations

import pytest

from cleaner.document import Document, Line
from cleaner.pipeline import document_record
from cleaner.scripts import count_words
from cleaner.steps.language import LanguageStep
from cleaner.steps.title import domain_name, strip_site

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
