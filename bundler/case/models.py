"""Stage 1: the case, as strict pydantic models.

Takes the raw, line-tracked data ``load`` read; gives typed, validated values.

The models are the published shape of a case folder (see docs/case-format.md and the
JSON Schemas in schemas/, exported from here). Every closed list is an enum, unknown
fields are refused, and booleans are strict, so a value is never silently reinterpreted.
"""

from __future__ import annotations

import datetime as dt
import functools
from enum import StrEnum
from importlib import resources
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StrictBool,
    StringConstraints,
    TypeAdapter,
    model_validator,
)

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
ParentId = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_-]+$")]
CaseId = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9._-]+$")]
Email = Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")]
ClockTime = Annotated[str, StringConstraints(pattern=r"^([01][0-9]|2[0-3]):[0-5][0-9]$")]

#: the dates a case may hold: wide enough for any pupil, parent or register, narrow
#: enough that every period, window and age worked out from them is a real date
FIRST_DAY, LAST_DAY = dt.date(1900, 1, 1), dt.date(2099, 12, 31)


def _in_range(day: dt.date) -> dt.date:
    if not FIRST_DAY <= day <= LAST_DAY:
        raise ValueError(
            f"'{day.isoformat()}' is outside the dates a case can hold ({FIRST_DAY.isoformat()} to "
            f"{LAST_DAY.isoformat()}): check the year"
        )
    return day


def _moment_in_range(moment: dt.datetime) -> dt.datetime:
    _in_range(moment.date())
    return moment


Day = Annotated[dt.date, AfterValidator(_in_range)]
Moment = Annotated[dt.datetime, AfterValidator(_moment_in_range)]


@functools.cache
def builtin_profiles() -> tuple[str, ...]:
    """The names of the profiles that ship with bundler (bundler/data/profiles/)."""
    folder = resources.files("bundler").joinpath("data", "profiles")
    return tuple(sorted(p.name[: -len(".yaml")] for p in folder.iterdir() if p.name.endswith(".yaml")))


def _builtin_profile(name: str) -> str:
    """case.yaml names a profile that ships with bundler; a profile file of the user's own
    is given on the command line, so a case folder can never make bundler read a file
    from elsewhere on the machine."""
    known = builtin_profiles()
    if name in known:
        return name
    if "/" in name or "\\" in name or name.lower().endswith((".yaml", ".yml")):
        raise ValueError(
            f"'{name}' is a file, and case.yaml may name only a built-in profile ({', '.join(known)}); "
            "give a profile file of your own on the command line instead: --profile FILE"
        )
    raise ValueError(
        f"'{name}' is not a built-in profile ({', '.join(known)}); a profile file of your own is given "
        "on the command line: --profile FILE"
    )


