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
# Labels that pages use for a wider codec than the one named.
_SUPERSETS = {
    "iso-8859-1": "cp1252",
    "latin-1": "cp1252",
    "ascii": "cp1252",
    "us-ascii": "cp1252",
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "shift_jis": "cp932",
    "euc-kr": "cp949",
}


def charset_from_content_type(content_type: str | None) -> str | None:
    match = _HEADER_CHARSET.search(content_type or "")
    return match.group(1) if match else None


def _codec(label: str | None) -> str | None:
    if not label:
        return None
    label = label.strip().lower()
    label = _SUPERSETS.get(label, label)
    try:
        return codecs.lookup(label).name
    except LookupError:
        return None


def _try(data: bytes, codec: str | None) -> str | None:
    if codec is None:
        return None
    try:
        return data.decode(codec)
    except (UnicodeDecodeError, LookupError):
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


def decode_bytes(
    data: bytes, declared: str | None = None, *, html: bool = False
) -> tuple[str, str]:
    """Decode `data`; returns the text and the codec used ("...+replace" when lossy)."""
    for bom, codec in _BOMS:
        if data.startswith(bom):
            return data[len(bom) :].decode(codec, errors="replace"), codec
    candidates = [_codec(declared)]
    if html:
        meta = _META_CHARSET.search(data[:4096])
        candidates.append(_codec(meta.group(1).decode("ascii", "ignore")) if meta else None)
    candidates.append("utf-8")
    for codec in candidates:
        text = _try(data, codec)
        if text is not None:
            return text, codec  # type: ignore[return-value]
    if _mostly_utf8(data):  # UTF-8 with a few broken bytes, not another encoding
        return data.decode("utf-8", errors="replace"), "utf-8+replace"
    detected = _detect(data[:200_000])
    text = _try(data, detected)
    if text is not None:
        return text, detected  # type: ignore[return-value]
    return data.decode("utf-8", errors="replace"), "utf-8+replace"
