"""The Ray executor writes what the local one writes (a local Ray, started in the test)."""

from __future__ import annotations

import builtins
import gc
import operator
import os
import socket
import time

import pytest
from helpers import FIXTURES, SEEDS
from test_parallel import check_bombs_failed_alone, outputs

from cleaner.config import Config, OutputFormat
from cleaner.errors import ClusterError, UsageError
from cleaner.executors import InlineExecutor, make_executor
from cleaner.runner import run

# Text files, dumps, WARC and WET records, containers of one record and of 16: the
# ClueWeb WARC (29 shop pages, the slowest input) is left out, as nothing in it is run
# differently on Ray.
INPUTS = [
    SEEDS,
    FIXTURES / "dumps",
    *sorted(p for p in (FIXTURES / "warc").glob("*.warc*") if "clueweb" not in p.name),
]


def test_ray_output_is_the_local_output(tmp_path, local_ray) -> None:
    """JSONL with the corpus pass here; the default txt layout is compared on a two-node
    cluster in test_ray_cluster.py (each Ray start costs seconds of CI time)."""
    config = Config(format=OutputFormat.JSONL, corpus_pass=True)
    run(INPUTS, tmp_path / "local", config, executor=InlineExecutor())
    report = run(INPUTS, tmp_path / "ray", config, executor=make_executor("ray", workers=2))
    assert report.written > 20 and not report.failures
    assert outputs(tmp_path / "ray") == outputs(tmp_path / "local")


@pytest.mark.parametrize("corpus_pass", [False, True])
def test_a_document_that_kills_its_actor_fails_alone(tmp_path, corpus_pass, local_ray) -> None:
    ray = local_ray
    import test_parallel

    # The actors unpickle the test's CrashingCleaner: send its module's code along.
    ray.cloudpickle.register_pickle_by_value(test_parallel)
    try:
        check_bombs_failed_alone(tmp_path, make_executor("ray", workers=2), corpus_pass)
    finally:
        ray.cloudpickle.unregister_pickle_by_value(test_parallel)


