"""`cleaner run IN OUT --check`: is OUT exactly what a run would write? Writes nothing.

Like `black --check`: a repository of archived captures can keep its cleaned text
committed and have CI verify it. report.json (its wall time differs on every run) and
hidden files and folders (the manifest of incremental runs, the parts of a single-file
layout) are left out of the comparison.
"""

from __future__ import annotations

import difflib
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from cleaner.config import Config
from cleaner.executors import Executor
from cleaner.pipeline import Cleaner
from cleaner.readers.names import is_hidden
from cleaner.report import RunReport
from cleaner.runner import REPORT_NAME, run


@dataclass(slots=True)
class CheckResult:
    missing: list[str] = field(default_factory=list)
    extra: list[str] = field(default_factory=list)
    changed: dict[str, str] = field(default_factory=dict)  # file -> short summary
    report: RunReport | None = None

    @property
    def differences(self) -> int:
        return len(self.missing) + len(self.extra) + len(self.changed)


def _files(folder: Path) -> dict[str, Path]:
    if not folder.is_dir():
        return {}
    found = {}
    for path in sorted(folder.rglob("*")):
        relative = path.relative_to(folder)
        if path.is_file() and path.name != REPORT_NAME and not is_hidden(relative):
            found[relative.as_posix()] = path
    return found


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


def check(
    inputs: Sequence[Path],
    out: Path,
    config: Config | None = None,
    cleaner: Cleaner | None = None,
    executor: Executor | None = None,
) -> CheckResult:
    """Compare OUT with what a run would write, without touching OUT (a full run into a
    temporary folder: OUT's manifest is not trusted, files in it may have been edited)."""
    with tempfile.TemporaryDirectory(prefix="cleaner-check-") as tmp:
        expected_dir = Path(tmp) / "out"
        report = run(inputs, expected_dir, config, cleaner=cleaner, executor=executor)
        expected, actual = _files(expected_dir), _files(out)
        result = CheckResult(report=report)
        result.missing = sorted(set(expected) - set(actual))
        result.extra = sorted(set(actual) - set(expected))
        for name in sorted(set(expected) & set(actual)):
            wanted, found = expected[name].read_bytes(), actual[name].read_bytes()
            if wanted != found:
                result.changed[name] = _summary(wanted, found)
    return result
