"""Output names from untrusted strings (file names, URLs, record ids) that stay inside OUT."""

from __future__ import annotations

import hashlib
import os
import re
from pathlib import Path, PurePath

from cleaner.readers.compression import strip_compression_suffix

MAX_NAME_CHARS = 120
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")
# Names Windows refuses whatever the extension; harmless elsewhere, so avoided everywhere.
_RESERVED = frozenset(
    {"con", "prn", "aux", "nul"} | {f"com{i}" for i in range(10)} | {f"lpt{i}" for i in range(10)}
)


#: Top-level output names a document may not take: OUT/report.json is the run's report.
RESERVED_NAMES = frozenset({"report"})


def safe_name(raw: str, fallback: str = "document") -> str:
    """One path component: ASCII letters, digits, `._-`; never `.`/`..`, empty or reserved.

    When the name had to change, a short hash of the original keeps distinct inputs
    distinct ("a/b" and "a_b" do not collide).
    """
    name = _UNSAFE.sub("_", raw).strip("._-")[:MAX_NAME_CHARS] or fallback
    if name.split(".")[0].lower() in _RESERVED:
        name = "_" + name
    return with_hash(name, raw) if name != raw else name


def with_hash(name: str, raw: str) -> str:
    """`name` made from `raw`, with a short hash of `raw` so that it names `raw` alone."""
    return f"{name}-{hashlib.sha1(_as_bytes(raw)).hexdigest()[:8]}"


def _as_bytes(raw: str) -> bytes:
    """A name's bytes, whatever the locale: a file name's are the file system's (Python
    decodes them as ASCII under LANG=C, each other byte a surrogate escape, and as UTF-8
    elsewhere: the same file was named two ways); a record id's, UTF-8."""
    try:
        return os.fsencode(raw)
    except UnicodeEncodeError:  # not a file name's: a record id's "ü" under LANG=C
        return raw.encode("utf-8", "surrogatepass")


def unique_name(name: str, seen: set[str], suffix: str) -> str:
    """`name`, or `name` with `suffix` (as often as it takes) if a record of the same
    container already has it; then it is taken."""
    while name in seen:
        name += suffix
    seen.add(name)
    return name


def is_hidden(relative: PurePath) -> bool:
    """A path with a component starting with "." (`.git/x.txt`, OUT's `.cleaner-parts/`):
    not an input inside a folder, and not an output a user compares."""
    return any(part.startswith(".") for part in relative.parts)


def split_name(file_name: str) -> tuple[str, str]:
    """("page", ".html") for "page.html.gz"; ("x.warc", ".wet") for "x.warc.wet.gz"."""
    bare = strip_compression_suffix(file_name)
    stem, dot, suffix = bare.rpartition(".")
    if not dot or not stem:
        return bare, ""
    return stem, "." + suffix.lower()


def sidecar_path(path: Path) -> Path:
    """Where the metadata of a text or HTML input may lie: `name.json` beside `name.txt`
    (`page.html.gz`: `page.json`)."""
    return path.with_name(split_name(path.name)[0] + ".json")
