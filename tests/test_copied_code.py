"""The code copied from trafilatura 2.3.1 (main_text.py's extraction shortcut, author_search.py's
translated expressions) must match the trafilatura installed: where it does not, cleaner
quietly falls back to trafilatura's own (slower) path, and the copies' tests would be
skipped. So CI fails here instead, naming what to update."""

from __future__ import annotations

from importlib.metadata import version

from cleaner import author_search, main_text


def test_main_text_follows_the_installed_bare_extraction() -> None:
    assert main_text.shortcut_applies(), (
        f"trafilatura {version('trafilatura')}'s bare_extraction is not the one main_text.py "
        "follows: compare its source with main_text's lines, then add its digest "
        f"({main_text.bare_extraction_digest()}) to main_text.VERIFIED"
    )


def test_author_search_translates_the_installed_expressions() -> None:
    assert author_search.translation_applies(), (
        f"trafilatura {version('trafilatura')}'s author expressions are not the ones "
        "author_search.py translates: translate the new ones, then add their digest "
        f"({author_search.expressions_digest()}) to author_search.TRANSLATED"
    )
