"""The tricky cases of the checklist, each worked by hand in its comments.

All start from the READY base case of builder.py: penalty_notice route, national-2024,
referral on Fri 7 Mar 2025, register 2 Sep 2024 - 7 Mar 2025 with the October
half-term (28 Oct - 1 Nov 2024) holding no sessions, p1 = Morgan Example (mother,
email on record), p2 = Jamie Specimen (father).
"""

from __future__ import annotations

import pytest
from builder import D, finding, hand, refs

from bundler.checklist import Status

PASS, FAIL, WARN, NA = Status.pass_, Status.fail, Status.warn, Status.not_applicable


def doc_path(name: str) -> str:
    return f"documents/{name}"


# ----------------------------------------------------------------------- S444-20 across half-term

# One unauthorised session (Wednesday morning) in each of ten school weeks:
#   Sep 23, Sep 30, Oct 7, Oct 14, Oct 21, [Oct 28: half-term, no sessions], Nov 4,
#   Nov 11, Nov 18, Nov 25, Dec 2.
# That is 11 calendar weeks (Mon 23 Sep - Fri 6 Dec) but only 10 *school* weeks, since
# the half-term week has no sessions and is skipped. So 10 consecutive school weeks hold
# 10 unauthorised sessions: the threshold is met. Counting calendar weeks instead, any
# 10 calendar weeks would hold at most 9, and the threshold would be missed.
HALF_TERM_WEDNESDAYS = [
    "2024-09-25",
    "2024-10-02",
    "2024-10-09",
    "2024-10-16",
    "2024-10-23",
    "2024-11-06",
    "2024-11-13",
    "2024-11-20",
    "2024-11-27",
    "2024-12-04",
]


def test_s444_20_window_spans_the_october_half_term(case):
    case.all_present()
    case.set_marks(HALF_TERM_WEDNESDAYS, "O", sessions=["AM"])
    f = finding(case.check(), "S444-20")
    assert f.status == PASS
    assert len(f.evidence) == 1  # exactly one window qualifies
    window = f.evidence[0]
    # the window starts on its first school day (Mon 23 Sep) and ends on its last (Fri 6 Dec)
    assert (window.first_day, window.last_day) == (D("2024-09-23"), D("2024-12-06"))
    assert window.sessions == tuple(f"{day} AM O" for day in HALF_TERM_WEDNESDAYS)
    assert window.label == "10 unauthorised sessions in 10 school weeks, 2024-09-23 to 2024-12-06"


def test_s444_20_same_ten_sessions_over_eleven_school_weeks_fail(case):
    # Move the first absence a school week earlier (Wed 18 Sep): the ten sessions now
    # span 11 school weeks (16 Sep - 6 Dec), so any 10 of them hold at most 9.
    case.all_present()
    case.set_marks(["2024-09-18", *HALF_TERM_WEDNESDAYS[1:]], "O", sessions=["AM"])
    f = finding(case.check(), "S444-20")
    assert f.status == FAIL
    assert "at most 9 unauthorised sessions" in f.message
    # the two best windows: 16 Sep - 29 Nov and 23 Sep - 6 Dec (across half-term)
    assert [(e.first_day, e.last_day) for e in f.evidence] == [
        (D("2024-09-16"), D("2024-11-29")),
        (D("2024-09-23"), D("2024-12-06")),
    ]


# ----------------------------------------------------------------------- letters handed to the other parent

# Every document addressed to the mother (p1) - the first-concern email, her notice to
# improve and her notification of referral - was handed to the father (p2) instead.
# S444-13: three documents handed to a parent other than their addressee -> fail.
# S444-11 for p1: documents were addressed to her, but none was served on her (a hand
#   delivery counts only when the addressee took it) -> fail.
# S444-11 for p2: his own three documents still count; the three addressed to p1 do not
#   count for him either (they were not addressed to him) -> pass, citing only his own.
# S444-35: p1's notice to improve was never served on her -> fail.
P1_DOCS = ["2024-09-20-email-p1-concern.md", "2025-01-17-notice-p1-nti.md", "2025-02-28-notice-p1-referral.md"]


def test_letters_to_one_parent_handed_to_the_other(case):
    for name in P1_DOCS:
        case.docs[name]["served"] = hand(f"{case.docs[name]['date'].isoformat()}T15:20", "p2")
    result = case.check()

    handed = finding(result, "S444-13")
    assert handed.status == FAIL
    assert handed.message.startswith("3 document(s) were handed to a parent other than the one they are addressed to")
    assert (
        "documents/2025-01-17-notice-p1-nti.md addressed to Morgan Example (p1) was handed to Jamie Specimen (p2)"
        in handed.message
    )
    assert refs(handed) == [doc_path(n) for n in P1_DOCS]

    mother = finding(result, "S444-11", "p1")
    assert mother.status == FAIL
    assert "Morgan Example (p1) was not written to separately" in mother.message
    assert "documents/2024-09-20-email-p1-concern.md (handed to Jamie Specimen (p2))" in mother.message
    assert refs(mother) == [doc_path(n) for n in P1_DOCS]

    father = finding(result, "S444-11", "p2")
    assert father.status == PASS
    assert refs(father) == [
        doc_path(n)
        for n in ("2024-09-20-letter-p2-concern.md", "2025-01-17-notice-p2-nti.md", "2025-02-28-notice-p2-referral.md")
    ]

    served = finding(result, "S444-35")
    assert served.status == FAIL
    assert "notice to improve for Morgan Example (p1)" in served.message


