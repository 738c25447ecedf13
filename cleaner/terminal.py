"""What the CLI writes to: the process's stdout or stderr as it is at each write, which
never fails a finished run.

A run's outputs are on disk before it says so: a closed stdout (`>&-`, where
`sys.stdout` is None), a full disk (`> /dev/full`) or a reader gone (`| true`) turned its
summary line into a traceback, or into rich's broken-pipe exit, with exit code 1 ("some
documents failed") for a run where none did. What cannot be written is dropped.
"""

from __future__ import annotations

import io
import sys
from contextlib import suppress
from typing import IO, Literal, cast


def terminal_stream(name: Literal["stdout", "stderr"]) -> IO[str]:
    """A `TerminalStream`, typed as the text stream it stands for."""
    return cast(IO[str], TerminalStream(name))


class TerminalStream(io.TextIOBase):
    """`sys.stdout` or `sys.stderr`, looked up at each call (tests and callers swap
    them), taking what it cannot write without an error."""

    def __init__(self, name: Literal["stdout", "stderr"]) -> None:
        super().__init__()
        self._name = name

    def _target(self) -> IO[str] | None:
        target = getattr(sys, self._name)
        # While rich's progress bar is live it puts a proxy of the console in sys.stdout
        # and sys.stderr: writing there would print back into this stream without end.
        return cast("IO[str] | None", getattr(target, "rich_proxied_file", target))

    def write(self, text: str) -> int:
        target = self._target()
        if target is not None:
            with suppress(OSError, ValueError):  # full, closed, or a pipe nobody reads
                target.write(text)
        return len(text)

    def flush(self) -> None:
        target = self._target()
        if target is not None:
            with suppress(OSError, ValueError):
                target.flush()

    def isatty(self) -> bool:
        target = self._target()
        try:
            return bool(target is not None and target.isatty())
        except (OSError, ValueError):
            return False

    def fileno(self) -> int:
        target = self._target()
        if target is None:
            raise io.UnsupportedOperation("no stream")
        return target.fileno()

    @property
    def encoding(self) -> str:  # type: ignore[override]
        return getattr(self._target(), "encoding", None) or "utf-8"
