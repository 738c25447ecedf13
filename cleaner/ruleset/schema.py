"""The rule-file schema: what a rule may say, validated strictly (unknown keys are errors)."""

from __future__ import annotations

import unicodedata
from enum import StrEnum
from typing import Annotated

import regex
from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    field_validator,
    model_validator,
)

from cleaner.ruleset.pattern_size import check_pattern_size
from cleaner.text import host_key

RuleId = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9._-]*$", max_length=80)]
def _site(value: str) -> str:
    """A site, read as a page's host is (`text.host_key`): lower case, without "www.",
    Unicode for an internationalised name written in punycode ("xn--bcher-kva.de")."""
    host = host_key(value.strip())
    if not host or any(char in host for char in " /:@?#") or host.startswith("."):
        raise ValueError(
            f"{value!r} is not a host name; write the site as example.com "
            "(no scheme, path or port)"
        )
    return host


#: A site a rule is scoped to: a host name (a subdomain, an IP address, "localhost"
#: and an internationalised name in either form too).
Domain = Annotated[str, AfterValidator(_site)]

#: Named regex groups a rule may capture; each becomes the metadata key of the same name
#: ("updated": `date` where the page states no date of publication, cleaner/steps/rules.py).
EXTRACTABLE_KEYS = frozenset({"url", "title", "site", "author", "date", "updated"})
MAX_PATTERN_LENGTH = 2000


class Extent(StrEnum):
    LINE = "line"  # the matching line only
    TO_END = "to-end"  # the matching line and everything after it (footers)
    FROM_START = "from-start"  # everything before it and the line itself (archive notices)


class PageType(StrEnum):
    """The page types of cleaner/page_type.py (WCXB's seven kinds of page)."""

    ARTICLE = "article"
    FORUM = "forum"
    PRODUCT = "product"
    COLLECTION = "collection"
    LISTING = "listing"
    DOCUMENTATION = "documentation"
    SERVICE = "service"


class Where(StrEnum):
    ANYWHERE = "anywhere"
    HEAD = "head"  # before the first prose paragraph
    TAIL = "tail"  # after the last prose paragraph
    NEAR_PROSE = "near-prose"  # within a few lines of a prose paragraph (bylines, datelines)


class Action(StrEnum):
    DROP = "drop"  # remove the line (named groups and `set` still fill metadata)
    KEEP = "keep"  # vouch for the line as content: no other rule or heuristic removes it
    STRIP = "strip"  # remove the matched text, keep the rest of the line (a caption's credit)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class RuleCase(_Strict):
    """One example a rule carries: a line it must drop, a line it must keep, or a document."""

    drop: str | None = None
    keep: str | None = None
    input: str | None = None
    output: str | None = None
    metadata: dict[str, str | None] | None = None
    url: str | None = None  # the document's address, for site-scoped rules
    page_type: PageType | None = None  # the document's page type, for type-scoped rules

    @model_validator(mode="after")
    def _one_kind(self) -> RuleCase:
        kinds = [k for k in ("drop", "keep", "input") if getattr(self, k) is not None]
        if len(kinds) != 1:
            raise ValueError("a test case has exactly one of 'drop', 'keep' or 'input'")
        if self.input is None and self.output is not None:
            raise ValueError("'output' goes with 'input'")
        if self.input is not None and self.output is None and self.metadata is None:
            raise ValueError("an 'input' case needs 'output' (the expected text) or 'metadata'")
        return self


def compile_pattern(pattern: str, case_sensitive: bool) -> regex.Pattern[str]:
    """A rule pattern, compiled with the `regex` module: its matches can be given a time
    bound, so a pattern that backtracks catastrophically cannot hang a run."""
    if len(pattern) > MAX_PATTERN_LENGTH:
        raise ValueError(f"pattern is longer than {MAX_PATTERN_LENGTH} characters")
    check_pattern_size(pattern)  # before the compiler recurses or unrolls without end
    try:
        return regex.compile(pattern, 0 if case_sensitive else regex.IGNORECASE)
    except regex.error as exc:
        raise ValueError(f"invalid regular expression: {exc}") from None


