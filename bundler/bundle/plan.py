"""The plan of a bundle: its sections and parts, their order, and their page numbers.

Takes the case's documents; gives the sections (A referral, B attendance evidence,
C chronology, then the document sections from D, lettered without gaps), each holding
its parts, numbered from page 1 on the cover.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..case.models import Route

if TYPE_CHECKING:
    from ..case.models import AnyDocument
    from ..case.validate import CaseDocument
    from .render import RenderJob


DOCUMENT_SECTIONS = [
    ("D", "Correspondence", ("letter", "email")),
    ("E", "Meetings", ("meeting",)),
    ("F", "Contract and plans", ("contract", "plan")),
    ("G", "Support", ("support", "medical", "pupil_voice")),
    ("H", "Notices and warnings", ("notice", "penalty_notice")),
    ("I", "Other documents", ("witness_statement", "leave", "decision", "other")),
]


ROUTE_TITLES = {
    Route.penalty_notice: ("Penalty notice", "Request for a penalty notice: Education Act 1996 s444 and s444A"),
    Route.notice_to_improve: (
        "Notice to improve",
        "Notice to improve before a penalty notice (national framework, 2024)",
    ),
    Route.prosecution_444_1: (
        "Prosecution, s444(1)",
        "Prosecution: Education Act 1996 s444(1), failure to secure regular attendance",
    ),
    Route.prosecution_444_1a: (
        "Prosecution, s444(1A)",
        "Prosecution: Education Act 1996 s444(1A), knowing failure to secure regular attendance",
    ),
    Route.education_supervision_order: (
        "Education supervision order",
        "Application for an education supervision order: Education Act 1996 s447",
    ),
}


#: link targets in the HTML bundler renders, resolved when the bundle is assembled: a
#: bundle page number, and a case document (its first page)
INTERNAL = "bundle:page:"
DOCUMENT = "bundle:document:"


@dataclass
class Part:
    """A run of pages in the bundle: a generated page set, or one document."""

    key: str
    section: str  # letter
    title: str
    date: dt.date | None = None
    pdf: bytes = b""
    pages: int = 0
    first_page: int = 0  # 1-based bundle page, assigned when laid out
    doc: CaseDocument[AnyDocument] | None = None
    attachments: list[Part] = field(default_factory=list)  # what follows: an email's attachments
    #: a source PDF shown as it is (prepared, and scaled to leave the stamp band clear);
    #: otherwise pages bundler rendered itself
    source: bool = False
    tab: str = ""  # the document's tab in the index: A1, B1, D1, D2 ...
    exhibit: str | None = None  # its exhibit reference, stamped on its first page
    addressee: str = ""  # "to Morgan Example (mother), first-class post"
    #: its pages show an image as the document itself (a photo, a scan): text is recognised
    #: on them even though bundler's header puts some text on the page
    scan: bool = False
    job: RenderJob | None = None  # HTML still to render (documents are rendered together)
    page_offset: int = 0  # where this part starts in ``pdf`` (a batch holds several parts)
    #: a page bundler writes that prints page numbers (the exhibit list): gives its render
    #: job from the numbering as it stands, each time the front matter is laid out
    relayout: Callable[[bool], RenderJob] | None = None

    @property
    def last_page(self) -> int:
        return self.first_page + self.total_pages - 1

    @property
    def total_pages(self) -> int:
        return self.pages + sum(a.pages for a in self.attachments)


@dataclass
class BuildResult:
    output: Path
    pages: int
    ready: bool
    draft: bool
    warnings: list[str]
    manifest: dict[str, Any]
    size: int = 0  # bytes written

    @property
    def size_text(self) -> str:
        """The size as the courts' limits are written ('0.28 MB')."""
        from .portal import size_text

        return size_text(self.size)


@dataclass
class Section:
    letter: str
    title: str
    parts: list[Part]

    @property
    def first_page(self) -> int:
        return self.parts[0].first_page if self.parts else 0


#: documents rendered together in one WeasyPrint document (within a section)
BATCH_SIZE = 8


def batches(doc_sections: list[Section]) -> list[list[Part]]:
    """Consecutive documents to render together, from the case's content alone (never
    from the cache), so that the same case folder always gives the same bytes."""
    batches: list[list[Part]] = []
    for section in doc_sections:
        current: list[Part] = []
        # a document and the pages that follow it (an email's attachments), in order
        for part in (piece for p in section.parts for piece in (p, *p.attachments)):
            if part.job is None:
                continue
            current.append(part)
            if len(current) == BATCH_SIZE:
                batches.append(current)
                current = []
        if current:
            batches.append(current)
    return batches


@dataclass
class Generated:
    """The sections bundler writes itself around the documents (A referral, B, C)."""

    cover: Part
    index: Part
    checklist: Part
    chronology: Part
    attendance: Part
    sections: list[Section]
    #: pages of scans left without recognised text, and why (the cover says so)
    unsearchable: int = 0
    unsearchable_why: str = ""
    #: the court file (``court.CourtFile``): referral form, statement, exhibits, pack
    court: Any = None

    @property
    def parts(self) -> list[Part]:
        """The pages laid out again until their page counts settle (they print page numbers)."""
        relaid = [p for p in self.sections[0].parts if p.relayout is not None]
        return [self.cover, self.index, self.checklist, self.chronology, *relaid]

    @classmethod
    def around(
        cls,
        doc_sections: list[Section],
        attendance_part: Part,
        after_cover: Sequence[Part] = (),
        after_index: Sequence[Part] = (),
    ) -> Generated:
        cover = Part(key="cover", section="A", title="Cover")
        index = Part(key="index", section="A", title="Index")
        checklist = Part(key="checklist", section="A", title="Section 444 checklist")
        chronology = Part(key="chronology", section="C", title="Chronology")
        sections = [
            Section("A", "Referral", [cover, *after_cover, index, *after_index, checklist]),
            Section("B", "Attendance evidence", [attendance_part]),
            Section("C", "Chronology", [chronology]),
            *doc_sections,
        ]
        # document sections are lettered on from D without gaps, as present
        for i, section in enumerate(sections[3:]):
            section.letter = chr(ord("D") + i)
            for part in section.parts:
                part.section = section.letter
        assign_tabs(sections)
        return cls(cover, index, checklist, chronology, attendance_part, sections)


def assign_pages(sections: list[Section], *, estimate: bool = False, start: int = 1) -> None:
    """Number the parts in order from ``start``; ``estimate`` counts a part not yet
    rendered as one page."""
    page = start
    for section in sections:
        for part in section.parts:
            part.first_page = page
            page += part.total_pages or (1 if estimate else 0)


def assign_tabs(sections: list[Section]) -> None:
    """Number the documents of each section without gaps: D1, D2, D3 ..."""
    for section in sections:
        for number, part in enumerate(section.parts, 1):
            part.tab = f"{section.letter}{number}"
