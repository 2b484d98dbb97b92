"""Stage 4: the Section 444 referral checklist, as data plus one small function per rule.

Every rule of docs/s444-checklist.md has its fixed ID, the routes it applies to, its
severity, its text and the profile settings it reads. ``check_case`` runs them all and
returns one Finding per rule (one per parent for per-parent rules); a rule that does
not apply to the route gives ``not_applicable``, never silence.

Conventions, so that a status means the same thing everywhere:
* a constraint over a set of things ("every email ...", "no document ...") passes when
  nothing breaks it, including when there is nothing to check;
* a conditional rule ("where illness is >= 10% ...") whose condition does not hold is
  ``not_applicable``;
* a rule that is not passing always says what to do next, in plain words.
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_right
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cached_property
from typing import Any

from . import attendance, codes
from .models import (
    Contract,
    ContractStatus,
    Decision,
    DecisionKind,
    EmailServed,
    Event,
    EventKind,
    HandServed,
    Leave,
    LeaveDecision,
    Medical,
    Meeting,
    MeetingKind,
    Notice,
    NoticeKind,
    Parent,
    PenaltyNotice,
    Plan,
    PostServed,
    PupilVoice,
    Route,
    Send,
    Support,
    SupportKind,
    SupportStatus,
    WitnessStatement,
)
from .profiles import Profile, Settings
from .validate import CaseDocument, CaseFolder


class Status(StrEnum):
    pass_ = "pass"
    fail = "fail"
    warn = "warn"
    info = "info"
    not_applicable = "not_applicable"


STATUS_ORDER = {Status.fail: 0, Status.warn: 1, Status.info: 2, Status.pass_: 3, Status.not_applicable: 4}

ROUTE_GROUPS: dict[str, frozenset[Route]] = {
    "all": frozenset(Route),
    "pn": frozenset({Route.penalty_notice, Route.notice_to_improve}),
    "pros": frozenset({Route.prosecution_444_1, Route.prosecution_444_1a}),
    "eso": frozenset({Route.education_supervision_order}),
    "prosecution_444_1a": frozenset({Route.prosecution_444_1a}),
}

SECTIONS = {
    "0": "Case and pupil",
    "1": "Parents and carers",
    "2": "Attendance",
    "3": "Communication and service",
    "4": "Support first",
    "5": "Attendance contract and plan",
    "6": "Notices and warnings",
    "7": "Safeguarding",
    "8": "Legal route",
    "9": "The bundle",
}

FORMAL_NOTICES = (NoticeKind.notice_to_improve, NoticeKind.penalty_notice_warning, NoticeKind.final_warning)
CONTACT_EVENTS = {
    EventKind.call,
    EventKind.home_visit,
    EventKind.check_in,
    EventKind.first_day_call,
    EventKind.welfare_check,
}
SHARED_MAILBOX_WORDS = ("family", "household", "home", "parents")
#: toolkit templates whose letters are a request for medical evidence (S444-25)
MEDICAL_REQUEST_TEMPLATES = frozenset({"medical-evidence-request"})


# ----------------------------------------------------------------------- findings


@dataclass(frozen=True)
class Evidence:
    """What a finding relied on: a document, an event, a register window or a field."""

    kind: str  # document | event | window | register | field
    ref: str  # documents/x.md, events.yaml[3], case.yaml:pupil.date_of_birth, attendance.csv
    label: str
    date: dt.date | None = None
    first_day: dt.date | None = None
    last_day: dt.date | None = None
    sessions: tuple[str, ...] = ()

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"kind": self.kind, "ref": self.ref, "label": self.label}
        if self.date:
            out["date"] = self.date.isoformat()
        if self.first_day:
            out["first_day"] = self.first_day.isoformat()
            out["last_day"] = self.last_day.isoformat() if self.last_day else None
            out["sessions"] = list(self.sessions)
        return out


@dataclass(frozen=True)
class Finding:
    rule: str
    status: Status
    title: str
    message: str
    parent: str | None = None
    next_step: str = ""
    evidence: tuple[Evidence, ...] = ()

    def as_dict(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "status": self.status.value,
            "parent": self.parent,
            "title": self.title,
            "message": self.message,
            "next_step": self.next_step,
            "evidence": [e.as_dict() for e in self.evidence],
        }


@dataclass(frozen=True)
class Outcome:
    """What a rule function returns; the runner adds the rule's ID and title."""

    status: Status
    message: str
    next_step: str = ""
    evidence: tuple[Evidence, ...] = ()


def ok(message: str, *evidence: Evidence) -> Outcome:
    return Outcome(Status.pass_, message, "", tuple(evidence))


def bad(status: Status, message: str, next_step: str, *evidence: Evidence) -> Outcome:
    return Outcome(status, message, next_step, tuple(evidence))


def na(message: str) -> Outcome:
    return Outcome(Status.not_applicable, message, "", ())


# ----------------------------------------------------------------------- rules


@dataclass(frozen=True)
class Rule:
    id: str
    title: str
    text: str
    routes: str  # all | pn | pros | eso | pn,pros | prosecution_444_1a
    severity: Status
    settings: tuple[str, ...]
    per_parent: bool
    #: the rule function: (ctx) -> Outcome, or (ctx, parent) -> Outcome for per-parent rules
    check: Callable[..., Outcome] = field(repr=False)
    #: per-parent rules look at parents who are not excluded, or (S444-12) at those who are
    for_excluded: bool = False

    @property
    def section(self) -> str:
        return SECTIONS[self.id.split("-")[1][0]]

    def applies_to(self, route: Route) -> bool:
        return any(route in ROUTE_GROUPS[group.strip()] for group in self.routes.split(","))


RULES: dict[str, Rule] = {}


def rule(
    rule_id: str,
    *,
    title: str,
    text: str,
    routes: str = "all",
    severity: str = "fail",
    settings: tuple[str, ...] = (),
    per_parent: bool = False,
    for_excluded: bool = False,
):
    def register(func: Callable[..., Outcome]) -> Callable[..., Outcome]:
        if rule_id in RULES:
            raise ValueError(f"rule {rule_id} defined twice")
        RULES[rule_id] = Rule(rule_id, title, text, routes, Status(severity), settings, per_parent, func, for_excluded)
        return func

    return register


# ----------------------------------------------------------------------- context


def _doc_evidence(doc: CaseDocument) -> Evidence:
    return Evidence("document", doc.path, f"{doc.meta.title} ({doc.meta.date.isoformat()})", doc.meta.date)


def _event_evidence(index: int, event: Event) -> Evidence:
    return Evidence("event", f"events.yaml[{index}]", f"{event.kind.value.replace('_', ' ')} on {event.date.isoformat()}: {event.summary}", event.date)


def _window_evidence(window: attendance.SchoolWeekWindow) -> Evidence:
    return Evidence(
        "window",
        "attendance.csv",
        f"{window.unauthorised} unauthorised sessions in {window.weeks} school weeks, {window.first_day.isoformat()} to {window.last_day.isoformat()}",
        first_day=window.first_day,
        last_day=window.last_day,
        sessions=tuple(f"{m.date.isoformat()} {m.session} {m.code}" for m in window.sessions),
    )


def _field(path: str, label: str) -> Evidence:
    return Evidence("field", f"case.yaml:{path}", label)


def _marks_evidence(label: str, marks: Iterable[Any]) -> Evidence:
    marks = list(marks)
    return Evidence(
        "register",
        "attendance.csv",
        label,
        first_day=marks[0].date if marks else None,
        last_day=marks[-1].date if marks else None,
        sessions=tuple(f"{m.date.isoformat()} {m.session} {m.code}" for m in marks),
    )


def _fmt(day: dt.date) -> str:
    return f"{day.day} {day:%B %Y}"


def _served_label(doc: CaseDocument) -> str:
    served = getattr(doc.meta, "served", None)
    if served is None:
        return "no record of service"
    return served.method.replace("_", " ")


