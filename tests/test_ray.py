"""The Ray executor writes what the local one writes (a local Ray, started in the test)."""

from __future__ import annotations

import builtins

import pytest
from helpers import FIXTURES, SEEDS
from test_parallel import check_bombs_failed_alone, outputs

from cleaner.config import Config, OutputFormat
from cleaner.errors import UsageError
from cleaner.executors import InlineExecutor, make_executor
from cleaner.runner import run

INPUTS = [SEEDS, FIXTURES / "dumps", FIXTURES / "warc"]


def test_ray_output_is_the_local_output(tmp_path) -> None:
    pytest.importorskip("ray", reason="Ray is not installed (pip install 'cleaner[ray]')")
    for output_format, corpus_pass in ((OutputFormat.TXT, False), (OutputFormat.JSONL, True)):
        config = Config(format=output_format, corpus_pass=corpus_pass)
        local, on_ray = tmp_path / f"local-{output_format}", tmp_path / f"ray-{output_format}"
        run(INPUTS, local, config, executor=InlineExecutor())
        executor = make_executor("ray", workers=2)
        report = run(INPUTS, on_ray, config, executor=executor)
        assert report.written > 20 and not report.failures
        assert outputs(on_ray) == outputs(local)


@pytest.mark.parametrize("corpus_pass", [False, True])
def test_a_document_that_kills_its_actor_fails_alone(tmp_path, corpus_pass) -> None:
    ray = pytest.importorskip("ray", reason="Ray is not installed (pip install 'cleaner[ray]')")
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
