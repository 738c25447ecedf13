"""HTML output markup: plain text by default, markdown with --markup markdown (golden files).

Update the golden files after an intended change with:
    CLEANER_UPDATE_GOLDEN=1 pytest tests/test_markup.py
and review the diff before committing.
"""

from __future__ import annotations

import os
import shutil

import pytest
from helpers import FIXTURES

from cleaner import Config, run
from cleaner.markup import decode_blocks, encode_blocks

GOLDEN = FIXTURES / "golden" / "markup"
PAGE = FIXTURES / "html" / "markup.html"


def _output(tmp_path, markup: str) -> str:
    inputs = tmp_path / "in"
    inputs.mkdir()
    shutil.copy(PAGE, inputs / "markup.html")
    report = run([inputs], tmp_path / "out", Config(markup=markup))
    assert report.written == 1 and not report.failures
    return (tmp_path / "out" / "markup.txt").read_text(encoding="utf-8")


@pytest.mark.parametrize("markup", ["plain", "markdown"])
def test_output_matches_golden(tmp_path, markup) -> None:
    produced = _output(tmp_path, markup)
    golden = GOLDEN / f"markup.{'md' if markup == 'markdown' else 'txt'}"
    if os.environ.get("CLEANER_UPDATE_GOLDEN"):
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_text(produced, encoding="utf-8")
    assert produced == golden.read_text(encoding="utf-8")


def test_plain_text_has_no_markdown(tmp_path) -> None:
    text = _output(tmp_path, "plain")
    assert "cache.dir\t~/.cache/build\tWhere local entries are written\n" in text
    assert "\nLocal cache: a folder" in text  # a list item without its bullet
    assert "\nWhere the cache lives\n" in text  # a heading on its own line
    assert '    if branch == "main":\n        return True\n' in text  # code verbatim
    assert not any(mark in text for mark in ("| ", "- Local", "```", "# ", "|---"))


def test_markdown_has_headings_lists_tables_and_fences(tmp_path) -> None:
    text = _output(tmp_path, "markdown")
    assert "\n## Where the cache lives\n" in text
    assert "\n- Local cache: a folder" in text
    assert "| Setting | Default | Meaning |\n|---|---|---|\n| cache.dir |" in text
    assert '```\ndef should_push(branch):\n    if branch == "main":\n' in text


def test_stand_ins_in_a_page_are_not_read_as_breaks() -> None:
    encoded = encode_blocks("a\ue001b\ue003c")
    assert decode_blocks(encoded) == "abc"
    assert decode_blocks(encode_blocks("a\u241cb\u241ec")) == "a\nb\tc"


def test_cli_markup_option(tmp_path) -> None:
    from typer.testing import CliRunner

    from cleaner.cli import app

    inputs = tmp_path / "in"
    inputs.mkdir()
    shutil.copy(PAGE, inputs / "markup.html")
    result = CliRunner().invoke(
        app, ["run", "--markup", "markdown", str(inputs), str(tmp_path / "o")]
    )
    assert result.exit_code == 0, result.output
    assert "\n## Cache settings\n" in (tmp_path / "o" / "markup.txt").read_text(encoding="utf-8")
    bad = CliRunner().invoke(app, ["run", "--markup", "html", str(inputs), str(tmp_path / "p")])
    assert bad.exit_code != 0 and "markup" in bad.output


_INTRO = "<p>" + "This guide explains how to set the tool up, one step after another. " * 6 + "</p>"


def test_a_cell_s_lines_and_paragraphs_are_parted_by_a_space() -> None:
    from cleaner import Cleaner

    table = (
        "<table><tr><th>Item</th><th>Notes</th></tr>"
        "<tr><td>Coffee</td><td>small cup<br>large mug</td></tr>"
        "<tr><td>Tea</td><td><p>green leaf</p><p>black leaf</p></td></tr>"
        "<tr><td>Cake</td><td>from <b>$5</b>.00</td></tr></table>"
    )
    page = f"<html><body><article><h1>Price list</h1>{_INTRO}{table}{_INTRO}</article></body></html>"
    text = Cleaner(Config()).clean_html(page, url="https://example.com/prices").text
    assert "\nCoffee\tsmall cup large mug\n" in text
    assert "\nTea\tgreen leaf black leaf\n" in text
    assert "\nCake\tfrom $5.00\n" in text  # inline markup parts nothing


