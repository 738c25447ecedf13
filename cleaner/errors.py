"""Every error a user can cause, each with a message that says how to fix it."""

from __future__ import annotations

from pathlib import Path


class CleanerError(Exception):
    """Base class: an expected failure, reported as one line without a traceback."""


class UsageError(CleanerError):
    """Bad arguments or options."""


class ClusterError(CleanerError):
    """The Ray cluster cannot be joined, or starts no worker."""


class RuleError(CleanerError):
    """A rule file that cannot be loaded: names the file, line and field."""

    def __init__(
        self,
        path: Path | str,
        message: str,
        *,
        line: int | None = None,
        field: str | None = None,
        hint: str = "",
    ) -> None:
        self.path = str(path)
        self.line = line
        self.field = field
        self.message = message
        self.hint = hint
        super().__init__(str(self))

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        what = f"field '{self.field}': {self.message}" if self.field else self.message
        return f"{where}: {what}" + (f" ({self.hint})" if self.hint else "")


class DocumentError(CleanerError):
    """One input that cannot be read or cleaned; the run goes on without it."""

    def __init__(self, source: str, message: str) -> None:
        self.source = source
        self.message = message
        super().__init__(f"{source}: {message}")


class OutputError(CleanerError):
    """OUT cannot be written: permissions, a full disk, a file where a folder must be."""

    def __init__(self, out: Path, exc: OSError) -> None:
        where = Path(exc.filename) if exc.filename else out
        if where.name.startswith(".") and where.name.endswith(".tmp"):
            where = where.parent  # a temporary file's random name says nothing: its folder
        super().__init__(
            f"{where}: cannot write the output ({exc.strerror or exc}); check that {out} is "
            "a folder you may write to, on a disk with room"
        )
