"""trafilatura's `trafilatura_sequence`, with the regex tests of three expressions cut short.

lxml evaluates an expression's `re:test(@class, ...)` by calling Python's `re.search`
for every element it reaches. Three expressions that `trafilatura_sequence` evaluates on
the whole page run such a test on every element: the two it prunes the raw tree with
(`RAW_TREE_PRUNE_XPATH[0]`, `REMOVE_COMMENTS_AND_LISTS_XPATH`) and `BASIC_CLEAN_XPATH`,
which `html2txt` runs to measure the page's text before the recall escalation.

- The two prunes are evaluated only where one of the page's classes or ids matches what
  an element they select must have (one regex search over all of them, joined: on the
  scrapinghub pages the infinite-scroll prune is needed on 7 of 181, the comments prune
  on 84), and then with a guard in front of their regex tests: `contains()` tests,
  evaluated in C, for literal text every match of the regexes holds (a comments id holds
  "omment"). An element the guard turns away is one no regex would have matched.
- BASIC_CLEAN_XPATH's cookie banner branch (a case-insensitive regex on every element's
  class and id) is left out on a page where none of the classes and ids matches that
  regex (10 of 181). (A `contains(translate(...))` guard would be exact too, but
  libxml2's translate() costs more than the callbacks it saves.)

Each expression so selects the same elements as trafilatura's, in the same order:
tests/test_sequence.py holds them to trafilatura's on real and generated pages. Over the 181
scrapinghub pages, main_text's time went from about 2.05 s to 1.8 s.

Everything else is trafilatura's, line for line (`trafilatura_sequence` and `html2txt`
as they stand in the release whose digest `VERIFIED` records); with any other release,
or other expressions, trafilatura's own functions run.
"""

from __future__ import annotations

import hashlib
import importlib
import inspect
import re
from copy import copy
from dataclasses import dataclass
from functools import cache

from lxml.etree import Element, XPath, _Element
from lxml.html import HtmlElement
from trafilatura.core import (
    ESCALATION_ACCEPT_RATIO,
    ESCALATION_JUSTEXT_RATIO,
    ESCALATION_MAX_LENGTH,
    ESCALATION_PAGE_SHARE,
    LOGGER,
    _elem_text,
    _extract_and_compare,
    _forum_thread_page,
    _prepare_tree,
    _recall_retry,
    baseline,
    convert_tags,
    extract_comments,
    justext_rescue,
    prune_unwanted_nodes,
    trafilatura_sequence,
)
from trafilatura.settings import BASIC_CLEAN_XPATH, Extractor
from trafilatura.xpaths import (
    RAW_TREE_PRUNE_XPATH,
    REGEXP_NS,
    REMOVE_COMMENTS_AND_LISTS_XPATH,
    REMOVE_COMMENTS_XPATH,
)

_baseline = importlib.import_module("trafilatura.baseline")  # the name is also a function's

#: sha256 of the sources of `trafilatura_sequence`, `html2txt`, `basic_cleaning` and
#: `_spaced_text` and of the three expressions' paths: trafilatura 2.3.1's.
VERIFIED = frozenset({"1b409fd2128ba43b3e1281249d0129a3de9137aa4c397097ae10b8e1cac1cad9"})

# The guards: each is implied by the regex tests it is put in front of.
_INFINITE_GUARD = (
    "[contains(@id, 'mvp-post-add-') or contains(@id, 'infinite')"
    " or contains(@class, 'mvp-post-add-') or contains(@class, 'infinite')]"
)
# '^(?:[Cc]omment(?!ary)|comol|disqus_thread|dsq-comments)' on @id (dsq-comments holds
# "omment"), '^[Cc]omment(?!ary)|(?:article|post)-comments' on @class.
_COMMENTS_GUARD = (
    "[contains(@id, 'omment') or contains(@id, 'comol') or contains(@id, 'disqus_thread')"
    " or contains(@class, 'omment')]"
)
#: The cookie banner branch of BASIC_CLEAN_XPATH and its regex: the branch is left out of
#: the expression on a page where no class or id matches the regex anywhere.
_COOKIE_BRANCH = "|.//*[re:test(@class, "
_COOKIE_REGEX = re.compile(r"re:test\(@class, '([^']+)', 'i'\)")
_ATTRIBUTES = XPath("//@class|//@id", smart_strings=False)
#: What a class or id must match for each guarded expression to select its element.
_INFINITE = re.compile("mvp-post-add-(?:box|wrap)|infinite-?scroll")
_SHARE_BUTTONS = re.compile("elementor-share-buttons")
_COMMENTS = re.compile(
    "^(?:[Cc]omment(?!ary)|comol|disqus_thread|dsq-comments)|^[Cc]omment(?!ary)"
    "|(?:article|post)-comments",
    re.MULTILINE,
)


