"""A draft witness statement in s9 Criminal Justice Act 1967 form, written from the case.

Takes the validated case, its check result, the witness and the exhibit references;
gives a ``Statement`` (numbered paragraphs, each exhibit introduced by its reference)
and that statement as bundle pages (HTML to render) and as an editable Word document.

What the statement holds follows Criminal Procedure Rules 2020 r16.2: the witness's name
at the beginning (and age when under 18), the declaration of truth, and the signature
(here a line to sign, on every page). The declaration keeps the words of s9(2)(b) of the
1967 Act, because the statute prescribes its substance; everything else is written from
the case in the school's own voice. As Norfolk's guide to prosecution packs advises, a
step another member of staff took is said to be the school's ("the school wrote to"), so
one statement can cover the whole record. The witness must check, correct and sign it: a
draft is marked "DRAFT - unsigned" until a signed copy is added to the case as a
``witness_statement`` document, which then takes its place in the bundle.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .. import figures
from ..case import codes
from ..case.load import Limits
from ..case.models import (
    AnyDocument,
    Contract,
    Decision,
    EmailDocument,
    EmailServed,
    Event,
    EventKind,
    HandServed,
    Leave,
    Letter,
    Medical,
    Meeting,
    Notice,
    PenaltyNotice,
    Plan,
    PostServed,
    PupilVoice,
    Route,
    Support,
    WitnessStatement,
)
from ..case.validate import CaseDocument, CaseFolder
from ..checklist import CheckResult
from ..errors import BundleError
from ..register import attendance
from ..register.calendar import school_year_start
from .exhibits import ATTENDANCE_KEY

__all__ = [
    "Statement",
    "Witness",
    "WrittenStatement",
    "witness_for",
    "signed_statement",
    "build_statement",
    "statement_docx",
    "write_statement",
]

DRAFT_MARK = "DRAFT - unsigned"

#: CJA 1967 s9(2)(b), as the statute words it (r16.2(b) asks for this declaration);
#: ``{pages}`` is the statement's page count
DECLARATION = (
    "This statement (consisting of {pages} page(s) each signed by me) is true to the best of my knowledge and belief "
    "and I make it knowing that, if it is tendered in evidence, I shall be liable to prosecution if I have "
    "wilfully stated in it anything which I know to be false, or do not believe to be true."
)

#: what the referral asks for, by route, in a sentence
_ASKS = {
    Route.penalty_notice: "a penalty notice under section 444A of the Education Act 1996",
    Route.notice_to_improve: "a notice to improve, before a penalty notice under section 444A of the Education Act 1996",
    Route.prosecution_444_1: (
        "the prosecution of a parent under section 444(1) of the Education Act 1996: that the child, a registered "
        "pupil of compulsory school age, has failed to attend the school regularly"
    ),
    Route.prosecution_444_1a: (
        "the prosecution of a parent under section 444(1A) of the Education Act 1996: that the parent knew that "
        "the child was failing to attend the school regularly and failed, without reasonable justification, to "
        "cause the child to attend"
    ),
    Route.education_supervision_order: (
        "an application for an education supervision order (Children Act 1989 section 36; Education Act 1996 "
        "section 447)"
    ),
}

_NOTICE_WORDS = {
    "notice_to_improve": "a notice to improve",
    "penalty_notice_warning": "a penalty notice warning",
    "final_warning": "a final warning",
    "notification_of_referral": "written notice that a referral would be made",
    "holiday_warning": "a written warning about holiday in term time",
}

_MEETING_WORDS = {
    "initial_concern": "about the first concern",
    "declining_attendance": "about declining attendance",
    "attendance_contract": "about an attendance contract",
    "review": "to review progress",
    "pre_court_interview": "an interview before a decision to prosecute",
    "other": "about attendance",
}

_EVENT_WORDS: dict[EventKind, tuple[str, str]] = {
    # what someone did: (with the parents named, with nobody named)
    EventKind.call: ("phoned {with}", "made a phone call"),
    EventKind.home_visit: ("visited {with} at home", "made a home visit"),
    EventKind.check_in: ("held a check-in with {with}", "held a check-in"),
    EventKind.first_day_call: ("made a first-day absence call to {with}", "made a first-day absence call"),
    EventKind.welfare_check: ("made a welfare check with {with}", "made a welfare check"),
    EventKind.other: ("recorded a contact with {with}", "made a record"),
}

#: what was consulted or considered (said in the passive: the record's author may be the one consulted)
_EVENT_PASSIVE: dict[EventKind, str] = {
    EventKind.dsl_consulted: "the designated safeguarding lead was consulted",
    EventKind.social_worker_consulted: "the social worker was consulted",
    EventKind.children_services_consulted: "children's services were consulted",
    EventKind.eso_considered: "an education supervision order was considered",
}

Run = tuple[str, bool]  # text, and whether it is an exhibit reference (shown bold)


@dataclass(frozen=True)
class Witness:
    name: str
    role: str | None


@dataclass
class Statement:
    """The statement's words, ready to render as bundle pages or as a Word document."""

    case_id: str
    witness: Witness
    school: str
    paragraphs: list[list[Run]]
    #: every exhibit reference the statement introduces, in the order it introduces them
    references: list[str] = field(default_factory=list)
    draft: bool = True

    def text(self) -> str:
        """The paragraphs as plain text, numbered (for tests and for reading)."""
        return "\n".join(f"{n}. " + "".join(t for t, _ in runs) for n, runs in enumerate(self.paragraphs, 1))


