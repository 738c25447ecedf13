"""bench/memory_per_document.py builds each structure a run keeps per document: it must
build them as a run does, and print a row of figures for each (no figure is judged here)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[1] / "bench" / "memory_per_document.py"


def test_memory_per_document_prints_a_row_per_structure(tmp_path) -> None:
    done = subprocess.run(
        [sys.executable, str(SCRIPT), "--documents", "300"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=True,
    )
    rows = re.findall(r"^((?:duplicate index|manifest|documents of).*)$", done.stdout, re.M)
    assert [row.split("  ")[0] for row in rows] == [
        "duplicate index, near and exact",
        "duplicate index, exact only",
        "manifest, inputs of 100 documents",
        "documents of the input being cleaned",
    ]
    for row in rows:  # RSS MiB, bytes a document, disk bytes (or -), µs a document
        assert re.search(r"[+-]\d+\.\d +\d+ +(\d+|-) +\d+\.\d$", row), row
    assert list(tmp_path.iterdir()) == []  # the index and manifest went with their folder
