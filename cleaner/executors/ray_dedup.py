"""The dedup stage as a distributed job on Ray, for corpora whose index would not fit one
machine: the same answers as DuplicateFinder fed the documents in canonical order.

What the sequential stage does, restated (duplicates.py): each document with a text has a
place in canonical order. A document whose sha256 an earlier one had is an *exact*
duplicate of the answer that earlier one got (or of it, if it got none). Any other is a
*near* duplicate of the earliest *kept* document (no duplicate at all) that shares an LSH
band with it and whose estimated Jaccard similarity reaches the threshold; else it is kept.
Only kept documents are candidates: a duplicate is never an original.

The job:

1. Map (a Ray task per run of consecutive inputs, sent as their summaries come back, run
   as soon as a CPU is free: on a cluster busy cleaning, once the actors are done): reads
   the inputs' fingerprint files (as the sequential stage reads them:
   `checked_fingerprints`) and splits their entries into P partitions: (sha256, place)
   by hash, and (band key, place, sha256, signature) by key.
2. Reduce, per partition, in parallel: exact, the first place of each sha256 and the
   places that repeat it; bands, for each bucket of more than one document (those repeating
   an earlier member's sha256 left out: they are exact duplicates), each member's earlier
   members whose signatures pass the similarity test, the same test as the sequential
   stage's. A member keeps at most `CANDIDATES` of them, the earliest, and says where it
   stopped (its horizon): a thousand copies of one page make a thousand short lists, not
   half a million pairs.
3. Resolve, on the driver, in canonical order over the verified pairs alone: a document
   with candidates is the duplicate of the first of them still kept. Where every listed
   candidate up to the horizon is itself a duplicate, the member's buckets are searched
   again, without the cap (a Ray task per partition): the answer stays exact.

What stays on the driver: the summaries of the cleaning stage, spilled to a file in OUT
and read back in order to apply the answers; a byte per document (kept or not), the
verified pairs (16 bytes each), the exact duplicates and the answers (16 bytes each), and
the ids of the documents that are some duplicate's original. Signatures and band keys
never reach it. The shuffle (in Ray's object store, spilled to disk by Ray when full):
about 40 bytes per document for the exact partitions, and per band (5 at the default
threshold) 48 bytes and the signature (512 bytes) for the band partitions.
"""

from __future__ import annotations

import os
import pickle
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import ExitStack, chdir, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from cleaner.dedup_stage import DedupStage, checked_fingerprints
from cleaner.duplicates import (
    _EMPTY_SHA256,
    _band_keys,
    _bands,
    near_enough,
    signature_size,
)
from cleaner.errors import ClusterError
from cleaner.executors.ray import first_error_line
from cleaner.interrupts import guard
from cleaner.parts import fingerprints_path
from cleaner.work import InputSummary
from cleaner.writers import Duplicate

#: Documents per map task: its fingerprint files are read in one go.
DOCS_PER_MAP = 20_000
#: Verified earlier members a member of a bucket lists, at most (see the module's notes).
CANDIDATES = 16
#: Earlier members compared with a member at a time.
CHUNK = 512

_EXACT = np.dtype([("sha", "<u8", (4,)), ("pos", "<i8")])


def _band_dtype(num_perm: int) -> np.dtype:
    return np.dtype(
        [("key", "<i8"), ("pos", "<i8"), ("sha", "<u8", (4,)), ("sig", "<u8", (num_perm,))]
    )


#: An input for a map task: its index in the run, its fingerprint file, its documents'
#: ids (as its worker reported them) and the place in canonical order of the first.
MapInput = tuple[int, str, list[str], int]


@dataclass(frozen=True, slots=True)
class Settings:
    """What every task of the job needs to know."""

    threshold: float | None
    num_perm: int | None
    bands: tuple[int, int] | None
    partitions: int

    @classmethod
    def of(cls, threshold: float | None, partitions: int) -> Settings:
        num_perm = signature_size(threshold)
        bands = _bands(threshold, num_perm) if threshold and num_perm else None
        return cls(threshold, num_perm, bands, max(1, partitions))


def _partition(values: np.ndarray, partitions: int) -> np.ndarray:
    return (values.astype(np.uint64) % np.uint64(partitions)).astype(np.int64)


