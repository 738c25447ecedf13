"""The command line, as a user runs it: exit codes, messages, files written."""

from __future__ import annotations

import gzip
import json
import shutil

import pytest
from helpers import SEEDS, write_rules
from typer.testing import CliRunner

from cleaner.cli import app

runner = CliRunner()


def invoke(*args: str):
    return runner.invoke(app, [str(a) for a in args])


@pytest.fixture(scope="module")
def seeds_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("cli") / "out"
    result = invoke("run", SEEDS, out)
    return result, out


def test_run_writes_text_metadata_and_report(seeds_run) -> None:
    result, out = seeds_run
    assert result.exit_code == 0, result.output
    assert "5 inputs: 5 documents written" in result.output
    names = sorted(p.name for p in out.iterdir() if not p.name.startswith("."))
    assert (out / ".cleaner" / "manifest.jsonl").is_file()
    assert names[-1] == "report.json" and len(names) == 11
    assert not list(out.glob(".*.tmp"))  # no temporary files left


def test_bad_rules_stop_the_run_before_anything_is_written(tmp_path) -> None:
    rules = write_rules(tmp_path / "rules", "rules:\n  - id: x\n    descripton: typo\n")
    result = invoke("run", SEEDS, tmp_path / "out", "--rules", rules)
    assert result.exit_code == 2
    assert (
        "rules.yaml:3: field 'rules.descripton': unknown key (did you mean 'description'?)"
        in result.output
    )
    assert "Traceback" not in result.output
    assert not (tmp_path / "out").exists()


def test_missing_input_is_a_usage_error(tmp_path) -> None:
    result = invoke("run", tmp_path / "nope", tmp_path / "out")
    assert result.exit_code == 2 and "no such file or folder" in result.output


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (["run", "--workers", "abc", "in", "out"], "Invalid value for '--workers'"),
        (["run", "--bogus", "in", "out"], "No such option: --bogus"),
        (["run", "--format", "xml", "in", "out"], "'xml' is not one of 'txt', 'jsonl'"),
        (["run"], "Missing argument 'paths' (see 'cleaner run --help')"),
        (["frob"], "No such command 'frob' (see 'cleaner --help')"),
        (["rules", "test", "--nope"], "No such option: --nope (see 'cleaner rules test --help')"),
        # click says it without naming the command: the arguments do
        (["run", "-w"], "Option '-w' requires an argument (see 'cleaner run --help')"),
        (["-v", "run", "in", "-w"], "requires an argument (see 'cleaner run --help')"),
        (["--verbose=1", "run", "in", "out"], "does not take a value (see 'cleaner --help')"),
    ],
)
def test_option_errors_are_one_line(args, said) -> None:
    """click's usage errors take the form of every other bad input: one line, exit 2
    (typer draws them as a boxed panel)."""
    result = runner.invoke(app, args, prog_name="cleaner")
    assert result.exit_code == 2, result.output
    assert result.output.splitlines() == [result.output.strip()]
    assert result.output.startswith("error: ") and said in result.output


def test_no_arguments_print_the_help() -> None:
    result = runner.invoke(app, [], prog_name="cleaner")
    assert result.exit_code == 2 and "Commands" in result.output
    assert not result.output.startswith("error:")


def test_output_inside_input_is_refused(tmp_path) -> None:
    (tmp_path / "a.txt").write_text("hello there")
    result = invoke("run", tmp_path, tmp_path / "out")
    assert result.exit_code == 2 and "must not be inside the input" in result.output


def test_run_needs_input_and_output() -> None:
    result = invoke("run", SEEDS)
    assert result.exit_code == 2 and "then the output folder" in result.output


def test_user_rules_are_added_and_builtins_can_be_turned_off(tmp_path) -> None:
    doc = tmp_path / "in" / "page.txt"
    doc.parent.mkdir()
    doc.write_text(
        "Add new comment\nWeekly roundup from us\nThe ministers met on Friday in Geneva."
    )
    rules = write_rules(
        tmp_path / "rules",
        """
rules:
  - id: weekly-roundup
    description: Our roundup teaser.
    exact: Weekly roundup from us
    tests:
      - drop: Weekly roundup from us
      - keep: The weekly roundup was cancelled.
""",
    )
    assert invoke("run", doc.parent, tmp_path / "o1", "--rules", rules).exit_code == 0
    assert (tmp_path / "o1" / "page.txt").read_text() == "The ministers met on Friday in Geneva.\n"
    result = invoke("run", doc.parent, tmp_path / "o2", "--rules", rules, "--no-builtin-rules")
    assert result.exit_code == 0
    assert (tmp_path / "o2" / "page.txt").read_text().startswith("Add new comment\n\n")


