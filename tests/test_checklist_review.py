"""The defects an independent legal review found in the checklist (issue 13), each as a
test that failed before the fix, and the edge dates the review asked for."""

from __future__ import annotations

import datetime as dt

import pytest
from builder import emailed, finding, hand
from click.testing import CliRunner

from bundler.case.validate import validate_folder
from bundler.checklist import Status
from bundler.checklist.run import check_folder
from bundler.cli import main
from bundler.present.stats import case_stats

D = dt.date.fromisoformat
PASS, FAIL, WARN, INFO, NA = Status.pass_, Status.fail, Status.warn, Status.info, Status.not_applicable
P1_EMAIL = "morgan.example@mail.example"


def only_docs_to_p2(case, meta_for_p2: dict) -> None:
    """Replace everything addressed to p2 with one document."""
    case.remove_docs(lambda meta: meta.get("to") == "p2")
    case.add_doc("2024-09-20-to-p2.md", meta_for_p2)


# ----------------------------------------------------------------------- 1. service through the wrong mailbox


def test_a_letter_to_p2_emailed_to_p1s_address_was_not_written_to_p2(case):
    only_docs_to_p2(
        case,
        {
            "type": "email",
            "title": "Attendance concern",
            "date": D("2024-09-20"),
            "to": "p2",
            "served": emailed(P1_EMAIL, "2024-09-20T10:05"),
        },
    )
    f = finding(case.check(), "S444-11", "p2")
    assert f.status == FAIL
    assert f"emailed to {P1_EMAIL}, which is not an address recorded for them" in f.message


def test_a_notice_handed_to_the_other_parent_starts_no_improvement_period(case):
    case.docs["2025-01-17-notice-p2-nti.md"]["served"] = hand("2025-01-17T15:25", "p1")
    result = case.check()
    assert finding(result, "S444-60", "p2").status == WARN  # none served on p2
    assert finding(result, "S444-35").status == FAIL


def test_a_final_warning_emailed_to_the_wrong_address_does_not_count(case):
    case.route = "prosecution_444_1a"
    case.add_doc(
        "2025-01-20-final-warning-p2.md",
        {
            "type": "notice",
            "kind": "final_warning",
            "title": "Final warning",
            "date": D("2025-01-20"),
            "to": "p2",
            "served": emailed(P1_EMAIL, "2025-01-20T09:00"),
        },
    )
    result = case.check()
    assert finding(result, "S444-62", "p2").status == WARN
    # the same email does not make p2 know of the absence either: only what reached them counts
    assert "2025-01-20-final-warning-p2.md" not in " ".join(e.ref for e in finding(result, "S444-81", "p2").evidence)


def test_notification_of_referral_emailed_to_the_other_parents_address(case):
    case.docs["2025-02-28-notice-p2-referral.md"]["served"] = emailed(P1_EMAIL, "2025-02-28T09:00")
    f = finding(case.check(), "S444-63")
    assert f.status == WARN
    assert "Jamie Specimen (p2)" in f.message


# ----------------------------------------------------------------------- 2. a referral dated before 19 Aug 2024


def _summer_2024_register(case) -> None:
    """The summer term of 2024 (2006 codes): present, but absent without reason every
    Monday; then nothing (the summer holiday) up to the referral."""
    case.marks = {}
    day = D("2024-04-15")
    while day <= D("2024-07-19"):
        if day.weekday() < 5:
            absent = day.weekday() == 0
            case.set_marks(day, "O" if absent else "/", sessions=["AM"])
            case.set_marks(day, "O" if absent else "\\", sessions=["PM"])
        day += dt.timedelta(days=1)


@pytest.mark.parametrize("referral", ["2024-08-18", "2024-08-19", "2024-08-20"])
def test_a_referral_around_the_framework_start_is_checked_not_crashed(case, referral, tmp_path):
    _summer_2024_register(case)
    case.case["referral"]["date"] = D(referral)
    case.docs = {name: meta for name, meta in case.docs.items() if meta["date"] <= D(referral)}
    case.events = [e for e in case.events if e["date"] <= D(referral)]
    folder = case.write()
    check = check_folder(folder)
    assert check.result is not None
    f = finding(check.result, "S444-20")
    assert f.status == FAIL
    if referral == "2024-08-18":
        assert "no session counts, because the referral (2024-08-18) is dated before 2024-08-19" in f.message
    else:
        assert "at most 0 unauthorised sessions" in f.message
    stats = case_stats(validate_folder(folder).case)
    assert stats["threshold"]["met"] is False
    for command in (["check", str(folder)], ["stats", str(folder)], ["stats", str(folder), "--format", "json"]):
        result = CliRunner().invoke(main, command)
        assert result.exception is None or isinstance(result.exception, SystemExit), result.output
        assert result.exit_code in (0, 1), result.output


