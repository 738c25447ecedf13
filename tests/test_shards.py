"""The corpus layouts' shards are planned by the driver and written by the workers
(issue 25 item 2, issue 24 item 1): the same bytes for any number of workers, written
again when a worker dies on one, never half there, left as they are when nothing changed,
and made without the driver reading a part."""

from __future__ import annotations

import builtins
import json
import os
import pathlib
import random
import shutil
import signal
from pathlib import Path

import pytest
from helpers import FIXTURES, SEEDS, corpus_rows

from cleaner import Config, run
from cleaner import writers as writers_module
from cleaner.config import Compression, OutputFormat
from cleaner.errors import UsageError
from cleaner.executors import InlineExecutor, ProcessExecutor
from cleaner.report import lasting
from cleaner.schema import Audit
from cleaner.shards import OFFSET_EVERY, SHARDS_RECORD, PartIndex, ShardPlanner
from cleaner.state import DEFAULT_STATE, PARTS, REPORT_NAME, OutputFolders

RECORD = f"{DEFAULT_STATE}/{SHARDS_RECORD}"


def inputs(folder: Path) -> Path:
    """The seeds, the text dumps, and JSON Lines records with fields of their own (of
    mixed and nested types) and copies of one another."""
    shutil.copytree(SEEDS, folder / "seeds")
    shutil.copytree(FIXTURES / "dumps", folder / "dumps")
    texts = [p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))]
    values = [("lang", ["en", 5, None]), ("score", [1, 2.5]), ("tags", [["a"], {"b": 1}])]
    lines = []
    for number, text in enumerate(texts * 2):  # the second five: copies of the first
        record: dict = {"id": f"rec-{number}", "text": text}
        for place, (key, options) in enumerate(values):
            if (number + place) % 3:
                record[key] = options[number % len(options)]
        lines.append(json.dumps(record))
    (folder / "records.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    return inputs(tmp_path_factory.mktemp("shards") / "in")


def every_file(out: Path) -> dict[str, bytes]:
    """Every file in OUT, the bookkeeping too, with the report less its times."""
    files = {}
    for path in sorted(out.rglob("*")):
        if path.is_file():
            name = path.relative_to(out).as_posix()
            data = path.read_bytes()
            if name == f"{DEFAULT_STATE}/{REPORT_NAME}":
                data = json.dumps(lasting(json.loads(data)), sort_keys=True).encode()
            files[name] = data
    return files


def shard_names(out: Path) -> list[str]:
    return sorted(p.name for p in out.glob("documents-*"))


CONFIGS = [
    Config(format=OutputFormat.JSONL, shard_size=4),
    Config(format=OutputFormat.JSONL, shard_size=0, shard_bytes=3000, drop_duplicates=True),
    Config(format=OutputFormat.PARQUET, shard_size=6, audit=Audit.SUMMARY),
]


needs_proc = pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="Linux /proc")


@pytest.mark.parametrize("config", CONFIGS, ids=["jsonl", "jsonl-bytes-drop", "parquet"])
def test_the_worker_count_does_not_change_the_shards(corpus, tmp_path, cleaner, config) -> None:
    one, two = tmp_path / "one", tmp_path / "two"
    run([corpus], one, config, cleaner=cleaner, executor=InlineExecutor())
    report = run([corpus], two, config, cleaner=cleaner, executor=ProcessExecutor(2))
    assert not report.failures and len(shard_names(two)) > 1
    assert every_file(one) == every_file(two)
    rows = corpus_rows(two)
    assert len({row["id"] for row in rows}) == len(rows) == report.written
    # A field of mixed types is JSON text in every shard (and in Parquet, one of ints
    # and floats is a float column).
    assert {type(row.get("tags")) for row in rows} == {str, type(None)}
    if config.format is OutputFormat.PARQUET:
        assert {type(row.get("score")) for row in rows} == {float, type(None)}


class PartOpened(AssertionError):
    pass


@pytest.fixture
def driver_never_opens_a_part(monkeypatch):
    """Opening a part (OUT/.cleaner/parts/*.jsonl) in this process fails the test; the
    pool's workers, forked from it, may."""
    driver = os.getpid()
    real_open, real_path_open = builtins.open, pathlib.Path.open

    def check(file) -> None:
        if os.getpid() == driver and isinstance(file, str | os.PathLike):
            path = Path(os.fspath(file))
            if path.suffix == ".jsonl" and path.parent.as_posix().endswith(PARTS):
                raise PartOpened(f"the driver opened {path}")

    def guarded_open(file, *args, **kwargs):
        check(file)
        return real_open(file, *args, **kwargs)

    def guarded_path_open(self, *args, **kwargs):
        check(self)
        return real_path_open(self, *args, **kwargs)

    monkeypatch.setattr(builtins, "open", guarded_open)
    monkeypatch.setattr(pathlib.Path, "open", guarded_path_open)


