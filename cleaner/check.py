"""`cleaner run IN OUT --check`: is OUT exactly what a run would write? Writes nothing.

Like `black --check`: a repository of archived captures can keep its cleaned text
committed and have CI verify it. The check is a run into a temporary folder that starts
from OUT's bookkeeping (its manifest, parts and fingerprints) and the outputs that
manifest lists, so that unchanged inputs under unchanged rules and settings are reused,
not cleaned again, by the very code that decides reuse in a run (work.py `_reuse`):
`--check` and `run` cannot disagree. What the temporary folder then holds is compared
with OUT: files missing, changed or that no input gives any more (an output of an input
gone since, or a file cleaner did not write), and report.json less what differs from run
to run (`report.lasting`). Hidden files and folders (OUT's own state) are not compared,
but for the features file that a JSON Lines OUT beside a state apart holds.
"""

from __future__ import annotations

import difflib
import errno
import json
import os
import shutil
import tempfile
from collections.abc import Sequence
from contextlib import suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cleaner.config import Config, OutputFormat
from cleaner.errors import UsageError
from cleaner.executors import Executor
from cleaner.manifest import Manifest
from cleaner.parts import WRITING
from cleaner.pipeline import Cleaner
from cleaner.report import RunReport, lasting
from cleaner.runner import check_output_dir, run
from cleaner.state import LOCK_NAME, MANIFEST_NAME, OWNER_NAME, REPORT_NAME, OutputFolders
from cleaner.writers import (
    FEATURES_FILE,
    check_layout,
    is_output_folder,
    layout_in,
    report_path,
    txt_paths,
)


@dataclass(slots=True)
class CheckResult:
    missing: list[str] = field(default_factory=list)
    extra: list[str] = field(default_factory=list)
    changed: dict[str, str] = field(default_factory=dict)  # file -> short summary
    report: RunReport | None = None
    reused: int = 0  # inputs whose outputs in OUT were found up to date, not cleaned again

    @property
    def differences(self) -> int:
        return len(self.missing) + len(self.extra) + len(self.changed)


#: A file as it was put into the expected folder: (inode, mtime in ns, size).
Identity = tuple[int, int, int]


def _identity(stat: os.stat_result) -> Identity:
    return (stat.st_ino, stat.st_mtime_ns, stat.st_size)


def _files(folder: Path) -> dict[str, tuple[Path, Identity]]:
    """The files a user sees in `folder` (hidden ones and the top-level report aside), and
    the features file of a JSON Lines OUT beside a state apart."""
    found: dict[str, tuple[Path, Identity]] = {}
    if not folder.is_dir():
        return found

    def walk(directory: str, prefix: str) -> None:
        with os.scandir(directory) as entries:
            for entry in entries:
                if entry.name.startswith(".") and (prefix or entry.name != FEATURES_FILE):
                    continue
                if entry.is_dir():
                    walk(entry.path, f"{prefix}{entry.name}/")
                elif entry.is_file():
                    name = f"{prefix}{entry.name}"
                    if name != REPORT_NAME:
                        found[name] = (Path(entry.path), _identity(entry.stat()))

    walk(str(folder), "")
    return dict(sorted(found.items()))


def _summary(expected: bytes, actual: bytes) -> str:
    try:
        old = actual.decode("utf-8").splitlines()
        new = expected.decode("utf-8").splitlines()
    except UnicodeDecodeError:
        return "binary content differs"
    diff = list(difflib.unified_diff(old, new, lineterm="", n=0))
    added = sum(1 for d in diff if d.startswith("+") and not d.startswith("+++"))
    removed = sum(1 for d in diff if d.startswith("-") and not d.startswith("---"))
    first = next((d for d in diff if d[:1] in "+-" and d[:3] not in ("+++", "---")), "")
    return f"+{added} -{removed} lines; first: {first[:100]}"


def _place_bookkeeping(folders: OutputFolders, expected: OutputFolders) -> None:
    """OUT's state, hard-linked like its outputs (see `_link`), less what a run writes in
    place, which is copied: the manifest (appended to) and the journals a killed run left
    (opened for writing again by the run that cleans their input); and less the lock, held
    by a run writing OUT now if any, and the OUT a state apart names (the expected run's
    state names its own)."""
    copied = {folders.state / MANIFEST_NAME}
    left = {folders.state / LOCK_NAME, folders.state / OWNER_NAME}

    def place(source: Path, target: Path) -> None:
        if source in left or source.is_symlink():
            return  # cleaner makes no links: someone else's, and not followed out of OUT
        if source.is_dir():
            target.mkdir(parents=True, exist_ok=True)
            for entry in sorted(source.iterdir()):
                place(entry, target / entry.name)
        elif source in copied or source.name.endswith(WRITING):
            with suppress(FileNotFoundError):  # a journal its run has just committed
                shutil.copyfile(source, target)
        elif source.is_file():
            _link(source, target)

    if folders.state.is_dir():
        place(folders.state, expected.state)


