"""Attendance (S444-20 to -29): the threshold, recent absence, N marks, holiday runs, figures, illness, amendments, defence codes.

Each function takes the case ``Context`` (and the parent, for per-parent rules) and
gives an ``Outcome``; the rule's routes, severity and wording come from the checklist.
"""

from __future__ import annotations

import datetime as dt

from .. import figures
from ..case import codes
from ..case.models import Leave, LeaveDecision, Medical, Plan
from ..register import attendance
from ..register.calendar import add_months, compulsory_school_age, school_year_start
from . import period
from .engine import Context, Evidence, Outcome, Status, bad, doc_evidence, marks_evidence, na, ok, rule, window_evidence

#: toolkit templates whose letters are a request for medical evidence (S444-25)
MEDICAL_REQUEST_TEMPLATES = frozenset({"medical-evidence-request"})


@rule(
    "S444-20",
    title="National threshold met",
    settings=("threshold_sessions", "threshold_window_weeks", "threshold_counts_from"),
)
def _threshold(ctx: Context) -> Outcome:
    s = ctx.settings
    start = ctx.period.counts_from
    bar = ctx.period.bar
    after = (
        f" (sessions after {bar[0].isoformat()}, the end of the period an earlier penalty notice dealt with, {bar[1]})"
        if bar is not None and start > s.threshold_counts_from
        else ""
    )
    if ctx.windows:
        return ok(
            f"Threshold met: {len(ctx.windows)} window(s) of {s.threshold_window_weeks} school weeks with at least {s.threshold_sessions} unauthorised sessions{after}.",
            *(window_evidence(w) for w in ctx.windows),
        )
    if start > ctx.as_of:
        return bad(
            Status.fail,
            f"Threshold not met: no session counts, because the referral ({ctx.as_of.isoformat()}) is dated before {start.isoformat()}, the first day the threshold counts from{after}.",
            "A penalty notice under the national framework can rest only on sessions from that day on: do not refer for a penalty notice on this register.",
        )
    best = period.threshold_windows(ctx.register, s.model_copy(update={"threshold_sessions": 1}), start, ctx.as_of)
    most = max((w.unauthorised for w in best), default=0)
    return bad(
        Status.fail,
        f"Threshold not met: at most {most} unauthorised sessions in any {s.threshold_window_weeks} school weeks since {start.isoformat()}{after} ({s.threshold_sessions} needed).",
        "Do not refer for a penalty notice yet; keep supporting the family and monitoring attendance.",
        *(window_evidence(w) for w in best if w.unauthorised == most and most),
    )


@rule("S444-21", title="Recent unauthorised absence", settings=("prosecution_months",))
def _recent_absence(ctx: Context) -> Outcome:
    months = ctx.settings.prosecution_months
    since = period.limitation_start(ctx.as_of, months)
    recent = [m for m, c in ctx.marks_with_codes() if c.is_unauthorised and m.date >= since]
    if not recent:
        return bad(
            Status.fail,
            f"No unauthorised absence in the {months} months before the referral (since {since.isoformat()}).",
            "Prosecution is out of time for older absence; refer only on absence within the last six months.",
        )
    oldest = recent[0].date
    runs_out = add_months(oldest, months)
    return ok(
        f"{len(recent)} unauthorised sessions since {since.isoformat()}. The oldest relied on ({oldest.isoformat()}) runs out on {runs_out.isoformat()}: the information must be laid by then.",
        marks_evidence(f"{len(recent)} unauthorised sessions within {months} months", recent),
    )


@rule("S444-22", title="No unexplained N marks left", settings=("unexplained_n_school_days",))
def _stale_n(ctx: Context) -> Outcome:
    limit = ctx.settings.unexplained_n_school_days
    stale = [
        m for m in ctx.period_register().marks if m.code == "N" and ctx.school_days_between(m.date, ctx.as_of) > limit
    ]
    if stale:
        return bad(
            Status.fail,
            f"{len(stale)} session(s) still marked N more than {limit} school days later, e.g. {stale[0].date.isoformat()} {stale[0].session}.",
            "Find out the reason for each N session and change the mark to the right code (O if no reason is given), recording the amendment.",
            marks_evidence("N marks older than the limit", stale),
        )
    return ok(f"No N mark in the offence period is older than {limit} school days.")


