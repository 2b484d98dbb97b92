"""Stage 3: the Section 444 referral checklist engine: rules, their context, findings.

Takes a validated ``CaseFolder`` and a ``Profile``; gives a ``CheckResult`` with one
``Finding`` per rule (one per parent for per-parent rules). A rule is data plus one
function: the function is registered with ``@rule(ID, title=...)`` in the module of its
checklist section (``s0_case`` ... ``s9_bundle``), and everything else about it (routes,
severity, wording, per parent) is read from the checklist document by ``text``.

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
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cached_property
from typing import Any, TypeVar, cast

from ..case.codes import AttendanceCode
from ..case.models import (
    Addressed,
    DocumentBase,
    EmailServed,
    Event,
    EventKind,
    HandServed,
    Notice,
    NoticeKind,
    Parent,
    RegisterEntry,
    Route,
)
from ..case.validate import CaseDocument, CaseFolder
from ..register import attendance
from .period import Period, derive
from .profiles import Profile, Settings
from .text import RuleText, rule_texts, section_titles

#: a kind of document (a model class), for ``Context.docs``
D = TypeVar("D", bound=DocumentBase)


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
    **{route.value: frozenset({route}) for route in Route},
}

FORMAL_NOTICES = (NoticeKind.notice_to_improve, NoticeKind.penalty_notice_warning, NoticeKind.final_warning)

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
    """A checklist rule: its words (from the document) and the function that checks it."""

    id: str
    title: str
    words: RuleText = field(repr=False)
    settings: tuple[str, ...]
    #: the rule function: (ctx) -> Outcome, or (ctx, parent) -> Outcome for per-parent rules
    check: Callable[..., Outcome] = field(repr=False)
    #: per-parent rules look at parents who are not excluded, or (S444-12) at those who are
    for_excluded: bool = False

    @property
    def text(self) -> str:
        return self.words.text

    @property
    def routes(self) -> str:
        return ",".join(self.words.routes)

    @property
    def severity(self) -> Status:
        return Status(self.words.severity)

    @property
    def per_parent(self) -> bool:
        return self.words.per_parent

    @property
    def section(self) -> str:
        return self.words.section

    def applies_to(self, route: Route) -> bool:
        return any(route in ROUTE_GROUPS[group] for group in self.words.routes)


#: every rule, in checklist order once the section modules are imported (see ``__init__``)
RULES: dict[str, Rule] = {}


def rule(
    rule_id: str,
    *,
    title: str,
    settings: tuple[str, ...] = (),
    for_excluded: bool = False,
) -> Callable[[Callable[..., Outcome]], Callable[..., Outcome]]:
    """Register a rule function under its checklist ID; the document supplies the rest."""

    def register(func: Callable[..., Outcome]) -> Callable[..., Outcome]:
        if rule_id in RULES:
            raise ValueError(f"rule {rule_id} defined twice")
        words = rule_texts().get(rule_id)
        if words is None:
            raise ValueError(f"rule {rule_id} is not in the checklist document")
        RULES[rule_id] = Rule(rule_id, title, words, settings, func, for_excluded)
        return func

    return register


def sections() -> dict[str, str]:
    """Checklist section titles by the tens digit of their rule IDs."""
    return section_titles()


# ----------------------------------------------------------------------- context


def doc_evidence(doc: CaseDocument[DocumentBase]) -> Evidence:
    return Evidence("document", doc.path, f"{doc.meta.title} ({doc.meta.date.isoformat()})", doc.meta.date)


def event_evidence(index: int, event: Event) -> Evidence:
    return Evidence(
        "event",
        f"events.yaml[{index}]",
        f"{event.kind.value.replace('_', ' ')} on {event.date.isoformat()}: {event.summary}",
        event.date,
    )


def window_evidence(window: attendance.SchoolWeekWindow) -> Evidence:
    return Evidence(
        "window",
        "attendance.csv",
        f"{window.unauthorised} unauthorised sessions in {window.weeks} school weeks, {window.first_day.isoformat()} to {window.last_day.isoformat()}",
        first_day=window.first_day,
        last_day=window.last_day,
        sessions=tuple(f"{m.date.isoformat()} {m.session} {m.code}" for m in window.sessions),
    )


def field_evidence(path: str, label: str) -> Evidence:
    return Evidence("field", f"case.yaml:{path}", label)


def marks_evidence(label: str, marks: Iterable[Any]) -> Evidence:
    marks = list(marks)
    return Evidence(
        "register",
        "attendance.csv",
        label,
        first_day=marks[0].date if marks else None,
        last_day=marks[-1].date if marks else None,
        sessions=tuple(f"{m.date.isoformat()} {m.session} {m.code}" for m in marks),
    )


def served_label(doc: CaseDocument[Addressed]) -> str:
    served = doc.meta.served
    if served is None:
        return "no record of service"
    return str(served.method).replace("_", " ")


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
        self.closed_days = case.case.school.closed_days()

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
    def docs(self, kind: type[D]) -> list[CaseDocument[D]]:
        """The documents whose front matter is of ``kind`` (a model class)."""
        return [cast("CaseDocument[D]", d) for d in self.folder.documents if isinstance(d.meta, kind)]

    @cached_property
    def written(self) -> list[CaseDocument[Addressed]]:
        """Letters, emails and notices: written communication to one parent."""
        return self.docs(Addressed)

    def events(self, *kinds: EventKind) -> list[tuple[int, Event]]:
        return [(i, e) for i, e in enumerate(self.folder.events) if e.kind in kinds]

    def served_on(self, doc: CaseDocument[Addressed], pid: str) -> bool:
        """The document reached parent ``pid``: addressed to them and served by a channel
        that reaches them: post addressed to them, handed to them (``recipient``), or
        emailed to an address recorded for them. A document handed to, or emailed to,
        someone else was not served on them, whatever its ``to`` says."""
        return self.service_gap(doc, pid) is None

    def service_gap(self, doc: CaseDocument[Addressed], pid: str) -> str | None:
        """Why ``doc`` was not served on parent ``pid`` (None when it was)."""
        meta = doc.meta
        if meta.to != pid:
            return f"addressed to {self.parent_label(meta.to)}"
        served = meta.served
        if served is None:
            return "no record of service"
        if isinstance(served, HandServed):
            if served.recipient != pid:
                who = self.parent_label(served.recipient) if served.recipient else "nobody recorded"
                return f"handed to {who}"
            return None
        if isinstance(served, EmailServed):
            parent = self.case.parent(pid)
            recorded = (parent.email or "").lower() if parent else ""
            if served.address.lower() != recorded:
                return f"emailed to {served.address}, which is not an address recorded for them"
        return None

    def formal_notices(self) -> list[CaseDocument[Notice]]:
        return [d for d in self.docs(Notice) if d.meta.kind in FORMAL_NOTICES]

    @cached_property
    def first_formal_notice(self) -> dt.date | None:
        dates = [d.meta.date for d in self.formal_notices()]
        return min(dates) if dates else None

    # register
    @cached_property
    def school_days(self) -> list[dt.date]:
        """Every day the register has a session (the whole extract, in order)."""
        return sorted({entry.date for entry in self.folder.register})

    def is_school_day(self, day: dt.date) -> bool:
        """A day of the register; past its end, a weekday outside ``school.holidays``."""
        if self._register_dates and day <= self._register_dates[-1]:
            return day in self._register_day_set
        return day.weekday() < 5 and day not in self.closed_days

    @cached_property
    def _register_day_set(self) -> frozenset[dt.date]:
        return frozenset(self._register_dates)

    @cached_property
    def period(self) -> Period:
        """The offence period and the threshold windows it is drawn from (``period``)."""
        return derive(self.folder, self.register, self.settings)

    @property
    def windows(self) -> list[attendance.SchoolWeekWindow]:
        """The threshold windows of the sessions the referral may count (S444-20)."""
        return self.period.windows

    @property
    def offence_period(self) -> tuple[dt.date, dt.date] | None:
        """The period the referral relies on (see ``bundler.checklist.period``)."""
        return self.period.span

    def period_register(self) -> attendance.Register:
        if self.offence_period is None:
            return self.register
        return self.register.between(*self.offence_period)

    def marks_with_codes(
        self, register: attendance.Register | None = None
    ) -> Iterator[tuple[attendance.Mark, AttendanceCode]]:
        register = self.register if register is None else register
        return zip(register.marks, register.codes)

    def school_days_between(self, after: dt.date, until: dt.date) -> int:
        """School days d with after < d <= until: register days, and weekdays past the
        register's end, weekdays that are not in ``school.holidays``."""
        dates = self._register_dates
        count = bisect_right(dates, until) - bisect_right(dates, after)
        last = dates[-1] if dates else after
        day = max(after, last) + dt.timedelta(days=1)
        while day <= until:
            if day.weekday() < 5 and day not in self.closed_days:
                count += 1
            day += dt.timedelta(days=1)
        return count

    @cached_property
    def raw_marks(self) -> list[RegisterEntry]:
        """Register rows (with history columns) up to the referral date, in order."""
        return [r for r in self.folder.register if r.date <= self.as_of]


