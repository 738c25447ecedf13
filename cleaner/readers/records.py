"""What a reader yields besides documents: a record that could not be read."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class RecordFailure:
    """One record of a container that could not be turned into a document."""

    source: str
    reason: str
    detail: str = ""  # a traceback, for --debug; never in report.json
    whole_input: bool = False  # the input could not be read at all: it gave no document


@dataclass(slots=True)
class ReadStats:
    """Records a reader passed over on purpose, by kind ("request", "response:image/png")."""

    skipped: Counter[str] = field(default_factory=Counter)
