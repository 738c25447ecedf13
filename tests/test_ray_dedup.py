"""The dedup stage as a distributed job (executors/ray_dedup.py) gives the driver's answers:
the same `duplicate_of` for every document, the same counts, the same failures.

The job's steps are plain functions; the first tests run them through a stand-in for
Ray that calls them in this process (fast, and on machines without Ray), against the
driver's stage and datasketch's LSH; the last runs whole runs on a local Ray."""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

import pytest
from helpers import FIXTURES, SEEDS
from test_dedup import _datasketch_finder

from cleaner.config import Config, OutputFormat
from cleaner.dedup_stage import SequentialDedup
from cleaner.duplicates import fingerprint
from cleaner.executors import InlineExecutor, make_executor, ray_dedup
from cleaner.executors.ray_dedup import RayDedup
from cleaner.parts import FingerprintHeader, FingerprintJournal, fingerprints_path
from cleaner.runner import run
from cleaner.work import DocumentSummary, InputSummary


class _Remote:
    def __init__(self, function: Any, num_returns: int = 1) -> None:
        self.function, self.num_returns = function, num_returns

    def options(self, num_returns: int = 1, **_: Any) -> _Remote:
        return _Remote(self.function, num_returns)

    def remote(self, *args: Any) -> Any:
        result = self.function(*args)
        return tuple(result) if self.num_returns > 1 else result


class InlineRay:
    """Ray's remote functions and `get`, called in this process."""

    @staticmethod
    def remote(function: Any) -> _Remote:
        return _Remote(function)

    @staticmethod
    def get(refs: Any) -> Any:
        return refs


def _texts() -> list[str]:
    paths = [*sorted(SEEDS.glob("*.txt")), *sorted((FIXTURES / "dumps").glob("*.txt"))]
    return [path.read_text(encoding="utf-8") for path in paths]


