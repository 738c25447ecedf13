"""Inputs beyond text dumps: HTML, WARC/WET, JSON Lines, compression, safe output names."""

from __future__ import annotations

import bz2
import gzip
import json
import lzma
import shutil
from pathlib import Path

import pytest
import zstandard
from helpers import (
    FIXTURES,
    ODD_PAGES,
    SEEDS,
    SITE_PAGE,
    corpus_rows,
    html_fixture_pages,
    write_rules,
)
from hypothesis import example, given, settings
from hypothesis import strategies as st

from cleaner import Cleaner, Config, run
from cleaner.config import OutputFormat
from cleaner.readers import discover_inputs

WARC = FIXTURES / "warc"
ARTICLE = FIXTURES / "html" / "article.html"


def run_one(tmp_path: Path, cleaner: Cleaner, *inputs: Path, **config) -> tuple[dict, Path]:
    out = tmp_path / "out"
    config_obj = Config(**config) if config else None
    use = Cleaner(config_obj) if config_obj else cleaner
    run(list(inputs), out, config_obj, cleaner=use)
    return json.loads((out / "report.json").read_text()), out


def metas(folder: Path) -> list[dict]:
    return [json.loads(p.read_text()) for p in sorted(folder.rglob("*.json")) if p.name != "report.json"]


# --- HTML ---------------------------------------------------------------------------------


def test_html_page_text_and_metadata(tmp_path, cleaner) -> None:
    _, out = run_one(tmp_path, cleaner, ARTICLE)
    text = (out / "article.txt").read_text()
    assert text.startswith("The harbour reopened on Friday")
    assert "ferry to the islands" in text and "forecasters expect storms" in text
    for furniture in ("Share this", "Subscribe to our newsletter", "Great news for the town",
                      "All rights reserved", "Home", "Harbour reopens after storm"):
        assert furniture not in text, furniture
    meta = json.loads((out / "article.json").read_text())
    assert meta["title"] == "Harbour reopens after storm"
    assert meta["url"] == "https://www.coastalcourier.example/news/harbour-reopens"
    assert meta["site"] == "The Coastal Courier"
    assert meta["author"] == "Maria Jensen"
    assert (meta["date"], meta["date_precision"]) == ("2021-03-05T00:00:00+00:00", "day")
    assert meta["description"] == "The harbour reopened on Friday after a week of repairs."
    assert meta["language"] == "en"
    assert meta["chars_in"] == len(ARTICLE.read_text())


def test_html_title_copy_in_body_goes_with_a_reason(tmp_path, cleaner) -> None:
    _, out = run_one(tmp_path, cleaner, ARTICLE)
    removed = json.loads((out / "article.json").read_text())["removed"]
    assert any(r["rule"] == "dedup:title" and r["reason"] == "repeats the page title" for r in removed)


@pytest.mark.parametrize(
    ("prefix", "meta_charset", "encoding"),
    [
        (b"", "windows-1252", "cp1252"),
        (b"", "koi8-r", "koi8_r"),
        (b"", "shift_jis", "shift_jis"),
        (b"\xef\xbb\xbf", "iso-8859-1", "utf-8"),  # a BOM outranks the <meta> declaration
    ],
)
def test_html_charsets(tmp_path, cleaner, prefix, meta_charset, encoding) -> None:
    words = {"cp1252": "Café déjà vu, naïve façade", "koi8_r": "Привет, мир, как дела",
             "shift_jis": "日本語の文章です", "utf-8": "Grüße aus Köln"}[encoding]
    body = f"<p>{words}. " + "The rest of this paragraph is plain English text. " * 6 + "</p>"
    page = (f'<html><head><meta charset="{meta_charset}"><title>T</title></head>'
            f"<body><article>{body}{body}</article></body></html>")
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "page.html").write_bytes(prefix + page.encode(encoding))
    _, out = run_one(tmp_path, cleaner, tmp_path / "in")
    assert words in (out / "page.txt").read_text()


def test_html_with_no_main_text_falls_back_to_beautifulsoup(tmp_path, cleaner) -> None:
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "bare.html").write_text(
        "<html><body><nav>Menu</nav><div>Short note left here.</div><script>x()</script></body></html>")
    _, out = run_one(tmp_path, cleaner, tmp_path / "in")
    assert (out / "bare.txt").read_text() == "Short note left here.\n"


# --- compression --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("suffix", "compress"),
    [(".gz", gzip.compress), (".bz2", bz2.compress), (".xz", lzma.compress),
     (".zst", lambda data: zstandard.ZstdCompressor().compress(data))],
)
def test_compressed_text_and_html(tmp_path, cleaner, suffix, compress) -> None:
    seed = SEEDS / "000_fb5aa608aeb41b4f.txt"
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / f"seed.txt{suffix}").write_bytes(compress(seed.read_bytes()))
    (tmp_path / "in" / f"article.html{suffix}").write_bytes(compress(ARTICLE.read_bytes()))
    report, out = run_one(tmp_path, cleaner, tmp_path / "in")
    assert report["counts"]["written"] == 2
    plain = tmp_path / "plain"
    run([seed, ARTICLE], plain, cleaner=cleaner)
    assert (out / "seed.txt").read_text() == (plain / "000_fb5aa608aeb41b4f.txt").read_text()
    assert (out / "article.txt").read_text() == (plain / "article.txt").read_text()


