"""The Ray executor: the same batches, cleaned by actors spread over a Ray cluster.

Each actor does what a local worker does: it reads its inputs, cleans them and writes
their outputs (and fingerprint journals) into OUT itself; only small summaries come back
to the driver (the machine running `cleaner run`), which then deduplicates from the
journals. So IN and OUT must be on storage that every node mounts at the same path (a
relative path means what it means in the driver's working directory, which actors move
to where it exists), and the output is the same bytes as a local run's. Each actor builds
its Cleaner once (rules compiled, language profiles loaded). Every node needs the same
version of cleaner installed (`pip install 'cleaner[ray]'`).

Batches go only to actors that have started, in turn: on a cluster with fewer free CPUs
than workers asked for, the run goes on with those it has, and the others join when Ray
places them. An actor that is lost (a crash in a native library, the out-of-memory
killer, a lost node) leaves the rotation, and a new actor takes its place once Ray can
place it (at once after a crash; after a lost node, when a CPU is free again). The
batches it had in flight run again on a spare actor that asks for no CPU (so it can be
placed on a cluster that has just lost one), one at a time, as the process pool reruns
them (`rerun_after_crash`): an innocent batch comes back whole, and the document that
keeps killing its actor fails alone.

Each actor cleans within the same limits as a local worker (sandbox.py): it hands its
batches to a pool of one worker process of its own, watched by a watchdog thread, so a
document stuck in native code past `--document-timeout` (and its grace) has that process
killed, and one allocating past `--document-memory` fails; the document fails alone, with
the limit's reason, and the rest of its batch is cleaned again in a fresh process (see
executors/local.py). The pool lives as long as the actor: a process is started once, and
again only after a kill.
"""

from __future__ import annotations

import logging
import os
import re
import signal
import socket
import threading
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import TYPE_CHECKING, Any, Generic

from cleaner import __version__
from cleaner.errors import ClusterError, UsageError
from cleaner.executors.base import (
    IN_FLIGHT_PER_WORKER,
    Executor,
    rerun_after_crash,
    settle_worker_heap,
)
from cleaner.interrupts import SIGNALS, guard
from cleaner.pipeline import Cleaner
from cleaner.sandbox import DEFAULT_DOCUMENT_MEMORY_MIB, Limits, check_document_memory
from cleaner.work import BatchTask, Item, R

if TYPE_CHECKING:
    from cleaner.dedup_stage import DedupStage

#: A batch on its way: the actor it went to, the batch, and the result's reference.
_InFlight = tuple[Any, Sequence[Item], Any]
#: How long the first actor may take to start: a cluster may have to add a node first.
START_TIMEOUT_S = 120.0
#: How long to wait for an address to answer before asking Ray to join it (Ray itself
#: retries an address where nothing listens for a quarter of an hour).
REACH_TIMEOUT_S = 5.0
_ERROR_LINE = re.compile(r"^\s*(\w+(?:Error|Exception)\b.*)$", re.MULTILINE)


class _CleanerActor:
    """Holds one Cleaner for the life of the run; runs tasks on batches with it, each
    document within its limits (`_Sandboxed`)."""

    def __init__(
        self,
        cleaner: Cleaner,
        cwd: str | None = None,
        document_memory: int | None = DEFAULT_DOCUMENT_MEMORY_MIB,
    ) -> None:
        if cwd is not None:
            # Relative IN and OUT name what they name on the driver; where its working
            # folder is not on this node, absolute ones still work.
            with suppress(OSError):
                os.chdir(cwd)
        self.cleaner = cleaner
        self.limits = Limits(cleaner.config.document_timeout, document_memory)
        self.sandboxes: dict[int, _Sandboxed[Any]] = {}
        # Language profiles load now, not within the first document's time limit (the
        # sandbox's worker processes are forked from this one, and inherit them).
        cleaner.load_resources()
        settle_worker_heap()  # the actor's heap lives as long as the actor

    def ready(self) -> str:
        """The id of the node the actor runs on."""
        import ray

        return str(ray.get_runtime_context().get_node_id())

    def run(self, task: BatchTask[R], batch: Sequence[Item]) -> R:
        if not self.limits:  # nothing to protect: clean here
            return task.run(self.cleaner, batch)
        sandbox = self.sandboxes.get(id(task.run))
        if sandbox is None:
            sandbox = self.sandboxes[id(task.run)] = _Sandboxed(task, self.cleaner, self.limits)
        return sandbox.run(batch)


