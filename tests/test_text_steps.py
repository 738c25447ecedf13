"""Normalization, self-repeats, repeated lines, titles, dates and language."""

from __future__ import annotations

import unicodedata

import pytest
from helpers import ROOT
from hypothesis import example, given, settings
from hypothesis import strategies as st
from langdetect.detector_factory import PROFILES_DIRECTORY, DetectorFactory
from langdetect.lang_detect_exception import LangDetectException

from cleaner.dates import parse_date
from cleaner.document import Document
from cleaner.langdetect_numpy import NumpyDetectorFactory
from cleaner.steps.language import LanguageStep
from cleaner.steps.near_repeats import NearRepeatStep
from cleaner.steps.normalize import NormalizeStep, normalize_line, normalize_text
from cleaner.steps.repeats import RepeatedLineStep, self_repeat_half
from cleaner.steps.title import looks_like_headline


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("a\u00a0b", "a b"),
        ("a\u200bb\u2060c\ufeff", "abc"),
        ("a   b\t\tc ", "a b c"),
        ("  lead and trail  ", "lead and trail"),
        ("soft\u00adhyphen", "softhyphen"),
        ("ctrl\x07char", "ctrlchar"),
        ("\u202fnarrow", "narrow"),
        ("zwj\u200dkept", "zwj\u200dkept"),
        ("\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645", "\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645"),
        ("\u200d", ""),  # an empty paragraph's joiner alone: nothing to join
        (" \u200c \u200d ", ""),
    ],
)
def test_normalize_line(raw, clean) -> None:
    assert normalize_line(raw) == clean


def test_normalize_splits_lines_and_keeps_their_numbers() -> None:
    doc = Document("d", "d", "Cafe\u0301\r\n\r\n\u00a0\r\nsecond\rthird\u2028fourth")
    NormalizeStep()(doc)
    assert [(line.text, line.number) for line in doc.lines] == [
        ("Café", 1),
        ("second", 4),
        ("third", 5),
        ("fourth", 6),
    ]
    assert doc.lines[0].text == "Caf\u00e9"  # NFC


def test_line_words_follow_its_text() -> None:
    doc = Document("d", "d", "Share this: Share this")
    NormalizeStep()(doc)
    line = doc.lines[0]
    assert line.folded_words() == ["share", "this", "share", "this"]
    doc.cut(line, "Share this:", " Share this", step="dedup", rule="dedup:self-repeat")
    assert line.words() == ["Share", "this"]
    assert line.folded_words() == ["share", "this"]
    line.text = "Über alles"  # set directly, as a step may
    assert doc.folded_words() == ["über", "alles"]


def test_normalize_repairs_mojibake() -> None:
    doc = Document("d", "d", "The caf\u00c3\u00a9 said \u00e2\u20ac\u0153hello\u00e2\u20ac\u009d")
    NormalizeStep()(doc)
    assert doc.lines[0].text == "The café said “hello”"


@pytest.mark.parametrize(
    ("line", "half"),
    [
        (
            "A caption that was pasted twice.A caption that was pasted twice.",
            "A caption that was pasted twice.",
        ),
        ("Title of the story\tTitle of the story", "Title of the story"),
        ("Title of the story Title of the story", "Title of the story"),
        ("Title of the story.Title of the story", "Title of the story"),
        ("Title of the story | Title of the story", "Title of the story"),
        ("ha ha", None),
        ("no no no no no no no no", None),
        ("A line that is different.A line that is not the same.", None),
    ],
)
def test_self_repeat_half(line, half) -> None:
    assert self_repeat_half(line) == half


def _dedup(lines: list[str], title: str | None = None) -> list[str]:
    doc = Document("d", "d", "\n".join(lines))
    NormalizeStep()(doc)
    doc.metadata["title"] = title
    RepeatedLineStep(min_words=4, distant_min_words=20)(doc)
    return [line.text for line in doc.kept]


def test_back_to_back_repeats_keep_the_first_copy() -> None:
    para = "The same paragraph appears here twice in the page."
    assert _dedup([para, para.upper(), para.rstrip("."), "other"]) == [para, "other"]


def test_distant_repeats_go_only_when_long() -> None:
    short = "Where did you grow up, and why?"  # the same question to each interviewee
    long = (
        "This paragraph is long enough to be a pasted copy rather than a recurring "
        "line of structure, so the second copy of it goes."
    )
    lines = [short, "First answer.", short, "Second answer.", long, "Middle.", long]
    assert _dedup(lines) == [short, "First answer.", short, "Second answer.", long, "Middle."]


