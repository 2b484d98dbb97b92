"""Safeguarding (S444-70 to -79).

Each function takes the case ``Context`` (and the parent, for per-parent rules) and
gives an ``Outcome``; the rule's routes, severity and wording come from the checklist.
"""

from __future__ import annotations

from ..case.models import EventKind
from .engine import Context, Outcome, Status, bad, event_evidence, field_evidence, ok, rule


@rule("S444-70", title="Safeguarding considered")
def _safeguarding(ctx: Context) -> Outcome:
    sg = ctx.case.safeguarding
    dsl = ctx.events(EventKind.dsl_consulted)
    notes = sg.notes.lower()
    in_notes = "dsl" in notes or "designated safeguarding lead" in notes
    if not sg.considered:
        return bad(
            Status.fail,
            "Safeguarding is not recorded as considered.",
            "Consider safeguarding with the designated safeguarding lead and record it in case.yaml (safeguarding.considered).",
        )
    if dsl or in_notes:
        evidence = [event_evidence(i, e) for i, e in dsl] or [field_evidence("safeguarding.notes", sg.notes)]
        return ok("Safeguarding was considered and the designated safeguarding lead consulted.", *evidence)
    return bad(
        Status.fail,
        "Safeguarding was considered, but there is no record of consulting the designated safeguarding lead.",
        "Consult the DSL about the case and record it (an event of kind dsl_consulted).",
    )


@rule("S444-71", title="No risk of harm in notifying")
def _risk_of_harm(ctx: Context) -> Outcome:
    evidence = field_evidence(
        "safeguarding.notify_parents_would_risk_harm", str(ctx.case.safeguarding.notify_parents_would_risk_harm).lower()
    )
    if ctx.case.safeguarding.notify_parents_would_risk_harm:
        return bad(
            Status.fail,
            "Notifying the parents would put the child at risk of harm.",
            "Do not refer for enforcement: refer the child to children's social care.",
            evidence,
        )
    return ok("Telling the parents would not put the child at risk of harm, as the case records.", evidence)
