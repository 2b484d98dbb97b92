"""The school calendar: school years, school days, calendar months, compulsory school age.

Takes dates (and, where they matter, the days a school is closed); gives dates. Pure
functions, no I/O. The register maths (``attendance``), the checklist and the letters
all count days here, so "six months before", "five school days after" and "the school
year to date" mean the same thing everywhere.
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_left
from collections.abc import Callable, Iterable, Sequence

__all__ = [
    "school_year_start",
    "months_before",
    "add_months",
    "birthday",
    "first_day_of_term",
    "compulsory_school_age",
    "is_school_day",
    "next_school_day",
    "add_school_days",
    "add_weeks",
    "add_school_weeks",
    "register_gaps",
]


def school_year_start(day: dt.date) -> dt.date:
    """1 September of the school year (1 Sep - 31 Aug) that ``day`` falls in."""
    return dt.date(day.year if day.month >= 9 else day.year - 1, 9, 1)


def months_before(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` calendar months earlier (the month's last day if shorter).

    Dates at the edge of Python's calendar (year 1, year 9999) stay at that edge rather
    than raising: a case dated there is refused by validation, not by arithmetic.
    """
    index = day.year * 12 + (day.month - 1) - months
    year, month = divmod(index, 12)
    month += 1
    if year < dt.MINYEAR:
        return dt.date.min
    if year > dt.MAXYEAR:
        return dt.date.max
    next_month = dt.date(year + (month == 12), month % 12 + 1, 1) if (year, month) != (dt.MAXYEAR, 12) else None
    last = (next_month - dt.timedelta(days=1)).day if next_month else 31
    return dt.date(year, month, min(day.day, last))


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` calendar months later (the month's last day if shorter)."""
    return months_before(day, -months)


def birthday(dob: dt.date, age: int) -> dt.date:
    """The day a person born on ``dob`` turns ``age`` (1 March for 29 February)."""
    year = min(dob.year + age, dt.MAXYEAR)
    try:
        return dob.replace(year=year)
    except ValueError:  # 29 February
        return dt.date(year, 3, 1)


def first_day_of_term(year: int, school_days: Sequence[dt.date] = ()) -> dt.date:
    """The first day of the school year that begins in ``year``: the first term to begin
    after July (Education Act 1996 s579). Taken from ``school_days`` (sorted): the first on
    or after 1 August of that year; 1 September where they give none."""
    august = dt.date(year, 8, 1)
    i = bisect_left(school_days, august)
    if i < len(school_days) and school_days[i].year == year:
        return school_days[i]
    return dt.date(year, 9, 1)


def compulsory_school_age(dob: dt.date, school_days: Sequence[dt.date] = ()) -> tuple[dt.date, dt.date]:
    """First and last day of compulsory school age (Education Act 1996 s8).

    Starts on the first 31 December, 31 March or 31 August on or after the fifth
    birthday. Ends on the school leaving date (the last Friday in June) of the school year
    in which the child turns 16, a school year beginning on the first day of term after
    July (``first_day_of_term``, from ``school_days`` where they reach it). So a child who
    turns 16 after that June Friday but before the first day of the next term ends
    compulsory school age on the June Friday (s8(3)).
    """
    fifth = birthday(dob, 5)
    starts = sorted(
        d
        for year in (fifth.year, fifth.year + 1)
        if year <= dt.MAXYEAR
        for d in (dt.date(year, 3, 31), dt.date(year, 8, 31), dt.date(year, 12, 31))
        if d >= fifth
    )
    sixteenth = birthday(dob, 16)
    begun = sixteenth.year < dt.MAXYEAR and sixteenth >= first_day_of_term(sixteenth.year, school_days)
    year_end = min(sixteenth.year + (1 if begun else 0), dt.MAXYEAR)
    last_friday = dt.date(year_end, 6, 30)
    while last_friday.weekday() != 4:
        last_friday -= dt.timedelta(days=1)
    return (starts[0] if starts else dt.date.max), last_friday


def is_school_day(day: dt.date, holidays: Iterable[dt.date] = ()) -> bool:
    """A weekday that is not one of ``holidays``."""
    return day.weekday() < 5 and day not in set(holidays)


def register_gaps(session_days: Iterable[dt.date]) -> frozenset[dt.date]:
    """The weekdays from a register's first day to its last that have no session: days
    the school was not open for the pupil (a holiday, a closure), as the case format says
    of a day missing from the register."""
    days = set(session_days)
    if not days:
        return frozenset()
    first, last = min(days), max(days)
    return frozenset(
        day
        for day in (first + dt.timedelta(days=i) for i in range((last - first).days + 1))
        if day.weekday() < 5 and day not in days
    )


def next_school_day(day: dt.date, holidays: Iterable[dt.date] = ()) -> dt.date:
    """``day`` itself when it is a school day, else the first school day after it."""
    closed = set(holidays)
    while not is_school_day(day, closed):
        day += dt.timedelta(days=1)
    return day


def add_school_days(start: dt.date, n: int, holidays: Iterable[dt.date] = ()) -> dt.date:
    """The date ``n`` school days after ``start``, skipping weekends and ``holidays``.

    ``start`` itself is not counted: one school day after a Friday is the Monday. With
    ``n == 0`` the result is ``start``, moved on to a school day if it is not one.
    """
    if n < 0:
        raise ValueError(f"n must not be negative, not {n}")
    closed = set(holidays)
    if n == 0:
        return next_school_day(start, closed)
    day = start
    while n:
        day += dt.timedelta(days=1)
        if is_school_day(day, closed):
            n -= 1
    return day


def add_school_weeks(start: dt.date, weeks: int, is_school_day: Callable[[dt.date], bool]) -> dt.date:
    """The day ``weeks`` school weeks after ``start``: seven-day stretches counted from
    ``start``, a stretch with no school day in it (a holiday week) not counting."""
    day, counted = start, 0
    while counted < weeks:
        if any(is_school_day(day + dt.timedelta(days=i)) for i in range(1, 8)):
            counted += 1
        day += dt.timedelta(days=7)
    return day


def add_weeks(start: dt.date, weeks: int, holidays: Iterable[dt.date] = ()) -> dt.date:
    """``weeks`` calendar weeks after ``start``, moved on to a school day if it falls on none."""
    return next_school_day(start + dt.timedelta(weeks=weeks), holidays)
