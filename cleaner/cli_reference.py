"""A Markdown reference of the command line, generated from the typer app so it cannot drift.

`python -m cleaner.cli_reference > docs/cli.md` writes it; a test fails when docs/cli.md
differs. Everything comes from the command tree and the commands' type hints, never from
`--help` output, so terminal width, colours and typer's help layout play no part.
"""

from __future__ import annotations

import enum
import inspect
import sys
import types
import typing
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import typer

from cleaner.cli import app

REGENERATE = "python -m cleaner.cli_reference > docs/cli.md"

# typer's command and parameter objects: click's, or (newer typer) its own copy of click.
Command = Any
Parameter = Any

_TYPE_NAMES: dict[object, str] = {
    str: "text",
    int: "integer",
    float: "number",
    bool: "flag",
    Path: "path",
}


def iter_commands(
    command: Command, path: tuple[str, ...] = ("cleaner",)
) -> Iterator[tuple[tuple[str, ...], Command]]:
    """(path, command) for the command and every visible subcommand, subcommands by name."""
    yield path, command
    subcommands = getattr(command, "commands", {})
    for name in sorted(subcommands):
        if not getattr(subcommands[name], "hidden", False):
            yield from iter_commands(subcommands[name], (*path, name))


def _type_hints(command: Command) -> dict[str, Any]:
    """The callback's hints by parameter name: the Python types typer built the options from."""
    callback = getattr(command, "callback", None)
    try:
        return typing.get_type_hints(inspect.unwrap(callback)) if callback else {}
    except NameError:  # a hint imported only for type checkers: use click's type names
        return {}


def _element_type(annotation: Any) -> Any:
    """`list[X] | None` -> X: repetition and optionality are shown elsewhere."""
    while True:
        origin = typing.get_origin(annotation)
        args = [arg for arg in typing.get_args(annotation) if arg is not type(None)]
        optional = origin in (typing.Union, types.UnionType) and len(args) == 1
        if optional or origin in (list, tuple):
            annotation = args[0]
        else:
            return annotation


def _bound(param: Parameter, side: str) -> Any:
    value = getattr(param, side, None)  # typer's own parameters carry min/max
    return value if value is not None else getattr(getattr(param, "type", None), side, None)


def _range(param: Parameter) -> str:
    low, high = _bound(param, "min"), _bound(param, "max")
    if low is not None and high is not None:
        return f"{low} to {high}"
    if low is not None:
        return f"at least {low}"
    return f"at most {high}" if high is not None else ""


def type_label(param: Parameter, annotation: Any) -> str:
    """`integer, at least 1`, `` `txt` \\| `jsonl` ``, `path`: what the value may be."""
    kind = _element_type(annotation)
    if isinstance(kind, type) and issubclass(kind, enum.Enum):
        label = " \\| ".join(f"`{member.value}`" for member in kind)
    elif kind in _TYPE_NAMES:
        label = _TYPE_NAMES[kind]
    else:  # no hint: fall back on click's name for the type
        label = getattr(getattr(param, "type", None), "name", None) or str(kind)
    bounds = _range(param)
    return f"{label}, {bounds}" if bounds else label


def default_label(param: Parameter) -> str:
    """The default as typed on the command line; empty where there is none to show."""
    default = param.default
    if param.required or getattr(param, "show_default", True) is False or default is None:
        return ""
    if isinstance(default, bool):
        opts = param.opts if default else param.secondary_opts
        return f"`{opts[0]}`" if getattr(param, "secondary_opts", None) else ""
    if callable(default):
        return "(computed)"
    if isinstance(default, list | tuple):
        return ", ".join(default_label_value(value) for value in default)
    return default_label_value(default)


def default_label_value(value: Any) -> str:
    return f"`{value.value if isinstance(value, enum.Enum) else value}`"


