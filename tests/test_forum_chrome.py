"""A forum page's signatures and poster-detail panels are taken out before its text is
extracted (cleaner/forum_chrome.py); the posts and their authors stay."""

from __future__ import annotations

from cleaner import Cleaner, Config
from cleaner.forum_chrome import drop_forum_chrome
from cleaner.readers.text import document_from_bytes
from cleaner.steps.extract import parse_page

_REPLY = (
    "I had the same problem with the pump last spring. Once I replaced the gasket and "
    "bled the air out of the line, it ran quietly again, so try that before buying a new one."
)
_SIGNATURE = "Proud owner of three leaky pumps and a very patient wife since 1998"


def _phpbb_post(number: int) -> str:
    return (
        f'<div class="post bg{number % 2 + 1}"><div class="inner">'
        f'<dl class="postprofile"><dt><a class="username" href="/u/{number}">pumpfan{number}</a>'
        f'</dt><dd class="profile-rank">Senator</dd><dd class="profile-joined">'
        f"<strong>Joined:</strong> Sun Dec 17, 2023 11:18 am</dd></dl>"
        f'<div class="postbody"><p class="author">by pumpfan{number} » Tue Aug 27, 2019</p>'
        f'<div class="content">Reply {number}. {_REPLY}</div>'
        f'<div class="signature">{_SIGNATURE}</div></div></div></div>'
    )


def _thread(posts: str) -> str:
    return (
        "<html><head><title>Pump keeps humming - Plumbing forum</title></head><body>"
        f'<div id="page-body"><h2 class="topic-title">Pump keeps humming</h2>{posts}</div>'
        "</body></html>"
    )


def test_signatures_and_poster_details_go_and_the_posts_and_names_stay() -> None:
    html = _thread("".join(_phpbb_post(n) for n in range(1, 7)))
    doc = document_from_bytes("t", "t", html.encode(), html=True)
    doc.metadata["url"] = "https://forum.plumbing.example/viewtopic.php?t=4411"
    doc = Cleaner(Config()).clean(doc)
    assert doc.metadata["page_type"] == "forum"
    assert "Reply 6. I had the same problem" in doc.text
    assert "by pumpfan3 » Tue Aug 27, 2019" in doc.text
    # Neither trafilatura nor the second extractor (combine.py) brings them back.
    assert "leaky pumps" not in doc.text
    assert "Joined:" not in doc.text and "Senator" not in doc.text


def test_phpbb_panel_keeps_the_name_and_loses_the_details() -> None:
    tree = parse_page(_thread(_phpbb_post(1)))
    assert drop_forum_chrome(tree) == 2
    text = tree.text_content()
    assert "pumpfan1" in text and "Reply 1." in text
    assert "Joined:" not in text and _SIGNATURE not in text


def test_the_names_of_other_forum_software() -> None:
    for chrome in (
        '<div class="message-signature"><div class="bbWrapper">{}</div></div>',  # XenForo
        '<div class="message-userExtras"><dl>{}</dl></div>',
        '<div class="signaturecontainer">{}</div>',  # vBulletin
        '<div data-role="memberSignature" class="ipsType_break">{}</div>',  # Invision
    ):
        tree = parse_page(_thread(f"<div><p>Reply. {_REPLY}</p>{chrome.format(_SIGNATURE)}</div>"))
        assert drop_forum_chrome(tree) == 1, chrome
        assert _SIGNATURE not in tree.text_content(), chrome
        assert "Reply." in tree.text_content()


def test_a_wrapper_a_skin_names_so_is_kept() -> None:
    # A theme's class on the element that holds the whole thread: not a signature.
    tree = parse_page(_thread(f'<div class="signature"><p>Reply. {_REPLY}</p></div>'))
    assert drop_forum_chrome(tree) == 0
    assert "Reply." in tree.text_content()
