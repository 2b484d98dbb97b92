"""Register maths: hand-worked figures, school-week windows, and properties."""

from __future__ import annotations

import random
import time
from collections.abc import Iterable, Sequence
from datetime import date, timedelta
from types import SimpleNamespace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bundler.case.codes import LATE_CODES, REGULATIONS_2024_START, UNAUTHORISED_CODES, codes_for
from bundler.register.attendance import (
    SESSIONS,
    AttendanceSummary,
    CodeRun,
    Mark,
    MarkLike,
    Register,
    SchoolWeek,
    absence_band,
    days_lost_table,
    minutes_late_table,
    school_weeks,
    summarise,
    threshold_windows,
    unauthorised_runs,
)

Day = tuple[str, str] | None  # (AM code, PM code), or None for a day with no sessions
PRESENT: Day = ("/", "\\")


def week(monday: date, days: Sequence[Day]) -> list[Mark]:
    """Marks for one calendar week, Monday first; None is a day with no sessions."""
    assert monday.weekday() == 0
    marks = []
    for offset, day in enumerate(days):
        if day is None:
            continue
        on = monday + timedelta(days=offset)
        marks += [Mark(on, "AM", day[0]), Mark(on, "PM", day[1])]
    return marks


def mondays(first: date, count: int) -> list[date]:
    return [first + timedelta(weeks=n) for n in range(count)]


def monday_of(d: date) -> date:
    return d - timedelta(days=d.weekday())


def unauthorised_in(marks: Iterable[Mark], first: date, last: date) -> int:
    return sum(1 for m in marks if first <= m.date <= last and m.code in UNAUTHORISED_CODES)


# ---------------------------------------------------------------------------
# Registers used by several tests
# ---------------------------------------------------------------------------

HALF_TERM = date(2024, 10, 28)


def autumn_2024() -> list[Mark]:
    """Autumn term 2024: 13 calendar weeks from Mon 2 Sep, half-term w/c 28 Oct.

    12 school weeks. Unauthorised absence sits only at the two ends:
    * w/c 16 Sep: Monday is an INSET day (no sessions); N on Tue AM/PM,
      Wed AM/PM, Thu AM = 5 sessions;
    * w/c 25 Nov: G on Mon AM/PM, Tue AM/PM, Wed AM = 5 sessions; Friday is
      an INSET day.
    Every other day is present all day.
    """
    marks: list[Mark] = []
    for monday in mondays(date(2024, 9, 2), 13):
        if monday == HALF_TERM:
            continue
        if monday == date(2024, 9, 16):
            days: list[Day] = [None, ("N", "N"), ("N", "N"), ("N", "\\"), PRESENT]
        elif monday == date(2024, 11, 25):
            days = [("G", "G"), ("G", "G"), ("G", "\\"), PRESENT, None]
        else:
            days = [PRESENT] * 5
        marks += week(monday, days)
    return marks


def across_summer_2025() -> list[Mark]:
    """Summer term to 22 July 2025, then autumn term from Wed 3 Sept 2025.

    School weeks: w/c 9, 16, 23, 30 Jun, 7, 14, 21 Jul (Mon-Tue only), then
    w/c 1 Sep (Wed-Fri), 8, 15, 22, 29 Sep, 6 Oct: 13 school weeks.
    Unauthorised: O x4 w/c 23 Jun (Mon, Tue), G x3 w/c 21 Jul (Mon, Tue AM),
    N x3 w/c 29 Sep (Wed, Thu AM): 4 + 3 + 3 = 10, spread over the ten
    school weeks w/c 23 Jun to w/c 29 Sep, with the summer holiday between.
    """
    marks: list[Mark] = []
    for monday in mondays(date(2025, 6, 9), 7):
        if monday == date(2025, 6, 23):
            days: list[Day] = [("O", "O"), ("O", "O"), PRESENT, PRESENT, PRESENT]
        elif monday == date(2025, 7, 21):
            days = [("G", "G"), ("G", "\\")]
        else:
            days = [PRESENT] * 5
        marks += week(monday, days)
    for monday in mondays(date(2025, 9, 1), 6):
        if monday == date(2025, 9, 1):
            days = [None, None, PRESENT, PRESENT, PRESENT]
        elif monday == date(2025, 9, 29):
            days = [PRESENT, PRESENT, ("N", "N"), ("N", "\\"), PRESENT]
        else:
            days = [PRESENT] * 5
        marks += week(monday, days)
    return marks


