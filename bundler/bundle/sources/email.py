"""Emails as a mail program shows them: an ``.eml`` file, or any ``EmailMessage`` (an
Outlook ``.msg`` file, once read into one, renders the same way).

Takes the email; gives its pieces. First the message: its headers (read-receipt requests
included), every body a mail program would show in order (HTML sanitised, its inline
``cid:`` images drawn from the message itself, remote images never fetched but marked
with their address; read receipts and delivery reports shown as text), what had to be
guessed (a missing or unknown character set), and a list of every attachment by name,
type, size and SHA-256. Then each attachment that can be shown, in order: a PDF as it
is, an image as image pages, an office document converted, an attached email the same
way as this one, a text file as text. Anything else, or an attachment that cannot be
read, is listed with the reason and not reproduced.
"""

from __future__ import annotations

import base64
import hashlib
import html as htmllib
import re
from dataclasses import dataclass
from email.message import Message
from pathlib import Path
from urllib.parse import unquote_to_bytes

from ... import figures
from ...case.attachments import (
    ENCRYPTED,
    ENCRYPTED_TYPES,
    SourceError,
    check_message,
    content_type,
    decode_text,
    decode_words,
    header_view,
    is_attachment,
    parse_email,
    part_kind,
    part_name,
    payload_bytes,
)
from ...case.load import Limits
from ...case.pdfs import open_pdf
from . import Piece
from .html import clean_html, remote_placeholder
from .image import BOX_MM, image_html, inline_image
from .office import office_pieces

HEADERS = ("From", "Sender", "To", "Cc", "Bcc", "Reply-To", "Date", "Subject")
READ_RECEIPT_HEADERS = ("Disposition-Notification-To", "Return-Receipt-To", "Read-Receipt-To", "X-Confirm-Reading-To")
#: reports a mail program shows as text: read receipts, delivery reports, their headers
_REPORT_TYPES = (
    "message/disposition-notification",
    "message/global-disposition-notification",
    "message/delivery-status",
    "message/global-delivery-status",
    "message/feedback-report",
    "text/rfc822-headers",
    "message/global-headers",
)
_META_CHARSET = re.compile(rb"<meta[^>]{0,200}?charset\s*=\s*[\"']?([\w.:-]+)", re.I)


def email_pieces(data: bytes, title: str, label: str, limits: Limits, cache_dir: Path | None) -> list[Piece]:
    """An .eml file's pieces: the message, then its attachments."""
    return message_pieces(parse_email(data, label, limits), title, label, limits, cache_dir)


def message_pieces(
    message: Message, title: str, label: str, limits: Limits, cache_dir: Path | None, depth: int = 0
) -> list[Piece]:
    """A parsed email's pieces (an ``EmailMessage`` from any reader)."""
    check_message(message, label, limits, depth)
    view = _View(label, limits, cache_dir, depth)
    view.show(message)
    attached = view.render_attachments()
    # what had to be guessed is said in a box on the email's page itself
    return [Piece(title, html=view.page(message)), *attached]


@dataclass
class _Listed:
    name: str
    ctype: str
    size: int
    sha256: str
    status: str


