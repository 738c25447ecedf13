from __future__ import annotations

import logging
import signal
import sys
from collections.abc import Iterator
from types import ModuleType

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


@pytest.fixture(scope="session")
def _ray_of_the_session() -> Iterator[None]:
    yield
    ray = sys.modules.get("ray")
    if ray is not None and ray.is_initialized():
        ray.shutdown()


@pytest.fixture
def local_ray(_ray_of_the_session: None) -> ModuleType:
    """A local Ray of two CPUs shared by this test process's tests: starting one costs
    five seconds or more (Ray's own testing guide shares one too). A run's RayExecutor
    joins a Ray that is up and leaves it up, as it does the cluster at $RAY_ADDRESS. Our
    signal handlers are put back after ray.init, as the executor does when it starts one."""
    ray = pytest.importorskip("ray", reason="Ray is not installed (pip install 'cleaner[ray]')")
    if not ray.is_initialized():
        handlers = {signum: signal.getsignal(signum) for signum in (signal.SIGINT, signal.SIGTERM)}
        ray.init(
            address="local",
            num_cpus=2,
            include_dashboard=False,
            log_to_driver=False,
            logging_level=logging.ERROR,
        )
        for signum, handler in handlers.items():
            signal.signal(signum, handler)
    return ray


@pytest.fixture
def ray_not_up(_ray_of_the_session: None) -> ModuleType:
    """For a test whose run starts or joins a Ray of its own: the shared one is stopped
    (the next test that uses it starts it again)."""
    ray = pytest.importorskip("ray", reason="Ray is not installed (pip install 'cleaner[ray]')")
    if ray.is_initialized():
        ray.shutdown()
    return ray
