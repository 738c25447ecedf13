"""The run report (OUT/report.json): what went in, what came out, what was removed and why."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from cleaner import __version__


@dataclass(slots=True)
class Failure:
    source: str
    reason: str
    detail: str = ""  # a traceback, shown with --debug; never in report.json


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
    orphaned: int = 0  # inputs gone since the last run whose outputs were kept
    rule_timeouts: Counter[str] = field(default_factory=Counter)
    rules_fired: Counter[str] = field(default_factory=Counter)
    page_types: Counter[str] = field(default_factory=Counter)  # "null": undecided or text
    warnings: list[Failure] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)  # about the run as a whole
    wall_seconds: float = 0.0

    def add_document(
        self,
        record: dict[str, Any],
        rules_fired: Mapping[str, int],
        rule_timeouts: Mapping[str, int],
    ) -> None:
        """Count a written document, from its record (so reused outputs count the same)."""
        self.written += 1
        source = record["source"]
        self.warnings.extend(Failure(source, warning) for warning in record["warnings"])
        self.rule_timeouts.update(rule_timeouts)
        self.rules_fired.update(rules_fired)
        self.page_types[record.get("page_type") or "null"] += 1
        removed = record["removed"]
        self.removals_by_rule.update(removal["rule"] for removal in removed)
        self.removals_by_step.update(removal["step"] for removal in removed)

    def to_dict(self) -> dict[str, Any]:
        return {
            "version": __version__,
            "rules_sha256": self.rules_sha256,
            "rules": len(self.rule_ids),
            "counts": {
                "inputs": self.inputs,
                "documents": self.written + len(self.failures),
                "written": self.written,
                "failed": len(self.failures),
                "skipped": sum(self.skipped.values()),
            },
            "skipped": dict(sorted(self.skipped.items())),
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
            "wall_seconds": round(self.wall_seconds, 3),
        }
