"""Build case folders for rule tests from Python data: a READY base case, then edits.

The base case (penalty_notice route, national-2024 profile) is small and hand-worked:

* the register runs on every school day from Mon 2 Sep 2024 to Fri 7 Mar 2025,
  skipping the October half-term (28 Oct - 1 Nov), Christmas (23 Dec - 3 Jan) and the
  February half-term (17 - 21 Feb): 23 school weeks, 115 days, 230 sessions;
* every Monday from 30 Sep 2024 is unauthorised (O, both sessions): 19 Mondays,
  38 sessions; every other session is present;
* two parents: p1 (mother, email on record) and p2 (father, post and hand delivery);
* the documents and events of a complete penalty-notice case: first concern, meeting,
  early help, pupil voice, an agreed contract and its review, a four-week notice to
  improve on each parent (17 Jan - 14 Feb 2025) and a notification of the referral.

A test edits the data (``b.case``, ``b.docs``, ``b.events``, ``b.marks``) and calls
``b.check()``, which writes the folder, validates it (failing the test with the
problems if it is invalid) and runs the checklist.
"""

from __future__ import annotations

import copy
import csv
import datetime as dt
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import pytest
import yaml

from bundler.case.load import REGISTER_OPTIONAL, REGISTER_REQUIRED
from bundler.case.validate import validate_folder
from bundler.checklist import CheckResult, Finding, check_case
from bundler.checklist.profiles import load_profile

D = dt.date.fromisoformat

FIRST_DAY, LAST_DAY = D("2024-09-02"), D("2025-03-07")
HOLIDAYS = [(D("2024-10-28"), D("2024-11-01")), (D("2024-12-23"), D("2025-01-03")), (D("2025-02-17"), D("2025-02-21"))]
FIRST_ABSENT_MONDAY = D("2024-09-30")
PRESENT = {"AM": "/", "PM": "\\"}
REGISTER_COLUMNS = [*REGISTER_REQUIRED, *REGISTER_OPTIONAL]  # the order the case format gives


def school_days(first: dt.date = FIRST_DAY, last: dt.date = LAST_DAY) -> list[dt.date]:
    """Weekdays from first to last that are not in a holiday of the base calendar."""
    days, day = [], first
    while day <= last:
        if day.weekday() < 5 and not any(a <= day <= b for a, b in HOLIDAYS):
            days.append(day)
        day += dt.timedelta(days=1)
    return days


BASE_CASE: dict[str, Any] = {
    "case_id": "EX-TEST-001",
    "referral": {
        "route": "penalty_notice",
        "date": D("2025-03-07"),
        "local_authority": "Exampleshire County Council",
        "profile": "national-2024",
        "prepared_by": {"name": "D. Sample", "role": "Attendance Officer"},
    },
    "school": {
        "name": "Exampletown Academy",
        "urn": "999101",
        "address": "Academy Way, Exampletown, ZZ1 1AA",
        "attendance_lead": {"name": "P. Placeholder", "role": "Attendance Lead"},
        "head_teacher": {"name": "C. Specimen", "role": "Headteacher"},
    },
    "pupil": {
        "first_name": "Riley",
        "last_name": "Example",
        "date_of_birth": D("2012-01-15"),
        "year_group": 8,
        "address": "12 Example Crescent, Exampletown, ZZ1 4EX",
        "send": "none",
        "medical_needs": False,
        "has_social_worker": False,
        "looked_after": False,
    },
    "parents": [
        {
            "id": "p1",
            "name": "Morgan Example",
            "relationship": "mother",
            "parental_responsibility": True,
            "lives_with_pupil": True,
            "address": "12 Example Crescent, Exampletown, ZZ1 4EX",
            "email": "morgan.example@mail.example",
        },
        {
            "id": "p2",
            "name": "Jamie Specimen",
            "relationship": "father",
            "parental_responsibility": True,
            "lives_with_pupil": False,
            "address": "Flat 3, 7 Sample Street, Sampleford, ZZ2 7SP",
        },
    ],
    "safeguarding": {
        "considered": True,
        "notify_parents_would_risk_harm": False,
        "notes": "No known risk in telling either parent.",
    },
}

POST = {"method": "post_first_class"}


def hand(at: str, to: str) -> dict[str, Any]:
    """A complete hand-delivery record: handed to parent ``to`` at ``at``."""
    return {"method": "hand", "handed_at": at, "handed_by": "D. Sample", "recipient": to}


