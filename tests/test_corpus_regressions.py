"""What a run over about 1,700 real-world PDFs (the pdf.js, py-pdf and qpdf test files;
fetched for the run, never committed) made crash, each rebuilt as a small PDF of our own.

Every one must now either build, showing its words on its bundle page, or be refused by
validate with a reason naming the file; never a traceback. The classes: an image OCR
cannot decode (JBIG2, 100 of the crashes), a name whose bytes are not UTF-8, a null in a
page's annotation list with layers present, a form whose field list is not a list, an
empty media box, a content stream qpdf's decoder rejects, and a file qpdf can read only
by repairing it (which silently blanked pages and dropped a page and a font).
"""

from __future__ import annotations

import io
import subprocess
from pathlib import Path

import pdf_fixtures as fx
import pikepdf
import pytest
from builder import CaseBuilder
from click.testing import CliRunner
from pikepdf import Array, Dictionary, Name

from bundler.cli import main


def _run(*args: object):
    result = CliRunner().invoke(main, [str(a) for a in args])
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    return result


def _case(tmp_path: Path, data: bytes) -> Path:
    case = CaseBuilder(tmp_path / "EX-TEST-001")
    folder = case.write()
    (folder / "documents" / "zz-source.pdf").write_bytes(data)
    (folder / "documents" / "zz-source.pdf.yaml").write_text("type: other\ntitle: Source\ndate: 2025-01-06\n")
    return folder


def _text(pdf: Path) -> str:
    return subprocess.run(["pdftotext", str(pdf), "-"], check=True, capture_output=True, text=True).stdout


def _words(word: str) -> bytes:
    return fx.text_ops([(72, 700, word)])


def _null_annotation_with_layers() -> bytes:
    def extra(pdf: pikepdf.Pdf, page: pikepdf.Page) -> None:
        group = pdf.make_indirect(Dictionary(Type=Name.OCG, Name=pikepdf.String("Shown")))
        pdf.Root.OCProperties = Dictionary(OCGs=Array([group]), D=Dictionary(ON=Array([group])))
        page.obj.Annots = Array([None])

    return fx.page_pdf(_words("NULLANNOTWORD"), extra=extra)


def _fields_not_a_list() -> bytes:
    def extra(pdf: pikepdf.Pdf, page: pikepdf.Page) -> None:
        pdf.Root.AcroForm = Dictionary(Fields=7)

    return fx.page_pdf(_words("FIELDSWORD"), extra=extra)


def _name_not_utf8() -> bytes:
    """A font resource whose BaseFont name holds the byte 0xBA (written #BA)."""
    content = b"BT /F1 11 Tf 72 700 Td (NAMEBYTESWORD) Tj ET"
    return fx._handwritten(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
            b"/Resources << /Font << /F1 5 0 R >> /Properties << /P1 /Sim#BAFang >> >> >>",
            b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
            b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /Sim#BAFang >>",
        ]
    )


def _undecodable_scan() -> bytes:
    """A page that is one large image and no text (a scan, to OCR) whose data is far
    shorter than its size says: a viewer shows what it can; OCR cannot decode it."""

    def content(pdf: pikepdf.Pdf) -> bytes:
        return b"q 595 0 0 842 0 0 cm /Im0 Do Q"

    def extra(pdf: pikepdf.Pdf, page: pikepdf.Page) -> None:
        image = pdf.make_stream(b"\x80" * 1000)
        image.Type, image.Subtype = Name.XObject, Name.Image
        image.Width, image.Height, image.BitsPerComponent = 1240, 1754, 8
        image.ColorSpace = Name.DeviceGray
        page.obj.Resources.XObject = Dictionary(Im0=image)

    return fx.page_pdf(content, extra=extra)


@pytest.mark.slow
@pytest.mark.parametrize(
    "make, word",
    [
        (_null_annotation_with_layers, "NULLANNOTWORD"),
        (_fields_not_a_list, "FIELDSWORD"),
        (_name_not_utf8, "NAMEBYTESWORD"),
    ],
    ids=["null-annotation", "fields-not-a-list", "name-not-utf8"],
)
def test_a_source_that_crashed_the_build_now_builds_showing_its_words(make, word, tmp_path: Path) -> None:
    folder = _case(tmp_path, make())
    assert _run("validate", folder).exit_code == 0
    out = tmp_path / "bundle.pdf"
    built = _run("build", folder, "--draft", "-o", out)
    assert built.exit_code == 0, built.output
    assert word in _text(out)
    assert _run("verify", out, folder).exit_code == 0


@pytest.mark.slow
def test_a_scan_ocr_cannot_decode_is_shown_and_named_as_not_searchable(tmp_path: Path) -> None:
    folder = _case(tmp_path, _undecodable_scan())
    out = tmp_path / "bundle.pdf"
    built = _run("build", folder, "--draft", "-o", out)
    assert built.exit_code == 0, built.output
    from bundler.bundle.ocr import tesseract_version

    if tesseract_version() is not None:
        assert "documents/zz-source.pdf: a scanned image could not be read for text" in built.output


def test_an_empty_media_box_is_refused_naming_the_file_and_page(tmp_path: Path) -> None:
    def extra(pdf: pikepdf.Pdf, page: pikepdf.Page) -> None:
        page.obj.MediaBox = Array([0, 0, 0, 0])

    folder = _case(tmp_path, fx.page_pdf(_words("EMPTYBOX"), extra=extra))
    checked = _run("validate", folder)
    assert checked.exit_code == 1
    assert "documents/zz-source.pdf" in checked.output
    assert "page 1 has an empty page box (0 x 0 points)" in checked.output


def test_a_stream_qpdf_cannot_decode_is_refused_not_a_traceback(tmp_path: Path) -> None:
    """A Flate stream with a PNG predictor whose columns overflow (qpdf issue 1688)."""

    def extra(pdf: pikepdf.Pdf, page: pikepdf.Page) -> None:
        page.obj.Contents = pdf.make_stream(b"x\x9c\x03\x00\x00\x00\x00\x01")
        page.obj.Contents.Filter = Name.FlateDecode
        page.obj.Contents.DecodeParms = Dictionary(Predictor=12, Colors=2**30, BitsPerComponent=16, Columns=2**30)

    folder = _case(tmp_path, fx.page_pdf(_words("X"), extra=extra))
    checked = _run("validate", folder)
    assert checked.exit_code == 1
    assert "documents/zz-source.pdf" in checked.output and "page 1 cannot be read" in checked.output


def test_a_pdf_qpdf_must_repair_to_read_is_refused_not_shown_with_a_blank_page(tmp_path: Path) -> None:
    """A content stream with no /Length: qpdf finds its end by guessing, and in the corpus
    files of this kind (qpdf's bad22, pdf.js's operator-in-TJ-array) the bundle page came
    out blank without a word of warning."""
    content = b"BT /F1 11 Tf 72 700 Td (REPAIRWORD) Tj ET"
    data = fx._handwritten(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
            b"<< >>\nstream\n" + content + b"\nendstream",
        ]
    )
    folder = _case(tmp_path, data)
    checked = _run("validate", folder)
    assert checked.exit_code == 1
    assert "documents/zz-source.pdf" in checked.output
    assert "is damaged: reading it needed a repair that can lose content" in checked.output
    assert "lacks /Length" in checked.output


def test_the_fixtures_are_what_they_claim() -> None:
    with pikepdf.open(io.BytesIO(_name_not_utf8())) as pdf:
        name = pdf.pages[0].obj.Resources.Properties.P1
        assert bytes(name.unparse()).lower() == b"/sim#bafang"  # the byte 0xBA, escaped
