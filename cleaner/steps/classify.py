"""A line classifier that finds the article in a text dump from the text alone.

jusText's idea, for lines instead of HTML blocks: each line first gets a class from its
own features, then short and borderline lines take the class of their neighbours.

    good      long enough and dense in stop words: running prose
    neargood  medium length, enough stop words: good if a neighbour is good
    short     too short to judge alone: good between good lines (a subhead, a one-line
              quote), bad otherwise; a long run of short lines (a menu, a link list) is bad
    bad       few stop words: names, labels, headline lists, numbers

Without HTML there are no link densities; their place is taken by signals a text dump
keeps: terminal punctuation (prose ends like a sentence, menus and headline lists do
not), the share of capitalised words (headline lists are Title Case), and separator
characters (`|`, `·`). Stop words come from jusText's lists (100 languages); for
languages without spaces between words (Chinese, Japanese, Thai) or without a list,
lengths count characters and punctuation decides. Every line it drops is a `Removal`
with `classifier:<why>`.
"""

from __future__ import annotations

import fnmatch
import re
from dataclasses import dataclass
from enum import StrEnum
from itertools import pairwise

from cleaner.blocks import max_subarray
from cleaner.document import Document, Line
from cleaner.ruleset.schema import ClassifierSettings
from cleaner.scripts import is_unspaced, unspaced_word_weight
from cleaner.steps.base import Setup, Step
from cleaner.steps.title import looks_like_headline
from cleaner.stopwords import Stopwords
from cleaner.text import ends_with_sentence_mark

_SEPARATORS = re.compile(r"\s[|·•/]\s|\s[|·•]$|^[|·•]\s")
_LIST_ITEM = re.compile(r"^(?:[-*•·–—▪►✓]|\(?\d{1,3}[.)]|[a-z][.)])\s")
FEED_STAMP_WEIGHT = 3  # a feed's time stamp costs this many times a line of furniture
# Code and shell lines: a prompt or a command, a keyword of a programming language
# (lower case, as prose never starts), a line that opens or closes a block or ends a
# statement, one dense in code symbols, or a YAML block flattened onto one line (three
# "key:" labels, the first at its start: "apiVersion: v1 kind: Service metadata:").
# The word lists are shared with _CODE_HINT, which must find every line they accept.
_COMMANDS = (
    r"sudo|pip3?|npm|npx|yarn|pnpm|git|cd|curl|wget|docker|kubectl|python3?|apt|apt-get"
    r"|brew|cargo|go|ls|mkdir|export|echo|chmod|ssh|cat|grep|tar|node|conda|make|cmake"
    r"|gcc|java|javac|rustc|dotnet|helm|terraform|composer|gem|bundle|rails"
)
_KEYWORDS = (
    r"def|class|import|from|return|if|elif|else|for|while|function|const|let|var|public"
    r"|private|protected|static|async|await|fn|func|package|using|namespace|try|catch"
    r"|switch|case|struct|enum|interface|type|template|SELECT|INSERT|UPDATE|CREATE"
)
_DIAGRAMS = r"sequenceDiagram|classDiagram|stateDiagram|erDiagram|gantt"  # Mermaid's
_SQL_VERBS = r"SELECT|INSERT|CREATE|ALTER|DELETE|DROP"
_CODE_START = re.compile(
    r"^(?:(?:\$(?!\s*[\d.,]+(?:\s|$))|>>>|%|PS>|C:\\\S*>)\s+\S"
    rf"|(?:{_COMMANDS})\s+[-\w./~\"'$@=]"
    rf"|(?:{_KEYWORDS})\b\s*[\w({{:<]"
    r"|#include|#define|#!/|@\w+|//|/\*|<\?php|</?[a-z][\w-]*[\s>]"
    r"|[a-z][\w./-]*:\s(?:\S+\s+)*?[a-z][\w./-]*:\s(?:\S+\s+)*?[a-z][\w./-]*:(?:\s|$))"
)
_CODE_END = re.compile(r"\s*[}\])]+[;,]?$")  # a line that only closes blocks
_STATEMENT_MARK = re.compile(r"[=(){}\[\]<>$\"'`]|\w\.\w|^\w+ \w+;$")
# Code a dump flattened onto one line, found anywhere in it: an SQL statement in capitals,
# a Mermaid diagram, a CSS rule, two keyword arguments ("skipkeys = False, indent = 2").
_CODE_INSIDE = re.compile(
    r"\b(?:SELECT\s.{1,200}?\sFROM|INSERT\s+INTO|CREATE\s+(?:TABLE|(?:UNIQUE\s+)?INDEX|VIEW|EXTENSION)"
    r"|ALTER\s+(?:TABLE|SYSTEM)|DELETE\s+FROM|DROP\s+(?:TABLE|INDEX))\b"
    r"|^(?:flowchart|graph)\s+(?:TD|TB|LR|RL|BT)\b"
    rf"|^(?:{_DIAGRAMS})\b"
    r"|[\w.#\]-]\s*\{\s*[\w-]+\s*:\s*[^;{}]+;"
    r"|\b\w+\s?=\s?[\w'\"]+,\s*\w+\s?=\s?[\w'\"]"
)
_CODE_SYMBOL_CHARS = "{}[]()<>=;$_\\"  # not "|": menus are full of them
TABLE_ROW_MAX_LENGTH = 200
# Every line looks_like_code accepts holds one of these (or starts with a command word).
_CODE_HINT = re.compile(
    rf"[{{}}();=<>$_\\\[\]@#/%]|^(?:{_COMMANDS}|{_KEYWORDS})\b"
    rf"|^[a-z][\w.-]*:\s|^(?:flowchart|graph|{_DIAGRAMS})\b|\b(?:{_SQL_VERBS})\s"
)
_DIGIT = re.compile(r"\d")
_NUMBER = re.compile(r"^[-+$€£¥%]?\d[\d.,:/%-]*[%$€£¥kKmMbB]?$")
_DATE_PARTS = re.compile(r"\b\d{1,2}:\d{2}\b|\b(?:19|20)\d{2}\b")  # a time, a year
# A teaser's end: an ellipsis (the summary cut short) or a "read more" link.
_ELLIPSIS_ENDS = ("…", "...", "…]", "...]")
_READ_MORE = (
    "read more", "continue reading", "read the full story", "read the full article",
    "weiterlesen", "mehr lesen", "lire la suite", "en savoir plus", "leer más",
    "seguir leyendo", "leia mais", "continue lendo", "leggi tutto", "continua a leggere",
    "lees meer", "verder lezen", "czytaj dalej", "подробнее", "читать далее",
    "続きを読む", "阅读全文", "阅读更多",
)  # fmt: skip
_MORE = frozenset({"more", "mehr", "plus", "más", "mais", "meer", "altro", "więcej", "ещё", "еще"})
_LINK_MARKS = "»›>"
_TRAILING = " .:!»›>)]"