def _no_run_writing(folders: OutputFolders) -> None:
    """A run writing OUT now holds its lock (runner._sole_writer): what the check would
    copy of OUT changes under it. Tried, not held: the check writes nothing of OUT."""
    try:
        import fcntl

        handle = folders.lock.open("r+")
    except (ImportError, OSError):  # not POSIX, or no lock file: no run writing
        return
    with handle:
        try:
            fcntl.lockf(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            if exc.errno in (errno.EACCES, errno.EAGAIN):
                raise UsageError(
                    f"{folders.out}: a cleaner run is writing into this folder now; check "
                    "it when the run has finished"
                ) from None
            return  # a file system without locks: as the run does, go on
        fcntl.lockf(handle, fcntl.LOCK_UN)


def _link(source: Path, target: Path) -> Identity | None:
    """An output of OUT, hard-linked into the expected folder (a copy across file
    systems). Safe because a run never writes an output file in place: it writes a new
    file beside it and renames that over it (writers.atomic_write, commit_pair), or
    removes it, and either leaves OUT's file as it was. None if `source` is gone."""
    try:
        try:
            os.link(source, target)
        except FileExistsError:
            return None  # two ids naming one file: the first placed stands
        except OSError as exc:
            if exc.errno == errno.ENOENT:
                return None
            shutil.copyfile(source, target)
        return _identity(target.stat())
    except OSError:
        return None  # the run finds it missing and cleans its input again


def _start_from(folders: OutputFolders, expected: OutputFolders) -> dict[str, Identity]:
    """Into the empty `expected`: what a run into OUT would start from and may reuse. OUT's
    state (less the lock of a run writing it now), its report, and the per-document files
    its manifest lists (the corpus layouts keep their documents in the state's parts, and
    make the shards anew at every run's end). Nothing else of OUT: a file no input gives is
    then one the run would not write. Returns each output placed, as it was placed: one
    the run then leaves as it is needs no comparing."""
    out = folders.out
    expected.out.mkdir(parents=True)
    _place_bookkeeping(folders, expected)
    _link(out / REPORT_NAME, expected.out / REPORT_NAME)
    placed: dict[str, Identity] = {}
    if (layout_in(folders) or OutputFormat.TXT) is not OutputFormat.TXT:
        return placed
    manifest = Manifest.load(expected.state)
    made = {expected.out}
    try:
        for entry in manifest.entries.values():
            for doc in entry.documents:
                for path in txt_paths(out, doc.id):
                    name = path.relative_to(out).as_posix()
                    target = expected.out / name
                    if target.parent not in made:
                        target.parent.mkdir(parents=True, exist_ok=True)
                        made.add(target.parent)
                    identity = _link(path, target)
                    if identity is not None:
                        placed[name] = identity
    finally:
        manifest.close()
    return placed


def _read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def _report_change(expected: Path, actual: Path) -> str | None:
    """How OUT's report.json differs from the one a run would leave (its times and
    reuse counts aside), or None if a run would leave it as it is."""
    wanted, found = _read_json(expected), _read_json(actual)
    if not isinstance(wanted, dict):
        return None  # the run wrote none (it cannot fail to)
    if not isinstance(found, dict):
        return "not a run report (a JSON object)"
    wanted, found = lasting(wanted), lasting(found)
    keys = sorted(k for k in wanted.keys() | found.keys() if wanted.get(k) != found.get(k))
    return f"differs in {', '.join(keys)}" if keys else None


def check(
    inputs: Sequence[Path],
    out: Path,
    config: Config | None = None,
    cleaner: Cleaner | None = None,
    executor: Executor | None = None,
    reuse: bool = True,
    state: Path | None = None,
    force: bool = False,
) -> CheckResult:
    """Compare OUT with what a run would write, without touching OUT. `reuse`: start from
    OUT's manifest and outputs, as a run would (False: clean every input anew). `state`:
    OUT's state folder, as `run` takes it."""
    folders = OutputFolders.of(out, state)
    # What a run into OUT would refuse, the check refuses: an OUT whose bookkeeping is
    # apart (--state not given), inputs inside it... (else it said "up to date").
    check_output_dir(inputs, folders, force)
    _no_run_writing(folders)
    if out.is_dir():  # the run below checks its copy, whose name would mean nothing
        check_layout(folders, (config or (cleaner.config if cleaner else Config())).format)
    with tempfile.TemporaryDirectory(prefix="cleaner-check-") as tmp:
        # The expected run keeps its state where OUT's run does: in its OUT, or apart.
        apart = None if folders.state_in_out else Path(tmp) / "state"
        expected_folders = OutputFolders.of(Path(tmp) / "out", apart)
        expected_dir = expected_folders.out
        placed: dict[str, Identity] = {}
        if reuse and out.is_dir() and is_output_folder(folders):
            placed = _start_from(folders, expected_folders)
        # --prune: outputs of inputs gone since are outputs a run from scratch would not write
        report = run(
            inputs,
            expected_dir,
            config,
            cleaner=cleaner,
            executor=executor,
            prune=True,
            state=apart,
        )
        expected, actual = _files(expected_dir), _files(out)
        result = CheckResult(report=report, reused=report.reused)
        result.missing = sorted(set(expected) - set(actual))
        result.extra = sorted(set(actual) - set(expected))
        for name in sorted(set(expected) & set(actual)):
            if placed.get(name) == expected[name][1]:
                continue  # OUT's own file (or its copy), left as it was by the run
            wanted, found = expected[name][0].read_bytes(), actual[name][0].read_bytes()
            if wanted != found:
                result.changed[name] = _summary(wanted, found)
        layout = layout_in(expected_folders)
        actual_report = report_path(folders, layout)
        # Named as OUT's other files are, relative to OUT; in a state apart, by its absolute
        # path (which `out / name` leaves as it is).
        if actual_report.is_relative_to(out):
            report_name = actual_report.relative_to(out).as_posix()
        else:
            report_name = os.path.abspath(actual_report)
        if not actual_report.is_file():
            result.missing.append(report_name)
        else:
            change = _report_change(report_path(expected_folders, layout), actual_report)
            if change is not None:
                result.changed[report_name] = change
    return result