class _Sandboxed(Generic[R]):
    """A task's batches, cleaned one at a time in a local pool of one worker process (a
    `ProcessExecutor`, with its watchdog and memory cap), kept from batch to batch: its
    `map` is one generator, fed a batch before each result is asked of it."""

    def __init__(self, task: BatchTask[R], cleaner: Cleaner, limits: Limits) -> None:
        from cleaner.executors.local import ProcessExecutor

        executor = ProcessExecutor(1, limits.memory_mib)
        executor.in_flight = 1  # a result for each batch before the next is asked for
        self.waiting: deque[Sequence[Item]] = deque()
        self.results = executor.map(task, cleaner, self._batches())

    def _batches(self) -> Iterator[Sequence[Item]]:
        while self.waiting:  # `run` puts one there before it asks for its result
            yield self.waiting.popleft()

    def run(self, batch: Sequence[Item]) -> R:
        self.waiting.append(batch)
        return next(self.results)


def _import_ray() -> Any:
    try:
        import ray
    except ImportError:
        raise UsageError(
            "--executor ray needs Ray, which is not installed: pip install 'cleaner[ray]'"
        ) from None
    return ray


def first_error_line(error: BaseException) -> str:
    """`_first_error_line` of an error's message."""
    return _first_error_line(str(error))


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


def _same_address(given: str, connected: str, local: set[str]) -> bool:
    """Whether a "host:port" address names the cluster whose GCS is at `connected`: the
    same port, and hosts that are the same machine (loopback and the `local` addresses
    all count as this one)."""
    host, _, port = given.rpartition(":")
    connected_host, _, connected_port = connected.rpartition(":")
    if port != connected_port:
        return False
    return _machine(host, local) == _machine(connected_host, local)


def _machine(host: str, local: set[str]) -> str:
    """An IP address for `host`, with this machine's (loopback or `local`) as one."""
    host = host.strip("[]")
    try:
        found = socket.gethostbyname(host)
    except OSError:
        return host
    return "this machine" if found.startswith("127.") or found in local else found


def _own_addresses() -> set[str]:
    """This machine's addresses, as its name resolves."""
    with suppress(OSError):
        return set(socket.gethostbyname_ex(socket.gethostname())[2])
    return set()


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


@contextmanager
def _stderr_kept(lines: list[str], keep: bool) -> Iterator[None]:
    """What is written on this process's stderr (file descriptor 2, where Ray's C++ code
    logs) in the block, added to `lines` instead of shown; nothing kept when not `keep`."""
    if not keep:
        yield
        return
    import tempfile

    with tempfile.TemporaryFile() as caught:
        saved = os.dup(2)
        os.dup2(caught.fileno(), 2)
        try:
            yield
        finally:
            os.dup2(saved, 2)
            os.close(saved)
            caught.seek(0)
            lines.extend(caught.read(1 << 20).decode("utf-8", "replace").splitlines())