def map_inputs(
    settings: Settings, inputs: Sequence[MapInput], cwd: str | None = None
) -> tuple[Any, ...]:
    """Step 1: (what failed to be read back, by input index), then P exact partitions,
    then P band partitions (none when near duplicates are off). `cwd`: the driver's
    working folder, where a relative state folder is (as the actors take it), for the task
    alone."""
    with ExitStack() as stack:
        if cwd is not None:
            with suppress(OSError):  # not on this node: absolute paths still work
                stack.enter_context(chdir(cwd))
        return _map_inputs(settings, inputs)


def _map_inputs(settings: Settings, inputs: Sequence[MapInput]) -> tuple[Any, ...]:
    failed: dict[int, str] = {}
    shas: list[bytes] = []
    places: list[int] = []
    signatures: list[tuple[int, ...]] = []
    signed: list[int] = []  # the entries (by number) that have a signature
    for index, path, ids, first in inputs:
        try:
            for place, found in enumerate(checked_fingerprints(Path(path), ids), first):
                if found.sha256 == _EMPTY_SHA256:
                    continue  # an empty text duplicates nothing
                if settings.bands is not None and found.minhash is not None:
                    signed.append(len(shas))
                    signatures.append(found.minhash)
                shas.append(bytes.fromhex(found.sha256))
                places.append(place)
        except (OSError, ValueError) as exc:
            failed[index] = str(exc)
    exact = np.zeros(len(shas), _EXACT)
    exact["sha"] = np.frombuffer(b"".join(shas), "<u8").reshape(-1, 4) if shas else 0
    exact["pos"] = places
    parts = _split(exact, exact["sha"][:, 0], settings.partitions)
    if settings.bands is None or settings.num_perm is None:
        return (failed, *parts)
    bands, rows = settings.bands
    entries = np.zeros(len(signed) * bands, _band_dtype(settings.num_perm))
    if signed:
        matrix = np.array(signatures, dtype=np.uint64)
        entries["key"] = [key for signature in matrix for key in _band_keys(signature, bands, rows)]
        entries["pos"] = np.repeat(exact["pos"][signed], bands)
        entries["sha"] = np.repeat(exact["sha"][signed], bands, axis=0)
        entries["sig"] = np.repeat(matrix, bands, axis=0)
    return (failed, *parts, *_split(entries, entries["key"], settings.partitions))


def _split(entries: np.ndarray, by: np.ndarray, partitions: int) -> list[np.ndarray]:
    where = _partition(by, partitions)
    return [entries[where == part] for part in range(partitions)]


