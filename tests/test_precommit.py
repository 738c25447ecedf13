"""The pre-commit hooks of .pre-commit-hooks.yaml, run by pre-commit itself (slow: ~15 s).

Installing the hooks as published (`language: python`) would pip-install cleaner and its
dependencies from PyPI, and tests never touch the network. So the manifest is checked
against pre-commit's own schema, and each hook runs through `pre-commit run` as a local
hook with the manifest's entry, files and arguments, on the `cleaner` already installed.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from helpers import ROOT
from typer.testing import CliRunner

from cleaner.cli import app

pytest.importorskip("pre_commit", reason="pre-commit is not installed (pip install pre-commit)")
from pre_commit.clientlib import language_names, load_manifest

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed"),
]

MANIFEST = ROOT / ".pre-commit-hooks.yaml"
HOOK_IDS = {"cleaner-rules-test", "cleaner-rules-lint", "cleaner-check"}
CHECK_ARGS = ["captures/", "cleaned/", "--rules", "rules/"]

RULES = """\
rules:
  - id: donation-appeal
    description: A call for donations on a line of its own.
    exact: Please support independent journalism
    tests:
      - drop: Please support independent journalism
      - keep: Please support independent journalism, the editor wrote in her letter.
"""

CAPTURE = """\
Council approves the new harbour bridge

The city council voted on Tuesday to build a new bridge across the harbour, ending a
debate that has lasted for more than ten years and divided the residents of both shores.

Construction is expected to begin next spring and to take about three years, the mayor
said after the vote, adding that the ferry service will run until the bridge opens.

Please support independent journalism
"""


def _cleaner_bin() -> Path:
    """The folder of the `cleaner` script beside this interpreter (or on PATH)."""
    script = shutil.which("cleaner", path=str(Path(sys.executable).parent)) or shutil.which(
        "cleaner"
    )
    if script is None:
        pytest.skip("no `cleaner` executable: pip install -e . first")
    return Path(script).parent


def _environment(home: Path) -> dict[str, str]:
    """This checkout's cleaner first on PATH, pre-commit's cache in tmp, no outer git hook."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_") and k != "SKIP"}
    env["PATH"] = os.pathsep.join([str(_cleaner_bin()), env.get("PATH", "")])
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    env["PRE_COMMIT_HOME"] = str(home)
    return env


def _local_config() -> str:
    """Our hooks as `repo: local` hooks: same entry, files and arguments, installed cleaner."""
    language = "unsupported" if "unsupported" in language_names else "system"
    hooks = []
    for hook in yaml.safe_load(MANIFEST.read_text(encoding="utf-8")):
        local = {**hook, "language": language}
        if hook["id"] == "cleaner-check":
            local["args"] = CHECK_ARGS
        hooks.append(local)
    return yaml.safe_dump({"repos": [{"repo": "local", "hooks": hooks}]}, sort_keys=False)


def _git(repo: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True)


@pytest.fixture(scope="module")
def base_repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A repository of captures, rules and committed cleaned output, built once."""
    repo = tmp_path_factory.mktemp("base") / "repo"
    (repo / "rules").mkdir(parents=True)
    (repo / "rules" / "site.yaml").write_text(RULES, encoding="utf-8")
    (repo / "captures").mkdir()
    (repo / "captures" / "story.txt").write_text(CAPTURE, encoding="utf-8")
    with contextlib.chdir(repo):  # as the hook runs: from the root, paths as given (`source`)
        result = CliRunner().invoke(app, ["run", *CHECK_ARGS, "-q"])
    assert result.exit_code == 0, result.output
    (repo / ".pre-commit-config.yaml").write_text(_local_config(), encoding="utf-8")
    _git(repo, "init", "-q")
    _git(repo, "config", "user.name", "Test")
    _git(repo, "config", "user.email", "test@example.com")
    _git(repo, "add", "-A")
    return repo


@pytest.fixture
def repo(base_repo: Path, tmp_path: Path) -> Path:
    """A fresh copy of the base repository for one test to change."""
    return Path(shutil.copytree(base_repo, tmp_path / "repo", symlinks=True))


def pre_commit(repo: Path, *hook: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pre_commit", "run", *hook, "--all-files", "--color", "never"],
        cwd=repo,
        env=_environment(repo.parent / "pre-commit-home"),
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_manifest_passes_pre_commits_schema() -> None:
    hooks = {hook["id"]: hook for hook in load_manifest(str(MANIFEST))}
    assert set(hooks) == HOOK_IDS
    assert {hook["language"] for hook in hooks.values()} == {"python"}
    assert hooks["cleaner-rules-test"]["entry"] == "cleaner rules test"
    assert hooks["cleaner-rules-lint"]["entry"] == "cleaner rules lint"
    assert hooks["cleaner-check"]["entry"] == "cleaner run --check"
    assert not hooks["cleaner-check"]["pass_filenames"] and hooks["cleaner-check"]["always_run"]


def test_hooks_pass_on_good_rules_and_current_output(repo: Path) -> None:
    result = pre_commit(repo)
    assert result.returncode == 0, result.stdout + result.stderr
    for name in ("cleaner rules test", "cleaner rules lint", "cleaner run --check"):
        assert any(
            line.startswith(name) and line.endswith("Passed") for line in result.stdout.splitlines()
        ), result.stdout


@pytest.mark.parametrize(
    ("path", "old", "new", "hook", "exit_code"),
    [
        pytest.param(
            "rules/site.yaml",
            "keep: Please support independent journalism, the editor wrote in her letter.",
            "keep: Please support independent journalism",
            "cleaner-rules-test",
            1,
            id="broken-rule-case",
        ),
        pytest.param(
            "rules/site.yaml",
            "      - keep: Please support independent journalism, the editor wrote in her letter.\n",
            "",
            "cleaner-rules-lint",
            1,
            id="rule-without-keep-case",
        ),
        pytest.param(
            "cleaned/story.txt",
            "ten years",
            "twelve years",
            "cleaner-check",
            3,
            id="cleaned-text-edited",
        ),
    ],
)
def test_hook_fails_on_a_problem(
    repo: Path, path: str, old: str, new: str, hook: str, exit_code: int
) -> None:
    target = repo / path
    text = target.read_text(encoding="utf-8")
    assert old in text
    target.write_text(text.replace(old, new), encoding="utf-8")
    result = pre_commit(repo, hook)
    assert result.returncode != 0, result.stdout
    assert f"- hook id: {hook}\n- exit code: {exit_code}\n" in result.stdout, result.stdout
