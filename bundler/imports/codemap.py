"""The mapping from an MIS's own mark codes to the statutory register codes, and the
``--map`` file that says how to read an export bundler does not recognise.

Takes the shipped default (``bundler/data/mis-codes.yaml``) and, optionally, a user's
YAML file; gives a ``SheetMap``: code mapping (code -> statutory code, or None for "no
session"), and any column names, sheet name and header row the user gave. Both files
are read with the strict YAML reader, so a typo is an error with its line, never a
silently different value.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

from ..case.strict_yaml import parse_yaml
from ..errors import Problem
from .common import ImportFailed, read_input

__all__ = ["FIELDS", "SheetMap", "default_code_map", "load_map"]

#: the fields a mark sheet can give, and the header names that mean each (lower case,
#: spaces and punctuation ignored); a --map file names any others
FIELDS: dict[str, tuple[str, ...]] = {
    "date": ("date", "sessiondate", "attendancedate", "markdate", "day"),
    "week": ("weekbeginning", "weekcommencing", "weekstarting", "weekstart", "wb", "wc"),
    "session": ("session", "ampm", "sessionname", "period", "amorpm"),
    "code": ("mark", "code", "attendancemark", "attendancecode", "sessionmark", "marks"),
    "minutes_late": ("minuteslate", "minslate", "lateminutes", "minutes"),
    "amended_from": ("amendedfrom", "originalmark", "previousmark", "oldmark", "originalcode", "wasmark"),
    "amended_on": ("amendedon", "dateamended", "changedon", "amendmentdate", "datechanged", "modifiedon"),
    "amended_by": ("amendedby", "changedby", "modifiedby", "user", "amendeduser"),
    "amended_reason": ("amendedreason", "amendmentreason", "reasonforchange", "changereason", "reasonforamendment"),
    "note": ("note", "notes", "comment", "comments"),
}

_MAP_KEYS = {"codes", "columns", "sheet", "header_row", "sessions"}


@dataclass
class SheetMap:
    """How to read a mark sheet: the code mapping and what the user's --map file says."""

    codes: dict[str, str | None] = field(default_factory=dict)
    columns: dict[str, str] = field(default_factory=dict)  # field -> header text
    sessions: dict[str, str] = field(default_factory=dict)  # header text -> "AM", "PM", "Mon AM", ...
    sheet: str | None = None
    header_row: int | None = None
    source: str = ""


def _codes(data: Any, file: str, problems: list[Problem]) -> dict[str, str | None]:
    out: dict[str, str | None] = {}
    if not isinstance(data, dict):
        problems.append(Problem(file, None, "codes", "should be a mapping of MIS codes to statutory codes"))
        return out
    for key, value in data.items():
        if value is not None and not isinstance(value, str):
            problems.append(
                Problem(file, None, f"codes.{key}", f"'{value}' should be a code in quotes, or null for no session")
            )
            continue
        out[str(key)] = value.strip() if isinstance(value, str) else None
    return out


def default_code_map() -> dict[str, str | None]:
    """The shipped mapping of common MIS sub-codes (``I01``, ``X01``-``X07`` ...)."""
    text = resources.files("bundler").joinpath("data/mis-codes.yaml").read_text(encoding="utf-8")
    problems: list[Problem] = []
    source = parse_yaml(text, "mis-codes.yaml", problems)
    data = source.data if source is not None and isinstance(source.data, dict) else {}
    out = _codes(data.get("codes"), "mis-codes.yaml", problems)
    if problems:  # pragma: no cover - the shipped file is tested
        raise ImportFailed(problems)
    return out


def load_map(path: str | os.PathLike[str] | None, *, with_defaults: bool = True) -> SheetMap:
    """The default code mapping, overridden and extended by the user's --map file."""
    result = SheetMap(codes=default_code_map() if with_defaults else {})
    if path is None:
        return result
    label = str(path)
    text = read_input(path, 1024 * 1024, "a mapping file").decode("utf-8-sig", errors="replace")
    problems: list[Problem] = []
    source = parse_yaml(text, label, problems)
    if source is None or problems:
        raise ImportFailed(problems)
    data = source.data
    if not isinstance(data, dict):
        raise ImportFailed([Problem(label, None, "", "should be a mapping: codes, columns, sheet, header_row")])
    for key in data:
        if key not in _MAP_KEYS:
            problems.append(
                Problem(
                    label, source.line_for((key,)), str(key), "unknown key", "keys: " + ", ".join(sorted(_MAP_KEYS))
                )
            )
    if "codes" in data:
        result.codes.update(_codes(data["codes"], label, problems))
    columns = data.get("columns") or {}
    if not isinstance(columns, dict):
        problems.append(Problem(label, source.line_for(("columns",)), "columns", "should be a mapping"))
    else:
        for name, header in columns.items():
            if name not in FIELDS:
                problems.append(
                    Problem(
                        label,
                        source.line_for(("columns", name)),
                        f"columns.{name}",
                        "unknown field",
                        "fields: " + ", ".join(FIELDS),
                    )
                )
            elif not isinstance(header, str):
                problems.append(
                    Problem(label, source.line_for(("columns", name)), f"columns.{name}", "should be a header name")
                )
            else:
                result.columns[str(name)] = header
    sessions = data.get("sessions") or {}
    if not isinstance(sessions, dict):
        problems.append(Problem(label, source.line_for(("sessions",)), "sessions", "should be a mapping"))
    else:
        result.sessions = {str(k): str(v) for k, v in sessions.items()}
    sheet = data.get("sheet")
    if sheet is not None and not isinstance(sheet, str):
        problems.append(Problem(label, source.line_for(("sheet",)), "sheet", "should be a sheet name"))
    result.sheet = sheet if isinstance(sheet, str) else None
    header_row = data.get("header_row")
    if header_row is not None and (not isinstance(header_row, int) or header_row < 1):
        problems.append(Problem(label, source.line_for(("header_row",)), "header_row", "should be a row number from 1"))
    result.header_row = header_row if isinstance(header_row, int) else None
    if problems:
        raise ImportFailed(problems)
    result.source = label
    return result
