"""The command line: parse options, build a Config, call the library. Nothing more."""

from __future__ import annotations

import json
import re
import sys
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text
from typer.core import TyperGroup

from cleaner import __version__
from cleaner.config import (
    MAX_DOCUMENT_TIMEOUT,
    MAX_MAX_BYTES,
    Compression,
    Config,
    ExecutorName,
    Markup,
    OutputFormat,
)
from cleaner.errors import CleanerError, UsageError
from cleaner.interrupts import Interrupted, guard
from cleaner.sandbox import DEFAULT_DOCUMENT_MEMORY_MIB
from cleaner.schema import Audit
from cleaner.terminal import terminal_stream

# Each command imports what it runs when it runs: `cleaner --help` and `cleaner rules
# list` start without trafilatura, lxml, datasketch, Ray or pyarrow (bench/speed.py
# times it).
if TYPE_CHECKING:
    from cleaner.executors import Executor
    from cleaner.report import Failure, RunReport
    from cleaner.ruleset.loader import RuleSet

EXIT_OK, EXIT_DOCUMENTS_FAILED, EXIT_USAGE, EXIT_CHECK_FAILED, EXIT_INTERNAL = 0, 1, 2, 3, 4
EXIT_INTERRUPTED = 130  # 128 + SIGINT


def _click_error(name: str) -> type[Exception]:
    """click's exception class `name`, from the click that typer uses: typer from 0.2x
    carries its own copy of click, so the `click` package's classes are not its."""
    return next(cls for cls in typer.BadParameter.__mro__ if cls.__name__ == name)


