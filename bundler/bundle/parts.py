"""Each document of the case as a part of the bundle: its pages, or the HTML to render.

Takes a validated document; gives a ``Part``: a PDF kept as it is (checked, with its own
outline), or a page of HTML for the renderer (Markdown, Word, email, image). Refuses,
naming the file, anything that cannot be shown as it is.
"""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import html as htmllib
import posixpath
from dataclasses import replace
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import unquote

from markupsafe import Markup

from .. import figures
from ..case.bodies import image_problem
from ..case.load import Limits
from ..case.models import AnyDocument, Case, EmailServed, HandServed
from ..case.pdfs import open_pdf
from ..case.validate import CaseDocument, CaseFolder
from ..errors import BundleError
from ..present.jinja import render
from ..present.markdown import to_html
from .convert import DOCX_BODY
from .plan import DOCUMENT, Part
from .render import RenderJob, css_url


def render_page(template: str, **context: Any) -> str:
    """A bundle page from its template (templates/bundle/), with the bundle's stylesheet."""
    return render(f"bundle/{template}", css_url=css_url(), **context)


MAX_IMAGE_PIXELS = 40_000_000


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


def document_part(doc: CaseDocument[AnyDocument], folder: CaseFolder, section: str, limits: Limits) -> Part:
    """The part for one document: a PDF kept as it is, or HTML to render (``part.job``)."""
    label = doc.path
    part = Part(key=doc.path, section=section, title=doc.meta.title, date=doc.meta.date, doc=doc)
    path = folder.root / doc.path

    def wrap(body_html: str) -> None:
        html = render_page(
            "document.html.j2",
            title=doc.meta.title,
            meta=doc.meta,
            type_label=type_label(doc),
            details=_details(doc, folder.case),
            path=doc.path,
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
    elif doc.kind == "office" and path.suffix.lower() != ".docx":
        raise BundleError(
            f"{label}: {path.suffix} documents cannot be shown in the bundle yet; save it as PDF and add that"
        )
    elif doc.kind == "msg":
        raise BundleError(
            f"{label}: Outlook .msg files cannot be shown in the bundle yet; save the email as .eml or PDF"
        )
    elif doc.kind == "office":
        # converted in the render worker, and only when the part is not in the cache
        wrap(DOCX_BODY)
        assert part.job is not None
        part.job = replace(part.job, docx=str(path))
    elif doc.kind == "image":
        _check_image(path, label)
        wrap(
            f'<div class="image-page"><img src="{htmllib.escape(path.name)}" alt="{htmllib.escape(doc.meta.title)}"></div>'
        )
    elif doc.kind == "eml":
        body, attachments = _eml_html(path, label, limits)
        wrap(body)
        for name, data in attachments:
            part.attachments.append(
                Part(
                    key=f"{doc.path}#{name}",
                    section=section,
                    title=f"Attachment: {name}",
                    date=doc.meta.date,
                    pdf=data,
                    pages=pdf_pages(data, f"{label} (attachment {name})", limits),
                    source=True,
                )
            )
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
                raise BundleError(
                    f"{label}: the image is {width}x{height} pixels, over the {MAX_IMAGE_PIXELS // 1_000_000} megapixel limit (a decompression bomb?)"
                )
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
        payload = attachment.get_payload(decode=True)
        data = payload if isinstance(payload, bytes) else b""
        if len(data) > limits.max_attachment_bytes:
            raise BundleError(f"{label}: attachment {name} is over the size limit")
        ctype = attachment.get_content_type()
        if ctype == "application/pdf" or name.lower().endswith(".pdf"):
            pdfs.append((name, data))
            listed.append(f"{esc(name)} (follows this email)")
        elif ctype.startswith("image/") and ctype in ("image/png", "image/jpeg"):
            import base64

            images.append(
                f'<p><strong>{esc(name)}</strong></p><div class="image-page"><img src="data:{ctype};base64,{base64.b64encode(data).decode()}" alt="{esc(name)}"></div>'
            )
            listed.append(f"{esc(name)} (shown below)")
        else:
            listed.append(f"{esc(name)} ({esc(ctype)}, not reproduced)")
    html = '<table class="email-headers">' + "".join(rows) + "</table>"
    if listed:
        html += "<p><strong>Attachments:</strong> " + "; ".join(listed) + "</p>"
    html += f'<div class="email-body">{esc(text)}</div>' + "".join(images)
    return html, pdfs


def pdf_pages(data: bytes, label: str, limits: Limits) -> int:
    """The page count of a source PDF, which must open and show as it is (``case.pdfs``)."""
    with open_pdf(data, label, max_pages=limits.max_pages, max_pixels=limits.max_pixels) as pdf:
        return len(pdf.pages)