class RayExecutor(Executor):
    """Actors on a Ray cluster: `address` None starts a local Ray (or joins $RAY_ADDRESS),
    "auto" joins the one this machine belongs to, "ray://host:10001" a remote one."""

    def __init__(
        self,
        workers: int | None = None,
        address: str | None = None,
        document_memory: int | None = DEFAULT_DOCUMENT_MEMORY_MIB,
    ) -> None:
        check_document_memory(document_memory)
        self.ray = _import_ray()
        self.document_memory = document_memory or None  # 0: no cap, as the option says
        # An actor's process died under a task (RayActorError), or a task's worker did.
        # A batch's result is lost with its actor: the actor's process died (RayActorError;
        # WorkerCrashedError for a task's), its node was lost, or the node that held the
        # result was (ObjectLostError).
        errors = self.ray.exceptions
        self._lost: tuple[type[BaseException], ...] = (
            errors.RayActorError,
            errors.WorkerCrashedError,
            errors.NodeDiedError,
            errors.ObjectLostError,
        )
        #: Batches finished on each node (by node id), for the curious and the tests.
        self.batches_by_node: Counter[str] = Counter()
        #: Batches whose actor was lost before they came back, and were run again.
        self.lost_batches = 0
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
        if ray.is_initialized() and not self._started_here:
            self._check_connected_cluster()
        if not ray.is_initialized():
            address, named = self._target()
            # RAY_ADDRESS is probed too: Ray retries one where nothing answers for minutes.
            probed = (address if address is not None else os.environ.get("RAY_ADDRESS", "")).strip()
            if probed not in ("", "local", "auto"):
                why = _unreachable(probed)
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
            said: list[str] = []
            try:
                # Joining a cluster, Ray's C++ client logs each failed try on stderr (a
                # refused token: twenty lines, the reason only there): kept for the message.
                with _quiet_signals(), _stderr_kept(said, address != "local"):
                    ray.init(address=address, **options)
                    self._started_here = True
            except (ConnectionError, RuntimeError, ValueError) as exc:
                detail = "\n".join([str(exc), *said])
                raise ClusterError(self._join_error(named, detail)) from None
        cpus = int(ray.cluster_resources().get("CPU", 0))
        self.workers = self.requested or max(1, cpus)

    def _check_connected_cluster(self) -> None:
        """A process already connected to Ray (a library user's own `ray.init`) runs on
        that cluster; an address given that names another one is refused, not ignored."""
        if self.address in (None, "local", "auto") or self.address.startswith("ray://"):
            return  # (a Ray client's address names its proxy, not the cluster's GCS)
        connected = None
        local = _own_addresses()
        with suppress(Exception):  # a Ray without this context: nothing to compare
            connected = self.ray.get_runtime_context().gcs_address
            local.add(self.ray.util.get_node_ip_address())  # the address Ray gives this node
        if connected and not _same_address(self.address, connected, local):
            raise ClusterError(
                f"--ray-address {self.address}: this process is already connected to the "
                f"Ray cluster at {connected}; call ray.shutdown() first, or leave the "
                "address out to run on that cluster"
            )

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
        actors = _Actors(
            self.ray, self._lost, cleaner, self.workers, self.batches_by_node, self.document_memory
        )
        pending: deque[_InFlight] = deque()
        try:
            actors.wait_for_one()
            for batch in batches:
                actor = actors.next()
                pending.append((actor, batch, actor.run.remote(task, batch)))
                while len(pending) >= actors.capacity():
                    yield self._result(task, actors, pending.popleft())
            while pending:
                yield self._result(task, actors, pending.popleft())
        finally:
            actors.close()

    def _result(self, task: BatchTask[R], actors: _Actors, in_flight: _InFlight) -> R:
        actor, batch, ref = in_flight
        try:
            result: R = self.ray.get(ref)
        except self._lost:
            # The actor (or its node) is gone, and with it any batch it still had: each
            # runs again on the spare actor, alone.
            actors.lost(actor)
            self.lost_batches += 1
            return rerun_after_crash(task, batch, lambda part: actors.alone(task, part))
        actors.done(actor)
        return result

    def dedup_stage(
        self, near_threshold: float | None, state: Path, names: Callable[[int], str]
    ) -> DedupStage:
        """The dedup stage as a job on the cluster (executors/ray_dedup.py): the same
        answers as the driver's own, with the work spread over the cluster."""
        from cleaner.executors.ray_dedup import RayDedup

        self.start()
        return RayDedup(self.ray, state, near_threshold, 2 * self.workers, names)

    def close(self) -> None:
        if self._started_here and self.ray.is_initialized():
            self.ray.shutdown()