class OneLineErrors(TyperGroup):
    """typer's command group, with click's usage errors (an unknown option, a value that
    is not a number, a missing argument) as one line on stderr, like every other bad
    input: "error: No such option: --bogus (see 'cleaner run --help')", exit code 2.
    typer draws them as a boxed panel of five lines."""

    def main(  # type: ignore[override]
        self,
        args: list[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        **extra: Any,
    ) -> Any:
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        try:
            # Not standalone: click's errors come here instead of being drawn; typer still
            # turns --help, typer.Exit and a Ctrl-C (130) into a returned exit code.
            code = super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        except typer.Abort:
            err_console.print(labelled("error:", "bold red", "aborted"))
            sys.exit(1)
        except _click_error("ClickException") as exc:
            words = sys.argv[1:] if args is None else list(args)
            path = self._command_path(prog_name or _program_name(), words, exc)
            sys.exit(_show_click_error(exc, path))
        sys.exit(code if isinstance(code, int) else 0)

    def _command_path(self, prog_name: str, args: list[str], exc: Exception) -> str:
        """The command the arguments name ("cleaner rules test"), as far as they do; the
        program alone for an error about one of its own options ("--verbose=1")."""
        own = {name for param in self.params for name in getattr(param, "opts", ())}
        if getattr(exc, "option_name", None) in own:
            return prog_name
        path, command = [prog_name], self
        for arg in args:
            found = getattr(command, "commands", {}).get(arg)
            if found is None:
                if arg.startswith("-"):
                    continue  # an option of the group ("--verbose") before the command
                break
            path.append(arg)
            command = found
        return " ".join(path)


def _program_name() -> str:
    """How the user called cleaner: "cleaner", or "python -m cleaner"."""
    called = Path(sys.argv[0]).name if sys.argv and sys.argv[0] else "cleaner"
    return "python -m cleaner" if called == "__main__.py" else called


def _show_click_error(exc: Any, command_path: str) -> int:
    """Print a click error as one line (a command given no arguments prints its help, as
    typer does); returns its exit code. `command_path`: the command the arguments name,
    for an error that does not say (click's "Option '-w' requires an argument")."""
    message = exc.format_message()
    if type(exc).__name__ == "NoArgsIsHelpError":
        if message:  # typer's rich help is printed as it is made, leaving the message empty
            out_console.print(message, end="")
        return int(exc.exit_code)
    context = getattr(exc, "ctx", None)
    if isinstance(exc, _click_error("UsageError")):
        where = context.command_path if context is not None else command_path
        message = message.rstrip(".") + f" (see '{where} --help')"
    err_console.print(labelled("error:", "bold red", message))
    return int(exc.exit_code)


app = typer.Typer(
    cls=OneLineErrors,
    add_completion=False,
    no_args_is_help=True,
    help="Clean web-archive text with readable, tested YAML rules.",
)
rules_app = typer.Typer(no_args_is_help=True, help="List and test boilerplate rules.")
app.add_typer(rules_app, name="rules")

# No markup: file names, rule ids and error messages are printed as they are ("[draft]"
# in a file name is not a style); the few styled labels go through `labelled`.
# soft_wrap: a message is one line however narrow the terminal (a path is never broken).
out_console = Console(
    file=terminal_stream("stdout"), highlight=False, markup=False, soft_wrap=True
)
err_console = Console(
    file=terminal_stream("stderr"), stderr=True, highlight=False, markup=False, soft_wrap=True
)


#: Control characters (a newline in a file name): shown escaped, so that a message stays
#: one line and no file name can write a line of its own ("failed: ...").
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def _one_line(text: str) -> str:
    """`text` with its control characters (line breakers among them) shown as escapes."""
    return _CONTROL.sub(lambda found: ascii(found.group())[1:-1], text)


def labelled(label: str, style: str, message: str) -> Text:
    """`label` in `style`, then the message as plain text, on one line."""
    return Text.assemble((label, style), " ", _one_line(message))


RuleDirsArgument = Annotated[
    list[Path] | None, typer.Argument(help="Rule folders or files (default: the built-in rules).")
]
RulesOption = Annotated[
    list[Path] | None,
    typer.Option(
        "--rules", "-r", help="A folder or file of YAML rules, added to the built-ins (repeatable)."
    ),
]
NoBuiltinOption = Annotated[
    bool, typer.Option("--no-builtin-rules", help="Use only the rules given with --rules.")
]
StateOption = Annotated[
    Path | None,
    typer.Option(
        "--state",
        help="Keep OUT's bookkeeping (manifest, report of jsonl/parquet, lock, parts) in this "
        "folder instead of OUT/.cleaner, so that OUT holds the data alone and dataset "
        "readers take it whole; every run into OUT must give the same folder.",
        show_default=False,
    ),
]
StateOfOutputOption = Annotated[
    Path | None,
    typer.Option(
        "--state",
        help="The --state folder of the run that wrote the output, if it kept its "
        "bookkeeping apart from OUT.",
        show_default=False,
    ),
]


@dataclass(slots=True)
class Verbosity:
    """The global --verbose/--debug flags, set once per invocation by the callback."""

    verbose: bool = False
    debug: bool = False


verbosity = Verbosity()


@contextmanager
def user_errors(interrupted: str = "stopped before it finished") -> Iterator[None]:
    """Expected errors become one line on stderr and exit code 2, never a traceback;
    Ctrl-C becomes "interrupted: <interrupted>" and exit code 130, as shells expect.

    A bug (any other exception) is one line too, exit code 4, unless --debug asks for
    the traceback."""
    try:
        yield
    except KeyboardInterrupt as exc:
        code = exc.exit_code if isinstance(exc, Interrupted) else EXIT_INTERRUPTED
        _interrupted(interrupted, code)
    except CleanerError as exc:
        disguised = guard.received()
        if disguised is not None:  # a library turned the interrupt into an error
            _interrupted(interrupted, disguised.exit_code)
        err_console.print(labelled("error:", "bold red", str(exc)), soft_wrap=True)
        raise typer.Exit(EXIT_USAGE) from None
    except (typer.Exit, typer.Abort):
        raise
    except Exception as exc:
        disguised = guard.received()
        if disguised is not None:  # langdetect's loader makes any interrupt its own error
            _interrupted(interrupted, disguised.exit_code)
        if verbosity.debug:
            raise
        err_console.print(
            labelled(
                "internal error:",
                "bold red",
                f"{type(exc).__name__}: {exc} (a bug in cleaner: rerun with --debug for the "
                "traceback, and please report it)",
            ),
            soft_wrap=True,
        )
        raise typer.Exit(EXIT_INTERNAL) from None


def _interrupted(message: str, code: int) -> NoReturn:
    """Ctrl-C or SIGTERM: one line, and the exit code shells give a signal (130, 143)."""
    with guard.held():  # a second signal while this prints exits at once, after it
        err_console.print(labelled("interrupted:", "bold red", message), soft_wrap=True)
        guard.told = True
    raise typer.Exit(code) from None


def _help(field: str) -> str:
    """Config's description of `field`: a setting is explained once, in the one place that
    library users and the CLI share (typer's help is rich markup: "[" is escaped)."""
    description = Config.model_fields[field].description
    if not description:
        raise AssertionError(f"Config.{field} has no description for its --option's help")
    return description.replace("[", "\\[")


#: Config's defaults, the CLI's defaults too: the two cannot drift apart.
DEFAULTS = {name: field.default for name, field in Config.model_fields.items()}


def _version(value: bool) -> None:
    if value:
        out_console.print(f"cleaner {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version.")
    ] = False,
    verbose: Annotated[
        bool, typer.Option("--verbose", "-v", help="Say more: warnings, removals per rule.")
    ] = False,
    debug: Annotated[
        bool, typer.Option("--debug", help="Show tracebacks of internal errors (implies -v).")
    ] = False,
) -> None:
    """Clean web-archive text with readable, tested YAML rules."""
    verbosity.verbose = verbose or debug
    verbosity.debug = debug