def reduce_exact(*parts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Step 2, exact: the places of documents whose sha256 an earlier one had, and the
    place of the first that had it."""
    entries = np.concatenate(parts) if parts else np.zeros(0, _EXACT)
    if not len(entries):
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    sha = entries["sha"]
    order = np.lexsort((entries["pos"], sha[:, 3], sha[:, 2], sha[:, 1], sha[:, 0]))
    sha, pos = sha[order], entries["pos"][order]
    repeats = np.zeros(len(pos), bool)
    repeats[1:] = np.all(sha[1:] == sha[:-1], axis=1)
    starts = np.where(~repeats, np.arange(len(pos)), 0)
    first = pos[np.maximum.accumulate(starts)]
    return pos[repeats], first[repeats]


@dataclass(slots=True)
class Candidates:
    """Step 2, bands: verified pairs (a document, an earlier one similar enough in one of
    its buckets), and where a member's list was cut (the member, the last place listed,
    the bucket's key)."""

    later: list[int] = field(default_factory=list)
    earlier: list[int] = field(default_factory=list)
    cut: list[tuple[int, int, int]] = field(default_factory=list)


def _buckets(entries: np.ndarray) -> Iterator[np.ndarray]:
    """The entries of each bucket of more than one document, by place, less those that
    repeat an earlier member's sha256 (exact duplicates: never candidates, and answered
    by the exact partitions)."""
    if not len(entries):
        return
    entries = entries[np.lexsort((entries["pos"], entries["key"]))]
    keys = entries["key"]
    bounds = np.flatnonzero(keys[1:] != keys[:-1]) + 1
    for start, end in zip(
        np.concatenate(([0], bounds)), np.concatenate((bounds, [len(keys)])), strict=True
    ):
        if end - start < 2:
            continue
        bucket = entries[start:end]
        _, firsts = np.unique(bucket["sha"], axis=0, return_index=True)
        if len(firsts) > 1:
            yield bucket[np.sort(firsts)]


def _similar_earlier(
    bucket: np.ndarray, member: int, threshold: float, most: int | None
) -> list[int]:
    """The places of the bucket's members before `member` whose estimated Jaccard
    similarity with it reaches the threshold, earliest first, `most` at most: the test of
    DuplicateFinder's (`near_enough`), on many at once."""
    signature = bucket["sig"][member]
    found: list[int] = []
    for start in range(0, member, CHUNK):
        others = bucket["sig"][start : min(member, start + CHUNK)]
        similar = near_enough(others, signature, threshold)
        found.extend(bucket["pos"][start : start + len(others)][similar].tolist())
        if most is not None and len(found) >= most:
            return found[:most]
    return found


def reduce_bands(
    threshold: float, most: int, *parts: np.ndarray
) -> tuple[np.ndarray, np.ndarray, list[tuple[int, int, int]]]:
    """Step 2, bands: every bucket's verified pairs (later, earlier: two arrays), `most`
    per member at most, and the cut lists (the member, the last place listed, the key)."""
    found = Candidates()
    entries = np.concatenate(parts) if parts else np.zeros(0)
    for bucket in _buckets(entries):
        key = int(bucket["key"][0])
        for member in range(1, len(bucket)):
            similar = _similar_earlier(bucket, member, threshold, most + 1)
            later = int(bucket["pos"][member])
            if len(similar) > most:
                similar = similar[:most]
                found.cut.append((later, similar[-1], key))
            found.later.extend([later] * len(similar))
            found.earlier.extend(similar)
    return np.array(found.later, np.int64), np.array(found.earlier, np.int64), found.cut


def all_candidates(
    threshold: float, keys: Sequence[int], later: int, *parts: np.ndarray
) -> list[int]:
    """Every verified earlier member of `later` in the buckets `keys` (of one partition):
    what a cut list leaves out."""
    entries = np.concatenate(parts)
    entries = entries[np.isin(entries["key"], np.array(keys, np.int64))]
    found: list[int] = []
    for bucket in _buckets(entries):
        (member,) = np.flatnonzero(bucket["pos"] == later)[:1].tolist() or [None]
        if member is not None:
            found.extend(_similar_earlier(bucket, member, threshold, None))
    return found


@dataclass(slots=True)
class Answers:
    """Step 3's result: the duplicates' places, sorted, and their originals' places."""

    places: np.ndarray
    originals: np.ndarray
    exact: int
    near: int


def resolve(
    size: int,
    repeats: tuple[np.ndarray, np.ndarray],
    pairs: tuple[np.ndarray, np.ndarray],
    cuts: Sequence[tuple[int, int, int]],
    more: Callable[[int, list[int]], Iterable[int]],
) -> Answers:
    """Step 3: the sequential stage's answers, from the exact repeats (place, first place),
    the verified pairs (later, earlier) and the cut lists (later, horizon, key); `more`
    gives every verified earlier member of a document in the buckets named."""
    repeated, first = repeats
    later, earlier = pairs
    skip = np.isin(later, repeated) | np.isin(earlier, repeated)  # exact: never candidates
    later, earlier = later[~skip], earlier[~skip]
    order = np.lexsort((earlier, later))
    later, earlier = later[order], earlier[order]
    horizon: dict[int, int] = {}
    cut_keys: dict[int, list[int]] = {}
    repeated_sorted = np.sort(repeated)
    for place, last, key in cuts:
        if _contains(repeated_sorted, place):
            continue  # an exact duplicate: answered by the exact partitions
        horizon[place] = min(last, horizon.get(place, last))
        cut_keys.setdefault(place, []).append(key)
    duplicate = np.zeros(size, bool)  # near duplicates so far: not kept
    near_places: list[int] = []
    near_originals: list[int] = []
    bounds = np.flatnonzero(later[1:] != later[:-1]) + 1 if len(later) else np.zeros(0, int)
    starts = np.concatenate(([0], bounds)) if len(later) else np.zeros(0, int)
    ends = np.concatenate((bounds, [len(later)])) if len(later) else np.zeros(0, int)
    groups = {int(later[s]): (int(s), int(e)) for s, e in zip(starts, ends, strict=True)}
    for place in sorted(groups.keys() | horizon.keys()):
        guard.check()
        start, end = groups.get(place, (0, 0))
        listed = earlier[start:end].tolist()
        original = _first_kept(listed, duplicate, horizon.get(place))
        if original is None and place in horizon:
            found = more(place, cut_keys[place])
            every = {c for c in found if not _contains(repeated_sorted, c)}
            original = _first_kept(sorted(every | set(listed)), duplicate, None)
        if original is not None:
            duplicate[place] = True
            near_places.append(place)
            near_originals.append(original)
    near_at = np.array(near_places, np.int64)  # in order: sorted
    near_of = np.array(near_originals, np.int64)
    # A repeat names what the first of its sha256 was answered (or that first document).
    repeat_of = first
    if len(near_at):
        where = np.minimum(np.searchsorted(near_at, first), len(near_at) - 1)
        repeat_of = np.where(near_at[where] == first, near_of[where], first)
    places = np.concatenate((near_at, repeated))
    originals = np.concatenate((near_of, repeat_of))
    order = np.argsort(places, kind="stable")
    return Answers(places[order], originals[order], len(repeated), len(near_at))


def _first_kept(listed: Sequence[int], duplicate: np.ndarray, horizon: int | None) -> int | None:
    for candidate in listed:
        if horizon is not None and candidate > horizon:
            return None
        if not duplicate[candidate]:
            return candidate
    return None


class RayDedup(DedupStage):
    """The stage on a Ray cluster (see the module's notes). `state`: the run's state
    folder, where the fingerprint files are and the cleaning stage's summaries wait for
    the answers."""

    def __init__(
        self,
        ray: Any,
        state: Path,
        threshold: float | None,
        partitions: int,
        names: Callable[[int], str],
        docs_per_map: int | None = None,
        candidates: int | None = None,
    ) -> None:
        self.ray = ray
        self.state = state  # the fingerprint files, and the spill file
        self.settings = Settings.of(threshold, partitions)
        self.names = names  # an input's name, by its index
        #: What a task that failed or was lost raises (none for a stand-in of Ray).
        self.errors: tuple[type[BaseException], ...] = tuple(
            filter(None, [getattr(getattr(ray, "exceptions", None), "RayError", None)])
        )
        self.tasks = {
            "map": ray.remote(map_inputs),
            "exact": ray.remote(reduce_exact).options(num_returns=2),
            "bands": ray.remote(reduce_bands),
            "more": ray.remote(all_candidates),
        }
        self.docs_per_map = docs_per_map or DOCS_PER_MAP
        self.candidates = candidates or CANDIDATES
        fd, name = tempfile.mkstemp(dir=state, prefix=".cleaner-summaries.", suffix=".tmp")
        os.close(fd)
        self.spill = Path(name)
        self._counts = {"exact": 0, "near": 0}
        self.failed: dict[int, str] = {}
        self.answers: Answers | None = None
        self._ids: dict[int, str] = {}  # originals' ids, by place
        self._place = 0
        self.map_tasks = 0  # for the curious and the tests

    @property
    def counts(self) -> dict[str, int]:
        return self._counts

    def stream(
        self, summaries: Iterable[InputSummary], cleaned: Callable[[InputSummary], None]
    ) -> Iterator[InputSummary]:
        """Every summary is spilled as it comes in (its inputs' fingerprints go to a map
        task); once the cleaning stage is over, the job runs, then they come back."""
        mapped: list[tuple[Any, ...]] = []
        size = 0
        with self.spill.open("wb") as spill:
            waiting: list[MapInput] = []
            docs = 0
            for summary in summaries:
                guard.check()
                cleaned(summary)
                pickle.dump(summary, spill, pickle.HIGHEST_PROTOCOL)
                if not summary.documents:
                    continue
                ids = [doc.id for doc in summary.documents]
                path = fingerprints_path(self.state, self.names(summary.index))
                waiting.append((summary.index, str(path), ids, size))
                size += len(ids)
                docs += len(ids)
                if docs >= self.docs_per_map:
                    mapped.append(self._map(waiting))
                    waiting, docs = [], 0
            if waiting:
                mapped.append(self._map(waiting))
        try:
            self.answers = self._job(mapped, size)
        except self.errors as exc:
            raise ClusterError(
                f"the dedup stage could not finish on the Ray cluster ({first_error_line(exc)}); "
                "run again: the inputs cleaned are kept"
            ) from None
        with self.spill.open("rb") as spill:
            while True:
                try:
                    yield pickle.load(spill)
                except EOFError:
                    return

    def _map(self, inputs: list[MapInput]) -> tuple[Any, ...]:
        self.map_tasks += 1
        returns = 1 + self.settings.partitions * (2 if self.settings.bands else 1)
        task = self.tasks["map"].options(num_returns=returns)
        refs = task.remote(self.settings, inputs, os.getcwd())
        return tuple(refs) if returns > 1 else (refs,)

    def _job(self, mapped: list[tuple[Any, ...]], size: int) -> Answers:
        ray, settings = self.ray, self.settings
        count = settings.partitions
        exact = self.tasks["exact"]
        exact_refs = [exact.remote(*[m[1 + p] for m in mapped]) for p in range(count)]
        band_parts: list[list[Any]] = []
        band_refs = []
        if settings.bands is not None and settings.threshold is not None:
            band_parts = [[m[1 + count + p] for m in mapped] for p in range(count)]
            bands = self.tasks["bands"]
            band_refs = [
                bands.remote(settings.threshold, self.candidates, *parts) for parts in band_parts
            ]
        for failed in ray.get([m[0] for m in mapped]):
            self.failed.update(failed)
        found = ray.get([ref for pair in exact_refs for ref in pair])
        repeated = np.concatenate([np.zeros(0, np.int64), *found[0::2]])
        first = np.concatenate([np.zeros(0, np.int64), *found[1::2]])
        later, earlier = [np.zeros(0, np.int64)], [np.zeros(0, np.int64)]
        cuts: list[tuple[int, int, int]] = []
        for pairs_later, pairs_earlier, cut in ray.get(band_refs):
            later.append(pairs_later)
            earlier.append(pairs_earlier)
            cuts += cut

        def more(place: int, keys: list[int]) -> list[int]:
            assert settings.threshold is not None
            again = self.tasks["more"]
            by_part: dict[int, list[int]] = {}
            for key, part in zip(
                keys, _partition(np.array(keys, np.int64), count).tolist(), strict=True
            ):
                by_part.setdefault(part, []).append(key)
            refs = [
                again.remote(settings.threshold, part_keys, place, *band_parts[p])
                for p, part_keys in by_part.items()
            ]
            return [c for found in ray.get(refs) for c in found]

        answers = resolve(
            size,
            (repeated, first),
            (np.concatenate(later), np.concatenate(earlier)),
            cuts,
            more,
        )
        self._counts.update(exact=answers.exact, near=answers.near)
        self._needed = np.unique(answers.originals)
        return answers

    def decide(self, path: Path, summary: InputSummary) -> list[Duplicate]:
        assert self.answers is not None, "stream() runs the job before the answers are asked"
        first = self._place
        self._place += len(summary.documents)
        answers, decisions = self.answers, []
        places = np.arange(first, self._place, dtype=np.int64)
        answered = _where_in(answers.places, places).tolist()
        needed = (_where_in(self._needed, places) >= 0).tolist()
        for place, doc, at, original_too in zip(
            places.tolist(), summary.documents, answered, needed, strict=True
        ):
            # An original comes before its duplicates: its id is known by now.
            original = self._ids[int(answers.originals[at])] if at >= 0 else None
            if original_too:
                self._ids[place] = doc.name  # as duplicate_of names it
            decisions.append(Duplicate(doc.id, doc.duplicate_of, original))
        if summary.index in self.failed:  # its documents checked before are originals still
            raise ValueError(self.failed[summary.index])
        return decisions

    def close(self) -> None:
        self.spill.unlink(missing_ok=True)


def _contains(sorted_values: np.ndarray, value: int) -> bool:
    at = int(np.searchsorted(sorted_values, value))
    return at < len(sorted_values) and int(sorted_values[at]) == value


def _where_in(sorted_values: np.ndarray, values: np.ndarray) -> np.ndarray:
    """For each of `values`, its index in `sorted_values`, or -1."""
    if not len(sorted_values):
        return np.full(len(values), -1, np.int64)
    at = np.minimum(np.searchsorted(sorted_values, values), len(sorted_values) - 1)
    return np.where(sorted_values[at] == values, at, -1)