@pytest.mark.parametrize(("suffix", "compress"), [(".bz2", bz2.compress), (".xz", lzma.compress)])
def test_compressed_warc(tmp_path, cleaner, suffix, compress) -> None:
    source = WARC / "warcio__example-iana.org-chunked.warc"
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / f"iana.warc{suffix}").write_bytes(compress(source.read_bytes()))
    report, out = run_one(tmp_path, cleaner, tmp_path / "in")
    assert report["counts"]["written"] == 1
    assert "Management of the DNS Root Zone" in next((out / "iana").glob("*.txt")).read_text()


# --- WARC and WET -------------------------------------------------------------------------


def test_warc_response_becomes_a_document(tmp_path, cleaner) -> None:
    report, out = run_one(tmp_path, cleaner, WARC / "cc-whirlwind__whirlwind.warc.gz")
    assert report["counts"]["written"] == 1
    assert report["skipped"] == {"metadata": 1, "request": 1, "warcinfo": 1}
    (meta,) = metas(out / "cc-whirlwind__whirlwind")
    assert meta["url"] == "https://an.wikipedia.org/wiki/Escopete"
    assert meta["crawl_date"] == "2024-05-18T01:58:10+00:00"
    assert meta["record_id"].startswith("<urn:uuid:")
    assert meta["id"] == "cc-whirlwind__whirlwind/" + meta["record_id"][10:-1]
    assert meta["words"] > 50


def test_wet_conversion_record_is_a_text_document(tmp_path, cleaner) -> None:
    report, out = run_one(tmp_path, cleaner, WARC / "cc-whirlwind__whirlwind.warc.wet.gz")
    assert report["counts"]["written"] == 1 and report["skipped"] == {"warcinfo": 1}
    (meta,) = metas(out / "cc-whirlwind__whirlwind.warc")
    assert meta["url"] == "https://an.wikipedia.org/wiki/Escopete"
    # The page states no date: `date` stays null, the capture date is only `crawl_date`.
    assert meta["date"] is None and meta["crawl_date"] == "2024-05-18T01:58:10+00:00"
    assert meta["chars_in"] == 4303 and meta["language"] == "es"  # Aragonese: nearest is es
    text = next((out / "cc-whirlwind__whirlwind.warc").glob("*.txt")).read_text()
    assert "Escopete ye un municipio d'a provincia de Guadalachara" in text
    assert "A suya población ye de 84 habitants" in text
    assert "Ir al contenido" not in text and "Menú principal" not in text  # the classifier


def test_revisit_request_and_warcinfo_are_skipped_gzip_encoding_decoded(tmp_path, cleaner) -> None:
    report, out = run_one(tmp_path, cleaner, WARC / "warcio__example.warc.gz")
    assert report["skipped"] == {"request": 2, "revisit": 1, "warcinfo": 2}
    assert report["counts"]["written"] == 1
    text = next((out / "warcio__example").glob("*.txt")).read_text()
    assert "This domain is" in text  # the gzip Content-Encoding body, decoded


def test_chunked_transfer_encoding(tmp_path, cleaner) -> None:
    _, out = run_one(tmp_path, cleaner, WARC / "warcio__example-iana.org-chunked.warc")
    text = next((out / "warcio__example-iana.org-chunked").glob("*.txt")).read_text()
    assert "Management of the DNS Root Zone" in text
    assert "001c37" not in text


def _response(record_id: bytes, body: bytes, headers: bytes) -> bytes:
    payload = b"HTTP/1.1 200 OK\r\n" + headers + b"\r\n\r\n" + body
    return (
        b"WARC/1.0\r\nWARC-Type: response\r\nWARC-Record-ID: <urn:uuid:" + record_id
        + b">\r\nWARC-Target-URI: http://news.example/\r\nWARC-Date: 2024-01-01T00:00:00Z\r\n"
        b"Content-Type: application/http; msgtype=response\r\n"
        b"Content-Length: %d\r\n\r\n" % len(payload) + payload + b"\r\n\r\n"
    )


def _run_records(tmp_path, cleaner, records: list[bytes]):
    """A run over one plain .warc of these records: its report and OUT."""
    path = tmp_path / "in" / "capture.warc"
    path.parent.mkdir()
    path.write_bytes(b"".join(records))
    return run_one(tmp_path, cleaner, path)


def test_payloads_in_every_content_encoding_pages_use(tmp_path, cleaner) -> None:
    """br failed as a corrupt record (and in a .warc.bz2 every record after it was lost);
    x-gzip and zstd came out as empty documents; an encoding nothing here undoes is
    counted as skipped, by name, not read as the page."""
    import brotli

    page = ARTICLE.read_bytes()
    html = b"Content-Type: text/html; charset=utf-8\r\nContent-Encoding: "
    records = [
        _response(b"plain", page, b"Content-Type: text/html; charset=utf-8"),
        _response(b"br", brotli.compress(page), html + b"br"),
        _response(b"xgzip", gzip.compress(page), html + b"x-gzip"),
        _response(b"zstd", zstandard.ZstdCompressor().compress(page), html + b"zstd"),
        _response(b"compress", page, html + b"compress"),
        _response(b"last", page, b"Content-Type: text/html; charset=utf-8"),
    ]
    path = tmp_path / "in" / "capture.warc.bz2"
    path.parent.mkdir()
    path.write_bytes(bz2.compress(b"".join(records)))
    report, out = run_one(tmp_path, cleaner, path)
    assert report["counts"]["written"] == 5 and report["counts"]["failed"] == 0
    assert report["skipped"] == {"response:content-encoding compress": 1}
    texts = {p.stem: p.read_text() for p in (out / "capture").glob("*.txt")}
    assert sorted(texts) == ["br", "last", "plain", "xgzip", "zstd"]
    assert len(set(texts.values())) == 1 and texts["plain"]


