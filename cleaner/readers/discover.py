"""Which files of the given paths are inputs, and the name each one's output gets."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from cleaner.errors import UsageError

TEXT_SUFFIXES = frozenset({".txt", ".text"})


@dataclass(frozen=True, slots=True)
class InputFile:
    """An input file and its output name (a relative POSIX path without suffix)."""

    path: Path
    name: PurePosixPath


def _is_input(path: Path) -> bool:
    return path.suffix.lower() in TEXT_SUFFIXES and not path.name.startswith(".")


def discover_inputs(paths: Iterable[Path]) -> list[InputFile]:
    """Input files under the paths, in a stable order; output names mirror the folders."""
    found: list[InputFile] = []
    for root in paths:
        if root.is_dir():
            for path in sorted(root.rglob("*")):
                if path.is_file() and _is_input(path):
                    name = PurePosixPath(path.relative_to(root).with_suffix("").as_posix())
                    found.append(InputFile(path, name))
        elif root.is_file():
            found.append(InputFile(root, PurePosixPath(root.stem)))
        else:
            raise UsageError(f"{root}: no such file or folder")
    names = [item.name for item in found]
    if len(set(names)) != len(names):
        clash = next(name for name in names if names.count(name) > 1)
        raise UsageError(
            f"two inputs would both be written as {clash}.txt; "
            "give them separate folders or run them separately"
        )
    return found
