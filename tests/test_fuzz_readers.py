"""A short fuzz run over the readers (bench/fuzz_readers.py runs it for minutes): streams
in every compression format cut at random offsets, under file names that are not UTF-8,
never raise out of a reader and never pass as complete."""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, given, settings

from bench.fuzz_readers import check, check_truncated, mutated, truncated
from cleaner import Cleaner, Config

CLEANER = Cleaner(Config(classifier=False))


@settings(max_examples=60, deadline=None, database=None,
          suppress_health_check=list(HealthCheck))
@given(truncated())
def test_cut_streams_fail_and_never_raise(tmp_path_factory, case) -> None:
    findings: list = []
    check_truncated(CLEANER, Path(tmp_path_factory.mktemp("cut")), case, findings)
    assert not findings


@settings(max_examples=60, deadline=None, database=None,
          suppress_health_check=list(HealthCheck))
@given(mutated())
def test_mutated_inputs_never_raise(tmp_path_factory, case) -> None:
    findings: list = []
    check(CLEANER, Path(tmp_path_factory.mktemp("mutated")), case, findings)
    assert not findings