def test_a_response_with_no_type_is_read_when_its_bytes_are_a_page(tmp_path, cleaner) -> None:
    """No Content-Type in the HTTP headers: the WARC's own (application/http) was taken
    for it, and every such page skipped. A page the crawler cut is said to be cut."""
    page = ARTICLE.read_bytes()
    records = [
        _response(b"page", page, b"Server: old"),
        _response(b"image", b"\x89PNG\r\n\x1a\n" + bytes(64), b"Server: old"),
        _response(b"cut", page, b"Content-Type: text/html").replace(
            b"Content-Length:", b"WARC-Truncated: length\r\nContent-Length:", 1
        ),
    ]
    report, out = _run_records(tmp_path, cleaner, records)
    assert sorted(p.stem for p in (out / "capture").glob("*.txt")) == ["cut", "page"]
    assert report["skipped"] == {"response:no type, not HTML": 1}
    warnings = json.loads((out / "capture" / "cut.json").read_text())["warnings"]
    assert "record truncated by the crawler (WARC-Truncated: length)" in warnings


def test_a_record_with_a_damaged_header_loses_no_record_after_it(tmp_path, cleaner) -> None:
    """Its own "WARC/1.0" damaged: reading resumed after the next intact header, taken
    for the damaged record, so the good record after it was lost too."""
    page = ARTICLE.read_bytes()
    records = [
        _response(b"r%d" % i, page, b"Content-Type: text/html; charset=utf-8") for i in range(5)
    ]
    records[2] = records[2].replace(b"WARC/1.0", b"WARX/1.0", 1)
    report, out = _run_records(tmp_path, cleaner, records)
    assert sorted(p.stem for p in (out / "capture").glob("*.txt")) == ["r0", "r1", "r3", "r4"]
    [failure] = report["failures"]
    damaged_at = int(failure["source"].rsplit("@", 1)[1])
    assert len(records[0]) + len(records[1]) - 4 <= damaged_at <= len(records[0]) + len(records[1])


def test_a_content_length_too_long_loses_no_record_after_it(tmp_path, cleaner) -> None:
    """A record declaring more bytes than it has took in the records after it (in a plain
    .warc): their text became its page, and the record its end fell in was lost too. It
    is now read to where the next record starts, with a warning, and the others follow."""
    page = ARTICLE.read_bytes()
    records = [
        _response(b"r%d" % i, page, b"Content-Type: text/html; charset=utf-8") for i in range(5)
    ]
    declared = int(records[1].split(b"Content-Length: ")[1].split(b"\r\n")[0])
    records[1] = records[1].replace(
        b"Content-Length: %d" % declared, b"Content-Length: %d" % (declared + 3000), 1
    )
    report, out = _run_records(tmp_path, cleaner, records)
    texts = {p.stem: p.read_text() for p in (out / "capture").glob("*.txt")}
    assert sorted(texts) == ["r0", "r1", "r2", "r3", "r4"] and report["failures"] == []
    assert len(set(texts.values())) == 1  # r1 holds its own page alone
    [warning] = report["warnings"]
    assert warning["source"].endswith("capture.warc#<urn:uuid:r1>")
    assert f"ran past the start of the next record (byte {2 * len(records[0])})" in (
        warning["reason"]
    )


def test_records_too_long_one_inside_the_other_are_each_cut(tmp_path, cleaner) -> None:
    """r1 runs into r2, which itself runs into r3: r2 was lost, glued into r1's page.
    After a resync the offsets counted twice the bytes before it."""
    page = ARTICLE.read_bytes()
    records = [
        _response(b"r%d" % i, page, b"Content-Type: text/html; charset=utf-8") for i in range(5)
    ]
    for number in (2, 1):
        declared = int(records[number].split(b"Content-Length: ")[1].split(b"\r\n")[0])
        records[number] = records[number].replace(
            b"Content-Length: %d" % declared, b"Content-Length: %d" % (declared + 2500), 1
        )
    report, out = _run_records(tmp_path, cleaner, records)
    texts = {p.stem: p.read_text() for p in (out / "capture").glob("*.txt")}
    assert sorted(texts) == ["r0", "r1", "r2", "r3", "r4"] and len(set(texts.values())) == 1
    starts = [sum(map(len, records[:n])) for n in (2, 3)]
    assert [w["reason"] for w in report["warnings"]] == [
        f"its Content-Length ran past the start of the next record (byte {at}): read to there"
        for at in starts
    ]


def _claiming(record: bytes, more: int) -> bytes:
    """`record` with a Content-Length `more` bytes too long."""
    declared = int(record.split(b"Content-Length: ")[1].split(b"\r\n")[0])
    return record.replace(
        b"Content-Length: %d" % declared, b"Content-Length: %d" % (declared + more), 1
    )


def test_records_that_claim_to_run_past_the_end_are_each_cut(tmp_path, cleaner) -> None:
    """Each one was read to the end of the file (time in the square of the records), and
    the first took in all the others."""
    page = ARTICLE.read_bytes()
    records = [
        _claiming(_response(b"r%d" % i, page, b"Content-Type: text/html"), 10**9) for i in range(4)
    ]
    report, out = _run_records(tmp_path, cleaner, records)
    assert sorted(p.stem for p in (out / "capture").glob("*.txt")) == ["r0", "r1", "r2", "r3"]
    reasons = [w["reason"] for w in report["warnings"]]
    assert [r.startswith("its Content-Length ran past") for r in reasons] == [1, 1, 1, 0]
    assert reasons[-1] == "record truncated: 999999996 bytes of it are missing"  # the last
    assert report["failures"] == []


