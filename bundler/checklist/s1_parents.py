"""Parents and carers (S444-10 to -19): every parent listed, each written to separately, excluded parents, hand deliveries to the right parent.

Each function takes the case ``Context`` (and the parent, for per-parent rules) and
gives an ``Outcome``; the rule's routes, severity and wording come from the checklist.
"""

from __future__ import annotations

from ..case.models import HandServed, Parent
from .engine import Context, Outcome, Status, bad, doc_evidence, field_evidence, ok, rule


@rule("S444-10", title="Every parent listed")
def _parents_listed(ctx: Context) -> Outcome:
    missing = [p for p in ctx.case.parents if not p.address and not p.address_unknown_reason and not p.excluded]
    evidence = tuple(
        field_evidence(f"parents[{i}]", f"{p.name} ({p.id}), {p.relationship}") for i, p in enumerate(ctx.case.parents)
    )
    if missing:
        names = ", ".join(f"{p.name} ({p.id})" for p in missing)
        return bad(
            Status.fail,
            f"No address, and no reason why none can be given, for {names}.",
            f"Add the address of {names} to case.yaml, or record address_unknown_reason.",
            *evidence,
        )
    if not ctx.active_parents:
        return bad(
            Status.fail,
            "Every parent is excluded, so no parent can be proceeded against.",
            "Review the exclusions; if they stand, the case cannot be referred.",
            *evidence,
        )
    return ok(
        f"{len(ctx.case.parents)} parent(s) listed; {len(ctx.active_parents)} can be proceeded against.", *evidence
    )


@rule("S444-11", title="Each parent written to separately")
def _written_to_each(ctx: Context, parent: Parent) -> Outcome:
    received = [d for d in ctx.written if ctx.served_on(d, parent.id)]
    if received:
        return ok(
            f"{len(received)} document(s) addressed to {parent.name} and served on them.",
            *(doc_evidence(d) for d in received),
        )
    addressed = [d for d in ctx.written if d.meta.to == parent.id]
    why = "Nothing was addressed to them."
    if addressed:
        why = "Documents were addressed to them but none reached them: " + "; ".join(
            f"{d.path} ({ctx.service_gap(d, parent.id)})" for d in addressed
        )
    return bad(
        Status.fail,
        f"{parent.name} ({parent.id}) was not written to separately about the attendance. {why}.",
        f"Write to {parent.name} ({parent.id}) about the attendance concern in a letter addressed to them alone, send it by first-class post, by hand to them, or to their own email address, and record how it was served.",
        *(doc_evidence(d) for d in addressed),
    )


@rule("S444-12", title="Excluded parents", for_excluded=True)
def _excluded(ctx: Context, parent: Parent) -> Outcome:
    naming = [d for d in ctx.folder.documents if parent.id in d.meta.recipients]
    since = parent.exclude.since if parent.exclude else None
    current = [d for d in naming if since is None or d.meta.date >= since]
    history = [d for d in naming if d not in current]
    reason = parent.exclusion_reason
    index = ctx.case.parents.index(parent)
    evidence = field_evidence(f"parents[{index}].exclude.reason", reason)
    from_when = f" since {since.isoformat()}" if since else ""
    if current:
        return bad(
            Status.fail,
            f"{parent.name} is excluded{from_when} ({reason}) but {len(current)} document(s)"
            + (" dated on or after that" if since else "")
            + " name them: "
            + ", ".join(d.path for d in current)
            + ".",
            f"Remove {parent.name} ({parent.id}) from these documents, or review the exclusion (exclude.since in case.yaml if it began later).",
            evidence,
            *(doc_evidence(d) for d in current),
        )
    earlier = (
        f" {len(history)} earlier document(s) name them, from before the exclusion began ({since.isoformat()}): history."
        if history and since
        else ""
    )
    return ok(
        f"Excluded{from_when}: {reason}. No document since names them.{earlier}",
        evidence,
        *(doc_evidence(d) for d in history),
    )


@rule("S444-13", title="Hand deliveries to the right parent")
def _handed_to_addressee(ctx: Context) -> Outcome:
    handed = [(d, d.meta.served) for d in ctx.written if isinstance(d.meta.served, HandServed)]
    wrong = [(d, s.recipient) for d, s in handed if s.recipient and s.recipient != d.meta.to]
    if wrong:
        details = "; ".join(
            f"{d.path} addressed to {ctx.parent_label(d.meta.to)} was handed to {ctx.parent_label(recipient)}"
            for d, recipient in wrong
        )
        first = wrong[0][0].meta
        return bad(
            Status.fail,
            f"{len(wrong)} document(s) were handed to a parent other than the one they are addressed to: {details}.",
            f"Serve each of these again on the parent it is addressed to (e.g. hand it to {ctx.parent_label(first.to)} in person or send it by first-class post) and record the service.",
            *(doc_evidence(d) for d, _ in wrong),
        )
    if not handed:
        return ok("No document was handed over in person.")
    return ok(f"All {len(handed)} hand deliveries were to the parent addressed.", *(doc_evidence(d) for d, _ in handed))
