"""A sidecar proposed from an email's own headers, for a person to confirm.

Takes an email (``.eml`` bytes, or an Outlook ``.msg`` read by ``bundler.case.outlook``)
and the parents of the case; gives the front-matter fields the headers support and a
note for each choice: the date (UK local time), the subject as the title, the parent
whose recorded email address the message went to as ``to``, and ``served`` by email
with the address, the time sent and whether a read receipt was requested
(``Disposition-Notification-To`` or ``Return-Receipt-To``). Nothing is guessed: a
message to two parents' addresses names no parent, and a message from a parent is not
made a document served on them.
"""

from __future__ import annotations

import datetime as dt
import email
import email.policy
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import getaddresses, parsedate_to_datetime
from typing import Any

from ..case.outlook import read_msg

__all__ = ["READ_RECEIPT_HEADERS", "Proposal", "parse_email", "propose"]

READ_RECEIPT_HEADERS = ("Disposition-Notification-To", "Return-Receipt-To", "Read-Receipt-To", "X-Confirm-Reading-To")


@dataclass
class Proposal:
    fields: dict[str, Any] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


def parse_email(data: bytes, label: str, suffix: str) -> EmailMessage:
    """An ``.eml`` or ``.msg`` as an EmailMessage (MsgError for a .msg that cannot be read)."""
    if suffix == ".msg":
        return read_msg(data, label)
    message = email.message_from_bytes(data, policy=email.policy.default)
    assert isinstance(message, EmailMessage)
    return message


def _local(when: dt.datetime) -> dt.datetime:
    """A header's date and time as the wall-clock time in the UK, without an offset."""
    if when.tzinfo is None:
        return when
    try:
        from zoneinfo import ZoneInfo

        return when.astimezone(ZoneInfo("Europe/London")).replace(tzinfo=None)
    except (ImportError, KeyError, OSError):  # no time-zone database: keep the time with its offset
        return when


def _addresses(message: EmailMessage, *headers: str) -> list[str]:
    values = [str(v) for h in headers for v in message.get_all(h, [])]
    return [addr.strip().lower() for _, addr in getaddresses(values) if addr]


def propose(message: EmailMessage, parents: list[dict[str, Any]], to: str | None = None) -> Proposal:
    """Fields for an email document; ``parents`` are case.yaml's parent mappings, and
    ``to`` the parent a person has named (then only that parent's address is looked for)."""
    out = Proposal()
    subject = str(message.get("Subject") or "").strip()
    if subject:
        out.fields["title"] = subject
    sent: dt.datetime | None = None
    if message.get("Date"):
        try:
            sent = _local(parsedate_to_datetime(str(message["Date"])))
        except (TypeError, ValueError):
            out.notes.append(f"the Date header '{message['Date']}' cannot be read: give --date")
    if sent is not None:
        out.fields["date"] = sent.date()
    by_email: dict[str, list[str]] = {}
    for p in parents:
        if to is not None and p.get("id") != to:
            continue
        if isinstance(p, dict) and isinstance(p.get("email"), str) and isinstance(p.get("id"), str):
            by_email.setdefault(p["email"].strip().lower(), []).append(p["id"])
    recipients = _addresses(message, "To", "Cc")
    senders = _addresses(message, "From")
    matched = sorted({pid for addr in recipients for pid in by_email.get(addr, [])})
    from_parent = sorted({pid for addr in senders for pid in by_email.get(addr, [])})
    if from_parent and not matched:
        out.fields["type"] = "other"
        out.notes.append(
            f"sent by {', '.join(from_parent)} (their recorded address): an email from a parent, not one served on them"
        )
        return out
    out.fields["type"] = "email"
    if len(matched) > 1:
        out.notes.append(
            f"sent to the recorded addresses of {' and '.join(matched)}: every parent is written to separately, "
            "so name the one this document is for with --to"
        )
        return out
    if not matched:
        out.notes.append(
            "no recipient is a parent's recorded email address ("
            + (", ".join(recipients) or "no recipients")
            + "): give --to, and check the address (rule S444-31)"
        )
        return out
    pid = matched[0]
    address = next(a for a in recipients if pid in by_email.get(a, []))
    receipt = next((h for h in READ_RECEIPT_HEADERS if message.get(h)), None)
    served: dict[str, Any] = {"method": "email", "address": address, "read_receipt": "requested" if receipt else "none"}
    if sent is not None:
        served["sent_at"] = sent.replace(second=0, microsecond=0)
    out.fields["to"] = pid
    out.fields["served"] = served
    out.notes.append(f"to {pid}: the message went to {address}, the address case.yaml records for them")
    out.notes.append(
        f"read receipt requested ({receipt} header)"
        if receipt
        else "no read receipt was requested (rule S444-31 warns)"
    )
    return out
