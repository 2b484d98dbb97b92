#!/usr/bin/env python3
"""Write the attendance registers of the fictional sample cases.

Usage: python scripts/make_sample_registers.py [CASES_DIR]

Writes CASES_DIR/<case_id>/attendance.csv (default CASES_DIR: sample_cases/ next
to this script's folder) for every sample case. Pure standard library and seeded:
re-running it reproduces every CSV byte for byte.

Every pupil, school and date pattern here is invented. The absences that carry a
case's story (the threshold window, the notice-to-improve period, the holiday)
are written out by hand below; the seeded generator adds only background noise
(a few late marks), except for EX-2025-002 whose long-running non-attendance is
drawn from fixed per-term probabilities.
"""

from __future__ import annotations

import csv
import random
import sys
from datetime import date, timedelta
from pathlib import Path

from bundler.case.load import REGISTER_OPTIONAL, REGISTER_REQUIRED

COLUMNS = [*REGISTER_REQUIRED, *REGISTER_OPTIONAL]  # the order the case format gives

# One invented English school calendar shared by the sample schools.
TERMS = [
    (date(2024, 4, 15), date(2024, 7, 19)),  # summer 2024
    (date(2024, 9, 4), date(2024, 12, 20)),  # autumn 2024 (2-3 Sep INSET)
    (date(2025, 1, 6), date(2025, 4, 4)),  # spring 2025
]
CLOSED = set()
for first, last in [
    (date(2024, 5, 27), date(2024, 5, 31)),  # summer half-term
    (date(2024, 10, 28), date(2024, 11, 1)),  # autumn half-term
    (date(2025, 2, 17), date(2025, 2, 21)),  # spring half-term
]:
    CLOSED.update(first + timedelta(days=n) for n in range((last - first).days + 1))
CLOSED.add(date(2024, 5, 6))  # early May bank holiday
CLOSED.add(date(2024, 11, 29))  # INSET day
CLOSED.add(date(2025, 1, 6))  # INSET day (first day of spring term)

# Codes in force on a date: the 2006 set before the 2024 regulations took effect.
CODES_2024_FROM = date(2024, 8, 19)


def school_days(first: date, last: date) -> list[date]:
    days, day = [], first
    while day <= last:
        in_term = any(start <= day <= end for start, end in TERMS)
        if in_term and day.weekday() < 5 and day not in CLOSED:
            days.append(day)
        day += timedelta(days=1)
    return days


def add_school_days(day: date, count: int) -> date:
    later = school_days(day + timedelta(days=1), day + timedelta(days=count * 3 + 30))
    return later[count - 1]


def d(text: str) -> date:
    return date.fromisoformat(text)


class Register:
    """The register of one pupil: every school session, present by default."""

    def __init__(self, first: date, last: date, seed: int, late_rate: float = 0.02):
        self.rows: dict[tuple[date, str], dict[str, str]] = {}
        self.random = random.Random(seed)
        for day in school_days(first, last):
            for session, present in (("AM", "/"), ("PM", "\\")):
                row = {"code": present}
                if session == "AM" and self.random.random() < late_rate:
                    row = {"code": "L", "minutes_late": str(self.random.randint(3, 14))}
                self.rows[(day, session)] = row

    def mark(self, day: str, session: str, code: str, **fields: str) -> None:
        key = (d(day), session)
        if key not in self.rows:
            raise SystemExit(f"{day} {session} is not a school session")
        self.rows[key] = {"code": code, **fields}

    def day(self, day: str, code: str, **fields: str) -> None:
        self.mark(day, "AM", code, **fields)
        self.mark(day, "PM", code, **fields)

    def amended(
        self, day: str, session: str, code: str, was: str, on: str, by: str, reason: str, note: str = ""
    ) -> None:
        fields = {"amended_from": was, "amended_on": on, "amended_by": by, "amended_reason": reason}
        if note:
            fields["note"] = note
        self.mark(day, session, code, **fields)

    def csv_rows(self) -> list[list[str]]:
        out = []
        for (day, session), row in sorted(self.rows.items()):
            out.append([day.isoformat(), session] + [row.get(c, "") for c in COLUMNS[2:]])
        return out


# EX-2025-001: Riley Example, Y7 -> Y8. Mondays and Fridays lost around the
# handovers between two households; penalty notice route.
def riley_example() -> list[list[str]]:
    reg = Register(d("2024-04-15"), d("2025-03-06"), seed=1001)
    officer = "D. Sample"
    # Summer 2024 (2006 codes)
    reg.day("2024-05-13", "I")
    reg.mark("2024-05-20", "AM", "M", note="Dental appointment; card seen")
    reg.mark("2024-06-17", "AM", "O")
    reg.day("2024-07-01", "I")
    reg.day("2024-07-10", "V", note="Year 7 geography field trip")
    reg.mark("2024-07-15", "AM", "L", minutes_late="12")
    reg.day("2024-07-19", "O")
    # Autumn 2024 (2024 codes)
    no_reason = "No reason given within 5 school days despite calls"
    for session in ("AM", "PM"):
        reg.amended("2024-09-16", session, "O", "N", "2024-09-23", officer, no_reason)
    reg.day("2024-09-13", "I", note="Mother phoned at 08:35 to say Riley was unwell")
    reg.day("2024-09-27", "I", note="Mother phoned at 08:35 to say Riley was unwell")
    reg.mark("2024-10-04", "AM", "L", minutes_late="20")
    for session in ("AM", "PM"):
        reg.amended(
            "2024-10-07",
            session,
            "O",
            "I",
            "2024-11-05",
            officer,
            "Illness not evidenced; medical evidence asked for on 22/10/2024 and not provided",
        )
        reg.amended("2024-10-14", session, "O", "N", "2024-10-18", officer, no_reason)
    reg.day("2024-10-25", "O")
    reg.day("2024-11-04", "O")
    reg.mark("2024-11-08", "AM", "U", minutes_late="55")
    reg.day("2024-11-11", "O")
    reg.day("2024-11-15", "O")
    reg.day("2024-11-18", "O")
    reg.day("2024-12-02", "O")
    reg.mark("2024-12-13", "PM", "O", note="Did not return after lunch")
    reg.mark("2024-12-16", "AM", "U", minutes_late="40")
    # Spring 2025
    reg.day("2025-01-10", "I")
    reg.day("2025-01-13", "O")
    reg.day("2025-01-27", "O")
    reg.mark("2025-02-07", "PM", "O", note="Did not return after lunch")
    reg.day("2025-02-10", "O")
    reg.mark("2025-02-24", "AM", "U", minutes_late="35")
    reg.day("2025-03-03", "O")
    return reg.csv_rows()