def test_jsonl_format(tmp_path) -> None:
    result = invoke("run", SEEDS, tmp_path / "out", "--format", "jsonl")
    assert result.exit_code == 0, result.output
    shard = tmp_path / "out" / "documents-00000.jsonl.gz"
    lines = gzip.decompress(shard.read_bytes()).decode("utf-8").splitlines()
    records = [json.loads(line) for line in lines]
    assert [r["id"] for r in records] == sorted(p.stem for p in SEEDS.glob("*.txt"))
    assert list(records[0])[:3] == ["text", "id", "source"]
    assert "Add new comment" not in records[0]["text"]


def test_one_layout_per_output_folder(tmp_path) -> None:
    out = tmp_path / "out"
    assert invoke("run", SEEDS, out, "--format", "jsonl").exit_code == 0
    result = invoke("run", SEEDS, out)  # txt now: the jsonl file would be left stale
    assert result.exit_code == 2 and "holds --format jsonl output" in result.output
    assert invoke("run", SEEDS, tmp_path / "txt").exit_code == 0
    result = invoke("run", SEEDS, tmp_path / "txt", "--format", "jsonl")
    assert result.exit_code == 2 and "holds --format txt output" in result.output
    assert invoke("run", SEEDS, out, "--format", "jsonl").exit_code == 0  # the same: fine


def test_explain_marks_removed_lines_with_their_rule() -> None:
    result = invoke("explain", SEEDS / "000_fb5aa608aeb41b4f.txt")
    assert result.exit_code == 0, result.output
    assert "- 38 | Add new comment  [comment-section-header]" in result.output
    assert "cut: " in result.output and "[dedup:self-repeat]" in result.output
    assert "   6 | Iran's Foreign Minister" in result.output


def test_explain_accepts_an_output_file(seeds_run) -> None:
    _, out = seeds_run
    result = invoke("explain", out / "001_7fddbf4e8879bb3a.json")
    assert result.exit_code == 0, result.output
    assert "[skip-link]" in result.output and '"site": "Middle East Eye"' in result.output


def test_explain_missing_file() -> None:
    result = invoke("explain", "no/such/file.txt")
    assert result.exit_code == 2 and "no such file" in result.output


def test_rules_list_shows_id_scope_and_file() -> None:
    result = invoke("rules", "list")
    assert result.exit_code == 0
    assert "comment-prompt" in result.output and "comments.yaml:" in result.output
    assert "tail" in result.output and "rules" in result.output.splitlines()[-1]


def test_rules_list_piped_is_tab_separated_even_with_force_color() -> None:
    """CI often sets FORCE_COLOR; output piped to grep or cut stays one rule a line."""
    result = runner.invoke(app, ["rules", "list"], env={"FORCE_COLOR": "1"})
    assert result.exit_code == 0
    rows = [line.split("\t") for line in result.output.splitlines()[:-1]]
    assert rows and all(len(row) == 4 for row in rows)


def test_rules_list_piped_keeps_a_multiline_description_on_its_line(tmp_path) -> None:
    rules = tmp_path / "rules.yaml"
    rules.write_text(
        "rules:\n  - id: two-lines\n    description: |\n      First line.\n"
        "      Second\tline.\n    exact: [Share]\n    tests:\n      - drop: Share\n"
        "      - keep: The council met on Tuesday.\n"
    )
    result = runner.invoke(app, ["rules", "list", str(rules)])
    assert result.exit_code == 0, result.output
    rows = [line.split("\t") for line in result.output.splitlines()[:-1]]
    assert rows == [[rows[0][0], "First line.\\nSecond\\tline.\\n", *rows[0][2:]]]
    assert len(rows[0]) == 4


