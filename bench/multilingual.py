"""Multilingual probe: page furniture inserted into real article text, per language.

For each language in bench/multilingual.json, the article's paragraphs get 12 lines of
that language's furniture (cookie banners, share buttons, ad labels, photo credits,
"read also" links, comment prompts, newsletter boxes): 4 before the article, 4 between its
paragraphs and 4 after it. The document goes through text mode with the built-in rules,
as `cleaner run` would clean it. Targets per language: at least 10 of the 12 inserted
lines removed, and no article sentence lost. A script, not a test: it prints
(tests/test_multilingual.py asserts the targets on the same data).

    python bench/multilingual.py [--data bench/multilingual.json] [-v]
"""

from __future__ import annotations

import argparse
import json
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from cleaner import Cleaner, Config, Removal

DATA = Path(__file__).with_suffix(".json")
MIN_REMOVED = 10  # of the 12 inserted lines
MAX_SENTENCES_LOST = 0
WHERE = ("head", "mid", "tail")
_SENTENCE_END = re.compile(r"(?<=[.!?。！？])[\s”“\"»]*(?=\s|$)|(?<=[。！？])")


@dataclass(frozen=True, slots=True)
class Probe:
    """One language's document: the article paragraphs and the lines inserted into them."""

    language: str
    text: str
    paragraphs: tuple[str, ...]
    inserted: tuple[tuple[str, str], ...]  # (where: head/mid/tail, line)


@dataclass(slots=True)
class Result:
    """What text mode did to one probe document."""

    language: str
    inserted: int
    removed: int
    sentences: int
    kept_furniture: list[tuple[str, str]] = field(default_factory=list)
    lost_sentences: list[str] = field(default_factory=list)
    removed_by: dict[str, int] = field(default_factory=dict)  # step -> inserted lines removed

    @property
    def passed(self) -> bool:
        return self.removed >= MIN_REMOVED and len(self.lost_sentences) <= MAX_SENTENCES_LOST


def _norm(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).split())


def sentences(paragraph: str) -> list[str]:
    """A paragraph's sentences (Latin, Cyrillic and CJK sentence ends)."""
    parts = (_norm(part) for part in _SENTENCE_END.split(paragraph))
    return [part for part in parts if part]


def compose(language: str, entry: dict) -> Probe:
    """The article with its furniture: head lines first, one mid line after each of the
    first paragraphs in turn (wrapping when there are few), tail lines last."""
    paragraphs: list[str] = entry["paragraphs"]
    furniture: dict[str, list[str]] = entry["boilerplate"]
    gaps = max(1, len(paragraphs) - 1)  # never after the last paragraph: that is the tail
    after: dict[int, list[str]] = {}
    for index, line in enumerate(furniture["mid"]):
        after.setdefault(index % gaps, []).append(line)
    blocks = list(furniture["head"])
    for index, paragraph in enumerate(paragraphs):
        blocks.append(paragraph)
        blocks.extend(after.get(index, []))
    blocks.extend(furniture["tail"])
    inserted = tuple((where, line) for where in WHERE for line in furniture[where])
    return Probe(language, "\n\n".join(blocks) + "\n", tuple(paragraphs), inserted)


def measure(probe: Probe, text: str, removals: Sequence[Removal] = ()) -> Result:
    """Count the inserted lines missing from the clean `text` and the article sentences it
    lost; `removals` (the document's) say which step took each line."""
    kept_lines = {_norm(line) for line in text.splitlines()}
    kept_text = _norm(text)
    step_of = {_norm(removal.text): removal.step for removal in removals}
    result = Result(probe.language, len(probe.inserted), 0, 0)
    for where, line in probe.inserted:
        if _norm(line) in kept_lines:
            result.kept_furniture.append((where, line))
        else:
            result.removed += 1
            step = step_of.get(_norm(line), "?")
            result.removed_by[step] = result.removed_by.get(step, 0) + 1
    for paragraph in probe.paragraphs:
        for sentence in sentences(paragraph):
            result.sentences += 1
            if sentence not in kept_text:
                result.lost_sentences.append(sentence)
    return result


def load(path: Path = DATA) -> dict[str, dict]:
    return json.loads(path.read_text(encoding="utf-8"))["languages"]


def run_probe(
    data: dict[str, dict], cleaner: Cleaner | None = None, languages: Iterable[str] | None = None
) -> list[Result]:
    """Clean every language's probe document in text mode and measure it."""
    cleaner = cleaner or Cleaner(Config())
    results = []
    for language in languages or data:
        probe = compose(language, data[language])
        doc = cleaner.clean_text(probe.text, id=f"probe-{language}")
        results.append(measure(probe, doc.text, doc.removals))
    return results


def table(results: list[Result]) -> str:
    header = ("lang", "removed", "lost sentences", "by rules", "by other steps", "ok")
    rows = ["{:<5} {:>9} {:>15} {:>9} {:>15}  {}".format(*header)]
    for r in results:
        by_rules = r.removed_by.get("rules", 0)
        others = r.removed - by_rules
        rows.append(
            f"{r.language:<5} {r.removed:>6}/{r.inserted:<2}"
            f" {len(r.lost_sentences):>8}/{r.sentences:<6}"
            f" {by_rules:>9} {others:>15}  {'yes' if r.passed else 'NO'}"
        )
    return "\n".join(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("-v", "--verbose", action="store_true", help="list what was kept or lost")
    args = parser.parse_args()
    results = run_probe(load(args.data))
    print(table(results))
    print(f"targets: >= {MIN_REMOVED} of 12 inserted lines removed, no sentence lost")
    for r in results:
        if args.verbose or not r.passed:
            for where, line in r.kept_furniture:
                print(f"  {r.language} kept ({where}): {line}")
            for sentence in r.lost_sentences:
                print(f"  {r.language} LOST: {sentence}")


if __name__ == "__main__":
    main()
