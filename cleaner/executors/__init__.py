"""Where the pipeline runs: in this process, in a pool of processes (`local`), or on a
Ray cluster (`ray`, imported only when asked for). All of them keep `base.Executor`'s
contract: results in input order, a bounded number of batches in flight.
"""

from __future__ import annotations

from cleaner.config import ExecutorName
from cleaner.errors import UsageError
from cleaner.executors.base import (
    IN_FLIGHT_PER_WORKER,
    Executor,
    InlineExecutor,
    long_lived_frozen,
    rerun_after_crash,
)
from cleaner.executors.local import ProcessExecutor, cpu_quota, default_workers
from cleaner.sandbox import DEFAULT_DOCUMENT_MEMORY_MIB


def make_executor(
    name: str,
    workers: int | None = None,
    address: str | None = None,
    document_memory: int | None = DEFAULT_DOCUMENT_MEMORY_MIB,
) -> Executor:
    """The executor a user asked for by name (`--executor`). Local: worker processes,
    one too, so that each document's limits hold (see sandbox.py), as on each Ray actor;
    `document_memory`: the MiB a document may take there (None: no cap)."""
    if name == ExecutorName.LOCAL:
        if address is not None:
            raise UsageError("--ray-address: add --executor ray to run on a Ray cluster")
        return ProcessExecutor(workers or default_workers(), document_memory)
    if name == ExecutorName.RAY:
        from cleaner.executors.ray import RayExecutor  # Ray is optional and slow to import

        return RayExecutor(workers=workers, address=address, document_memory=document_memory)
    raise UsageError(f"--executor {name}: unknown executor; choose local or ray")


__all__ = [
    "IN_FLIGHT_PER_WORKER",
    "Executor",
    "ExecutorName",
    "InlineExecutor",
    "ProcessExecutor",
    "cpu_quota",
    "default_workers",
    "long_lived_frozen",
    "make_executor",
    "rerun_after_crash",
]