class RuleSpec(_Strict):
    """A rule as written in YAML. Exactly one matcher: `exact` or `regex`."""

    id: RuleId
    description: Annotated[str, Field(min_length=1)]
    exact: list[str] | None = None
    regex: str | None = None
    until: str | None = None
    case_sensitive: bool = False
    max_words: Annotated[int, Field(gt=0)] | None = None
    after_words: Annotated[int, Field(ge=0)] = 0  # fire only after this many words of prose
    extent: Extent = Extent.LINE
    where: Where = Where.ANYWHERE
    sites: list[Domain] | None = None
    # Fire only on pages of these types; a page of no known type (text input, or an HTML
    # page the classifier could not decide) counts as an article.
    page_types: Annotated[list[PageType], Field(min_length=1)] | None = None
    action: Action = Action.DROP
    set: dict[str, str] | None = None
    tests: Annotated[list[RuleCase], Field(min_length=1)]

    @field_validator("exact", mode="before")
    @classmethod
    def _exact_as_list(cls, value: object) -> object:
        return [value] if isinstance(value, str) else value

    @field_validator("exact")
    @classmethod
    def _exact_in_nfc(cls, value: list[str] | None) -> list[str] | None:
        """In NFC, as every line is (NormalizeStep): "Café" typed as e and a combining
        accent matches the page's é."""
        return None if value is None else [unicodedata.normalize("NFC", e) for e in value]

    @field_validator("regex", "until")
    @classmethod
    def _valid_regex(cls, value: str | None) -> str | None:
        if value is not None:
            value = unicodedata.normalize("NFC", value)  # as the lines it is matched with
            compile_pattern(value, True)
        return value

    @field_validator("set")
    @classmethod
    def _known_keys(cls, value: dict[str, str] | None) -> dict[str, str] | None:
        unknown = set(value or ()) - EXTRACTABLE_KEYS
        if unknown:
            raise ValueError(f"cannot set {sorted(unknown)}; allowed: {sorted(EXTRACTABLE_KEYS)}")
        from cleaner.dates import parse_date  # dateutil: only for rules that set a date

        for key in ("date", "updated"):
            if value and key in value and parse_date(str(value[key])) is None:
                raise ValueError(f"{key} {value[key]!r} is not a date; write it as 2021-03-03")
        return value

    @model_validator(mode="after")
    def _one_matcher(self) -> RuleSpec:
        if (self.exact is None) == (self.regex is None):
            raise ValueError("a rule has exactly one matcher: 'exact' (lines) or 'regex'")
        for name, pattern in (("regex", self.regex), ("until", self.until)):
            groups = set(regex.compile(pattern).groupindex) if pattern is not None else set()
            unknown = groups - EXTRACTABLE_KEYS
            if unknown:
                raise ValueError(
                    f"named groups {sorted(unknown)} in '{name}' are not metadata keys; "
                    f"use {sorted(EXTRACTABLE_KEYS)} or an unnamed group (?:...)"
                )
        if self.until is not None and self.extent is not Extent.LINE:
            raise ValueError("'until' makes a block; it cannot be combined with 'extent'")
        if self.action is Action.KEEP and (self.extent is not Extent.LINE or self.until):
            raise ValueError("a 'keep' rule vouches for single lines; drop 'extent'/'until'")
        if self.action is Action.STRIP and (
            self.regex is None or self.extent is not Extent.LINE or self.until
        ):
            raise ValueError(
                "a 'strip' rule removes what its 'regex' matches inside one line; "
                "give it a 'regex' and no 'extent'/'until' (to remove whole lines, use 'drop')"
            )
        return self


#: Rules whose removals sit inside articles (rules/classifier.yaml explains): what they
#: removed costs the main-block pass nothing.
INLINE_FURNITURE_RULES = (
    "ad-label",
    "*-ad-label",
    "photo-credit",
    "*-photo-credit",
    "agency-credit",
    "symbol-only-line",
    "byline",
    "dateline-stamp",
    "update-stamp",
    "read-more-link",
    "*-related-link",
    "*share*",
    "comment-prompt",
    "comment-count",
    "post-edited",
    "forum-quote-header",
    "forum-member-profile",
    "forum-post-links",
    "qa-post-chrome",
    "post-counter",
    "contents-header",
    "link-button",
)


class ClassifierSettings(_Strict):
    """Thresholds of the line classifier (rules/classifier.yaml documents each one)."""

    enabled: bool = True
    in_html: bool = False
    min_lines: Annotated[int, Field(ge=1)] = 3
    max_passes: Annotated[int, Field(ge=1)] = 5
    length_low: Annotated[int, Field(ge=1)] = 70
    length_high: Annotated[int, Field(ge=1)] = 200
    stopwords_low: Annotated[float, Field(ge=0, le=1)] = 0.30
    stopwords_high: Annotated[float, Field(ge=0, le=1)] = 0.32
    sentence_end_required: bool = False
    sentence_min_words: Annotated[int, Field(ge=1)] = 10
    headline_title_case: Annotated[float, Field(gt=0, le=1)] = 0.7
    max_short_run: Annotated[int, Field(ge=0)] = 3
    separator_max_length: Annotated[int, Field(ge=0)] = 200
    heading_distance: Annotated[int, Field(ge=0)] = 200
    cjk_length_factor: Annotated[float, Field(gt=0)] = 3.0
    min_article_words: Annotated[int, Field(ge=0)] = 50
    blurb_max_words: Annotated[int, Field(ge=0)] = 150
    blurb_max_share: Annotated[float, Field(ge=0, le=1)] = 0.05
    isolated_good_max_words: Annotated[int, Field(ge=0)] = 0
    card_min_prices: Annotated[int, Field(ge=0)] = 4
    card_max_gap: Annotated[int, Field(ge=1)] = 24
    card_line_max_words: Annotated[int, Field(ge=1)] = 25
    main_block: bool = True
    main_block_bad_weight: Annotated[float, Field(ge=0)] = 1.0
    main_block_min_penalty: Annotated[int, Field(ge=0)] = 10
    main_block_secondary: Annotated[float, Field(gt=0, le=1)] = 0.3
    main_block_secondary_before: Annotated[float, Field(gt=0, le=1)] = 0.1
    main_block_whole_page_types: list[PageType] = Field(
        default_factory=lambda: [PageType.FORUM, PageType.SERVICE]
    )
    main_block_between: Annotated[float, Field(gt=0)] = 0.4
    main_block_removed_cost: Annotated[float, Field(ge=0)] = 3.0
    main_block_removed_max_lines: Annotated[int, Field(ge=0)] = 3
    main_block_inline_rules: list[str] = Field(
        default_factory=lambda: list(INLINE_FURNITURE_RULES)
    )


class RuleFile(_Strict):
    """A YAML rule file: a list of rules (optionally sharing a site scope), and/or
    classifier thresholds that override the built-in ones key by key."""

    sites: list[Domain] | None = None
    rules: list[RuleSpec] = []
    classifier: dict[str, object] | None = None
