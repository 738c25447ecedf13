"""Plain-text dumps: one document per file."""

from __future__ import annotations

from cleaner.document import Document
from cleaner.errors import DocumentError
from cleaner.readers.discover import InputFile


def decode_text(data: bytes) -> str:
    """UTF-8 (a BOM is dropped); bytes that are not UTF-8 become U+FFFD."""
    return data.decode("utf-8-sig", errors="replace")


def read_text_file(item: InputFile) -> Document:
    try:
        data = item.path.read_bytes()
    except OSError as exc:
        raise DocumentError(str(item.path), f"cannot read: {exc.strerror}") from None
    return Document(id=str(item.name), source=item.path.as_posix(), raw=decode_text(data))
