"""The line classifier: finds the article in a text dump, in several languages."""

from __future__ import annotations

import pytest
from helpers import write_rules
from hypothesis import given, settings
from hypothesis import strategies as st

from cleaner import Cleaner, Config, RuleError, load_rules
from cleaner.document import Line
from cleaner.scripts import is_unspaced
from cleaner.steps.classify import (
    ClassifyStep,
    Judged,
    Kind,
    _is_price_line,
    _numbered_listings,
    _reads_as_item,
    looks_like_code,
)
from cleaner.steps.language import sample_line
from cleaner.text import _SENTENCE_END, ends_with_sentence_mark

MENU = ["Home", "News", "Politics", "Sport", "Culture", "Weather", "Contact"]
FOOTER = ["Impressum", "Privacy", "Terms", "Jobs", "Advertise", "Archive"]

ARTICLES = {
    "de": [
        "Stadtrat beschließt neuen Radweg",
        "Der Stadtrat hat am Dienstagabend nach einer langen Debatte beschlossen, dass entlang des Flusses ein neuer Radweg gebaut werden soll, der die beiden Ufer miteinander verbindet.",
        "Die Bauarbeiten sollen im Frühjahr beginnen und etwa ein Jahr dauern, wie die Verwaltung auf Nachfrage mitteilte. Die Kosten werden auf rund zwei Millionen Euro geschätzt.",
        "Kritik kam vor allem von den Anwohnern, die sich über den Verlust von Parkplätzen beschwerten und eine bessere Beteiligung an der Planung forderten.",
    ],
    "fr": [
        "Le conseil municipal adopte une nouvelle piste cyclable",
        "Le conseil municipal a décidé mardi soir, après un long débat, de construire une nouvelle piste cyclable le long du fleuve, qui reliera enfin les deux rives de la ville.",
        "Les travaux devraient commencer au printemps et durer environ un an, selon la mairie. Leur coût est estimé à environ deux millions d'euros.",
        "Les riverains ont surtout critiqué la perte de places de stationnement et ont demandé à être mieux associés à la suite du projet.",
    ],
    "es": [
        "El ayuntamiento aprueba un nuevo carril bici",
        "El pleno del ayuntamiento decidió el martes por la noche, tras un largo debate, construir un nuevo carril bici a lo largo del río que unirá por fin las dos orillas de la ciudad.",
        "Las obras comenzarán en primavera y durarán alrededor de un año, según informó el consistorio. El coste se estima en unos dos millones de euros.",
        "Los vecinos criticaron sobre todo la pérdida de plazas de aparcamiento y pidieron que se les tuviera más en cuenta en la planificación.",
    ],
    "ru": [
        "Городской совет одобрил новую велодорожку",
        "Во вторник вечером после долгих обсуждений городской совет решил построить вдоль реки новую велодорожку, которая наконец соединит оба берега города.",
        "Работы начнутся весной и продлятся около года, сообщили в администрации. Их стоимость оценивается примерно в два миллиона евро.",
        "Жители прежде всего критиковали потерю парковочных мест и потребовали, чтобы их мнение больше учитывали при планировании.",
    ],
}


@pytest.fixture(scope="module")
def classifier_only() -> Cleaner:
    """Only the classifier at work: no rules, no dedup."""
    return Cleaner(Config(builtin_rules=False))


def dump(article: list[str]) -> str:
    """Laid out like an html-text dump: the page title, the menu, the article, the footer."""
    return "\n".join([article[0], *MENU, *article[1:], *FOOTER])


@pytest.mark.parametrize("language", sorted(ARTICLES))
def test_article_is_found_in_four_languages(classifier_only, language) -> None:
    headline, *body = ARTICLES[language]
    doc = classifier_only.clean_text(dump(ARTICLES[language]))
    assert doc.metadata["language"] == language
    # The page title, which the menu separates from the article, goes from the text into
    # the metadata, as HTML extraction leaves it out of the text.
    assert doc.metadata["title"] == headline
    assert [line.text for line in doc.kept] == body
    assert {r.rule for r in doc.removals} <= {"classifier:short-run", "classifier:short-at-edge",
                                              "classifier:short-among-furniture"}


def test_a_headline_right_above_the_article_stays_as_its_heading(classifier_only) -> None:
    article = ARTICLES["de"]
    doc = classifier_only.clean_text("\n".join([*article, *FOOTER]))
    assert [line.text for line in doc.kept] == article
    assert doc.metadata["title"] == article[0]


def test_a_listing_of_teasers_after_the_article_goes(classifier_only) -> None:
    """Other stories, each a headline, a byline, a date and a one-paragraph summary: every
    summary is prose, but a listing is not an article."""
    article = [
        "The harbour board approved the new ferry timetable on Tuesday evening, after a debate that lasted well into the night and ended with a narrow vote.",
        "The first crossing will leave twenty minutes earlier on weekdays, so that commuters can reach the station before the first train to the city departs.",
        "Critics said the board had ignored the views of the people who live on the island and who depend on the last crossing of the evening to get home.",
        "The operator said it would review the timetable again in the spring, once it had collected figures on how many passengers used each of the crossings.",
    ]
    teasers = [
        ("Lifeboat Crew Rescues Two Sailors", "The volunteer crew was called out twice on Sunday, first to a dinghy that had capsized near the harbour mouth and then to a yacht."),
        ("Covered Market Set To Reopen", "Traders said they were relieved to be back under cover after a year of repairs to the roof, which the January storms had damaged."),
        ("Science Block Opens At Academy", "Pupils moved into six new laboratories this week, replacing classrooms that had been housed in temporary cabins for a decade."),
        ("Storm Closes Coastal Road Again", "Police asked drivers to avoid the road along the bay until the morning, when engineers will decide whether it is safe to reopen."),
        ("Council Freezes Parking Charges", "The charges in the town centre will stay as they are for another year, the council said, in the hope of bringing shoppers back."),
    ]
    listing = []
    for n, (headline, summary) in enumerate(teasers):
        listing += [headline, "Ann Bell", f"Tuesday November {12 + n}, 2019", summary]
    doc = classifier_only.clean_text("\n".join(["Ferry timetable approved", *article, *listing]))
    assert [line.text for line in doc.kept] == ["Ferry timetable approved", *article]
    summaries = {summary for _, summary in teasers}
    assert {r.rule for r in doc.removals if r.text in summaries} == {"classifier:outside-main-text"}