# ----------------------------------------------------------------------- 3. documents to an excluded parent


def test_a_document_to_an_excluded_parent_is_a_checklist_finding_not_a_validation_error(case):
    case.parent("p2")["exclude"] = {"reason": "court order prevents contact", "since": D("2025-01-01")}
    result = case.check()  # validates: the builder fails the test on any problem
    f = finding(result, "S444-12", "p2")
    assert f.status == FAIL
    # the two documents dated after the exclusion began are the failure ...
    assert "excluded since 2025-01-01" in f.message
    assert "2025-01-17-notice-p2-nti.md" in f.message and "2025-02-28-notice-p2-referral.md" in f.message
    # ... the letter of September is history
    assert "2024-09-20-letter-p2-concern.md" not in f.message


def test_documents_before_the_exclusion_are_history(case):
    case.parent("p2")["exclude"] = {"reason": "court order since March", "since": D("2025-03-01")}
    f = finding(case.check(), "S444-12", "p2")
    assert f.status == PASS
    assert "from before the exclusion began (2025-03-01): history" in f.message


# ----------------------------------------------------------------------- 4. the derived offence period


def test_a_reception_childs_period_starts_with_the_absence_relied_on(case):
    # born 15 Nov 2019: five on 15 Nov 2024, so of compulsory school age from 31 Dec 2024.
    # Absent on the Mondays of 2025 only. The earliest window meeting the threshold begins
    # on 18 Nov 2024, but the first absence it counts is 6 Jan 2025: the period starts there.
    case.case["pupil"].update(date_of_birth=D("2019-11-15"), year_group=0)
    case.all_present()
    mondays = [
        day for (day, session) in case.marks if session == "AM" and day.weekday() == 0 and day >= D("2025-01-06")
    ]
    case.set_marks(mondays, "O")
    result = case.check()
    assert result.offence_period == (D("2025-01-06"), D("2025-03-07"))
    assert finding(result, "S444-02").status == PASS


def test_a_second_notice_referral_counts_only_after_the_first_notices_period(case):
    # a first penalty notice, paid, dealt with 30 Sep - 15 Nov 2024; the register covers it
    case.add_doc(
        "2024-11-25-pn-p1.md",
        {
            "type": "penalty_notice",
            "title": "Penalty notice",
            "date": D("2024-11-25"),
            "to": "p1",
            "issued_on": D("2024-11-25"),
            "paid": True,
            "period_start": D("2024-09-30"),
            "period_end": D("2024-11-15"),
        },
    )
    result = case.check()
    start, end = result.offence_period
    assert start == D("2024-11-18")  # the first Monday absence after the notice's period
    assert end == D("2025-03-07")
    for parent in ("p1", "p2"):
        assert finding(result, "S444-84", parent).status == PASS
    threshold = finding(result, "S444-20")
    assert threshold.status == PASS
    assert "sessions after 2024-11-15, the end of the period an earlier penalty notice dealt with" in threshold.message


# ----------------------------------------------------------------------- 5. per-parent rules outside their route


def test_a_per_parent_rule_outside_its_route_gives_one_finding_per_parent(case):
    result = case.check()  # penalty notice route: S444-81 is for s444(1A) prosecutions
    found = [f for f in result.findings if f.rule == "S444-81"]
    assert [(f.parent, f.status) for f in found] == [("p1", NA), ("p2", NA)]


# ----------------------------------------------------------------------- 6. S444-23: overlap is not cover


