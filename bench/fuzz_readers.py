"""Fuzz the readers: random bytes and mutated real fixtures in every input format.

Besides mutations: every compression format (gzip, bz2, xz, zstd), streams cut at a random
offset, and file names that are not UTF-8. A stream cut short must never pass as
complete: reading it must give a failure (checked by `truncated` cases).

Each case is written to a file and read with `read_input` directly (not the runner's
guard, which turns any exception into a reported failure and would hide bugs), then every
document is cleaned. Allowed outcomes: documents, `RecordFailure`s, `DocumentError`s.
Anything else is a finding, printed with the input that caused it, and so is anything
written to stderr meanwhile (a library's message quoting the input belongs in the
document's warnings).

    PYTHONPATH=. python bench/fuzz_readers.py --minutes 5
"""

from __future__ import annotations

import argparse
import bz2
import contextlib
import gzip
import io
import lzma
import os
import tempfile
import time
import traceback
from pathlib import Path, PurePosixPath

import zstandard
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cleaner import Cleaner, Config, Document, third_party
from cleaner.errors import CleanerError
from cleaner.readers import InputFile, InputKind, ReadStats, RecordFailure, read_input

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
SEEDS = {
    InputKind.WARC: [FIXTURES / "warc" / "warcio__example.warc.gz",
                     FIXTURES / "warc" / "warcio__example-iana.org-chunked.warc",
                     FIXTURES / "warc" / "cc-whirlwind__whirlwind.warc.wet.gz"],
    InputKind.HTML: [FIXTURES / "html" / "article.html", FIXTURES / "bad" / "malformed.html"],
    InputKind.TEXT: [FIXTURES / "bad" / "legacy-cp1252.txt", FIXTURES / "dumps" /
                     sorted(p.name for p in (FIXTURES / "dumps").glob("*.txt"))[0]],
    InputKind.JSONL: [FIXTURES / "bad" / "one-broken-line.jsonl"],
}
SUFFIX = {InputKind.WARC: ".warc", InputKind.HTML: ".html", InputKind.TEXT: ".txt",
          InputKind.JSONL: ".jsonl"}


@st.composite
def mutated(draw: st.DrawFn) -> tuple[InputKind, bytes]:
    kind = draw(st.sampled_from(list(SEEDS)))
    if draw(st.booleans()):
        data = bytearray(draw(st.sampled_from(SEEDS[kind])).read_bytes())
        for _ in range(draw(st.integers(1, 8))):
            action = draw(st.sampled_from(["flip", "cut", "insert", "truncate"]))
            at = draw(st.integers(0, max(0, len(data) - 1)))
            if action == "flip" and data:
                data[at] ^= 1 << draw(st.integers(0, 7))
            elif action == "cut":
                del data[at:at + draw(st.integers(1, 64))]
            elif action == "insert":
                data[at:at] = draw(st.binary(min_size=1, max_size=32))
            else:
                del data[at:]
        payload = bytes(data)
    else:
        payload = draw(st.binary(max_size=4096))
    if draw(st.integers(0, 4)) == 0:
        payload = gzip.compress(payload)
    return kind, payload


COMPRESSORS = {
    "gzip": gzip.compress,
    "bz2": bz2.compress,
    "xz": lzma.compress,
    "zstd": lambda data: zstandard.ZstdCompressor().compress(data),
}
#: Whole, valid inputs that a cut must not pass silently (WARC gzip is left out: a cut
#: at a member boundary is a shorter valid archive).
INTACT = {
    InputKind.TEXT: [FIXTURES / "bad" / "legacy-cp1252.txt"],
    InputKind.HTML: [FIXTURES / "html" / "article.html"],
    InputKind.JSONL: [FIXTURES / "bad" / "one-broken-line.jsonl"],
    InputKind.WARC: [FIXTURES / "warc" / "warcio__example-iana.org-chunked.warc"],
}


@st.composite
def truncated(draw: st.DrawFn) -> tuple[InputKind, bytes, str]:
    """A valid input compressed in any format, cut at a random offset before its end,
    under a file name that may not be UTF-8."""
    kind = draw(st.sampled_from(list(INTACT)))
    data = draw(st.sampled_from(INTACT[kind])).read_bytes()
    compressed = COMPRESSORS[draw(st.sampled_from(list(COMPRESSORS)))](data)
    cut = draw(st.integers(6, len(compressed) - 1))  # shorter: no magic, not compressed
    return kind, compressed[:cut], draw(file_names())


