"""What libraries warn or log while a document is cleaned is that document's warning, one
line each, and nothing of it reaches stderr raw (issue 26)."""

from __future__ import annotations

import logging
import warnings

from cleaner import Cleaner, Config, Document
from cleaner.third_party import MAX_CHARS, collected
from cleaner.work import CleanedDocument, clean_document


def test_a_library_warning_becomes_one_line_of_the_document(capsys) -> None:
    doc = Document(id="p", source="p.html", raw="", html="http://example.com/only-a-url")
    result = clean_document(Cleaner(Config()), doc, None)
    assert isinstance(result, CleanedDocument)
    assert any(w.startswith("MarkupResemblesLocatorWarning: ") for w in result.record["warnings"])
    assert all("\n" not in w and len(w) <= MAX_CHARS for w in result.record["warnings"])
    assert "MarkupResemblesLocator" not in capsys.readouterr().err


def test_log_records_and_warnings_are_collected_short_and_once(capsys) -> None:
    with collected() as said:
        logging.getLogger("trafilatura.core").warning("<html>" + "x" * 5000 + "\nmore lines")
        warnings.warn("first line\nsecond line", UserWarning, stacklevel=1)
    assert said[0].startswith("trafilatura.core: <html>") and len(said[0]) == MAX_CHARS
    assert said[1] == "UserWarning: first line"
    assert capsys.readouterr().err == ""
    handlers = logging.getLogger().handlers
    assert all(type(h).__name__ != "_Collector" for h in handlers)  # removed after the block


def test_warcios_log_records_become_warnings_of_the_record(tmp_path, capsys) -> None:
    """warcio logs a WARC-Target-URI with spaces, quoting it whole; with no handler of
    ours, logging's last resort printed it raw on stderr (found by bench/fuzz_readers.py)."""
    from pathlib import PurePosixPath

    from cleaner.readers import InputFile, InputKind, ReadStats, read_input

    page = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n<p>The council met.</p>"
    record = (
        b"WARC/1.0\r\nWARC-Type: response\r\nWARC-Record-ID: <urn:uuid:1>\r\n"
        b"WARC-Target-URI: http://example.com/a <b>page</b>\r\n"
        b"Content-Type: application/http; msgtype=response\r\n"
        b"Content-Length: %d\r\n\r\n" % len(page)
    ) + page + b"\r\n\r\n"
    (tmp_path / "spaces.warc").write_bytes(record * 2)
    item = InputFile(tmp_path / "spaces.warc", PurePosixPath("spaces"), InputKind.WARC)
    docs = list(read_input(item, ReadStats()))
    assert capsys.readouterr().err == ""
    assert len(docs) == 2
    for doc in docs:
        assert isinstance(doc, Document)
        assert doc.warnings == [
            "warcio: Replacing spaces in invalid WARC-Target-URI: http://example.com/a <b>page</b>"
        ]
    recordloader = logging.getLogger("warcio.recordloader")
    assert not recordloader.filters  # the filter goes with the reading
