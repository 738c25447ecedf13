"""The YAML rules, applied line by line with their scope and extent.

"Head" and "tail" are defined by the text, not by line counts: the head is what comes
before the first prose paragraph, the tail what comes after the last one. Removing
furniture does not move those boundaries, so cleaning clean output changes nothing.

Rules that take every line to the end ("to-end") or from the start ("from-start") never
take the whole article: the article's blocks are found as the classifier finds them
(cleaner.blocks: prose lines score their words, other lines cost theirs, at least 10),
and a "to-end" rule does not fire above the first block, nor right above a run of
paragraphs (PARAGRAPH_RUN prose lines in a row, starting within BLOCK_NEXT_LINES lines);
a "from-start" rule likewise below. A comment count beside the byline ("11 Comments")
takes nothing with it, whatever prose came before it. Elsewhere `after_words` is the
guard: a comment thread (names, dates, votes between the comments) often outweighs a
short article, so the blocks alone cannot tell them apart.
"""

from __future__ import annotations

from bisect import bisect_left
from contextlib import suppress
from urllib.parse import urlsplit

import regex

from cleaner.blocks import blocks
from cleaner.dates import parse_date
from cleaner.document import Document, Line
from cleaner.ruleset.loader import RuleSet
from cleaner.ruleset.matcher import Match, RuleMatcher
from cleaner.ruleset.rule import MATCH_TIMEOUT, Rule
from cleaner.ruleset.schema import Action, Extent, Where
from cleaner.steps.base import Setup, Step
from cleaner.steps.normalize import normalize_line
from cleaner.text import host_key, word_count

MAX_SELECTIONS = 10_000  # (page type, site) rule selections a step remembers
#: Rounds of the rules on a document while a round cuts a part out of a line (`_strip`).
MAX_CUT_ROUNDS = 3
_Selection = tuple[list[Rule], list[Rule], RuleMatcher]
MAX_VALUES = 10_000  # captured metadata values a step remembers, cleaned
MAX_BLOCK_LINES = 30  # a block rule's end must come within this many lines of its start
#: `where: near-prose`: at most this many kept lines from a prose paragraph. A byline or a
#: dateline sits next to the article's text, a menu's "By Use Case" does not.
NEAR_PROSE_LINES = 8
#: The article's blocks: a line that is not prose costs at least this many words, and a
#: block beside the densest one counts when it scores this share of it (the classifier's
#: main_block_min_penalty and main_block_secondary).
BLOCK_MIN_PENALTY = 10
BLOCK_SECONDARY = 0.5
#: A run of this many paragraphs that begins within BLOCK_NEXT_LINES lines below a
#: "to-end" rule's line (ends above a "from-start" one's) is the article beside it: a
#: comment thread starts with names and dates, an article under its byline with prose.
BLOCK_NEXT_LINES = 2
PARAGRAPH_RUN = 3
_URL_TRAILING = ".,;:!?)]}'\""
#: A named group `updated` holds the date a page says it was updated: it becomes `date`
#: only when the page states no date of publication (WCXB dev's gold dates are the
#: dates pages show, often only an "Updated" one).
UPDATED = "updated"
#: Words of section headings and labels, never of a person's name: a captured author
#: holding one ("Recent Posts", "Industry Insights", "Last Updated") is none.
NOT_NAME_WORDS = frozenset((
    "updated", "published", "posted", "modified", "reviewed", "written", "read", "share",
    "follow", "home", "news", "recent", "latest", "popular", "related", "featured", "trending",
    "top", "best", "posts", "articles", "stories", "insights", "blog", "sponsored", "more",
    "guide", "tips", "contact", "about", "services", "products", "events", "comments", "menu",
    "subscribe", "newsletter",
))  # fmt: skip
_NAME_END_DOT = regex.compile(r"\p{Ll}{2}\.$")  # "Cobb." but not "Jr." or "H.G."


def site_domain(url: str | None) -> str | None:
    """The host of a URL, lower-case, without "www." and with punycode in Unicode (as a
    rule's `sites` are read); tolerates a missing scheme."""
    if not url:
        return None
    try:
        host = urlsplit(url if "//" in url else "//" + url).hostname
    except ValueError:  # "http://[::1": an archive holds such addresses; it has no site
        return None
    if not host:
        return None
    return host_key(host.rstrip("."))