def test_a_download_cut_short_is_not_looked_into(tmp_path, cleaner) -> None:
    """A file that ends inside a record was cut (not a Content-Length too long): the
    records a stored .warc holds are not taken for the archive's own."""
    inner = b"".join(
        _response(b"inner%d" % i, ARTICLE.read_bytes(), b"Content-Type: text/html")
        for i in range(3)
    )
    records = [
        _response(b"r0", ARTICLE.read_bytes(), b"Content-Type: text/html"),
        _response(b"stored", inner, b"Content-Type: application/warc")[:-3000],
    ]
    report, out = _run_records(tmp_path, cleaner, records)
    assert sorted(p.stem for p in (out / "capture").glob("*.txt")) == ["r0"]
    assert report["skipped"] == {"response:application/warc": 1}


def test_a_marker_across_two_chunks_is_found(tmp_path) -> None:
    from cleaner.readers.warc import _next_record_inside

    inner = _response(b"inner", b"<p>x</p>", b"Content-Type: text/html")
    for shift in range(12):  # where the blank line and "WARC/1." fall against the chunk
        data = b"WARC/1.0\r\nWARC-Type: response\r\n\r\n" + b"x" * (60 + shift) + b"\r\n\r\n"
        path = tmp_path / f"{shift}.warc"
        path.write_bytes(data + inner)
        assert _next_record_inside(path, 0, len(data) + len(inner), chunk=64) == len(data), shift


def test_a_page_over_the_payload_limit_is_not_said_to_be_truncated(
    tmp_path, cleaner, monkeypatch
) -> None:
    """The record's end was asked before it was read through: every page over 50 MB was
    said to be missing what had not been read yet."""
    import cleaner.readers.warc as warc

    monkeypatch.setattr(warc, "MAX_PAYLOAD_BYTES", 1000)
    records = [_response(b"big", ARTICLE.read_bytes(), b"Content-Type: text/html")]
    _, out = _run_records(tmp_path, cleaner, records)
    warnings = json.loads((out / "capture" / "big.json").read_text())["warnings"]
    assert warnings == ["payload cut at 1000 bytes"]


def test_a_stored_warc_file_is_not_taken_for_records(tmp_path, cleaner) -> None:
    """A record that ends where its Content-Length says is not looked into: a response
    whose payload is a .warc file holds whole records, and they are its bytes."""
    inner = _response(b"inner", ARTICLE.read_bytes(), b"Content-Type: text/html")
    records = [
        _response(b"r0", ARTICLE.read_bytes(), b"Content-Type: text/html"),
        _response(b"stored", inner, b"Content-Type: application/warc"),
        _response(b"r2", ARTICLE.read_bytes(), b"Content-Type: text/html"),
    ]
    report, out = _run_records(tmp_path, cleaner, records)
    assert sorted(p.stem for p in (out / "capture").glob("*.txt")) == ["r0", "r2"]
    assert report["warnings"] == [] and report["failures"] == []


def test_a_page_that_quotes_a_warc_header_is_not_cut(tmp_path, cleaner) -> None:
    """Only a record that did not end where it said is looked into."""
    quoted = b"\r\n\r\nWARC/1.0\r\nWARC-Type: response\r\nContent-Length: 5\r\n\r\nshort"
    page = ARTICLE.read_bytes().replace(b"</body>", b"<pre>" + quoted + b"</pre></body>")
    records = [_response(b"r%d" % i, page, b"Content-Type: text/html") for i in range(2)]
    report, out = _run_records(tmp_path, cleaner, records)
    assert sorted(p.stem for p in (out / "capture").glob("*.txt")) == ["r0", "r1"]
    assert report["warnings"] == [] and report["failures"] == []


def test_arc_records_are_named_the_same_in_every_run(tmp_path, cleaner) -> None:
    """warcio gives each ARC record it converts a new random WARC-Record-ID: the outputs
    were named by it, differently in every run (and with -w 1 and -w 2)."""
    head = b"1 0 InternetArchive\nURL IP-address Archive-date Content-type Archive-length\n"
    body = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n" + ARTICLE.read_bytes()
    path = tmp_path / "in" / "old.arc"
    path.parent.mkdir()
    path.write_bytes(
        b"filedesc://old.arc 0.0.0.0 20050614070159 text/plain %d\n" % len(head) + head
        + b"\nhttp://news.example/a 1.2.3.4 20140216050221 text/html %d\n" % len(body)
        + body + b"\n"
    )
    names = []
    for run_number in range(2):
        out = tmp_path / f"out{run_number}"
        run([path], out, cleaner=cleaner)
        names.append(sorted(p.name for p in (out / "old").iterdir()))
        assert json.loads(next((out / "old").glob("*.json")).read_text())["record_id"] is None
    assert names[0] == names[1] == ["record-000001.json", "record-000001.txt"]


def test_non_documents_are_skipped_by_type(tmp_path, cleaner) -> None:
    report, _ = run_one(tmp_path, cleaner, WARC / "warcio__post-test.warc.gz",
                        WARC / "iawebcommons__text-extraction-test.warc",
                        WARC / "warcio__example-resource.warc.gz")
    assert report["skipped"]["response:application/json"] == 3
    assert report["skipped"]["response:image/png"] == 1
    assert report["counts"]["written"] == 2  # the HTML response and the HTML resource record