@app.command()
def run(
    paths: Annotated[
        list[Path],
        typer.Argument(
            help="Input folders or files, then the output folder (last).", show_default=False
        ),
    ],
    rules: RulesOption = None,
    no_builtin_rules: NoBuiltinOption = False,
    output_format: Annotated[
        OutputFormat, typer.Option("--format", help=_help("format"))
    ] = DEFAULTS["format"],
    text_field: Annotated[str, typer.Option(help=_help("text_field"))] = DEFAULTS["text_field"],
    id_field: Annotated[str, typer.Option(help=_help("id_field"))] = DEFAULTS["id_field"],
    url_field: Annotated[str, typer.Option(help=_help("url_field"))] = DEFAULTS["url_field"],
    metadata_file: Annotated[
        Path | None, typer.Option("--metadata", help=_help("metadata_file"))
    ] = DEFAULTS["metadata_file"],
    audit: Annotated[Audit, typer.Option(help=_help("audit"))] = DEFAULTS["audit"],
    shard_size: Annotated[int, typer.Option(help=_help("shard_size"), min=0)] = DEFAULTS[
        "shard_size"
    ],
    shard_bytes: Annotated[int, typer.Option(help=_help("shard_bytes"), min=0)] = DEFAULTS[
        "shard_bytes"
    ],
    compression: Annotated[Compression, typer.Option(help=_help("compression"))] = DEFAULTS[
        "compression"
    ],
    max_bytes: Annotated[
        int, typer.Option(help=_help("max_bytes"), min=1, max=MAX_MAX_BYTES)
    ] = DEFAULTS["max_bytes"],
    document_timeout: Annotated[
        float, typer.Option(help=_help("document_timeout"), min=0, max=MAX_DOCUMENT_TIMEOUT)
    ] = DEFAULTS["document_timeout"],
    document_memory: Annotated[
        int,
        typer.Option(
            help="MiB of memory a document may take to clean before it fails (0: no cap). "
            "Both limits hold inside native code: a worker past them is stopped.",
            min=0,
        ),
    ] = DEFAULT_DOCUMENT_MEMORY_MIB,
    no_classifier: Annotated[
        bool,
        typer.Option("--no-classifier", help="Do not run the line classifier on text documents."),
    ] = False,
    fast_extraction: Annotated[
        bool,
        typer.Option(
            "--fast-extraction",
            help="HTML: skip trafilatura's fallback extractors (readability, jusText): "
            "a third faster, worse on pages that are not news articles.",
        ),
    ] = False,
    markup: Annotated[Markup, typer.Option(help=_help("markup"))] = DEFAULTS["markup"],
    corpus_pass: Annotated[
        bool,
        typer.Option(
            "--corpus-pass",
            help="First count lines per site over all inputs, then drop the lines "
            "found on many of a site's documents (its furniture).",
        ),
    ] = False,
    corpus_min_docs: Annotated[int, typer.Option(help=_help("corpus_min_docs"), min=2)] = DEFAULTS[
        "corpus_min_docs"
    ],
    corpus_min_share: Annotated[
        float, typer.Option(help=_help("corpus_min_share"), min=0.0, max=1.0)
    ] = DEFAULTS["corpus_min_share"],
    near_repeat_threshold: Annotated[
        float, typer.Option(help=_help("near_repeat_threshold"), min=0.0, max=1.0)
    ] = DEFAULTS["near_repeat_threshold"],
    near_duplicate_threshold: Annotated[
        float, typer.Option(help=_help("near_duplicate_threshold"), min=0.0, max=1.0)
    ] = DEFAULTS["near_duplicate_threshold"],
    drop_duplicates: Annotated[
        bool, typer.Option("--drop-duplicates", help="Leave duplicate documents out of the output.")
    ] = False,
    min_words: Annotated[int, typer.Option(help=_help("min_words"), min=0)] = DEFAULTS["min_words"],
    check_only: Annotated[
        bool,
        typer.Option(
            "--check",
            help="Write nothing; exit 3 if OUT differs from what a run would write.",
        ),
    ] = False,
    workers: Annotated[
        int | None,
        typer.Option(
            "--workers",
            "-w",
            help="Processes cleaning documents (default: the cores this process may use, "
            "within a container's CPU quota; Ray: its CPUs).",
            min=1,
            show_default=False,
        ),
    ] = None,
    executor: Annotated[
        ExecutorName,
        typer.Option(
            help="local: this machine; ray: a Ray cluster (pip install 'cleaner\\[ray]')."
        ),
    ] = ExecutorName.LOCAL,
    ray_address: Annotated[
        str | None,
        typer.Option(help="With --executor ray: the cluster to join (default: start a local Ray)."),
    ] = None,
    prune: Annotated[
        bool,
        typer.Option(
            "--prune", help="Remove the outputs of inputs deleted since the last run into OUT."
        ),
    ] = False,
    force: Annotated[
        bool,
        typer.Option(
            "--force",
            help="Write into an output folder that holds files cleaner did not write "
            "(inputs are never overwritten, even so).",
        ),
    ] = False,
    follow_symlinks: Annotated[
        bool,
        typer.Option(
            "--follow-symlinks",
            help="Read symbolic links under an input folder that lead outside it "
            "(else they are skipped and named in the report).",
        ),
    ] = False,
    html_report: Annotated[
        Path | None,
        typer.Option(
            "--html-report",
            help="Also write a self-contained HTML report of the run to this file.",
            show_default=False,
        ),
    ] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Print only errors.")] = False,
    state: StateOption = None,
) -> None:
    """Clean IN... into OUT: text, metadata per document, and OUT/report.json.

    Runs are incremental: inputs unchanged since the last run into OUT (same bytes, same
    rules and settings) are not cleaned again."""
    from cleaner.executors import make_executor
    from cleaner.html_report import write_html_report
    from cleaner.progress import make_progress
    from cleaner.runner import run as run_pipeline
    from cleaner.state import OutputFolders
    from cleaner.writers import report_path

    if len(paths) < 2:
        err_console.print(
            labelled(
                "error:",
                "bold red",
                "give the input(s) and then the output folder, e.g. cleaner run seeds/ out/",
            )
        )
        raise typer.Exit(EXIT_USAGE)
    *inputs, out = paths
    if html_report is not None:
        with user_errors():
            _check_report_path(html_report, inputs, out)
            if output_format is not OutputFormat.TXT and audit is not Audit.FULL:
                raise UsageError(
                    f"--html-report shows every removal, which --audit {audit.value} does not "
                    "keep: add --audit full, or leave --html-report out"
                )
    config = Config(
        rules=tuple(rules or ()),
        builtin_rules=not no_builtin_rules,
        format=output_format,
        text_field=text_field,
        id_field=id_field,
        url_field=url_field,
        metadata_file=metadata_file,
        audit=audit,
        shard_size=shard_size,
        shard_bytes=shard_bytes,
        compression=compression,
        classifier=not no_classifier,
        extract_fallbacks=not fast_extraction,
        markup=markup,
        max_bytes=max_bytes,
        document_timeout=document_timeout or None,
        corpus_pass=corpus_pass,
        corpus_min_docs=corpus_min_docs,
        corpus_min_share=corpus_min_share,
        near_repeat_threshold=near_repeat_threshold or None,
        near_duplicate_threshold=near_duplicate_threshold or None,
        drop_duplicates=drop_duplicates,
        min_words=min_words,
    )
    with user_errors():
        pool = make_executor(executor.value, workers, ray_address, document_memory or None)
    if check_only:
        _check(inputs, out, config, quiet, pool, state, force)
        return
    with user_errors(
        f"what was written stays in {out}; the same command goes on where this run stopped"
    ):
        report = run_pipeline(
            inputs,
            out,
            config,
            on_failure=_print_failure,
            executor=pool,
            progress=make_progress(err_console, quiet),
            prune=prune,
            force=force,
            follow_symlinks=follow_symlinks,
            state=state,
        )
    report_file = report_path(OutputFolders.of(out, state), config.format)
    if not quiet:
        removed = sum(report.removals_by_rule.values())
        skipped = sum(report.skipped_records.values())
        out_console.print(
            f"{report.inputs} inputs: {report.written} documents written to {out}, "
            f"{len(report.failures)} failed, {skipped} records skipped, {removed} removals"
            + (f", {report.reused} inputs unchanged since the last run" if report.reused else "")
            + _empty(report)
            + _left_out(report)
            + f"; {report.wall_seconds:.1f} s (report: {report_file})",
            soft_wrap=True,
        )
    if not quiet:
        for notice in report.notices:
            err_console.print(labelled("note:", "yellow", notice), soft_wrap=True)
    if verbosity.verbose and not quiet:
        _print_details(report)
    if html_report is not None:
        with user_errors():
            write_html_report(out, html_report, state=state)
        if not quiet:
            out_console.print(f"HTML report: {html_report}")
    if report.orphaned and not quiet:
        err_console.print(
            f"{report.orphaned} input(s) of an earlier run are gone; their outputs stay in "
            f"{out} (--prune removes them)"
        )
    if report.failures:
        err_console.print(f"{len(report.failures)} document(s) failed; see {report_file}")
        raise typer.Exit(EXIT_DOCUMENTS_FAILED)