class Context:
    """A validated case, its profile, and what the rules derive from them (computed once)."""

    def __init__(self, case: CaseFolder, profile: Profile):
        self.folder = case
        self.case = case.case
        self.profile = profile
        self.settings: Settings = profile.settings
        self.as_of: dt.date = case.case.referral.date
        self.route: Route = case.case.referral.route
        self.register = attendance.Register.from_marks(case.register).between(None, self.as_of)
        self._register_dates = sorted({m.date for m in self.register.marks})

    # parents
    @cached_property
    def active_parents(self) -> list[Parent]:
        return [p for p in self.case.parents if not p.excluded]

    @cached_property
    def excluded_parents(self) -> list[Parent]:
        return [p for p in self.case.parents if p.excluded]

    def parent_label(self, pid: str) -> str:
        parent = self.case.parent(pid)
        return f"{parent.name} ({pid})" if parent else pid

    # documents and events
    def docs(self, *types: type) -> list[CaseDocument]:
        return [d for d in self.folder.documents if isinstance(d.meta, types)]

    @cached_property
    def written(self) -> list[CaseDocument]:
        """Letters, emails and notices: written communication to one parent."""
        return [d for d in self.folder.documents if d.meta.type in ("letter", "email", "notice")]

    def events(self, *kinds: EventKind) -> list[tuple[int, Event]]:
        return [(i, e) for i, e in enumerate(self.folder.events) if e.kind in kinds]

    def received_by(self, doc: CaseDocument, pid: str) -> bool:
        """The document was addressed to ``pid`` and served on them (a hand delivery
        counts only when that parent took it)."""
        meta = doc.meta
        if getattr(meta, "to", None) != pid or getattr(meta, "served", None) is None:
            return False
        if isinstance(meta.served, HandServed):
            return meta.served.recipient == pid
        return True

    def formal_notices(self) -> list[CaseDocument]:
        return [d for d in self.docs(Notice) if d.meta.kind in FORMAL_NOTICES]

    @cached_property
    def first_formal_notice(self) -> dt.date | None:
        dates = [d.meta.date for d in self.formal_notices()]
        return min(dates) if dates else None

    # register
    @cached_property
    def windows(self) -> list[attendance.SchoolWeekWindow]:
        s = self.settings
        return attendance.threshold_windows(
            self.register,
            threshold=s.threshold_sessions,
            window_weeks=s.threshold_window_weeks,
            start=s.threshold_counts_from,
            end=self.as_of,
        )

    @cached_property
    def offence_period(self) -> tuple[dt.date, dt.date] | None:
        """The period the referral relies on: the referral's own, or derived from the register.

        Penalty notice routes: from the first threshold window's first school day;
        prosecution and ESO: the ``prosecution_months`` before the referral. It ends on
        the last register session on or before the referral date.
        """
        if self.case.referral.offence_period is not None:
            period = self.case.referral.offence_period
            return period.start, period.end
        if not len(self.register):
            return None
        end = self.register.marks[-1].date
        if self.route in ROUTE_GROUPS["pn"] and self.windows:
            start = self.windows[0].first_day
        elif self.route in ROUTE_GROUPS["pn"]:
            start = max(self.settings.threshold_counts_from, self.register.marks[0].date)
        else:
            start = max(_months_before(self.as_of, self.settings.prosecution_months), self.register.marks[0].date)
        return (start, end) if start <= end else (end, end)

    def period_register(self) -> attendance.Register:
        if self.offence_period is None:
            return self.register
        return self.register.between(*self.offence_period)

    def marks_with_codes(self, register: attendance.Register | None = None):
        register = self.register if register is None else register
        return zip(register.marks, register.codes)

    def school_days_between(self, after: dt.date, until: dt.date) -> int:
        """School days d with after < d <= until: register days, and weekdays past the
        register's end (holidays are not known there)."""
        dates = self._register_dates
        count = bisect_right(dates, until) - bisect_right(dates, after)
        last = dates[-1] if dates else after
        day = max(after, last) + dt.timedelta(days=1)
        while day <= until:
            if day.weekday() < 5:
                count += 1
            day += dt.timedelta(days=1)
        return count

    @cached_property
    def raw_marks(self):
        """Register rows (with history columns) up to the referral date, in order."""
        return [r for r in self.folder.register if r.date <= self.as_of]