def _norm(text: str) -> str:
    """A name as compared: case and spacing ignored ('K.Dummy' is 'K. Dummy')."""
    return re.sub(r"\s+", "", text).lower()


def _names(text: str, name: str) -> bool:
    """``text`` begins with ``name`` as a whole name ('N. Example, Deputy Head', not 'N. Exampleton')."""
    text, name = _norm(text), _norm(name)
    return text.startswith(name) and not text[len(name) : len(name) + 1].isalnum()


def witness_for(case: CaseFolder, name: str | None = None) -> Witness:
    """The witness: the attendance lead, or the person ``name`` names (their role found
    where the case records them: attendance lead, head teacher, the referral's author)."""
    school = case.case.school
    people = [school.attendance_lead, case.case.referral.prepared_by]
    if school.head_teacher is not None:
        people.append(school.head_teacher)
    if name is None:
        return Witness(school.attendance_lead.name, school.attendance_lead.role)
    if not name.strip():
        raise BundleError("--witness: give the witness's name")
    for person in people:
        if _norm(person.name) == _norm(name):
            return Witness(person.name, person.role)
    return Witness(name.strip(), None)


def signed_statement(case: CaseFolder, witness: Witness) -> CaseDocument[AnyDocument] | None:
    """The latest signed statement of this witness in the case (a ``witness_statement``
    document whose ``witness`` begins with, or is, the witness's name)."""
    mine = [d for d in case.documents if isinstance(d.meta, WitnessStatement) and _names(d.meta.witness, witness.name)]
    return mine[-1] if mine else None


def _strip(text: str) -> str:
    return text.strip().rstrip(".")


def _list(words: list[str]) -> str:
    if len(words) <= 1:
        return "".join(words)
    return ", ".join(words[:-1]) + " and " + words[-1]