class _View:
    """What a mail program would show of one message, gathered part by part."""

    def __init__(self, label: str, limits: Limits, cache_dir: Path | None, depth: int):
        self.label, self.limits, self.cache_dir, self.depth = label, limits, cache_dir, depth
        self.bodies: list[str] = []
        self.notes: list[str] = []
        self.attachments: list[Message] = []
        self.listed: list[_Listed] = []
        self.resources: dict[str, Message] = {}
        self.used: set[int] = set()
        self.remote = 0

    # ---- the structure
    def show(self, part: Message) -> None:
        ctype = content_type(part)
        if part_kind(part) == "email":
            self.attachments.append(part)
            return
        if ctype in _REPORT_TYPES and part.is_multipart():
            self._report(part)  # parsed by Python as header blocks: shown as written
            return
        if not part.is_multipart():
            self._leaf(part)
            return
        children = [c for c in part.get_payload() if isinstance(c, Message)]
        if not children:
            return
        if ctype == "multipart/alternative":
            self._alternative(children)
        elif ctype == "multipart/related":
            self._related(part, children)
        elif ctype == "multipart/signed":
            self.show(children[0])
            self.attachments += children[1:]
        else:
            for child in children:
                if is_attachment(child) or part_kind(child) == "email":
                    self.attachments.append(child)
                else:
                    self.show(child)

    def _leaf(self, part: Message) -> None:
        ctype = content_type(part)
        if ctype in ENCRYPTED_TYPES:
            self.attachments.append(part)  # listed: its content cannot be shown
        elif ctype in ("text/plain", "text/html") or ctype in _REPORT_TYPES:
            self._text(part, html=ctype == "text/html")
        elif part_kind(part) == "image" and not is_attachment(part):
            name = part_name(part) or "inline image"
            self.bodies.append(self._image(payload_bytes(part), name, None, None))
        else:
            self.attachments.append(part)

    def _alternative(self, children: list[Message]) -> None:
        """A mail program shows the richest alternative it can: HTML before plain text."""
        types = [content_type(c) for c in children]
        rich = [i for i, t in enumerate(types) if t in ("text/html", "multipart/related", "multipart/mixed")]
        plain = [i for i, t in enumerate(types) if t == "text/plain"]
        chosen = rich[-1] if rich else plain[-1] if plain else len(children) - 1
        self.show(children[chosen])
        for i, child in enumerate(children):
            if i != chosen and not types[i].startswith(("text/plain", "text/html", "multipart/")):
                self.attachments.append(child)  # a calendar invitation, say

    def _related(self, part: Message, children: list[Message]) -> None:
        start = header_view(part).get_param("start")
        root = children[0]
        for child in children:
            cid = _cid(str(header_view(child).get("content-id", "")))
            if cid:
                self.resources[cid] = child
            location = str(header_view(child).get("content-location", "")).strip()
            if location:
                self.resources[location] = child
        if isinstance(start, str) and _cid(start) in self.resources:
            root = self.resources[_cid(start)]
        self.show(root)
        # what the body did not use, a mail program lists as attachments
        self.attachments += [c for c in children if c is not root and id(c) not in self.used]

    # ---- bodies
    def _text(self, part: Message, html: bool) -> None:
        data = payload_bytes(part)
        charset = header_view(part).get_param("charset")
        charset = charset if isinstance(charset, str) else None
        if html and not charset:
            found = _META_CHARSET.search(data[:4096])
            charset = found.group(1).decode("ascii") if found else None
        text, note = decode_text(data, charset)
        if note:
            self.notes.append(f"Its {content_type(part)} part {note}.")
        if html:
            cleaned, remote = clean_html(text, self._draw)
            self.bodies.append(f'<div class="email-html">{cleaned}</div>')
            self.remote += len(remote)
        else:
            self.bodies.append(f'<div class="email-text">{htmllib.escape(text)}</div>')

    def _report(self, part: Message) -> None:
        """A read receipt's or delivery report's fields, one block of lines after another."""
        blocks = []
        for block in part.get_payload():
            if isinstance(block, Message):
                lines = [f"{name}: {decode_words(str(value))[0]}" for name, value in block.raw_items()]
                body = block.get_payload()
                blocks.append("\n".join(lines) + (f"\n\n{body}" if isinstance(body, str) and body.strip() else ""))
        self.bodies.append(f'<div class="email-text">{htmllib.escape(chr(10).join(blocks))}</div>')

    def _draw(self, src: str, alt: str, width: float | None, height: float | None) -> str:
        """An <img> of the HTML body: drawn from the message, or marked; never fetched."""
        where = src.strip()
        part = (
            self.resources.get(_cid(unquote_to_bytes(where[4:]).decode("utf-8", "replace")))
            if where.lower().startswith("cid:")
            else self.resources.get(where)
        )
        if part is not None:
            self.used.add(id(part))
            return self._image(payload_bytes(part), part_name(part) or where, width, height, alt)
        if where.lower().startswith("data:"):
            data = _data_url(where)
            if data is not None:
                return self._image(data, "embedded image", width, height, alt)
        if where.lower().startswith(("http:", "https:", "//")):
            self.remote += 1
            return remote_placeholder(f"Remote image{f' ({alt})' if alt else ''}", where)
        self.notes.append(
            f"An image it refers to is not in the message ({where or 'no address'}); it is marked where it was."
        )
        return f'<span class="remote-content">[Image not included in the email: {htmllib.escape(where)}]</span>'

    def _image(self, data: bytes, name: str, width: float | None, height: float | None, alt: str = "") -> str:
        box = (
            min(width * 25.4 / 96, BOX_MM[0]) if width else BOX_MM[0],
            min(height * 25.4 / 96, BOX_MM[1]) if height else BOX_MM[1],
        )
        try:
            drawn = inline_image(data, f"{self.label} (inline image {name})", self.limits, box)
        except SourceError as exc:
            self.notes.append(f"The inline image {name} cannot be shown: {exc.reason}.")
            return f'<span class="remote-content">[Inline image {htmllib.escape(name)} cannot be shown: {htmllib.escape(exc.reason)}]</span>'
        return f'<img class="inline" src="{drawn.url}" alt="{htmllib.escape(alt or name)}" style="width: {drawn.width_mm:.2f}mm">'

    # ---- attachments
    def render_attachments(self) -> list[Piece]:
        pieces: list[Piece] = []
        for number, part in enumerate(self.attachments, 1):
            ctype = content_type(part)
            name = part_name(part)
            data = payload_bytes(part) if not part.is_multipart() else b""
            shown_as = name or _attached_email_name(part) or f"attachment {number} ({ctype})"
            label = f"{self.label} (attachment {shown_as})"
            try:
                found = self._attachment(part, ctype, name or shown_as, data, label)
            except SourceError as exc:
                found, status = [], f"not reproduced: {exc.reason}" + (f"; {exc.hint}" if exc.hint else "")
            else:
                status = (
                    "shown after this email" if found else "not reproduced: the bundle cannot show this kind of file"
                )
            if part.is_multipart() and part_kind(part) == "email":
                data = _serialised(part)
            self.listed.append(_Listed(shown_as, ctype, len(data), hashlib.sha256(data).hexdigest(), status))
            pieces += found
        return pieces

    def _attachment(self, part: Message, ctype: str, name: str, data: bytes, label: str) -> list[Piece]:
        kind = part_kind(part)
        title = f"Attachment: {name}"
        if ctype in ENCRYPTED_TYPES:
            raise SourceError(label, ENCRYPTED)
        if kind == "email":
            payload = part.get_payload()
            if isinstance(payload, list) and payload and isinstance(payload[0], Message):
                inner = payload[0]
            else:
                inner = parse_email(data, label, self.limits)
            return message_pieces(inner, title, label, self.limits, self.cache_dir, self.depth + 1)
        if kind == "pdf":
            _check_pdf(data, label, self.limits)
            return [Piece(title, pdf=data)]
        if kind == "image":
            body, note = image_html(data, label, self.limits, name)
            return [Piece(title, html=body, note=note)]
        if kind == "office":
            return office_pieces(data, name, title, label, self.limits, self.cache_dir)
        if kind == "text":
            sub = _View(label, self.limits, self.cache_dir, self.depth + 1)
            sub._text(part, html=ctype == "text/html")
            return [Piece(title, html="".join(sub.bodies), note=" ".join(sub.notes))]
        return []

    # ---- the page
    def page(self, message: Message) -> str:
        esc = htmllib.escape
        rows = []
        for header in (*HEADERS, *READ_RECEIPT_HEADERS):
            values = [str(v) for k, v in message.raw_items() if k.lower() == header.lower()]
            if not values:
                continue
            decoded = []
            for value in values:
                text, note = decode_words(value)
                decoded.append(text)
                if note:
                    self.notes.append(f"Its {header} header {note}.")
            rows.append(f"<tr><td>{esc(header)}</td><td>{esc(', '.join(decoded))}</td></tr>")
        out = ['<table class="email-headers">' + "".join(rows) + "</table>"]
        if self.listed:
            items = "".join(
                f"<tr><td>{esc(a.name)}</td><td>{esc(a.ctype)}</td><td>{figures.plural(a.size, 'byte')}</td>"
                f'<td class="hash">{a.sha256}</td><td>{esc(a.status)}</td></tr>'
                for a in self.listed
            )
            out.append(
                f'<div class="email-attachments"><p><strong>Attachments ({len(self.listed)})</strong></p>'
                "<table><thead><tr><th>Name</th><th>Type</th><th>Size</th><th>SHA-256</th><th>In this bundle</th>"
                f"</tr></thead><tbody>{items}</tbody></table></div>"
            )
        notes = self._notes()
        if notes:
            out.append(
                '<div class="source-notes"><p><strong>How this email is shown</strong></p><ul>'
                + "".join(f"<li>{esc(n)}</li>" for n in notes)
                + "</ul></div>"
            )
        out.append('<div class="email-bodies">' + ("".join(self.bodies) or '<p class="muted">(no text)</p>') + "</div>")
        return "\n".join(out)

    def _notes(self) -> list[str]:
        notes = list(dict.fromkeys(self.notes))
        if self.remote:
            notes.append(
                f"{figures.plural(self.remote, 'remote image')} (on the internet, not in the email) "
                "not fetched; each is marked where it was, with its address."
            )
        return notes


