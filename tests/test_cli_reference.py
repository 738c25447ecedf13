"""docs/cli.md is the CLI as it is: generated from the typer app, checked against it here."""

from __future__ import annotations

from typing import Any

import typer
from helpers import ROOT

from cleaner.cli import app
from cleaner.cli_reference import REGENERATE, render_cli_reference

CLI_MD = ROOT / "docs" / "cli.md"


def _commands(command: Any, path: tuple[str, ...] = ("cleaner",)) -> list[tuple[str, Any]]:
    """Every command of the app, walked here independently of the renderer."""
    found = [(" ".join(path), command)]
    for name, sub in getattr(command, "commands", {}).items():
        if not sub.hidden:
            found += _commands(sub, (*path, name))
    return found


def _section(reference: str, title: str) -> str:
    """The text under `## `title`` up to the next section."""
    start = reference.index(f"\n## `{title}`\n")
    end = reference.find("\n## ", start + 1)
    return reference[start : end if end != -1 else None]


def test_docs_cli_md_is_up_to_date() -> None:
    current = CLI_MD.read_text(encoding="utf-8") if CLI_MD.exists() else ""
    assert current == render_cli_reference(), (
        f"docs/cli.md does not match the CLI; regenerate it from the repository root: {REGENERATE}"
    )


def test_rendering_is_deterministic() -> None:
    assert render_cli_reference() == render_cli_reference()


def test_every_command_and_option_is_documented_with_its_help() -> None:
    reference = render_cli_reference()
    for title, command in _commands(typer.main.get_command(app)):
        section = _section(reference, title)
        assert f"\n{title} [OPTIONS]" in section, f"no usage line for {title}"
        for param in command.params:
            if param.param_type_name == "option" and not param.hidden:
                row = next(line for line in section.splitlines() if f"`{param.opts[0]}`" in line)
                help_text = " ".join((param.help or "").split()).replace("|", "\\|")
                help_text = help_text.replace("\\[", "[")  # rich's escape, for --help only
                assert help_text in row, f"{title} {param.opts[0]}: no help"


def test_run_check_is_documented() -> None:
    section = _section(render_cli_reference(), "cleaner run")
    assert "cleaner run [OPTIONS] PATHS..." in section
    (row,) = [line for line in section.splitlines() if line.startswith("| `--check` |")]
    assert "| flag |" in row and "exit 3 if OUT differs from what a run would write" in row
    assert "| `--format` | `txt` \\| `jsonl` \\| `parquet` | `txt` |" in section
