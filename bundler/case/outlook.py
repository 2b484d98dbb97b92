"""Outlook ``.msg`` files read into standard email messages.

Takes the bytes of a ``.msg`` (an OLE compound file holding MAPI properties, as
[MS-OXMSG] describes) and a label for messages; gives an ``email.message.EmailMessage``:
the internet headers (the transport headers Outlook kept, or headers made from the
sender, recipient, subject, date and read-receipt properties of a message that was
never sent through the internet), the plain and HTML bodies, inline images with their
content ids, the attachments in order, and an attached Outlook message as a
``message/rfc822`` part, read the same way.

The file is untrusted: its size, number of attachments, size of any property and depth
of nested messages are limited, and anything malformed is an ``MsgError`` naming the
file and the reason. ``msg_problem`` says whether a file can be opened at all (for
validation). The OLE container is read with olefile (BSD licence); the MAPI property
layer is our own.
"""

from __future__ import annotations

import datetime as dt
import email.policy
import io
import re
import struct
from dataclasses import dataclass
from email.headerregistry import Address
from email.message import EmailMessage
from email.parser import HeaderParser
from email.utils import format_datetime, getaddresses
from typing import Any

from ..errors import BundlerError

__all__ = ["MsgError", "MsgLimits", "msg_problem", "read_msg"]

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"

PT_LONG, PT_BOOLEAN, PT_OBJECT, PT_STRING8, PT_UNICODE, PT_SYSTIME, PT_BINARY = (
    0x0003,
    0x000B,
    0x000D,
    0x001E,
    0x001F,
    0x0040,
    0x0102,
)
# message properties
SUBJECT, BODY, BODY_HTML, RTF_COMPRESSED = 0x0037, 0x1000, 0x1013, 0x1009
TRANSPORT_HEADERS, MESSAGE_ID, CODEPAGE, INTERNET_CPID = 0x007D, 0x1035, 0x3FFD, 0x3FDE
SENDER_NAME, SENDER_EMAIL, SENDER_SMTP = 0x0C1A, 0x0C1F, 0x5D01
REPRESENTING_NAME, REPRESENTING_EMAIL, REPRESENTING_SMTP = 0x0042, 0x0065, 0x5D02
CLIENT_SUBMIT_TIME, DELIVERY_TIME = 0x0039, 0x0E06
READ_RECEIPT_REQUESTED = 0x0029
# recipient properties
DISPLAY_NAME, EMAIL_ADDRESS, SMTP_ADDRESS, RECIPIENT_TYPE = 0x3001, 0x3003, 0x39FE, 0x0C15
# attachment properties
ATTACH_DATA, ATTACH_FILENAME, ATTACH_LONG_FILENAME = 0x3701, 0x3704, 0x3707
ATTACH_METHOD, ATTACH_MIME_TAG, ATTACH_CONTENT_ID, ATTACH_HIDDEN = 0x3705, 0x370E, 0x3712, 0x7FFE
ATTACH_EMBEDDED_MSG = 5

#: headers that describe the MIME structure Outlook had; the message built here has its own
_STRUCTURAL = {"content-type", "content-transfer-encoding", "mime-version", "content-disposition"}


class MsgError(BundlerError):
    """An Outlook message that cannot be read; the message names the file and why."""


@dataclass(frozen=True)
class MsgLimits:
    max_bytes: int = 50 * 1024 * 1024
    max_attachments: int = 250
    max_depth: int = 5  # messages attached to messages attached to ...
    max_property_bytes: int = 50 * 1024 * 1024


