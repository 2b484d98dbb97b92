"""The referral bundle: plan the sections, render each part, merge, number, verify.

Order: A referral (cover, index, checklist), B attendance evidence, C chronology, then the
documents in lettered sections (D correspondence, E meetings, F contract and plans,
G support, H notices and warnings, I other), date order within each. Page numbers run
from 1 on the cover; every page carries "Page N of M" and its section label (A1, A2, B1,
...), which are also the PDF page labels.
"""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import hashlib
import html as htmllib
import io
import json
import os
import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Callable

from markupsafe import Markup

from . import __version__, attendance, codes
from .load import Limits
from .models import EmailServed, HandServed, Route
from .output import atomic_write_with
from .pdf import CASE_DATA_NAME, MANIFEST_NAME, WARN_PAGES, BatchJob, BundleError, Renderer, RenderJob, Verification, assets_dir, default_cache_dir, page_digest, read_input_pdf, read_manifest
from .render import DOCX_BODY, environment
from .report import grouped
from .rules import CheckResult, check_case
from .validate import CaseDocument, CaseFolder, validate_folder

DOCUMENT_SECTIONS = [
    ("D", "Correspondence", ("letter", "email")),
    ("E", "Meetings", ("meeting",)),
    ("F", "Contract and plans", ("contract", "plan")),
    ("G", "Support", ("support", "medical", "pupil_voice")),
    ("H", "Notices and warnings", ("notice", "penalty_notice")),
    ("I", "Other documents", ("witness_statement", "leave", "decision", "other")),
]

ROUTE_TITLES = {
    Route.penalty_notice: ("Penalty notice", "Request for a penalty notice: Education Act 1996 s444 and s444A"),
    Route.notice_to_improve: ("Notice to improve", "Notice to improve before a penalty notice (national framework, 2024)"),
    Route.prosecution_444_1: ("Prosecution, s444(1)", "Prosecution: Education Act 1996 s444(1), failure to secure regular attendance"),
    Route.prosecution_444_1a: ("Prosecution, s444(1A)", "Prosecution: Education Act 1996 s444(1A), knowing failure to secure regular attendance"),
    Route.education_supervision_order: ("Education supervision order", "Application for an education supervision order: Education Act 1996 s447"),
}

MAX_IMAGE_PIXELS = 40_000_000


@dataclass
class Part:
    """A run of pages in the bundle: a generated page set, or one document."""

    key: str
    section: str  # letter
    title: str
    date: dt.date | None = None
    pdf: bytes = b""
    pages: int = 0
    first_page: int = 0  # 1-based bundle page, assigned when laid out
    doc: CaseDocument | None = None
    outline: list = field(default_factory=list)  # embedded PDF's own outline: [(title, page_offset, children)]
    attachments: list["Part"] = field(default_factory=list)  # e.g. an email's PDF attachments
    job: RenderJob | None = None  # HTML still to render (documents are rendered together)
    page_offset: int = 0  # where this part starts in ``pdf`` (a batch holds several parts)

    @property
    def last_page(self) -> int:
        return self.first_page + self.total_pages - 1

    @property
    def total_pages(self) -> int:
        return self.pages + sum(a.pages for a in self.attachments)


@dataclass
class BuildResult:
    output: Path
    pages: int
    ready: bool
    draft: bool
    warnings: list[str]
    manifest: dict[str, Any]


# ----------------------------------------------------------------------- helpers


def _css_url() -> str:
    return (assets_dir() / "bundle.css").as_uri()


def _render(template: str, **context) -> str:
    return environment("bundle").get_template(template).render(css_url=_css_url(), **context)


#: raw HTML elements that fetch, embed or run something; other raw HTML is shown as text
_ACTIVE_HTML = re.compile(r"<\s*(link|img|image|iframe|object|embed|script|style|base|meta|svg|video|audio|source|frame)\b", re.I)