def metadata_value(key: str, raw: str) -> str | None:
    """Clean a captured value; dates become ISO 8601 or nothing."""
    value = " ".join(raw.split())
    if key == "date":
        return parse_date(value)
    if key == "url":
        value = value.rstrip(_URL_TRAILING)
    if key == "author" and _NAME_END_DOT.search(value):
        value = value[:-1]  # "By Jeff Cobb. Last updated...": the sentence's full stop
    if key == "author" and NOT_NAME_WORDS.intersection(value.casefold().split()):
        return None  # a section heading where a name was looked for ("Recent Posts")
    return value or None


class RulesStep(Step):
    """Applies a rule set to every document."""

    name = "rules"
    settles = True

    def __init__(self, ruleset: RuleSet, prose_min_words: int = 12) -> None:
        super().__init__()
        self.ruleset = ruleset
        self.prose_min_words = prose_min_words
        self._matchers: dict[tuple[str, ...], RuleMatcher] = {}
        #: (page type, site) -> the rules of that page type, and of those the ones for
        #: that site: the same few selections serve every document.
        self._selections: dict[tuple[str | None, str | None], _Selection] = {}
        self._values: dict[tuple[str, str], str | None] = {}  # see _value

    @classmethod
    def from_setup(cls, setup: Setup) -> RulesStep:
        return cls(setup.ruleset, prose_min_words=setup.config.prose_min_words)

    def __getstate__(self) -> dict[str, object]:
        """Sent to a worker without its matchers (RE2 sets do not pickle): rebuilt there."""
        return {**super().__getstate__(), "_matchers": {}, "_selections": {}, "_values": {}}

    def _value(self, key: str, raw: str) -> str | None:
        """`metadata_value(key, raw)`, remembered: the same dates recur on a page (each
        comment's) and across pages, and dateutil reads each twice."""
        if (key, raw) in self._values:
            return self._values[(key, raw)]
        if len(self._values) >= MAX_VALUES:
            self._values.clear()
        found = self._values[(key, raw)] = metadata_value(key, raw)
        return found

    def _select(self, page_type: str | None, domain: str | None) -> _Selection:
        """The rules of a page type, those of them for a site, and their matcher."""
        key = (page_type, domain)
        selection = self._selections.get(key)
        if selection is None:
            if len(self._selections) >= MAX_SELECTIONS:
                self._selections.clear()
            rules = [r for r in self.ruleset.rules if r.applies_to_page_type(page_type)]
            for_site = [rule for rule in rules if rule.applies_to_site(domain)]
            selection = (rules, for_site, self._matcher(for_site))
            self._selections[key] = selection
        return selection

    def process(self, doc: Document) -> None:
        domain = site_domain(doc.metadata.get("url"))
        page_type = doc.metadata.get("page_type")
        rules, for_site, matcher = self._select(page_type, domain)
        for _ in range(MAX_CUT_ROUNDS):
            before = len(doc.removals)
            self.apply(doc, for_site, matcher)
            # A `strip` rule's cut leaves a new line: what is left is matched again
            # ("Advertisement Click To Tweet" -> "Advertisement", itself furniture).
            if all(removal.whole for removal in doc.removals[before:]):
                break
        found = site_domain(doc.metadata.get("url"))
        if found != domain:
            # A rule read the page's address from the text: that site's rules get their turn.
            site_rules = [r for r in rules if r.sites and r.applies_to_site(found)]
            if site_rules:
                self.apply(doc, site_rules)
        if doc.metadata.get("date") is None:  # no date of publication: the update's, if any
            doc.set_meta("date", self.memo(doc).get(UPDATED))

    def apply(self, doc: Document, rules: list[Rule], matcher: RuleMatcher | None = None) -> None:
        lines = doc.kept
        if matcher is None:
            matcher = self._matcher(rules)
        # The rules run again while other steps remove lines (UntilStable): a line's
        # matches depend only on its text, so later rounds only redo the scopes.
        known = self.memo(doc).setdefault(id(matcher), {})
        min_words = self.prose_min_words
        found = []
        for line in lines:
            key = (line.number, line.text)
            entry = known.get(key)
            if entry is None:
                line_matches = matcher.matches(line.text)
                words = line.prose_words(min_words)
                drops = any(rule.drops for rule, _ in line_matches)
                # (matches, prose words, words, prose words unless a drop rule matches)
                entry = known[key] = (
                    line_matches, words, len(line.words()), 0 if drops else words
                )
            found.append(entry)
        matches: list[list[Match]] = [entry[0] for entry in found]
        prose_words: list[int] = [entry[1] for entry in found]
        kept_prose = [entry[3] for entry in found]
        self._note_timeouts(doc, matcher)
        head_end, tail_start, prose_before = self._prose_bounds(kept_prose)
        article = self._article_blocks(kept_prose, [entry[2] for entry in found])
        matched = [index for index, line_matches in enumerate(matches) if line_matches]
        prose_lines: list[int] | None = None
        for index in matched:
            if any(rule.spec.action is Action.KEEP for rule, _ in matches[index]):
                lines[index].content = True
        for index in matched:
            for rule, match in matches[index]:
                if rule.where is Where.HEAD and index >= head_end:
                    continue
                if rule.where is Where.TAIL and index <= tail_start:
                    continue
                if prose_before[index] < rule.spec.after_words:
                    continue
                if rule.where is Where.NEAR_PROSE:
                    if prose_lines is None:
                        prose_lines = [i for i, words in enumerate(kept_prose) if words]
                    if not self._near(prose_lines, index):
                        continue
                if self._takes_article(rule, index, article, prose_words):
                    continue
                self._fire(doc, lines, index, rule, match, matcher)
        self._note_timeouts(doc, matcher)  # `until` patterns count as their rule's

    @staticmethod
    def _note_timeouts(doc: Document, matcher: RuleMatcher) -> None:
        for rule_id in matcher.last_timeouts:
            doc.rule_timeouts.append(rule_id)
            doc.warnings.append(
                f"rule {rule_id} gave up on a line after {MATCH_TIMEOUT}s "
                "(a pattern that backtracks without end?); the line was kept"
            )
        matcher.last_timeouts.clear()

    def _matcher(self, rules: list[Rule]) -> RuleMatcher:
        """One matcher per distinct rule selection (all rules, or those of one site)."""
        key = tuple([rule.spec.id for rule in rules])
        matcher = self._matchers.get(key)
        if matcher is None:
            matcher = self._matchers[key] = RuleMatcher(rules)
        return matcher

    @staticmethod
    def _prose_bounds(kept_prose: list[int]) -> tuple[int, int, list[int]]:
        """Index of the first and last prose line that no drop rule matches, and the words
        of such prose before each line (`kept_prose`: a line's prose words, 0 where a drop
        rule matches it)."""
        before, total, first, last = [], 0, len(kept_prose), -1
        for i, words in enumerate(kept_prose):
            before.append(total)
            if words:
                total += words
                first, last = min(first, i), i
        return first, last, before

    @staticmethod
    def _near(prose_lines: list[int], index: int) -> bool:
        """Whether a line is within NEAR_PROSE_LINES of a prose line (any line is, in a
        text without prose: there the whole text is its head)."""
        if not prose_lines:
            return True
        at = bisect_left(prose_lines, index)
        nearest = [prose_lines[i] for i in (at - 1, at) if 0 <= i < len(prose_lines)]
        return min(abs(line - index) for line in nearest) <= NEAR_PROSE_LINES

    @staticmethod
    def _article_blocks(kept_prose: list[int], word_counts: list[int]) -> list[tuple[int, int]]:
        """(first, last) of the article's blocks: prose that no drop rule matches scores
        its words, any other line costs its words, at least BLOCK_MIN_PENALTY."""
        scores = [
            float(words) if words else -float(max(count, BLOCK_MIN_PENALTY))
            for words, count in zip(kept_prose, word_counts, strict=True)
        ]
        return blocks(scores, BLOCK_SECONDARY)

    @staticmethod
    def _takes_article(
        rule: Rule, index: int, article: list[tuple[int, int]], prose_words: list[int]
    ) -> bool:
        """Whether a rule reaching to the end (from the start) would take every block of
        the article, or a run of paragraphs that begins right below (ends right above) its
        line: the article under a byline's "11 Comments"."""
        if not article:
            return False
        if rule.extent is Extent.TO_END:
            if index < article[0][0]:
                return True
            near = range(index + 1, min(index + 1 + BLOCK_NEXT_LINES, len(prose_words)))
            run = range(0, PARAGRAPH_RUN)
        elif rule.extent is Extent.FROM_START:
            if index > article[-1][1]:
                return True
            near = range(index - 1, max(index - 1 - BLOCK_NEXT_LINES, -1), -1)
            run = range(0, -PARAGRAPH_RUN, -1)
        else:
            return False
        return any(
            all(0 <= i + k < len(prose_words) and prose_words[i + k] for k in run) for i in near
        )

    def _fire(
        self,
        doc: Document,
        lines: list[Line],
        index: int,
        rule: Rule,
        match: regex.Match[str] | bool,
        matcher: RuleMatcher,
    ) -> None:
        if (
            isinstance(match, regex.Match)
            and rule.spec.action is Action.STRIP
            and match.start() == match.end()
        ):
            return  # a strip pattern that can match nothing ("(…)?$") cut nothing
        span = self._span(lines, index, rule, matcher)
        if span is None:
            return
        doc.rules_fired.add((rule.id, lines[index].number))
        found = [match]
        if rule.until is not None and rule.until.groupindex:
            with suppress(TimeoutError):  # the line matched within the bound a moment ago
                end_text = lines[span[1]].text
                found.append(rule.until.search(end_text, timeout=MATCH_TIMEOUT) or False)
        for each in found:
            if isinstance(each, regex.Match):
                for key, raw in each.groupdict().items():
                    if raw and key == UPDATED:
                        self.memo(doc).setdefault(UPDATED, self._value("date", raw))
                    elif raw:
                        doc.set_meta(key, self._value(key, raw))
        for key, value in (rule.spec.set or {}).items():  # read as a captured value is
            if key == UPDATED:
                self.memo(doc).setdefault(UPDATED, self._value("date", value))
            else:
                doc.set_meta(key, self._value(key, value))
        if rule.spec.action is Action.STRIP and isinstance(match, regex.Match):
            self._strip(doc, lines[index], rule, match)
            return
        if not rule.drops:
            return
        start, end = span
        reason = ""
        if (start, end) != (index, index):
            kind = "block" if rule.until is not None else rule.extent.value
            reason = f"{kind} from line {lines[start].number} to line {lines[end].number}"
        for line in lines[start : end + 1]:
            if not line.content:
                doc.drop(line, step=self.name, rule=rule.id, reason=reason)

    def _strip(self, doc: Document, line: Line, rule: Rule, match: regex.Match[str]) -> None:
        """Takes what a `strip` rule matched out of the line; a line left with no word
        goes whole. A line another rule changed since the match waits for the next round
        (`process` runs the rules again after a cut)."""
        if line.removed or line.content or match.string != line.text:
            return
        start, end = match.span()
        rest = normalize_line(f"{line.text[:start]} {line.text[end:]}")
        if not word_count(rest):
            doc.drop(line, step=self.name, rule=rule.id)
            return
        doc.cut(line, rest, line.text[start:end].strip(), step=self.name, rule=rule.id)

    @staticmethod
    def _span(
        lines: list[Line], index: int, rule: Rule, matcher: RuleMatcher
    ) -> tuple[int, int] | None:
        """The lines a firing rule covers, or None when a block has no end."""
        if rule.until is not None:
            # An end that reads a value (named groups: "By" above "Jane Smith") is the
            # next line or none: a value further down belongs to something else.
            reach = 1 if rule.until.groupindex else MAX_BLOCK_LINES
            last = min(len(lines) - 1, index + reach)
            for end in range(index + 1, last + 1):
                ended = matcher.until_matches(rule, lines[end].text)
                if ended is None:
                    return None  # a block whose end cannot be found in time is not a block
                if ended:
                    return index, end
            return None
        if rule.extent is Extent.TO_END:
            return index, len(lines) - 1
        if rule.extent is Extent.FROM_START:
            return 0, index
        return index, index
