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

import pytest
from helpers import FIXTURES, ROOT


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
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
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
