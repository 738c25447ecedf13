"""A second extractor's opinion: resiliparse's main content, merged into trafilatura's.

trafilatura is precise on articles but, on the rest of the web, keeps one dense block
and drops the others: forum posts after the first, listing and collection cards, a
service page's sections. resiliparse's main-content extraction works differently
(it prunes the DOM's furniture and keeps the rest) and is an order of magnitude faster.
Where the two agree, nothing changes; a block that resiliparse keeps and trafilatura's
text does not contain (fewer than `NEW_SHARE` of its three-word phrases are in it) is
added where it stands on the page: after the nearest block before it that both kept.
Phrases, not words: by words, a line of common words was "in" any long text, and on WCXB
dev phrases moved word F1 0.8444 -> 0.8513 (forum 0.750 -> 0.769, service 0.800 ->
0.824, listing 0.674 -> 0.686, collection 0.640 -> 0.649, product 0.642 -> 0.642).

It runs only on pages whose type is not article or product (cleaner/page_type.py): there
trafilatura alone is better, except on an article whose text trafilatura found short
(under `MISSED_MAX_WORDS`) and resiliparse four times as long: trafilatura then took a
listicle's intro for the article (WCXB dev: a 5,462-word restaurant guide came out as 89
words; word F1 0.8511 -> 0.8523 on the even half and 0.8483 -> 0.8493 on the odd half,
one page each, none lower; the scrapinghub pages unchanged). On a page of no type (most
are articles) resiliparse's blocks are merged only when its text is half again as long
as trafilatura's and holds half of its words: trafilatura then kept only part of the
page. Without that condition the scrapinghub news pages lost 0.005 of F1 (precision
0.957 -> 0.946). On WCXB dev (word F1 before the rule steps) the merge moved forum 0.694
-> 0.712, collection 0.574 -> 0.608, listing 0.583 -> 0.597, service 0.765 -> 0.793,
documentation 0.917 -> 0.919, article 0.937 -> 0.938 and overall 0.823 -> 0.831
(bench/quality.py measures it end to end). Comment sections are read only on forum
pages: elsewhere they are not the page's content.

resiliparse is a dependency; where it cannot be imported (a platform without its wheel),
trafilatura's text stands.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterator, Mapping
from functools import cache
from typing import Any

from cleaner.dialogs import drop_dialog_nodes
from cleaner.text import ends_with_sentence_mark, line_key

#: Page types where trafilatura's text stands alone.
TRAFILATURA_ALONE = frozenset({"article", "product"})
#: Page types whose posts are comment sections to resiliparse (and to trafilatura).
COMMENT_TYPES = frozenset({"forum"})
#: Page types whose cards (cleaner/cards.py) are looked for: None is a page of no type.
CARD_TYPES = frozenset({"collection", "listing", "service", "documentation", None})
#: Page types whose cards are always added; on the others of CARD_TYPES, only when the
#: cards hold at least CARD_SHARE of the words the text has.
ALWAYS_CARDS = frozenset({"collection", "listing"})
CARD_SHARE = 0.5
#: On a page of no type, resiliparse's text must have this many times trafilatura's
#: words, and hold this share of them, for its blocks to be merged.
UNTYPED_MORE = 1.5
#: On an article page, trafilatura's text stands unless it has fewer than
#: `MISSED_MAX_WORDS` words and resiliparse found `MISSED_MORE` times as many (holding
#: half of them): trafilatura took a listicle's intro for the whole article.
MISSED_MAX_WORDS = 300
MISSED_MORE = 4.0
PROSE_WORDS = 30
MANY_CARDS = 20
#: On a page of no type with article prose, fewer cards are still added when they hold
#: this many times the text's words and read as a list (`_cards_dominate`).
CARDS_OVER_TEXT = 2.0
MAX_CARD_SHARE = 0.35
MIN_LINE_WORDS = 3.0
UNTYPED_SHARED = 0.5
#: A block is new when fewer than this share of its three-word phrases are in
#: trafilatura's text (`_contained`).
NEW_SHARE = 0.5
_TOKEN = re.compile(r"\w+")


@cache
def _resiliparse() -> tuple[Any, Any] | None:
    """resiliparse's parser and extractor, or None when it is not installed."""
    try:
        from resiliparse.extract.html2text import extract_plain_text
        from resiliparse.parse.html import HTMLTree
    except ImportError:
        return None
    return HTMLTree, extract_plain_text