def _cid(value: str) -> str:
    return value.strip().strip("<>").strip().lower()


def _data_url(url: str) -> bytes | None:
    head, _, body = url.partition(",")
    try:
        if head.lower().endswith(";base64"):
            return base64.b64decode(re.sub(r"\s+", "", body), validate=False)
        return unquote_to_bytes(body)
    except (ValueError, TypeError):
        return None


def _check_pdf(data: bytes, label: str, limits: Limits) -> None:
    """An attached PDF that can be kept as it is (the bundle prepares it in full)."""
    with open_pdf(data, label, max_pages=limits.max_pages, max_pixels=limits.max_pixels):
        pass


def _serialised(part: Message) -> bytes:
    """An attached, parsed email as bytes again (for its size and hash on the list)."""
    import email.policy

    payload = part.get_payload()
    inner = payload[0] if isinstance(payload, list) and payload else None
    if not isinstance(inner, Message):
        return b""
    try:
        return inner.as_bytes(policy=email.policy.compat32)
    except (ValueError, TypeError, UnicodeError, LookupError, AttributeError):
        return b""


def _attached_email_name(part: Message) -> str:
    """An attached email without a file name is known by its subject."""
    payload = part.get_payload() if part_kind(part) == "email" else None
    inner = payload[0] if isinstance(payload, list) and payload else None
    if not isinstance(inner, Message):
        return ""
    subject = next((str(v) for k, v in inner.raw_items() if k.lower() == "subject"), "")
    return f"email '{decode_words(subject)[0].strip() or 'no subject'}'"
