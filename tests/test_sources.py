"""Office documents, emails and images in a built bundle, read back as the court reads
them: the text on each page (pypdf) and what each page looks like (pdftoppm)."""

from __future__ import annotations

import hashlib
import json
import subprocess
from pathlib import Path

import pytest
import source_fixtures as fx
from builder import CaseBuilder
from PIL import Image
from pypdf import PdfReader

from bundler.bundle import build_bundle
from bundler.case.attachments import SourceError
from bundler.case.load import Limits
from bundler.errors import BundleError

pytestmark = pytest.mark.slow

INNER_PDF = fx.pdf_pages("Inner attachment page")
ARCHIVE = b"PK\x05\x06" + b"\0" * 18

DOCUMENTS = {
    "2025-01-06-letter.docx": fx.word_letter,
    "2025-01-10-second.docx": lambda: fx.simple_docx("A second Word document, converted alongside the first"),
    "2025-01-06-html-email.eml": fx.html_email,
    "2025-01-07-group-email.eml": fx.group_email,
    "2025-01-08-forwarded.eml": lambda: fx.nested_email(
        INNER_PDF, fx.simple_docx("Support plan attached to the email")
    ),
    "2025-01-09-grey16.png": fx.png_16bit,
    "2025-01-09-rotated.jpg": fx.rotated_jpeg,
    "2025-01-09-photo.heic": fx.heic_photo,
    "2025-01-09-scan.tiff": fx.tiff_pages,
    "2025-01-09-animation.gif": fx.animated_gif,
    # an Outlook message (the fixture the .msg reader is tested with), shown as an email
    "2025-01-11-outlook.msg": lambda: (Path(__file__).parent / "fixtures" / "imports" / "email-to-p2.msg").read_bytes(),
}


def add(folder: Path, name: str, data: bytes, title: str | None = None) -> None:
    (folder / "documents" / name).write_bytes(data)
    (folder / "documents" / f"{name}.yaml").write_text(
        f"type: other\ntitle: {title or name}\ndate: {name[:10]}\n", encoding="utf-8"
    )


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> tuple[Path, PdfReader, dict]:
    root = tmp_path_factory.mktemp("sources")
    folder = CaseBuilder(root / "EX-TEST-001").write()
    for name, make in DOCUMENTS.items():
        add(folder, name, make())
    out = root / "bundle.pdf"
    build_bundle(folder, out, cache_dir=root / "cache")
    reader = PdfReader(str(out))
    return out, reader, json.loads(reader.attachments["bundler-manifest.json"][0])


def pages_of(built, name: str) -> list[int]:
    _, _, manifest = built
    doc = next(d for d in manifest["documents"] if d["key"] == f"documents/{name}")
    return list(range(doc["first_page"], doc["last_page"] + 1))


def text(built, page: int) -> str:
    return " ".join(built[1].pages[page - 1].extract_text().split())


def picture(built, page: int, dpi: int = 40) -> Image.Image:
    """Bundle page ``page`` as poppler draws it."""
    pdf = built[0]
    prefix = pdf.parent / f"page-{page}-{dpi}"
    subprocess.run(
        ["pdftoppm", "-r", str(dpi), "-f", str(page), "-l", str(page), "-png", "-singlefile", pdf, prefix],
        check=True,
        capture_output=True,
    )
    return Image.open(f"{prefix}.png").convert("RGB")