def _guarded(path: str, before: str, guard: str) -> str:
    """`path` with `guard` inserted once, right after `before`."""
    at = path.index(before) + len(before)
    return path[:at] + guard + path[at:]


def _digest() -> str:
    try:
        sources = [
            inspect.getsource(function)
            for function in (
                trafilatura_sequence,
                _baseline.html2txt,
                _baseline.basic_cleaning,
                _baseline._spaced_text,
            )
        ]
    except (OSError, TypeError):  # no source shipped
        return ""
    paths = [
        RAW_TREE_PRUNE_XPATH[0].path,
        REMOVE_COMMENTS_AND_LISTS_XPATH[0].path,
        BASIC_CLEAN_XPATH.path,
    ]
    return hashlib.sha256("\n".join(sources + paths).encode()).hexdigest()


@cache
def sequence_applies() -> bool:
    """Whether the installed trafilatura's sequence and expressions are the ones copied here."""
    return len(RAW_TREE_PRUNE_XPATH) == 2 and _digest() in VERIFIED


@dataclass(frozen=True, slots=True)
class Expressions:
    """The expressions `sequence` evaluates in place of trafilatura's, and the regexes
    (or literal text) that an element must match for each to select it."""

    raw_tree_prune: list[tuple[XPath, re.Pattern[str]]]  # RAW_TREE_PRUNE_XPATH, guarded
    remove_comments_and_lists: list[tuple[XPath, re.Pattern[str]]]  # ... guarded
    basic_clean_without_cookies: XPath  # BASIC_CLEAN_XPATH less its cookie banner branch
    cookies: re.Pattern[str]  # the regex of that branch


@cache
def expressions() -> Expressions:
    namespaces = {"re": REGEXP_NS}
    raw = RAW_TREE_PRUNE_XPATH[0].path
    infinite = _guarded(raw, "[self::div or self::section or self::aside]", _INFINITE_GUARD)
    comments = _guarded(
        REMOVE_COMMENTS_AND_LISTS_XPATH[0].path, "or self::ol or self::ul]", _COMMENTS_GUARD
    )
    basic, branch, cookies = BASIC_CLEAN_XPATH.path.partition(_COOKIE_BRANCH)
    found = _COOKIE_REGEX.search(branch + cookies)
    if not found or found[1].count("'"):  # not the expression this module was written for
        raise ValueError("BASIC_CLEAN_XPATH is not the one sequence.py follows")
    return Expressions(
        [
            (XPath(infinite, namespaces=namespaces), _INFINITE),
            (RAW_TREE_PRUNE_XPATH[1], _SHARE_BUTTONS),
        ],
        [(XPath(comments, namespaces=namespaces), _COMMENTS)],
        XPath(basic),
        re.compile(found[1], re.IGNORECASE),
    )


def _attribute_values(tree: HtmlElement) -> str:
    """Every class and id of the tree, one a line: a line of its own starts each value, so
    that a regex (with `re.MULTILINE` for its "^") that matches one of them matches here."""
    return "\n".join(_ATTRIBUTES(tree))


def _prune(
    tree: HtmlElement, expressions: list[tuple[XPath, re.Pattern[str]]], values: str
) -> HtmlElement:
    """prune_unwanted_nodes(tree, the expressions), each evaluated only where a class or id
    of the page (`values`) matches what an element it selects must match."""
    wanted = [xpath for xpath, needed in expressions if needed.search(values)]
    return prune_unwanted_nodes(tree, wanted) if wanted else tree


def page_text(tree: HtmlElement, values: str | None = None) -> str:
    """`html2txt(tree)` for a parsed page: BASIC_CLEAN_XPATH's cookie banner branch, a
    regex test on every element's class and id, is evaluated only when one of the page's
    classes or ids (`values`, or the tree's) matches that regex."""
    found = expressions()
    if values is None:
        values = _attribute_values(tree)
    clean = found.basic_clean_without_cookies
    if found.cookies.search(values):
        clean = BASIC_CLEAN_XPATH
    tree = copy(tree)  # the steps below modify the tree
    body = tree.find(".//body")
    if body is None:
        body = tree
    for element in clean(body):  # basic_cleaning
        _baseline.delete_element(element)
    return _baseline._spaced_text(body)


