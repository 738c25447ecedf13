"""<state>/run (JSON): the rules and settings of the last run into OUT, kept with it.

`cleaner explain` on an output re-cleans its input as that run did: with the run's own
rule files (their text is saved here, so edits on disk since do not change the answer),
its settings, and from the working directory it was started in (records name inputs by
the paths the run was given). Rewritten only when one of these changes.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cleaner.config import Config
from cleaner.ruleset.loader import RuleSet, load_rules, read_rule_file, rule_files, rule_roots
from cleaner.state import RUN_RECORD_NAME
from cleaner.writers import atomic_write, to_json


@dataclass(frozen=True, slots=True)
class RunRecord:
    settings: str  # the settings digest each input's manifest entry carries
    rules_sha256: str
    config: dict[str, Any]  # Config as JSON, rule folders as absolute paths
    cwd: str  # inputs' paths in records are relative to this
    rule_files: tuple[tuple[str, str], ...]  # (where it was, its text), in loading order

    @classmethod
    def of_run(cls, config: Config, rules_sha256: str, settings: str) -> RunRecord:
        roots = rule_roots(config.rules, builtin=config.builtin_rules)
        files = tuple(
            (str(path.resolve()), read_rule_file(path).decode("utf-8"))
            for path in rule_files(roots)
        )
        data = config.model_dump(mode="json")
        data["rules"] = [str(Path(p).resolve()) for p in config.rules]
        return cls(settings, rules_sha256, data, os.getcwd(), files)

    def save(self, state: Path) -> None:
        content = to_json(
            {
                "settings": self.settings,
                "rules_sha256": self.rules_sha256,
                "config": self.config,
                "cwd": self.cwd,
                "rule_files": [{"path": path, "text": text} for path, text in self.rule_files],
            }
        ).encode("utf-8")
        path = state / RUN_RECORD_NAME
        try:
            unchanged = path.read_bytes() == content
        except OSError:
            unchanged = False
        if not unchanged:
            atomic_write(path, content)

    @classmethod
    def load(cls, state: Path) -> RunRecord | None:
        """The record of the last run into OUT; None for an OUT of an older version, or a
        damaged record."""
        try:
            data = json.loads((state / RUN_RECORD_NAME).read_text(encoding="utf-8"))
            files = tuple((str(f["path"]), str(f["text"])) for f in data["rule_files"])
            return cls(
                str(data["settings"]),
                str(data["rules_sha256"]),
                dict(data["config"]),
                str(data["cwd"]),
                files,
            )
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def run_config(self) -> Config:
        return Config.model_validate(self.config)

    def ruleset(self) -> RuleSet:
        """The run's rules, from the texts saved here (same files, same order, same digest)."""
        with self._rule_folder() as folder:
            return load_rules([folder], builtin=False)

    @contextmanager
    def _rule_folder(self) -> Iterator[Path]:
        with tempfile.TemporaryDirectory(prefix="cleaner-run-rules-") as tmp:
            for number, (_, text) in enumerate(self.rule_files):
                (Path(tmp) / f"{number:05d}.yaml").write_bytes(text.encode("utf-8"))
            yield Path(tmp)

    def input_path(self, source: str) -> Path:
        """An input as the run named it, from wherever explain runs."""
        return Path(self.cwd, source)
