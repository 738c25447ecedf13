"""Repetition at every level: near repeats in a document, site furniture across documents
(the corpus pass and `rules suggest`), and whole duplicate documents."""

from __future__ import annotations

import json
import random
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from datasketch import MinHashLSH
from helpers import FIXTURES, SEEDS
from typer.testing import CliRunner

from cleaner import Cleaner, Config, load_rules, run
from cleaner.cli import app
from cleaner.document import Document
from cleaner.duplicates import NUM_PERM, DuplicateFinder, Fingerprint, minhash
from cleaner.errors import OutputError
from cleaner.ruleset.cases import run_cases
from cleaner.ruleset.loader import parse_rule_file
from cleaner.steps.near_repeats import NearRepeatStep
from cleaner.steps.normalize import NormalizeStep

# --- near repeats within a document -------------------------------------------------------

CAPTION = "Foreign ministers Sergey Lavrov, Walid al-Muallem and Mohammad Javad Zarif meet in Moscow on April 14"
LEDE = ("The ministers of the three countries met in Moscow on Friday to coordinate their "
        "positions on the war in Syria and the strike on the airbase.")


def near(lines: list[str], threshold: float = 0.8) -> tuple[list[str], Document]:
    doc = Document("d", "d", "\n".join(lines))
    NormalizeStep()(doc)
    NearRepeatStep(threshold=threshold, min_words=8)(doc)
    return [line.text for line in doc.kept], doc


def test_caption_repeated_with_a_credit_goes() -> None:
    kept, doc = near([CAPTION, LEDE, CAPTION + " (Photo: AFP/Getty Images)"])
    assert kept == [CAPTION, LEDE]
    assert doc.removals[0].rule == "dedup:near-repeat"
    assert doc.removals[0].reason == "restates line 1 (similarity 1.00)"


def test_lede_repeated_with_small_edits_goes() -> None:
    edited = LEDE.replace("on Friday", "on Friday morning").replace("the war", "the conflict")
    kept, _ = near([LEDE, "Another paragraph about something else entirely, with its own words.", edited])
    assert edited not in kept and LEDE in kept


#: A Chinese paragraph is two `\\w+` runs (commas part them): it is weighed, and
#: compared, by its characters.
_ZH = "今天天气很好，我们和家人一起去公园散步，然后在湖边吃了午饭，大家都非常开心，因为很久没有这样放松了。"
_ZH_OTHER = "之后我们回家一起做晚饭，孩子们帮忙洗菜和摆桌子，爸爸做了大家都喜欢的咖喱，对我们家来说这是非常美好的一天。"


def test_chinese_paragraphs_are_repeats_by_their_characters() -> None:
    edited = _ZH.replace("午饭", "晚饭")  # one word changed
    kept, doc = near([_ZH, _ZH_OTHER, edited], threshold=0.9)
    assert kept == [_ZH, _ZH_OTHER]
    assert doc.removals[0].reason.startswith("restates line 1")
    cleaner = Cleaner(Config())
    for text in (f"{_ZH}\n{_ZH}\n{_ZH_OTHER}", f"{_ZH}\n{_ZH_OTHER}\n{_ZH}"):  # back to back, apart
        doc = cleaner.clean_text(text)
        assert doc.text.count(_ZH) == 1 and _ZH_OTHER in doc.text
        assert [removal.rule for removal in doc.removals] == ["dedup:repeat"]


def test_paragraph_contained_in_an_earlier_one_goes() -> None:
    quote = "“We cannot let terrorists leave Mosul for Syria,” the minister said on Friday."
    longer = "The talks lasted three hours. " + quote + " The next round is in December."
    kept, _ = near([longer, quote])
    assert kept == [longer]


def test_different_paragraphs_sharing_a_quote_stay() -> None:
    quote = "“We cannot let terrorists leave Mosul for Syria,”"
    first = f"{quote} the Russian minister said at the start of the press conference in Moscow."
    second = (f"Asked about the offensive, his Iranian counterpart repeated the phrase {quote} "
              "and added that Tehran would send more advisers to the region next month.")
    kept, _ = near([first, second])
    assert kept == [first, second]


