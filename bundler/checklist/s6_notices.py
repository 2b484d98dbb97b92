"""Notices and warnings (S444-60 to -69): the improvement period, the penalty notice limit, final warning, notice of referral, holiday warning.

Each function takes the case ``Context`` (and the parent, for per-parent rules) and
gives an ``Outcome``; the rule's routes, severity and wording come from the checklist.
"""

from __future__ import annotations

import datetime as dt

from ..case.models import Notice, NoticeKind, Parent, PenaltyNotice
from ..register.calendar import add_school_weeks, months_before
from .engine import Context, Outcome, Status, bad, doc_evidence, field_evidence, marks_evidence, na, ok, rule


@rule(
    "S444-60",
    title="Improvement period ended",
    settings=("improvement_weeks_min", "improvement_weeks_max", "improvement_period_unit"),
)
def _improvement_period(ctx: Context, parent: Parent) -> Outcome:
    s = ctx.settings
    kinds = (NoticeKind.notice_to_improve, NoticeKind.penalty_notice_warning)
    threshold_marks = [m for w in ctx.windows for m in w.sessions]
    all_holiday = bool(threshold_marks) and all(m.code == "G" for m in threshold_marks)
    notices = [d for d in ctx.docs(Notice) if d.meta.kind in kinds and ctx.served_on(d, parent.id)]
    if not notices:
        if all_holiday:
            return ok(
                "No notice to improve was served; none is expected because the threshold absences are all holiday (G)."
            )
        return bad(
            Status.warn,
            f"No notice to improve or penalty notice warning was served on {parent.name}.",
            f"Guidance expects a notice to improve first: serve one on {parent.name} ({parent.id}) by first-class post or by hand, and refer only after its improvement period ends.",
        )
    doc = max(notices, key=lambda d: d.meta.date)
    weeks = doc.meta.monitoring_weeks or s.improvement_weeks_min
    unit = "school weeks" if s.improvement_period_unit == "school_weeks" else "weeks"
    start = doc.meta.date
    if s.improvement_period_unit == "school_weeks":
        end = add_school_weeks(start, weeks, ctx.is_school_day)
    else:
        end = start + dt.timedelta(weeks=weeks)
    evidence = doc_evidence(doc)
    if not s.improvement_weeks_min <= weeks <= s.improvement_weeks_max:
        allowed = (
            f"{s.improvement_weeks_min}"
            if s.improvement_weeks_min == s.improvement_weeks_max
            else f"{s.improvement_weeks_min} to {s.improvement_weeks_max}"
        )
        return bad(
            Status.fail,
            f"The {doc.meta.kind.value.replace('_', ' ')} to {parent.name} gives {weeks} {unit} to improve; the {ctx.profile.name} profile requires {allowed} {unit}.",
            f"Serve a fresh notice on {parent.name} ({parent.id}) with an improvement period of {allowed} {unit}.",
            evidence,
        )
    if end > ctx.as_of:
        premature = (
            f"The improvement period of the notice served on {parent.name} on {start.isoformat()} runs to "
            f"{end.isoformat()}, after the referral date ({ctx.as_of.isoformat()}): the referral is premature"
        )
        if doc.meta.early_issue_grounds:
            return bad(
                Status.warn,
                f"{premature}, but the notice states grounds on which a penalty notice may be issued before the period ends: "
                f"\u201c{doc.meta.early_issue_grounds}\u201d.",
                "Check that those grounds are met now, and say so in the referral; otherwise wait until the period ends.",
                evidence,
            )
        return bad(
            Status.fail,
            premature + ".",
            f"Wait until the improvement period ends on {end.isoformat()} and refer only if unauthorised absence continued within it.",
            evidence,
        )
    within = [
        m for m, c in ctx.marks_with_codes(ctx.register.between(start + dt.timedelta(days=1), end)) if c.is_unauthorised
    ]
    if not within:
        return bad(
            Status.fail,
            f"No unauthorised absence in the improvement period ({start.isoformat()} to {end.isoformat()}) after the notice to {parent.name}.",
            "Attendance improved during the notice period: do not refer on this notice; keep monitoring and supporting.",
            evidence,
        )
    return ok(
        f"The improvement period ({weeks} {unit}, {start.isoformat()} to {end.isoformat()}) ended before the referral, with {len(within)} unauthorised sessions within it.",
        evidence,
        marks_evidence("unauthorised sessions in the improvement period", within),
    )


