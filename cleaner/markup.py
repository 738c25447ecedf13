"""The markup of text extracted from HTML: plain text (the default) or markdown.

trafilatura's text output marks list items with "- " and draws tables with pipes and a
"|---|" rule under the head row. The plain form cleaner writes by default has neither:
each list item is a line of its own without a bullet, each table row a line with its
cells separated by a tab, and headings, as before, a line of their own. `--markup
markdown` writes trafilatura's markdown instead: "#" headings, "- " lists, pipe tables
and fenced code blocks.

Every line of the text is a paragraph to the steps after extraction (rules, repeats, the
classifier), and normalization collapses runs of spaces and turns tabs into spaces. So
that a code block stays verbatim (its line breaks and indentation), a markdown table
stays one block and a plain table row keeps its tabs, those characters are written as
private-use stand-ins (`BLOCK_BREAK`, `BLOCK_SPACE`, `CELL_BREAK`) that no step reads as
spacing, and `Document.text` turns them back (`decode_blocks`): a code block or a
markdown table is then one paragraph of several lines.
"""

from __future__ import annotations

import re
from copy import deepcopy
from typing import TYPE_CHECKING

from cleaner.text import line_key

if TYPE_CHECKING:
    from lxml.etree import _Element

#: Stand-ins for a line break and a space inside a block, and a tab between table cells.
BLOCK_BREAK, BLOCK_SPACE, CELL_BREAK = "\ue001", "\ue002", "\ue003"
_DECODE = str.maketrans({BLOCK_BREAK: "\n", BLOCK_SPACE: " ", CELL_BREAK: "\t"})
_STAND_INS = str.maketrans(dict.fromkeys(map(ord, BLOCK_BREAK + BLOCK_SPACE + CELL_BREAK)))
# Inside trafilatura's XML, which takes no control or private-use characters (its
# `sanitize` drops them), the symbols for the file, group and record separators (U+241C
# to U+241E, seldom in a page's text) mark the same three things until the XML is text;
# `encode_blocks` turns them into the stand-ins.
_XML_BREAK, _XML_SPACE, _XML_CELL = "\u241c", "\u241d", "\u241e"
_XML_MARKS = str.maketrans(
    {_XML_BREAK: BLOCK_BREAK, _XML_SPACE: BLOCK_SPACE, _XML_CELL: CELL_BREAK}
)
_SPACES = str.maketrans({"\t": " ", "\n": " ", "\r": " "})
_FENCE = re.compile(r"^(`{3,}|~{3,})")
_SOURCE_BREAK = re.compile(r"[ \t\r]*\n\s*")


#: Markdown's syntax around a line's text, which `markdown_key` leaves out.
_MD_PREFIX = re.compile(r"^\s*(?:#{1,6}\s+|>\s*|[-*+]\s+|\d+[.)]\s+)+")
_MD_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_MD_EMPHASIS = re.compile(r"\*\*|__|~~|`+")
_MD_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|>~])")


def markdown_key(line: str) -> str:
    """`line_key` of a markdown line's text, without its markup (a heading's "#", a list
    item's "- ", backticks, "**", a link's address, "\\_"): what a line of the page's
    plain blocks (body_parts, combine) is compared with, so that a part the markdown
    text holds is not taken for missing and added again."""
    text = _MD_PREFIX.sub("", line)
    text = _MD_LINK.sub(r"\1", text)
    text = _MD_EMPHASIS.sub("", text)
    return line_key(_MD_ESCAPE.sub(r"\1", text))


def decode_blocks(text: str) -> str:
    """The text with the stand-ins turned back into line breaks, spaces and tabs."""
    if BLOCK_BREAK in text or BLOCK_SPACE in text or CELL_BREAK in text:
        return text.translate(_DECODE)
    return text


#: Elements of trafilatura's XML that break a cell's text: a line break, a paragraph, a
#: list item... ("small cup<lb/>large mug" is two phrases; "<hi>$5</hi>.00" one).
_CELL_BREAKS = frozenset({"lb", "p", "head", "list", "item", "quote", "code", "div"})


def _cell_text(cell: _Element) -> str:
    """A cell's text on one line, a space where a break or a block parted it."""
    parts: list[str] = [cell.text or ""]
    # (element, whether its subtree is done): an element's text, its children's, its tail
    stack: list[tuple[_Element, bool]] = [(child, False) for child in reversed(cell)]
    while stack:
        element, done = stack.pop()
        gap = " " if element.tag in _CELL_BREAKS and not _inline_code(element) else ""
        if done:
            parts.append(gap + (element.tail or ""))
            continue
        parts.append(gap + (element.text or ""))
        stack.append((element, True))
        stack.extend((child, False) for child in reversed(element))
    return " ".join("".join(parts).translate(_SPACES).split())


