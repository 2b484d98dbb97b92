"""Register maths: attendance figures, school weeks, threshold windows, runs.

Everything here is a pure function of the register marks and the arguments.
Every threshold (the national penalty-notice threshold, the persistent and
severe absence bands, hours per session, days in a school year) is an argument
with the national default, so a local authority profile passes its own figures
and nothing here reads a settings file.

Marks may arrive in any order, as an MIS exports them; every function puts them
in register order (date, then AM before PM) first, so no result depends on the
order of the input rows. Each mark's code is read with the meaning it had on
its date (see ``bundler.codes``). An unknown code, an unknown session or the
same session twice is a ``ValueError``: the loader reports those to the user
before any maths is done.
"""

from __future__ import annotations

from bisect import bisect_left
from collections import Counter
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from datetime import date as _Date  # a field below is called "date"
from decimal import Decimal
from fractions import Fraction
from itertools import accumulate
from typing import Literal, NamedTuple, Protocol, TypeAlias, runtime_checkable

from ..case.codes import (
    LATE_CODES,
    UNAUTHORISED_CODES,
    AttendanceCode,
    Category,
    lookup,
)

__all__ = [
    "SESSIONS",
    "MarkLike",
    "Mark",
    "Register",
    "Band",
    "AttendanceSummary",
    "SchoolWeek",
    "SchoolWeekWindow",
    "CodeRun",
    "summarise",
    "absence_band",
    "school_weeks",
    "threshold_windows",
    "unauthorised_runs",
    "days_lost_table",
    "minutes_late_table",
]

SESSIONS = ("AM", "PM")
"""Register sessions in the order they fall in a day."""

_SESSION_ORDER = {name: index for index, name in enumerate(SESSIONS)}

Number: TypeAlias = int | float | Fraction | Decimal
Band = Literal["none", "persistent", "severe"]


@runtime_checkable
class MarkLike(Protocol):
    """Anything that looks like one register row (a loader model, a Mark)."""

    @property
    def date(self) -> date: ...

    @property
    def session(self) -> str: ...

    @property
    def code(self) -> str: ...

    @property
    def minutes_late(self) -> int | None: ...


@dataclass(frozen=True)
class Mark:
    """One register session: the date, ``AM`` or ``PM``, the code, minutes late."""

    date: date
    session: str
    code: str
    minutes_late: int | None = None

    @property
    def sort_key(self) -> tuple[_Date, int]:
        """Register order: by date, the morning session before the afternoon."""
        return (self.date, _SESSION_ORDER[self.session])


def _exact(value: Number) -> Fraction:
    """A threshold as an exact fraction, so 10% never drifts to 9.999...%."""
    if isinstance(value, float):
        return Fraction(str(value))
    return Fraction(value)


# ---------------------------------------------------------------------------
# The register
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Register:
    """A pupil's register: validated marks in register order, each with its code.

    Build one with :meth:`from_marks`; every function in this module also
    accepts plain mark rows and builds the register itself.
    """

    marks: tuple[Mark, ...]
    codes: tuple[AttendanceCode, ...]

    @classmethod
    def from_marks(cls, marks: Iterable[MarkLike] | Register) -> Register:
        """Normalise, validate and sort register rows.

        Raises ValueError for a session other than AM or PM, a code that is
        not a code on the mark's date, or the same date and session twice.
        """
        if isinstance(marks, Register):
            return marks
        normalised: list[Mark] = []
        for row in marks:
            session = row.session.strip()
            if session not in _SESSION_ORDER:
                raise ValueError(f"{row.date.isoformat()}: session {row.session!r} is not AM or PM")
            normalised.append(
                Mark(date=row.date, session=session, code=row.code.strip(), minutes_late=row.minutes_late)
            )
        normalised.sort(key=lambda mark: mark.sort_key)
        codes: list[AttendanceCode] = []
        previous: Mark | None = None
        for mark in normalised:
            if previous is not None and previous.sort_key == mark.sort_key:
                raise ValueError(f"{mark.date.isoformat()} {mark.session}: the register has this session twice")
            previous = mark
            code = lookup(mark.code, mark.date)
            if code is None:
                raise ValueError(
                    f"{mark.date.isoformat()} {mark.session}: {mark.code!r} is not an attendance code on that date"
                )
            codes.append(code)
        return cls(tuple(normalised), tuple(codes))

    def between(self, start: date | None = None, end: date | None = None) -> Register:
        """The marks with ``start <= date <= end`` (either bound may be open)."""
        if start is None and end is None:
            return self
        dates = [mark.date for mark in self.marks]
        lo = 0 if start is None else bisect_left(dates, start)
        hi = len(dates) if end is None else bisect_left(dates, end + timedelta(days=1))
        return Register(self.marks[lo:hi], self.codes[lo:hi])

    def __len__(self) -> int:
        return len(self.marks)


