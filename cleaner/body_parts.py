"""An article body split in parts: the parts that trafilatura's text lacks.

Some sites close an article's body element to put an ad, a newsletter box or a promo in
between, then open another of the same kind: `<div class="article__body">` twice or
more. trafilatura's body expressions take the first element they find, so its text
stops at the first break (on two scrapinghub pages, 45% and 35% of the article).

Here the page's elements that hold paragraphs directly are grouped by tag and class.
A group of two or more parts of prose, none inside another, of which the extracted text
holds one part, gives the other parts' blocks, each placed after the last line the text
shares with the parts before it. A part set apart from the others (inside a comment
section, a dialog, a collapsed `<details>`, a hidden style) is no part of the article.
"""

from __future__ import annotations

import re
from collections import defaultdict

from lxml.etree import XPath, _Element

from cleaner.combine import LineKey, insert_lines, line_index
from cleaner.scripts import is_unspaced, unspaced_word_weight
from cleaner.text import ends_with_sentence_mark, line_key

#: Elements with a class that hold paragraphs as children: the candidate parts.
_CANDIDATES = XPath("//*[@class][p]")
#: A part's blocks: its paragraphs, subheads and list items, in page order.
_BLOCKS = XPath("p | h2 | h3 | h4 | blockquote | ul/li | ol/li")
#: What sets a part apart from the others as no part of the article: a comment section,
#: or a box a reader does not see (a dialog, a collapsed `<details>`, a hidden style).
#: Not the `hidden` attribute: React streams a page's later sections in `<div hidden>`
#: elements that its script moves into place (2 WCXB dev articles lost 0.2-0.5 F1).
_SET_APART = re.compile(
    r"comment|disqus|reply|respon|(?:^|[\s_-])(?:modal|dialog|popup|lightbox|tooltip)(?:$|[\s_-])",
    re.I,
)
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)
_TOKEN = re.compile(r"\w+")
_SPACES = re.compile(r"\s+")
#: A prose block: a sentence-ending block of this many words or more.
PROSE_WORDS = 10
#: A part needs this many prose blocks to count: a lone caption or teaser does not.
PART_PROSE = 2
#: A part is held by the text when it holds this share of the part's prose blocks.
HELD_SHARE = 0.5
#: More elements of one kind are a page's repeated widget, not an article's parts (and
#: the checks above stay linear in the page on a hostile one).
MAX_PARTS = 100

Part = tuple[str, ...]


def _is_prose(block: str) -> bool:
    """A sentence-ending block of PROSE_WORDS or more (a Chinese or Japanese block's
    `\\w+` runs are phrases: it weighs by its length)."""
    words = unspaced_word_weight(block) if is_unspaced(block) else len(_TOKEN.findall(block))
    return words >= PROSE_WORDS and ends_with_sentence_mark(block)


def _set_apart(element: _Element, common: _Element) -> bool:
    """Whether the element, or an ancestor below `common` (the group's common ancestor:
    what all parts share, a whole page's wrapper too, says nothing), is set apart."""
    node: _Element | None = element
    while node is not None and node is not common:
        if (
            _SET_APART.search(f"{node.get('class', '')} {node.get('id', '')}")
            or _HIDDEN_STYLE.search(node.get("style", ""))
            or node.get("aria-hidden") == "true"
            or (node.tag == "details" and node.get("open") is None)
        ):
            return True
        node = node.getparent()
    return False


def _common_ancestor(elements: list[_Element]) -> _Element | None:
    """The lowest element above all of them: each climbs only until it meets the
    first's line of ancestors (siblings meet at once, however deep the page)."""
    line = list(elements[0].iterancestors())
    height = {node: i for i, node in enumerate(line)}
    top = 0
    for element in elements[1:]:
        met = next((height[a] for a in element.iterancestors() if a in height), None)
        if met is None:
            return None
        top = max(top, met)
    return line[top] if line else None


def body_parts(tree: _Element) -> list[list[Part]]:
    """The groups of parts on the page, read before extraction prunes the tree: each a
    list of two or more parts (their blocks' texts), in page order."""
    by_kind: defaultdict[tuple[str, str], list[_Element]] = defaultdict(list)
    for element in _CANDIDATES(tree):
        by_kind[(element.tag, " ".join(element.get("class", "").split()))].append(element)
    groups = []
    for elements in by_kind.values():
        if not 2 <= len(elements) <= MAX_PARTS:
            continue
        members = set(elements)
        if any(ancestor in members for e in elements for ancestor in e.iterancestors()):
            continue  # nested: a layout's grid, not an article's parts
        common = _common_ancestor(elements)
        parts = [_blocks(e) for e in elements if common is None or not _set_apart(e, common)]
        parts = [part for part in parts if sum(map(_is_prose, part)) >= PART_PROSE]
        if len(parts) >= 2:
            groups.append(parts)
    return groups


def _blocks(element: _Element) -> Part:
    texts = (_SPACES.sub(" ", block.text_content()).strip() for block in _BLOCKS(element))
    return tuple(text for text in texts if text)


def add_missing_parts(text: str, groups: list[list[Part]], key_of: LineKey = line_key) -> str:
    """`text` with the parts of a group it lacks, when it holds another part of the
    group; each missing part's blocks go after the text's line that holds the last
    block of the parts before it (before the first held part's, for parts before it).
    `key_of`: how the text's lines compare with the parts' blocks (markdown text's
    lines without their markup)."""
    lines = text.split("\n")
    where = line_index(lines, key_of)
    for parts in groups:
        held = [_held(part, where) for part in parts]
        if not any(held):
            continue
        inserts: defaultdict[int, list[str]] = defaultdict(list)
        first = parts[held.index(True)]  # parts before it go before its first line
        anchor = min(where[line_key(block)] for block in first if line_key(block) in where)
        for part, is_held in zip(parts, held, strict=True):
            if is_held:
                found = [where[line_key(block)] for block in part if line_key(block) in where]
                anchor = max(found) + 1 if found else anchor
                continue
            inserts[anchor].extend(block for block in part if line_key(block) not in where)
        if inserts:
            lines = insert_lines(lines, inserts)
            where = line_index(lines, key_of)
    return "\n".join(lines)


def _held(part: Part, where: dict[str, int]) -> bool:
    prose = [block for block in part if _is_prose(block)]
    return bool(prose) and sum(line_key(b) in where for b in prose) >= HELD_SHARE * len(prose)
