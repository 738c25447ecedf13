"""An article in several blocks: rules that reach to the end or from the start, and
near repeats, leave the article's blocks alone (issue 22, part 1)."""

from __future__ import annotations

from cleaner import Cleaner, Config
from cleaner.blocks import blocks, max_subarray

TEASERS = [
    "Editor's picks",
    "The harbour board approved the new ferry timetable on Tuesday evening, after a debate that lasted well into the night and ended with a narrow vote. The first crossing will leave twenty minutes earlier on weekdays, so that commuters can reach the station before the first train to the city departs, and the last one will leave half an hour later.",
    "More stories",
    "Weather",
    "Sport",
    "Critics said the board had ignored the views of the people who live on the island and who depend on the last crossing of the evening to get home. The operator said it would review the timetable again in the spring, once it had collected figures on how many passengers used each of the crossings during the winter months.",
    "Business",
    "The covered market will reopen next month after a year of repairs to its roof, which the storms of last January had damaged so badly that the traders had to move into tents in the square outside, and the council has promised that the rents will stay as they were before the closure for at least another year.",
    "Home",
    "World",
    "Politics",
]
ARTICLE = [
    "The ministers met in Geneva on Friday and agreed that the talks would resume next week, after a pause of almost two months in which the fighting in the north of the country intensified.",
    "Officials from both delegations said the atmosphere had improved, although no agreement was reached on the future of the city, which both sides claim and which has changed hands twice this year.",
    "The next round is expected to focus on humanitarian access, prisoner exchanges and the withdrawal of heavy weapons from the front line, according to a draft agenda seen by reporters on Friday evening.",
    "Diplomats cautioned that similar promises had been made before and broken within days, and that the ceasefire remained fragile along much of the front, where shelling was reported again overnight.",
    "A spokesman for the United Nations said the organisation stood ready to monitor any agreement that the two sides might reach, and called on both to refrain from actions that could undermine the process.",
]
COMMENTS = ["Leave a Reply", "Woyzeck", "It is good to see them talking again after all this time."]


def rules_only() -> Cleaner:
    return Cleaner(Config(classifier=False, near_repeat_threshold=None))


def test_a_comment_count_beside_the_byline_takes_nothing_with_it() -> None:
    """More than 150 words of prose (teasers) come before "11 Comments", so the comment
    rule's `after_words` lets it fire: it must not take the article below it."""
    page = [*TEASERS, "Talks to resume in Geneva", "By Ann Bell", "11 Comments", *ARTICLE]
    doc = rules_only().clean_text("\n".join([*page, *COMMENTS]))
    assert sum(len(line.split()) for line in TEASERS) > 150
    kept = [line.text for line in doc.kept]
    assert kept[-len(ARTICLE) :] == ARTICLE
    # The thread after the article still goes, from its header to the end.
    assert {r.rule for r in doc.removals if r.text in COMMENTS} == {"comment-section-header"}


def test_blocks_are_the_densest_run_and_those_worth_half_of_it() -> None:
    scores = [-10, 50, 40, *[-10] * 6, 30, 20, *[-10] * 4, 8, -10]
    assert max_subarray(scores, 0, len(scores)) == (90, 1, 2)
    assert blocks(scores, 0.5) == [(1, 2), (9, 10)]
    assert blocks(scores, 1.0) == [(1, 2)]
    assert blocks([-1, -2], 0.5) == []


def _near_repeats(lines: list[str]) -> list[str]:
    from cleaner.document import Document
    from cleaner.steps.near_repeats import NearRepeatStep
    from cleaner.steps.normalize import NormalizeStep

    doc = Document("d", "d", "\n".join(lines))
    NormalizeStep()(doc)
    NearRepeatStep()(doc)  # the default threshold
    return [line.text for line in doc.kept]


def test_sentences_built_from_one_template_are_not_near_repeats() -> None:
    """A list of films, each with where it streams: similar sentences, distinct text."""
    films = [
        "Columbus is currently streaming on Hulu, and you can also rent or buy it on Amazon Prime Video, Apple TV and Google Play.",
        "Columbus is currently streaming on Netflix, and you can also rent or buy it on Amazon Prime Video, Apple TV and Vudu.",
    ]
    assert _near_repeats(films) == films


def test_a_caption_repeated_with_a_credit_is_still_a_near_repeat() -> None:
    caption = "Foreign ministers Sergey Lavrov, Walid al-Muallem and Mohammad Javad Zarif meet in Moscow on April 14"
    assert _near_repeats([caption, caption + " (Photo: AFP/Getty Images)"]) == [caption]