@pytest.mark.parametrize("markup", ["plain", "markdown"])
def test_a_code_block_keeps_its_blank_lines(markup: str) -> None:
    from cleaner import Cleaner

    code = "<pre><code>[server]\nport = 80\n\n[client]\nretries = 3</code></pre>"
    page = f"<html><body><main><h1>Config guide</h1>{_INTRO}{code}{_INTRO}</main></body></html>"
    cleaner = Cleaner(Config(markup=markup))
    text = cleaner.clean_html(page, url="https://example.com/docs/config").text
    assert "[server]\nport = 80\n\n[client]\nretries = 3\n" in text


def _page(body: str, markup: str) -> str:
    from cleaner import Cleaner

    page = f"<html><body><main><h1>Config guide</h1>{_INTRO}{body}{_INTRO}</main></body></html>"
    return Cleaner(Config(markup=markup)).clean_html(page, url="https://example.com/docs").text


@pytest.mark.parametrize("markup", ["plain", "markdown"])
def test_a_code_block_keeps_its_tabs(markup: str) -> None:
    """Spaces were kept, tabs became spaces."""
    assert "if x:\n\treturn 1\n" in _page("<pre><code>if x:\n\treturn 1</code></pre>", markup)


def test_a_markdown_table_without_header_cells_gets_its_separator_row() -> None:
    """With no <th> row it had none: two '| … |' lines, no table in GitHub's markdown."""
    table = (
        "<table><tr><td><code>int</code></td><td>accepts positive integers</td></tr>"
        "<tr><td><code>path</code></td><td>accepts slashes</td></tr></table>"
    )
    text = _page(table, "markdown")
    assert "| `int` | accepts positive integers |\n|---|---|\n| `path` | accepts slashes |" in text


def test_inline_code_in_a_plain_cell_is_words_of_its_sentence() -> None:
    """'server , location': inline code parted its cell's text as a block does."""
    table = "<table><tr><th>Context:</th><td><code>server</code>, <code>location</code></td></tr></table>"
    assert "\nContext:\tserver, location\n" in _page(table, "plain")


@pytest.mark.parametrize("markup", ["plain", "markdown"])
def test_a_code_block_after_inline_code_starts_a_line_of_its_own(markup: str) -> None:
    """It was glued to the inline code before it ("ebuild --helpusage: ..."), and in
    markdown its opening fence too, which then never closed and took the page."""
    body = (
        "<p>Usage summary:</p><div><code>root #</code><code>ebuild --help</code></div>"
        "<pre><code>usage: ebuild file\n\noptions:\n  -h, --help   show this help</code></pre>"
    )
    text = _page(body, markup)
    block = "usage: ebuild file\n\noptions:\n  -h, --help   show this help\n"
    assert ("```\n" + block + "```\n" if markup == "markdown" else "\n\n" + block) in text
    assert text.count("```") in (0, 2)


def test_a_paragraph_that_opens_with_a_pipe_is_no_table() -> None:
    text = encode_blocks("| Posted by admin | 3 comments and a long sentence after it.", True)
    assert "---" not in text


@pytest.mark.parametrize("markup", ["plain", "markdown"])
def test_a_blockquote_broken_in_the_source_is_one_paragraph(markup: str) -> None:
    """trafilatura keeps a <blockquote>'s source line breaks: each line was a paragraph of
    its own, a quoted sentence cut in three."""
    quote = (
        "<blockquote>\n  We will build the new harbour\n  by the end of next year, and\n"
        "  the town will benefit.\n</blockquote>"
    )
    text = _page(quote, markup)
    assert "\n\nWe will build the new harbour by the end of next year, and the town will " in text


