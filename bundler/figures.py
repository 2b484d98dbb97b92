"""The one way bundler writes a figure: percentages, dates, times, numbers, durations.

Takes numbers and dates; gives text (or, for JSON, the number a person would read).
Every stage formats through here (findings, terminal tables, letters, bundle pages,
the site), so the same figure reads the same everywhere.

Percentages are truncated to one decimal place, never rounded up: 341 attended of 379
possible is 89.97%, written 89.9%, because 90.0% would read as on the right side of
the persistent-absence line (missed 10% or more) when the pupil is not. A truncated
figure never crosses a band boundary upwards, for attendance or for absence.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from fractions import Fraction

__all__ = [
    "percent",
    "percent_value",
    "share",
    "long_date",
    "day_date",
    "short_date",
    "month_year",
    "date_time",
    "number",
    "decimal",
    "plural",
    "learning_lost",
]

Number = int | float | Decimal | Fraction


def _tenths(numerator: Number, denominator: Number) -> int:
    """Tenths of a percent, truncated toward zero, computed exactly."""
    exact = Fraction(Decimal(str(numerator)) if isinstance(numerator, float) else numerator) * 1000
    exact /= Fraction(Decimal(str(denominator)) if isinstance(denominator, float) else denominator)
    return int(exact)  # int() of a Fraction truncates toward zero


def percent_value(numerator: Number, denominator: Number) -> float | None:
    """``numerator`` as a percentage of ``denominator``, truncated to one decimal place
    (the number ``percent`` prints); None when the denominator is zero."""
    if not denominator:
        return None
    return _tenths(numerator, denominator) / 10


def percent(numerator: Number, denominator: Number, *, none: str = "n/a") -> str:
    """'89.9%' for 341 of 379 (truncated, see the module docstring); ``none`` when the
    denominator is zero."""
    if not denominator:
        return none
    tenths = _tenths(numerator, denominator)
    sign = "-" if tenths < 0 else ""
    tenths = abs(tenths)
    return f"{sign}{tenths // 10}.{tenths % 10}%"


def share(value: Number) -> str:
    """A percentage that is already a number (a setting such as 10 or 12.5): '10%', '12.5%'."""
    return f"{number(value)}%"


def long_date(value: dt.date | None) -> str:
    """3 February 2025 ('' for None)."""
    if value is None:
        return ""
    return f"{value.day} {value:%B %Y}"


def day_date(value: dt.date | None) -> str:
    """Monday 3 February 2025."""
    if value is None:
        return ""
    return f"{value:%A} {long_date(value)}"


def short_date(value: dt.date | None) -> str:
    """3 Feb 2025."""
    if value is None:
        return ""
    return f"{value.day} {value:%b %Y}"


def month_year(value: dt.date) -> str:
    """February 2025 (a month in a list of dates)."""
    return f"{value:%B %Y}"


def date_time(value: dt.datetime | None) -> str:
    """03 Feb 2025 15:10 (a time of service, a time sent)."""
    if value is None:
        return ""
    return f"{value:%d %b %Y %H:%M}"


def number(value: Number) -> str:
    """14 rather than 14.0; 94.25 stays 94.25; at most two decimal places."""
    if isinstance(value, float | Decimal | Fraction) and not isinstance(value, int):
        return f"{float(value):.2f}".rstrip("0").rstrip(".")
    return str(value)


def decimal(value: Number, places: int = 1) -> str:
    """A measure shown to a fixed number of places, rounded half up: 5.7, 19.0 (days in
    a table). Not for percentages of sessions, which ``percent`` truncates."""
    exact = Decimal(str(value)).quantize(Decimal(1).scaleb(-places), rounding="ROUND_HALF_UP")
    return f"{exact:f}"


def plural(count: Number, singular: str, many: str | None = None) -> str:
    """'1 session', '3 sessions', '1.5 days'."""
    word = singular if count == 1 else (many or singular + "s")
    return f"{number(count)} {word}"


def learning_lost(days: Number, hours: Number, *, hours_word: str = "hours") -> str:
    """'14.5 days (47.13 hours)': learning lost, as days of school and hours."""
    return f"{number(days)} days ({number(hours)} {hours_word})"
