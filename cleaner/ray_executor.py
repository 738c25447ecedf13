"""The Ray executor: the same batches, cleaned by actors spread over a Ray cluster.

The driver (the machine running `cleaner run`) reads the inputs and writes OUT, exactly
as the local executor does; the actors only receive documents and send back cleaned
ones. So IN and OUT need not be on shared storage, and the output is the same bytes as a
local run's. Each actor builds its Cleaner once (rules compiled, language profiles
loaded). Every node needs the same version of cleaner installed (`pip install
'cleaner[ray]'`).

An actor that dies (a crash in a native library, the out-of-memory killer, a lost node)
is replaced, and its batches run again as the process pool reruns them
(`rerun_after_crash`): the document that keeps killing its actor fails alone.
"""

from __future__ import annotations

import gc
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any

from cleaner.errors import UsageError
from cleaner.executors import IN_FLIGHT_PER_WORKER, Executor, rerun_after_crash
from cleaner.pipeline import Cleaner
from cleaner.work import BatchTask, Item, R, Work

#: A batch on its way: the actor's slot, the actor, the batch, and the result's reference.
_InFlight = tuple[int, Any, Sequence[Item], Any]


class _CleanerActor:
    """Holds one Cleaner for the life of the run; runs tasks on batches with it."""

    def __init__(self, cleaner: Cleaner) -> None:
        self.cleaner = cleaner
        gc.freeze()  # the actor's heap lives as long as the actor: see long_lived_frozen

    def run(self, work: Work[R], batch: Sequence[Item]) -> R:
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
        # An actor's process died under a task (RayActorError), or a task's worker did.
        self._actor_died = (
            self.ray.exceptions.RayActorError,
            self.ray.exceptions.WorkerCrashedError,
        )
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

        def new_actor() -> Any:
            return actor_class.remote(shared)

        actors = [new_actor() for _ in range(self.workers)]
        pending: deque[_InFlight] = deque()
        limit = self.workers * IN_FLIGHT_PER_WORKER
        try:
            for number, batch in enumerate(batches):
                slot = number % len(actors)
                ref = actors[slot].run.remote(task.run, batch)
                pending.append((slot, actors[slot], batch, ref))
                if len(pending) >= limit:
                    yield self._result(task, actors, new_actor, pending.popleft())
            while pending:
                yield self._result(task, actors, new_actor, pending.popleft())
        finally:
            for actor in actors:
                ray.kill(actor)

    def _result(
        self,
        task: BatchTask[R],
        actors: list[Any],
        new_actor: Callable[[], Any],
        in_flight: _InFlight,
    ) -> R:
        slot, actor, batch, ref = in_flight
        try:
            return self.ray.get(ref)
        except self._actor_died:
            # Its place goes to a fresh actor, once (its other batches in flight fail too),
            # which also reruns the batch: the cluster may have no core for one more.
            if actors[slot] is actor:
                actors[slot] = new_actor()
            return rerun_after_crash(
                task, batch, lambda part: self._on_slot(actors, slot, new_actor, task.run, part)
            )

    def _on_slot(
        self,
        actors: list[Any],
        slot: int,
        new_actor: Callable[[], Any],
        work: Work[R],
        batch: Sequence[Item],
    ) -> tuple[R] | None:
        """`work` on `batch` by the slot's actor; None if it dies (it is replaced)."""
        try:
            return (self.ray.get(actors[slot].run.remote(work, batch)),)
        except self._actor_died:
            actors[slot] = new_actor()
            return None

    def close(self) -> None:
        if self._started_here and self.ray.is_initialized():
            self.ray.shutdown()