def _ends_like_sentence(text: str) -> bool:
    return ends_with_sentence_mark(text)  # one definition for every step (cleaner.text)


def _has_separator(text: str) -> bool:
    # Four substring tests rule out almost every line at a tenth of the pattern's cost.
    if "|" in text or "·" in text or "•" in text or "/" in text:
        return _SEPARATORS.search(text) is not None
    return False


def looks_like_code(text: str) -> bool:
    """A line of code or a shell command ("$ pip install cleaner", "def main():",
    "return x;", "for i in range(3) {"), not prose that mentions code."""
    if _CODE_START.match(text):
        return True
    stripped = text.rstrip()
    if stripped.endswith("{") or _CODE_END.match(stripped):
        return True
    if stripped.endswith(";") and (_STATEMENT_MARK.search(stripped) or stripped.count(" ") < 3):
        return True  # "return x;", "int n = 0;", not a legal list's "does not … post;"
    if _CODE_INSIDE.search(stripped):
        return True
    if stripped.endswith(".") or len(stripped) < 8:
        return False
    symbols = sum(map(stripped.count, _CODE_SYMBOL_CHARS))  # str.count: C loops, no regex
    return symbols >= 4 and symbols * 12 >= len(stripped)


def looks_like_table_row(text: str) -> bool:
    """A row of a table flattened to one line: cells apart by tabs, or mostly numbers
    ("Rockledge 14 11 6 15 - 44", "Energy and Focus 61.59% 1"), not a date or a time
    ("Tuesday November 12, 2019", "5 September 2017 21:21")."""
    if "\t" in text:
        return True
    if len(text) > TABLE_ROW_MAX_LENGTH or _DIGIT.search(text) is None:
        return False
    cells = text.split()
    numbers = sum(1 for cell in cells if _NUMBER.match(cell))
    return numbers >= 2 and numbers * 3 >= len(cells) and _DATE_PARTS.search(text) is None


# A feed's time stamp: "7H ago 08:51", "Nov 7 23:05", "2 hours ago", "vor 3 Stunden".
_STAMP = re.compile(
    r"^(?=.{0,40}$)(?:.*\b\d{1,2}:\d{2}\b.*"
    r"|.*\b\d+\s*(?:s|m|h|d|w|mins?|minutes?|hrs?|hours?|days?|weeks?)\s+ago\b.*"
    r"|(?:vor|il y a|hace|há|fa)\s+\d+\s+\w+.*)$",
    re.IGNORECASE,
)


def shape_of(text: str, *, code: bool = True) -> str:
    """"code", "table" or "list" for a line of such a block (neither prose nor furniture:
    an article may hold them between its paragraphs), "teaser" for a line ending like a
    cut-short summary or a "read more" link, else ""."""
    if _LIST_ITEM.match(text):
        return "list"
    if code and looks_like_code(text):
        return "code"
    if looks_like_table_row(text):
        return "table"
    if _is_teaser(text):
        return "teaser"
    if _STAMP.match(text):
        return "stamp"
    return ""


def _is_teaser(text: str) -> bool:
    """Ends in an ellipsis, a "Read more" link or "More »" (endswith: C speed)."""
    if text.endswith(_ELLIPSIS_ENDS):
        return True
    end = text[-40:]
    tail = end.rstrip(_TRAILING)
    if len(end) - len(tail) > 3:
        return False  # more than a few marks after the last word
    folded = tail.lower()
    if folded.endswith(_READ_MORE):
        phrase = next(p for p in _READ_MORE if folded.endswith(p))
        before = folded[: -len(phrase)][-1:]
        return not before.isalnum()
    if text.rstrip()[-1:] in _LINK_MARKS:
        words = folded.split()
        return bool(words) and words[-1] in _MORE
    return False


def _lone_rows_are_not_tables(judged: list[Judged]) -> None:
    """A line shaped like a table row is one only beside another ("Day 3, Part 16" between
    a time stamp and a summary is a headline); a row with tabs is one anyway."""
    tables = [item.shape == "table" for item in judged]
    for i, item in enumerate(judged):
        if not tables[i] or "\t" in item.line.text:
            continue
        if not ((i > 0 and tables[i - 1]) or (i + 1 < len(judged) and tables[i + 1])):
            item.shape = ""


COLON_LIST_MAX_ITEMS = 30
MAX_VERDICTS = 100_000  # lines' verdicts a classifier remembers across documents


