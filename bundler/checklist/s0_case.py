"""Case and pupil (S444-01 to -09): the case validates, compulsory school age, the register
reaches the referral, enough history, not looked after, a registered pupil throughout.

Each function takes the case ``Context`` (and the parent, for per-parent rules) and
gives an ``Outcome``; the rule's routes, severity and wording come from the checklist.
"""

from __future__ import annotations

from .. import figures
from ..register.calendar import compulsory_school_age
from .engine import Context, Evidence, Outcome, Status, bad, field_evidence, marks_evidence, ok, rule


@rule("S444-01", title="The case validates")
def _case_validates(ctx: Context) -> Outcome:
    n = len(ctx.folder.files)
    return ok(f"case.yaml, the register and {len(ctx.folder.documents)} documents validated ({n} files).")


@rule("S444-02", title="Compulsory school age")
def _compulsory_age(ctx: Context) -> Outcome:
    dob = ctx.case.pupil.date_of_birth
    start, end = compulsory_school_age(dob, ctx.school_days)
    evidence = field_evidence(
        "pupil.date_of_birth",
        f"Date of birth {dob.isoformat()}: compulsory school age {start.isoformat()} to {end.isoformat()}",
    )
    period = ctx.offence_period
    if period is None:
        return bad(
            Status.fail,
            "The register has no sessions, so there is no offence period to check.",
            "Add the register extract for the offence period.",
            evidence,
        )
    if period[0] >= start and period[1] <= end:
        return ok(
            f"The pupil was of compulsory school age throughout the offence period ({period[0].isoformat()} to {period[1].isoformat()}).",
            evidence,
        )
    if period[1] < start or period[0] > end:
        return bad(
            Status.fail,
            f"The pupil was not of compulsory school age at any point of the offence period ({period[0].isoformat()} to {period[1].isoformat()}); that age runs from {figures.long_date(start)} to {figures.long_date(end)}.",
            "Parents cannot be proceeded against for this period: close the referral.",
            evidence,
        )
    return bad(
        Status.fail,
        f"Part of the offence period ({period[0].isoformat()} to {period[1].isoformat()}) falls outside compulsory school age ({start.isoformat()} to {end.isoformat()}).",
        f"Limit the offence period to {max(period[0], start).isoformat()} - {min(period[1], end).isoformat()} (referral.offence_period in case.yaml).",
        evidence,
    )


@rule("S444-03", title="The register reaches the referral", settings=("register_recency_school_days",))
def _register_recent(ctx: Context) -> Outcome:
    limit = ctx.settings.register_recency_school_days
    if not len(ctx.register):
        return bad(
            Status.fail,
            "The register has no sessions on or before the referral date.",
            "Export the register up to the referral date from the MIS.",
        )
    last = ctx.register.marks[-1].date
    gap = ctx.school_days_between(last, ctx.as_of)
    evidence = Evidence("register", "attendance.csv", f"last session {last.isoformat()}", last)
    if gap <= limit:
        return ok(
            f"The register's last session ({last.isoformat()}) is {gap} school day(s) before the referral date.",
            evidence,
        )
    return bad(
        Status.fail,
        f"The register ends on {last.isoformat()}, {gap} school days before the referral date ({limit} allowed).",
        "Export a fresh register extract that runs up to the referral date.",
        evidence,
    )


@rule("S444-04", title="Enough register history", settings=("min_sessions",))
def _min_sessions(ctx: Context) -> Outcome:
    need = ctx.settings.min_sessions
    have = len(ctx.register)
    if have >= need:
        return ok(f"The register holds {have} sessions before the referral ({need} expected).")
    return bad(
        Status.warn,
        f"The register holds {have} sessions before the referral; the {ctx.profile.name} profile expects at least {need}.",
        f"Extend the register extract back to cover at least {need} sessions (it may span two school years).",
        Evidence("register", "attendance.csv", f"{have} sessions"),
    )


@rule("S444-05", title="Not a looked-after child")
def _not_looked_after(ctx: Context) -> Outcome:
    evidence = field_evidence("pupil.looked_after", f"looked_after: {str(ctx.case.pupil.looked_after).lower()}")
    if ctx.case.pupil.looked_after:
        return bad(
            Status.fail,
            "The pupil is looked after by a local authority.",
            "Do not refer for enforcement: raise the attendance with the virtual school head and the child's social worker.",
            evidence,
        )
    return ok("The pupil is not looked after.", evidence)


@rule("S444-06", title="A registered pupil throughout")
def _registered_pupil(ctx: Context) -> Outcome:
    period = ctx.offence_period
    if period is None:
        return bad(
            Status.fail,
            "The register has no sessions, so there is no offence period to check.",
            "Add the register extract for the offence period.",
        )
    start, end = period
    off_roll = [m for m in ctx.register.between(start, end).marks if m.code == "Z"]
    admitted = ctx.case.pupil.admission_date
    if off_roll:
        first = off_roll[0]
        return bad(
            Status.fail,
            f"{len(off_roll)} session(s) of the offence period are marked Z (not on the school's roll), "
            f"e.g. {first.date.isoformat()} {first.session}: the pupil was not a registered pupil then.",
            "Start the offence period after the pupil joined the roll (referral.offence_period in case.yaml), "
            "or correct the marks if the pupil was on roll.",
            marks_evidence("sessions marked Z (not on roll)", off_roll),
        )
    if admitted is not None and admitted > start:
        return bad(
            Status.fail,
            f"The pupil was admitted on {admitted.isoformat()}, after the offence period begins ({start.isoformat()}).",
            f"Start the offence period on or after {admitted.isoformat()} (referral.offence_period in case.yaml).",
            field_evidence("pupil.admission_date", admitted.isoformat()),
        )
    since = f", admitted {admitted.isoformat()}" if admitted else ""
    return ok(
        f"The pupil was a registered pupil throughout the offence period ({start.isoformat()} to {end.isoformat()}{since}; no session marked Z)."
    )
