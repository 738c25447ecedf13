"""Where a run into OUT keeps its bookkeeping (its *state*): the manifest, the format, the
lock, the run record, each input's part, index and fingerprints, the shards' record, and
the report of a corpus layout.

By default the state is `OUT/.cleaner`: hidden, and it travels with OUT when OUT is moved,
copied or committed. `--state DIR` keeps it in a folder of its own, so that OUT holds the
data alone (datatrove's readers list hidden files too, and would read the parts). Every
path of the bookkeeping derives from `OutputFolders.state`: no other module knows which
of the two a run uses. A state apart records the OUT it belongs to (`out`), so that it is
never taken for another folder's.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from cleaner.errors import UsageError

#: OUT's own state folder. No document id can take the name: ids never start with a dot.
DEFAULT_STATE = ".cleaner"
MANIFEST_NAME = "manifest.jsonl"
#: The --format of the run that writes OUT, saved before its first output: a run in
#: another format is refused even when the first one was killed before it finished.
FORMAT_NAME = "format"
LOCK_NAME = "lock"  # held by the run writing OUT (see runner._sole_writer)
RUN_RECORD_NAME = "run"  # no "*.json" glob picks it up
PARTS = "parts"
REPORT_NAME = "report.json"
#: In a state apart from OUT only: OUT's path relative to the state folder, written by the
#: first run (so that the two can move together: a committed pair, cloned elsewhere).
OWNER_NAME = "out"
#: What says that a run of cleaner has written a state (the lock aside).
MARKERS = (FORMAT_NAME, MANIFEST_NAME)


@dataclass(frozen=True, slots=True)
class OutputFolders:
    """OUT, where the documents go, and the state folder of its bookkeeping. Picklable:
    the workers get it with their tasks (relative paths work where the driver's do)."""

    out: Path
    state: Path

    @classmethod
    def of(cls, out: Path, state: Path | None = None) -> OutputFolders:
        """OUT's folders: its bookkeeping in `state`, or in OUT/.cleaner if None (or if
        `state` names that very folder)."""
        own = out / DEFAULT_STATE
        if state is None or state.resolve() == own.resolve():
            return cls(out, own)
        return cls(out, state)

    @property
    def state_in_out(self) -> bool:
        """Whether the state is OUT's own (the default): then OUT holds it, hidden."""
        return self.state == self.out / DEFAULT_STATE

    @property
    def manifest(self) -> Path:
        return self.state / MANIFEST_NAME

    @property
    def format_marker(self) -> Path:
        return self.state / FORMAT_NAME

    @property
    def lock(self) -> Path:
        return self.state / LOCK_NAME

    @property
    def run_record(self) -> Path:
        return self.state / RUN_RECORD_NAME

    @property
    def parts(self) -> Path:
        return self.state / PARTS

    @property
    def owner(self) -> Path:
        return self.state / OWNER_NAME

    def has_state(self) -> bool:
        """Whether a run of this version has written the state."""
        return any((self.state / name).is_file() for name in MARKERS)

    def recorded_out(self) -> Path | None:
        """The OUT a state apart says it belongs to; None if it names none."""
        return recorded_out(self.state)

    def owner_text(self) -> str:
        """What a state apart records of OUT: its path relative to the state folder."""
        return f"{os.path.relpath(self.out.resolve(), self.state.resolve())}\n"


def recorded_out(state: Path) -> Path | None:
    """The OUT that the state folder `state` says it belongs to; None if it names none
    (OUT's own state names none: it belongs to the folder it is in)."""
    try:
        text = (state / OWNER_NAME).read_text(encoding="utf-8").strip()
    except (OSError, UnicodeDecodeError):
        return None
    return Path(os.path.normpath(state.resolve() / text)) if text else None


def check_state(folders: OutputFolders, inputs: Sequence[Path]) -> None:
    """A state folder that is OUT's alone: refused (one line, naming both folders) when it
    is another OUT's, inside OUT or an input (or holds one), or a folder of someone's
    files; and when OUT keeps its bookkeeping in OUT/.cleaner already."""
    out, state = folders.out.resolve(), folders.state.resolve()
    recorded = folders.recorded_out()
    if recorded is not None and recorded.resolve() != out:
        raise UsageError(
            f"{folders.state}: holds the bookkeeping of the output folder {recorded}, not of "
            f"{folders.out}; give {folders.out} a --state folder of its own (or, if it is "
            f"{recorded} moved, write its path relative to the state into {folders.owner})"
        )
    if folders.state_in_out:
        return
    if state == out or state.is_relative_to(out):
        raise UsageError(
            f"--state {folders.state}: inside the output folder {folders.out}, whose data it "
            "would mix with; give a folder outside it (or leave --state out: OUT/.cleaner)"
        )
    if out.is_relative_to(state):
        raise UsageError(
            f"{folders.out}: the output folder is inside the --state folder {folders.state}; "
            "keep the two apart"
        )
    for path in inputs:
        place = path.resolve()
        if state == place or state.is_relative_to(place) or place.is_relative_to(state):
            raise UsageError(
                f"--state {folders.state}: the input {path} and the state folder would "
                "overlap (one would be read or written as the other); keep them apart"
            )
    own = OutputFolders.of(folders.out)
    if own.has_state():
        raise UsageError(
            f"{folders.out}: keeps its bookkeeping in {own.state}; run without --state, or "
            f"move that folder to {folders.state} first"
        )
    if folders.state.exists() and not folders.state.is_dir():
        raise UsageError(f"--state {folders.state}: exists and is not a folder")
    if recorded is None and folders.state.name == DEFAULT_STATE and folders.has_state():
        raise UsageError(
            f"--state {folders.state}: the bookkeeping of the output folder "
            f"{folders.state.parent}, not of {folders.out}; give a folder of its own"
        )
    foreign = None if recorded or folders.has_state() else _foreign_entry(folders.state)
    if foreign is not None:
        raise UsageError(
            f"--state {folders.state}: holds files cleaner did not write ({foreign}); give a "
            "new or empty folder"
        )


def _foreign_entry(folder: Path) -> str | None:
    """An entry of a state folder that no run of cleaner leaves before its markers (a
    killed run's lock and hidden temporary files aside), if any."""
    try:
        with os.scandir(folder) as entries:
            names = (entry.name for entry in entries)
            return next((n for n in names if n != LOCK_NAME and not n.startswith(".")), None)
    except OSError:
        return None