_PARAGRAPHS = [
    "Retiring early takes time and incredible discipline to earn, save and invest as much "
    "as you possibly can, and what it looks like to you will decide what you need to do.",
    "Leif Dahleen, the blogger behind the Physician on FIRE, retired from anesthesiology at "
    "age 43 and says the first step for any aspiring early retiree is to take inventory.",
    "Early retiree and self-made millionaire Grant Sabatier suggests having between 25 and "
    "30 times your expected annual expenses saved or invested, plus a year of cash.",
]


def test_the_article_flattened_onto_one_line_below_it_goes() -> None:
    flattened = " ".join(_PARAGRAPHS)  # a hidden microdata copy of the body, read as text
    kept, doc = near([*_PARAGRAPHS, "Related coverage", flattened], threshold=0.9)
    assert kept == [*_PARAGRAPHS, "Related coverage"]
    assert doc.removals[0].reason == "restates the lines above (0.98 of its word pairs)"
    # a long paragraph that shares phrases with the ones above but says something new stays
    summary = (
        "Grant Sabatier and Leif Dahleen disagree on one point: whether a paid-off house is "
        "worth the cash it ties up, since the blogger kept his mortgage while the millionaire "
        "sold his condo in Washington and now rents a small flat near the beach in Lisbon."
    )
    kept, _ = near([*_PARAGRAPHS, summary], threshold=0.9)
    assert kept[-1] == summary


def test_short_lines_are_never_near_repeats() -> None:
    kept, _ = near(["Where did you grow up?", "Where did you grow up then?"])
    assert len(kept) == 2


def test_threshold_is_configurable() -> None:
    edited = LEDE.replace("on Friday", "on Friday morning").replace("the war", "the conflict")
    kept, _ = near([LEDE, edited], threshold=0.99)
    assert kept == [LEDE, edited]


def test_near_repeats_skip_html_pages_unless_asked() -> None:
    doc = Document("d", "d", "", html="<p>x</p>")
    doc.raw = f"{LEDE}\n{LEDE.replace('on Friday', 'on Friday morning')}"
    NormalizeStep()(doc)
    NearRepeatStep()(doc)
    assert len(doc.kept) == 2
    NearRepeatStep(in_html=True)(doc)
    assert len(doc.kept) == 1


# --- the corpus pass ----------------------------------------------------------------------

HEADER = "Gazette Home\nWorld | Politics | Sport | Weather\n\n"
FOOTER = ("\n\nAbout the Harbour Gazette\nOur newsroom is independent and reader funded.\n"
          "Follow the Gazette\nHarbour Gazette Ltd, 1 Quay Street, Port Town\n")
FURNITURE = ["Gazette Home", "World | Politics | Sport | Weather", "About the Harbour Gazette",
             "Our newsroom is independent and reader funded.", "Follow the Gazette",
             "Harbour Gazette Ltd, 1 Quay Street, Port Town"]


@pytest.fixture
def gazette(tmp_path) -> Path:
    """Five real articles captured from one (made-up) site with its header and footer."""
    folder = tmp_path / "gazette"
    folder.mkdir()
    for index, seed in enumerate(sorted(SEEDS.glob("*.txt"))):
        (folder / f"story{index}.txt").write_text(HEADER + seed.read_text() + FOOTER)
    return folder


def test_corpus_pass_removes_a_sites_furniture_without_any_rule(tmp_path, gazette) -> None:
    out = tmp_path / "out"
    report = run([gazette], out, Config(builtin_rules=False, classifier=False, corpus_pass=True))
    assert report.written == 5
    for index in range(5):
        text = (out / f"story{index}.txt").read_text()
        assert not [line for line in FURNITURE if line in text], index
        meta = json.loads((out / f"story{index}.json").read_text())
        reasons = {r["reason"] for r in meta["removed"] if r["rule"] == "corpus:frequent-line"}
        assert reasons == {"on 5 of 5 documents of folder:gazette"}
    assert "Muallem said the three countries will continue" in (out / "story0.txt").read_text()