# ---------------------------------------------------------------------------
# Hand-worked summaries
# ---------------------------------------------------------------------------


def test_basic_summary_worked_by_hand() -> None:
    monday = date(2024, 9, 9)
    marks = [
        Mark(monday, "AM", "/"),
        Mark(monday, "PM", "\\"),
        Mark(monday + timedelta(1), "AM", "L", 12),
        Mark(monday + timedelta(1), "PM", "\\"),
        Mark(monday + timedelta(2), "AM", "I"),
        Mark(monday + timedelta(2), "PM", "I"),
        Mark(monday + timedelta(3), "AM", "N"),
        Mark(monday + timedelta(3), "PM", "U", 40),
        Mark(monday + timedelta(4), "AM", "V"),
        Mark(monday + timedelta(4), "PM", "Y2"),
    ]
    s = summarise(marks)
    # 10 sessions recorded; Y2 (travel disruption) is not a possible session -> 9 possible.
    assert s.sessions_recorded == 10
    assert s.not_possible == 1
    assert s.possible == 9
    # present: /, \, L, \ = 4; approved activity: V = 1; attended = 5.
    assert (s.present, s.approved_activity, s.attended) == (4, 1, 5)
    # authorised: I, I = 2; unauthorised: N, U = 2; missed = 4.
    assert (s.authorised, s.unauthorised, s.sessions_missed) == (2, 2, 4)
    # 5 / 9 = 55.55...%, 4 / 9 = 44.44...% missed: persistent (>= 10), not severe (< 50).
    assert s.attendance_pct == pytest.approx(500 / 9)
    assert s.missed_pct == pytest.approx(400 / 9)
    assert s.band == "persistent"
    # late marks: L (12 min) and U (40 min) -> 2 marks, 52 minutes.
    assert (s.late_marks, s.minutes_late) == (2, 52)
    # 4 missed sessions = 2 days = 4 x 3.25 h = 13 hours.
    assert s.days_lost == 2.0
    assert s.hours_lost == 13.0
    assert (s.first_date, s.last_date) == (monday, monday + timedelta(4))
    assert list(s.by_code) == sorted(s.by_code)
    assert s.by_code == {"/": 1, "I": 2, "L": 1, "N": 1, "U": 1, "V": 1, "Y2": 1, "\\": 2}


def _year(attended: int, missed: int, first_monday: date = date(2024, 9, 2)) -> list[Mark]:
    """A register of present sessions followed by unauthorised (O) ones."""
    codes = ["/"] * attended + ["O"] * missed
    marks = []
    slots = ((d, s) for d in _school_days(first_monday) for s in SESSIONS)
    for code, (on, session) in zip(codes, slots):
        marks.append(Mark(on, session, code))
    return marks


def _school_days(first_monday: date) -> Iterable[date]:
    day = first_monday
    while True:
        if day.weekday() < 5:
            yield day
        day += timedelta(days=1)


def test_exactly_90_percent_attendance_is_persistent_absence() -> None:
    # 190 days = 380 possible sessions; 342 attended, 38 missed.
    # 342 / 380 = 90.0% attendance, 38 / 380 = 10.0% missed -> persistent.
    s = summarise(_year(attended=342, missed=38))
    assert s.possible == 380
    assert s.attendance_pct == 90.0
    assert s.missed_pct == 10.0
    assert s.band == "persistent"
    # One more session attended: 343 / 380 = 90.26% -> not persistent.
    assert summarise(_year(attended=343, missed=37)).band == "none"


