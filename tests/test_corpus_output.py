"""The corpus layouts (`--format jsonl|parquet`): shards, compression, the bookkeeping
folder apart from the data, and the data read back by the tools people load it with
(datasets, datatrove, pandas: in the `test` extra; each test skips without its package)."""

from __future__ import annotations

import gzip
import json
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import ROOT, SEEDS, corpus_report, corpus_rows

from cleaner import Config, run
from cleaner.config import Compression, OutputFormat
from cleaner.errors import UsageError
from cleaner.writers import BOOKKEEPING

SEED_IDS = sorted(p.stem for p in SEEDS.glob("*.txt"))


def _names(out: Path) -> list[str]:
    return sorted(p.name for p in out.iterdir())


def test_shards_split_by_size_and_a_rerun_removes_the_stale_ones(tmp_path, cleaner) -> None:
    out = tmp_path / "out"
    run([SEEDS], out, Config(format=OutputFormat.JSONL, shard_size=2), cleaner=cleaner)
    shards = ["documents-00000.jsonl.gz", "documents-00001.jsonl.gz", "documents-00002.jsonl.gz"]
    # The data, its dataset card (the features), and the bookkeeping apart.
    assert _names(out) == [BOOKKEEPING, "README.md", *shards]
    sizes = [len(gzip.decompress((out / n).read_bytes()).splitlines()) for n in shards]
    assert sizes == [2, 2, 1]
    assert [row["id"] for row in corpus_rows(out)] == SEED_IDS  # in canonical order
    report = run([SEEDS], out, Config(format=OutputFormat.JSONL, shard_size=0), cleaner=cleaner)
    assert report.reused == 5  # the shard size shapes the shards only: nothing cleaned again
    assert _names(out) == [BOOKKEEPING, "README.md", "documents-00000.jsonl.gz"]
    assert [row["id"] for row in corpus_rows(out)] == SEED_IDS


def test_the_same_inputs_give_the_same_shard_bytes(tmp_path, cleaner) -> None:
    config = Config(format=OutputFormat.JSONL, shard_size=3)
    run([SEEDS], tmp_path / "a", config, cleaner=cleaner)
    run([SEEDS], tmp_path / "b", config, cleaner=cleaner)
    for name in ("documents-00000.jsonl.gz", "documents-00001.jsonl.gz"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()


@pytest.mark.parametrize(
    ("compression", "name"),
    [(Compression.ZSTD, "documents-00000.jsonl.zst"), (Compression.NONE, "documents-00000.jsonl")],
)
def test_jsonl_compression(tmp_path, cleaner, compression, name) -> None:
    out = tmp_path / "out"
    run([SEEDS], out, Config(format=OutputFormat.JSONL, compression=compression), cleaner=cleaner)
    assert _names(out) == [BOOKKEEPING, "README.md", name]
    assert [row["id"] for row in corpus_rows(out)] == SEED_IDS


def test_the_report_of_a_corpus_run_is_with_the_bookkeeping(tmp_path, cleaner) -> None:
    run([SEEDS], tmp_path / "jsonl", Config(format=OutputFormat.JSONL), cleaner=cleaner)
    assert corpus_report(tmp_path / "jsonl")["counts"]["written"] == 5
    run([SEEDS], tmp_path / "txt", Config(), cleaner=cleaner)  # the txt layout: OUT/report.json
    assert json.loads((tmp_path / "txt" / "report.json").read_text())["counts"]["written"] == 5


def test_an_out_of_an_earlier_version_is_taken_over(tmp_path, cleaner) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / ".cleaner-format").write_text("jsonl\n")
    (out / ".cleaner-manifest.jsonl").write_text("")
    (out / ".cleaner-parts").mkdir()
    (out / "documents.jsonl").write_text('{"text": "old", "id": "old"}\n')
    report = run([SEEDS], out, Config(format=OutputFormat.JSONL), cleaner=cleaner)
    assert any("earlier version of cleaner" in notice for notice in report.notices)
    assert _names(out) == [BOOKKEEPING, "README.md", "documents-00000.jsonl.gz"]
    assert len(corpus_rows(out)) == 5


def test_a_txt_run_into_an_out_of_shards_is_refused(tmp_path, cleaner) -> None:
    out = tmp_path / "out"
    run([SEEDS], out, Config(format=OutputFormat.PARQUET), cleaner=cleaner)
    with pytest.raises(UsageError, match="holds --format parquet output"):
        run([SEEDS], out, Config(), cleaner=cleaner)


# --- loaded by the tools people use -------------------------------------------------------