def _markdown_html(text: str, label: str) -> str:
    """Markdown to HTML with raw HTML escaped, never passed through.

    Images must be files beside the document (the fetcher enforces the case folder);
    an image or link that names another scheme (file:, javascript:, data:) fails the
    build, naming the document, rather than being dropped silently.
    """
    from markdown_it import MarkdownIt

    active = _ACTIVE_HTML.search(text)
    if active:
        line = text[: active.start()].count("\n") + 1
        raise BundleError(
            f"{label}: body line {line}: raw HTML <{active.group(1)}> is not allowed in a bundle document (it could fetch or embed files); remove it"
        )
    md = MarkdownIt("commonmark", {"html": False, "linkify": False}).enable("table")
    md.validateLink = lambda url: True  # judged below, so that a refusal is reported
    tokens = md.parse(text)
    for token in tokens:
        for child in token.children or []:
            if child.type == "image":
                src = str(child.attrGet("src") or "")
                if ":" in src.split("/", 1)[0] or src.startswith("/"):
                    raise BundleError(f"{label}: refused image {src}: only files inside the case folder may be used")
            elif child.type == "link_open":
                href = str(child.attrGet("href") or "")
                scheme = href.split(":", 1)[0].lower() if ":" in href.split("/", 1)[0] else ""
                if scheme not in ("", "http", "https", "mailto", "tel"):
                    raise BundleError(f"{label}: refused link {href}")
    return md.renderer.render(tokens, md.options, {})


def _pct(summary: attendance.AttendanceSummary) -> str:
    return "n/a" if summary.attendance_pct is None else f"{summary.attendance_pct:.1f}%"


def _type_label(doc: CaseDocument) -> str:
    meta = doc.meta
    kind = getattr(meta, "kind", None)
    base = meta.type.replace("_", " ")
    return f"{base} ({kind.value.replace('_', ' ')})" if kind is not None and hasattr(kind, "value") else base


def _details(doc: CaseDocument, case) -> list[tuple[str, str]]:
    meta = doc.meta
    rows: list[tuple[str, str]] = []

    def who(pid: str) -> str:
        parent = case.parent(pid)
        return f"{parent.name} ({pid})" if parent else pid

    if getattr(meta, "to", None):
        rows.append(("To", who(meta.to)))
    served = getattr(meta, "served", None)
    if served is not None:
        text = served.method.replace("_", " ")
        if isinstance(served, HandServed):
            parts = [p for p in (served.handed_at and served.handed_at.strftime("%d %b %Y %H:%M"), served.handed_by and f"by {served.handed_by}", served.recipient and f"to {who(served.recipient)}") if p]
            text += ": " + ", ".join(parts) if parts else ""
        elif isinstance(served, EmailServed):
            text += f" to {served.address}" + (f", sent {served.sent_at:%d %b %Y %H:%M}" if served.sent_at else "") + f", read receipt {served.read_receipt.value}" + (f" ({served.read_at:%d %b %Y %H:%M})" if served.read_at else "")
        rows.append(("Served", text))
    for name, label in (("invited", "Invited"), ("attended", "Attended"), ("parents", "Parents"), ("offered_to", "Offered to")):
        value = getattr(meta, name, None)
        if isinstance(value, list):
            rows.append((label, ", ".join(who(p) for p in value) or "nobody"))
    for name, label in (("outcome", "Outcome"), ("status", "Status"), ("decision", "Decision"), ("witness", "Witness")):
        value = getattr(meta, name, None)
        if value is not None:
            rows.append((label, str(getattr(value, "value", value)).replace("_", " ")))
    for name, label in (("review_date", "Review date"), ("start", "Start"), ("end", "End"), ("issued_on", "Issued on")):
        value = getattr(meta, name, None)
        if isinstance(value, dt.date):
            rows.append((label, f"{value.day} {value:%B %Y}"))
    return rows


# ----------------------------------------------------------------------- documents -> parts


def _document_part(doc: CaseDocument, folder: CaseFolder, section: str, limits: Limits) -> Part:
    """The part for one document: a PDF kept as it is, or HTML to render (``part.job``)."""
    label = doc.path
    part = Part(key=doc.path, section=section, title=doc.meta.title, date=doc.meta.date, doc=doc)
    path = folder.root / doc.path

    def wrap(body_html: str) -> None:
        html = _render(
            "document.html.j2",
            title=doc.meta.title,
            meta=doc.meta,
            type_label=_type_label(doc),
            details=_details(doc, folder.case),
            path=doc.path,
            body=Markup(body_html),  # built here, user text already escaped
        )
        deps = tuple(f.sha256 for f in folder.files if f.path.startswith("documents/") and f.path.rsplit("/", 1)[-1] in html)
        part.job = RenderJob(html, label, folder.root, limits.max_attachment_bytes, deps)

    if doc.kind == "markdown":
        wrap(_markdown_html(doc.body or "", label))
    elif doc.kind == "pdf":
        data = path.read_bytes()
        reader = read_input_pdf(data, label)
        part.pdf, part.pages = data, len(reader.pages)
        part.outline = _outline_of(reader)
    elif doc.kind == "docx":
        # converted in the render worker, and only when the part is not in the cache
        wrap(DOCX_BODY)
        part.job = replace(part.job, docx=str(path))
    elif doc.kind == "image":
        _check_image(path, label)
        wrap(f'<div class="image-page"><img src="{htmllib.escape(path.name)}" alt="{htmllib.escape(doc.meta.title)}"></div>')
    elif doc.kind == "eml":
        body, attachments = _eml_html(path, label, limits)
        wrap(body)
        for name, data in attachments:
            reader = read_input_pdf(data, f"{label} (attachment {name})")
            part.attachments.append(Part(key=f"{doc.path}#{name}", section=section, title=f"Attachment: {name}", date=doc.meta.date, pdf=data, pages=len(reader.pages), outline=_outline_of(reader)))
    else:  # pragma: no cover - load.py only produces the kinds above
        raise BundleError(f"{label}: unsupported document kind {doc.kind}")
    return part


