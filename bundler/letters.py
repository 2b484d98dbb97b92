"""The toolkit's letters, notices and forms, rendered from a validated case.

Each template is one file, ``templates/letters/<name>.md.j2``: YAML front matter that
declares what the template is (its road-map step, the document type it produces, the
figures it needs), then a Jinja2 Markdown body. Files whose name starts with ``_`` are
partials (letterhead, sign-off) and are not templates.

The figures a letter quotes come from the attendance engine, never from the user:
attendance over the school year to date, sessions and learning lost, the unauthorised
sessions of the latest threshold window, the improvement period of a notice. Dates a
letter sets (a meeting, a reply, a review, the end of an improvement period) are
computed in school days or weeks, skipping weekends.

Every letter is written to one parent: a parent who is excluded, a parent with no
postal address (for post) or no email address of their own (for email) is refused
with the reason. Nothing here writes anything except ``write_letters`` and
``new_case``, and they never overwrite a file.
"""

from __future__ import annotations

import datetime as dt
import html
import os
import re
import textwrap
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any, Literal

import yaml
from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from . import attendance
from .errors import BundlerError
from .load import split_front_matter
from .models import (
    Contract,
    ContractStatus,
    Leave,
    LeaveDecision,
    Meeting,
    MeetingKind,
    NoticeKind,
    Parent,
    Plan,
    Route,
    ServeMethod,
    Support,
    SupportStatus,
)
from .output import atomic_write_bytes, atomic_write_text
from .validate import CaseFolder, validate_folder

TEMPLATE_PACKAGE = "bundler.templates"
TEMPLATE_FOLDER = "letters"
TEMPLATE_SUFFIX = ".md.j2"

#: the nine steps of the attendance road map, in order
ROAD_MAP: Mapping[int, str] = {
    1: "Contact with parents",
    2: "School attendance policy",
    3: "Absence call-backs",
    4: "Leave of absence",
    5: "Pupil check-ins",
    6: "Early help and initial concern conversation",
    7: "Declining attendance meeting",
    8: "Moving to a formal approach",
    9: "Deciding if legal intervention is appropriate",
}

#: context fields every template may use, whatever it declares
BASE_FIELDS = ("case_id", "date", "route", "school", "la", "pupil", "signatory", "serve", "parent", "parents", "template")

#: context fields a template may declare in ``needs``, and what each holds
NEEDS: Mapping[str, str] = {
    "attendance": "attendance over the school year to the letter's date: %, sessions missed, learning lost",
    "window": "the latest threshold window: unauthorised sessions, first and last day, met or not",
    "improvement_period": "a notice's improvement period: weeks, first and last day",
    "meeting_date": "the date of a meeting the letter sets, a number of school days ahead",
    "reply_by": "the date a reply or evidence is wanted by, a number of school days ahead",
    "review_date": "the date a plan or contract is reviewed, a number of weeks ahead",
    "illness": "illness (I) sessions this school year and their share of possible sessions",
    "lateness": "late marks and minutes late this school year",
    "leave": "the leave of absence in question: a leave record of the case, or the last run of G marks",
    "last_meeting": "the latest meeting of the template's meeting kind: date, who came, actions, review date",
    "contract": "the latest attendance contract: dates, status, attendance since it started",
    "since_last_letter": "absence since the last letter, email or notice to this parent",
    "support": "the support offered to this parent so far (support records and meeting actions)",
    "penalty": "penalty notice amounts and payment periods (national, from 19 August 2024)",
}

#: document types a template may produce (the front matter ``type`` it writes)
PRODUCES = ("letter", "notice", "plan", "contract", "other")

#: the penalty notice amounts and periods in force from 19 August 2024 (England)
PENALTY = {"reduced": 80, "full": 160, "reduced_days": 21, "full_days": 28, "limit": 2, "limit_years": 3}

POSTAL = ("post_first_class", "post_second_class", "recorded_delivery")
SERVE_LABELS = {
    "post_first_class": "first-class post",
    "post_second_class": "second-class post",
    "recorded_delivery": "recorded delivery",
    "hand": "by hand",
    "email": "email",
}


class LetterError(BundlerError):
    """A letter cannot be written as asked (unknown template, excluded parent, no address...)."""


class Placeholder(str):
    """A value the school fills in by hand; shown in the letter as ``[label]``."""

    def __new__(cls, label: str) -> Placeholder:
        return super().__new__(cls, f"[{label}]")


# ----------------------------------------------------------------------- templates


