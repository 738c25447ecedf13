"""A screenshot of the HTML run report of the seeds, for the docs (docs/report.png).

Cleans seeds/ into a temporary folder, writes its report, opens it in headless Chromium
(Debian's /usr/bin/chromium, driven by Playwright; nothing is downloaded), expands the
document with the most removals near its top and saves the summary, the chart and that
document in one picture. tests/test_html_report.py launches the browser the same way.

    python bench/report_screenshot.py [--png docs/report.png] [--html report.html]
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
from pathlib import Path
from typing import Any

from cleaner import Config, run
from cleaner.html_report import DocumentView, load_run, write_html_report

ROOT = Path(__file__).resolve().parents[1]
VIEWPORT = {"width": 1280, "height": 900}
#: Headless and quiet: no sandbox (root in a container), no GPU, and no background
#: traffic, since the machines this runs on have no outside network.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def find_chromium() -> str | None:
    """The system Chromium (`apt-get install chromium`), or None."""
    return shutil.which("chromium") or shutil.which("chromium-browser")


def launch_chromium(playwright: Any) -> Any:
    """A headless browser of the system Chromium (never Playwright's own download)."""
    executable = find_chromium()
    if executable is None:
        raise SystemExit("no chromium on PATH: apt-get install -y chromium")
    return playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)


def showcase(documents: list[DocumentView], top_lines: int = 15) -> int:
    """Index of the document with the most removed lines among its first `top_lines`."""
    scores = [sum(not line.kept for line in doc.lines[:top_lines]) for doc in documents]
    return max(range(len(scores)), key=lambda i: (scores[i], -i))


def screenshot(html: Path, png: Path, document: int, below: int = 440) -> None:
    """Save the page from its top to `below` pixels past the top of document `document`."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        page = browser.new_page(viewport=VIEWPORT)
        page.goto(html.resolve().as_uri())
        details = page.locator(f"#doc-{document}")
        details.evaluate("element => { element.open = true; }")
        top = details.evaluate("element => element.getBoundingClientRect().top + scrollY")
        clip = {"x": 0, "y": 0, "width": VIEWPORT["width"], "height": top + below}
        page.screenshot(path=str(png), clip=clip, full_page=True)
        browser.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--png", type=Path, default=ROOT / "docs" / "report.png")
    parser.add_argument("--html", type=Path, help="also keep the HTML report here")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "seeds_out"
        run([ROOT / "seeds"], out, Config())
        html = args.html or Path(tmp) / "report.html"
        write_html_report(out, html)
        document = showcase(load_run(out).documents)
        args.png.parent.mkdir(parents=True, exist_ok=True)
        screenshot(html, args.png, document)
    print(f"{args.png}: {args.png.stat().st_size:,} bytes")


if __name__ == "__main__":
    main()
