"""Support first (S444-40 to -49): support before formal action, early help, meetings, the pupil's view, SEND, contact, the social worker.

Each function takes the case ``Context`` (and the parent, for per-parent rules) and
gives an ``Outcome``; the rule's routes, severity and wording come from the checklist.
"""

from __future__ import annotations

from ..case.models import (
    DocumentBase,
    EventKind,
    Medical,
    Meeting,
    MeetingKind,
    PupilVoice,
    Send,
    Support,
    SupportKind,
    SupportStatus,
)
from ..case.validate import CaseDocument
from .engine import Context, Outcome, Status, bad, contact_dates, doc_evidence, event_evidence, na, ok, rule


def _support_offered(ctx: Context) -> list[CaseDocument[Support]]:
    return [d for d in ctx.docs(Support) if d.meta.status != SupportStatus.not_offered]


@rule("S444-40", title="Support before formal action")
def _support_first(ctx: Context) -> Outcome:
    cutoff = ctx.first_formal_notice or ctx.as_of
    before: list[CaseDocument[DocumentBase]] = [d for d in _support_offered(ctx) if d.meta.date <= cutoff]
    before += [d for d in ctx.docs(Meeting) if d.meta.actions and d.meta.date <= cutoff]
    when = (
        f"before the first formal notice ({cutoff.isoformat()})" if ctx.first_formal_notice else "before the referral"
    )
    if before:
        return ok(f"Support was offered {when}.", *(doc_evidence(d) for d in sorted(before, key=lambda d: d.meta.date)))
    return bad(
        Status.fail,
        f"No support is recorded {when}.",
        "Offer the family support (a meeting with agreed actions, early help, mentoring) and record it before any formal notice.",
    )


@rule("S444-41", title="Early help offered")
def _early_help(ctx: Context) -> Outcome:
    early = [d for d in ctx.docs(Support) if d.meta.kind == SupportKind.early_help]
    if early:
        return ok(
            "Early help: "
            + "; ".join(f"{d.meta.status.value.replace('_', ' ')} ({d.meta.date.isoformat()})" for d in early)
            + ".",
            *(doc_evidence(d) for d in early),
        )
    return bad(
        Status.fail,
        "No offer of early help is recorded, and no reason why not.",
        "Offer an early help assessment to the family and record the offer and the answer (or record why it was not offered).",
    )


@rule("S444-42", title="Parents invited to a meeting")
def _meeting(ctx: Context) -> Outcome:
    cutoff = ctx.first_formal_notice or ctx.as_of
    meetings = [
        d
        for d in ctx.docs(Meeting)
        if d.meta.kind != MeetingKind.pre_court_interview and d.meta.invited and d.meta.date <= cutoff
    ]
    if meetings:
        return ok(
            "Meetings: "
            + "; ".join(
                f"{d.meta.title} on {d.meta.date.isoformat()}, attended by {', '.join(d.meta.attended) or 'nobody'}"
                for d in meetings
            )
            + ".",
            *(doc_evidence(d) for d in meetings),
        )
    return bad(
        Status.fail,
        "No meeting about attendance with the parents is recorded before the formal stage.",
        "Invite each parent in writing to a meeting about the attendance, and record who was invited and who came.",
    )


@rule("S444-43", title="The pupil's view")
def _pupil_voice(ctx: Context) -> Outcome:
    voice = ctx.docs(PupilVoice)
    if voice:
        return ok("The pupil's view is on record.", *(doc_evidence(d) for d in voice))
    return bad(
        Status.warn,
        "The pupil's own account of what gets in the way of attending is not on record.",
        "Talk to the pupil about the barriers to attending and record what they say (type: pupil_voice).",
    )


@rule("S444-44", title="SEND and medical needs reviewed")
def _send(ctx: Context) -> Outcome:
    pupil = ctx.case.pupil
    needs = []
    if pupil.send != Send.none:
        needs.append(pupil.send.value.replace("_", " ").replace("ehcp", "an EHCP"))
    if pupil.medical_needs:
        needs.append("medical needs")
    if not needs:
        return na("The pupil has no recorded SEND or medical needs.")
    reviews: list[CaseDocument[DocumentBase]] = [
        d
        for d in ctx.docs(Support)
        if d.meta.kind in (SupportKind.send_review, SupportKind.school_nurse)
        and d.meta.status != SupportStatus.not_offered
    ]
    reviews += ctx.docs(Medical) if pupil.medical_needs else []
    if reviews:
        return ok(f"The pupil's {' and '.join(needs)} were reviewed.", *(doc_evidence(d) for d in reviews))
    return bad(
        Status.warn,
        f"The pupil has {' and '.join(needs)}, but no review of these as a barrier to attendance is on record.",
        "Hold a SEND review (or ask the school nurse for a health review) to check whether the pupil's needs are behind the absence, and record it.",
    )


@rule("S444-45", title="Contact with the family", settings=("min_contacts",))
def _contacts(ctx: Context) -> Outcome:
    count = len(contact_dates(ctx))
    need = ctx.settings.min_contacts
    if count >= need:
        return ok(f"{count} recorded contacts with the family.")
    return bad(
        Status.warn,
        f"{count} recorded contacts with the family; the profile expects {need}.",
        "Record every call, visit, letter and meeting with the family.",
    )


@rule("S444-46", title="Social worker consulted")
def _social_worker(ctx: Context) -> Outcome:
    if not ctx.case.pupil.has_social_worker:
        return na("The pupil has no social worker.")
    consulted = [(i, e) for i, e in ctx.events(EventKind.social_worker_consulted) if e.date <= ctx.as_of]
    if consulted:
        return ok("The social worker was consulted.", *(event_evidence(i, e) for i, e in consulted))
    return bad(
        Status.warn,
        "The pupil has a social worker, who is not recorded as consulted.",
        "Consult the pupil's social worker before referring, and record it (event kind social_worker_consulted).",
    )
