"""`--executor ray` on a real Ray cluster: a head node and a second node, each its own
set of processes (GCS, raylet, workers) started on this machine by Ray's
`cluster_utils.Cluster`, as `ray start --head` and `ray start --address` would start them
on two machines. The CLI joins it through RAY_ADDRESS, as a separate driver; the actors
on both nodes write into one OUT (this machine's disk is the shared storage), and a node
killed mid-run loses no document.

Each node asks for 1 CPU and a small object store; the cluster lives in a short private
temporary folder (its own sockets and `ray_current_cluster`, so no other Ray on the
machine joins it by mistake) and is torn down, every process, even when a test fails.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from helpers import FIXTURES, ROOT, SEEDS

from cleaner.config import Config, OutputFormat
from cleaner.document import Document
from cleaner.executors import InlineExecutor, make_executor
from cleaner.pipeline import Cleaner
from cleaner.report import lasting
from cleaner.runner import run

ray = pytest.importorskip("ray", reason="Ray is not installed (pip install 'cleaner[ray]')")
cluster_utils = pytest.importorskip(
    "ray.cluster_utils", reason="this Ray has no cluster_utils to start a test cluster"
)
psutil = pytest.importorskip("psutil", reason="psutil (installed with Ray) is missing")

#: Text files, and an archive whose records are HTML pages.
INPUTS = [SEEDS, FIXTURES / "dumps", FIXTURES / "warc" / "cc-whirlwind__whirlwind.warc.gz"]
NODE = {"num_cpus": 1, "object_store_memory": 75 * 1024 * 1024}
#: A lost node is noticed in about a second and a half, not Ray's default of 15 or more.
FAST_HEALTH_CHECKS = {
    "health_check_initial_delay_ms": 0,
    "health_check_period_ms": 500,
    "health_check_timeout_ms": 500,
    "health_check_failure_threshold": 3,
}


def every_file(out: Path) -> dict[str, bytes]:
    """Every file in OUT, hidden ones too (manifest, fingerprint journals, format and run
    records), with report.json less its times and what was reused."""
    files = {}
    for path in sorted(out.rglob("*")):
        if path.is_file():
            data = path.read_bytes()
            # OUT/report.json, or OUT/.cleaner/report.json for JSON Lines and Parquet
            if path.relative_to(out).as_posix() in ("report.json", ".cleaner/report.json"):
                data = json.dumps(lasting(json.loads(data)), sort_keys=True).encode()
            files[path.relative_to(out).as_posix()] = data
    return files


def is_temporary(name: str) -> bool:
    """A file being written (`.name.XXXX.tmp`), renamed into place when whole."""
    return Path(name).name.startswith(".") and name.endswith(".tmp")


@pytest.fixture(scope="module")
def head() -> Iterator[Any]:
    """A one-node Ray cluster (the head) in a private temporary folder."""
    folder = tempfile.mkdtemp(prefix="ray", dir="/tmp")  # short: socket paths are limited
    saved = {name: os.environ.get(name) for name in ("RAY_TMPDIR", "PYTHONPATH")}
    os.environ["RAY_TMPDIR"] = folder
    # The nodes' workers import this checkout's cleaner, as the driver does.
    os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), saved["PYTHONPATH"]]))
    cluster = None
    try:
        cluster = cluster_utils.Cluster(
            initialize_head=True,
            head_node_args={
                **NODE,
                "include_dashboard": False,
                "_system_config": FAST_HEALTH_CHECKS,
            },
        )
        yield cluster
    finally:
        if cluster is not None:
            cluster.shutdown()
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def cluster(head, ray_not_up) -> Iterator[Any]:
    """The head and a second node, removed after the test (if it still stands). The tests'
    shared local Ray is stopped first: a run would join it, not the cluster."""
    node = head.add_node(**NODE)
    try:
        head.wait_for_nodes()
        yield head
    finally:
        if node in head.worker_nodes:
            head.remove_node(node, allow_graceful=False)


def second_node(cluster) -> Any:
    (node,) = cluster.worker_nodes
    return node


def cleaner_actors(cluster) -> dict[str, str]:
    """The cluster's cleaner actors, dead or alive: actor id -> the id of its node."""
    table = cluster.global_state.actor_table(None)
    return {
        actor_id: info["Address"]["NodeID"]
        for actor_id, info in table.items()
        if info["ActorClassName"] == "_CleanerActor"
    }


