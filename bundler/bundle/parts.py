"""Each document of the case as a part of the bundle: its pages, or the HTML to render.

Takes a validated document; gives a ``Part``: a PDF kept as it is (checked, with its own
outline), or a page of HTML for the renderer (Markdown, Word, email, image). Refuses,
naming the file, anything that cannot be shown as it is.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from pathlib import Path
from typing import Any

from markupsafe import Markup

from .. import figures
from ..case.load import Limits
from ..case.models import AnyDocument, Case, EmailServed, HandServed
from ..case.validate import CaseDocument, CaseFolder
from ..errors import BundleError
from ..present.jinja import render
from ..present.markdown import links_and_images, to_html
from .plan import OutlineItem, Part
from .render import RenderJob, css_url
from .sources import Piece, render_source


def render_page(template: str, **context: Any) -> str:
    """A bundle page from its template (templates/bundle/), with the bundle's stylesheet."""
    return render(f"bundle/{template}", css_url=css_url(), **context)


#: raw HTML elements that fetch, embed or run something; other raw HTML is shown as text
_ACTIVE_HTML = re.compile(
    r"<\s*(link|img|image|iframe|object|embed|script|style|base|meta|svg|video|audio|source|frame)\b", re.I
)


def _markdown_html(text: str, label: str) -> str:
    """Markdown to HTML with raw HTML escaped, never passed through.

    Images must be files beside the document (the fetcher enforces the case folder);
    an image or link that names another scheme (file:, javascript:, data:) fails the
    build, naming the document, rather than being dropped silently.
    """
    active = _ACTIVE_HTML.search(text)
    if active:
        line = text[: active.start()].count("\n") + 1
        raise BundleError(
            f"{label}: body line {line}: raw HTML <{active.group(1)}> is not allowed in a bundle document (it could fetch or embed files); remove it"
        )
    for kind, target in links_and_images(text):
        if kind == "image" and (":" in target.split("/", 1)[0] or target.startswith("/")):
            raise BundleError(f"{label}: refused image {target}: only files inside the case folder may be used")
        if kind == "link":
            scheme = target.split(":", 1)[0].lower() if ":" in target.split("/", 1)[0] else ""
            if scheme not in ("", "http", "https", "mailto", "tel"):
                raise BundleError(f"{label}: refused link {target}")
    return to_html(text)


def type_label(doc: CaseDocument[AnyDocument]) -> str:
    meta = doc.meta
    kind = getattr(meta, "kind", None)
    base = meta.type.replace("_", " ")
    return f"{base} ({kind.value.replace('_', ' ')})" if kind is not None and hasattr(kind, "value") else base


def _details(doc: CaseDocument[AnyDocument], case: Case) -> list[tuple[str, str]]:
    meta = doc.meta
    rows: list[tuple[str, str]] = []

    def who(pid: str) -> str:
        parent = case.parent(pid)
        return f"{parent.name} ({pid})" if parent else pid

    to = getattr(meta, "to", None)
    if to:
        rows.append(("To", who(to)))
    served = getattr(meta, "served", None)
    if served is not None:
        text = served.method.replace("_", " ")
        if isinstance(served, HandServed):
            parts = [
                p
                for p in (
                    served.handed_at and figures.date_time(served.handed_at),
                    served.handed_by and f"by {served.handed_by}",
                    served.recipient and f"to {who(served.recipient)}",
                )
                if p
            ]
            text += ": " + ", ".join(parts) if parts else ""
        elif isinstance(served, EmailServed):
            text += (
                f" to {served.address}"
                + (f", sent {figures.date_time(served.sent_at)}" if served.sent_at else "")
                + f", read receipt {served.read_receipt.value}"
                + (f" ({figures.date_time(served.read_at)})" if served.read_at else "")
            )
        rows.append(("Served", text))
    for name, label in (
        ("invited", "Invited"),
        ("attended", "Attended"),
        ("parents", "Parents"),
        ("offered_to", "Offered to"),
    ):
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
            rows.append((label, figures.long_date(value)))
    return rows