def _filetime(value: int) -> dt.datetime | None:
    if value <= 0:
        return None
    try:
        return dt.datetime(1601, 1, 1, tzinfo=dt.UTC) + dt.timedelta(microseconds=value // 10)
    except OverflowError:
        return None


class _Props:
    """The properties of one MAPI object (message, recipient or attachment) in the file."""

    def __init__(self, ole: Any, prefix: list[str], header_size: int, limits: MsgLimits, label: str):
        self.ole, self.prefix, self.limits, self.label = ole, prefix, limits, label
        self.fixed: dict[int, tuple[int, bytes]] = {}
        self.codepage = "cp1252"
        path = [*prefix, "__properties_version1.0"]
        if not ole.exists("/".join(path)):
            raise MsgError(f"{label}: not an Outlook message (no property stream at {'/'.join(path) or 'the top'})")
        data = self._read(path)
        for offset in range(header_size, len(data) - 15, 16):
            tag, _flags = struct.unpack_from("<II", data, offset)
            self.fixed[tag] = (tag & 0xFFFF, data[offset + 8 : offset + 16])
        cp = self.long(CODEPAGE) or self.long(INTERNET_CPID)
        if cp:
            self.codepage = {65001: "utf-8", 1252: "cp1252", 28591: "latin-1", 20127: "ascii"}.get(cp, f"cp{cp}")

    def _read(self, path: list[str]) -> bytes:
        name = "/".join(path)
        if self.ole.get_size(name) > self.limits.max_property_bytes:
            raise MsgError(
                f"{self.label}: {path[-1]} is over the {self.limits.max_property_bytes // 1048576} MiB limit"
            )
        data: bytes = self.ole.openstream(name).read()
        return data

    def _stream(self, prop: int, ptype: int) -> bytes | None:
        path = [*self.prefix, f"__substg1.0_{prop:04X}{ptype:04X}"]
        if not self.ole.exists("/".join(path)):
            return None
        return self._read(path)

    def text(self, prop: int) -> str:
        data = self._stream(prop, PT_UNICODE)
        if data is not None:
            return data.decode("utf-16-le", errors="replace").rstrip("\x00")
        data = self._stream(prop, PT_STRING8)
        if data is not None:
            try:
                return data.decode(self.codepage, errors="replace").rstrip("\x00")
            except LookupError:
                return data.decode("cp1252", errors="replace").rstrip("\x00")
        return ""

    def binary(self, prop: int) -> bytes | None:
        return self._stream(prop, PT_BINARY)

    def long(self, prop: int) -> int | None:
        value = self.fixed.get((prop << 16) | PT_LONG)
        return struct.unpack("<i", value[1][:4])[0] if value else None

    def boolean(self, prop: int) -> bool:
        value = self.fixed.get((prop << 16) | PT_BOOLEAN)
        return bool(value and value[1][0])

    def time(self, prop: int) -> dt.datetime | None:
        value = self.fixed.get((prop << 16) | PT_SYSTIME)
        return _filetime(struct.unpack("<q", value[1])[0]) if value else None

    def children(self, kind: str) -> list[list[str]]:
        """The storages of recipients ("recip") or attachments ("attach"), in order."""
        depth = len(self.prefix)
        found = set()
        for entry in self.ole.listdir(streams=True, storages=True):
            if (
                len(entry) > depth
                and entry[:depth] == self.prefix
                and entry[depth].startswith(f"__{kind}_version1.0_#")
            ):
                found.add(entry[depth])
        return [[*self.prefix, name] for name in sorted(found)]


def _address(name: str, addr: str) -> str:
    if not addr or "@" not in addr:
        return name or addr
    try:
        return str(Address(display_name=name if name != addr else "", addr_spec=addr))
    except (ValueError, IndexError):
        return addr


def _headers(msg: EmailMessage, props: _Props, recipients: list[tuple[int, str, str]]) -> None:
    transport = props.text(TRANSPORT_HEADERS)
    if transport:
        parsed = HeaderParser(policy=email.policy.compat32).parsestr(transport)
        for key, value in parsed.items():
            if key.lower() not in _STRUCTURAL:
                msg[key] = re.sub(r"\s*\r?\n\s+", " ", str(value))
        return
    sender = _address(
        props.text(SENDER_NAME) or props.text(REPRESENTING_NAME),
        props.text(SENDER_SMTP)
        or props.text(REPRESENTING_SMTP)
        or props.text(SENDER_EMAIL)
        or props.text(REPRESENTING_EMAIL),
    )
    if sender:
        msg["From"] = sender
    for kind, header in ((1, "To"), (2, "Cc")):
        people = [_address(name, addr) for k, name, addr in recipients if k == kind]
        if people:
            msg[header] = ", ".join(people)
    subject = props.text(SUBJECT)
    if subject:
        msg["Subject"] = subject
    when = props.time(CLIENT_SUBMIT_TIME) or props.time(DELIVERY_TIME)
    if when is not None:
        msg["Date"] = format_datetime(when)
    message_id = props.text(MESSAGE_ID)
    if message_id:
        msg["Message-ID"] = message_id
    if props.boolean(READ_RECEIPT_REQUESTED) and sender:
        msg["Disposition-Notification-To"] = sender
    msg["X-Converted-From"] = "Outlook .msg (headers made from its MAPI properties)"


def _content_type(mime: str, filename: str) -> tuple[str, str]:
    import mimetypes

    if not mime or "/" not in mime:
        mime = mimetypes.guess_type(filename)[0] or "application/octet-stream"
    main, sub = mime.split("/", 1)
    return main.strip().lower(), sub.split(";")[0].strip().lower()


def _read(ole: Any, prefix: list[str], data_size: int, limits: MsgLimits, label: str, depth: int) -> EmailMessage:
    if depth > limits.max_depth:
        raise MsgError(f"{label}: messages are attached inside each other more than {limits.max_depth} deep")
    top = not prefix
    props = _Props(ole, prefix, 32 if top else 24, limits, label)
    recipients = []
    for storage in props.children("recip"):
        r = _Props(ole, storage, 8, limits, label)
        recipients.append(
            (r.long(RECIPIENT_TYPE) or 1, r.text(DISPLAY_NAME), r.text(SMTP_ADDRESS) or r.text(EMAIL_ADDRESS))
        )
    msg = EmailMessage(policy=email.policy.default)
    _headers(msg, props, recipients)
    plain = props.text(BODY)
    html_bytes = props.binary(BODY_HTML)
    html = html_bytes.decode(props.codepage, errors="replace") if html_bytes is not None else props.text(BODY_HTML)
    if not plain and not html and props.binary(RTF_COMPRESSED) is not None:
        raise MsgError(
            f"{label}: the email's text is kept only as RTF, which bundler cannot read: save it from Outlook as .eml or PDF"
        )
    msg.set_content(plain or "", subtype="plain")
    html_part = None
    if html:
        msg.add_alternative(html, subtype="html")
        html_part = msg.get_body(preferencelist=("html",))
    attachments = props.children("attach")
    if len(attachments) > limits.max_attachments:
        raise MsgError(f"{label}: has {len(attachments)} attachments, over the limit of {limits.max_attachments}")
    for number, storage in enumerate(attachments, 1):
        a = _Props(ole, storage, 8, limits, label)
        name = a.text(ATTACH_LONG_FILENAME) or a.text(ATTACH_FILENAME) or a.text(DISPLAY_NAME) or f"attachment-{number}"
        where = f"{label} (attachment {number}, {name})"
        if a.long(ATTACH_METHOD) == ATTACH_EMBEDDED_MSG or ole.exists(
            "/".join([*storage, f"__substg1.0_{ATTACH_DATA:04X}{PT_OBJECT:04X}"])
        ):
            inner_prefix = [*storage, f"__substg1.0_{ATTACH_DATA:04X}{PT_OBJECT:04X}"]
            if not ole.exists("/".join(inner_prefix)):
                raise MsgError(f"{where}: an attached message with no content")
            inner = _read(ole, inner_prefix, data_size, limits, where, depth + 1)
            msg.add_attachment(inner, filename=name if name.lower().endswith((".msg", ".eml")) else f"{name}.eml")
            continue
        data = a.binary(ATTACH_DATA)
        if data is None:
            raise MsgError(f"{where}: the attachment is stored in a form bundler cannot read (not a file or a message)")
        maintype, subtype = _content_type(a.text(ATTACH_MIME_TAG), name)
        cid = a.text(ATTACH_CONTENT_ID).strip("<>")
        if html_part is not None and cid and f"cid:{cid}" in html:
            html_part.add_related(data, maintype, subtype, cid=f"<{cid}>", filename=name, disposition="inline")
        else:
            msg.add_attachment(data, maintype, subtype, filename=name)
    return msg


def read_msg(data: bytes, label: str, limits: MsgLimits | None = None) -> EmailMessage:
    """An Outlook ``.msg`` as an EmailMessage (see the module docstring). Raises MsgError."""
    limits = limits or MsgLimits()
    if len(data) > limits.max_bytes:
        raise MsgError(f"{label}: is {len(data) / 1048576:.1f} MiB, over the {limits.max_bytes // 1048576} MiB limit")
    if not data.startswith(OLE_MAGIC):
        raise MsgError(f"{label}: not an Outlook .msg file (it does not start as an OLE compound file)")
    import olefile

    try:
        ole = olefile.OleFileIO(io.BytesIO(data))
    except Exception as exc:  # olefile raises OSError, and others, for a damaged container
        raise MsgError(f"{label}: the Outlook file is damaged and cannot be opened ({exc})") from None
    try:
        return _read(ole, [], len(data), limits, label, 0)
    except MsgError:
        raise
    except Exception as exc:  # a malformed property or stream deep in the file
        raise MsgError(f"{label}: the Outlook file is damaged ({type(exc).__name__}: {exc})") from None
    finally:
        ole.close()


def msg_problem(data: bytes, label: str) -> str | None:
    """Why an Outlook ``.msg`` cannot be opened, or None when it can."""
    try:
        read_msg(data, label)
    except MsgError as exc:
        return str(exc).removeprefix(f"{label}: ")
    return None


def recipients_of(message: EmailMessage) -> list[str]:
    """Every address in To and Cc, lower case."""
    values = [str(v) for key in ("To", "Cc") for v in message.get_all(key, [])]
    return [addr.lower() for _, addr in getaddresses(values) if addr]
