"""Find, parse, validate and compile rule files; every error names file, line and field."""

from __future__ import annotations

import difflib
import hashlib
import stat
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from pydantic import ValidationError

from cleaner.errors import RuleError
from cleaner.ruleset.rule import Rule
from cleaner.ruleset.schema import ClassifierSettings, RuleCase, RuleFile, RuleSpec
from cleaner.ruleset.yaml_lines import LineDict, line_of, load_yaml

RULE_SUFFIXES = (".yaml", ".yml")
MAX_RULE_FILE_BYTES = 1_000_000


@dataclass(frozen=True, slots=True)
class RuleSet:
    """The rules of a run, in a stable order, with a hash that identifies them."""

    rules: tuple[Rule, ...]
    digest: str
    classifier: ClassifierSettings = field(default_factory=ClassifierSettings)

    def __len__(self) -> int:
        return len(self.rules)


def builtin_rules_dir() -> Path:
    """The built-in packs: inside the installed package, or `rules/` of a source checkout."""
    import cleaner

    package_dir = Path(cleaner.__file__).resolve().parent
    installed = package_dir / "builtin_rules"
    return installed if installed.is_dir() else package_dir.parent / "rules"


def rule_files(paths: Iterable[Path]) -> list[Path]:
    """Rule files under the given files or folders, in a stable order: files named .yaml or
    .yml (any case), not hidden ones nor those in hidden folders (an editor's lock file
    ".#a.yaml", macOS's "._a.yaml", a ".git" folder). A folder with none is an error: the
    run would otherwise go on with no rules of its own."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            inside = sorted(
                p
                for p in path.rglob("*")
                if p.suffix.lower() in RULE_SUFFIXES
                and not any(part.startswith(".") for part in p.relative_to(path).parts)
                and not p.is_dir()  # a FIFO or a device stays, for _read to refuse by name
            )
            if not inside:
                raise RuleError(
                    path,
                    "no rule files in this folder",
                    hint="rule files are named *.yaml or *.yml",
                )
            found.extend(inside)
        elif path.is_file():
            found.append(path)
        elif path.exists():
            raise RuleError(
                path,
                "not a rule file or folder (a FIFO, socket or device)",
                hint="give a YAML file or a folder of them",
            )
        else:
            raise RuleError(path, "no such rule file or folder", hint="check the --rules path")
    return found


def _known_keys(location: tuple[int | str, ...]) -> list[str]:
    model: type[RuleSpec | RuleFile | RuleCase] = RuleSpec if "rules" in location else RuleFile
    if "tests" in location:
        model = RuleCase
    return list(model.model_fields)


def _validation_message(exc: ValidationError, data: object, path: Path) -> RuleError:
    errors = exc.errors()
    # A misspelt key also makes the real one "missing": report the misspelling.
    error = next((e for e in errors if e["type"] == "extra_forbidden"), errors[0])
    location = tuple(error["loc"])
    fields = [str(part) for part in location if isinstance(part, str)]
    message = error["msg"].removeprefix("Value error, ")
    hint = ""
    if error["type"] == "extra_forbidden":
        message = "unknown key"
        close = difflib.get_close_matches(fields[-1], _known_keys(location), n=1)
        hint = f"did you mean '{close[0]}'?" if close else "see the rule schema in the README"
    elif error["type"] == "missing":
        message = "required key is missing"
    elif error["type"] == "string_type" and isinstance(error.get("input"), dict):
        hint = 'YAML read "key: value" here; put the text in quotes'
    elif error["type"] in ("string_type", "dict_type") or "Keys should be strings" in message:
        # YAML 1.1 reads yes, no, on, off, true, false and numbers as such, keys too
        hint = "YAML read a word (yes, no, on, off) or a number as a value; put it in quotes"
    return RuleError(
        path,
        message,
        line=line_of(data, location),
        field=".".join(fields) if fields else None,
        hint=hint,
    )


def parse_rule_file(path: Path, text: str) -> list[Rule]:
    """Validate and compile one rule file's text."""
    return _parse(path, text)[0]