def document_part(
    doc: CaseDocument[AnyDocument], folder: CaseFolder, section: str, limits: Limits, cache_dir: Path | None = None
) -> Part:
    """The part for one document: a PDF kept as it is, or HTML to render (``part.job``).

    Office documents, emails and images are shown by ``sources``: the first piece is the
    document, the rest follow it as ``part.attachments``. ``cache_dir`` keeps converted
    office documents between builds.
    """
    label = doc.path
    part = Part(key=doc.path, section=section, title=doc.meta.title, date=doc.meta.date, doc=doc)
    path = folder.root / doc.path

    def wrap(body_html: str, note: str = "") -> None:
        html = render_page(
            "document.html.j2",
            title=doc.meta.title,
            meta=doc.meta,
            type_label=type_label(doc),
            details=_details(doc, folder.case),
            path=doc.path,
            note=note,
            body=Markup(body_html),  # built here, user text already escaped
        )
        deps = tuple(
            f.sha256 for f in folder.files if f.path.startswith("documents/") and f.path.rsplit("/", 1)[-1] in html
        )
        part.job = RenderJob(html, label, folder.root, limits.max_attachment_bytes, deps)

    if doc.kind == "markdown":
        wrap(_markdown_html(doc.body or "", label))
    elif doc.kind == "pdf":
        data = path.read_bytes()
        reader = read_input_pdf(data, label)
        part.pdf, part.pages = data, len(reader.pages)
        part.outline = outline_of(reader)
    elif doc.kind == "msg":
        raise BundleError(
            f"{label}: Outlook .msg files cannot be shown in the bundle yet; save the email as .eml or PDF"
        )
    elif doc.kind in ("office", "eml", "image"):
        first, *rest = render_source(doc.kind, path, label, limits, cache_dir, title=doc.meta.title)
        if first.pdf is not None:
            reader = read_input_pdf(first.pdf, label)
            part.pdf, part.pages, part.outline = first.pdf, len(reader.pages), outline_of(reader)
        else:
            wrap(first.html or "", first.note)
        part.attachments = [_piece_part(piece, n, part, folder, limits) for n, piece in enumerate(rest, 1)]
    else:  # pragma: no cover - load.py only produces the kinds above
        raise BundleError(f"{label}: unsupported document kind {doc.kind}")
    return part


def _piece_part(piece: Piece, number: int, parent: Part, folder: CaseFolder, limits: Limits) -> Part:
    """What follows a document (an email's attachment, say): PDF pages, or a page to render."""
    label = f"{parent.key} ({piece.title})"
    part = Part(key=f"{parent.key}#{number}", section=parent.section, title=piece.title, date=parent.date)
    if piece.pdf is not None:
        reader = read_input_pdf(piece.pdf, label)
        part.pdf, part.pages, part.outline = piece.pdf, len(reader.pages), outline_of(reader)
    else:
        html = render_page(
            "source.html.j2", title=piece.title, of=parent.title, note=piece.note, body=Markup(piece.html or "")
        )
        part.job = RenderJob(html, label, folder.root, limits.max_attachment_bytes)
    return part


def outline_of(reader: Any) -> list[OutlineItem]:
    """An embedded PDF's outline as [(title, page_offset, children)]."""

    def walk(items: Any) -> list[OutlineItem]:
        out: list[OutlineItem] = []
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


def read_input_pdf(data: bytes, label: str) -> Any:
    """Open a PDF from the case folder, refusing encrypted, corrupt or empty files."""
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    if not data.lstrip()[:5] == b"%PDF-":
        raise BundleError(f"{label}: is not a PDF file (it does not start with %PDF-)")
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            raise BundleError(f"{label}: is encrypted; save an unprotected copy and add that instead")
        count = len(reader.pages)
        for page in reader.pages:
            page.get_contents()  # decode now: a truncated or corrupt stream fails here, named
    except BundleError:
        raise
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, IndexError, OSError, RecursionError) as exc:
        raise BundleError(f"{label}: cannot be read as a PDF ({type(exc).__name__}: {exc})") from None
    if count == 0:
        raise BundleError(f"{label}: the PDF has no pages")
    return reader