def _inline_code(element: _Element) -> bool:
    """Code of one line: words in a sentence ("`server`, `location`"), not a block."""
    return element.tag == "code" and "\n" not in _code_text(element)


def _code_text(code: _Element) -> str:
    parts: list[str] = [code.text or ""]
    for child in code.iterdescendants():
        parts.append("\n" if child.tag == "lb" else (child.text or ""))
        parts.append(child.tail or "")
    return "".join(parts).strip("\n")


def preformatted_as_code(tree: _Element) -> None:
    """Each <pre> of several lines without code in it (a forum post's pasted output) given
    a <code> inside, in place, before extraction, so that it comes out as a code block:
    its lines one block, verbatim (fenced in markdown). trafilatura makes a <pre> that it
    does not take for code a quote: its lines came out paragraphs apart, and inside a list
    item, whose text trafilatura trims, on one line."""
    for pre in list(tree.iter("pre")):
        if pre.find(".//code") is not None:
            continue
        if "\n" not in "".join(pre.itertext()).strip():
            continue  # one line: a quote is a line of its own, inline code is not
        code = pre.makeelement("code")
        code.text, pre.text = pre.text, None
        for child in list(pre):
            code.append(child)  # moves it, with its tail
        pre.append(code)


def flowing_quotes(tree: _Element) -> frozenset[str]:
    """The page's <blockquote>s of text and inline markup alone, by their text without
    spaces (what `quote_markup` knows them by once trafilatura has made them quotes):
    read before extraction."""
    return frozenset(
        _collapsed(quote)
        for quote in tree.iter("blockquote")
        if all(e.tag in _INLINE for e in quote.iterdescendants())
    )


def _collapsed(element: _Element) -> str:
    return "".join("".join(element.itertext()).split())


#: Elements that do not begin a line (`cite`, which forums style as a block, is left
#: out), and <br>, which stays a line break.
_INLINE = frozenset(
    {"a", "abbr", "b", "bdi", "bdo", "em", "i", "mark", "q", "s", "small", "span", "strong"}
    | {"sub", "sup", "time", "u", "code", "kbd", "samp", "var", "dfn", "del", "ins", "br"}
)


def quote_markup(body: _Element, flowing: frozenset[str]) -> _Element:
    """trafilatura keeps a <blockquote>'s line breaks as they are in the page's source: in
    a quote that was one of flowing text (`flowing_quotes`) a break is a space, as a
    browser shows it, not a new paragraph at each line. Other quotes (a forum's "X
    wrote:" above the quoted post, on a line of its own) stay as they are."""
    for quote in list(body.iter("quote")):
        if any(a.tag in ("quote", "code") for a in quote.iterancestors()):
            continue
        text = "".join(quote.itertext())
        if "\n" in text and "".join(text.split()) in flowing:
            _source_breaks_as_spaces(quote)
    return body


def _source_breaks_as_spaces(element: _Element) -> None:
    """Line breaks in the element's text (not in a code block inside it) made spaces; a
    <br> (`lb`) stays a break. A walk, not a recursion: markup can nest thousands deep."""
    in_code = {node for code in element.iter("code") for node in code.iter()}
    for node in element.iter():
        if node.text and node not in in_code:
            node.text = _SOURCE_BREAK.sub(" ", node.text)
        if node is not element and node.tail and node.getparent() not in in_code:
            node.tail = _SOURCE_BREAK.sub(" ", node.tail)


def plain_markup(body: _Element, copy: bool = False) -> _Element:
    """`body` with table rows turned into lines of tab-separated cells, list items into
    plain lines (`p` elements) and code blocks into one line each with their breaks and
    spaces marked, in place unless `copy`. `encode_blocks` finishes the text."""
    if copy:
        body = deepcopy(body)
    for row in list(body.iter("row")):
        if row.getparent() is None or any(a.tag == "cell" for a in row.iterancestors()):
            continue
        cells = [_cell_text(cell) for cell in row.findall("cell")]
        tail = row.tail
        row.clear()
        row.tag, row.text, row.tail = "p", _XML_CELL.join(cells), tail
    for item in list(body.iter("item")):
        if not any(a.tag == "cell" for a in item.iterancestors()):
            item.tag = "p"
    return code_markup(body)


