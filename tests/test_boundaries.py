"""Edge days: the first of September starts a school year; an absence exactly six
calendar months before the referral is still in time for a prosecution, the day
before it is not."""

from __future__ import annotations

import datetime as dt

import pytest
from builder import finding

from bundler.case.validate import validate_folder
from bundler.checklist import Status
from bundler.present.stats import case_stats
from bundler.register.calendar import months_before, school_year_start

D = dt.date.fromisoformat


@pytest.mark.parametrize(
    "day, start",
    [
        ("2024-09-01", "2024-09-01"),  # the first day of September is in the new school year
        ("2024-09-02", "2024-09-01"),
        ("2024-09-30", "2024-09-01"),
        ("2024-08-31", "2023-09-01"),  # the last day of August is in the old one
        ("2025-01-15", "2024-09-01"),
        ("2025-07-31", "2024-09-01"),
    ],
)
def test_school_year_starts_on_the_first_of_september(day, start):
    assert school_year_start(D(day)) == D(start)


def test_a_september_referral_counts_only_september_as_the_school_year(case):
    # the base register starts on Mon 2 Sep 2024: a referral on Fri 20 Sep sees three
    # weeks of the new school year (15 days, 30 sessions), with the Mondays of 2, 9 and
    # 16 Sep marked absent here
    case.case["referral"]["date"] = D("2024-09-20")
    case.keep_marks(lambda day, session: day <= D("2024-09-20"))
    case.set_marks(["2024-09-02", "2024-09-09", "2024-09-16"], "O")
    validation = validate_folder(case.write())
    assert validation.case is not None, validation.problems
    stats = case_stats(validation.case)
    year = stats["periods"]["school_year_to_date"]
    assert year["start"] == "2024-09-01"
    assert year["possible"] == 30
    assert year["unauthorised"] == 6


@pytest.mark.parametrize(
    "absent_on, status",
    [
        ("2024-09-09", Status.fail),  # its six months ran out on 9 Mar 2025, before the referral
        # exactly six months before 10 Mar 2025: the day of the offence is not counted, so
        # an information can still be laid on 10 Mar (Magistrates' Courts Act 1980 s127)
        ("2024-09-10", Status.pass_),
    ],
)
def test_the_six_month_limitation_boundary_day(case, absent_on, status):
    case.route = "prosecution_444_1a"
    case.case["referral"]["date"] = D("2025-03-10")
    assert months_before(D("2025-03-10"), 6) == D("2024-09-10")
    case.all_present()
    case.set_marks(absent_on, "O", sessions=["AM"])
    f = finding(case.check(), "S444-21")
    assert f.status == status
    if status == Status.pass_:
        assert "The oldest relied on (2024-09-10) runs out on 2025-03-10" in f.message
