"""The court file (issue 15): the draft s9 statement and its exhibits, the referral form,
one pack per parent, supplements to a served bundle, images at 300 dpi, the size warning.

Read back as the LA's prosecutor and the court would: the text of each page, the stamp
at its foot, the index and the exhibit list, the data the PDF carries.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import shutil
from pathlib import Path

import docx
import pikepdf
import pytest
from builder import CaseBuilder
from click.testing import CliRunner
from PIL import Image
from pypdf import PdfReader

from bundler.bundle import build_bundle, verify_bundle
from bundler.bundle.digest import page_digests
from bundler.bundle.exhibits import assign_references, initials
from bundler.bundle.images import MAX_HEIGHT_PX, MAX_WIDTH_PX, fit, fit_data_url
from bundler.bundle.packs import contact_details, find_contact, select_pack
from bundler.bundle.portal import WARN_BYTES, size_warning
from bundler.bundle.referral_form import confirmations
from bundler.bundle.statement import build_statement, statement_docx, witness_for
from bundler.case.validate import validate_folder
from bundler.checklist import check_case, load_profile
from bundler.cli import main
from bundler.errors import BundleError

ROOT = Path(__file__).resolve().parent.parent
PROSECUTION = ROOT / "sample_cases" / "EX-2025-002"
TWO_HOMES = ROOT / "sample_cases" / "EX-2025-001"
SIGNED = "documents/2025-03-11-witness-statement.md"

#: the excluded father's contact details a test gives him (fictional: drama phone range,
#: .example email, ZZ postcode)
FATHER = {"address": "17 Hidden Close, Elsewhere, ZZ9 8QX", "phone": "07700 900277", "email": "lee.p@hidden.example"}


def checked(folder: Path):
    case = validate_folder(folder).case
    assert case is not None
    return case, check_case(case, load_profile(case.case.referral.profile))


def stamps(pdf: Path) -> list[str]:
    """The text of the stamp at the foot of every page (its marked-content section)."""
    out = []
    with pikepdf.open(pdf) as doc:
        for page in doc.pages:
            contents = page.obj.Contents
            streams = [contents] if isinstance(contents, pikepdf.Stream) else list(contents)
            data = b"\n".join(s.read_bytes() for s in streams)
            start = data.rindex(b"/BundlerStamp BMC")
            stamp = data[start : data.index(b"EMC", start)]
            strings = [
                str(operands[0])
                for operands, op in pikepdf.parse_content_stream(pikepdf.Stream(doc, stamp))
                if str(op) == "Tj"
            ]
            out.append(" | ".join(strings))
    return out


def page_texts(pdf: Path) -> list[str]:
    return [" ".join(page.extract_text().split()) for page in PdfReader(str(pdf)).pages]


def manifest_of(pdf: Path) -> dict:
    return json.loads(PdfReader(str(pdf)).attachments["bundler-manifest.json"][0])


def copy_case(source: Path, to: Path) -> Path:
    shutil.copytree(source, to)
    return to


# ----------------------------------------------------------------------- exhibits and the statement


def test_initials_mark_the_exhibits() -> None:
    assert initials("N. Example") == "NE"
    assert initials("Dr Ann Smith") == "AS"
    assert initials("Mrs Mary-Jane O'Neil") == "MO"


def test_explicit_references_are_kept_and_numbers_skip_them(tmp_path: Path) -> None:
    folder = copy_case(PROSECUTION, tmp_path / "case")
    letter = folder / "documents" / "2024-09-13-letter-p1-attendance-concern.md"
    letter.write_text(letter.read_text().replace("type: letter\n", "type: letter\nexhibit: NE/3\n", 1))
    case, _ = checked(folder)
    refs = assign_references(case, "N. Example")
    assert refs["attendance"] == "NE/1"
    assert refs["documents/2024-09-13-letter-p1-attendance-concern.md"] == "NE/3"
    assert list(refs.values()).count("NE/3") == 1  # the next document skips it
    assert SIGNED not in refs  # a statement is not an exhibit of a statement
    # a supplement keeps what was served and numbers on from the highest
    served = {k: v for k, v in refs.items() if k != "documents/2025-03-14-notice-p1-notification-of-referral.md"}
    again = assign_references(case, "N. Example", served)
    assert again["documents/2025-03-14-notice-p1-notification-of-referral.md"] == "NE/18"


def test_statement_holds_what_r16_2_asks_and_names_every_exhibit() -> None:
    case, result = checked(PROSECUTION)
    witness = witness_for(case)
    assert (witness.name, witness.role) == ("N. Example", "Deputy Headteacher (Attendance Lead)")
    assert witness_for(case, "k.dummy") == witness_for(case, "K. Dummy")  # spacing and case ignored
    assert witness_for(case, "K. Dummy").role == "Attendance Officer"
    refs = assign_references(case, witness.name)
    statement = build_statement(case, result, witness, refs)
    text = statement.text()
    assert sorted(statement.references) == sorted(refs.values())  # every exhibit is introduced
    for ref in refs.values():
        assert re.search(rf"as exhibit {re.escape(ref)}\.", text), ref
    assert "section 444(1A)" in text and "Dana Sample (mother)" in text
    assert "21 September 2024 to 20 March 2025" in text  # the check result's offence period
    assert "attended 109 of them (50.9%)" in text  # bundler.figures, truncated
    assert "The school does not write to Lee Placeholder" in text  # the excluded father, without details
    # numbered paragraphs in date order: the first-day call of 5 September comes before the letter of 13 September
    assert text.index("5 September 2024 at 08:50") < text.index("13 September 2024 the school wrote")


def test_statement_as_word_carries_the_declaration_and_signature_lines() -> None:
    case, result = checked(PROSECUTION)
    witness = witness_for(case)
    statement = build_statement(case, result, witness, assign_references(case, witness.name))
    document = docx.Document(io.BytesIO(statement_docx(statement)))
    body = "\n".join(p.text for p in document.paragraphs)
    assert "WITNESS STATEMENT" in body
    assert "true to the best of my knowledge and belief" in body
    assert "wilfully stated in it anything which I know to be false" in body
    assert "DRAFT - unsigned" in document.sections[0].header.paragraphs[0].text
    assert "Signature" in document.sections[0].footer.paragraphs[0].text
    numbered = [p.text for p in document.paragraphs if re.match(r"\d+\.\t", p.text)]
    assert len(numbered) == len(statement.paragraphs)
    for ref in statement.references:
        assert ref in body
    cells = [c.text for row in document.tables[0].rows for c in row.cells]
    assert "N. Example" in cells and "over 18" in cells


def test_statement_command_writes_docx_and_never_overwrites(tmp_path: Path) -> None:
    out = tmp_path / "statement.docx"
    runner = CliRunner()
    result = runner.invoke(main, ["statement", str(PROSECUTION), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "draft statement of N. Example" in result.output and "17 exhibits (NE/1 to NE/17)" in result.output
    assert "signed statement of this witness" in result.output  # the sample holds one
    assert docx.Document(str(out)).paragraphs
    again = runner.invoke(main, ["statement", str(PROSECUTION), "-o", str(out)])
    assert again.exit_code == 2 and "already exists" in again.output
    assert runner.invoke(main, ["statement", str(PROSECUTION), "-o", str(out), "--force"]).exit_code == 0
    inside = runner.invoke(main, ["statement", str(PROSECUTION), "-o", str(PROSECUTION / "x.docx")])
    assert inside.exit_code == 2 and "outside the case folder" in inside.output
    other = runner.invoke(
        main, ["statement", str(PROSECUTION), "--witness", "K. Dummy", "-o", str(tmp_path / "k.docx")]
    )
    assert "KD/1" in other.output


# ----------------------------------------------------------------------- the referral form


def test_confirmations_are_ticked_only_when_their_rules_pass(case: CaseBuilder) -> None:
    result = case.check()
    ticked = {c.rules: c for c in confirmations(result)}
    assert ticked[("S444-43",)].ticked
    assert ("S444-21",) not in ticked  # a prosecution rule, on a penalty notice case
    case.remove_docs(lambda d: d["type"] == "pupil_voice")
    missing = {c.rules: c for c in confirmations(case.check())}[("S444-43",)]
    assert not missing.ticked and missing.status == "warn"


# ----------------------------------------------------------------------- packs (no build)


def test_pack_withholds_what_concerns_only_the_other_parent() -> None:
    case, _ = checked(TWO_HOMES)
    pack = select_pack(case, "p1")
    withheld = {w.doc.path: w.reason for w in pack.withheld}
    assert (
        withheld["documents/2024-09-20-letter-p2-attendance-concern.md"] == "addressed only to Jamie Specimen (father)"
    )
    assert all(p.meta.recipients == [] or "p1" in p.meta.recipients for p in pack.included)
    assert len(pack.included) + len(pack.withheld) == len(case.documents)  # nothing silently left out


def test_no_pack_for_an_excluded_or_unknown_parent() -> None:
    case, _ = checked(PROSECUTION)
    with pytest.raises(BundleError, match="Lee Placeholder is excluded"):
        select_pack(case, "p2")
    with pytest.raises(BundleError, match=r"no such parent in case.yaml \(parent ids: p1, p2\)"):
        select_pack(case, "p9")


def test_pack_lists_documents_whose_text_cannot_be_checked(tmp_path: Path) -> None:
    folder = copy_case(PROSECUTION, tmp_path / "case")
    text = (folder / "case.yaml").read_text()
    (folder / "case.yaml").write_text(
        text.replace("    relationship: father\n", f'    relationship: father\n    phone: "{FATHER["phone"]}"\n')
    )
    scan = pikepdf.new()
    scan.add_blank_page()
    scan.save(folder / "documents" / "2025-03-03-scan.pdf")
    (folder / "documents" / "2025-03-03-scan.pdf.yaml").write_text(
        "type: other\ntitle: Scanned note\ndate: 2025-03-03\n"
    )
    case, _ = checked(folder)
    pack = select_pack(case, "p1")
    assert pack.unread == ["documents/2025-03-03-scan.pdf"]
    assert "check that none shows the address or contact details of an excluded parent" in pack.warnings()[0]
    assert select_pack(checked(PROSECUTION)[0], "p1").warnings() == []  # nothing to look for: no details on record


def test_pack_reads_word_and_email_documents_for_an_excluded_parents_details(tmp_path: Path) -> None:
    folder = copy_case(TWO_HOMES, tmp_path / "case")
    yaml_text = (folder / "case.yaml").read_text()
    (folder / "case.yaml").write_text(
        yaml_text.replace(
            '    phone: "07700 900102"\n', '    phone: "07700 900102"\n    exclude: {reason: a court order}\n'
        )
    )
    notice = folder / "documents" / "2025-01-17-notice-p1-notice-to-improve.docx"
    word = docx.Document(str(notice))
    word.add_paragraph("Copy to Mr Specimen, Flat 3, 7 Sample Street.")
    word.save(str(notice))
    case = validate_folder(folder).case
    assert case is not None
    pack = select_pack(case, "p1")
    withheld = {w.doc.path: w.reason for w in pack.withheld}
    assert "address of Jamie Specimen" in withheld["documents/2025-01-17-notice-p1-notice-to-improve.docx"]
    # the email (.eml) was read and shows nothing of his; the PDF and the scan cannot be read
    assert "documents/2024-11-05-email-p1-declining-attendance-invite.eml" in [d.path for d in pack.included]
    assert pack.unread == ["documents/2024-11-26-attendance-contract.pdf", "documents/2025-01-17-hand-delivery-log.png"]


def test_contact_details_are_found_however_written() -> None:
    case, _ = checked(PROSECUTION)
    parent = case.case.parents[1].model_copy(update=FATHER)
    secrets = contact_details([parent])
    assert find_contact("Call him on 07700900277.", secrets) == "phone number of Lee Placeholder"
    assert find_contact("ring (07700) 900-277", secrets) == "phone number of Lee Placeholder"
    assert find_contact("LEE.P@HIDDEN.EXAMPLE", secrets) == "email address of Lee Placeholder"
    assert find_contact("lives at 17 Hidden  Close", secrets) == "address of Lee Placeholder"
    assert find_contact("postcode zz98qx", secrets) == "postcode of Lee Placeholder"
    assert find_contact("07700 900201, 4 Placeholder Row", secrets) is None


# ----------------------------------------------------------------------- images and size


def _png(width: int, height: int) -> bytes:
    image = Image.new("RGB", (width, height), "white")
    for x in range(0, width, 7):
        image.putpixel((x, x * height // width), (200, 0, 0))
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def test_images_over_300_dpi_are_scaled_to_the_page() -> None:
    small = _png(800, 600)
    assert fit(small, "image/png") == (small, "image/png")
    data, kind = fit(_png(4000, 3000), "application/octet-stream")  # the type comes from the bytes
    assert kind == "image/png"
    assert Image.open(io.BytesIO(data)).size == (MAX_WIDTH_PX, round(3000 * MAX_WIDTH_PX / 4000))
    tall, _ = fit(_png(1000, 6000), "image/png")
    assert Image.open(io.BytesIO(tall)).size[1] == MAX_HEIGHT_PX
    jpeg = io.BytesIO()
    Image.new("RGB", (3000, 3000), "grey").save(jpeg, "JPEG")
    data, kind = fit(jpeg.getvalue(), "image/jpeg")
    assert kind == "image/jpeg" and Image.open(io.BytesIO(data)).size == (MAX_WIDTH_PX, MAX_WIDTH_PX)
    assert fit(b"not an image", "image/png") == (b"not an image", "image/png")
    assert fit_data_url("data:text/plain;base64,aGk=") is None
    import base64

    fitted = fit_data_url("data:image/png;base64," + base64.b64encode(_png(3000, 1000)).decode())
    assert fitted is not None and Image.open(io.BytesIO(fitted[0])).size[0] == MAX_WIDTH_PX


def test_images_keep_their_orientation_when_scaled() -> None:
    image = Image.new("RGB", (4000, 1000), "white")
    exif = image.getexif()
    exif[0x0112] = 6  # shown rotated a quarter turn: portrait
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif)
    data, _ = fit(out.getvalue(), "image/jpeg")
    width, height = Image.open(io.BytesIO(data)).size
    assert height > width


def test_size_warning_past_what_a_court_email_carries() -> None:
    assert size_warning(WARN_BYTES) is None
    warning = size_warning(WARN_BYTES + 1)
    assert warning is not None and "18.0 MB" in warning and "25 MB" in warning and "20 MB" in warning


# ----------------------------------------------------------------------- built bundles (slow)


@pytest.fixture(scope="module")
def draft_case(tmp_path_factory) -> Path:
    """The prosecution sample before the witness signed: no witness_statement document."""
    folder = copy_case(PROSECUTION, tmp_path_factory.mktemp("draft") / "EX-2025-002")
    (folder / SIGNED).unlink()
    return folder


@pytest.fixture(scope="module")
def draft_bundle(draft_case: Path, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("draft-bundle") / "bundle.pdf"
    build_bundle(draft_case, out)
    return out


def _section_a(manifest: dict) -> list[str]:
    return [d["key"] for d in manifest["documents"] if d["section"] == "A"]


@pytest.mark.slow
def test_draft_statement_sits_after_the_index_and_names_every_exhibit(draft_bundle: Path) -> None:
    manifest = manifest_of(draft_bundle)
    assert _section_a(manifest) == ["cover", "referral-form", "index", "statement", "exhibits", "checklist"]
    texts = page_texts(draft_bundle)
    statement = next(d for d in manifest["documents"] if d["key"] == "statement")
    pages = texts[statement["first_page"] - 1 : statement["last_page"]]
    assert all("DRAFT - unsigned" in t for t in pages)
    joined = " ".join(pages)
    exhibits = manifest["court"]["exhibits"]
    assert len(exhibits) == 17
    for e in exhibits:
        assert f"as exhibit {e['ref']}." in joined, e["ref"]
    count = statement["last_page"] - statement["first_page"] + 1
    assert f"consisting of {count} page(s)" in joined
    assert f"Statement page {count} of {count}" in pages[-1]


@pytest.mark.slow
def test_each_exhibit_first_page_carries_its_reference(draft_bundle: Path) -> None:
    manifest = manifest_of(draft_bundle)
    stamp = stamps(draft_bundle)
    for e in manifest["court"]["exhibits"]:
        assert f"Exhibit {e['ref']}" in stamp[e["first_page"] - 1], (e, stamp[e["first_page"] - 1])
        for page in range(e["first_page"] + 1, e["last_page"] + 1):
            assert "Exhibit" not in stamp[page - 1]  # only the first page
    carrying = [s for s in stamp if "Exhibit" in s]
    assert len(carrying) == 17


def layout_text(pdf: Path, first: int, last: int) -> str:
    """pdftotext's layout of pages ``first`` to ``last``: one table row per line."""
    import subprocess

    done = subprocess.run(
        ["pdftotext", "-layout", "-f", str(first), "-l", str(last), str(pdf), "-"],
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout


@pytest.mark.slow
def test_exhibit_list_gives_the_real_page_ranges(draft_bundle: Path) -> None:
    manifest = manifest_of(draft_bundle)
    listing = next(d for d in manifest["documents"] if d["key"] == "exhibits")
    rows = {}
    for line in layout_text(draft_bundle, listing["first_page"], listing["last_page"]).splitlines():
        row = re.match(r"\s*([A-Z]{2}/\d+)\s.*?\s(\d+(?:-\d+)?)\s*$", line)
        if row:
            rows[row.group(1)] = row.group(2)
    stamp = stamps(draft_bundle)
    tab_of = [s.split(" | ")[0].split()[0] for s in stamp]
    parts = {d["key"]: d for d in manifest["documents"]}
    assert len(rows) == len(manifest["court"]["exhibits"]) == 17
    for e in manifest["court"]["exhibits"]:
        part = parts[e["key"]]
        first, last = part["first_page"], part["last_page"]
        # the range printed is the part's pages: every page in it carries the part's tab,
        # the page after it does not
        assert rows[e["ref"]] == (f"{first}-{last}" if last != first else str(first)), e["ref"]
        assert {tab_of[p - 1] for p in range(first, last + 1)} == {part["tab"]}
        assert last == len(stamp) or tab_of[last] != part["tab"]


@pytest.mark.slow
def test_signed_statement_takes_the_drafts_place(sample_bundles) -> None:
    pdf = sample_bundles["EX-2025-002"]
    manifest = manifest_of(pdf)
    assert _section_a(manifest) == ["cover", "referral-form", "index", SIGNED, "exhibits", "checklist"]
    assert manifest["court"]["statement"] == "signed"
    assert SIGNED not in [d["key"] for d in manifest["documents"] if d["section"] != "A"]
    assert not any("DRAFT - unsigned" in t for t in page_texts(pdf))


@pytest.mark.slow
def test_penalty_notice_bundle_has_the_form_but_no_statement(sample_bundles) -> None:
    pdf = sample_bundles["EX-2025-001"]
    manifest = manifest_of(pdf)
    assert _section_a(manifest) == ["cover", "referral-form", "index", "checklist"]
    form = next(d for d in manifest["documents"] if d["key"] == "referral-form")
    assert form["first_page"] == form["last_page"] == 2  # one page, after the cover
    text = page_texts(pdf)[1]
    assert "Request for a penalty notice" in text and "☑" in text and "S444-20" in text
    assert "Jamie Specimen" in text and "Morgan Example" in text


@pytest.fixture(scope="module")
def two_homes_big_image(tmp_path_factory) -> Path:
    """EX-2025-001 with its hand-delivery scan replaced by a 4000 x 3000 photo."""
    folder = copy_case(TWO_HOMES, tmp_path_factory.mktemp("two-homes") / "EX-2025-001")
    scan = next((folder / "documents").glob("*.png"))
    scan.write_bytes(_png(4000, 3000))
    return folder


@pytest.fixture(scope="module")
def p1_pack(two_homes_big_image: Path, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("packs") / "p1.pdf"
    build_bundle(two_homes_big_image, out, parent="p1")
    return out


@pytest.mark.slow
def test_pack_for_p1_lists_the_letter_to_p2_as_withheld(p1_pack: Path) -> None:
    manifest = manifest_of(p1_pack)
    keys = [d["key"] for d in manifest["documents"]]
    assert "documents/2024-09-20-letter-p2-attendance-concern.md" not in keys
    withheld = {w["path"]: w["reason"] for w in manifest["court"]["withheld"]}
    assert (
        withheld["documents/2024-09-20-letter-p2-attendance-concern.md"] == "addressed only to Jamie Specimen (father)"
    )
    texts = page_texts(p1_pack)
    entry = next(d for d in manifest["documents"] if d["key"] == "index")
    index = " ".join(texts[entry["first_page"] - 1 : entry["last_page"]])
    withheld_part = index.split("Withheld from this pack", 1)[1]
    assert "20 September 2024" in withheld_part and "first concern" in withheld_part
    assert withheld_part.count("addressed only to Jamie Specimen (father)") == len(withheld) == 6
    assert "Served on Morgan Example (mother)" in texts[0]
    # the letter's own pages are not in the pack; the one to p1 of the same day is
    assert not any("File documents/2024-09-20-letter-p2-attendance-concern.md" in t for t in texts)
    assert any("File documents/2024-09-20-email-p1-attendance-concern.md" in t for t in texts)


@pytest.mark.slow
def test_rendered_images_are_at_most_300_dpi(p1_pack: Path) -> None:
    widths = []
    with pikepdf.open(p1_pack) as pdf:
        for page in pdf.pages:
            for image in page.get_images().values():
                widths.append(int(image.Width))
    assert widths and max(widths) <= MAX_WIDTH_PX  # the 4000-pixel scan was scaled to the page


@pytest.fixture(scope="module")
def excluded_with_details(tmp_path_factory) -> Path:
    """EX-2025-002 where the excluded father's address, phone and email are on record, a
    letter went to him before the exclusion began, and a letter to the mother quotes his
    phone number."""
    folder = copy_case(PROSECUTION, tmp_path_factory.mktemp("excluded") / "EX-2025-002")
    case_yaml = folder / "case.yaml"
    text = case_yaml.read_text()
    text = text.replace(
        '    address_unknown_reason: "Not known to the school; held only by the family court."\n',
        f'    address: "{FATHER["address"]}"\n    phone: "{FATHER["phone"]}"\n    email: {FATHER["email"]}\n',
    )
    text = text.replace(
        "        Confirmed with the social worker on 2025-01-16.\n",
        "        Confirmed with the social worker on 2025-01-16.\n      since: 2022-06-01\n",
    )
    case_yaml.write_text(text)
    (folder / "documents" / "2022-03-01-letter-p2-old.md").write_text(
        "---\ntype: letter\ntitle: Year 7 attendance (before the court order)\ndate: 2022-03-01\nto: p2\n"
        "served: {method: post_first_class}\n---\nMr Lee Placeholder\n17 Hidden Close\nElsewhere\nZZ9 8QX\n\nDear Mr Placeholder, ...\n"
    )
    (folder / "documents" / "2025-03-17-letter-p1-contacts.md").write_text(
        "---\ntype: letter\ntitle: Who to contact about Casey\ndate: 2025-03-17\nto: p1\n"
        "served: {method: post_first_class}\n---\nDear Ms Sample,\n\nThe number we held for Casey's father, "
        "07700 900277, has been removed from our records.\n"
    )
    return folder


@pytest.mark.slow
def test_excluded_parents_details_appear_nowhere_in_any_pack(excluded_with_details: Path, tmp_path: Path) -> None:
    run = CliRunner().invoke(
        main, ["build", str(excluded_with_details), "--all-parents", "-o", str(tmp_path / "packs")]
    )
    assert run.exit_code == 0, run.output
    packs = sorted((tmp_path / "packs").iterdir())
    assert [p.name for p in packs] == ["EX-2025-002-p1.pdf"]  # the father is not proceeded against
    assert f"{packs[0]}: " in run.output
    for pack in packs:
        reader = PdfReader(str(pack))
        seen = " ".join(page.extract_text() for page in reader.pages)
        seen += " ".join(data.decode("utf-8") for name in reader.attachments for data in reader.attachments[name])
        folded = re.sub(r"\s+", " ", seen).lower()
        for value in (FATHER["address"], "17 Hidden Close", FATHER["email"], FATHER["phone"], "ZZ9 8QX"):
            assert value.lower() not in folded, value
        assert "07700900277" not in re.sub(r"\D", "", seen)
        manifest = json.loads(reader.attachments["bundler-manifest.json"][0])
        withheld = {w["path"]: w["reason"] for w in manifest["court"]["withheld"]}
        assert withheld["documents/2022-03-01-letter-p2-old.md"] == "addressed only to Lee Placeholder (father)"
        assert "phone number of Lee Placeholder" in withheld["documents/2025-03-17-letter-p1-contacts.md"]


@pytest.mark.slow
def test_pack_verifies_against_its_case(tmp_path: Path) -> None:
    out = tmp_path / "p1.pdf"
    result = CliRunner().invoke(main, ["build", str(PROSECUTION), "--parent", "p1", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert re.search(r"\d+ pages, \d+\.\d\d MB, ready", result.output)
    check = verify_bundle(out, PROSECUTION)
    assert check.ok and check.compared_with_case, check.messages


@pytest.fixture(scope="module")
def served_and_supplement(draft_case: Path, draft_bundle: Path, tmp_path_factory):
    """The draft bundle as served; then a new letter and a changed notice; the supplement."""
    import os

    folder = copy_case(draft_case, tmp_path_factory.mktemp("later") / "EX-2025-002")
    (folder / "documents" / "2025-03-20-letter-p1-update.md").write_text(
        "---\ntype: letter\ntitle: Attendance update after the referral notice\ndate: 2025-03-20\nto: p1\n"
        "served: {method: post_first_class}\n---\nDear Ms Sample,\n\nCasey's attendance has not improved.\n"
    )
    notice = folder / "documents" / "2025-03-14-notice-p1-notification-of-referral.md"
    notice.write_text(notice.read_text() + "\nP.S. A copy of this notice was also handed to you on 17 March.\n")
    previous = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = str(int(dt.datetime(2025, 4, 2, tzinfo=dt.UTC).timestamp()))
    try:
        out = tmp_path_factory.mktemp("supplement") / "supplement.pdf"
        result = build_bundle(folder, out, supplement_to=draft_bundle)
    finally:
        if previous is None:
            os.environ.pop("SOURCE_DATE_EPOCH")
        else:
            os.environ["SOURCE_DATE_EPOCH"] = previous
    return draft_bundle, out, result, folder


@pytest.mark.slow
def test_supplement_keeps_served_pages_and_continues_the_numbering(served_and_supplement) -> None:
    served, supplement, result, _ = served_and_supplement
    before, after = page_digests(pikepdf.open(served)), page_digests(pikepdf.open(supplement))
    assert after[: len(before)] == before  # every served page, exactly
    total = len(after)
    assert total == result.pages > len(before)
    assert PdfReader(str(supplement)).page_labels == [str(n) for n in range(1, total + 1)]
    stamp = stamps(supplement)
    assert stamp[len(before)].startswith("J1") and stamp[len(before)].endswith(f"Page {len(before) + 1} of {total}")
    index = page_texts(supplement)[len(before)]
    assert "Supplement 1 to the bundle of case EX-2025-002" in index and "Dated 2 April 2025" in index
    assert f"runs from page 1 to page {len(before)}" in index
    assert "Attendance update after the referral notice New" in index
    notice = next(d for d in manifest_of(served)["documents"] if d["key"].endswith("notification-of-referral.md"))
    assert f"Replaces {notice['tab']} {notice['title']} (page {notice['first_page']})" in index
    new = manifest_of(supplement)["court"]["supplement_exhibits"]
    # the replaced notice keeps its reference; the new letter is numbered on from the highest
    assert [e["ref"] for e in new] == ["NE/16", "NE/18"]
    for e in new:
        assert f"Exhibit {e['ref']}" in stamp[e["first_page"] - 1]


@pytest.mark.slow
def test_verify_passes_on_the_chain_and_fails_when_a_served_page_changes(served_and_supplement, tmp_path) -> None:
    served, supplement, _, folder = served_and_supplement
    check = verify_bundle(supplement)
    assert check.ok, check.messages
    served_pages = manifest_of(served)["pages"]
    assert f"the bundle as served: pages 1-{served_pages} intact" in check.notes
    assert any(n.startswith("supplement 1 of 2025-04-02: pages") for n in check.notes)
    assert verify_bundle(supplement, folder).ok
    with pikepdf.open(supplement) as pdf:
        page = pdf.pages[2]
        page.contents_add(pdf.make_stream(b"BT /BundlerStamp 12 Tf 100 400 Td (changed) Tj ET\n"))
        pdf.save(tmp_path / "altered.pdf")
    altered = verify_bundle(tmp_path / "altered.pdf")
    assert not altered.ok
    assert any(f"the bundle as served (pages 1-{served_pages}) has changed: page(s) 3" in m for m in altered.messages)


@pytest.mark.slow
def test_supplement_replaces_a_served_draft_and_the_register(draft_case, draft_bundle, tmp_path) -> None:
    folder = copy_case(draft_case, tmp_path / "EX-2025-002")
    shutil.copy(PROSECUTION / SIGNED, folder / SIGNED)  # the witness has signed
    register = folder / "attendance.csv"
    register.write_text(
        register.read_text().replace("2024-04-15,AM,O,,,,,,", "2024-04-15,AM,O,,,,,,Checked 2025-03-25", 1)
    )
    out = tmp_path / "supplement.pdf"
    build_bundle(folder, out, supplement_to=draft_bundle)
    served = {d["key"]: d for d in manifest_of(draft_bundle)["documents"]}
    statement, register_part = served["statement"], served["attendance"]
    index = layout_text(out, manifest_of(draft_bundle)["pages"] + 1, manifest_of(draft_bundle)["pages"] + 1)
    index = " ".join(index.split())
    assert f"Replaces {statement['tab']} Witness statement of N. Example" in index
    assert (
        f"Replaces B1 Attendance evidence, register and s566 certificate (pages {register_part['first_page']}-" in index
    )
    assert "New exhibits" not in index  # the register and the statement keep their references
    assert verify_bundle(out).ok


@pytest.mark.slow
def test_a_supplement_needs_something_new_and_a_bundle_that_verifies(draft_case, draft_bundle, tmp_path) -> None:
    with pytest.raises(BundleError, match="nothing to add"):
        build_bundle(draft_case, tmp_path / "s.pdf", supplement_to=draft_bundle)
    broken = tmp_path / "broken.pdf"
    with pikepdf.open(draft_bundle) as pdf:
        pdf.pages[0].contents_add(pdf.make_stream(b"q Q\n"))
        pdf.save(broken)
    with pytest.raises(BundleError, match="does not verify"):
        build_bundle(draft_case, tmp_path / "s.pdf", supplement_to=broken)
    with pytest.raises(BundleError, match="is the full bundle; its supplement is too"):
        build_bundle(draft_case, tmp_path / "s.pdf", supplement_to=draft_bundle, parent="p1")
    with pytest.raises(BundleError, match="not over the served bundle"):
        build_bundle(draft_case, draft_bundle, supplement_to=draft_bundle)


@pytest.mark.slow
@pytest.mark.parametrize("case_id", ["EX-2025-001", "EX-2025-002", "EX-2025-003"])
def test_referral_form_is_one_page_after_the_cover(case_id, sample_bundles) -> None:
    manifest = manifest_of(sample_bundles[case_id])
    form = next(d for d in manifest["documents"] if d["key"] == "referral-form")
    assert (form["tab"], form["first_page"], form["last_page"]) == ("A2", 2, 2)