def test_truncated_record_is_kept_and_reported(tmp_path, cleaner) -> None:
    report, out = run_one(tmp_path, cleaner, WARC / "resiliparse__clipped.warc.gz")
    assert report["counts"] == {
        "inputs": 1,
        "files": {"seen": 1, "read": 1, "skipped": 0, "failed": 0},
        "documents": 1,
        "written": 1,
        "empty": 0,
        "left_out_short": 0,
        "duplicates_dropped": 0,
        "failed_documents": 0,
        "failed": 0,
        "skipped": 0,
    }
    assert report["warnings"][0]["reason"] == "record truncated: 13068 bytes of it are missing"
    (meta,) = metas(out / "resiliparse__clipped")
    assert meta["warnings"] and "Chance The Rapper" in next(
        (out / "resiliparse__clipped").glob("*.txt")).read_text()


def test_malformed_warc_date_and_legacy_charset(tmp_path, cleaner) -> None:
    report, out = run_one(tmp_path, cleaner, WARC / "resiliparse__clueweb-quirk.warc.gz")
    assert report["counts"]["written"] == 29 and report["counts"]["failed"] == 0
    assert all("malformed WARC-Date '2008-10-294T05:21:46-0700'" in w["reason"]
               for w in report["warnings"])
    docs = metas(out / "resiliparse__clueweb-quirk")
    assert {m["crawl_date"] for m in docs} == {None}
    assert {m["language"] for m in docs} == {"ja"}  # EUC-JP decoded from the HTTP header


def test_multilingual_common_crawl_slice(tmp_path, cleaner) -> None:
    report, out = run_one(tmp_path, cleaner, WARC / "resiliparse__warcfile.warc.gz")
    assert report["counts"]["written"] == 16
    languages = {m["language"] for m in metas(out / "resiliparse__warcfile")}
    assert {"zh-cn", "de", "ru", "nl"} <= languages


def test_site_rules_match_the_records_domain(tmp_path) -> None:
    rules = write_rules(tmp_path / "rules", """
rules:
  - id: wiki-menu
    description: Wikipedia's menu entries in Aragonese.
    exact: [Ir al contenido, Menú principal]
    sites: [wikipedia.org]
    tests:
      - drop: Ir al contenido
      - keep: Ir al mercado
""")
    wet = WARC / "cc-whirlwind__whirlwind.warc.wet.gz"
    _, out = run_one(tmp_path, None, wet, rules=(rules,))
    text = next((out / "cc-whirlwind__whirlwind.warc").glob("*.txt")).read_text()
    assert "Ir al contenido" not in text and "Menú principal" not in text


# --- JSON Lines ---------------------------------------------------------------------------

JSONL_LINES = [
    {"id": "a-1", "url": "https://news.example/a", "text": "Add new comment\nThe council met on Tuesday to vote on the new budget for the harbour.", "lang_hint": "en", "score": 0.5},
    "{not json",
    {"id": "b-2", "body": "no text field here"},
    {"text": "A record without an id still gets a stable name from its line.", "tags": ["x"]},
]


def write_jsonl(path: Path, compress=None) -> Path:
    data = "\n".join(line if isinstance(line, str) else json.dumps(line) for line in JSONL_LINES) + "\n"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(compress(data.encode()) if compress else data.encode())
    return path


@pytest.mark.parametrize("compress", [None, gzip.compress])
def test_jsonl_records_bad_lines_fail_alone(tmp_path, cleaner, compress) -> None:
    name = "feed.jsonl.gz" if compress else "feed.jsonl"
    report, out = run_one(tmp_path, cleaner, write_jsonl(tmp_path / "in" / name, compress))
    assert report["counts"] == {
        "inputs": 1,
        "files": {"seen": 1, "read": 1, "skipped": 0, "failed": 0},
        "documents": 4,
        "written": 2,
        "empty": 0,
        "left_out_short": 0,
        "duplicates_dropped": 0,
        "failed_documents": 2,
        "failed": 2,
        "skipped": 0,
    }
    reasons = [f["reason"] for f in report["failures"]]
    assert reasons[0].startswith("invalid JSON") and "no string field 'text'" in reasons[1]
    assert report["failures"][0]["source"].endswith(f"{name}:2")
    first = json.loads((out / "feed" / "a-1.json").read_text())
    assert first["url"] == "https://news.example/a" and first["input_id"] == "a-1"
    assert first["lang_hint"] == "en" and first["score"] == 0.5  # other fields pass through
    assert (out / "feed" / "a-1.txt").read_text().startswith("The council met")
    assert (out / "feed" / "line-000004.txt").is_file()


def test_jsonl_a_huge_number_fails_its_line_alone(tmp_path, cleaner) -> None:
    """json refuses integers of over 4,300 digits with a ValueError: that line fails,
    the next is read (it was reported as damaged compressed data, the rest lost)."""
    path = tmp_path / "in" / "feed.jsonl"
    path.parent.mkdir()
    lines = [{"id": "a", "text": "The council met on Tuesday."}, None,
             {"id": "c", "text": "The mayor spoke on Wednesday."}]
    path.write_text("\n".join(
        json.dumps(line) if line else '{"id": "b", "n": ' + "1" * 5000 + ', "text": "x"}'
        for line in lines) + "\n")
    report, out = run_one(tmp_path, cleaner, path)
    assert report["counts"]["written"] == 2 and (out / "feed" / "c.txt").is_file()
    [failure] = report["failures"]
    assert failure["source"].endswith("feed.jsonl:2")
    assert failure["reason"].startswith("JSON that cannot be read (Exceeds the limit")
    assert "set_int_max_str_digits" not in failure["reason"]


