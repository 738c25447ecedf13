"""Progress of a run: a live bar on a terminal, a plain line every few seconds in CI logs.

Progress is measured in input bytes (known before the run starts, unlike the number of
documents inside archives), and speed in documents per second. A run shows one phase at a
time: with `--corpus-pass`, "counting lines" over every input first, then "cleaning".
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import IO, Protocol

from rich.console import Console
from rich.progress import BarColumn, TaskProgressColumn, TextColumn, TimeRemainingColumn
from rich.progress import Progress as RichBar

CLEANING = "cleaning"


class Progress(Protocol):
    def start(self, inputs: int, total_bytes: int, phase: str = CLEANING) -> None: ...
    def advance(self, *, documents: int = 0, inputs: int = 0, nbytes: int = 0) -> None: ...
    def stop(self) -> None: ...


class NoProgress:
    """`--quiet`, and library calls: nothing shown."""

    def start(self, inputs: int, total_bytes: int, phase: str = CLEANING) -> None:
        pass

    def advance(self, *, documents: int = 0, inputs: int = 0, nbytes: int = 0) -> None:
        pass

    def stop(self) -> None:
        pass


def _clock(seconds: float) -> str:
    minutes, secs = divmod(int(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}"


class PlainProgress:
    """One line every `every` seconds, for logs where a redrawn bar would be noise."""

    def __init__(
        self, stream: IO[str], every: float = 5.0, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.stream, self.every, self.clock = stream, every, clock
        self.documents = self.inputs = self.nbytes = 0
        self.total_inputs = self.total_bytes = 0
        self.started = self.last = 0.0
        self.label = ""

    def start(self, inputs: int, total_bytes: int, phase: str = CLEANING) -> None:
        self.documents = self.inputs = self.nbytes = 0
        self.total_inputs, self.total_bytes = inputs, total_bytes
        self.started = self.last = self.clock()
        self.label = "" if phase == CLEANING else f"{phase}: "

    def advance(self, *, documents: int = 0, inputs: int = 0, nbytes: int = 0) -> None:
        self.documents += documents
        self.inputs += inputs
        self.nbytes += nbytes
        now = self.clock()
        if now - self.last >= self.every:
            self.last = now
            self._print(now)

    def _print(self, now: float) -> None:
        elapsed = max(now - self.started, 1e-9)
        share = self.nbytes / self.total_bytes if self.total_bytes else 1.0
        # Nothing done yet (workers still starting): no time left can be told.
        eta = _clock(elapsed * (1 - share) / share) if share > 0 else "unknown"
        self.stream.write(
            f"cleaner: {self.label}{self.documents:,} documents, "
            f"{self.inputs:,}/{self.total_inputs:,} "
            f"inputs ({share:.0%}), {self.documents / elapsed:,.1f} documents/s, ETA {eta}\n"
        )
        self.stream.flush()

    def stop(self) -> None:
        if self.documents and self.clock() - self.started >= self.every:
            self._print(self.clock())


class BarProgress:
    """A rich progress bar with documents/s and the time left."""

    def __init__(self, console: Console) -> None:
        self.bar = RichBar(
            TextColumn("[bold]{task.description}"),
            BarColumn(),
            TaskProgressColumn(),
            TextColumn("{task.fields[documents]:,} docs · {task.fields[rate]} docs/s"),
            TimeRemainingColumn(),
            console=console,
            transient=True,
        )
        self.task = self.bar.add_task(CLEANING, total=None, documents=0, rate="–")
        self.documents = 0
        self.started = 0.0

    def start(self, inputs: int, total_bytes: int, phase: str = CLEANING) -> None:
        self.documents = 0
        self.started = time.monotonic()
        self.bar.reset(
            self.task, total=max(total_bytes, 1), description=phase, documents=0, rate="–"
        )
        self.bar.start()

    def advance(self, *, documents: int = 0, inputs: int = 0, nbytes: int = 0) -> None:
        self.documents += documents
        rate = self.documents / max(time.monotonic() - self.started, 1e-9)
        self.bar.update(self.task, advance=nbytes, documents=self.documents, rate=f"{rate:,.1f}")

    def stop(self) -> None:
        self.bar.stop()


def is_tty(stream: IO[str]) -> bool:
    isatty = getattr(stream, "isatty", None)
    try:
        return bool(isatty and isatty())
    except ValueError:  # closed
        return False


def make_progress(console: Console, quiet: bool = False, live: bool | None = None) -> Progress:
    """The bar on a terminal, plain lines elsewhere (CI), nothing when quiet.

    `live`: whether a redrawn bar can be shown; by default, whether the console writes to
    a terminal. Not `console.is_terminal`: CI sets FORCE_COLOR for colours, and rich then
    calls any stream a terminal, which would fill the log with redrawn bars. A terminal
    that cannot move the cursor (TERM=dumb, as in Emacs' shell) gets the lines: rich draws
    no live bar there at all."""
    if quiet:
        return NoProgress()
    if live is None:
        live = is_tty(console.file) and not console.is_dumb_terminal
    if live:
        return BarProgress(console)
    return PlainProgress(console.file)