class _Writer:
    """Turns the case into paragraphs."""

    def __init__(self, case: CaseFolder, refs: dict[str, str]):
        self.case = case
        self.c = case.case
        self.refs = refs
        self.first = self.c.pupil.first_name
        self.introduced: list[str] = []

    def who(self, pid: str | None) -> str:
        parent = self.c.parent(pid) if pid else None
        return f"{parent.name} ({parent.relationship})" if parent else (pid or "nobody recorded")

    def names(self, pids: list[str]) -> str:
        return _list([self.who(p) for p in pids]) or "nobody"

    def exhibit(self, key: str, noun: str) -> list[Run]:
        ref = self.refs.get(key)
        if ref is None:
            return []
        self.introduced.append(ref)
        return [(f" I produce {noun} as exhibit ", False), (ref, True), (".", False)]

    # -- the opening paragraphs

    def opening(self, witness: Witness) -> list[list[Run]]:
        c, school = self.c, self.c.school
        role = f"the {witness.role}" if witness.role else "a member of staff"
        out: list[list[Run]] = [
            [
                (
                    f"I am {role} at {school.name}, {school.address}. I make this statement from my own knowledge "
                    "and from the school's records, which staff make at the time as part of their work. Where I "
                    "say that the school did something, a member of staff did it in the course of their duties "
                    "and recorded it.",
                    False,
                )
            ]
        ]
        pupil = c.pupil
        year = "Reception" if pupil.year_group == 0 else f"Year {pupil.year_group}"
        since = (
            f" and has been on the school's roll since {figures.long_date(pupil.admission_date)}"
            if pupil.admission_date
            else ""
        )
        text = f"{pupil.name}, born {figures.long_date(pupil.date_of_birth)}, is a registered pupil at the school{since}, in {year}."
        if pupil.send.value == "sen_support":
            text += f" {self.first} receives SEN support."
        elif pupil.send.value == "ehcp":
            text += f" {self.first} has an education, health and care plan."
        if pupil.has_social_worker:
            text += f" {self.first} has a social worker."
        out.append([(text, False)])
        described = []
        for p in c.parents:
            pr = "has parental responsibility" if p.parental_responsibility else "does not have parental responsibility"
            home = f"lives with {self.first}" if p.lives_with_pupil else f"does not live with {self.first}"
            described.append(f"{p.name} ({p.relationship}), who {pr} and {home}")
        text = (
            f"{self.first}'s parents within the meaning of section 576 of the Education Act 1996 are "
            + "; ".join(described)
            + "."
        )
        active = [p for p in c.parents if not p.excluded]
        if active:
            verb = "parents proceeded against are" if len(active) > 1 else "parent proceeded against is"
            text += f" The {verb} " + _list([f"{p.name} ({p.relationship})" for p in active]) + "."
        for p in c.parents:
            if p.excluded:
                text += f" The school does not write to {p.name}; the reason recorded is: {_strip(p.exclusion_reason)}."
        out.append([(text, False)])
        out.append(
            [
                (
                    f"The school has referred {self.first}'s attendance to {c.referral.local_authority}, asking for {_ASKS[c.referral.route]}.",
                    False,
                )
            ]
        )
        return out

    def attendance(self, result: CheckResult) -> list[list[Run]]:
        register = attendance.Register.from_marks(self.case.register).between(None, self.c.referral.date)
        if not len(register):
            return [[("The school's register holds no session up to the referral.", False)]]
        first, last = register.marks[0].date, register.marks[-1].date
        text = (
            "The school takes its attendance register at the start of the morning and afternoon sessions of "
            f"each school day. I produce an extract of {self.first}'s register from {figures.long_date(first)} "
            f"to {figures.long_date(last)}, with the school's attendance figures and a certificate under section "
            "566 of the Education Act 1996"
        )
        ref = self.refs.get(ATTENDANCE_KEY)
        para: list[Run] = [(text + ".", False)]
        if ref is not None:
            self.introduced.append(ref)
            para = [(text + ", as exhibit ", False), (ref, True), (".", False)]
        out = [para]
        period = result.offence_period or (first, last)
        s = attendance.summarise(register, start=period[0], end=period[1])
        text = (
            f"In the offence period, {figures.long_date(period[0])} to {figures.long_date(period[1])}, {self.first} "
            f"could have attended {figures.plural(s.possible, 'session')} and attended {s.attended} of them "
            f"({figures.percent(s.attended, s.possible)}). {self.first} missed {figures.plural(s.sessions_missed, 'session')}: "
            f"{s.authorised} authorised by the school and {s.unauthorised} unauthorised"
        )
        unauthorised = [
            f"{n} marked {code} ({self._meaning(code, period[1])})"
            for code, n in s.by_code.items()
            if code in codes.UNAUTHORISED_CODES and n
        ]
        text += ": " + _list(unauthorised) + "." if unauthorised else "."
        year_start = school_year_start(self.c.referral.date)
        y = attendance.summarise(register, start=min(year_start, last), end=last)
        if year_start <= last and y.possible:
            text += (
                f" In the school year to {figures.long_date(last)} {self.first} attended {y.attended} of "
                f"{y.possible} possible sessions ({figures.percent(y.attended, y.possible)})."
            )
        out.append([(text, False)])
        return out

    def _meaning(self, code: str, on: dt.date) -> str:
        found = codes.lookup(code, on)
        return found.meaning if found else "unauthorised absence"

    # -- the chronology

    def service(self, doc: CaseDocument[AnyDocument]) -> str:
        served = getattr(doc.meta, "served", None)
        if isinstance(served, PostServed):
            return {
                "post_first_class": "by first-class post",
                "post_second_class": "by second-class post",
                "recorded_delivery": "by recorded delivery",
            }[served.method]
        if isinstance(served, HandServed):
            when = f" on {figures.date_time(served.handed_at)}" if served.handed_at else ""
            return f"by hand to {self.who(served.recipient)}{when}" if served.recipient else f"by hand{when}"
        if isinstance(served, EmailServed):
            return "by email"
        return "(how it was served is not recorded)"

    def document(self, doc: CaseDocument[AnyDocument]) -> list[Run] | None:
        m = doc.meta
        on = f"On {figures.long_date(m.date)}"
        title = f"“{m.title}”"
        if isinstance(m, Notice):
            text = f"{on} the school served {_NOTICE_WORDS[m.kind.value]} on {self.who(m.to)}, {self.service(doc)}: {title}."
            if m.monitoring_weeks:
                text += f" It set a period of {figures.plural(m.monitoring_weeks, 'week')} to improve."
            noun = "a copy of the notice"
        elif isinstance(m, EmailDocument):
            text, noun = f"{on} the school emailed {self.who(m.to)}: {title}.", "a copy of the email"
        elif isinstance(m, Letter):
            text = f"{on} the school wrote to {self.who(m.to)}, {self.service(doc)}: {title}."
            noun = "a copy of the letter"
        elif isinstance(m, Meeting):
            about = _MEETING_WORDS[m.kind.value]
            what = about if m.kind.value == "pre_court_interview" else f"a meeting {about}"
            text = f"{on} the school held {what}: {title}. Invited: {self.names(m.invited)}."
            text += f" Attended: {self.names(m.attended)}." if m.attended else " Nobody invited attended."
            if m.staff:
                text += f" Staff: {_list(list(m.staff))}."
            if m.actions:
                text += " Agreed actions: " + "; ".join(_strip(a) for a in m.actions) + "."
            noun = "the record of the meeting"
        elif isinstance(m, Contract):
            status = {
                "offered": f"offered to {self.names(m.parents)}",
                "agreed": f"agreed with {self.names(m.parents)}",
                "declined": f"offered to {self.names(m.parents)}, who declined it",
                "breached": f"recorded as not kept by {self.names(m.parents)}",
                "not_offered": f"not offered ({_strip(m.rationale or '')})",
            }[m.status.value]
            text, noun = f"{on} an attendance contract was {status}: {title}.", "the contract"
        elif isinstance(m, Plan):
            text = f"{on} an attendance action plan was made with {self.names(m.parents)}: {title}."
            if m.review_date:
                text += f" Its review date was {figures.long_date(m.review_date)}."
            noun = "the plan"
        elif isinstance(m, Support):
            kind = m.kind.value.replace("_", " ")
            who = self.names(m.offered_to)
            status = {
                "offered": f"offered to {who}",
                "accepted": f"offered to {who} and accepted",
                "declined": f"offered to {who}, who declined it",
                "not_engaged": f"offered to {who}, who did not engage with it",
                "completed": f"provided and completed, with {who}",
                "not_offered": f"not offered ({_strip(m.reason or '')})",
            }[m.status.value]
            text, noun = f"{on} support ({kind}) was {status}: {title}.", "the record of it"
        elif isinstance(m, Medical):
            text = f"{on}: {title}."
            if m.requested_from:
                text += f" The school asked {m.requested_from} for medical information."
            if m.received is not None:
                text += " A reply was received." if m.received else " No reply had been received."
            noun = "it"
        elif isinstance(m, PupilVoice):
            text, noun = f"{on} {self.first}'s own views about school were recorded: {title}.", "the record"
        elif isinstance(m, PenaltyNotice):
            period = ""
            if m.period_start and m.period_end:
                period = f" for absence from {figures.long_date(m.period_start)} to {figures.long_date(m.period_end)}"
            state = (
                "withdrawn" if m.withdrawn else ("paid" if m.paid else ("not paid" if m.paid is False else "issued"))
            )
            text = f"On {figures.long_date(m.issued_on)} a penalty notice was issued to {self.who(m.to)}{period}; it was {state}."
            noun = "a copy of it"
        elif isinstance(m, Leave):
            span = f"{figures.long_date(m.start)} to {figures.long_date(m.end)}"
            decision = {
                "authorised": f"leave from {span} was authorised",
                "refused": f"a request for leave from {span} was refused",
                "not_requested": f"no request was made for the absence from {span}",
            }[m.decision.value]
            text, noun = f"{on} {decision}: {title}.", "the record"
        elif isinstance(m, Decision):
            outcome = f" {_strip(m.outcome)}." if m.outcome else ""
            text, noun = f"{on} the school recorded a decision: {title}.{outcome}", "the record"
        elif isinstance(m, WitnessStatement):
            return None  # a statement is not a step in the chronology
        else:
            text, noun = f"{on}: {title}.", "it"
        return [(text, False), *self.exhibit(doc.path, noun)]

    def event(self, event: Event) -> list[Run]:
        at = f" at {event.time}" if event.time else ""
        with_ = self.names(list(event.with_)) if event.with_ else ""
        if event.kind in _EVENT_PASSIVE:
            what = _EVENT_PASSIVE[event.kind] + (f", with {with_}" if with_ else "")
            what += f" (recorded by {event.by})" if event.by else ""
        else:
            named, alone = _EVENT_WORDS[event.kind]
            what = f"{event.by or 'the school'} " + (named.format(**{"with": with_}) if with_ else alone)
        return [(f"On {figures.long_date(event.date)}{at}, {what}. {event.summary.strip()}", False)]

    def chronology(self) -> list[list[Run]]:
        items: list[tuple[tuple[dt.date, str, int], list[Run]]] = []
        for i, doc in enumerate(self.case.documents):
            runs = self.document(doc)
            if runs is not None:
                when = doc.meta.issued_on if isinstance(doc.meta, PenaltyNotice) else doc.meta.date
                items.append(((when, "", i), runs))
        for i, event in enumerate(self.case.events):
            items.append(((event.date, event.time or "", 10_000 + i), self.event(event)))
        return [runs for _, runs in sorted(items, key=lambda item: item[0])]