def test_unspaced_scripts_weigh_by_length_not_by_word_runs() -> None:
    """A run of Japanese is one \\w+ match: counted as one word, a paragraph would weigh
    less than the menu lines around it."""
    step = ClassifyStep(load_rules().classifier)
    line = Line("何が困るかといえば、パスワード管理ソフトの起動ショートカットキーと同じなのです。", 1)
    assert step.judge(line, "ja").words >= 15
    assert step.judge(Line("Home page", 1), "en").words == 2


@pytest.mark.parametrize("extra", ["", "な", "なの"])
def test_unspaced_weight_is_the_one_prose_words_counts(extra: str) -> None:
    """The classifier weighs a line of Chinese or Japanese as `Line.prose_words` counts
    it (cleaner.scripts.unspaced_word_weight), at odd lengths too: one definition."""
    step = ClassifyStep(load_rules().classifier)
    text = "何が困るかといえば、パスワード管理ソフトの起動ショートカットキーと同じ" + extra + "です。"
    line = Line(text, 1)
    assert step.judge(line, "ja").words == line.prose_words() == len(text) // 2


PARAGRAPHS = ARTICLES["fr"][1:] + ARTICLES["de"][1:]  # any prose will do for the layout tests


def test_subhead_and_one_line_quote_between_paragraphs_stay(classifier_only) -> None:
    text = ["Titel", PARAGRAPHS[0], "Ein langer Streit", PARAGRAPHS[3], "« Enfin ! »", PARAGRAPHS[4]]
    doc = classifier_only.clean_text(dump(text))
    assert [line.text for line in doc.kept] == text[1:]


def test_a_link_list_between_paragraphs_goes(classifier_only) -> None:
    links = ["Related Stories", "Mayor resigns", "Bridge to close", "New bus lines", "Rain ahead"]
    article = [PARAGRAPHS[3], *links, PARAGRAPHS[4], PARAGRAPHS[5]]
    doc = classifier_only.clean_text(dump(["Titel", *article]))
    assert [line.text for line in doc.kept] == [PARAGRAPHS[3], PARAGRAPHS[4], PARAGRAPHS[5]]
    assert {r.rule for r in doc.removals if r.text in links} == {"classifier:short-run"}


def test_a_numbered_list_in_the_article_stays(classifier_only) -> None:
    items = ["1) Le pont Neuf", "2) La passerelle", "3) Le quai nord", "4) La gare", "5) Le port"]
    doc = classifier_only.clean_text(dump(["Titel", PARAGRAPHS[3], *items, PARAGRAPHS[4]]))
    assert [line.text for line in doc.kept] == [PARAGRAPHS[3], *items, PARAGRAPHS[4]]


def test_a_list_without_its_bullets_in_the_article_stays(classifier_only) -> None:
    """A text dump drops the bullets: phrases in sentence case between paragraphs are
    still a list, where a menu's Title Case labels are not (the main block then weighs
    them as any other short lines)."""
    items = ["Die Brücke am alten Hafen", "Ein neuer Weg zum Bahnhof", "Der Markt am Sonntag",
             "Zwei Linien für den Bus", "Mehr Licht in der Altstadt"]
    body = ARTICLES["de"][1:]
    article = [" ".join(body[:2]), *items, body[2]]
    doc = classifier_only.clean_text(dump([ARTICLES["de"][0], *article]))
    assert not [r for r in doc.removals if r.text in items and r.rule == "classifier:short-run"]
    menu = ["Home", "Politics", "World News", "Local Sport", "Contact Us"]
    doc = classifier_only.clean_text(dump([ARTICLES["de"][0], article[0], *menu, body[2]]))
    assert {r.rule for r in doc.removals if r.text in menu} == {"classifier:short-run"}


def test_related_headlines_in_title_case_go(classifier_only) -> None:
    headlines = ["Mysterious Gravitational Wave Sparks Days-Long Hunt Across The Southern Sky",
                 "Massive Sinkhole Opens On A Busy Road And Drivers Casually Navigate Around It"]
    doc = classifier_only.clean_text(dump([*ARTICLES["de"], *headlines]))
    assert [line.text for line in doc.kept] == ARTICLES["de"][1:]


def test_a_keep_rule_protects_a_line_from_the_classifier(tmp_path) -> None:
    rules = write_rules(tmp_path / "rules", """
rules:
  - id: keep-weather
    description: The weather line is content on this site.
    exact: Weather
    action: keep
    tests:
      - keep: Weather
""")
    doc = Cleaner(Config(rules=(rules,), builtin_rules=False)).clean_text(dump(ARTICLES["es"]))
    assert "Weather" in [line.text for line in doc.kept]


def test_the_classifier_can_be_turned_off(tmp_path) -> None:
    text = dump(ARTICLES["es"])
    assert len(Cleaner(Config(builtin_rules=False, classifier=False)).clean_text(text).kept) == 17
    rules = write_rules(tmp_path / "rules", "classifier:\n  enabled: false\n")
    off = Cleaner(Config(rules=(rules,), builtin_rules=False))
    assert len(off.clean_text(text).kept) == 17


def test_thresholds_are_overridden_key_by_key(tmp_path) -> None:
    rules = write_rules(tmp_path / "rules", "classifier:\n  max_short_run: 50\n")
    settings = load_rules([rules]).classifier
    assert settings.max_short_run == 50 and settings.length_low == 70  # the rest: built-in
    assert load_rules().classifier.max_short_run == 3