def _cell(text: str | None) -> str:
    """One Markdown table cell: no line breaks, pipes escaped, and rich's escaped
    brackets (a "[ray]" that --help must not read as markup) as written."""
    return " ".join((text or "").split()).replace("|", "\\|").replace("\\[", "[")


def _help(command: Command) -> str:
    """The command's help as paragraphs (click cuts the docstring at a form feed)."""
    return inspect.cleandoc((command.help or "").split("\f")[0])


def _visible_params(command: Command, kind: str) -> list[Parameter]:
    return [
        p
        for p in command.params
        if p.param_type_name == kind and not getattr(p, "hidden", False) and p.expose_value
    ]


def _argument_name(param: Parameter) -> str:
    name = (param.metavar or param.name).upper()
    return name + ("..." if param.nargs != 1 else "")


def usage(path: tuple[str, ...], command: Command) -> str:
    """`cleaner run [OPTIONS] PATHS...`: optional arguments in brackets."""
    pieces = [" ".join(path), "[OPTIONS]"]
    for param in _visible_params(command, "argument"):
        name = _argument_name(param)
        pieces.append(name if param.required else f"[{name}]")
    if hasattr(command, "commands"):
        pieces.append("COMMAND [ARGS]...")
    return " ".join(pieces)


def _option_names(param: Parameter) -> str:
    return ", ".join(f"`{name}`" for name in [*param.opts, *param.secondary_opts])


def _arguments_table(command: Command, hints: dict[str, Any]) -> list[str]:
    rows = [
        f"| `{_argument_name(p)}` | {type_label(p, hints.get(p.name))} | "
        f"{'yes' if p.required else 'no'} | {_cell(getattr(p, 'help', None))} |"
        for p in _visible_params(command, "argument")
    ]
    if not rows:
        return []
    return ["| argument | type | required | help |", "|---|---|---|---|", *rows, ""]


def _options_table(command: Command, hints: dict[str, Any]) -> list[str]:
    rows = []
    for p in _visible_params(command, "option"):
        label = type_label(p, hints.get(p.name))
        if p.multiple:
            label += ", repeatable"
        help_text = _cell(p.help) + (" (required)" if p.required else "")
        rows.append(f"| {_option_names(p)} | {label} | {default_label(p)} | {help_text} |")
    if not rows:
        return []
    return ["| option | type | default | help |", "|---|---|---|---|", *rows, ""]


def _subcommand_list(path: tuple[str, ...], command: Command) -> list[str]:
    lines = []
    for sub_path, sub in iter_commands(command, path):
        if len(sub_path) == len(path) + 1:
            title = " ".join(sub_path)
            summary = _help(sub).split("\n\n")[0].replace("\n", " ")
            lines.append(f"- [`{title}`](#{title.replace(' ', '-')}): {summary}")
    return [*lines, ""] if lines else []


def render_command(path: tuple[str, ...], command: Command) -> str:
    """One command's section: heading, usage, help, subcommands, arguments, options."""
    hints = _type_hints(command)
    lines = [f"## `{' '.join(path)}`", "", "```", usage(path, command), "```", ""]
    if _help(command):
        lines += [_help(command), ""]
    lines += _subcommand_list(path, command)
    lines += _arguments_table(command, hints)
    lines += _options_table(command, hints)
    return "\n".join(lines)


def render_cli_reference() -> str:
    """The whole reference: every command of `cleaner.cli.app`, in a stable order."""
    header = (
        "# Command-line reference\n\n"
        f"<!-- Generated from cleaner/cli.py by `{REGENERATE}`: do not edit by hand. -->\n\n"
        "Every command also takes `--help`. Exit codes are listed in the README.\n"
    )
    sections = [render_command(path, cmd) for path, cmd in iter_commands(get_command_tree())]
    return "\n".join([header, *sections]).rstrip("\n") + "\n"


def get_command_tree() -> Command:
    """The click command tree that typer builds from the app."""
    return typer.main.get_command(app)


if __name__ == "__main__":
    sys.stdout.write(render_cli_reference())