def test_without_ray_the_error_names_the_pip_command(monkeypatch) -> None:
    real_import = builtins.__import__

    def no_ray(name, *args, **kwargs):
        if name == "ray":
            raise ImportError("No module named 'ray'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_ray)
    with pytest.raises(UsageError, match=r"pip install 'cleaner\[ray\]'"):
        make_executor("ray")


def test_more_workers_than_the_cluster_has_cpus_still_finishes(tmp_path, ray_not_up) -> None:
    """Batches go only to actors that have started: the one the cluster cannot place
    (it had every batch of its round-robin share before) no longer hangs the run."""
    ray = ray_not_up
    inputs, local = [SEEDS, FIXTURES / "dumps"], tmp_path / "local"
    run(inputs, local, Config(), executor=InlineExecutor())
    ray.init(address="local", num_cpus=1, include_dashboard=False, log_to_driver=False)
    try:
        report = run(inputs, tmp_path / "ray", Config(), executor=make_executor("ray", workers=2))
    finally:
        ray.shutdown()
    assert report.written >= 15 and not report.failures
    assert outputs(tmp_path / "ray") == outputs(local)


class _Unloadable:
    """Pickles, but cannot be unpickled: as a cleaner on a node without the same code."""

    def __reduce__(self):
        return operator.truediv, (1, 0)


def test_a_worker_that_cannot_start_is_one_clear_error_and_out_stays_untouched(
    tmp_path, local_ray
) -> None:
    from cleaner.pipeline import Cleaner

    cleaner = Cleaner(Config())
    cleaner.unloadable = _Unloadable()  # type: ignore[attr-defined]
    out = tmp_path / "out"
    with pytest.raises(ClusterError, match=r"a Ray worker could not start \(.*ZeroDivisionError"):
        run([SEEDS], out, Config(), cleaner=cleaner, executor=make_executor("ray", workers=1))
    assert not out.exists()  # no format claimed, no lock left, for a run that wrote nothing


def test_an_address_where_nothing_listens_fails_at_once(tmp_path, ray_not_up) -> None:
    with socket.socket() as probe:  # a port that was free a moment ago
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    executor = make_executor("ray", address=f"127.0.0.1:{port}")
    started = time.monotonic()
    with pytest.raises(ClusterError, match=rf"--ray-address 127.0.0.1:{port}: nothing answers"):
        run([SEEDS], tmp_path / "out", Config(), executor=executor)
    assert time.monotonic() - started < 30
    assert not (tmp_path / "out").exists()


def test_a_ray_address_where_nothing_listens_fails_at_once(tmp_path, ray_not_up, monkeypatch):
    """Through RAY_ADDRESS, the address was not probed: Ray tried for 13 minutes, with
    some sixty lines of its own logs, before failing."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    monkeypatch.setenv("RAY_ADDRESS", f"127.0.0.1:{port}")
    started = time.monotonic()
    with pytest.raises(ClusterError, match=rf"RAY_ADDRESS=127.0.0.1:{port}: nothing answers"):
        run([SEEDS], tmp_path / "out", Config(), executor=make_executor("ray"))
    assert time.monotonic() - started < 30


def test_what_ray_logs_on_stderr_while_joining_is_kept_for_the_message() -> None:
    pytest.importorskip("ray", reason="Ray is not installed (pip install 'cleaner[ray]')")
    from cleaner.executors.ray import RayExecutor, _stderr_kept

    said: list[str] = []
    with _stderr_kept(said, keep=True):
        os.write(2, b"[W gcs_client.cc:1] Unauthenticated: InvalidAuthToken\n")
    assert said == ["[W gcs_client.cc:1] Unauthenticated: InvalidAuthToken"]
    message = RayExecutor._join_error("RAY_ADDRESS=10.0.0.5:6379", "\n".join(["Failed", *said]))
    assert "RAY_AUTH_MODE=token" in message


def test_an_address_naming_another_cluster_than_the_connected_one_is_refused(
    tmp_path, local_ray
) -> None:
    connected = local_ray.get_runtime_context().gcs_address
    host, _, port = connected.rpartition(":")
    other = f"{host}:{int(port) + 1}"
    with pytest.raises(ClusterError, match=rf"--ray-address {other}: this process is already"):
        run([SEEDS], tmp_path / "out", Config(), executor=make_executor("ray", address=other))
    assert not (tmp_path / "out").exists()
    assert local_ray.is_initialized()  # the user's connection is left as it was
    # the connected cluster's own address, by a loopback name too, runs there
    for address in (connected, f"127.0.0.1:{port}"):
        executor = make_executor("ray", workers=1, address=address)
        executor.start()
        executor.close()
    assert local_ray.is_initialized()


def test_no_address_starts_a_local_ray_unless_ray_address_names_one(monkeypatch) -> None:
    pytest.importorskip("ray", reason="Ray is not installed (pip install 'cleaner[ray]')")
    monkeypatch.delenv("RAY_ADDRESS", raising=False)
    assert make_executor("ray", workers=2)._target() == ("local", "a local Ray")
    monkeypatch.setenv("RAY_ADDRESS", "10.0.0.5:6379")  # as inside `ray job submit`
    assert make_executor("ray", workers=2)._target() == (None, "RAY_ADDRESS=10.0.0.5:6379")
    assert make_executor("ray", address="auto")._target() == ("auto", "--ray-address auto")


def test_a_refused_token_says_how_to_give_one() -> None:
    pytest.importorskip("ray", reason="Ray is not installed (pip install 'cleaner[ray]')")
    from cleaner.executors.ray import RayExecutor

    detail = (
        "Failed to connect to GCS at 10.0.0.5:6379.\n"
        "RpcError: Unauthenticated: InvalidAuthToken: token is missing\nmore context"
    )
    message = RayExecutor._join_error("--ray-address 10.0.0.5:6379", detail)
    assert "(RpcError: Unauthenticated: InvalidAuthToken: token is missing)" in message
    assert "RAY_AUTH_MODE=token" in message and "\n" not in message


def test_an_actor_loads_its_language_profiles_before_its_first_document() -> None:
    """Not within the first document's time limit, which a short --document-timeout
    would spend on loading them, failing good documents."""
    pytest.importorskip("ray", reason="Ray is not installed (pip install 'cleaner[ray]')")
    import pickle

    from cleaner.executors.ray import _CleanerActor
    from cleaner.pipeline import Cleaner
    from cleaner.steps.language import LanguageStep

    shipped = pickle.loads(pickle.dumps(Cleaner(Config())))  # as an actor receives it
    language = next(step for step in shipped.steps if isinstance(step, LanguageStep))
    assert language._factory is None
    try:
        _CleanerActor(shipped)
    finally:
        gc.unfreeze()  # the actor freezes its heap: this is the test's process
    assert language._factory is not None