ProfileName = Annotated[Text, AfterValidator(_builtin_profile)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


# ----------------------------------------------------------------------- enums


class Route(StrEnum):
    penalty_notice = "penalty_notice"
    prosecution_444_1 = "prosecution_444_1"
    prosecution_444_1a = "prosecution_444_1a"
    education_supervision_order = "education_supervision_order"
    notice_to_improve = "notice_to_improve"


class Send(StrEnum):
    none = "none"
    sen_support = "sen_support"
    ehcp = "ehcp"


class EventKind(StrEnum):
    call = "call"
    home_visit = "home_visit"
    check_in = "check_in"
    first_day_call = "first_day_call"
    welfare_check = "welfare_check"
    dsl_consulted = "dsl_consulted"
    social_worker_consulted = "social_worker_consulted"
    eso_considered = "eso_considered"
    children_services_consulted = "children_services_consulted"
    other = "other"


class ServeMethod(StrEnum):
    post_first_class = "post_first_class"
    post_second_class = "post_second_class"
    hand = "hand"
    email = "email"
    recorded_delivery = "recorded_delivery"


class ReadReceipt(StrEnum):
    requested = "requested"
    received = "received"
    none = "none"


class MeetingKind(StrEnum):
    initial_concern = "initial_concern"
    declining_attendance = "declining_attendance"
    attendance_contract = "attendance_contract"
    review = "review"
    pre_court_interview = "pre_court_interview"
    other = "other"


class MeetingOutcome(StrEnum):
    attended = "attended"
    not_attended = "not_attended"
    rearranged = "rearranged"
    declined = "declined"


class ContractStatus(StrEnum):
    offered = "offered"
    agreed = "agreed"
    declined = "declined"
    breached = "breached"
    not_offered = "not_offered"


class NoticeKind(StrEnum):
    notice_to_improve = "notice_to_improve"
    penalty_notice_warning = "penalty_notice_warning"
    final_warning = "final_warning"
    notification_of_referral = "notification_of_referral"
    holiday_warning = "holiday_warning"


class SupportKind(StrEnum):
    early_help = "early_help"
    send_review = "send_review"
    school_nurse = "school_nurse"
    mentoring = "mentoring"
    family_support = "family_support"
    transport = "transport"
    external_referral = "external_referral"
    other = "other"


class SupportStatus(StrEnum):
    offered = "offered"
    accepted = "accepted"
    declined = "declined"
    not_engaged = "not_engaged"
    completed = "completed"
    not_offered = "not_offered"


class LeaveDecision(StrEnum):
    authorised = "authorised"
    refused = "refused"
    not_requested = "not_requested"


class DecisionKind(StrEnum):
    eso_considered = "eso_considered"
    legal_intervention = "legal_intervention"
    other = "other"


# ----------------------------------------------------------------------- case.yaml


class Person(Strict):
    name: Text
    role: Text | None = None
    email: Email | None = None


class Period(Strict):
    start: Day
    end: Day

    @model_validator(mode="after")
    def _ordered(self) -> Period:
        if self.end < self.start:
            raise ValueError(f"the period ends ({self.end}) before it starts ({self.start})")
        return self


class Referral(Strict):
    route: Route
    date: Day
    local_authority: Text
    profile: ProfileName = "national-2024"
    prepared_by: Person
    #: optional: the period the referral relies on; derived from the register when absent
    offence_period: Period | None = None


class Holiday(Strict):
    """A school holiday or closure: no school session from ``start`` to ``end``."""

    start: Day
    end: Day
    name: Text | None = None

    @model_validator(mode="after")
    def _ordered(self) -> Holiday:
        if self.end < self.start:
            raise ValueError(f"the holiday ends ({self.end}) before it starts ({self.start})")
        return self

    def days(self) -> list[dt.date]:
        """Every date of the holiday."""
        return [self.start + dt.timedelta(days=i) for i in range((self.end - self.start).days + 1)]


class School(Strict):
    name: Text
    urn: Text
    address: Text
    attendance_lead: Person
    head_teacher: Person | None = None
    phone: Text | None = None
    email: Email | None = None
    holidays: list[Holiday] = Field(default_factory=list)

    def closed_days(self) -> frozenset[dt.date]:
        """Every date of every holiday and closure the case gives."""
        return frozenset(day for holiday in self.holidays for day in holiday.days())


class Pupil(Strict):
    first_name: Text
    last_name: Text
    date_of_birth: Day
    year_group: Annotated[int, Field(ge=0, le=13, strict=True)]
    upn: Text | None = None
    address: Text
    send: Send
    medical_needs: StrictBool
    has_social_worker: StrictBool
    looked_after: StrictBool = False
    #: subject to a care order (Children Act 1989 s31): no education supervision order (s36(6))
    in_care: StrictBool = False
    #: the first day on the school's roll
    admission_date: Day | None = None

    @property
    def name(self) -> str:
        return f"{self.first_name} {self.last_name}"


class Exclusion(Strict):
    reason: Text
    #: documents to the parent dated before this are history, not a checklist failure (S444-12)
    since: Day | None = None


class Parent(Strict):
    id: ParentId
    name: Text
    relationship: Text
    parental_responsibility: StrictBool
    lives_with_pupil: StrictBool
    address: Text | None = None
    address_unknown_reason: Text | None = None
    email: Email | None = None
    phone: Text | None = None
    exclude: Exclusion | None = None

    @property
    def excluded(self) -> bool:
        return self.exclude is not None

    @property
    def exclusion_reason(self) -> str:
        """Why the parent is excluded ('' when they are not)."""
        return self.exclude.reason if self.exclude is not None else ""


class Safeguarding(Strict):
    considered: StrictBool
    notify_parents_would_risk_harm: StrictBool
    notes: str = ""


class Case(Strict):
    """case.yaml: the referral, the pupil, every parent in law, and the school."""

    case_id: CaseId
    referral: Referral
    school: School
    pupil: Pupil
    parents: Annotated[list[Parent], Field(min_length=1)]
    safeguarding: Safeguarding

    def parent(self, parent_id: str) -> Parent | None:
        return next((p for p in self.parents if p.id == parent_id), None)


# ----------------------------------------------------------------------- events.yaml


class Event(Strict):
    """A chronology entry with no document: a call, a visit, a consultation."""

    date: Day
    time: ClockTime | None = None
    kind: EventKind
    with_: list[ParentId] = Field(default_factory=list, alias="with")
    by: Text | None = None
    summary: Text


# ----------------------------------------------------------------------- served


class PostServed(Strict):
    method: Literal["post_first_class", "post_second_class", "recorded_delivery"]


class HandServed(Strict):
    method: Literal["hand"]
    handed_at: Moment | None = None
    handed_by: Text | None = None
    recipient: ParentId | None = None


class EmailServed(Strict):
    method: Literal["email"]
    address: Email
    sent_at: Moment | None = None
    read_receipt: ReadReceipt = ReadReceipt.none
    read_at: Moment | None = None


Served = Annotated[PostServed | HandServed | EmailServed, Field(discriminator="method")]


# ----------------------------------------------------------------------- documents


class DocumentBase(Strict):
    title: Text
    date: Day
    template: Text | None = None
    notes: str | None = None
    #: the exhibit reference the witness gives it (e.g. DS/1), unique in the case
    exhibit: (
        Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^[A-Za-z0-9][A-Za-z0-9 ./-]{0,29}$")] | None
    ) = None

    @property
    def recipients(self) -> list[str]:
        """Parent ids this document is addressed to or concerns."""
        return []


class Addressed(DocumentBase):
    """A letter, email or notice: written to one parent, and served on them."""

    to: ParentId
    served: Served | None = None

    @property
    def recipients(self) -> list[str]:
        return [self.to]


class Letter(Addressed):
    type: Literal["letter"]


class EmailDocument(Addressed):
    type: Literal["email"]


class Meeting(DocumentBase):
    type: Literal["meeting"]
    kind: MeetingKind
    invited: list[ParentId]
    attended: list[ParentId]
    staff: list[Text]
    outcome: MeetingOutcome
    actions: list[Text] = Field(default_factory=list)
    review_date: Day | None = None

    @property
    def recipients(self) -> list[str]:
        return list(dict.fromkeys(self.invited + self.attended))


class Contract(DocumentBase):
    type: Literal["contract"]
    status: ContractStatus
    parents: list[ParentId] = Field(default_factory=list)
    start: Day | None = None
    review_date: Day | None = None
    rationale: Text | None = None

    @model_validator(mode="after")
    def _rationale_when_not_offered(self) -> Contract:
        if self.status == ContractStatus.not_offered and not self.rationale:
            raise ValueError("a contract that was not offered needs a rationale saying why")
        return self

    @property
    def recipients(self) -> list[str]:
        return list(self.parents)


class Notice(Addressed):
    type: Literal["notice"]
    kind: NoticeKind
    monitoring_weeks: Annotated[int, Field(ge=1, le=52, strict=True)] | None = None
    #: the grounds, stated in the notice, on which a penalty notice may be issued before
    #: the improvement period ends (S444-60)
    early_issue_grounds: Text | None = None


class Support(DocumentBase):
    type: Literal["support"]
    kind: SupportKind
    offered_to: list[ParentId] = Field(default_factory=list)
    status: SupportStatus
    reason: Text | None = None

    @model_validator(mode="after")
    def _reason_when_not_offered(self) -> Support:
        if self.status == SupportStatus.not_offered and not self.reason:
            raise ValueError("support that was not offered needs a reason saying why")
        return self

    @property
    def recipients(self) -> list[str]:
        return list(self.offered_to)


class Plan(DocumentBase):
    type: Literal["plan"]
    parents: list[ParentId] = Field(default_factory=list)
    review_date: Day | None = None
    #: the plan records an agreed part-time timetable, from ``start`` to ``end`` (S444-28)
    part_time_timetable: StrictBool = False
    start: Day | None = None
    end: Day | None = None

    @model_validator(mode="after")
    def _timetable_dates(self) -> Plan:
        if self.part_time_timetable and (self.start is None or self.end is None):
            raise ValueError("a part-time timetable needs its start and end dates")
        if self.start and self.end and self.end < self.start:
            raise ValueError(f"the plan ends ({self.end}) before it starts ({self.start})")
        return self

    @property
    def recipients(self) -> list[str]:
        return list(self.parents)


class Medical(DocumentBase):
    type: Literal["medical"]
    requested_from: Text | None = None
    received: StrictBool | None = None


class PupilVoice(DocumentBase):
    type: Literal["pupil_voice"]


class PenaltyNotice(DocumentBase):
    type: Literal["penalty_notice"]
    to: ParentId
    issued_on: Day
    paid: StrictBool | None = None
    withdrawn: StrictBool | None = None
    period_start: Day | None = None
    period_end: Day | None = None

    @property
    def recipients(self) -> list[str]:
        return [self.to]


class WitnessStatement(DocumentBase):
    type: Literal["witness_statement"]
    witness: Text


class Leave(DocumentBase):
    type: Literal["leave"]
    parents: list[ParentId] = Field(default_factory=list)
    start: Day
    end: Day
    decision: LeaveDecision

    @model_validator(mode="after")
    def _end_after_start(self) -> Leave:
        if self.end < self.start:
            raise ValueError(f"the leave ends ({self.end}) before it starts ({self.start})")
        return self

    @property
    def recipients(self) -> list[str]:
        return list(self.parents)


class Decision(DocumentBase):
    """A recorded decision, e.g. that an education supervision order was considered."""

    type: Literal["decision"]
    kind: DecisionKind
    outcome: Text | None = None


class Other(DocumentBase):
    type: Literal["other"]


#: any document's front matter, as a type (``CaseDocument.meta``)
AnyDocument = (
    Letter
    | EmailDocument
    | Meeting
    | Contract
    | Notice
    | Support
    | Plan
    | Medical
    | PupilVoice
    | PenaltyNotice
    | WitnessStatement
    | Leave
    | Decision
    | Other
)

Document = Annotated[
    Letter
    | EmailDocument
    | Meeting
    | Contract
    | Notice
    | Support
    | Plan
    | Medical
    | PupilVoice
    | PenaltyNotice
    | WitnessStatement
    | Leave
    | Decision
    | Other,
    Field(discriminator="type"),
]

DOCUMENT_TYPES: dict[str, type[DocumentBase]] = {
    cls.model_fields["type"].annotation.__args__[0]: cls  # type: ignore[union-attr]
    for cls in (
        Letter,
        EmailDocument,
        Meeting,
        Contract,
        Notice,
        Support,
        Plan,
        Medical,
        PupilVoice,
        PenaltyNotice,
        WitnessStatement,
        Leave,
        Decision,
        Other,
    )
}

DOCUMENT_ADAPTER: TypeAdapter[Any] = TypeAdapter(Document)
EVENTS_ADAPTER: TypeAdapter[list[Event]] = TypeAdapter(list[Event])


# ----------------------------------------------------------------------- register


class RegisterEntry(Strict):
    """One row of attendance.csv: a session and its mark, with any amendment history."""

    date: Day
    session: Literal["AM", "PM"]
    code: Annotated[str, StringConstraints(min_length=1, max_length=3)]
    minutes_late: Annotated[int, Field(ge=0, le=300)] | None = None
    amended_from: str | None = None
    amended_on: Day | None = None
    amended_by: str | None = None
    amended_reason: str | None = None
    note: str | None = None

    @property
    def amended(self) -> bool:
        return any((self.amended_from, self.amended_on, self.amended_by, self.amended_reason))
