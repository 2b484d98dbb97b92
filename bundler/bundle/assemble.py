"""Put the bundle together: every page placed, linked, stamped, numbered and outlined,
then the manifest that lets anyone check it later.

Takes the laid-out sections (every part rendered); gives a ``pikepdf.Pdf`` ready to save,
the manifest it embeds, and what preparing the source PDFs removed (for the build's
report). Uses pikepdf (qpdf): each bundle page draws its source page as a form XObject
(``place``), so a source's content streams are never edited, shared streams cannot be
stamped twice, and the stamp sits in a band nothing else occupies.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import pikepdf
from pikepdf import Array, Dictionary, Name

from .. import __version__, figures
from ..case.deadline import time_limit
from ..case.pdfs import open_pdf
from ..case.validate import CaseFolder
from ..checklist import CheckResult
from ..errors import BundleError
from .digest import Digester
from .manifest import CASE_DATA_NAME, MANIFEST_NAME, case_json
from .ocr import OcrSettings, recognise, scans_on_page, tesseract_version
from .place import Matrix, place_page, transform_rect
from .plan import DOCUMENT, INTERNAL, ROUTE_TITLES, Part, Section
from .sourcepdf import Link, SourceReport, page_links, prepare_source
from .stamp import Stamper

__all__ = ["assemble", "source_date", "Assembly"]

#: WeasyPrint writes the bundle's own cross-references as URI links to these schemes:
#: a page of the bundle, and (from a Markdown link to another file of the case) a document


def source_date(case: CaseFolder) -> dt.datetime:
    """The bundle's date: ``SOURCE_DATE_EPOCH`` when set, else the referral date."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.isdigit():
        return dt.datetime.fromtimestamp(int(epoch), tz=dt.UTC)
    d = case.case.referral.date
    return dt.datetime(d.year, d.month, d.day, tzinfo=dt.UTC)


@dataclass
class Assembly:
    """The bundle in memory, before it is written."""

    pdf: pikepdf.Pdf
    manifest: dict[str, Any]
    reports: list[SourceReport] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    #: PDFs the bundle's pages were copied from: open until the bundle is saved
    keep: list[pikepdf.Pdf] = field(default_factory=list)


@dataclass
class _Placed:
    part: Part
    piece: Part
    source: pikepdf.Pdf
    index: int  # the page within ``source``
    matrix: Matrix
    links: list[Link]


def assemble(
    case: CaseFolder,
    result: CheckResult,
    sections: list[Section],
    total: int,
    draft: bool,
    *,
    limits: Any = None,
    strict_sources: bool = False,
    ocr: OcrSettings | None = None,
    note: Callable[[str], None] | None = None,
) -> Assembly:
    """The whole bundle: pages, links, text recognised on scans, stamps, labels, outline,
    metadata, manifest."""
    out = pikepdf.new()
    reports: list[SourceReport] = []
    placed = _place_all(out, sections, reports, limits, strict_sources)
    if len(placed) != total:
        raise BundleError(f"the bundle has {len(placed)} pages, {total} were laid out")
    keep = list({id(p.source): p.source for p in placed}.values())
    warnings: list[str] = []
    if ocr is not None and ocr.enabled:
        pages = [
            (
                out.pages[n],
                scans_on_page(p.source, p.index, p.matrix, drawn_by_bundler=p.piece.scan, language=ocr.language),
                p.piece.key,
            )
            for n, p in enumerate(placed)
            if p.piece.source or p.piece.scan
        ]
        warnings += recognise(out, pages, ocr, note or (lambda message: None), keep)
    _link(out, placed)
    _stamp(out, placed, total, draft)
    out.Root.PageLabels = Dictionary(Nums=Array([0, Dictionary(S=Name.D)]))
    out.Root.PageMode = Name.UseOutlines
    out.Root.OpenAction = Array([out.pages[0].obj, Name.XYZ, None, None, 1])
    _outline(out, sections, placed)
    _metadata(out, case, result)
    manifest = _manifest(out, case, result, sections, total, draft, reports)
    reading = ocr is not None and ocr.enabled
    # how the pages were made, so that verify can make them again the same way
    manifest["options"] = {"ocr": reading, "tesseract": tesseract_version() if reading else None}
    _attach(out, MANIFEST_NAME, json.dumps(manifest, indent=1, sort_keys=True).encode(), case)
    _attach(out, CASE_DATA_NAME, case_json(case).encode(), case)
    return Assembly(out, manifest, reports, warnings, keep)


