"""What every importer shares: limits, the error that carries every problem, reading an
input file within its limit, day-first dates, the register rows an import gives, and
writing new files (never over an old one unless asked, and then with a backup).

Takes paths, bytes and rows; gives bytes, dates, ``attendance.csv`` text, and files on
disk. Every problem is a ``Problem`` naming the input file, its line (or XML path, or
sheet and cell), the field and what is wrong, as ``bundler validate`` reports them.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ..case import codes
from ..errors import BundlerError, Problem
from ..output import atomic_write_bytes

__all__ = [
    "ImportFailed",
    "ImportLimits",
    "ImportResult",
    "Mark",
    "day_first_date",
    "read_input",
    "register_csv",
    "write_new",
]


@dataclass(frozen=True)
class ImportLimits:
    """Limits for files brought in from outside; ``bundler import --max-file-mb`` raises them."""

    max_xml_bytes: int = 64 * 1024 * 1024  # a CTF of a whole year group stays well under this
    max_sheet_bytes: int = 32 * 1024 * 1024  # a CSV or XLSX mark sheet, as stored
    max_unzipped_bytes: int = 256 * 1024 * 1024  # everything inside an XLSX, uncompressed
    max_zip_members: int = 2_000
    max_zip_ratio: int = 200  # uncompressed / compressed, for any member over 1 MiB
    max_rows: int = 200_000  # rows of a mark sheet
    max_sessions: int = 20_000  # register sessions of one pupil (about 50 school years)
    max_pupils: int = 5_000  # pupils in one CTF
    max_document_bytes: int = 50 * 1024 * 1024  # a file given to ``bundler add``

    @classmethod
    def scaled(cls, max_file_mb: float | None) -> ImportLimits:
        """The default limits, with the per-file ones set to ``max_file_mb`` when given."""
        if max_file_mb is None:
            return cls()
        size = int(max_file_mb * 1024 * 1024)
        return cls(max_xml_bytes=size, max_sheet_bytes=size, max_document_bytes=size)


class ImportFailed(BundlerError):
    """An input file cannot be imported; ``problems`` says where and why, and nothing
    was written."""

    def __init__(self, problems: Sequence[Problem], headline: str = ""):
        self.problems = list(problems)
        lines = [headline] if headline else []
        lines += [str(p) + (f" ({p.hint})" if p.hint else "") for p in self.problems]
        lines.append("nothing was written")
        super().__init__("\n".join(lines))


@dataclass
class ImportResult:
    """What an import wrote, and what the person should know and do next."""

    written: list[Path] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # facts about the import (counts, choices)
    warnings: list[str] = field(default_factory=list)  # things to check
    todo: list[str] = field(default_factory=list)  # values left for the person to fill in


@dataclass(frozen=True)
class Mark:
    """One register session as an import gives it, with where it came from."""

    date: dt.date
    session: str  # AM | PM
    code: str
    where: str  # "PUPIL.xml: .../AttendanceMarks[17]" or "marks.csv:12"
    minutes_late: str = ""
    amended_from: str = ""
    amended_on: str = ""
    amended_by: str = ""
    amended_reason: str = ""
    note: str = ""


def read_input(path: str | os.PathLike[str], limit: int, what: str) -> bytes:
    """The bytes of an input file, refusing a missing file, a folder or one over ``limit``."""
    p = Path(path)
    label = str(p)
    if not p.exists():
        raise ImportFailed([Problem(label, None, "", "no such file")])
    if not p.is_file():
        raise ImportFailed([Problem(label, None, "", f"is not a file (expected {what})")])
    size = p.stat().st_size
    if size > limit:
        raise ImportFailed(
            [
                Problem(
                    label,
                    None,
                    "",
                    f"is {size / 1048576:.1f} MiB, over the {limit / 1048576:.0f} MiB limit for {what}",
                    "check it is the right file, or raise the limit with --max-file-mb if it is genuine",
                )
            ]
        )
    return p.read_bytes()


_SLASHED = re.compile(r"(\d{1,2})/(\d{1,2})/(\d+)\Z")
#: an ISO date, or one a spreadsheet wrote with a midnight time after it
_ISO = re.compile(r"(\d{4})-(\d{2})-(\d{2})(?:[T ]00:00(?::00)?)?\Z")


def day_first_date(value: object) -> dt.date:
    """A date written ``YYYY-MM-DD`` or day first (``04/09/2024``), or a spreadsheet date.

    Raises ValueError with the reason for a two-digit year, a date that only reads month
    first (``09/13/2024``), or a day that does not exist; never guesses.
    """
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value).strip()
    m = _ISO.match(text)
    if m:
        try:
            return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        except ValueError:
            raise ValueError(f"'{text}' is not a real date") from None
    m = _SLASHED.match(text)
    if m is None:
        raise ValueError(f"'{text}' is not a date (write YYYY-MM-DD, or DD/MM/YYYY as UK spreadsheets do)")
    day, month, year = (int(g) for g in m.groups())
    if len(m.group(3)) != 4:
        raise ValueError(f"'{text}' has a two-digit year (write the year in full: DD/MM/YYYY)")
    if month > 12 and day <= 12:
        raise ValueError(f"'{text}' looks month first (MM/DD/YYYY); dates are read day first (DD/MM/YYYY)")
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise ValueError(f"'{text}' is not a real date") from None


_OPTIONAL = ("minutes_late", "amended_from", "amended_on", "amended_by", "amended_reason", "note")


def register_csv(marks: Iterable[Mark], label: str, limits: ImportLimits) -> str:
    """``attendance.csv`` text for ``marks``, checked as ``bundler validate`` checks the
    register: every code a DfE code on its date, every session once. Raises ImportFailed
    with every problem."""
    problems: list[Problem] = []
    seen: dict[tuple[dt.date, str], Mark] = {}
    rows = sorted(marks, key=lambda m: (m.date, m.session))
    if len(rows) > limits.max_sessions:
        raise ImportFailed([Problem(label, None, "", f"has more than {limits.max_sessions} sessions for one pupil")])
    for mark in rows:
        key = (mark.date, mark.session)
        if key in seen:
            problems.append(
                Problem(
                    label,
                    None,
                    mark.where,
                    f"{mark.date} {mark.session} is given twice (first at {seen[key].where})",
                    "keep one mark per session",
                )
            )
            continue
        seen[key] = mark
        if codes.lookup(mark.code, mark.date) is None:
            regime = codes.regime_for(mark.date)
            problems.append(
                Problem(
                    label,
                    None,
                    mark.where,
                    f"'{mark.code}' is not a DfE attendance code on {mark.date} ({regime} code set)",
                    "map it to a statutory code in the code mapping file, or correct it in the MIS",
                )
            )
        if mark.amended_from and codes.lookup(mark.amended_from, mark.date) is None:
            problems.append(
                Problem(
                    label,
                    None,
                    mark.where,
                    f"amended from '{mark.amended_from}', which is not a DfE attendance code on {mark.date}",
                )
            )
    if problems:
        raise ImportFailed(problems)
    used = [name for name in _OPTIONAL if any(getattr(m, name) for m in rows)]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["date", "session", "code", *used])
    for mark in rows:
        writer.writerow([mark.date.isoformat(), mark.session, mark.code, *(getattr(mark, n) for n in used)])
    return out.getvalue()


def write_new(path: Path, data: bytes, *, force: bool = False, stamp: str | None = None) -> Path | None:
    """Write ``path``, which must not exist; with ``force``, an existing file is first
    copied to ``NAME.bak-STAMP`` (returned) and then replaced atomically."""
    backup = None
    if path.exists() or path.is_symlink():
        if not force:
            raise ImportFailed(
                [Problem(str(path), None, "", "already exists: it is not overwritten", "add --force to replace it")]
            )
        stamp = stamp or dt.datetime.now().strftime("%Y%m%dT%H%M%S")
        old = path.read_bytes()
        for n in range(1, 1000):
            backup = path.with_name(f"{path.name}.bak-{stamp}" + (f"-{n}" if n > 1 else ""))
            try:
                with open(backup, "xb") as fh:
                    fh.write(old)
                break
            except FileExistsError:
                continue
        atomic_write_bytes(path, data)
        return backup
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "xb"):
        pass  # claim the name: a file that appears meanwhile is not overwritten
    try:
        atomic_write_bytes(path, data)
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return backup
