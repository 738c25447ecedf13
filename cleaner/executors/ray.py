"""The Ray executor: the same batches, cleaned by actors spread over a Ray cluster.

The driver (the machine running `cleaner run`) reads the inputs and writes OUT, exactly
as the local executor does; the actors only receive documents and send back cleaned
ones. So IN and OUT need not be on shared storage, and the output is the same bytes as a
local run's. Each actor builds its Cleaner once (rules compiled, language profiles
loaded). Every node needs the same version of cleaner installed (`pip install
'cleaner[ray]'`).

Batches go only to actors that have started: on a cluster with fewer free CPUs than
workers asked for, the run goes on with those it has, and the others join when Ray
places them. An actor that dies (a crash in a native library, the out-of-memory killer,
a lost node) is replaced, and its batches run again as the process pool reruns them
(`rerun_after_crash`): the document that keeps killing its actor fails alone.
"""

from __future__ import annotations

import gc
import logging
import os
import re
import signal
import socket
import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from cleaner import __version__
from cleaner.errors import ClusterError, UsageError
from cleaner.executors.base import IN_FLIGHT_PER_WORKER, Executor, rerun_after_crash
from cleaner.interrupts import SIGNALS, guard
from cleaner.pipeline import Cleaner
from cleaner.work import BatchTask, Item, R, Work

#: A batch on its way: the actor's slot, the actor, the batch, and the result's reference.
_InFlight = tuple[int, Any, Sequence[Item], Any]
#: How long the first actor may take to start: a cluster may have to add a node first.
START_TIMEOUT_S = 120.0
#: How long to wait for an address to answer before asking Ray to join it (Ray itself
#: retries an address where nothing listens for a quarter of an hour).
REACH_TIMEOUT_S = 5.0
_ERROR_LINE = re.compile(r"^\s*(\w+(?:Error|Exception)\b.*)$", re.MULTILINE)


class _CleanerActor:
    """Holds one Cleaner for the life of the run; runs tasks on batches with it."""

    def __init__(self, cleaner: Cleaner) -> None:
        self.cleaner = cleaner
        # Language profiles load now, not within the first document's time limit.
        cleaner.load_resources()
        gc.freeze()  # the actor's heap lives as long as the actor: see long_lived_frozen

    def ready(self) -> bool:
        return True

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


def _first_error_line(text: str) -> str:
    """The last "SomethingError: ..." line of a Ray error (where the cause is), or its first
    line: Ray's messages run to dozens of lines of context."""
    found = _ERROR_LINE.findall(text)
    line = found[-1] if found else (text.strip().splitlines() or [""])[0]
    return line.strip()


def _unreachable(address: str) -> str | None:
    """Why nothing answers at a "host:port" or "ray://host:port" address, or None when
    something does (or the address has another form, which Ray judges itself)."""
    host, _, port = address.removeprefix("ray://").rpartition(":")
    if not host or not port.isdigit():
        return None
    try:
        socket.create_connection((host.strip("[]"), int(port)), timeout=REACH_TIMEOUT_S).close()
    except OSError as exc:
        return exc.strerror or str(exc) or type(exc).__name__
    return None


@contextmanager
def _quiet_signals() -> Iterator[None]:
    """While Ray starts its processes, Ctrl-C is held until they have started (it could
    otherwise land in a fork hook, where Python prints it and goes on); after, SIGTERM
    stops the run as it stops a local one (Ray's handler prints a native stack dump)."""
    if threading.current_thread() is not threading.main_thread():
        yield  # signal handlers belong to the main thread
        return
    handlers = {signum: signal.getsignal(signum) for signum in SIGNALS}
    if guard.installed:  # the CLI's handlers: they hold the signal, and say how it ended
        try:
            with guard.held():
                try:
                    yield
                except SystemExit as exc:  # ray.init's own SIGTERM handler: sys.exit(15)
                    if exc.code not in SIGNALS:
                        raise
                    guard.signum = guard.signum or int(exc.code)
        finally:
            for signum, handler in handlers.items():
                signal.signal(signum, handler)
        return
    interrupted: list[int] = []
    signal.signal(signal.SIGINT, lambda signum, frame: interrupted.append(signum))
    try:
        yield
    finally:
        for signum, handler in handlers.items():
            if handler is not None:
                signal.signal(signum, handler)
    if interrupted:
        raise KeyboardInterrupt


