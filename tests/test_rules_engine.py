"""How rules fire: extents, blocks, head/tail scope, sites, keep, metadata."""

from __future__ import annotations

from helpers import write_rules

from cleaner import Cleaner, Config, clean_text, load_rules

PROSE = "The ministers met in Geneva on Friday and agreed to continue the talks next week."


def cleaner_with(tmp_path, rules_yaml: str) -> Cleaner:
    folder = write_rules(tmp_path / "rules", rules_yaml)
    return Cleaner(Config(rules=(folder,), builtin_rules=False))


def rule(body: str, rule_id: str = "r") -> str:
    indented = "\n".join("    " + line for line in body.strip().splitlines())
    return (
        f"rules:\n  - id: {rule_id}\n    description: test rule\n{indented}\n"
        "    tests:\n      - keep: nothing to see here\n"
    )


def kept(doc) -> list[str]:
    return [line.text for line in doc.kept]


def test_to_end_drops_the_footer(tmp_path) -> None:
    c = cleaner_with(tmp_path, rule("exact: Recent Posts\nextent: to-end\nwhere: tail"))
    doc = c.clean_text(f"{PROSE}\n\nRecent Posts\nOne\nTwo")
    assert kept(doc) == [PROSE]
    assert [r.reason for r in doc.removals] == ["to-end from line 3 to line 5"] * 3


def test_tail_rule_does_not_fire_before_the_last_prose(tmp_path) -> None:
    c = cleaner_with(tmp_path, rule("exact: Recent Posts\nextent: to-end\nwhere: tail"))
    other = "Officials said a second round of talks could begin before the end of the month."
    doc = c.clean_text(f"Recent Posts\n\n{PROSE}\n\n{other}")
    assert len(kept(doc)) == 3


def test_from_start_drops_everything_above(tmp_path) -> None:
    c = cleaner_with(tmp_path, rule("regex: ^archived copy\nextent: from-start\nwhere: head"))
    doc = c.clean_text(f"Refresh\nMenu\nArchived copy of the page\n{PROSE}")
    assert kept(doc) == [PROSE]


def test_head_rule_ignores_lines_after_the_first_prose(tmp_path) -> None:
    c = cleaner_with(tmp_path, rule("exact: Advertisement\nwhere: head"))
    doc = c.clean_text(f"Advertisement\n{PROSE}\nAdvertisement")
    assert kept(doc) == [PROSE, "Advertisement"]


def test_block_until(tmp_path) -> None:
    c = cleaner_with(tmp_path, rule("regex: ^begin promo\nuntil: ^end promo"))
    doc = c.clean_text(f"{PROSE}\nBegin promo\nBuy things\nEnd promo\nAfter")
    assert kept(doc) == [PROSE, "After"]


def test_block_without_end_drops_nothing(tmp_path) -> None:
    c = cleaner_with(tmp_path, rule("regex: ^begin promo\nuntil: ^end promo"))
    doc = c.clean_text(f"{PROSE}\nBegin promo\nBuy things")
    assert kept(doc) == [PROSE, "Begin promo", "Buy things"]


def test_an_until_that_reads_a_value_ends_on_the_next_line(tmp_path) -> None:
    """Named groups in `until` fill metadata like the rule's own, and such a block is
    the line and the next one or nothing."""
    body = "regex: ^By$\nuntil: ^(?P<author>[A-Z]\\w+ [A-Z]\\w+)$\ncase_sensitive: true"
    c = cleaner_with(tmp_path, rule(body))
    doc = c.clean_text(f"By\nJane Smith\n{PROSE}")
    assert kept(doc) == [PROSE]
    assert doc.metadata["author"] == "Jane Smith"
    doc = c.clean_text(f"By\nthe river\nJane Smith\n{PROSE}")
    assert kept(doc) == ["By", "the river", "Jane Smith", PROSE]
    assert doc.metadata["author"] is None


def test_keep_rule_protects_a_line_from_other_rules(tmp_path) -> None:
    rules_yaml = (
        rule("exact: Recent Posts\nextent: to-end\nwhere: tail", "footer")
        + rule("exact: Two\naction: keep", "keep-two").split("rules:\n", 1)[1]
    )
    c = cleaner_with(tmp_path, rules_yaml)
    doc = c.clean_text(f"{PROSE}\n\nRecent Posts\nOne\nTwo")
    assert kept(doc) == [PROSE, "Two"]


