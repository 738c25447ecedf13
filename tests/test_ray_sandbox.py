"""Ray actors clean within the same limits as local workers (sandbox.py): a document stuck
in native code past --document-timeout, or allocating past --document-memory, fails alone
with the limit's reason, and the other documents of its batch are written."""

from __future__ import annotations

import pytest
from helpers import SEEDS
from test_sandbox import HostileCleaner, _failures, _inputs

from cleaner.config import Config
from cleaner.executors import make_executor
from cleaner.runner import run

ray = pytest.importorskip("ray", reason="Ray is not installed (pip install 'cleaner[ray]')")


@pytest.fixture
def hostile_code_on_actors():
    """The actors unpickle test_sandbox's HostileCleaner: send its module's code along."""
    import test_sandbox

    ray.cloudpickle.register_pickle_by_value(test_sandbox)
    try:
        yield
    finally:
        ray.cloudpickle.unregister_pickle_by_value(test_sandbox)


def test_on_ray_a_stuck_document_and_a_greedy_one_fail_alone(
    tmp_path, hostile_code_on_actors, local_ray
) -> None:
    """One input holds a record stuck where the timer signal cannot reach it and one that
    allocates 8 GB: each fails with its own limit's reason, and its three neighbours (in
    the same batch, on the same actor) and every other input are written."""
    inputs = _inputs(tmp_path / "in", HostileCleaner.STUCK, HostileCleaner.GREEDY)
    # 2 s, not the 0.5 s of test_sandbox.py: an ordinary document on a Ray actor, beside
    # another test process's Ray cluster on CI's two cores, once took longer than 0.5 s.
    config = Config(document_timeout=2.0)
    executor = make_executor("ray", 2, document_memory=256)
    report = run(
        [inputs], tmp_path / "out", config, cleaner=HostileCleaner(config), executor=executor
    )
    failures = _failures(report)
    assert [source for source, _ in failures] == ["records.jsonl:2", "records.jsonl:4"]
    (_, stuck), (_, greedy) = failures
    assert "--document-timeout" in stuck and "2 s" in stuck
    assert "256 MiB" in greedy and "--document-memory" in greedy
    assert report.written == len(list(SEEDS.glob("*.txt"))) + 3
    assert (tmp_path / "out" / "records" / "r2.txt").is_file()
    assert not (tmp_path / "out" / "records" / "r1.txt").exists()
    assert executor.lost_batches == 0  # the actor itself never died: its sandbox did
