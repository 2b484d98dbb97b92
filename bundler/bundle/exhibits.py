"""Exhibit references: which part of the bundle the witness statement exhibits as what.

Takes the case, the witness's name, and (for a supplement) the references a served
bundle already gave; gives each exhibited part its reference, in the bundle order of
the full case (the register extract first, then the documents section by section), so
that one document has the same reference in every pack and every supplement.

A document's own ``exhibit`` field is its reference. Every other exhibited part gets
the witness's initials and the next free number (``NE/1``, ``NE/2`` ...), skipping
numbers a document already claims. Witness statements are not exhibits of a statement
(unless their front matter gives them a reference).

Criminal Procedure Rules r16.3 asks that a statement identify each exhibit clearly;
the exhibit list (``exhibit_list_job``) gives each one's description, date and bundle
pages, and the stamp on its first page carries the reference.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from .. import figures
from ..case.models import AnyDocument
from ..case.validate import CaseDocument, CaseFolder
from .plan import DOCUMENT_SECTIONS

__all__ = ["ATTENDANCE_KEY", "Exhibit", "initials", "exhibit_order", "assign_references", "describe"]

#: the key of the attendance evidence part (``evidence.attendance_part``)
ATTENDANCE_KEY = "attendance"

_TITLES = {"mr", "mrs", "ms", "miss", "mx", "dr", "prof", "sir", "dame", "rev"}


def initials(name: str) -> str:
    """The initials a witness marks exhibits with: 'N. Example' -> 'NE', 'Dr Ann Smith' -> 'AS'."""
    words = [w for w in re.findall(r"[^\W\d_][\w'’-]*", name) if w.lower() not in _TITLES]
    letters = "".join(w[0].upper() for w in words)
    return letters[:4] or "EX"


@dataclass
class Exhibit:
    """One exhibit: its reference, what it is, its date, and where it is in this bundle
    (``pages`` empty when the document is withheld from this pack, with ``withheld``
    saying why)."""

    ref: str
    key: str  # the part key: a document's path, or ATTENDANCE_KEY
    description: str
    date: dt.date | None
    first_page: int = 0
    last_page: int = 0
    withheld: str = ""

    @property
    def pages(self) -> str:
        if not self.first_page:
            return ""
        if self.last_page != self.first_page:
            return f"{self.first_page}-{self.last_page}"
        return str(self.first_page)


def exhibit_order(case: CaseFolder) -> list[CaseDocument[AnyDocument]]:
    """The documents in the order the full bundle shows them (section by section, date
    order within), as ``build.plan_sections`` lays them out."""
    out = []
    for _letter, _title, types in DOCUMENT_SECTIONS:
        out += [doc for doc in case.documents if doc.meta.type in types]
    return out


def assign_references(case: CaseFolder, witness: str, served: dict[str, str] | None = None) -> dict[str, str]:
    """Part key -> exhibit reference, for every exhibited part of the full case.

    ``served`` holds the references a served bundle gave (a supplement keeps them and
    numbers new exhibits on from the highest served number).
    """
    served = dict(served or {})
    prefix = initials(witness)
    documents = exhibit_order(case)
    explicit = {doc.path: doc.meta.exhibit for doc in documents if doc.meta.exhibit}
    used = set(explicit.values()) | set(served.values())
    number = max((_number(ref, prefix) for ref in used), default=0) if served else 0
    keys = [ATTENDANCE_KEY] + [
        doc.path for doc in documents if doc.meta.type != "witness_statement" or doc.meta.exhibit
    ]
    refs: dict[str, str] = {}
    for key in keys:
        if key in explicit:
            refs[key] = explicit[key]
        elif key in served:
            refs[key] = served[key]
        else:
            number += 1
            while f"{prefix}/{number}" in used:
                number += 1
            refs[key] = f"{prefix}/{number}"
            used.add(refs[key])
    return refs


def _number(ref: str, prefix: str) -> int:
    match = re.fullmatch(re.escape(prefix) + r"/(\d+)", ref)
    return int(match.group(1)) if match else 0


def describe(doc: CaseDocument[AnyDocument], words: str) -> str:
    """An exhibit's description: its title and, for a letter or notice, who it went to."""
    return str(doc.meta.title) + (f" ({words})" if words else "")


def register_description(first: dt.date, last: dt.date) -> str:
    return (
        "Attendance register extract, "
        f"{figures.long_date(first)} to {figures.long_date(last)}, with the school's figures and the s566 certificate"
    )
