"""The pipeline: the steps in order, and the record each cleaned document becomes."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import astuple
from datetime import date
from typing import Any

from cleaner.config import Config
from cleaner.corpus import CorpusTable
from cleaner.dates import canonical_date, parse_date
from cleaner.document import METADATA_KEYS, Document
from cleaner.report import SHORT_DOCUMENT
from cleaner.ruleset.loader import RuleSet, load_rules
from cleaner.scripts import count_words
from cleaner.steps.base import Setup, Step, UntilStable
from cleaner.steps.classify import ClassifyStep
from cleaner.steps.corpus import CorpusStep
from cleaner.steps.extract import ExtractStep
from cleaner.steps.language import LanguageStep
from cleaner.steps.menu_only import MenuOnlyStep
from cleaner.steps.near_repeats import NearRepeatStep
from cleaner.steps.normalize import NormalizeStep
from cleaner.steps.repeats import RepeatedLineStep, SelfRepeatStep
from cleaner.steps.rules import RulesStep
from cleaner.steps.title import TitleStep
from cleaner.text import encodable

#: A plan: step classes in the order they run, each built once with its `from_setup`
#: (left out when that gives None); a class named twice is one step run twice, its
#: counts and what it remembers carried over; a tuple inside is a group that runs again
#: until a round removes nothing (`UntilStable`).
Plan = tuple["type[Step] | Plan", ...]

#: Extraction and normalization: what the corpus pass sees.
READING: Plan = (ExtractStep, NormalizeStep)

#: The pipeline. Adding a step: the step's class (see `cleaner.steps.base`), and its
#: name here.
STEPS: Plan = (
    *READING,
    SelfRepeatStep,
    RulesStep,
    CorpusStep,
    LanguageStep,
    TitleStep,
    # Rule scopes (head, tail, words of prose before), repeats "back to back" and the
    # classifier all depend on the lines around, which each other's removals change: they
    # run again until a round removes nothing.
    (
        RulesStep,  # the same step: its matches and timeout counts carry over
        RepeatedLineStep,
        NearRepeatStep,
        ClassifyStep,
    ),
    MenuOnlyStep,  # what is left may be only a menu
    LanguageStep,  # again, on the text that is kept, if the cleaning changed its sample
)


def build_steps(plan: Plan, setup: Setup, built: dict[type[Step], Step | None]) -> list[Step]:
    """The steps of `plan`; `built` holds those built so far, by class, and is added to."""
    steps: list[Step] = []
    for entry in plan:
        if isinstance(entry, tuple):
            steps.append(UntilStable(build_steps(entry, setup, built)))
            continue
        if entry not in built:
            built[entry] = entry.from_setup(setup)
        step = built[entry]
        if step is not None:
            steps.append(step)
    return steps


class Cleaner:
    """A configured pipeline. Build once (rules compile, language profiles load), clean many."""

    def __init__(
        self,
        config: Config | None = None,
        ruleset: RuleSet | None = None,
        corpus: CorpusTable | None = None,
    ) -> None:
        self.config = checked_config(config)
        if ruleset is None:
            ruleset = load_rules(self.config.rules, builtin=self.config.builtin_rules)
        self.ruleset = ruleset
        setup = Setup(self.config, ruleset, corpus)
        built: dict[type[Step], Step | None] = {}
        self.reading: list[Step] = build_steps(READING, setup, built)
        self.steps: list[Step] = build_steps(STEPS, setup, built)

    def load_resources(self) -> None:
        """Load what steps otherwise load at their first document (language profiles), so
        that worker processes forked afterwards share it instead of each loading it."""
        for step in self.steps:
            step.load_resources()

    def left_out(self, record: dict[str, Any]) -> str | None:
        """Why a cleaned document is not written (`--min-words`), or None: it is. Counted
        in the report's `skipped` under that reason."""
        if record["words"] < self.config.min_words:
            return SHORT_DOCUMENT
        return None

    def prepare(self, doc: Document) -> Document:
        """Only extraction and normalization: what the corpus pass counts."""
        for step in self.reading:
            step(doc)
        return doc

    def clean(self, doc: Document) -> Document:
        """Clean `doc` in place, and return it. Cleaned again, its text is split and
        cleaned anew, while what the first cleaning found (metadata, removals) stays:
        for another text build another Document."""
        before = len(doc.removals)
        for step in self.steps:
            step(doc)
        if before:  # cleaned again: what it took out again is in the audit once
            earlier = {astuple(removal) for removal in doc.removals[:before]}
            doc.removals[before:] = [
                removal for removal in doc.removals[before:] if astuple(removal) not in earlier
            ]
        # `date` is only a date the page states: a capture date stays in `crawl_date`.
        complete_metadata(doc)
        return doc

    def clean_text(
        self,
        text: str | bytes,
        *,
        url: str | None = None,
        id: str = "text",
        metadata: dict[str, Any] | None = None,
    ) -> Document:
        """Clean a text (a plain-text dump); `url` drives site-scoped rules, `metadata`
        (title, date...) is taken as stated. The result's `.text`, `.metadata` (every
        key, None where unknown) and `.removals`."""
        return self.clean(_document(id, text, False, url, metadata))

    def clean_html(
        self,
        html: str | bytes,
        *,
        url: str | None = None,
        id: str = "html",
        metadata: dict[str, Any] | None = None,
    ) -> Document:
        """Clean an HTML page: its main text is extracted first, and its title, author,
        date... fill the metadata where `url`/`metadata` did not."""
        return self.clean(_document(id, html, True, url, metadata))