@rule("S444-23", title="Holiday absence covered by a leave record")
def _g_runs(ctx: Context) -> Outcome:
    runs = attendance.unauthorised_runs(ctx.register, code="G")
    leaves = [d for d in ctx.docs(Leave) if d.meta.decision in (LeaveDecision.refused, LeaveDecision.not_requested)]
    g_dates = sorted({m.date for m in ctx.register.marks if m.code == "G"})
    gaps = []  # (run, the dates of the run no leave record covers)
    for run in runs:
        dates = [d for d in g_dates if run.first_date <= d <= run.last_date]
        left = [d for d in dates if not any(leave.meta.start <= d <= leave.meta.end for leave in leaves)]
        if left:
            gaps.append((run, left))
    if gaps:
        run, left = gaps[0]
        partly = len(left) < len([d for d in g_dates if run.first_date <= d <= run.last_date])
        described = "; ".join(
            f"{r.first_date.isoformat()} to {r.last_date.isoformat()}: " + _dates(days) + " not covered"
            for r, days in gaps
        )
        return bad(
            Status.warn,
            f"{len(gaps)} run(s) of G marks are not wholly covered by a leave record"
            + (" (a record overlaps a run but does not include every date of it)" if partly else "")
            + f": {described}.",
            "Add the refused leave request for each holiday, or a record that no request was made (type: leave, decision: not_requested), whose start and end include every date of the absence.",
            *(
                Evidence(
                    "register",
                    "attendance.csv",
                    f"G from {r.first_date.isoformat()} to {r.last_date.isoformat()} ({r.sessions} sessions); uncovered: {_dates(days)}",
                    first_day=r.first_date,
                    last_day=r.last_date,
                )
                for r, days in gaps
            ),
        )
    if not runs:
        return ok("The register has no G marks.")
    return ok(f"All {len(runs)} run(s) of G marks are covered by a leave record.", *(doc_evidence(d) for d in leaves))


def _dates(days: list[dt.date]) -> str:
    """2025-02-10, 2025-02-11 and 2025-02-24 (at most eight, then a count)."""
    shown = [d.isoformat() for d in days[:8]]
    more = f" and {len(days) - 8} more" if len(days) > 8 else ""
    if len(shown) == 1:
        return shown[0]
    return ", ".join(shown[:-1]) + (f", {shown[-1]}{more}" if more else f" and {shown[-1]}")


def _summary_text(label: str, s: attendance.AttendanceSummary) -> str:
    pct = figures.percent(s.attended, s.possible)
    return (
        f"{label}: attendance {pct} ({s.band} absence band), {s.authorised} authorised and {s.unauthorised} unauthorised sessions "
        f"of {s.possible} possible, learning lost {figures.learning_lost(s.days_lost, s.hours_lost)}"
    )


@rule("S444-24", title="Attendance figures")
def _figures(ctx: Context) -> Outcome:
    year_start = school_year_start(ctx.as_of)
    year = attendance.summarise(ctx.register, start=year_start, end=ctx.as_of)
    parts = [_summary_text(f"School year to date (from {year_start.isoformat()})", year)]
    if ctx.offence_period:
        period = attendance.summarise(ctx.register, start=ctx.offence_period[0], end=ctx.offence_period[1])
        parts.append(
            _summary_text(
                f"Offence period ({ctx.offence_period[0].isoformat()} to {ctx.offence_period[1].isoformat()})", period
            )
        )
    return Outcome(Status.info, ". ".join(parts) + ".")


@rule("S444-25", title="Medical evidence where illness is high", settings=("illness_pct_for_medical",))
def _illness(ctx: Context) -> Outcome:
    year_start = school_year_start(ctx.as_of)
    summary = attendance.summarise(ctx.register, start=year_start, end=ctx.as_of)
    illness = summary.by_code.get("I", 0)
    limit = ctx.settings.illness_pct_for_medical
    if not summary.possible or illness * 100 < limit * summary.possible:
        return na(
            f"Illness is {illness} of {summary.possible} possible sessions this school year, under {figures.share(limit)}."
        )
    # a medical document, or the toolkit's letter asking a parent for the evidence
    medical = ctx.docs(Medical) + [d for d in ctx.written if d.meta.template in MEDICAL_REQUEST_TEMPLATES]
    share = figures.percent(illness, summary.possible)
    if medical:
        return ok(
            f"Illness is {share} of possible sessions; medical evidence is on record.",
            *(doc_evidence(d) for d in medical),
        )
    return bad(
        Status.warn,
        f"Illness is {share} of possible sessions this school year ({illness} sessions) and no medical evidence is on record.",
        "Write to the parents asking for medical evidence of the illness (e.g. appointment cards, prescriptions) and add the request to the case.",
    )