@rule(
    "S444-61",
    title="Penalty notice limit",
    settings=("penalty_notice_limit", "penalty_notice_lookback_years", "penalty_notices_count_from"),
)
def _pn_limit(ctx: Context, parent: Parent) -> Outcome:
    s = ctx.settings
    since = months_before(ctx.as_of, 12 * s.penalty_notice_lookback_years)
    if s.penalty_notices_count_from and s.penalty_notices_count_from > since:
        since = s.penalty_notices_count_from
    counted = [
        d
        for d in ctx.docs(PenaltyNotice)
        if d.meta.to == parent.id and not d.meta.withdrawn and since <= d.meta.issued_on <= ctx.as_of
    ]
    evidence = [doc_evidence(d) for d in counted]
    if len(counted) < s.penalty_notice_limit:
        rate = " (another would be charged at the higher rate)" if len(counted) == s.penalty_notice_limit - 1 else ""
        return ok(
            f"{len(counted)} penalty notice(s) issued to {parent.name} since {since.isoformat()}{rate}.", *evidence
        )
    else:
        return bad(
            Status.fail,
            f"{len(counted)} penalty notices were already issued to {parent.name} for this pupil since {since.isoformat()}; no further notice is allowed.",
            "Do not refer for another penalty notice; consider prosecution under s444 instead.",
            *evidence,
        )


@rule("S444-62", title="Final warning served", settings=("final_warning_required",))
def _final_warning(ctx: Context, parent: Parent) -> Outcome:
    warnings = [
        d
        for d in ctx.docs(Notice)
        if d.meta.kind == NoticeKind.final_warning and ctx.served_on(d, parent.id) and d.meta.date <= ctx.as_of
    ]
    if warnings:
        return ok(f"A final warning was served on {parent.name}.", *(doc_evidence(d) for d in warnings))
    return bad(
        Status.fail if ctx.settings.final_warning_required else Status.warn,
        f"No final warning served on {parent.name} is on record.",
        f"Serve a final warning on {parent.name} ({parent.id}) by first-class post or by hand, and let its monitoring period run before referring.",
    )


@rule("S444-63", title="Parents told of the referral", settings=("referral_notice_required",))
def _told_of_referral(ctx: Context) -> Outcome:
    notified = [
        d for d in ctx.docs(Notice) if d.meta.kind == NoticeKind.notification_of_referral and d.meta.date <= ctx.as_of
    ]
    missing = [p for p in ctx.active_parents if not any(ctx.served_on(d, p.id) for d in notified)]
    if not missing:
        return ok("Every parent was told in writing of the referral.", *(doc_evidence(d) for d in notified))
    if ctx.case.safeguarding.notify_parents_would_risk_harm:
        return ok(
            "Parents were not told of the referral because telling them would put the child at risk of harm.",
            field_evidence("safeguarding.notify_parents_would_risk_harm", "true"),
        )
    names = ", ".join(f"{p.name} ({p.id})" for p in missing)
    return bad(
        Status.fail if ctx.settings.referral_notice_required else Status.warn,
        f"No written notification of the referral is on record for {names}.",
        f"Write to {names} to say that the school is referring the attendance to the local authority, and record how it was served.",
        *(doc_evidence(d) for d in notified),
    )


@rule("S444-64", title="Holiday warning given", settings=("holiday_warning_required",))
def _holiday_warning(ctx: Context) -> Outcome:
    start, end = ctx.offence_period or (dt.date.min, ctx.as_of)
    holiday = [m for m in ctx.register.marks if m.code == "G" and start <= m.date <= end]
    if not holiday:
        return na("No holiday (G) absence in the offence period.")
    first = holiday[0].date
    warned = [d for d in ctx.docs(Notice) if d.meta.kind == NoticeKind.holiday_warning and d.meta.date < first]
    if warned:
        return ok(
            f"The parents were warned in writing before the holiday began on {first.isoformat()}.",
            *(doc_evidence(d) for d in warned),
        )
    return bad(
        Status.fail if ctx.settings.holiday_warning_required else Status.warn,
        f"No written warning about term-time holiday before the holiday began on {first.isoformat()} is on record.",
        "Add the written warning the parents were given before the holiday (letter or email, notice kind holiday_warning); without one, the LA may not issue a notice.",
    )