def test_rules_test_passes_on_builtins_and_fails_on_a_bad_case(tmp_path) -> None:
    ok = invoke("rules", "test")
    assert ok.exit_code == 0 and " 0 failed" in ok.output
    rules = write_rules(
        tmp_path / "rules",
        """
rules:
  - id: greedy
    description: Too greedy.
    regex: comment
    tests:
      - drop: Add new comment
      - keep: He declined to comment.
""",
    )
    bad = invoke("rules", "test", rules)
    assert bad.exit_code == 1
    assert "FAIL" in bad.output and "rules.yaml:3: rule greedy, test 2" in bad.output
    assert "1 passed, 1 failed" in bad.output


def test_version() -> None:
    result = invoke("--version")
    assert result.exit_code == 0 and result.output.startswith("cleaner ")


def test_explain_rule_lists_that_rules_hits_across_out(seeds_run) -> None:
    _, out = seeds_run
    result = invoke("explain", out, "--rule", "sidebar-footer")
    assert result.exit_code == 0, result.output
    report = json.loads((out / "report.json").read_text())
    count = report["removals_by_rule"]["sidebar-footer"]
    assert f"{count} removal(s) by sidebar-footer" in result.output
    assert result.output.count("004_3242645981f0b378:") == count  # document:line per hit
    assert "0 removal(s) by no-such-rule" in invoke("explain", out, "--rule", "no-such-rule").output


def test_explain_rule_on_one_input_file() -> None:
    seed = next(SEEDS.glob("003_*"))
    result = invoke("explain", seed, "--rule", "byline-with-publisher")
    assert result.exit_code == 0 and "By Farhad Daneshvar" in result.output
    assert "1 removal(s) by byline-with-publisher" in result.output


def test_html_report_from_run_and_from_report_command(seeds_run, tmp_path) -> None:
    _, out = seeds_run
    result = invoke("report", out, "-o", tmp_path / "r.html")
    assert result.exit_code == 0, result.output
    assert "report of 5 documents" in result.output
    html = (tmp_path / "r.html").read_text()
    assert "<del" in html and "sidebar-footer" in html
    result = invoke("run", SEEDS, tmp_path / "out2", "-q", "--html-report", tmp_path / "s.html")
    assert result.exit_code == 0 and (tmp_path / "s.html").read_text().count("<del") == html.count(
        "<del"
    )
    missing = invoke("report", tmp_path / "nothing-here")
    assert missing.exit_code == 2 and "nothing-here" in missing.output


def test_an_html_report_never_goes_over_or_among_the_inputs_or_outputs(tmp_path) -> None:
    inputs = tmp_path / "in"
    shutil.copytree(SEEDS, inputs)
    capture = sorted(inputs.glob("*.txt"))[0]
    before = capture.read_bytes()
    result = invoke("run", inputs, tmp_path / "out", "-q", "--html-report", capture)
    assert result.exit_code == 2 and "would be written into the input" in result.output
    assert capture.read_bytes() == before and not (tmp_path / "out").exists()
    result = invoke("run", inputs, tmp_path / "out", "-q")
    assert result.exit_code == 0
    inside = invoke("report", tmp_path / "out", "-o", tmp_path / "out" / "r.html")
    assert inside.exit_code == 2 and "into the output folder" in inside.output


def test_internal_errors_are_one_line_unless_debug(tmp_path, monkeypatch) -> None:
    def broken(*args, **kwargs):
        raise ZeroDivisionError("boom")

    monkeypatch.setattr("cleaner.html_report.write_html_report", broken)
    result = invoke("report", tmp_path)
    assert result.exit_code == 4
    assert "internal error: ZeroDivisionError: boom" in result.output
    assert "--debug" in result.output and "Traceback" not in result.output
    debug = invoke("--debug", "report", tmp_path)
    assert isinstance(debug.exception, ZeroDivisionError)  # the traceback reaches the user


def test_verbose_lists_removals_per_rule(tmp_path) -> None:
    result = invoke("--verbose", "run", SEEDS, tmp_path / "out")
    assert result.exit_code == 0
    assert "sidebar-footer" in result.output and "comment-section-header" in result.output
    quiet = invoke("run", SEEDS, tmp_path / "out2")
    assert "sidebar-footer" not in quiet.output


