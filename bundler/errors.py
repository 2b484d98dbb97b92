"""Everything a user can cause is a BundlerError; validation findings are Problems.

Problems are collected, never raised one at a time: a case folder is checked in
full and every problem is reported in one run.
"""

from __future__ import annotations

from dataclasses import dataclass


class BundlerError(Exception):
    """Base of every error the user can cause (bad input, bad arguments)."""


class UsageError(BundlerError):
    """The command was asked for something that cannot be done (exit code 2)."""


class BundleError(BundlerError):
    """The bundle cannot be built (or verified); the message names the document."""


class CaseFolderError(BundlerError):
    """The case folder cannot be read at all (missing, not a folder)."""


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with a case, pointing at the user's file.

    ``file`` is relative to the case folder (``case.yaml``,
    ``documents/letter-1.md``); ``line`` is 1-based or None when the problem
    belongs to the file as a whole; ``field`` is a dotted path such as
    ``parents[1].address`` or ``front matter: served.method``.
    """

    file: str
    line: int | None
    field: str
    message: str
    hint: str = ""

    def __str__(self) -> str:
        where = self.file if self.line is None else f"{self.file}:{self.line}"
        field = f" {self.field}:" if self.field else ""
        return f"{where}:{field} {self.message}"

    def as_dict(self) -> dict[str, object]:
        return {
            "file": self.file,
            "line": self.line,
            "field": self.field,
            "message": self.message,
            "hint": self.hint,
        }