def emailed(address: str, at: str, read_receipt: str = "requested") -> dict[str, Any]:
    return {"method": "email", "address": address, "sent_at": at, "read_receipt": read_receipt}


def _meeting(date: str, kind: str, attended: list[str], **extra: Any) -> dict[str, Any]:
    return {
        "type": "meeting",
        "title": f"Meeting: {kind.replace('_', ' ')}",
        "date": D(date),
        "kind": kind,
        "invited": ["p1", "p2"],
        "attended": attended,
        "staff": ["D. Sample"],
        "outcome": "attended",
        **extra,
    }


def _notice(date: str, kind: str, to: str, served: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {
        "type": "notice",
        "title": kind.replace("_", " ").capitalize(),
        "date": D(date),
        "kind": kind,
        "to": to,
        "served": served,
        **extra,
    }


BASE_DOCS: dict[str, dict[str, Any]] = {
    "2024-09-20-email-p1-concern.md": {
        "type": "email",
        "title": "Attendance concern",
        "date": D("2024-09-20"),
        "to": "p1",
        "served": emailed("morgan.example@mail.example", "2024-09-20T10:05"),
    },
    "2024-09-20-letter-p2-concern.md": {
        "type": "letter",
        "title": "Attendance concern",
        "date": D("2024-09-20"),
        "to": "p2",
        "served": POST,
    },
    "2024-09-26-pupil-voice.md": {"type": "pupil_voice", "title": "Riley's views", "date": D("2024-09-26")},
    "2024-10-01-meeting-initial-concern.md": _meeting(
        "2024-10-01", "initial_concern", ["p1"], actions=["Weekly mentor check-in"]
    ),
    "2024-10-08-support-early-help.md": {
        "type": "support",
        "title": "Early help assessment offered",
        "date": D("2024-10-08"),
        "kind": "early_help",
        "offered_to": ["p1", "p2"],
        "status": "declined",
    },
    "2024-11-26-meeting-contract.md": _meeting("2024-11-26", "attendance_contract", ["p1", "p2"]),
    "2024-11-26-contract.md": {
        "type": "contract",
        "title": "Attendance contract",
        "date": D("2024-11-26"),
        "status": "agreed",
        "parents": ["p1", "p2"],
        "start": D("2024-11-27"),
        "review_date": D("2025-01-14"),
    },
    "2025-01-14-meeting-review.md": _meeting("2025-01-14", "review", ["p1"]),
    "2025-01-17-notice-p1-nti.md": _notice("2025-01-17", "notice_to_improve", "p1", POST, monitoring_weeks=4),
    "2025-01-17-notice-p2-nti.md": _notice(
        "2025-01-17", "notice_to_improve", "p2", hand("2025-01-17T15:25", "p2"), monitoring_weeks=4
    ),
    "2025-02-28-notice-p1-referral.md": _notice("2025-02-28", "notification_of_referral", "p1", POST),
    "2025-02-28-notice-p2-referral.md": _notice("2025-02-28", "notification_of_referral", "p2", POST),
}

BASE_EVENTS: list[dict[str, Any]] = [
    {
        "date": D("2024-10-10"),
        "kind": "dsl_consulted",
        "by": "J. Exemplar",
        "summary": "DSL reviewed the file; no concerns.",
    },
    {
        "date": D("2024-10-21"),
        "kind": "call",
        "with": ["p1"],
        "by": "D. Sample",
        "summary": "Call about Monday absence.",
    },
    {
        "date": D("2024-11-11"),
        "kind": "call",
        "with": ["p1"],
        "by": "D. Sample",
        "summary": "Call about Monday absence.",
    },
    {"date": D("2024-12-09"), "kind": "call", "with": ["p2"], "by": "D. Sample", "summary": "Call to father."},
    {
        "date": D("2025-02-03"),
        "kind": "call",
        "with": ["p1"],
        "by": "D. Sample",
        "summary": "Call about absence in the improvement period.",
    },
]


def _base_marks() -> dict[tuple[dt.date, str], dict[str, str]]:
    marks = {}
    for day in school_days():
        for session, code in PRESENT.items():
            if day.weekday() == 0 and day >= FIRST_ABSENT_MONDAY:
                code = "O"
            marks[(day, session)] = {"code": code}
    return marks


class CaseBuilder:
    """A case folder in memory: edit ``case``, ``docs``, ``events`` and ``marks``, then ``check()``."""

    def __init__(self, root: Path):
        self.root = root
        self.case: dict[str, Any] = copy.deepcopy(BASE_CASE)
        self.docs: dict[str, dict[str, Any]] = copy.deepcopy(BASE_DOCS)  # file name -> front matter
        self.bodies: dict[str, str] = {}
        self.events: list[dict[str, Any]] = copy.deepcopy(BASE_EVENTS)
        self.marks = _base_marks()  # (date, session) -> {"code": ..., other register columns}

    # --- case.yaml
    @property
    def route(self) -> str:
        return self.case["referral"]["route"]

    @route.setter
    def route(self, value: str) -> None:
        self.case["referral"]["route"] = value

    def parent(self, pid: str) -> dict[str, Any]:
        return next(p for p in self.case["parents"] if p["id"] == pid)

    # --- documents
    def add_doc(self, name: str, meta: dict[str, Any], body: str = "") -> dict[str, Any]:
        assert name.endswith(".md"), "the builder writes Markdown documents with front matter"
        self.docs[name] = meta
        self.bodies[name] = body
        return meta

    def remove_docs(self, where: Callable[[dict[str, Any]], bool]) -> list[str]:
        """Remove every document whose front matter matches; return their names."""
        gone = [name for name, meta in self.docs.items() if where(meta)]
        for name in gone:
            del self.docs[name]
        assert gone, "remove_docs matched no document"
        return gone

    def docs_where(self, where: Callable[[dict[str, Any]], bool]) -> dict[str, dict[str, Any]]:
        return {name: meta for name, meta in self.docs.items() if where(meta)}

    # --- events
    def add_event(self, date: str, kind: str, summary: str = "Recorded.", **extra: Any) -> int:
        self.events.append({"date": D(date), "kind": kind, "summary": summary, **extra})
        return len(self.events) - 1

    # --- register
    def set_marks(
        self,
        days: dt.date | str | Iterable[dt.date | str],
        code: str,
        sessions: Iterable[str] = ("AM", "PM"),
        **columns: Any,
    ) -> None:
        """Set (or add) the mark of each session of each day, with optional register columns."""
        if isinstance(days, (str, dt.date)):
            days = [days]
        for day in days:
            day = D(day) if isinstance(day, str) else day
            for session in sessions:
                self.marks[(day, session)] = {"code": code, **columns}

    def all_present(self) -> None:
        for (_, session), row in self.marks.items():
            row.clear()
            row["code"] = PRESENT[session]

    def keep_marks(self, where: Callable[[dt.date, str], bool]) -> None:
        self.marks = {key: row for key, row in self.marks.items() if where(*key)}

    def codes(self, code: str) -> list[tuple[dt.date, str]]:
        return sorted(key for key, row in self.marks.items() if row["code"] == code)

    # --- writing and checking
    def write(self) -> Path:
        root = self.root
        (root / "documents").mkdir(parents=True, exist_ok=True)
        for old in (root / "documents").iterdir():
            old.unlink()
        (root / "case.yaml").write_text(_yaml(self.case), encoding="utf-8")
        (root / "events.yaml").write_text(_yaml(self.events) if self.events else "[]\n", encoding="utf-8")
        for name, meta in self.docs.items():
            text = f"---\n{_yaml(meta)}---\n{self.bodies.get(name, 'Text of the document.')}\n"
            (root / "documents" / name).write_text(text, encoding="utf-8")
        with (root / "attendance.csv").open("w", newline="", encoding="utf-8") as out:
            writer = csv.DictWriter(out, REGISTER_COLUMNS)
            writer.writeheader()
            for (day, session), row in sorted(self.marks.items()):
                writer.writerow({"date": day.isoformat(), "session": session, **row})
        return root

    def check(self, profile: str | None = None) -> CheckResult:
        validation = validate_folder(self.write())
        if not validation.valid:
            pytest.fail("the built case is invalid:\n" + "\n".join(str(p) for p in validation.problems))
        return check_case(validation.case, load_profile(profile or self.case["referral"]["profile"]))


def _yaml(data: Any) -> str:
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True)


def finding(result: CheckResult, rule_id: str, parent: str | None = None) -> Finding:
    """The one finding of ``rule_id`` (for ``parent``, for per-parent rules)."""
    found = [f for f in result.findings if f.rule == rule_id and f.parent == parent]
    assert len(found) == 1, f"expected one {rule_id} finding for parent {parent}, got {found}"
    return found[0]


def refs(f: Finding) -> list[str]:
    """The evidence references a finding names (document paths, events.yaml[i], case.yaml:field, ...)."""
    return [e.ref for e in f.evidence]
