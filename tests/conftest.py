from __future__ import annotations

import sys
from collections.abc import Iterator
from types import ModuleType

import pytest

from cleaner import Cleaner, load_rules
from cleaner.executors import make_executor
from cleaner.ruleset.loader import RuleSet


@pytest.fixture(scope="session")
def builtin_ruleset() -> RuleSet:
    return load_rules()


@pytest.fixture(scope="session")
def cleaner(builtin_ruleset: RuleSet) -> Cleaner:
    """One pipeline for the whole session: rules compile and language profiles load once."""
    return Cleaner(ruleset=builtin_ruleset)


@pytest.fixture(scope="session")
def _ray_of_the_session() -> Iterator[None]:
    yield
    ray = sys.modules.get("ray")
    if ray is not None and ray.is_initialized():
        ray.shutdown()


@pytest.fixture
def local_ray(_ray_of_the_session: None) -> ModuleType:
    """A local Ray of two CPUs shared by this test process's tests: starting one costs
    five seconds or more (Ray's own testing guide shares one too). It is started as a
    run's RayExecutor starts one (its options, our signal handlers kept), by one that is
    never closed; a run's own executor then joins it and leaves it up, as it does the
    cluster at $RAY_ADDRESS."""
    ray = pytest.importorskip("ray", reason="Ray is not installed (pip install 'cleaner[ray]')")
    if not ray.is_initialized():
        make_executor("ray", workers=2).start()
    return ray


@pytest.fixture
def ray_not_up(_ray_of_the_session: None) -> ModuleType:
    """For a test whose run starts or joins a Ray of its own: the shared one is stopped
    (the next test that uses it starts it again)."""
    ray = pytest.importorskip("ray", reason="Ray is not installed (pip install 'cleaner[ray]')")
    if ray.is_initialized():
        ray.shutdown()
    return ray