class _Actors:
    """A run's actors: those that have started take batches in turn; those starting join
    as Ray places them; a lost one is replaced. A spare actor reruns lost batches."""

    def __init__(
        self,
        ray: Any,
        lost_errors: tuple[type[BaseException], ...],
        cleaner: Cleaner,
        count: int,
        batches_by_node: Counter[str],
        document_memory: int | None = DEFAULT_DOCUMENT_MEMORY_MIB,
    ) -> None:
        self.ray = ray
        self.document_memory = document_memory
        self.lost_errors = lost_errors
        self.actor_class = ray.remote(num_cpus=1)(_CleanerActor)
        self.shared = ray.put(cleaner)  # sent to the object store once, not once per actor
        self.cwd = os.getcwd()
        self.started: list[Any] = []
        self.starting: dict[Any, Any] = {}  # an actor's ready() reference -> the actor
        self.node: dict[Any, str] = {}  # every actor that has started -> its node's id
        self.spare: Any | None = None
        self.batches_by_node = batches_by_node
        self.turn = 0
        for _ in range(count):
            self._add()

    def _add(self) -> None:
        actor = self.actor_class.remote(self.shared, self.cwd, self.document_memory)
        self.starting[actor.ready.remote()] = actor

    def capacity(self) -> int:
        """How many batches may be in flight."""
        return max(1, len(self.started)) * IN_FLIGHT_PER_WORKER

    def next(self) -> Any:
        """The started actor whose turn it is (waiting for one if none is left)."""
        if self.starting:
            self._take_started(timeout=0)
        if not self.started:
            self.wait_for_one()
        actor = self.started[self.turn % len(self.started)]
        self.turn += 1
        return actor

    def wait_for_one(self) -> None:
        """Waits until an actor has started; ClusterError if none does in time."""
        while not self.started:
            if not self.starting:
                raise ClusterError(
                    "every Ray worker was lost, and none could take its place; check the "
                    "cluster's nodes (`ray status`), then run again: finished inputs are kept"
                )
            done, _ = self.ray.wait(list(self.starting), num_returns=1, timeout=START_TIMEOUT_S)
            if not done:
                total = int(self.ray.cluster_resources().get("CPU", 0))
                free = int(self.ray.available_resources().get("CPU", 0))
                raise ClusterError(
                    f"no Ray worker started within {START_TIMEOUT_S:.0f} s: each needs 1 CPU, "
                    f"and the cluster has {total} ({free} free); free some, add a node, or "
                    "ask for fewer with --workers"
                )
            self._take_started(timeout=0)

    def _take_started(self, timeout: float) -> None:
        """Moves the actors that have started within `timeout` into the rotation. One
        whose own code failed to start raises ClusterError; one lost before it started
        (its node gone) is dropped."""
        done, _ = self.ray.wait(
            list(self.starting), num_returns=len(self.starting), timeout=timeout
        )
        for ref in done:
            actor = self.starting.pop(ref)
            try:
                node = self.ray.get(ref)
            except self.lost_errors as exc:
                if getattr(exc, "actor_init_failed", False) or not self.node:
                    raise ClusterError(
                        f"a Ray worker could not start ({_first_error_line(str(exc))}); every "
                        f"node needs cleaner {__version__} installed: pip install 'cleaner[ray]'"
                    ) from None
                continue
            self.started.append(actor)
            self.node[actor] = node

    def done(self, actor: Any) -> None:
        """Counts a batch the actor finished, by node."""
        self.batches_by_node[self.node.get(actor, "?")] += 1

    def lost(self, actor: Any) -> None:
        """Takes a lost actor out of the rotation (once) and starts one in its place."""
        if actor in self.started:
            self.started.remove(actor)
            self.ray.kill(actor)  # if it only lost touch, it must not write on
            self._add()

    def alone(self, task: BatchTask[R], batch: Sequence[Item]) -> tuple[R] | None:
        """`task` on `batch` by the spare actor, with nothing else to do; None if it is
        lost (a new spare takes its place). It asks for no CPU, so that it can be placed
        on a cluster that has just lost one."""
        if self.spare is None:
            self.spare = self.actor_class.options(num_cpus=0).remote(
                self.shared, self.cwd, self.document_memory
            )
        spare = self.spare
        try:
            node = self.ray.get(spare.ready.remote())
            result = self.ray.get(spare.run.remote(task, batch))
        except self.lost_errors:
            self.ray.kill(spare)
            self.spare = None
            return None
        self.batches_by_node[node] += 1
        return (result,)

    def close(self) -> None:
        spare = [self.spare] if self.spare is not None else []
        for actor in [*self.started, *self.starting.values(), *spare]:
            self.ray.kill(actor)
