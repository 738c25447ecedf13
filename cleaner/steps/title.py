"""The headline: the first line left after the rules, when it is shaped like one.

It becomes the `title` metadata. In the text the line is judged like any other: a
headline right above the article stays as its heading, while a page title that menus
separate from the article (html-text and browser dumps start with the page's <title>)
goes with them, as HTML extraction leaves the title out of the text. Later copies of
the title go, so it is never printed twice.

A page title often carries the site's name: "What is Cloud Computing? | Google Cloud",
"BBC News - Home". The `title` metadata leaves out a part after the last separator
(" | ", " - ", " – ", " — ", " • ", " · ", " :: ", " » ", " / ") when it names the site,
and does so again while the next last part does ("Healthy Eating Tips | Nutrition |
CDC"): a part names the site when it is the `site` value, the address's domain (or
holds its name, "Accruent" for accruent.com, or begins with a short one, "BBC News" for
bbc.co.uk), is shaped like a domain itself, or, for the last part only, appears again
elsewhere on the page (a logo, a copyright line: a site's name recurs on its pages, a
headline's ending seldom does), or follows a bar (" | ", " • ", " · ", " » ", " :: ")
and has at most four words: a bar parts a headline from a site or section name ("Data
Analytics Agency | Punto Rojo"), a dash sometimes from its own subtitle. But when a run
of the title's parts is a line of the page by itself (the headline above the article),
that line is the title ("How to Book a Flight | Trip Blog" above "How to Book a
Flight"). A first part is left out only when it names the site ("BBC News - ..."), as a
headline's opening words often recur in its article. On WCXB dev's 1,497 dumps (gold:
the pages' <h1>) the title was right on 0.564 of them before the headline and bar
parts, 0.625 after (bench/text_metadata.py).
"""

from __future__ import annotations

import re

from cleaner.document import Document
from cleaner.steps.base import Step
from cleaner.steps.rules import site_domain
from cleaner.text import word_count

MAX_TITLE_WORDS = 30
MAX_TITLE_CHARS = 250
_NOT_A_HEADLINE_END = frozenset(".,;:。．｡，；：、")  # a full stop or a label's end, any width
_TITLE_SEPARATOR = re.compile(r"\s+(?:[|•·–—»/]|-{1,2}|::)\s+")
_DOMAIN_SHAPED = re.compile(r"(?:[\w-]+\.)+[a-z]{2,}")
_NOT_LETTERS = re.compile(r"[\W_]+")
#: A last part after one of these is a site or section name up to this many words
#: ("Data Analytics Agency | Punto Rojo"); after a dash it may be the headline's own
#: ("Star Wars - Episode IV").
BAR_SEPARATORS = frozenset({"|", "•", "·", "»", "::"})
MAX_BAR_SITE_WORDS = 4
MAX_SITE_WORDS = 6  # a site's name is short; a longer last part is the headline's own
MIN_DOMAIN_NAME = 4  # a shorter domain name ("ft", "bbc") could be any word's letters...
MIN_SHORT_NAME = 3  # ...but a part may begin with one ("BBC News")
MIN_RECURRING = 3  # letters of a last part that counts as a site name by recurring
_SECOND_LEVEL = frozenset({"co", "com", "org", "net", "gov", "ac", "edu", "ne", "or", "gv"})


def looks_like_headline(text: str) -> bool:
    """Short, not ending like a sentence or a label, not starting mid-sentence."""
    words = word_count(text)
    first_letter = next((ch for ch in text if ch.isalpha()), "")
    return (
        2 <= words <= MAX_TITLE_WORDS
        and len(text) <= MAX_TITLE_CHARS
        and text[-1] not in _NOT_A_HEADLINE_END
        and not first_letter.islower()
    )


def _letters(text: str) -> str:
    return _NOT_LETTERS.sub("", text.casefold())


