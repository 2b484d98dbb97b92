"""Everything a user can cause is a BundlerError; validation findings are Problems.

Problems are collected, never raised one at a time: a case folder is checked in
full and every problem is reported in one run.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

#: characters that change the direction text is shown in (a name can be made to read
#: "report.pdf" while it is "fdp.troper"), and the invisible marks of the same family
DIRECTION_CHARS = frozenset(chr(c) for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A), 0x200E, 0x200F, 0x061C))


def _bad(ch: str) -> bool:
    return unicodedata.category(ch) == "Cc" or ch in DIRECTION_CHARS


def printable(text: str) -> str:
    """``text`` with every control and direction character written as an escape
    (``\\n``, ``\\x1b``, ``\\u202e``), so that it shows on one line as what it is: a
    file name or a value from a case can never forge a line of a report."""
    if not any(_bad(ch) for ch in text):
        return text
    out = []
    for ch in text:
        if not _bad(ch):
            out.append(ch)
        elif ch in "\n\r\t":
            out.append({"\n": "\\n", "\r": "\\r", "\t": "\\t"}[ch])
        elif ord(ch) < 0x100:
            out.append(f"\\x{ord(ch):02x}")
        else:
            out.append(f"\\u{ord(ch):04x}")
    return "".join(out)


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
        return printable(f"{where}:{field} {self.message}")

    def as_dict(self) -> dict[str, object]:
        return {
            "file": self.file,
            "line": self.line,
            "field": self.field,
            "message": self.message,
            "hint": self.hint,
        }
