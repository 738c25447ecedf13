"""The corpus pass at scale: time and peak memory for 1x, 5x and 20x the scrapinghub text
dumps, each copy with varied footers. Each scale runs in a fresh process, so its peak RSS
is its own. The claim under test: memory follows the number of distinct lines (the hash
table), not the number of documents.

    python bench/corpus.py [--scales 1,5,20] [--bench ../shared/bench/scrapinghub]
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import tempfile
from pathlib import Path

DEFAULT_BENCH = Path(__file__).resolve().parents[1].parent / "shared" / "bench" / "scrapinghub"
FOOTER_LINES = [
    "Follow us on social media", "Sign up for our daily briefing", "Contact the newsroom",
    "Terms of use", "Privacy policy", "Cookie settings", "Advertise with us", "Careers",
    "Corrections and clarifications", "Site map", "RSS feeds", "Help and support",
]

CHILD = """
import json, resource, sys, time
from pathlib import Path
from cleaner import Cleaner, Config
from cleaner.readers import discover_inputs
from cleaner.runner import build_corpus_table
config = Config(corpus_pass=True)
cleaner = Cleaner(config)
files = discover_inputs([Path(sys.argv[1])])
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
started = time.perf_counter()
table = build_corpus_table(files, cleaner, config)
seconds = time.perf_counter() - started
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"documents": len(files), "seconds": seconds, "hashes": len(table),
                  "rss_before_kb": before, "peak_rss_kb": peak}))
"""


def build_corpus(dumps: list[Path], scale: int, folder: Path) -> None:
    """`scale` copies of every dump, each with its own mix of footer lines and a dated line."""
    rng = random.Random(scale)
    for copy in range(scale):
        for dump in dumps:
            footer = [*rng.sample(FOOTER_LINES, 5), f"© {1990 + copy} Example Media, all rights"]
            text = dump.read_text(encoding="utf-8") + "\n\n" + "\n".join(footer) + "\n"
            (folder / f"{copy:03d}_{dump.name}").write_text(text, encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bench", type=Path, default=DEFAULT_BENCH)
    parser.add_argument("--scales", default="1,5,20")
    args = parser.parse_args()
    dumps = sorted((args.bench / "text").glob("*.txt"))
    rows = []
    for scale in (int(s) for s in args.scales.split(",")):
        with tempfile.TemporaryDirectory() as tmp:
            build_corpus(dumps, scale, Path(tmp))
            result = subprocess.run([sys.executable, "-c", CHILD, tmp], check=True,
                                    capture_output=True, text=True)
        rows.append({"scale": scale, **json.loads(result.stdout)})
    print(f"{'scale':>5} {'documents':>9} {'seconds':>8} {'docs/s':>7} {'hashes':>8} "
          f"{'peak RSS MB':>11} {'table MB':>9}")
    base = rows[0]["peak_rss_kb"]
    for row in rows:
        table_mb = (row["peak_rss_kb"] - row["rss_before_kb"]) / 1024
        print(f"{row['scale']:>5} {row['documents']:>9} {row['seconds']:>8.1f} "
              f"{row['documents'] / row['seconds']:>7.0f} {row['hashes']:>8} "
              f"{row['peak_rss_kb'] / 1024:>11.1f} {table_mb:>9.1f}")
    last = rows[-1]
    print(f"{last['scale']}x the documents: peak RSS x{last['peak_rss_kb'] / base:.2f}, "
          f"hashes x{last['hashes'] / rows[0]['hashes']:.2f}")


if __name__ == "__main__":
    main()
