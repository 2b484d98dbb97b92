"""The pages bundler writes itself: cover, index, checklist, attendance evidence
(figures, the register grid, the s566 certificate) and chronology.

Takes the case, its check result and the laid-out sections; gives the HTML render jobs
for those pages, with every page reference filled in.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from .. import figures
from ..case import codes
from ..case.validate import CaseFolder
from ..checklist import CheckResult
from ..present.report import grouped
from ..register import attendance
from ..register.calendar import school_year_start
from .parts import render_page, type_label
from .plan import ROUTE_TITLES, Generated, Part
from .render import RenderJob


def _pct(summary: attendance.AttendanceSummary) -> str:
    return figures.percent(summary.attended, summary.possible)


def attendance_part(ctx_case: CaseFolder, result: CheckResult) -> Part:
    case = ctx_case.case
    settings = result.profile.settings
    as_of = case.referral.date
    register = attendance.Register.from_marks(ctx_case.register).between(None, as_of)
    year_start = school_year_start(as_of)
    windows = attendance.threshold_windows(
        register,
        threshold=settings.threshold_sessions,
        window_weeks=settings.threshold_window_weeks,
        start=settings.threshold_counts_from,
        end=as_of,
    )
    period = result.offence_period
    periods = []
    for title, start, end in (
        ("School year to date", year_start, as_of),
        ("Offence period", *(period or (year_start, as_of))),
        ("Whole register", register.marks[0].date if len(register) else as_of, as_of),
    ):
        s = attendance.summarise(register, start=start, end=end)
        periods.append({"title": title, "start": start, "end": end, "s": s, "pct": _pct(s), "band": s.band})

    # the grid: one row per school week, Mon-Fri AM/PM
    marks = {(m.date, m.session): (m, c) for m, c in zip(register.marks, register.codes)}
    window_sets = []
    for i, w in enumerate(windows, 1):
        mondays = set()
        day = w.first_day - dt.timedelta(days=w.first_day.weekday())
        while day <= w.last_day:
            mondays.add(day)
            day += dt.timedelta(days=7)
        window_sets.append((f"W{i}", mondays))
    grid = []
    for week in attendance.school_weeks(register):
        cells = []
        for offset in range(5):
            day = week.monday + dt.timedelta(days=offset)
            for session in ("AM", "PM"):
                found = marks.get((day, session))
                if found is None:
                    cells.append({"code": "·", "cls": "none"})
                    continue
                mark, code = found
                cls = (
                    "unauth" if code.is_unauthorised else ("auth" if code.category == codes.Category.AUTHORISED else "")
                )
                cells.append({"code": mark.code, "cls": cls})
        grid.append(
            {
                "monday": week.monday,
                "cells": cells,
                "windows": [name for name, mondays in window_sets if week.monday in mondays],
            }
        )
    used = sorted({(m.code, c.regime) for m, c in zip(register.marks, register.codes)})
    legend = [
        {
            "code": code,
            "meaning": (codes.CODES_2024 if regime == "2024" else codes.CODES_2006)[code].meaning,
            "regime": regime,
        }
        for code, regime in used
    ]
    cert_start, cert_end = period or (year_start, as_of)
    cert_summary = attendance.summarise(register, start=cert_start, end=cert_end)
    html = render_page(
        "attendance.html.j2",
        title="Attendance evidence",
        pupil=case.pupil.name,
        school=case.school.name,
        dob=case.pupil.date_of_birth,
        as_of=as_of,
        periods=periods,
        windows=windows,
        settings=settings,
        grid=grid,
        legend=legend,
        head=case.school.head_teacher,
        cert={"start": cert_start, "end": cert_end, "s": cert_summary, "pct": _pct(cert_summary)},
    )
    return Part(
        key="attendance",
        section="B",
        title="Attendance evidence, register and s566 certificate",
        job=RenderJob(html, "attendance evidence", None),
    )


def _name(folder: CaseFolder, pid: str) -> str:
    parent = folder.case.parent(pid)
    return parent.name if parent else pid


def chronology_rows(folder: CaseFolder, pages: dict[str, int], labels: dict[str, str]) -> list[dict[str, Any]]:
    rows = []
    for doc in folder.documents:
        rows.append(
            {
                "date": doc.meta.date,
                "time": None,
                "kind": type_label(doc),
                "summary": doc.meta.title,
                "page": pages.get(doc.path),
                "label": labels.get(doc.path, ""),
            }
        )
    for event in folder.events:
        with_ = ", ".join(_name(folder, p) for p in event.with_)
        summary = event.summary + (f" (with {with_})" if with_ else "") + (f" [{event.by}]" if event.by else "")
        rows.append(
            {
                "date": event.date,
                "time": event.time,
                "kind": event.kind.value.replace("_", " "),
                "summary": summary,
                "page": None,
                "label": "",
            }
        )
    rows.sort(key=lambda r: (r["date"], r["time"] or "", r["summary"]))
    return rows


def front_matter_jobs(
    case: CaseFolder, result: CheckResult, generated: Generated, draft: bool, layout_only: bool = False
) -> list[RenderJob]:
    c = case.case
    sections = generated.sections
    total = sum(p.total_pages for s in sections for p in s.parts)
    entries = []
    for section in sections:
        section_entries = []
        for part in section.parts:
            if part.key == "cover":
                continue
            section_entries.append(
                {
                    "label": part.tab,
                    "date": part.date,
                    "title": part.title,
                    "first_page": part.first_page,
                    "last_page": part.last_page,
                }
            )
        entries.append(
            {
                "letter": section.letter,
                "title": section.title,
                "first_page": section.first_page,
                "entries": section_entries,
            }
        )
    route_title, legal_basis = ROUTE_TITLES[c.referral.route]
    period = result.offence_period
    html = render_page(
        "cover.html.j2",
        title=f"Referral bundle {c.case_id}",
        case=c,
        parents=[p for p in c.parents if not p.excluded],
        route_title=route_title,
        legal_basis=legal_basis,
        period=period,
        ready=result.ready,
        failing=result.failing_rules,
        profile=result.profile,
        total_pages=total,
        draft=draft,
    )
    jobs = [
        RenderJob(html, "cover", None, layout_only=layout_only),
        RenderJob(
            render_page("index.html.j2", title="Index", sections=entries), "index", None, layout_only=layout_only
        ),
    ]
    doc_pages = {p.doc.path: p.first_page for s in sections for p in s.parts if p.doc is not None}
    html = render_page(
        "checklist.html.j2",
        title="Section 444 checklist",
        profile=result.profile,
        as_of=result.as_of,
        counts=result.counts,
        sections=grouped(result.findings),
        pages={f"{k}": v for k, v in doc_pages.items()},
        register_page=generated.attendance.first_page,
    )
    jobs.append(RenderJob(html, "checklist", None, layout_only=layout_only))
    doc_labels = {p.doc.path: p.tab for s in sections for p in s.parts if p.doc is not None}
    html = render_page(
        "chronology.html.j2",
        title="Chronology",
        as_of=c.referral.date,
        rows=chronology_rows(case, doc_pages, doc_labels),
    )
    jobs.append(RenderJob(html, "chronology", None, layout_only=layout_only))
    return jobs