def _register(marks: Iterable[MarkLike] | Register, start: date | None = None, end: date | None = None) -> Register:
    if start is not None and end is not None and start > end:
        raise ValueError(f"start {start.isoformat()} is after end {end.isoformat()}")
    return Register.from_marks(marks).between(start, end)


# ---------------------------------------------------------------------------
# Attendance summary (S444-24)
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class AttendanceSummary:
    """Attendance figures over a stretch of the register.

    ``possible`` counts every session the pupil could have attended (all codes
    except the not-possible ones: X, Y/Y1-Y7, Q, Z, #, D). ``attended`` is
    present plus approved educational activity. ``sessions_missed`` is
    authorised plus unauthorised absence, so ``attended + sessions_missed ==
    possible``. Percentages are None when no session was possible.
    """

    first_date: date | None
    last_date: date | None
    sessions_recorded: int
    possible: int
    attended: int
    present: int
    approved_activity: int
    authorised: int
    unauthorised: int
    not_possible: int
    by_code: dict[str, int]
    late_marks: int
    minutes_late: int
    attendance_pct: float | None
    missed_pct: float | None
    band: Band
    sessions_missed: int
    days_lost: float
    hours_lost: float


def absence_band(
    missed: int,
    possible: int,
    *,
    persistent_missed_pct: Number = 10,
    severe_missed_pct: Number = 50,
) -> Band:
    """The DfE absence band: "severe" when missed >= 50% of possible sessions,
    "persistent" when missed >= 10%, else "none" (also when nothing was possible).

    Compared exactly, in integers and fractions: 38 missed out of 380 (90.0%
    attendance) is persistent absence.
    """
    if possible <= 0:
        return "none"
    missed_share = Fraction(missed * 100, possible)
    if missed_share >= _exact(severe_missed_pct):
        return "severe"
    if missed_share >= _exact(persistent_missed_pct):
        return "persistent"
    return "none"


def summarise(
    marks: Iterable[MarkLike] | Register,
    *,
    start: date | None = None,
    end: date | None = None,
    hours_per_session: float = 3.25,
    persistent_missed_pct: Number = 10,
    severe_missed_pct: Number = 50,
) -> AttendanceSummary:
    """Attendance figures for the marks dated ``start`` to ``end`` inclusive.

    Learning lost counts every missed session (authorised and unauthorised):
    ``days_lost`` is half a day per session, ``hours_lost`` is
    ``hours_per_session`` per session. ``minutes_late`` sums the minutes on
    late marks (L and U); a late mark without minutes adds nothing.
    """
    register = _register(marks, start, end)
    by_category = Counter(code.category for code in register.codes)
    by_code = Counter(mark.code for mark in register.marks)
    late = [mark for mark in register.marks if mark.code in LATE_CODES]

    present = by_category[Category.PRESENT]
    approved = by_category[Category.APPROVED_ACTIVITY]
    authorised = by_category[Category.AUTHORISED]
    unauthorised = by_category[Category.UNAUTHORISED]
    attended = present + approved
    missed = authorised + unauthorised
    possible = attended + missed

    return AttendanceSummary(
        first_date=register.marks[0].date if register.marks else None,
        last_date=register.marks[-1].date if register.marks else None,
        sessions_recorded=len(register),
        possible=possible,
        attended=attended,
        present=present,
        approved_activity=approved,
        authorised=authorised,
        unauthorised=unauthorised,
        not_possible=by_category[Category.NOT_POSSIBLE],
        by_code=dict(sorted(by_code.items())),
        late_marks=len(late),
        minutes_late=sum(mark.minutes_late or 0 for mark in late),
        attendance_pct=attended * 100 / possible if possible else None,
        missed_pct=missed * 100 / possible if possible else None,
        band=absence_band(
            missed,
            possible,
            persistent_missed_pct=persistent_missed_pct,
            severe_missed_pct=severe_missed_pct,
        ),
        sessions_missed=missed,
        days_lost=missed / 2,
        hours_lost=missed * hours_per_session,
    )


# ---------------------------------------------------------------------------
# School weeks and the national threshold (S444-20)
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class SchoolWeek:
    """A calendar week (Monday to Sunday) in which the register has a session."""

    monday: date
    first_day: date
    last_day: date
    sessions: int


