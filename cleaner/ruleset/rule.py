"""A rule compiled for matching: patterns built once, lookups cheap."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import regex

from cleaner.ruleset.schema import Action, Extent, RuleSpec, Where, compile_pattern
from cleaner.text import line_key

#: Longest a single match may take (seconds); real rules take microseconds.
MATCH_TIMEOUT = 0.1


@dataclass(frozen=True, slots=True)
class Rule:
    """A validated rule, ready to match lines."""

    spec: RuleSpec
    path: Path
    line: int
    sites: tuple[str, ...]
    exact_keys: frozenset[str]
    pattern: regex.Pattern[str] | None
    until: regex.Pattern[str] | None

    @classmethod
    def compile(cls, spec: RuleSpec, path: Path, line: int, sites: list[str] | None) -> Rule:
        sensitive = spec.case_sensitive
        return cls(
            spec=spec,
            path=path,
            line=line,
            sites=tuple(spec.sites or sites or ()),
            exact_keys=frozenset(line_key(e, casefold=not sensitive) for e in spec.exact or ()),
            pattern=compile_pattern(spec.regex, sensitive) if spec.regex is not None else None,
            until=compile_pattern(spec.until, sensitive) if spec.until is not None else None,
        )

    @property
    def id(self) -> str:
        return self.spec.id

    @property
    def location(self) -> str:
        return f"{self.path}:{self.line}"

    @property
    def drops(self) -> bool:
        return self.spec.action is Action.DROP

    @property
    def where(self) -> Where:
        return self.spec.where

    @property
    def extent(self) -> Extent:
        return self.spec.extent

    def applies_to_page_type(self, page_type: str | None) -> bool:
        """Whether the rule fires on a page of this type (no type: an article)."""
        scope = self.spec.page_types
        return not scope or (page_type or "article") in scope

    def applies_to_site(self, domain: str | None) -> bool:
        if not self.sites:
            return True
        if domain is None:
            return False
        return any(domain == site or domain.endswith("." + site) for site in self.sites)