def test_a_bad_threshold_names_file_line_and_key(tmp_path) -> None:
    rules = write_rules(tmp_path / "rules", "classifier:\n  enabled: true\n  stopwords_low: 3\n")
    with pytest.raises(RuleError, match=r"rules\.yaml:3: field 'classifier\.stopwords_low'"):
        load_rules([rules])
    rules = write_rules(tmp_path / "rules2", "classifier:\n  max_short_runs: 5\n")
    with pytest.raises(RuleError, match=r"rules\.yaml:2: field 'classifier\.max_short_runs': unknown key"):
        load_rules([rules])


def test_no_article_found_leaves_the_text(classifier_only) -> None:
    scores = ["Palm Bay d. Rockledge 70-44", "Rockledge 14 11 6 15 - 44", "Palm Bay 18 22 13 17 - 70",
              "Heritage d. Titusville 53-9", "Cocoa d. West Shore 61-21", "Viera d. Rockledge 3-1"]
    doc = classifier_only.clean_text("\n".join(scores))
    assert [line.text for line in doc.kept] == scores


SHOP_INTRO = (
    "Our desk organizers keep pens, cables and papers in their place, so your workspace stays "
    "clear and you can find what you need the moment you need it. Each one is made from "
    "solid walnut or recycled steel and ships flat in plastic-free packaging. If a piece "
    "does not suit your desk, send it back within sixty days and we will refund it in full."
)  # 64 words: over `min_article_words`, under `blurb_max_words`
WOODS = ["Walnut", "Oak", "Maple", "Cherry", "Ash", "Birch", "Teak", "Pine"]
KINDS = ["Desk Organizer", "Pen Tray", "Cable Box", "Letter Rack", "Monitor Shelf"]


def product_cards(count: int, *, priced: bool = True) -> list[str]:
    """A shop category's cards as a text dump lays them out: a name and a price each
    (or, unpriced, a directory's entries: a name and a note)."""
    lines = []
    for n in range(count):
        lines.append(f"{WOODS[n % len(WOODS)]} {KINDS[n // len(WOODS) % len(KINDS)]} No. {n}")
        lines.append(f"${20 + n}.99 Free shipping" if priced else "Free shipping")
    return lines


def test_a_blurb_above_the_page_s_cards_is_no_article(classifier_only) -> None:
    """A description is the only prose of its page: taken for the article, it would cut
    the entries below it as furniture. Under `blurb_max_words` and `blurb_max_share` of
    the text it is a blurb, and the text stays as the rules left it."""
    cards = product_cards(200, priced=False)  # the intro is under 5% of the text
    doc = classifier_only.clean_text("\n".join(["Desk Organizers", SHOP_INTRO, *cards]))
    assert doc.stats.get("classifier:no_article_found")
    assert [line.text for line in doc.kept][-2:] == cards[-2:]


def test_a_short_article_among_some_furniture_is_still_an_article(classifier_only) -> None:
    """The same paragraph in a page of ordinary size (a menu, a footer) is its article."""
    entries = product_cards(6, priced=False)
    doc = classifier_only.clean_text("\n".join([*MENU, SHOP_INTRO, *FOOTER, *entries]))
    assert not doc.stats.get("classifier:no_article_found")
    assert [line.text for line in doc.kept] == [SHOP_INTRO]


def test_a_shop_s_grid_of_priced_cards_is_its_content(classifier_only) -> None:
    """Every card holds a price and a menu none: the cards stay with the category's
    description, the menu and the footer go."""
    cards = product_cards(12)
    doc = classifier_only.clean_text("\n".join([*MENU, SHOP_INTRO, *MENU, *cards, *FOOTER]))
    assert [line.text for line in doc.kept] == [SHOP_INTRO, *cards]


@pytest.mark.parametrize("between", ["\n", "\n\n"])  # blank lines: numbers skip them
@pytest.mark.parametrize("header", ["You may also like", "Ils vont bien ensemble"])
def test_cards_after_a_recommendations_header_are_not_the_article_s(
    classifier_only, header: str, between: str
) -> None:
    article = ARTICLES["fr"]
    doc = classifier_only.clean_text(between.join([*article, header, *product_cards(6), *FOOTER]))
    assert [line.text for line in doc.kept] == article


def test_a_product_page_s_cards_are_recommendations(classifier_only) -> None:
    """On a page whose address names a product the cards are other products."""
    cards = product_cards(12)
    text = "\n".join([*MENU, SHOP_INTRO, *MENU, *cards, *FOOTER])
    doc = classifier_only.clean_text(text, url="https://shop.example/products/walnut-tray")
    assert doc.metadata["page_type"] == "product"
    assert [line.text for line in doc.kept] == [SHOP_INTRO]


REPLY = "Ich finde den Radweg gut, aber die Parkplätze hätte man an der Brücke erhalten können."


@pytest.mark.parametrize(
    ("url", "kept"),
    [
        (None, False),  # an article: a short run below it, past a menu, is another story's
        ("https://forum.example/threads/radweg.123/", True),  # a thread: a later post
        ("https://example.org/pricing/", True),  # a service page: a later section
    ],
)
def test_forum_and_service_pages_keep_their_later_parts(
    classifier_only, url: str | None, kept: bool
) -> None:
    """`main_block_whole_page_types`: below the densest run, a run worth
    `main_block_secondary_before` of it stays on a forum or service page only."""
    post = ARTICLES["de"]
    text = "\n".join([post[0], *MENU, *post[1:], *MENU, REPLY, *FOOTER])
    doc = classifier_only.clean_text(text, url=url)
    assert set(post[1:]) <= {line.text for line in doc.kept}
    assert (REPLY in [line.text for line in doc.kept]) is kept


