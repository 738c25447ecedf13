"""A run killed with SIGKILL at any moment leaves no partial file, and running it again
finishes the job."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from helpers import FIXTURES, ROOT
from test_parallel import outputs

from cleaner.config import Config
from cleaner.runner import run
from cleaner.state import OutputFolders


def complete(out) -> None:
    """Every output file there is whole: JSON parses, text ends with a newline."""
    for path in out.rglob("*"):
        if path.is_file():
            if path.suffix == ".json" and not path.name.startswith("."):
                json.loads(path.read_text())
            if path.suffix == ".txt" and not path.name.startswith("."):
                text = path.read_text()
                assert text == "" or text.endswith("\n"), path


@pytest.mark.parametrize("delay", [0.3, 0.8, 1.5, 2.5])
def test_sigkill_then_rerun(tmp_path, delay) -> None:
    inputs = tmp_path / "in"
    inputs.mkdir()
    for copy in range(6):
        for dump in (FIXTURES / "dumps").glob("*.txt"):
            shutil.copy(dump, inputs / f"{copy}_{dump.name}")
    out = tmp_path / "out"
    command = [sys.executable, "-m", "cleaner", "run", str(inputs), str(out), "-q"]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    process = subprocess.Popen(
        command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    time.sleep(delay)
    process.send_signal(signal.SIGKILL)
    process.wait()
    if out.exists():
        complete(out)  # whatever was written is whole (temporaries aside)
    subprocess.run(command, env=env, check=True)
    complete(out)
    assert not list(out.rglob(".*.tmp"))
    assert len(list(out.glob("*.txt"))) == len(list(inputs.glob("*.txt")))
    assert json.loads((out / "report.json").read_text())["counts"]["failed"] == 0


@pytest.mark.parametrize("output_format", ["txt", "jsonl"])
def test_rerun_after_kill_reuses_finished_inputs_and_matches_a_fresh_run(
    tmp_path, output_format
) -> None:
    """Two workers, killed mid-run: the manifest lines appended so far are honoured (the
    inputs a worker finished after the last of them are cleaned again)."""
    source = tmp_path / "in"
    for copy in range(6):  # enough documents that the kill lands mid-run
        shutil.copytree(
            FIXTURES / "dumps", source / f"c{copy}", ignore=shutil.ignore_patterns("*.md")
        )
    out, fresh = tmp_path / "out", tmp_path / "fresh"
    command = [
        sys.executable,
        "-c",
        "from cleaner.cli import app; app()",
        "run",
        str(source),
        str(out),
        "-q",
        "-w",
        "2",
        "--format",
        output_format,
    ]
    process = subprocess.Popen(command, start_new_session=True)
    deadline = time.monotonic() + 60
    manifest = OutputFolders.of(out).manifest
    while _lines(manifest) < 12 and time.monotonic() < deadline:
        time.sleep(0.05)
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()
    assert not (out / "report.json").exists(), "the run finished before it was killed"
    config = Config(format=output_format)
    report = run([source], out, config)
    assert report.reused > 0  # what finished before the kill is not done again
    run([source], fresh, config)
    assert outputs(out) == outputs(fresh)
    assert not list(out.rglob(".*.tmp"))


def _lines(path: Path) -> int:
    try:
        return path.read_bytes().count(b"\n")
    except OSError:
        return 0


def _processes_mentioning(marker: str) -> list[int]:
    found = []
    for proc in Path("/proc").iterdir():
        try:
            if proc.name.isdigit() and marker in (proc / "cmdline").read_bytes().decode():
                found.append(int(proc.name))
        except OSError:
            continue
    return found


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="needs /proc to list processes")
def test_workers_leave_when_the_run_is_killed(tmp_path) -> None:
    source = tmp_path / "in-workers-leave"
    for copy in range(6):
        shutil.copytree(
            FIXTURES / "dumps", source / f"c{copy}", ignore=shutil.ignore_patterns("*.md")
        )
    out = tmp_path / "out"
    command = [sys.executable, "-m", "cleaner", "run", str(source), str(out), "-q", "-w", "2"]
    process = subprocess.Popen(command, env={**os.environ, "PYTHONPATH": str(ROOT)})
    deadline = time.monotonic() + 60
    while len(_processes_mentioning(str(source))) < 3 and time.monotonic() < deadline:
        time.sleep(0.05)  # the run and its two workers
    assert len(_processes_mentioning(str(source))) >= 3
    process.send_signal(signal.SIGKILL)  # the parent only, as the OOM killer would
    process.wait()
    deadline = time.monotonic() + 10
    while _processes_mentioning(str(source)) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert _processes_mentioning(str(source)) == []
