"""One pack per parent: the bundle served on one parent as defendant.

Takes the case and a parent id; gives the pack's choice of documents: the case-wide
evidence (documents addressed to nobody), what was addressed or served to that parent,
the meetings they were invited to or attended, the support, contracts and plans that
name them. Every other document is withheld, with the reason, and the index lists it:
nothing is left out silently.

An excluded parent (``parents[].exclude``: the school may not contact them) has no pack,
and their address, phone and email appear in no pack:

* a document addressed to them is withheld from every pack (it is the document as it was
  served, their address on it; it cannot be shown with the address blacked out without
  changing what was served);
* a document addressed to this parent whose text shows an excluded parent's contact
  details is withheld too, naming the reason;
* the pages bundler writes (cover, referral form, statement, index, checklist,
  chronology ...) and the case data embedded in the PDF are checked for those details
  before the pack is written (``check_pages``); a hit stops the build, naming the page.

The text of a PDF, an image or an Outlook file cannot be read here, so such documents
are listed for a person to check (``Pack.unread``) when an excluded parent has contact
details on record.
"""

from __future__ import annotations

import email
import email.policy
import html as htmllib
import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..case.models import Addressed, AnyDocument, Case, HandServed, Meeting, Parent, PenaltyNotice, Support
from ..case.validate import CaseDocument, CaseFolder
from ..errors import BundleError

__all__ = [
    "Pack",
    "Withheld",
    "select_pack",
    "pack_parents",
    "contact_details",
    "check_pages",
    "redacted_case_json",
    "build_packs",
]

_POSTCODE = re.compile(r"\b[A-Z]{1,2}[0-9][0-9A-Z]?\s*[0-9][A-Z]{2}\b", re.I)
_PHONE = re.compile(r"\+?\d[\d ()\-]{6,}\d")


@dataclass(frozen=True)
class Withheld:
    """A document the pack does not show, and why."""

    doc: CaseDocument[AnyDocument]
    reason: str


@dataclass
class Pack:
    parent: Parent
    included: list[CaseDocument[AnyDocument]]
    withheld: list[Withheld]
    #: documents whose text bundler cannot read for an excluded parent's contact details
    unread: list[str] = field(default_factory=list)
    #: (what, text) of every excluded parent's contact details, checked for on every page
    secrets: list[tuple[str, str]] = field(default_factory=list)

    def warnings(self) -> list[str]:
        if not self.unread:
            return []
        return [
            f"the pack for {self.parent.name} ({self.parent.id}) holds {len(self.unread)} document(s) whose text "
            "bundler cannot read (PDF, image, Outlook): check that none shows the address or contact details of an "
            "excluded parent before serving it: " + ", ".join(self.unread)
        ]


def _who(case: Case, pid: str) -> str:
    parent = case.parent(pid)
    return f"{parent.name} ({parent.relationship})" if parent else pid


def pack_parents(case: CaseFolder) -> list[Parent]:
    """The parents proceeded against: every parent who is not excluded."""
    return [p for p in case.case.parents if not p.excluded]


def contact_details(parents: list[Parent]) -> list[tuple[str, str]]:
    """What must not appear: each parent's address (whole, its first line, its
    postcode), email and phone, as (what, text) pairs."""
    out: list[tuple[str, str]] = []
    for p in parents:
        if p.address:
            out.append((f"address of {p.name}", p.address))
            first = p.address.split(",")[0].strip()
            if any(ch.isdigit() for ch in first) and len(first) >= 6:
                out.append((f"address of {p.name}", first))
            postcode = _POSTCODE.search(p.address)
            if postcode:
                out.append((f"postcode of {p.name}", postcode.group(0)))
        if p.email:
            out.append((f"email address of {p.name}", p.email))
        if p.phone:
            out.append((f"phone number of {p.name}", p.phone))
    return out