@pytest.mark.parametrize(
    ("line", "price"),
    [
        ("$129+", True),
        ("£12.99", True),
        ("From $49 / month", True),
        ("22,91 € 26,95 €", True),
        ("1 299 kr", True),
        ("3,980円", True),
        ("Rp 150.000", True),
        ("Regular Price: $59.99", True),
        ("Save 20% on your first order", False),
        ("Top 10 picks for 2025", False),
        ("The council approved a $2 million budget for the new bridge across the river on Tuesday.", False),
    ],
)
def test_what_reads_as_a_price_line(line: str, price: bool) -> None:
    assert _is_price_line(line) is price


def test_html_pages_are_left_to_the_extractor_by_default() -> None:
    settings = load_rules().classifier
    assert settings.enabled and not settings.in_html


def test_every_threshold_is_documented_in_the_builtin_file() -> None:
    import yaml

    from cleaner.ruleset.loader import builtin_rules_dir
    from cleaner.ruleset.schema import ClassifierSettings

    documented = yaml.safe_load((builtin_rules_dir() / "classifier.yaml").read_text())["classifier"]
    assert set(documented) == set(ClassifierSettings.model_fields)
    assert ClassifierSettings.model_validate(documented) == ClassifierSettings()


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet="ab .!?…。\"”’»)-,:; \t", max_size=12))
def test_sentence_end_is_read_from_the_lines_tail_alone(text: str) -> None:
    assert ends_with_sentence_mark(text) == bool(_SENTENCE_END.search(text.rstrip()))


def test_separators_mark_short_lines_only() -> None:
    """A menu or breadcrumb line is furniture; a paragraph that ends in a source tag with
    a slash ("[M1 / MP]") is prose, however it ends."""
    step = ClassifyStep(load_rules().classifier)
    menu = Line("Home | News | Sport | Weather | Contact", 1)
    assert step.judge(menu, "en").why == "separators"
    paragraph = Line(
        "The committee said the new rules would apply from January, and that schools which "
        "had already changed their timetables would not need to change them again before "
        "the summer, when the first review of the scheme is due [M1 / MP]",
        2,
    )
    assert len(paragraph.text) > 200
    assert step.judge(paragraph, "en").first is Kind.GOOD


@pytest.mark.parametrize(
    ("text", "ends"),
    [
        ("The council met on Tuesday.", True),
        ("“Is it over?” she asked (AP).", True),
        ("Was it wrong?!", True),
        ("市议会周二晚上开会，决定修建一条新的自行车道。", True),
        ("「本当にそうなのか？」", True),
        ("นายกรัฐมนตรีกล่าวว่ารัฐบาลจะเดินหน้าโครงการนี้ต่อไป।", True),
        ("useEffect(() => { document.title = title; });", False),
        ("Home | News | Sport", False),
        ("Read more", False),
        ("“Love them moderately, for one day they may be your enemy.”", True),
        ("The vote was close (as expected.)", True),
        ("The ministers meet in Moscow (photo by the Foreign Ministry)", True),
        ("Uncategorized (51)", False),
        ("Kommentare (3)", False),
        ("Lady Beaten By Three Men In Lagos (Photos+Video)", False),
        ("print(total)", False),
    ],
)
def test_one_sentence_end_for_every_script(text: str, ends: bool) -> None:
    """Rules, classifier and language sample share one definition: 。！？ end a sentence
    in any language, a line of code does not, and a closing bracket ends one after a
    mark or a remark of several words, not after a count or a tag ("(51)", "(Photos)")."""
    assert ends_with_sentence_mark(text) is ends
    assert Line(text + " " * 3, 1).prose_words(1) > 0 if ends else True


# A line of each script, with and without the mark that ends its sentences; each is long
# enough for the classifier to judge it alone and for the language sample to take it.
_ZH = "市议会周二晚上经过长时间讨论后决定沿河修建一条新的自行车道和两座人行天桥"
_JA = "東京都は来年の春から川沿いに新しい自転車道を整備すると発表しました"
_EN = (
    "The council met on Tuesday evening and decided that a new cycle lane would be built "
    "along the river"
)
_TH = "นายกรัฐมนตรีกล่าวว่ารัฐบาลจะเดินหน้าโครงการก่อสร้างทางจักรยานริมแม่น้ำต่อไปในปีหน้า"
SENTENCE_ENDS = [
    (_ZH + "。", True),
    (_ZH + "！", True),
    (_ZH + "？", True),
    ("「" + _ZH + "？」", True),
    (_JA + "．", True),  # the full-width full stop
    (_JA + "｡", True),  # the half-width ideographic one
    (_JA + "。」", True),
    (_EN + ".", True),
    (_EN + "?”", True),
    (_ZH, False),
    (_JA, False),
    (_EN, False),
    (_ZH + "：", False),
    (_ZH + "，", False),
    (_EN + ":", False),
]


@pytest.mark.parametrize(("text", "ends"), SENTENCE_ENDS)
def test_every_step_reads_one_sentence_end(text: str, ends: bool) -> None:
    """The rules, the classifier and the language sample ask one definition
    (cleaner.text): 。！？．｡ end a sentence in every script, as .!? do, and a line that
    stops without a mark (a headline, a label) does not end one anywhere."""
    assert ends_with_sentence_mark(text) is ends
    assert sample_line(text) is ends
    judged = ClassifyStep(load_rules().classifier).judge(Line(text, 1), None)
    unmarked = ClassifyStep(load_rules().classifier).judge(Line(text.rstrip("。！？．｡」”.?:，"), 1), None)
    if ends:  # the mark alone makes the line prose: without it, it is judged lower
        assert judged.first is Kind.GOOD
        assert _KIND_ORDER.index(unmarked.first) > _KIND_ORDER.index(Kind.GOOD)
    else:
        assert judged.first is not Kind.GOOD
    assert Line(text, 1).prose_words(1) > 0 if ends else Line(text, 1).prose_words(1) == 0