def _check_image(path: Path, label: str) -> None:
    import warnings

    from PIL import Image

    try:
        with warnings.catch_warnings():
            # Pillow warns past its own limit; ours is lower and gives a named error
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            image = Image.open(path)
        with image:
            width, height = image.size
            if width * height > MAX_IMAGE_PIXELS:
                raise BundleError(f"{label}: the image is {width}x{height} pixels, over the {MAX_IMAGE_PIXELS // 1_000_000} megapixel limit (a decompression bomb?)")
            image.verify()
    except BundleError:
        raise
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError) as exc:
        raise BundleError(f"{label}: cannot be read as an image ({exc})") from None


READ_RECEIPT_HEADERS = ("Disposition-Notification-To", "Return-Receipt-To", "Read-Receipt-To", "X-Confirm-Reading-To")


def _eml_html(path: Path, label: str, limits: Limits) -> tuple[str, list[tuple[str, bytes]]]:
    message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
    esc = htmllib.escape
    rows = []
    for header in ("From", "To", "Cc", "Date", "Subject", *READ_RECEIPT_HEADERS):
        value = message.get(header)
        if value:
            rows.append(f"<tr><td>{esc(header)}</td><td>{esc(str(value))}</td></tr>")
    body_part = message.get_body(preferencelist=("plain", "html"))
    text = ""
    if body_part is not None:
        text = body_part.get_content()
        if body_part.get_content_type() == "text/html":
            import re

            text = re.sub(r"<[^>]+>", "", text)
            text = htmllib.unescape(text)
    pdfs: list[tuple[str, bytes]] = []
    listed: list[str] = []
    images: list[str] = []
    for attachment in message.iter_attachments():
        name = attachment.get_filename() or "attachment"
        data = attachment.get_payload(decode=True) or b""
        if len(data) > limits.max_attachment_bytes:
            raise BundleError(f"{label}: attachment {name} is over the size limit")
        ctype = attachment.get_content_type()
        if ctype == "application/pdf" or name.lower().endswith(".pdf"):
            pdfs.append((name, data))
            listed.append(f"{esc(name)} (follows this email)")
        elif ctype.startswith("image/") and ctype in ("image/png", "image/jpeg"):
            import base64

            images.append(f'<p><strong>{esc(name)}</strong></p><div class="image-page"><img src="data:{ctype};base64,{base64.b64encode(data).decode()}" alt="{esc(name)}"></div>')
            listed.append(f"{esc(name)} (shown below)")
        else:
            listed.append(f"{esc(name)} ({esc(ctype)}, not reproduced)")
    html = '<table class="email-headers">' + "".join(rows) + "</table>"
    if listed:
        html += "<p><strong>Attachments:</strong> " + "; ".join(listed) + "</p>"
    html += f'<div class="email-body">{esc(text)}</div>' + "".join(images)
    return html, pdfs


def _outline_of(reader) -> list:
    """An embedded PDF's outline as [(title, page_offset, children)]."""

    def walk(items) -> list:
        out: list = []
        for item in items:
            if isinstance(item, list):
                if out:
                    out[-1][2].extend(walk(item))
                continue
            try:
                page = reader.get_destination_page_number(item)
            except (KeyError, ValueError, AttributeError, IndexError):
                continue
            if page is None or page < 0:
                continue
            out.append((str(item.title), page, []))
        return out

    try:
        return walk(reader.outline)
    except (KeyError, ValueError, AttributeError, IndexError, TypeError):
        return []


# ----------------------------------------------------------------------- generated sections