def test_debug_shows_the_traceback_of_a_failed_document(tmp_path, monkeypatch) -> None:
    from cleaner.steps.title import TitleStep

    def broken(self, doc):
        raise KeyError("no such thing")

    monkeypatch.setattr(TitleStep, "process", broken)
    plain = invoke("run", SEEDS, tmp_path / "a", "-q", "-w", "1")
    assert plain.exit_code == 1 and "internal error: KeyError" in plain.output
    assert "Traceback" not in plain.output
    debug = invoke("--debug", "run", SEEDS, tmp_path / "b", "-q", "-w", "1")
    assert debug.exit_code == 1 and "Traceback" in debug.output and "broken" in debug.output


def test_names_with_brackets_are_printed_as_they_are(tmp_path) -> None:
    """File names and folders are not rich markup: "[draft]" stays, "[/x]" cannot crash."""
    inputs = tmp_path / "in[" / "x]"  # printed as .../in[/x]: a closing tag to rich
    inputs.mkdir(parents=True)
    (inputs / "notes[draft].txt").write_text("", encoding="utf-8")  # empty: a failure
    seed = sorted(SEEDS.glob("*.txt"))[0]
    (inputs / "page[b].txt").write_bytes(seed.read_bytes())
    out = tmp_path / "out[b]"
    result = invoke("run", inputs, out)
    assert result.exit_code == 1, result.output
    assert "notes[draft].txt" in result.output
    assert f"written to {out}" in result.output
    assert "Traceback" not in result.output and "MarkupError" not in result.output
    missing = invoke("run", tmp_path / "gone[" / "z]", out)
    assert missing.exit_code == 2 and "gone[/z]: no such file or folder" in missing.output


def test_ray_address_needs_the_ray_executor(tmp_path) -> None:
    result = invoke("run", SEEDS, tmp_path / "out", "--ray-address", "auto")
    assert result.exit_code == 2 and "add --executor ray" in result.output


def test_help_shows_the_extras_in_brackets() -> None:
    """--help renders rich markup: an unescaped "[ray]" would vanish from the pip hint."""
    result = runner.invoke(app, ["run", "--help"], env={"COLUMNS": "200"})
    assert result.exit_code == 0
    assert "'cleaner[ray]'" in result.output and "'cleaner[parquet]'" in result.output


def test_help_and_rules_list_import_no_heavy_library() -> None:
    """Start-up: `cleaner --help` and `cleaner rules list` need neither the extractors nor
    the duplicate index nor the optional engines (bench/speed.py times it)."""
    import subprocess
    import sys

    heavy = ("trafilatura", "datasketch", "ray", "pyarrow", "lxml")
    for args in (["--help"], ["rules", "list"]):
        script = (
            "import sys\nfrom cleaner.console import main\nsys.argv = ['cleaner', *"
            + repr(args)
            + "]\ntry:\n    main()\nexcept SystemExit:\n    pass\n"
            + f"print(sorted(m for m in sys.modules if m.split('.')[0] in {heavy!r}))"
        )
        done = subprocess.run(
            [sys.executable, "-c", script], capture_output=True, text=True, timeout=60
        )
        assert done.stdout.strip().splitlines()[-1] == "[]", (args, done.stdout[-300:])


def test_a_run_imports_neither_datasketch_nor_scipy(tmp_path) -> None:
    """Workers fingerprint documents without datasketch: importing it costs each process
    half a second (its LSH module imports scipy.integrate), and a run needs only its
    permutations, drawn in cleaner/duplicates.py as it draws them."""
    import subprocess
    import sys

    script = (
        "import sys\nfrom cleaner.console import main\n"
        f"sys.argv = ['cleaner', 'run', {str(SEEDS)!r}, {str(tmp_path / 'out')!r}, '-q', '-w', '1']\n"
        "try:\n    main()\nexcept SystemExit as exit:\n    assert not exit.code, exit.code\n"
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'datasketch', 'scipy'}))"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert done.stdout.strip().splitlines()[-1] == "[]", done.stderr[-300:]
    assert len(list((tmp_path / "out").glob("*.txt"))) == 5