def test_jsonl_not_in_utf8(tmp_path, cleaner) -> None:
    """A line in cp1252 is decoded as such, with a warning (its accents were deleted
    silently); a UTF-16 file fails once, saying so (every line failed as invalid JSON)."""
    folder = tmp_path / "in"
    folder.mkdir()
    line = '{"id": "a", "text": "Café naïve résumé: the council met on Tuesday."}\n'
    (folder / "latin.jsonl").write_bytes(line.encode("cp1252"))
    (folder / "wide.jsonl").write_bytes(line.encode("utf-16"))  # with its byte order mark
    report, out = run_one(tmp_path, cleaner, folder)
    assert (out / "latin" / "a.txt").read_text().startswith("Café naïve résumé")
    assert json.loads((out / "latin" / "a.json").read_text())["warnings"] == [
        "not UTF-8: decoded as cp1252"
    ]
    [failure] = report["failures"]
    assert failure["source"].endswith("wide.jsonl") and "UTF-16" in failure["reason"]


def test_jsonl_an_id_that_is_no_name_is_said_to_be(tmp_path, cleaner) -> None:
    path = tmp_path / "in" / "feed.jsonl"
    path.parent.mkdir()
    path.write_text(json.dumps({"id": {"shard": 3}, "text": "The council met on Tuesday."}))
    _, out = run_one(tmp_path, cleaner, path)
    meta = json.loads((out / "feed" / "line-000001.json").read_text())
    assert meta["warnings"] == [
        "id field 'id' is not a string or an integer (dict): named line-000001"
    ]


def test_jsonl_text_field_option(tmp_path) -> None:
    path = tmp_path / "in" / "feed.jsonl"
    path.parent.mkdir()
    path.write_text(json.dumps({"id": 1, "content": "Some text in another field."}) + "\n")
    report, out = run_one(tmp_path, None, path, text_field="content")
    assert report["counts"]["written"] == 1 and (out / "feed" / "1.txt").is_file()


# --- output formats -----------------------------------------------------------------------


def test_jsonl_output_has_the_same_keys_on_every_line(tmp_path, cleaner) -> None:
    out = tmp_path / "out"
    run([WARC / "resiliparse__warcfile.warc.gz", ARTICLE], out,
        Config(format=OutputFormat.JSONL), cleaner=cleaner)
    records = corpus_rows(out)
    assert len(records) == 17
    assert len({tuple(r) for r in records}) == 1 and list(records[0])[:2] == ["text", "id"]


def test_parquet_output(tmp_path, cleaner) -> None:
    pq = pytest.importorskip("pyarrow.parquet")
    out = tmp_path / "out"
    run([SEEDS, write_jsonl(tmp_path / "in" / "feed.jsonl")], out,
        Config(format=OutputFormat.PARQUET), cleaner=cleaner)
    table = pq.read_table(out)  # the folder: its shards, the hidden bookkeeping skipped
    assert table.num_rows == 7
    assert table.column_names[:3] == ["text", "id", "source"]
    rows = table.to_pylist()
    assert rows[0]["removed"][0]["rule"]
    # The input's other fields are columns of their own, typed; a list is JSON text.
    assert rows[5]["id"] == "a-1" and rows[5]["lang_hint"] == "en" and rows[5]["score"] == 0.5
    assert json.loads(rows[6]["tags"]) == ["x"] and rows[0]["lang_hint"] is None
    assert "input_id" not in table.column_names and "extra" not in table.column_names


@pytest.mark.parametrize("audit", ["full", "summary", "none"])
def test_corpus_output_keeps_the_input_id_and_the_audit_asked_for(tmp_path, cleaner, audit) -> None:
    out = tmp_path / "out"
    run([write_jsonl(tmp_path / "in" / "feed.jsonl")], out,
        Config(format=OutputFormat.JSONL, audit=audit), cleaner=cleaner)
    rows = corpus_rows(out)
    # The input's own id where it has one, else cleaner's.
    assert [row["id"] for row in rows] == ["a-1", "feed/line-000004"]
    assert rows[0]["lang_hint"] == "en" and "input_id" not in rows[0]
    assert ("removed" in rows[0]) == (audit == "full")
    assert ("removed_count" in rows[0]) == (audit == "summary")
    if audit == "summary":
        assert rows[0]["removed_count"] == 1 and rows[0]["removed_chars"] == len("Add new comment")


def test_changing_the_audit_keeps_the_cleaned_parts(tmp_path, cleaner) -> None:
    out = tmp_path / "out"
    feed = tmp_path / "in" / "feed.jsonl"
    feed.parent.mkdir()
    feed.write_text(json.dumps(JSONL_LINES[0]) + "\n")  # no failure: it can be reused
    run([feed], out, Config(format=OutputFormat.JSONL), cleaner=cleaner)
    report = run([feed], out, Config(format=OutputFormat.JSONL, audit="none"), cleaner=cleaner)
    assert report.reused == 1  # --audit shapes the final file only: nothing cleaned again
    row = corpus_rows(out)[0]
    assert "removed" not in row and "kept_lines" not in row and row["id"] == "a-1"


# --- hostile names ------------------------------------------------------------------------


def test_hostile_ids_and_file_names_stay_inside_out(tmp_path, cleaner) -> None:
    hostile = ["../../escape", "/etc/passwd", "CON", "a\x00b", "x" * 500, ".", "..", "", "a/b"]
    feed = tmp_path / "in" / "feed name?;*.jsonl"
    feed.parent.mkdir()
    feed.write_text("".join(json.dumps({"id": h, "text": f"Text number {i}."}) + "\n"
                            for i, h in enumerate(hostile)))
    (tmp_path / "in" / "CON.txt").write_text("A file with a reserved name.")
    report, out = run_one(tmp_path, cleaner, tmp_path / "in")
    assert report["counts"]["written"] == len(hostile) + 1
    written = [p for p in out.rglob("*") if p.is_file()]
    assert all(p.resolve().is_relative_to(out.resolve()) for p in written)
    assert all(len(p.name) < 200 and "\x00" not in str(p) for p in written)
    assert not (tmp_path / "escape.txt").exists() and len(list(out.rglob("*.txt"))) == len(hostile) + 1
    assert not (out / "CON.txt").exists()