PARAMETER = (
    "The amount to charge, a positive integer in the smallest currency unit, for example "
    "100 cents to charge 1.00 USD, or 100 to charge 100 JPY, a currency without decimals."
)


def _reference_page(html: str | None, page_type: str | None) -> list[str]:
    lines = ["Create a charge", PARAMETER, "Retrieve a charge", PARAMETER, "Next", "Next"]
    doc = Document("d", "d", "\n".join(lines), html=html)
    doc.metadata["page_type"] = page_type
    NormalizeStep()(doc)
    RepeatedLineStep(min_words=1, distant_min_words=20)(doc)
    return [line.text for line in doc.kept]


def test_documentation_pages_keep_a_description_stated_again_further_down() -> None:
    kept = _reference_page("<html></html>", "documentation")
    assert kept == ["Create a charge", PARAMETER, "Retrieve a charge", PARAMETER, "Next"]


def test_other_pages_and_text_dumps_drop_distant_repeats() -> None:
    without = ["Create a charge", PARAMETER, "Retrieve a charge", "Next"]
    assert _reference_page("<html></html>", "article") == without
    assert _reference_page("<html></html>", None) == without
    assert _reference_page(None, "documentation") == without


def test_short_lines_may_repeat_but_the_title_may_not() -> None:
    assert _dedup(["Yes.", "Yes.", "Big News", "Big News"], title="Big News") == [
        "Yes.",
        "Yes.",
        "Big News",
    ]


@pytest.mark.parametrize(
    ("text", "headline"),
    [
        ("Iran, Russia, Syria Reinforce Anti-Terror Cooperation", True),
        ("Is this the end of the euro?", True),
        ("The ministers met on Friday.", False),
        ("Tags:", False),
        ("continued from the previous page", False),
        ("Single", False),
    ],
)
def test_looks_like_headline(text, headline) -> None:
    assert looks_like_headline(text) is headline


@pytest.mark.parametrize(
    ("text", "iso"),
    [
        ("5 September 2017 21:21 (UTC +04:00)", "2017-09-05T21:21:00+04:00"),
        ("Oct 28, 2016", "2016-10-28"),
        ("March 3, 2019 10:15 GMT-5", "2019-03-03T10:15:00-05:00"),
        ("Sep. 5", None),  # no year: never guessed
        ("03/04/2019", None),  # day and month ambiguous
        ("25/03/2019", "2019-03-25"),
        ("no date", None),
        ("Nov. 19, 2019 10:15 AM EST", "2019-11-19"),  # unknown zone name: the day only
    ],
)
def test_parse_date(text, iso) -> None:
    assert parse_date(text) == iso


@settings(max_examples=300, deadline=None)
@given(st.integers(0, 9999), st.integers(0, 13), st.integers(0, 32))
def test_iso_days_read_without_dateutil_as_dateutil_reads_them(year, month, day) -> None:
    from cleaner.dates import _parse_stated_date

    text = f"{year:04d}-{month:02d}-{day:02d}"
    assert parse_date(text) == _parse_stated_date(text)


@pytest.mark.parametrize(
    ("text", "language"),
    [
        (
            "Die Minister trafen sich am Freitag in Genf und vereinbarten, die Gespräche "
            "in der nächsten Woche fortzusetzen.",
            "de",
        ),
        (
            "Les ministres se sont réunis vendredi à Genève et ont convenu de poursuivre "
            "les discussions la semaine prochaine.",
            "fr",
        ),
        (
            "Министры встретились в пятницу в Женеве и договорились продолжить переговоры "
            "на следующей неделе.",
            "ru",
        ),
    ],
)
def test_language_is_detected_and_reproducible(text, language) -> None:
    results = set()
    for _ in range(3):
        doc = Document("d", "d", text)
        NormalizeStep()(doc)
        LanguageStep(seed=0)(doc)
        results.add((doc.metadata["language"], doc.metadata["language_confidence"]))
    assert len(results) == 1 and next(iter(results))[0] == language