def available() -> bool:
    return _resiliparse() is not None


def second_opinion(html: str, comments: bool = False) -> str | None:
    """resiliparse's main content of the page, plain (no bullets, no image alt texts),
    with comment sections only when `comments` (a forum's posts); None when resiliparse
    is not installed or cannot read the page."""
    found = _resiliparse()
    if found is None:
        return None
    tree_class, extract = found
    try:
        tree = tree_class.parse(html)
        drop_dialog_nodes(tree)
        return str(
            extract(tree, main_content=True, list_bullets=False, alt_texts=False, comments=comments)
        )
    except Exception:  # resiliparse's own errors on a page it cannot read: no opinion
        return None


#: A line's comparison form: `line_key`, or `markup.markdown_key` for markdown text.
LineKey = Callable[[str], str]


def line_index(lines: list[str], key: LineKey = line_key) -> dict[str, int]:
    """Each line's comparison form (`key`) -> where it stands (blank lines left out;
    the last place of a line written twice)."""
    return {key(line): i for i, line in enumerate(lines) if line.strip()}


def insert_lines(lines: list[str], inserts: Mapping[int, list[str]]) -> list[str]:
    """`lines` with each run of `inserts` placed before the line at its position (after
    the last line for `len(lines)`)."""
    merged: list[str] = []
    for i, line in enumerate(lines):
        merged.extend(inserts.get(i, ()))
        merged.append(line)
    merged.extend(inserts.get(len(lines), ()))
    return merged


def merge(first: str, second: str, key_of: LineKey = line_key) -> str:
    """`first` with the lines of `second` that it lacks, each run of them placed after the
    line of `first` that the line before the run in `second` matches (at the start when
    the run opens `second`, at the end when no line before it matches). `key_of`: how
    `first`'s lines compare (`second` is plain blocks)."""
    lines = first.split("\n")
    first_tokens = _TOKEN.findall(" ".join(map(key_of, lines)))
    words = Counter(first_tokens)
    phrases = set(_phrases(first_tokens))
    index = line_index(lines, key_of)
    inserts: dict[int, list[str]] = {}  # position in `lines` -> new lines placed before it
    anchor = 0  # before the first line of `first`, until a shared line is seen
    for line in second.split("\n"):
        key = line_key(line)
        if not key:
            continue
        if key in index:
            anchor = index[key] + 1
            continue
        if _contained(_TOKEN.findall(key), words, phrases):
            continue
        inserts.setdefault(anchor, []).append(line.strip())
    if not inserts:
        return first
    return "\n".join(insert_lines(lines, inserts))


#: Words in a row that make a phrase: a line of `second` is in `first` when `NEW_SHARE`
#: of its phrases are (of a line shorter than a phrase, its words).
PHRASE_WORDS = 3


def _phrases(tokens: list[str]) -> Iterator[tuple[str, ...]]:
    return zip(*(tokens[i:] for i in range(PHRASE_WORDS)), strict=False)


def _contained(tokens: list[str], words: Counter[str], phrases: set[tuple[str, ...]]) -> bool:
    """Whether a line (its `tokens`) is mostly in the first text: `NEW_SHARE` of its
    phrases are among the text's `phrases`. By words alone, a line of common words was
    "in" any long text: a forum thread's later posts, which resiliparse found and
    trafilatura did not, were left out (a Discourse thread: 650 of its 1,550 words)."""
    if not tokens:
        return True
    if len(tokens) < PHRASE_WORDS:
        return sum((Counter(tokens) & words).values()) >= NEW_SHARE * len(tokens)
    own = list(_phrases(tokens))
    return sum(phrase in phrases for phrase in own) >= NEW_SHARE * len(own)


