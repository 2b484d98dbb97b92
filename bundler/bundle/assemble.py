"""Merge the rendered parts into one PDF: pages, internal links, stamps, page labels,
outline, metadata and the embedded manifest.

Takes the laid-out sections (every part rendered); gives a pypdf writer ready to save,
and the manifest it embeds.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import os
from typing import Any

from .. import __version__, figures
from ..case.validate import CaseFolder
from ..checklist import CheckResult
from ..errors import BundleError
from .manifest import CASE_DATA_NAME, MANIFEST_NAME, case_json, page_digest, set_document_id
from .plan import ROUTE_TITLES, OutlineItem, Section, label_of
from .stamp import stamp_page


def source_date(case: CaseFolder) -> dt.datetime:
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.isdigit():
        return dt.datetime.fromtimestamp(int(epoch), tz=dt.UTC)
    d = case.case.referral.date
    return dt.datetime(d.year, d.month, d.day, tzinfo=dt.UTC)


def assemble(
    case: CaseFolder, result: CheckResult, sections: list[Section], total: int, draft: bool
) -> tuple[Any, dict[str, Any]]:
    from pypdf import PdfReader, PdfWriter
    from pypdf.constants import PageLabelStyle
    from pypdf.generic import ArrayObject, DictionaryObject, NameObject, NullObject

    writer = PdfWriter()
    page_ranges = []
    pages = []  # the writer's pages, kept here: len(writer.pages) walks the page tree
    source: bytes | None = None  # the parts of one batch share one PDF, in order
    reader: Any = None
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
                        NameObject("/D"): ArrayObject(
                            [
                                pages[target].indirect_reference,
                                NameObject("/XYZ"),
                                NullObject(),
                                NullObject(),
                                NullObject(),
                            ]
                        ),
                    }
                )

    # stamps: page N of M and the section label, clear of the content at the foot
    for number, page in enumerate(pages, 1):
        label = label_of(sections, number)
        if page.rotation:
            page.transfer_rotation_to_content()  # parses the content: only when needed
        stamp_page(writer, page, f"Page {number} of {total}", label, draft)

    # page labels = section labels
    for section in sections:
        if section.parts:
            writer.set_page_label(
                section.first_page - 1,
                section.parts[-1].last_page - 1,
                style=PageLabelStyle.DECIMAL,
                prefix=section.letter,
                start=1,
            )

    # outline: sections, then documents with their own outline beneath
    for section in sections:
        if not section.parts:
            continue
        parent = writer.add_outline_item(
            title=f"{section.letter} {section.title} (p. {section.first_page})", page_number=section.first_page - 1
        )
        for part in section.parts:
            if part.key == "cover":
                continue
            when = f", {figures.short_date(part.date)}" if part.date else ""
            item = writer.add_outline_item(
                title=f"{label_of(sections, part.first_page)} {part.title}{when} (p. {part.first_page})",
                page_number=part.first_page - 1,
                parent=parent,
            )
            offset = part.first_page - 1
            for piece in [part, *part.attachments]:
                if piece is not part:
                    sub = writer.add_outline_item(
                        title=f"{piece.title} (p. {offset + 1})", page_number=offset, parent=item
                    )
                else:
                    sub = item
                _add_outline(writer, piece.outline, offset, sub)
                offset += piece.pages

    built = source_date(case)
    stamp = built.strftime("D:%Y%m%d%H%M%S+00'00'")
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
            "label": label_of(sections, part.first_page),
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
    writer.add_attachment(CASE_DATA_NAME, case_json(case).encode())
    set_document_id(writer, case, json.dumps(manifest, sort_keys=True).encode())
    return writer, manifest


def _add_outline(writer: Any, items: list[OutlineItem], offset: int, parent: Any) -> None:
    for title, page, children in items:
        item = writer.add_outline_item(title=title, page_number=offset + page, parent=parent)
        _add_outline(writer, children, offset, item)