LANGUAGE_SAMPLES = [
    *(path.read_text(encoding="utf-8") for path in sorted((ROOT / "seeds").glob("*.txt"))),
    *(path.read_text(encoding="utf-8") for path in sorted((ROOT / "fixtures" / "dumps").glob("*.txt"))),
    "Los ministros se reunieron el viernes en Ginebra y acordaron continuar las conversaciones.",
    "東京で金曜日に会議が開かれ、来週も協議を続けることで合意した。",
    "12 34 ... 56",  # no letters: both raise
]


@pytest.fixture(scope="module")
def detector_factories() -> tuple[DetectorFactory, NumpyDetectorFactory]:
    stock, ours = DetectorFactory(), NumpyDetectorFactory()
    for factory in (stock, ours):
        factory.load_profile(PROFILES_DIRECTORY)
        factory.set_seed(0)
    return stock, ours


@pytest.mark.parametrize("trials", [1, 3, 7])
def test_numpy_detector_gives_langdetects_probabilities_exactly(detector_factories, trials):
    def detect(factory: DetectorFactory, text: str) -> list[tuple[str, float]] | str:
        detector = factory.create()
        detector.n_trial = trials
        detector.append(text[:2000])
        try:
            return [(found.lang, found.prob) for found in detector.get_probabilities()]
        except LangDetectException as error:
            return str(error)

    stock, ours = detector_factories
    answers = [(detect(stock, text), detect(ours, text)) for text in LANGUAGE_SAMPLES]
    assert all(mine == theirs for theirs, mine in answers)
    # The sums of every trial, before sorting and rounding hide a difference in the last bit.
    for text in LANGUAGE_SAMPLES[:-1]:
        mine, theirs = ours.create(), stock.create()
        for detector in (mine, theirs):
            detector.n_trial = trials
            detector.append(text[:2000])
            detector.get_probabilities()
        assert list(map(float, mine.langprob)) == list(map(float, theirs.langprob))
    assert all(type(prob) is float for _, mine in answers[:3] for _, prob in mine)
    assert len({mine[0][0] for _, mine in answers if not isinstance(mine, str)}) >= 3
    assert isinstance(answers[-1][1], str)


#: Every branch of langdetect's character handling: capitals, space runs, URLs and mail
#: addresses, Latin-1 exclusions, Romanian and Vietnamese letters, Farsi yeh, CJK, kana,
#: Bopomofo, Hangul, and Latin letters inside another script.
LANGDETECT_ALPHABET = (
    "aeinrstAEINRST  \n.,'-_@/:[]^`0"
    "éüßæøñ×÷¡¿ ș ț ơ ư ạ ả ế ỳ ی ي ع ב ש"
    "российский ελληνικά 中文漢字 ひらがな カタカナ ㄅㄆ 한국어"
)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.one_of(
            st.text(alphabet=LANGDETECT_ALPHABET, max_size=40),
            st.sampled_from(["http://example.com/a?b=1", "ann.lee@example.org", "NATO"]),
        ),
        max_size=12,
    )
)
def test_numpy_detector_reads_text_as_langdetect_does(detector_factories, pieces) -> None:
    """The whole-string append, cleaning and n-grams are langdetect's, character for
    character, on any text."""
    stock, ours = detector_factories
    text = "".join(pieces)
    mine, theirs = ours.create(), stock.create()
    for detector in (mine, theirs):
        detector.append(text)
        detector.cleaning_text()
    assert mine.text == theirs.text
    assert mine._extract_ngrams() == theirs._extract_ngrams()


def test_too_little_text_has_no_language() -> None:
    doc = Document("d", "d", "12 34 ...")
    NormalizeStep()(doc)
    LanguageStep()(doc)
    assert "language" not in doc.metadata


MOJIBAKE_ALPHABET = "aZ .,\n\t’“”–—…éÃÂâ€™œšŸ¢£ÐÑВГРСвЂаα°µ×²³√≈‚Äà¹ΒΓ\x85\x9d«»¡¿ØÙ"
LINE_MOJIBAKE_ALPHABET = MOJIBAKE_ALPHABET.replace("\n", "") + "\x91¬ß"


