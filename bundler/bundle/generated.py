"""The front matter bundler writes itself: cover, index, checklist and chronology (the
attendance evidence section is ``evidence``).

Takes the case, its check result and the laid-out sections; gives the HTML render jobs
for those pages, with every page reference filled in.
"""

from __future__ import annotations

from typing import Any

from ..case.validate import CaseFolder
from ..checklist import CheckResult
from ..present.report import grouped
from ..present.service import service_words
from .parts import render_page, type_label
from .plan import ROUTE_TITLES, Generated
from .render import RenderJob


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
                "addressee": service_words(doc.meta, folder.case),
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
                "addressee": "",
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
    court = generated.court
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
                    "addressee": part.addressee,
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
        unsearchable=generated.unsearchable,
        unsearchable_why=generated.unsearchable_why,
        defendant=court.defendant if court else "",
    )
    jobs = [
        RenderJob(html, "cover", None, layout_only=layout_only),
        RenderJob(
            render_page("index.html.j2", title="Index", sections=entries, withheld=court.withheld if court else []),
            "index",
            None,
            layout_only=layout_only,
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
        index_page=generated.index.first_page,
        # a finding citing many documents shows the first few; the index lists them all
        evidence_shown=8,
    )
    jobs.append(RenderJob(html, "checklist", None, layout_only=layout_only))
    doc_labels = {p.doc.path: p.tab for s in sections for p in s.parts if p.doc is not None}
    doc_labels.update({w["path"]: "withheld" for w in (court.withheld if court else [])})
    html = render_page(
        "chronology.html.j2",
        title="Chronology",
        as_of=c.referral.date,
        rows=chronology_rows(case, doc_pages, doc_labels),
    )
    jobs.append(RenderJob(html, "chronology", None, layout_only=layout_only))
    jobs += [p.relayout(layout_only) for p in generated.parts[4:] if p.relayout is not None]
    return jobs