def test_the_driver_never_opens_a_part(corpus, tmp_path, cleaner, driver_never_opens_a_part):
    config = Config(format=OutputFormat.JSONL, shard_size=4)
    out = tmp_path / "out"
    fresh = run([corpus], out, config, cleaner=cleaner, executor=ProcessExecutor(2))
    assert fresh.written > 10 and len(shard_names(out)) > 2
    # Reused parts, shards cut anew; then parts with no index (an earlier version's).
    again = Config(format=OutputFormat.PARQUET, shard_size=5)
    run([corpus], tmp_path / "pq", again, cleaner=cleaner, executor=ProcessExecutor(2))
    resharded = Config(format=OutputFormat.JSONL, shard_size=3)
    report = run([corpus], out, resharded, cleaner=cleaner, executor=ProcessExecutor(2))
    assert report.reused == report.inputs
    for index in OutputFolders.of(out).parts.glob("*.index"):
        index.unlink()
    run([corpus], out, resharded, cleaner=cleaner, executor=ProcessExecutor(2))
    assert len(list(OutputFolders.of(out).parts.glob("*.index"))) == report.inputs
    # The check bites: where the driver writes the shards itself, it opens the parts.
    with pytest.raises(PartOpened):
        run([corpus], tmp_path / "inline", config, cleaner=cleaner, executor=InlineExecutor())


def _die_writing(shard: str, marker: Path, once: bool):
    """JsonlWriter.write_shard that, in a pool's worker, writes part of `shard` and then
    kills its process (as the out-of-memory killer would): once if `once`, else always."""
    real = writers_module.JsonlWriter.write_shard
    driver = os.getpid()

    def write_shard(self, handle, rows):
        name = os.readlink(f"/proc/self/fd/{handle.fileno()}")  # its temporary file
        in_worker = os.getpid() != driver and shard in name
        if in_worker and (not once or not marker.exists()):
            marker.write_text("died")
            handle.write(b"half a shard")
            handle.flush()
            os.kill(os.getpid(), signal.SIGKILL)
        return real(self, handle, rows)

    return write_shard


def _temporaries(out: Path) -> list[Path]:
    return list(out.rglob(".*.tmp"))


@needs_proc
def test_a_shard_whose_worker_dies_is_written_again(corpus, tmp_path, cleaner, monkeypatch):
    config = Config(format=OutputFormat.JSONL, shard_size=4)
    expected = tmp_path / "expected"
    run([corpus], expected, config, cleaner=cleaner, executor=InlineExecutor())
    marker = tmp_path / "died"
    write_shard = _die_writing("documents-00001", marker, once=True)
    monkeypatch.setattr(writers_module.JsonlWriter, "write_shard", write_shard)
    out = tmp_path / "out"
    report = run([corpus], out, config, cleaner=cleaner, executor=ProcessExecutor(2))
    assert marker.exists()  # a worker died writing the shard
    assert not report.failures and not _temporaries(out)
    assert every_file(out) == every_file(expected)


@needs_proc
def test_a_shard_that_keeps_killing_its_worker_stops_the_run_whole(
    corpus, tmp_path, cleaner, monkeypatch
):
    config = Config(format=OutputFormat.JSONL, shard_size=4)
    expected = tmp_path / "expected"
    run([corpus], expected, config, cleaner=cleaner, executor=InlineExecutor())
    write_shard = _die_writing("documents-00001", tmp_path / "died", once=False)
    with monkeypatch.context() as patch:
        patch.setattr(writers_module.JsonlWriter, "write_shard", write_shard)
        out = tmp_path / "out"
        with pytest.raises(UsageError, match=r"documents-00001\.jsonl\.gz: the worker process"):
            run([corpus], out, config, cleaner=cleaner, executor=ProcessExecutor(2))
    # No half shard under its name, nor a temporary file a later run could take for one.
    assert "documents-00001.jsonl.gz" not in shard_names(out) and not _temporaries(out)
    again = run([corpus], out, config, cleaner=cleaner, executor=ProcessExecutor(2))
    assert again.reused == again.inputs  # only the shards were left to write
    assert every_file(out) == every_file(expected)


def _times(out: Path) -> dict[str, int]:
    names = [*shard_names(out), "README.md", RECORD]
    return {name: (out / name).stat().st_mtime_ns for name in names}


def test_shards_are_written_only_when_their_plan_changed(corpus, tmp_path, cleaner) -> None:
    out = tmp_path / "out"
    config = Config(format=OutputFormat.JSONL, shard_size=6)
    run([corpus], out, config, cleaner=cleaner)
    before, files = _times(out), every_file(out)
    report = run([corpus], out, config, cleaner=cleaner)
    assert report.reused == report.inputs
    assert _times(out) == before and every_file(out) == files  # not even rewritten
    # A shard that is not what the record says (removed, or cut short) is written again.
    (out / "documents-00001.jsonl.gz").unlink()
    (out / "documents-00002.jsonl.gz").write_bytes(b"cut short")
    run([corpus], out, config, cleaner=cleaner)
    assert every_file(out) == files
    # What shapes the shards alone: written anew from the reused parts.
    for changed in (
        Config(format=OutputFormat.JSONL, shard_size=6, compression=Compression.ZSTD),
        Config(format=OutputFormat.JSONL, shard_size=6, audit=Audit.NONE),
    ):
        fresh = tmp_path / f"fresh-{len(list(tmp_path.iterdir()))}"
        run([corpus], fresh, changed, cleaner=cleaner)
        report = run([corpus], out, changed, cleaner=cleaner)
        assert report.reused == report.inputs
        visible = {k: v for k, v in every_file(out).items() if not k.startswith(".")}
        assert visible == {k: v for k, v in every_file(fresh).items() if not k.startswith(".")}


