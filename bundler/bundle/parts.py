"""Each document of the case as a part of the bundle: its pages, or the HTML to render.

Takes a validated document; gives a ``Part``: a source PDF shown as it is (checked here,
prepared and placed when the bundle is assembled), or a page of HTML for the renderer
(Markdown, and what ``sources`` makes of office documents, emails and images). Refuses,
naming the file, anything that cannot be shown as it is.
"""

from __future__ import annotations

import datetime as dt
import posixpath
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import unquote

from markupsafe import Markup

from .. import figures
from ..case.bodies import image_problem
from ..case.load import Limits
from ..case.models import AnyDocument, Case, EmailServed, HandServed
from ..case.outlook import MsgError, read_msg
from ..case.pdfs import open_pdf
from ..case.validate import CaseDocument, CaseFolder
from ..errors import BundleError
from ..present.jinja import render
from ..present.markdown import to_html
from .plan import DOCUMENT, Part
from .render import RenderJob, css_url
from .sources import Piece, render_message, render_source


def render_page(template: str, **context: Any) -> str:
    """A bundle page from its template (templates/bundle/), with the bundle's stylesheet."""
    return render(f"bundle/{template}", css_url=css_url(), **context)


def _markdown_html(text: str, doc_path: str, folder: CaseFolder) -> str:
    """A Markdown document's body as HTML: raw HTML shown as text (never obeyed), line
    breaks kept, and only what a reader of the bundle can follow left as a link.

    * ``https:`` links stay; a relative link to another document of the case becomes a
      link to that document's first page in the bundle;
    * every other link (a local path, ``http:``, ``mailto:``, ``file:`` ...) loses its
      target, which is printed after its text instead: no path of the machine that built
      the bundle ends up in it, and nothing the author wrote is lost;
    * images must be image files inside ``documents/`` (``validate`` reports any other);
      one that is not is replaced by a visible notice naming it.
    """
    root = folder.root
    documents = {d.path for d in folder.documents}
    here = PurePosixPath(doc_path).parent

    def link(target: str) -> str | None:
        head = target.split("/", 1)[0]
        if target.lower().startswith("https://"):
            return target
        if ":" in head or target.startswith(("/", "\\", "#")) or not target:
            return None
        path = posixpath.normpath(str(here / unquote(target.split("#", 1)[0].split("?", 1)[0])))
        return DOCUMENT + path if path in documents and path != doc_path else None

    def image(source: str) -> str | None:
        if image_problem(source, doc_path, root) is not None:
            return None
        return ((root / doc_path).parent / unquote(source.strip("<>"))).resolve().as_uri()

    return to_html(text, link=link, image=image)


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
        wrap(_markdown_html(doc.body or "", doc.path, folder))
    elif doc.kind == "pdf":
        data = path.read_bytes()
        part.pdf, part.pages, part.source = data, pdf_pages(data, label, limits), True
    elif doc.kind in ("office", "eml", "image", "msg"):
        if doc.kind == "msg":  # an Outlook message is read as the email it is, then shown as one
            try:
                message = read_msg(path.read_bytes(), label)
            except MsgError as exc:
                raise BundleError(str(exc)) from None
            first, *rest = render_message(message, label, limits, cache_dir, title=doc.meta.title)
        else:
            first, *rest = render_source(doc.kind, path, label, limits, cache_dir, title=doc.meta.title)
        if first.pdf is not None:  # a converted office document: a source PDF like any other
            part.pdf, part.pages, part.source = first.pdf, pdf_pages(first.pdf, label, limits), True
        else:
            wrap(first.html or "", first.note)
            part.scan = doc.kind == "image"
        part.attachments = [_piece_part(piece, n, part, folder, limits) for n, piece in enumerate(rest, 1)]
    else:  # pragma: no cover - load.py only produces the kinds above
        raise BundleError(f"{label}: unsupported document kind {doc.kind}")
    return part


def _piece_part(piece: Piece, number: int, parent: Part, folder: CaseFolder, limits: Limits) -> Part:
    """What follows a document (an email's attachment, say): PDF pages, or a page to render."""
    label = f"{parent.key} ({piece.title})"
    part = Part(key=f"{parent.key}#{number}", section=parent.section, title=piece.title, date=parent.date)
    if piece.pdf is not None:
        part.pdf, part.pages, part.source = piece.pdf, pdf_pages(piece.pdf, label, limits), True
    else:
        html = render_page(
            "source.html.j2", title=piece.title, of=parent.title, note=piece.note, body=Markup(piece.html or "")
        )
        part.job = RenderJob(html, label, folder.root, limits.max_attachment_bytes)
        part.scan = 'class="image-page' in (piece.html or "")  # an attached photo or scan
    return part


def pdf_pages(data: bytes, label: str, limits: Limits) -> int:
    """The page count of a source PDF, which must open and show as it is (``case.pdfs``)."""
    with open_pdf(data, label, max_pages=limits.max_pages, max_pixels=limits.max_pixels) as pdf:
        return len(pdf.pages)
