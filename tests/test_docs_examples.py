"""The examples in docs/ parse with today's CLI, so a renamed command or option breaks a test."""

from __future__ import annotations

import re
import shlex
from typing import Any

import pytest
import typer
import yaml
from helpers import ROOT

from cleaner.cli import app

WORKFLOW = ROOT / "docs" / "github-actions.yml"
_SHELL_SEPARATORS = re.compile(r"&&|\|\||[;|\n]")


def _steps() -> list[dict[str, Any]]:
    workflow = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    return [step for job in workflow["jobs"].values() for step in job["steps"]]


def cleaner_commands() -> list[list[str]]:
    """The arguments of every `cleaner ...` command the workflow's shell steps run."""
    commands = []
    for step in _steps():
        for part in _SHELL_SEPARATORS.split(step.get("run", "")):
            words = shlex.split(part)
            if words and words[0] == "cleaner":
                commands.append(words[1:])
    return commands


def parse(args: list[str]) -> Any:
    """Resolve subcommands, then let the command parse the rest exactly as the CLI would."""
    command: Any = typer.main.get_command(app)
    path = ["cleaner"]
    while hasattr(command, "commands"):  # a group: the next word names a subcommand
        assert args and args[0] in command.commands, f"no command {' '.join([*path, *args[:1]])}"
        path.append(args[0])
        command, args = command.commands[args[0]], args[1:]
    try:
        return command.make_context(" ".join(path), list(args))
    except Exception as exc:  # a UsageError of click, or of typer's own copy of it
        pytest.fail(f"{' '.join([*path, *args])}: {exc}")


def test_the_workflow_runs_the_documented_checks() -> None:
    commands = [" ".join(args) for args in cleaner_commands()]
    assert "rules lint rules/" in commands
    assert "rules test rules/" in commands
    assert "run captures/ cleaned/ --rules rules/ --check" in commands


@pytest.mark.parametrize("args", cleaner_commands(), ids=" ".join)
def test_every_cleaner_command_of_the_workflow_parses(args: list[str]) -> None:
    parse(args)


def test_the_check_step_really_checks() -> None:
    (check,) = [args for args in cleaner_commands() if "--check" in args]
    context = parse(check)
    (flag,) = [param for param in context.command.params if "--check" in param.opts]
    assert context.params[flag.name] is True


def test_the_workflow_installs_cleaner_and_uploads_the_report_on_failure() -> None:
    steps = _steps()
    runs = "\n".join(step.get("run", "") for step in steps)
    assert 'pip install "cleaner @ git+https://github.com/OWNER/cleaner"' in runs
    setup = next(step for step in steps if step.get("uses", "").startswith("actions/setup-python"))
    assert setup["with"]["python-version"] == "3.11"
    upload = next(step for step in steps if step.get("uses", "").startswith("actions/upload-"))
    assert upload["if"] == "failure()" and upload["with"]["path"].endswith("/report.json")
    scratch = upload["with"]["path"].removesuffix("/report.json")
    assert scratch == "${{ runner.temp }}/cleaned"
    assert any(
        args[0] == "run" and "$RUNNER_TEMP/cleaned" in args and "--check" not in args
        for args in cleaner_commands()
    ), "the report must come from a run that writes into the scratch folder"