def file_names() -> st.SearchStrategy[str]:
    """A file name as the OS gives it: any bytes but / and NUL (surrogate-escaped)."""
    raw = st.binary(min_size=1, max_size=24).map(
        lambda b: b.replace(b"/", b"_").replace(b"\0", b"_")
    )
    return raw.filter(lambda b: b not in (b".", b"..")).map(os.fsdecode)


def clean(cleaner: Cleaner, doc: Document) -> None:
    """As a worker cleans it (what libraries say goes to the document), but with the
    exceptions left to the fuzzer."""
    with third_party.collected():
        cleaner.clean(doc)


def check(cleaner: Cleaner, folder: Path, case: tuple[InputKind, bytes], findings: list) -> None:
    kind, payload = case
    path = folder / f"case{SUFFIX[kind]}"
    path.write_bytes(payload)
    said = io.StringIO()
    try:
        with contextlib.redirect_stderr(said):
            for doc in read_input(InputFile(path, PurePosixPath("case"), kind), ReadStats()):
                if not isinstance(doc, RecordFailure):
                    clean(cleaner, doc)
    except CleanerError:
        pass
    except Exception as exc:  # every other exception is a finding
        frame = traceback.extract_tb(exc.__traceback__)[-1]
        where = f"{Path(frame.filename).name}:{frame.lineno} in {frame.name}"
        findings.append((kind, f"{type(exc).__name__} at {where}", str(exc)[:160], payload[:60]))
    _check_stderr(kind, said, payload, findings)


def _check_stderr(kind: InputKind, said: io.StringIO, payload: bytes, findings: list) -> None:
    if said.getvalue():
        first = said.getvalue().splitlines()[0]
        findings.append((kind, f"wrote to stderr: {first[:40]}", first[:160], payload[:60]))


def check_truncated(
    cleaner: Cleaner, folder: Path, case: tuple[InputKind, bytes, str], findings: list
) -> None:
    """A cut stream read like any case, which must also give a failure somewhere."""
    kind, payload, name = case
    path = folder / f"{name}{SUFFIX[kind]}.cut"
    path.write_bytes(payload)
    failed = False
    said = io.StringIO()
    try:
        with contextlib.redirect_stderr(said):
            for doc in read_input(InputFile(path, PurePosixPath(name), kind), ReadStats()):
                if isinstance(doc, RecordFailure):
                    failed = True
                else:
                    clean(cleaner, doc)
    except CleanerError:
        failed = True
    except Exception as exc:  # every other exception is a finding
        frame = traceback.extract_tb(exc.__traceback__)[-1]
        where = f"{Path(frame.filename).name}:{frame.lineno} in {frame.name}"
        findings.append((kind, f"{type(exc).__name__} at {where}", str(exc)[:160], payload[:60]))
        return
    finally:
        path.unlink()
    _check_stderr(kind, said, payload, findings)
    if not failed:
        findings.append((kind, "truncation passed silently", name, payload[:60]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=3.0)
    args = parser.parse_args()
    cleaner = Cleaner(Config())
    findings: list = []
    cases = 0
    deadline = time.monotonic() + args.minutes * 60
    with tempfile.TemporaryDirectory() as tmp:
        while time.monotonic() < deadline:
            @settings(max_examples=200, deadline=None, database=None,
                      suppress_health_check=list(HealthCheck))
            @given(mutated())
            def one_batch(case: tuple[InputKind, bytes]) -> None:
                nonlocal cases
                cases += 1
                check(cleaner, Path(tmp), case, findings)

            @settings(max_examples=50, deadline=None, database=None,
                      suppress_health_check=list(HealthCheck))
            @given(truncated())
            def cut_batch(case: tuple[InputKind, bytes, str]) -> None:
                nonlocal cases
                cases += 1
                check_truncated(cleaner, Path(tmp), case, findings)

            one_batch()
            cut_batch()
    print(f"{cases} cases in {args.minutes:g} minutes, {len(findings)} findings")
    distinct = {(kind, name): (message, head) for kind, name, message, head in findings}
    for (kind, name), (message, head) in sorted(distinct.items()):
        print(f"  {kind.value}: {name}: {message}\n    e.g. input starting {head!r}")


if __name__ == "__main__":
    main()
