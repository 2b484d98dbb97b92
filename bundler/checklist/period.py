"""The offence period: the stretch of the register a referral relies on.

Takes the validated case, its register and the profile's settings; gives the period, the
threshold windows it is drawn from, and the first day the referral may count from. The
case format defines the derived period (``referral.offence_period`` in
docs/case-format.md):

* penalty notice and notice to improve routes: the earliest rolling window that meets
  the threshold (S444-20), counting only sessions on or after the framework start, on or
  before the referral date, and after the ``period_end`` of any earlier penalty notice
  issued to a parent in the case for this pupil; the period runs from the first
  unauthorised session counted in that window to the last register session on or before
  the referral date;
* prosecution and education supervision order routes: the six months before the
  referral date (the Magistrates' Courts Act 1980 s127 limit), ending at the last
  register session on or before it.

Every rule that speaks of "the offence period" means this one, and the bundle prints it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from ..case.models import PenaltyNotice, Route
from ..case.validate import CaseFolder
from ..register import attendance
from ..register.calendar import add_months, months_before
from .profiles import Settings

__all__ = ["CLOSURE_CODES", "Period", "limitation_start", "earlier_notice_bar", "derive"]

#: a week whose only marks are these has no school session (S444-20: `#`, planned closure)
CLOSURE_CODES = frozenset({"#"})

PENALTY_ROUTES = frozenset({Route.penalty_notice, Route.notice_to_improve})


def limitation_start(as_of: dt.date, months: int) -> dt.date:
    """The earliest day whose absence is still in time on ``as_of``: an information must be
    laid within ``months`` months of the offence, the day of the offence not counted, so an
    absence on 21 Sep 2024 is in time up to and including 21 Mar 2025."""
    day = months_before(as_of, months)
    while add_months(day, months) < as_of:  # month ends: 30 Sep runs out on 30 Mar, not 31 Mar
        day += dt.timedelta(days=1)
    return day


def earlier_notice_bar(folder: CaseFolder, as_of: dt.date) -> tuple[dt.date, str] | None:
    """The last day an earlier penalty notice to a parent of this pupil dealt with, and the
    notice's file: the period_end of each notice issued on or before ``as_of`` (its issue
    date where no period is recorded). A withdrawn notice deals with nothing."""
    ends = []
    for doc in folder.documents:
        meta = doc.meta
        if isinstance(meta, PenaltyNotice) and not meta.withdrawn and meta.issued_on <= as_of:
            ends.append((meta.period_end or meta.issued_on, doc.path))
    return max(ends) if ends else None


@dataclass(frozen=True)
class Period:
    """The offence period and what it was drawn from."""

    span: tuple[dt.date, dt.date] | None
    #: the threshold windows of the sessions the referral may rely on (penalty routes)
    windows: list[attendance.SchoolWeekWindow]
    #: the first day whose sessions count towards the threshold
    counts_from: dt.date
    #: the earlier notice whose period the count starts after, if any
    bar: tuple[dt.date, str] | None
    derived: bool


def threshold_windows(
    register: attendance.Register, settings: Settings, start: dt.date, as_of: dt.date
) -> list[attendance.SchoolWeekWindow]:
    """The qualifying windows of the sessions from ``start`` to ``as_of`` (none when the
    referral is dated before ``start``: no session counts)."""
    if start > as_of:
        return []
    return attendance.threshold_windows(
        register,
        threshold=settings.threshold_sessions,
        window_weeks=settings.threshold_window_weeks,
        start=start,
        end=as_of,
        closure_codes=CLOSURE_CODES,
    )


def derive(folder: CaseFolder, register: attendance.Register, settings: Settings) -> Period:
    """The case's offence period: the referral's own when given, else derived (see the
    module docstring)."""
    referral = folder.case.referral
    as_of = referral.date
    bar = earlier_notice_bar(folder, as_of)
    counts_from = settings.threshold_counts_from
    if bar is not None and bar[0] >= counts_from:
        counts_from = bar[0] + dt.timedelta(days=1)
    windows = threshold_windows(register, settings, counts_from, as_of)
    if referral.offence_period is not None:
        span = (referral.offence_period.start, referral.offence_period.end)
        return Period(span, windows, counts_from, bar, derived=False)
    if not len(register):
        return Period(None, windows, counts_from, bar, derived=True)
    end = register.marks[-1].date
    if referral.route in PENALTY_ROUTES:
        if windows:
            start = windows[0].sessions[0].date
        else:  # no window: the sessions the referral could count, for the other rules
            counted = register.between(counts_from, as_of) if counts_from <= as_of else attendance.Register((), ())
            start = counted.marks[0].date if len(counted) else end
    else:
        start = limitation_start(as_of, settings.prosecution_months)
    return Period((start, end) if start <= end else (end, end), windows, counts_from, bar, derived=True)
