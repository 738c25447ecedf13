"""The built-in rules ship inside the wheel, so `pip install .` (not only -e) finds them."""

from __future__ import annotations

import json
from importlib import metadata

import pytest

from cleaner.ruleset.loader import builtin_rules_dir


def test_builtin_rules_dir_has_the_packs() -> None:
    folder = builtin_rules_dir()
    assert (folder / "generic" / "comments.yaml").is_file()
    assert (folder / "sites").is_dir()
    assert (folder / "lang" / "de.yaml").is_file()


def test_installed_wheel_contains_the_rules() -> None:
    # Installed distributions have a RECORD; an in-tree cleaner.egg-info left by a build does not.
    installed = [d for d in metadata.distributions(name="cleaner") if d.read_text("RECORD")]
    if not installed:
        pytest.skip("cleaner is not installed; only the source checkout is tested")
    dist = installed[0]
    direct_url = dist.read_text("direct_url.json")
    if direct_url and json.loads(direct_url).get("dir_info", {}).get("editable"):
        pytest.skip("editable install: rules are read from the checkout's rules/")
    shipped = {str(path) for path in dist.files or ()}
    assert "cleaner/builtin_rules/generic/comments.yaml" in shipped
    assert any(name.startswith("cleaner/builtin_rules/sites/") for name in shipped)
    assert "cleaner/builtin_rules/lang/de.yaml" in shipped