@pytest.fixture(scope="module")
def corpus_outs(tmp_path_factory) -> dict[str, Path]:
    """A JSON Lines and a Parquet run of the seeds, in two shards each."""
    root = tmp_path_factory.mktemp("corpus")
    outs = {}
    for output_format in (OutputFormat.JSONL, OutputFormat.PARQUET):
        out = root / output_format.value
        run([SEEDS], out, Config(format=output_format, shard_size=3))
        outs[output_format.value] = out
    return outs


@pytest.mark.parametrize("output_format", ["jsonl", "parquet"])
def test_datasets_loads_out_unmodified(corpus_outs, output_format) -> None:
    datasets = pytest.importorskip("datasets")
    if output_format == "parquet":
        pytest.importorskip("pyarrow")
    out = corpus_outs[output_format]
    loaded = datasets.load_dataset(str(out), split="train")
    assert loaded.num_rows == 5 and sorted(loaded["id"]) == SEED_IDS
    assert loaded.features["words"].dtype == "int64"
    assert loaded.features["date"].dtype == "string"
    first = loaded[0]
    assert first["text"] == corpus_rows(out)[0]["text"] and first["text"].endswith("\n")


def test_pandas_reads_the_parquet_folder_and_a_jsonl_shard(corpus_outs) -> None:
    pd = pytest.importorskip("pandas")
    pytest.importorskip("pyarrow")
    frame = pd.read_parquet(corpus_outs["parquet"])  # the folder: hidden bookkeeping skipped
    assert len(frame) == 5 and str(frame["words"].dtype) == "int64"
    shard = pd.read_json(
        corpus_outs["jsonl"] / "documents-00000.jsonl.gz", lines=True, dtype=False
    )
    assert list(shard["id"]) == SEED_IDS[:3] and list(shard.columns) == list(frame.columns)


@pytest.mark.parametrize("output_format", ["jsonl", "parquet"])
def test_datatrove_reads_the_shards(corpus_outs, output_format) -> None:
    pytest.importorskip("datatrove")
    from datatrove.pipeline.readers import JsonlReader, ParquetReader

    reader = JsonlReader if output_format == "jsonl" else ParquetReader
    # datatrove lists hidden files too: its glob names the shards (README, "Corpus output").
    pattern = "documents-*.jsonl.gz" if output_format == "jsonl" else "documents-*.parquet"
    docs = list(reader(str(corpus_outs[output_format]), glob_pattern=pattern).run())
    assert sorted(doc.id for doc in docs) == SEED_IDS
    assert all(doc.text.strip() for doc in docs) and docs[0].metadata["words"] > 0


def _readme_section_blocks(title: str) -> list[tuple[str, str]]:
    """The fenced blocks (language, code) of the README's section `title`."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split(f"### {title}\n", 1)[1].split("\n## ", 1)[0].split("\n### ", 1)[0]
    return re.findall(r"```(\w+)\n(.*?)```", section, re.S)


def test_the_readme_corpus_section_runs_as_written(tmp_path, monkeypatch) -> None:
    for package in ("datasets", "pandas", "pyarrow", "datatrove"):
        pytest.importorskip(package)
    shutil.copytree(SEEDS, tmp_path / "captures")
    blocks = _readme_section_blocks("Corpus output: JSON Lines and Parquet")
    commands = [line for lang, code in blocks if lang == "bash" for line in code.splitlines()]
    assert len(commands) == 2 and all(c.startswith("cleaner run captures/ ") for c in commands)
    for command in commands:
        args = shlex.split(command)[1:]
        done = subprocess.run(
            [sys.executable, "-m", "cleaner", *args], cwd=tmp_path, capture_output=True, text=True
        )
        assert done.returncode == 0, done.stderr
    (code,) = [code for lang, code in blocks if lang == "python"]
    monkeypatch.chdir(tmp_path)
    namespace: dict = {}
    exec(compile(code, "README.md", "exec"), namespace)  # its own assert checks the counts
    assert len(namespace["rows"]) == 5 and namespace["rows"][0]["text"].strip()


def test_shards_close_at_a_number_of_bytes_of_text(tmp_path, cleaner) -> None:
    out = tmp_path / "out"
    config = Config(format=OutputFormat.PARQUET, shard_size=0, shard_bytes=1)
    run([SEEDS], out, config, cleaner=cleaner)  # each document's text reaches 1 byte
    shards = sorted(out.glob("documents-*.parquet"))
    assert [p.name for p in shards] == [f"documents-0000{i}.parquet" for i in range(5)]
    big = Config(format=OutputFormat.PARQUET, shard_size=0, shard_bytes=10**9)
    run([SEEDS], out, big, cleaner=cleaner)
    assert [p.name for p in out.glob("documents-*.parquet")] == ["documents-00000.parquet"]
    assert [row["id"] for row in corpus_rows(out)] == SEED_IDS