class RayExecutor(Executor):
    """Actors on a Ray cluster: `address` None starts a local Ray (or joins $RAY_ADDRESS),
    "auto" joins the one this machine belongs to, "ray://host:10001" a remote one."""

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

    def _target(self) -> tuple[str | None, str]:
        """The address to give ray.init, and how to name it in a message."""
        if self.address is not None:
            return self.address, f"--ray-address {self.address}"
        joined = os.environ.get("RAY_ADDRESS")
        if joined:
            return None, f"RAY_ADDRESS={joined}"
        return "local", "a local Ray"

    def start(self) -> None:
        ray = self.ray
        if not ray.is_initialized():
            address, named = self._target()
            if address not in (None, "local", "auto"):
                why = _unreachable(address)
                if why:
                    raise ClusterError(
                        f"{named}: nothing answers there ({why}); check the address, or leave "
                        "it out to start a local Ray"
                    )
            options: dict[str, Any] = {
                "include_dashboard": False,
                "log_to_driver": False,
                "logging_level": logging.ERROR,  # our own lines say what matters
            }
            if address == "local" and self.requested:
                options["num_cpus"] = self.requested  # a local Ray: this many cores
            try:
                with _quiet_signals():
                    ray.init(address=address, **options)
                    self._started_here = True
            except (ConnectionError, RuntimeError, ValueError) as exc:
                raise ClusterError(self._join_error(named, str(exc))) from None
        cpus = int(ray.cluster_resources().get("CPU", 0))
        self.workers = self.requested or max(1, cpus)

    @staticmethod
    def _join_error(named: str, detail: str) -> str:
        if "ray[client]" in detail:
            hint = "pip install 'cleaner[ray]' installs Ray's client"
        elif re.search(r"Unauthenticated|InvalidAuthToken", detail):
            hint = (
                "the cluster asks for its token: set RAY_AUTH_MODE=token and RAY_AUTH_TOKEN "
                "(`ray get-auth-token` on the head node prints it)"
            )
        else:
            hint = "check the address, or leave it out to start a local Ray"
        return f"{named}: cannot join the Ray cluster ({_first_error_line(detail)}); {hint}"

    def map(
        self, task: BatchTask[R], cleaner: Cleaner, batches: Iterable[Sequence[Item]]
    ) -> Iterator[R]:
        self.start()
        ray = self.ray
        actor_class = ray.remote(num_cpus=1)(_CleanerActor)
        shared = ray.put(cleaner)  # sent to the object store once, not once per actor

        def new_actor() -> Any:
            return actor_class.remote(shared)

        starting = {}  # an actor's ready() reference -> the actor, until it has started
        for _ in range(self.workers):
            actor = new_actor()
            starting[actor.ready.remote()] = actor
        actors: list[Any] = []
        pending: deque[_InFlight] = deque()
        try:
            actors += self._first_started(starting)
            for number, batch in enumerate(batches):
                if starting:
                    actors += self._started(starting, timeout=0)
                slot = number % len(actors)
                ref = actors[slot].run.remote(task.run, batch)
                pending.append((slot, actors[slot], batch, ref))
                if len(pending) >= len(actors) * IN_FLIGHT_PER_WORKER:
                    yield self._result(task, actors, new_actor, pending.popleft())
            while pending:
                yield self._result(task, actors, new_actor, pending.popleft())
        finally:
            for actor in [*actors, *starting.values()]:
                ray.kill(actor)

    def _started(self, starting: dict[Any, Any], timeout: float) -> list[Any]:
        """The actors of `starting` that have started within `timeout`, taken out of it;
        one that failed to start raises ClusterError."""
        done, _ = self.ray.wait(list(starting), num_returns=len(starting), timeout=timeout)
        started = []
        for ref in done:
            actor = starting.pop(ref)
            try:
                self.ray.get(ref)
            except self._actor_died as exc:
                raise ClusterError(
                    f"a Ray worker could not start ({_first_error_line(str(exc))}); every "
                    f"node needs cleaner {__version__} installed: pip install 'cleaner[ray]'"
                ) from None
            started.append(actor)
        return started

    def _first_started(self, starting: dict[Any, Any]) -> list[Any]:
        """Waits for a first actor (or more) to start; ClusterError if none does in time."""
        done, _ = self.ray.wait(list(starting), num_returns=1, timeout=START_TIMEOUT_S)
        if done:
            return self._started(starting, timeout=0)
        total = int(self.ray.cluster_resources().get("CPU", 0))
        free = int(self.ray.available_resources().get("CPU", 0))
        raise ClusterError(
            f"no Ray worker started within {START_TIMEOUT_S:.0f} s: each needs 1 CPU, and "
            f"the cluster has {total} ({free} free); free some, add a node, or ask for "
            "fewer with --workers"
        )

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
