"""The court file: what section A holds besides the cover, index and checklist, and what a
pack served on one parent leaves out.

Takes the case, its check result and the build's ``CourtOptions`` (a parent's pack, the
statement on or off, the witness); gives a ``CourtFile``: the documents the bundle shows,
the referral form (after the cover), the witness statement and its exhibit list (after
the index), every exhibited part's reference (stamped on its first page), and, after
assembly, the manifest's record of all this.

Section A of a bundle:

1. the cover; 2. the referral form (``referral_form``); 3. the index;
4. the witness statement: the draft bundler writes (``statement``), or the witness's
   signed statement when the case holds one (a ``witness_statement`` document of that
   witness), which then leaves section I for this place;
5. the exhibit list (reference, description, date, bundle pages);
6. the checklist.

The statement (4, 5) goes into prosecution bundles only, unless asked for
(``CourtOptions.statement``): an s9 Criminal Justice Act 1967 statement is evidence in
criminal proceedings. A penalty-notice request is not a court file, and an education
supervision order is applied for in the family court, where a statement carries a
statement of truth under the Family Procedure Rules instead.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..case.load import Limits
from ..case.models import AnyDocument, Route
from ..case.validate import CaseDocument, CaseFolder
from ..checklist import CheckResult
from ..present.service import service_words
from .exhibits import ATTENDANCE_KEY, Exhibit, assign_references, describe, register_description
from .packs import Pack, check_pages, redacted_case_json, select_pack
from .plan import Part, Section
from .render import RenderJob
from .statement import Statement, Witness, build_statement, signed_statement, statement_context, witness_for

if TYPE_CHECKING:
    from .assemble import Assembly
    from .plan import Generated

__all__ = ["CourtOptions", "CourtFile", "STATEMENT_ROUTES", "rebuild_options"]

#: the routes whose bundles hold the witness statement unless told otherwise
STATEMENT_ROUTES = frozenset({Route.prosecution_444_1, Route.prosecution_444_1a})


@dataclass(frozen=True)
class CourtOptions:
    """What the build was asked for: a parent's pack, the statement on or off (None:
    by route), whose statement, and (a supplement) the references already served."""

    parent: str | None = None
    statement: bool | None = None
    witness: str | None = None
    served_exhibits: dict[str, str] | None = None

    def as_manifest(self) -> dict[str, Any]:
        return {"parent": self.parent, "statement": self.statement, "witness": self.witness}


def rebuild_options(manifest: dict[str, Any]) -> dict[str, Any]:
    """``build_bundle`` options that rebuild the bundle a manifest describes (verify)."""
    court = manifest.get("court")
    options = court.get("options") if isinstance(court, dict) else None
    if not isinstance(options, dict):
        return {}
    return {k: options[k] for k in ("parent", "statement", "witness") if options.get(k) is not None}


def render_page(template: str, **context: Any) -> str:
    from .parts import render_page as page

    return page(template, **context)


@dataclass
class CourtFile:
    case: CaseFolder
    result: CheckResult
    limits: Limits
    options: CourtOptions = field(default_factory=CourtOptions)
    pack: Pack | None = None
    witness: Witness | None = None
    signed: CaseDocument[AnyDocument] | None = None
    refs: dict[str, str] = field(default_factory=dict)
    statement: Statement | None = None
    referral_form: Part | None = None
    statement_part: Part | None = None
    exhibit_list: Part | None = None
    #: (part key, reference, description, date) of every exhibit, in reference order
    exhibits: list[tuple[str, str, str, Any]] = field(default_factory=list)
    sections: list[Section] = field(default_factory=list)
    html: dict[str, str] = field(default_factory=dict)  # the pages written here, for the pack check

    @classmethod
    def plan(cls, case: CaseFolder, result: CheckResult, limits: Limits, options: CourtOptions) -> CourtFile:
        court = cls(case, result, limits, options)
        if options.parent is not None:
            court.pack = select_pack(case, options.parent)
        wanted = options.statement if options.statement is not None else result.route in STATEMENT_ROUTES
        if wanted:
            court.witness = witness_for(case, options.witness)
            court.signed = signed_statement(case, court.witness)
            court.refs = assign_references(case, court.witness.name, options.served_exhibits)
        else:
            court.refs = {d.path: d.meta.exhibit for d in case.documents if d.meta.exhibit}
        from .referral_form import referral_form_html

        court.html["referral form"] = referral_form_html(case, result)
        court.referral_form = Part(
            key="referral-form",
            section="A",
            title="Referral summary (the local authority's form)",
            job=RenderJob(court.html["referral form"], "referral form", None),
        )
        if wanted:
            court._statement_parts()
        return court

    def _statement_parts(self) -> None:
        assert self.witness is not None
        if self.signed is not None:
            from .parts import document_part

            self.statement_part = document_part(self.signed, self.case, "A", self.limits)
        else:
            self.statement = build_statement(self.case, self.result, self.witness, self.refs, draft=True)
            html = render_page("statement.html.j2", title="Witness statement", **statement_context(self.statement))
            self.html["witness statement"] = html
            self.statement_part = Part(
                key="statement",
                section="A",
                title=f"Witness statement of {self.witness.name} (s9 CJA 1967), DRAFT - unsigned",
                job=RenderJob(html, "witness statement", None),
            )
        self.exhibit_list = Part(
            key="exhibits",
            section="A",
            title=f"Exhibits to the statement of {self.witness.name}",
            relayout=self._exhibit_list_job,
        )

    # -- what the plan needs

    @property
    def documents(self) -> list[CaseDocument[AnyDocument]]:
        """The documents shown in the document sections (a signed statement moved to A is not)."""
        shown = self.pack.included if self.pack is not None else self.case.documents
        return [d for d in shown if d is not self.signed]

    @property
    def after_cover(self) -> list[Part]:
        return [self.referral_form] if self.referral_form is not None else []

    @property
    def after_index(self) -> list[Part]:
        return [p for p in (self.statement_part, self.exhibit_list) if p is not None]

    def finish(self, sections: list[Section]) -> None:
        """Give every exhibited part its reference (stamped on its first page), and list
        the exhibits: the statement's in reference order, each with its part when shown."""
        self.sections = sections
        parts = {p.key: p for s in sections for p in s.parts}
        for key, ref in self.refs.items():
            if key in parts:
                parts[key].exhibit = ref
        if self.exhibit_list is None:
            return
        docs = {d.path: d for d in self.case.documents}
        dates = [r.date for r in self.case.register if r.date <= self.case.case.referral.date]
        first, last = (min(dates), max(dates)) if dates else (self.case.case.referral.date,) * 2
        for key, ref in self.refs.items():
            if key == ATTENDANCE_KEY:
                self.exhibits.append((key, ref, register_description(first, last), last))
            elif key in docs:
                doc = docs[key]
                self.exhibits.append((key, ref, describe(doc, service_words(doc.meta, self.case.case)), doc.meta.date))

    def exhibit_rows(self) -> list[Exhibit]:
        """The exhibit list as it stands (page numbers as laid out now)."""
        parts = {p.key: p for s in self.sections for p in s.parts}
        withheld = {w.doc.path: w.reason for w in self.pack.withheld} if self.pack is not None else {}
        rows = []
        for key, ref, description, date in self.exhibits:
            part = parts.get(key)
            row = Exhibit(ref, key, description, date)
            if part is not None:
                row.first_page, row.last_page = part.first_page, part.last_page
            else:
                row.withheld = "withheld from this pack: " + withheld.get(key, "not in this bundle")
            rows.append(row)
        return rows

    def _exhibit_list_job(self, layout_only: bool) -> RenderJob:
        assert self.witness is not None
        html = render_page(
            "exhibits.html.j2",
            title="Exhibits",
            witness=self.witness,
            rows=self.exhibit_rows(),
            signed=self.signed is not None,
        )
        self.html["exhibit list"] = html
        return RenderJob(html, "exhibit list", None, layout_only=layout_only)

    # -- for the index, cover and chronology

    @property
    def withheld(self) -> list[dict[str, Any]]:
        if self.pack is None:
            return []
        return [
            {"date": w.doc.meta.date, "title": w.doc.meta.title, "reason": w.reason, "path": w.doc.path}
            for w in self.pack.withheld
        ]

    @property
    def defendant(self) -> str:
        if self.pack is None:
            return ""
        return f"{self.pack.parent.name} ({self.pack.parent.relationship})"

    def warnings(self) -> list[str]:
        return self.pack.warnings() if self.pack is not None else []

    # -- after assembly

    def annotate(self, assembly: Assembly, generated: Generated, draft: bool) -> None:
        """Record the court file in the manifest; for a pack, embed the redacted case
        data and check every page bundler wrote for an excluded parent's details."""
        from .assemble import _attach as attach
        from .manifest import CASE_DATA_NAME, MANIFEST_NAME, case_json

        manifest = assembly.manifest
        manifest["court"] = {
            "options": self.options.as_manifest(),
            "witness": self.witness.name if self.witness else None,
            "statement": None if self.statement_part is None else ("signed" if self.signed else "draft"),
            "exhibits": [
                {"ref": r.ref, "key": r.key, "first_page": r.first_page, "last_page": r.last_page}
                for r in self.exhibit_rows()
            ],
        }
        if self.pack is not None:
            manifest["court"]["withheld"] = [{"path": w.doc.path, "reason": w.reason} for w in self.pack.withheld]
            data = redacted_case_json(case_json(self.case), self.pack)
            attach(assembly.pdf, CASE_DATA_NAME, data.encode(), self.case)
            pages = self._written_pages(generated, draft) + [
                ("embedded case data", data),
                ("manifest", json.dumps(manifest)),
            ]
            check_pages(self.pack, pages)
        attach(assembly.pdf, MANIFEST_NAME, json.dumps(manifest, indent=1, sort_keys=True).encode(), self.case)

    def _written_pages(self, generated: Generated, draft: bool) -> list[tuple[str, str]]:
        from .evidence import attendance_part
        from .generated import front_matter_jobs

        jobs = front_matter_jobs(self.case, self.result, generated, draft, layout_only=True)
        pages = [(job.label, job.html) for job in jobs]
        evidence = attendance_part(self.case, self.result).job
        if evidence is not None:
            pages.append(("attendance evidence", evidence.html))
        return pages + list(self.html.items())
