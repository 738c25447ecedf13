"""Issue 26's hostile corpus: build each case beside a good document, run it with
`cleaner run --workers 2`, and print per case the wall time, the peak RSS of the run
(its largest process) and the outcome (written, warnings, failed, exit code).

    python bench/hostile.py                # every case
    python bench/hostile.py zeros csv      # the cases whose names contain these words
    python bench/hostile.py --workers 1 attributes   # the sandbox with one worker

Each case must finish within 2x --document-timeout, under 2 GB, with the good document
written. Nothing here is a test: it prints figures.
"""

from __future__ import annotations

import argparse
import bz2
import gzip
import json
import lzma
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import zstandard

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "fixtures"
DOCUMENT_TIMEOUT = 30
SENTENCE = "The council met on Tuesday and voted to build a new bridge over the river. "
GOOD = (SENTENCE * 4 + "\n\n") * 3


def _line(doc_id: str, **fields: object) -> bytes:
    return (json.dumps({"id": doc_id, "text": SENTENCE * 3, **fields}) + "\n").encode()


def _words(count: int, seed: int) -> str:
    chooser = random.Random(seed)
    return " ".join(chooser.choice(SENTENCE.split()) for _ in range(count)) + "."


def _bz2_zeros(path: Path, megabytes: int, head: bytes = b"") -> None:
    compressor = bz2.BZ2Compressor(9)
    parts = [compressor.compress(head)]
    block = b"\0" * (1 << 20)
    parts += [compressor.compress(block) for _ in range(megabytes)]
    path.write_bytes(b"".join(parts) + compressor.flush())


def _single_member_warc() -> bytes:
    return gzip.compress(
        gzip.decompress((FIXTURES / "warc" / "warcio__example.warc.gz").read_bytes())
    )


WRAPPER = """
import resource, subprocess, sys
try:
    code = subprocess.run(sys.argv[2:], timeout=float(sys.argv[1])).returncode
except subprocess.TimeoutExpired:
    code = 'killed-after-timeout'
print('PEAK', resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, code)
"""
RULES_UNTIL = """rules:
  - id: near-miss
    description: a block whose end pattern backtracks a while on each line
    regex: 'aaaa'
    until: '(a|aa)+$'
    tests:
      - keep: An ordinary line of the article stays here.
"""


def rule_file(case: Path) -> tuple[Path, list[str]]:
    """A case's rules folder, `<case>-rules/` beside its inputs: its one file's path, and
    the options that point a run at the folder."""
    rules = case.parent / f"{case.name}-rules"
    rules.mkdir()
    return rules / "r.yaml", ["--rules", str(rules)]


