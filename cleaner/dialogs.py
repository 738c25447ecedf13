"""Dialogs that are not the page's text, taken out of a page before its text is extracted:
cookie consent dialogs and banners, closed `<dialog>`s and popovers.

A consent platform's dialog is a block of long paragraphs about cookies ("These
technologies are necessary for the website to function..."); resiliparse keeps it as
content and trafilatura sometimes does. Found by the platforms' own containers
(OneTrust, Cookiebot, Quantcast, Usercentrics, Didomi, TrustArc, Google's, CookieYes,
Complianz, iubenda, Borlabs, EU Cookie Compliance) and by ids and classes that say what
an element is ("cookie-banner", "cookie-consent", "cookie-notice", "cookie-bar"). An
element that holds most of the page's text is never taken out: a class on a wrapper
("page cookie-bar-shown") describes the page's state, not a dialog.

A closed `<dialog>` and an element with a `popover` attribute are hidden until a script
or a button opens them: an app-install prompt, a push-notification card, a sign-up form,
a menu's drop-down. On the WCXB dev pages that have one, word F1 went 0.7638 -> 0.7666
(forum 0.765 -> 0.776, service 0.694 -> 0.705), the same on both halves; `role="dialog"`
as well took product tabs and overlays that held the product's text (product 0.614 ->
0.603 on the even half), so it stays out.
"""

from __future__ import annotations

import re
from typing import Any

from lxml import etree
from lxml.html import HtmlElement

from cleaner.prune import text_length

#: Ids of consent platforms' containers.
CONSENT_IDS = (
    "onetrust-consent-sdk", "onetrust-banner-sdk", "onetrust-pc-sdk", "CybotCookiebotDialog",
    "qc-cmp2-container", "usercentrics-root", "didomi-host", "truste-consent-track",
    "cookie-law-info-bar", "cmplz-cookiebanner-container", "iubenda-cs-banner",
    "BorlabsCookieBox", "sliding-popup", "cliSettingsPopup",
)  # fmt: skip
#: Classes of consent platforms' containers.
CONSENT_CLASSES = ("fc-consent-root", "cky-consent-container", "cli-modal")
#: Parts of an id or a class name that say the element is a consent dialog or banner.
CONSENT_NAME_PARTS = (
    "cookie-banner", "cookiebanner", "cookie-consent", "cookie-notice", "cookie-bar",
    "cookie-compliance", "consent-banner", "bbccookies", "onetrust",
)  # fmt: skip
#: Elements never taken out, whatever their class.
_KEPT_TAGS = frozenset({"html", "body", "main", "article", "head"})
#: An element that holds more than this share of the page's text is not a dialog.
MAX_PAGE_SHARE = 0.5

DIALOG_SELECTOR = ", ".join((
    "[popover]",
    "dialog:not([open])",
    *(f"#{name}" for name in CONSENT_IDS),
    *(f".{name}" for name in CONSENT_CLASSES),
    *(f'[{attribute}*="{part}" i]' for part in CONSENT_NAME_PARTS for attribute in ("id", "class")),
))  # fmt: skip

_NAMES = re.compile(
    "|".join(
        [f"^{re.escape(name)}$" for name in CONSENT_IDS]
        + [f"(^|\\s){re.escape(name)}(\\s|$)" for name in CONSENT_CLASSES]
        + [re.escape(part) for part in CONSENT_NAME_PARTS]
    ),
    re.I,
)


#: Letters that every name in `_NAMES` holds, as pages write them: a plain search that
#: rules out nearly every id and class before `_NAMES`, whose alternatives cost more.
_NAME_MARKS = re.compile(
    "ookie|OOKIE|onsent|ONSENT|netrust|cmp2|usercentrics|didomi|iubenda|sliding-popup"
    "|cliSettings|cli-modal"
)


def _names_a_dialog(value: str | None) -> bool:
    if not value or _NAME_MARKS.search(value) is None:
        return False
    return _NAMES.search(value) is not None


def _is_dialog(element: HtmlElement) -> bool:
    """Whether an element is a dialog: a popover, a closed `<dialog>`, or an id or a
    class that `_NAMES` matches (not the page's `_KEPT_TAGS`)."""
    if element.tag == "dialog":
        return element.get("open") is None
    if element.get("popover") is not None:
        return element.tag not in _KEPT_TAGS
    named = _names_a_dialog(element.get("id")) or _names_a_dialog(element.get("class"))
    return named and element.tag not in _KEPT_TAGS


def drop_dialogs(tree: HtmlElement) -> int:
    """Takes the page's consent dialogs, closed dialogs and popovers out of an lxml tree;
    how many it took out."""
    # one pass in Python: an XPath that tests each element's id and class (a regular
    # expression, or a dozen `contains()`) took four times as long as parsing the page
    found = [element for element in tree.iter(etree.Element) if _is_dialog(element)]
    if not found:
        return 0
    page = text_length(tree)
    dropped = 0
    for element in found:
        if _top(element) is not tree:
            continue  # taken out with the dialog that holds it
        if text_length(element) > MAX_PAGE_SHARE * page:
            continue  # a wrapper of the page
        element.drop_tree()  # its tail is the page's text: kept
        dropped += 1
    return dropped


def _top(element: HtmlElement) -> HtmlElement:
    """The outermost element that holds `element` (the tree's root, unless it was taken
    out of the tree)."""
    for ancestor in element.iterancestors():
        element = ancestor
    return element


def drop_dialog_nodes(tree: Any) -> int:
    """Takes the page's consent dialogs, closed dialogs and popovers out of a resiliparse
    tree; how many it took out."""
    body = tree.body
    page = len(body.text) if body is not None else 0
    dropped = 0
    for node in tree.document.query_selector_all(DIALOG_SELECTOR):
        parent = node.parent
        if parent is None or node.tag in _KEPT_TAGS or len(node.text) > MAX_PAGE_SHARE * page:
            continue
        parent.remove_child(node)
        dropped += 1
    return dropped
