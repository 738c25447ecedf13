"""bench/speed.py draws its plot by hand: the SVG must parse and show every series.

No timings here: the benchmark measures, it is not a test.
"""

from __future__ import annotations

import importlib.util
import sys
import xml.etree.ElementTree as ET
from pathlib import Path
from types import ModuleType

import pytest

SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture(scope="module")
def speed() -> ModuleType:
    path = Path(__file__).resolve().parents[1] / "bench" / "speed.py"
    spec = importlib.util.spec_from_file_location("bench_speed", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while being built
    spec.loader.exec_module(module)
    return module


def test_line_chart_is_well_formed_svg_with_one_line_per_series(speed: ModuleType) -> None:
    series = [
        speed.Series("text mode", [(1, 45.0), (2, 70.0)], "#1f77b4"),
        speed.Series("text mode, ideal linear", [(1, 45.0), (2, 90.0)], "#1f77b4", dashed=True),
        speed.Series("HTML mode <& pages>", [(1, 20.0), (2, 33.5)], "#d62728"),
    ]
    svg = speed.line_chart_svg(
        series, title="throughput", x_label="workers", y_label="documents per second"
    )
    root = ET.fromstring(svg)
    assert root.tag == f"{SVG}svg"
    texts = {"".join(element.itertext()) for element in root.iter(f"{SVG}text")}
    assert {"text mode", "text mode, ideal linear", "HTML mode <& pages>"} <= texts
    assert {"throughput", "workers", "documents per second", "1", "2"} <= texts
    lines = list(root.iter(f"{SVG}polyline"))
    assert len(lines) == len(series)
    assert [len(line.get("points", "").split()) for line in lines] == [2, 2, 2]
    assert sum(1 for line in lines if line.get("stroke-dasharray")) == 1


def test_ticks_are_round_and_cover_the_highest_value(speed: ModuleType) -> None:
    assert speed.nice_ticks(87.0) == [0, 20, 40, 60, 80, 100]
    assert speed.nice_ticks(0.0) == [0.0, 1.0]
    ticks = speed.nice_ticks(3.3)
    assert ticks[0] == 0 and ticks[-1] >= 3.3


def test_the_memory_runs_copies_are_not_duplicates_of_each_other(speed: ModuleType) -> None:
    """Plain copies would all be found as duplicates of the first: the duplicate indexes
    would not grow, and the 20x run would hide what they cost per document."""
    from helpers import SEEDS

    from cleaner.duplicates import DuplicateFinder

    finder = DuplicateFinder(near_threshold=0.8)
    text = next(SEEDS.glob("003_*")).read_text(encoding="utf-8")
    for copy in range(speed.MEMORY_COPIES):
        copied = speed.distinct_copy(text, copy)
        assert finder.check(f"copy{copy}", finder.fingerprint(copied)) is None
    assert finder.check("again", finder.fingerprint(speed.distinct_copy(text, 7))) == "copy7"
