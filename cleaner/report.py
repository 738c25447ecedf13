"""The run report (OUT/report.json): what went in, what came out, what was removed and why.

report.json describes OUT, not the run that last touched it: the same inputs, rules and
settings give the same report, whether everything was cleaned or everything reused, so a
run that changes nothing leaves a committed OUT as it was (`git status` stays clean). What
differs from run to run (wall time, time per step, how many inputs were reused) is kept
as the run that last changed the report measured it, and not compared (`lasting`); each
run prints its own (`cleaner run`'s summary line, `--verbose`) and returns it in
`RunReport`.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from cleaner import __version__

if TYPE_CHECKING:
    from cleaner.work import DocumentSummary


#: The reason, in the report's `skipped` counts, of documents left out by `--min-words`.
SHORT_DOCUMENT = "document under --min-words"


class FailureKind(StrEnum):
    DOCUMENT = "document"  # a document (or a record of a container) failed
    INPUT = "input"  # an input file could not be read at all
    FOLDER = "folder"  # a folder could not be listed


@dataclass(slots=True)
class Failure:
    source: str
    reason: str
    detail: str = ""  # a traceback, shown with --debug; never in report.json
    kind: FailureKind = FailureKind.DOCUMENT


@dataclass(slots=True)
class RunReport:
    rules_sha256: str
    rule_ids: tuple[str, ...] = ()
    inputs: int = 0
    written: int = 0
    failures: list[Failure] = field(default_factory=list)
    removals_by_rule: Counter[str] = field(default_factory=Counter)
    removals_by_step: Counter[str] = field(default_factory=Counter)
    skipped: Counter[str] = field(default_factory=Counter)
    duplicates: dict[str, int] = field(default_factory=dict)
    dropped_duplicates: int = 0
    reused: int = 0  # inputs whose outputs were already up to date
    empty: int = 0  # documents written with no words left
    orphaned: int = 0  # inputs gone since the last run whose outputs were kept
    rule_timeouts: Counter[str] = field(default_factory=Counter)
    rules_fired: Counter[str] = field(default_factory=Counter)
    page_types: Counter[str] = field(default_factory=Counter)  # "null": undecided or text
    warnings: list[Failure] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)  # about the run as a whole
    step_counts: Counter[str] = field(default_factory=Counter)  # "extract:fallback": 3
    step_seconds: dict[str, float] = field(default_factory=dict)  # "classifier": 1.2
    files_read: int = 0  # input files read (or reused): every entry is read, skipped or failed
    skipped_files: list[tuple[str, str]] = field(default_factory=list)  # (path, reason)
    wall_seconds: float = 0.0

    def add_document(self, doc: DocumentSummary) -> None:
        """Count a written document, from its summary (reused outputs count the same)."""
        self.written += 1
        if doc.words == 0:
            self.empty += 1
        self.warnings.extend(Failure(doc.source, warning) for warning in doc.warnings)
        self.rule_timeouts.update(doc.rule_timeouts)
        self.rules_fired.update(doc.rules_fired)
        self.page_types[doc.page_type or "null"] += 1
        self.removals_by_rule.update(doc.removed_by_rule)
        self.removals_by_step.update(doc.removed_by_step)
        self.add_stats(doc.stats)

    def add_stats(self, stats: Mapping[str, float]) -> None:
        """A document's step statistics: counts (kept in the manifest, so a reused
        document counts as when it was cleaned) and, cleaned in this run, seconds."""
        for key, value in stats.items():
            if key.startswith("seconds:"):
                name = key.removeprefix("seconds:")
                self.step_seconds[name] = self.step_seconds.get(name, 0.0) + value
            else:
                self.step_counts[key] += int(value)

    @property
    def left_out(self) -> int:
        """Documents left out by --min-words (counted, like skipped records, per input)."""
        return self.skipped.get(SHORT_DOCUMENT, 0)

    @property
    def skipped_records(self) -> Counter[str]:
        """Records the readers passed over on purpose, by kind (not documents left out)."""
        return Counter({k: v for k, v in self.skipped.items() if k != SHORT_DOCUMENT})

    def skipped_files_by_reason(self) -> dict[str, list[str]]:
        """The files left out, named, under their reason."""
        by_reason: dict[str, list[str]] = {}
        for path, reason in sorted(self.skipped_files, key=lambda entry: (entry[1], entry[0])):
            by_reason.setdefault(reason, []).append(path)
        return by_reason

    def to_dict(self) -> dict[str, Any]:
        failed = Counter(failure.kind for failure in self.failures)
        return {
            "version": __version__,
            "rules_sha256": self.rules_sha256,
            "rules": len(self.rule_ids),
            "counts": {
                "inputs": self.inputs,
                # Every entry under the inputs: read + skipped + failed = seen.
                "files": {
                    "seen": self.files_read
                    + len(self.skipped_files)
                    + failed[FailureKind.INPUT]
                    + failed[FailureKind.FOLDER],
                    "read": self.files_read,
                    "skipped": len(self.skipped_files),
                    "failed": failed[FailureKind.INPUT] + failed[FailureKind.FOLDER],
                },
                # Every document read: written + dropped as duplicates + left out by
                # --min-words + failed = documents.
                "documents": self.written
                + self.dropped_duplicates
                + self.left_out
                + failed[FailureKind.DOCUMENT],
                "written": self.written,
                "empty": self.empty,  # written with no words left (--min-words 1 leaves them out)
                "left_out_short": self.left_out,
                "duplicates_dropped": self.dropped_duplicates,
                "failed_documents": failed[FailureKind.DOCUMENT],
                "failed": len(self.failures),
                "skipped": sum(self.skipped_records.values()),
            },
            "skipped": dict(sorted(self.skipped_records.items())),
            "skipped_files": self.skipped_files_by_reason(),
            "page_types": dict(sorted(self.page_types.items())),
            "duplicates": {**self.duplicates, "dropped": self.dropped_duplicates},
            "removals_by_rule": dict(sorted(self.removals_by_rule.items())),
            "removals_by_step": dict(sorted(self.removals_by_step.items())),
            "rule_timeouts": dict(sorted(self.rule_timeouts.items())),
            "rules_fired": dict(sorted(self.rules_fired.items())),
            "rules_never_fired": sorted(set(self.rule_ids) - set(self.rules_fired)),
            "failures": [{"source": f.source, "reason": f.reason} for f in self.failures],
            "warnings": [{"source": w.source, "reason": w.reason} for w in self.warnings],
            "incremental": {"reused_inputs": self.reused, "orphaned_inputs": self.orphaned},
            "notices": self.notices,
            # What the steps did besides removals, and their time (seconds vary from run
            # to run, like wall_seconds; "until-stable" includes the steps it runs again).
            "steps": {
                "counts": dict(sorted(self.step_counts.items())),
                "seconds": {k: round(v, 3) for k, v in sorted(self.step_seconds.items())},
            },
            "wall_seconds": round(self.wall_seconds, 3),
        }


def step_counts(stats: Mapping[str, float]) -> dict[str, float]:
    """A document's step counts, less its times: what its manifest entry keeps."""
    return {k: int(v) for k, v in sorted(stats.items()) if not k.startswith("seconds:")}


def lasting(report: Mapping[str, Any]) -> dict[str, Any]:
    """A report less what differs from run to run of the same inputs under the same rules
    and settings: its times, and how many inputs this run found up to date."""
    steps = report.get("steps")
    incremental = report.get("incremental")
    return {
        **report,
        "wall_seconds": None,
        "steps": {**steps, "seconds": None} if isinstance(steps, dict) else steps,
        "incremental": (
            {**incremental, "reused_inputs": None}
            if isinstance(incremental, dict)
            else incremental
        ),
    }