def _place_all(
    out: pikepdf.Pdf, sections: list[Section], reports: list[SourceReport], limits: Any, strict: bool
) -> list[_Placed]:
    placed: list[_Placed] = []
    rendered: dict[int, tuple[bytes, pikepdf.Pdf]] = {}  # the parts of one rendered batch share one PDF
    for section in sections:
        for part in section.parts:
            for piece in [part, *part.attachments]:
                if piece.source:
                    with time_limit(limits.max_seconds, piece.key, "preparing it"):
                        source = open_pdf(
                            piece.pdf, piece.key, max_pages=limits.max_pages, max_pixels=limits.max_pixels
                        )
                        report = prepare_source(source, piece.key, strict=strict)
                    reports.append(report)
                else:
                    cached = rendered.get(id(piece.pdf))
                    if cached is None or cached[0] is not piece.pdf:
                        cached = rendered[id(piece.pdf)] = (piece.pdf, pikepdf.open(io.BytesIO(piece.pdf)))
                    source, report = cached[1], SourceReport(piece.key)
                wanted = range(piece.page_offset, piece.page_offset + piece.pages)
                if piece.pages == 0 or wanted.stop > len(source.pages):
                    raise BundleError(f"{piece.key}: {piece.pages} pages expected, the PDF has {len(source.pages)}")
                for index in wanted:
                    spot = place_page(out, source, index, fit=piece.source)
                    links = page_links(source, index, report, internal=() if piece.source else (INTERNAL, DOCUMENT))
                    placed.append(_Placed(part, piece, source, index, spot.matrix, links))
                if strict and report.removed:
                    raise BundleError(
                        f"{piece.key}: holds links that are not allowed ({', '.join(report.removed)}); --strict-sources refuses it"
                    )
    return placed


def _link(out: pikepdf.Pdf, placed: list[_Placed], first: int = 0) -> None:
    """Links on the bundle's pages: the bundle's own cross-references, links within a
    document (now to the bundle page that shows the target), and https: links.
    ``placed`` are the pages from ``first`` on (a supplement's follow the served pages)."""
    where = {(id(p.source), p.index): first + number for number, p in enumerate(placed)}
    documents = {p.part.doc.path: p.part.first_page - 1 for p in placed if p.part.doc is not None}
    pages = [page.obj for page in out.pages]
    for number, p in enumerate(placed, first):
        annots = []
        for link in p.links:
            rect = transform_rect(p.matrix, link.rect)
            target: int | None = None
            action: Dictionary | None = None
            if link.uri and link.uri.startswith(INTERNAL):
                target = int(link.uri[len(INTERNAL) :]) - 1
                if not 0 <= target < len(pages):
                    raise BundleError(f"internal link to page {target + 1} of {len(pages)}")
            elif link.uri and link.uri.startswith(DOCUMENT):
                target = documents.get(link.uri[len(DOCUMENT) :])
            elif link.uri:
                action = Dictionary(S=Name.URI, URI=pikepdf.String(link.uri))
            elif link.page is not None:
                target = where.get((id(p.source), link.page))
            if target is not None:
                action = Dictionary(S=Name.GoTo, D=Array([pages[target], Name.XYZ, None, None, None]))
            if action is None:
                continue
            annots.append(
                out.make_indirect(
                    Dictionary(
                        Type=Name.Annot,
                        Subtype=Name.Link,
                        Rect=Array([round(v, 2) for v in rect]),
                        Border=Array([0, 0, 0]),
                        A=action,
                    )
                )
            )
        if annots:
            pages[number].Annots = Array(annots)


def _stamp(out: pikepdf.Pdf, placed: list[_Placed], total: int, draft: bool, first: int = 0) -> None:
    stamper = Stamper(out)
    previous: Part | None = None
    for number, (page, p) in enumerate(zip(list(out.pages)[first:], placed), first + 1):
        left = p.part.tab
        if p.part is not previous and p.part.exhibit:
            left += f"  Exhibit {p.part.exhibit}"
        previous = p.part
        stamper.stamp(page, left=left, right=f"Page {number} of {total}", draft=draft)


def _outline(out: pikepdf.Pdf, sections: list[Section], placed: list[_Placed]) -> None:
    """Sections, then each document with its tab, date and page, its own outline beneath."""
    with out.open_outline() as outline:
        for section in sections:
            if not section.parts:
                continue
            top = pikepdf.OutlineItem(
                f"{section.letter} {section.title} (p. {section.first_page})", section.first_page - 1
            )
            outline.root.append(top)
            for part in section.parts:
                if part.key == "cover":
                    continue
                when = f", {figures.short_date(part.date)}" if part.date else ""
                who = f", {part.addressee}" if part.addressee else ""
                item = pikepdf.OutlineItem(
                    f"{part.tab} {part.title}{who}{when} (p. {part.first_page})", part.first_page - 1
                )
                top.children.append(item)
                offset = part.first_page - 1
                for piece in [part, *part.attachments]:
                    holder = item
                    if piece is not part:
                        holder = pikepdf.OutlineItem(f"{piece.title} (p. {offset + 1})", offset)
                        item.children.append(holder)
                    _source_outline(holder, piece, offset, placed)
                    offset += piece.pages


