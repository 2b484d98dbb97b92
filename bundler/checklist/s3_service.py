"""Communication and service (S444-30 to -39): service recorded, emails to the parent's own address, shared mailboxes, hand-delivery logs, post, formal notices.

Each function takes the case ``Context`` (and the parent, for per-parent rules) and
gives an ``Outcome``; the rule's routes, severity and wording come from the checklist.
"""

from __future__ import annotations

from ..case.models import Addressed, EmailServed, HandServed, Parent, PostServed
from ..case.validate import CaseDocument
from .engine import Context, Outcome, Status, bad, doc_evidence, ok, rule

#: words in the part of an address before "@" that suggest a household mailbox (S444-32)
SHARED_MAILBOX_WORDS = ("family", "household", "home", "parents")


@rule("S444-30", title="Service recorded")
def _service_recorded(ctx: Context) -> Outcome:
    missing = [d for d in ctx.written if d.meta.served is None]
    if missing:
        return bad(
            Status.fail,
            f"{len(missing)} letter(s), email(s) or notice(s) do not say how they were served: "
            + ", ".join(d.path for d in missing)
            + ".",
            "Add a served block to each (method: post_first_class, hand, email or recorded_delivery, with its details).",
            *(doc_evidence(d) for d in missing),
        )
    return ok(f"All {len(ctx.written)} letters, emails and notices record their service.")


def _emailed(ctx: Context) -> list[tuple[CaseDocument[Addressed], EmailServed]]:
    """Every document served by email, with its service record."""
    return [(d, d.meta.served) for d in ctx.written if isinstance(d.meta.served, EmailServed)]


@rule("S444-31", title="Emails to the parent's own address", settings=("read_receipt_missing",))
def _email_addresses(ctx: Context) -> Outcome:
    emails = _emailed(ctx)
    wrong: list[tuple[CaseDocument[Addressed], EmailServed]] = []
    no_receipt: list[CaseDocument[Addressed]] = []
    for d, served in emails:
        parent = ctx.case.parent(d.meta.to)
        recorded = (parent.email or "").lower() if parent else ""
        if served.address.lower() != recorded:
            wrong.append((d, served))
        elif served.read_receipt == "none":
            no_receipt.append(d)
    if wrong:
        d, served = wrong[0]
        parent = ctx.case.parent(d.meta.to)
        recorded = parent.email if parent and parent.email else "no email address"
        return bad(
            Status.fail,
            f"{len(wrong)} email(s) went to an address other than the one recorded for the parent: e.g. {d.path} went to {served.address}, but case.yaml records {recorded} for {ctx.parent_label(d.meta.to)}.",
            "Confirm each parent's own email address, record it in case.yaml, and send the correspondence again to that address (or by first-class post).",
            *(doc_evidence(d) for d, _ in wrong),
        )
    if no_receipt:
        status = Status(ctx.settings.read_receipt_missing)
        return bad(
            status,
            f"{len(no_receipt)} email(s) were sent without a read receipt request: "
            + ", ".join(d.path for d in no_receipt)
            + ".",
            "Request a read receipt on every email to a parent, keep the receipt, and record read_receipt in the served block.",
            *(doc_evidence(d) for d in no_receipt),
        )
    if not emails:
        return ok("No correspondence was served by email.")
    return ok(
        f"All {len(emails)} emails went to the parent's recorded address with a read receipt requested.",
        *(doc_evidence(d) for d, _ in emails),
    )


def shared_mailbox_reason(address: str, parents: list[Parent]) -> str | None:
    """Why an email address looks shared by a household, or None."""
    local = address.split("@", 1)[0].lower()
    for word in SHARED_MAILBOX_WORDS:
        if word in local:
            return f"the part before '@' contains '{word}'"
    owners = [p for p in parents if p.email and p.email.lower() == address.lower()]
    if len(owners) > 1:
        return "it is recorded for " + " and ".join(f"{p.name} ({p.id})" for p in owners)
    return None


@rule("S444-32", title="No shared household mailboxes")
def _shared_mailbox(ctx: Context) -> Outcome:
    flagged = []
    for d, served in _emailed(ctx):
        reason = shared_mailbox_reason(served.address, ctx.case.parents)
        if reason:
            flagged.append((d, served.address, reason))
    if flagged:
        d, address, reason = flagged[0]
        return bad(
            Status.warn,
            f"{len(flagged)} email(s) went to an address that looks shared by the household: {address} ({reason}).",
            f"Ask {ctx.parent_label(d.meta.to)} for an email address of their own, or serve by first-class post; another member of the household could read or delete a shared mailbox.",
            *(doc_evidence(d) for d, _, _ in flagged),
        )
    return ok("No email went to an address that looks shared.")


@rule("S444-33", title="Hand deliveries logged")
def _hand_log(ctx: Context) -> Outcome:
    handed = [(d, d.meta.served) for d in ctx.written if isinstance(d.meta.served, HandServed)]
    incomplete = []
    for d, s in handed:
        missing = [
            name
            for name, value in (("handed_at", s.handed_at), ("handed_by", s.handed_by), ("recipient", s.recipient))
            if not value
        ]
        if missing:
            incomplete.append((d, missing))
    if incomplete:
        d, missing = incomplete[0]
        return bad(
            Status.fail,
            f"{len(incomplete)} hand deliveries are not fully logged, e.g. {d.path} lacks {', '.join(missing)}.",
            "Complete the hand-delivery log for each: the date and time, the member of staff, and the parent who took it.",
            *(doc_evidence(d) for d, _ in incomplete),
        )
    if not handed:
        return ok("No document was handed over in person.")
    return ok(f"All {len(handed)} hand deliveries are logged.", *(doc_evidence(d) for d, _ in handed))


@rule("S444-34", title="First-class or recorded post")
def _second_class(ctx: Context) -> Outcome:
    second = [
        d for d in ctx.written if isinstance(d.meta.served, PostServed) and d.meta.served.method == "post_second_class"
    ]
    if second:
        return bad(
            Status.warn,
            f"{len(second)} document(s) went by second-class post: " + ", ".join(d.path for d in second) + ".",
            "Send important letters by first-class post or recorded delivery so that good service can be shown.",
            *(doc_evidence(d) for d in second),
        )
    return ok("No document went by second-class post.")


@rule("S444-35", title="Formal notices served on each parent", settings=("formal_notice_by_email",))
def _notices_served(ctx: Context) -> Outcome:
    notices = ctx.formal_notices()
    if not notices:
        return ok("No formal notice was issued.")
    allow_email = ctx.settings.formal_notice_by_email
    gaps = []
    for kind in dict.fromkeys(d.meta.kind for d in notices):
        for parent in ctx.active_parents:
            good = [
                d
                for d in notices
                if d.meta.kind == kind
                and ctx.served_on(d, parent.id)
                and (allow_email or not isinstance(d.meta.served, EmailServed))
            ]
            if not good:
                gaps.append((kind, parent))
    if gaps:
        kind, parent = gaps[0]
        listing = "; ".join(f"{k.value.replace('_', ' ')} for {p.name} ({p.id})" for k, p in gaps)
        how = "by first-class post, recorded delivery or by hand" + (" or email" if allow_email else "")
        return bad(
            Status.fail,
            f"Formal notices not properly served: {listing}.",
            f"Serve the {kind.value.replace('_', ' ')} on {parent.name} ({parent.id}) {how}, addressed to them alone, and record how it was served.",
            *(doc_evidence(d) for d in notices),
        )
    return ok(
        f"Every formal notice was served on each parent ({len(notices)} notices).", *(doc_evidence(d) for d in notices)
    )