def _fold(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip().lower()


def _digits(text: str) -> str:
    return re.sub(r"\D", "", text)


def find_contact(text: str, secrets: list[tuple[str, str]]) -> str | None:
    """The first of ``secrets`` that ``text`` shows (what it is), or None."""
    if not secrets:
        return None
    folded = _fold(text)
    squashed = folded.replace(" ", "")
    phones = {_digits(m.group(0)) for m in _PHONE.finditer(text)}
    for what, secret in secrets:
        if what.startswith("phone"):
            digits = _digits(secret)
            if digits and any(digits in found for found in phones):
                return what
        elif what.startswith("postcode"):
            if _fold(secret).replace(" ", "") in squashed:
                return what
        elif _fold(secret) in folded:
            return what
    return None


def _document_text(doc: CaseDocument[AnyDocument], root: Path) -> str | None:
    """The text a reader of the document sees (and its front matter), or None when
    bundler cannot read it (PDF, image, Outlook)."""
    path = root / doc.path
    meta = (root / doc.meta_file).read_text(encoding="utf-8", errors="replace") if doc.meta_file != doc.path else ""
    if doc.kind == "markdown":
        return path.read_text(encoding="utf-8", errors="replace")
    if doc.kind == "eml":
        message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
        parts = [f"{k}: {v}" for k, v in message.items()]
        for part in message.walk():
            if part.get_content_maintype() == "text":
                try:
                    parts.append(str(part.get_content()))
                except (LookupError, ValueError):
                    parts.append(part.get_payload(decode=True).decode("latin-1", "replace"))  # type: ignore[union-attr]
        return meta + "\n" + htmllib.unescape("\n".join(parts))
    if doc.kind == "office" and path.suffix.lower() == ".docx":
        import docx

        document = docx.Document(str(path))
        cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
        return meta + "\n" + "\n".join([p.text for p in document.paragraphs] + cells)
    return None


def _addressed_elsewhere(doc: CaseDocument[AnyDocument], case: Case, pid: str) -> str | None:
    """Why the document belongs to another parent's pack, or None when it is this one's."""
    meta = doc.meta
    recipients = meta.recipients
    if not recipients or pid in recipients:
        return None
    if isinstance(meta, Addressed) and isinstance(meta.served, HandServed) and meta.served.recipient == pid:
        return None  # handed to this parent: served on them
    names = ", ".join(_who(case, p) for p in recipients)
    if isinstance(meta, Addressed | PenaltyNotice):
        return f"addressed only to {names}"
    if isinstance(meta, Meeting):
        return f"a meeting only {names} was invited to"
    if isinstance(meta, Support):
        return f"offered only to {names}"
    return f"concerns only {names}"


def select_pack(case: CaseFolder, parent_id: str) -> Pack:
    """The documents of the pack served on ``parent_id``, and those withheld from it."""
    parent = case.case.parent(parent_id)
    if parent is None:
        known = ", ".join(p.id for p in case.case.parents)
        raise BundleError(f"--parent {parent_id}: no such parent in case.yaml (parent ids: {known})")
    if parent.excluded:
        raise BundleError(
            f"--parent {parent_id}: {parent.name} is excluded ({parent.exclusion_reason.rstrip('.')}); "
            "no pack is built for a parent who is not proceeded against"
        )
    secrets = contact_details([p for p in case.case.parents if p.excluded])
    pack = Pack(parent, [], [], secrets=secrets)
    for doc in case.documents:
        reason = _addressed_elsewhere(doc, case.case, parent_id)
        if reason is None and secrets:
            text = _document_text(doc, case.root)
            if text is None:
                pack.unread.append(doc.path)
            else:
                found = find_contact(text, secrets)
                if found:
                    reason = f"it shows the {found}, who is excluded: it is in the local authority's bundle only"
        if reason is None:
            pack.included.append(doc)
        else:
            pack.withheld.append(Withheld(doc, reason))
    return pack


def _visible_text(html: str) -> str:
    return htmllib.unescape(re.sub(r"<[^>]+>", " ", html))


def check_pages(pack: Pack, pages: list[tuple[str, str]]) -> None:
    """Refuse the pack when a page bundler wrote, or data it embeds, shows an excluded
    parent's contact details (``pages``: (what, HTML or JSON text))."""
    for what, text in pages:
        found = find_contact(_visible_text(text) if text.lstrip().startswith("<") else text, pack.secrets)
        if found:
            raise BundleError(
                f"the pack for {pack.parent.name} ({pack.parent.id}) would show the {found} on its {what}; "
                "nothing was written (remove those details from the case text that shows them)"
            )


def redacted_case_json(case_data: str, pack: Pack) -> str:
    """The case data a pack embeds: the excluded parents' contact details left out, and
    only the documents the pack shows (the withheld ones by path, title and reason)."""
    data: dict[str, Any] = json.loads(case_data)
    for parent in data["case"]["parents"]:
        if parent.get("exclude"):
            for key in ("address", "email", "phone"):
                parent.pop(key, None)
    shown = {doc.path for doc in pack.included}
    data["documents"] = [d for d in data["documents"] if d["path"] in shown]
    data["withheld"] = [
        {"path": w.doc.path, "title": w.doc.meta.title, "date": w.doc.meta.date.isoformat(), "reason": w.reason}
        for w in pack.withheld
    ]
    data["pack"] = {"parent": pack.parent.id, "name": pack.parent.name}
    return json.dumps(data, indent=1, sort_keys=True)


def build_packs(folder: str | os.PathLike[str], out_dir: str | os.PathLike[str], **options: Any) -> list[Any]:
    """One pack per parent proceeded against, written into ``out_dir`` as
    ``CASE-PARENT.pdf`` (``-draft`` added for a draft); ``options`` are ``build_bundle``'s."""
    from ..case.validate import validate_folder
    from .build import build_bundle

    if options.get("parent") is not None:
        raise BundleError("--all-parents builds every parent's pack: leave out --parent")
    validation = validate_folder(folder, options.get("limits"))
    if validation.case is None:
        raise BundleError(f"{folder}: the case is invalid ({len(validation.problems)} problems); run bundler validate")
    case = validation.case
    parents = pack_parents(case)
    if not parents:
        raise BundleError(f"{folder}: every parent is excluded, so there is no pack to build")
    suffix = "-draft" if options.get("draft") else ""
    return [
        build_bundle(folder, Path(out_dir) / f"{case.case.case_id}-{p.id}{suffix}.pdf", parent=p.id, **options)
        for p in parents
    ]
