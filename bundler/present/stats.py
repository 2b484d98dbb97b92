"""``bundler stats``: attendance figures and threshold windows as stable JSON.

Takes a validated case; gives the dict documented in docs/stats-json.md (versioned by
``format``). Percentages are the ones ``bundler.figures`` prints.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from .. import figures
from ..case.codes import REGULATIONS_2024_START
from ..case.validate import CaseFolder
from ..checklist.period import CLOSURE_CODES
from ..register import attendance
from ..register.calendar import school_year_start

__all__ = ["case_stats", "summary_dict", "window_dict", "STATS_FORMAT"]


STATS_FORMAT = 1


def summary_dict(summary: attendance.AttendanceSummary) -> dict[str, Any]:
    """The stable JSON form of an AttendanceSummary (percentages truncated to one decimal place)."""

    return {
        "first_date": summary.first_date.isoformat() if summary.first_date else None,
        "last_date": summary.last_date.isoformat() if summary.last_date else None,
        "sessions_recorded": summary.sessions_recorded,
        "possible": summary.possible,
        "attended": summary.attended,
        "present": summary.present,
        "approved_activity": summary.approved_activity,
        "authorised": summary.authorised,
        "unauthorised": summary.unauthorised,
        "not_possible": summary.not_possible,
        "attendance_pct": figures.percent_value(summary.attended, summary.possible),
        "missed_pct": figures.percent_value(summary.sessions_missed, summary.possible),
        "band": summary.band,
        "sessions_missed": summary.sessions_missed,
        "days_lost": summary.days_lost,
        "hours_lost": summary.hours_lost,
        "late_marks": summary.late_marks,
        "minutes_late": summary.minutes_late,
        "by_code": dict(summary.by_code),
    }


def window_dict(window: attendance.SchoolWeekWindow) -> dict[str, Any]:
    return {
        "first_day": window.first_day.isoformat(),
        "last_day": window.last_day.isoformat(),
        "weeks": window.weeks,
        "possible": window.possible,
        "unauthorised": window.unauthorised,
        "sessions": [{"date": m.date.isoformat(), "session": m.session, "code": m.code} for m in window.sessions],
    }


def case_stats(
    case: CaseFolder,
    *,
    threshold: int = 10,
    window_weeks: int = 10,
    counts_from: dt.date = REGULATIONS_2024_START,
) -> dict[str, Any]:
    """Attendance figures and threshold windows for a validated case (``bundler stats``).

    The shape is documented in docs/stats-json.md and versioned by ``format``.
    """
    as_of = case.as_of
    register = attendance.Register.from_marks(case.register).between(None, as_of)
    year_start = school_year_start(as_of)
    windows = (
        attendance.threshold_windows(
            register,
            threshold=threshold,
            window_weeks=window_weeks,
            start=counts_from,
            end=as_of,
            closure_codes=CLOSURE_CODES,
        )
        if counts_from <= as_of
        else []  # a referral before the framework start: no session counts
    )
    return {
        "format": STATS_FORMAT,
        "case_id": case.case.case_id,
        "pupil": case.case.pupil.name,
        "as_of": as_of.isoformat(),
        "settings": {
            "threshold": threshold,
            "window_weeks": window_weeks,
            "counts_from": counts_from.isoformat(),
        },
        "periods": {
            "school_year_to_date": {
                "start": year_start.isoformat(),
                "end": as_of.isoformat(),
                **summary_dict(attendance.summarise(register, start=year_start, end=as_of)),
            },
            "whole_register": {
                "start": register.marks[0].date.isoformat() if len(register) else None,
                "end": as_of.isoformat(),
                **summary_dict(attendance.summarise(register)),
            },
        },
        "threshold": {
            "met": bool(windows),
            "windows": [window_dict(w) for w in windows],
        },
    }