def near(image: Image.Image, colour: tuple[int, int, int], tolerance: int = 60) -> list[tuple[int, int]]:
    """Where the page shows ``colour`` (x, y pixels)."""
    width = image.width
    return [
        (i % width, i // width)
        for i, pixel in enumerate(image.get_flattened_data())
        if sum(abs(a - b) for a, b in zip(pixel, colour)) < tolerance
    ]


# --------------------------------------------------------------------------- Word


def test_word_letter_keeps_letterhead_footer_and_table(built) -> None:
    first = pages_of(built, "2025-01-06-letter.docx")[0]
    page = text(built, first)
    for expected in (
        "EXAMPLETOWN ACADEMY - Academy Way, Exampletown, ZZ1 1AA",
        "Our ref: ATT/2025/0042 - page 1",
        "Dear Ms Example,",
        "Sessions possible 160",
        "Unauthorised 23",
        "D. Sample, Attendance Officer",
    ):
        assert expected in page
    logo = near(picture(built, first), fx.LOGO)
    assert len(logo) > 50 and max(y for _, y in logo) < 80  # drawn, in the header at the top


def test_tracked_changes_are_printed_as_marked_even_when_saved_hidden(built) -> None:
    first = pages_of(built, "2025-01-06-letter.docx")[0]
    page = text(built, first)
    # the deletion is still on the page (struck through), beside the insertion
    assert "the meeting is on Monday morning" in page and "the meeting is on Tuesday afternoon" in page
    image = picture(built, first, dpi=80)
    body = image.crop((0, 120, image.width, image.height // 2))
    marked = [p for p in body.get_flattened_data() if max(p) - min(p) > 90 and abs(p[2] - fx.LOGO[2]) > 60]
    assert len(marked) > 150  # the changed words are in the reviewer's colour


def test_comments_are_marked_and_listed_after_the_document(built) -> None:
    first, markup = pages_of(built, "2025-01-06-letter.docx")
    reader = built[1]
    # the note icon LibreOffice put where the comment was made is drawn into the page (a
    # source's annotations are flattened to what its viewer shows), and the comment's
    # words are listed on the page that follows the document
    assert not [a for a in reader.pages[first - 1].get("/Annots", []) if a.get_object().get("/Subtype") == "/Text"]
    page = text(built, markup)
    assert "Tracked changes and comments in 2025-01-06-letter.docx" in page
    assert "holds 2 tracked changes and 1 comment" in page
    assert "Check the room with the office first" in page and "P. Placeholder" in page
    outline = [item.title for item in _outline(reader)]
    assert any(t.startswith("Tracked changes and comments in 2025-01-06-letter.docx") for t in outline)


def _outline(reader: PdfReader) -> list:
    found = []

    def walk(items) -> None:
        for item in items:
            if isinstance(item, list):
                walk(item)
            else:
                found.append(item)

    walk(reader.outline)
    return found


# --------------------------------------------------------------------------- email


def test_html_only_email_shows_every_word_and_its_inline_image(built) -> None:
    [page_no] = pages_of(built, "2025-01-06-html-email.eml")
    page = text(built, page_no)
    missing = [word for word in fx.HTML_EMAIL_WORDS if word not in page]
    assert missing == []
    for expected in (
        "Subject Réunion déplacée",
        "Disposition-Notification-To office@exampletown-academy.example",
        "[Remote image not fetched: https://tracker.example/open.gif?id=7]",
        "1 remote image (on the internet, not in the email) not fetched",
    ):
        assert expected in page
    assert "document.write" not in page
    logo = near(picture(built, page_no), fx.MAGENTA)
    assert len(logo) > 150  # the cid: image, drawn from the message


def test_address_groups_and_an_unknown_charset(built) -> None:
    [page_no] = pages_of(built, "2025-01-07-group-email.eml")
    page = text(built, page_no)
    assert "To unlisted-recipients:; (no To-header on input)" in page
    assert "Cc Parents: morgan.example@mail.example, jamie.specimen@mail.example;" in page
    assert "Subject Absence report" in page
    assert [w for w in fx.GROUP_EMAIL_WORDS if w not in page] == []
    assert "declares the character set 'x-unknown-8bit', which is not known; shown decoded as UTF-8" in page


def test_attachments_follow_the_email_in_order(built) -> None:
    pages = pages_of(built, "2025-01-08-forwarded.eml")
    texts = [text(built, n) for n in pages]

    def where(words: str) -> int:
        return next(i for i, t in enumerate(texts) if words in t)

    order = [
        where("The outer message body: please find the documents attached."),
        where("Outer report page one"),
        where("Attachment: photo.png"),
        where("The inner message body: Riley was unwell on Thursday."),
        where("Inner attachment page"),
        where("Support plan attached to the email"),
    ]
    assert order == sorted(order) and len(set(order)) == len(order)
    assert near(picture(built, pages[order[2]]), fx.GREEN)
    outer = texts[0]
    for name in ("report.pdf", "photo.png", "email 'Inner message about Riley'", "plan.docx", "archive.zip"):
        assert name in outer
    assert hashlib.sha256(ARCHIVE).hexdigest() in outer.replace(" ", "")
    assert "archive.zip application/zip 22 bytes" in outer and "not reproduced" in outer
    assert hashlib.sha256(INNER_PDF).hexdigest() in texts[where("The inner message body")].replace(" ", "")
    titles = [item.title for item in _outline(built[1])]
    assert any(t.startswith("Attachment: report.pdf") for t in titles)
    assert any(t.startswith("Attachment: email 'Inner message about Riley'") for t in titles)


def test_an_outlook_message_is_shown_as_the_email_it_is(built) -> None:
    pages = pages_of(built, "2025-01-11-outlook.msg")
    first = text(built, pages[0])
    for words in (
        "Attendance concern - invitation to meeting",
        "Jo Sample",
        "b.lead@school.example",
        "Sam's attendance this term is 84%.",  # the HTML body, as Outlook shows it
        "attendance-summary.txt",
        "Inline image crest.png cannot be shown",  # the fixture's crest is not a whole PNG: said so
    ):
        assert words in first, (words, first[:400])
    everything = " ".join(text(built, n) for n in pages)
    assert "Re: Sam's attendance" in everything  # the attached message follows, as in Outlook
    assert "Thank you, I will come to the meeting." in everything


# --------------------------------------------------------------------------- images


def test_16_bit_greyscale_is_a_gradient_not_black(built) -> None:
    [page_no] = pages_of(built, "2025-01-09-grey16.png")
    image = picture(built, page_no)
    region = image.crop((0, 90, image.width, image.height - 60))
    greys = [p[0] for p in region.get_flattened_data() if max(p) - min(p) < 12 and p[0] < 245]
    assert len(greys) > 5000
    assert sum(1 for v in greys if v < 30) < len(greys) * 0.2  # not a black block
    assert sum(1 for v in greys if 60 < v < 200) > len(greys) * 0.4  # the middle of the gradient


def test_exif_rotated_jpeg_is_upright(built) -> None:
    [page_no] = pages_of(built, "2025-01-09-rotated.jpg")
    image = picture(built, page_no)
    red, blue = near(image, fx.RED, 90), near(image, fx.BLUE, 90)
    assert red and blue
    assert max(y for _, y in red) <= min(y for _, y in blue) + 1  # red above blue
    xs, ys = [x for x, _ in red + blue], [y for _, y in red + blue]
    assert max(xs) - min(xs) > max(ys) - min(ys)  # landscape, as it was taken


def test_heic_photo_is_shown(built) -> None:
    [page_no] = pages_of(built, "2025-01-09-photo.heic")
    image = picture(built, page_no)
    blue, yellow = near(image, fx.BLUE, 90), near(image, fx.YELLOW, 90)
    assert len(blue) > 500 and len(yellow) > 500
    assert max(x for x, _ in blue) <= min(x for x, _ in yellow) + 1


def test_every_tiff_page_is_a_page(built) -> None:
    pages = pages_of(built, "2025-01-09-scan.tiff")
    assert len(pages) == 3
    assert "a TIFF of 3 pages, each shown on its own page" in text(built, pages[0])
    for number, (page, colour) in enumerate(zip(pages, (fx.RED, fx.GREEN, fx.BLUE)), 1):
        assert f"Page {number} of 3" in text(built, page)
        assert len(near(picture(built, page), colour)) > 2000


def test_gif_shows_its_first_frame_and_says_so(built) -> None:
    [page_no] = pages_of(built, "2025-01-09-animation.gif")
    assert "an animated GIF of 2 frames: only the first frame is shown" in text(built, page_no)
    image = picture(built, page_no)
    assert len(near(image, fx.GREEN)) > 500 and not near(image, fx.BLUE)


# --------------------------------------------------------------------------- office, directly


def test_office_conversions_are_cached_by_content(tmp_path: Path, monkeypatch) -> None:
    from bundler.bundle.sources import office

    data = fx.simple_docx("Cached letter")
    first = office.convert_office(data, "documents/a.docx", Limits(), tmp_path)
    assert list((tmp_path / "office").rglob("*.pdf"))

    def no_libreoffice(*args, **kwargs):
        raise AssertionError("converted again")

    monkeypatch.setattr(office, "_soffice", no_libreoffice)
    again = office.convert_office(data, "documents/b.docx", Limits(), tmp_path)
    assert again.pdf == first.pdf


def test_office_conversion_has_a_time_limit(tmp_path: Path) -> None:
    from bundler.bundle.sources.office import convert_office

    with pytest.raises(SourceError, match=r"documents/slow.docx: LibreOffice did not finish .* limit of 0.05 seconds"):
        convert_office(fx.simple_docx("slow"), "documents/slow.docx", Limits(office_timeout_s=0.05), None)


def test_doc_rtf_and_odt_are_converted_with_their_changes_shown(tmp_path: Path) -> None:
    from bundler.bundle.sources.office import convert_office

    letter = tmp_path / "letter.docx"
    letter.write_bytes(fx.word_letter())
    for fmt in ("doc", "odt"):
        subprocess.run(
            [
                "soffice",
                f"-env:UserInstallation=file://{tmp_path}/profile",
                "--headless",
                "--convert-to",
                fmt,
                "--outdir",
                str(tmp_path),
                str(letter),
            ],
            check=True,
            capture_output=True,
            timeout=120,
        )
        converted = convert_office((tmp_path / f"letter.{fmt}").read_bytes(), f"documents/letter.{fmt}", Limits(), None)
        words = " ".join(PdfReader(__import__("io").BytesIO(converted.pdf)).pages[0].extract_text().split())
        assert "EXAMPLETOWN ACADEMY" in words and "Our ref: ATT/2025/0042" in words
        assert "Monday morning" in words and "Tuesday afternoon" in words, fmt
        assert converted.revisions == 2 and [c.text for c in converted.comments] == [
            "Check the room with the office first"
        ]
    rtf = (
        b"{\\rtf1\\ansi{\\fonttbl{\\f0 Times New Roman;}}{\\*\\revtbl{Unknown;}{D. Sample;}}"
        b"{\\header\\pard RTF LETTERHEAD\\par}\\pard Kept words {\\revised\\revauth1 added words} "
        b"{\\deleted\\revauth1 removed words} end.\\par}"
    )
    converted = convert_office(rtf, "documents/note.rtf", Limits(), None)
    words = " ".join(PdfReader(__import__("io").BytesIO(converted.pdf)).pages[0].extract_text().split())
    assert "RTF LETTERHEAD" in words and "added words" in words and "removed words" in words
    assert converted.revisions == 2


def test_a_hostile_document_fails_the_build_naming_it(tmp_path: Path) -> None:
    folder = CaseBuilder(tmp_path / "case").write()
    add(
        folder,
        "2025-01-06-bomb.docx",
        fx.rezip(fx.word_letter(), "word/document.xml", lambda x: x + b" " * (101 * 1024 * 1024)),
    )
    with pytest.raises(BundleError, match="documents/2025-01-06-bomb.docx: unpacks to"):
        build_bundle(folder, tmp_path / "b.pdf", cache_dir=False)


def test_prefetched_conversions_run_once_and_keep_their_failures(tmp_path: Path, monkeypatch) -> None:
    from bundler.bundle.sources import office, prefetch_office

    runs: list[str] = []
    real = office._soffice

    def counting(data, fmt, target, folder, label, limits):
        runs.append(label)
        return real(data, fmt, target, folder, label, limits)

    monkeypatch.setattr(office, "_soffice", counting)
    good, slow = tmp_path / "good.docx", tmp_path / "slow.docx"
    good.write_bytes(fx.simple_docx("Prefetched letter"))
    slow.write_bytes(fx.simple_docx("Prefetched but too slow"))
    prefetch_office([(good, "documents/good.docx")], Limits(), None, 2)
    prefetch_office([(slow, "documents/slow.docx")], Limits(office_timeout_s=0.05), None, 2)
    assert sorted(runs) == ["documents/good.docx", "documents/slow.docx"]
    office.convert_office(good.read_bytes(), "documents/good.docx", Limits(), None)
    with pytest.raises(SourceError, match="documents/renamed.docx: LibreOffice did not finish"):
        office.convert_office(slow.read_bytes(), "documents/renamed.docx", Limits(office_timeout_s=0.05), None)
    assert len(runs) == 2  # neither converted again


@pytest.mark.parametrize("isolated", [True, False], ids=["network-namespace", "profile-settings-only"])
def test_libreoffice_runs_fetch_nothing(tmp_path: Path, monkeypatch, isolated: bool) -> None:
    """Behind the checks that refuse linked content, the conversion itself is shut off
    from the network: a linked picture on a local web server is never requested."""
    import http.server
    import threading

    from bundler.bundle.sources import office

    if not isolated:  # where the system allows no network namespace, the profile alone
        monkeypatch.setattr(office, "_isolation", lambda: ())
    asked: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            asked.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "image/png")
            self.end_headers()
            self.wfile.write(fx.png((10, 10), fx.RED))

        def log_message(self, *args) -> None:
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_port}/tracker.png"

    def link(rels: bytes) -> bytes:
        extra = (
            '<Relationship Id="rIdNet" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/image"'
            f' Target="{url}" TargetMode="External"/>'
        ).encode()
        return rels.replace(b"</Relationships>", extra + b"</Relationships>")

    def picture(xml: bytes) -> bytes:
        drawing = (
            b'<w:p><w:r><w:drawing><wp:inline xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing">'
            b'<wp:extent cx="914400" cy="914400"/><wp:docPr id="9" name="net"/>'
            b'<a:graphic xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main">'
            b'<a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/picture">'
            b'<pic:pic xmlns:pic="http://schemas.openxmlformats.org/drawingml/2006/picture"><pic:nvPicPr>'
            b'<pic:cNvPr id="9" name="net"/><pic:cNvPicPr/></pic:nvPicPr><pic:blipFill>'
            b'<a:blip xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" r:link="rIdNet"/>'
            b'<a:stretch><a:fillRect/></a:stretch></pic:blipFill><pic:spPr><a:xfrm><a:off x="0" y="0"/>'
            b'<a:ext cx="914400" cy="914400"/></a:xfrm><a:prstGeom prst="rect"/></pic:spPr></pic:pic>'
            b"</a:graphicData></a:graphic></wp:inline></w:drawing></w:r></w:p>"
        )
        return xml.replace(b"<w:body>", b"<w:body>" + drawing)

    data = fx.rezip(fx.simple_docx("A letter with a linked picture"), "word/_rels/document.xml.rels", link)
    data = fx.rezip(data, "word/document.xml", picture)
    try:
        with pytest.raises(SourceError, match="linked from outside"):
            from bundler.case.attachments import read_office

            read_office(data, "documents/net.docx", Limits())
        pdf = office._soffice(data, "docx", "pdf", tmp_path / "run", "documents/net.docx", Limits())
    finally:
        server.shutdown()
        server.server_close()
    assert pdf.startswith(b"%PDF-") and asked == []
