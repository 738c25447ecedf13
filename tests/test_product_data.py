"""cleaner/product_data.py: a product page's JSON-LD description and specifications."""

from __future__ import annotations

import json

from lxml.html import fromstring

from cleaner import Cleaner, Config
from cleaner.product_data import product_lines
from cleaner.readers.text import document_from_bytes


def _page(*objects: object, body: str = "<p>Buy now</p>") -> str:
    scripts = "".join(
        f'<script type="application/ld+json">{json.dumps(obj)}</script>' for obj in objects
    )
    return f"<html><head>{scripts}</head><body>{body}</body></html>"


def test_description_paragraphs_and_specifications_become_lines() -> None:
    product = {
        "@context": "https://schema.org",
        "@type": "Product",
        "name": "Oak Stool",
        "description": "<p>A stool of solid oak.</p><p>Oiled, not varnished &amp; stackable.</p>",
        "additionalProperty": [
            {"@type": "PropertyValue", "name": "Height", "value": "45 cm"},
            {"@type": "PropertyValue", "name": "Weight", "value": 3.5},
            {"@type": "PropertyValue", "name": "Broken"},
        ],
    }
    assert product_lines(fromstring(_page(product))) == [
        "A stool of solid oak.",
        "Oiled, not varnished & stackable.",
        "Height: 45 cm",
        "Weight: 3.5",
    ]


def test_encoded_descriptions_are_decoded() -> None:
    encoded = {"@type": "Product", "name": "Lamp", "description": "A%20brass%20lamp%20for%20desks."}
    assert product_lines(fromstring(_page(encoded))) == ["A brass lamp for desks."]
    twice = {"@type": "Product", "name": "Lamp", "description": "Indoor &amp;amp; outdoor"}
    assert product_lines(fromstring(_page(twice))) == ["Indoor & outdoor"]


def test_several_products_or_none_give_nothing() -> None:
    one = {"@type": "Product", "name": "Oak Stool", "description": "A stool of solid oak."}
    other = {"@type": "Product", "name": "Pine Bench", "description": "A bench of pine."}
    assert product_lines(fromstring(_page(one, other))) == []
    article = {"@type": "Article", "headline": "News", "description": "Not a product."}
    assert product_lines(fromstring(_page(article))) == []
    broken = '<script type="application/ld+json">{"@type": "Product",</script>'
    assert product_lines(fromstring(f"<html><head>{broken}</head><body></body></html>")) == []


def test_variants_of_one_product_count_once() -> None:
    graph = {
        "@graph": [
            {"@type": "Product", "name": "Oak Stool", "description": "A stool of solid oak."},
            {"@type": "Product", "name": "oak stool ", "description": "A stool of solid oak."},
        ]
    }
    assert product_lines(fromstring(_page(graph))) == ["A stool of solid oak."]


SHOP_PAGE = """
<h1>Oak Stool</h1>
<div class="product-summary">
<p>Our oak stool is made by hand in a small workshop, from timber of local forests that are
managed for the long term. Each stool is sanded three times and oiled by hand.</p>
<p>It is sturdy enough for a workshop and handsome enough for a kitchen counter.</p>
</div>
<div class="price">$120.00</div>
"""
SHOP_PRODUCT = {
    "@context": "https://schema.org",
    "@type": "Product",
    "name": "Oak Stool",
    "description": "The seat is carved from a single board so that it never splits at a glue joint.",
    "offers": {"@type": "Offer", "price": "120.00", "priceCurrency": "USD"},
}


def test_a_product_page_gets_the_description_its_text_lacks() -> None:
    html = _page(SHOP_PRODUCT, body=SHOP_PAGE).encode()
    doc = document_from_bytes("stool", "https://shop.example/products/oak-stool", html, html=True)
    doc.metadata["url"] = "https://shop.example/products/oak-stool"
    doc = Cleaner(Config()).clean(doc)
    assert doc.metadata["page_type"] == "product"
    assert "carved from a single board" in doc.text
    assert "sanded three times" in doc.text
    assert doc.text.count("sanded three times") == 1