CONTACT_EVENTS = {
    EventKind.call,
    EventKind.home_visit,
    EventKind.check_in,
    EventKind.first_day_call,
    EventKind.welfare_check,
}


def contact_dates(ctx: Context) -> list[tuple[dt.date, Evidence]]:
    """Every recorded contact with the family up to the referral: letters, emails,
    notices, meetings, calls and visits, in date order."""
    out = [
        (d.meta.date, doc_evidence(d))
        for d in ctx.folder.documents
        if d.meta.type in ("letter", "email", "notice", "meeting")
    ]
    out += [(e.date, event_evidence(i, e)) for i, e in ctx.events(*CONTACT_EVENTS)]
    return sorted((x for x in out if x[0] <= ctx.as_of), key=lambda x: x[0])


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
    outside = f"Does not apply to the {ctx.route.value.replace('_', ' ')} route."
    for rule_ in ordered_rules():
        applies = rule_.applies_to(ctx.route)
        if not applies and not rule_.per_parent:
            findings.append(Finding(rule_.id, Status.not_applicable, rule_.title, outside))
            continue
        if not rule_.per_parent:
            o = rule_.check(ctx)
            findings.append(Finding(rule_.id, o.status, rule_.title, o.message, None, o.next_step, o.evidence))
            continue
        for parent in ctx.case.parents:
            if not applies:
                findings.append(Finding(rule_.id, Status.not_applicable, rule_.title, outside, parent.id))
                continue
            if parent.excluded != rule_.for_excluded:
                why = f"excluded ({parent.exclusion_reason})" if parent.excluded else "not excluded"
                o = na(f"{parent.name} is {why}.")
            else:
                o = rule_.check(ctx, parent)
            findings.append(Finding(rule_.id, o.status, rule_.title, o.message, parent.id, o.next_step, o.evidence))
    return CheckResult(case.case.case_id, ctx.route, profile, ctx.as_of, findings, ctx.offence_period)


def ordered_rules() -> list[Rule]:
    """Every rule in checklist order (the order of the document)."""
    order = list(rule_texts())
    return sorted(RULES.values(), key=lambda r: order.index(r.id))
