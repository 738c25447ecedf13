"""Byte-for-byte comparison of two checkouts' corpus output (`--format jsonl|parquet`).

Runs `cleaner run` of each checkout (its package on PYTHONPATH) over the same inputs with
the same settings, for every combination asked for, and compares the sha256 of every
visible file of OUT (the shards and the dataset card). Within one OUT the settings that
shape only the shards (--shard-size, --shard-bytes, --compression, --audit,
--drop-duplicates) change in turn, so that re-sharding from reused parts is compared
too. The inputs: a folder of text dumps (default: the scrapinghub ones) and a JSON Lines
file made here whose records carry fields of their own of mixed and nested types, and
copies of one another (duplicates).

    python bench/compare_shards.py --before /tmp/base --after . --workers 1,2

Prints one line per run and a last line saying whether everything matched; exits 1 if
anything differed.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DEFAULT_DATA = REPO.parent / "shared" / "bench" / "scrapinghub" / "text"

#: Settings applied in turn to one OUT (the first run cleans, the others reuse its parts).
SEQUENCES = {
    "jsonl": [
        ["--shard-size", "100000"],
        ["--shard-size", "50"],
        ["--shard-size", "7", "--audit", "summary"],
        ["--shard-size", "0", "--shard-bytes", "200000", "--compression", "zstd"],
        ["--shard-size", "64", "--drop-duplicates", "--audit", "none"],
        ["--shard-size", "1", "--compression", "none"],
    ],
    "parquet": [
        ["--shard-size", "100000"],
        ["--shard-size", "50", "--audit", "none"],
        ["--shard-size", "0", "--shard-bytes", "300000"],
        ["--shard-size", "33", "--drop-duplicates"],
    ],
}


def extra_fields_input(folder: Path, texts: list[str]) -> None:
    """A JSON Lines input whose records have fields of their own, of mixed types."""
    values = [
        ("lang", ["en", 5, None]),
        ("score", [1, 2.5, None, 3]),
        ("tags", [["a", "b"], None, "c"]),
        ("meta2", [{"x": 1}, {"y": [1, 2]}]),
        ("flag", [True, False]),
        ("count", [7, 8, 9]),
        ("note", [None]),
    ]
    lines = []
    for number, text in enumerate(texts):
        record: dict[str, object] = {"id": f"rec-{number}", "text": text}
        for place, (key, options) in enumerate(values):
            if (number + place) % 4:  # not every record has every field
                record[key] = options[(number * (place + 1)) % len(options)]
        lines.append(json.dumps(record, ensure_ascii=False))
    for number in range(0, len(texts), 5):  # duplicates of earlier records
        copy = json.loads(lines[number])
        copy["id"] = f"copy-{number}"
        copy["lang"] = 12.5
        lines.append(json.dumps(copy, ensure_ascii=False))
    (folder / "records.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")


def digests(out: Path) -> dict[str, str]:
    return {
        path.relative_to(out).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(out.rglob("*"))
        if path.is_file() and not any(part.startswith(".") for part in path.relative_to(out).parts)
    }


def cleaner_run(repo: Path, inputs: Path, out: Path, args: list[str]) -> None:
    env = {**os.environ, "PYTHONPATH": str(repo.resolve())}
    command = [sys.executable, "-m", "cleaner", "run", str(inputs), str(out), "--quiet", *args]
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if done.returncode not in (0, 1) or not any(out.glob("documents-*")):
        raise SystemExit(f"{repo}: {' '.join(command)} failed:\n{done.stderr[-2000:]}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--before", type=Path, required=True)
    parser.add_argument("--after", type=Path, default=REPO)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--limit", type=int, default=0, help="text dumps to take (0: all)")
    parser.add_argument("--workers", default="1,2")
    parser.add_argument("--formats", default="jsonl,parquet")
    args = parser.parse_args()
    differed = compared = 0
    with tempfile.TemporaryDirectory(prefix="compare-shards-") as tmp:
        inputs = Path(tmp) / "in"
        (inputs / "dumps").mkdir(parents=True)
        files = sorted(args.data.glob("*.txt"))[: args.limit or None]
        for path in files:
            shutil.copy(path, inputs / "dumps" / path.name)
        texts = [p.read_text(encoding="utf-8", errors="replace") for p in files[:60]]
        extra_fields_input(inputs, texts)
        for output_format in args.formats.split(","):
            for workers in args.workers.split(","):
                outs = {
                    "before": Path(tmp) / f"before-{output_format}-{workers}",
                    "after": Path(tmp) / f"after-{output_format}-{workers}",
                }
                for settings in SEQUENCES[output_format]:
                    run_args = ["--format", output_format, "--workers", workers, *settings]
                    found = {}
                    for side, out in outs.items():
                        repo = args.before if side == "before" else args.after
                        cleaner_run(repo, inputs, out, run_args)
                        found[side] = digests(out)
                    same = found["before"] == found["after"]
                    compared += 1
                    differed += not same
                    overall = hashlib.sha256(json.dumps(found["after"]).encode()).hexdigest()
                    print(
                        f"{'same' if same else 'DIFFERENT':<9} {len(found['after']):>4} files "
                        f"sha256 {overall[:12]}  " + " ".join(run_args)
                    )
                    if not same:
                        for name in sorted(found["before"].keys() | found["after"].keys()):
                            if found["before"].get(name) != found["after"].get(name):
                                print(
                                    f"    {name}: {found['before'].get(name, '-')[:12]} "
                                    f"vs {found['after'].get(name, '-')[:12]}"
                                )
    print(f"{compared - differed} of {compared} runs wrote the same bytes")
    sys.exit(1 if differed else 0)


if __name__ == "__main__":
    main()