def registered_domain(domain: str) -> str:
    """The part of a domain its owner registered: "bbc.co.uk" for news.bbc.co.uk, "cnn.com"
    for edition.cnn.com (second-level labels such as "co" and "com" taken in)."""
    labels = domain.casefold().split(".")
    keep = 2
    while keep < len(labels) and labels[-keep] in _SECOND_LEVEL:
        keep += 1
    return ".".join(labels[-keep:])


def domain_name(domain: str) -> str:
    """The name in a domain: "bbc" in news.bbc.co.uk, "accruent" in accruent.com."""
    if "." not in domain:
        return ""
    return _letters(registered_domain(domain).split(".", 1)[0])


def names_site(part: str, site: str | None, domain: str | None) -> bool:
    """Whether a part of a title is the site's name: its `site` value, its domain, a
    name that holds the domain's name, or a domain itself."""
    letters = _letters(part)
    if not letters:
        return False
    if site and _letters(site) == letters:
        return True
    if domain:
        name = domain_name(domain)
        if letters in _letters(domain) or (len(name) >= MIN_DOMAIN_NAME and name in letters):
            return True
        if len(name) >= MIN_SHORT_NAME and letters.startswith(name):  # "BBC News", bbc.co.uk
            return True
    return _DOMAIN_SHAPED.fullmatch(part.strip().casefold()) is not None


def strip_site(title: str, site: str | None, domain: str | None, page: str = "") -> str:
    """The title without the parts that name the site (see the module's docstring);
    `page` is the rest of the page's text, case-folded, where a site name recurs."""
    parts = _TITLE_SEPARATOR.split(title)
    if len(parts) < 2:
        return title
    separators = _TITLE_SEPARATOR.findall(title)
    start, end = 0, len(parts)

    def recurs(part: str) -> bool:
        return (
            len(part.split()) <= MAX_SITE_WORDS
            and len(_letters(part)) >= MIN_RECURRING
            and part.casefold() in page
        )

    def after_bar(index: int) -> bool:
        return (
            separators[index - 1].strip() in BAR_SEPARATORS
            and len(parts[index].split()) <= MAX_BAR_SITE_WORDS
        )

    while end - start > 1 and (
        names_site(parts[end - 1], site, domain) or recurs(parts[end - 1]) or after_bar(end - 1)
    ):
        end -= 1
    while end - start > 1 and names_site(parts[start], site, domain):
        start += 1
    kept = parts[start]
    for separator, part in zip(separators[start : end - 1], parts[start + 1 : end], strict=True):
        kept += separator + part
    return kept


def headline_on_page(title: str, lines: set[str]) -> str | None:
    """The longest run of the title's parts (not all of them) that is a line of the page
    by itself: the page's own headline ("How to Book a Flight | Trip Blog" above a line
    "How to Book a Flight"), whichever end the site's name takes."""
    parts = _TITLE_SEPARATOR.split(title)
    if len(parts) < 2:
        return None
    separators = _TITLE_SEPARATOR.findall(title)
    best: str | None = None
    for start in range(len(parts)):
        run = parts[start]
        for end in range(start + 1, len(parts) + 1):
            if end > start + 1:
                run += separators[end - 2] + parts[end - 1]
            whole = end - start == len(parts)
            if not whole and word_count(run) >= 2 and run.casefold() in lines:
                best = run if best is None or len(run) > len(best) else best
    return best


class TitleStep(Step):
    """Sets `title` from the first kept line when no better source (HTML) has set it."""

    name = "title"

    def process(self, doc: Document) -> None:
        if doc.metadata.get("title"):
            return
        kept = doc.kept
        if len(kept) >= 2 and looks_like_headline(kept[0].text):
            title = kept[0].text
            others = [line.text for line in doc.lines if line.text != title]
            headline = headline_on_page(title, {text.strip().casefold() for text in others})
            doc.title_guessed = True
            if headline is not None:
                doc.metadata["title"] = headline
                return
            page = "\n".join(others).casefold()
            domain = site_domain(doc.metadata.get("url"))
            doc.metadata["title"] = strip_site(title, doc.metadata.get("site"), domain, page)
