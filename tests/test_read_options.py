"""Inputs as the ecosystem writes them: datatrove's nested metadata, --id-field and
--url-field, sidecar name.json and --metadata FILE.jsonl for text dumps (ReadOptions)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cleaner import Config, run
from cleaner.errors import UsageError
from cleaner.readers import ReadOptions, ReadStats, discover, discover_inputs, read_input

TEXT = "Harbour reopens\n\nThe harbour reopened on Friday after three days of repairs.\n"


def read_all(path: Path, options: ReadOptions) -> list:
    (item,) = discover_inputs([path])
    return list(read_input(item, ReadStats(), options))


def test_datatrove_record_nested_metadata_and_id(tmp_path) -> None:
    path = tmp_path / "part-00000.jsonl"
    record = {
        "text": TEXT,
        "id": "<urn:uuid:1>",
        "metadata": {
            "url": "https://a.example/x",
            "date": "2024-05-18T01:58:10Z",
            "dump": "CC-MAIN",
        },
    }
    path.write_text(json.dumps(record) + "\n", encoding="utf-8")
    (doc,) = read_all(path, ReadOptions())
    assert doc.metadata["url"] == "https://a.example/x"
    assert doc.metadata["crawl_date"].startswith("2024-05-18T01:58:10")  # datatrove's date
    assert doc.extra["input_id"] == "<urn:uuid:1>"  # the id, unchanged
    assert doc.extra["metadata"]["dump"] == "CC-MAIN"  # passes through


def test_id_and_url_fields_and_a_missing_id(tmp_path) -> None:
    path = tmp_path / "dump.jsonl"
    lines = [
        {"text": TEXT, "doc_key": "k1", "link": "https://b.example/1"},
        {"text": TEXT, "link": "https://b.example/2"},
        {"text": TEXT, "doc_key": "k1"},
    ]
    path.write_text("".join(json.dumps(x) + "\n" for x in lines), encoding="utf-8")
    docs = read_all(path, ReadOptions(id_field="doc_key", url_field="link"))
    assert [d.metadata.get("url") for d in docs] == [
        "https://b.example/1",
        "https://b.example/2",
        None,
    ]
    assert docs[0].extra["input_id"] == "k1" and docs[0].id.endswith("/k1")
    assert docs[1].id.endswith("/line-000002") and "no id field" in docs[1].warnings[0]
    assert docs[2].id != docs[0].id and "already taken" in docs[2].warnings[0]


def test_sidecar_gives_a_text_dump_its_url_and_title(tmp_path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_text(TEXT, encoding="utf-8")
    (folder / "a.json").write_text(
        json.dumps({"url": "https://c.example/a", "title": "Given", "date": "5 September 2017"})
    )
    (folder / "b.txt").write_text(TEXT, encoding="utf-8")
    (folder / "b.json").write_text("{not json")
    found = discover([folder])
    assert [s.reason for s in found.skipped] == [
        "metadata sidecar (name.json beside name.txt: read with it)"
    ] * 2
    docs = [d for item in found.files for d in read_input(item, ReadStats(), ReadOptions())]
    assert docs[0].metadata["url"] == "https://c.example/a" and docs[0].metadata["title"] == "Given"
    assert docs[0].metadata["date"] == "2017-09-05"
    assert docs[1].metadata.get("url") is None and "not valid JSON" in docs[1].warnings[0]
    out = tmp_path / "out"
    run([folder], out, Config())
    meta = json.loads((out / "a.json").read_text())
    assert (meta["url"], meta["title"], meta["date_precision"]) == (
        "https://c.example/a",
        "Given",
        "day",
    )


def test_metadata_file_keyed_by_path(tmp_path) -> None:
    (tmp_path / "a.txt").write_text(TEXT, encoding="utf-8")
    meta = tmp_path / "meta.jsonl"
    meta.write_text(
        json.dumps({"path": "a.txt", "url": "https://d.example/a", "title": 3})
        + "\n"
        + "{broken\n"
        + json.dumps({"url": "no path"})
        + "\n",
        encoding="utf-8",
    )
    options = ReadOptions.of(Config(metadata_file=meta))
    assert [p.split(":")[0] for p in options.problems] == [
        "meta.jsonl line 1",
        "meta.jsonl line 2",
        "meta.jsonl line 3",
    ]
    (doc,) = read_all(tmp_path / "a.txt", options)
    assert doc.metadata["url"] == "https://d.example/a" and doc.metadata.get("title") is None


def test_a_run_reads_the_metadata_file_and_tells_its_problems(tmp_path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_text(TEXT, encoding="utf-8")
    meta = tmp_path / "meta.jsonl"
    meta.write_text(
        json.dumps({"path": "in/a.txt", "url": "https://d.example/a"}) + "\n{broken\n",
        encoding="utf-8",
    )
    out = tmp_path / "out"
    report = run([folder], out, Config(metadata_file=meta))
    assert json.loads((out / "a.json").read_text())["url"] == "https://d.example/a"
    assert any(n.startswith("meta.jsonl line 2: not valid JSON") for n in report.notices)


def test_an_unreadable_metadata_file_fails_before_any_output(tmp_path) -> None:
    (tmp_path / "a.txt").write_text(TEXT, encoding="utf-8")
    out = tmp_path / "out"
    with pytest.raises(UsageError, match=r"missing\.jsonl: cannot read the --metadata file"):
        run([tmp_path / "a.txt"], out, Config(metadata_file=tmp_path / "missing.jsonl"))
    assert not out.exists()


def test_a_changed_sidecar_cleans_its_input_again(tmp_path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_text(TEXT, encoding="utf-8")
    (folder / "b.txt").write_text(TEXT.replace("Friday", "Monday"), encoding="utf-8")
    sidecar = folder / "a.json"
    sidecar.write_text(json.dumps({"url": "https://c.example/a"}))
    out = tmp_path / "out"
    run([folder], out, Config())
    sidecar.write_text(json.dumps({"url": "https://c.example/moved"}))
    report = run([folder], out, Config())
    assert report.reused == 1  # b.txt; a.txt's sidecar changed, so it was cleaned again
    assert json.loads((out / "a.json").read_text())["url"] == "https://c.example/moved"
