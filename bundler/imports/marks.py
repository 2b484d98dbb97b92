"""``bundler import marks``: the register from an MIS mark-sheet export (CSV or XLSX).

Takes a mark sheet, an existing case folder, an optional ``--map`` file and ``force``;
gives ``attendance.csv`` in the case folder.

Two shapes are recognised by their header names: one row per session (a date, the
session, the mark) and one row per day or per week with a column per session (``AM``
and ``PM``, or ``Mon AM`` ... ``Fri PM`` with a week-beginning date). Anything else is
described by a ``--map`` file (column names, session columns, sheet, header row).
Dates are ISO or day first (``04/09/2024``); a month-first or two-digit-year date is an
error. MIS sub-codes (``I01``, ``X01``) become statutory codes through the code
mapping (the shipped default, extended by the map file); a code that is neither a DfE
code nor mapped stops the import with every such code listed, and nothing is dropped.
Amendment columns (original mark, date, who, why) are carried over when present.

``attendance.csv`` is written only when every row read cleanly; an existing one is
replaced only with ``force``, and then kept as ``attendance.csv.bak-STAMP``.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..case.load import CASE_FILE, REGISTER_FILE
from ..errors import Problem
from .codemap import FIELDS, SheetMap, load_map
from .common import ImportFailed, ImportLimits, ImportResult, Mark, day_first_date, read_input, register_csv, write_new
from .sheets import Table, cell_text, read_table

__all__ = ["import_marks", "read_marks"]

_DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_DAY_NAMES = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


def _norm(header: Any) -> str:
    return re.sub(r"[^a-z0-9]", "", cell_text(header).lower())


def _session_spec(header: str) -> tuple[int | None, str] | None:
    """``AM``/``PM`` -> (None, session); ``Mon AM`` -> (0, "AM"); else None."""
    h = _norm(header)
    for suffix, session in (("am", "AM"), ("pm", "PM"), ("morning", "AM"), ("afternoon", "PM")):
        if h in (suffix, f"{suffix}mark", f"{suffix}session", f"{suffix}code"):
            return None, session
        if h.endswith(suffix):
            day = h[: -len(suffix)]
            for i, (short, full) in enumerate(zip(_DAYS, _DAY_NAMES)):
                if day in (short, full):
                    return i, session
    return None


@dataclass
class _Layout:
    header_row: int
    shape: str  # "long" | "daily" | "weekly"
    columns: dict[str, int]  # field -> column index
    sessions: dict[int, tuple[int | None, str]]  # column index -> (day offset, session)


def _layout(table: Table, sheet_map: SheetMap) -> _Layout:
    rows = table.rows
    candidates = [r for r in rows if r[0] == sheet_map.header_row] if sheet_map.header_row else rows[:30]
    wanted = {name: _norm(header) for name, header in sheet_map.columns.items()}
    for number, cells in candidates:
        normed = [_norm(c) for c in cells]
        columns: dict[str, int] = {}
        for name, synonyms in FIELDS.items():
            target = wanted.get(name)
            for i, h in enumerate(normed):
                if (target is not None and h == target) or (target is None and h in synonyms):
                    columns.setdefault(name, i)
        sessions: dict[int, tuple[int | None, str]] = {}
        for i, cell in enumerate(cells):
            spec = None
            for header, given in sheet_map.sessions.items():
                if _norm(header) == normed[i]:
                    spec = _session_spec(given)
            spec = spec or _session_spec(cell_text(cell))
            if spec is not None and i not in columns.values():
                sessions[i] = spec
        if "date" in columns and "session" in columns and "code" in columns:
            return _Layout(number, "long", columns, {})
        if sessions and all(day is None for day, _ in sessions.values()) and "date" in columns:
            return _Layout(number, "daily", columns, sessions)
        if (
            sessions
            and all(day is not None for day, _ in sessions.values())
            and ("week" in columns or "date" in columns)
        ):
            if "week" not in columns:
                columns["week"] = columns.pop("date")
            return _Layout(number, "weekly", columns, sessions)
    where = f"row {sheet_map.header_row}" if sheet_map.header_row else "the first 30 rows"
    raise ImportFailed(
        [
            Problem(
                table.label,
                None,
                table.sheet or "",
                f"no header row in {where} names the columns of a mark sheet",
                "expected Date, Session and Mark columns (one row per session), Date with AM and PM columns "
                "(one row per day), or Week beginning with Mon AM ... Fri PM columns; for any other layout "
                "write a --map file naming the columns",
            )
        ]
    )


def _date(table: Table, row: int, col: int, value: Any, name: str, problems: list[Problem]) -> dt.date | None:
    try:
        return day_first_date(value)
    except ValueError as exc:
        problems.append(table.problem(row, col, name, str(exc)))
        return None


def read_marks(
    data: bytes, label: str, sheet_map: SheetMap, limits: ImportLimits
) -> tuple[list[Mark], list[str], dict[str, list[str]]]:
    """The sessions of a mark sheet, notes about the reading, and unmapped codes with
    where each occurs. Raises ImportFailed for rows that cannot be read."""
    table = read_table(data, label, limits, sheet_map.sheet)
    layout = _layout(table, sheet_map)
    problems: list[Problem] = []
    marks: list[Mark] = []
    unmapped: dict[str, list[str]] = {}
    blank = mapped_out = mapped = 0
    notes = list(table.notes)

    def code_of(raw: Any, day: dt.date, where: str) -> str | None:
        nonlocal blank, mapped_out, mapped
        from ..case import codes

        text = cell_text(raw)
        if not text:
            blank += 1
            return None
        if text in sheet_map.codes:
            target = sheet_map.codes[text]
            if target is None:
                mapped_out += 1
                return None
            mapped += 1
            return target
        if codes.lookup(text, day) is None and codes.lookup(text.upper(), day) is not None:
            return text.upper()
        if codes.lookup(text, day) is None:
            unmapped.setdefault(text, []).append(where)
            return None
        return text

    c = layout.columns
    for number, cells in table.rows:
        if number <= layout.header_row or not any(cell_text(v) for v in cells):
            continue

        def cell(name: str, cells: list[Any] = cells) -> Any:
            i = c.get(name)
            return cells[i] if i is not None and i < len(cells) else ""

        if layout.shape == "long":
            day = _date(table, number, c["date"], cell("date"), "date", problems)
            session_text = _norm(cell("session"))
            session = {"am": "AM", "morning": "AM", "a": "AM", "pm": "PM", "afternoon": "PM", "p": "PM"}.get(
                session_text
            )
            if session is None:
                problems.append(
                    table.problem(number, c["session"], "session", f"'{cell_text(cell('session'))}' is not AM or PM")
                )
            if day is None or session is None:
                continue
            where = table.where(number, c["code"])
            code = code_of(cell("code"), day, where)
            if code is None:
                continue
            extra = {name: cell_text(cell(name)) for name in ("minutes_late", "amended_by", "amended_reason", "note")}
            if extra["minutes_late"] and not extra["minutes_late"].isdigit():
                problems.append(
                    table.problem(
                        number,
                        c["minutes_late"],
                        "minutes_late",
                        f"'{extra['minutes_late']}' is not a whole number of minutes",
                    )
                )
                continue
            amended_from = cell_text(cell("amended_from"))
            if amended_from:
                amended_from = sheet_map.codes.get(amended_from) or amended_from
            amended_on = ""
            if cell_text(cell("amended_on")):
                on = _date(table, number, c["amended_on"], cell("amended_on"), "amended_on", problems)
                if on is None:
                    continue
                amended_on = on.isoformat()
            marks.append(Mark(day, session, code, where, amended_from=amended_from, amended_on=amended_on, **extra))
            continue
        base_name = "date" if layout.shape == "daily" else "week"
        base = _date(table, number, c[base_name], cell(base_name), base_name, problems)
        if base is None:
            continue
        if layout.shape == "weekly" and base.weekday() != 0:
            problems.append(
                table.problem(
                    number,
                    c["week"],
                    "week",
                    f"{base.isoformat()} is a {_DAY_NAMES[base.weekday()].title()}, not the Monday a week begins",
                )
            )
            continue
        for col, (offset, session) in sorted(layout.sessions.items()):
            day = base + dt.timedelta(days=offset or 0)
            value = cells[col] if col < len(cells) else ""
            code = code_of(value, day, table.where(number, col))
            if code is not None:
                marks.append(Mark(day, session, code, table.where(number, col)))
    if problems:
        raise ImportFailed(problems)
    shape = {"long": "one row per session", "daily": "one row per day", "weekly": "one row per week"}[layout.shape]
    notes.append(f"read as {shape} (header at {table.where(layout.header_row)})")
    if mapped:
        notes.append(
            f"{mapped} MIS sub-code mark(s) recorded as their statutory code (mapping: {sheet_map.source or 'default'})"
        )
    if blank or mapped_out:
        notes.append(f"{blank + mapped_out} cell(s) with no mark: no register session on those days")
    return marks, notes, unmapped


def import_marks(
    sheet_path: str | os.PathLike[str],
    case_folder: str | os.PathLike[str],
    *,
    map_file: str | os.PathLike[str] | None = None,
    force: bool = False,
    limits: ImportLimits | None = None,
) -> ImportResult:
    """Write ``attendance.csv`` of an existing case from a mark sheet (see the module docstring)."""
    limits = limits or ImportLimits()
    root = Path(case_folder)
    label = str(sheet_path)
    if not (root / CASE_FILE).is_file():
        raise ImportFailed(
            [
                Problem(
                    str(root),
                    None,
                    "",
                    "is not a case folder (no case.yaml)",
                    "make one with bundler new or bundler import ctf",
                )
            ]
        )
    target = root / REGISTER_FILE
    if (target.exists() or target.is_symlink()) and not force:
        raise ImportFailed(
            [
                Problem(
                    str(target),
                    None,
                    "",
                    "already exists: it is not overwritten",
                    "add --force to replace it (the old file is kept as a backup)",
                )
            ]
        )
    sheet_map = load_map(map_file)
    data = read_input(sheet_path, limits.max_sheet_bytes, "a mark sheet")
    marks, notes, unmapped = read_marks(data, label, sheet_map, limits)
    if unmapped:
        raise ImportFailed(
            [
                Problem(
                    label,
                    None,
                    places[0],
                    f"mark '{code}' ({len(places)} session(s)"
                    + (f", also {', '.join(places[1:3])}" if len(places) > 1 else "")
                    + (" ..." if len(places) > 3 else "")
                    + ") is not a DfE attendance code and not in the code mapping",
                    "add it to the codes: of a --map file with the statutory code it stands for (see bundler/data/mis-codes.yaml)",
                )
                for code, places in sorted(unmapped.items())
            ],
            f"{label}: {len(unmapped)} MIS code(s) have no statutory code:",
        )
    if not marks:
        raise ImportFailed([Problem(label, None, "", "holds no marks")])
    text = register_csv(marks, label, limits)
    backup = write_new(target, text.encode("utf-8"), force=force)
    result = ImportResult(written=[target], notes=notes)
    first, last = min(m.date for m in marks), max(m.date for m in marks)
    result.notes.insert(0, f"{len(marks)} register sessions, {first.isoformat()} to {last.isoformat()}")
    if backup is not None:
        result.notes.append(f"the previous attendance.csv is kept as {backup.name}")
    return result