def test_the_cli_on_a_two_node_cluster_writes_the_local_output(
    cluster, tmp_path, monkeypatch
) -> None:
    """Through RAY_ADDRESS, from another folder than the nodes were started in, with IN
    and OUT given as relative paths (the actors work in the driver's folder)."""
    monkeypatch.chdir(tmp_path)
    inputs = [os.path.relpath(path) for path in INPUTS]
    run([Path(path) for path in inputs], Path("local"), Config(), executor=InlineExecutor())
    before = cleaner_actors(cluster)
    env = {**os.environ, "RAY_ADDRESS": cluster.address}
    done = subprocess.run(
        [sys.executable, "-m", "cleaner", "run", *inputs, "ray", "--executor", "ray"],
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert done.returncode == 0, done.stderr
    assert "documents written to ray" in done.stdout
    assert every_file(tmp_path / "ray") == every_file(tmp_path / "local")
    # The run's two actors (one per node's CPU) were placed one on each node.
    placed = {node for actor, node in cleaner_actors(cluster).items() if actor not in before}
    assert placed == {cluster.head_node.node_id, second_node(cluster).node_id}


#: The bound on one pattern match (a clock), raised where this machine is overloaded on
#: purpose: a process held off the CPU for 0.1 s in a match gives up on the rule there
#: (a warning, the line kept), which would differ from the clean run for want of a CPU.
PATIENT = 30.0


def be_patient() -> None:
    from cleaner.ruleset import matcher

    matcher.MATCH_TIMEOUT, matcher.NEAR_MISS = PATIENT, PATIENT


class SlowCleaner(Cleaner):
    """Takes `seconds` over each document on an actor, first leaving a mark named after
    its node in `marks`: the test sees when the second node is in the middle of a batch.
    Its rule matches wait out the load that the test makes (`PATIENT`)."""

    def __init__(self, marks: Path, seconds: float, **kwargs) -> None:
        super().__init__(**kwargs)
        self.marks = marks
        self.seconds = seconds

    def clean(self, doc: Document) -> Document:
        context = ray.get_runtime_context()
        if context.get_actor_id() is not None:
            be_patient()
            (self.marks / f"{context.get_node_id()}-{os.getpid()}").touch()
            time.sleep(self.seconds)
        return super().clean(doc)


def kill_node(cluster, node) -> None:
    """SIGKILL for every process of the node (raylet, agents, its workers), as a machine
    that loses power; then the cluster forgets it."""
    processes = []
    for infos in node.all_processes.values():
        for info in infos:
            if info.process.poll() is None:
                parent = psutil.Process(info.process.pid)
                processes += [*parent.children(recursive=True), parent]
    for process in processes:
        with contextlib.suppress(psutil.NoSuchProcess):  # gone with its parent
            process.send_signal(signal.SIGKILL)
    psutil.wait_procs(processes, timeout=10)
    cluster.remove_node(node, allow_graceful=False)


def many_inputs(folder: Path) -> Path:
    """The seeds and text dumps four times over: 60 inputs, 8 batches."""
    for copy in ("a", "b", "c", "d"):
        for source in (SEEDS, FIXTURES / "dumps"):
            shutil.copytree(source, folder / copy / source.name)
    return folder


def test_a_node_killed_mid_run_loses_no_document(cluster, tmp_path, monkeypatch) -> None:
    import test_ray_cluster

    from cleaner.ruleset import matcher

    monkeypatch.setattr(matcher, "MATCH_TIMEOUT", PATIENT)
    monkeypatch.setattr(matcher, "NEAR_MISS", PATIENT)

    inputs = many_inputs(tmp_path / "in")
    config = Config(format=OutputFormat.JSONL)  # each input's part, half written when killed
    local = tmp_path / "local"
    run([inputs], local, config, executor=InlineExecutor())
    marks = tmp_path / "marks"
    marks.mkdir()
    doomed = second_node(cluster)
    killed, finished = threading.Event(), threading.Event()

    def kill_when_busy() -> None:
        while not finished.is_set():
            if any(mark.name.startswith(doomed.node_id) for mark in marks.iterdir()):
                kill_node(cluster, doomed)
                killed.set()
                return
            time.sleep(0.02)

    # The actors unpickle this module's SlowCleaner: send its code along.
    ray.cloudpickle.register_pickle_by_value(test_ray_cluster)
    killer = threading.Thread(target=kill_when_busy, daemon=True)
    executor = make_executor("ray", address=cluster.address)
    try:
        killer.start()
        cleaner = SlowCleaner(marks, seconds=0.05, config=config)
        out = tmp_path / "out"
        report = run([inputs], out, config, cleaner=cleaner, executor=executor)
    finally:
        finished.set()
        killer.join(timeout=60)
        ray.cloudpickle.unregister_pickle_by_value(test_ray_cluster)
    assert killed.is_set(), f"the second node cleaned nothing: {executor.batches_by_node}"
    assert not ray.is_initialized()  # the run left the cluster it joined
    assert executor.lost_batches >= 1  # the node went down with a batch in flight
    assert executor.batches_by_node[cluster.head_node.node_id] >= 1
    assert not report.failures
    assert report.written == 60
    written = every_file(out)
    # The killed worker's half-written part stays as a temporary file, hidden, never read;
    # the next run into OUT removes it (and reuses every output).
    kept = {name: data for name, data in written.items() if not is_temporary(name)}
    assert kept == every_file(local)
    again = run([inputs], out, config, executor=InlineExecutor())
    assert again.reused == 60
    assert every_file(out) == every_file(local)