def sequence(
    tree: HtmlElement,
    options: Extractor,
    url: str | None = None,
) -> tuple[_Element, str, _Element, str]:
    """`trafilatura_sequence(tree, options, url)`, with the guarded expressions."""
    guarded = expressions()
    # the classes and ids of the page as it comes: pruning only takes some away, and the
    # tree is not changed otherwise (the stages below work on copies of it)
    values = _attribute_values(tree)
    is_forum = _forum_thread_page(tree)
    # raw-tree prune so the external extractors inherit it too: readability would otherwise
    # pick the longest appended article over the real one
    tree = _prune(tree, guarded.raw_tree_prune, values)
    # comments off: prune the raw tree so all stages inherit it, lists are still ol/ul here
    if not options.comments and (options.focus == "precision" or not is_forum):
        tree = _prune(tree, guarded.remove_comments_and_lists, values)
    cleaned_tree, cleaned_tree_backup = _prepare_tree(tree, options, url)

    commentsbody, temp_comments = Element("body"), ""
    forum_posts = None
    if options.comments:
        commentsbody, temp_comments, cleaned_tree = extract_comments(cleaned_tree, options)
        if temp_comments and is_forum:
            # thread-forum: the "comments" are the posts -> route into the body (backup predates
            # capture); keep the capture aside, salvaged below if the cascade drops the posts
            forum_posts = commentsbody
            commentsbody, temp_comments = Element("body"), ""
            cleaned_tree = convert_tags(copy(cleaned_tree_backup), options, url)
    if options.focus == "precision" and not is_forum:
        # NOT redundant with the raw-tree prune above: this runs POST-conversion, where lists
        # are <list> and match the xpath's self::list (dl lists, disqus ids, and all lists if
        # comments are on)
        cleaned_tree = prune_unwanted_nodes(cleaned_tree, REMOVE_COMMENTS_XPATH)

    postbody, temp_text = _extract_and_compare(cleaned_tree, cleaned_tree_backup, tree, options)

    # 3. rescue: baseline on the original tree, accepted only if it adds text (#896)
    if len(temp_text) < options.min_extracted_size and options.focus != "precision":
        b_body, b_text, b_len = baseline(tree)  # baseline copies element inputs
        LOGGER.debug("non-clean extracted length: %s (extraction)", b_len)
        if b_len > len(temp_text):
            postbody, temp_text = b_body, b_text
            # the dump saw the whole page: missing posts are boilerplate, not lost
            forum_posts = None

    # 4. recall escalation: a short extraction covering little of the page suggests
    # under-extraction (non-article layout) — retry in recall mode, keep if clearly bigger.
    # NOTE: the page measure html2txt(tree) is coupled to BASIC_CLEAN_XPATH — see settings.py.
    if (
        options.focus == "balanced"
        and 0 < len(temp_text) < ESCALATION_MAX_LENGTH
        and len(temp_text) < ESCALATION_PAGE_SHARE * len(page_text(tree, values))
    ):
        # a copy so a shared Extractor never leaks the "recall" focus back to the caller
        r_options = copy(options)
        r_options.focus = "recall"
        # strip comment containers from the escalation input (dup risk if captured, reader
        # comments if not), ol/ul comment lists only if captured (#881). Not on a thread-forum,
        # where the retry rescues the posts. Comments off: already pruned
        esc_tree = (
            tree
            if is_forum or not options.comments
            else prune_unwanted_nodes(
                copy(tree),
                REMOVE_COMMENTS_AND_LISTS_XPATH if temp_comments else REMOVE_COMMENTS_XPATH,
            )
        )
        r_text = ""
        try:
            r_body, r_text = _recall_retry(esc_tree, r_options, url)
        except Exception as err:  # pragma: no cover
            LOGGER.warning("recall retry failed: %s %s", err, url)
        # justext reaches div-buried content the rule retry misses (gated: ungated regressed
        # own-fallback). No region scoping of its own -> esc_tree is comment-pruned above
        j_text = ""
        if not options.fast:
            try:
                j_body, j_text = justext_rescue(copy(esc_tree), options)
            except Exception as err:  # pragma: no cover
                LOGGER.warning("justext candidate failed: %s %s", err, url)

        # floor on the retry: a result below the pipeline's own minimum is noise (the retry's
        # former internal baseline used to displace such outputs). cookie/consent banners justext
        # could pick up are pruned from its input in basic_cleaning. An accepted candidate saw the
        # full page, so its exclusions are deliberate -> drop the forum-post salvage.
        len_text, r_len, j_len = len(temp_text), len(r_text), len(j_text)
        if j_len > r_len and j_len > ESCALATION_JUSTEXT_RATIO * len_text:
            postbody, temp_text, forum_posts = j_body, j_text, None
        elif r_len >= options.min_extracted_size and r_len > ESCALATION_ACCEPT_RATIO * len_text:
            postbody, temp_text, forum_posts = r_body, r_text, None

    if forum_posts is not None:
        # a gate (escalation length, precision) blocked the cascade from restoring the posts:
        # append the ones missing from the body
        existing = "\n".join(filter(None, (_elem_text(el) for el in postbody)))
        salvaged = [el for el in forum_posts if (t := _elem_text(el)) and t not in existing]
        if salvaged:
            LOGGER.debug(
                "thread-forum salvage: %s captured posts appended to the body", len(salvaged)
            )
            postbody.extend(salvaged)
            temp_text = " ".join(postbody.itertext()).strip()

    return postbody, temp_text, commentsbody, temp_comments