_KIND_ORDER = [Kind.GOOD, Kind.NEARGOOD, Kind.SHORT, Kind.BAD]


def test_thai_has_no_sentence_mark_and_is_weighed_by_its_characters() -> None:
    """Thai ends its sentences with no mark: its line is not a sentence's end, but a
    long one is still prose to the classifier (counted by characters) and to the
    language sample (by its length)."""
    paragraph = _TH + " " + _TH
    assert not ends_with_sentence_mark(paragraph)
    assert sample_line(paragraph)
    assert not sample_line("หน้าแรก ข่าว กีฬา")  # a menu's labels
    judged = ClassifyStep(load_rules().classifier).judge(Line(paragraph, 1), "th")
    assert judged.first in (Kind.GOOD, Kind.NEARGOOD)


def test_a_thai_article_is_prose_to_the_rules_too() -> None:
    """The rules' scopes (the article's blocks, what is head and what is tail) count a
    Thai paragraph's words though it ends with no mark: a label above the article no
    longer takes it to the end of the text as the page's tail."""
    article = [
        "วันนี้อากาศดีมาก เราไปเดินเล่นที่สวนสาธารณะกับครอบครัว แล้วก็กินข้าวกลางวันที่ริมทะเลสาบ "
        "ทุกคนมีความสุขมาก เพราะไม่ได้พักผ่อนแบบนี้มานานแล้ว",
        "หลังจากนั้นเราก็กลับบ้านและทำอาหารเย็นด้วยกัน เด็กๆ ช่วยล้างผักและจัดโต๊ะ "
        "ส่วนคุณพ่อก็ทำแกงเขียวหวานที่ทุกคนชอบ เป็นวันที่ดีมากสำหรับครอบครัวของเรา",
    ]
    assert all(Line(paragraph, 1).prose_words() > 0 for paragraph in article)
    assert Line("หน้าแรก ข่าว กีฬา", 1).prose_words() == 0  # a menu's labels
    doc = Cleaner(Config()).clean_text("\n\n".join(["Categories", *article]))
    assert [line.text for line in doc.kept] == article


@pytest.mark.parametrize(
    ("text", "unspaced"),
    [
        ("市议会周二晚上开会，决定修建一条新的自行车道。", True),
        ("Python 3.12 の新機能を紹介します", True),
        ("นายกรัฐมนตรีกล่าวว่ารัฐบาลจะเดินหน้าโครงการนี้ต่อไป", True),
        ("Der Stadtrat hat am Dienstagabend beschlossen.", False),
        ("Samsung Galaxy S10 (삼성 갤럭시) review", False),
        ("The word 日本 is Japanese for Japan, and 中国 means China.", False),
    ],
)
def test_unspaced_scripts_are_told_by_their_characters(text: str, unspaced: bool) -> None:
    assert is_unspaced(text) is unspaced


@pytest.mark.parametrize("language", ["zh-tw", "ko", None])
def test_a_chinese_paragraph_is_prose_whatever_language_was_detected(language) -> None:
    """Detection can get a Chinese page wrong ("ko", or nothing): the line's own script
    says to count characters, and a paragraph with no sentence end is still prose."""
    step = ClassifyStep(load_rules().classifier)
    paragraph = Line(
        "這篇文章介紹如何在本機安裝開發環境，包括編譯器、套件管理工具以及常用的除錯工具，"
        "並說明每一個步驟可能遇到的問題和解決的方法，讓第一次接觸的讀者也能順利完成設定",
        1,
    )
    judged = step.judge(paragraph, language)
    assert judged.first in (Kind.GOOD, Kind.NEARGOOD)
    assert judged.words >= 20
    assert step.judge(Line("首頁", 2), language).first is Kind.SHORT


INSTALL = [
    "The tool runs on any machine with Python 3.11 or later, and it needs no service of its own: a virtual environment is all it takes to try it on your own files.",
    "$ python3 -m venv .venv",
    "$ .venv/bin/pip install cleaner",
    "from cleaner import clean_text",
    "doc = clean_text(open('page.txt').read())",
    "print(doc.text, doc.metadata['title'])",
    "The first run compiles the rules and loads the language profiles, which takes a second or two; after that each page is cleaned in a few milliseconds on a laptop.",
    "If a line you expected is missing from the output, ask the tool why it went: every removal names the rule that made it, and the line it was on in the input.",
]


def test_code_and_shell_lines_inside_an_article_stay(classifier_only) -> None:
    """Code has no stop words and does not end like a sentence: before, few-stopwords and
    isolated took it, and the densest-run pass cut the article at it."""
    doc = classifier_only.clean_text(dump(["Getting started", *INSTALL]))
    assert [line.text for line in doc.kept] == INSTALL


def test_the_sentence_that_introduces_code_stays_though_it_has_few_stop_words(
    classifier_only,
) -> None:
    """A line ending in a colon leads into a list or a code block: a sentence of ten words
    or more, like one ending in a full stop, not a label with few stop words."""
    intro = "Partial indexes cover rows matching one condition, saving disk space, write time, memory:"
    code = "CREATE INDEX idx_active_users ON users(email) WHERE status = 'active';"
    article = [INSTALL[0], intro, code, INSTALL[6], INSTALL[7]]
    doc = classifier_only.clean_text(dump(["Indexes", *article]))
    assert [line.text for line in doc.kept] == article