def test_without_the_corpus_pass_the_furniture_stays(tmp_path, gazette) -> None:
    run([gazette], tmp_path / "out", Config(builtin_rules=False, classifier=False))
    assert "About the Harbour Gazette" in (tmp_path / "out" / "story0.txt").read_text()


def test_min_docs_and_min_share(tmp_path, gazette) -> None:
    out = tmp_path / "out"
    run([gazette], out, Config(builtin_rules=False, classifier=False, corpus_pass=True, corpus_min_docs=6))
    assert "About the Harbour Gazette" in (out / "story0.txt").read_text()
    run([gazette], out, Config(builtin_rules=False, classifier=False, corpus_pass=True, corpus_min_share=1.0))
    assert "About the Harbour Gazette" not in (out / "story0.txt").read_text()


def test_a_keep_rule_beats_the_corpus_pass(tmp_path, gazette) -> None:
    rules = tmp_path / "rules"
    rules.mkdir()
    (rules / "keep.yaml").write_text("""
rules:
  - id: keep-about
    description: We want the about line.
    exact: About the Harbour Gazette
    action: keep
    tests:
      - keep: About the Harbour Gazette
""")
    out = tmp_path / "out"
    run([gazette], out, Config(rules=(rules,), builtin_rules=False, classifier=False,
                               corpus_pass=True))
    text = (out / "story0.txt").read_text()
    assert "About the Harbour Gazette" in text and "Follow the Gazette" not in text


def test_corpus_pass_does_not_depend_on_input_order(tmp_path, gazette) -> None:
    second = tmp_path / "second"
    second.mkdir()
    for path in sorted(gazette.iterdir())[:2]:
        shutil.move(str(path), second / path.name)
    config = Config(builtin_rules=False, classifier=False, corpus_pass=True, corpus_min_docs=2)
    run([gazette, second], tmp_path / "a", config)
    run([second, gazette], tmp_path / "b", config)
    files = sorted(p.relative_to(tmp_path / "a") for p in (tmp_path / "a").rglob("*"))
    assert len(files) > 8
    for name in files:
        if name.name != "report.json" and (tmp_path / "a" / name).is_file():
            assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()


def test_rules_suggest_drafts_rules_that_work(tmp_path, gazette) -> None:
    result = CliRunner().invoke(app, ["rules", "suggest", str(gazette), "--min-docs", "3"])
    assert result.exit_code == 0, result.output
    draft = result.output
    assert "# folder:gazette: 5 documents" in draft and "    sites:" not in draft
    rules = parse_rule_file(tmp_path / "draft.yaml", draft)
    assert set(rules[0].spec.exact) == set(FURNITURE)
    assert all(result.passed for result in run_cases(type("R", (), {"rules": rules})()))
    keep_cases = [case.keep for case in rules[0].spec.tests if case.keep]
    assert keep_cases and keep_cases[0] not in FURNITURE
    (tmp_path / "draft").mkdir()
    (tmp_path / "draft" / "gazette.yaml").write_text(draft)
    assert load_rules([tmp_path / "draft"], builtin=False).rules[0].id == "gazette-furniture"


def test_rules_suggest_scopes_rules_to_the_domain(tmp_path) -> None:
    feed = tmp_path / "feed.jsonl"
    rows = [{"id": i, "url": f"https://www.gazette.example/story/{i}",
             "text": f"Gazette Home\nStory number {i} has its own words about event {i}.\nFollow the Gazette"}
            for i in range(4)]
    feed.write_text("".join(json.dumps(row) + "\n" for row in rows))
    out = tmp_path / "draft.yaml"
    result = CliRunner().invoke(app, ["rules", "suggest", str(feed), "-o", str(out)])
    assert result.exit_code == 0, result.output
    (rule,) = parse_rule_file(out, out.read_text())
    assert rule.sites == ("gazette.example",) and rule.id == "gazette-example-furniture"


# --- whole documents ----------------------------------------------------------------------


