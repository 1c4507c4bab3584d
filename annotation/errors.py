"""Errors the user can act on. Each renders as one line naming the file and line."""
from __future__ import annotations


class GoldspanError(Exception):
    """Base for every error shown to a user as one clear line."""


class InputError(GoldspanError):
    """Bad input: names the file and the line (or byte offset) and the reason."""

    def __init__(self, path: str, line: int, reason: str, *, offset: int | None = None) -> None:
        self.path = path
        self.line = line
        self.reason = reason
        self.offset = offset
        super().__init__(str(self))

    def __str__(self) -> str:
        where = self.path
        if self.line:
            where += f":{self.line}"
        elif self.offset is not None:
            where += f" (byte {self.offset})"
        return f"{where}: {self.reason}"


class ProjectError(GoldspanError):
    """The project file cannot be used: not a project, newer version, corrupt, read-only."""


class ProjectLocked(ProjectError):
    """Another process is writing to this project."""


class CommandError(GoldspanError):
    """An edit that cannot be applied (overlap, unknown span, bad offsets)."""


class ProjectDamaged(ProjectError):
    """The project file is truncated or corrupt: nothing is written to it."""


class DiskFull(ProjectError):
    """SQLite could not write because the disk (or the file's allowed size) is full.
    Nothing of the failed step was saved; the same step can be retried once there is room."""


class ProjectReadOnly(ProjectError):
    """The project cannot be written here (a read-only file or folder); it can be read."""