@dataclass(frozen=True)
class SchoolWeekWindow:
    """A run of consecutive school weeks and the unauthorised sessions in it.

    ``first_day`` is the first day with a session in the window's first week,
    ``last_day`` the last day with a session in its last week. ``sessions``
    are the unauthorised marks, in register order; ``possible`` counts the
    possible sessions (see :class:`AttendanceSummary`) inside the window.
    """

    first_day: date
    last_day: date
    weeks: int
    unauthorised: int
    sessions: tuple[Mark, ...]
    possible: int


def _monday(d: date) -> date:
    return d - timedelta(days=d.weekday())


@dataclass(frozen=True)
class _Week:
    week: SchoolWeek
    matching: tuple[Mark, ...]
    possible: int


def _weeks(register: Register, codes: Collection[str], closure_codes: Collection[str]) -> list[_Week]:
    """Group the register into school weeks, with each week's matching marks."""
    grouped: dict[date, list[tuple[Mark, AttendanceCode]]] = {}
    for mark, code in zip(register.marks, register.codes):
        if mark.code in closure_codes:
            continue
        grouped.setdefault(_monday(mark.date), []).append((mark, code))
    weeks = []
    for monday, entries in grouped.items():  # register order, so Mondays ascend
        weeks.append(
            _Week(
                week=SchoolWeek(
                    monday=monday,
                    first_day=entries[0][0].date,
                    last_day=entries[-1][0].date,
                    sessions=len(entries),
                ),
                matching=tuple(mark for mark, _ in entries if mark.code in codes),
                possible=sum(1 for _, code in entries if code.counts_as_possible),
            )
        )
    return weeks


def school_weeks(
    marks: Iterable[MarkLike] | Register,
    *,
    start: date | None = None,
    end: date | None = None,
    closure_codes: Collection[str] = frozenset(),
) -> list[SchoolWeek]:
    """The school weeks of the register, in order.

    A school week is a calendar week (Monday to Sunday) in which the register
    has at least one session, whatever its code. Weeks with no session
    (half-terms, holidays) are not school weeks. A caller that wants weeks
    holding only closure marks (e.g. ``#``) not to count passes those codes as
    ``closure_codes``; by default every mark makes a school week.
    """
    return [week.week for week in _weeks(_register(marks, start, end), frozenset(), closure_codes)]


def threshold_windows(
    marks: Iterable[MarkLike] | Register,
    *,
    threshold: int = 10,
    window_weeks: int = 10,
    start: date | None = None,
    end: date | None = None,
    codes: Collection[str] = UNAUTHORISED_CODES,
    closure_codes: Collection[str] = frozenset(),
) -> list[SchoolWeekWindow]:
    """Windows of ``window_weeks`` consecutive school weeks that meet the threshold.

    The national framework (S444-20): at least ``threshold`` unauthorised
    sessions (codes G, N, O, U unless ``codes`` says otherwise) within a
    rolling period of ``window_weeks`` school weeks. Only marks dated
    ``start`` to ``end`` inclusive count; they are filtered before the weeks
    are built. Weeks with no sessions are skipped, so a window can span a
    half-term, a holiday or the change of school year. When the register has
    fewer school weeks than ``window_weeks``, the single window is all of them.

    Every maximal qualifying window is returned, in date order: a qualifying
    window whose unauthorised sessions are a subset of another qualifying
    window's is dropped, and of windows with the same sessions the earliest
    is kept. When ``start`` is after ``end`` (a referral made before the framework
    starts counting) no session counts, so there is no window.
    """
    if start is not None and end is not None and start > end:
        return []
    if threshold < 1:
        raise ValueError(f"threshold must be at least 1, not {threshold}")
    if window_weeks < 1:
        raise ValueError(f"window_weeks must be at least 1, not {window_weeks}")
    weeks = _weeks(_register(marks, start, end), frozenset(codes), closure_codes)
    if not weeks:
        return []
    span = min(window_weeks, len(weeks))
    # ends[i] = number of matching marks in weeks[0:i]: window i..i+span-1 holds
    # the matching marks numbered ends[i] to ends[i+span]-1 in register order.
    ends = [0, *accumulate(len(week.matching) for week in weeks)]
    qualifying = [first for first in range(len(weeks) - span + 1) if ends[first + span] - ends[first] >= threshold]
    kept = _maximal([(ends[first], ends[first + span]) for first in qualifying])
    return [_window(weeks[qualifying[i] : qualifying[i] + span]) for i in kept]