def combine(
    text: str,
    html: str,
    page_type: str | None,
    cards: list[list[str]],
    product: list[str] | None = None,
    key_of: LineKey = line_key,
) -> str:
    """trafilatura's `text` with resiliparse's blocks and the page's cards that it lacks,
    as the page's type calls for (see the module's notes); on a product page, the lines
    of the product's JSON-LD description and specifications (`product`,
    cleaner/product_data.py) that it lacks."""
    if page_type in TRAFILATURA_ALONE:
        if product and page_type == "product":
            return merge(text, "\n".join(product), key_of)
        if page_type == "article" and _words(text) < MISSED_MAX_WORDS:
            other = second_opinion(html)
            if other and _holds_more(other, text, MISSED_MORE):
                return merge(text, other, key_of)
        return text
    other = second_opinion(html, comments=page_type in COMMENT_TYPES)
    if other and (page_type is not None or _holds_more(other, text)):
        text = merge(text, other, key_of)
    untyped_ok = len(cards) >= MANY_CARDS or not _has_prose(text) or _cards_dominate(cards, text)
    if cards and (page_type is not None or untyped_ok):
        card_text = "\n".join(line for card in cards for line in card)
        if page_type in ALWAYS_CARDS or _words(card_text) >= CARD_SHARE * _words(text):
            text = merge(text, card_text, key_of)
    return text


def _has_prose(text: str) -> bool:
    """Whether a line of the text is a sentence-ending paragraph of `PROSE_WORDS` or more
    words: an article's. A page of no type gets no cards then, unless it has
    `MANY_CARDS` or more (on the scrapinghub news pages, the cards of such pages were
    lists of most-read headlines, comments and archive links: F1 0.960 -> 0.950)."""
    return any(
        ends_with_sentence_mark(line.rstrip()) and len(_TOKEN.findall(line)) >= PROSE_WORDS
        for line in text.split("\n")
    )


def _cards_dominate(cards: list[list[str]], text: str) -> bool:
    """Whether the cards are the page's content and the text one fragment of it: they hold
    `CARDS_OVER_TEXT` times its words, and read as a list of like items (no card holds
    more than `MAX_CARD_SHARE` of their words: not a page's columns, one of which is the
    article) with lines of `MIN_LINE_WORDS` words or more on average (headlines and
    teasers, not an archive's "March (12)" links). A course catalogue or a topic page
    whose intro trafilatura took for the article: WCXB dev listing pages went from a
    sentence to every card; the news pages of scrapinghub, whose teaser rails hold less
    than twice the article, keep the article alone."""
    words = [sum(_words(line) for line in card) for card in cards]
    total = sum(words)
    if not total or total < CARDS_OVER_TEXT * _words(text):
        return False
    lines = sum(len(card) for card in cards)
    return max(words) <= MAX_CARD_SHARE * total and total >= MIN_LINE_WORDS * lines


def _holds_more(other: str, text: str, more: float = UNTYPED_MORE) -> bool:
    """Whether `other` has `more` times the words of `text` and holds at least
    `UNTYPED_SHARED` of them: on a page of no type (most are articles, where trafilatura
    alone is better) resiliparse's blocks are merged only when it found much more."""
    mine, theirs = (
        Counter(_TOKEN.findall(text.casefold())),
        Counter(_TOKEN.findall(other.casefold())),
    )
    words = sum(mine.values())
    if sum(theirs.values()) <= more * words:
        return False
    return sum((mine & theirs).values()) >= UNTYPED_SHARED * words


def _words(text: str) -> int:
    return len(_TOKEN.findall(text))
