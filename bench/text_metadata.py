"""Metadata found in text mode: title, author and date against WCXB dev's gold, and the
language each page is detected in. A script, not a test: it prints.

Each WCXB dev page's html-text dump (`text/<id>.txt.gz`) is cleaned as a text capture is:
no URL, no HTML. A value counts as right when it equals the gold one after normalising
(Unicode NFKC, case folded, runs of spaces and punctuation made one space; dates compared
on their `YYYY-MM-DD`). "lenient" for authors: every word of the gold name is in the
value found ("By Jane Smith and John Doe" for gold "Jane Smith"). "wrong" counts values
found that do not match; "invented" counts values found where the gold has none.

Language: there is no gold language, so each page's detected language is compared with
langdetect's answer (same step, same seed) on the page's gold main text: "same",
"other", or "null" (too little text to say); pages whose gold text is too short for an
answer are counted apart. The scrapinghub dumps have no gold
metadata: only how many of them get each value is printed for them.

    python bench/text_metadata.py [--wcxb DIR] [--scrapinghub DIR] [--limit N] [--show KEY]
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import unicodedata
from collections import Counter
from pathlib import Path

from cleaner import Cleaner, Config
from cleaner.document import Document, Line
from cleaner.steps.language import LanguageStep

BENCH = Path(__file__).resolve().parents[1].parent / "shared" / "bench"
KEYS = ("title", "author", "date")
_PUNCT = re.compile(r"[\W_]+")


def normalise(value: str | None) -> str:
    if not value:
        return ""
    return _PUNCT.sub(" ", unicodedata.normalize("NFKC", value).casefold()).strip()


def matches(key: str, found: str | None, gold: str | None, lenient: bool = False) -> bool:
    if key == "date":
        return bool(found) and bool(gold) and found[:10] == gold[:10]
    found_n, gold_n = normalise(found), normalise(gold)
    if not found_n or not gold_n:
        return False
    if lenient:
        return set(gold_n.split()) <= set(found_n.split())
    return found_n == gold_n


def gold_language(detector: LanguageStep, text: str) -> str | None:
    doc = Document(id="gold", source="gold", raw=text)
    doc.lines = [Line(t, n) for n, t in enumerate(text.splitlines(), 1) if t.strip()]
    detector(doc)
    return doc.metadata.get("language")


def language_outcome(found: str | None, expected: str | None) -> str:
    if expected is None:
        return "gold text too short"
    if found is None:
        return "null"
    return "same" if found == expected else "other"


def wcxb(bench: Path, cleaner: Cleaner, limit: int | None, show: str | None) -> None:
    gold = [json.loads(line) for line in (bench / "gold.jsonl").open(encoding="utf-8")]
    gold = gold[:limit] if limit else gold
    tally: dict[str, Counter[str]] = {key: Counter() for key in (*KEYS, "author lenient")}
    languages: Counter[str] = Counter()
    outcome: Counter[str] = Counter()
    reference = LanguageStep(seed=cleaner.config.language_seed)
    for page in gold:
        with gzip.open(bench / "text" / f"{page['id']}.txt.gz", "rt", encoding="utf-8") as f:
            doc = cleaner.clean_text(f.read(), id=page["id"])
        meta = doc.metadata
        for key in (*KEYS, "author lenient"):
            field = key.split()[0]
            found, expected = meta.get(field), page.get(field) or None
            counts = tally[key]
            counts["gold"] += expected is not None
            if expected is None:
                counts["invented"] += found is not None
            elif matches(field, found, expected, lenient=key.endswith("lenient")):
                counts["right"] += 1
            elif found is None:
                counts["missed"] += 1
            else:
                counts["wrong"] += 1
                if show == key:
                    print(f"{page['id']} {key}: found {found!r}, gold {expected!r}")
        tally_language(meta.get("language"), page, reference, languages, outcome, show)
    print(f"WCXB dev, text mode, {len(gold)} pages")
    heads = ("gold", "right", "wrong", "missed", "invented")
    print(f"{'':16} " + " ".join(f"{h:>{max(len(h), 5)}}" for h in heads) + f" {'acc.':>6}")
    for key, counts in tally.items():
        accuracy = counts["right"] / counts["gold"] if counts["gold"] else 0.0
        row = [counts[k] for k in heads]
        cells = " ".join(f"{n:>{max(len(h), 5)}}" for h, n in zip(heads, row, strict=True))
        print(f"{key:16} {cells} {accuracy:6.3f}")
    print("language vs langdetect on the gold text:", dict(outcome))
    print("languages:", dict(languages.most_common()))


def tally_language(
    language: str | None,
    page: dict,
    reference: LanguageStep,
    languages: Counter[str],
    outcome: Counter[str],
    show: str | None,
) -> None:
    """Counts the detected language, and how it compares with langdetect on the gold text."""
    languages[language or "null"] += 1
    expected = gold_language(reference, page["text"])
    outcome[language_outcome(language, expected)] += 1
    if show == "language" and language != expected:
        print(f"{page['id']} language: {language}, gold text {expected}")


def scrapinghub(bench: Path, cleaner: Cleaner, limit: int | None, show: str | None) -> None:
    gold = [json.loads(line) for line in (bench / "gold.jsonl").open(encoding="utf-8")]
    gold = gold[:limit] if limit else gold
    found: Counter[str] = Counter()
    languages: Counter[str] = Counter()
    outcome: Counter[str] = Counter()
    reference = LanguageStep(seed=cleaner.config.language_seed)
    for page in gold:
        text = (bench / "text" / f"{page['id']}.txt").read_text(encoding="utf-8")
        doc = cleaner.clean_text(text, id=page["id"])
        for key in KEYS:
            found[key] += doc.metadata.get(key) is not None
        tally_language(doc.metadata.get("language"), page, reference, languages, outcome, show)
    print(f"scrapinghub, text mode, {len(gold)} pages (no gold metadata): found {dict(found)}")
    print("language vs langdetect on the gold text:", dict(outcome))
    print("languages:", dict(languages.most_common()))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--wcxb", type=Path, default=BENCH / "wcxb-dev")
    parser.add_argument("--scrapinghub", type=Path, default=BENCH / "scrapinghub")
    parser.add_argument("--limit", type=int, help="only the first N pages of each set")
    parser.add_argument("--show", help="print the misses of one row (title, author, date...)")
    args = parser.parse_args()
    cleaner = Cleaner(Config())
    wcxb(args.wcxb, cleaner, args.limit, args.show)
    scrapinghub(args.scrapinghub, cleaner, args.limit, args.show)


if __name__ == "__main__":
    main()