# ----------------------------------------------------------------------- shared household mailbox


# The email went to the address recorded for the mother, so S444-31 passes; but the
# part before '@' holds a word that marks a household mailbox, so S444-32 warns.
@pytest.mark.parametrize(
    ("address", "word"),
    [
        ("thefamily@mail.example", "family"),
        ("examplehousehold@mail.example", "household"),
        ("example.home@mail.example", "home"),
        ("riley.parents@mail.example", "parents"),
    ],
)
def test_email_to_a_household_mailbox_warns(case, address, word):
    case.parent("p1")["email"] = address
    case.docs["2024-09-20-email-p1-concern.md"]["served"]["address"] = address
    result = case.check()
    assert finding(result, "S444-31").status == PASS
    shared = finding(result, "S444-32")
    assert shared.status == WARN
    assert f"{address} (the part before '@' contains '{word}')" in shared.message
    assert refs(shared) == [doc_path("2024-09-20-email-p1-concern.md")]
    assert "Morgan Example (p1)" in shared.next_step


# ----------------------------------------------------------------------- a third penalty notice


def _pn(to: str, issued: str, **extra) -> dict:
    return {
        "type": "penalty_notice",
        "title": "Penalty notice",
        "date": D(issued),
        "to": to,
        "issued_on": D(issued),
        **extra,
    }


def test_third_penalty_notice_in_three_years_fails(case):
    # Two notices, not withdrawn, issued to p1 on 16 Sep 2024 and 6 Jan 2025: both after
    # 19 Aug 2024 and within 3 years of 7 Mar 2025. A referral now would be the third,
    # which is not allowed (limit 2) -> fail for p1. p2 has none -> pass.
    case.add_doc("2024-09-16-pn-p1.md", _pn("p1", "2024-09-16"))
    case.add_doc("2025-01-06-pn-p1.md", _pn("p1", "2025-01-06"))
    result = case.check()
    mother = finding(result, "S444-61", "p1")
    assert mother.status == FAIL
    assert "2 penalty notices were already issued to Morgan Example for this pupil since 2024-08-19" in mother.message
    assert "consider prosecution" in mother.next_step
    assert refs(mother) == [doc_path("2024-09-16-pn-p1.md"), doc_path("2025-01-06-pn-p1.md")]
    assert finding(result, "S444-61", "p2").status == PASS


def test_withdrawn_and_pre_framework_notices_do_not_count(case):
    # Of three notices to p1, one was withdrawn and one was issued on 1 Jul 2024, before
    # the national framework (19 Aug 2024) from which national-2024 counts: one counts,
    # so a further notice is allowed (at the higher rate) -> pass.
    case.add_doc("2024-07-01-pn-p1.md", _pn("p1", "2024-07-01"))
    case.add_doc("2024-09-16-pn-p1.md", _pn("p1", "2024-09-16", withdrawn=True))
    case.add_doc("2025-01-06-pn-p1.md", _pn("p1", "2025-01-06"))
    f = finding(case.check(), "S444-61", "p1")
    assert f.status == PASS
    assert "1 penalty notice(s)" in f.message and "higher rate" in f.message
    assert refs(f) == [doc_path("2025-01-06-pn-p1.md")]


def test_three_year_look_back_without_a_framework_start(case, tmp_path):
    # A profile that counts every notice in the 3 years before 7 Mar 2025 (from
    # 7 Mar 2022): the notice of 1 Jul 2024 now counts, the one of 1 Sep 2021 does not.
    profile = tmp_path / "no-start.yaml"
    profile.write_text(
        "name: no-start\ntitle: Look-back only\nsource: tests\neffective: 2024-08-19\nextends: national-2024\n"
        "settings:\n  penalty_notices_count_from: null\n",
        encoding="utf-8",
    )
    case.add_doc("2021-09-01-pn-p1.md", _pn("p1", "2021-09-01"))
    case.add_doc("2024-07-01-pn-p1.md", _pn("p1", "2024-07-01"))
    case.add_doc("2025-01-06-pn-p1.md", _pn("p1", "2025-01-06"))
    f = finding(case.check(profile=str(profile)), "S444-61", "p1")
    assert f.status == FAIL
    assert "since 2022-03-07" in f.message
    assert refs(f) == [doc_path("2024-07-01-pn-p1.md"), doc_path("2025-01-06-pn-p1.md")]