@app.command()
def explain(
    file: Annotated[
        Path,
        typer.Argument(
            help="An input file, an output .txt/.json of a run, or an output folder (with "
            "--id, or --rule)."
        ),
    ],
    doc_id: Annotated[
        str | None,
        typer.Option(
            "--id",
            help="With an output folder: the document to explain, by its id or its source "
            "(any --format).",
        ),
    ] = None,
    rule: Annotated[
        str | None,
        typer.Option(
            "--rule", help="Only this rule's removals; given an output folder, across all of it."
        ),
    ] = None,
    rules: RulesOption = None,
    no_builtin_rules: NoBuiltinOption = False,
    state: StateOfOutputOption = None,
) -> None:
    """Show every line of a document, the removed ones marked with the rule that removed them.

    An output of a run is explained with the rules and settings that run used (saved in
    its output folder); an input file with the built-in rules and --rules."""
    from cleaner.explain import RuleHit, explain_path, render, render_hits, rule_hits
    from cleaner.pipeline import Cleaner

    with user_errors():
        if rule is not None and doc_id is None and file.is_dir():
            render_hits(rule_hits(file, rule), rule, out_console)
            return
        explained = explain_path(
            file,
            lambda: Cleaner(Config(rules=tuple(rules or ()), builtin_rules=not no_builtin_rules)),
            doc_id,
            state,
        )
    for note in explained.notes:
        err_console.print(labelled("note:", "yellow", note), soft_wrap=True)
    doc = explained.document
    if rule is not None:
        hits = (RuleHit(doc.id, r.line, r.text, r.reason) for r in doc.removals if r.rule == rule)
        render_hits(hits, rule, out_console)
        return
    render(doc, out_console)