def _source_outline(holder: Any, piece: Part, offset: int, placed: list[_Placed]) -> None:
    """A source PDF's own bookmarks, beneath its document, pointing at the bundle pages."""
    if not piece.source:
        return
    source = next((p.source for p in placed if p.piece is piece), None)
    if source is None:
        return
    numbers = {page.obj.objgen: i for i, page in enumerate(source.pages)}

    def walk(items: Any, into: Any, depth: int) -> None:
        for item in items:
            page = _outline_page(source, item, numbers)
            node = pikepdf.OutlineItem(str(item.title)[:200], offset + page if page is not None else offset)
            into.children.append(node)
            if depth < 12:
                walk(item.children, node, depth + 1)

    try:
        with source.open_outline() as own:
            walk(own.root, holder, 0)
    except (pikepdf.PdfError, pikepdf.OutlineStructureError, AttributeError, TypeError, ValueError):
        return  # a damaged outline is left out; the pages themselves are all there


def _outline_page(source: pikepdf.Pdf, item: Any, numbers: dict[tuple[int, int], int]) -> int | None:
    dest = item.destination
    if dest is None and isinstance(item.action, Dictionary) and item.action.get("/S") == Name.GoTo:
        dest = item.action.get("/D")
    if isinstance(dest, int):
        return dest
    if isinstance(dest, Array) and len(dest) and isinstance(dest[0], Dictionary):
        return numbers.get(dest[0].objgen)
    return None


def _metadata(out: pikepdf.Pdf, case: CaseFolder, result: CheckResult) -> None:
    stamp = source_date(case).strftime("D:%Y%m%d%H%M%S+00'00'")
    info = out.docinfo
    info.Title = f"Attendance referral bundle {case.case.case_id}"
    info.Subject = ROUTE_TITLES[result.route][1]
    info.Author = case.case.referral.prepared_by.name
    info.Creator = f"bundler {__version__}"
    info.Producer = f"bundler {__version__} (WeasyPrint, pikepdf)"
    info.CreationDate = stamp
    info.ModDate = stamp


def _attach(out: pikepdf.Pdf, name: str, data: bytes, case: CaseFolder) -> None:
    when = source_date(case).strftime("D:%Y%m%d%H%M%S+00'00'")
    out.attachments[name] = pikepdf.AttachedFileSpec(
        out, data, filename=name, mime_type="application/json", creation_date=when, mod_date=when
    )


def document_entry(part: Part, sha: dict[str, str], *, register: bool = False) -> dict[str, Any]:
    """One document's entry in the manifest: where it sits, and the sha256 of the file it
    shows (with ``register``, the attendance section records attendance.csv's)."""
    shown = (
        part.doc.path if part.doc is not None else ("attendance.csv" if register and part.key == "attendance" else None)
    )
    return {
        "key": part.key,
        "title": part.title,
        "section": part.section,
        "tab": part.tab,
        "exhibit": part.exhibit,
        "first_page": part.first_page,
        "last_page": part.last_page,
        "sha256": sha.get(shown) if shown is not None else None,
    }


def file_entries(files: Iterable[Any]) -> list[dict[str, Any]]:
    """Files as the manifest records them: path, sha256, size."""
    return [{"path": f.path, "sha256": f.sha256, "size": f.size} for f in files]


def check_entry(result: CheckResult) -> dict[str, Any]:
    """The checklist's verdict as the manifest records it."""
    return {
        "ready": result.ready,
        "counts": result.counts,
        "failing_rules": result.failing_rules,
        "profile": result.profile.name,
        "route": result.route.value,
    }


def _manifest(
    out: pikepdf.Pdf,
    case: CaseFolder,
    result: CheckResult,
    sections: list[Section],
    total: int,
    draft: bool,
    reports: list[SourceReport],
) -> dict[str, Any]:
    sha = {f.path: f.sha256 for f in case.files}
    documents = [document_entry(part, sha) for section in sections for part in section.parts]
    digester = Digester(out, frozenset({MANIFEST_NAME, CASE_DATA_NAME}))
    return {
        "format": 2,
        "tool": f"bundler {__version__}",
        "case_id": case.case.case_id,
        "built_for": case.case.referral.date.isoformat(),
        "draft": draft,
        "pages": total,
        "inputs": file_entries(case.files),
        # clutter an operating system left in documents/ (.DS_Store, Thumbs.db): never read
        "ignored": file_entries(case.ignored),
        "documents": documents,
        "check": check_entry(result),
        "sources": {
            r.label: {"removed": sorted(set(r.removed)), "notes": r.notes} for r in reports if r.removed or r.notes
        },
        # what verify recomputes from the file: what each page shows, and the rest
        "page_sha256": [digester.page(i) for i in range(total)],
        "document_sha256": digester.document(),
    }
