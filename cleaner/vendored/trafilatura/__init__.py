"""Code copied from trafilatura (https://github.com/adbar/trafilatura, Apache-2.0), release
2.3.1, reworked for speed on trees cleaner parses itself:

- `main_text.py`: the lines of `trafilatura.core.bare_extraction` the extract step needs,
  run on the tree in place instead of on a deep copy of it;
- `author_search.py`: `trafilatura.metadata.extract_author`'s XPath expressions
  (`trafilatura.xpaths.AUTHOR_XPATHS`, `AUTHOR_DISCARD_XPATHS`) evaluated in Python;
- `sequence.py`: `trafilatura.core.trafilatura_sequence` and `html2txt`, with the regex
  tests of three of their expressions guarded or skipped where they cannot match.

Each copy is used only while the installed trafilatura's source of what it copies hashes to
the one recorded here (`main_text.VERIFIED`, `author_search.TRANSLATED`,
`sequence.VERIFIED`); with any other
release, trafilatura's own functions run, with the same results, slower. pyproject.toml
allows other 2.x releases for that reason, and CI fails (it does not skip) when the
installed release is not the one the copies follow: tests/test_copied_code.py names what
to update.
"""

from __future__ import annotations

#: The trafilatura release the copies follow.
RELEASE = "2.3.1"


def copies_apply() -> bool:
    """Whether the installed trafilatura is the one the copies follow (all of them)."""
    from cleaner.vendored.trafilatura import author_search, main_text, sequence

    return (
        main_text.shortcut_applies()
        and author_search.translation_applies()
        and sequence.sequence_applies()
    )