def checked_config(config: Config | None) -> Config:
    """`config`, or the defaults; a library caller's dict (or anything else) is named."""
    if config is None:
        return Config()
    if not isinstance(config, Config):
        raise TypeError(
            f"config: a cleaner.Config, not {type(config).__name__} (Config(**settings))"
        )
    return config


def _document(
    id: str,
    content: object,
    page: bool,
    url: str | None,
    metadata: Mapping[str, Any] | None,
) -> Document:
    """The Document a library call cleans, its arguments checked (a wrong type named here,
    not as an AttributeError deep inside a step). Bytes are decoded as the readers decode
    a file's (a page's declared charset, else what the bytes say)."""
    warnings: list[str] = []
    if page:
        doc = Document(id=id, source=id, html=_as_text("html", content, True, warnings))
    else:
        doc = Document(id=id, source=id, raw=_as_text("text", content, False, warnings))
    if url is not None and not isinstance(url, str):
        raise TypeError(f"url: a string, not {type(url).__name__}")
    doc.warnings.extend(warnings)
    doc.set_meta("url", url)
    for key, value in (metadata or {}).items():
        if key not in METADATA_KEYS:
            doc.extra[key] = value  # passed through to the record, as an input's fields are
            continue
        if isinstance(value, date):  # datetime too
            value = value.isoformat()
        numeric = key == "language_confidence" and isinstance(value, int | float)
        if value is not None and not isinstance(value, str) and not numeric:
            raise TypeError(f"metadata[{key!r}]: a string, not {type(value).__name__}")
        if key in _DATE_KEYS and isinstance(value, str) and value.strip():
            value = _stated_date(key, value, doc.warnings)
        doc.set_meta(key, value)
    return doc


_DATE_KEYS = frozenset({"date", "crawl_date"})


def _stated_date(key: str, value: str, warnings: list[str]) -> str | None:
    """A date given as metadata, in ISO 8601 or as pages state one ("March 5, 2021"); one
    that is neither is left out, with a warning (it was dropped without a word)."""
    if canonical_date(value)[0] is not None:
        return value
    parsed = parse_date(value.strip())
    if parsed is None:
        warnings.append(f"metadata {key} {value!r} is not a date: left out")
    return parsed


def _as_text(name: str, value: object, html: bool, warnings: list[str]) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, bytes | bytearray):
        from cleaner.readers.text import document_from_bytes

        doc = document_from_bytes("", "", bytes(value), html=html)
        warnings.extend(doc.warnings)
        return doc.html if html and doc.html is not None else doc.raw
    raise TypeError(f"{name}: a string (or bytes), not {type(value).__name__}")


def complete_metadata(doc: Document) -> None:
    """Every metadata key present (None where unknown), dates in the one form the outputs
    carry (`dates.canonical_date`), `date_precision` saying how much was stated, and no
    lone surrogate in a value (no UTF-8 file can hold one: writing it would fail)."""
    metadata = doc.metadata
    metadata["date"], metadata["date_precision"] = canonical_date(
        metadata.get("date"), metadata.get("date_precision")
    )
    metadata["crawl_date"] = canonical_date(metadata.get("crawl_date"))[0]
    for key in METADATA_KEYS:
        value = metadata.setdefault(key, None)
        if isinstance(value, str):  # a page's JSON may hold a lone surrogate
            metadata[key] = encodable(value, doc.warnings, key)


def clean_text(
    text: str | bytes,
    *,
    url: str | None = None,
    metadata: dict[str, Any] | None = None,
    config: Config | None = None,
) -> Document:
    """Clean one text with the built-in rules: `clean_text(raw).text`, `.metadata`, `.removals`.

    For many texts build a `Cleaner` once and call its `clean_text`: each call here
    compiles the rules and loads the language profiles again.
    """
    return Cleaner(config).clean_text(text, url=url, metadata=metadata)


def clean_html(
    html: str | bytes,
    *,
    url: str | None = None,
    metadata: dict[str, Any] | None = None,
    config: Config | None = None,
) -> Document:
    """Clean one HTML page (main text extracted, then cleaned); as `clean_text`, for many
    pages build a `Cleaner` once and call its `clean_html`."""
    return Cleaner(config).clean_html(html, url=url, metadata=metadata)


def clean(document: Document, *, config: Config | None = None) -> Document:
    """Clean a `Document` you built (`Document(id, source, raw=text)` or `html=page`), in
    place; it is returned."""
    return Cleaner(config).clean(document)


def document_record(doc: Document, text: str | None = None) -> dict[str, Any]:
    """The metadata written beside a document's text (keys and order fixed by the contract).

    `text` is the document's clean text when the caller has already built it."""
    if text is None:
        text = doc.text
    record: dict[str, Any] = {"id": doc.id, "source": doc.source}
    for key in METADATA_KEYS:
        record[key] = doc.metadata.get(key)
    record.update(
        words=count_words(text),
        chars_in=len(doc.html if doc.html is not None else doc.raw),
        chars_out=len(text),
        sha256=hashlib.sha256(text.encode("utf-8")).hexdigest(),
        kept_lines=[line.number for line in doc.lines if not line.removed and line.text],
        removed=[
            removal.to_dict()
            for removal in sorted(doc.removals, key=lambda r: r.line if r.line is not None else 0)
        ],
        duplicate_of=doc.metadata.get("duplicate_of"),
        warnings=list(doc.warnings),
    )
    for key, value in doc.extra.items():  # input fields pass through, never over our keys
        # (`text` too: the corpus formats put the clean text under it)
        record[key if key not in record and key != "text" else f"input_{key}"] = value
    return record