@settings(max_examples=400, deadline=None)
@given(st.lists(st.text(alphabet=LINE_MOJIBAKE_ALPHABET, max_size=12), min_size=1, max_size=4))
def test_a_lines_normal_form_does_not_depend_on_the_lines_around(lines) -> None:
    """Removing lines must not change how the others normalize, or cleaning clean output
    would change it (seen: "¬ß" kept beside "\x91", repaired to "§" once alone)."""
    whole = normalize_text("\n".join(lines)).split("\n")
    assert [normalize_text(line) for line in whole] == whole


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet=MOJIBAKE_ALPHABET, max_size=60), st.text(alphabet="ab cd.\n", max_size=80))
@example("Â ", "\n")  # "^" holds at the start of the second line, not of the text
def test_windowed_mojibake_test_agrees_with_ftfy(fragment, padding) -> None:
    """The test near non-ASCII characters only finds what ftfy's test finds on the
    whole text, with "^" read at every line start (what one line alone would give)."""
    from ftfy.badness import is_bad

    from cleaner.steps.normalize import _BADNESS_BY_LINE, looks_like_mojibake

    long_gap = padding * 3
    for text in (
        fragment,
        padding + fragment,
        fragment + long_gap + fragment,
        long_gap + fragment + padding,
    ):
        whole_text = _BADNESS_BY_LINE.search(text) is not None
        assert looks_like_mojibake(text) == whole_text, repr(text)
        if "\n" not in text:
            assert whole_text == is_bad(text), repr(text)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="a \n\r\t\x0b\x0c\x85\u00a0\u1680\u2003\u200b\u202f\u2028\u2029\u3000\ufeff\u00ad\u180e\u2060e\u0301"))
def test_canonical_characters_fast_path_agrees_with_the_substitutions(text) -> None:
    from cleaner.steps import normalize

    expected = normalize._LINE_BREAKS.sub("\n", unicodedata.normalize("NFC", text))
    expected = normalize._INVISIBLE.sub("", normalize._ODD_SPACES.sub(" ", expected))
    assert normalize._canonical_characters(text) == expected


def _characters_of(item: tuple) -> set[str] | None:
    """The characters one element of a parsed pattern matches, if it is a plain set."""
    from re import _constants as sre

    op, arg = item
    if op is sre.LITERAL:
        return {chr(arg)}
    if op is not sre.IN:
        return None
    found: set[str] = set()
    for kind, value in arg:
        if kind is sre.LITERAL:
            found.add(chr(value))
        elif kind is sre.RANGE:
            found.update(map(chr, range(value[0], value[1] + 1)))
        else:  # a negated set or a category: not a plain set
            return None
    return found


def test_every_mojibake_pattern_needs_an_anchor_character() -> None:
    """The mojibake test looks only near `_MOJIBAKE_ANCHOR` characters: each alternative
    of ftfy's pattern (read from ftfy itself, so a new ftfy release is checked too) must
    need one, or mojibake made of ordinary characters alone would go unseen."""
    from re import _constants as sre
    from re import _parser

    from ftfy.badness import BADNESS_RE

    from cleaner.steps.normalize import _MOJIBAKE_ANCHOR

    (op, (_, alternatives)), *rest = _parser.parse(BADNESS_RE.pattern, BADNESS_RE.flags)
    assert op is sre.BRANCH and not rest
    assert len(alternatives) > 30
    for alternative in alternatives:
        needs_anchor = any(
            chars and all(_MOJIBAKE_ANCHOR.match(char) for char in chars)
            for chars in map(_characters_of, alternative)
        )
        assert needs_anchor, alternative
    assert not _MOJIBAKE_ANCHOR.search("plain ASCII, “quotes” – dashes… ’ and лучше")


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet="ab \t\n\r\x0b\x0c\x1c\x85\u00a0\u2003\u2028\u200b\x00é", max_size=20))
def test_line_key_fast_path_agrees_with_the_regex(text) -> None:
    import re

    from cleaner.text import line_key

    assert line_key(text) == re.sub(r"\s+", " ", text).strip().casefold()



def test_line_key_drops_direction_marks_at_the_ends_only() -> None:
    """A consent dialog's "List of IAB Vendors\u200e" is the exact line a rule names;
    a mark between words is part of the text."""
    from cleaner.text import line_key

    assert line_key("List of IAB Vendors\u200e") == "list of iab vendors"
    assert line_key("\u200f Always Active \u061c") == "always active"
    assert line_key("x\u200e y") == "x\u200e y"


NEAR_BASES = [
    "the council met on tuesday evening to discuss the budget of the public library",
    "residents asked for the reading room to open on sundays again this year",
    "a decision is expected next month after the finance committee looked at the costs",
]


