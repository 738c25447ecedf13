"""`cleaner rules suggest`: draft rules for each site's furniture, found by the corpus pass.

The draft lists, per site, the lines found on many of its documents, with test cases
taken from the corpus: each furniture line must drop, and a real content line of the
same site must stay. A person reviews it before committing: frequent is not always
furniture (a recurring disclaimer may be wanted).
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from cleaner.config import Config
from cleaner.corpus import CorpusTable, document_site, line_hash
from cleaner.document import Document
from cleaner.pipeline import Cleaner
from cleaner.readers import InputFile, ReadStats
from cleaner.readers.names import unique_name
from cleaner.readers.options import ReadOptions
from cleaner.runner import build_corpus_table
from cleaner.text import line_key
from cleaner.work import read_guarded

MAX_FURNITURE_WORDS = 40  # longer lines are rarely furniture worth an exact rule


@dataclass(slots=True)
class SiteFindings:
    documents: int
    furniture: dict[int, tuple[str, int]] = field(default_factory=dict)  # hash -> (text, count)
    content_example: str | None = None


def _quote(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)  # a JSON string is a valid YAML scalar


def _rule_id(site: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", site.removeprefix("folder:").lower()).strip("-")
    return f"{slug or 'site'}-furniture"


def collect(
    files: Sequence[InputFile],
    cleaner: Cleaner,
    config: Config,
    table: CorpusTable,
    min_docs: int,
    min_share: float,
) -> dict[str, SiteFindings]:
    """Second sweep: the text of each site's frequent lines, and one content line to keep."""
    findings: dict[str, SiteFindings] = {}
    options = ReadOptions.of(config)
    for item in files:
        for doc in read_guarded(item, ReadStats(), options):
            if not isinstance(doc, Document):
                continue
            cleaner.prepare(doc)
            site = document_site(doc)
            total = table.site_documents[site]
            found = findings.setdefault(site, SiteFindings(total))
            for line in doc.lines:
                count = table.line_documents.get(line_hash(site, line_key(line.text)), 0)
                frequent = count >= min_docs and count / total >= min_share
                if frequent and len(line.words()) <= MAX_FURNITURE_WORDS:
                    key = line_hash(site, line_key(line.text))
                    found.furniture.setdefault(key, (line.text, count))
                elif (
                    not frequent and found.content_example is None and 0 < line.prose_words() <= 60
                ):
                    found.content_example = line.text
    return findings


def render_yaml(findings: dict[str, SiteFindings], max_lines: int) -> str:
    """One draft rule file: a rule per site, its most frequent lines first."""
    out = [
        "# Draft rules from `cleaner rules suggest`: lines found on many documents of a site.",
        "# Review every line before committing: frequent is not always furniture.",
        "rules:",
    ]
    # Rule ids so far: a site and a folder of its name slug alike, and so do "a.b", "a-b".
    given: set[str] = set()
    for site, found in sorted(findings.items()):
        lines = sorted(found.furniture.values(), key=lambda item: (-item[1], item[0]))[:max_lines]
        if not lines:
            continue
        out.append(f"  # {site}: {found.documents} documents")
        if site.startswith("folder:"):
            out.append("  # No web address was known for these documents, so this rule is not")
            out.append("  # limited to a site: add `sites: [example.com]` if you know it.")
        out.append(f"  - id: {unique_name(_rule_id(site), given, '-2')}")
        out.append(f"    description: {_quote(f'Furniture repeated across {site} pages.')}")
        if not site.startswith("folder:"):
            out.append(f"    sites: [{site}]")
        out.append("    exact:")
        out.extend(f"      - {_quote(text)}  # on {count} documents" for text, count in lines)
        out.append("    tests:")
        out.extend(f"      - drop: {_quote(text)}" for text, _ in lines[:5])
        example = found.content_example or "REPLACE with a real content line of this site"
        out.append(f"      - keep: {_quote(example)}")
    if len(out) == 3:
        return "# cleaner rules suggest: no line is frequent enough; lower --min-docs?\nrules: []\n"
    return "\n".join(out) + "\n"


def suggest_rules(
    files: Sequence[InputFile],
    config: Config,
    *,
    min_docs: int = 3,
    min_share: float = 0.1,
    max_lines: int = 30,
) -> str:
    cleaner = Cleaner(config)
    table = build_corpus_table(files, cleaner, config)
    findings = collect(files, cleaner, config, table, min_docs, min_share)
    return render_yaml(findings, max_lines)