def code_markup(body: _Element, markdown: bool = False) -> _Element:
    """`body` with each code block made one line, its breaks and spaces marked, in place:
    the plain text writer then keeps it verbatim. In `markdown` only its blank lines are
    marked (the markdown writer fences a block of several lines, and drops blank lines
    inside it: `encode_blocks` restores them)."""
    for code in list(body.iter("code")):
        if any(a.tag == "code" for a in code.iterancestors()):
            continue
        text = _code_text(code)
        if "\n" not in text:
            continue  # inline code: words in a sentence
        if any(a.tag == "cell" for a in code.iterancestors()):
            # A table cell is one line (a layout table's <pre> is not in one by now):
            # a fence in the middle of a row would break it.
            tail = code.tail
            code.clear()
            code.text, code.tail = " ".join(text.split()), tail
            continue
        _own_line(code)
        tail = code.tail
        code.clear()
        if markdown:
            lines = text.split("\n")
            code.text = "\n".join(line if line.strip() else _XML_BREAK for line in lines)
        else:
            code.text = (
                text.replace("\n", _XML_BREAK).replace(" ", _XML_SPACE).replace("\t", _XML_CELL)
            )
        code.tail = tail
    return body


def _own_line(block: _Element) -> None:
    """A line break before and after a code block that shares its parent with text or
    inline code ("<code>root #</code><code>ebuild --help</code>" above it): it was glued
    to them, and in markdown its opening fence too, which then never closed."""
    previous, parent = block.getprevious(), block.getparent()
    if previous is not None and not (previous.tail or "").endswith("\n"):
        previous.tail = (previous.tail or "") + "\n"
    elif previous is None and parent is not None and (parent.text or "").strip():
        parent.text = (parent.text or "") + "\n"
    if block.getnext() is not None or (block.tail or "").strip():
        block.tail = "\n" + (block.tail or "")


def encode_blocks(text: str, markdown: bool = False) -> str:
    """Extracted text with the marks `plain_markup` left turned into stand-ins, and, in
    markdown, each fenced code block (kept verbatim) and each pipe table made one line."""
    text = text.translate(_STAND_INS).translate(_XML_MARKS)
    if not markdown:
        return text
    lines: list[str] = []
    block: list[str] = []
    fence = ""
    for line in text.split("\n"):
        if fence:
            block.append(line)
            if line.strip().startswith(fence):
                lines.append(_verbatim(block))
                block, fence = [], ""
            continue
        opening = _FENCE.match(line.strip())
        if opening:
            fence, block = opening[1], [line.strip()]
            continue
        if line.startswith("|") and lines and lines[-1].startswith("|"):
            lines[-1] = lines[-1].rstrip() + BLOCK_BREAK + line.rstrip()
            continue
        lines.append(line)
    if block:
        lines.append(_verbatim(block))
    # A table is two pipe rows or more; a paragraph that opens with "|" is no table.
    return "\n".join(
        _with_header_row(line) if line.startswith("|") and BLOCK_BREAK in line else line
        for line in lines
    )


def _verbatim(lines: list[str]) -> str:
    """A fenced block's lines as one (a line that is only a break mark: a blank line)."""
    return BLOCK_BREAK.join(
        "" if line == BLOCK_BREAK else _protected(line.rstrip()) for line in lines
    )


def _protected(line: str) -> str:
    """A code line's spaces and tabs as stand-ins: normalization leaves them as they are."""
    return line.replace(" ", BLOCK_SPACE).replace("\t", CELL_BREAK)


#: A pipe table's separator row ("|---|:--:|").
_TABLE_SEPARATOR = re.compile(r"^\|?\s*:?-{3,}:?\s*(?:\|\s*:?-{3,}:?\s*)*\|?\s*$")
_UNESCAPED_PIPE = re.compile(r"(?<!\\)\|")


def _with_header_row(table: str) -> str:
    """A pipe table (rows joined by BLOCK_BREAK) with a separator row after its first: a
    table with no header cells has none, and is then no table in GitHub's markdown."""
    rows = table.split(BLOCK_BREAK)
    if len(rows) > 1 and _TABLE_SEPARATOR.match(rows[1]):
        return table
    cells = max(1, len(_UNESCAPED_PIPE.findall(rows[0].strip())) - 1)
    return BLOCK_BREAK.join([rows[0], "|" + "---|" * cells, *rows[1:]])