def _corpus(seed: int) -> list[list[tuple[str, str]]]:
    """Inputs of (id, text): pages, exact copies (some in the same input as their page),
    copies with 1 to 60 words replaced (near duplicates, chains of them, and some too
    changed), pages halfway between two others, and empty texts; shuffled."""
    rng = random.Random(seed)
    documents: list[tuple[str, str]] = []
    for number, text in enumerate(_texts()):
        words = text.split()
        for replaced in (0, 0, 1, 3, 8, 20, 60):
            changed = list(words)
            for position in rng.sample(range(len(words)), min(replaced, len(words))):
                changed[position] = f"changed{rng.randrange(10**6)}"
            documents.append((f"doc{number}-{replaced}-{len(documents)}", " ".join(changed)))
        bridge = list(words)
        for turn, position in enumerate(rng.sample(range(len(words)), len(words) // 25)):
            bridge[position] = f"bridge{position}" if turn % 2 else bridge[position]
        documents.append((f"doc{number}-bridge", " ".join(bridge)))
    documents += [(f"empty{n}", "") for n in range(3)]
    rng.shuffle(documents)
    inputs, start = [], 0
    while start < len(documents):
        size = rng.randint(1, 9)
        inputs.append(documents[start : start + size])
        start += size
    return inputs


def _journals(out: Path, inputs: list[list[tuple[str, str]]]) -> list[InputSummary]:
    """Each input's fingerprint file, as its worker writes it, and its summary."""
    summaries = []
    for index, documents in enumerate(inputs):
        journal = FingerprintJournal(out, FingerprintHeader(f"in{index}", "x", "s"))
        for doc_id, text in documents:
            journal.add(doc_id, fingerprint(text))
        journal.commit()
        docs = [DocumentSummary(doc_id, f"in{index}", None) for doc_id, _ in documents]
        summaries.append(InputSummary(index, "x", docs))
    return summaries


def _answers(stage, out: Path, summaries: list[InputSummary]) -> list[tuple[Any, ...]]:
    """The stage's answer for every document, or its failure, input by input."""
    found: list[tuple[Any, ...]] = []
    for summary in stage.stream(summaries, lambda _: None):
        if not summary.documents:
            continue
        path = fingerprints_path(out, f"in{summary.index}")
        try:
            found += [(d.id, d.decided) for d in stage.decide(path, summary)]
        except (OSError, ValueError) as exc:
            found.append((summary.index, "failed", str(exc)))
    return found


class Counting(RayDedup):
    """Counts the searches of a cut list's buckets (step 3's fallback)."""

    searched = 0

    def _job(self, mapped, size):
        original = self.tasks["more"]

        class Noting(_Remote):
            def remote(inner, *args: Any) -> Any:
                Counting.searched += 1
                return original.remote(*args)

        self.tasks["more"] = Noting(original.function)
        return super()._job(mapped, size)


@pytest.mark.parametrize(
    ("seed", "partitions", "docs_per_map", "candidates"),
    [(1, 1, 10**6, 16), (2, 3, 7, 1), (3, 4, 20, 2), (4, 2, 1, 1)],
)
def test_the_job_gives_the_drivers_answers(tmp_path, seed, partitions, docs_per_map, candidates):
    """Whatever the partitions, the map tasks' size and the cap on listed candidates (1:
    nearly every answer needs the fallback search)."""
    inputs = _corpus(seed)
    summaries = _journals(tmp_path, inputs)
    Counting.searched = 0
    local = SequentialDedup(0.8, tmp_path)
    try:
        expected = _answers(local, tmp_path, summaries)
        expected_counts = dict(local.counts)
    finally:
        local.close()
    names = lambda index: f"in{index}"  # noqa: E731
    job = Counting(
        InlineRay(), tmp_path, 0.8, partitions, names, docs_per_map, candidates
    )
    try:
        assert _answers(job, tmp_path, summaries) == expected
    finally:
        job.close()
    assert job.counts == expected_counts
    assert expected_counts["exact"] > 10 and expected_counts["near"] > 10
    # Datasketch's LSH, fed the same documents in order, names the same originals.
    reference = _datasketch_finder(0.8)
    answers = {doc_id: decided for doc_id, decided in expected}
    for documents in inputs:
        for doc_id, text in documents:
            if text:
                assert reference(doc_id, fingerprint(text)) == answers[doc_id]
    if candidates == 1:
        assert Counting.searched > 0  # the fallback was needed, and gave the same answers
    assert not job.spill.exists()


def test_a_damaged_fingerprint_file_fails_its_input_alike_and_its_first_documents_stay(
    tmp_path,
) -> None:
    """The file of input 1 lists another id at its second document: the input fails with
    the same reason, and its first document, checked before, is still the original of a
    later copy, in both stages."""
    page = _texts()[0]
    inputs = [
        [("a", _texts()[1])],
        [("b", page), ("c", _texts()[2]), ("d", "")],
        [("e", page), ("f", _texts()[2])],
    ]
    summaries = _journals(tmp_path, inputs)
    summaries[1].documents[1].id = "not-c"
    local = SequentialDedup(0.8, tmp_path)
    expected = _answers(local, tmp_path, summaries)
    local.close()
    job = RayDedup(InlineRay(), tmp_path, 0.8, 2, lambda index: f"in{index}")
    assert _answers(job, tmp_path, summaries) == expected
    job.close()
    assert (
        expected[1][:2] == (1, "failed") and "lists c where its input wrote not-c" in expected[1][2]
    )
    assert expected[2:] == [("e", "b"), ("f", None)]


def test_without_near_duplicates_only_exact_copies_are_found(tmp_path) -> None:
    inputs = _corpus(5)
    summaries = _journals(tmp_path, inputs)
    local = SequentialDedup(None, tmp_path)
    expected = _answers(local, tmp_path, summaries)
    local.close()
    job = RayDedup(InlineRay(), tmp_path, None, 3, lambda index: f"in{index}", 5)
    assert _answers(job, tmp_path, summaries) == expected
    job.close()
    assert job.counts == local.counts and job.counts["near"] == 0 and job.counts["exact"] > 0


# --- whole runs on a local Ray --------------------------------------------------------------


def _run_inputs(folder: Path) -> Path:
    """The corpus of the tests above as files: inputs of one document as text files, the
    others as JSON Lines files (containers, some holding copies of their own records)."""
    folder.mkdir()
    for number, documents in enumerate(_corpus(6)):
        documents = [(doc_id, text) for doc_id, text in documents if text]
        if len(documents) == 1:
            (folder / f"{number:03}-{documents[0][0]}.txt").write_text(documents[0][1])
        elif documents:
            lines = [json.dumps({"id": doc_id, "text": text}) for doc_id, text in documents]
            (folder / f"{number:03}.jsonl").write_text("\n".join(lines) + "\n")
    return folder


def _every_file(out: Path) -> dict[str, bytes]:
    from test_ray_cluster import every_file

    return every_file(out)


def test_a_run_on_ray_decides_every_duplicate_as_a_local_run(
    tmp_path, monkeypatch, local_ray
) -> None:
    inputs = _run_inputs(tmp_path / "in")
    monkeypatch.setattr(ray_dedup, "DOCS_PER_MAP", 3)  # several map tasks
    monkeypatch.setattr(ray_dedup, "CANDIDATES", 1)  # and the fallback search
    searches: list[int] = []
    resolve = ray_dedup.resolve

    def noting(size, repeats, pairs, cuts, more):
        return resolve(size, repeats, pairs, cuts, lambda *a: searches.append(1) or more(*a))

    monkeypatch.setattr(ray_dedup, "resolve", noting)  # what the job on Ray resolves
    for output_format, drop in ((OutputFormat.TXT, False), (OutputFormat.JSONL, True)):
        config = Config(format=output_format, drop_duplicates=drop)
        local, on_ray = tmp_path / f"local-{output_format}", tmp_path / f"ray-{output_format}"
        expected = run([inputs], local, config, executor=InlineExecutor())
        report = run([inputs], on_ray, config, executor=make_executor("ray", workers=2))
        assert report.duplicates == expected.duplicates
        assert expected.duplicates["exact"] > 10 and expected.duplicates["near"] > 10
        assert _every_file(on_ray) == _every_file(local)
    assert searches  # the job ran on Ray, and searched cut lists again
