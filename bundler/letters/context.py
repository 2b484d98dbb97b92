"""What a letter says about the case: every field a template may use, for one parent
on one date.

Takes a validated case, a parent and a date; gives the template context. The figures
come from the attendance engine, never from the user: attendance over the school year
to date, sessions and learning lost, the unauthorised sessions of the latest threshold
window, the improvement period of a notice. Dates a letter sets (a meeting, a reply, a
review, the end of an improvement period) are counted in school days or weeks, skipping
weekends, the school's holidays (``school.holidays``) and the weekdays the register
shows the school closed. Nothing is said about the register past its last session: the
figures run "up to" that day.

Where the case holds no record of something a template needs (no earlier letter, no
meeting), the field is a ``[blank]`` (``CASE_BLANKS`` says which, and what to add to the
case to fill it).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from .. import figures
from ..case import codes
from ..case.models import (
    Contract,
    ContractStatus,
    Leave,
    Meeting,
    MeetingKind,
    Parent,
    Person,
    Plan,
    Support,
    SupportStatus,
)
from ..case.validate import CaseFolder
from ..checklist.profiles import Profile, Settings, load_profile
from ..present.markdown import Placeholder
from ..register import attendance
from ..register.calendar import add_school_days, add_weeks, is_school_day, register_gaps, school_year_start
from .catalogue import LetterError

__all__ = ["letter_context", "closed_days", "CASE_BLANKS", "PENALTY", "SERVE_LABELS", "POSTAL"]


#: the blanks a letter shows where the case holds no record of what the template needs,
#: by need: {blank label: what to add to the case so that the letter fills it in}
CASE_BLANKS: Mapping[str, Mapping[str, str]] = {
    "window": {
        "first day of the period": "add the register (attendance.csv) for the school weeks before the letter",
        "last day of the period": "add the register (attendance.csv) for the school weeks before the letter",
    },
    "last_meeting": {
        "date of the meeting": "add the meeting's record to documents/ (type: meeting, of the template's kind)",
        "meeting": "add the meeting's record to documents/ (type: meeting, of the template's kind)",
        "review date": "give the meeting record a review_date",
    },
    "contract": {
        "date the contract was agreed": "add the attendance contract to documents/ (type: contract)",
        "start date": "add the attendance contract to documents/ (type: contract)",
        "review date": "give the contract a review_date",
    },
    "leave": {
        "first day of the absence": "add the leave request to documents/ (type: leave, with start and end)",
        "last day of the absence": "add the leave request to documents/ (type: leave, with start and end)",
        "date due back in school": "add the leave request to documents/ (type: leave, with start and end)",
        "number of": "add the leave request to documents/ (type: leave, with start and end)",
    },
    "since_last_letter": {
        "date of our last letter": "add the letter last sent to this parent to documents/ (with to: the parent's id)",
        "note for staff: absence since that letter; use no-response-further-absence": (
            "the register shows absence since the last letter: write the no-response-further-absence letter instead"
        ),
    },
    "support": {
        "list the support offered to the family, with dates": (
            "add the support offered to documents/ (type: support, meeting, contract or plan)"
        ),
    },
}


def _blank(need: str, label: str) -> Placeholder:
    """The blank a letter shows for a record the case does not hold (one of ``CASE_BLANKS``)."""
    assert label in CASE_BLANKS[need], (need, label)
    return Placeholder(label)


def closed_days(case: CaseFolder, extra: Iterable[dt.date] = ()) -> frozenset[dt.date]:
    """Every day the school is closed to the pupil as far as the case tells: the holidays
    in ``school.holidays``, the weekdays inside the register's span with no session, the
    days whose every session is marked ``#`` (a planned school closure), and ``extra``.
    Weekends are closed anyway (``is_school_day``)."""
    codes: dict[dt.date, set[str]] = {}
    for entry in case.register:
        codes.setdefault(entry.date, set()).add(entry.code)
    closures = {day for day, marks in codes.items() if marks == {"#"}}
    return frozenset(extra) | case.case.school.closed_days() | register_gaps(codes) | closures


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


_BANDS = {
    "none": "",
    "persistent": "persistently absent: missing 10% or more of possible sessions",
    "severe": "severely absent: missing half or more of possible sessions",
}


def _figures(summary: attendance.AttendanceSummary, start: dt.date, end: dt.date) -> dict[str, Any]:
    """The figures of a stretch of the register; ``end`` is the register's last session in
    it when the register stops before the asked end (a letter says "up to" that day)."""
    return {
        "start": start,
        "end": min(end, summary.last_date) if summary.last_date else end,
        "last_recorded": summary.last_date,
        "possible": summary.possible,
        "attended": summary.attended,
        "pct": figures.percent(summary.attended, summary.possible, none="not yet measurable"),
        "missed_pct": figures.percent(summary.sessions_missed, summary.possible, none="not yet measurable"),
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


def _person(person: Person | None) -> dict[str, Any] | None:
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


def case_profile(folder: CaseFolder) -> Profile:
    """The profile the case names (its settings decide windows and improvement periods)."""
    return load_profile(folder.case.referral.profile)


def _window(register: attendance.Register, settings: Settings, on: dt.date) -> dict[str, Any]:
    """The latest window meeting the threshold; failing one, the last ``window_weeks``
    school weeks, so a letter can say how far from the threshold the pupil is."""
    start = settings.threshold_counts_from
    windows = attendance.threshold_windows(
        register,
        threshold=settings.threshold_sessions,
        window_weeks=settings.threshold_window_weeks,
        start=start,
        end=on,
    )
    first: dt.date | None
    last: dt.date | None
    marks: tuple[attendance.Mark, ...]
    if windows:
        latest = windows[-1]
        first, last, weeks, marks = latest.first_day, latest.last_day, latest.weeks, latest.sessions
    else:
        recent = attendance.school_weeks(register, start=start, end=on)[-settings.threshold_window_weeks :]
        if recent:
            first, last, weeks = recent[0].first_day, recent[-1].last_day, len(recent)
            marks = tuple(
                m
                for m, c in zip(register.marks, register.codes)
                if c.is_unauthorised and recent[0].first_day <= m.date <= recent[-1].last_day
            )
        else:
            first = last = None
            weeks, marks = 0, ()
    listed = []
    for mark in marks:
        code = codes.lookup(mark.code, mark.date)
        listed.append(
            {
                "date": mark.date,
                "session": mark.session,
                "code": mark.code,
                "meaning": code.meaning if code else mark.code,
            }
        )
    return {
        "met": bool(windows),
        "threshold": settings.threshold_sessions,
        "window_weeks": settings.threshold_window_weeks,
        "first_day": first or _blank("window", "first day of the period"),
        "last_day": last or _blank("window", "last day of the period"),
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
                items.append(
                    {"date": meta.date, "text": meta.title, "status": "attended" if came else "invited, not attended"}
                )
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
            "date": _blank("last_meeting", "date of the meeting"),
            "title": _blank("last_meeting", "meeting"),
            "attended": False,
            "outcome": "",
            "actions": [],
            "review_date": _blank("last_meeting", "review date"),
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
        "review_date": meeting.review_date or _blank("last_meeting", "review date"),
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
            "date": _blank("contract", "date the contract was agreed"),
            "start": _blank("contract", "start date"),
            "review_date": _blank("contract", "review date"),
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
        "review_date": contract.review_date or _blank("contract", "review date"),
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
            "start": start or _blank("leave", "first day of the absence"),
            "end": end or _blank("leave", "last day of the absence"),
            "return_date": add_school_days(end, 1, holidays) if end else _blank("leave", "date due back in school"),
            "school_days": _blank("leave", "number of"),
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


def _since_last_letter(
    folder: CaseFolder, register: attendance.Register, pid: str | None, on: dt.date
) -> dict[str, Any]:
    """Absence since the last letter, email or notice to the parent, as far as the
    register goes: ``to`` is its last session (on or before ``on``), ``recorded`` is False
    when it holds no session after the letter, so a letter cannot claim no absence."""
    sent = [
        d.meta.date
        for d in folder.documents
        if d.meta.type in ("letter", "email", "notice")
        and pid is not None
        and getattr(d.meta, "to", None) == pid
        and d.meta.date < on
    ]
    if not sent:
        return {
            "found": False,
            "date": _blank("since_last_letter", "date of our last letter"),
            "to": on,
            "recorded": False,
            "missed": 0,
            "unauthorised": 0,
            "possible": 0,
        }
    last = max(sent)
    summary = attendance.summarise(register, start=last + dt.timedelta(days=1), end=on)
    return {
        "found": True,
        "date": last,
        "to": summary.last_date or last,
        "recorded": summary.possible > 0,
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
    letter sets, counted in school days or weeks (weekends, ``school.holidays``, the
    register's closed weekdays and ``holidays`` skipped).
    ``parent_id`` is None for a document about the pupil alone; ``parent_ids`` are the
    parents of a joint document (a contract, a plan). ``extra`` adds or overrides
    top-level fields (``meeting_time="15:30"``, ``meeting_date=date(...)``).
    """
    folder = case
    c = folder.case
    closed = closed_days(folder, holidays)
    parent = resolve_parent(folder, parent_id) if parent_id is not None else None
    joint = [resolve_parent(folder, pid) for pid in (parent_ids or ([parent_id] if parent_id else []))]
    settings = case_profile(folder).settings

    register = attendance.Register.from_marks(folder.register).between(None, on)
    year_start = school_year_start(on)
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
            "phone": c.school.phone or "",
            "email": c.school.email or "",
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
        "illness": {
            "sessions": illness,
            "pct": figures.percent(illness, year.possible, none="not yet measurable"),
            "days": illness / 2,
        },
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


def resolve_parent(folder: CaseFolder, parent_id: str) -> Parent:
    parent = folder.case.parent(parent_id)
    if parent is None:
        known = ", ".join(f"{p.id} ({p.name})" for p in folder.case.parents)
        raise LetterError(f"'{parent_id}' is not a parent in case.yaml; parents: {known}")
    if parent.exclude is not None:
        raise LetterError(
            f"{parent.name} ({parent.id}) is excluded in case.yaml ({parent.exclude.reason}): nothing may be addressed to them"
        )
    return parent
