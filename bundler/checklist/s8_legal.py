"""Legal route (S444-80 to -89): ESO considered, knowledge, who certifies, PACE interview, earlier penalties, witness statement.

Each function takes the case ``Context`` (and the parent, for per-parent rules) and
gives an ``Outcome``; the rule's routes, severity and wording come from the checklist.
"""

from __future__ import annotations

import datetime as dt

from ..case.models import (
    Decision,
    DecisionKind,
    DocumentBase,
    EventKind,
    Meeting,
    MeetingKind,
    Parent,
    PenaltyNotice,
    WitnessStatement,
)
from ..case.validate import CaseDocument
from .engine import (
    ROUTE_GROUPS,
    Context,
    Outcome,
    Status,
    bad,
    doc_evidence,
    event_evidence,
    field_evidence,
    marks_evidence,
    na,
    ok,
    rule,
)


@rule("S444-80", title="Education supervision order considered")
def _eso(ctx: Context) -> Outcome:
    events = ctx.events(EventKind.eso_considered)
    docs = [d for d in ctx.docs(Decision) if d.meta.kind == DecisionKind.eso_considered]
    if events or docs:
        return ok(
            "An education supervision order was considered.",
            *(event_evidence(i, e) for i, e in events),
            *(doc_evidence(d) for d in docs),
        )
    return bad(
        Status.fail,
        "No record that an education supervision order (s447) was considered.",
        "Consider an education supervision order with the LA and record the decision and its reasons (event kind eso_considered, or a decision document).",
    )


@rule("S444-81", title="Parent knew and failed to act")
def _knowledge(ctx: Context, parent: Parent) -> Outcome:
    known: list[CaseDocument[DocumentBase]] = [d for d in ctx.written if ctx.received_by(d, parent.id)]
    known += [d for d in ctx.docs(Meeting) if parent.id in d.meta.attended]
    known.sort(key=lambda d: d.meta.date)
    if not known:
        return bad(
            Status.fail,
            f"Nothing on record shows that {parent.name} knew of the absence.",
            f"Write to {parent.name} ({parent.id}) about the absence, or meet them, and record it; s444(1A) needs proof that they knew.",
        )
    first = known[0].meta.date
    after = [
        m
        for m, c in ctx.marks_with_codes(ctx.register.between(first + dt.timedelta(days=1), ctx.as_of))
        if c.is_unauthorised
    ]
    if not after:
        return bad(
            Status.fail,
            f"{parent.name} knew of the absence from {first.isoformat()}, but there is no unauthorised absence after that.",
            "Without continued absence after the parent knew, s444(1A) is not made out; consider s444(1) or further support.",
            doc_evidence(known[0]),
        )
    return ok(
        f"{parent.name} knew of the absence from {first.isoformat()} ({known[0].meta.title}); {len(after)} unauthorised sessions followed.",
        doc_evidence(known[0]),
        marks_evidence("unauthorised sessions after the parent knew", after),
    )


@rule("S444-82", title="Who certifies attendance")
def _certifier(ctx: Context) -> Outcome:
    head = ctx.case.school.head_teacher
    if head:
        return ok(
            f"{head.name} ({head.role or 'head teacher'}) certifies the attendance.",
            field_evidence("school.head_teacher", head.name),
        )
    return bad(
        Status.fail if ctx.route in ROUTE_GROUPS["pros"] else Status.warn,
        "No head teacher (or person authorised) is named to certify attendance under s566.",
        "Add school.head_teacher to case.yaml: the person who will sign the attendance certificate.",
    )


@rule("S444-83", title="Pre-court interview offered", settings=("pre_court_interview_required",))
def _pace(ctx: Context) -> Outcome:
    interviews = [d for d in ctx.docs(Meeting) if d.meta.kind == MeetingKind.pre_court_interview]
    if not ctx.settings.pre_court_interview_required:
        return na(f"The {ctx.profile.name} profile does not require a pre-court interview.")
    invited = {pid for d in interviews for pid in d.meta.invited}
    missing = [p for p in ctx.active_parents if p.id not in invited]
    if not missing:
        return ok(
            "A pre-court interview under PACE was offered to each parent.", *(doc_evidence(d) for d in interviews)
        )
    names = ", ".join(f"{p.name} ({p.id})" for p in missing)
    return bad(
        Status.fail,
        f"No pre-court interview under PACE was offered to {names}.",
        f"Ask the LA's attendance officer to arrange a pre-court interview under PACE with {names}, and record the invitation.",
        *(doc_evidence(d) for d in interviews),
    )


@rule("S444-84", title="No overlap with an earlier penalty")
def _overlap(ctx: Context) -> Outcome:
    period = ctx.offence_period
    notices = ctx.docs(PenaltyNotice)
    if period is None or not notices:
        return ok("No earlier penalty notice is on record.")
    overlapping = [
        (d, start, end)
        for d in notices
        if (start := d.meta.period_start) and (end := d.meta.period_end) and start <= period[1] and end >= period[0]
    ]
    if overlapping:
        d, start, end = overlapping[0]
        return bad(
            Status.fail,
            f"The offence period ({period[0].isoformat()} to {period[1].isoformat()}) overlaps the period of an earlier penalty notice ({start.isoformat()} to {end.isoformat()}, {d.path}).",
            f"Start the offence period after {max(e for _, _, e in overlapping).isoformat()} (referral.offence_period in case.yaml): the same absence cannot be punished twice.",
            *(doc_evidence(x) for x, _, _ in overlapping),
        )
    return ok(
        f"The offence period does not overlap the {len(notices)} earlier penalty notice(s).",
        *(doc_evidence(d) for d in notices),
    )


@rule("S444-85", title="Witness statement")
def _witness(ctx: Context) -> Outcome:
    statements = ctx.docs(WitnessStatement)
    if statements:
        return ok(
            "Witness statement(s): " + "; ".join(d.meta.witness for d in statements) + ".",
            *(doc_evidence(d) for d in statements),
        )
    lead = ctx.case.school.attendance_lead.name
    return bad(
        Status.warn,
        "No witness statement in s9 Criminal Justice Act 1967 form is on record.",
        f"Ask {lead} (attendance lead) to make a witness statement in s9 form and add it to the case.",
    )
