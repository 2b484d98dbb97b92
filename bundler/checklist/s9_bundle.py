"""The bundle (S444-90 to -99): nothing dated after the referral, regular contact, templates exist.

Each function takes the case ``Context`` (and the parent, for per-parent rules) and
gives an ``Outcome``; the rule's routes, severity and wording come from the checklist.
"""

from __future__ import annotations

import re
from pathlib import Path

from ..case.models import DocumentBase
from ..case.templates import template_names
from ..case.validate import CaseDocument
from .engine import Context, Outcome, Status, bad, contact_dates, doc_evidence, event_evidence, na, ok, rule

#: items a finding names in its message; the evidence list holds them all
_NAMED = 5


@rule("S444-90", title="Nothing dated after the referral")
def _after_referral(ctx: Context) -> Outcome:
    late_docs = [d for d in ctx.folder.documents if d.meta.date > ctx.as_of]
    late_events = [(i, e) for i, e in enumerate(ctx.folder.events) if e.date > ctx.as_of]
    if late_docs or late_events:
        names = [d.path for d in late_docs] + [f"events.yaml[{i}]" for i, _ in late_events]
        shown = ", ".join(names[:_NAMED]) + (f" and {len(names) - _NAMED} more" if len(names) > _NAMED else "")
        return bad(
            Status.fail,
            f"{len(names)} item(s) are dated after the referral date ({ctx.as_of.isoformat()}): {shown}.",
            "Correct the dates, move the referral date, or take these out of the case: the bundle is evidence as of the referral.",
            *(doc_evidence(d) for d in late_docs),
            *(event_evidence(i, e) for i, e in late_events),
        )
    return ok("Nothing is dated after the referral date.")


@rule("S444-91", title="Regular contact", settings=("contact_gap_school_days",))
def _gaps(ctx: Context) -> Outcome:
    limit = ctx.settings.contact_gap_school_days
    concern = [
        d.meta.date
        for d in ctx.folder.documents
        if d.meta.type in ("letter", "email", "notice", "meeting") and d.meta.date <= ctx.as_of
    ]
    if not concern:
        return na("No letter or meeting is on record, so concern has not formally begun.")
    began = min(concern)
    dates = sorted({d for d, _ in contact_dates(ctx) if d >= began}) + [ctx.as_of]
    gaps = [(a, b, ctx.school_days_between(a, b)) for a, b in zip(dates, dates[1:])]
    long = [(a, b, n) for a, b, n in gaps if n > limit]
    if long:
        a, b, n = max(long, key=lambda g: g[2])
        return bad(
            Status.warn,
            f"{len(long)} gap(s) of more than {limit} school days without a recorded contact, the longest {n} school days from {a.isoformat()} to {b.isoformat()}.",
            "Record every call, visit and letter; if there really was no contact, explain why in the referral.",
        )
    return ok(f"No gap of more than {limit} school days without contact since concern began on {began.isoformat()}.")


@rule("S444-92", title="Templates exist")
def _templates(ctx: Context) -> Outcome:
    known = set(template_names())
    unknown = [d for d in ctx.folder.documents if d.meta.template and d.meta.template not in known]
    if unknown:
        return bad(
            Status.fail,
            f"{len(unknown)} document(s) name a template that does not exist: "
            + ", ".join(f"{d.path} ('{d.meta.template}')" for d in unknown)
            + ".",
            "Correct the template name (see `bundler templates`), or remove the template field.",
            *(doc_evidence(d) for d in unknown),
        )
    return ok("Every template named exists.")


#: a blank a toolkit template leaves for staff: "[time of the meeting]", "[action]". Not a
#: Markdown link ("[text](url)", "[text][ref]", "[ref]: url"), not escaped text ("\[").
TEMPLATE_BLANK = re.compile(r"(?<!\\)\[([a-z][^\[\]\n]{1,80}?)\](?![(\[:])")


def _blanks(ctx: Context) -> list[tuple[CaseDocument[DocumentBase], int, str]]:
    """Every unfilled blank in the documents whose text bundler reads: Markdown bodies and
    Word (.docx) files, with the line (the paragraph, in a Word file) it is on."""
    found: list[tuple[CaseDocument[DocumentBase], int, str]] = []
    for doc in ctx.folder.documents:
        if doc.kind == "markdown":
            lines = (doc.body or "").splitlines()
            first = doc.body_line
        elif doc.path.lower().endswith(".docx"):
            lines = _docx_paragraphs(ctx.folder.root / doc.path)
            first = 1
        else:
            continue
        for number, line in enumerate(lines, first):
            found.extend((doc, number, m.group(0)) for m in TEMPLATE_BLANK.finditer(line))
    return found


def _docx_paragraphs(path: Path) -> list[str]:
    """The paragraphs of a Word document, table cells included, in order ([] if it cannot
    be read: validation reports that)."""
    import zipfile

    from lxml.etree import XMLSyntaxError

    from ..case.attachments import SourceError, read_office
    from ..case.load import Limits

    try:
        # a zip bomb or an XML entity attack is refused before python-docx unpacks it
        if read_office(path.read_bytes(), str(path), Limits()).format != "docx":
            return []
        import docx

        document = docx.Document(str(path))
    except (OSError, ValueError, KeyError, zipfile.BadZipFile, XMLSyntaxError, SourceError):
        return []
    lines = [p.text for p in document.paragraphs]
    for table in document.tables:
        lines += [cell.text for row in table.rows for cell in row.cells]
    return lines


@rule("S444-93", title="No unfilled template blanks")
def _template_blanks(ctx: Context) -> Outcome:
    blanks = _blanks(ctx)
    if not blanks:
        return ok("No document holds an unfilled template blank.")
    by_doc: dict[str, list[str]] = {}
    for doc, line, blank in blanks:
        where = f"{doc.meta_file if doc.kind == 'markdown' else doc.path}:{line}"
        by_doc.setdefault(doc.path, []).append(f"{where} {blank}")
    listing = "; ".join(
        ", ".join(items[:6]) + (f" and {len(items) - 6} more" if len(items) > 6 else "") for items in by_doc.values()
    )
    return bad(
        Status.fail,
        f"{len(blanks)} unfilled template blank(s) in {len(by_doc)} document(s): {listing}.",
        "Fill in each blank with what happened (or delete it if it does not apply), then check the document again.",
        *(doc_evidence(doc) for doc in dict.fromkeys(d for d, _, _ in blanks)),
    )
