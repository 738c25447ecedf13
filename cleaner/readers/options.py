"""How inputs are read, in one object: the fields of JSON Lines records, the size limit,
and the metadata that text and HTML files carry beside them.

A plain-text dump says nothing of where it came from; its metadata (`url`, `title`,
`date`...) can lie in a sidecar `name.json` beside `name.txt`, or in one `--metadata
FILE.jsonl` of `{"path": ..., "url": ...}` lines. The url then drives site-scoped rules.
A sidecar or line that cannot be used is ignored with a warning: it never fails a run.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cleaner.config import DEFAULT_MAX_BYTES
from cleaner.document import METADATA_KEYS, Document
from cleaner.errors import UsageError
from cleaner.readers.base import InputFile
from cleaner.readers.names import sidecar_path

if TYPE_CHECKING:
    from cleaner.config import Config

#: What a sidecar or metadata line may set: the metadata a page would state.
SETTABLE = frozenset(METADATA_KEYS) - {"language", "language_confidence", "page_type"}
#: The largest sidecar read: metadata, not a document.
MAX_SIDECAR_BYTES = 1_000_000


@dataclass(frozen=True, slots=True)
class ReadOptions:
    """Everything readers need besides the input itself; `ReadOptions.of(config)` builds
    it once per run (reading the `--metadata` file), and readers take it whole."""

    text_field: str = "text"
    id_field: str = "id"
    url_field: str = "url"
    max_bytes: int = DEFAULT_MAX_BYTES
    sidecars: bool = True
    #: `--metadata` lines by the resolved path of their input, and by its path as written
    #: (plain dicts: a run sends each input's options to a worker process).
    metadata: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    #: Lines of the `--metadata` file that were ignored, and why (for the run's notices).
    problems: tuple[str, ...] = ()

    @classmethod
    def of(cls, config: Config) -> ReadOptions:
        metadata: dict[str, Mapping[str, Any]] = {}
        problems: list[str] = []
        if config.metadata_file is not None:
            metadata, problems = _read_metadata_file(config.metadata_file)
        return cls(
            text_field=config.text_field,
            id_field=config.id_field,
            url_field=config.url_field,
            max_bytes=config.max_bytes,
            metadata=metadata,
            problems=tuple(problems),
        )

    def for_input(self, item: InputFile) -> ReadOptions:
        """These options with only `item`'s `--metadata` line: what a worker needs to read
        it, small to send however long the `--metadata` file is."""
        if not self.metadata and not self.problems:
            return self  # nothing to leave out: no copy per input (the driver's time)
        entry = self._entry(item)
        return replace(self, metadata={_key(item.path): entry} if entry else {}, problems=())

    def stamp(self, item: InputFile) -> str:
        """What `item`'s output depends on besides its own bytes: its sidecar's bytes and
        its `--metadata` line ("" when it has neither), so that a re-run cleans it again
        when one of them changes."""
        parts: list[bytes] = []
        if self.sidecars and not item.kind.is_container:  # containers have no sidecar
            with contextlib.suppress(OSError):  # none, or unreadable: the reader warns
                parts.append(sidecar_path(item.path).read_bytes()[: MAX_SIDECAR_BYTES + 1])
        entry = self._entry(item)
        if entry:
            parts.append(json.dumps(entry, sort_keys=True).encode())
        return hashlib.sha256(b"\0".join(parts)).hexdigest() if parts else ""

    def _entry(self, item: InputFile) -> Mapping[str, Any] | None:
        if not self.metadata:
            return None
        return self.metadata.get(_key(item.path)) or self.metadata.get(str(item.path))

    def add_metadata(self, item: InputFile, doc: Document) -> None:
        """Fill `doc`'s metadata from its sidecar and its `--metadata` line (the sidecar,
        beside the file, wins); problems become the document's warnings."""
        if self.sidecars:
            _apply(doc, *_read_sidecar(sidecar_path(item.path)))
        entry = self._entry(item)
        if entry is not None:
            _apply(doc, dict(entry), [])


def _key(path: Path) -> str:
    try:
        return str(path.resolve())
    except OSError:
        return str(path)


def _apply(doc: Document, values: dict[str, Any], warnings: list[str]) -> None:
    doc.warnings.extend(warnings)
    for key, value in values.items():
        doc.set_meta(key, value)


def usable(values: Mapping[str, Any], where: str) -> tuple[dict[str, Any], list[str]]:
    """The metadata among `values` (strings for settable keys; `date` as ISO 8601), and
    a warning for each value that is not usable."""
    from cleaner.dates import parse_date

    kept: dict[str, Any] = {}
    warnings: list[str] = []
    for key, value in values.items():
        if key not in SETTABLE or value is None:
            continue
        if not isinstance(value, str):
            warnings.append(f"{where}: {key} is not a string: ignored")
            continue
        if key in ("date", "crawl_date"):
            parsed = parse_date(value.strip()) if value.strip() else None
            if parsed is None:
                warnings.append(f"{where}: {key} {value[:60]!r} is not a date: ignored")
                continue
            value = parsed
        kept[key] = value.strip()
    return kept, warnings


def _read_sidecar(path: Path) -> tuple[dict[str, Any], list[str]]:
    try:
        if not path.is_file():
            return {}, []
        data = path.read_bytes()[: MAX_SIDECAR_BYTES + 1]
    except OSError as exc:
        return {}, [f"{path.name}: cannot read the metadata sidecar ({exc.strerror}): ignored"]
    if len(data) > MAX_SIDECAR_BYTES:
        return {}, [f"{path.name}: metadata sidecar over {MAX_SIDECAR_BYTES:,} bytes: ignored"]
    try:
        values = json.loads(data.decode("utf-8-sig"))
    except (ValueError, RecursionError) as exc:
        where = path.name
        if isinstance(exc, json.JSONDecodeError):
            where += f" line {exc.lineno}"
        return {}, [f"{where}: metadata sidecar is not valid JSON: ignored"]
    if not isinstance(values, dict):
        return {}, [f"{path.name}: metadata sidecar is not a JSON object: ignored"]
    return usable(values, path.name)


def _read_metadata_file(path: Path) -> tuple[dict[str, Mapping[str, Any]], list[str]]:
    """The lines of a `--metadata` file by input path; a line that cannot be used is
    ignored, with a problem naming it. A file that cannot be read at all is a usage error."""
    try:
        text = path.read_text(encoding="utf-8-sig", errors="replace")
    except OSError as exc:
        raise UsageError(
            f"{path}: cannot read the --metadata file ({exc.strerror}); give a JSON Lines "
            'file of {"path": ..., "url": ...} lines'
        ) from None
    by_path: dict[str, Mapping[str, Any]] = {}
    problems: list[str] = []
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        where = f"{path.name} line {number}"
        try:
            entry = json.loads(line)
        except (ValueError, RecursionError):
            problems.append(f"{where}: not valid JSON: ignored")
            continue
        if not isinstance(entry, dict) or not isinstance(entry.get("path"), str):
            problems.append(f'{where}: no string "path" field: ignored')
            continue
        values, warnings = usable(entry, where)
        problems.extend(warnings)
        for key in _path_keys(entry["path"], path.parent):
            if key in by_path:
                problems.append(f"{where}: {entry['path']} already has metadata: ignored")
                break
            by_path[key] = values
    return by_path, problems


def _path_keys(written: str, folder: Path) -> list[str]:
    """Where a `path` may point: as written (from the working directory), or relative to
    the metadata file's folder."""
    candidate = Path(written)
    keys = [_key(candidate)]
    if not candidate.is_absolute():
        keys.append(_key(folder / candidate))
    return list(dict.fromkeys(keys))
