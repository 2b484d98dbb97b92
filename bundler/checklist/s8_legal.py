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
    Medical,
    Meeting,
    MeetingKind,
    Parent,
    PenaltyNotice,
    Support,
    SupportStatus,
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
    known: list[CaseDocument[DocumentBase]] = [d for d in ctx.written if ctx.served_on(d, parent.id)]
    known += [d for d in ctx.docs(Meeting) if parent.id in d.meta.attended]
    known.sort(key=lambda d: d.meta.date)
    defence = _defence_material(ctx, parent)
    if not known:
        return bad(
            Status.fail,
            f"Nothing on record shows that {parent.name} knew the pupil was failing to attend: no letter, email or notice served on them, and no meeting they attended.{defence}",
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
            f"{parent.name} knew of the absence from {first.isoformat()}, but there is no unauthorised absence after that.{defence}",
            "Without continued absence after the parent knew, s444(1A) is not made out; consider s444(1) or further support.",
            doc_evidence(known[0]),
        )
    return ok(
        f"{parent.name} knew of the absence from {first.isoformat()} ({known[0].meta.title}); {len(after)} unauthorised sessions followed.{defence}",
        doc_evidence(known[0]),
        marks_evidence("unauthorised sessions after the parent knew", after),
    )


def _defence_material(ctx: Context, parent: Parent) -> str:
    """What the record holds that a defence of reasonable justification (s444(1B)) might
    rely on: it is the parent's to prove, so it is listed, not weighed."""
    start, end = ctx.offence_period or (dt.date.min, ctx.as_of)
    rows = [r for r in ctx.raw_marks if start <= r.date <= end]
    illness = [r for r in rows if r.code in ("I", "M")]
    noted = [r for r in rows if r.note]
    declined = [
        d
        for d in ctx.docs(Support)
        if d.meta.status in (SupportStatus.declined, SupportStatus.not_engaged)
        and d.meta.reason
        and (not d.meta.offered_to or parent.id in d.meta.offered_to)
    ]
    medical = ctx.docs(Medical)
    items = []
    if illness:
        items.append(f"{len(illness)} illness or medical session(s) (I, M)")
    if noted:
        items.append(f"{len(noted)} mark(s) with a note")
    if declined:
        items.append(
            "support declined with a reason: "
            + "; ".join(f"{d.meta.kind.value.replace('_', ' ')} ({d.meta.reason})" for d in declined)
        )
    if medical:
        items.append(f"{len(medical)} medical document(s)")
    if not items:
        return " For a defence of reasonable justification (s444(1B)) the record holds nothing in the offence period."
    return " For a defence of reasonable justification (s444(1B)), the record holds: " + "; ".join(items) + "."


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
def _overlap(ctx: Context, parent: Parent) -> Outcome:
    period = ctx.offence_period
    notices = [d for d in ctx.docs(PenaltyNotice) if d.meta.to == parent.id and d.meta.issued_on <= ctx.as_of]
    if period is None or not notices:
        return ok(f"No earlier penalty notice to {parent.name} is on record.")
    overlapping = [
        (d, start, end)
        for d in notices
        if not d.meta.withdrawn
        and (start := d.meta.period_start or d.meta.issued_on)
        and (end := d.meta.period_end or d.meta.issued_on)
        and start <= period[1]
        and end >= period[0]
    ]
    span = f"{period[0].isoformat()} to {period[1].isoformat()}"
    prosecuting = ctx.route not in ROUTE_GROUPS["pn"]
    unpaid = [(d, a, b) for d, a, b in overlapping if d.meta.paid is False]
    barring = [(d, a, b) for d, a, b in overlapping if not (prosecuting and d.meta.paid is False)]
    if barring:
        d, start, end = barring[0]
        paid = {True: "paid", False: "unpaid", None: "whether it was paid is not recorded"}[d.meta.paid]
        unknown = [x for x, _, _ in barring if x.meta.paid is None]
        next_step = (
            f"Start the offence period after {max(e for _, _, e in barring).isoformat()} (referral.offence_period in case.yaml): the same absence cannot be punished twice."
            if not (prosecuting and unknown)
            else "Record whether each notice was paid (paid: true or false): a paid notice bars prosecution for its period; an unpaid one is what a prosecution for non-payment relies on."
        )
        return bad(
            Status.fail,
            f"The offence period ({span}) overlaps the period of an earlier penalty notice to {parent.name} ({start.isoformat()} to {end.isoformat()}, {paid}, {d.path}).",
            next_step,
            *(doc_evidence(x) for x, _, _ in barring),
        )
    if unpaid:
        d, start, end = unpaid[0]
        return Outcome(
            Status.info,
            f"The offence period ({span}) overlaps the period of an unpaid penalty notice to {parent.name} ({start.isoformat()} to {end.isoformat()}, {d.path}): a prosecution for non-payment relies on exactly that period.",
            "",
            tuple(doc_evidence(x) for x, _, _ in unpaid),
        )
    withdrawn = [d for d in notices if d.meta.withdrawn]
    note = f" ({len(withdrawn)} withdrawn, which does not bar)" if withdrawn else ""
    return ok(
        f"The offence period does not overlap the {len(notices)} earlier penalty notice(s) to {parent.name}{note}.",
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


@rule("S444-87", title="An education supervision order is available")
def _eso_available(ctx: Context) -> Outcome:
    pupil = ctx.case.pupil
    consulted_events = ctx.events(EventKind.children_services_consulted)
    consulted_docs = [d for d in ctx.docs(Decision) if _says_childrens_services(d.meta)]
    problems = []
    if pupil.in_care:
        problems.append(
            "the pupil is in the care of a local authority (pupil.in_care): an education supervision order cannot be made (Children Act 1989 s36(6))"
        )
    if not consulted_events and not consulted_docs:
        problems.append("there is no record that the LA consulted children's services before applying (s36(8))")
    if problems:
        return bad(
            Status.fail,
            "An education supervision order is not ready to apply for: " + "; and ".join(problems) + ".",
            "Consult children's services (the social services committee) about the application and record it "
            "(event kind children_services_consulted, or a decision document); if the pupil is in care, do not apply.",
        )
    return ok(
        "The pupil is not in care, and children's services were consulted before applying.",
        *(event_evidence(i, e) for i, e in consulted_events),
        *(doc_evidence(d) for d in consulted_docs),
    )


def _says_childrens_services(decision: Decision) -> bool:
    """A decision document that records consulting children's services."""
    text = f"{decision.title} {decision.outcome or ''} {decision.notes or ''}".lower().replace("\u2019", "'")
    return "children's services" in text or "childrens services" in text or "children's social care" in text