def test_txt_file_holding_a_page_is_read_as_html(tmp_path, cleaner) -> None:
    (tmp_path / "in").mkdir()
    shutil.copy(ARTICLE, tmp_path / "in" / "saved.txt")
    _, out = run_one(tmp_path, cleaner, tmp_path / "in")
    assert json.loads((out / "saved.json").read_text())["site"] == "The Coastal Courier"
    assert "<p>" not in (out / "saved.txt").read_text()


def test_hidden_files_and_folders_in_a_folder_are_not_inputs(tmp_path) -> None:
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "notes.txt").write_text("not a capture\n")
    (tmp_path / ".draft.txt").write_text("not a capture\n")
    (tmp_path / "page.txt").write_text("A capture.\n")
    assert [item.name.as_posix() for item in discover_inputs([tmp_path])] == ["page"]
    # Named explicitly, a hidden file is an input like any other.
    assert len(discover_inputs([tmp_path / ".git" / "notes.txt"])) == 1


def test_explicit_file_with_unknown_suffix_is_sniffed(tmp_path, cleaner) -> None:
    shutil.copy(WARC / "warcio__example-iana.org-chunked.warc", tmp_path / "capture.bin")
    report, _ = run_one(tmp_path, cleaner, tmp_path / "capture.bin")
    assert report["counts"]["written"] == 1


def test_a_file_in_a_folder_given_both_ways_is_named_whatever_the_order(tmp_path) -> None:
    (tmp_path / "in" / "sub").mkdir(parents=True)
    (tmp_path / "in" / "sub" / "a.txt").write_text("The council met on Tuesday.\n")
    folder, file = tmp_path / "in", tmp_path / "in" / "sub" / "a.txt"
    names = [[str(item.name) for item in discover_inputs(order)]
             for order in ([folder, file], [file, folder])]
    assert names == [["sub/a"], ["sub/a"]]


def test_clashing_names_are_told_the_same_whatever_the_order(tmp_path) -> None:
    """The notice listed the clashing inputs in the order they were given, so report.json
    (and --check on a reordered command) depended on it."""
    from cleaner.readers.discover import discover

    for folder, name in (("x", "p.txt"), ("y", "p.txt.gz")):
        (tmp_path / folder).mkdir()
        data = b"The council met on Tuesday.\n"
        (tmp_path / folder / name).write_bytes(gzip.compress(data) if name.endswith(".gz") else data)
    x, y = tmp_path / "x", tmp_path / "y"
    first, second = discover([x, y]), discover([y, x])
    assert first.renamed == second.renamed and len(first.renamed) == 1
    assert [str(i.name) for i in first.files] == [str(i.name) for i in second.files]


def test_an_explicit_file_named_like_the_report_is_renamed(tmp_path, cleaner) -> None:
    """`run report.txt OUT` wrote the document's metadata as OUT/report.json, and the
    run's report over it."""
    (tmp_path / "report.txt").write_text("The council met on Tuesday to discuss the budget.\n")
    report, out = run_one(tmp_path, cleaner, tmp_path / "report.txt")
    [name] = [p.stem for p in out.glob("*.txt")]
    assert name.startswith("report-") and report["counts"]["written"] == 1
    assert json.loads((out / f"{name}.json").read_text())["words"] > 0


@pytest.mark.parametrize("damaged", [b"\xfd7zXZ\x00garbage", b"\x28\xb5\x2f\xfdgarbage"])
def test_explicit_damaged_compressed_file_fails_alone(tmp_path, cleaner, damaged) -> None:
    """A damaged xz or zstd file named with an unknown suffix: it fails, named; the
    other input is written (the sniffing of its format stopped the whole run)."""
    (tmp_path / "good.txt").write_text("The council met on Tuesday to discuss the budget.\n")
    (tmp_path / "notes.dat").write_bytes(damaged)
    report, out = run_one(tmp_path, cleaner, tmp_path / "good.txt", tmp_path / "notes.dat")
    assert report["counts"]["written"] == 1 and (out / "good.txt").is_file()
    [failure] = report["failures"]
    assert failure["source"].endswith("notes.dat") and ": cannot read: " in failure["reason"]


def test_page_metadata_matches_trafilaturas_extract_metadata() -> None:
    """Our trimmed copy of trafilatura's metadata extraction gives trafilatura's answers."""
    from trafilatura.metadata import extract_metadata

    from cleaner.steps.extract import DATE_SEARCH, page_metadata, parse_page

    pages = [*html_fixture_pages(), (SITE_PAGE, None)]
    assert len(pages) >= 4
    fields = ("title", "author", "url", "sitename", "description", "date")
    for html, url in pages:
        ours = page_metadata(parse_page(html), url)
        theirs = extract_metadata(html, url, DATE_SEARCH)
        assert [getattr(ours, f) for f in fields] == [getattr(theirs, f) for f in fields]
    site_page = page_metadata(parse_page(SITE_PAGE), None)
    assert (site_page.author, site_page.sitename, site_page.date) == (
        "Ana Lima",
        "9To5Harbour",  # trafilatura capitalises so (as it does 9to5Mac)
        "2021-05-04",
    )