def test_a_refusal_for_part_of_a_holiday_covers_only_that_part(case):
    days = [d for d in (D("2025-02-03") + dt.timedelta(days=i) for i in range(12)) if d.weekday() < 5]
    case.set_marks(days, "G")  # Mon 3 - Fri 14 Feb: ten days, one run
    case.add_doc(
        "2025-01-20-leave-refused.md",
        {
            "type": "leave",
            "title": "Leave request refused",
            "date": D("2025-01-20"),
            "parents": ["p1", "p2"],
            "start": D("2025-02-03"),
            "end": D("2025-02-07"),
            "decision": "refused",
        },
    )
    f = finding(case.check(), "S444-23")
    assert f.status == WARN
    assert "does not include every date of it" in f.message
    assert "2025-02-10, 2025-02-11, 2025-02-12, 2025-02-13 and 2025-02-14 not covered" in f.message


# ----------------------------------------------------------------------- 7. closure weeks are not school weeks


def test_a_window_whose_tenth_school_week_follows_a_closure_week(case):
    # absent the Mondays of 2, 9, 16 and 23 Sep (8 sessions); the week of 30 Sep is closed
    # (#, planned whole-school closure); absent Mon 18 Nov (2): ten school weeks (2 Sep -
    # 22 Nov, the half-term and the closure week skipped) hold the ten, but only if the
    # closure week is not counted as one of them
    case.all_present()
    for monday in ("2024-09-02", "2024-09-09", "2024-09-16", "2024-09-23", "2024-11-18"):
        case.set_marks(monday, "O")
    case.set_marks([D("2024-09-30") + dt.timedelta(days=i) for i in range(5)], "#")
    f = finding(case.check(), "S444-20")
    assert f.status == PASS, f.message
    window = f.evidence[0]
    assert (window.first_day, window.last_day) == (D("2024-09-02"), D("2024-11-22"))
    assert "10 unauthorised sessions in 10 school weeks" in window.label


# ----------------------------------------------------------------------- edge dates


def test_turning_sixteen_between_the_june_friday_and_the_first_day_of_term(case):
    # the register's new school year begins on Wed 4 Sep 2024 (no session on 2-3 Sep);
    # born 3 Sep 2008, the pupil turns 16 on 3 Sep 2024, in the school year 2023-24:
    # compulsory school age ended on Fri 28 Jun 2024
    case.keep_marks(lambda day, session: day >= D("2024-09-04"))
    case.case["pupil"].update(date_of_birth=D("2008-09-03"), year_group=11)
    f = finding(case.check(), "S444-02")
    assert f.status == FAIL
    assert "28 June 2024" in f.message
    # born a day later, the birthday is the first day of term: 2024-25, to 27 Jun 2025
    case.case["pupil"]["date_of_birth"] = D("2008-09-04")
    assert finding(case.check(), "S444-02").status == PASS


def test_every_rule_in_the_shipped_checklist_is_listed_by_bundler_rules():
    result = CliRunner().invoke(main, ["rules", "--format", "json"])
    import json
    import re
    from pathlib import Path

    listed = [r["id"] for r in json.loads(result.output)["rules"]]
    document = (Path(__file__).resolve().parent.parent / "docs" / "s444-checklist.md").read_text(encoding="utf-8")
    assert listed == list(dict.fromkeys(re.findall(r"^\| (S444-\d\d) \|", document, flags=re.M)))


def test_no_rule_wording_is_written_in_code():
    """The checklist document is the one place a rule's words live."""
    from pathlib import Path

    from bundler.checklist.text import rule_texts

    sources = "".join(
        p.read_text(encoding="utf-8") for p in (Path(__file__).resolve().parent.parent / "bundler").rglob("*.py")
    )
    copied = [r.id for r in rule_texts().values() if r.plain_text[:60] in sources.replace("`", "")]
    assert copied == []


def test_the_former_broken_case_of_a_letter_to_an_excluded_parent_now_validates():
    """tests/cases/excluded-parent was a validation error until 2026-12: a letter to a
    parent excluded by a court order. It validates, and S444-12 fails for that parent."""
    from pathlib import Path

    folder = Path(__file__).resolve().parent / "cases" / "excluded-parent"
    assert validate_folder(folder).valid
    check = check_folder(folder)
    f = finding(check.result, "S444-12", "p2")
    assert f.status == FAIL
    assert "documents/letter-p2.md" in f.message
