"""trafilatura's main-text extraction on a tree this package parsed and no longer needs.

`bare_extraction` deep-copies a tree it is given before pruning it, so that the caller's
tree survives; the extract step parses each page for trafilatura alone and reads its
metadata first, so that copy (a tenth of a second over the 181 benchmark pages, some 4%
of HTML mode) protects nothing. `main_text` runs what `bare_extraction` runs for the
extract step's arguments, on the tree itself.

That is a copy of a few lines of `bare_extraction`, so it holds only for the releases
whose `bare_extraction` source hashes to one in `VERIFIED`; with any other, trafilatura's
own function runs. tests/test_main_text.py holds the two to the same text on real pages.
"""

from __future__ import annotations

import hashlib
import inspect
from functools import cache

from lxml.html import HtmlElement
from trafilatura.core import bare_extraction, trafilatura_sequence
from trafilatura.settings import DEFAULT_CONFIG, Extractor
from trafilatura.xml import xmltotxt

#: sha256 of the source of the `bare_extraction` that `main_text` follows: trafilatura 2.3.1's.
VERIFIED = frozenset({"2e57adb3062086f9695046cf58b1a8825143322fe74e74739791dff6d8da9fea"})


def bare_extraction_digest() -> str:
    """sha256 of the installed `bare_extraction`'s source ("" when it cannot be read)."""
    try:
        source = inspect.getsource(bare_extraction)
    except (OSError, TypeError):  # no source shipped (a frozen or compiled install)
        return ""
    return hashlib.sha256(source.encode()).hexdigest()


@cache
def shortcut_applies() -> bool:
    """Whether the installed `bare_extraction` is the one `main_text` follows."""
    return bare_extraction_digest() in VERIFIED


def extraction_options(url: str | None, favor_precision: bool) -> Extractor:
    """The options `bare_extraction` builds from the extract step's arguments."""
    return Extractor(
        config=DEFAULT_CONFIG,
        output_format="python",
        fast=True,
        precision=favor_precision,
        comments=False,
        dedup=False,
        url=url,
    )


def main_text(tree: HtmlElement, url: str | None, favor_precision: bool = False) -> str | None:
    """`bare_extraction(tree, url=url, include_comments=False, deduplicate=False,
    favor_precision=favor_precision, fast=True).text`, pruning `tree` itself.

    None where `bare_extraction` returns None: too little text, or a TypeError or
    ValueError on the way (its "no result")."""
    options = extraction_options(url, favor_precision)
    if not shortcut_applies() or options.max_tree_size:  # a tree size limit: trafilatura's way
        result = bare_extraction(
            tree,
            url=url,
            include_comments=False,
            deduplicate=False,
            favor_precision=favor_precision,
            fast=True,
        )
        return None if result is None else result.text
    try:
        body, text, _, comments = trafilatura_sequence(tree, options, options.url)
    except (TypeError, ValueError):
        return None
    if len(text) < options.min_output_size and len(comments) < options.min_output_comm_size:
        return None
    return xmltotxt(body, options.formatting)