def build_statement(
    case: CaseFolder, result: CheckResult, witness: Witness, refs: dict[str, str], *, draft: bool = True
) -> Statement:
    """The statement of ``witness``, exhibiting each part that ``refs`` gives a reference."""
    writer = _Writer(case, refs)
    paragraphs = writer.opening(witness) + writer.attendance(result) + writer.chronology()
    # free text from the case (titles, summaries, reasons) may hold line breaks
    paragraphs = [[(re.sub(r"\s+", " ", text), ref) for text, ref in runs] for runs in paragraphs]
    paragraphs.append(
        [
            (
                "The exhibits I have produced are listed, with their dates and their pages in the referral "
                "bundle, in the exhibit list that follows this statement.",
                False,
            )
        ]
    )
    return Statement(case.case.case_id, witness, case.case.school.name, paragraphs, writer.introduced, draft)


def statement_context(statement: Statement) -> dict[str, Any]:
    """What the statement template (templates/bundle/statement.html.j2) shows."""
    return {
        "statement": statement,
        "draft_mark": DRAFT_MARK,
        "declaration_before": DECLARATION.split("{pages}")[0],
        "declaration_after": DECLARATION.split("{pages}")[1],
    }


# ----------------------------------------------------------------------- Word


def _field(paragraph: Any, instruction: str) -> None:
    """A Word field (PAGE, NUMPAGES) in ``paragraph``: Word fills it in when it prints."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    run = paragraph.add_run()
    begin = OxmlElement("w:fldChar")
    begin.set(qn("w:fldCharType"), "begin")
    code = OxmlElement("w:instrText")
    code.set(qn("xml:space"), "preserve")
    code.text = f" {instruction} "
    separate = OxmlElement("w:fldChar")
    separate.set(qn("w:fldCharType"), "separate")
    shown = OxmlElement("w:t")
    shown.text = "1"
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    for element in (begin, code, separate, shown, end):
        run._r.append(element)


def statement_docx(statement: Statement) -> bytes:
    """The statement as an editable Word document: the declaration with Word's own page
    count, numbered paragraphs, a signature line, and on every page a footer to sign
    with "page N of M"; the header says DRAFT - unsigned (delete it when signing)."""
    import docx
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    document = docx.Document()
    document.core_properties.title = f"Witness statement of {statement.witness.name} ({statement.case_id})"
    document.core_properties.author = statement.witness.name
    # a fixed date, so the same case gives the same file
    document.core_properties.created = document.core_properties.modified = dt.datetime(2000, 1, 1)
    document.styles["Normal"].font.size = Pt(11)
    section = document.sections[0]
    if statement.draft:
        head = section.header.paragraphs[0]
        head.text = ""
        head.add_run(DRAFT_MARK + ": check every paragraph, correct it, then sign each page").bold = True
    foot = section.footer.paragraphs[0]
    foot.text = "Signature: ................................................    Page "
    _field(foot, "PAGE")
    foot.add_run(" of ")
    _field(foot, "NUMPAGES")

    title = document.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    title.add_run("WITNESS STATEMENT").bold = True
    sub = document.add_paragraph("Criminal Justice Act 1967, section 9; Criminal Procedure Rules 2020, rule 16.2")
    sub.alignment = WD_ALIGN_PARAGRAPH.CENTER
    table = document.add_table(rows=4, cols=2)
    table.style = "Table Grid"
    for row, (label, value) in enumerate(
        (
            ("Case", statement.case_id),
            ("Statement of", statement.witness.name),
            ("Age if under 18", "over 18"),
            ("Occupation", statement.witness.role or "(to be completed by the witness)"),
        )
    ):
        table.cell(row, 0).paragraphs[0].add_run(label).bold = True
        table.cell(row, 1).text = value
    declaration = document.add_paragraph()
    before, after = DECLARATION.split("{pages}")
    declaration.add_run(before)
    _field(declaration, "NUMPAGES")
    declaration.add_run(after)
    for number, runs in enumerate(statement.paragraphs, 1):
        paragraph = document.add_paragraph()
        paragraph.add_run(f"{number}.\t")
        for text, bold in runs:
            paragraph.add_run(text).bold = bold or None
    document.add_paragraph()
    document.add_paragraph("Signature: ................................................    Date: ....................")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


@dataclass
class WrittenStatement:
    """What ``bundler statement`` wrote."""

    path: Path
    witness: Witness
    paragraphs: int
    exhibits: list[str]
    #: a signed statement of this witness already in the case (the bundle shows that one)
    signed: str | None = None


def write_statement(
    folder: str | os.PathLike[str],
    output: str | os.PathLike[str],
    *,
    witness: str | None = None,
    profile: str | None = None,
    limits: Limits | None = None,
    overwrite: bool = False,
) -> WrittenStatement:
    """Write the draft statement of a case as an editable Word document (atomically,
    never inside the case folder, never over an existing file unless ``overwrite``: the
    witness may be editing it). The case must validate; it need not be ready."""
    from ..case.validate import validate_folder
    from ..checklist import check_case, load_profile
    from ..output import atomic_write_bytes
    from .build import refuse_output_inside
    from .exhibits import assign_references

    root, out = Path(folder), Path(output)
    refuse_output_inside(root, out)
    if out.exists() and not overwrite:
        raise BundleError(f"{out}: already exists (the witness may be editing it); choose another name, or --force")
    validation = validate_folder(root, limits)
    if validation.case is None:
        raise BundleError(f"{root}: the case is invalid ({len(validation.problems)} problems); run bundler validate")
    case = validation.case
    result = check_case(case, load_profile(profile or case.case.referral.profile))
    person = witness_for(case, witness)
    refs = assign_references(case, person.name)
    statement = build_statement(case, result, person, refs)
    atomic_write_bytes(out, statement_docx(statement))
    signed = signed_statement(case, person)
    introduced = set(statement.references)
    exhibits = [ref for ref in refs.values() if ref in introduced]  # in bundle order
    return WrittenStatement(out, person, len(statement.paragraphs), exhibits, signed.path if signed else None)