def _check_report_path(report: Path, inputs: list[Path], out: Path) -> None:
    """An HTML report goes beside the run, never over or among its inputs or its outputs
    (it would replace a capture, or be read as one by the next run)."""
    try:
        where = report.resolve()
        places = [(path, path.resolve()) for path in [*inputs, out]]
    except (OSError, RuntimeError):
        return  # the run reports the path that cannot be read
    for path, resolved in places:
        if where == resolved or where.is_relative_to(resolved):
            what = "output folder" if path == out else "input"
            raise UsageError(
                f"{report}: the HTML report would be written into the {what} {path}; "
                "give a path outside the inputs and the output folder"
            )


@app.command()
def report(
    out: Annotated[Path, typer.Argument(help="The output folder of a finished run.")],
    output: Annotated[
        Path, typer.Option("--output", "-o", help="Where to write the HTML report.")
    ] = Path("report.html"),
    max_documents: Annotated[
        int, typer.Option(help="Documents shown with their text (the summary counts all).", min=1)
    ] = 1000,
    state: StateOfOutputOption = None,
) -> None:
    """Write a self-contained HTML report of a finished run: summary, removals per rule,
    and each document's text with the removed lines struck through."""
    from cleaner.html_report import write_html_report

    with user_errors():
        _check_report_path(output, [], out)
        shown = write_html_report(out, output, max_documents, state)
    out_console.print(f"report of {shown} documents written to {output}")