def _months_before(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` calendar months earlier (the month's last day if shorter)."""
    index = day.year * 12 + (day.month - 1) - months
    year, month = divmod(index, 12)
    month += 1
    last = (dt.date(year + (month == 12), month % 12 + 1, 1) - dt.timedelta(days=1)).day
    return dt.date(year, month, min(day.day, last))


def _add_months(day: dt.date, months: int) -> dt.date:
    return _months_before(day, -months)


# ----------------------------------------------------------------------- 01-09 case and pupil


@rule("S444-01", title="The case validates", text="The case validates: no schema or register error.")
def _case_validates(ctx: Context) -> Outcome:
    n = len(ctx.folder.files)
    return ok(f"case.yaml, the register and {len(ctx.folder.documents)} documents validated ({n} files).")


def compulsory_school_age(dob: dt.date) -> tuple[dt.date, dt.date]:
    """First and last day of compulsory school age (Education Act 1996 s8).

    Starts on the first 31 December, 31 March or 31 August on or after the fifth
    birthday; ends on the last Friday in June of the school year (1 Sep - 31 Aug) in
    which the child turns 16.
    """
    fifth = _birthday(dob, 5)
    starts = sorted(
        d
        for year in (fifth.year, fifth.year + 1)
        for d in (dt.date(year, 3, 31), dt.date(year, 8, 31), dt.date(year, 12, 31))
        if d >= fifth
    )
    sixteenth = _birthday(dob, 16)
    year_end = sixteenth.year + (1 if sixteenth.month >= 9 else 0)
    last_friday = dt.date(year_end, 6, 30)
    while last_friday.weekday() != 4:
        last_friday -= dt.timedelta(days=1)
    return starts[0], last_friday


def _birthday(dob: dt.date, age: int) -> dt.date:
    try:
        return dob.replace(year=dob.year + age)
    except ValueError:  # 29 February
        return dt.date(dob.year + age, 3, 1)


@rule(
    "S444-02",
    title="Compulsory school age",
    text="The pupil was of compulsory school age on every date of the offence period: from the first 31 Dec, 31 Mar or 31 Aug on or after their 5th birthday, to the last Friday in June of the school year in which they turn 16.",
)
def _compulsory_age(ctx: Context) -> Outcome:
    dob = ctx.case.pupil.date_of_birth
    start, end = compulsory_school_age(dob)
    evidence = _field("pupil.date_of_birth", f"Date of birth {dob.isoformat()}: compulsory school age {start.isoformat()} to {end.isoformat()}")
    period = ctx.offence_period
    if period is None:
        return bad(Status.fail, "The register has no sessions, so there is no offence period to check.", "Add the register extract for the offence period.", evidence)
    if period[0] >= start and period[1] <= end:
        return ok(f"The pupil was of compulsory school age throughout the offence period ({period[0].isoformat()} to {period[1].isoformat()}).", evidence)
    if period[1] < start or period[0] > end:
        return bad(
            Status.fail,
            f"The pupil was not of compulsory school age at any point of the offence period ({period[0].isoformat()} to {period[1].isoformat()}); that age runs from {_fmt(start)} to {_fmt(end)}.",
            "Parents cannot be proceeded against for this period: close the referral.",
            evidence,
        )
    return bad(
        Status.fail,
        f"Part of the offence period ({period[0].isoformat()} to {period[1].isoformat()}) falls outside compulsory school age ({start.isoformat()} to {end.isoformat()}).",
        f"Limit the offence period to {max(period[0], start).isoformat()} - {min(period[1], end).isoformat()} (referral.offence_period in case.yaml).",
        evidence,
    )


@rule(
    "S444-03",
    title="The register reaches the referral",
    text="The register reaches the referral: its last session is no more than [15] school days before the referral date.",
    settings=("register_recency_school_days",),
)
def _register_recent(ctx: Context) -> Outcome:
    limit = ctx.settings.register_recency_school_days
    if not len(ctx.register):
        return bad(Status.fail, "The register has no sessions on or before the referral date.", "Export the register up to the referral date from the MIS.")
    last = ctx.register.marks[-1].date
    gap = ctx.school_days_between(last, ctx.as_of)
    evidence = Evidence("register", "attendance.csv", f"last session {last.isoformat()}", last)
    if gap <= limit:
        return ok(f"The register's last session ({last.isoformat()}) is {gap} school day(s) before the referral date.", evidence)
    return bad(
        Status.fail,
        f"The register ends on {last.isoformat()}, {gap} school days before the referral date ({limit} allowed).",
        "Export a fresh register extract that runs up to the referral date.",
        evidence,
    )


@rule(
    "S444-04",
    title="Enough register history",
    text="The register holds at least [0; devon: 100] sessions before the referral.",
    severity="warn",
    settings=("min_sessions",),
)
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


@rule(
    "S444-05",
    title="Not a looked-after child",
    text="The pupil is not looked after by a local authority: enforcement against parents is not the route for a looked-after child.",
)
def _not_looked_after(ctx: Context) -> Outcome:
    evidence = _field("pupil.looked_after", f"looked_after: {str(ctx.case.pupil.looked_after).lower()}")
    if ctx.case.pupil.looked_after:
        return bad(
            Status.fail,
            "The pupil is looked after by a local authority.",
            "Do not refer for enforcement: raise the attendance with the virtual school head and the child's social worker.",
            evidence,
        )
    return ok("The pupil is not looked after.", evidence)


# ----------------------------------------------------------------------- 10-19 parents


@rule(
    "S444-10",
    title="Every parent listed",
    text="Every parent in law is listed with name and address, or with the reason one cannot be given. At least one parent can be proceeded against.",
)
def _parents_listed(ctx: Context) -> Outcome:
    missing = [p for p in ctx.case.parents if not p.address and not p.address_unknown_reason and not p.excluded]
    evidence = tuple(_field(f"parents[{i}]", f"{p.name} ({p.id}), {p.relationship}") for i, p in enumerate(ctx.case.parents))
    if missing:
        names = ", ".join(f"{p.name} ({p.id})" for p in missing)
        return bad(
            Status.fail,
            f"No address, and no reason why none can be given, for {names}.",
            f"Add the address of {names} to case.yaml, or record address_unknown_reason.",
            *evidence,
        )
    if not ctx.active_parents:
        return bad(Status.fail, "Every parent is excluded, so no parent can be proceeded against.", "Review the exclusions; if they stand, the case cannot be referred.", *evidence)
    return ok(f"{len(ctx.case.parents)} parent(s) listed; {len(ctx.active_parents)} can be proceeded against.", *evidence)


@rule(
    "S444-11",
    title="Each parent written to separately",
    text="Per parent: each parent who is not excluded was written to separately about the attendance concern: a letter, email or notice addressed to that parent alone and served on them. A document handed to another parent does not count.",
    per_parent=True,
)
def _written_to_each(ctx: Context, parent: Parent) -> Outcome:
    received = [d for d in ctx.written if ctx.received_by(d, parent.id)]
    if received:
        return ok(
            f"{len(received)} document(s) addressed to {parent.name} and served on them.",
            *(_doc_evidence(d) for d in received),
        )
    addressed = [d for d in ctx.written if getattr(d.meta, "to", None) == parent.id]
    why = "Nothing was addressed to them."
    if addressed:
        why = "Documents were addressed to them but none is recorded as served on them: " + "; ".join(
            f"{d.path} ({_served_label(d)}" + (f", handed to {ctx.parent_label(d.meta.served.recipient)}" if isinstance(d.meta.served, HandServed) and d.meta.served.recipient else "") + ")"
            for d in addressed
        )
    return bad(
        Status.fail,
        f"{parent.name} ({parent.id}) was not written to separately about the attendance. {why}",
        f"Write to {parent.name} ({parent.id}) about the attendance concern in a letter addressed to them alone, send it by first-class post, by hand to them, or to their own email address, and record how it was served.",
        *(_doc_evidence(d) for d in addressed),
    )


@rule(
    "S444-12",
    title="Excluded parents",
    text="Per parent: each excluded parent has a recorded reason; no document is addressed to them.",
    per_parent=True,
    for_excluded=True,
)
def _excluded(ctx: Context, parent: Parent) -> Outcome:
    to_them = [d for d in ctx.folder.documents if parent.id in d.meta.recipients]
    evidence = _field(f"parents[{ctx.case.parents.index(parent)}].exclude.reason", parent.exclude.reason)
    if to_them:
        return bad(
            Status.fail,
            f"{parent.name} is excluded ({parent.exclude.reason}) but {len(to_them)} document(s) name them.",
            f"Remove {parent.name} ({parent.id}) from these documents, or review the exclusion.",
            evidence,
            *(_doc_evidence(d) for d in to_them),
        )
    else:
        return ok(f"Excluded: {parent.exclude.reason}. No document is addressed to them.", evidence)


@rule(
    "S444-13",
    title="Hand deliveries to the right parent",
    text="A document handed over in person was handed to the parent it is addressed to, never to another parent.",
)
def _handed_to_addressee(ctx: Context) -> Outcome:
    handed = [d for d in ctx.written if isinstance(getattr(d.meta, "served", None), HandServed)]
    wrong = [d for d in handed if d.meta.served.recipient and d.meta.served.recipient != d.meta.to]
    if wrong:
        details = "; ".join(f"{d.path} addressed to {ctx.parent_label(d.meta.to)} was handed to {ctx.parent_label(d.meta.served.recipient)}" for d in wrong)
        first = wrong[0].meta
        return bad(
            Status.fail,
            f"{len(wrong)} document(s) were handed to a parent other than the one they are addressed to: {details}.",
            f"Serve each of these again on the parent it is addressed to (e.g. hand it to {ctx.parent_label(first.to)} in person or send it by first-class post) and record the service.",
            *(_doc_evidence(d) for d in wrong),
        )
    if not handed:
        return ok("No document was handed over in person.")
    return ok(f"All {len(handed)} hand deliveries were to the parent addressed.", *(_doc_evidence(d) for d in handed))


# ----------------------------------------------------------------------- 20-29 attendance


@rule(
    "S444-20",
    title="National threshold met",
    text="At least [10] unauthorised sessions within a rolling window of [10] consecutive school weeks, counting only sessions on or before the referral date and on or after [2024-08-19]. Meeting the threshold means a penalty notice must be considered, not that one must be issued.",
    routes="pn",
    settings=("threshold_sessions", "threshold_window_weeks", "threshold_counts_from"),
)
def _threshold(ctx: Context) -> Outcome:
    s = ctx.settings
    if ctx.windows:
        return ok(
            f"Threshold met: {len(ctx.windows)} window(s) of {s.threshold_window_weeks} school weeks with at least {s.threshold_sessions} unauthorised sessions.",
            *(_window_evidence(w) for w in ctx.windows),
        )
    best = attendance.threshold_windows(
        ctx.register, threshold=1, window_weeks=s.threshold_window_weeks, start=s.threshold_counts_from, end=ctx.as_of
    )
    most = max((w.unauthorised for w in best), default=0)
    return bad(
        Status.fail,
        f"Threshold not met: at most {most} unauthorised sessions in any {s.threshold_window_weeks} school weeks since {s.threshold_counts_from.isoformat()} ({s.threshold_sessions} needed).",
        "Do not refer for a penalty notice yet; keep supporting the family and monitoring attendance.",
        *(_window_evidence(w) for w in best if w.unauthorised == most and most),
    )


@rule(
    "S444-21",
    title="Recent unauthorised absence",
    text="There is unauthorised absence within the [6] months before the referral date. An information must be laid within six months of the offence, so the finding says by which date the oldest absence relied on runs out.",
    routes="pros",
    settings=("prosecution_months",),
)
def _recent_absence(ctx: Context) -> Outcome:
    months = ctx.settings.prosecution_months
    since = _months_before(ctx.as_of, months)
    recent = [m for m, c in ctx.marks_with_codes() if c.is_unauthorised and m.date > since]
    if not recent:
        return bad(
            Status.fail,
            f"No unauthorised absence in the {months} months before the referral (since {since.isoformat()}).",
            "Prosecution is out of time for older absence; refer only on absence within the last six months.",
        )
    oldest = recent[0].date
    runs_out = _add_months(oldest, months)
    return ok(
        f"{len(recent)} unauthorised sessions since {since.isoformat()}. The oldest relied on ({oldest.isoformat()}) runs out on {runs_out.isoformat()}: the information must be laid by then.",
        _marks_evidence(f"{len(recent)} unauthorised sessions within {months} months", recent),
    )


@rule(
    "S444-22",
    title="No unexplained N marks left",
    text="No session in the evidence period still carries N (reason not yet provided) more than [5] school days after its date (an LA practice figure: no national one exists).",
    settings=("unexplained_n_school_days",),
)
def _stale_n(ctx: Context) -> Outcome:
    limit = ctx.settings.unexplained_n_school_days
    stale = [m for m in ctx.period_register().marks if m.code == "N" and ctx.school_days_between(m.date, ctx.as_of) > limit]
    if stale:
        return bad(
            Status.fail,
            f"{len(stale)} session(s) still marked N more than {limit} school days later, e.g. {stale[0].date.isoformat()} {stale[0].session}.",
            "Find out the reason for each N session and change the mark to the right code (O if no reason is given), recording the amendment.",
            _marks_evidence("N marks older than the limit", stale),
        )
    return ok(f"No N mark in the offence period is older than {limit} school days.")


@rule(
    "S444-23",
    title="Holiday absence covered by a leave record",
    text="Each run of G (holiday not authorised) is covered by a leave document: the refused request, or a record that no request was made.",
    severity="warn",
)
def _g_runs(ctx: Context) -> Outcome:
    runs = attendance.unauthorised_runs(ctx.register, code="G")
    leaves = [d for d in ctx.docs(Leave) if d.meta.decision in (LeaveDecision.refused, LeaveDecision.not_requested)]
    uncovered = [r for r in runs if not any(d.meta.start <= r.last_date and d.meta.end >= r.first_date for d in leaves)]
    if uncovered:
        r = uncovered[0]
        return bad(
            Status.warn,
            f"{len(uncovered)} run(s) of G marks have no leave record, e.g. {r.first_date.isoformat()} to {r.last_date.isoformat()}.",
            "Add the refused leave request for each holiday, or a record that no request was made (type: leave, decision: not_requested).",
            *(Evidence("register", "attendance.csv", f"G from {r.first_date.isoformat()} to {r.last_date.isoformat()} ({r.sessions} sessions)", first_day=r.first_date, last_day=r.last_date) for r in uncovered),
        )
    if not runs:
        return ok("The register has no G marks.")
    return ok(f"All {len(runs)} run(s) of G marks are covered by a leave record.", *(_doc_evidence(d) for d in leaves))


def _summary_text(label: str, s: attendance.AttendanceSummary) -> str:
    pct = "n/a" if s.attendance_pct is None else f"{s.attendance_pct:.1f}%"
    return (
        f"{label}: attendance {pct} ({s.band} absence band), {s.authorised} authorised and {s.unauthorised} unauthorised sessions "
        f"of {s.possible} possible, learning lost {s.days_lost:g} days ({s.hours_lost:g} hours)"
    )


@rule(
    "S444-24",
    title="Attendance figures",
    text="Attendance %, persistent (missed >= 10%) or severe (missed >= 50%) band, authorised and unauthorised sessions, learning lost in days and hours, over the school year to date and over the offence period.",
    severity="info",
)
def _figures(ctx: Context) -> Outcome:
    year_start = attendance.school_year_start(ctx.as_of)
    year = attendance.summarise(ctx.register, start=year_start, end=ctx.as_of)
    parts = [_summary_text(f"School year to date (from {year_start.isoformat()})", year)]
    if ctx.offence_period:
        period = attendance.summarise(ctx.register, start=ctx.offence_period[0], end=ctx.offence_period[1])
        parts.append(_summary_text(f"Offence period ({ctx.offence_period[0].isoformat()} to {ctx.offence_period[1].isoformat()})", period))
    return Outcome(Status.info, ". ".join(parts) + ".")


@rule(
    "S444-25",
    title="Medical evidence where illness is high",
    text="Where illness (I) is [>= 10]% of possible sessions, medical evidence was requested (a medical document, or the toolkit's medical-evidence-request letter).",
    severity="warn",
    settings=("illness_pct_for_medical",),
)
def _illness(ctx: Context) -> Outcome:
    year_start = attendance.school_year_start(ctx.as_of)
    summary = attendance.summarise(ctx.register, start=year_start, end=ctx.as_of)
    illness = summary.by_code.get("I", 0)
    limit = ctx.settings.illness_pct_for_medical
    if not summary.possible or illness * 100 < limit * summary.possible:
        return na(f"Illness is {illness} of {summary.possible} possible sessions this school year, under {limit:g}%.")
    # a medical document, or the toolkit's letter asking a parent for the evidence
    medical = ctx.docs(Medical) + [d for d in ctx.written if d.meta.template in MEDICAL_REQUEST_TEMPLATES]
    share = 100 * illness / summary.possible
    if medical:
        return ok(f"Illness is {share:.1f}% of possible sessions; medical evidence is on record.", *(_doc_evidence(d) for d in medical))
    return bad(
        Status.warn,
        f"Illness is {share:.1f}% of possible sessions this school year ({illness} sessions) and no medical evidence is on record.",
        "Write to the parents asking for medical evidence of the illness (e.g. appointment cards, prescriptions) and add the request to the case.",
    )


@rule(
    "S444-26",
    title="Amended marks carry their history",
    text="Every mark in the evidence period that was amended carries the original mark, the date, who amended it and why.",
    severity="warn",
)
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
            _marks_evidence("amended marks with missing history", incomplete),
        )
    if not amended:
        return ok("No mark in the offence period was amended.")
    return ok(f"All {len(amended)} amended marks carry their history.", _marks_evidence("amended marks", amended))


@rule(
    "S444-27",
    title="No unexplained defence codes",
    text="No session in the offence period carries a code that points to a statutory defence or an exception (T, Q, Y1-Y7; Y and T in the 2006 set) without a note on the record.",
    severity="warn",
)
def _defence_codes(ctx: Context) -> Outcome:
    start, end = ctx.offence_period or (dt.date.min, ctx.as_of)
    flagged = [r for r in ctx.raw_marks if start <= r.date <= end and codes.points_to_defence(r.code, r.date) and not r.note]
    if flagged:
        r = flagged[0]
        return bad(
            Status.warn,
            f"{len(flagged)} session(s) in the offence period carry a code that may point to a defence without a note, e.g. {r.date.isoformat()} {r.session} {r.code}.",
            "Check each of these sessions: add a note explaining the mark, or take the period out of the referral if a defence applies.",
            _marks_evidence("defence codes without a note", flagged),
        )
    return ok("No session in the offence period carries an unexplained defence code.")


# ----------------------------------------------------------------------- 30-39 service


@rule("S444-30", title="Service recorded", text="Every letter, email and notice records how it was served.")
def _service_recorded(ctx: Context) -> Outcome:
    missing = [d for d in ctx.written if d.meta.served is None]
    if missing:
        return bad(
            Status.fail,
            f"{len(missing)} letter(s), email(s) or notice(s) do not say how they were served: " + ", ".join(d.path for d in missing) + ".",
            "Add a served block to each (method: post_first_class, hand, email or recorded_delivery, with its details).",
            *(_doc_evidence(d) for d in missing),
        )
    return ok(f"All {len(ctx.written)} letters, emails and notices record their service.")


def _emailed(ctx: Context) -> list[CaseDocument]:
    return [d for d in ctx.written if isinstance(d.meta.served, EmailServed)]


@rule(
    "S444-31",
    title="Emails to the parent's own address",
    text="Every email went to the email address recorded for the parent it is addressed to, and [a read receipt was requested: warn when missing; central-bedfordshire: fail when missing].",
    settings=("read_receipt_missing",),
)
def _email_addresses(ctx: Context) -> Outcome:
    emails = _emailed(ctx)
    wrong, no_receipt = [], []
    for d in emails:
        parent = ctx.case.parent(d.meta.to)
        recorded = (parent.email or "").lower() if parent else ""
        if d.meta.served.address.lower() != recorded:
            wrong.append(d)
        elif d.meta.served.read_receipt == "none":
            no_receipt.append(d)
    if wrong:
        d = wrong[0]
        parent = ctx.case.parent(d.meta.to)
        recorded = parent.email if parent and parent.email else "no email address"
        return bad(
            Status.fail,
            f"{len(wrong)} email(s) went to an address other than the one recorded for the parent: e.g. {d.path} went to {d.meta.served.address}, but case.yaml records {recorded} for {ctx.parent_label(d.meta.to)}.",
            "Confirm each parent's own email address, record it in case.yaml, and send the correspondence again to that address (or by first-class post).",
            *(_doc_evidence(d) for d in wrong),
        )
    if no_receipt:
        status = Status(ctx.settings.read_receipt_missing)
        return bad(
            status,
            f"{len(no_receipt)} email(s) were sent without a read receipt request: " + ", ".join(d.path for d in no_receipt) + ".",
            "Request a read receipt on every email to a parent, keep the receipt, and record read_receipt in the served block.",
            *(_doc_evidence(d) for d in no_receipt),
        )
    if not emails:
        return ok("No correspondence was served by email.")
    return ok(f"All {len(emails)} emails went to the parent's recorded address with a read receipt requested.", *(_doc_evidence(d) for d in emails))


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


@rule(
    "S444-32",
    title="No shared household mailboxes",
    text="No email went to an address that looks shared by a household: two parents have the same address, or the part before @ contains family, household, home or parents.",
    severity="warn",
)
def _shared_mailbox(ctx: Context) -> Outcome:
    flagged = []
    for d in _emailed(ctx):
        reason = shared_mailbox_reason(d.meta.served.address, ctx.case.parents)
        if reason:
            flagged.append((d, reason))
    if flagged:
        d, reason = flagged[0]
        return bad(
            Status.warn,
            f"{len(flagged)} email(s) went to an address that looks shared by the household: {d.meta.served.address} ({reason}).",
            f"Ask {ctx.parent_label(d.meta.to)} for an email address of their own, or serve by first-class post; another member of the household could read or delete a shared mailbox.",
            *(_doc_evidence(d) for d, _ in flagged),
        )
    return ok("No email went to an address that looks shared.")


@rule(
    "S444-33",
    title="Hand deliveries logged",
    text="Every hand delivery is logged with date, time, staff member and the parent who received it.",
)
def _hand_log(ctx: Context) -> Outcome:
    handed = [d for d in ctx.written if isinstance(d.meta.served, HandServed)]
    incomplete = []
    for d in handed:
        s = d.meta.served
        missing = [name for name, value in (("handed_at", s.handed_at), ("handed_by", s.handed_by), ("recipient", s.recipient)) if not value]
        if missing:
            incomplete.append((d, missing))
    if incomplete:
        d, missing = incomplete[0]
        return bad(
            Status.fail,
            f"{len(incomplete)} hand deliveries are not fully logged, e.g. {d.path} lacks {', '.join(missing)}.",
            "Complete the hand-delivery log for each: the date and time, the member of staff, and the parent who took it.",
            *(_doc_evidence(d) for d, _ in incomplete),
        )
    if not handed:
        return ok("No document was handed over in person.")
    return ok(f"All {len(handed)} hand deliveries are logged.", *(_doc_evidence(d) for d in handed))


@rule("S444-34", title="First-class or recorded post", text="Post went first class or recorded: second class does not evidence good service.", severity="warn")
def _second_class(ctx: Context) -> Outcome:
    second = [d for d in ctx.written if isinstance(d.meta.served, PostServed) and d.meta.served.method == "post_second_class"]
    if second:
        return bad(
            Status.warn,
            f"{len(second)} document(s) went by second-class post: " + ", ".join(d.path for d in second) + ".",
            "Send important letters by first-class post or recorded delivery so that good service can be shown.",
            *(_doc_evidence(d) for d in second),
        )
    return ok("No document went by second-class post.")


@rule(
    "S444-35",
    title="Formal notices served on each parent",
    text="Every formal notice (notice to improve, penalty notice warning, final warning) was served on each parent by post, by hand or by recorded delivery [email allowed: no].",
    routes="pn,pros",
    settings=("formal_notice_by_email",),
)
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
                if d.meta.kind == kind and ctx.received_by(d, parent.id) and (allow_email or not isinstance(d.meta.served, EmailServed))
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
            *(_doc_evidence(d) for d in notices),
        )
    return ok(f"Every formal notice was served on each parent ({len(notices)} notices).", *(_doc_evidence(d) for d in notices))


# ----------------------------------------------------------------------- 40-49 support


def _support_offered(ctx: Context) -> list[CaseDocument]:
    return [d for d in ctx.docs(Support) if d.meta.status != SupportStatus.not_offered]


@rule("S444-40", title="Support before formal action", text="Support was offered before the first formal notice (a support document, or a meeting whose outcome records support).")
def _support_first(ctx: Context) -> Outcome:
    cutoff = ctx.first_formal_notice or ctx.as_of
    before = [d for d in _support_offered(ctx) if d.meta.date <= cutoff]
    before += [d for d in ctx.docs(Meeting) if d.meta.actions and d.meta.date <= cutoff]
    when = f"before the first formal notice ({cutoff.isoformat()})" if ctx.first_formal_notice else "before the referral"
    if before:
        return ok(f"Support was offered {when}.", *(_doc_evidence(d) for d in sorted(before, key=lambda d: d.meta.date)))
    return bad(
        Status.fail,
        f"No support is recorded {when}.",
        "Offer the family support (a meeting with agreed actions, early help, mentoring) and record it before any formal notice.",
    )


@rule("S444-41", title="Early help offered", text="Early help was offered (support kind early_help), or the reason it was not is recorded.")
def _early_help(ctx: Context) -> Outcome:
    early = [d for d in ctx.docs(Support) if d.meta.kind == SupportKind.early_help]
    if early:
        return ok("Early help: " + "; ".join(f"{d.meta.status.value.replace('_', ' ')} ({d.meta.date.isoformat()})" for d in early) + ".", *(_doc_evidence(d) for d in early))
    return bad(
        Status.fail,
        "No offer of early help is recorded, and no reason why not.",
        "Offer an early help assessment to the family and record the offer and the answer (or record why it was not offered).",
    )


@rule("S444-42", title="Parents invited to a meeting", text="Parents were invited to at least one meeting about attendance before the formal stage; the record says who attended.")
def _meeting(ctx: Context) -> Outcome:
    cutoff = ctx.first_formal_notice or ctx.as_of
    meetings = [d for d in ctx.docs(Meeting) if d.meta.kind != MeetingKind.pre_court_interview and d.meta.invited and d.meta.date <= cutoff]
    if meetings:
        return ok(
            "Meetings: " + "; ".join(f"{d.meta.title} on {d.meta.date.isoformat()}, attended by {', '.join(d.meta.attended) or 'nobody'}" for d in meetings) + ".",
            *(_doc_evidence(d) for d in meetings),
        )
    return bad(
        Status.fail,
        "No meeting about attendance with the parents is recorded before the formal stage.",
        "Invite each parent in writing to a meeting about the attendance, and record who was invited and who came.",
    )


@rule("S444-43", title="The pupil's view", text="The pupil's own view was sought (pupil_voice).", severity="warn")
def _pupil_voice(ctx: Context) -> Outcome:
    voice = ctx.docs(PupilVoice)
    if voice:
        return ok("The pupil's view is on record.", *(_doc_evidence(d) for d in voice))
    return bad(Status.warn, "The pupil's own account of what gets in the way of attending is not on record.", "Talk to the pupil about the barriers to attending and record what they say (type: pupil_voice).")


@rule(
    "S444-44",
    title="SEND and medical needs reviewed",
    text="Where the pupil has SEN support, an EHCP or medical needs, the record shows these were reviewed as a possible barrier before enforcement.",
    severity="warn",
)
def _send(ctx: Context) -> Outcome:
    pupil = ctx.case.pupil
    needs = []
    if pupil.send != Send.none:
        needs.append(pupil.send.value.replace("_", " ").replace("ehcp", "an EHCP"))
    if pupil.medical_needs:
        needs.append("medical needs")
    if not needs:
        return na("The pupil has no recorded SEND or medical needs.")
    reviews = [d for d in ctx.docs(Support) if d.meta.kind in (SupportKind.send_review, SupportKind.school_nurse) and d.meta.status != SupportStatus.not_offered]
    reviews += ctx.docs(Medical) if pupil.medical_needs else []
    if reviews:
        return ok(f"The pupil's {' and '.join(needs)} were reviewed.", *(_doc_evidence(d) for d in reviews))
    return bad(
        Status.warn,
        f"The pupil has {' and '.join(needs)}, but no review of these as a barrier to attendance is on record.",
        "Hold a SEND review (or ask the school nurse for a health review) to check whether the pupil's needs are behind the absence, and record it.",
    )


@rule("S444-45", title="Contact with the family", text="At least [0] recorded contacts with the family (letters, emails, meetings, calls, visits).", severity="warn", settings=("min_contacts",))
def _contacts(ctx: Context) -> Outcome:
    count = len(_contact_dates(ctx))
    need = ctx.settings.min_contacts
    if count >= need:
        return ok(f"{count} recorded contacts with the family.")
    return bad(Status.warn, f"{count} recorded contacts with the family; the profile expects {need}.", "Record every call, visit, letter and meeting with the family.")


@rule("S444-46", title="Social worker consulted", text="Where the pupil has a social worker, the social worker was consulted before referral (a social_worker_consulted event).", severity="warn")
def _social_worker(ctx: Context) -> Outcome:
    if not ctx.case.pupil.has_social_worker:
        return na("The pupil has no social worker.")
    consulted = [(i, e) for i, e in ctx.events(EventKind.social_worker_consulted) if e.date <= ctx.as_of]
    if consulted:
        return ok("The social worker was consulted.", *(_event_evidence(i, e) for i, e in consulted))
    return bad(Status.warn, "The pupil has a social worker, who is not recorded as consulted.", "Consult the pupil's social worker before referring, and record it (event kind social_worker_consulted).")


# ----------------------------------------------------------------------- 50-59 contract


@rule("S444-50", title="Attendance contract offered", text="An attendance contract was offered (offered, agreed, declined or breached), or a rationale for not offering one is recorded.")
def _contract(ctx: Context) -> Outcome:
    contracts = ctx.docs(Contract)
    offered = [d for d in contracts if d.meta.status != ContractStatus.not_offered]
    if offered:
        return ok("Attendance contract: " + "; ".join(f"{d.meta.status.value} ({d.meta.date.isoformat()})" for d in offered) + ".", *(_doc_evidence(d) for d in offered))
    if contracts:
        return ok("No contract was offered, for a recorded reason: " + contracts[0].meta.rationale, *(_doc_evidence(d) for d in contracts))
    return bad(
        Status.fail,
        "No attendance contract was offered, and no reason for not offering one is recorded.",
        "Invite the parents to agree an attendance contract, or record why a contract is not appropriate (status: not_offered with a rationale).",
    )


@rule("S444-51", title="Contract and plan reviewed", text="An agreed contract or action plan has a review date, and the review is on record once that date has passed.", severity="warn")
def _reviews(ctx: Context) -> Outcome:
    items = [d for d in ctx.docs(Contract) if d.meta.status in (ContractStatus.agreed, ContractStatus.breached)] + ctx.docs(Plan)
    if not items:
        return na("No agreed contract or action plan is on record.")
    reviews = [d for d in ctx.docs(Meeting) if d.meta.kind in (MeetingKind.review, MeetingKind.attendance_contract)]
    problems = []
    for d in items:
        if d.meta.review_date is None:
            problems.append(f"{d.path} has no review date")
        elif d.meta.review_date <= ctx.as_of and not any(m.meta.date > d.meta.date and m.meta.kind == MeetingKind.review for m in reviews):
            problems.append(f"{d.path} was due for review on {d.meta.review_date.isoformat()} but no review meeting is recorded")
    if problems:
        return bad(
            Status.warn,
            "; ".join(problems) + ".",
            "Set a review date for every agreed contract and plan, hold the review, and record it (a meeting of kind review).",
            *(_doc_evidence(d) for d in items),
        )
    return ok("Every agreed contract and plan has a review date, and reviews that fell due are recorded.", *(_doc_evidence(d) for d in items + [m for m in reviews if m.meta.kind == MeetingKind.review]))


# ----------------------------------------------------------------------- 60-69 notices


@rule(
    "S444-60",
    title="Improvement period ended",
    text="Per parent: where a notice to improve or penalty notice warning was served, its improvement period of [3 to 6; central-bedfordshire: 6] calendar weeks, counted from the notice's date (monitoring_weeks where given), ended on or before the referral date, and unauthorised absence continued within it. Where none was served: warn, except where the threshold absences are all G (holiday): pass.",
    routes="pn",
    settings=("improvement_weeks_min", "improvement_weeks_max"),
    per_parent=True,
)
def _improvement_period(ctx: Context, parent: Parent) -> Outcome:
    s = ctx.settings
    kinds = (NoticeKind.notice_to_improve, NoticeKind.penalty_notice_warning)
    threshold_marks = [m for w in ctx.windows for m in w.sessions]
    all_holiday = bool(threshold_marks) and all(m.code == "G" for m in threshold_marks)
    notices = [d for d in ctx.docs(Notice) if d.meta.kind in kinds and ctx.received_by(d, parent.id)]
    if not notices:
        if all_holiday:
            return ok("No notice to improve was served; none is expected because the threshold absences are all holiday (G).")
        else:
            return bad(
                Status.warn,
                f"No notice to improve or penalty notice warning was served on {parent.name}.",
                f"Guidance expects a notice to improve first: serve one on {parent.name} ({parent.id}) by first-class post or by hand, and refer only after its improvement period ends.",
            )
    doc = max(notices, key=lambda d: d.meta.date)
    weeks = doc.meta.monitoring_weeks or s.improvement_weeks_min
    start = doc.meta.date
    end = start + dt.timedelta(weeks=weeks)
    evidence = _doc_evidence(doc)
    if not s.improvement_weeks_min <= weeks <= s.improvement_weeks_max:
        allowed = f"{s.improvement_weeks_min}" if s.improvement_weeks_min == s.improvement_weeks_max else f"{s.improvement_weeks_min} to {s.improvement_weeks_max}"
        return bad(
            Status.fail,
            f"The {doc.meta.kind.value.replace('_', ' ')} to {parent.name} gives {weeks} weeks to improve; the {ctx.profile.name} profile requires {allowed} weeks.",
            f"Serve a fresh notice on {parent.name} ({parent.id}) with an improvement period of {allowed} weeks.",
            evidence,
        )
    if end > ctx.as_of:
        return bad(
            Status.fail,
            f"The improvement period of the notice served on {parent.name} on {start.isoformat()} runs to {end.isoformat()}, after the referral date ({ctx.as_of.isoformat()}): the referral is premature.",
            f"Wait until the improvement period ends on {end.isoformat()} and refer only if unauthorised absence continued within it.",
            evidence,
        )
    within = [m for m, c in ctx.marks_with_codes(ctx.register.between(start + dt.timedelta(days=1), end)) if c.is_unauthorised]
    if not within:
        return bad(
            Status.fail,
            f"No unauthorised absence in the improvement period ({start.isoformat()} to {end.isoformat()}) after the notice to {parent.name}.",
            "Attendance improved during the notice period: do not refer on this notice; keep monitoring and supporting.",
            evidence,
        )
    return ok(
        f"The improvement period ({weeks} weeks, {start.isoformat()} to {end.isoformat()}) ended before the referral, with {len(within)} unauthorised sessions within it.",
        evidence,
        _marks_evidence("unauthorised sessions in the improvement period", within),
    )


@rule(
    "S444-61",
    title="Penalty notice limit",
    text="Per parent: fewer than [2] penalty notices, not withdrawn, were issued to the parent for this pupil in the [3] years before the referral date (the second is charged at the higher rate; a third is not allowed: consider prosecution). Under national-2024, only notices issued on or after 19 August 2024 count.",
    routes="pn",
    settings=("penalty_notice_limit", "penalty_notice_lookback_years", "penalty_notices_count_from"),
    per_parent=True,
)
def _pn_limit(ctx: Context, parent: Parent) -> Outcome:
    s = ctx.settings
    since = _months_before(ctx.as_of, 12 * s.penalty_notice_lookback_years)
    if s.penalty_notices_count_from and s.penalty_notices_count_from > since:
        since = s.penalty_notices_count_from
    counted = [d for d in ctx.docs(PenaltyNotice) if d.meta.to == parent.id and not d.meta.withdrawn and since <= d.meta.issued_on <= ctx.as_of]
    evidence = [_doc_evidence(d) for d in counted]
    if len(counted) < s.penalty_notice_limit:
        rate = " (another would be charged at the higher rate)" if len(counted) == s.penalty_notice_limit - 1 else ""
        return ok(f"{len(counted)} penalty notice(s) issued to {parent.name} since {since.isoformat()}{rate}.", *evidence)
    else:
        return bad(
            Status.fail,
            f"{len(counted)} penalty notices were already issued to {parent.name} for this pupil since {since.isoformat()}; no further notice is allowed.",
            "Do not refer for another penalty notice; consider prosecution under s444 instead.",
            *evidence,
        )


@rule(
    "S444-62",
    title="Final warning served",
    text="Per parent: a final warning was served before referral [required: national-2024 no (then warn when missing); south-tyneside yes].",
    routes="pros",
    settings=("final_warning_required",),
    per_parent=True,
)
def _final_warning(ctx: Context, parent: Parent) -> Outcome:
    warnings = [d for d in ctx.docs(Notice) if d.meta.kind == NoticeKind.final_warning and ctx.received_by(d, parent.id) and d.meta.date <= ctx.as_of]
    if warnings:
        return ok(f"A final warning was served on {parent.name}.", *(_doc_evidence(d) for d in warnings))
    return bad(
        Status.fail if ctx.settings.final_warning_required else Status.warn,
        f"No final warning served on {parent.name} is on record.",
        f"Serve a final warning on {parent.name} ({parent.id}) by first-class post or by hand, and let its monitoring period run before referring.",
    )


@rule(
    "S444-63",
    title="Parents told of the referral",
    text="Parents were told in writing that a referral would be made [required: national-2024 no; south-tyneside yes, then fail when missing unless notifying would risk harm].",
    severity="warn",
    settings=("referral_notice_required",),
)
def _told_of_referral(ctx: Context) -> Outcome:
    notified = [d for d in ctx.docs(Notice) if d.meta.kind == NoticeKind.notification_of_referral and d.meta.date <= ctx.as_of]
    missing = [p for p in ctx.active_parents if not any(ctx.received_by(d, p.id) for d in notified)]
    if not missing:
        return ok("Every parent was told in writing of the referral.", *(_doc_evidence(d) for d in notified))
    if ctx.case.safeguarding.notify_parents_would_risk_harm:
        return ok("Parents were not told of the referral because telling them would put the child at risk of harm.", _field("safeguarding.notify_parents_would_risk_harm", "true"))
    names = ", ".join(f"{p.name} ({p.id})" for p in missing)
    return bad(
        Status.fail if ctx.settings.referral_notice_required else Status.warn,
        f"No written notification of the referral is on record for {names}.",
        f"Write to {names} to say that the school is referring the attendance to the local authority, and record how it was served.",
        *(_doc_evidence(d) for d in notified),
    )


@rule(
    "S444-64",
    title="Holiday warning given",
    text="For holiday (G) absence, the parents had been warned in writing beforehand (notice kind holiday_warning) [required: national-2024 no; devon yes, then fail].",
    routes="pn",
    severity="warn",
    settings=("holiday_warning_required",),
)
def _holiday_warning(ctx: Context) -> Outcome:
    start, end = ctx.offence_period or (dt.date.min, ctx.as_of)
    holiday = [m for m in ctx.register.marks if m.code == "G" and start <= m.date <= end]
    if not holiday:
        return na("No holiday (G) absence in the offence period.")
    first = holiday[0].date
    warned = [d for d in ctx.docs(Notice) if d.meta.kind == NoticeKind.holiday_warning and d.meta.date < first]
    if warned:
        return ok(f"The parents were warned in writing before the holiday began on {first.isoformat()}.", *(_doc_evidence(d) for d in warned))
    return bad(
        Status.fail if ctx.settings.holiday_warning_required else Status.warn,
        f"No written warning about term-time holiday before the holiday began on {first.isoformat()} is on record.",
        "Add the written warning the parents were given before the holiday (letter or email, notice kind holiday_warning); without one, the LA may not issue a notice.",
    )


# ----------------------------------------------------------------------- 70-79 safeguarding


@rule("S444-70", title="Safeguarding considered", text="Safeguarding was considered and the designated safeguarding lead consulted (a dsl_consulted event or the notes say so).")
def _safeguarding(ctx: Context) -> Outcome:
    sg = ctx.case.safeguarding
    dsl = ctx.events(EventKind.dsl_consulted)
    notes = sg.notes.lower()
    in_notes = "dsl" in notes or "designated safeguarding lead" in notes
    if not sg.considered:
        return bad(Status.fail, "Safeguarding is not recorded as considered.", "Consider safeguarding with the designated safeguarding lead and record it in case.yaml (safeguarding.considered).")
    if dsl or in_notes:
        evidence = [_event_evidence(i, e) for i, e in dsl] or [_field("safeguarding.notes", sg.notes)]
        return ok("Safeguarding was considered and the designated safeguarding lead consulted.", *evidence)
    return bad(
        Status.fail,
        "Safeguarding was considered, but there is no record of consulting the designated safeguarding lead.",
        "Consult the DSL about the case and record it (an event of kind dsl_consulted).",
    )


@rule("S444-71", title="No risk of harm in notifying", text="Notifying the parents would not put the child at risk of harm; where it would, the case goes to children's social care, not enforcement.")
def _risk_of_harm(ctx: Context) -> Outcome:
    evidence = _field("safeguarding.notify_parents_would_risk_harm", str(ctx.case.safeguarding.notify_parents_would_risk_harm).lower())
    if ctx.case.safeguarding.notify_parents_would_risk_harm:
        return bad(Status.fail, "Notifying the parents would put the child at risk of harm.", "Do not refer for enforcement: refer the child to children's social care.", evidence)
    return ok("Notifying the parents would not put the child at risk of harm.", evidence)


# ----------------------------------------------------------------------- 80-89 legal route


@rule("S444-80", title="Education supervision order considered", text="An education supervision order was considered (s447) and the decision recorded (an eso_considered event or document).", routes="pros")
def _eso(ctx: Context) -> Outcome:
    events = ctx.events(EventKind.eso_considered)
    docs = [d for d in ctx.docs(Decision) if d.meta.kind == DecisionKind.eso_considered]
    if events or docs:
        return ok("An education supervision order was considered.", *(_event_evidence(i, e) for i, e in events), *(_doc_evidence(d) for d in docs))
    return bad(
        Status.fail,
        "No record that an education supervision order (s447) was considered.",
        "Consider an education supervision order with the LA and record the decision and its reasons (event kind eso_considered, or a decision document).",
    )


@rule(
    "S444-81",
    title="Parent knew and failed to act",
    text="Per parent: the record shows the parent knew of the absence (a letter or meeting about it) and failed without reasonable justification to secure attendance.",
    routes="prosecution_444_1a",
    per_parent=True,
)
def _knowledge(ctx: Context, parent: Parent) -> Outcome:
    known = [d for d in ctx.written if ctx.received_by(d, parent.id)]
    known += [d for d in ctx.docs(Meeting) if parent.id in d.meta.attended]
    known.sort(key=lambda d: d.meta.date)
    if not known:
        return bad(
            Status.fail,
            f"Nothing on record shows that {parent.name} knew of the absence.",
            f"Write to {parent.name} ({parent.id}) about the absence, or meet them, and record it; s444(1A) needs proof that they knew.",
        )
    first = known[0].meta.date
    after = [m for m, c in ctx.marks_with_codes(ctx.register.between(first + dt.timedelta(days=1), ctx.as_of)) if c.is_unauthorised]
    if not after:
        return bad(
            Status.fail,
            f"{parent.name} knew of the absence from {first.isoformat()}, but there is no unauthorised absence after that.",
            "Without continued absence after the parent knew, s444(1A) is not made out; consider s444(1) or further support.",
            _doc_evidence(known[0]),
        )
    return ok(
        f"{parent.name} knew of the absence from {first.isoformat()} ({known[0].meta.title}); {len(after)} unauthorised sessions followed.",
        _doc_evidence(known[0]),
        _marks_evidence("unauthorised sessions after the parent knew", after),
    )


@rule(
    "S444-82",
    title="Who certifies attendance",
    text="The case names who certifies attendance under s566(1)(c) (school.head_teacher), so the bundle's attendance certificate can be signed [pros: fail when missing; pn: warn].",
)
def _certifier(ctx: Context) -> Outcome:
    head = ctx.case.school.head_teacher
    if head:
        return ok(f"{head.name} ({head.role or 'head teacher'}) certifies the attendance.", _field("school.head_teacher", head.name))
    return bad(
        Status.fail if ctx.route in ROUTE_GROUPS["pros"] else Status.warn,
        "No head teacher (or person authorised) is named to certify attendance under s566.",
        "Add school.head_teacher to case.yaml: the person who will sign the attendance certificate.",
    )


@rule(
    "S444-83",
    title="Pre-court interview offered",
    text="A pre-court interview under PACE was offered [required: national-2024 no (then not_applicable); central-bedfordshire yes].",
    routes="pros",
    settings=("pre_court_interview_required",),
)
def _pace(ctx: Context) -> Outcome:
    interviews = [d for d in ctx.docs(Meeting) if d.meta.kind == MeetingKind.pre_court_interview]
    if not ctx.settings.pre_court_interview_required:
        return na(f"The {ctx.profile.name} profile does not require a pre-court interview.")
    invited = {pid for d in interviews for pid in d.meta.invited}
    missing = [p for p in ctx.active_parents if p.id not in invited]
    if not missing:
        return ok("A pre-court interview under PACE was offered to each parent.", *(_doc_evidence(d) for d in interviews))
    names = ", ".join(f"{p.name} ({p.id})" for p in missing)
    return bad(
        Status.fail,
        f"No pre-court interview under PACE was offered to {names}.",
        f"Ask the LA's attendance officer to arrange a pre-court interview under PACE with {names}, and record the invitation.",
        *(_doc_evidence(d) for d in interviews),
    )


@rule("S444-84", title="No overlap with an earlier penalty", text="The offence period does not overlap the period of an earlier penalty notice or prosecution for this pupil and parent.")
def _overlap(ctx: Context) -> Outcome:
    period = ctx.offence_period
    notices = ctx.docs(PenaltyNotice)
    if period is None or not notices:
        return ok("No earlier penalty notice is on record.")
    overlapping = [d for d in notices if d.meta.period_start and d.meta.period_end and d.meta.period_start <= period[1] and d.meta.period_end >= period[0]]
    if overlapping:
        d = overlapping[0]
        return bad(
            Status.fail,
            f"The offence period ({period[0].isoformat()} to {period[1].isoformat()}) overlaps the period of an earlier penalty notice ({d.meta.period_start.isoformat()} to {d.meta.period_end.isoformat()}, {d.path}).",
            f"Start the offence period after {max(x.meta.period_end for x in overlapping).isoformat()} (referral.offence_period in case.yaml): the same absence cannot be punished twice.",
            *(_doc_evidence(x) for x in overlapping),
        )
    return ok(f"The offence period does not overlap the {len(notices)} earlier penalty notice(s).", *(_doc_evidence(d) for d in notices))


@rule("S444-85", title="Witness statement", text="A witness statement in s9 Criminal Justice Act 1967 form (witness_statement) from the attendance lead is on record.", routes="pros", severity="warn")
def _witness(ctx: Context) -> Outcome:
    statements = ctx.docs(WitnessStatement)
    if statements:
        return ok("Witness statement(s): " + "; ".join(d.meta.witness for d in statements) + ".", *(_doc_evidence(d) for d in statements))
    lead = ctx.case.school.attendance_lead.name
    return bad(Status.warn, "No witness statement in s9 Criminal Justice Act 1967 form is on record.", f"Ask {lead} (attendance lead) to make a witness statement in s9 form and add it to the case.")


# ----------------------------------------------------------------------- 90-99 bundle


@rule("S444-90", title="Nothing dated after the referral", text="No document or event is dated after the referral date.")
def _after_referral(ctx: Context) -> Outcome:
    late_docs = [d for d in ctx.folder.documents if d.meta.date > ctx.as_of]
    late_events = [(i, e) for i, e in enumerate(ctx.folder.events) if e.date > ctx.as_of]
    if late_docs or late_events:
        names = [d.path for d in late_docs] + [f"events.yaml[{i}]" for i, _ in late_events]
        return bad(
            Status.fail,
            f"{len(names)} item(s) are dated after the referral date ({ctx.as_of.isoformat()}): " + ", ".join(names) + ".",
            "Correct the dates, move the referral date, or take these out of the case: the bundle is evidence as of the referral.",
            *(_doc_evidence(d) for d in late_docs),
            *(_event_evidence(i, e) for i, e in late_events),
        )
    return ok("Nothing is dated after the referral date.")


def _contact_dates(ctx: Context) -> list[tuple[dt.date, Evidence]]:
    out = [(d.meta.date, _doc_evidence(d)) for d in ctx.folder.documents if d.meta.type in ("letter", "email", "notice", "meeting")]
    out += [(e.date, _event_evidence(i, e)) for i, e in ctx.events(*CONTACT_EVENTS)]
    return sorted((x for x in out if x[0] <= ctx.as_of), key=lambda x: x[0])


@rule(
    "S444-91",
    title="Regular contact",
    text="Once concern began (first letter or meeting), no gap of more than [20] school days passes without a recorded contact.",
    severity="warn",
    settings=("contact_gap_school_days",),
)
def _gaps(ctx: Context) -> Outcome:
    limit = ctx.settings.contact_gap_school_days
    concern = [d.meta.date for d in ctx.folder.documents if d.meta.type in ("letter", "email", "notice", "meeting") and d.meta.date <= ctx.as_of]
    if not concern:
        return na("No letter or meeting is on record, so concern has not formally begun.")
    began = min(concern)
    dates = sorted({d for d, _ in _contact_dates(ctx) if d >= began}) + [ctx.as_of]
    gaps = [(a, b, ctx.school_days_between(a, b)) for a, b in zip(dates, dates[1:])]
    long = [(a, b, n) for a, b, n in gaps if n > limit]
    if long:
        a, b, n = max(long, key=lambda g: g[2])
        return bad(
            Status.warn,
            f"{len(long)} gap(s) of more than {limit} school days without a recorded contact, the longest {n} school days from {a.isoformat()} to {b.isoformat()}.",
            "Record every call, visit and letter; if there really was no contact, explain why in the referral.",
        )
    return ok(f"No gap of more than {limit} school days without contact since concern began on {began.isoformat()}.")


def toolkit_template_names() -> list[str]:
    """Names of the toolkit's letter and form templates (templates/letters/NAME.md.j2)."""
    from .render import templates_dir

    folder = templates_dir().joinpath("letters")
    return sorted(
        p.name[: -len(".md.j2")] for p in folder.iterdir() if p.name.endswith(".md.j2") and not p.name.startswith("_")
    )


@rule("S444-92", title="Templates exist", text="Every document that names a toolkit template names one that exists.")
def _templates(ctx: Context) -> Outcome:
    known = set(toolkit_template_names())
    unknown = [d for d in ctx.folder.documents if d.meta.template and d.meta.template not in known]
    if unknown:
        return bad(
            Status.fail,
            f"{len(unknown)} document(s) name a template that does not exist: " + ", ".join(f"{d.path} ('{d.meta.template}')" for d in unknown) + ".",
            "Correct the template name (see `bundler templates`), or remove the template field.",
            *(_doc_evidence(d) for d in unknown),
        )
    return ok("Every template named exists.")


# ----------------------------------------------------------------------- running


@dataclass
class CheckResult:
    case_id: str
    route: Route
    profile: Profile
    as_of: dt.date
    findings: list[Finding]
    #: the period the referral relies on (see Context.offence_period), None without a register
    offence_period: tuple[dt.date, dt.date] | None = None

    @property
    def ready(self) -> bool:
        return not any(f.status == Status.fail for f in self.findings)

    @property
    def counts(self) -> dict[str, int]:
        counts = {s.value: 0 for s in Status}
        for f in self.findings:
            counts[f.status.value] += 1
        return counts

    @property
    def failing_rules(self) -> list[str]:
        return sorted({f.rule for f in self.findings if f.status == Status.fail})


def check_case(case: CaseFolder, profile: Profile) -> CheckResult:
    """Run every rule of the checklist on a validated case."""
    ctx = Context(case, profile)
    findings: list[Finding] = []
    for rule_ in RULES.values():
        if not rule_.applies_to(ctx.route):
            findings.append(
                Finding(rule_.id, Status.not_applicable, rule_.title, f"Does not apply to the {ctx.route.value.replace('_', ' ')} route.")
            )
            continue
        if not rule_.per_parent:
            o = rule_.check(ctx)
            findings.append(Finding(rule_.id, o.status, rule_.title, o.message, None, o.next_step, o.evidence))
            continue
        for parent in ctx.case.parents:
            if parent.excluded != rule_.for_excluded:
                why = f"excluded ({parent.exclude.reason})" if parent.excluded else "not excluded"
                o = na(f"{parent.name} is {why}.")
            else:
                o = rule_.check(ctx, parent)
            findings.append(Finding(rule_.id, o.status, rule_.title, o.message, parent.id, o.next_step, o.evidence))
    return CheckResult(case.case.case_id, ctx.route, profile, ctx.as_of, findings, ctx.offence_period)
