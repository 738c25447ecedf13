"""An article body split in parts (cleaner/body_parts.py): the parts trafilatura misses."""

from __future__ import annotations

from lxml.html import fromstring

from cleaner.body_parts import add_missing_parts, body_parts
from cleaner.config import Config
from cleaner.document import Document
from cleaner.pipeline import Cleaner

FIRST = [
    "The city council voted on Tuesday to expand the bus network across the northern districts.",
    "Officials said the plan would add twelve routes and cut waiting times by a third by spring.",
    "Residents who spoke at the meeting welcomed the change but asked for more evening services.",
    "The mayor described the vote as the largest investment in public transport in a generation.",
    "Drivers' unions have said they will need at least forty new staff to run the added routes.",
]
SECOND = [
    "The budget for the expansion comes from a regional transport fund approved last year.",
    "Critics on the council argued that the money would be better spent on repairing roads.",
    "Shop owners along the new routes hope that more passengers will mean more customers.",
    "A survey published in January found that most commuters would switch from their cars.",
    "A final vote on the timetable is expected at the next session in early March.",
]
NEWSLETTER = '<div class="newsletter"><p>Sign up for our daily briefing.</p></div>'


def paragraphs(lines: list[str], css: str = "body article__body") -> str:
    return (
        f'<div class="grid"><div class="{css}">{"".join(f"<p>{p}</p>" for p in lines)}</div></div>'
    )


def page(body: str) -> str:
    """A news article (JSON-LD NewsArticle): trafilatura's text stands alone there."""
    return (
        "<html><head><title>Bus network grows</title><script type='application/ld+json'>"
        '{"@context": "https://schema.org", "@type": "NewsArticle"}</script></head><body>'
        f'<article class="article"><h1>Bus network grows</h1>{body}</article></body></html>'
    )


def clean(html: str) -> Document:
    return Cleaner(Config()).clean(Document("page", "page", "", html))


def test_the_part_after_a_newsletter_box_is_kept_in_place() -> None:
    doc = clean(page(paragraphs(FIRST) + NEWSLETTER + paragraphs(SECOND)))
    assert doc.metadata["page_type"] == "article"
    assert doc.text.split() == " ".join(FIRST + SECOND).split()


def test_comment_sections_of_one_class_are_not_parts() -> None:
    comments = "".join(
        f'<div class="comments"><div class="body article__body"><p>{a}</p><p>{b}</p></div></div>'
        for a, b in ((SECOND[0], SECOND[1]), (SECOND[2], SECOND[3]))
    )
    doc = clean(page(paragraphs(FIRST) + comments))
    assert FIRST[0] in doc.text
    assert not any(line in doc.text for line in SECOND)


def test_a_part_of_one_sentence_is_no_part() -> None:
    """A caption or teaser repeated in the same markup is not article body."""
    tree = fromstring(page(paragraphs(FIRST) + NEWSLETTER + paragraphs(SECOND[:1])))
    assert body_parts(tree) == []
    assert len(body_parts(fromstring(page(paragraphs(FIRST) + paragraphs(SECOND))))) == 1


def test_parts_go_where_they_stand_and_none_without_a_held_part() -> None:
    held = (FIRST[0], FIRST[1])
    missing = (SECOND[0], SECOND[1])
    text = "\n".join(held)
    assert add_missing_parts(text, [[held, missing]]) == "\n".join([*held, *missing])
    assert add_missing_parts(text, [[missing, held]]) == "\n".join([*missing, *held])
    # the text holds no part of the group: it is left as it is
    assert add_missing_parts("Something else.", [[held, missing]]) == "Something else."


def test_chinese_parts_weigh_by_length() -> None:
    first = [
        "市议会周二投票决定扩大北部地区的公交网络，新增十二条线路。",
        "官员表示，该计划将在明年春天之前把候车时间缩短三分之一。",
    ]
    second = [
        "扩建资金来自去年批准的地区交通基金，总额超过两亿元人民币。",
        "部分议员认为，这笔钱应该优先用于修复城市道路和桥梁设施。",
    ]
    groups = body_parts(fromstring(page(paragraphs(first) + NEWSLETTER + paragraphs(second))))
    assert groups == [[tuple(first), tuple(second)]]
