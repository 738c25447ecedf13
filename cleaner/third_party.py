"""What libraries say while a document is cleaned (Python warnings, log records of
WARNING and above) goes to that document's `warnings`, one short line each: never raw
HTML or a paragraph of advice on stderr, and always named with the document it is about
(report.json, `--verbose`)."""

from __future__ import annotations

import logging
import warnings
from collections.abc import Iterator
from contextlib import contextmanager

MAX_CHARS = 200  # of one line: the start of a message says what it is about


class _Collector(logging.Handler):
    def __init__(self, lines: list[str]) -> None:
        super().__init__(logging.WARNING)
        self.lines = lines

    def emit(self, record: logging.LogRecord) -> None:
        try:
            self.lines.append(one_line(f"{record.name}: {record.getMessage()}"))
        except Exception:  # a message that cannot be formatted says nothing useful
            self.lines.append(f"{record.name}: (an unprintable message)")


def one_line(message: str) -> str:
    """The first line of `message`, shortened."""
    first = message.strip().splitlines()[0] if message.strip() else ""
    return first if len(first) <= MAX_CHARS else first[: MAX_CHARS - 1] + "…"


@contextmanager
def collected() -> Iterator[list[str]]:
    """The lines libraries warn or log in the block, filled in when it ends."""
    lines: list[str] = []
    handler = _Collector(lines)
    root = logging.getLogger()
    root.addHandler(handler)  # with a handler, logging's last resort (stderr) stays quiet
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            for developers_only in (DeprecationWarning, PendingDeprecationWarning, ResourceWarning):
                warnings.simplefilter("ignore", developers_only)  # about code, not the page
            yield lines
    finally:
        root.removeHandler(handler)
    lines.extend(one_line(f"{warning.category.__name__}: {warning.message}") for warning in caught)
