"""A product page's own account of the product: the description and specifications its
schema.org JSON-LD states.

Shops often render the description and the specification table with scripts, or behind
tabs the extractor leaves out, while the JSON-LD `Product` object carries them for search
engines. `product_lines` returns them as text lines (the description's paragraphs, one
"name: value" line per `additionalProperty`), for cleaner/combine.py to add the ones the
extracted text lacks. A page whose JSON-LD describes several different products (a
category page, a list of related items) gives none: which one is the page's is unknown.
"""

from __future__ import annotations

import re
from html import unescape
from urllib.parse import unquote

from lxml.html import HtmlElement

from cleaner.page_fields import json_ld

#: schema.org types of a product (their subtypes included, lower-cased).
PRODUCT_TYPES = frozenset({"product", "productgroup", "individualproduct", "productmodel"})
MAX_SPECS = 50
_TAG = re.compile(r"<[^>]{0,500}>")
_BREAK = re.compile(r"<\s*(?:br|/p|/li|/div|/h\d)\s*/?>|\n", re.I)
_SPACES = re.compile(r"[ \t\r\f\v\u00a0]+")


def _types(node: dict) -> set[str]:
    kind = node.get("@type")
    names = kind if isinstance(kind, list) else [kind]
    return {name.rsplit("/", 1)[-1].casefold() for name in names if isinstance(name, str)}


def _decoded(value: str) -> str:
    """The text a JSON-LD value means: percent-encoding undone when the whole value is
    encoded (no spaces, "%20" between its words), HTML entities decoded, twice when they
    were escaped twice ("&amp;amp;")."""
    if "%20" in value and " " not in value:
        value = unquote(value)
    value = unescape(value)
    return unescape(value) if "&" in value else value


def _text_lines(value: str) -> list[str]:
    """A JSON-LD text value as lines: decoded, its HTML tags dropped (block ends break
    lines), blank lines gone."""
    lines = _TAG.sub(" ", _BREAK.sub("\n", _decoded(value)))
    return [line for raw in lines.split("\n") if (line := _SPACES.sub(" ", raw).strip())]


def _specs(node: dict) -> list[str]:
    """`additionalProperty` entries (schema.org PropertyValue) as "name: value" lines."""
    found = node.get("additionalProperty")
    entries = found if isinstance(found, list) else [found]
    lines = []
    for entry in entries[:MAX_SPECS]:
        if not isinstance(entry, dict):
            continue
        name, value = entry.get("name"), entry.get("value")
        if isinstance(name, str) and isinstance(value, (str, int, float)) and name.strip():
            lines.append(f"{_SPACES.sub(' ', _decoded(name)).strip()}: {_decoded(str(value))}")
    return lines


def product_lines(tree: HtmlElement) -> list[str]:
    """The description and specifications of the one product the page's JSON-LD describes
    (variants of it, which share its name, count as one), or [] when it describes none,
    several, or states neither."""
    products = [node for node in json_ld(tree) if _types(node) & PRODUCT_TYPES]
    names = {
        node["name"].strip().casefold() for node in products if isinstance(node.get("name"), str)
    }
    if len(names) > 1:
        return []
    lines: list[str] = []
    for node in products:
        description = node.get("description")
        if isinstance(description, str):
            lines.extend(line for line in _text_lines(description) if line not in lines)
        lines.extend(line for line in _specs(node) if line not in lines)
    return lines