class _Step(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    number: int = Field(ge=1, le=9)
    name: str


class _Produces(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    type: Literal["letter", "notice", "plan", "contract", "other"]
    notice_kind: NoticeKind | None = None


class _Input(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    name: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    label: str
    default: str | None = None


class _TemplateFile(BaseModel):
    """The front matter of a template file, as written."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    title: str
    step: _Step
    purpose: str
    produces: _Produces
    addressed: Literal["parent", "parents", "pupil"] = "parent"
    needs: list[str] = Field(default_factory=list)
    monitoring_weeks: int | None = Field(default=None, ge=1, le=52)
    meeting_kind: MeetingKind | None = None
    leave_decision: LeaveDecision | None = None
    leave_from_register: bool = False
    meeting_school_days: int = Field(default=5, ge=0, le=60)
    reply_school_days: int = Field(default=5, ge=0, le=60)
    review_weeks: int = Field(default=6, ge=1, le=52)
    inputs: list[_Input] = Field(default_factory=list)


@dataclass(frozen=True)
class TemplateInput:
    """A value the school supplies (a meeting time, a place); a placeholder otherwise."""

    name: str
    label: str
    default: str | None = None


@dataclass(frozen=True)
class LetterTemplate:
    """One template of the toolkit and what it declares about itself."""

    name: str
    title: str
    step: int
    step_name: str
    purpose: str
    type: str  # letter | notice | plan | contract | other
    notice_kind: str | None
    addressed: str  # parent (one per parent) | parents (one document for all) | pupil (no parent)
    needs: tuple[str, ...]
    monitoring_weeks: int | None
    meeting_kind: str | None
    leave_decision: str | None
    leave_from_register: bool
    meeting_school_days: int
    reply_school_days: int
    review_weeks: int
    inputs: tuple[TemplateInput, ...]

    @property
    def served(self) -> bool:
        """True when the document is sent to a parent and records its service."""
        return self.type in ("letter", "notice")

    @property
    def file_name(self) -> str:
        return self.name + TEMPLATE_SUFFIX


def _letters_dir():
    return resources.files(TEMPLATE_PACKAGE).joinpath(TEMPLATE_FOLDER)


@cache
def template_names() -> list[str]:
    """The names of every template, sorted (from the file names; nothing is parsed)."""
    names = [
        entry.name[: -len(TEMPLATE_SUFFIX)]
        for entry in _letters_dir().iterdir()
        if entry.name.endswith(TEMPLATE_SUFFIX) and not entry.name.startswith("_")
    ]
    return sorted(names)


def _parse_template(name: str, text: str) -> LetterTemplate:
    split = split_front_matter(text)
    if split is None:
        raise LetterError(f"template {name}: the file does not start with '---' front matter")
    try:
        data = yaml.safe_load(split[0])
        meta = _TemplateFile.model_validate(data)
    except (yaml.YAMLError, ValidationError) as exc:
        raise LetterError(f"template {name}: invalid front matter: {exc}") from None
    problems = []
    if meta.name != name:
        problems.append(f"name '{meta.name}' does not match the file name")
    if meta.step.name != ROAD_MAP[meta.step.number]:
        problems.append(f"step {meta.step.number} is '{ROAD_MAP[meta.step.number]}', not '{meta.step.name}'")
    if (meta.produces.type == "notice") != (meta.produces.notice_kind is not None):
        problems.append("a notice, and only a notice, declares produces.notice_kind")
    unknown = [n for n in meta.needs if n not in NEEDS]
    if unknown:
        problems.append(f"unknown needs {unknown}; known: {', '.join(NEEDS)}")
    if "improvement_period" in meta.needs and meta.monitoring_weeks is None:
        problems.append("a template that needs improvement_period declares monitoring_weeks")
    if "last_meeting" in meta.needs and meta.meeting_kind is None:
        problems.append("a template that needs last_meeting declares meeting_kind")
    if meta.produces.type in ("letter", "notice") and meta.addressed != "parent":
        problems.append("letters and notices are addressed to one parent")
    if problems:
        raise LetterError(f"template {name}: " + "; ".join(problems))
    return LetterTemplate(
        name=meta.name,
        title=meta.title,
        step=meta.step.number,
        step_name=meta.step.name,
        purpose=meta.purpose,
        type=meta.produces.type,
        notice_kind=meta.produces.notice_kind.value if meta.produces.notice_kind else None,
        addressed=meta.addressed,
        needs=tuple(meta.needs),
        monitoring_weeks=meta.monitoring_weeks,
        meeting_kind=meta.meeting_kind.value if meta.meeting_kind else None,
        leave_decision=meta.leave_decision.value if meta.leave_decision else None,
        leave_from_register=meta.leave_from_register,
        meeting_school_days=meta.meeting_school_days,
        reply_school_days=meta.reply_school_days,
        review_weeks=meta.review_weeks,
        inputs=tuple(TemplateInput(i.name, i.label, i.default) for i in meta.inputs),
    )


@cache
def _templates() -> dict[str, LetterTemplate]:
    folder = _letters_dir()
    return {name: _parse_template(name, folder.joinpath(name + TEMPLATE_SUFFIX).read_text(encoding="utf-8")) for name in template_names()}


def list_templates() -> list[LetterTemplate]:
    """Every template with its metadata, in road-map order, then by name."""
    return sorted(_templates().values(), key=lambda t: (t.step, t.name))


def get_template(name: str) -> LetterTemplate:
    """A template by name; a LetterError lists the known names."""
    templates = _templates()
    if name not in templates:
        import difflib

        close = difflib.get_close_matches(name, templates, n=1)
        hint = f" (did you mean '{close[0]}'?)" if close else ""
        raise LetterError(f"no letter template '{name}'{hint}; templates: {', '.join(templates)}")
    return templates[name]


# ----------------------------------------------------------------------- Jinja2


class _TemplateLoader(PackageLoader):
    """Loads templates from the package; the front matter becomes a Jinja comment,
    so line numbers in template errors still match the file."""

    def get_source(self, environment: Environment, template: str):
        source, filename, uptodate = super().get_source(environment, template)
        split = split_front_matter(source)
        if split is not None:
            front, body, body_line = split
            head = source[: len(source) - len(body)]
            if "#}" in head:
                raise LetterError(f"template {template}: '#}}' may not appear in the front matter")
            source = "{#" + head.rstrip("\n") + " -#}\n" + body
        return source, filename, uptodate


def format_date(value: Any) -> Any:
    """3 February 2025 (anything else, e.g. a placeholder, is returned as it is)."""
    if isinstance(value, dt.date):
        return f"{value.day} {value:%B %Y}"
    return value


def format_day_date(value: Any) -> Any:
    """Monday 3 February 2025."""
    if isinstance(value, dt.date):
        return f"{value:%A} {format_date(value)}"
    return value


_MARKDOWN_INLINE = re.compile(r"([\\`*_\[\]|])")


def escape_text(value: Any) -> Any:
    """Text from the case, made safe to put into Markdown that becomes HTML.

    ``&``, ``<`` and ``>`` are HTML-escaped (no tag or entity can be injected), and the
    Markdown punctuation that makes links, images, emphasis, code or table cells is
    backslash-escaped, so a name reads as written. Quotes are left alone: the text only
    ever lands in HTML text, never in an attribute. Template text (Markup) and
    placeholders pass unchanged. This is the environment's ``finalize``: autoescape then
    sees Markup and does not escape twice.
    """
    if isinstance(value, Markup):
        return value
    if isinstance(value, Placeholder):
        return Markup(html.escape(str(value), quote=False))
    if isinstance(value, str):
        text = html.escape(" ".join(value.splitlines()), quote=False)
        text = _MARKDOWN_INLINE.sub(r"\\\1", text)
        text = re.sub(r"^(\s*)([#>]|[+-](?=\s))", r"\1\\\2", text)  # not a heading, quote or list
        text = re.sub(r"^(\s*\d+)\.(?=\s)", r"\1\\.", text)  # "12. High Street" is not a numbered list
        return Markup(text)
    return value


def format_number(value: Any) -> str:
    """14 rather than 14.0; 94.25 stays 94.25."""
    if isinstance(value, float):
        return f"{value:.2f}".rstrip("0").rstrip(".")
    return str(value)


def plural(count: int | float, singular: str, many: str | None = None) -> str:
    """'1 session', '3 sessions', '1.5 days'."""
    word = singular if count == 1 else (many or singular + "s")
    return f"{format_number(count)} {word}"


@cache
def environment() -> Environment:
    """The Jinja2 environment of the letters: user text is escaped, unknown names fail."""
    env = Environment(
        loader=_TemplateLoader(TEMPLATE_PACKAGE, TEMPLATE_FOLDER),
        autoescape=True,  # select_autoescape would not cover .j2
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        finalize=escape_text,
    )
    env.filters.update(longdate=format_date, daydate=format_day_date, num=format_number, plural=plural)
    return env


# ----------------------------------------------------------------------- dates


def is_school_day(day: dt.date, holidays: Iterable[dt.date] = ()) -> bool:
    """A weekday that is not one of ``holidays``."""
    return day.weekday() < 5 and day not in set(holidays)


def next_school_day(day: dt.date, holidays: Iterable[dt.date] = ()) -> dt.date:
    """``day`` itself when it is a school day, else the first school day after it."""
    closed = set(holidays)
    while not is_school_day(day, closed):
        day += dt.timedelta(days=1)
    return day


def add_school_days(start: dt.date, n: int, holidays: Iterable[dt.date] = ()) -> dt.date:
    """The date ``n`` school days after ``start``, skipping weekends and ``holidays``.

    ``start`` itself is not counted: one school day after a Friday is the Monday. With
    ``n == 0`` the result is ``start``, moved on to a school day if it is not one.
    """
    if n < 0:
        raise ValueError(f"n must not be negative, not {n}")
    closed = set(holidays)
    if n == 0:
        return next_school_day(start, closed)
    day = start
    while n:
        day += dt.timedelta(days=1)
        if is_school_day(day, closed):
            n -= 1
    return day


def add_weeks(start: dt.date, weeks: int, holidays: Iterable[dt.date] = ()) -> dt.date:
    """``weeks`` calendar weeks after ``start``, moved on to a school day if it falls on none."""
    return next_school_day(start + dt.timedelta(weeks=weeks), holidays)


# ----------------------------------------------------------------------- context


def _pct(numerator: int, denominator: int) -> str:
    """A percentage to one decimal place, rounded down: 89.96% is 89.9%, never 90.0%."""
    if not denominator:
        return "not yet measurable"
    tenths = numerator * 1000 // denominator
    return f"{tenths // 10}.{tenths % 10}%"


_BANDS = {
    "none": "",
    "persistent": "persistently absent: missing 10% or more of possible sessions",
    "severe": "severely absent: missing half or more of possible sessions",
}


def _figures(summary: attendance.AttendanceSummary, start: dt.date, end: dt.date) -> dict[str, Any]:
    return {
        "start": start,
        "end": end,
        "last_recorded": summary.last_date,
        "possible": summary.possible,
        "attended": summary.attended,
        "pct": _pct(summary.attended, summary.possible),
        "missed_pct": _pct(summary.sessions_missed, summary.possible),
        "missed": summary.sessions_missed,
        "authorised": summary.authorised,
        "unauthorised": summary.unauthorised,
        "days_lost": summary.days_lost,
        "hours_lost": summary.hours_lost,
        "band": summary.band,
        "band_text": _BANDS[summary.band],
        "late_marks": summary.late_marks,
        "minutes_late": summary.minutes_late,
    }


def _lines(address: str | None) -> list[str]:
    return [part.strip() for part in (address or "").split(",") if part.strip()]


def _person(person) -> dict[str, Any] | None:
    if person is None:
        return None
    return {"name": person.name, "role": person.role or ""}


def _parent(parent: Parent) -> dict[str, Any]:
    return {
        "id": parent.id,
        "name": parent.name,
        "relationship": parent.relationship,
        "address": parent.address,
        "address_lines": _lines(parent.address),
        "email": parent.email,
        "phone": parent.phone,
        "lives_with_pupil": parent.lives_with_pupil,
    }


def _profile(folder: CaseFolder):
    from .profiles import load_profile

    return load_profile(folder.case.referral.profile)


def _window(register: attendance.Register, settings, on: dt.date) -> dict[str, Any]:
    """The latest window meeting the threshold; failing one, the last ``window_weeks``
    school weeks, so a letter can say how far from the threshold the pupil is."""
    from . import codes

    start = settings.threshold_counts_from
    windows = attendance.threshold_windows(
        register,
        threshold=settings.threshold_sessions,
        window_weeks=settings.threshold_window_weeks,
        start=start,
        end=on,
    )
    if windows:
        latest = windows[-1]
        first, last, weeks, marks = latest.first_day, latest.last_day, latest.weeks, latest.sessions
    else:
        recent = attendance.school_weeks(register, start=start, end=on)[-settings.threshold_window_weeks :]
        if recent:
            first, last, weeks = recent[0].first_day, recent[-1].last_day, len(recent)
            marks = tuple(m for m, c in zip(register.marks, register.codes) if c.is_unauthorised and first <= m.date <= last)
        else:
            first = last = None
            weeks, marks = 0, ()
    listed = []
    for mark in marks:
        code = codes.lookup(mark.code, mark.date)
        listed.append({"date": mark.date, "session": mark.session, "code": mark.code, "meaning": code.meaning if code else mark.code})
    return {
        "met": bool(windows),
        "threshold": settings.threshold_sessions,
        "window_weeks": settings.threshold_window_weeks,
        "first_day": first or Placeholder("first day of the period"),
        "last_day": last or Placeholder("last day of the period"),
        "weeks": weeks,
        "unauthorised": len(marks),
        "marks": listed,
    }


def _support(folder: CaseFolder, pid: str | None, on: dt.date) -> list[dict[str, Any]]:
    """Support offered to the parent so far: support records, meetings, contracts, plans."""
    items = []
    for doc in folder.documents:
        meta = doc.meta
        if meta.date > on:
            continue
        if isinstance(meta, Support):
            if meta.status != SupportStatus.not_offered and (pid is None or pid in meta.offered_to):
                items.append({"date": meta.date, "text": meta.title, "status": meta.status.value.replace("_", " ")})
        elif isinstance(meta, Meeting):
            if meta.kind != MeetingKind.pre_court_interview and (pid is None or pid in meta.invited):
                came = (pid in meta.attended) if pid else bool(meta.attended)
                items.append({"date": meta.date, "text": meta.title, "status": "attended" if came else "invited, not attended"})
        elif isinstance(meta, Contract):
            if meta.status != ContractStatus.not_offered and (pid is None or pid in meta.parents):
                items.append({"date": meta.date, "text": meta.title, "status": meta.status.value})
        elif isinstance(meta, Plan):
            if pid is None or pid in meta.parents:
                items.append({"date": meta.date, "text": meta.title, "status": "agreed"})
    return items


def _last_meeting(folder: CaseFolder, kind: str | None, pid: str | None, on: dt.date) -> dict[str, Any]:
    meetings = [
        d.meta
        for d in folder.documents
        if isinstance(d.meta, Meeting)
        and d.meta.date <= on
        and (kind is None or d.meta.kind == kind)
        and (pid is None or pid in d.meta.invited)
    ]
    if not meetings:
        return {
            "found": False,
            "date": Placeholder("date of the meeting"),
            "title": Placeholder("meeting"),
            "attended": False,
            "outcome": "",
            "actions": [],
            "review_date": Placeholder("review date"),
            "staff": [],
        }
    meeting = max(meetings, key=lambda m: m.date)
    return {
        "found": True,
        "date": meeting.date,
        "title": meeting.title,
        "attended": pid in meeting.attended if pid else bool(meeting.attended),
        "outcome": meeting.outcome.value.replace("_", " "),
        "actions": list(meeting.actions),
        "review_date": meeting.review_date or Placeholder("review date"),
        "staff": list(meeting.staff),
    }


def _contract(folder: CaseFolder, register: attendance.Register, pid: str | None, on: dt.date) -> dict[str, Any]:
    contracts = [
        d.meta
        for d in folder.documents
        if isinstance(d.meta, Contract)
        and d.meta.status != ContractStatus.not_offered
        and d.meta.date <= on
        and (pid is None or pid in d.meta.parents)
    ]
    if not contracts:
        return {
            "found": False,
            "date": Placeholder("date the contract was agreed"),
            "start": Placeholder("start date"),
            "review_date": Placeholder("review date"),
            "status": "",
            "since": None,
        }
    contract = max(contracts, key=lambda c: c.date)
    start = contract.start or contract.date
    since = attendance.summarise(register, start=start, end=on) if start <= on else None
    return {
        "found": True,
        "date": contract.date,
        "start": start,
        "review_date": contract.review_date or Placeholder("review date"),
        "status": contract.status.value,
        "since": _figures(since, start, on) if since is not None else None,
    }


def _leave(
    folder: CaseFolder,
    register: attendance.Register,
    pid: str | None,
    on: dt.date,
    holidays: frozenset[dt.date],
    *,
    decision: str | None = None,
    from_register: bool = False,
    start: dt.date | None = None,
    end: dt.date | None = None,
) -> dict[str, Any]:
    """The leave in question: the dates given, else the latest leave record of the case
    (with ``decision`` when given), else (``from_register``) the latest run of G marks."""
    found_decision = ""
    if start is None or end is None:
        leaves = [
            d.meta
            for d in folder.documents
            if isinstance(d.meta, Leave)
            and d.meta.date <= on
            and (pid is None or not d.meta.parents or pid in d.meta.parents)
            and (decision is None or d.meta.decision == decision)
        ]
        if leaves:
            leave = max(leaves, key=lambda item: item.date)
            start, end, found_decision = start or leave.start, end or leave.end, leave.decision.value
        elif from_register:
            runs = attendance.unauthorised_runs(register, code="G", end=on)
            if runs:
                start, end = start or runs[-1].first_date, end or runs[-1].last_date
    if start is None or end is None or end < start:
        return {
            "found": False,
            "start": start or Placeholder("first day of the absence"),
            "end": end or Placeholder("last day of the absence"),
            "return_date": add_school_days(end, 1, holidays) if end else Placeholder("date due back in school"),
            "school_days": Placeholder("number of"),
            "unauthorised": 0,
            "decision": "",
        }
    days = sum(1 for i in range((end - start).days + 1) if is_school_day(start + dt.timedelta(days=i), holidays))
    marked = register.between(start, end)
    return {
        "found": True,
        "start": start,
        "end": end,
        "return_date": add_school_days(end, 1, holidays),
        "school_days": days,
        "unauthorised": sum(1 for c in marked.codes if c.is_unauthorised),
        "decision": found_decision,
    }


def _since_last_letter(folder: CaseFolder, register: attendance.Register, pid: str | None, on: dt.date) -> dict[str, Any]:
    sent = [
        d.meta.date
        for d in folder.documents
        if d.meta.type in ("letter", "email", "notice") and pid is not None and getattr(d.meta, "to", None) == pid and d.meta.date < on
    ]
    if not sent:
        return {"found": False, "date": Placeholder("date of our last letter"), "missed": 0, "unauthorised": 0, "possible": 0}
    last = max(sent)
    summary = attendance.summarise(register, start=last + dt.timedelta(days=1), end=on)
    return {
        "found": True,
        "date": last,
        "missed": summary.sessions_missed,
        "unauthorised": summary.unauthorised,
        "possible": summary.possible,
    }


def letter_context(
    case: CaseFolder,
    parent_id: str | None,
    on: dt.date,
    *,
    parent_ids: Sequence[str] | None = None,
    serve: str | None = None,
    monitoring_weeks: int | None = None,
    meeting_kind: str | None = None,
    leave_decision: str | None = None,
    leave_from_register: bool = False,
    leave_start: dt.date | None = None,
    leave_end: dt.date | None = None,
    meeting_school_days: int = 5,
    reply_school_days: int = 5,
    review_weeks: int = 6,
    holidays: Iterable[dt.date] = (),
    **extra: Any,
) -> dict[str, Any]:
    """Every field a template may use, computed from the case for one parent on ``on``.

    Figures come from the register: attendance over the school year up to ``on``,
    learning lost, the latest threshold window (by the case's profile), and the dates a
    letter sets, counted in school days or weeks (weekends and ``holidays`` skipped).
    ``parent_id`` is None for a document about the pupil alone; ``parent_ids`` are the
    parents of a joint document (a contract, a plan). ``extra`` adds or overrides
    top-level fields (``meeting_time="15:30"``, ``meeting_date=date(...)``).
    """
    folder = case
    c = folder.case
    closed = frozenset(holidays)
    parent = _resolve_parent(folder, parent_id) if parent_id is not None else None
    joint = [_resolve_parent(folder, pid) for pid in (parent_ids or ([parent_id] if parent_id else []))]
    settings = _profile(folder).settings

    register = attendance.Register.from_marks(folder.register).between(None, on)
    year_start = attendance.school_year_start(on)
    year = attendance.summarise(register, start=year_start, end=on)
    illness = year.by_code.get("I", 0)
    improvement = None
    if monitoring_weeks is not None:
        improvement = {"weeks": monitoring_weeks, "start": on, "end": add_weeks(on, monitoring_weeks, closed)}

    context: dict[str, Any] = {
        "case_id": c.case_id,
        "date": on,
        "la": c.referral.local_authority,
        "route": c.referral.route.value,
        "school": {
            "name": c.school.name,
            "urn": c.school.urn,
            "address": c.school.address,
            "address_lines": _lines(c.school.address),
            "lead": _person(c.school.attendance_lead),
            "head": _person(c.school.head_teacher),
        },
        "signatory": _person(c.school.attendance_lead),
        "pupil": {
            "name": c.pupil.name,
            "first_name": c.pupil.first_name,
            "last_name": c.pupil.last_name,
            "date_of_birth": c.pupil.date_of_birth,
            "year_group": c.pupil.year_group,
            "year_label": "Reception" if c.pupil.year_group == 0 else f"Year {c.pupil.year_group}",
            "upn": c.pupil.upn or "",
            "address": c.pupil.address,
            "send": c.pupil.send.value,
        },
        "parent": _parent(parent) if parent else None,
        "parents": [_parent(p) for p in joint],
        "serve": {"method": serve, "label": SERVE_LABELS[serve]} if serve else None,
        "attendance": _figures(year, year_start, on),
        "window": _window(register, settings, on),
        "improvement_period": improvement,
        "meeting_date": add_school_days(on, meeting_school_days, closed),
        "reply_by": add_school_days(on, reply_school_days, closed),
        "review_date": add_weeks(on, review_weeks, closed),
        "illness": {"sessions": illness, "pct": _pct(illness, year.possible), "days": illness / 2},
        "lateness": {"late_marks": year.late_marks, "minutes": year.minutes_late},
        "leave": _leave(
            folder,
            register,
            parent_id,
            on,
            closed,
            decision=leave_decision,
            from_register=leave_from_register,
            start=leave_start,
            end=leave_end,
        ),
        "last_meeting": _last_meeting(folder, meeting_kind, parent_id, on),
        "contract": _contract(folder, register, parent_id, on),
        "since_last_letter": _since_last_letter(folder, register, parent_id, on),
        "support": _support(folder, parent_id, on),
        "penalty": dict(PENALTY),
    }
    context.update(extra)
    return context


# ----------------------------------------------------------------------- parents and service


def _resolve_parent(folder: CaseFolder, parent_id: str) -> Parent:
    parent = folder.case.parent(parent_id)
    if parent is None:
        known = ", ".join(f"{p.id} ({p.name})" for p in folder.case.parents)
        raise LetterError(f"'{parent_id}' is not a parent in case.yaml; parents: {known}")
    if parent.exclude is not None:
        raise LetterError(
            f"{parent.name} ({parent.id}) is excluded in case.yaml ({parent.exclude.reason}): nothing may be addressed to them"
        )
    return parent


def shared_mailbox_warning(address: str, parents: Sequence[Parent], to: Parent | None = None) -> str | None:
    """A warning when ``address`` looks shared by a household, else None.

    Shared means: the part before '@' contains family, household, home or parents, or
    two parents have the address (the same test as checklist rule S444-32).
    """
    from .rules import shared_mailbox_reason

    reason = shared_mailbox_reason(address, list(parents))
    if reason is None:
        return None
    who = f"{to.name} ({to.id})" if to else "the parent"
    return (
        f"{address} looks shared by the household ({reason}); another member of the household could read or delete "
        f"the email. Ask {who} for an address of their own, or serve by first-class post."
    )


def _check_service(template: LetterTemplate, parent: Parent | None, serve: str | None, folder: CaseFolder) -> list[str]:
    """Refuse what cannot be served; return warnings for what is weak."""
    if serve is None:
        return []
    if serve not in SERVE_LABELS:
        raise LetterError(f"'{serve}' is not a way to serve a letter; use one of {', '.join(ServeMethod)}")
    if not template.served or parent is None:
        raise LetterError(
            f"the {template.name} template produces a {template.type} that is not served on a parent: leave out the service method"
        )
    warnings = []
    if serve in POSTAL and not parent.address:
        why = f" ({parent.address_unknown_reason})" if parent.address_unknown_reason else ""
        raise LetterError(
            f"{parent.name} ({parent.id}) has no postal address in case.yaml{why}: add parents[].address, or serve by hand or email"
        )
    if serve == "email":
        if not parent.email:
            raise LetterError(
                f"{parent.name} ({parent.id}) has no email address of their own in case.yaml: add parents[].email, or serve by post or by hand"
            )
        shared = shared_mailbox_warning(parent.email, folder.case.parents, parent)
        if shared:
            warnings.append(shared)
        formal = ("notice_to_improve", "penalty_notice_warning", "final_warning")
        if template.notice_kind in formal and not _profile(folder).settings.formal_notice_by_email:
            warnings.append(
                f"the {folder.case.referral.profile} profile does not accept formal notices served by email (rule S444-35): "
                f"serve the {template.title.lower()} by first-class post or by hand as well"
            )
    if serve == "post_second_class":
        warnings.append("second-class post does not evidence good service (rule S444-34): prefer first-class post or recorded delivery")
    return warnings


# ----------------------------------------------------------------------- rendering


@dataclass
class RenderedLetter:
    """A rendered document: its suggested file name, front matter, and full Markdown text."""

    template: LetterTemplate
    parent_id: str | None
    parent_ids: tuple[str, ...]
    date: dt.date
    title: str
    filename: str
    front_matter: dict[str, Any]
    body: str
    text: str
    warnings: list[str] = field(default_factory=list)
    school_name: str = ""
    school_address: str = ""


#: plain words that YAML (1.1 or 1.2) would not read as text
_YAML_WORDS = frozenset({"y", "n", "yes", "no", "on", "off", "true", "false", "null"})


def _scalar(value: Any) -> str:
    """A YAML value the case loader reads back unchanged (text quoted unless a plain word)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, int):
        return str(value)
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_scalar(v) for v in value) + "]"
    text = str(value)
    if re.fullmatch(r"[a-z][a-z0-9_-]*", text) and text not in _YAML_WORDS:
        return text  # a type, a kind, a parent id: no quotes needed
    import json

    return json.dumps(text, ensure_ascii=False)  # a JSON string is a YAML double-quoted scalar


def _front_matter_text(meta: dict[str, Any], serve: str | None, parent_id: str | None) -> str:
    """The front matter, with comments where the school fills in service details later."""
    lines = ["---"]
    for key, value in meta.items():
        if key != "served":
            lines.append(f"{key}: {_scalar(value)}")
    if "served" in meta:
        served = meta["served"]
        lines.append("served:")
        lines.append(f"  method: {served['method']}")
        if served["method"] == "email":
            lines.append(f"  address: {_scalar(served['address'])}")
            lines.append("  # sent_at: YYYY-MM-DDTHH:MM        <- when it was sent")
            lines.append("  # read_receipt: requested          <- requested | received | none; request one every time")
            lines.append("  # read_at: YYYY-MM-DDTHH:MM        <- when the receipt came back")
        elif served["method"] == "hand":
            lines.append("  # handed_at: YYYY-MM-DDTHH:MM      <- fill in when it is handed over")
            lines.append("  # handed_by: name of the member of staff")
            lines.append(f"  # recipient: {parent_id}                    <- only ever the parent it is addressed to")
        else:
            lines.append("# notes: \"posted by ... on ...; post book entry ...\"")
    elif serve is None and meta.get("type") in ("letter", "email", "notice"):
        lines.append("# served:                           <- say how it was served (rule S444-30)")
        lines.append("#   method: post_first_class        <- post_first_class | recorded_delivery | hand | email")
    lines.append("---")
    return "\n".join(lines) + "\n"


def render_letter(
    case: CaseFolder,
    name: str,
    parent_id: str | None,
    on: dt.date,
    serve: str | None = None,
    *,
    parent_ids: Sequence[str] | None = None,
    monitoring_weeks: int | None = None,
    inputs: Mapping[str, Any] | None = None,
    holidays: Iterable[dt.date] = (),
) -> RenderedLetter:
    """Render template ``name`` for one parent of a validated case, dated ``on``.

    ``serve`` is the service method (post_first_class, post_second_class,
    recorded_delivery, hand, email), or None to leave service for the school to record.
    For a joint document (a contract or plan) pass ``parent_ids`` (default: every parent
    who is not excluded); for a pupil document pass ``parent_id=None``. ``inputs`` are
    the values the template asks the school for (``meeting_time``...; also
    ``meeting_date``, ``reply_by``, ``review_date``, ``leave_start``, ``leave_end``
    where the template uses them); a missing one is shown as a ``[placeholder]``.

    Raises LetterError for an unknown template or parent, an excluded parent (with the
    recorded reason), post to a parent with no address, email to a parent with no email
    address of their own. Weak but possible choices come back as ``warnings``.
    """
    template = get_template(name)
    c = case.case
    parent: Parent | None = None
    joint: list[str] = []
    if template.addressed == "parent":
        if parent_id is None:
            raise LetterError(f"the {name} template is written to one parent: name the parent")
        parent = _resolve_parent(case, parent_id)
        joint = [parent.id]
    elif template.addressed == "parents":
        if parent_ids is None:
            parent_ids = [parent_id] if parent_id else [p.id for p in c.parents if not p.excluded]
        joint = [_resolve_parent(case, pid).id for pid in parent_ids]
        if not joint:
            raise LetterError(f"the {name} template is for the parents, and every parent in case.yaml is excluded")
    warnings = _check_service(template, parent, serve, case)

    weeks = None
    if "improvement_period" in template.needs:
        weeks = _monitoring_weeks(template, case, monitoring_weeks)
        end = add_weeks(on, weeks, holidays)
        if template.notice_kind in ("notice_to_improve", "penalty_notice_warning") and on <= c.referral.date < end:
            warnings.append(
                f"the improvement period runs to {end.isoformat()}, after the referral date in case.yaml "
                f"({c.referral.date.isoformat()}): rule S444-60 treats a referral before the period ends as premature"
            )
    elif monitoring_weeks is not None:
        raise LetterError(f"the {name} template has no monitoring period")
    if on > c.referral.date:
        warnings.append(
            f"dated {on.isoformat()}, after the referral date in case.yaml ({c.referral.date.isoformat()}): "
            "rule S444-90 flags documents dated after the referral"
        )
    if template.notice_kind == "notification_of_referral" and c.safeguarding.notify_parents_would_risk_harm:
        raise LetterError(
            "case.yaml records that telling the parents of the referral would put the child at risk of harm "
            "(safeguarding.notify_parents_would_risk_harm): no notification of referral is written"
        )

    supplied = dict(inputs or {})
    dated = [n for n in ("meeting_date", "reply_by", "review_date") if n in template.needs]
    if "leave" in template.needs:
        dated += ["leave_start", "leave_end"]
    allowed = {i.name for i in template.inputs} | set(dated)
    unknown = sorted(set(supplied) - allowed)
    if unknown:
        raise LetterError(f"the {name} template does not take {', '.join(unknown)}; it takes {', '.join(sorted(allowed)) or 'nothing'}")
    for key in dated:
        if key in supplied and not isinstance(supplied[key], dt.date):
            raise LetterError(f"{key} must be a date, not {supplied[key]!r}")
    leave_dates = {key: supplied.pop(key) for key in ("leave_start", "leave_end") if key in supplied}
    for item in template.inputs:
        if item.name not in supplied:
            supplied[item.name] = item.default if item.default is not None else Placeholder(item.label)

    context = letter_context(
        case,
        parent.id if parent else None,
        on,
        parent_ids=joint,
        serve=serve,
        monitoring_weeks=weeks,
        meeting_kind=template.meeting_kind,
        leave_decision=template.leave_decision,
        leave_from_register=template.leave_from_register,
        meeting_school_days=template.meeting_school_days,
        reply_school_days=template.reply_school_days,
        review_weeks=template.review_weeks,
        holidays=holidays,
        **leave_dates,
        **supplied,
    )
    # a template sees the base fields and what it declares, so `needs` stays honest
    visible = {key: context[key] for key in (*BASE_FIELDS, *template.needs, *(i.name for i in template.inputs)) if key in context}
    visible["template"] = {"name": template.name, "title": template.title, "notice_kind": template.notice_kind}
    body = environment().get_template(template.file_name).render(visible)
    body = re.sub(r"\n{3,}", "\n\n", body).strip() + "\n"

    title = f"{template.title} - {c.pupil.name}"
    meta: dict[str, Any] = {"type": template.type, "title": title, "date": on}
    if template.type == "letter" and serve == "email":
        meta["type"] = "email"  # a letter sent as an email is an email document
    if template.type == "notice":
        meta["kind"] = template.notice_kind
    if parent is not None and template.served:
        meta["to"] = parent.id
    meta["template"] = template.name
    if weeks is not None:
        meta["monitoring_weeks"] = weeks
    if template.type == "contract":
        meta.update(status="offered", parents=joint, start=on, review_date=context["review_date"])
    elif template.type == "plan":
        meta.update(parents=joint, review_date=context["review_date"])
    if serve is not None and parent is not None:
        meta["served"] = {"method": serve, "address": parent.email} if serve == "email" else {"method": serve}

    suffix = f"-{parent.id}" if parent is not None else ""
    filename = f"{on.isoformat()}-{template.name}{suffix}.md"
    text = _front_matter_text(meta, serve, parent.id if parent else None) + body
    return RenderedLetter(
        template=template,
        parent_id=parent.id if parent else None,
        parent_ids=tuple(joint),
        date=on,
        title=title,
        filename=filename,
        front_matter=meta,
        body=body,
        text=text,
        warnings=warnings,
        school_name=c.school.name,
        school_address=c.school.address,
    )


def _monitoring_weeks(template: LetterTemplate, case: CaseFolder, asked: int | None) -> int:
    """The improvement period: as asked, else the template's default, kept within the
    profile's range for the notices rule S444-60 checks."""
    checked = template.notice_kind in ("notice_to_improve", "penalty_notice_warning")
    settings = _profile(case).settings
    low, high = settings.improvement_weeks_min, settings.improvement_weeks_max
    if asked is not None:
        if not 1 <= asked <= 52:
            raise LetterError(f"an improvement period of {asked} weeks is not possible (1 to 52)")
        if checked and not low <= asked <= high:
            allowed = f"{low}" if low == high else f"{low} to {high}"
            raise LetterError(
                f"the {case.case.referral.profile} profile allows an improvement period of {allowed} weeks, not {asked} (rule S444-60)"
            )
        return asked
    weeks = template.monitoring_weeks or low
    return min(max(weeks, low), high) if checked else weeks


# ----------------------------------------------------------------------- writing


@dataclass
class WrittenLetter:
    """A document written into the case, with any PDF or Word copy made of it."""

    path: Path
    letter: RenderedLetter
    pdf: Path | None = None
    docx: Path | None = None

    @property
    def warnings(self) -> list[str]:
        return self.letter.warnings


def _load(case_folder: str | os.PathLike[str]) -> CaseFolder:
    result = validate_folder(case_folder)
    if not result.valid or result.case is None:
        shown = "; ".join(str(p) for p in result.problems[:3])
        more = f" (and {len(result.problems) - 3} more)" if len(result.problems) > 3 else ""
        raise LetterError(f"{case_folder}: the case does not validate: {shown}{more}; run 'bundler validate' for details")
    return result.case


def _inside(path: Path, folder: Path) -> bool:
    try:
        path.resolve().relative_to(folder.resolve())
    except ValueError:
        return False
    return True


def write_letters(
    case_folder: str | os.PathLike[str],
    name: str,
    parent_ids: Sequence[str] = (),
    *,
    all_parents: bool = False,
    on: dt.date,
    serve: str | None = None,
    pdf_dir: str | os.PathLike[str] | None = None,
    docx_dir: str | os.PathLike[str] | None = None,
    monitoring_weeks: int | None = None,
    inputs: Mapping[str, Any] | None = None,
    holidays: Iterable[dt.date] = (),
) -> list[WrittenLetter]:
    """Write template ``name`` into the case's ``documents/``, one file per parent.

    ``parent_ids`` names the parents; ``all_parents`` means every parent who is not
    excluded. A joint template (contract, plan) writes one document for the parents
    named (or all); a pupil template writes one document and takes no parents.
    Everything is rendered and checked before anything is written, so one refusal
    writes nothing, and an existing file is never overwritten. ``pdf_dir`` and
    ``docx_dir`` receive a PDF and an editable Word copy of each; they must be outside
    ``documents/``, where a copy would count as a second document without a sidecar.
    """
    root = Path(case_folder)
    case = _load(root)
    template = get_template(name)
    ids = list(dict.fromkeys(parent_ids))
    if all_parents and ids:
        raise LetterError("name parents, or ask for all parents, not both")
    if all_parents:
        ids = [p.id for p in case.case.parents if not p.excluded]
        if not ids:
            raise LetterError("every parent in case.yaml is excluded: there is nobody to write to")
    documents = root / "documents"
    for label, folder in (("PDF", pdf_dir), ("Word", docx_dir)):
        if folder is not None and _inside(Path(folder), documents):
            raise LetterError(
                f"the {label} copies would go inside {documents}, where each would be a second document without a sidecar: "
                "choose a folder outside the case's documents"
            )

    options = {"monitoring_weeks": monitoring_weeks, "inputs": inputs, "holidays": tuple(holidays)}
    if template.addressed == "parent":
        if not ids:
            raise LetterError(f"the {name} template is written to each parent separately: name a parent, or ask for all parents")
        letters = [render_letter(case, name, pid, on, serve, **options) for pid in ids]
    elif template.addressed == "parents":
        letters = [render_letter(case, name, None, on, serve, parent_ids=ids or None, **options)]
    else:
        if ids:
            raise LetterError(f"the {name} template is about the pupil and is not addressed to a parent: name no parents")
        letters = [render_letter(case, name, None, on, serve, **options)]

    targets = []
    for letter in letters:
        stem = Path(letter.filename).stem
        path = documents / letter.filename
        pdf = Path(pdf_dir) / f"{stem}.pdf" if pdf_dir is not None else None
        docx = Path(docx_dir) / f"{stem}.docx" if docx_dir is not None else None
        for target in (path, pdf, docx):
            if target is not None and (target.exists() or target.is_symlink()):
                raise LetterError(f"{target} already exists: it is not overwritten (move it aside, or date the letter differently)")
        targets.append((letter, path, pdf, docx))

    written = []
    for letter, path, pdf, docx in targets:
        _write_new(path, letter.text.encode("utf-8"))
        result = WrittenLetter(path=path, letter=letter)
        if pdf is not None:
            _write_new(pdf, letter_pdf(letter))
            result.pdf = pdf
        if docx is not None:
            _write_new(docx, letter_docx(letter))
            result.docx = docx
        written.append(result)
    return written


def _write_new(path: Path, data: bytes) -> None:
    """Write a file that must not exist yet: claim the name exclusively, then write atomically."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        with open(path, "xb"):
            pass
    except FileExistsError:
        raise LetterError(f"{path} already exists: it is not overwritten") from None
    try:
        if path.suffix == ".md":
            atomic_write_text(path, data.decode("utf-8"))
        else:
            atomic_write_bytes(path, data)
    except BaseException:
        path.unlink(missing_ok=True)
        raise


# ----------------------------------------------------------------------- PDF and Word


_PDF_CSS = """
@page { size: A4; margin: 22mm 20mm 22mm 20mm;
        @bottom-center { content: counter(page) " of " counter(pages); font-size: 8pt; color: #555; } }
body { font-family: "DejaVu Sans", Arial, sans-serif; font-size: 10.5pt; line-height: 1.4; }
h1 { font-size: 14pt; } h2 { font-size: 12pt; } h3 { font-size: 11pt; }
table { border-collapse: collapse; width: 100%; margin: 3mm 0; }
td, th { border: 1px solid #777; padding: 2mm; vertical-align: top; text-align: left; }
"""


def letter_html(letter: RenderedLetter) -> str:
    """The letter as an HTML page (its body starts with the school's name and address).

    User text in the body is already escaped by the template environment.
    """
    import markdown

    body = markdown.markdown(letter.body, extensions=["tables", "sane_lists"])
    return (
        "<!DOCTYPE html><html lang='en-GB'><head><meta charset='utf-8'>"
        f"<title>{html.escape(letter.title)}</title><style>{_PDF_CSS}</style></head><body>"
        f"{body}</body></html>"
    )


def letter_pdf(letter: RenderedLetter) -> bytes:
    """The letter as PDF bytes (WeasyPrint)."""
    import warnings

    with warnings.catch_warnings():
        # WeasyPrint warns at import time about optional system libraries
        warnings.simplefilter("ignore", DeprecationWarning)
        from weasyprint import HTML

    return HTML(string=letter_html(letter), base_url=None).write_pdf()


_INLINE = re.compile(r"(\*\*[^*]+\*\*|\*[^*\s][^*]*\*|_[^_\s][^_]*_)")
_ESCAPED = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|>])")
_PROTECTED = re.compile("[\ue000-\ue07f]")


def _protect(text: str) -> str:
    """Hide Markdown backslash escapes (``\\*``) from the inline and table parsing."""
    return _ESCAPED.sub(lambda m: chr(0xE000 + ord(m.group(1))), text)


def _plain(text: str) -> str:
    """Protected Markdown text back to what a reader sees: escapes and entities resolved."""
    return html.unescape(_PROTECTED.sub(lambda m: chr(ord(m.group()) - 0xE000), text))


def _runs(paragraph, text: str) -> None:
    """Add protected Markdown ``text`` to a Word paragraph, with **bold** and *italic* spans."""
    for part in _INLINE.split(text):
        if not part:
            continue
        if part.startswith("**") and part.endswith("**") and len(part) > 4:
            paragraph.add_run(_plain(part[2:-2])).bold = True
        elif (part[0] in "*_") and part.endswith(part[0]) and len(part) > 2:
            paragraph.add_run(_plain(part[1:-1])).italic = True
        else:
            paragraph.add_run(_plain(part))


def letter_docx(letter: RenderedLetter) -> bytes:
    """The letter as an editable Word document, the school's name and address in the header."""
    import io

    import docx
    from docx.shared import Pt

    document = docx.Document()
    header = document.sections[0].header
    first = header.paragraphs[0]
    first.text = ""
    first.add_run(letter.school_name).bold = True
    header.add_paragraph(letter.school_address)

    lines = [_protect(line) for line in letter.body.splitlines()]
    if lines and _plain(lines[0]).strip() == f"**{letter.school_name}**":
        # the body's own school block: the Word header carries it instead
        while lines and lines[0].strip():
            lines.pop(0)
    i = 0
    paragraph = None
    previous = ""
    while i < len(lines):
        line = lines[i]
        stripped = line.strip()
        if not stripped:
            paragraph = None
            i += 1
            continue
        if stripped.startswith("|"):
            rows = []
            while i < len(lines) and lines[i].strip().startswith("|"):
                cells = [cell.strip() for cell in lines[i].strip().strip("|").split("|")]
                if not all(re.fullmatch(r":?-{2,}:?", cell) for cell in cells):
                    rows.append(cells)
                i += 1
            width = max(len(r) for r in rows)
            table = document.add_table(rows=len(rows), cols=width)
            table.style = "Table Grid"
            for r, cells in enumerate(rows):
                for col, cell in enumerate(cells):
                    target = table.cell(r, col).paragraphs[0]
                    _runs(target, cell)
                    if r == 0:
                        for run in target.runs:
                            run.bold = True
            paragraph = None
            continue
        heading = re.match(r"^(#{1,6})\s+(.*)$", stripped)
        if heading:
            level = min(len(heading.group(1)), 4)
            document.add_heading(_plain(heading.group(2).replace("**", "")), level=level)
            paragraph = None
        elif re.match(r"^[-*]\s+", stripped):
            _runs(document.add_paragraph(style="List Bullet"), re.sub(r"^[-*]\s+", "", stripped))
            paragraph = None
        elif re.match(r"^\d+\.\s+", stripped):
            _runs(document.add_paragraph(style="List Number"), re.sub(r"^\d+\.\s+", "", stripped))
            paragraph = None
        elif stripped in ("---", "***"):
            document.add_paragraph("_" * 40)
            paragraph = None
        else:
            if paragraph is None:
                paragraph = document.add_paragraph()
            elif previous.endswith("  "):
                paragraph.add_run().add_break()  # a Markdown hard line break
            else:
                paragraph.add_run(" ")
            _runs(paragraph, stripped)
        previous = line
        i += 1
    for style in ("Normal",):
        document.styles[style].font.size = Pt(11)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


# ----------------------------------------------------------------------- new case


_ROUTE_NOTES = {
    "penalty_notice": "a penalty notice: the national threshold (10 unauthorised sessions in 10 school weeks) and, usually, a notice to improve first",
    "notice_to_improve": "a notice to improve, issued by the local authority before a penalty notice",
    "prosecution_444_1": "prosecution under s444(1) Education Act 1996 (irregular attendance; strict liability)",
    "prosecution_444_1a": "prosecution under s444(1A) (the parent knew and failed without reasonable justification)",
    "education_supervision_order": "an education supervision order under s447 Education Act 1996",
}

_CASE_YAML = """\
# A new case folder, written by `bundler new`. Replace every example value with the
# real one, delete what does not apply, then run `bundler validate` on the folder.
# Dates are YYYY-MM-DD. The folder holds:
#   case.yaml       this file: the referral, the pupil, every parent, the school
#   attendance.csv  the register extract, one row per session, as the MIS exports it:
#                   date,session,code (session AM or PM; code a DfE attendance code);
#                   optional columns minutes_late, amended_from, amended_on, amended_by,
#                   amended_reason, note. A day missing from the file is a day the school
#                   was not open for the pupil. Its rows now are examples: replace them all.
#   events.yaml     calls, home visits, check-ins and consultations with no document
#   documents/      one file per letter, email, meeting note, contract, notice...: Markdown
#                   with front matter, or a PDF / Word / email / image with a NAME.yaml sidecar

case_id: {case_id}                 # letters, digits, '.', '_' and '-'; unique within the LA

referral:
  route: {route}
  # This referral asks for {route_note}.
  # Routes: penalty_notice | notice_to_improve | prosecution_444_1 | prosecution_444_1a
  #         | education_supervision_order
  date: {referral_date}              # the date the referral is made: every rule is checked "as of" this date
  local_authority: Example County Council   # the LA the referral goes to
  profile: national-2024          # the code of conduct the checklist applies: national-2024 or your LA's profile
  prepared_by:                    # who prepares the referral
    name: A. Officer
    role: Attendance Officer
    email: a.officer@school.example   # optional

school:
  name: Example Primary School
  urn: "100000"                   # the school's URN, in quotes
  address: "1 School Lane, Exampletown, ZZ1 1AA"   # commas become line breaks in letters
  attendance_lead: {{name: B. Lead, role: Deputy Headteacher}}   # signs the letters
  head_teacher: {{name: C. Head, role: Headteacher}}             # optional: certifies the register (s566)

pupil:
  first_name: Sam
  last_name: Example
  date_of_birth: 2015-05-02
  year_group: 4                   # 0 (Reception) to 13
  upn: A123456789012              # optional: the unique pupil number
  address: "2 Home Road, Exampletown, ZZ1 2BB"
  send: none                      # none | sen_support | ehcp
  medical_needs: false            # true or false
  has_social_worker: false        # true or false: then consult the social worker before referring
  looked_after: false             # optional, default false

# Everyone who is a parent in law: each holder of parental responsibility, and anyone
# who cares for the pupil. Every parent is written to separately; none is left out
# without a reason recorded under `exclude`.
parents:
  - id: p1                        # the id documents use (to:, invited:, parents:)
    name: Alex Example
    relationship: mother
    parental_responsibility: true
    lives_with_pupil: true
    address: "2 Home Road, Exampletown, ZZ1 2BB"   # needed for letters by post
    email: alex.example@mail.example               # optional: the parent's OWN address, never a shared one
    phone: "07700 900001"                          # optional, in quotes
  - id: p2
    name: Jo Example
    relationship: father
    parental_responsibility: true
    lives_with_pupil: false
    address: "9 Other Street, Elsewhere, ZZ9 9ZZ"
    # address_unknown_reason: "moved away; no forwarding address"   # when there is no address
    # exclude:                                # only when the school may not write to this parent
    #   reason: court order prevents contact  # the reason is quoted wherever the parent is left out

safeguarding:
  considered: true                # the designated safeguarding lead considered the case
  notify_parents_would_risk_harm: false   # true: do not tell the parents; the case goes to social care
  notes: "DSL consulted {referral_date}; no open child protection plan."   # who, when, what was decided
"""

_EVENTS_YAML = """\
# Chronology entries with no document behind them: calls, home visits, check-ins,
# safeguarding consultations. One entry per contact, any order.
#   kind: call | home_visit | check_in | first_day_call | welfare_check | dsl_consulted
#         | social_worker_consulted | eso_considered | other
#   with: the parent ids spoken to (optional); time: "HH:MM" in quotes (optional)
- date: {day}
  time: "09:05"
  kind: first_day_call
  with: [p1]
  by: A. Officer
  summary: Example entry - Sam absent with no message; called mother, who said Sam was unwell.
"""

_EXAMPLE_LETTER = """\
---
# An example document: Markdown with front matter saying what it is. Replace it with
# the real letters, or make new ones with `bundler letter NAME CASE --parent p1`.
type: letter                      # letter | email | meeting | contract | notice | support | plan
                                  # | medical | pupil_voice | penalty_notice | witness_statement
                                  # | leave | decision | other
title: "Attendance monitoring - Sam Example (EXAMPLE)"
date: {day}
to: p1                            # one parent: every parent is written to separately
template: attendance-monitoring   # optional: the toolkit template it follows
served:
  method: post_first_class        # post_first_class | post_second_class | recorded_delivery | hand | email
---
Dear Alex Example,

This is an example letter. Replace it with the letters actually sent to each parent.

Yours sincerely,

B. Lead
"""


def new_case(
    folder: str | os.PathLike[str],
    route: str,
    case_id: str | None = None,
    *,
    today: dt.date | None = None,
) -> Path:
    """Write a commented skeleton case folder that validates; return its path.

    Refuses a folder that exists and is not empty, and an unknown route.
    """
    root = Path(folder)
    if route not in Route.__members__:
        raise LetterError(f"'{route}' is not a route; routes: {', '.join(Route)}")
    if root.exists() and (not root.is_dir() or any(root.iterdir())):
        raise LetterError(f"{root} already exists and is not empty: a new case needs a new (or empty) folder")
    if case_id is None:
        case_id = root.name if re.fullmatch(r"[A-Za-z0-9._-]+", root.name) else "NEW-CASE"
    elif not re.fullmatch(r"[A-Za-z0-9._-]+", case_id):
        raise LetterError(f"'{case_id}' is not a case id: use letters, digits, '.', '_' and '-'")
    today = today or dt.date.today()
    # the two school days before the referral date carry the example register rows
    second = today - dt.timedelta(days=1)
    while second.weekday() >= 5:
        second -= dt.timedelta(days=1)
    first = second - dt.timedelta(days=1)
    while first.weekday() >= 5:
        first -= dt.timedelta(days=1)

    register = textwrap.dedent(
        f"""\
        date,session,code
        {first.isoformat()},AM,/
        {first.isoformat()},PM,\\
        {second.isoformat()},AM,N
        {second.isoformat()},PM,N
        """
    )
    files = {
        "case.yaml": _CASE_YAML.format(case_id=case_id, route=route, route_note=_ROUTE_NOTES[route], referral_date=today.isoformat()),
        "attendance.csv": register,
        "events.yaml": _EVENTS_YAML.format(day=second.isoformat()),
        "documents/EXAMPLE-letter-p1.md": _EXAMPLE_LETTER.format(day=second.isoformat()),
    }
    root.mkdir(parents=True, exist_ok=True)
    for rel, text in files.items():
        atomic_write_text(root / rel, text)
    return root