def test_a_list_introduced_by_a_colon_stays_with_the_article() -> None:
    """Short lines after "... to:" are a list that lost its bullets: neither a menu nor
    a gap between two blocks of the article."""
    items = ["Hosting", "Plugin Updates", "Security", "Backups", "Performance Tuning"]
    page = [*ARTICLE[:2], "Because the platform is open source, it offers:", *items, *ARTICLE[2:]]
    doc = Cleaner(Config()).clean_text(
        "\n".join(["Home", "World", "Sport", "Politics", *page, *COMMENTS])
    )
    kept = [line.text for line in doc.kept]
    assert all(item in kept for item in items)
    assert ARTICLE[-1] in kept and "Politics" not in kept


def test_short_lines_after_a_colon_are_still_furniture_between_furniture() -> None:
    menu = ["Follow us:", "Facebook", "Twitter", "Instagram", "YouTube", "Newsletter"]
    doc = Cleaner(Config()).clean_text("\n".join([*ARTICLE, *menu]))
    kept = [line.text for line in doc.kept]
    assert kept == ARTICLE


OFFERS = [
    "1) Lego Star Wars 75188 Resistance Bomber",
    "http://amzn.to/2iJFhRj",
    "2) Polistil 960574 Electric Race Track",
    "http://amzn.to/2hZfWFJ",
    "3) Blade Runner The Final Cut (4K Ultra HD + Blu-Ray)",
    "http://amzn.to/2hWEIX7",
    "4) Hasbro Gaming - Taboo",
    "http://amzn.to/2hYjEj6",
]
TAIL = ["Amazon black Friday gifts", "rmb8090", "Leave a Reply", "Search"]


def test_a_numbered_list_a_colon_introduces_ends_the_article_whole() -> None:
    """The article ends with its list ("… not to be missed on Amazon:", "1) …", a link,
    "2) …"), then furniture: short lines all, no prose after them, yet the article's."""
    intro = "So here are the offers for nostalgic readers not to be missed on Amazon:"
    doc = Cleaner(Config()).clean_text("\n".join(["Home", "Film", *ARTICLE, intro, *OFFERS, *TAIL]))
    kept = [line.text for line in doc.kept]
    assert kept == [*ARTICLE, intro, *OFFERS]


def test_numbered_short_lines_without_an_introduction_are_still_furniture() -> None:
    doc = Cleaner(Config()).clean_text("\n".join([*ARTICLE, *OFFERS, *TAIL]))
    assert [line.text for line in doc.kept] == ARTICLE


FACTS = [
    "3. The Harbour Hotel",
    "Location: Bergen, Norway",
    "Opened: 1897",
    "Architect: Jens Zetlitz Kielland",
    "Rooms: 120",
    "Owner: Strand Hotels Group",
    "Größe：42 m²",
]


def test_labelled_facts_between_paragraphs_are_a_list_of_the_article() -> None:
    """An infobox or a spec list flattened to "Label: value" lines between paragraphs is
    the article's, as a list is: not a menu of short lines."""
    page = ["Home", "World", "Sport", "Politics", *ARTICLE[:2], *FACTS, *ARTICLE[2:], *COMMENTS]
    doc = Cleaner(Config()).clean_text("\n".join(page))
    kept = [line.text for line in doc.kept]
    assert [fact for fact in FACTS if fact not in kept] == []
    assert "Politics" not in kept


def test_labelled_lines_between_furniture_still_go() -> None:
    """A forum's poster box ("Posts: 4103", "Joined: Apr 2018") after the article is
    not enclosed by prose: it goes like any run of short lines."""
    poster = ["Senator", "Posts: 4103", "Joined: Apr 17, 2018", "Location: Upper Jay, NY", "Reply with quote"]
    doc = Cleaner(Config()).clean_text("\n".join([*ARTICLE, *poster, "Home", "Terms", "Privacy"]))
    kept = [line.text for line in doc.kept]
    assert kept == ARTICLE


INTRO = (
    "Negotiators from both sides arrived in Geneva on Thursday night, and the talks that "
    "follow are the first in almost two months, after a summer in which the fighting in "
    "the north of the country intensified and thousands of families left their homes."
)
CONTENTS = ["In this article", "Who Is Talking", "What Is On The Table", "What Happens Next",
            "Timeline Of The Conflict", "Key Players"]