@pytest.mark.parametrize("markup", ["plain", "markdown"])
def test_preformatted_text_is_one_block_of_its_lines(markup: str) -> None:
    """A <pre> that does not look like code (a forum post's pasted output) becomes a
    quote in trafilatura: its lines were paragraphs apart; it is a block now, fenced in
    markdown."""
    block = "$ uname -a\nLinux box 5.10.0 x86_64\n$ python3 --version\nPython 3.11.7\n"
    text = _page(f"<div><p>What the machine says:</p><pre>{block}</pre></div>", markup)
    assert ("```\n" + block + "```\n" if markup == "markdown" else "\n\n" + block) in text


def test_only_quotes_that_were_flowing_blockquotes_lose_their_line_breaks() -> None:
    """A forum quote (`<blockquote><div><cite>X wrote:</cite>…`) keeps the break trafilatura
    puts between its header and the quoted post: only a <blockquote> of text and inline
    markup flows as one paragraph."""
    from lxml import etree
    from lxml.html import fromstring

    from cleaner.markup import flowing_quotes, quote_markup

    page = fromstring(
        "<div><blockquote>We will build\n  the <b>new</b> harbour</blockquote>"
        "<blockquote><div><cite>bonesly wrote:</cite> Having some cash\nis fine</div></blockquote>"
        "</div>"
    )
    body = etree.fromstring(
        "<body><quote>We will build\n  the <hi>new</hi> harbour</quote>"
        "<quote>bonesly wrote:\nHaving some cash\nis fine</quote></body>"
    )
    quote_markup(body, flowing_quotes(page))
    assert ["".join(e.itertext()) for e in body] == [
        "We will build the new harbour",
        "bonesly wrote:\nHaving some cash\nis fine",
    ]


@pytest.mark.parametrize("markup", ["plain", "markdown"])
def test_preformatted_text_in_a_list_item_keeps_its_lines(markup: str) -> None:
    """trafilatura trims a list item's text: a <pre> in one came out on one line."""
    block = "$ ./build.sh\nerror: missing file config.yaml\nexit status 2\n"
    text = _page(f"<ul><li>Run the build script:<pre>{block}</pre></li></ul>", markup)
    assert ("```\n" + block + "```\n" if markup == "markdown" else "\n\n" + block) in text


@pytest.mark.parametrize("code", ["<pre>{}</pre>", "<pre><code>{}</code></pre>"])
def test_preformatted_text_in_a_table_cell_stays_in_its_cell(code: str) -> None:
    """A code block cannot be in a one-line cell: it was a fence in the middle of the row.
    In a layout table, which trafilatura unwraps, it is a block as anywhere else."""
    cell = code.format("Linux box\nx86_64")
    table = f"<table><tr><td>uname</td><td>{cell}</td></tr></table>"
    text = _page(table, "markdown")
    assert "| uname | `Linux box x86_64` |" in text and "```" not in text
    assert "\nuname\tLinux box x86_64\n" in _page(table, "plain")


@pytest.mark.parametrize("markup", ["plain", "markdown"])
def test_preformatted_text_in_a_layout_table_is_a_block(markup: str) -> None:
    """trafilatura unwraps a page laid out in a table: its <pre> is a block there too."""
    from cleaner import Cleaner

    block = "$ ./build.sh\nerror: missing file config.yaml\nexit status 2\n"
    article = f"<article><h1>Build notes</h1>{_INTRO}<p>The output is:</p><pre>{block}</pre>{_INTRO}</article>"
    page = (
        '<html><body><table width="100%"><tr><td width="150"><a href="/">Home</a><br>'
        f'<a href="/about">About</a></td><td>{article}</td></tr></table></body></html>'
    )
    text = Cleaner(Config(markup=markup)).clean_html(page, url="https://site.example/notes").text
    assert ("```\n" + block + "```\n" if markup == "markdown" else "\n\n" + block) in text


@pytest.mark.parametrize("markup", ["plain", "markdown"])
def test_a_blockquote_with_inline_code_flows_too(markup: str) -> None:
    quote = "<blockquote>Run <code>make</code> to build\n  the app, then\n  <kbd>Ctrl-C</kbd>.</blockquote>"
    tick = "`" if markup == "markdown" else ""
    assert f"Run {tick}make{tick} to build the app, then {tick}Ctrl-C{tick}." in _page(quote, markup)
