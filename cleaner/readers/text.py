"""Plain-text dumps and HTML pages: one document per file."""

from __future__ import annotations

from collections.abc import Iterator

from cleaner.document import Document
from cleaner.errors import DocumentError
from cleaner.readers.compression import open_decompressed
from cleaner.readers.decode import decode_bytes
from cleaner.readers.discover import InputFile, InputKind


def read_bytes(item: InputFile) -> bytes:
    try:
        with open_decompressed(item.path) as stream:
            return stream.read()
    except (OSError, EOFError) as exc:
        reason = getattr(exc, "strerror", None) or str(exc) or type(exc).__name__
        raise DocumentError(str(item.path), f"cannot read: {reason}") from None


def document_from_bytes(
    doc_id: str, source: str, data: bytes, *, html: bool, declared_charset: str | None = None
) -> Document:
    text, codec = decode_bytes(data, declared_charset, html=html)
    doc = Document(id=doc_id, source=source, raw="" if html else text, html=text if html else None)
    if codec.endswith("+replace"):
        doc.warnings.append("bytes that are not valid in any detected encoding were replaced")
    return doc


def looks_like_html(data: bytes) -> bool:
    head = data[:1024].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return head.startswith((b"<!doctype html", b"<html"))


def read_single(item: InputFile) -> Iterator[Document]:
    """A text or HTML file as one document; a .txt that holds a whole page is read as HTML."""
    data = read_bytes(item)
    html = item.kind is InputKind.HTML or looks_like_html(data)
    yield document_from_bytes(str(item.name), item.path.as_posix(), data, html=html)


def read_text_file(item: InputFile) -> Document:
    return next(read_single(item))