def build(folder: Path) -> dict[str, Callable[[Path], list[str]]]:
    """Case name -> a function that writes the case's inputs and returns extra options."""

    def deep_jsonl(d: Path) -> list[str]:
        deep = b'{"id": "b", "text": "x", "m": ' + b"[" * 100_000 + b"]" * 100_000 + b"}\n"
        (d / "d.jsonl").write_bytes(_line("a") + deep + _line("c"))
        return []

    def cut_warc_gz(d: Path) -> list[str]:
        data = (FIXTURES / "warc" / "warcio__example.warc.gz").read_bytes()
        (d / "cut.warc.gz").write_bytes(data[:-300])
        return []

    def cut_single_member_warc_gz(d: Path) -> list[str]:
        (d / "cut.warc.gz").write_bytes(_single_member_warc()[:-300])
        return []

    def cut_txt_zst(d: Path) -> list[str]:
        text = "\n\n".join(_words(100, n) for n in range(400)).encode()
        data = zstandard.ZstdCompressor().compress(text)
        (d / "half.txt.zst").write_bytes(data[: len(data) // 2])
        return []

    def cut_jsonl_zst(d: Path) -> list[str]:
        lines = b"".join(_line(f"r{n:03d}", extra=_words(300, n)) for n in range(400))
        data = zstandard.ZstdCompressor().compress(lines)
        (d / "cut.jsonl.zst").write_bytes(data[: len(data) - 40])
        return []

    def charset_contradicted(d: Path) -> list[str]:
        page = f'<html><head><meta charset="utf-16"></head><body><p>{SENTENCE}</p></body></html>'
        (d / "page.html").write_bytes(page.encode("utf-8"))
        return []

    def utf16_without_bom(d: Path) -> list[str]:
        (d / "wide.txt").write_bytes(GOOD.encode("utf-16-le"))
        return []

    def jsonl_bom(d: Path) -> list[str]:
        (d / "bom.jsonl").write_bytes(b"\xef\xbb\xbf" + _line("x"))
        return []

    def stray_bytes(d: Path) -> list[str]:
        (d / "stray.txt").write_bytes(SENTENCE.encode() * 3 + b"\x81\x9d more")
        return []

    def jsonl_values(d: Path) -> list[str]:
        line = (
            '{"id": "s", "text": "Lone \\ud800 here. ' + SENTENCE + '", '
            '"input_id": "theirs", "date": "not a date"}\n'
        )
        (d / "f.jsonl").write_text(line)
        return []

    def zeros_warc(d: Path) -> list[str]:
        with (d / "z.warc").open("wb") as handle:
            handle.truncate(100_000_000)
        return []

    def header_then_zeros_warc(d: Path) -> list[str]:
        with (d / "z.warc").open("wb") as handle:
            handle.write(b"WARC/1.0\r\n")
            handle.truncate(100_000_000)
        return []

    def zeros_warc_bz2(d: Path) -> list[str]:
        _bz2_zeros(d / "z.warc.bz2", 300, b"WARC/1.0\r\n")
        return []

    def jsonl_bz2_bomb(d: Path) -> list[str]:
        _bz2_zeros(d / "bomb.jsonl.bz2", 300, _line("a"))
        return []

    def gzip_bomb_txt(d: Path) -> list[str]:
        compressor = gzip.compress(b"\0" * (300 << 20), compresslevel=9)
        (d / "bomb.txt.gz").write_bytes(compressor)
        return []

    def csv_3mb(d: Path) -> list[str]:
        chooser = random.Random(1)
        rows = [",".join(str(chooser.randint(0, 99999)) for _ in range(12)) for _ in range(29000)]
        (d / "table.txt").write_text("\n".join(rows))
        return []

    def template_lines(d: Path) -> list[str]:
        rows = (
            f"row {n} is one of the values that we have for the table and it is in {n * 3}"
            for n in range(8000)
        )
        (d / "template.txt").write_text("\n".join(rows))
        return []

    def one_line_two_letter_words(d: Path) -> list[str]:
        chooser = random.Random(0)
        letters = "abcdefghijklmnop"
        words = (chooser.choice(letters) + chooser.choice(letters) for _ in range(6_000_000))
        (d / "one.txt").write_text(" ".join(words))
        return []

    def code_keywords_lines(d: Path) -> list[str]:
        """Lines of the words the classifier's code test looks for ("SELECT", "flowchart",
        "a = b,"), with nothing that closes them, each 14 KB (longer lines are not judged):
        each of its patterns must stay linear in a line ("SELECT .+? FROM" was quadratic:
        0.6 s a line)."""
        words = ["SELECT ", "flowchart ", "x = 1, ", "a{b: "]
        lines = [f"{n} " + words[n % len(words)] * 2000 for n in range(200)]  # none alike
        (d / "code.txt").write_text("\n".join(lines))
        return []

    def one_line_90mb(d: Path) -> list[str]:
        """Near --max-bytes: 30 million words on one line, for --document-memory."""
        chooser = random.Random(0)
        letters = "abcdefghijklmnop"
        pairs = [a + b for a in letters for b in letters]
        with (d / "big.txt").open("w") as handle:
            for _ in range(30):
                handle.write(" ".join(chooser.choices(pairs, k=1_000_000)) + " ")
        return []

    def attributes_200k(d: Path) -> list[str]:
        attributes = " ".join(f'a{n}="v{n}"' for n in range(200_000))
        (d / "attrs.html").write_text(f"<html><body><p {attributes}>{SENTENCE}</p></body></html>")
        return []

    def until_near_miss(d: Path) -> list[str]:
        (d / "d.txt").write_text("\n".join(["a" * 21 + "!"] * 400))
        path, options = rule_file(d)
        path.write_text(RULES_UNTIL)
        return options

    def nested_regex_rule(d: Path) -> list[str]:
        path, options = rule_file(d)
        pattern = "(" * 990 + "a" + ")" * 990
        path.write_text(RULES_UNTIL.replace("'(a|aa)+$'", f"'{pattern}'"))
        return options

    def repeat_regex_rule(d: Path) -> list[str]:
        path, options = rule_file(d)
        path.write_text(RULES_UNTIL.replace("'(a|aa)+$'", "'(?:(?:a{1000}){1000}){100}'"))
        return options

    def fifo_rule_file(d: Path) -> list[str]:
        path, options = rule_file(d)
        os.mkfifo(path)
        return options

    def dev_zero_rule_file(d: Path) -> list[str]:
        path, options = rule_file(d)
        path.symlink_to("/dev/zero")
        return options

    def billion_laughs_rule_file(d: Path) -> list[str]:
        """Issue 8: YAML aliases that expand to 10^9 items."""
        path, options = rule_file(d)
        levels = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
        levels += [
            f"{chr(98 + n)}: &{chr(98 + n)} [" + ",".join([f"*{chr(97 + n)}"] * 10) + "]"
            for n in range(8)
        ]
        path.write_text("\n".join(levels) + "\nrules: *i\n")
        return options

    def catastrophic_regex_rule(d: Path) -> list[str]:
        """Issue 8: nested quantifiers on long lines of a's, a lookbehind so RE2 cannot
        rule it out: the 0.1 s bound and three strikes."""
        (d / "d.txt").write_text("\n".join(["a" * 5000 + "!"] * 100))
        path, options = rule_file(d)
        path.write_text(
            RULES_UNTIL.replace("regex: 'aaaa'\n    until: '(a|aa)+$'", "regex: '(?<!x)(a+)+$'")
        )
        return options

    def xz_bomb_txt(d: Path) -> list[str]:
        compressor = lzma.LZMACompressor()
        block = b"\0" * (1 << 20)
        data = b"".join(compressor.compress(block) for _ in range(300)) + compressor.flush()
        (d / "bomb.txt.xz").write_bytes(data)
        return []

    def zst_bomb_txt(d: Path) -> list[str]:
        writer = zstandard.ZstdCompressor().compressobj()
        block = b"\0" * (1 << 20)
        data = b"".join(writer.compress(block) for _ in range(300)) + writer.flush()
        (d / "bomb.txt.zst").write_bytes(data)
        return []

    def warc_warnings_quoting_html(d: Path) -> list[str]:
        """A wrong Content-Length and a URI with spaces: warcio wrote both to stderr, with
        the page's bytes. The outcome column shows the warnings; stderr is checked below."""
        page = f"<html><body><p>{SENTENCE * 4}</p><p>RAW-HTML</p></body></html>".encode()
        http = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n" + page

        def record(number: int, uri: bytes, declared: int) -> bytes:
            return (
                b"WARC/1.0\r\nWARC-Type: response\r\nWARC-Record-ID: <urn:uuid:%d>\r\n"
                b"WARC-Target-URI: %s\r\nContent-Type: application/http; msgtype=response\r\n"
                b"Content-Length: %d\r\n\r\n" % (number, uri, declared)
            ) + http + b"\r\n\r\n"

        (d / "w.warc").write_bytes(
            record(1, b"http://example.com/a", 60) + record(2, b"http://example.com/a b", len(http))
        )
        return []

    return {name.replace("_", "-"): fn for name, fn in locals().items() if callable(fn)}


def run_case(
    name: str, make: Callable[[Path], list[str]], folder: Path, workers: int, timeout: float
) -> None:
    inputs = folder / name
    inputs.mkdir()
    (inputs / "good.txt").write_text(GOOD)
    options = make(inputs)
    out = folder / f"{name}-out"
    command = [
        sys.executable, "-m", "cleaner", "run", str(inputs), str(out), "--workers", str(workers),
        "--document-timeout", str(timeout), *options,
    ]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    started = time.perf_counter()
    # A wrapper process per case, so that its children's peak RSS is this case's alone.
    process = subprocess.Popen(
        [sys.executable, "-c", WRAPPER, str(4 * timeout), *command],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )
    output_bytes, _ = process.communicate()
    took = time.perf_counter() - started
    output = output_bytes.decode(errors="replace")
    lines = output.strip().splitlines()
    peak = float(lines[-1].split()[1]) / 1024 if lines and lines[-1].startswith("PEAK") else -1
    code = lines[-1].split()[2] if peak >= 0 else process.returncode
    outcome = _outcome(out, code, "\n".join(lines[:-1]))
    if "RAW-HTML" in output or "<p>" in output:
        outcome += "; RAW HTML ON STDERR"
    verdict = "ok" if took <= 2 * timeout and 0 <= peak < 2048 else "OVER"
    print(f"{name:28} {took:7.1f} s {peak:8.0f} MB {verdict:4}  {outcome}", flush=True)
    shutil.rmtree(inputs)


def _outcome(out: Path, code: object, output: str) -> str:
    report_path = out / "report.json"
    if not report_path.is_file():
        last = (output.strip().splitlines() or [""])[-1][:90]
        return f"exit {code}, no report: {last}"
    report = json.loads(report_path.read_text())
    warned = sum(1 for _ in out.rglob("*.json") if _ != report_path and json.loads(
        _.read_text()).get("warnings"))
    good = "good written" if (out / "good.txt").is_file() else "GOOD LOST"
    reasons = "; ".join(f["reason"][:70] for f in report["failures"])
    counts = report["counts"]
    return (
        f"exit {code}, {counts['written']} written ({good}), {warned} with warnings, "
        f"{counts['failed']} failed{': ' + reasons if reasons else ''}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("words", nargs="*", help="run the cases whose names contain these")
    parser.add_argument("--workers", type=int, default=2, help="cleaner run --workers")
    parser.add_argument(
        "--document-timeout", type=float, default=DOCUMENT_TIMEOUT, help="seconds per document"
    )
    args = parser.parse_args()
    print(f"{'case':28} {'wall':>9} {'peak RSS':>11} {'':4}  outcome (--workers {args.workers}, "
          f"--document-timeout {args.document_timeout:g})")
    print("(peak RSS: the largest process of the case's run, workers included; "
          "ok: within 2x the timeout and under 2 GB)")
    with tempfile.TemporaryDirectory() as tmp:
        for name, make in build(Path(tmp)).items():
            if not args.words or any(word in name for word in args.words):
                run_case(name, make, Path(tmp), args.workers, args.document_timeout)


if __name__ == "__main__":
    main()