def _attendance_part(ctx_case: CaseFolder, result: CheckResult) -> Part:
    case = ctx_case.case
    settings = result.profile.settings
    as_of = case.referral.date
    register = attendance.Register.from_marks(ctx_case.register).between(None, as_of)
    year_start = attendance.school_year_start(as_of)
    windows = attendance.threshold_windows(register, threshold=settings.threshold_sessions, window_weeks=settings.threshold_window_weeks, start=settings.threshold_counts_from, end=as_of)
    period = result.offence_period
    periods = []
    for title, start, end in (("School year to date", year_start, as_of), ("Offence period", *(period or (year_start, as_of))), ("Whole register", register.marks[0].date if len(register) else as_of, as_of)):
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
                cls = "unauth" if code.is_unauthorised else ("auth" if code.category == codes.Category.AUTHORISED else "")
                cells.append({"code": mark.code, "cls": cls})
        grid.append({"monday": week.monday, "cells": cells, "windows": [name for name, mondays in window_sets if week.monday in mondays]})
    used = sorted({(m.code, c.regime) for m, c in zip(register.marks, register.codes)})
    legend = [{"code": code, "meaning": codes.lookup(code, dt.date(2025, 1, 6) if regime == "2024" else dt.date(2023, 1, 9)).meaning, "regime": regime} for code, regime in used]
    cert_start, cert_end = period or (year_start, as_of)
    cert_summary = attendance.summarise(register, start=cert_start, end=cert_end)
    html = _render(
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
    return Part(key="attendance", section="B", title="Attendance evidence, register and s566 certificate", job=RenderJob(html, "attendance evidence", None))


def _chronology_rows(folder: CaseFolder, pages: dict[str, int], labels: dict[str, str]) -> list[dict[str, Any]]:
    rows = []
    for doc in folder.documents:
        rows.append({"date": doc.meta.date, "time": None, "kind": _type_label(doc), "summary": doc.meta.title, "page": pages.get(doc.path), "label": labels.get(doc.path, "")})
    for event in folder.events:
        with_ = ", ".join(folder.case.parent(p).name if folder.case.parent(p) else p for p in event.with_)
        summary = event.summary + (f" (with {with_})" if with_ else "") + (f" [{event.by}]" if event.by else "")
        rows.append({"date": event.date, "time": event.time, "kind": event.kind.value.replace("_", " "), "summary": summary, "page": None, "label": ""})
    rows.sort(key=lambda r: (r["date"], r["time"] or "", r["summary"]))
    return rows


# ----------------------------------------------------------------------- layout


@dataclass
class Section:
    letter: str
    title: str
    parts: list[Part]

    @property
    def first_page(self) -> int:
        return self.parts[0].first_page if self.parts else 0


def build_bundle(
    folder: str | os.PathLike[str],
    output: str | os.PathLike[str],
    *,
    draft: bool = False,
    profile: str | None = None,
    limits: Limits | None = None,
    progress: Callable[[str], None] | None = None,
    cache_dir: Path | None | bool = True,
    workers: int | None = None,
) -> BuildResult:
    """Build the referral bundle PDF for a case folder, written atomically to ``output``."""
    from .profiles import load_profile

    limits = limits or Limits()
    note = progress or (lambda message: None)
    root = Path(folder)
    out = Path(output)
    _refuse_output_inside(root, out)
    validation = validate_folder(root, limits)
    if not validation.valid:
        raise BundleError(f"{root}: the case is invalid ({len(validation.problems)} problems); run bundler validate")
    case = validation.case
    chosen = load_profile(profile or case.case.referral.profile)
    result = check_case(case, chosen)
    if not result.ready and not draft:
        raise BundleError(f"{root}: not ready to refer ({', '.join(result.failing_rules)} failing); fix these, or build with --draft")
    warnings: list[str] = []

    cache = default_cache_dir() if cache_dir is True else (cache_dir or None)
    with Renderer(cache, workers) as renderer:
        note("preparing documents")
        doc_sections: list[Section] = []
        for letter, title, types in DOCUMENT_SECTIONS:
            parts = [_document_part(doc, case, letter, limits) for doc in case.documents if doc.meta.type in types]
            if parts:
                doc_sections.append(Section(letter, title, parts))
        attendance_part = _attendance_part(case, result)
        generated = Generated.around(doc_sections, attendance_part)
        # The generated sections' page counts barely depend on the numbers they print,
        # so a first layout (placeholder numbers, no PDF) runs alongside the documents.
        _assign_pages(generated.sections, estimate=True)
        first_layout = generated.jobs(case, result, draft, layout_only=True)
        batches = _batches(doc_sections)
        units = [BatchJob(tuple(p.job for p in batch)) for batch in batches] + [attendance_part.job] + first_layout
        note(f"rendering {sum(len(b) for b in batches) + 1} parts")
        rendered = renderer.render(units)
        for batch, done in zip(batches, rendered):
            ends = done.starts[1:] + (done.pages,)
            for part, start, end in zip(batch, done.starts, ends):
                part.pdf, part.page_offset, part.pages, part.job = done.pdf, start, end - start, None
        done = rendered[len(batches)]
        attendance_part.pdf, attendance_part.pages, attendance_part.job = done.pdf, done.pages, None
        for part, done in zip(generated.parts, rendered[len(batches) + 1 :]):
            part.pages = done.pages
        writer, total, manifest = _lay_out_and_assemble(case, result, generated, renderer, draft, note, warnings)
    # straight to a temporary file beside the output, renamed into place: the PDF is
    # never held in memory as bytes
    atomic_write_with(out, writer.write)
    return BuildResult(out, total, result.ready, draft, warnings, manifest)


#: documents rendered together in one WeasyPrint document (within a section)
BATCH_SIZE = 8


def _batches(doc_sections: list[Section]) -> list[list[Part]]:
    """Consecutive documents to render together, from the case's content alone (never
    from the cache), so that the same case folder always gives the same bytes."""
    batches: list[list[Part]] = []
    for section in doc_sections:
        current: list[Part] = []
        for part in section.parts:
            if part.job is None:
                continue
            current.append(part)
            if len(current) == BATCH_SIZE:
                batches.append(current)
                current = []
        if current:
            batches.append(current)
    return batches


@dataclass
class Generated:
    """The sections bundler writes itself around the documents (A referral, B, C)."""

    cover: Part
    index: Part
    checklist: Part
    chronology: Part
    attendance: Part
    sections: list[Section]

    @property
    def parts(self) -> list[Part]:
        return [self.cover, self.index, self.checklist, self.chronology]

    @classmethod
    def around(cls, doc_sections: list[Section], attendance_part: Part) -> Generated:
        cover = Part(key="cover", section="A", title="Cover")
        index = Part(key="index", section="A", title="Index")
        checklist = Part(key="checklist", section="A", title="Section 444 checklist")
        chronology = Part(key="chronology", section="C", title="Chronology")
        sections = [
            Section("A", "Referral", [cover, index, checklist]),
            Section("B", "Attendance evidence", [attendance_part]),
            Section("C", "Chronology", [chronology]),
            *doc_sections,
        ]
        # document sections are lettered on from D without gaps, as present
        for i, section in enumerate(sections[3:]):
            section.letter = chr(ord("D") + i)
            for part in section.parts:
                part.section = section.letter
        return cls(cover, index, checklist, chronology, attendance_part, sections)

    def jobs(self, case: CaseFolder, result: CheckResult, draft: bool, *, layout_only: bool = False) -> list[RenderJob]:
        """Render jobs for cover, index, checklist and chronology with the current numbering."""
        return _generated_jobs(case, result, self, draft, layout_only)


def _lay_out_and_assemble(case, result, generated: Generated, renderer, draft, note, warnings):
    """Settle the page numbers of the generated sections, render them, merge."""
    sections = generated.sections
    # The generated parts print page numbers, which depend on their own page counts:
    # render with the current numbering until the counts settle (usually once).
    for _ in range(4):
        _assign_pages(sections)
        before = [p.pages for p in generated.parts]
        note("laying out index and checklist")
        for part, done in zip(generated.parts, renderer.render(generated.jobs(case, result, draft))):
            part.pdf, part.pages = done.pdf, done.pages
        if before == [p.pages for p in generated.parts]:
            break
    else:  # pragma: no cover - page counts oscillating is not expected
        raise BundleError("the index and checklist did not settle on a page count")
    _assign_pages(sections)
    total = sum(p.total_pages for s in sections for p in s.parts)
    if total > WARN_PAGES:
        warnings.append(f"the bundle has {total} pages, more than {WARN_PAGES}: consider whether every document is needed")

    note("merging")
    writer, manifest = _assemble(case, result, sections, total, draft)
    return writer, total, manifest


def _refuse_output_inside(root: Path, out: Path) -> None:
    try:
        out.resolve().relative_to(root.resolve())
    except ValueError:
        return
    raise BundleError(f"{out}: the bundle must be written outside the case folder (the case folder is never written to)")


def _assign_pages(sections: list[Section], *, estimate: bool = False) -> None:
    """Number the parts in order; ``estimate`` counts a part not yet rendered as one page."""
    page = 1
    for section in sections:
        for part in section.parts:
            part.first_page = page
            page += part.total_pages or (1 if estimate else 0)


def _label_of(sections: list[Section], page: int) -> str:
    for section in sections:
        if section.parts and section.first_page <= page <= section.parts[-1].last_page:
            return f"{section.letter}{page - section.first_page + 1}"
    return str(page)


def _generated_jobs(case: CaseFolder, result: CheckResult, generated: Generated, draft: bool, layout_only: bool) -> list[RenderJob]:
    c = case.case
    sections = generated.sections
    total = sum(p.total_pages for s in sections for p in s.parts)
    entries = []
    for section in sections:
        section_entries = []
        for part in section.parts:
            if part.key == "cover":
                continue
            section_entries.append({"label": _label_of(sections, part.first_page), "date": part.date, "title": part.title, "first_page": part.first_page, "last_page": part.last_page})
        entries.append({"letter": section.letter, "title": section.title, "first_page": section.first_page, "entries": section_entries})
    route_title, legal_basis = ROUTE_TITLES[c.referral.route]
    period = result.offence_period
    html = _render(
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
    jobs = [RenderJob(html, "cover", None, layout_only=layout_only), RenderJob(_render("index.html.j2", title="Index", sections=entries), "index", None, layout_only=layout_only)]
    doc_pages = {p.doc.path: p.first_page for s in sections for p in s.parts if p.doc is not None}
    html = _render(
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
    doc_labels = {p.doc.path: _label_of(sections, p.first_page) for s in sections for p in s.parts if p.doc is not None}
    html = _render("chronology.html.j2", title="Chronology", as_of=c.referral.date, rows=_chronology_rows(case, doc_pages, doc_labels))
    jobs.append(RenderJob(html, "chronology", None, layout_only=layout_only))
    return jobs


# ----------------------------------------------------------------------- merge, stamp, outline


def _source_date(case: CaseFolder) -> dt.datetime:
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.isdigit():
        return dt.datetime.fromtimestamp(int(epoch), tz=dt.timezone.utc)
    d = case.case.referral.date
    return dt.datetime(d.year, d.month, d.day, tzinfo=dt.timezone.utc)


def _assemble(case: CaseFolder, result: CheckResult, sections: list[Section], total: int, draft: bool):
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import ArrayObject, DictionaryObject, NameObject, NullObject

    writer = PdfWriter()
    page_ranges = []
    pages = []  # the writer's pages, kept here: len(writer.pages) walks the page tree
    source, reader = None, None  # the parts of one batch share one PDF, in order
    for section in sections:
        for part in section.parts:
            for piece in [part, *part.attachments]:
                if piece.pdf is not source:
                    source, reader = piece.pdf, PdfReader(io.BytesIO(piece.pdf))
                wanted = reader.pages[piece.page_offset : piece.page_offset + piece.pages]
                added = [writer.add_page(page) for page in wanted]
                if len(added) != piece.pages or piece.pages == 0:
                    raise BundleError(f"{piece.key}: {piece.pages} pages expected but {len(added)} were merged")
                pages.extend(added)
                piece.pdf = b""  # merged: only the writer holds these pages now
            page_ranges.append(part)
    if len(pages) != total or len(writer.pages) != total:
        raise BundleError(f"the bundle has {len(writer.pages)} pages, {total} were laid out")

    # internal links: WeasyPrint wrote them as URI links to bundle:page:N
    for page in pages:
        for annot_ref in page.get("/Annots", []) or []:
            annot = annot_ref.get_object()
            action = annot.get("/A")
            if action is None:
                continue
            action = action.get_object()
            uri = action.get("/URI")
            if isinstance(uri, (str, bytes)) and str(uri).startswith("bundle:page:"):
                target = int(str(uri).rsplit(":", 1)[1]) - 1
                if not 0 <= target < total:
                    raise BundleError(f"internal link to page {target + 1} of {total}")
                annot[NameObject("/A")] = DictionaryObject(
                    {
                        NameObject("/S"): NameObject("/GoTo"),
                        NameObject("/D"): ArrayObject([pages[target].indirect_reference, NameObject("/XYZ"), NullObject(), NullObject(), NullObject()]),
                    }
                )

    # stamps: page N of M and the section label, clear of the content at the foot
    for number, page in enumerate(pages, 1):
        label = _label_of(sections, number)
        if page.rotation:
            page.transfer_rotation_to_content()  # parses the content: only when needed
        _stamp(writer, page, f"Page {number} of {total}", label, draft)

    # page labels = section labels
    for section in sections:
        if section.parts:
            writer.set_page_label(section.first_page - 1, section.parts[-1].last_page - 1, style="/D", prefix=section.letter, start=1)

    # outline: sections, then documents with their own outline beneath
    for section in sections:
        if not section.parts:
            continue
        parent = writer.add_outline_item(title=f"{section.letter} {section.title} (p. {section.first_page})", page_number=section.first_page - 1)
        for part in section.parts:
            if part.key == "cover":
                continue
            when = f", {part.date.day} {part.date:%b %Y}" if part.date else ""
            item = writer.add_outline_item(title=f"{_label_of(sections, part.first_page)} {part.title}{when} (p. {part.first_page})", page_number=part.first_page - 1, parent=parent)
            offset = part.first_page - 1
            for piece in [part, *part.attachments]:
                if piece is not part:
                    sub = writer.add_outline_item(title=f"{piece.title} (p. {offset + 1})", page_number=offset, parent=item)
                else:
                    sub = item
                _add_outline(writer, piece.outline, offset, sub)
                offset += piece.pages

    when = _source_date(case)
    stamp = when.strftime("D:%Y%m%d%H%M%S+00'00'")
    writer.add_metadata(
        {
            "/Title": f"Attendance referral bundle {case.case.case_id}",
            "/Subject": ROUTE_TITLES[result.route][1],
            "/Author": case.case.referral.prepared_by.name,
            "/Creator": f"bundler {__version__}",
            "/Producer": f"bundler {__version__} (WeasyPrint, pypdf)",
            "/CreationDate": stamp,
            "/ModDate": stamp,
        }
    )
    writer.page_mode = "/UseOutlines"
    writer.compress_identical_objects()

    documents = [
        {
            "key": part.key,
            "title": part.title,
            "section": part.section,
            "label": _label_of(sections, part.first_page),
            "first_page": part.first_page,
            "last_page": part.last_page,
            "sha256": next((f.sha256 for f in case.files if part.doc is not None and f.path == part.doc.path), None),
        }
        for part in page_ranges
    ]
    manifest = {
        "format": 1,
        "tool": f"bundler {__version__}",
        "case_id": case.case.case_id,
        "built_for": case.case.referral.date.isoformat(),
        "draft": draft,
        "pages": total,
        "inputs": [{"path": f.path, "sha256": f.sha256, "size": f.size} for f in case.files],
        "documents": documents,
        "check": {
            "ready": result.ready,
            "counts": result.counts,
            "failing_rules": result.failing_rules,
            "profile": result.profile.name,
            "route": result.route.value,
        },
        # what verify recomputes from the written file: each page's decoded content
        "page_sha256": [page_digest(p) for p in pages],
    }
    writer.add_attachment(MANIFEST_NAME, json.dumps(manifest, indent=1, sort_keys=True).encode())
    writer.add_attachment(CASE_DATA_NAME, _case_json(case).encode())
    _set_document_id(writer, case, json.dumps(manifest, sort_keys=True).encode())
    return writer, manifest


def _case_json(case: CaseFolder) -> str:
    data = {
        "case": case.case.model_dump(mode="json", by_alias=True),
        "events": [e.model_dump(mode="json", by_alias=True) for e in case.events],
        "documents": [{"path": d.path, "kind": d.kind, "meta": d.meta.model_dump(mode="json")} for d in case.documents],
        "register": [r.model_dump(mode="json", exclude_none=True) for r in case.register],
    }
    return json.dumps(data, indent=1, sort_keys=True)


def _set_document_id(writer, case: CaseFolder, salt: bytes) -> None:
    """A fixed document ID derived from the inputs, so the same case gives the same bytes."""
    from pypdf.generic import ArrayObject, ByteStringObject

    digest = hashlib.md5(case.case.case_id.encode() + b"|" + "".join(f.sha256 for f in case.files).encode() + salt, usedforsecurity=False).digest()
    writer._ID = ArrayObject([ByteStringObject(digest), ByteStringObject(digest)])


def _add_outline(writer, items: list, offset: int, parent) -> None:
    for title, page, children in items:
        item = writer.add_outline_item(title=title, page_number=offset + page, parent=parent)
        _add_outline(writer, children, offset, item)


STAMP_FONT = "/BundlerStamp"


def _stamp(writer, page, text: str, label: str, draft: bool) -> None:
    """Add the stamp in the visible area (CropBox), bottom right, on a white ground."""
    from pypdf.generic import DecodedStreamObject, DictionaryObject, NameObject

    box = page.cropbox
    left, bottom, right, top = float(box.left), float(box.bottom), float(box.right), float(box.top)
    size = 8.0
    line = f"{text}   {label}"
    width = 0.6 * size * len(line)  # Courier: every glyph is 600/1000 em wide
    x = right - 28 - width
    y = bottom + 16
    ops = [
        "q",
        "1 1 1 rg",
        f"{x - 4:.2f} {y - 3:.2f} {width + 8:.2f} {size + 6:.2f} re f",
        "0 0 0 rg",
        "BT",
        f"{STAMP_FONT} {size} Tf",
        f"{x:.2f} {y:.2f} Td",
        f"({_pdf_string(line)}) Tj",
        "ET",
    ]
    if draft:
        cx, cy = (left + right) / 2, (bottom + top) / 2
        ops += [
            "0.85 0.1 0.1 rg",
            "BT",
            f"{STAMP_FONT} 72 Tf",
            f"0.7071 0.7071 -0.7071 0.7071 {cx - 110:.2f} {cy - 130:.2f} Tm",
            "(DRAFT) Tj",
            "ET",
        ]
    ops.append("Q")
    resources = page.get("/Resources")
    if resources is None:
        resources = DictionaryObject()
        page[NameObject("/Resources")] = resources
    resources = resources.get_object()
    fonts = resources.get("/Font")
    if fonts is None:
        fonts = DictionaryObject()
        resources[NameObject("/Font")] = fonts
    fonts = fonts.get_object()
    fonts[NameObject(STAMP_FONT)] = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Font"),
            NameObject("/Subtype"): NameObject("/Type1"),
            NameObject("/BaseFont"): NameObject("/Courier-Bold"),
            NameObject("/Encoding"): NameObject("/WinAnsiEncoding"),
        }
    )
    stream = DecodedStreamObject()
    stream.set_data(("\n".join(ops) + "\n").encode("latin-1"))
    # wrap the existing content in q/Q so its graphics state cannot leak into the stamp
    existing = page.get_contents()
    wrapped = DecodedStreamObject()
    wrapped.set_data(b"q\n" + (existing.get_data() if existing is not None else b"") + b"\nQ\n" + stream.get_data())
    page.replace_contents(wrapped)


def _pdf_string(text: str) -> str:
    return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


# ----------------------------------------------------------------------- verify


def verify_bundle(pdf_path: str | os.PathLike[str], case_folder: str | os.PathLike[str] | None = None) -> Verification:
    """Recompute what the manifest promises: page count, every page's content, and (with a
    case folder) every input file's hash."""
    path = Path(pdf_path)
    manifest, reader = read_manifest(path)
    messages: list[str] = []
    digests = manifest.get("page_sha256", [])
    if len(reader.pages) != manifest.get("pages"):
        messages.append(f"the bundle has {len(reader.pages)} pages; the manifest says {manifest.get('pages')}")
    altered = []
    for number, (page, expected) in enumerate(zip(reader.pages, digests), 1):
        try:
            actual = page_digest(page)
        except (ValueError, KeyError, OSError) as exc:  # a damaged stream no longer decodes
            actual = f"unreadable ({exc})"
        if actual != expected:
            altered.append(number)
    for number in altered:
        owner = next((d for d in manifest.get("documents", []) if d["first_page"] <= number <= d["last_page"]), None)
        where = f" ({owner['label']}, {owner['title']}, pages {owner['first_page']}-{owner['last_page']})" if owner else ""
        messages.append(f"page {number}{where} has been altered")
    if case_folder is not None:
        from .load import load_case

        raw = load_case(case_folder)
        now = {f.path: f.sha256 for f in raw.files}
        then = {f["path"]: f["sha256"] for f in manifest.get("inputs", [])}
        for name in sorted(set(then) | set(now)):
            if name not in now:
                messages.append(f"{name}: in the bundle, no longer in the case folder")
            elif name not in then:
                messages.append(f"{name}: in the case folder, not in the bundle")
            elif now[name] != then[name]:
                messages.append(f"{name}: changed since the bundle was built")
    return Verification(not messages, messages, manifest)
