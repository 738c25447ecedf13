"""Bytes to text: BOM, then the declared charset (HTTP/WARC header, <meta>), then detection."""

from __future__ import annotations

import codecs
import re

from charset_normalizer import from_bytes

_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_META_CHARSET = re.compile(
    rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]{2,40})""", re.IGNORECASE
)
_HEADER_CHARSET = re.compile(r"charset\s*=\s*[\"']?([A-Za-z0-9_.:-]{2,40})", re.IGNORECASE)
# Codecs that pages' labels name for a wider one (keyed by Python's name of the codec, so
# that every spelling of a label maps: "latin1", "l1", "ISO_8859-1" and "iso-8859-1").
_SUPERSETS = {
    "iso8859-1": "cp1252",
    "ascii": "cp1252",
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "shift_jis": "cp932",
    "euc_kr": "cp949",
}
#: Python codecs that no page's charset can mean: none at all ("undefined" fails on every
#: byte), ASCII read as something else (punycode, the escape codecs), or one the web
#: refuses to decode (UTF-7). Codecs that are not text encodings (base64, rot13) are
#: refused by their own flag.
_NOT_CHARSETS = frozenset(
    {"undefined", "punycode", "idna", "unicode-escape", "raw-unicode-escape", "utf-7", "charmap"}
)


def charset_from_content_type(content_type: str | None) -> str | None:
    match = _HEADER_CHARSET.search(content_type or "")
    return match.group(1) if match else None


def _codec(label: str | None) -> str | None:
    if not label:
        return None
    try:
        info = codecs.lookup(label.strip().lower())
    except LookupError:
        return None
    if info.name in _NOT_CHARSETS or not getattr(info, "_is_text_encoding", True):
        return None
    return _SUPERSETS.get(info.name, info.name)


def _try(data: bytes, codec: str | None) -> str | None:
    if codec is None:
        return None
    try:
        return data.decode(codec)
    except (UnicodeError, LookupError, ValueError):
        return None


_UTF8_MULTIBYTE = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}"
)
_HIGH_BYTE = re.compile(rb"[\x80-\xff]")


def _mostly_utf8(data: bytes) -> bool:
    """Most non-ASCII bytes form valid UTF-8 sequences: a UTF-8 text with some damage."""
    sample = data[:200_000]
    high = len(_HIGH_BYTE.findall(sample))
    in_sequences = sum(len(m) for m in _UTF8_MULTIBYTE.findall(sample))
    return high > 0 and in_sequences >= 0.8 * high


def _detect(sample: bytes) -> str | None:
    """charset-normalizer's best guess; windows-1252 wins near-ties, as the most common
    legacy web encoding (and the WHATWG fallback): on short Latin texts the detector cannot
    tell it from Baltic or Central European code pages, which garble é, à, è."""
    results = list(from_bytes(sample))
    if not results:
        return None
    best = results[0]
    for result in results:
        if (
            _codec(result.encoding) == "cp1252"
            and result.chaos <= best.chaos + 0.05
            and result.coherence >= best.coherence - 0.05
        ):
            return "cp1252"
    return _codec(best.encoding)


#: Codecs of more than one byte a character: what a declared label may rightly say of
#: bytes that are also valid UTF-8 (the single-byte ones cannot, see `_contradicted`).
_MULTIBYTE = re.compile(r"utf|ucs|cp9(?:32|36|49|50)|gb|big5|euc|shift|jis|2022|hz|johab")
_UTF16_OR_32 = re.compile(r"utf[-_]?(?:16|32)")
#: What a few cp1252 bytes in ASCII text are when they are cp1252: accented letters, and
#: the punctuation that word processors type (curly quotes, dashes, the ellipsis).
_CP1252_TEXT = re.compile(r"[À-ÖØ-öø-ÿŒœŠšŽžŸ‘’‚“”„–—…•€™]")


def _contradicted(codec: str, data: bytes) -> bool:
    """Whether valid UTF-8 `data` says the declared `codec` is wrong: UTF-16/32 declared
    on bytes without NULs (text in those has them), or a single-byte code page declared
    on bytes with UTF-8 sequences (in cp1252, "Ã©" is far likelier to be a mislabel)."""
    if _UTF16_OR_32.match(codec):
        return b"\x00" not in data[:4096]
    return not _MULTIBYTE.search(codec) and _UTF8_MULTIBYTE.search(data) is not None


def bomless_utf16(data: bytes) -> str | None:
    """The UTF-16 or UTF-32 codec of text without a byte order mark, from where its NULs
    fall (ASCII characters in UTF-16LE are `x\\0`), or None."""
    sample = data[:4096]
    if len(sample) < 16:
        return None
    quarter = [sample[i::4].count(0) / len(sample[i::4]) for i in range(4)]
    if all(q > 0.8 for q in quarter[1:]) and quarter[0] < 0.2:
        return "utf-32-le"
    if all(q > 0.8 for q in quarter[:3]) and quarter[3] < 0.2:
        return "utf-32-be"
    even = (quarter[0] + quarter[2]) / 2
    odd = (quarter[1] + quarter[3]) / 2
    if odd > 0.3 and even < 0.05:
        return "utf-16-le"
    if even > 0.3 and odd < 0.05:
        return "utf-16-be"
    return None


#: So few non-ASCII bytes say nothing of a code page, whatever the text's length.
STRAY_BYTES = 4


def _stray_bytes(data: bytes) -> bool:
    """ASCII text with a few bytes of no encoding in it (at most 4, or under 1 in 200, and
    not in UTF-8 sequences): guessing a code page from so little gives nonsense like cp775."""
    sample = data[:200_000]
    high = len(_HIGH_BYTE.findall(sample))
    return 0 < high <= max(len(sample) / 200, STRAY_BYTES)


def decode_bytes(
    data: bytes, declared: str | None = None, *, html: bool = False
) -> tuple[str, str, str | None]:
    """Decode `data`: the text, the codec used ("...+replace" when lossy), and a note when
    the bytes overruled what was declared or had to be guessed."""
    for bom, codec in _BOMS:
        if data.startswith(bom):
            return data[len(bom) :].decode(codec, errors="replace"), codec, None
    labels = [_codec(declared)]
    if html:
        meta = _META_CHARSET.search(data[:4096])
        labels.append(_codec(meta.group(1).decode("ascii", "ignore")) if meta else None)
    # NULs are valid UTF-8, but ASCII text in UTF-16 without a BOM is half NULs.
    wide = bomless_utf16(data) if b"\x00" in data[:4096] else None
    if wide is not None and not any(_UTF16_OR_32.match(c) for c in filter(None, labels)):
        return data.decode(wide, errors="replace"), wide, f"{wide} without a byte order mark"
    utf8 = _try(data, "utf-8")
    for codec in filter(None, labels):
        if codec in ("utf-16", "utf-32"):  # no byte order mark (see above): not little-endian
            codec = bomless_utf16(data) or f"{codec}-be"  # RFC 2781's default
        if utf8 is not None and codec != "utf-8" and _contradicted(codec, data):
            return utf8, "utf-8", f"declared {codec}, but the bytes are UTF-8: read as UTF-8"
        text = _try(data, codec)
        if text is not None:
            return text, codec, None
    if utf8 is not None:
        return utf8, "utf-8", None
    wide = bomless_utf16(data)
    if wide is not None:
        return data.decode(wide, errors="replace"), wide, f"{wide} without a byte order mark"
    if _mostly_utf8(data):  # UTF-8 with a few broken bytes, not another encoding
        return data.decode("utf-8", errors="replace"), "utf-8+replace", None
    if _stray_bytes(data):
        latin = _try(data, "cp1252")
        if latin is not None and all(
            _CP1252_TEXT.match(ch) for ch in latin if ord(ch) > 127
        ):  # a few accents or curly quotes of a Western text: cp1252, the web's legacy default
            return latin, "cp1252", None
        return data.decode("utf-8", errors="replace"), "utf-8+replace", None
    detected = _detect(data[:200_000])
    text = _try(data, detected)
    if text is not None:
        return text, detected, None  # type: ignore[return-value]
    return data.decode("utf-8", errors="replace"), "utf-8+replace", None