def test_a_flattened_yaml_block_inside_an_article_stays(classifier_only) -> None:
    """A YAML manifest the dump flattened onto one line ("apiVersion: v1 kind: Service
    metadata: …") is code, as a line of JSON is: between paragraphs it stays. A sentence
    with a label or two is not code."""
    manifest = (
        "apiVersion: v1 kind: Service metadata: name: my-service spec: selector: "
        "app.kubernetes.io/name: MyApp ports: - protocol: TCP port: 80 targetPort: 9376"
    )
    article = [INSTALL[0], manifest, INSTALL[6], INSTALL[7]]
    doc = classifier_only.clean_text(dump(["Getting started", *article]))
    assert [line.text for line in doc.kept] == article
    assert looks_like_code("metadata: annotations: service.kubernetes.io/internal-subnetid: x")
    assert not looks_like_code("Note: the mayor said this: we will see what happens.")
    assert not looks_like_code("Update: the council met again on Tuesday.")


def test_a_code_listing_with_its_line_numbers_stays(classifier_only) -> None:
    """A code viewer's line numbers, each on a line of its own between the code's lines,
    mark a listing: its short lines are code, not a run of short furniture. A pager's
    "1 2 3 4" with nothing between its numbers is not a listing."""
    listing = [
        "1", "import os", "2", "from twilio.rest import Client", "3",
        "account_sid = os.environ['ACCOUNT_SID']", "4", "client = Client(account_sid)",
        "5", "message = client.messages.create(", "6", "to ='+15558675310',", "7", "print(message.sid)",
    ]  # fmt: skip
    article = [INSTALL[0], *listing, INSTALL[6], INSTALL[7]]
    doc = classifier_only.clean_text(dump(["Getting started", *article]))
    assert [line.text for line in doc.kept] == article
    pager = ["1", "2", "3", "4", "5", "Next"]
    doc = classifier_only.clean_text(dump(["Getting started", *INSTALL[:1], *INSTALL[6:], *pager]))
    assert not set(pager) & {line.text for line in doc.kept}


def test_a_listing_is_looked_for_from_each_number_of_a_chain() -> None:
    """A chain that fails from its first number is tried again from each later one: six
    numbers of a pager and then four with a line of code after each is a listing from
    "5" on (six numbers, three lines between them: half), not from "1" to "4". Each
    line's chain is counted once, so ten thousand numbers cost as little as ten."""
    texts = [*map(str, range(1, 7)), "7", "x = 1", "8", "y = 2", "9", "z = 3", "10", "w = 4"]
    judged = [Judged(Line(text, n), Kind.SHORT, Kind.SHORT) for n, text in enumerate(texts, 1)]
    for item in judged:
        item.shape = "code" if "=" in item.line.text else ""
    _numbered_listings(judged)
    assert [item.line.text for item in judged if item.shape == "code"] == texts[4:]
    assert judged[4].kind is Kind.NEARGOOD and judged[3].kind is Kind.SHORT


def test_an_article_made_of_code_blocks_stays_whole(classifier_only) -> None:
    """A technical article's sections are a subhead, a sentence and a code block the dump
    flattened onto one line (SQL with its comments, a Mermaid diagram, CSS): the code is
    the content, so it counts as prose in the densest run, and the article is not cut
    after its first section."""
    sections = [
        "Using EXPLAIN ANALYZE",
        "First see what your query really does.",
        "-- Basic usage -- shows the plan with execution times EXPLAIN ANALYZE SELECT u.name, "
        "COUNT(o.id) AS order_count FROM users u LEFT JOIN orders o ON o.user_id = u.id GROUP BY u.name",
        "B-tree Indexes",
        "B-tree indexes suit equality and ranges:",
        "-- Create an index on a column used in WHERE clauses -- B-tree is the default type "
        "CREATE INDEX idx_users_email ON users(email) -- Multi-column index for combined queries",
        "Choosing an Index",
        "Pick it from your most common queries.",
        "flowchart TD A[Choose Index Type] --> B{Query Type?} B -->|Equality/Range| C[B-tree] "
        "B -->|Full-text Search| D[GIN with tsvector] B -->|Geometric| E[GiST]",
        "Styling the Report",
        "The report needs a few rules only.",
        "body { font-family: sans-serif; margin: 0; } header { background: purple; "
        "height: 100px; } h1 { text-align: center; color: white; }",
    ]
    article = [INSTALL[0], *sections, INSTALL[6], INSTALL[7]]
    doc = classifier_only.clean_text(dump(["Query optimization", *article]))
    assert [line.text for line in doc.kept] == article


@pytest.mark.parametrize(
    ("line", "code"),
    [
        ("return total;", True),
        ("int count = 0;", True),
        ("import java.util.List;", True),
        ("json.dump(obj, fp, skipkeys = False, ensure_ascii = True, indent = None)", True),
        ("SELECT name, email FROM users WHERE active ORDER BY name", True),
        ("graph LR A[Client] --> B[Load balancer] B --> C[Server]", True),
        ("does not correspond with the subject of the post;", False),
        ("violates the rights of minors, causing them harm in any form;", False),
        ("$ 599.00 Add to cart", False),
        ("$ pip install cleaner", True),
        ("Select the items you want, then click Update.", False),
    ],
)
def test_what_reads_as_code(line: str, code: bool) -> None:
    """A legal list's items end in ";" and a price starts with "$ ": neither is code."""
    assert looks_like_code(line) is code


def test_code_between_furniture_still_goes(classifier_only) -> None:
    widget = ["Subscribe", "var _gaq = _gaq || []; _gaq.push(['_setAccount']);", "Contact"]
    doc = classifier_only.clean_text("\n".join([*INSTALL[:1], *INSTALL[6:], *FOOTER, *widget]))
    assert widget[1] not in [line.text for line in doc.kept]


def test_a_table_inside_an_article_stays(classifier_only) -> None:
    table = [
        "Motivation % of Respondents Rank",
        "Energy and Focus 61.59% 1",
        "Gut Health and Digestion 45.61% 2",
        "Brain Function 44.92% 3",
        "Immune Support 37.50% 4",
    ]
    before = "The survey asked more than two thousand adults why they had changed the way they eat over the past year, and which of the reasons mattered most to them."
    after = "Energy came first for every age group, although older respondents were much more likely than younger ones to name their digestion as well."
    more = "The authors say the figures suggest that people now judge food by how it makes them feel during the day, rather than by how many calories it holds."
    doc = classifier_only.clean_text(dump(["Survey", before, *table, after, more]))
    assert [line.text for line in doc.kept] == [before, *table, after, more]


