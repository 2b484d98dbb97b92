"""The referral form page: the one-page summary a local authority's penalty-notice
request or prosecution referral form asks a school for, filled in from the case.

Takes the validated case and its check result; gives the page's HTML. The fields are
the union of what these published forms ask for (read in December 2025):

* Kent County Council, "School request to issue penalty notice" (studylib.net/doc/6676477):
  the requester, pupil (legal name, date of birth, year, UPN, looked after: do not
  submit), unauthorised sessions, every parent and carer with relationship and address,
  the reason, and four confirmations (reasons considered and the absence recorded as
  unauthorised, nothing prevents a notice, certificate and letters attached, no special
  circumstances);
* Oxfordshire County Council, "Penalty Notice Referral to the County Attendance Team"
  (docsbay.net/penalty-notice-referral-to-the-county-attendanceteam): looked after,
  agencies involved (social care, CAMHS), early help offered, a certificate with no
  ``N`` marks, each person the pupil lives with and their address and phone, and the
  confirmation that causes were investigated, support offered and parents told;
* a county penalty-notice request with an "LCC school number" (studylib.net/doc/7363098;
  the council is not named in the text): every parent or the reason one is missing,
  school contact, warning letters already issued, leave dates;
* Lincolnshire County Council, "Non-school attendance prosecutions" online form
  (lincolnshire.gov.uk/school-attendance/pupil-attendance/8): pupil and parent details
  with addresses and contacts, attendance over at least six weeks, the chronology of
  the previous six months, interventions and their outcome, penalty notices issued, the
  notice to improve or warning, a witness statement;
* Norfolk County Council, legal intervention referral and prosecution pack
  (schools.norfolk.gov.uk articles 71563 and 61586): the support-first steps, the
  parents' reasons and the barriers, notice to parents before referral, the witness
  statement, exhibits and the head teacher's certificate.

Each confirmation is ticked only when the checklist rule behind it passes, and names the
rule (``CONFIRMATIONS``). An excluded parent is listed with the reason, never with an
address, phone or email: the page goes into every pack.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from .. import figures
from ..case.models import PenaltyNotice, Route, Support, SupportKind
from ..case.validate import CaseFolder
from ..checklist import RULES, CheckResult
from ..register import attendance
from ..register.calendar import school_year_start

__all__ = ["CONFIRMATIONS", "Confirmation", "confirmations", "referral_form_html"]

#: what the forms ask a school to confirm, and the checklist rules that must pass
CONFIRMATIONS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Every parent and carer is named, with an address or the reason none can be given", ("S444-10",)),
    ("The pupil is of compulsory school age and on the school's roll for the whole period", ("S444-02", "S444-06")),
    ("The pupil is not looked after by a local authority", ("S444-05",)),
    ("No absence in the period is still waiting for a reason (no N mark past the limit)", ("S444-22",)),
    ("The national threshold is met (10 unauthorised sessions in 10 school weeks)", ("S444-20",)),
    ("There is unauthorised absence within the six months before referral", ("S444-21",)),
    ("Any holiday absence is covered by a leave record (the refused request)", ("S444-23",)),
    ("For holiday absence, the parents were warned in writing beforehand", ("S444-64",)),
    ("Each parent was written to separately, and each letter's service is recorded", ("S444-11", "S444-30")),
    ("Parents were invited to a meeting about attendance", ("S444-42",)),
    ("Support offered before any formal notice; early help offered, or why not recorded", ("S444-40", "S444-41")),
    ("Special educational and medical needs were considered as a barrier", ("S444-44", "S444-25")),
    ("The pupil's own views were sought", ("S444-43",)),
    ("An attendance contract was offered, or the reason it was not is recorded", ("S444-50",)),
    ("A notice to improve was served and ran its period, or none was needed (holiday absence)", ("S444-60",)),
    ("A final warning was served before referral", ("S444-62",)),
    ("The parents were told in writing that a referral would be made", ("S444-63",)),
    ("Safeguarding was considered, the DSL consulted, and notifying the parents is safe", ("S444-70", "S444-71")),
    ("The social worker was consulted", ("S444-46",)),
    ("Earlier penalty notices: within the limit, and none covers this period", ("S444-61", "S444-84")),
    ("An education supervision order was considered", ("S444-80",)),
    ("The attendance certificate (s566) names who signs it", ("S444-82",)),
    ("A witness statement in s9 form from the attendance lead is on record", ("S444-85",)),
)

_TITLES = {
    Route.penalty_notice: "Request for a penalty notice",
    Route.notice_to_improve: "Request for a notice to improve",
    Route.prosecution_444_1: "Referral for prosecution, Education Act 1996 s444(1)",
    Route.prosecution_444_1a: "Referral for prosecution, Education Act 1996 s444(1A)",
    Route.education_supervision_order: "Referral for an education supervision order",
}


@dataclass(frozen=True)
class Confirmation:
    text: str
    rules: tuple[str, ...]
    ticked: bool
    status: str  # pass | fail | warn | info | not_applicable (the worst that applies)


def confirmations(result: CheckResult) -> list[Confirmation]:
    """Every confirmation that applies to the route, ticked when all its rules pass."""
    order = {"fail": 0, "warn": 1, "info": 2, "pass": 3, "not_applicable": 4}
    out = []
    for text, all_rules in CONFIRMATIONS:
        rules = tuple(r for r in all_rules if r in RULES and RULES[r].applies_to(result.route))
        if not rules:
            continue  # another route's confirmation
        statuses = [f.status.value for f in result.findings if f.rule in rules]
        applying = [s for s in statuses if s != "not_applicable"]
        if not applying:
            out.append(Confirmation(text, rules, False, "not_applicable"))
            continue
        worst = min(applying, key=order.__getitem__)
        out.append(Confirmation(text, rules, worst == "pass", worst))
    return out


def _sessions_by_month(marks: list[attendance.Mark]) -> list[tuple[str, str]]:
    """Unauthorised sessions as 'September 2024', '23, 24, 26 pm, 27 am ...'."""
    days: dict[dt.date, list[str]] = {}
    for mark in marks:
        days.setdefault(mark.date, []).append(mark.session)
    months: dict[str, list[str]] = {}
    for day, sessions in sorted(days.items()):
        label = figures.month_year(day)
        text = str(day.day) if len(sessions) == 2 else f"{day.day} {sessions[0].lower()}"
        months.setdefault(label, []).append(text)
    return [(month, ", ".join(items)) for month, items in months.items()]


def referral_form_html(folder: CaseFolder, result: CheckResult) -> str:
    """The referral form page (templates/bundle/referral_form.html.j2)."""
    from .parts import render_page

    return render_page("referral_form.html.j2", title="Referral summary", **form_context(folder, result))


def form_context(folder: CaseFolder, result: CheckResult) -> dict[str, Any]:
    c = folder.case
    as_of = c.referral.date
    register = attendance.Register.from_marks(folder.register).between(None, as_of)
    last = register.marks[-1].date if len(register) else as_of
    # the school year the register reaches (a referral made in a later one has no marks in it)
    year_start = school_year_start(last)
    period = result.offence_period or (year_start, last)
    in_period = register.between(*period)
    s = attendance.summarise(in_period)
    year = attendance.summarise(register, start=year_start, end=last)
    unauthorised = [m for m, code in zip(in_period.marks, in_period.codes) if code.is_unauthorised]
    by_code = [(code, n) for code, n in s.by_code.items() if n and code in {"G", "N", "O", "U"}]
    notices = [d.meta for d in folder.documents if isinstance(d.meta, PenaltyNotice)]
    parents = []
    for p in c.parents:
        mine = [n for n in notices if n.to == p.id]
        parents.append(
            {
                "p": p,
                "notices": ", ".join(
                    f"{figures.short_date(n.issued_on)} ({'withdrawn' if n.withdrawn else 'paid' if n.paid else 'not paid' if n.paid is False else 'issued'})"
                    for n in mine
                ),
            }
        )
    early_help = [
        d.meta for d in folder.documents if isinstance(d.meta, Support) and d.meta.kind == SupportKind.early_help
    ]
    agencies = []
    if c.pupil.has_social_worker:
        agencies.append("social worker (children's social care)")
    if early_help:
        agencies.append("early help (" + ", ".join(m.status.value.replace("_", " ") for m in early_help) + ")")
    if c.pupil.send.value != "none":
        agencies.append("SEN support" if c.pupil.send.value == "sen_support" else "EHCP")
    return {
        "case": c,
        "form_title": _TITLES[c.referral.route],
        "period": period,
        "s": s,
        "pct": figures.percent(s.attended, s.possible),
        "year": year,
        "year_pct": figures.percent(year.attended, year.possible),
        "year_start": year_start,
        "last": last,
        "by_code": by_code,
        "months": _sessions_by_month(unauthorised),
        "unauthorised_count": len(unauthorised),
        "parents": parents,
        "agencies": agencies,
        "confirmations": confirmations(result),
        "profile": result.profile,
        "ready": result.ready,
    }
