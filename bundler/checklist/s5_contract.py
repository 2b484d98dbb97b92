"""Attendance contract and plan (S444-50 to -59).

Each function takes the case ``Context`` (and the parent, for per-parent rules) and
gives an ``Outcome``; the rule's routes, severity and wording come from the checklist.
"""

from __future__ import annotations

from ..case.models import Contract, ContractStatus, Meeting, MeetingKind, Plan
from .engine import Context, Outcome, Status, bad, doc_evidence, na, ok, rule


@rule("S444-50", title="Attendance contract offered")
def _contract(ctx: Context) -> Outcome:
    contracts = ctx.docs(Contract)
    offered = [d for d in contracts if d.meta.status != ContractStatus.not_offered]
    if offered:
        return ok(
            "Attendance contract: "
            + "; ".join(f"{d.meta.status.value} ({d.meta.date.isoformat()})" for d in offered)
            + ".",
            *(doc_evidence(d) for d in offered),
        )
    if contracts:
        return ok(
            f"No contract was offered, for a recorded reason: {contracts[0].meta.rationale}",
            *(doc_evidence(d) for d in contracts),
        )
    return bad(
        Status.fail,
        "No attendance contract was offered, and no reason for not offering one is recorded.",
        "Invite the parents to agree an attendance contract, or record why a contract is not appropriate (status: not_offered with a rationale).",
    )


@rule("S444-51", title="Contract and plan reviewed")
def _reviews(ctx: Context) -> Outcome:
    items = [
        d for d in ctx.docs(Contract) if d.meta.status in (ContractStatus.agreed, ContractStatus.breached)
    ] + ctx.docs(Plan)
    if not items:
        return na("No agreed contract or action plan is on record.")
    reviews = [d for d in ctx.docs(Meeting) if d.meta.kind in (MeetingKind.review, MeetingKind.attendance_contract)]
    problems = []
    for d in items:
        if d.meta.review_date is None:
            problems.append(f"{d.path} has no review date")
        elif d.meta.review_date <= ctx.as_of and not any(
            m.meta.date > d.meta.date and m.meta.kind == MeetingKind.review for m in reviews
        ):
            problems.append(
                f"{d.path} was due for review on {d.meta.review_date.isoformat()} but no review meeting is recorded"
            )
    if problems:
        return bad(
            Status.warn,
            "; ".join(problems) + ".",
            "Set a review date for every agreed contract and plan, hold the review, and record it (a meeting of kind review).",
            *(doc_evidence(d) for d in items),
        )
    return ok(
        "Every agreed contract and plan has a review date, and reviews that fell due are recorded.",
        *(doc_evidence(d) for d in items + [m for m in reviews if m.meta.kind == MeetingKind.review]),
    )