# EX-2025-002: Casey Sample, Y9 -> Y10. Long-running non-attendance after two
# paid penalty notices (2023-24); prosecution under s444(1A).
def casey_sample() -> list[list[str]]:
    reg = Register(d("2024-04-15"), d("2025-03-20"), seed=2002, late_rate=0.06)
    rates = [  # (first day, absence rate) by term
        (d("2024-04-15"), 0.36),
        (d("2024-09-04"), 0.44),
        (d("2025-01-06"), 0.50),
    ]
    officer = "K. Dummy"
    last_day = max(day for day, _ in reg.rows)
    for day, session in sorted(reg.rows):
        if session == "PM":
            continue
        rate = [r for first, r in rates if first <= day][-1]
        roll = reg.random.random()
        iso = day.isoformat()
        if roll < rate * 0.2 and add_school_days(day, 5) <= last_day:
            on = add_school_days(day, 5).isoformat()
            for s in ("AM", "PM"):
                reg.amended(iso, s, "O", "N", on, officer, "No reason given within 5 school days")
        elif roll < rate:
            reg.day(iso, "O")
        elif roll < rate + 0.10:
            reg.mark(iso, "AM", "U", minutes_late=str(reg.random.randint(35, 80)))
        elif roll < rate + 0.16:
            reg.mark(iso, "PM", "O", note="Left site at lunchtime")
        elif roll < rate + 0.18:
            reg.day(iso, "I")
    # Days the story fixes: Casey came in for the SEN review and the interview
    for day in ("2024-10-01", "2025-02-25"):
        reg.mark(day, "AM", "/")
        reg.mark(day, "PM", "\\")
    # The day before referral: no reason yet, still inside the 5-school-day limit
    reg.day("2025-03-20", "N", note="First-day call made; no reason given yet")
    return reg.csv_rows()


# EX-2025-003: Jordan Specimen, Y3 -> Y4. A good record apart from a term-time
# holiday taken after the request was refused; Devon code of conduct.
def jordan_specimen() -> list[list[str]]:
    reg = Register(d("2024-04-15"), d("2025-03-13"), seed=3003, late_rate=0.015)
    reg.day("2024-06-04", "I")
    reg.mark("2024-07-03", "AM", "M", note="Optician appointment; letter seen")
    reg.day("2024-10-09", "I")
    reg.day("2024-12-05", "I")
    for day in ("2025-02-10", "2025-02-11", "2025-02-12", "2025-02-13", "2025-02-14", "2025-02-24"):
        reg.day(day, "G", note="Leave refused 16/01/2025")
    return reg.csv_rows()


# EX-2025-004: Robin Placeholder, Y5 -> Y6. A deliberately flawed case: the
# register carries three planted problems (see sample_cases/README.md).
def robin_placeholder() -> list[list[str]]:
    reg = Register(d("2024-04-15"), d("2025-03-27"), seed=4004)
    reg.day("2024-06-24", "I")
    reg.day("2024-07-12", "O")
    for day in (
        "2024-10-21",
        "2024-11-11",
        "2024-11-12",
        "2024-11-25",
        "2024-12-09",
        "2025-01-13",
        "2025-01-14",
        "2025-01-27",
        "2025-02-03",
        "2025-02-10",
        "2025-03-10",
        "2025-03-17",
    ):
        reg.day(day, "O")
    reg.mark("2024-12-20", "PM", "H")  # planted: H is not a 2024 code
    reg.mark("2025-01-20", "AM", "Q9")  # planted: no such code
    rows = reg.csv_rows()
    duplicate = next(i for i, r in enumerate(rows) if r[:2] == ["2024-11-12", "AM"])
    rows.insert(duplicate + 1, list(rows[duplicate]))  # planted: session twice
    return rows


CASES = {
    "EX-2025-001": riley_example,
    "EX-2025-002": casey_sample,
    "EX-2025-003": jordan_specimen,
    "EX-2025-004": robin_placeholder,
}


def main(argv: list[str]) -> int:
    if len(argv) > 2 or (len(argv) == 2 and argv[1].startswith("-")):
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    root = Path(argv[1]) if len(argv) > 1 else Path(__file__).resolve().parent.parent / "sample_cases"
    for case_id, build in CASES.items():
        folder = root / case_id
        folder.mkdir(parents=True, exist_ok=True)
        with open(folder / "attendance.csv", "w", newline="", encoding="utf-8") as out:
            writer = csv.writer(out, lineterminator="\n")
            writer.writerow(COLUMNS)
            writer.writerows(build())
        print(f"wrote {folder / 'attendance.csv'}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
