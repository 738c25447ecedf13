"""The Ray executor: the same batches, cleaned by actors spread over a Ray cluster.

The driver (the machine running `cleaner run`) reads the inputs and writes OUT, exactly
as the local executor does; the actors only receive documents and send back cleaned
ones. So IN and OUT need not be on shared storage, and the output is the same bytes as a
local run's. Each actor builds its Cleaner once (rules compiled, language profiles
loaded). Every node needs the same version of cleaner installed (`pip install
'cleaner[ray]'`).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any

from cleaner.errors import UsageError
from cleaner.executors import IN_FLIGHT_PER_WORKER, Executor, R
from cleaner.pipeline import Cleaner
from cleaner.work import BatchTask, Item


class _CleanerActor:
    """Holds one Cleaner for the life of the run; runs tasks on batches with it."""

    def __init__(self, cleaner: Cleaner) -> None:
        self.cleaner = cleaner

    def run(self, work: Callable[[Cleaner, Sequence[Item]], R], batch: Sequence[Item]) -> R:
        return work(self.cleaner, batch)


def _import_ray() -> Any:
    try:
        import ray
    except ImportError:
        raise UsageError(
            "--executor ray needs Ray, which is not installed: pip install 'cleaner[ray]'"
        ) from None
    return ray


class RayExecutor(Executor):
    """Actors on a Ray cluster: `address` None starts a local Ray, "auto" joins the one
    this machine belongs to, "ray://host:10001" a remote one."""

    def __init__(self, workers: int | None = None, address: str | None = None) -> None:
        self.ray = _import_ray()
        self.address = address
        self.requested = workers
        self.workers = workers or 1
        self._started_here = False

    def _connect(self) -> None:
        ray = self.ray
        if not ray.is_initialized():
            options: dict[str, Any] = {"include_dashboard": False, "log_to_driver": False}
            if self.address is None and self.requested:
                options["num_cpus"] = self.requested  # a local Ray: this many cores
            try:
                ray.init(address=self.address, **options)
            except (ConnectionError, RuntimeError, ValueError) as exc:
                raise UsageError(
                    f"--ray-address {self.address}: cannot join the Ray cluster ({exc}); "
                    "check the address, or leave it out to start a local Ray"
                ) from None
            self._started_here = True
        cpus = int(ray.cluster_resources().get("CPU", 1))
        self.workers = self.requested or max(1, cpus)

    def map(
        self, task: BatchTask[R], cleaner: Cleaner, batches: Iterable[Sequence[Item]]
    ) -> Iterator[R]:
        self._connect()
        ray = self.ray
        actor_class = ray.remote(num_cpus=1)(_CleanerActor)
        shared = ray.put(cleaner)  # sent to the object store once, not once per actor
        actors = [actor_class.remote(shared) for _ in range(self.workers)]
        pending: deque[Any] = deque()
        limit = self.workers * IN_FLIGHT_PER_WORKER
        try:
            for number, batch in enumerate(batches):
                actor = actors[number % len(actors)]
                pending.append(actor.run.remote(task.run, batch))
                if len(pending) >= limit:
                    yield ray.get(pending.popleft())
            while pending:
                yield ray.get(pending.popleft())
        finally:
            for actor in actors:
                ray.kill(actor)

    def close(self) -> None:
        if self._started_here and self.ray.is_initialized():
            self.ray.shutdown()
