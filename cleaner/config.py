"""Everything that changes a run's output, in one validated object."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, field_validator

from cleaner.schema import Audit

#: Text and HTML files larger than this (after decompression) fail instead of being read.
DEFAULT_MAX_BYTES = 100_000_000
#: Bounds past which a limit is no limit but an overflow in the system calls that set it.
MAX_MAX_BYTES = 1 << 40  # 1 TiB
MAX_DOCUMENT_TIMEOUT = 7 * 24 * 3600.0  # a week
#: A document that takes longer to clean fails (a page cleans in well under a second).
DEFAULT_DOCUMENT_TIMEOUT = 120.0


class OutputFormat(StrEnum):
    TXT = "txt"  # OUT/<name>.txt + OUT/<name>.json per document
    JSONL = "jsonl"  # OUT/documents-00000.jsonl.gz..., one object per document
    PARQUET = "parquet"  # OUT/documents-00000.parquet..., the same columns (needs pyarrow)


class Compression(StrEnum):
    """How JSON Lines and Parquet shards are compressed (`--compression`)."""

    AUTO = "auto"  # gzip for JSON Lines (every tool reads it), zstd inside Parquet
    NONE = "none"
    GZIP = "gzip"
    ZSTD = "zstd"


#: Documents per JSON Lines or Parquet shard, by default: files of a size that tools
#: stream and split well (some hundreds of MB of text).
DEFAULT_SHARD_SIZE = 100_000


class Markup(StrEnum):
    """The markup of text extracted from HTML (`--markup`)."""

    PLAIN = "plain"  # tables one row a line, cells tab-separated; list items one a line
    MARKDOWN = "markdown"  # headings, lists, tables, code fences


class ExecutorName(StrEnum):
    """Where documents are cleaned (`--executor`)."""

    LOCAL = "local"
    RAY = "ray"


class Config(BaseModel):
    """Options of a run. The CLI builds one from its flags; library users build their own."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    @field_validator(
        "near_repeat_threshold", "near_duplicate_threshold", "document_timeout", mode="before"
    )
    @classmethod
    def _zero_is_off(cls, value: object) -> object:
        """0 means off, as the descriptions (and the CLI's flags) say: None."""
        return None if value == 0 and not isinstance(value, bool) else value

    rules: tuple[Path, ...] = ()
    builtin_rules: bool = True
    format: OutputFormat = Field(
        OutputFormat.TXT,
        description="txt: a .txt and a .json per document; jsonl: documents-00000.jsonl.gz... "
        "shards; parquet: documents-00000.parquet... (pip install 'cleaner[parquet]').",
    )
    dedup_min_words: int = Field(4, ge=1, description="shorter lines may repeat back to back")
    dedup_distant_min_words: int = Field(20, ge=1, description="shorter lines may recur apart")
    prose_min_words: int = Field(12, ge=1, description="words for a line to count as prose")
    near_repeat_threshold: float | None = Field(
        0.9,
        gt=0,
        le=1,
        description="Similarity at which a paragraph repeats an earlier one in the same "
        "document (0 = off).",
    )
    near_repeat_min_words: int = Field(8, ge=1, description="shorter paragraphs never count")
    near_repeats_in_html: bool = Field(False, description="also search extracted HTML pages")
    classifier: bool = Field(True, description="run the line classifier (rules/classifier.yaml)")
    menu_only_words: int = Field(
        50,
        ge=0,
        description="empty a document left with only this many words or fewer, in short "
        "lines that end no sentence: a menu, not text; or with only the page's title "
        "naming its site (0 = both off; cleaner/steps/menu_only.py)",
    )
    extract_fallbacks: bool = Field(
        True,
        description="HTML: trafilatura checks its text against readability and jusText "
        "(a third slower; WCXB dev 0.82 word F1 with them, 0.76 without)",
    )
    markup: Markup = Field(
        Markup.PLAIN,
        description="HTML: plain text (tables one row a line, cells tab-separated; list items "
        "one a line) or markdown (headings, lists, tables, code fences).",
    )
    corpus_pass: bool = False
    corpus_min_docs: int = Field(
        3, ge=2, description="With --corpus-pass: documents a line must be on."
    )
    corpus_min_share: float = Field(
        0.1,
        ge=0,
        le=1,
        description="With --corpus-pass: share of the site's documents a line must be on.",
    )
    near_duplicate_threshold: float | None = Field(
        0.8,
        gt=0,
        le=1,
        description="MinHash Jaccard at which a document duplicates an earlier one "
        "(0 = exact duplicates only).",
    )
    drop_duplicates: bool = False
    min_words: int = Field(
        0,
        ge=0,
        description="Leave out documents with fewer words left after cleaning (counted in the "
        "report and the summary line; 0 = keep them all).",
    )
    language_seed: int = 0
    text_field: str = Field(
        "text", description="The field that holds the text in JSON Lines inputs."
    )
    id_field: str = Field("id", description="The field that holds the id in JSON Lines inputs.")
    url_field: str = Field("url", description="The field that holds the url in JSON Lines inputs.")
    metadata_file: Path | None = Field(
        None,
        description='JSON Lines of {"path": ..., "url": ..., "title": ..., "date": ...}: '
        "metadata of text and HTML inputs (a name.json beside name.txt works too).",
    )
    audit: Audit = Field(
        Audit.FULL,
        description="What jsonl/parquet outputs keep of removed/kept_lines: full, summary "
        "(counts), none.",
    )
    shard_size: int = Field(
        DEFAULT_SHARD_SIZE,
        ge=0,
        description="Documents per jsonl/parquet shard (0: one shard).",
    )
    shard_bytes: int = Field(
        0,
        ge=0,
        description="Also close a jsonl/parquet shard once its documents' text reaches this "
        "many bytes (UTF-8, before compression; 0: no limit).",
    )
    compression: Compression = Field(
        Compression.AUTO,
        description="jsonl/parquet shards: auto (gzip for jsonl, zstd inside parquet), none, "
        "gzip, zstd.",
    )
    max_bytes: int = Field(
        DEFAULT_MAX_BYTES,
        gt=0,
        le=MAX_MAX_BYTES,
        description="Text and HTML files larger than this (bytes, after decompression), and "
        "JSON Lines records longer than this (characters), fail instead of being read.",
    )
    document_timeout: float | None = Field(
        DEFAULT_DOCUMENT_TIMEOUT,
        gt=0,
        le=MAX_DOCUMENT_TIMEOUT,
        description="Seconds a document may take to clean before it fails (0: no limit).",
    )