def _maximal(intervals: Sequence[tuple[int, int]]) -> list[int]:
    """Indices of the intervals no other interval contains (earliest of equals).

    ``intervals`` are half-open ranges of mark numbers, non-empty, with both
    ends non-decreasing (windows slide forward). With monotone ends, an
    interval is contained in an earlier one exactly when the interval just
    before it has the same end, and strictly contained in a later one exactly
    when the next *different* interval has the same start; so one pass
    decides.
    """
    count = len(intervals)
    next_different = [count] * count
    for i in range(count - 2, -1, -1):
        next_different[i] = i + 1 if intervals[i + 1] != intervals[i] else next_different[i + 1]
    kept = []
    for i, (lo, hi) in enumerate(intervals):
        if i > 0 and intervals[i - 1][1] == hi:
            continue  # an earlier window holds every session this one holds
        following = next_different[i]
        if following < count and intervals[following][0] == lo:
            continue  # a later window holds these sessions and more
        kept.append(i)
    return kept


def _window(weeks: Sequence[_Week]) -> SchoolWeekWindow:
    sessions = tuple(mark for week in weeks for mark in week.matching)
    return SchoolWeekWindow(
        first_day=weeks[0].week.first_day,
        last_day=weeks[-1].week.last_day,
        weeks=len(weeks),
        unauthorised=len(sessions),
        sessions=sessions,
        possible=sum(week.possible for week in weeks),
    )


# ---------------------------------------------------------------------------
# Runs of one code (S444-23)
# ---------------------------------------------------------------------------


class CodeRun(NamedTuple):
    """Consecutive register sessions carrying the same code."""

    first_date: date
    last_date: date
    sessions: int


def unauthorised_runs(
    marks: Iterable[MarkLike] | Register,
    code: str = "G",
    *,
    start: date | None = None,
    end: date | None = None,
) -> list[CodeRun]:
    """Runs of consecutive sessions marked ``code``, in register order.

    Consecutive means next to each other in the register: days with no
    session (weekends, holidays) do not break a run, but any session with
    another code does. Rule S444-23 uses the runs of ``G`` (holiday not
    authorised), each of which should be covered by a leave record.
    """
    wanted = code.strip()
    runs: list[CodeRun] = []
    current: list[Mark] = []
    for mark in _register(marks, start, end).marks:
        if mark.code == wanted:
            current.append(mark)
            continue
        if current:
            runs.append(CodeRun(current[0].date, current[-1].date, len(current)))
            current = []
    if current:
        runs.append(CodeRun(current[0].date, current[-1].date, len(current)))
    return runs


# ---------------------------------------------------------------------------
# Learning lost tables (letters and the site)
# ---------------------------------------------------------------------------


def days_lost_table(
    possible_days: int = 190,
    attendance_levels: Iterable[Number] = (100, 97, 95, 90, 85, 80, 50),
    *,
    days_per_week: int = 5,
) -> list[tuple[Number, float, float]]:
    """What an attendance level costs over a school year.

    Each row is ``(attendance %, days missed, weeks missed)``: at 90% of a
    190-day year a pupil misses 19 days, 3.8 school weeks of 5 days. Figures
    are unrounded; rounding is for the page that shows them.
    """
    if possible_days < 0:
        raise ValueError(f"possible_days must not be negative, not {possible_days}")
    if days_per_week < 1:
        raise ValueError(f"days_per_week must be at least 1, not {days_per_week}")
    rows = []
    for pct in attendance_levels:
        exact_pct = _exact(pct)
        if not 0 <= exact_pct <= 100:
            raise ValueError(f"attendance level {pct} is not between 0 and 100")
        days = possible_days * (100 - exact_pct) / 100
        rows.append((pct, float(days), float(days / days_per_week)))
    return rows


def minutes_late_table(
    minutes: Iterable[Number] = (5, 10, 15, 20, 30),
    school_days: int = 190,
    learning_hours_per_day: float = 5.0,
) -> list[tuple[Number, float]]:
    """Days of learning lost in a year by arriving late every day.

    Each row is ``(minutes late a day, days lost a year)``, a "day" being
    ``learning_hours_per_day`` hours of learning: 5 minutes a day over 190
    days is 950 minutes, 15.8 hours, about 3.2 five-hour days.
    """
    if school_days < 0:
        raise ValueError(f"school_days must not be negative, not {school_days}")
    hours_per_day = _exact(learning_hours_per_day)
    if hours_per_day <= 0:
        raise ValueError(f"learning_hours_per_day must be positive, not {learning_hours_per_day}")
    rows = []
    for late in minutes:
        exact_minutes = _exact(late)
        if exact_minutes < 0:
            raise ValueError(f"minutes late must not be negative, not {late}")
        rows.append((late, float(exact_minutes * school_days / 60 / hours_per_day)))
    return rows
