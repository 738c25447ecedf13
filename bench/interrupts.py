"""Interrupts at random moments: does every run stop cleanly and resume to the same OUT?

Each trial starts `cleaner run` on a small corpus, sends SIGINT, SIGTERM or SIGKILL after
a random delay (SIGINT to the whole process group, as a terminal's Ctrl-C does), and then
looks at what is left:

- the exit code: 130 for SIGINT, 143 for SIGTERM (SIGKILL: killed, nothing to say);
- a traceback or an "Exception ignored" line on stderr;
- a zombie or a worker left behind (any process still naming this trial's OUT);
- a partial file: a visible output that is not whole (a .txt without its .json, a .json
  whose sha256 is not its .txt's, a document's JSON that does not parse);
- and, after one more run to completion, an OUT that differs from an uninterrupted run's.

    python bench/interrupts.py [--trials 200] [--corpus ../shared/bench/scrapinghub/text]

It prints one line per trial that went wrong, then the totals: all must be 0. The test
suite runs the same trials, fewer of them (tests/test_interrupts.py).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

DEFAULT_CORPUS = Path(__file__).resolve().parents[2] / "shared" / "bench" / "scrapinghub" / "text"
CLEANER = [sys.executable, "-m", "cleaner"]
STOP_WITHIN_S = 2.0
#: A Ray run may take longer: a signal while Ray itself starts is held until its processes
#: are up (a half-started Ray could leave them behind), and stopping includes
#: ray.shutdown() (README, "Ctrl-C and SIGTERM": 2.1 to 8.9 s measured).
RAY_STOP_WITHIN_S = 10.0
#: Before this, Python is still starting (site-packages, the editable install's import
#: hook): a Ctrl-C there is Python's own KeyboardInterrupt, before any code of cleaner's.
FIRST_MOMENT_S = 0.3  # after the signal, the run has exited (and its workers are gone)
#: What a trial can find wrong; the totals count trials with each.
KINDS = (
    "partial file",
    "zombie or worker left",
    "traceback",
    "re-run differs",
    "re-run failed",
    "wrong exit code",
    "slow to stop",
    "hung",
)
EXPECTED_EXIT = {signal.SIGINT: 130, signal.SIGTERM: 143, signal.SIGKILL: -signal.SIGKILL}


@dataclass(slots=True)
class Outcome:
    """What one interrupted run left behind; `problems` is empty when all was well."""

    label: str
    problems: list[tuple[str, str]] = field(default_factory=list)  # (kind, what)

    def add(self, kind: str, what: str) -> None:
        self.problems.append((kind, what))


def make_corpus(source: Path, folder: Path, documents: int) -> Path:
    """`documents` text dumps copied from `source` into `folder`, cycling through them
    when there are fewer (copies are marked duplicates, the same way in every run)."""
    folder.mkdir(parents=True, exist_ok=True)
    dumps = sorted(source.glob("*.txt"))
    for number in range(documents):
        path = dumps[number % len(dumps)]
        shutil.copy(path, folder / f"{number:04d}_{path.name}")
    return folder


def snapshot(out: Path) -> dict[str, bytes]:
    """OUT's visible files (what a user compares), without the run's wall time."""
    files = {}
    for path in sorted(out.rglob("*")):
        relative = path.relative_to(out).as_posix()
        if path.is_file() and not any(part.startswith(".") for part in relative.split("/")):
            data = path.read_bytes()
            if relative == "report.json":
                report = json.loads(data)
                report.pop("wall_seconds", None)
                report.get("steps", {}).pop("seconds", None)
                report["incremental"] = None  # a resumed run reuses what it finished
                data = json.dumps(report, sort_keys=True).encode()
            files[relative] = data
    return files


def partial_files(out: Path) -> list[str]:
    """Visible outputs that are not whole: every .txt needs its .json, and they agree."""
    problems = []
    for text in sorted(out.rglob("*.txt")):
        meta = text.with_suffix(".json")
        if any(part.startswith(".") for part in text.relative_to(out).parts):
            continue
        try:
            record = json.loads(meta.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            problems.append(f"{text.name}: its .json is missing or broken ({exc})")
            continue
        if record.get("sha256") != hashlib.sha256(text.read_bytes()).hexdigest():
            problems.append(f"{text.name}: does not match its .json")
    for meta in sorted(out.rglob("*.json")):
        if meta.name != "report.json" and not meta.with_suffix(".txt").exists():
            problems.append(f"{meta.name}: has no .txt")
    return problems


def processes_naming(marker: str) -> list[str]:
    """Processes whose command line holds `marker` (a trial's OUT): workers are forked, so
    they carry their parent's command line; a zombie shows with state Z."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            state = (entry / "stat").read_text().split(") ", 1)[1][:1]
        except OSError:
            continue
        if marker in command:
            found.append(f"pid {entry.name} ({'zombie' if state == 'Z' else 'alive'})")
    return found


def run_cleaner(corpus: Path, out: Path, options: list[str], **kwargs) -> subprocess.Popen:
    return subprocess.Popen(
        [*CLEANER, "run", str(corpus), str(out), "-q", *options],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,  # its own process group, as a terminal's job has
        **kwargs,
    )


def trial(
    corpus: Path,
    out: Path,
    reference: dict[str, bytes],
    options: list[str],
    signum: signal.Signals,
    delay: float,
) -> Outcome:
    """One interrupted run into a fresh OUT, then the checks (see the module)."""
    label = f"{' '.join(options) or '-w 1'} {signum.name} after {delay:.2f} s"
    stop_within = RAY_STOP_WITHIN_S if "ray" in options else STOP_WITHIN_S
    outcome = Outcome(label)
    shutil.rmtree(out, ignore_errors=True)
    process = run_cleaner(corpus, out, options)
    time.sleep(delay)
    sent = time.monotonic()
    if process.poll() is None:
        if signum is signal.SIGINT:
            os.killpg(process.pid, signum)  # Ctrl-C reaches the whole group
        else:
            process.send_signal(signum)
    try:
        _, stderr = process.communicate(timeout=stop_within + 8)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        _, stderr = process.communicate()
        outcome.add("hung", f"still running {stop_within + 8:g} s after the signal")
    waited = time.monotonic() - sent
    text = stderr.decode("utf-8", "replace")
    finished = process.returncode == 0  # the run ended before the signal came
    # A signal that lands while the interpreter exits, after the run's last word, ends the
    # process at once with 128 + signal; one that lands after Python gave its handlers
    # back ends it by the signal itself (-15 here, 143 in a shell: the same answer).
    expected = {EXPECTED_EXIT[signum], -signum}
    if not finished and process.returncode not in expected:
        outcome.add("wrong exit code", f"{process.returncode}: {text.strip()[-200:]}")
    if "Traceback" in text or "Exception ignored" in text:
        outcome.add("traceback", text.strip()[-300:])
    if signum is not signal.SIGKILL and not finished and waited > stop_within:
        outcome.add("slow to stop", f"{waited:.1f} s")
    deadline = time.monotonic() + STOP_WITHIN_S
    left = processes_naming(str(out))
    while left and signum is not signal.SIGKILL and time.monotonic() < deadline:
        time.sleep(0.1)
        left = processes_naming(str(out))
    if signum is signal.SIGKILL:  # the orphaned workers notice within a second
        time.sleep(1.5)
        left = processes_naming(str(out))
    if left:
        outcome.add("zombie or worker left", ", ".join(left))
    if out.is_dir():
        for problem in partial_files(out):
            outcome.add("partial file", problem)
    again = run_cleaner(corpus, out, options)
    _, stderr = again.communicate(timeout=300)
    if again.returncode != 0:
        outcome.add("re-run failed", f"exit {again.returncode}: {stderr.decode()[-200:]}")
    elif snapshot(out) != reference:
        outcome.add("re-run differs", "from an uninterrupted run")
    return outcome


def reference_output(corpus: Path, out: Path, options: list[str]) -> dict[str, bytes]:
    process = run_cleaner(corpus, out, options)
    _, stderr = process.communicate(timeout=300)
    if process.returncode != 0:
        raise SystemExit(f"the reference run failed: {stderr.decode()}")
    return snapshot(out)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=200)
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--documents", type=int, default=60)
    parser.add_argument("--no-ray", action="store_true", help="leave the Ray trials out")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    chooser = random.Random(args.seed)
    setups = [["-w", "1"], ["-w", "2"]] + (
        [] if args.no_ray else [["--executor", "ray", "-w", "2"]]
    )
    with tempfile.TemporaryDirectory() as tmp:
        corpus = make_corpus(args.corpus, Path(tmp) / "in", args.documents)
        reference = reference_output(corpus, Path(tmp) / "reference", ["-w", "1"])
        totals = dict.fromkeys(KINDS, 0)
        started = time.perf_counter()
        for number in range(args.trials):
            options = setups[number % len(setups)]
            signum = chooser.choice([signal.SIGINT, signal.SIGTERM, signal.SIGKILL])
            # Ray starts in seconds: its trials reach further in.
            delay = chooser.uniform(FIRST_MOMENT_S, 8.0 if "ray" in options else 3.0)
            outcome = trial(corpus, Path(tmp) / "out", reference, options, signum, delay)
            for kind, what in outcome.problems:
                print(f"trial {number}: {outcome.label}: {kind}: {what}", flush=True)
            for kind in {kind for kind, _ in outcome.problems}:
                totals[kind] += 1
        print(
            f"{args.trials} trials in {time.perf_counter() - started:.0f} s "
            f"({args.documents} documents; -w 1, -w 2{'' if args.no_ray else ', Ray'}; "
            "SIGINT, SIGTERM, SIGKILL at random moments)"
        )
        for kind, count in totals.items():
            print(f"  {kind}: {count}")


if __name__ == "__main__":
    main()
