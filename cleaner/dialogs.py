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

A consent dialog under a name no list above holds is found two more ways: an id, a
class or a test id that says both what it is about and what it is ("cookiePrefPopup",
"consent-banner", "gdpr-overlay"), and an ARIA dialog (`role="dialog"`, `"alertdialog"` or
`aria-modal="true"`) whose text speaks of cookies and of consent, accepting or settings
(in a dozen languages): on WCXB dev, Etsy's, Steam's, B&H's and iFixit's.

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


#: What a consent dialog's own name says it is about, and what it is: both in one id, one
#: class or one test id (within a word: "consent-given header-bar" is two classes).
_ABOUT_CONSENT = "(?:cookie|consent|gdpr)"
_A_DIALOG = "(?:pop-?up|modal|overlay|banner|dialog|prompt|notice)"
_NAMED_CONSENT_DIALOG = re.compile(
    f"{_ABOUT_CONSENT}[\\w-]*?{_A_DIALOG}|{_A_DIALOG}[\\w-]*?{_ABOUT_CONSENT}", re.I
)
#: The attributes a name is read from, and a CSS selector of the elements (of a
#: resiliparse tree) whose names may say so, tested then with `_names_a_dialog`.
NAMES_READ = ("id", "class", "data-testid")
NAMED_SELECTOR = ", ".join(
    f'[{attribute}*="{word}" i]'
    for word in ("cookie", "consent", "gdpr")
    for attribute in NAMES_READ
)

#: Letters that every name in `_NAMES` and `_NAMED_CONSENT_DIALOG` holds, as pages write
#: them: a plain search that rules out nearly every id and class before those, whose
#: alternatives cost more.
_NAME_MARKS = re.compile(
    "ookie|OOKIE|onsent|ONSENT|netrust|cmp2|usercentrics|didomi|iubenda|sliding-popup"
    "|cliSettings|cli-modal|gdpr|GDPR|Gdpr"
)
#: ARIA dialogs (of a resiliparse tree; `_is_aria_dialog` for lxml's): taken out when
#: their text is a consent request (`_is_consent_request`).
ARIA_DIALOG_SELECTOR = "[role=dialog], [role=alertdialog], [aria-modal=true]"
#: Words of a consent request beside "cookie" (which most languages borrow): a dialog
#: that only sells cookies says none of them.
_CONSENT_WORDS = re.compile(
    "consent|accept|agree|privacy|preferences|settings|zustimm|akzept|einstellung|"
    "datenschutz|consentement|paramètres|confidentialité|acepta|configuraci|privacidad|"
    "accett|consenso|impostazion|aceit|privacidade|toestemming|accepteren|instellingen|"
    "zgod|akceptuj|ustawienia|соглас|принять|настройк|同意|接受|隐私|設定|プライバシー",
    re.I,
)
#: Where a consent request says so: its first characters.
CONSENT_TEXT_HEAD = 3000


def _names_a_dialog(value: str | None) -> bool:
    if not value or _NAME_MARKS.search(value) is None:
        return False
    return _NAMES.search(value) is not None or _NAMED_CONSENT_DIALOG.search(value) is not None


def _is_consent_request(text: str) -> bool:
    """Whether a dialog's text asks for consent to cookies."""
    head = text[:CONSENT_TEXT_HEAD]
    return "ookie" in head.casefold() and _CONSENT_WORDS.search(head) is not None


def _is_aria_dialog(element: HtmlElement) -> bool:
    role = element.get("role")
    if role is not None and role in ("dialog", "alertdialog"):
        return True
    return element.get("aria-modal") == "true"


def _is_dialog(element: HtmlElement) -> bool:
    """Whether an element is a dialog: a popover, a closed `<dialog>`, or an id or a
    class that `_NAMES` matches (not the page's `_KEPT_TAGS`)."""
    if element.tag == "dialog":
        return element.get("open") is None
    if element.get("popover") is not None:
        return element.tag not in _KEPT_TAGS
    named = (
        _names_a_dialog(element.get("id"))
        or _names_a_dialog(element.get("class"))
        or _names_a_dialog(element.get("data-testid"))
    )
    return named and element.tag not in _KEPT_TAGS


def drop_dialogs(tree: HtmlElement) -> int:
    """Takes the page's consent dialogs, closed dialogs and popovers out of an lxml tree;
    how many it took out."""
    # one pass in Python: an XPath that tests each element's id and class (a regular
    # expression, or a dozen `contains()`) took four times as long as parsing the page
    found, aria = [], []
    for element in tree.iter(etree.Element):
        if _is_dialog(element):
            found.append(element)
        elif _is_aria_dialog(element) and element.tag not in _KEPT_TAGS:
            aria.append(element)
    found += [element for element in aria if _is_consent_request(element.text_content())]
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
    found = list(tree.document.query_selector_all(DIALOG_SELECTOR))
    found += [
        node
        for node in tree.document.query_selector_all(NAMED_SELECTOR)
        if any(_names_a_dialog(node.getattr(name)) for name in NAMES_READ)
    ]
    found += [
        node
        for node in tree.document.query_selector_all(ARIA_DIALOG_SELECTOR)
        if _is_consent_request(node.text)
    ]
    for node in found:
        parent = node.parent
        if parent is None or node.tag in _KEPT_TAGS or len(node.text) > MAX_PAGE_SHARE * page:
            continue
        parent.remove_child(node)
        dropped += 1
    return dropped