@app.command("eval")
def evaluate(
    out: Annotated[Path, typer.Argument(help="The output folder of a finished run.")],
    gold: Annotated[Path, typer.Argument(help='Gold text: JSON Lines of {"id", "text"}.')],
    as_json: Annotated[bool, typer.Option("--json", help="Print the scores as JSON.")] = False,
    worst: Annotated[int, typer.Option(help="How many of the worst documents to list.")] = 10,
) -> None:
    """Score a run against gold text: word 4-gram shingle precision, recall and F1."""
    from cleaner.evaluate import evaluate_run

    with user_errors():
        score = evaluate_run(out, gold)
    ranked = sorted(score.documents, key=lambda d: (d.f1, d.id))
    if as_json:
        print(
            json.dumps(
                {
                    "f1": round(score.f1, 4),
                    "precision": round(score.precision, 4),
                    "recall": round(score.recall, 4),
                    "documents": len(score.documents),
                    "missing": list(score.missing),
                    "per_document": [
                        {
                            "id": d.id,
                            "f1": round(d.f1, 4),
                            "precision": round(d.precision, 4),
                            "recall": round(d.recall, 4),
                        }
                        for d in ranked
                    ],
                },
                indent=2,
            )
        )
        return
    out_console.print(
        f"{len(score.documents)} documents: F1 {score.f1:.4f}  "
        f"precision {score.precision:.4f}  recall {score.recall:.4f}"
    )
    if score.missing:
        shown = ", ".join(repr(doc_id) for doc_id in score.missing[:3])
        more = "..." if len(score.missing) > 3 else ""
        err_console.print(
            labelled(
                "note:",
                "yellow",
                f"{len(score.missing)} gold id(s) name no output, scored as empty: {shown}{more}",
            ),
            soft_wrap=True,
        )
    table = Table("worst documents", "F1", "precision", "recall", box=None, pad_edge=False)
    table.columns[0].overflow = "fold"  # an id whole, never cut with "…"
    for doc in ranked[:worst]:
        table.add_row(doc.id, f"{doc.f1:.3f}", f"{doc.precision:.3f}", f"{doc.recall:.3f}")
    if worst > 0:
        out_console.print(table)