def test_strip_rule_takes_the_match_out_of_the_line_and_records_it(tmp_path) -> None:
    c = cleaner_with(tmp_path, rule("regex: '\\s*\\(image: [^()]+\\)$'\naction: strip"))
    caption = "Protesters gather in the square outside the ministry on Friday"
    doc = c.clean_text(f"{PROSE}\n\n{caption} (Image: GETTY)\n\n(Image: Reuters)")
    assert kept(doc) == [PROSE, caption]  # the caption stays; a credit alone goes whole
    assert [(r.rule, r.text, r.line) for r in doc.removals] == [
        ("r", "(Image: GETTY)", 3),
        ("r", "(Image: Reuters)", 5),
    ]
    again = c.clean_text(doc.text)  # cleaning clean text changes nothing
    assert kept(again) == kept(doc) and not again.removals


def test_what_a_strip_leaves_is_matched_again(tmp_path) -> None:
    """A cut makes a new line: the rules run on it again ("Advertisement Click To Tweet"
    is an ad label once the button's text is out), so cleaning the output changes
    nothing more."""
    rules = rule("regex: '\\s*Click To Tweet$'\naction: strip", "tweet") + rule(
        "exact: Advertisement", "ad"
    ).removeprefix("rules:\n")
    c = cleaner_with(tmp_path, rules)
    later = "The delegates will meet again in Vienna next month to sign the final text."
    doc = c.clean_text(
        f"{PROSE}\n\nAdvertisement Click To Tweet\n\n{later} Click To Tweet Click To Tweet"
    )
    assert kept(doc) == [PROSE, later]
    assert [r.rule for r in doc.removals] == ["tweet", "tweet", "ad", "tweet"]
    assert not c.clean_text(doc.text).removals


def test_a_line_a_rule_only_cut_is_not_counted_as_furniture() -> None:
    """A pull quote with its "Click To Tweet" cut, then removed as a repeat of the
    paragraph it quotes, stood in the article: the article goes on after it."""
    sentence = (
        "The town council said that it would not be able to pay for the repairs to the old "
        "bridge until the end of the year."
    )
    first = " ".join([
        sentence,
        "Many of the people who live in the village have been waiting for the work to start "
        "since the flood in the spring of last year.",
        "They say that the road is now too narrow for the buses and that the children have "
        "to walk to school in the rain.",
        "The mayor told us that she was sorry for the delay and that she would do what she "
        "could to find the money for it.",
    ])  # fmt: skip
    last = (
        "She also said that the work on the school roof would be done before the winter, as "
        "it was planned in the spring."
    )
    text = "\n\n".join(
        ["Bridge Repairs Delayed Until Next Year", first, sentence + " Click To Tweet", last]
    )
    doc = Cleaner(Config()).clean_text(text)
    assert last in doc.text


def test_max_words_limits_a_rule_to_short_lines(tmp_path) -> None:
    c = cleaner_with(tmp_path, rule("regex: newsletter\nmax_words: 5"))
    doc = c.clean_text(f"Get our newsletter\n{PROSE} The newsletter said so.")
    assert len(kept(doc)) == 1 and kept(doc)[0].startswith("The ministers")


def test_site_scoped_rule_needs_the_site(tmp_path) -> None:
    c = cleaner_with(tmp_path, rule("exact: Weekly digest\nsites: [example.com]"))
    assert kept(c.clean_text(f"Weekly digest\n{PROSE}")) == ["Weekly digest", PROSE]
    assert kept(c.clean_text(f"Weekly digest\n{PROSE}", url="https://www.example.com/a")) == [PROSE]
    assert kept(c.clean_text(f"Weekly digest\n{PROSE}", url="https://news.example.com/a")) == [
        PROSE
    ]
    assert len(kept(c.clean_text(f"Weekly digest\n{PROSE}", url="https://notexample.com/"))) == 2


def test_url_found_in_text_brings_in_that_sites_rules(tmp_path) -> None:
    rules_yaml = (
        rule("regex: '^Archived from (?P<url>\\S+)$'", "archived")
        + rule("exact: Weekly digest\nsites: [example.com]", "digest").split("rules:\n", 1)[1]
    )
    c = cleaner_with(tmp_path, rules_yaml)
    doc = c.clean_text(f"Archived from example.com/story\nWeekly digest\n{PROSE}")
    assert doc.metadata["url"] == "example.com/story"
    assert kept(doc) == [PROSE]