@rule("S444-26", title="Amended marks carry their history")
def _amendments(ctx: Context) -> Outcome:
    start, end = ctx.offence_period or (dt.date.min, ctx.as_of)
    amended = [r for r in ctx.raw_marks if r.amended and start <= r.date <= end]
    incomplete = [r for r in amended if not (r.amended_from and r.amended_on and r.amended_by and r.amended_reason)]
    if incomplete:
        r = incomplete[0]
        return bad(
            Status.warn,
            f"{len(incomplete)} amended mark(s) lack part of their history, e.g. {r.date.isoformat()} {r.session}.",
            "Add amended_from, amended_on, amended_by and amended_reason for each amended mark from the MIS audit log.",
            marks_evidence("amended marks with missing history", incomplete),
        )
    if not amended:
        return ok("No mark in the offence period was amended.")
    return ok(f"All {len(amended)} amended marks carry their history.", marks_evidence("amended marks", amended))


@rule("S444-27", title="No unexplained defence codes")
def _defence_codes(ctx: Context) -> Outcome:
    start, end = ctx.offence_period or (dt.date.min, ctx.as_of)
    flagged = [
        r for r in ctx.raw_marks if start <= r.date <= end and codes.points_to_defence(r.code, r.date) and not r.note
    ]
    if flagged:
        r = flagged[0]
        return bad(
            Status.warn,
            f"{len(flagged)} session(s) in the offence period carry a code that may point to a defence without a note, e.g. {r.date.isoformat()} {r.session} {r.code}.",
            "Check each of these sessions: add a note explaining the mark, or take the period out of the referral if a defence applies.",
            marks_evidence("defence codes without a note", flagged),
        )
    return ok("No session in the offence period carries an unexplained defence code.")


@rule("S444-28", title="Codes used as the regulations intend")
def _codes_as_intended(ctx: Context) -> Outcome:
    start_age, end_age = compulsory_school_age(ctx.case.pupil.date_of_birth, ctx.school_days)
    x_when_compulsory = [m for m in ctx.register.marks if m.code == "X" and start_age <= m.date <= end_age]
    timetables = [d for d in ctx.docs(Plan) if d.meta.part_time_timetable and d.meta.start and d.meta.end]
    c2 = [m for m in ctx.register.marks if m.code == "C2"]
    c2_outside = [
        m
        for m in c2
        if not any(p.meta.start and p.meta.end and p.meta.start <= m.date <= p.meta.end for p in timetables)
    ]
    problems = []
    evidence: list[Evidence] = []
    if x_when_compulsory:
        m = x_when_compulsory[0]
        problems.append(
            f"{len(x_when_compulsory)} session(s) are marked X (not required to attend: non-compulsory school age) "
            f"while the pupil was of compulsory school age ({start_age.isoformat()} to {end_age.isoformat()}), "
            f"e.g. {m.date.isoformat()} {m.session}"
        )
        evidence.append(marks_evidence("X marks within compulsory school age", x_when_compulsory))
    if c2_outside:
        m = c2_outside[0]
        problems.append(
            f"{len(c2_outside)} C2 (part-time timetable) session(s) fall outside any plan that records an agreed "
            f"part-time timetable, e.g. {m.date.isoformat()} {m.session}"
        )
        evidence.append(marks_evidence("C2 marks with no part-time timetable on record", c2_outside))
    if problems:
        return bad(
            Status.warn,
            "; ".join(problems) + ".",
            "Correct the marks with the MIS (recording each amendment), or add the plan that agreed the part-time "
            "timetable (type: plan, part_time_timetable: true, with its start and end).",
            *evidence,
        )
    used = f" {len(c2)} C2 session(s) fall within an agreed part-time timetable." if c2 else ""
    return ok(f"No X mark within compulsory school age.{used}", *(doc_evidence(d) for d in timetables if c2))