@pytest.mark.parametrize("workers", ["1", "2"])
def test_an_input_given_twice_is_read_once(tmp_path, workers: str) -> None:
    inputs = tmp_path / "in"
    shutil.copytree(SEEDS, inputs)
    first = sorted(inputs.glob("*.txt"))[0]
    result = invoke("run", inputs, inputs, first, tmp_path / "out", "-q", "-w", workers)
    assert result.exit_code == 0, result.output
    report = json.loads((tmp_path / "out" / "report.json").read_text())
    assert report["counts"]["written"] == 5
    assert sorted(p.name for p in (tmp_path / "out").glob("*.txt")) == sorted(
        p.name for p in inputs.glob("*.txt")
    )


def test_a_link_loop_and_a_folder_that_is_no_run_are_usage_errors(tmp_path) -> None:
    (tmp_path / "loop1").symlink_to(tmp_path / "loop2")
    (tmp_path / "loop2").symlink_to(tmp_path / "loop1")
    for args in ((tmp_path / "loop1", tmp_path / "out"), (SEEDS, tmp_path / "loop1")):
        result = invoke("run", *args)
        assert result.exit_code == 2 and "leads back to itself" in result.output, result.output
    captures = tmp_path / "captures"
    captures.mkdir()
    (captures / "page.txt").write_bytes(b"\xa5\xff not UTF-8")
    gold = tmp_path / "gold.jsonl"
    gold.write_text('{"id": "page", "text": "x"}\n')
    result = invoke("eval", captures, gold)
    assert result.exit_code == 2 and "is " in result.output and "output folder" in result.output


def test_check_names_out_when_its_format_differs(tmp_path) -> None:
    out = tmp_path / "out"
    assert invoke("run", SEEDS, out, "-q", "--format", "jsonl").exit_code == 0
    result = invoke("run", SEEDS, out, "--check")
    assert result.exit_code == 2
    assert f"{out} holds --format jsonl output" in " ".join(result.output.split())
    assert "cleaner-check-" not in result.output


def test_a_fifo_given_as_an_input_is_named_for_what_it_is(tmp_path) -> None:
    import os

    os.mkfifo(tmp_path / "pipe.txt")
    result = invoke("run", tmp_path / "pipe.txt", tmp_path / "out")
    assert result.exit_code == 2 and "not a file or a folder (a FIFO" in result.output


def test_an_input_renamed_by_a_new_clash_leaves_no_old_outputs(tmp_path) -> None:
    """a.txt was written as a; a.txt.gz comes: both get distinct names. a.txt is still
    an input, so its old outputs go in the same run, and nothing is called gone."""
    inputs, out = tmp_path / "in", tmp_path / "out"
    inputs.mkdir()
    (inputs / "a.txt").write_text("The council met on Tuesday evening to discuss the budget.\n")
    assert invoke("run", inputs, out, "-q").exit_code == 0
    assert (out / "a.txt").is_file()
    (inputs / "a.txt.gz").write_bytes(gzip.compress(b"The mayor said the roads would be repaired.\n"))
    result = invoke("run", inputs, out)
    assert result.exit_code == 0 and "are gone" not in result.output
    assert not (out / "a.txt").exists() and len(list(out.glob("a-*.txt"))) == 2
    assert invoke("run", inputs, out, "--check").exit_code == 0


def test_a_newline_in_a_file_name_cannot_write_a_line_of_its_own(tmp_path) -> None:
    """The one-line error quoted the name as it is: "bad\\nfailed: x" printed a second,
    made-up failure line."""
    bad = tmp_path / "in" / "bad\nfailed: made-up.txt"
    bad.parent.mkdir()
    bad.write_bytes(b"")  # an empty file fails
    result = invoke("run", bad.parent, tmp_path / "out", "-q")
    failures = [line for line in result.output.splitlines() if line.startswith("failed:")]
    assert len(failures) == 1 and "bad\\nfailed: made-up.txt" in failures[0], result.output