def test_extraction_does_not_override_metadata_already_known(tmp_path) -> None:
    c = cleaner_with(tmp_path, rule("regex: '^Archived from (?P<url>\\S+)$'"))
    doc = c.clean_text(f"Archived from example.com/a\n{PROSE}", url="https://real.example/x")
    assert doc.metadata["url"] == "https://real.example/x"


def test_every_removal_names_a_rule(cleaner) -> None:
    doc = cleaner.clean_text(
        f"Skip to main content\nHeadline of the day\n{PROSE}\n{PROSE}\nAdd new comment"
    )
    assert kept(doc) == ["Headline of the day", PROSE]
    assert [(r.rule, r.line) for r in doc.removals] == [
        ("skip-link", 1),
        ("comment-prompt", 5),
        ("dedup:repeat", 4),
    ]


def test_builtin_rules_catch_variants_on_other_sites(cleaner) -> None:
    page = "\n".join(
        [
            "Jump to navigation",
            "Storm hits the coast",
            PROSE,
            "Leave a Reply",
            "Subscribe to our newsletter",
            "Get the latest news delivered to your inbox",
            "Share this:",
            "Click to share on Facebook (Opens in new window)",
            "Related Articles",
            "© 2021 Coastal News Ltd. All rights reserved.",
        ]
    )
    assert kept(cleaner.clean_text(page)) == ["Storm hits the coast", PROSE]


def test_clean_text_library_entry_point() -> None:
    doc = clean_text(f"Headline here\n\n{PROSE}\n\nAdd new comment")
    assert doc.text == f"Headline here\n\n{PROSE}\n"
    assert doc.metadata["title"] == "Headline here"
    assert doc.removals[0].rule == "comment-prompt"


def test_disabling_builtins_leaves_text_alone() -> None:
    empty = load_rules(builtin=False)
    doc = Cleaner(ruleset=empty).clean_text(f"Add new comment\n{PROSE}")
    assert kept(doc) == ["Add new comment", PROSE]


def test_a_site_is_read_as_a_page_s_host_is(tmp_path) -> None:
    """`sites` is compared with the page's host as `site_domain` gives it: lower case,
    without "www." or a final dot, an internationalised name in either form; an IP
    address and "localhost" are sites too."""
    import pytest

    from cleaner.errors import RuleError

    scoped = {
        "www.Example.com": "https://EXAMPLE.COM./a",
        "xn--bcher-kva.de": "https://bücher.de/a",
        "bücher.de": "https://xn--bcher-kva.de/a",
        "192.168.0.12": "http://192.168.0.12:8080/p",
        "localhost": "http://localhost:8000/p",
    }
    for site, url in scoped.items():
        c = cleaner_with(tmp_path / site, rule(f"exact: Example footer\nsites: ['{site}']"))
        doc = c.clean_text(f"{PROSE}\n\nExample footer", url=url)
        assert kept(doc) == [PROSE], site
        assert kept(c.clean_text(f"{PROSE}\n\nExample footer", url="https://other.org/a")) == [
            PROSE,
            "Example footer",
        ]
    with pytest.raises(RuleError, match="'localhost:8080' is not a host name"):
        cleaner_with(tmp_path / "port", rule("exact: Example footer\nsites: ['localhost:8080']"))


def test_a_rule_written_in_decomposed_unicode_matches_the_page(tmp_path) -> None:
    """Lines are NFC (NormalizeStep), and so are a rule's `exact` entries and patterns:
    "Café" typed as e plus a combining accent (NFD, as some editors save it) matches."""
    nfd = "Cafe\u0301 menu"
    c = cleaner_with(tmp_path / "e", rule(f"exact: '{nfd}'"))
    assert kept(c.clean_text(f"{PROSE}\n\nCafé menu")) == [PROSE]
    c = cleaner_with(tmp_path / "r", rule(f"regex: '^{nfd} du jour$'"))
    assert kept(c.clean_text(f"{PROSE}\n\nCafé menu du jour")) == [PROSE]