def test_exact_duplicate_pages_name_the_first(tmp_path, cleaner) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    page = (FIXTURES / "html" / "article.html").read_bytes()
    for name in ("c_copy.html", "a_first.html", "b_copy.html"):  # one page, captured 3 times
        (folder / name).write_bytes(page)
    out = tmp_path / "out"
    report = run([folder], out, cleaner=cleaner)
    assert report.duplicates == {"exact": 2, "near": 0}
    metas = {p.stem: json.loads(p.read_text()) for p in out.glob("*_*.json")}
    assert metas["a_first"]["duplicate_of"] is None  # the first in canonical order
    assert metas["b_copy"]["duplicate_of"] == metas["c_copy"]["duplicate_of"] == "a_first"


def test_shop_pages_of_one_site_are_not_taken_for_duplicates(tmp_path, cleaner) -> None:
    """The ClueWeb fixture's Japanese shop pages share a sidebar ranking table; each has its
    own product text, so none is an exact duplicate of another (issue 21)."""
    out = tmp_path / "out"
    report = run([FIXTURES / "warc" / "resiliparse__clueweb-quirk.warc.gz"], out, cleaner=cleaner)
    assert report.duplicates["exact"] == 0


def test_near_duplicate_recapture_and_drop_duplicates(tmp_path, cleaner) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    original = (SEEDS / "004_3242645981f0b378.txt").read_text()
    recapture = original.replace("Thank you. Once again, welcome!", "Thank you very much.")
    recapture = recapture.replace("Appeals to cease fire", "Calls to cease fire")
    (folder / "a_capture.txt").write_text(original)
    (folder / "b_recapture.txt").write_text(recapture)
    shutil.copy(SEEDS / "000_fb5aa608aeb41b4f.txt", folder / "c_other.txt")
    report = run([folder], tmp_path / "out", cleaner=cleaner)
    meta = json.loads((tmp_path / "out" / "b_recapture.json").read_text())
    assert meta["duplicate_of"] == "a_capture"
    assert json.loads((tmp_path / "out" / "c_other.json").read_text())["duplicate_of"] is None
    assert report.duplicates == {"exact": 0, "near": 1}
    dropped = run([folder], tmp_path / "dropped", Config(drop_duplicates=True), cleaner=cleaner)
    assert not (tmp_path / "dropped" / "b_recapture.txt").exists()
    saved = json.loads((tmp_path / "dropped" / "report.json").read_text())
    assert saved["duplicates"] == {"exact": 0, "near": 1, "dropped": 1} and dropped.written == 2


