"""Plain text from trafilatura's extracted XML: no markdown markup.

trafilatura's text output marks list items with "- " and draws tables with pipes and a
"|---|" rule under the head row. The plain form cleaner writes by default has neither:
each list item is a line of its own without a bullet, each table row a line with its
cells separated by a tab, and headings, as before, a line of their own. Code blocks are
left as they are (their lines are not list items or rows, so nothing in them changes).
"""

from __future__ import annotations

from copy import deepcopy

from lxml.etree import _Element

_SPACES = str.maketrans({"\t": " ", "\n": " ", "\r": " "})


def _cell_text(cell: _Element) -> str:
    return " ".join("".join(cell.itertext()).translate(_SPACES).split())


def plain_markup(body: _Element, copy: bool = False) -> _Element:
    """`body` with table rows turned into tab-separated lines and list items into plain
    lines (`p` elements), in place unless `copy`."""
    if copy:
        body = deepcopy(body)
    for row in list(body.iter("row")):
        if row.getparent() is None or any(a.tag == "cell" for a in row.iterancestors()):
            continue
        cells = [_cell_text(cell) for cell in row.findall("cell")]
        tail = row.tail
        row.clear()
        row.tag, row.text, row.tail = "p", "\t".join(cell for cell in cells), tail
    for item in list(body.iter("item")):
        if not any(a.tag == "cell" for a in item.iterancestors()):
            item.tag = "p"
    return body