def _colon_lists(judged: list[Judged]) -> None:
    """The short lines after a line that ends with a colon ("You can build:", "Key
    features:", "Ideal for:", "Sie brauchen:") are that list's items, their bullets lost
    in the dump: neither prose nor furniture, like any list (a run of them between
    prose stays, and costs the article's block nothing). The list ends at a line that
    reads as prose alone or at the next colon."""
    i = 0
    while i < len(judged):
        text = judged[i].line.text
        if not text.endswith(":") or len(text) > 200:
            i += 1
            continue
        j = i + 1
        while j < len(judged) and j - i <= COLON_LIST_MAX_ITEMS:
            item = judged[j]
            if item.first not in (Kind.SHORT, Kind.BAD) or item.line.text.endswith(":"):
                break
            if not item.shape:
                item.shape = "list"
            j += 1
        i = max(j, i + 1)


_ITEM_NUMBER = re.compile(r"^\(?(\d{1,3})[.)]\s")
NUMBERED_LIST_MIN_ITEMS = 3
NUMBERED_LIST_MAX_GAP = 3  # lines from one item to the next (an item, its link, its price)


def _introduced_numbered_lists(judged: list[Judged]) -> None:
    """A list that a line ending with a colon introduces, its items numbered 1, 2, 3…
    ("Ecco le offerte da non lasciarsi sfuggire:", "1) Lego Star Wars…", "http://…",
    "2) …"), is the article's, however short its items and whatever follows it: its
    lines, through the last item and the lines that item brings, are kept as a list."""
    for i, intro in enumerate(judged):
        if intro.first not in (Kind.GOOD, Kind.NEARGOOD):
            continue
        if not intro.line.text.endswith((":", "：")):
            continue
        first = _ITEM_NUMBER.match(judged[i + 1].line.text) if i + 1 < len(judged) else None
        if first is None or first.group(1) != "1":
            continue
        items = [i + 1]
        j = i + 2
        while j < len(judged) and j - items[-1] <= NUMBERED_LIST_MAX_GAP:
            number = _ITEM_NUMBER.match(judged[j].line.text)
            if number and int(number.group(1)) == len(items) + 1:
                items.append(j)
            j += 1
        if len(items) < NUMBERED_LIST_MIN_ITEMS:
            continue
        gap = max(b - a for a, b in pairwise(items))
        for item in judged[items[0] : min(len(judged), items[-1] + gap)]:
            item.shape = "list"
            if item.first in (Kind.SHORT, Kind.BAD):
                item.first = item.kind = Kind.GOOD
                item.why = "list"


# A price: "$129+", "£12.99", "From $49", "12,99 €", "US $3.45", "1 299 kr", "3,980円",
# "Rp 150.000".
_PRICE = re.compile(
    r"(?:[$£€¥₹₩₺￥₱₫₴₪]|\b(?:USD|EUR|GBP|CAD|AUD|CHF|Rs\.?|Rp|R\$|kr|zł|Kč)\s?)\s?\d"
    r"|\d\s?(?:€|£|zł|kr|Kč|руб|₽|円|元|USD|EUR|CHF)(?!\w)"
)
PRICE_LINE_MAX_LENGTH = 80
HEADER_MAX_LENGTH = 80  # a recommendations header is a short line, not a sentence about one
# The header of a shop's recommendations ("You may also like", "Customers who viewed this
# item also viewed", "Ils vont bien ensemble"): the cards after it are not the page's own.
_RECOMMENDATIONS = re.compile(
    r"related (?:items|products)|you (?:may|might) also (?:like|love)"
    r"|also (?:bought|viewed|purchased)|(?:viewed|bought) this (?:item|product)"
    r"|frequently bought together|recommended (?:for you|products)|similar (?:items|products)"
    r"|more like this|complete the (?:look|set)|recently viewed|goes well with"
    r"|pair (?:it|this) with|sponsored products"
    r"|ils vont bien ensemble|pour compléter votre achat|vous aimerez aussi"
    r"|produits (?:similaires|associés)|könnte (?:dir|ihnen) auch gefallen"
    r"|ähnliche (?:artikel|produkte)|kunden kauften auch|productos relacionados"
    r"|también te puede interesar|produtos relacionados|você também pode gostar"
    r"|prodotti correlati|potrebbe piacerti anche|vergelijkbare producten|podobne produkty"
    r"|klienci kupili również|похожие товары|с этим товаром покупают"
    r"|関連商品|おすすめ商品|相关商品|猜你喜欢",
    re.IGNORECASE,
)


def _is_price_line(text: str) -> bool:
    return len(text) <= PRICE_LINE_MAX_LENGTH and _PRICE.search(text) is not None


def _recommendations_between(lines: list[Line], first: int, last: int) -> bool:
    """Whether a recommendations header stands among `lines[first:last + 1]`, kept or
    removed (the rules drop "You may also like" as a list header)."""
    return any(
        len(line.text) <= HEADER_MAX_LENGTH and _RECOMMENDATIONS.search(line.text) is not None
        for line in lines[max(0, first) : last + 1]
    )


def _price_cards(judged: list[Judged], lines: list[Line], settings: ClassifierSettings) -> None:
    """A shop's grid of products flattened to lines (a name, a price, a rating, repeated)
    is what a category page is for, not a menu: every card holds a price, a menu none.
    `card_min_prices` prices or more, each within `card_max_gap` lines of the last and no
    prose between them, mark the cards from one period above the first price to the last:
    prose, which the densest run is made of. Not after a recommendations header ("You
    may also like"): those cards are another page's. `lines` are the document's, kept
    and removed: the headers are looked for among them."""
    if not settings.card_min_prices:
        return
    prices = [i for i, item in enumerate(judged) if item.price]
    if len(prices) < settings.card_min_prices:
        return
    # Where each judged line stands among the document's lines (numbers skip blank ones).
    place = {id(line): i for i, line in enumerate(lines)}
    at = [place[id(item.line)] for item in judged]
    chain = [prices[0]]
    for price in [*prices[1:], None]:
        if price is not None and _same_grid(judged, lines, at, chain[-1], price, settings):
            chain.append(price)
            continue
        if len(chain) >= settings.card_min_prices:
            _mark_cards(judged, lines, at, chain, settings)
        if price is not None:
            chain = [price]


