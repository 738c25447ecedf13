"""The CLI states each setting once: its options' defaults and help are Config's."""

from __future__ import annotations

import typer

from cleaner.cli import app
from cleaner.config import Config

#: Options named otherwise than their Config field.
RENAMED = {"output_format": "format"}
#: --rules is a list of folders every command shares (RulesOption), a tuple in Config.
SHARED = {"rules"}


def _run_options() -> dict[str, object]:
    command = typer.main.get_command(app).commands["run"]  # type: ignore[attr-defined]
    return {param.name: param for param in command.params if param.param_type_name == "option"}


def test_options_of_config_fields_take_its_defaults_and_descriptions() -> None:
    fields = Config.model_fields
    checked = 0
    for name, option in _run_options().items():
        field = fields.get(RENAMED.get(name, name))
        if field is None or option.is_flag or name in SHARED:  # flags (--no-classifier...) invert a field
            continue
        assert option.default == field.default, name
        assert option.help == field.description.replace("[", "\\["), name
        checked += 1
    assert checked >= 15  # the value options of the run all come from Config


def test_every_field_behind_an_option_is_described() -> None:
    for name in _run_options():
        field = Config.model_fields.get(RENAMED.get(name, name))
        if field is not None and field.annotation is not bool and name not in SHARED:
            assert field.description, f"Config.{name} needs a description: it is --help"