def test_a_cut_short_paragraph_ends_the_article_but_teasers_do_not_join_it(
    classifier_only,
) -> None:
    """A summary cut short ("…") brings nothing to a block: right after the article (a
    paywall's last paragraph) it stays with it; in a listing of teasers it goes."""
    article = PARAGRAPHS[:4]
    paywalled = "The committee is expected to publish its report in the spring, when the ministers will have to decide whether the …"
    teasers = [
        "Lifeboat Crew Rescues Two Sailors",
        "The volunteer crew was called out twice on Sunday, first to a dinghy that had capsized near the harbour mouth and then to…",
        "Covered Market Set To Reopen",
        "Traders said they were relieved to be back under cover after a year of repairs to the roof, which the storms… Read more",
        "Science Block Opens At Academy",
        "Pupils moved into six new laboratories this week, replacing classrooms that had been housed in temporary cabins…",
    ]
    doc = classifier_only.clean_text(dump(["Titel", *article, paywalled, "Most read", *teasers]))
    assert [line.text for line in doc.kept] == [*article, paywalled]


def test_an_article_split_by_a_gallery_keeps_both_blocks(classifier_only) -> None:
    """The second block holds under half the first's words: still the article."""
    first = [
        "The harbour board approved the new ferry timetable on Tuesday evening, after a debate that lasted well into the night and ended with a narrow vote.",
        "The first crossing will leave twenty minutes earlier on weekdays, so that commuters can reach the station before the first train to the city departs.",
        "Critics said the board had ignored the views of the people who live on the island and who depend on the last crossing of the evening to get home.",
        "The operator said it would review the timetable again in the spring, once it had collected figures on how many passengers used each of the crossings.",
    ]
    gallery = ["Photo 1 of 12", "GETTY IMAGES", "Swipe for more photos", "Passengers by month", "Source: Harbour Board"]
    second = [
        "Islanders have until the end of the month to send their comments to the board, which has promised to publish every one of them in full.",
        "A public meeting will be held in the village hall on the first Monday of next month.",
    ]
    doc = classifier_only.clean_text(dump(["Ferry timetable approved", *first, *gallery, *second]))
    kept = [line.text for line in doc.kept]
    assert kept[: len(first)] == first and kept[-len(second) :] == second


def test_a_live_feed_after_the_article_goes(classifier_only, monkeypatch) -> None:
    """Time stamps between the items make a feed: its summaries are prose, but the
    stamps cost more than a line of furniture, so the feed is no second block."""
    article = [
        "The harbour board approved the new ferry timetable on Tuesday evening, after a debate that lasted well into the night and ended with a narrow vote.",
        "The first crossing will leave twenty minutes earlier on weekdays, so that commuters can reach the station before the first train to the city departs.",
        "Critics said the board had ignored the views of the people who live on the island and who depend on the last crossing of the evening to get home.",
        "The operator said it would review the timetable again in the spring, once it had collected figures on how many passengers used each of the crossings.",
        "Islanders have until the end of the month to send their comments to the board, which has promised to publish every one of them in full on its website.",
        "A public meeting will be held in the village hall on the first Monday of next month, and the chairman of the board has said that he will attend it himself.",
        "The island's councillor said she welcomed the meeting, but that the board should have held it before the vote rather than after it, as the islanders had asked.",
        "The new timetable will come into force on the first of March, and the old one will remain in place until then, with the usual extra crossings at weekends.",
    ]
    feed = []
    for n, summary in enumerate(
        [
            "Between Tuesday's hearings, leaders from both parties gave a preview of how the trial could play out in the chamber and how long they expected it to last, and which witnesses might be called.",
            "The chairman and the ranking member made their closing remarks on Tuesday after a day of testimony from two former officials, who both said they had raised their concerns at the time.",
            "Lawmakers returned to the chamber after a break of two hours, and the first witness of the afternoon was sworn in shortly before four o'clock, with the room still half empty.",
            "The committee's lawyers questioned the witness for forty-five minutes each, and the members then took turns of five minutes, alternating between the two parties until the evening.",
            "Protesters outside the building held up signs for the cameras, and the police closed two of the streets around it for most of the day to keep the entrance to the garage clear.",
        ]
    ):
        feed += [f"{7 + n}H ago 0{n}:51", f"Day 3, Part {16 - n}", summary]
    page = dump(["Ferry timetable approved", *article, "Live updates", *feed])
    kept = [line.text for line in classifier_only.clean_text(page).kept]
    assert kept == article
    monkeypatch.setattr("cleaner.steps.classify.FEED_STAMP_WEIGHT", 1)
    kept = [line.text for line in Cleaner(Config(builtin_rules=False)).clean_text(page).kept]
    assert kept != article  # without the stamps' weight the feed would stay


@pytest.mark.parametrize(
    ("text", "shape"),
    [
        ("$ pip install cleaner", "code"),
        ("sudo apt-get install -y python3-venv", "code"),
        ("def sensitive_fbv(request, *args, **kwargs):", "code"),
        ("});", "code"),
        ("Energy and Focus 61.59% 1", "table"),
        ("1. Harvard Business School", "list"),
        ("• Preheat the oven to 200 degrees.", "list"),
        ("Pupils moved into six new laboratories this week, replacing classrooms…", "teaser"),
        ("The storms damaged the roof… Read more", "teaser"),
        ("Alle Nachrichten Weiterlesen ›", "teaser"),
        ("7H ago 08:51", "stamp"),
        ("vor 3 Stunden", "stamp"),
        ("Home | News | Sport | Weather | Contact", ""),
        ("Tuesday November 12, 2019", ""),
        ("The council (which met on Tuesday) voted for the bridge.", ""),
        ("He said he wanted to hear more from the residents before the vote.", ""),
    ],
)
def test_line_shapes(text: str, shape: str) -> None:
    from cleaner.steps.classify import shape_of

    assert shape_of(text) == shape