def _parse(path: Path, text: str) -> tuple[list[Rule], RuleFile | None, object]:
    """The compiled rules, the validated file (None when empty) and the raw YAML data."""
    if len(text.encode()) > MAX_RULE_FILE_BYTES:
        raise RuleError(
            path,
            f"rule file is larger than {MAX_RULE_FILE_BYTES} bytes",
            hint="split it into several files",
        )
    try:
        data = load_yaml(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problem = " ".join(str(getattr(exc, "problem", None) or exc).split())  # one line
        if isinstance(exc, yaml.reader.ReaderError):
            problem = f"character #x{exc.character:04x} is not allowed ({exc.reason}); remove it"
        line: int | None = mark.line + 1 if mark else None
        if mark is None and (position := getattr(exc, "position", None)) is not None:
            line = text.count("\n", 0, position) + 1  # a character YAML refuses
        raise RuleError(path, f"YAML syntax error: {problem}", line=line) from None
    if data is None:
        return [], None, None
    if not isinstance(data, LineDict):
        raise RuleError(
            path,
            "a rule file is a mapping with a 'rules:' list",
            line=1,
            hint="see the rule schema in the README",
        )
    try:
        parsed = RuleFile.model_validate(data)
    except ValidationError as exc:
        raise _validation_message(exc, data, path) from None
    rules_node = data.get("rules")
    lines = rules_node.item_lines if rules_node is not None else []  # validated: a list
    rules = [
        Rule.compile(spec, path, lines[index], parsed.sites)
        for index, spec in enumerate(parsed.rules)
    ]
    return rules, parsed, data


def _override_classifier(
    current: ClassifierSettings, parsed: RuleFile, data: object, path: Path
) -> ClassifierSettings:
    """The settings with this file's `classifier:` keys laid over them."""
    try:
        return ClassifierSettings.model_validate(
            {**current.model_dump(), **(parsed.classifier or {})}
        )
    except ValidationError as exc:
        error = exc.errors()[0]
        location = ("classifier", *error["loc"])
        message = "unknown key" if error["type"] == "extra_forbidden" else error["msg"]
        raise RuleError(
            path, message, line=line_of(data, location), field=".".join(str(p) for p in location)
        ) from None


def read_rule_file(path: Path) -> bytes:
    """A rule file's bytes, read only when it is a regular file within the size cap: a
    FIFO named `x.yaml` would block the run for ever, a huge file fill its memory."""
    try:
        status = path.stat()
    except OSError as exc:
        raise RuleError(path, f"cannot read: {exc.strerror}") from None
    if not stat.S_ISREG(status.st_mode):
        raise RuleError(path, "not a regular file (a FIFO, socket or device)", hint="remove it")
    if status.st_size > MAX_RULE_FILE_BYTES:
        raise RuleError(
            path,
            f"rule file is larger than {MAX_RULE_FILE_BYTES} bytes",
            hint="split it into several files",
        )
    with path.open("rb") as handle:
        return handle.read(MAX_RULE_FILE_BYTES + 1)


def rule_roots(extra_dirs: Sequence[Path | str] = (), *, builtin: bool = True) -> list[Path]:
    """Where a rule set's files are: the built-in packs (unless turned off), then the user's."""
    return ([builtin_rules_dir()] if builtin else []) + [Path(p) for p in extra_dirs]


def load_rules(extra_dirs: Sequence[Path | str] = (), *, builtin: bool = True) -> RuleSet:
    """Load the built-in packs (unless turned off) and the user's rule folders."""
    roots = rule_roots(extra_dirs, builtin=builtin)
    rules: list[Rule] = []
    classifier = ClassifierSettings()
    seen: dict[str, Rule] = {}
    digest = hashlib.sha256()
    for path in rule_files(roots):
        try:
            raw = read_rule_file(path)
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            raise RuleError(path, "not UTF-8 text", hint="save the file as UTF-8") from None
        except OSError as exc:
            raise RuleError(path, f"cannot read: {exc.strerror}") from None
        digest.update(hashlib.sha256(raw).digest())
        file_rules, parsed, data = _parse(path, text)
        if parsed is not None and parsed.classifier:
            classifier = _override_classifier(classifier, parsed, data, path)
        for rule in file_rules:
            if rule.id in seen:
                raise RuleError(
                    path,
                    f"duplicate rule id {rule.id!r}",
                    line=rule.line,
                    field="id",
                    hint=f"first defined at {seen[rule.id].location}",
                )
            seen[rule.id] = rule
            rules.append(rule)
    return RuleSet(tuple(rules), digest.hexdigest(), classifier)
