"""Benchmark: ``bundler import ctf`` of a CTF holding five school years of one pupil's
session marks.

    python benchmarks/bench_import.py              # 9 runs, prints the median
    python benchmarks/bench_import.py --runs 21

The CTF is generated here (seeded, so the same every time, and plainly fictional): one
pupil with two parents in two households and one relative without parental
responsibility, and five ``YearData`` elements, 2020-21 to 2024-25, each a string of
two marks a day from 1 September to 31 July (weekends and holidays ``-``; about 190
school days, 380 sessions a year, so about 1,900 sessions). The marks are a realistic
mix of codes valid in both code sets. Each run imports it into a new folder: parse the
XML (defusedxml), decode the marks, check every code, write case.yaml and
attendance.csv, and validate the folder before it is renamed into place, which is
everything ``bundler import ctf`` does. Target: median under 1 s. It then times
choosing one pupil from a year-group CTF of 200 such pupils.

Not a pytest test: pytest collects only ``tests/``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import statistics
import tempfile
import time
from pathlib import Path

from bundler import api

TARGET_SECONDS = 1.0
CODES = ["/"] * 80 + ["L"] * 3 + ["I"] * 6 + ["M"] * 2 + ["O"] * 5 + ["N"] * 1 + ["U"] * 1 + ["G"] * 2


def _holidays(start_year: int) -> set[dt.date]:
    """Half-terms, Christmas and Easter, roughly where English schools put them."""
    out: set[dt.date] = set()
    for month, day, weeks in ((10, 24, 1), (12, 20, 2), (2, 14, 1), (4, 1, 2), (5, 27, 1)):
        year = start_year if month >= 9 else start_year + 1
        first = dt.date(year, month, day)
        out |= {first + dt.timedelta(days=i) for i in range(7 * weeks)}
    return out


def year_marks(start_year: int, rng: random.Random) -> tuple[dt.date, str, dict[str, int]]:
    start = dt.date(start_year, 9, 1)
    end = dt.date(start_year + 1, 7, 21)
    closed = _holidays(start_year)
    marks = []
    counts = {"possible": 0, "attended": 0, "authorised": 0, "unauthorised": 0}
    day = start
    while day <= end:
        if day.weekday() >= 5 or day in closed:
            marks.append("--")
        else:
            pair = ""
            for session in ("AM", "PM"):
                code = rng.choice(CODES)
                if code == "/" and session == "PM":
                    code = "\\"
                pair += code
                counts["possible"] += 1
                if code in "/\\L":
                    counts["attended"] += 1
                elif code in "IM":
                    counts["authorised"] += 1
                else:
                    counts["unauthorised"] += 1
            marks.append(pair)
        day += dt.timedelta(days=1)
    return start, "".join(marks), counts


def make_ctf(path: Path, seed: int = 0, pupils: int = 1) -> int:
    rng = random.Random(seed)
    years = []
    sessions = 0
    for start_year in range(2020, 2025):
        start, marks, c = year_marks(start_year, rng)
        sessions += c["possible"]
        years.append(
            f"<YearData><Year>{start_year}</Year><LEA>999</LEA><Estab>2100</Estab>"
            f"<SchoolName>Example Primary School</SchoolName><SessionsPossible>{c['possible']}</SessionsPossible>"
            f"<SessionsAuthorised>{c['authorised']}</SessionsAuthorised><SessionsAttended>{c['attended']}</SessionsAttended>"
            f"<SessionsUnauthorised>{c['unauthorised']}</SessionsUnauthorised><AttendSessions>"
            f"<AttendanceStartDate>{start.isoformat()}</AttendanceStartDate><AttendanceMarks>{marks}</AttendanceMarks>"
            "</AttendSessions></YearData>"
        )
    contact = (
        "<Contact><Order>{o}</Order><Surname>{s}</Surname><Forename>{f}</Forename><Relationship>{r}</Relationship>"
        "<Responsibility>{pr}</Responsibility><Address>{a}</Address><Email>{e}</Email>"
        "<Phones><Phone><TelephoneType>M</TelephoneType><PhoneNo>07700 90000{o}</PhoneNo></Phone></Phones></Contact>"
    )
    same = "<AddressAsPupil>true</AddressAsPupil>"
    other = "<AddressLines><AddressLine1>9 Other Street</AddressLine1></AddressLines><PostCode>ZZ9 9ZZ</PostCode>"
    contacts = "".join(
        [
            contact.format(o=1, s="Example", f="Alex", r="PAM", pr="true", a=same, e="alex@mail.example"),
            contact.format(o=2, s="Sample", f="Jo", r="PAF", pr="true", a=other, e="jo@post.example"),
            contact.format(o=3, s="Example", f="Pat", r="REL", pr="false", a=same, e="pat@mail.example"),
        ]
    )
    pupil = (
        "<Pupil><UPN>A99921002{n:04d}</UPN><Surname>Example</Surname><Forename>Sam</Forename>"
        "<DOB>2012-05-02</DOB><BasicDetails><NCyearActual>8</NCyearActual></BasicDetails><Address><BS7666Address>"
        "<PAON>2</PAON><Street>Home Road</Street><Town>Exampletown</Town></BS7666Address><PostCode>ZZ1 2BB</PostCode>"
        f"</Address><Contacts>{contacts}</Contacts><Attendance>{''.join(years)}</Attendance></Pupil>"
    )
    path.write_text(
        '<?xml version="1.0" encoding="UTF-8"?><CTfile><Header><CTFversion>25.0</CTFversion><SourceSchool>'
        "<LEA>999</LEA><Estab>2100</Estab><SchoolName>Example Primary School</SchoolName></SourceSchool></Header>"
        "<CTFpupilData>"
        + "".join(pupil.replace("{n:04d}", f"{n:04d}") for n in range(1, pupils + 1))
        + "</CTFpupilData></CTfile>",
        encoding="utf-8",
    )
    return sessions


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=9)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        ctf = root / "five-years.xml"
        sessions = make_ctf(ctf)
        times = []
        for run in range(args.runs + 1):
            target = root / f"EX-BENCH-{run}"
            t0 = time.perf_counter()
            result = api.import_ctf(ctf, target, referral_date=dt.date(2025, 7, 22))
            elapsed = time.perf_counter() - t0
            if run:  # the first run warms imports and caches
                times.append(elapsed)
        assert not [w for w in result.warnings if "Sessions" in w], result.warnings
        assert api.validate(target).valid
        median = statistics.median(times)
        size = ctf.stat().st_size / 1024
        print(f"CTF of 5 school years: {sessions} sessions, {size:.0f} KiB")
        print(
            f"bundler import ctf: median {median:.3f} s over {len(times)} runs (min {min(times):.3f}, max {max(times):.3f})"
        )
        print(f"target under {TARGET_SECONDS:.1f} s: {'met' if median < TARGET_SECONDS else 'NOT met'}")
        group = root / "year-group.xml"
        make_ctf(group, pupils=200)
        times = []
        for run in range(3):
            t0 = time.perf_counter()
            api.import_ctf(group, root / f"EX-GROUP-{run}", upn="A999210020200", referral_date=dt.date(2025, 7, 22))
            times.append(time.perf_counter() - t0)
        mib = group.stat().st_size / 1048576
        print(f"one pupil from a CTF of 200 such pupils ({mib:.1f} MiB): median {statistics.median(times):.3f} s")


if __name__ == "__main__":
    main()