def test_an_index_that_does_not_match_its_part_is_made_again(corpus, tmp_path, cleaner) -> None:
    out = tmp_path / "out"
    config = Config(format=OutputFormat.PARQUET, shard_size=5)
    run([corpus], out, config, cleaner=cleaner)
    files = every_file(out)
    indexes = sorted(OutputFolders.of(out).parts.glob("*.index"))
    indexes[0].unlink()  # a part of an earlier version
    indexes[1].write_bytes(b"{")  # damaged
    (out / RECORD).unlink()
    run([corpus], out, config, cleaner=cleaner)
    assert every_file(out) == files
    # An index of the part's size that lists other documents (a worker killed between
    # writing an input's index and its part): the shard is refused, the index made anew.
    index = PartIndex.load(indexes[2])
    assert index is not None
    index.ids[0] = "someone-else"
    indexes[2].write_bytes(index.to_bytes())
    (out / RECORD).unlink()
    with pytest.raises(UsageError, match="does not match its index; run again"):
        run([corpus], out, config, cleaner=cleaner)
    run([corpus], out, config, cleaner=cleaner)
    assert every_file(out) == files


def _cut_as_one_pass(sizes, dropped, most, most_bytes) -> list[list[int]]:
    """The shards as the rows stream through, one at a time (the layout before the
    workers wrote them): the documents of each shard."""
    shards: list[list[int]] = [[]]
    total = 0
    for number, size in enumerate(sizes):
        if number in dropped:
            continue
        shard = shards[-1]
        if (most and len(shard) >= most) or (most_bytes and total >= most_bytes):
            shards.append([])
            shard, total = shards[-1], 0
        shard.append(number)
        total += size
    return shards


def test_the_planner_cuts_where_one_pass_over_the_rows_would() -> None:
    chance = random.Random(7)
    for _ in range(300):
        parts = [chance.randrange(0, 6) for _ in range(chance.randrange(0, 6))]
        sizes = [chance.choice([0, 1, 5, 20]) for _ in range(sum(parts))]
        dropped = {n for n in range(len(sizes)) if chance.random() < 0.2}
        most, most_bytes = chance.choice([0, 1, 2, 3, 7]), chance.choice([0, 1, 10, 30])
        planner = ShardPlanner(most, most_bytes, Audit.FULL, drop_duplicates=True)
        first = 0
        for number, count in enumerate(parts):
            ids = [f"d{n}" for n in range(first, first + count)]
            index = PartIndex(0, "", ids, sizes[first : first + count], [()], [0] * count, [0])
            duplicates = {f"d{n}": "x" for n in dropped if first <= n < first + count}
            planner.add(f"p{number}", index, duplicates, "")
            first += count
        found = []
        for shard in planner.shards:
            documents = []
            for piece in shard.ranges:
                offset = sum(parts[: int(piece.name[1:])])
                documents += [offset + n for n in range(piece.start, piece.stop)]
            found.append([n for n in documents if n not in dropped])
        assert found == _cut_as_one_pass(sizes, dropped, most, most_bytes)


def test_a_shard_that_starts_deep_in_a_part_seeks_to_its_first_line(tmp_path, cleaner) -> None:
    """Past the offsets the index notes (every OFFSET_EVERY lines), a shard's first line
    is found by seeking near it: the rows are those of one shard cut in three."""
    folder = tmp_path / "in"
    folder.mkdir()
    words = ["harbour", "library", "council", "bridge", "museum", "school", "market"]
    lines = [
        json.dumps({"id": f"r{n}", "text": f"Record {n}: the {words[n % 7]} opens on day {n}.\n"})
        for n in range(OFFSET_EVERY + 80)
    ]
    (folder / "many.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    whole, cut = tmp_path / "whole", tmp_path / "cut"
    run([folder], whole, Config(format=OutputFormat.JSONL, shard_size=0), cleaner=cleaner)
    config = Config(format=OutputFormat.JSONL, shard_size=OFFSET_EVERY // 2 + 13)
    run([folder], cut, config, cleaner=cleaner)
    assert len(shard_names(cut)) == 3  # the third starts past the part's second offset
    assert corpus_rows(cut) == corpus_rows(whole) and len(corpus_rows(cut)) == len(lines)
