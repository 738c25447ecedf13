"""The columns of an output record, defined once.

The per-document `.json`, JSON Lines and Parquet carry the same columns, in this order,
with the same types; `document_record` builds a record and the writers shape it with
`corpus_row` and `arrow_schema`. Input fields that are not metadata follow the columns
unchanged, under their own names, in every format.

`--audit` says what corpus formats keep of the audit (`removed`, `kept_lines`):

- `full`: both, as in the per-document `.json`;
- `summary`: `removed_count` and `removed_chars` instead (how many removals, and their
  characters);
- `none`: nothing of it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from cleaner.document import METADATA_KEYS


class Audit(StrEnum):
    """What corpus outputs keep of each document's audit (`--audit`)."""

    FULL = "full"
    SUMMARY = "summary"
    NONE = "none"


@dataclass(frozen=True, slots=True)
class Column:
    name: str
    #: "string", "int64", "float64", "list<int64>", "list<string>" or "list<removal>".
    #: `date` and `crawl_date` are strings in every format, all in one ISO 8601 form
    #: (`YYYY-MM-DDTHH:MM:SS+00:00`): `pd.to_datetime(df.date)` parses them in one call, and
    #: `datasets` gives JSON Lines and Parquet the same features.
    type: str


_FLOATS = {"language_confidence": "float64"}

#: The columns of every record, in order: the text first, then what describes it.
COLUMNS: tuple[Column, ...] = (
    Column("text", "string"),
    Column("id", "string"),
    Column("source", "string"),
    *(Column(key, _FLOATS.get(key, "string")) for key in METADATA_KEYS),
    Column("words", "int64"),
    Column("chars_in", "int64"),
    Column("chars_out", "int64"),
    Column("sha256", "string"),
    Column("kept_lines", "list<int64>"),
    Column("removed", "list<removal>"),
    Column("duplicate_of", "string"),
    Column("warnings", "list<string>"),
)
#: The fields of one entry of `removed`.
REMOVAL_FIELDS: tuple[Column, ...] = (
    Column("rule", "string"),
    Column("step", "string"),
    Column("text", "string"),
    Column("line", "int64"),
    Column("reason", "string"),
)
_FULL_AUDIT = ("kept_lines", "removed")
_SUMMARY = (Column("removed_count", "int64"), Column("removed_chars", "int64"))
NAMES = frozenset(column.name for column in COLUMNS)


def columns(audit: Audit = Audit.FULL) -> tuple[Column, ...]:
    """The columns a corpus output has under `audit` (`full` gives `COLUMNS`)."""
    if audit is Audit.FULL:
        return COLUMNS
    kept: list[Column] = []
    for column in COLUMNS:
        if column.name == "removed" and audit is Audit.SUMMARY:
            kept.extend(_SUMMARY)
        elif column.name not in _FULL_AUDIT:
            kept.append(column)
    return tuple(kept)


def input_row_id(record: Mapping[str, Any]) -> str | None:
    """A corpus row's `id` when it is not cleaner's: the input's own id (`corpus_row`)."""
    own_id = record.get("input_id")
    return None if own_id is None else str(own_id)


def corpus_row(text: str, record: Mapping[str, Any], audit: Audit = Audit.FULL) -> dict[str, Any]:
    """One document as a corpus row: `text`, then the columns of `audit` in order, then the
    input's other fields unchanged. The `id` is the input's own id where it had one (an
    `--id-field` or `id` of a JSON Lines record, datatrove's `id`), else cleaner's."""
    row: dict[str, Any] = {"text": text}
    for column in columns(audit)[1:]:
        if column.name == "removed_count":
            row[column.name] = len(record.get("removed") or ())
        elif column.name == "removed_chars":
            row[column.name] = sum(len(r.get("text") or "") for r in record.get("removed") or ())
        else:
            row[column.name] = record.get(column.name)
    own_id = input_row_id(record)
    if own_id is not None:
        row["id"] = own_id
    for key, value in record.items():
        if key not in NAMES and key != "input_id" and key not in row:
            row[key] = value
    return row


def arrow_schema(audit: Audit = Audit.FULL, rows: Iterable[Mapping[str, Any]] = ()) -> Any:
    """The Parquet schema of `audit`'s columns (needs pyarrow), with the types of the
    input's other fields inferred from `rows` (JSON-shaped values; a field that is null
    in every row is a string column)."""
    import pyarrow as pa

    types = {
        "string": pa.string(),
        "int64": pa.int64(),
        "float64": pa.float64(),
        "list<int64>": pa.list_(pa.int64()),
        "list<string>": pa.list_(pa.string()),
        "list<removal>": pa.list_(
            pa.struct(
                [(f.name, pa.int64() if f.type == "int64" else pa.string()) for f in REMOVAL_FIELDS]
            )
        ),
    }
    fields = [pa.field(column.name, types[column.type]) for column in columns(audit)]
    known = {column.name for column in columns(audit)}
    extra: dict[str, list[Any]] = {}
    for row in rows:
        for key, value in row.items():
            if key not in known:
                extra.setdefault(key, []).append(value)
    for key, values in extra.items():
        inferred = pa.array(values).type
        fields.append(pa.field(key, pa.string() if pa.types.is_null(inferred) else inferred))
    return pa.schema(fields)


def arrow_table(rows: list[dict[str, Any]], audit: Audit = Audit.FULL) -> Any:
    """Corpus rows (`corpus_row`) as a pyarrow Table of `arrow_schema(audit, rows)`."""
    import pyarrow as pa

    return pa.Table.from_pylist(rows, schema=arrow_schema(audit, rows))
