"""Readers are registered in one place: a new format is one `Reader` class, registered,
and discovery, sniffing, the workers and the messages all know it."""

from __future__ import annotations

import json
import pickle
from collections.abc import Iterator
from pathlib import Path, PurePosixPath

import pytest
from typer.testing import CliRunner

from cleaner.cli import app
from cleaner.document import Document
from cleaner.errors import UsageError
from cleaner.readers import (
    InputFile,
    InputKind,
    Reader,
    ReadOptions,
    ReadStats,
    RecordFailure,
    discover,
    discover_inputs,
    read_input,
    register,
    unregister,
)
from cleaner.readers.registry import READERS, reader_named, readers


class ToyReader(Reader):
    """A made-up container: documents separated by lines of "%%", starting "TOY"."""

    name = "toy"
    label = "toy notes"
    suffixes = (".toy",)
    is_container = True

    def sniff(self, head: bytes) -> bool:
        return head.startswith(b"TOY\n")

    def read(
        self, item: InputFile, stats: ReadStats, options: ReadOptions
    ) -> Iterator[Document | RecordFailure]:
        body = item.path.read_text(encoding="utf-8").removeprefix("TOY\n")
        for number, text in enumerate(body.split("%%\n"), start=1):
            yield Document(id=f"{item.name}/note-{number}", source=item.source, raw=text)


NOTES = (
    "TOY\nThe harbour was quiet in the early morning, and the boats lay still on the water.\n"
    "%%\nA second note tells of the market, where traders sold fish and bread until noon.\n"
)


@pytest.fixture
def toy() -> Iterator[Reader]:
    reader = register(ToyReader())
    try:
        yield reader
    finally:
        unregister("toy")


def test_a_registered_reader_is_run_by_cleaner_run(toy: Reader, tmp_path: Path) -> None:
    inputs = tmp_path / "in"
    inputs.mkdir()
    (inputs / "harbour.toy").write_text(NOTES, encoding="utf-8")
    (inputs / "page.txt").write_text("A plain text file that the text reader reads.\n")
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["run", str(inputs), str(out)])
    assert result.exit_code == 0, result.output
    first = (out / "harbour" / "note-1.txt").read_text(encoding="utf-8")
    second = (out / "harbour" / "note-2.txt").read_text(encoding="utf-8")
    assert first.startswith("The harbour was quiet") and second.startswith("A second note")
    meta = json.loads((out / "harbour" / "note-1.json").read_text(encoding="utf-8"))
    assert meta["source"].endswith("harbour.toy")
    assert (out / "page.txt").is_file()  # the built-in readers still read theirs
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert report["counts"]["documents"] == 3, report["counts"]


def test_a_registered_reader_also_reads_compressed_files(toy: Reader, tmp_path: Path) -> None:
    import gzip

    path = tmp_path / "harbour.toy.gz"
    path.write_bytes(gzip.compress(NOTES.encode()))
    (item,) = discover_inputs([tmp_path])
    assert item.kind is toy and item.name == PurePosixPath("harbour")


def test_a_registered_sniffer_reads_a_file_without_suffix(toy: Reader, tmp_path: Path) -> None:
    path = tmp_path / "NOTES"
    path.write_text(NOTES, encoding="utf-8")
    (item,) = discover_inputs([path])
    assert item.kind is toy
    docs = list(read_input(item, ReadStats()))
    assert [doc.id for doc in docs if isinstance(doc, Document)] == ["NOTES/note-1", "NOTES/note-2"]


def test_a_file_no_reader_takes_is_named_with_every_format(toy: Reader, tmp_path: Path) -> None:
    path = tmp_path / "blob"
    path.write_bytes(b"\x00\x01binary")
    with pytest.raises(UsageError) as caught:
        discover_inputs([path])
    assert "not a text, HTML, WARC, JSON Lines or toy notes file" in str(caught.value)


def test_without_it_the_suffix_is_unknown_again(tmp_path: Path) -> None:
    with_toy = register(ToyReader())
    unregister("toy")
    (tmp_path / "harbour.toy").write_text(NOTES, encoding="utf-8")
    found = discover([tmp_path])
    assert found.files == [] and [s.reason for s in found.skipped] == ["unknown suffix"]
    assert with_toy not in readers() and readers() == READERS


def test_the_built_in_message_is_unchanged(tmp_path: Path) -> None:
    path = tmp_path / "blob"
    path.write_bytes(b"\x00\x01binary")
    with pytest.raises(UsageError, match="not a text, HTML, WARC or JSON Lines file"):
        discover_inputs([path])


def test_a_reader_crosses_to_workers_by_name(toy: Reader) -> None:
    item = InputFile(Path("x.toy"), PurePosixPath("x"), toy)
    assert pickle.loads(pickle.dumps(item)).kind is toy
    assert pickle.loads(pickle.dumps(InputKind.WARC)) is InputKind.WARC is reader_named("warc")


def test_a_suffix_or_name_already_taken_is_refused(toy: Reader) -> None:
    class Clash(ToyReader):
        name = "other"
        suffixes = (".toy", ".other")

    with pytest.raises(ValueError, match=r"toy already reads \.toy"):
        register(Clash())
    with pytest.raises(ValueError, match="already registered"):
        register(ToyReader())
    with pytest.raises(ValueError, match="built-in"):
        unregister("warc")
