"""Pages that read well: read back from the PDFs, page by page, as a reader turns them.

Every toolkit letter is rendered to PDF for the sample case; every sample bundle is
built (the session's ``sample_bundles``). No closing words end a page (the signature is
over the page), no bold lead-in line ends a page, no page after the first holds a line
or two spilled from the one before, and a table's total row is never alone.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from pypdf import PdfReader

from bundler import api
from bundler.present.markdown import to_html

ROOT = Path(__file__).resolve().parent.parent
LETTER_DATE = dt.date(2025, 3, 3)
STAMP = re.compile(r"^(Page \d+ of \d+.*|\d+ of \d+)$")
CLOSING = re.compile(r"^(Yours (sincerely|faithfully)|Kind regards)")


def _pages(pdf: Path | bytes) -> list[list[str]]:
    import io

    reader = PdfReader(io.BytesIO(pdf) if isinstance(pdf, bytes) else str(pdf))
    out = []
    for page in reader.pages:
        lines = [" ".join(line.split()) for line in page.extract_text().splitlines()]
        out.append([line for line in lines if line and not STAMP.match(line)])
    return out


def test_lead_in_lines_and_closings_are_marked_for_the_layout():
    html = to_html("**The support offered so far**\n\n**Pupil:** Sam\n\nYours sincerely,\n\nA. Lead\n")
    assert '<p class="subhead"><strong>The support offered so far</strong></p>' in html
    assert "<p><strong>Pupil:</strong> Sam</p>" in html  # bold, then text: not a lead-in
    assert '<p class="closing">Yours sincerely,</p>' in html


@pytest.mark.slow
def test_no_letter_leaves_its_signature_or_a_heading_over_the_page():
    case = api.validate(ROOT / "sample_cases" / "EX-2025-001").case
    problems = []
    for t in api.list_templates():
        letter = api.render_letter(case, t.name, "p1" if t.addressed == "parent" else None, LETTER_DATE)
        subheads = {
            " ".join(m.group(1).split())
            for m in re.finditer(r'<p class="subhead"><strong>(.*?)</strong></p>', api.markdown_html(letter.body))
        }
        pages = _pages(api.letter_pdf(letter))
        for number, lines in enumerate(pages, 1):
            if number < len(pages) and lines and CLOSING.match(lines[-1]):
                problems.append(f"{t.name}: page {number} ends with '{lines[-1]}', the signature is over the page")
            if number < len(pages) and lines and lines[-1] in subheads:
                problems.append(f"{t.name}: page {number} ends with the heading '{lines[-1]}'")
            if number > 1 and len(lines) < 3:
                problems.append(f"{t.name}: page {number} holds only {lines}")
        signatory = case.case.school.attendance_lead.name
        for lines in pages:
            if any(CLOSING.match(x) for x in lines) and signatory not in lines:
                problems.append(f"{t.name}: the closing and {signatory} are on different pages")
    assert not problems, "\n".join(problems)


@pytest.mark.slow
def test_no_bundle_page_holds_a_lone_line_or_total(sample_bundles):
    problems = []
    for case_id, pdf in sample_bundles.items():
        pages = _pages(pdf)
        for number, lines in enumerate(pages, 1):
            if lines and CLOSING.match(lines[-1]) and number < len(pages):
                problems.append(f"{case_id} page {number} ends with '{lines[-1]}'")
            body = [x for x in lines if not x.startswith(("Rule Status", "Tab Date", "Date Session"))]
            if len(body) < 2:
                problems.append(f"{case_id} page {number} holds only {lines}")
            if lines and lines[0].startswith("Total "):
                problems.append(f"{case_id} page {number} starts with a table's total: {lines[0]}")
    assert not problems, "\n".join(problems)


def test_the_word_copy_keeps_the_closing_with_the_signature_and_headings_with_their_text():
    import io

    import docx

    case = api.validate(ROOT / "sample_cases" / "EX-2025-001").case
    letter = api.render_letter(case, "notice-to-improve", "p1", LETTER_DATE)
    paragraphs = docx.Document(io.BytesIO(api.letter_docx(letter))).paragraphs
    by_text = {p.text: p for p in paragraphs}
    assert by_text["Yours sincerely,"].paragraph_format.keep_with_next
    signature = next(p for p in paragraphs if p.text.startswith(case.case.school.attendance_lead.name))
    assert signature.paragraph_format.keep_with_next and signature.paragraph_format.keep_together
    assert by_text["The support offered so far"].paragraph_format.keep_with_next
    duty = next(p for p in paragraphs if p.text.startswith("Every parent of a child"))
    assert not duty.paragraph_format.keep_with_next