def near_copy(base: int, cut: int, credit: bool) -> str:
    """A base sentence with one word left out (cut past the end: none), maybe a credit."""
    words = [w for i, w in enumerate(NEAR_BASES[base].split()) if i != cut]
    return " ".join(words + (["photo", "reuters"] if credit else []))


#: Paragraphs that are one of three base sentences or a near copy of one.
NEAR_COPIES = st.builds(near_copy, st.integers(0, 2), st.integers(0, 20), st.booleans())


@settings(max_examples=200, deadline=None)
@given(
    paragraphs=st.lists(NEAR_COPIES, min_size=2, max_size=10),
    removed_by_others=st.sets(st.integers(0, 9)),
)
def test_near_repeats_settle_in_one_run(paragraphs: list[str], removed_by_others) -> None:
    """Why UntilStable may skip NearRepeatStep after its first run: once other steps have
    removed lines, a second run removes nothing more."""
    doc = Document("d", "d", "\n".join(paragraphs))
    NormalizeStep()(doc)
    NearRepeatStep()(doc)
    for line in doc.kept:
        if line.number - 1 in removed_by_others:
            doc.drop(line, step="other", rule="other")
    before = len(doc.removals)
    NearRepeatStep()(doc)  # a fresh step: nothing remembered of the first run
    assert len(doc.removals) == before


def test_near_copies_are_near_repeats() -> None:
    """The generator above makes paragraphs the step removes (a credit appended)."""
    doc = Document("d", "d", "\n".join([near_copy(0, 20, False), near_copy(0, 20, True)]))
    NormalizeStep()(doc)
    NearRepeatStep()(doc)
    assert [line.number for line in doc.kept] == [1]


@settings(max_examples=200, deadline=None)
@given(
    paragraphs=st.lists(NEAR_COPIES, min_size=2, max_size=30)
)
def test_near_repeats_with_the_index_remove_what_one_by_one_removes(paragraphs: list[str]) -> None:
    """A document past the scan budget compares through the 2-gram index: the same
    paragraphs go, naming the same earlier line with the same similarity."""
    import cleaner.steps.near_repeats as near_repeats

    def removals(budget: int) -> list[tuple[str, str]]:
        saved, near_repeats.SCAN_BUDGET = near_repeats.SCAN_BUDGET, budget
        try:
            doc = Document("d", "d", "\n".join(paragraphs))
            NormalizeStep()(doc)
            NearRepeatStep()(doc)
        finally:
            near_repeats.SCAN_BUDGET = saved
        return [(r.text, r.reason) for r in doc.removals]

    assert removals(0) == removals(10**9)


def test_a_title_guessed_from_the_first_line_is_a_line_like_any_other() -> None:
    """A text's first line taken for its title may go later (the classifier): cleaning
    the output again then takes another line for the title. A guessed title's copies go
    by the repeat rules alone, so that cleaning the output again changes nothing; a
    title the input states still takes every copy after the first."""
    from cleaner import Cleaner

    cleaner = Cleaner()
    para = (
        "The shoes are made of soft leather and they are comfortable enough that you can "
        "wear them all night at the wedding without any pain in your feet at the end."
    )
    cards = []
    for name in ["Black Dress Shoes", "Brown Dress Shoes", "Patent Leather Shoes", "Suede Loafers"]:
        cards += ["View Details", name, "$30"]
    menu = ["Shoe Rental For Men", "Home", "Tuxedos", "Suits", "Shoes", "Vests"]
    once = cleaner.clean_text("\n".join([*menu, *cards, para, para.replace("shoes", "boots")]))
    assert once.text.count("View Details") == 4
    assert cleaner.clean_text(once.text).text == once.text
    stated = cleaner.clean_text(once.text, metadata={"title": "View Details"})
    assert stated.text.count("View Details") == 1  # the first kept, its copies gone


def test_a_document_cleaned_again_is_cleaned_anew() -> None:
    """The steps remember what they found per document and per split of its text: a
    Document whose text changed and is cleaned again is not taken for one already done."""
    from cleaner import Cleaner

    cleaner = Cleaner()
    doc = Document(id="a", source="a", raw="Hello there.")
    cleaner.clean(doc)
    doc.raw = "Share this article\nAdvertisement\nThe council met on Tuesday."
    assert cleaner.clean(doc).text == "The council met on Tuesday.\n"