@pytest.mark.parametrize("redirect", [">&-", "> /dev/full", "| true", "-q 2>&-"])
def test_a_stdout_that_cannot_be_written_does_not_fail_a_finished_run(tmp_path, redirect) -> None:
    """A closed stdout, a full disk or a reader gone turned the summary line into a
    traceback (or rich's broken-pipe exit), with exit 1 for a run where nothing failed."""
    import os
    import subprocess
    import sys

    out = tmp_path / "out"
    command = f'"{sys.executable}" -m cleaner run "{SEEDS}" "{out}" {redirect}'
    if redirect == "| true":  # the run's own exit code, not the reader's
        command += "; exit ${PIPESTATUS[0]}"
    done = subprocess.run(
        ["bash", "-c", command], capture_output=True, text=True, env={**os.environ}, timeout=300
    )
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr and len(list(out.glob("*.txt"))) == 5


def test_messages_are_never_wrapped(tmp_path) -> None:
    """A long OUT path in '1 document(s) failed; see OUT/report.json' was broken over
    lines at the terminal's width (80 when piped)."""
    inputs = tmp_path / "in"
    inputs.mkdir()
    (inputs / "empty.txt").write_text("")
    out = tmp_path / ("nightly_cleaned_captures_" * 4)
    result = invoke("run", inputs, out, "-q")
    assert result.exit_code == 1
    assert f"see {out}/report.json" in result.output.splitlines()[-1], result.output


def test_check_names_the_inputs_that_fail_when_it_exits_1(tmp_path) -> None:
    """It said "OUT is up to date" and exited 1, with no failure named."""
    inputs = tmp_path / "in"
    shutil.copytree(SEEDS, inputs)
    (inputs / "bad.txt.gz").write_bytes(b"\x1f\x8b\x08\x00x")
    out = tmp_path / "out"
    assert invoke("run", inputs, out, "-q").exit_code == 1
    result = invoke("run", inputs, out, "--check")
    assert result.exit_code == 1 and "failed: " in result.output and "bad.txt.gz" in result.output


@pytest.mark.parametrize(
    "option",
    [
        ["--document-timeout", "inf"],
        ["--max-bytes", "9223372036854775807"],
        ["--document-memory", "99999999999999999999"],
        ["--document-memory", "4"],
    ],
)
def test_limits_past_what_the_system_takes_are_usage_errors(tmp_path, option) -> None:
    """Each passed the option's check, then failed every document ('OverflowError:
    timestamp out of range'), or was an internal error leaving a half-made OUT; a few
    MiB of --document-memory failed documents with ImportErrors and native aborts."""
    result = invoke("run", SEEDS, tmp_path / "out", *option)
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output and not (tmp_path / "out").exists()


def test_a_run_on_a_terminal_draws_its_bar_and_finishes(tmp_path) -> None:
    """On a terminal rich's live bar puts a proxy of the console in sys.stderr; the
    console's own stream wrote into it, which printed back into the stream: every run
    without -q hung at its start."""
    import os
    import pty
    import select
    import subprocess
    import sys
    import time

    controller, terminal = pty.openpty()
    out = tmp_path / "out"
    process = subprocess.Popen(
        [sys.executable, "-m", "cleaner", "run", str(SEEDS), str(out), "-w", "1"],
        stdin=subprocess.DEVNULL, stdout=terminal, stderr=terminal,
        env={**os.environ, "TERM": "xterm-256color", "COLUMNS": "100"},
    )
    os.close(terminal)
    shown = b""
    deadline = time.monotonic() + 60
    try:
        while time.monotonic() < deadline:  # what it draws, read as it comes
            ready, _, _ = select.select([controller], [], [], 1.0)
            try:
                chunk = os.read(controller, 65536) if ready else b""
            except OSError:  # the terminal closed: the process is done
                break
            if ready and not chunk:
                break
            shown += chunk
        assert process.wait(timeout=10) == 0, shown.decode(errors="replace")
    finally:
        process.kill()
        os.close(controller)
    assert b"5 documents written" in shown and len(list(out.glob("*.txt"))) == 5


def test_every_character_that_breaks_a_line_is_escaped_in_a_message() -> None:
    from cleaner.cli import labelled

    for breaker in ("\n", "\x85", "\u2028", "\x9b"):
        assert breaker not in labelled("error:", "red", f"a{breaker}b").plain


def test_no_memory_cap_is_0_for_library_callers_too() -> None:
    from cleaner.executors.local import ProcessExecutor

    assert ProcessExecutor(2, document_memory=0).document_memory is None
