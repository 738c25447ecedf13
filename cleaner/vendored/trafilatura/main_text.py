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

from lxml.etree import _Element
from lxml.html import HtmlElement
from trafilatura.core import bare_extraction, trafilatura_sequence
from trafilatura.settings import DEFAULT_CONFIG, Extractor
from trafilatura.xml import xmltotxt

from cleaner.markup import (
    code_markup,
    encode_blocks,
    flowing_quotes,
    plain_markup,
    preformatted_as_code,
    quote_markup,
)
from cleaner.vendored.trafilatura.sequence import sequence, sequence_applies

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


def extraction_options(
    url: str | None,
    favor_precision: bool,
    comments: bool = False,
    fast: bool = False,
    markdown: bool = False,
) -> Extractor:
    """The options `bare_extraction` builds from the extract step's arguments
    (`markdown`: `output_format="markdown"`, which keeps emphasis and code spans)."""
    return Extractor(
        config=DEFAULT_CONFIG,
        output_format="markdown" if markdown else "python",
        fast=fast,
        precision=favor_precision,
        comments=comments,
        dedup=False,
        url=url,
    )


def main_text(
    tree: HtmlElement,
    url: str | None,
    favor_precision: bool = False,
    *,
    comments: bool = False,
    fast: bool = False,
    plain: bool = False,
    markdown: bool = False,
) -> str | None:
    """`bare_extraction(tree, url=url, include_comments=comments, deduplicate=False,
    favor_precision=favor_precision, fast=fast)`'s text, followed by its comments when
    they are asked for (as `extract()` writes them), pruning `tree` itself.

    `fast=False` (the default) lets trafilatura compare its result with its fallback
    extractors (readability, jusText): on WCXB dev, fast mode lost 0.06 of word F1
    (0.760 against 0.820 on 300 pages), most of it on pages where the main extractor
    kept a fragment. `comments=True` is for forum pages, whose posts trafilatura finds
    as comments. `plain=True` writes list items and table rows without markdown
    (cleaner/markup.py); `markdown=True` writes markdown instead (headings, lists,
    tables, code fences), as `extract(output_format="markdown")` does.

    None where `bare_extraction` returns None: too little text, or a TypeError or
    ValueError on the way (its "no result")."""
    options = extraction_options(url, favor_precision, comments, fast, markdown)
    plain = plain and not markdown
    quotes: frozenset[str] = frozenset()
    if plain or markdown:
        preformatted_as_code(tree)
        quotes = flowing_quotes(tree)
    if not shortcut_applies() or options.max_tree_size:  # a tree size limit: trafilatura's way
        result = bare_extraction(
            tree,
            url=url,
            include_comments=comments,
            deduplicate=False,
            favor_precision=favor_precision,
            fast=fast,
            include_formatting=markdown,
        )
        if result is None or isinstance(result, dict):  # a dict only when asked for one
            return None
        if not (plain or markdown):
            return _joined(result.text, result.comments if comments else None)
        found = result.commentsbody if comments else None
        return _written(result.body, found, plain, markdown, quotes)
    try:
        run = sequence if sequence_applies() else trafilatura_sequence
        body, text, comments_body, comments_text = run(tree, options, options.url)
    except (TypeError, ValueError):
        return None
    if len(text) < options.min_output_size and len(comments_text) < options.min_output_comm_size:
        return None
    if not (plain or markdown):
        notes = xmltotxt(comments_body, False) if comments and len(comments_body) else None
        return _joined(xmltotxt(body, False), notes)
    return _written(body, comments_body if comments else None, plain, markdown, quotes)


def _written(
    body: _Element,
    comments: _Element | None,
    plain: bool,
    markdown: bool,
    quotes: frozenset[str] = frozenset(),
) -> str | None:
    """The text of trafilatura's XML in plain form or markdown, followed by the comments'
    text, with code blocks, tables and table rows as single lines (cleaner/markup.py);
    `quotes`: the page's flowing quotes (cleaner/markup.py's `flowing_quotes`)."""
    text = xmltotxt(_marked(body, plain, markdown, quotes), markdown)
    notes = None
    if comments is not None and len(comments):
        notes = xmltotxt(_marked(comments, plain, markdown, quotes), markdown)
    joined = _joined(text, notes)
    return encode_blocks(joined, markdown) if joined else joined


def _marked(body: _Element, plain: bool, markdown: bool, quotes: frozenset[str]) -> _Element:
    """`body` as cleaner/markup.py prepares it for its writer: code blocks (and <pre>
    text) verbatim in both forms, a quote's source line breaks as spaces, and in plain
    text rows and items without markdown."""
    quote_markup(body, quotes)  # (called for plain text or markdown alone)
    if plain:
        return plain_markup(body)
    return code_markup(body, markdown=True) if markdown else body


def _joined(text: str | None, comments: str | None) -> str | None:
    if not comments:
        return text
    return f"{text}\n{comments}" if text else comments