OTHER_STORY = (
    "The covered market will reopen next month after a year of repairs to its roof, which "
    "the storms of last January had damaged so badly that the traders had to move into "
    "tents in the square outside, the council said on Monday."
)


def test_a_run_above_the_main_one_needs_a_smaller_share_than_one_below() -> None:
    """An intro above a table of contents is the article's; a paragraph of the same
    length below the article, between menus, is another story."""
    menu = ["Most read", "Sport", "Weather", "Business", "Culture", "Travel"]
    page = [*menu, INTRO, *CONTENTS, *ARTICLE, *menu, OTHER_STORY, *menu]
    doc = Cleaner(Config()).clean_text("\n".join(page))
    kept = [line.text for line in doc.kept]
    assert INTRO in kept and ARTICLE[0] in kept
    assert OTHER_STORY not in kept
    removed = {r.text: r.rule for r in doc.removals}
    assert removed[OTHER_STORY] == "classifier:outside-main-text"


def test_a_code_example_grown_by_a_line_is_not_a_near_repeat() -> None:
    """A tutorial's example, shown again with a statement added, is the lesson itself."""
    first = (
        "function Counter() { const [count, setCount] = useState(0); const [name, setName]"
        " = useState('Taylor'); return <button onClick={() => setCount(count + 1)}>{name}</button>; }"
    )
    grown = first.replace("return <", "useEffect(() => log(count)); return <")
    assert _near_repeats([first, grown]) == [first, grown]
    # The same growth in prose is a near repeat.
    lede = "The ministers met in Geneva on Friday and agreed that the talks would resume next week"
    assert _near_repeats([lede, lede + " in Vienna"]) == [lede]


TEASER_UNITS = [
    line
    for headline, name, summary in (
        ("Harbour board approves the new ferry timetable", "Ann Bell", TEASERS[1].split(",")[0] + "."),
        ("Islanders say the board ignored their views", "Tom Reed", TEASERS[5].split(",")[0] + "."),
        ("Covered market to reopen after repairs", "Eva Lund", TEASERS[7].split(",")[0] + "."),
    )
    for line in (headline, name, "Tuesday November 19, 2019", summary)
]


def test_bylines_the_rules_removed_still_part_teasers_from_the_article() -> None:
    """Each teaser's byline and date (gone to `name-above-date` before the classifier)
    cost where they stood, so the listing below the article goes with them."""
    doc = Cleaner(Config()).clean_text("\n".join([*ARTICLE, "More stories", *TEASER_UNITS]))
    assert {r.rule for r in doc.removals if r.text.startswith("Tuesday")} == {"name-above-date"}
    assert [line.text for line in doc.kept] == ARTICLE


def test_the_articles_own_byline_above_it_parts_nothing() -> None:
    """Above the article the removed lines cost nothing: its standfirst stays."""
    standfirst = TEASERS[1]
    page = [standfirst, "By Ann Bell", "Tuesday November 19, 2019", *ARTICLE]
    kept = [line.text for line in Cleaner(Config()).clean_text("\n".join(page)).kept]
    assert kept == [standfirst, *ARTICLE]


ARTICLE_ZH = [
    "部长们周五在日内瓦会面，同意下周恢复谈判，此前谈判已中断近两个月，其间北部的战斗愈演愈烈。",
    "双方代表团的官员表示，会谈气氛有所改善，但在该市的未来问题上仍未达成协议，双方都声称拥有该市。",
    "下一轮谈判预计将集中讨论人道主义准入、交换俘虏以及从前线撤出重型武器等问题，据记者看到的议程草案。",
    "外交官们提醒说，类似的承诺以前也曾作出，但几天之内就被打破，前线大部分地区的停火仍然十分脆弱。",
]


def test_a_chinese_article_is_prose_to_the_rules() -> None:
    """A Chinese paragraph is a few `\\w+` runs, not twelve words: counted by its
    characters it is prose, so a tail rule reaching to the end ("Recent Posts") does not
    fire between its paragraphs and take the rest of the article with it, as it still
    does after the last one."""
    page = [*ARTICLE_ZH[:2], "Recent Posts", *ARTICLE_ZH[2:], "Recent Posts", "首页", "关于我们"]
    doc = rules_only().clean_text("\n".join(page))
    kept = [line.text for line in doc.kept]
    assert [text for text in kept if text in ARTICLE_ZH] == ARTICLE_ZH
    assert "首页" not in kept and "关于我们" not in kept
