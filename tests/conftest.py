from __future__ import annotations

import pytest

from cleaner import Cleaner, load_rules
from cleaner.ruleset.loader import RuleSet


@pytest.fixture(scope="session")
def builtin_ruleset() -> RuleSet:
    return load_rules()


@pytest.fixture(scope="session")
def cleaner(builtin_ruleset: RuleSet) -> Cleaner:
    """One pipeline for the whole session: rules compile and language profiles load once."""
    return Cleaner(ruleset=builtin_ruleset)