@pytest.mark.parametrize("possible", [10, 20, 30, 70, 190, 330, 380, 390, 1000])
def test_ten_percent_missed_is_persistent_whatever_the_denominator(possible: int) -> None:
    # missed = possible / 10 exactly: compared in integers, never in floats.
    assert absence_band(possible // 10, possible) == "persistent"
    assert absence_band(possible // 10 - 1, possible) == "none"


def test_fifty_percent_missed_is_severe() -> None:
    # 20 possible, 10 missed = 50% -> severe; 9 missed = 45% -> persistent.
    s = summarise(_year(attended=10, missed=10))
    assert (s.possible, s.sessions_missed, s.missed_pct, s.band) == (20, 10, 50.0, "severe")
    assert summarise(_year(attended=11, missed=9)).band == "persistent"


def test_bands_come_from_the_caller() -> None:
    # 38 / 380 missed = 10%: persistent nationally, not under a 15% band.
    marks = _year(attended=342, missed=38)
    assert summarise(marks, persistent_missed_pct=15).band == "none"
    assert summarise(marks, persistent_missed_pct=7.5, severe_missed_pct=10).band == "severe"
    assert absence_band(1, 3, persistent_missed_pct=33.3) == "persistent"


def test_nothing_possible_gives_no_percentages_and_no_band() -> None:
    closed = week(date(2024, 12, 23), [("#", "#")] * 5)
    s = summarise(closed)
    assert (s.possible, s.not_possible) == (0, 10)
    assert s.attendance_pct is None and s.missed_pct is None
    assert s.band == "none"
    empty = summarise([])
    assert empty == AttendanceSummary(
        first_date=None,
        last_date=None,
        sessions_recorded=0,
        possible=0,
        attended=0,
        present=0,
        approved_activity=0,
        authorised=0,
        unauthorised=0,
        not_possible=0,
        by_code={},
        late_marks=0,
        minutes_late=0,
        attendance_pct=None,
        missed_pct=None,
        band="none",
        sessions_missed=0,
        days_lost=0.0,
        hours_lost=0.0,
    )


def test_learning_lost_in_days_and_hours() -> None:
    # 24 authorised (I) + 14 unauthorised (O) = 38 missed sessions
    # = 19 days = 38 x 3.25 h = 123.5 hours (or 38 x 3 h = 114 hours).
    marks = [Mark(m.date, m.session, "I") if i < 24 else m for i, m in enumerate(_year(0, 38))]
    s = summarise(marks)
    assert (s.authorised, s.unauthorised, s.sessions_missed) == (24, 14, 38)
    assert s.days_lost == 19.0
    assert s.hours_lost == 123.5
    assert summarise(marks, hours_per_session=3.0).hours_lost == 114.0


def test_minutes_late_are_summed_from_l_and_u_marks_only() -> None:
    d = date(2025, 1, 13)
    marks = [
        Mark(d, "AM", "L", 10),
        Mark(d, "PM", "/", 5),  # minutes on a present mark are not lateness
        Mark(d + timedelta(1), "AM", "U", 35),
        Mark(d + timedelta(1), "PM", "\\"),
        Mark(d + timedelta(2), "AM", "L", None),  # late, minutes not recorded
        Mark(d + timedelta(2), "PM", "\\"),
    ]
    s = summarise(marks)
    # L 10 + U 35 + L (none) = 45 minutes over 3 late marks; U is also unauthorised.
    assert (s.late_marks, s.minutes_late, s.unauthorised) == (3, 45, 1)


def test_summary_period_is_inclusive() -> None:
    marks = autumn_2024()
    s = summarise(marks, start=date(2024, 9, 17), end=date(2024, 9, 18))
    # Tue 17 and Wed 18 Sep: 4 sessions, all N.
    assert (s.first_date, s.last_date, s.possible, s.unauthorised) == (
        date(2024, 9, 17),
        date(2024, 9, 18),
        4,
        4,
    )
    with pytest.raises(ValueError, match="after end"):
        summarise(marks, start=date(2024, 10, 1), end=date(2024, 9, 1))


# ---------------------------------------------------------------------------
# School weeks
# ---------------------------------------------------------------------------


def test_school_weeks_skip_weeks_without_sessions() -> None:
    weeks = school_weeks(autumn_2024())
    assert len(weeks) == 12
    assert HALF_TERM not in [w.monday for w in weeks]
    assert weeks[2] == SchoolWeek(
        monday=date(2024, 9, 16), first_day=date(2024, 9, 17), last_day=date(2024, 9, 20), sessions=8
    )
    assert weeks[-1] == SchoolWeek(
        monday=date(2024, 11, 25), first_day=date(2024, 11, 25), last_day=date(2024, 11, 28), sessions=8
    )


def test_a_week_of_closure_marks_is_a_school_week_unless_the_caller_says_otherwise() -> None:
    marks = week(date(2024, 12, 16), [PRESENT] * 5) + week(date(2024, 12, 23), [("#", "#")] * 2)
    assert [w.monday for w in school_weeks(marks)] == [date(2024, 12, 16), date(2024, 12, 23)]
    assert [w.monday for w in school_weeks(marks, closure_codes={"#"})] == [date(2024, 12, 16)]


# ---------------------------------------------------------------------------
# The national threshold: windows of school weeks (S444-20)
# ---------------------------------------------------------------------------


def calendar_window_max(marks: Sequence[Mark], weeks: int = 10) -> int:
    """Most unauthorised sessions in any `weeks` consecutive CALENDAR weeks."""
    first = monday_of(min(m.date for m in marks))
    last = monday_of(max(m.date for m in marks))
    best = 0
    start = first - timedelta(weeks=weeks - 1)
    while start <= last:
        best = max(best, unauthorised_in(marks, start, start + timedelta(weeks=weeks) - timedelta(days=1)))
        start += timedelta(weeks=1)
    return best


def test_window_reaches_the_threshold_only_because_half_term_is_skipped() -> None:
    marks = autumn_2024()
    # Counting calendar weeks, the half-term week uses up one of the ten:
    # w/c 16 Sep + 9 weeks ends w/c 18 Nov (5 sessions), and the ten calendar
    # weeks ending w/c 25 Nov start w/c 23 Sep (5 sessions). Never 10.
    assert calendar_window_max(marks) == 5
    # Counting school weeks, w/c 16 Sep to w/c 25 Nov is ten school weeks
    # (the half-term week has no sessions), holding 5 N + 5 G = 10.
    [window] = threshold_windows(marks)
    assert window.first_day == date(2024, 9, 17)  # Monday 16 Sep was an INSET day
    assert window.last_day == date(2024, 11, 28)  # Friday 29 Nov was an INSET day
    assert window.weeks == 10
    assert window.unauthorised == 10
    assert [m.code for m in window.sessions] == ["N"] * 5 + ["G"] * 5
    assert window.sessions[0] == Mark(date(2024, 9, 17), "AM", "N")
    assert window.sessions[-1] == Mark(date(2024, 11, 27), "AM", "G")
    # 8 weeks of 10 sessions + 2 weeks of 8 sessions, all possible.
    assert window.possible == 96


def test_window_crosses_the_summer_holiday_and_the_school_year() -> None:
    marks = across_summer_2025()
    assert calendar_window_max(marks) < 10
    [window] = threshold_windows(marks)
    assert (window.first_day, window.last_day) == (date(2025, 6, 23), date(2025, 10, 3))
    assert window.weeks == 10
    assert window.unauthorised == 10
    assert [m.code for m in window.sessions] == ["O"] * 4 + ["G"] * 3 + ["N"] * 3
    dates = {m.date for m in window.sessions}
    assert min(dates) < date(2025, 9, 1) <= max(dates)  # two school years


def test_threshold_settings_come_from_the_caller() -> None:
    marks = autumn_2024()
    assert len(threshold_windows(marks)) == 1
    assert threshold_windows(marks, threshold=11) == []
    # Threshold 5 in 3 school weeks: each end of term qualifies on its own.
    # The three windows holding w/c 16 Sep (starting w/c 2, 9, 16 Sep) hold the
    # same 5 sessions, so the earliest is kept.
    first, second = threshold_windows(marks, threshold=5, window_weeks=3)
    assert (first.first_day, first.last_day, first.weeks, first.unauthorised) == (
        date(2024, 9, 2),
        date(2024, 9, 20),
        3,
        5,
    )
    assert {m.code for m in first.sessions} == {"N"}
    assert (second.first_day, second.last_day, second.unauthorised) == (date(2024, 11, 11), date(2024, 11, 28), 5)
    assert {m.code for m in second.sessions} == {"G"}


def test_no_window_when_counting_starts_after_the_end() -> None:
    """A referral made before the framework starts counting: no session counts (a case
    dated 1 Aug 2024 crashed the build here)."""
    marks = autumn_2024()
    assert threshold_windows(marks, start=date(2024, 8, 19), end=date(2024, 8, 1)) == []
    assert len(threshold_windows(marks, start=date(2024, 8, 19), end=date(2024, 12, 20))) == 1


def test_windows_holding_a_subset_of_another_windows_sessions_are_dropped() -> None:
    # Threshold 5 in 10 school weeks: windows start w/c 2 Sep (5 N), w/c 9 Sep
    # (the same 5 N) and w/c 16 Sep (5 N + 5 G). The first two hold a subset
    # of the third's sessions, so only the third is returned.
    [window] = threshold_windows(autumn_2024(), threshold=5)
    assert (window.first_day, window.unauthorised) == (date(2024, 9, 17), 10)


def test_fewer_school_weeks_than_the_window_is_one_window_of_them_all() -> None:
    marks = week(date(2025, 3, 3), [("N", "N")] * 5) + week(date(2025, 3, 17), [PRESENT, ("O", "O")])
    [window] = threshold_windows(marks)
    assert (window.weeks, window.unauthorised, window.possible) == (2, 12, 14)
    assert (window.first_day, window.last_day) == (date(2025, 3, 3), date(2025, 3, 18))
    assert threshold_windows(marks, threshold=13) == []
    assert threshold_windows([]) == []


def test_only_sessions_between_start_and_end_count() -> None:
    marks = autumn_2024()
    # Ending the period before the G sessions leaves only the 5 N sessions.
    assert threshold_windows(marks, end=date(2024, 11, 24)) == []
    [window] = threshold_windows(marks, threshold=5, end=date(2024, 11, 24))
    assert {m.code for m in window.sessions} == {"N"}
    # Filtering happens before weeks are built: the window cannot start before `start`.
    [late] = threshold_windows(marks, threshold=5, start=date(2024, 11, 1))
    assert late.first_day == date(2024, 11, 4)
    assert {m.code for m in late.sessions} == {"G"}


def test_counted_codes_come_from_the_caller() -> None:
    marks = week(date(2025, 2, 3), [("I", "I")] * 5 + [None, None])
    assert threshold_windows(marks) == []
    [window] = threshold_windows(marks, codes={"I"})
    assert window.unauthorised == 10


def test_invalid_threshold_arguments() -> None:
    with pytest.raises(ValueError, match="threshold"):
        threshold_windows(autumn_2024(), threshold=0)
    with pytest.raises(ValueError, match="window_weeks"):
        threshold_windows(autumn_2024(), window_weeks=0)


# ---------------------------------------------------------------------------
# The 2024 code change
# ---------------------------------------------------------------------------


def code_change_register() -> list[Mark]:
    return [
        Mark(date(2023, 11, 6), "AM", "H"),
        Mark(date(2023, 11, 6), "PM", "H"),  # 2006: agreed holiday, authorised
        Mark(date(2023, 11, 7), "AM", "T"),
        Mark(date(2023, 11, 7), "PM", "T"),  # 2006: Traveller absence
        Mark(date(2024, 6, 10), "AM", "J"),
        Mark(date(2024, 6, 10), "PM", "J"),  # 2006: interview, approved activity
        Mark(date(2024, 6, 11), "AM", "G"),
        Mark(date(2024, 6, 11), "PM", "G"),
        Mark(date(2024, 9, 9), "AM", "J1"),
        Mark(date(2024, 9, 9), "PM", "J1"),  # 2024: interview, authorised leave
        Mark(date(2024, 9, 10), "AM", "T"),
        Mark(date(2024, 9, 10), "PM", "T"),  # 2024: parent travelling for work
        Mark(date(2024, 9, 11), "AM", "G"),
        Mark(date(2024, 9, 11), "PM", "G"),
    ]


def test_register_across_the_2024_code_change() -> None:
    marks = code_change_register()
    before = summarise(marks, end=REGULATIONS_2024_START - timedelta(days=1))
    # H x2 + T x2 authorised; J x2 attended (approved activity); G x2 unauthorised.
    assert (before.approved_activity, before.attended, before.authorised, before.unauthorised) == (2, 2, 4, 2)
    after = summarise(marks, start=REGULATIONS_2024_START)
    # J1 x2 + T x2 authorised; nothing attended; G x2 unauthorised.
    assert (after.approved_activity, after.attended, after.authorised, after.unauthorised) == (0, 0, 4, 2)
    whole = summarise(marks)
    assert (whole.possible, whole.attended, whole.sessions_missed) == (14, 2, 12)


def test_the_national_framework_start_is_a_caller_argument() -> None:
    marks = code_change_register()
    everything = threshold_windows(marks, threshold=2, window_weeks=10)
    assert {m.date for w in everything for m in w.sessions} == {date(2024, 6, 11), date(2024, 9, 11)}
    [framework] = threshold_windows(marks, threshold=2, start=REGULATIONS_2024_START)
    assert {m.date for m in framework.sessions} == {date(2024, 9, 11)}


@pytest.mark.parametrize(
    ("code", "on"),
    [("H", date(2024, 9, 12)), ("J", date(2025, 1, 10)), ("Y", date(2024, 8, 19)), ("J1", date(2024, 6, 12))],
)
def test_a_code_unknown_on_its_date_is_an_error_naming_code_and_date(code: str, on: date) -> None:
    marks = [*code_change_register(), Mark(on, "AM", code)]
    with pytest.raises(ValueError) as caught:
        summarise(marks)
    assert repr(code) in str(caught.value)
    assert on.isoformat() in str(caught.value)
    with pytest.raises(ValueError):
        threshold_windows(marks)


def test_the_same_session_twice_is_an_error() -> None:
    d = date(2024, 9, 9)
    with pytest.raises(ValueError, match="twice"):
        summarise([Mark(d, "AM", "/"), Mark(d, "PM", "\\"), Mark(d, "AM", "N")])


def test_a_session_other_than_am_or_pm_is_an_error() -> None:
    with pytest.raises(ValueError, match="session"):
        summarise([Mark(date(2024, 9, 9), "EVE", "/")])


def test_any_object_with_the_mark_fields_will_do() -> None:
    rows = [
        SimpleNamespace(date=date(2024, 9, 9), session="AM", code=" N ", minutes_late=None, line=2),
        SimpleNamespace(date=date(2024, 9, 9), session="PM", code="L", minutes_late=7, line=3),
    ]
    assert all(isinstance(row, MarkLike) for row in rows)
    s = summarise(rows)
    assert (s.unauthorised, s.minutes_late, s.by_code) == (1, 7, {"L": 1, "N": 1})
    register = Register.from_marks(rows)
    assert register.marks[0] == Mark(date(2024, 9, 9), "AM", "N")
    assert Register.from_marks(register) is register
    assert summarise(register) == s


# ---------------------------------------------------------------------------
# Runs of one code (S444-23)
# ---------------------------------------------------------------------------


def test_runs_of_g_ignore_days_without_sessions_but_not_other_codes() -> None:
    marks = week(date(2025, 5, 12), [PRESENT, PRESENT, PRESENT, PRESENT, ("/", "G")]) + week(
        date(2025, 5, 19), [("G", "G"), ("G", "G"), PRESENT, ("G", "G"), ("N", "G")]
    )
    assert unauthorised_runs(marks) == [
        # Fri 16 May PM, over the weekend, to Tue 20 May PM: 1 + 4 = 5 sessions.
        CodeRun(date(2025, 5, 16), date(2025, 5, 20), 5),
        CodeRun(date(2025, 5, 22), date(2025, 5, 22), 2),
        CodeRun(date(2025, 5, 23), date(2025, 5, 23), 1),
    ]
    assert unauthorised_runs(marks, "N") == [CodeRun(date(2025, 5, 23), date(2025, 5, 23), 1)]
    assert unauthorised_runs(marks, "G", start=date(2025, 5, 19)) == [
        CodeRun(date(2025, 5, 19), date(2025, 5, 20), 4),
        CodeRun(date(2025, 5, 22), date(2025, 5, 22), 2),
        CodeRun(date(2025, 5, 23), date(2025, 5, 23), 1),
    ]


def test_a_run_spans_a_holiday_with_no_sessions() -> None:
    marks = week(date(2025, 2, 10), [PRESENT, PRESENT, PRESENT, PRESENT, ("G", "G")]) + week(
        date(2025, 2, 24), [("G", "G"), PRESENT]
    )
    assert unauthorised_runs(marks) == [CodeRun(date(2025, 2, 14), date(2025, 2, 24), 4)]


# ---------------------------------------------------------------------------
# Learning lost tables
# ---------------------------------------------------------------------------


def test_days_lost_table_defaults() -> None:
    # 190 days: at 97% a pupil misses 3% of 190 = 5.7 days = 1.14 weeks of 5 days;
    # at 90%, 19 days = 3.8 weeks; at 50%, 95 days = 19 weeks.
    expected = [
        (100, 0.0, 0.0),
        (97, 5.7, 1.14),
        (95, 9.5, 1.9),
        (90, 19.0, 3.8),
        (85, 28.5, 5.7),
        (80, 38.0, 7.6),
        (50, 95.0, 19.0),
    ]
    for row, (pct, days, weeks) in zip(days_lost_table(), expected, strict=True):
        assert row[0] == pct
        assert row[1] == pytest.approx(days)
        assert row[2] == pytest.approx(weeks)


def test_days_lost_table_parameters() -> None:
    # 195 days at 90%: 19.5 days, 3.9 weeks; at 92.5%: 14.625 days.
    assert days_lost_table(195, (90, 92.5)) == [(90, 19.5, 3.9), (92.5, 14.625, 2.925)]
    with pytest.raises(ValueError):
        days_lost_table(190, (101,))


def test_minutes_late_table() -> None:
    rows = dict(minutes_late_table())
    # 5 min x 190 days = 950 min = 15.83 h = 3.17 five-hour days (about 3.2).
    assert rows[5] == pytest.approx(950 / 60 / 5)
    assert round(rows[5], 1) == 3.2
    # 30 min x 190 days = 95 h = 19 days.
    assert rows[30] == pytest.approx(19.0)
    assert list(rows) == [5, 10, 15, 20, 30]
    # Parameters: 15 min over 100 days at 6 learning hours a day = 1500 / 360 days.
    assert minutes_late_table((15,), school_days=100, learning_hours_per_day=6) == [(15, pytest.approx(1500 / 360))]


# ---------------------------------------------------------------------------
# Speed
# ---------------------------------------------------------------------------


def test_five_school_years_take_milliseconds() -> None:
    rng = random.Random(444)
    codes_new = ["/"] * 30 + ["L", "I", "M", "N", "O", "G", "U", "B", "#"]
    marks = []
    for year in range(2020, 2025):
        for monday in mondays(monday_of(date(year, 9, 6)), 40):
            if monday.month == 10 and monday.day > 24:
                continue  # half-term
            for offset in range(5):
                on = monday + timedelta(days=offset)
                for session in SESSIONS:
                    code = rng.choice(codes_new)
                    if code == "B" and on < REGULATIONS_2024_START:
                        code = "J"
                    marks.append(Mark(on, session, code))
    assert len(marks) >= 1900
    started = time.perf_counter()
    windows = threshold_windows(marks)
    summary = summarise(marks)
    elapsed = time.perf_counter() - started
    assert windows and summary.sessions_recorded == len(marks)
    assert elapsed < 0.25, f"took {elapsed:.3f}s"


# ---------------------------------------------------------------------------
# Properties
# ---------------------------------------------------------------------------

DATES = st.dates(min_value=date(2024, 6, 1), max_value=date(2024, 11, 30))  # spans the code change
UNAUTHORISED = sorted(UNAUTHORISED_CODES)


@st.composite
def registers(draw: st.DrawFn, max_size: int = 80) -> list[Mark]:
    slots = draw(st.lists(st.tuples(DATES, st.sampled_from(SESSIONS)), unique=True, max_size=max_size))
    marks = []
    for on, session in slots:
        code = draw(st.sampled_from(UNAUTHORISED) | st.sampled_from(sorted(codes_for(on))))
        minutes = draw(st.none() | st.integers(0, 60)) if code in LATE_CODES else None
        marks.append(Mark(on, session, code, minutes))
    return marks


@given(registers())
def test_percentages_are_between_0_and_100(marks: list[Mark]) -> None:
    s = summarise(marks)
    assert s.attended + s.sessions_missed == s.possible
    assert s.possible + s.not_possible == s.sessions_recorded == len(marks)
    if s.possible == 0:
        assert s.attendance_pct is None and s.missed_pct is None and s.band == "none"
    else:
        assert s.attendance_pct is not None and s.missed_pct is not None
        assert 0.0 <= s.attendance_pct <= 100.0
        assert 0.0 <= s.missed_pct <= 100.0
        assert s.attendance_pct + s.missed_pct == pytest.approx(100.0)
    assert sum(s.by_code.values()) == s.sessions_recorded


def reference_windows(marks: list[Mark], threshold: int, window_weeks: int) -> list[tuple[date, date, frozenset[Mark]]]:
    """The windows rule written out longhand: every window, then drop subsets."""
    weeks = sorted({monday_of(m.date) for m in marks})
    span = min(window_weeks, len(weeks))
    candidates = []
    for i in range(len(weeks) - span + 1):
        chosen = set(weeks[i : i + span])
        inside = [m for m in marks if monday_of(m.date) in chosen]
        sessions = frozenset(m for m in inside if m.code in UNAUTHORISED_CODES)
        if len(sessions) >= threshold:
            candidates.append((i, min(m.date for m in inside), max(m.date for m in inside), sessions))
    return [
        (first, last, sessions)
        for i, first, last, sessions in candidates
        if not any(sessions < other or (sessions == other and j < i) for j, _, _, other in candidates)
    ]


@given(registers(), st.integers(1, 8), st.integers(1, 6))
def test_windows_match_the_longhand_rule(marks: list[Mark], threshold: int, window_weeks: int) -> None:
    windows = threshold_windows(marks, threshold=threshold, window_weeks=window_weeks)
    assert [(w.first_day, w.last_day, frozenset(w.sessions)) for w in windows] == reference_windows(
        marks, threshold, window_weeks
    )


@given(registers(), st.integers(1, 8), st.integers(1, 6))
def test_window_counts_are_consistent(marks: list[Mark], threshold: int, window_weeks: int) -> None:
    windows = threshold_windows(marks, threshold=threshold, window_weeks=window_weeks)
    total_weeks = len(school_weeks(marks))
    for w in windows:
        assert w.unauthorised == len(w.sessions) >= threshold
        # A window covers every school week between its first and last day, so
        # it holds every unauthorised session in that date range, and no more.
        assert w.unauthorised <= unauthorised_in(marks, w.first_day, w.last_day)
        assert w.unauthorised == unauthorised_in(marks, w.first_day, w.last_day)
        assert list(w.sessions) == sorted(w.sessions, key=lambda m: m.sort_key)
        assert w.weeks == min(window_weeks, total_weeks)
        assert w.possible <= 2 * 7 * w.weeks
    assert [w.first_day for w in windows] == sorted({w.first_day for w in windows})


@settings(max_examples=50)
@given(st.data())
def test_results_do_not_depend_on_row_order(data: st.DataObject) -> None:
    marks = data.draw(registers())
    shuffled = data.draw(st.permutations(marks))
    assert summarise(shuffled) == summarise(marks)
    assert school_weeks(shuffled) == school_weeks(marks)
    assert threshold_windows(shuffled, threshold=3, window_weeks=4) == threshold_windows(
        marks, threshold=3, window_weeks=4
    )
    assert threshold_windows(shuffled) == threshold_windows(marks)
    assert unauthorised_runs(shuffled, "N") == unauthorised_runs(marks, "N")