def _same_grid(
    judged: list[Judged],
    lines: list[Line],
    at: list[int],
    last: int,
    price: int,
    settings: ClassifierSettings,
) -> bool:
    """Whether the price at `price` is the next card's after the one at `last`."""
    return (
        price - last <= settings.card_max_gap
        and all(judged[k].words <= settings.card_line_max_words for k in range(last, price))
        and not _recommendations_between(lines, at[last], at[price])
    )


def _mark_cards(
    judged: list[Judged],
    lines: list[Line],
    at: list[int],
    chain: list[int],
    settings: ClassifierSettings,
) -> None:
    """Makes prose of the cards whose prices stand at `chain` (positions in `judged`),
    unless a recommendations header stands just above the first card."""
    gaps = sorted(b - a for a, b in pairwise(chain))
    period = gaps[len(gaps) // 2]  # a card's lines: the median distance between prices
    start = max(0, chain[0] - period + 1)
    if _recommendations_between(lines, at[max(0, start - 2)], at[chain[0]]):
        return
    for item in judged[start : chain[-1] + 1]:
        if item.words > settings.card_line_max_words:
            continue
        item.shape = "list"
        if item.first in (Kind.SHORT, Kind.BAD):
            item.first = item.kind = Kind.GOOD
            item.why = "card"


LISTING_MIN_NUMBERS = 4  # consecutive line numbers that make a code listing
LISTING_MAX_GAP = 3  # lines of code (a statement wrapped by the dump) between two of them


def _numbered_listings(judged: list[Judged]) -> None:
    """A code viewer's line numbers ("1", "2", "3"… each on a line of its own, the code
    between them) mark a listing: its lines are code, judged by their neighbours like
    any code, not short furniture.

    A chain is a number, the next number within LISTING_MAX_GAP lines after it, the next
    after that...; each line's chain (its end, its length) and the lines between numbers
    (all of them, those shaped like code) are counted once, so that a run of thousands of
    numbers costs no more than its lines."""
    count = len(judged)
    numbers = [
        int(item.line.text) if item.line.text.isdecimal() and len(item.line.text) <= 4 else -1
        for item in judged
    ]
    following = [-1] * count  # the index of the next number of a line's chain
    for i, number in enumerate(numbers):
        if number >= 0:
            window = range(i + 1, min(count, i + LISTING_MAX_GAP + 2))
            following[i] = next((j for j in window if numbers[j] == number + 1), -1)
    end, length = list(range(count)), [1] * count
    for i in range(count - 1, -1, -1):
        if following[i] >= 0:
            end[i], length[i] = end[following[i]], length[following[i]] + 1
    between, code = [0], [0]  # before each index: lines that are no number, those of code
    for number, item in zip(numbers, judged, strict=True):
        other = number < 0
        between.append(between[-1] + other)
        code.append(code[-1] + (other and item.shape == "code"))
    i = 0
    while i < count:
        last = end[i]
        if (
            numbers[i] >= 0
            and length[i] >= LISTING_MIN_NUMBERS
            # a pager's "1 2 3 4" has nothing between
            and (between[last + 1] - between[i]) * 2 >= length[i]
            and code[last + 1] - code[i] > 0
        ):
            for item in judged[i : last + 1]:
                item.shape = "code"
                if item.first in (Kind.SHORT, Kind.BAD):
                    item.first = item.kind = Kind.NEARGOOD
                    item.why = "code"
            i = last + 1
        else:
            i += 1


# A fact of a spec list or an infobox: a label of one to four words, a colon, a value
# ("Date: 18 June 2026", "Water: Water weekly.", "Headquarters: Taiwan", "Größe：42"), or
# a feature list's item with a dash for its colon ("Compact Footprint – maximize workspace
# with straight up-and-down movement"; an en or em dash: a hyphen parts a page title
# from its site's name).
_KEY_VALUE = re.compile(r"^[^\W\d_][\w'’&./()-]*(?: [\w'’&./()-]+){0,3}(?:: |：| [–—] )\s*\S")
_LABEL_MARKS = (":", "：", "–", "—")


def _reads_as_item(text: str) -> bool:
    """A list item (numbered or bulleted), a labelled fact or a short sentence: not a
    label alone or a headline."""
    return (
        _LIST_ITEM.match(text) is not None
        or _ends_like_sentence(text)
        or (any(map(text.__contains__, _LABEL_MARKS)) and _KEY_VALUE.match(text) is not None)
    )


def _sentence_case(text: str) -> bool:
    """Three words or more, most after the first in lower case: a phrase of running text
    ("Top 10 health and nutrition trends for 2025"), not a menu's Title Case labels."""
    words = text.split()
    lettered = [w for w in words if w[0].isalpha()]
    if len(lettered) < 3:
        return False
    lower = sum(1 for w in lettered[1:] if w[0].islower())
    return lower * 2 >= len(lettered) - 1


def _title_case_share(words: list[str]) -> float:
    """Share of the words of 3+ letters that start with a capital letter."""
    lettered = [w for w in words if len(w) >= 3 and w[0].isalpha()]
    if len(lettered) < 3:
        return 0.0
    return sum(1 for w in lettered if w[0].isupper()) / len(lettered)


#: A short run is enclosed by prose even with this many bad lines between that read as
#: items of the same list ("Dedicated astro camera setups: Especially strong with…", a
#: fact of few stop words, above "Diameter: 55mm"), not more (a related-stories list of
#: "Asteroid warning: NASA reveals…" headlines is no article's list).
MAX_ITEMS_PASSED = 2


def _bad_item(item: Judged) -> bool:
    """A line bad alone for its few stop words or its separators that still reads as a
    list item, a labelled fact or a phrase of running text, with no furniture the rules
    removed just above it."""
    return (
        item.kind is Kind.BAD
        and item.why in ("few-stopwords", "separators")
        and not item.furniture_before
        and (_reads_as_item(item.line.text) or _sentence_case(item.line.text))
    )


def _nearest_past_items(judged: list[Judged]) -> list[Kind]:
    """For each line, the kind of the nearest good or bad line after it, passing over at
    most `MAX_ITEMS_PASSED` bad lines that read as items (`_bad_item`)."""
    found = [Kind.BAD] * len(judged)
    current, passed = Kind.BAD, 0
    for i in range(len(judged) - 1, -1, -1):
        found[i] = current if passed <= MAX_ITEMS_PASSED else Kind.BAD
        item = judged[i]
        if _bad_item(item):
            passed += 1
        elif item.kind in _SAY_IGNORING_NEARGOOD:
            current, passed = item.kind, 0
    return found


class Kind(StrEnum):
    GOOD = "good"
    NEARGOOD = "neargood"
    SHORT = "short"
    BAD = "bad"


_KINDS = tuple(Kind)
#: The kinds that have a say as neighbours (`ClassifyStep._counts`).
_SAY_IGNORING_NEARGOOD = frozenset((Kind.GOOD, Kind.BAD))
_SAY = frozenset((Kind.GOOD, Kind.BAD, Kind.NEARGOOD))


@dataclass(slots=True)
class Judged:
    line: Line
    first: Kind  # from the line alone
    kind: Kind  # after the neighbours had their say
    why: str = ""
    words: int = 0
    shape: str = ""  # shape_of(the line's text)
    furniture_before: int = 0  # lines the rules removed as furniture just above this one
    price: bool = False  # _is_price_line(the line's text): a product card's price


class ClassifyStep(Step):
    """Drops the lines the classifier judges not to be part of the article."""

    name = "classifier"
    settles = True

    def __init__(self, settings: ClassifierSettings) -> None:
        super().__init__()
        self.settings = settings
        self.stopwords = Stopwords()
        #: (text, content, language) -> a line's verdict alone (see _one_pass).
        #: The kind is stored by its place in _KINDS: a tuple of strings and numbers only,
        #: which the garbage collector stops visiting.
        self._verdicts: dict[
            tuple[str, bool, str | None], tuple[int, str, int, str, bool]
        ] = {}
        #: Rule id -> whether it is one of `main_block_inline_rules` (see _rule_furniture).
        self._inline: dict[str, bool] = {}

    def __getstate__(self) -> dict[str, object]:
        """Sent to a worker without the verdicts it remembers."""
        return {**super().__getstate__(), "_verdicts": {}}

    @classmethod
    def from_setup(cls, setup: Setup) -> ClassifyStep | None:
        settings = setup.ruleset.classifier  # rules/classifier.yaml, switched by --no-classifier
        if not setup.config.classifier or not settings.enabled:
            return None
        return cls(settings)

    def process(self, doc: Document) -> None:
        if not self.settings.enabled or (doc.html is not None and not self.settings.in_html):
            return
        if len(doc.kept) < self.settings.min_lines:
            return
        language = doc.metadata.get("language")
        # Removing furniture changes the neighbours of what is left, so judge again until
        # nothing changes: the result is then a fixed point, and cleaning it again keeps it.
        for _ in range(self.settings.max_passes):
            dropped = self._one_pass(doc, language)
            if not dropped:
                break

    def _one_pass(self, doc: Document, language: str | None) -> int:
        # Passes, UntilStable rounds and other pages judge the same lines again; a line's
        # own verdict depends only on its text, its `content` mark and the language.
        known = self._verdicts
        if len(known) >= MAX_VERDICTS:
            known.clear()
        judged = []
        furniture = self._rule_furniture(doc)
        gap = 0
        for line in doc.lines:
            if line.removed:
                gap += line.number in furniture and not _is_teaser(line.text)
                continue
            key = (line.text, line.content, language)
            verdict = known.get(key)
            if verdict is None:
                alone = self.judge(line, language)
                place = _KINDS.index(alone.first)
                price = _is_price_line(line.text)
                verdict = known[key] = (place, alone.why, alone.words, alone.shape, price)
            place, why, words, shape, price = verdict
            first = _KINDS[place]
            judged.append(Judged(line, first, first, why, words, shape, gap, price))
            gap = 0
        _lone_rows_are_not_tables(judged)
        _colon_lists(judged)
        _numbered_listings(judged)
        _introduced_numbered_lists(judged)
        page_type = doc.metadata.get("page_type")
        if page_type != "product":
            # A product page's own content is one product: its cards are recommendations.
            _price_cards(judged, doc.lines, self.settings)
        self.revise(judged, page_type)
        kept_words = sum(item.words for item in judged if item.kind is not Kind.BAD)
        if self._no_article(kept_words, sum(item.words for item in judged)):
            # No article found (a results table, a listing): better a page with its menus
            # than an empty one. The rules have already had their say.
            self.counts["no_article_found"] += 1
            return 0
        dropped = 0
        for item in judged:
            if item.kind is Kind.BAD and not item.line.content:
                doc.drop(item.line, step=self.name, rule=f"classifier:{item.why}")
                dropped += 1
        return dropped

    def _no_article(self, kept_words: int, all_words: int) -> bool:
        """Too little is kept to be an article: under `min_article_words`, or a blurb, under
        `blurb_max_words` and under `blurb_max_share` of the text (a category's description
        above its products, which as the only prose would take the cards as furniture)."""
        s = self.settings
        if kept_words < s.min_article_words:
            return True
        return kept_words < s.blurb_max_words and kept_words < s.blurb_max_share * all_words

    def _rule_furniture(self, doc: Document) -> set[int]:
        """Numbers of the lines the rules removed as page furniture (a share bar, a
        byline and date under a teaser's headline, a "Reply" button), which the main-block
        pass counts where they stood; not those of `main_block_inline_rules` (ad labels,
        credits, separators: an article holds them), nor repeats the dedup steps removed,
        nor a line a rule only cut ("Click To Tweet" after a pull quote) that another step
        then removed."""
        found = set()
        for removal in doc.removals:
            if removal.step != "rules" or removal.line is None or not removal.whole:
                continue
            if self._is_inline(removal.rule):
                continue
            found.add(removal.line)
        return found

    def _is_inline(self, rule: str) -> bool:
        """Whether a rule matches one of `main_block_inline_rules`' patterns; remembered
        by rule id (every pass asks again for every removal of every page)."""
        inline = self._inline.get(rule)
        if inline is None:
            patterns = self.settings.main_block_inline_rules
            inline = any(fnmatch.fnmatchcase(rule, pattern) for pattern in patterns)
            if len(self._inline) >= MAX_VERDICTS:
                self._inline.clear()
            self._inline[rule] = inline
        return inline

    # --- the line alone ---------------------------------------------------------------------

    def judge(self, line: Line, language: str | None) -> Judged:
        words = line.words()
        text = line.text
        unspaced = is_unspaced(text)
        # Most lines are prose or plain furniture: only a line that could be code pays
        # for the code test, and only a teaser's shape matters for prose (main block).
        code = _CODE_HINT.search(text) is not None and looks_like_code(text)
        judged = self._judge(line, language, words, unspaced, "code" if code else "")
        judged.words = len(words)
        if code:
            judged.shape = "code"
        elif judged.first is Kind.GOOD and len(text) > TABLE_ROW_MAX_LENGTH:
            judged.shape = "teaser" if _is_teaser(text) else ""
        else:
            judged.shape = shape_of(text, code=False)
        if unspaced:
            # A run of Chinese, Japanese or Thai is one \w+ "word": weigh the line by its
            # length instead, as `Line.prose_words` does (one definition: cleaner.scripts).
            judged.words = max(judged.words, unspaced_word_weight(line.text))
        return judged

    def _judge(
        self, line: Line, language: str | None, words: list[str], unspaced: bool, shape: str
    ) -> Judged:
        s = self.settings
        text = line.text
        if line.content:
            return Judged(line, Kind.GOOD, Kind.GOOD)
        # Scripts without spaces count characters; stop words are lists of spaced words.
        length = len(text) * (s.cjk_length_factor if unspaced else 1)
        ends_like_sentence = _ends_like_sentence(text)
        stoplist = None if unspaced else self.stopwords.get(language)
        if shape == "code":
            # Code has no stop words and rarely ends like a sentence: its neighbours decide
            # (kept inside an article, dropped between furniture).
            return Judged(line, Kind.NEARGOOD, Kind.NEARGOOD, "code")
        if len(text) <= s.separator_max_length and not ends_like_sentence and _has_separator(text):
            return self._bad(line, "separators")  # a menu or a breadcrumb, not a paragraph
        if length < s.length_low:
            return Judged(line, Kind.SHORT, Kind.SHORT, "short")
        if not ends_like_sentence and _title_case_share(words) >= s.headline_title_case:
            # A headline ("Gravitational Wave Sparks Days-Long Hunt"): a subhead between
            # paragraphs stays, a list of them goes, as for short lines.
            return Judged(line, Kind.SHORT, Kind.SHORT, "headline")
        if stoplist is not None and words:
            density = sum(map(stoplist.__contains__, line.folded_words())) / len(words)
        elif ends_like_sentence:  # no list: a sentence ending stands in for stop words
            density = s.stopwords_high
        else:  # and a long line of unspaced script is a paragraph cut mid-sentence
            density = s.stopwords_low if unspaced and length > s.length_high else 0.0
        if s.sentence_end_required and not ends_like_sentence and length <= s.length_high:
            return self._neargood_or_bad(line, density, "no-sentence-end")
        if density >= s.stopwords_high:
            kind = Kind.GOOD if length > s.length_high or ends_like_sentence else Kind.NEARGOOD
            return Judged(line, kind, kind)
        if density >= s.stopwords_low:
            return Judged(line, Kind.NEARGOOD, Kind.NEARGOOD)
        if (ends_like_sentence or text.endswith(":")) and len(words) >= s.sentence_min_words:
            # News sentences dense in names have few stop words, but are still sentences;
            # so is the sentence that introduces a list or a code block ("Partial indexes
            # only index rows that match a condition, saving space:").
            return Judged(line, Kind.NEARGOOD, Kind.NEARGOOD)
        return self._bad(line, "few-stopwords")

    def _neargood_or_bad(self, line: Line, density: float, why: str) -> Judged:
        if density >= self.settings.stopwords_low:
            return Judged(line, Kind.NEARGOOD, Kind.NEARGOOD, why)
        return self._bad(line, why)

    @staticmethod
    def _bad(line: Line, why: str) -> Judged:
        return Judged(line, Kind.BAD, Kind.BAD, why)

    # --- the neighbours ---------------------------------------------------------------------

    # Each pass finds every line's nearest good or bad neighbours in one sweep each way,
    # not by walking out from each line: on a 29,000-line CSV the walks took minutes.

    @staticmethod
    def _counts(kind: Kind, ignore_neargood: bool) -> bool:
        """Whether a line of this kind is a neighbour that has a say."""
        return kind in (Kind.GOOD, Kind.BAD) or (kind is Kind.NEARGOOD and not ignore_neargood)

    @classmethod
    def _nearest(cls, judged: list[Judged], step: int, ignore_neargood: bool) -> list[Kind]:
        """For each line, the kind of the nearest line that has a say before it (step -1)
        or after it (step 1); the edge of the document counts as furniture."""
        found = [Kind.BAD] * len(judged)
        current = Kind.BAD
        say = _SAY_IGNORING_NEARGOOD if ignore_neargood else _SAY
        order = range(len(judged)) if step < 0 else range(len(judged) - 1, -1, -1)
        for i in order:
            found[i] = current
            kind = judged[i].kind
            if kind in say:  # cls._counts(kind, ignore_neargood), inlined
                current = kind
        return found

    def revise(self, judged: list[Judged], page_type: str | None = None) -> None:
        """The neighbours' say, pass by pass (jusText's order, plus the main-text pass);
        `page_type` is the document's, where known."""
        self._short_runs(judged)
        self._headings(judged)
        self._revise_short(judged)
        self._revise_neargood(judged)
        self._isolated_prose(judged)
        if self.settings.main_block:
            self._main_block(judged, page_type in self.settings.main_block_whole_page_types)

    def _revise_short(self, judged: list[Judged]) -> None:
        """A short line takes its class from the nearest good or bad lines around it."""
        if not any(item.kind is Kind.SHORT for item in judged):
            return  # the four sweeps below serve short lines only
        updates: dict[int, tuple[Kind, str]] = {}
        befores, afters = self._nearest(judged, -1, True), self._nearest(judged, 1, True)
        any_before, any_after = self._nearest(judged, -1, False), self._nearest(judged, 1, False)
        for i, item in enumerate(judged):
            if item.kind is not Kind.SHORT:
                continue
            before, after = befores[i], afters[i]
            if before is Kind.GOOD and after is Kind.GOOD:
                updates[i] = (Kind.GOOD, "")
            elif Kind.GOOD in (before, after) and _ends_like_sentence(item.line.text):
                updates[i] = (Kind.GOOD, "")  # a short sentence beside prose belongs to it
            elif before is Kind.BAD and after is Kind.BAD:
                updates[i] = (Kind.BAD, "short-among-furniture")
            elif (
                before is Kind.BAD and any_before[i] is Kind.NEARGOOD
            ) or (after is Kind.BAD and any_after[i] is Kind.NEARGOOD):
                updates[i] = (Kind.GOOD, "")
            else:
                updates[i] = (Kind.BAD, "short-at-edge")
        for i, (kind, why) in updates.items():
            judged[i].kind, judged[i].why = kind, why or judged[i].why

    def _revise_neargood(self, judged: list[Judged]) -> None:
        """A borderline line is good unless furniture surrounds it on both sides."""
        # Lines before this one may have changed in this pass (a sweep along it sees
        # them as they are now); lines after it not yet.
        afters = self._nearest(judged, 1, True)
        before = Kind.BAD
        for i, item in enumerate(judged):
            if item.kind is Kind.NEARGOOD:
                if before is Kind.BAD and afters[i] is Kind.BAD:
                    item.kind, item.why = Kind.BAD, "isolated"
                else:
                    item.kind = Kind.GOOD
            if item.kind in _SAY_IGNORING_NEARGOOD:  # self._counts(item.kind, True)
                before = item.kind

    def _isolated_prose(self, judged: list[Judged]) -> None:
        """A prose line alone between furniture (a teaser's summary) is furniture too."""
        limit = self.settings.isolated_good_max_words
        if not limit:
            return
        afters = self._nearest(judged, 1, True)
        before = Kind.BAD  # as the lines before are now, as in _revise_neargood
        for i, item in enumerate(judged):
            if (
                item.kind is Kind.GOOD
                and not item.line.content
                and item.words < limit
                and before is Kind.BAD
                and afters[i] is Kind.BAD
            ):
                item.kind, item.why = Kind.BAD, "isolated-prose"
            if item.kind in _SAY_IGNORING_NEARGOOD:  # self._counts(item.kind, True)
                before = item.kind

    def _main_block(self, judged: list[Judged], whole_page: bool = False) -> None:
        """Keep the article's blocks: the densest run of prose (the maximum subarray over
        the lines), then on each side of it any further run worth `main_block_secondary`
        of the main one (`main_block_secondary_before` above it: an article split by a
        chart, an infobox or a link list; the same between two runs kept, the lower one
        worth `main_block_between` of the main one; on every side when `whole_page`: a
        thread's later posts, a service page's sections). Good lines outside them go.

        A line scores +words when it is prose, -words when not, each line costing at
        least `main_block_min_penalty`. Prose means good, and good on its own: a short
        line that its neighbours made good still costs. A subhead costs little beside
        the paragraphs it heads; a listing's headline, byline and date lines around each
        one-paragraph teaser cost more than the teaser brings; a summary cut short ("…",
        "Read more") brings nothing. Code that its neighbours made good counts as prose:
        a technical article's sections are a sentence or two and a code block each, and
        scored 0 they left each section worth less than its subhead cost. Table rows and
        list items that are not prose score 0: an article holds them, a menu of them is
        judged by the other passes. A block takes in the lines of score 0 next to it (a
        table after the last paragraph, a paragraph a paywall cut short). A heading just
        above a block belongs to it.

        Lines the rules removed as furniture cost where they stood
        (`main_block_removed_cost` lines' worth each, at most `main_block_removed_max_lines`
        in a row): a teaser's byline and date, a comment's "Reply" and "Like", gone before
        this pass, still part a listing or a thread from the article. A "Read more" link
        costs nothing: a listicle's items end with one too. Above the densest run they
        cost nothing (the article's own byline and dateline under its headline and
        standfirst)."""
        scores: list[float] = []
        line_at: list[int] = []  # for each score, its line in judged, or -1 for removed lines
        removed_cost = (
            -self.settings.main_block_bad_weight
            * self.settings.main_block_min_penalty
            * self.settings.main_block_removed_cost
        )
        cap = self.settings.main_block_removed_max_lines
        for i, item in enumerate(judged):
            if item.furniture_before and removed_cost:
                scores.append(removed_cost * min(item.furniture_before, cap))
                line_at.append(-1)
            scores.append(self._score(item))
            line_at.append(i)
        inside = [False] * len(judged)
        main = max_subarray(scores, 0, len(scores))
        if main is None:
            return
        if any(line_at[i] < 0 for i in range(main[1])):
            # Above the article's start the removed lines are its own byline and
            # dateline, between its headline or standfirst and its body: free there.
            for i in range(main[1]):
                if line_at[i] < 0:
                    scores[i] = 0.0
            main = max_subarray(scores, 0, len(scores)) or main
        # Each interval is searched once, then split around its block; it carries the
        # score of the block just below it (0: none).
        intervals = [(0, len(scores), 0.0)]
        between = self.settings.main_block_between * main[0]
        while intervals:
            lo, hi, below = intervals.pop()
            found = max_subarray(scores, lo, hi)
            # Above the densest run, or between two runs kept (the lower one worth
            # `main_block_between` of it): the article's own parts, as above it.
            lenient = whole_page or hi <= main[1] or (lo > 0 and below >= between)
            if found is None or found[0] < self._secondary_share(lenient) * main[0]:
                continue
            _, first, last = found
            while first > lo and scores[first - 1] == 0:
                first -= 1
            while last + 1 < hi and scores[last + 1] == 0:
                last += 1
            if (
                first > lo
                and line_at[first - 1] >= 0
                and self._heads_block(judged[line_at[first - 1]])
            ):
                first -= 1
            for i in range(first, last + 1):
                if line_at[i] >= 0:
                    inside[line_at[i]] = True
            intervals += [(lo, first, found[0]), (last + 1, hi, below)]
        for i, item in enumerate(judged):
            if item.kind is Kind.GOOD and not item.line.content and not inside[i]:
                item.kind, item.why = Kind.BAD, "outside-main-text"

    def _secondary_share(self, lenient: bool) -> float:
        """The share of the densest run a further run must score: less above it (an
        intro before a table of contents, a chart or an infobox) or between it and a
        strong run below it (an article in three parts, a thread's posts) than below it
        (related stories, comment threads)."""
        if lenient:
            return self.settings.main_block_secondary_before
        return self.settings.main_block_secondary

    def _score(self, item: Judged) -> float:
        words = item.words or 1
        if item.kind is Kind.GOOD and self._prose(item):
            return 0.0 if item.shape == "teaser" else words
        if self._neutral(item):
            return 0.0
        penalty = max(words, self.settings.main_block_min_penalty)
        if item.shape == "stamp":  # a time stamp between items: a feed, not an article
            penalty *= FEED_STAMP_WEIGHT
        return -self.settings.main_block_bad_weight * penalty

    @staticmethod
    def _neutral(item: Judged) -> bool:
        """A kept line of code, a table row or a list item: not furniture, even when it
        is not prose on its own."""
        return item.kind is Kind.GOOD and item.shape in ("code", "table", "list")

    @staticmethod
    def _prose(item: Judged) -> bool:
        """Prose on its own, a short sentence or a list item: not a label or a headline."""
        return item.first in (Kind.GOOD, Kind.NEARGOOD) or _reads_as_item(item.line.text)

    @staticmethod
    def _heads_block(item: Judged) -> bool:
        """A headline kept just above a block of prose is its heading, and belongs to it."""
        return item.kind is Kind.GOOD and looks_like_headline(item.line.text)

    def _headings(self, judged: list[Judged]) -> None:
        """A short, headline-shaped line just before good prose is a heading (or the title)."""
        for i, item in enumerate(judged):
            judged_alone = item.kind is Kind.SHORT or item.why == "few-stopwords"
            if not judged_alone or not looks_like_headline(item.line.text):
                continue
            distance = 0
            for j in range(i + 1, len(judged)):  # not a slice: a copy of the rest per heading
                later = judged[j]
                if later.kind is Kind.GOOD:
                    item.kind = Kind.NEARGOOD
                    break
                distance += len(later.line.text)
                if distance > self.settings.heading_distance:
                    break

    def _short_runs(self, judged: list[Judged]) -> None:
        """A run of more short lines than `max_short_run` is a menu or a link list, unless
        it sits between prose on both sides and its lines read like list items (numbered,
        bulleted, ending like sentences, or phrases in sentence case, as a list's bullets
        lost in a text dump leave them): then it is a list in the article. A list's own
        items that are bad alone (few stop words) may stand between it and the prose."""
        run: list[int] = []
        afters = _nearest_past_items(judged)  # later runs are still short when asked
        before = Kind.BAD  # the nearest line with a say before the run, as it is now
        passed = 0  # item-like bad lines since then (`_nearest_past_items`)
        for i in range(len(judged) + 1):
            if i < len(judged) and judged[i].kind is Kind.SHORT:
                run.append(i)
                continue
            enclosed = before is Kind.GOOD and passed <= MAX_ITEMS_PASSED
            if len(run) > self.settings.max_short_run and not self._article_list(
                judged, run, enclosed and afters[run[-1]] is Kind.GOOD
            ):
                for j in run:
                    judged[j].kind, judged[j].why = Kind.BAD, "short-run"
                before, passed = Kind.BAD, 0
            if i < len(judged):
                if _bad_item(judged[i]):
                    passed += 1
                elif judged[i].kind in _SAY_IGNORING_NEARGOOD:
                    before, passed = judged[i].kind, 0
            run = []

    @staticmethod
    def _article_list(judged: list[Judged], run: list[int], enclosed: bool) -> bool:
        if not enclosed:
            return False
        items = sum(
            1 for j in run if judged[j].shape in ("code", "table", "list")
            or _reads_as_item(judged[j].line.text)
            or _sentence_case(judged[j].line.text)
        )
        return items * 2 >= len(run)