def test_near_duplicates_can_be_turned_off(tmp_path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    original = (SEEDS / "004_3242645981f0b378.txt").read_text()
    (folder / "a.txt").write_text(original)
    (folder / "b.txt").write_text(original.replace("Thank you. Once again, welcome!", "Thanks."))
    run([folder], tmp_path / "out", Config(near_duplicate_threshold=None))
    assert json.loads((tmp_path / "out" / "b.json").read_text())["duplicate_of"] is None


def test_cleaner_without_corpus_has_no_corpus_step() -> None:
    assert "corpus" not in [step.name for step in Cleaner(Config(builtin_rules=False)).steps]


def _datasketch_finder(threshold: float) -> Callable[[str, Fingerprint], str | None]:
    """What DuplicateFinder answered when it kept datasketch's MinHashLSH in memory: the
    reference its index on disk must agree with."""
    lsh, signatures, order, exact = MinHashLSH(threshold=threshold, num_perm=NUM_PERM), {}, {}, {}

    def check(doc_id: str, found: Fingerprint) -> str | None:
        if found.sha256 in exact:
            return exact[found.sha256]
        signature = minhash(NUM_PERM, found.minhash)
        matches = [k for k in lsh.query(signature) if signatures[k].jaccard(signature) >= threshold]
        original = min(matches, key=order.__getitem__) if matches else None
        if original is None:
            order[doc_id], signatures[doc_id] = len(order), signature
            lsh.insert(doc_id, signature)
        exact[found.sha256] = original or doc_id
        return original

    return check


def test_the_index_on_disk_names_the_duplicates_datasketchs_lsh_names(tmp_path) -> None:
    """Pages and copies of them with 0 to 60 words replaced, in a shuffled order: from the
    exact copy to pages no longer similar enough, so every branch is taken."""
    rng = random.Random(7)
    texts = [path.read_text(encoding="utf-8") for path in sorted(SEEDS.glob("*.txt"))]
    texts += [p.read_text(encoding="utf-8") for p in sorted((FIXTURES / "dumps").glob("*.txt"))]
    documents = []
    for number, text in enumerate(texts):
        for replaced in (0, 0, 1, 3, 8, 20, 60):
            words = text.split()
            for position in rng.sample(range(len(words)), min(replaced, len(words))):
                words[position] = f"changed{rng.randrange(10**6)}"
            documents.append((f"doc{number}-{replaced}-{len(documents)}", " ".join(words)))
    rng.shuffle(documents)
    with DuplicateFinder(0.8, folder=tmp_path) as finder:
        reference = _datasketch_finder(0.8)
        answers = [
            (finder.check(doc_id, found), reference(doc_id, found))
            for doc_id, text in documents
            for found in [finder.fingerprint(text)]
        ]
        assert [ours for ours, _ in answers] == [theirs for _, theirs in answers]
        assert finder.counts["exact"] > 0 and finder.counts["near"] > 0
        assert sum(ours is None for ours, _ in answers) > len(texts)  # some copies too changed


def test_a_runs_duplicate_index_is_a_temporary_file_in_out(tmp_path) -> None:
    """On disk, so a run's memory does not grow with its corpus; named like a temporary
    output, so a killed run's is removed by the next run; gone when the run ends."""
    with DuplicateFinder(0.8, folder=tmp_path) as finder:
        assert finder.path is not None and finder.path.parent == tmp_path
        assert finder.path.name.startswith(".") and finder.path.suffix == ".tmp"
        finder.check("a", finder.fingerprint("one two three four five six seven"))
        assert finder.path.is_file()
    assert not finder.path.exists()
    out = tmp_path / "out"
    run([SEEDS], out)
    stale = out / ".cleaner-duplicates.killed.tmp"  # as a run killed with kill -9 leaves it
    stale.write_bytes(b"SQLite format 3\0")
    run([SEEDS], out)
    assert not [path.name for path in out.iterdir() if path.name.startswith(".cleaner-dup")]


def test_a_page_as_near_to_two_kept_pages_names_the_earlier() -> None:
    """A kept, B kept (changed too much to be A's near duplicate), then C, halfway between
    them and a near duplicate of both: C names A, the first in the run's order."""
    rng = random.Random(3)
    bridges = 0
    for path in [*sorted(SEEDS.glob("*.txt")), *sorted((FIXTURES / "dumps").glob("*.txt"))]:
        a = path.read_text(encoding="utf-8").split()
        b, c = list(a), list(a)
        for turn, position in enumerate(rng.sample(range(len(a)), len(a) // 50 * 2)):
            b[position] = f"changed{position}"
            if turn % 2:
                c[position] = b[position]
        finder, reference = DuplicateFinder(0.8), _datasketch_finder(0.8)
        pages = {"a": a, "b": b, "c": c}
        prints = {name: finder.fingerprint(" ".join(words)) for name, words in pages.items()}
        answers = [finder.check(name, found) for name, found in prints.items()]
        assert answers == [reference(name, found) for name, found in prints.items()]
        signatures = {name: minhash(NUM_PERM, found.minhash) for name, found in prints.items()}
        near_both = min(signatures[name].jaccard(signatures["c"]) for name in "ab") >= 0.8
        bridges += answers == [None, None, "a"] and near_both
    assert bridges > 0


def test_a_full_disk_under_the_index_is_an_output_error_naming_out(tmp_path) -> None:
    with DuplicateFinder(0.8, folder=tmp_path) as finder:
        finder._db.execute("PRAGMA max_page_count = 8")  # as a disk with no room left
        texts = (f"page {n} " + " ".join(f"w{n}x{i}" for i in range(300)) for n in range(200))
        with pytest.raises(OSError, match="the duplicate index: database or disk is full") as err:
            for number, text in enumerate(texts):
                finder.check(f"doc{number}", finder.fingerprint(text))
    message = str(OutputError(tmp_path, err.value))
    assert message.startswith(f"{tmp_path}: cannot write the output (the duplicate index: ")


def test_near_repeat_search_is_bounded_on_template_lines() -> None:
    """Lines from one template share most 2-grams, so each was compared with every earlier
    one (8,000 lines: a minute). The search stops at a work budget, with a warning."""
    from cleaner import Cleaner, Config

    text = "\n".join(
        f"row {n} is one of the values that we have for the table and it is in the file {n * 3}"
        for n in range(8000)
    )
    doc = Cleaner(Config(classifier=False)).clean_text(text)
    assert any("near-repeat search stopped at line" in w for w in doc.warnings)
    assert doc.text.count("\n") > 7000  # nothing was dropped for it


# --- fingerprints in constant memory -------------------------------------------------------


def _reference_signature(words: list[str]) -> tuple[int, ...]:
    """datasketch's MinHash of the word 5-grams, built the plain way: every shingle at once."""
    shingles = [" ".join(words[i : i + 5]).encode() for i in range(len(words) - 4)] or [
        " ".join(words).encode()
    ]
    signature = minhash(NUM_PERM)
    signature.update_batch(shingles)
    return tuple(signature.hashvalues.tolist())


@pytest.mark.parametrize("count", [0, 3, 4, 5, 6, 10, 11, 12, 13, 37])
def test_shingles_streamed_in_batches_give_the_plain_signature(count) -> None:
    """Batches of any size, words from a list or one at a time: the same signature as all
    shingles at once (batch edges are where shingles could be lost or doubled)."""
    from cleaner.duplicates import _shingles

    chooser = random.Random(count)
    words = [chooser.choice(["a", "b", "c", "dd", "é"]) + str(n % 7) for n in range(count)]
    expected = _reference_signature(words)
    for per_batch in (1, 2, 3, 7, 50_000):
        for source in (words, iter(words)):
            signature = minhash(NUM_PERM)
            for batch in _shingles(source, per_batch):
                signature.update_batch(batch)
            assert tuple(signature.hashvalues.tolist()) == expected, (count, per_batch)


@pytest.mark.parametrize("count", [0, 1, 4, 5, 6, 13, 200])
def test_fingerprint_signature_is_datasketchs(count) -> None:
    """fingerprint() permutes and takes the minimum itself: datasketch's signature, value
    for value, for texts shorter than a shingle, of one shingle and of many."""
    from cleaner.duplicates import fingerprint

    chooser = random.Random(count)
    words = [chooser.choice(["Der", "STRASSE", "İstanbul", "é", "x"]) + str(n % 5) for n in range(count)]
    text = " ".join(words) or "!"
    expected = _reference_signature([word.casefold() for word in words])
    assert fingerprint(text, NUM_PERM).minhash == expected


@pytest.mark.parametrize("num_perm", [1, 7, NUM_PERM, 256])
def test_the_permutations_are_the_ones_datasketch_draws(num_perm) -> None:
    """fingerprint() draws the affine32 permutations itself, without importing datasketch:
    the (a, b) its MinHash draws for the seed, so the signatures stay datasketch's."""
    from datasketch import MinHash

    from cleaner.duplicates import MINHASH_SCHEME, MINHASH_SEED, _permutations

    drawn = MinHash(num_perm=num_perm, seed=MINHASH_SEED, scheme=MINHASH_SCHEME).permutations
    assert _permutations(num_perm).dtype == drawn.dtype
    assert _permutations(num_perm).tolist() == drawn.tolist()


def test_a_long_line_is_fingerprinted_as_before_without_a_folded_copy() -> None:
    """A line past LONG_LINE_WORDS is folded word by word: the same fingerprint as from
    the document's folded words, from the text alone, and no folded list kept on it."""
    from cleaner.duplicates import LONG_LINE_WORDS, fingerprint, folded_words

    chooser = random.Random(3)
    long_line = " ".join(chooser.choice(["Der", "STRASSE", "İstanbul", "ǅ", "ok"]) for _ in range(
        LONG_LINE_WORDS + 50))
    doc = Document("d", "d", f"A Short First Line here.\n{long_line}\nAnd an END line.")
    NormalizeStep()(doc)
    expected = fingerprint(doc.text, NUM_PERM, folded_words=doc.folded_words())
    long = next(line for line in doc.kept if len(line.words()) > LONG_LINE_WORDS)
    long._folded = None  # as a line no step folded
    assert list(folded_words(doc.kept)) == doc.folded_words()
    long._folded = None
    assert fingerprint(doc.text, NUM_PERM, folded_words=folded_words(doc.kept)) == expected
    assert long._folded is None  # streamed, not cached
    assert fingerprint(doc.text, NUM_PERM) == expected  # from the text alone


def test_fingerprint_memory_does_not_grow_with_the_text() -> None:
    """The fingerprint's own allocations are one batch's, whatever the text's length:
    the same for 100,000 words as for 800,000 (before: a list of every folded word too,
    some 45 MB more for the longer text)."""
    import tracemalloc

    from cleaner.duplicates import fingerprint

    def peak(words: int) -> int:
        chooser = random.Random(5)
        text = " ".join(chooser.choice("abcdefghijklmnop") * 2 for _ in range(words))
        tracemalloc.start()
        try:
            fingerprint(text, NUM_PERM)
            return tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()

    assert peak(800_000) < peak(100_000) + (5 << 20)


@pytest.mark.parametrize("threshold", [0.5, 0.9, 0.96, 0.97, 0.99, 1.0])
def test_bands_for_any_threshold(threshold: float) -> None:
    """datasketch's choice where its MinHashLSH takes it; from 0.97 up it chooses one band
    and refuses it, which was an internal error of the run."""
    from cleaner.duplicates import _bands

    bands, rows = _bands(threshold, NUM_PERM)
    assert bands * rows <= NUM_PERM and bands >= 1
    if threshold <= 0.96:
        lsh = MinHashLSH(threshold=threshold, num_perm=NUM_PERM)
        assert (bands, rows) == (lsh.b, lsh.r)


def test_a_run_with_a_threshold_of_one_marks_exact_copies(tmp_path) -> None:
    from cleaner import Config, run

    inputs = tmp_path / "in"
    inputs.mkdir()
    text = (SEEDS / sorted(p.name for p in SEEDS.glob("*.txt"))[0]).read_text()
    (inputs / "a.txt").write_text(text)
    (inputs / "b.txt").write_text(text)
    report = run([inputs], tmp_path / "out", Config(near_duplicate_threshold=1.0))
    assert not report.failures
    assert json.loads((tmp_path / "out" / "b.json").read_text())["duplicate_of"] == "a"


def test_the_default_bands_are_datasketchs_choice() -> None:
    """The bands kept for the default threshold (not worked out again in every run) are
    the ones datasketch's MinHashLSH would choose: the same candidates."""
    from cleaner.config import Config
    from cleaner.duplicates import DEFAULT_BANDS

    for (threshold, num_perm), bands in DEFAULT_BANDS.items():
        lsh = MinHashLSH(threshold=threshold, num_perm=num_perm)
        assert (lsh.b, lsh.r) == bands
    assert (Config().near_duplicate_threshold, NUM_PERM) in DEFAULT_BANDS


def test_rules_suggest_gives_a_site_and_a_folder_of_its_name_distinct_ids() -> None:
    """A folder `example.com/` of dumps beside records from https://example.com/: both
    rules were `example-com-furniture`, and the draft failed to load."""
    import yaml

    from cleaner.ruleset.suggest import SiteFindings, render_yaml

    findings = {
        site: SiteFindings(documents=3, furniture={1: ("Share this story", 3)})
        for site in ("example.com", "folder:example.com", "example-com")
    }
    ids = [rule["id"] for rule in yaml.safe_load(render_yaml(findings, 10))["rules"]]
    assert sorted(ids) == [
        "example-com-furniture", "example-com-furniture-2", "example-com-furniture-2-2"
    ]
