"""Plain-text dumps and HTML pages: one document per file."""

from __future__ import annotations

from collections.abc import Iterator
from typing import ClassVar

from cleaner.config import DEFAULT_MAX_BYTES
from cleaner.document import Document
from cleaner.errors import DocumentError
from cleaner.readers.base import InputFile, Reader, stripped
from cleaner.readers.compression import DECOMPRESSION_ERRORS, read_decompressed
from cleaner.readers.decode import bomless_utf16, decode_bytes
from cleaner.readers.options import ReadOptions
from cleaner.readers.records import ReadStats


def read_bytes(item: InputFile, max_bytes: int = DEFAULT_MAX_BYTES) -> tuple[bytes, str | None]:
    """The file's (decompressed) content, and a warning about reading it or None; refuses
    files over `max_bytes` before reading."""
    source = item.source
    limit = f"over the {max_bytes:,}-byte limit; raise it with --max-bytes if this is a text"
    try:
        size = item.path.stat().st_size
        if size > max_bytes:
            raise DocumentError(source, f"file is {size:,} bytes, {limit}")
        data, note = read_decompressed(item.path, max_bytes + 1)
    except DECOMPRESSION_ERRORS as exc:
        reason = getattr(exc, "strerror", None) or str(exc) or type(exc).__name__
        raise DocumentError(source, f"cannot read: {reason}") from None
    if len(data) > max_bytes:
        raise DocumentError(source, f"decompressed content is {limit}")
    if not data.strip():
        raise DocumentError(source, "empty file: nothing to clean")
    if (
        b"\x00" in data[:8192]
        and not data.startswith((b"\xff\xfe", b"\xfe\xff"))
        and bomless_utf16(data) is None
    ):
        raise DocumentError(source, "binary content (NUL bytes), not text; leave it out")
    return data, note


def document_from_bytes(
    doc_id: str, source: str, data: bytes, *, html: bool, declared_charset: str | None = None
) -> Document:
    text, codec, note = decode_bytes(data, declared_charset, html=html)
    doc = Document(id=doc_id, source=source, raw="" if html else text, html=text if html else None)
    if note is not None:
        doc.warnings.append(note)
    elif codec.endswith("+replace"):
        doc.warnings.append(
            "invalid UTF-8: bytes that are not valid in any detected encoding "
            "were replaced with U+FFFD"
        )
    elif codec not in ("utf-8", "ascii") and declared_charset is None and not html:
        doc.warnings.append(f"not UTF-8: decoded as {codec}")
    return doc


def looks_like_html(data: bytes) -> bool:
    head = data[:1024].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return head.startswith((b"<!doctype html", b"<html"))


def read_single(item: InputFile, options: ReadOptions | None = None) -> Iterator[Document]:
    """A text or HTML file as one document; a .txt that holds a whole page is read as HTML.
    Its sidecar (`name.json`) and `--metadata` line fill its metadata (see `ReadOptions`)."""
    options = options or ReadOptions()
    data, note = read_bytes(item, options.max_bytes)
    html = isinstance(item.kind, HtmlReader) or looks_like_html(data)
    doc = document_from_bytes(str(item.name), item.source, data, html=html)
    if note is not None:
        doc.warnings.append(note)
    options.add_metadata(item, doc)
    yield doc


def read_text_file(item: InputFile, options: ReadOptions | None = None) -> Document:
    return next(read_single(item, options))


class TextReader(Reader):
    """A plain-text dump: one document per file (read as HTML if it holds a whole page);
    any file without NUL bytes sniffs as text, so this reader is asked last."""

    name = "text"
    label = "text"
    suffixes: ClassVar[tuple[str, ...]] = (".txt", ".text")

    def sniff(self, head: bytes) -> bool:
        return b"\x00" not in head

    def read(self, item: InputFile, stats: ReadStats, options: ReadOptions) -> Iterator[Document]:
        return read_single(item, options)


class HtmlReader(TextReader):
    """An HTML page: one document per file, its main text extracted by the pipeline."""

    name = "html"
    label = "HTML"
    suffixes: ClassVar[tuple[str, ...]] = (".html", ".htm", ".xhtml")

    def sniff(self, head: bytes) -> bool:
        lowered = stripped(head)[:512].lower()
        return lowered.startswith((b"<!doctype html", b"<html", b"<?xml")) or b"<body" in lowered