# ----------------------------------------------------------------------- past compulsory school age


def test_pupil_past_compulsory_school_age(case):
    # Born 1 May 2008: 16 on 1 May 2024, in the school year 2023-24, so compulsory school
    # age ended on the last Friday in June 2024 (28 Jun 2024). The offence period
    # (30 Sep 2024 - 7 Mar 2025) lies wholly after it -> fail.
    case.case["pupil"].update(date_of_birth=D("2008-05-01"), year_group=12)
    f = finding(case.check(), "S444-02")
    assert f.status == FAIL
    assert "not of compulsory school age at any point of the offence period (2024-09-30 to 2025-03-07)" in f.message
    assert "28 June 2024" in f.message
    assert refs(f) == ["case.yaml:pupil.date_of_birth"]
    assert "2013-08-31 to 2024-06-28" in f.evidence[0].label


@pytest.mark.parametrize(
    ("born", "status"),
    [
        ("2008-08-31", FAIL),  # 16 on 31 Aug 2024: still the school year 2023-24, ended 28 Jun 2024
        # the school year begins with the first term after July (s579): the register's
        # first session on or after 1 August, Mon 2 Sep 2024. Turning 16 on Sun 1 Sep is
        # still in 2023-24, so compulsory school age ended on Fri 28 Jun 2024 (s8(3))
        ("2008-09-01", FAIL),
        ("2008-09-02", PASS),  # 16 on the first day of term: school year 2024-25, ends 27 Jun 2025
    ],
)
def test_school_year_boundary_of_the_sixteenth_birthday(case, born, status):
    case.case["pupil"].update(date_of_birth=D(born), year_group=11)
    assert finding(case.check(), "S444-02").status == status


# ----------------------------------------------------------------------- looked-after pupil


def test_looked_after_pupil_is_not_for_enforcement(case):
    # Everything else is the READY base case: the looked-after flag alone blocks it.
    case.case["pupil"]["looked_after"] = True
    result = case.check()
    f = finding(result, "S444-05")
    assert f.status == FAIL
    assert refs(f) == ["case.yaml:pupil.looked_after"]
    assert "virtual school head" in f.next_step
    assert result.failing_rules == ["S444-05"]


# ----------------------------------------------------------------------- improvement period not ended


def _notices_on(case, day: str, weeks: int | None) -> None:
    for pid in ("p1", "p2"):
        meta = case.docs[f"2025-01-17-notice-{pid}-nti.md"]
        meta["date"] = D(day)
        if pid == "p2":
            meta["served"]["handed_at"] = f"{day}T15:25"
        if weeks is None:
            meta.pop("monitoring_weeks", None)
        else:
            meta["monitoring_weeks"] = weeks


def test_notice_to_improve_period_not_ended_on_the_referral_date(case):
    # Notices served Mon 10 Feb 2025 with 4 weeks to improve: the period runs to
    # 10 Feb + 28 days = Mon 10 Mar 2025, after the referral on Fri 7 Mar -> premature,
    # for each parent.
    _notices_on(case, "2025-02-10", 4)
    result = case.check()
    for pid, name in (("p1", "Morgan Example"), ("p2", "Jamie Specimen")):
        f = finding(result, "S444-60", pid)
        assert f.status == FAIL
        assert (
            f"served on {name} on 2025-02-10 runs to 2025-03-10, after the referral date (2025-03-07): the referral is premature"
            in f.message
        )
        assert "2025-03-10" in f.next_step
        assert refs(f) == [doc_path(f"2025-01-17-notice-{pid}-nti.md")]


def test_notice_without_monitoring_weeks_uses_the_shortest_period(case):
    # No monitoring_weeks: national-2024's shortest period, 3 weeks. Served Mon 17 Feb,
    # it runs to Mon 10 Mar, after the referral -> fail.
    _notices_on(case, "2025-02-17", None)
    f = finding(case.check(), "S444-60", "p1")
    assert f.status == FAIL
    assert "runs to 2025-03-10" in f.message


def test_notice_period_ending_on_the_referral_date_has_ended(case):
    # Served Fri 7 Feb with 4 weeks: ends Fri 7 Mar, the referral date itself ("ended on
    # or before referral.date") -> pass, with the Mondays 10 Feb, 24 Feb and 3 Mar
    # (6 sessions) unauthorised inside the period.
    _notices_on(case, "2025-02-07", 4)
    f = finding(case.check(), "S444-60", "p1")
    assert f.status == PASS
    assert "(4 weeks, 2025-02-07 to 2025-03-07)" in f.message and "6 unauthorised sessions" in f.message