def test_a_table_of_29000_short_lines_is_classified_in_linear_time() -> None:
    """Issue 26: a 3 MB CSV-like text failed after 120 s (0.5 MB: 9.5 s, 1 MB: 35 s), each
    line walking out to its nearest good or bad neighbour. CPU time, not wall time: the
    bound holds on a loaded machine and is a tenth of what the quadratic walk took."""
    import random
    import time

    from cleaner import Cleaner, Config

    chooser = random.Random(1)
    rows = [",".join(str(chooser.randint(0, 99999)) for _ in range(12)) for _ in range(29_000)]
    cleaner = Cleaner(Config())
    started = time.process_time()
    doc = cleaner.clean_text("\n".join(rows))
    assert time.process_time() - started < 12
    assert doc.text  # no article found: the table is kept rather than emptied


def test_a_spec_list_after_a_fact_of_few_stop_words_stays(classifier_only) -> None:
    """A list's own item that is bad alone (a labelled fact of few stop words) stands
    between the prose and the rest of the list: the list is still enclosed by prose. A
    run of related headlines behind more than two such lines still goes."""
    intro = ("The compact refractor is a fine choice for a first imaging rig, and it is "
             "light enough to travel with on a small mount for a weekend under dark skies.")
    fact = "Portable imaging rigs: Especially strong with modern APS-C astronomy cameras"
    specs = ["Askar SQA55", "Diameter: 55mm", "Focal Length: 264mm", "Focal Ratio: f/4.8",
             "Weight: 4 lbs"]
    after = ("The quintuplet design needs no field flattener, so the stars stay round to the "
             "corners of the frame, which is what most of us want from a small telescope.")
    doc = classifier_only.clean_text(dump(["Best telescopes", intro, fact, *specs, after]))
    kept = [line.text for line in doc.kept]
    assert kept[kept.index(intro):] == [intro, fact, *specs, after]
    headlines = [
        "Asteroid warning: NASA reveals dates asteroid Apophis could hit Earth soon",
        "Black hole shock: Supermassive blackhole creating stars at furious rate",
        "Asteroid swarm: NASA tracks three large space rocks barreling towards Earth tomorrow",
    ]
    links = ["Find us on Facebook", "Check us on the web", "Subscribe to our feed",
             "Order back issues now"]
    doc = classifier_only.clean_text(dump(["Best telescopes", intro, *headlines, *links, after]))
    assert {r.rule for r in doc.removals if r.text in links} == {"classifier:short-run"}


SENTENCES = [
    "The council voted on Tuesday to rebuild the old bridge over the river before the winter floods arrive again.",
    "Traders at the covered market said they were relieved to be back under a roof after a year of repairs.",
    "The harbour master warned that the new ferry timetable would leave the island without a boat on Sundays.",
    "Pupils moved into six new laboratories this week, replacing classrooms that had stood in cabins for a decade.",
    "The library will open late on Thursdays from next month, after readers asked for more time in the evenings.",
    "Volunteers have restored the museum's oldest clock, which had not struck the hour since the great storm.",
    "Engineers said the station roof was safe but that the footbridge would stay closed until the spring.",
    "Residents of the hill streets asked for a second bus, since the only one they have is full by eight.",
    "The bakery on the square has won a prize for its bread, and its owners plan to hire two more bakers.",
    "A new path along the cliffs will link the two beaches, and walkers will no longer need to use the road.",
]


def test_a_run_between_two_kept_runs_needs_only_the_share_above(classifier_only) -> None:
    """An article in three parts: its middle part, worth less than `main_block_secondary`
    of the densest run, stays when the part below it is worth `main_block_between` of
    it; below a weaker run it goes."""
    labels = ["Home", "Politics", "World News", "Local Sport", "Contact Us", "Weather"]
    main = [" ".join(SENTENCES[0:2]), " ".join(SENTENCES[2:4])]  # 75 words
    middle = [SENTENCES[4]]  # 19 words: under 0.3 of the main run, over 0.1
    strong = [SENTENCES[5], " ".join(SENTENCES[6:8])]  # 55 words: 0.4 of it and more
    weak = [SENTENCES[8] + " Its shop opens at seven every morning."]  # 28 words: kept
    # below (over 0.3 of the main run), but under 0.4 of it
    for below, stays in ((strong, True), (weak, False)):
        doc = classifier_only.clean_text(
            dump(["Titel", *main, *labels, *middle, *labels[::-1], *below])
        )
        kept = [line.text for line in doc.kept]
        assert set(main + below) <= set(kept)
        assert (middle[0] in kept) is stays


def test_feature_items_with_a_dash_for_a_colon_belong_to_the_article(classifier_only) -> None:
    """"Compact Footprint – maximize workspace…": a feature list's items, labelled with
    an en or em dash, read as items like "Label: value" facts, and the paragraph after
    them stays in the article's block; a hyphen does not label ("Page title - Site")."""
    intro = " ".join(SENTENCES[0:4])
    items = [
        "Tall Vertical Lift – extends higher than most converters",
        "Compact Footprint – maximize workspace with straight movement",
        "Two-Tiered Design — upper surface for monitors and laptops",
        "Adjustable Keyboard Tray – fix it to the lower level",
    ]
    closing = SENTENCES[4]
    doc = classifier_only.clean_text(dump(["Titel", intro, *items, closing]))
    kept = [line.text for line in doc.kept]
    assert kept[kept.index(intro) : kept.index(intro) + 6] == [intro, *items, closing]
    assert not _reads_as_item("Turning off all LEDs of the board - Raspberry Pi Forums")
