"""Decoding that the bytes confirm (issue 26): a declared charset the bytes contradict is
overruled, UTF-16/32 without a byte order mark is recognised, and a few stray bytes in
ASCII become U+FFFD instead of a guessed code page. Each case says so in a warning."""

from __future__ import annotations

import pytest

from cleaner.readers.decode import decode_bytes
from cleaner.readers.text import document_from_bytes

TEXT = "The council met on Tuesday and voted to build a new bridge. Grüße aus Köln, café.\n" * 8
ASCII = (
    "The council met on Tuesday and voted to build a new bridge over the river. " * 30
).encode()


@pytest.mark.parametrize("declared", ["utf-16", "utf-16le", "iso-8859-1", "windows-1252"])
def test_a_declared_charset_the_utf8_bytes_contradict_is_overruled(declared) -> None:
    page = f'<html><head><meta charset="{declared}"></head><body><p>{TEXT}</p></body></html>'
    text, codec, note = decode_bytes(page.encode("utf-8"), html=True)
    assert "Grüße aus Köln, café" in text and codec == "utf-8"
    assert note is not None and "but the bytes are UTF-8" in note


def test_a_declared_charset_that_fits_the_bytes_stands() -> None:
    page = f'<html><head><meta charset="iso-8859-1"></head><body><p>{TEXT}</p></body></html>'
    text, codec, note = decode_bytes(page.encode("cp1252"), html=True)
    assert "Grüße aus Köln, café" in text and codec == "cp1252" and note is None


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be"])
def test_utf16_and_utf32_without_a_bom_are_recognised(codec) -> None:
    doc = document_from_bytes("d", "d.txt", TEXT.encode(codec), html=False)
    assert "Grüße aus Köln, café" in doc.raw
    assert doc.warnings == [f"{codec} without a byte order mark"]


def test_stray_bytes_in_ascii_become_replacement_characters() -> None:
    data = ASCII[:1000] + b"\x8f\x9d" + ASCII[1000:]
    doc = document_from_bytes("d", "d.txt", data, html=False)
    assert doc.raw.count("\ufffd") == 2 and "invalid UTF-8" in doc.warnings[0]


def test_a_few_accented_letters_in_cp1252_are_still_read_as_cp1252() -> None:
    data = ASCII[:1000] + "café".encode("cp1252") + ASCII[1000:]
    doc = document_from_bytes("d", "d.txt", data, html=False)
    assert "café" in doc.raw and doc.warnings == ["not UTF-8: decoded as cp1252"]


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_ascii_text_in_utf16_without_a_bom_is_not_read_as_utf8(codec) -> None:
    """Its NULs are valid UTF-8: it came out as text with a NUL between the letters."""
    data = "The council met on Tuesday evening to vote on the bridge.".encode(codec)
    doc = document_from_bytes("d", "d.txt", data, html=False)
    assert doc.raw == "The council met on Tuesday evening to vote on the bridge."
    assert doc.warnings == [f"{codec} without a byte order mark"]


def test_two_stray_bytes_in_a_short_ascii_text_are_not_a_code_page() -> None:
    """Two bytes in 250 were read as cp775."""
    data = b"The council met on Tuesday evening, and plain ASCII text goes on. " * 3
    doc = document_from_bytes("d", "d.txt", data + b"\x81\x9d more", html=False)
    assert doc.raw.count("\ufffd") == 2 and "invalid UTF-8" in doc.warnings[0]


@pytest.mark.parametrize("label", ["latin1", "l1", "ISO_8859-1", "iso-8859-1", "ascii"])
def test_every_spelling_of_latin1_is_read_as_cp1252(label) -> None:
    """Only "iso-8859-1" and "latin-1" were widened: "latin1" deleted curly quotes."""
    page = f'<html><head><meta charset="{label}"></head><body><p>It’s “quoted” — {TEXT}</p>'
    text, codec, _ = decode_bytes(page.encode("cp1252"), html=True)
    assert "It’s “quoted” —" in text and codec == "cp1252"


@pytest.mark.parametrize("label", ["undefined", "punycode", "base64", "rot13", "utf-7"])
def test_a_label_that_is_no_charset_is_ignored(label) -> None:
    """Python codecs that no page means: "undefined" failed the page ("cannot read")."""
    page = f'<html><head><meta charset="{label}"></head><body><p>{ASCII.decode()}</p>'
    text, codec, _ = decode_bytes(page.encode(), label, html=True)
    assert ASCII.decode() in text and codec == "utf-8"


def test_utf16_declared_without_a_bom_is_read_as_its_bytes_say() -> None:
    """Python reads "utf-16" without a byte order mark as little-endian: big-endian text
    came out as CJK characters."""
    page = f"<html><body><p>{ASCII.decode()}</p></body></html>"
    for codec in ("utf-16-be", "utf-16-le"):
        text, _, _ = decode_bytes(page.encode(codec), "UTF-16", html=True)
        assert ASCII.decode() in text


def test_a_few_curly_quotes_in_ascii_are_cp1252() -> None:
    data = ASCII[:1000] + "It’s “quoted”".encode("cp1252") + ASCII[1000:]
    doc = document_from_bytes("d", "d.txt", data, html=False)
    assert "It’s “quoted”" in doc.raw and doc.warnings == ["not UTF-8: decoded as cp1252"]