@rules_app.command("suggest")
def rules_suggest(
    paths: Annotated[list[Path], typer.Argument(help="Input folders or files, as for run.")],
    min_docs: Annotated[int, typer.Option(help="Documents a line must be on.", min=2)] = 3,
    min_share: Annotated[
        float,
        typer.Option(help="Share of its site's documents a line must be on.", min=0.0, max=1.0),
    ] = 0.1,
    max_lines: Annotated[int, typer.Option(help="Most lines per site.", min=1)] = 30,
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="Write the draft here instead of printing it."),
    ] = None,
) -> None:
    """Draft YAML rules, with test cases, for the lines that repeat across each site's pages."""
    from cleaner.readers import discover_inputs
    from cleaner.ruleset.suggest import suggest_rules
    from cleaner.writers import atomic_write

    with user_errors():
        draft = suggest_rules(
            discover_inputs(paths),
            Config(),
            min_docs=min_docs,
            min_share=min_share,
            max_lines=max_lines,
        )
    if output is None:
        print(draft, end="")
    else:
        with user_errors():
            try:
                atomic_write(output, draft.encode("utf-8"))
            except OSError as exc:
                raise UsageError(f"{output}: cannot write the draft ({exc.strerror})") from None
        err_console.print(
            f"draft rules written to {output}; review, then `cleaner rules test {output}`"
        )


def _authors_rules(dirs: list[Path] | None) -> RuleSet:
    """The rules `rules test` and `rules lint` check: an author's folders alone, loaded
    beside the built-in rules first, as `run --rules` loads them (an id that clashes with
    a built-in rule is the error the run would give); the built-in rules without folders."""
    from cleaner.ruleset.loader import load_rules

    if dirs:
        load_rules(dirs, builtin=True)
    return load_rules(dirs or (), builtin=not dirs)


@rules_app.command("lint")
def rules_lint(dirs: RuleDirsArgument = None) -> None:
    """Check rules beyond the schema: cases of both kinds, no rule shadowed by another."""
    from cleaner.ruleset.lint import lint as lint_rules

    with user_errors():
        ruleset = _authors_rules(dirs)
    problems = list(lint_rules(ruleset))
    for problem in problems:
        err_console.print(labelled("LINT", "bold red", problem.describe()), soft_wrap=True)
    out_console.print(f"{len(ruleset)} rules, {len(problems)} problem(s)")
    if problems:
        raise typer.Exit(1)


@rules_app.command("list")
def rules_list(
    dirs: RuleDirsArgument = None,
) -> None:
    """Show every rule: id, description, scope and where it is defined."""
    from cleaner.progress import is_tty
    from cleaner.ruleset.loader import load_rules

    with user_errors():
        ruleset = load_rules(dirs or (), builtin=not dirs)
    rows = []
    for rule in ruleset.rules:
        scope = rule.where.value + (f" of {', '.join(rule.sites)}" if rule.sites else "")
        if rule.spec.page_types:
            scope += f" on {', '.join(rule.spec.page_types)} pages"
        rows.append((rule.id, rule.spec.description, scope, rule.location))
    if is_tty(out_console.file):  # not is_terminal: FORCE_COLOR says yes to any pipe
        table = Table("id", "description", "scope", "file", box=None, pad_edge=False)
        for row in rows:
            table.add_row(*row)
        out_console.print(table)
    else:  # piped: one tab-separated line per rule, for grep and cut
        for row in rows:  # a description's own newlines and tabs, escaped
            print("\t".join(map(_one_line, row)))
    out_console.print(f"{len(ruleset)} rules")


@rules_app.command("test")
def rules_test(
    dirs: RuleDirsArgument = None,
) -> None:
    """Run the test cases every rule carries; exit 1 if any fails."""
    from cleaner.ruleset.cases import run_cases

    with user_errors():
        ruleset = _authors_rules(dirs)
    results = list(run_cases(ruleset))
    failures = [result for result in results if not result.passed]
    for failure in failures:
        err_console.print(labelled("FAIL", "bold red", failure.describe()), soft_wrap=True)
    passed = len(results) - len(failures)
    out_console.print(f"{passed} passed, {len(failures)} failed ({len(ruleset)} rules)")
    if failures:
        raise typer.Exit(1)


