"""The attendance evidence section as a magistrate reads it: every week of the register
drawn (holidays named), every amended and noted mark listed with its history, and one
set of dates on the evidence page, the certificate, the cover and the checklist."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pytest
from builder import CaseBuilder
from pypdf import PdfReader

from bundler import figures
from bundler.bundle import build_bundle

pytestmark = pytest.mark.slow


def _pages_text(pdf: Path) -> tuple[list[str], dict]:
    reader = PdfReader(str(pdf))
    manifest = json.loads(reader.attachments["bundler-manifest.json"][0])
    return [" ".join(p.extract_text().split()) for p in reader.pages], manifest


def _section(pages: list[str], manifest: dict, key: str) -> str:
    doc = next(d for d in manifest["documents"] if d["key"] == key)
    return " ".join(pages[doc["first_page"] - 1 : doc["last_page"]])


@pytest.fixture(scope="module")
def evidence(tmp_path_factory) -> tuple[list[str], dict, CaseBuilder]:
    root = tmp_path_factory.mktemp("evidence")
    b = CaseBuilder(root / "EX-TEST-001")
    # the October half-term is named by the school; Christmas and February are not
    b.case["school"]["holidays"] = [{"start": "2024-10-28", "end": "2024-11-01", "name": "Autumn half-term"}]
    b.set_marks(
        "2024-10-07",
        "O",
        amended_from="I",
        amended_on="2024-10-21",
        amended_by="A. Officer",
        amended_reason="Illness not evidenced when asked",
    )
    b.set_marks("2024-10-09", "/", sessions=["AM"], note="Arrived 08:50, parent signed in")
    out = root / "bundle.pdf"
    build_bundle(b.write(), out)
    pages, manifest = _pages_text(out)
    return pages, manifest, b


def test_every_calendar_week_is_drawn_with_holidays_shown(evidence) -> None:
    pages, manifest, b = evidence
    text = _section(pages, manifest, "attendance")
    first = min(day for day, _ in b.marks)
    last = max(day for day, _ in b.marks)
    monday = first - dt.timedelta(days=first.weekday())
    while monday <= last:
        assert figures.long_date(monday) in text, f"week of {monday} missing from the register grid"
        monday += dt.timedelta(days=7)
    assert re.search(r"28 October 2024 Autumn half-term", text), "the named holiday week"
    # Christmas: two weeks with no session and no name given by the case
    assert re.search(r"23 December 2024 No sessions \(holiday or closure\)", text)
    assert re.search(r"30 December 2024 No sessions \(holiday or closure\)", text)


def test_amended_and_noted_marks_are_listed_with_their_history(evidence) -> None:
    pages, manifest, _ = evidence
    text = _section(pages, manifest, "attendance")
    assert "Amended and noted marks" in text
    row = re.search(
        r"7 October 2024 AM O I 21 October 2024 A. Officer Illness not evidenced when asked .{0,20}yes", text
    )
    assert row, text[text.index("Amended and noted") :][:600]
    assert re.search(r"9 October 2024 AM / Arrived 08:50, parent signed in yes", text)
    # and flagged in the grid itself, where the reader sees the code
    assert "O* O*" in text and "/†" in text


def test_one_set_of_dates_runs_through_the_bundle(evidence) -> None:
    pages, manifest, b = evidence
    cover = _section(pages, manifest, "cover")
    period = re.search(r"Offence period (\d+ \w+ \d{4}) to (\d+ \w+ \d{4})", cover)
    assert period, cover
    start, end = period.groups()
    evidence_text = _section(pages, manifest, "attendance")
    last_session = figures.long_date(max(day for day, _ in b.marks))
    assert end == last_session  # the last register session on or before the referral date
    assert f"offence period {start} to {end}" in evidence_text
    certificate = evidence_text[evidence_text.index("Certificate of attendance") :]
    assert f"for the offence period, {start} to {end}" in certificate
    assert f"to {last_session}, is a true extract" in certificate
    checklist = _section(pages, manifest, "checklist")
    iso = [dt.datetime.strptime(d, "%d %B %Y").date().isoformat() for d in (start, end)]
    assert f"offence period ({iso[0]} to {iso[1]}" in checklist


def test_the_framework_start_is_printed_only_where_the_register_reaches_before_it(evidence, tmp_path) -> None:
    pages, manifest, _ = evidence
    # the base register starts on 2 September 2024, after 19 August 2024
    assert "counting from" not in _section(pages, manifest, "attendance")
    b = CaseBuilder(tmp_path / "EX-TEST-002")
    b.set_marks(["2024-07-15", "2024-07-16"], "/", sessions=["AM"])
    b.set_marks(["2024-07-15", "2024-07-16"], "\\", sessions=["PM"])
    out = tmp_path / "early.pdf"
    build_bundle(b.write(), out)
    early_pages, early_manifest = _pages_text(out)
    assert "counting from 19 August 2024" in _section(early_pages, early_manifest, "attendance")


# ------------------------------------------------------------ who each document went to


def test_each_letter_names_its_addressee_and_service_in_index_bookmarks_and_chronology(evidence, tmp_path) -> None:
    pages, manifest, _ = evidence
    index = _section(pages, manifest, "index")
    # the two "Attendance concern" letters differ only by addressee: the index tells them apart
    assert re.search(r"D1 20 September 2024 Attendance concern to Morgan Example \(mother\), email \d+", index), index
    assert re.search(r"D2 20 September 2024 Attendance concern to Jamie Specimen \(father\), first-class post", index)
    assert "to Jamie Specimen (father), by hand" in index  # the notice to improve handed to him
    chronology = _section(pages, manifest, "chronology")
    assert "Attendance concern to Morgan Example (mother), email" in chronology
    assert "Attendance concern to Jamie Specimen (father), first-class post" in chronology


def test_bookmarks_carry_the_addressee(tmp_path) -> None:
    import pikepdf

    b = CaseBuilder(tmp_path / "EX-TEST-003")
    b.docs["2024-09-20-letter-p2-concern.md"]["served"] = {"method": "hand", "recipient": "p1"}
    out = tmp_path / "b.pdf"
    build_bundle(b.write(), out, draft=True)
    with pikepdf.open(out) as pdf, pdf.open_outline() as outline:
        titles = [c.title for top in outline.root for c in top.children]
    assert any(t.startswith("D1 Attendance concern, to Morgan Example (mother), email, 20 Sep 2024") for t in titles)
    # handed to the other parent: the bookmark says so, as the checklist does
    assert any(
        "Attendance concern, to Jamie Specimen (father), by hand to Morgan Example (mother)" in t for t in titles
    ), titles


def test_a_finding_citing_many_documents_stays_short_in_the_bundle(tmp_path) -> None:
    b = CaseBuilder(tmp_path / "EX-TEST-004")
    for i in range(60):
        day = f"2025-04-{1 + i % 28:02d}"
        b.add_doc(f"{day}-late-{i:02d}.md", {"type": "other", "title": f"Late note {i}", "date": day})
    out = tmp_path / "late.pdf"
    build_bundle(b.write(), out, draft=True)
    pages, manifest = _pages_text(out)
    checklist = _section(pages, manifest, "checklist")
    index = next(d for d in manifest["documents"] if d["key"] == "index")["first_page"]
    assert f"and 52 more, each in the index, page {index}" in checklist
    doc = next(d for d in manifest["documents"] if d["key"] == "checklist")
    assert doc["last_page"] - doc["first_page"] + 1 <= 6  # as long as a case with nothing late
