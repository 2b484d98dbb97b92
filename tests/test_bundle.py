"""The referral bundle, read back as the LA officer and the court would read it."""

from __future__ import annotations

import hashlib
import io
import json
import re
import shutil
import zipfile
from pathlib import Path

import pytest
from builder import CaseBuilder
from click.testing import CliRunner
from pypdf import PdfReader, PdfWriter

from bundler.bundle import build_bundle, verify_bundle
from bundler.bundle.render import BundleError
from bundler.case.validate import validate_folder
from bundler.checklist import Context
from bundler.checklist.profiles import load_profile
from bundler.cli import main
from bundler.register import attendance

pytestmark = pytest.mark.slow

ROOT = Path(__file__).parent.parent
SAMPLE = ROOT / "sample_cases" / "EX-2025-001"


@pytest.fixture(scope="module")
def bundle(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("bundle") / "EX-2025-001.pdf"
    build_bundle(SAMPLE, out)
    return out


@pytest.fixture(scope="module")
def reader(bundle: Path) -> PdfReader:
    return PdfReader(str(bundle))


@pytest.fixture(scope="module")
def manifest(reader: PdfReader) -> dict:
    return json.loads(reader.attachments["bundler-manifest.json"][0])


def text(reader: PdfReader, page: int) -> str:
    """The text of bundle page ``page`` (1-based), whitespace folded."""
    return " ".join(reader.pages[page - 1].extract_text().split())


def test_page_count_and_labels(reader: PdfReader, manifest: dict) -> None:
    # the judiciary's e-bundle guidance: the PDF's page numbers are the bundle's, 1..N,
    # so that typing 10 into the viewer lands on the page stamped "Page 10"
    total = len(reader.pages)
    assert total == manifest["pages"]
    assert reader.page_labels == [str(n) for n in range(1, total + 1)]
    tabs = {n: d["tab"] for d in manifest["documents"] for n in range(d["first_page"], d["last_page"] + 1)}
    for number in range(1, total + 1):
        page_text = text(reader, number)
        assert page_text.endswith(f"Page {number} of {total}"), page_text[-60:]
        assert tabs[number] in page_text.split("Page")[-2] if "  " in page_text else tabs[number] in page_text


def test_index_tabs_number_documents_without_gaps(manifest: dict) -> None:
    by_section: dict[str, list[str]] = {}
    for d in manifest["documents"]:
        by_section.setdefault(d["section"], []).append(d["tab"])
    for letter, tabs in by_section.items():
        assert tabs == [f"{letter}{n}" for n in range(1, len(tabs) + 1)]


def test_the_bundle_opens_on_page_one_at_full_size(bundle: Path) -> None:
    import pikepdf

    with pikepdf.open(str(bundle)) as pdf:
        action = pdf.Root.OpenAction
        assert action[0].objgen == pdf.pages[0].obj.objgen
        assert str(action[1]) == "/XYZ" and action[4] == 1


def test_cover_says_who_what_and_whether_ready(reader: PdfReader) -> None:
    cover = text(reader, 1)
    for expected in (
        "Attendance referral bundle",
        "Riley Example",
        "15 January 2012",
        "Year 8",
        "Exampletown Academy",
        "Morgan Example (mother)",
        "Jamie Specimen (father)",
        "Penalty notice",
        "7 March 2025",
        "Ready: no checklist rule fails",
        "Exampleshire County Council",
    ):
        assert expected in cover


def test_index_lists_every_document_with_page(reader: PdfReader, manifest: dict) -> None:
    index_pages = [d for d in manifest["documents"] if d["key"] == "index"][0]
    index_text = " ".join(text(reader, n) for n in range(index_pages["first_page"], index_pages["last_page"] + 1))
    docs = [d for d in manifest["documents"] if d["sha256"]]
    assert len(docs) == 23
    for doc in docs:
        assert doc["tab"] in index_text
        title_start = " ".join(doc["title"].split()[:3])
        assert title_start in index_text, doc["title"]


def _link_targets(reader: PdfReader, pages: range) -> list[tuple[int, int]]:
    """(page the link is on, page it goes to), both 1-based."""
    targets = []
    refs = {p.indirect_reference.idnum: i for i, p in enumerate(reader.pages)}
    for number in pages:
        for annot in reader.pages[number - 1].get("/Annots", []) or []:
            annot = annot.get_object()
            action = annot.get("/A")
            if action is None:
                continue
            action = action.get_object()
            assert action["/S"] == "/GoTo", f"an index link on page {number} is not internal: {action}"
            targets.append((number, refs[action["/D"][0].idnum] + 1))
    return targets


def test_every_index_link_lands_on_its_document(reader: PdfReader, manifest: dict) -> None:
    index = [d for d in manifest["documents"] if d["key"] == "index"][0]
    targets = {t for _, t in _link_targets(reader, range(index["first_page"], index["last_page"] + 1))}
    starts = {d["first_page"] for d in manifest["documents"] if d["key"] != "cover"}
    assert starts <= targets
    assert targets <= starts | {1}
    for doc in manifest["documents"]:
        if doc["sha256"] and doc["key"].endswith(".md"):
            # the first line of a Markdown document's page is its header naming the title
            assert text(reader, doc["first_page"]).startswith(f"Document {' '.join(doc['title'].split())}")


def test_every_bookmark_lands_on_the_page_it_names(reader: PdfReader, manifest: dict) -> None:
    seen = 0

    def walk(items):
        nonlocal seen
        for item in items:
            if isinstance(item, list):
                walk(item)
                continue
            match = re.search(r"\(p\. (\d+)\)$", item.title)
            if match:
                assert reader.get_destination_page_number(item) + 1 == int(match.group(1)), item.title
                seen += 1

    walk(reader.outline)
    assert seen >= 9 + len(manifest["documents"]) - 1  # sections and every document but the cover
    titles = [str(i.title) for i in reader.outline if not isinstance(i, list)]
    assert titles[0] == "A Referral (p. 1)"


def test_checklist_links_to_evidence_pages(reader: PdfReader, manifest: dict) -> None:
    checklist = [d for d in manifest["documents"] if d["key"] == "checklist"][0]
    links = _link_targets(reader, range(checklist["first_page"], checklist["last_page"] + 1))
    assert links, "the checklist cites evidence with links"
    starts = {d["first_page"] for d in manifest["documents"]}
    assert {t for _, t in links} <= starts


def test_certificate_states_the_offence_period_figures(reader: PdfReader, manifest: dict) -> None:
    case = validate_folder(SAMPLE).case
    start, end = Context(case, load_profile("national-2024")).offence_period
    s = attendance.summarise(case.register, start=start, end=end)
    att = [d for d in manifest["documents"] if d["key"] == "attendance"][0]
    page = next(
        n for n in range(att["first_page"], att["last_page"] + 1) if "Certificate of attendance" in text(reader, n)
    )
    cert = text(reader, page)
    assert "section 566(1)(c)" in cert
    assert f"for the offence period, {start.day} {start:%B %Y} to {end.day} {end:%B %Y}, it records" in cert
    assert f"Possible sessions {s.possible}" in cert
    assert f"Sessions of unauthorised absence {s.unauthorised}" in cert
    assert f"Attendance {s.attendance_pct:.1f}%" in cert
    assert "C. Specimen, Headteacher" in cert


def test_register_grid_is_landscape_with_windows(reader: PdfReader, manifest: dict) -> None:
    att = [d for d in manifest["documents"] if d["key"] == "attendance"][0]
    grid = [n for n in range(att["first_page"], att["last_page"] + 1) if "Week beginning" in text(reader, n)]
    assert grid
    box = reader.pages[grid[0] - 1].mediabox
    assert box.width > box.height
    assert "W1" in text(reader, grid[0])


def test_embedded_pdf_kept_with_landscape_page_stamped(reader: PdfReader, manifest: dict) -> None:
    pdf_doc = next(d for d in manifest["documents"] if d["key"].endswith(".pdf"))
    assert pdf_doc["last_page"] - pdf_doc["first_page"] + 1 == 3
    landscape = [
        n
        for n in range(pdf_doc["first_page"], pdf_doc["last_page"] + 1)
        if reader.pages[n - 1].mediabox.width > reader.pages[n - 1].mediabox.height
    ]
    assert landscape
    assert f"Page {landscape[0]} of {len(reader.pages)}" in text(reader, landscape[0])


def test_email_shows_headers_and_read_receipt(reader: PdfReader, manifest: dict) -> None:
    eml = next(d for d in manifest["documents"] if d["key"].endswith(".eml"))
    page = text(reader, eml["first_page"])
    for header in ("From", "To", "Date", "Subject", "Disposition-Notification-To"):
        assert header in page


def test_manifest_hashes_every_input(manifest: dict) -> None:
    inputs = {i["path"]: i["sha256"] for i in manifest["inputs"]}
    for path in SAMPLE.rglob("*"):
        if path.is_file():
            rel = path.relative_to(SAMPLE).as_posix()
            assert inputs[rel] == hashlib.sha256(path.read_bytes()).hexdigest()
    assert manifest["check"]["ready"] is True
    assert manifest["tool"].startswith("bundler ")


def test_case_data_is_embedded(reader: PdfReader) -> None:
    data = json.loads(reader.attachments["bundler-case.json"][0])
    assert data["case"]["case_id"] == "EX-2025-001"
    assert len(data["documents"]) == 23


def test_two_builds_are_byte_identical(bundle: Path, tmp_path: Path) -> None:
    again = tmp_path / "again.pdf"
    build_bundle(SAMPLE, again, cache_dir=False)  # everything rendered afresh
    assert again.read_bytes() == bundle.read_bytes()


def test_verify_passes_then_names_the_altered_page(
    bundle: Path, reader: PdfReader, manifest: dict, tmp_path: Path
) -> None:
    result = verify_bundle(bundle, SAMPLE)
    assert result.ok, result.messages
    # change what one document page's content draws (its form XObject's stream)
    import pikepdf

    doc = next(d for d in manifest["documents"] if d["key"].endswith(".md"))
    altered = tmp_path / "altered.pdf"
    with pikepdf.open(bundle) as pdf:
        form = next(iter(pdf.pages[doc["first_page"] - 1].obj.Resources.XObject.values()))
        form.write(form.read_bytes() + b"\n0 0 m 100 100 l S\n")  # a line drawn across the page
        pdf.save(altered)
    result = verify_bundle(altered)
    assert not result.ok
    assert any(f"page {doc['first_page']} ({doc['tab']} " in m for m in result.messages), result.messages
    runner = CliRunner()
    cli = runner.invoke(main, ["verify", str(altered)])
    assert cli.exit_code == 1 and "ALTERED" in cli.output


def test_verify_notices_a_changed_case_file(bundle: Path, tmp_path: Path) -> None:
    case = tmp_path / "case"
    shutil.copytree(SAMPLE, case)
    with (case / "events.yaml").open("a") as fh:
        fh.write("\n")
    result = verify_bundle(bundle, case)
    assert result.messages == ["events.yaml: changed since the bundle was built"]


def test_build_leaves_the_case_folder_alone_and_refuses_to_write_into_it(tmp_path: Path) -> None:
    case = tmp_path / "case"
    shutil.copytree(SAMPLE, case)
    before = sorted((p.relative_to(case).as_posix(), p.read_bytes()) for p in case.rglob("*") if p.is_file())
    with pytest.raises(BundleError, match="outside the case folder"):
        build_bundle(case, case / "bundle.pdf")
    after = sorted((p.relative_to(case).as_posix(), p.read_bytes()) for p in case.rglob("*") if p.is_file())
    assert before == after


# ----------------------------------------------------------------------- built cases


def _small_case(tmp_path: Path) -> CaseBuilder:
    return CaseBuilder(tmp_path / "EX-TEST-001")


def test_not_ready_refused_unless_draft(tmp_path: Path) -> None:
    b = _small_case(tmp_path)
    b.case["pupil"]["looked_after"] = True
    folder = b.write()
    with pytest.raises(BundleError, match="not ready to refer.*S444-05"):
        build_bundle(folder, tmp_path / "x.pdf")
    result = build_bundle(folder, tmp_path / "draft.pdf", draft=True)
    reader = PdfReader(str(result.output))
    assert all("DRAFT" in p.extract_text() for p in reader.pages)
    assert "Not ready: S444-05" in reader.pages[0].extract_text()


def _pdf_with_rotated_and_cropped_pages() -> bytes:
    from weasyprint import HTML

    html = "<style>@page{size:A4;margin:20mm}</style>" + "".join(
        f'<p style="break-after:page">Embedded page {i} first line</p>' for i in range(1, 4)
    )
    source = PdfReader(io.BytesIO(HTML(string=html).write_pdf()))
    writer = PdfWriter()
    for page in source.pages:
        writer.add_page(page)
    writer.pages[1].rotate(90)
    crop = writer.pages[2]
    crop.cropbox.lower_left = (50, 100)
    crop.cropbox.upper_right = (400, 600)
    writer.add_outline_item(title="Embedded chapter", page_number=1)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_rotated_and_cropped_pages_are_stamped_in_the_visible_area(tmp_path: Path) -> None:
    b = _small_case(tmp_path)
    folder = b.write()
    (folder / "documents" / "scan.pdf").write_bytes(_pdf_with_rotated_and_cropped_pages())
    (folder / "documents" / "scan.pdf.yaml").write_text(
        "type: other\ntitle: Scanned register extract\ndate: 2025-01-06\n"
    )
    result = build_bundle(folder, tmp_path / "b.pdf")
    reader = PdfReader(str(result.output))
    manifest = json.loads(reader.attachments["bundler-manifest.json"][0])
    doc = next(d for d in manifest["documents"] if d["key"] == "documents/scan.pdf")
    total = len(reader.pages)
    for number in range(doc["first_page"], doc["last_page"] + 1):
        page = reader.pages[number - 1]
        assert page.rotation == 0  # the source's rotation is drawn, so the stamp reads upright
        assert f"Page {number} of {total}" in page.extract_text()
        # the stamp sits in the band at the foot of the bundle page, where a reader sees it
        stamp_y: list[float] = []

        def seen(t, cm, tm, font, size, found=stamp_y):
            if "Page" in t:
                found.append(cm[5] + tm[5])

        page.extract_text(visitor_text=seen)
        assert stamp_y and all(0 < y < 26 for y in stamp_y), stamp_y
    rotated = reader.pages[doc["first_page"]]
    assert rotated.mediabox.width > rotated.mediabox.height  # the rotated portrait page now lies landscape
    # the embedded PDF's outline sits beneath its document
    names = []

    def walk(items, depth=0):
        for item in items:
            if isinstance(item, list):
                walk(item, depth + 1)
            else:
                names.append((depth, str(item.title), reader.get_destination_page_number(item) + 1))

    walk(reader.outline)
    assert (2, "Embedded chapter", doc["first_page"] + 1) in names


@pytest.mark.parametrize(
    "body, refused",
    [
        ("![passwd](file:///etc/passwd)", "file:///etc/passwd"),
        ("![remote](http://example.com/pixel.png)", "http://example.com/pixel.png"),
        ("![up](../../../etc/passwd)", "../../../etc/passwd"),
        ("See ![by reference][pic]\n\n[pic]: /etc/hostname", "/etc/hostname"),
    ],
)
def test_markdown_cannot_reach_outside_the_case(tmp_path: Path, body: str, refused: str) -> None:
    b = _small_case(tmp_path)
    b.add_doc("zz-evil.md", {"type": "other", "title": "Evil", "date": "2025-01-06"}, body)
    folder = b.write()
    problems = [str(p) for p in validate_folder(folder).problems]
    assert any(p.startswith("documents/zz-evil.md:") and f"image {refused}:" in p for p in problems), problems
    out = tmp_path / "evil.pdf"
    with pytest.raises(BundleError, match="invalid"):
        build_bundle(folder, out)
    assert not out.exists()


@pytest.mark.parametrize(
    "body",
    [
        '<link rel="attachment" href="file:///etc/passwd">',
        'Text <img src="file:///etc/hostname"> more',
        "<script>alert(1)</script>",
    ],
)
def test_raw_html_is_shown_as_written_and_fetches_nothing(tmp_path: Path, body: str) -> None:
    b = _small_case(tmp_path)
    b.add_doc("zz-html.md", {"type": "other", "title": "Raw HTML", "date": "2025-01-06"}, body)
    result = build_bundle(b.write(), tmp_path / "html.pdf")
    reader = PdfReader(str(result.output))
    assert set(reader.attachments) == {"bundler-manifest.json", "bundler-case.json"}
    everything = " ".join(" ".join(p.extract_text().split()) for p in reader.pages)
    assert " ".join(body.split()) in everything  # the tag is text on the page, not obeyed


def test_other_raw_html_is_shown_as_text_not_obeyed(tmp_path: Path) -> None:
    b = _small_case(tmp_path)
    b.add_doc(
        "zz-html.md", {"type": "other", "title": "Raw HTML", "date": "2025-01-06"}, "Please <b>attend</b> on Monday."
    )
    result = build_bundle(b.write(), tmp_path / "html.pdf")
    reader = PdfReader(str(result.output))
    assert set(reader.attachments) == {"bundler-manifest.json", "bundler-case.json"}
    everything = " ".join(p.extract_text() for p in reader.pages)
    assert "Please <b>attend</b> on Monday." in everything  # escaped, visible as text


@pytest.mark.parametrize(
    ("kind", "reason"),
    [
        ("encrypted", "is protected by a password"),
        ("truncated", "is damaged and cannot be shown as it is"),
        ("not-a-pdf", "is not a PDF file"),
    ],
)
def test_bad_pdfs_are_named_by_validate_so_check_is_never_ready(tmp_path: Path, kind: str, reason: str) -> None:
    b = _small_case(tmp_path)
    folder = b.write()
    good = _pdf_with_rotated_and_cropped_pages()
    if kind == "encrypted":
        writer = PdfWriter(clone_from=PdfReader(io.BytesIO(good)))
        writer.encrypt("secret")
        buffer = io.BytesIO()
        writer.write(buffer)
        data = buffer.getvalue()
    elif kind == "truncated":
        data = good[: len(good) // 3]
    else:
        data = b"hello, not a pdf"
    (folder / "documents" / "bad.pdf").write_bytes(data)
    (folder / "documents" / "bad.pdf.yaml").write_text("type: other\ntitle: Bad\ndate: 2025-01-06\n")
    problems = [str(p) for p in validate_folder(folder).problems]
    assert any(p.startswith("documents/bad.pdf: ") and reason in p for p in problems), problems
    checked = CliRunner().invoke(main, ["check", str(folder)])
    assert checked.exit_code == 2 and "documents/bad.pdf" in checked.output
    with pytest.raises(BundleError, match="invalid"):
        build_bundle(folder, tmp_path / "b.pdf")


def test_docx_zip_bomb_is_refused(tmp_path: Path) -> None:
    b = _small_case(tmp_path)
    folder = b.write()
    bomb = folder / "documents" / "bomb.docx"
    with zipfile.ZipFile(bomb, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/document.xml", b"0" * (120 * 1024 * 1024))
    (folder / "documents" / "bomb.docx.yaml").write_text("type: other\ntitle: Bomb\ndate: 2025-01-06\n")
    problems = [str(p) for p in validate_folder(folder).problems]
    assert any(p.startswith("documents/bomb.docx: unpacks to") for p in problems), problems
    with pytest.raises(BundleError, match="invalid"):
        build_bundle(folder, tmp_path / "b.pdf")


def test_image_decompression_bomb_is_refused(tmp_path: Path) -> None:
    from PIL import Image

    b = _small_case(tmp_path)
    folder = b.write()
    Image.new("1", (10_000, 10_000)).save(folder / "documents" / "huge.png")
    (folder / "documents" / "huge.png.yaml").write_text("type: other\ntitle: Huge\ndate: 2025-01-06\n")
    with pytest.raises(BundleError, match="documents/huge.png: the image is 10000x10000 pixels"):
        build_bundle(folder, tmp_path / "b.pdf")


def test_cli_build_writes_outside_the_case(tmp_path: Path) -> None:
    out = tmp_path / "out" / "bundle.pdf"
    result = CliRunner().invoke(main, ["build", str(SAMPLE), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert f"{out}: " in result.output and "ready" in result.output
    refused = CliRunner().invoke(
        main, ["build", str(ROOT / "sample_cases" / "EX-2025-004"), "-o", str(tmp_path / "x.pdf")]
    )
    assert refused.exit_code == 2 and "invalid" in refused.output
    # a bundle already there (perhaps the one served) is replaced only when asked
    before = out.read_bytes()
    out.write_bytes(before + b"%served copy\n")
    again = CliRunner().invoke(main, ["build", str(SAMPLE), "-o", str(out)])
    assert again.exit_code == 2 and "already exists" in again.output and "--force" in again.output
    assert out.read_bytes() == before + b"%served copy\n"
    forced = CliRunner().invoke(main, ["build", str(SAMPLE), "-o", str(out), "--force"])
    assert forced.exit_code == 0 and out.read_bytes() == before


def test_batch_falls_back_to_one_by_one_with_the_same_pages():
    """A batch whose anchors cannot be found is rendered document by document and joined."""
    import io

    import pikepdf

    from bundler.bundle.render import BatchJob, RenderJob, _render_batch, _render_job

    def page(text, pages):
        breaks = '<p style="break-before: page">more</p>' * (pages - 1)
        return f"<html><head></head><body><p>{text}</p>{breaks}</body></html>"

    jobs = (RenderJob(page("first", 2), "a", None), RenderJob(page("second", 3), "b", None))
    together = _render_batch(BatchJob(jobs))
    assert together.pages == 5 and together.starts == (0, 2)
    # an HTML without a body tag leaves no anchor to split at: one by one, then joined
    odd = (RenderJob(page("first", 2), "a", None), RenderJob("<p>bare</p>", "b", None))
    joined = _render_batch(BatchJob(odd))
    single = [_render_job(j) for j in odd]
    assert joined.pages == sum(s.pages for s in single) and joined.starts == (0, single[0].pages)
    with pikepdf.open(io.BytesIO(joined.pdf)) as pdf:
        assert len(pdf.pages) == joined.pages
    from pypdf import PdfReader

    assert "bare" in PdfReader(io.BytesIO(joined.pdf)).pages[2].extract_text()
