"""The attendance evidence section: figures, threshold windows, the register grid, the
amended and noted marks, and the s566 certificate.

Takes the case and its check result; gives the section's Part. One set of dates runs
through it, the same the cover and checklist print: the register extract runs from the
register's first session to its last session on or before the referral date, and the
offence period is the check result's. Every calendar week of the extract is drawn: a
week with no session is shown as a holiday or closure (named from ``school.holidays``
where the case gives them), never left out.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from .. import figures
from ..case import codes
from ..case.models import RegisterEntry, School
from ..case.validate import CaseFolder
from ..checklist import CheckResult
from ..register import attendance
from ..register.calendar import school_year_start
from .parts import render_page
from .plan import Part
from .render import RenderJob

#: marks drawn after a code in the grid
AMENDED, NOTED = "*", "†"


@dataclass(frozen=True)
class Extract:
    """The register extract the section shows, and the offence period inside it."""

    first: dt.date
    last: dt.date
    period: tuple[dt.date, dt.date]


def _pct(summary: attendance.AttendanceSummary) -> str:
    return figures.percent(summary.attended, summary.possible)


def _mondays(first: dt.date, last: dt.date) -> list[dt.date]:
    monday = first - dt.timedelta(days=first.weekday())
    out = []
    while monday <= last:
        out.append(monday)
        monday += dt.timedelta(days=7)
    return out


def _holiday_names(school: School, monday: dt.date) -> list[str]:
    """The case's holidays and closures that fall on a weekday of this week."""
    friday = monday + dt.timedelta(days=4)
    names = []
    for holiday in school.holidays:
        if holiday.start <= friday and holiday.end >= monday:
            names.append(holiday.name or "Holiday or closure")
    return list(dict.fromkeys(names))


def register_grid(
    register: attendance.Register,
    rows: dict[tuple[dt.date, str], RegisterEntry],
    school: School,
    extract: Extract,
    windows: list[attendance.SchoolWeekWindow],
) -> list[dict[str, Any]]:
    """One row per calendar week of the extract, Mon-Fri AM/PM; weeks without a session
    are rows of their own saying so."""
    marks = {(m.date, m.session): (m, c) for m, c in zip(register.marks, register.codes)}
    closed = school.closed_days()
    window_weeks = [(f"W{i}", set(_mondays(w.first_day, w.last_day))) for i, w in enumerate(windows, 1)]
    grid = []
    for monday in _mondays(extract.first, extract.last):
        in_windows = [name for name, mondays in window_weeks if monday in mondays]
        days = [monday + dt.timedelta(days=offset) for offset in range(5)]
        if not any((day, s) in marks for day in days for s in ("AM", "PM")):
            names = _holiday_names(school, monday)
            grid.append(
                {
                    "monday": monday,
                    "closed": "; ".join(names) if names else "No sessions (holiday or closure)",
                    "cells": [],
                    "windows": in_windows,
                }
            )
            continue
        cells = []
        for day in days:
            for session in ("AM", "PM"):
                found = marks.get((day, session))
                if found is None:
                    holiday = day in closed
                    cells.append({"code": "–" if holiday else "·", "cls": "holiday" if holiday else "none"})
                    continue
                mark, code = found
                row = rows.get((day, session))
                flag = (AMENDED if row is not None and row.amended else "") + (
                    NOTED if row is not None and row.note else ""
                )
                cls = (
                    "unauth" if code.is_unauthorised else ("auth" if code.category == codes.Category.AUTHORISED else "")
                )
                cells.append({"code": mark.code + flag, "cls": cls})
        grid.append({"monday": monday, "closed": None, "cells": cells, "windows": in_windows})
    return grid


def history_rows(rows: list[RegisterEntry], extract: Extract) -> list[dict[str, Any]]:
    """Every amended or noted mark of the extract, in register order."""
    start, end = extract.period
    out = []
    for row in sorted(rows, key=lambda r: (r.date, r.session)):
        if not (extract.first <= row.date <= extract.last) or not (row.amended or row.note):
            continue
        out.append(
            {
                "date": row.date,
                "session": row.session,
                "code": row.code,
                "original": row.amended_from,
                "on": row.amended_on,
                "by": row.amended_by,
                "why": row.amended_reason,
                "note": row.note,
                "in_period": start <= row.date <= end,
                "amended": row.amended,
            }
        )
    return out


def attendance_part(folder: CaseFolder, result: CheckResult) -> Part:
    """Section B: the attendance evidence pages."""
    case = folder.case
    settings = result.profile.settings
    as_of = case.referral.date
    register = attendance.Register.from_marks(folder.register).between(None, as_of)
    first = register.marks[0].date if len(register) else as_of
    last = register.marks[-1].date if len(register) else as_of
    year_start = school_year_start(as_of)
    # a referral made in a later school year than the register reaches has no "year to date"
    period = result.offence_period or (max(year_start, first) if year_start <= last else first, last)
    extract = Extract(first, last, period)
    windows = attendance.threshold_windows(
        register,
        threshold=settings.threshold_sessions,
        window_weeks=settings.threshold_window_weeks,
        start=settings.threshold_counts_from,
        end=as_of,
    )
    periods = []
    for title, start, end in (
        ("School year to date", year_start, last),
        ("Offence period", *period),
        ("Whole register extract", first, last),
    ):
        if start > end:
            continue
        s = attendance.summarise(register, start=start, end=end)
        periods.append({"title": title, "start": start, "end": end, "s": s, "pct": _pct(s), "band": s.band})
    rows: dict[tuple[dt.date, str], RegisterEntry] = {(r.date, r.session): r for r in folder.register}
    used = sorted({(m.code, c.regime) for m, c in zip(register.marks, register.codes)})
    legend = [
        {
            "code": code,
            "meaning": (codes.CODES_2024 if regime == "2024" else codes.CODES_2006)[code].meaning,
            "regime": regime,
        }
        for code, regime in used
    ]
    cert_summary = attendance.summarise(register, start=period[0], end=period[1])
    counts_from = settings.threshold_counts_from
    html = render_page(
        "attendance.html.j2",
        title="Attendance evidence",
        pupil=case.pupil.name,
        school=case.school.name,
        dob=case.pupil.date_of_birth,
        extract=extract,
        periods=periods,
        windows=windows,
        settings=settings,
        # the framework start only matters where the register reaches before it
        counts_from=counts_from if counts_from is not None and first < counts_from else None,
        grid=register_grid(register, rows, case.school, extract, windows),
        history=history_rows(list(folder.register), extract),
        flags={"amended": AMENDED, "noted": NOTED},
        has_holidays=bool(case.school.holidays),
        legend=legend,
        head=case.school.head_teacher,
        cert={"s": cert_summary, "pct": _pct(cert_summary)},
    )
    return Part(
        key="attendance",
        section="B",
        title="Attendance evidence, register and s566 certificate",
        job=RenderJob(html, "attendance evidence", None),
    )