def test_parse_page_builds_trafilaturas_tree() -> None:
    """parse_page is load_html with a faster element lookup: the same tree, the same text."""
    import trafilatura
    from lxml import etree
    from trafilatura.utils import load_html

    from cleaner.steps.extract import parse_page

    pages = [html for html, _ in html_fixture_pages()] + ODD_PAGES
    pages += [path.read_text(encoding="utf-8") for path in sorted((FIXTURES / "html").glob("*"))]
    for html in pages:
        ours, theirs = parse_page(html), load_html(html)
        assert (ours is None) == (theirs is None), html[:80]
        if ours is None:
            continue
        assert etree.tostring(ours) == etree.tostring(theirs)
        options = {"include_comments": False, "deduplicate": False, "fast": True}
        ours_text = trafilatura.bare_extraction(ours, **options)
        theirs_text = trafilatura.bare_extraction(theirs, **options)
        assert (ours_text and ours_text.text) == (theirs_text and theirs_text.text)


@settings(max_examples=300, deadline=None)
@given(st.text(), st.text(alphabet="\x00\x08\x09\x0b\x0c\x1f\x7f\ufffe\uffff\ufffd\ufeffé中 a", max_size=8))
@example("", "\ud800")  # a lone surrogate, as surrogatepass lets through
def test_invalid_xml_characters_found_on_bytes_as_the_regex_finds_them(text, rare) -> None:
    from trafilatura.utils import INVALID_XML_CHARS

    from cleaner.steps.extract import has_invalid_xml_chars

    for candidate in (text, rare, text + rare + text):
        assert has_invalid_xml_chars(candidate) == bool(INVALID_XML_CHARS.search(candidate))


PAGE_STARTS = [
    "<!DOCTYPE html/>\n<html><body><p>x</p></body></html>",
    "<!doctype html>\n<html/>\n<body><p>x\x0b</p></body>",
    "<html>\n<head/>\n<body><p>a\ufffeb</p></body></html>",
    "\x00<!DOCTYPE html>",
]


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(PAGE_STARTS), st.text(alphabet="ab<>/ \n\x01\ufffftml!DOCTYPE", max_size=40))
def test_repair_page_is_trafilaturas_repair(start, more) -> None:
    from trafilatura.utils import repair_faulty_html

    from cleaner.steps.extract import repair_page

    for html in (start + more, more + start, more):
        beginning = html[:50].lower()
        assert repair_page(html, beginning) == repair_faulty_html(html, beginning)


def test_a_json_line_with_a_control_character_names_its_column_once(tmp_path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "feed.jsonl").write_text('{"text": "tab\tinside"}\n', encoding="utf-8")
    report = run([folder], tmp_path / "out", Config(builtin_rules=False))
    assert [f.reason for f in report.failures] == [
        "invalid JSON (Invalid control character at column 14); fix or remove the line"
    ]


@pytest.mark.parametrize("compress", [None, gzip.compress])
def test_a_json_line_over_the_size_limit_fails_alone(tmp_path, compress) -> None:
    """A record that a small compressed file inflates to gigabytes must not be read whole:
    it fails with one line, and the records around it are written."""
    folder = tmp_path / "in"
    folder.mkdir()
    story = "The council met on Tuesday to discuss the budget for the coming year."
    lines = [
        json.dumps({"id": "before", "text": story}),
        json.dumps({"id": "huge", "text": "word " * 5000}),
        json.dumps({"id": "after", "text": story + " Again."}),
    ]
    data = ("\n".join(lines) + "\n").encode()
    name = "feed.jsonl.gz" if compress else "feed.jsonl"
    (folder / name).write_bytes(compress(data) if compress else data)
    report = run([folder], tmp_path / "out", Config(builtin_rules=False, max_bytes=10_000))
    assert [(f.source.rsplit("/", 1)[-1], f.reason) for f in report.failures] == [
        (f"{name}:2", "a line over the 10,000-character limit; raise it with --max-bytes "
         "if this is a text")
    ]
    assert sorted(p.name for p in (tmp_path / "out" / "feed").glob("*.txt")) == [
        "after.txt", "before.txt"
    ]


def test_a_file_name_is_named_the_same_under_any_locale() -> None:
    """Under LANG=C Python reads a UTF-8 file name as ASCII with its other bytes escaped
    ("\\udcc3\\udcbc" for "ü"): its output was named by another hash than under UTF-8."""
    import os

    from cleaner.readers.names import with_hash

    utf8_name = "ünï"
    under_c = os.fsencode(utf8_name).decode("ascii", "surrogateescape")
    assert with_hash("n", under_c) == with_hash("n", utf8_name)


@pytest.mark.parametrize("encoding", ["br", "zstd"])
def test_a_payload_bomb_inflates_no_further_than_the_payload_taken(monkeypatch, encoding) -> None:
    """A few KB of brotli inflated to gigabytes in one call (a 5.8 KB WARC ran at 6.4 GB),
    to be cut at the payload limit only afterwards."""
    import brotli

    from cleaner.readers import warc_payload

    monkeypatch.setattr(warc_payload, "_BUDGET", 10_000)
    zeros = bytes(4_000_000)
    if encoding == "br":
        bomb, decompressor = brotli.compress(zeros, quality=5), warc_payload._Brotli()
    else:
        bomb, decompressor = zstandard.ZstdCompressor().compress(zeros), warc_payload._Zstd()
    assert len(bomb) < 10_000
    given = decompressor.decompress(bomb) + decompressor.decompress(b"")
    assert 10_000 <= len(given) <= 10_000 + (4 << 20) and given == zeros[: len(given)]
    assert decompressor.decompress(bomb[:10]) == b""  # spent: nothing more
