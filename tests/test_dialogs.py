"""Cookie consent dialogs are taken out of a page before its text is read (cleaner/dialogs.py)."""

from __future__ import annotations

from cleaner import Cleaner, Config
from cleaner.combine import second_opinion
from cleaner.dialogs import drop_dialogs
from cleaner.readers.text import document_from_bytes
from cleaner.steps.extract import parse_page

_COOKIES = (
    "These technologies are necessary for the website to function and cannot be disabled. "
    "They are necessary to operate the site or deliver the services you request."
)
_POSTS = "".join(
    f"<div class='post'><p>Post {n}: the rear port is for an external Link device, "
    f"said the moderator on reddit, and the bottom one is for the fans.</p></div>"
    for n in range(1, 4)
)


def _page(dialog: str, wrapper_class: str = "page") -> str:
    return (
        f"<html><head><title>New case</title></head><body><div class='{wrapper_class}'>"
        f"<h1>New 2500X case</h1>{_POSTS}</div>{dialog}</body></html>"
    )


def test_a_consent_platforms_dialog_is_taken_out_of_both_extractors() -> None:
    onetrust = (
        "<div id='onetrust-consent-sdk'><div id='onetrust-pc-sdk'><h2>Privacy Preference"
        f" Center</h2><p>{_COOKIES}</p></div></div>"
    )
    tree = parse_page(_page(onetrust))
    assert tree is not None
    assert drop_dialogs(tree) == 1
    assert "cookie" not in tree.text_content().casefold()
    assert "Post 3" in tree.text_content()
    opinion = second_opinion(_page(onetrust), comments=True) or ""
    assert "Post 1" in opinion and "necessary" not in opinion
    doc = document_from_bytes("p", "p", _page(onetrust).encode(), html=True)
    doc.metadata["url"] = "https://forum.example.com/forums/topic/188682-new-2500x-case/"
    text = Cleaner(Config()).clean(doc).text
    assert "Post 2" in text and "necessary" not in text


def test_a_banner_named_for_what_it_is_goes_but_not_a_page_wrapper() -> None:
    banner = f"<section class='site-cookie-banner'><p>{_COOKIES}</p></section>"
    tree = parse_page(_page(banner))
    assert tree is not None
    drop_dialogs(tree)
    assert "necessary" not in tree.text_content()
    # a class that describes the page's state, on what holds the page, takes nothing out
    tree = parse_page(_page("", wrapper_class="page cookie-bar-shown"))
    assert tree is not None
    assert drop_dialogs(tree) == 0
    assert "Post 1" in tree.text_content()


def test_closed_dialogs_and_popovers_are_taken_out_open_ones_stay() -> None:
    install = (
        "<i-card popover id='pwa'><h4>View in the app</h4><p>Tap Add to Home Screen.</p></i-card>"
    )
    signup = "<dialog><p>Sign up for our newsletter today.</p></dialog>"
    shown = "<dialog open><p>Post 4: an open dialog is what the reader sees.</p></dialog>"
    tree = parse_page(_page(install + signup + shown))
    assert tree is not None
    assert drop_dialogs(tree) == 2
    text = tree.text_content()
    assert "Home Screen" not in text and "newsletter" not in text and "Post 4" in text
    opinion = second_opinion(_page(install + signup + shown), comments=True) or ""
    assert "Post 1" in opinion and "Home Screen" not in opinion and "newsletter" not in opinion


def test_a_dialog_named_for_consent_goes_under_any_platform() -> None:
    # what the name says it is about and what it is, in one id, class or test id
    named = (
        f"<div id='cookiePrefPopup'><p>{_COOKIES}</p></div>"
        f"<div data-testid='consent-banner'><p>We use cookies. Accept all?</p></div>"
        "<div class='consent-given header-bar'><p>Post 5: two classes, not a dialog.</p></div>"
    )
    tree = parse_page(_page(named))
    assert tree is not None
    assert drop_dialogs(tree) == 2
    text = tree.text_content()
    assert "necessary" not in text and "Accept all" not in text and "Post 5" in text
    opinion = second_opinion(_page(named), comments=True) or ""
    assert "Post 1" in opinion and "necessary" not in opinion and "Accept all" not in opinion


def test_an_aria_dialog_goes_when_it_asks_for_consent_to_cookies() -> None:
    consent = (
        "<div role='alertdialog' aria-modal='true' id='overlay-7'><h1>Your privacy settings"
        "</h1><p>We use cookies for analytics and personalisation.</p></div>"
        "<section role='dialog'><p>Wir verwenden Cookies. Alle akzeptieren?</p></section>"
    )
    bakery = (
        "<div role='dialog'><p>Post 6: our oatmeal cookie comes in a tin of twelve, "
        "baked on the day it ships.</p></div>"
    )
    tree = parse_page(_page(consent + bakery))
    assert tree is not None
    assert drop_dialogs(tree) == 2
    text = tree.text_content()
    assert "analytics" not in text and "akzeptieren" not in text and "Post 6" in text
    opinion = second_opinion(_page(consent + bakery), comments=True) or ""
    assert "Post 1" in opinion and "analytics" not in opinion and "akzeptieren" not in opinion
