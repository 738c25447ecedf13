"""Properties over arbitrary text and arbitrary rule sets: the pipeline never raises, is
idempotent, never adds text, and its removals account exactly for what went."""

from __future__ import annotations

import yaml
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from cleaner import Cleaner, Config, Document, load_rules
from cleaner.ruleset.loader import RuleSet, parse_rule_file
from cleaner.steps.normalize import normalize_line, normalize_text
from cleaner.text import words_of

BUILTIN = Cleaner(Config())
WORDS = ["the", "council", "met", "on", "Tuesday", "Add", "new", "comment", "Home", "Share",
         "aaaa", "Read", "more", ".", "!", "?", "—", "|", "2019", "Café", "Über", "日本語", "...",
         "said", "and", "bridge", "Menu", "\u00a0", "\u200b", "\t"]

line_text = st.one_of(
    st.text(max_size=120),
    st.builds(lambda unit, times: unit * times, st.text(min_size=1, max_size=8),
              st.integers(2, 16)),  # lines pasted several times over
    st.lists(st.sampled_from(WORDS), max_size=30).map(" ".join),
)
documents = st.lists(line_text, max_size=25).map("\n".join)


def normalized_lines(raw: str) -> dict[int, str]:
    lines = normalize_text(raw).split("\n")
    return {n: clean for n, line in enumerate(lines, 1) if (clean := normalize_line(line))}


def check_accounting(raw: str, doc: Document) -> None:
    """Every input line is kept (maybe cut) or removed, and nothing else appears."""
    source = normalized_lines(raw)
    removed: dict[int, list[str]] = {}
    for removal in doc.removals:
        removed.setdefault(removal.line, []).append(removal.text)
    for line in doc.lines:
        original = source[line.number]
        cuts = [t for t in removed.get(line.number, []) if t != original]
        if line.removed:
            assert original in removed.get(line.number, []) or line.text in removed[line.number]
        else:
            assert original.startswith(line.text), (original, line.text)
            # Each cut took the second half of what was left: rejoined last cut first.
            rebuilt = line.text + "".join(reversed(cuts))
            assert "".join(rebuilt.split()) == "".join(original.split()), (original, cuts)
    assert {line.number for line in doc.lines} == set(source)


def check_idempotent(cleaner: Cleaner, doc: Document) -> None:
    again = cleaner.clean_text(doc.text)
    assert again.text == doc.text
    assert again.removals == []


FAST = settings(max_examples=150, deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


@FAST
@given(documents)
@example("Title line here\n" + "ab" * 40)  # halves twice
@example("Â\x0c0")  # a form feed next to what looks like mojibake
@example("Â\x80Ä\x0c")  # ftfy reads "Â€Ä " and "Â€Ä" (no trailing space) differently
@example("x \n  Â x")  # mojibake at a line start only once the spaces before it are gone
@example("0:0:0:0:0:0:0:1\n0:0:0:0\n0:0:0:0:0:0:0:0\n0:0:0:0")  # removal makes a new pair
@example("000000 000000 000000 000000000000 000000 000000 000000")  # cut twice
def test_builtin_pipeline_properties(raw: str) -> None:
    doc = BUILTIN.clean_text(raw)
    check_accounting(raw, doc)
    # The words the steps and the fingerprint read from the lines are the clean text's.
    assert doc.folded_words() == [word.casefold() for word in words_of(doc.text)]
    paragraphs = set(normalized_lines(raw).values())
    for paragraph in filter(None, doc.text.split("\n\n")):
        line = paragraph.strip()
        assert line in paragraphs or any(p.startswith(line) for p in paragraphs)
    check_idempotent(BUILTIN, doc)


rule_specs = st.fixed_dictionaries(
    {
        "matcher": st.one_of(
            st.tuples(st.just("exact"), st.lists(st.sampled_from(WORDS), min_size=1, max_size=3)),
            st.tuples(st.just("regex"), st.sampled_from(
                ["^home$", "comment", r"^\W+$", r"\d{4}", "^(?:read|share)", "said$", "a+$"])),
        ),
        "extent": st.sampled_from(["line", "to-end", "from-start"]),
        "where": st.sampled_from(["anywhere", "head", "tail"]),
        "action": st.sampled_from(["drop", "drop", "keep"]),
    }
)


def build_rules(specs: list[dict]) -> RuleSet:
    rules = []
    for index, spec in enumerate(specs):
        kind, value = spec["matcher"]
        rule = {"id": f"r{index}", "description": "generated", kind: value,
                "where": spec["where"], "action": spec["action"], "tests": [{"keep": "zzz"}]}
        if spec["action"] == "drop":
            rule["extent"] = spec["extent"]
        rules.append(rule)
    text = yaml.safe_dump({"rules": rules}, allow_unicode=True)
    parsed = parse_rule_file("generated.yaml", text)  # type: ignore[arg-type]
    return RuleSet(tuple(parsed), "generated", load_rules(builtin=False).classifier)


@settings(FAST, max_examples=40)  # each example compiles a rule set (RE2): 0.3-0.7 s
@given(documents, st.lists(rule_specs, max_size=5))
def test_arbitrary_rule_sets(raw: str, specs: list[dict]) -> None:
    cleaner = Cleaner(Config(), ruleset=build_rules(specs))
    doc = cleaner.clean_text(raw)
    check_accounting(raw, doc)
    check_idempotent(cleaner, doc)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.text(alphabet="abé中", min_size=1, max_size=4), max_size=12),
    st.integers(min_value=1, max_value=9),
)
def test_shingles_are_the_word_windows(words: list[str], per_batch: int) -> None:
    """The MinHash shingles: every run of 5 words (all the words, when fewer), as bytes,
    each exactly once, however they are cut into batches."""
    from cleaner.duplicates import SHINGLE, _shingles

    windows = range(max(1, len(words) - SHINGLE + 1))
    batches = list(_shingles(words, per_batch))
    assert all(len(batch) <= per_batch for batch in batches[:-1])
    joined = [shingle for batch in batches for shingle in batch]
    assert joined == [" ".join(words[i : i + SHINGLE]).encode() for i in windows]


def test_a_long_texts_signature_is_the_same_in_batches(monkeypatch) -> None:
    """Hashed in pieces, in bounded memory, the signature is what one batch gives."""
    import cleaner.duplicates as duplicates

    words = [f"w{n % 997}x{n % 13}" for n in range(20_000)]
    text = " ".join(words)
    whole = duplicates.minhash(duplicates.NUM_PERM)
    whole.update_batch(
        [" ".join(words[i : i + duplicates.SHINGLE]).encode() for i in range(len(words) - 4)]
    )
    sizes: list[int] = []
    real = duplicates._shingles

    def counted(words: list[str], per_batch: int):
        for batch in real(words, per_batch):
            sizes.append(len(batch))
            yield batch

    monkeypatch.setattr(duplicates, "SHINGLES_PER_BATCH", 1_000)
    monkeypatch.setattr(duplicates, "_shingles", counted)
    batched = duplicates.fingerprint(text, folded_words=[w.casefold() for w in words])
    assert len(sizes) == 20 and max(sizes) == 1_000  # really in pieces
    assert batched.minhash == tuple(whole.hashvalues.tolist())
