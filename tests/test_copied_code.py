"""The code copied from trafilatura (cleaner/vendored/trafilatura/: main_text.py's
extraction shortcut, author_search.py's translated expressions) must match the trafilatura
installed: where it does not, cleaner falls back to trafilatura's own (slower) functions.
CI fails here then (the copies' own tests do not skip either), naming what to update."""

from __future__ import annotations

from importlib.metadata import version
from pathlib import Path

from cleaner.vendored import trafilatura as vendored
from cleaner.vendored.trafilatura import author_search, main_text, sequence


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


def test_sequence_follows_the_installed_trafilatura_sequence() -> None:
    assert sequence.sequence_applies(), (
        f"trafilatura {version('trafilatura')}'s trafilatura_sequence, html2txt or the "
        "expressions sequence.py guards are not the ones it copies: compare them with "
        f"sequence.py's, then add their digest ({sequence._digest()}) to sequence.VERIFIED"
    )


def test_the_stated_release_is_the_installed_one() -> None:
    """The release the package states is the one its copies were checked against: when
    the digests above are updated for a new release, RELEASE must say so too."""
    assert version("trafilatura") == vendored.RELEASE or not vendored.copies_apply(), (
        f"the copies match trafilatura {version('trafilatura')}, but "
        f"cleaner/vendored/trafilatura says they follow {vendored.RELEASE}: update RELEASE"
    )
    assert vendored.copies_apply() == (
        main_text.shortcut_applies()
        and author_search.translation_applies()
        and sequence.sequence_applies()
    )


def test_no_copy_outside_the_vendored_package() -> None:
    """Copied code lives under cleaner/vendored/ alone (the modules that were moved there
    are not back elsewhere)."""
    import cleaner

    root = Path(cleaner.__file__).parent
    for name in ("main_text.py", "author_search.py", "sequence.py"):
        found = [p.relative_to(root).as_posix() for p in root.rglob(name)]
        assert found == [f"vendored/trafilatura/{name}"], found