def _check(
    inputs: list[Path],
    out: Path,
    config: Config,
    quiet: bool,
    executor: Executor,
    state: Path | None,
    force: bool,
) -> None:
    from cleaner.check import check as check_outputs

    with user_errors():
        result = check_outputs(inputs, out, config, executor=executor, state=state, force=force)
    for name in result.missing:
        out_console.print(f"would write {out / name}", soft_wrap=True)
    for name in result.extra:
        out_console.print(f"would not write {out / name} (no input gives it)", soft_wrap=True)
    for name, summary in result.changed.items():
        out_console.print(f"would change {out / name}: {summary}", soft_wrap=True)
    if result.differences:
        err_console.print(f"{result.differences} file(s) would change in {out}", soft_wrap=True)
        raise typer.Exit(EXIT_CHECK_FAILED)
    failures = result.report.failures if result.report is not None else []
    if not quiet:
        # Up to date, failures and all: exit 1 says some inputs fail, and they are named.
        out_console.print(f"{out} is up to date", soft_wrap=True)  # a path, unbroken
    for failure in failures:
        _print_failure(failure)
    if failures:
        err_console.print(
            f"{len(failures)} document(s) failed, as in the run that wrote {out}",
            soft_wrap=True,
        )
        raise typer.Exit(EXIT_DOCUMENTS_FAILED)


def _print_failure(failure: Failure) -> None:
    """One line per failed document, always naming its file (its traceback with --debug)."""
    where = "" if failure.reason.startswith(failure.source) else f"{failure.source}: "
    err_console.print(labelled("failed:", "bold red", f"{where}{failure.reason}"), soft_wrap=True)
    if verbosity.debug and failure.detail:
        err_console.print(failure.detail, soft_wrap=True)


def _empty(report: RunReport) -> str:
    """ ", 2 empty documents written" / ", 2 documents under --min-words left out"."""
    said = f", {report.empty} empty documents written" if report.empty else ""
    if report.left_out:
        said += f", {report.left_out} documents under --min-words left out"
    return said


def _left_out(report: RunReport) -> str:
    """ ", 3 files left out (2 unknown suffix, 1 hidden)": every entry is accounted for."""
    if not report.skipped_files:
        return ""
    reasons = Counter(reason.split(" (")[0] for _, reason in report.skipped_files)
    why = ", ".join(f"{count} {reason}" for reason, count in sorted(reasons.items()))
    return f", {len(report.skipped_files)} files left out ({why})"


def _print_details(report: RunReport) -> None:
    """--verbose: the warnings and the removals per rule, after the summary line."""
    for warning in report.warnings:
        err_console.print(
            labelled("warning:", "yellow", f"{warning.source}: {warning.reason}"), soft_wrap=True
        )
    table = Table("rule", "removals", box=None, pad_edge=False)
    for rule_id, count in report.removals_by_rule.most_common():
        table.add_row(rule_id, str(count))
    out_console.print(table)


def main() -> None:
    """The `cleaner` command. SIGINT and SIGTERM stop it with 130 and 143 wherever they
    land (click turns a KeyboardInterrupt outside a command into "Aborted!", exit 1)."""
    guard.install()
    try:
        app()
    except SystemExit as exc:
        # An interrupt that reached typer (while it parsed the arguments, or outside a
        # command's own handling): typer makes any one a silent exit 130. A command that
        # says its own ("told") is not said again.
        untold = exc.code == EXIT_INTERRUPTED
        guard.finish(b"interrupted: stopped before it finished\n" if untold else b"")
        raise
    except KeyboardInterrupt:
        # Landed while typer builds the click command from the functions' signatures,
        # before click's own handling (which would have made it "Aborted!").
        guard.finish(b"interrupted: stopped before it started\n")
        raise
    except Exception:
        # Outside any command's own handling (typer parsing its options, a module a
        # command imports): a library that turned the interrupt into its own error
        # (pybind11 makes it "ImportError: initialization failed") is still an interrupt.
        guard.finish(b"interrupted: stopped before it finished\n")
        raise
