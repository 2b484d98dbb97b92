"""Scans and photos in the bundle can be searched (issue 14): Tesseract's words lie
invisibly over the image, which looks exactly as it did; a rebuild reads nothing again;
and a bundle built without text recognition says which pages cannot be searched."""

from __future__ import annotations

import io
import json
import subprocess
from pathlib import Path

import pikepdf
import pytest
from builder import CaseBuilder
from PIL import Image, ImageChops, ImageDraw, ImageFont

import bundler.bundle.ocr as ocr
from bundler.bundle import build_bundle

pytestmark = pytest.mark.slow

FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
SLIP = ["Exampletown Academy reply slip", "I will attend the meeting on 12 November", "Signed Jamie Specimen"]
LOG = ["Reception hand delivery log", "Notice to improve handed over", "Collected by Morgan Example"]


def _typed(lines: list[str]) -> Image.Image:
    """A page of typed text as a scanner gives it: pixels only, 150 dpi."""
    image = Image.new("L", (1240, 1754), 255)
    draw = ImageDraw.Draw(image)
    font = ImageFont.truetype(FONT, 36)
    for i, line in enumerate(lines):
        draw.text((120, 180 + i * 80), line, font=font, fill=0)
    return image


def _scanned_pdf(image: Image.Image) -> bytes:
    jpeg = io.BytesIO()
    image.save(jpeg, "JPEG", quality=85)
    pdf = pikepdf.new()
    page = pdf.add_blank_page(page_size=(595.28, 841.89))
    picture = pdf.make_stream(
        jpeg.getvalue(),
        Type=pikepdf.Name.XObject,
        Subtype=pikepdf.Name.Image,
        Width=image.width,
        Height=image.height,
        ColorSpace=pikepdf.Name.DeviceGray,
        BitsPerComponent=8,
        Filter=pikepdf.Name.DCTDecode,
    )
    page.obj.Resources = pikepdf.Dictionary(XObject=pikepdf.Dictionary(Im0=picture))
    page.obj.Contents = pdf.make_stream(b"q 595.28 0 0 841.89 0 0 cm /Im0 Do Q")
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()


@pytest.fixture(scope="module")
def case(tmp_path_factory) -> Path:
    folder = CaseBuilder(tmp_path_factory.mktemp("ocr") / "EX-TEST-001").write()
    docs = folder / "documents"
    (docs / "2024-11-08-reply-slip.pdf").write_bytes(_scanned_pdf(_typed(SLIP)))
    (docs / "2024-11-08-reply-slip.pdf.yaml").write_text("type: other\ntitle: Reply slip (scan)\ndate: 2024-11-08\n")
    png = io.BytesIO()
    _typed(LOG).save(png, "PNG", dpi=(150, 150))
    (docs / "2025-01-17-log.png").write_bytes(png.getvalue())
    (docs / "2025-01-17-log.png.yaml").write_text("type: other\ntitle: Hand delivery log (photo)\ndate: 2025-01-17\n")
    return folder


def _pages(pdf: Path) -> dict[str, int]:
    with pikepdf.open(pdf) as opened:
        manifest = json.loads(opened.attachments["bundler-manifest.json"].get_file().read_bytes())
    return {d["key"]: d["first_page"] for d in manifest["documents"]}


def _text(pdf: Path, page: int) -> str:
    done = subprocess.run(
        ["pdftotext", "-f", str(page), "-l", str(page), str(pdf), "-"], capture_output=True, text=True
    )
    return " ".join(done.stdout.split())


def _picture(pdf: Path, page: int, prefix: Path) -> Image.Image:
    subprocess.run(
        ["pdftoppm", "-r", "60", "-f", str(page), "-l", str(page), "-png", str(pdf), str(prefix)], check=True
    )
    [png] = prefix.parent.glob(f"{prefix.name}-*.png")
    return Image.open(png).convert("RGB")


def _tesseract_runs(monkeypatch) -> list[list[str]]:
    runs: list[list[str]] = []
    original = subprocess.run

    def counted(args, *a, **kw):
        if isinstance(args, list) and str(args[0]).endswith("tesseract") and "pdf" in args:
            runs.append(args)
        return original(args, *a, **kw)

    monkeypatch.setattr(ocr.subprocess, "run", counted)
    return runs


def test_scans_are_searchable_and_look_the_same(case: Path, tmp_path: Path, monkeypatch) -> None:
    cache = tmp_path / "cache"
    runs = _tesseract_runs(monkeypatch)
    searchable = tmp_path / "ocr.pdf"
    result = build_bundle(case, searchable, cache_dir=cache)
    assert len(runs) == 2  # the scanned PDF and the photo; no page that has text already
    plain = tmp_path / "plain.pdf"
    without = build_bundle(case, plain, cache_dir=cache, ocr=False)
    pages = _pages(searchable)
    slip, log = pages["documents/2024-11-08-reply-slip.pdf"], pages["documents/2025-01-17-log.png"]
    for page, lines in ((slip, SLIP), (log, LOG)):
        found = set(_text(searchable, page).split())
        words = {w for line in lines for w in line.split() if len(w) > 1}  # "I" may be read as "|"
        assert words <= found, (words - found, found)
        assert not words & set(_text(plain, page).split()) - {"Hand", "delivery", "log"}  # pixels only
        # what the reader sees is the same with or without the invisible words
        a, b = _picture(searchable, page, tmp_path / f"a{page}"), _picture(plain, page, tmp_path / f"b{page}")
        assert ImageChops.difference(a, b).getbbox() is None
    assert not any("cannot be searched" in w for w in result.warnings)
    assert any("2 page(s) are scans or photos" in w and "--no-ocr" in w for w in without.warnings)
    assert "Scans or photos on 2 pages of this bundle have no text layer" in _text(plain, 1)
    assert "no text layer" not in _text(searchable, 1)


def test_a_rebuild_reads_nothing_again_and_gives_the_same_bytes(case: Path, tmp_path: Path, monkeypatch) -> None:
    cache = tmp_path / "cache"
    first = build_bundle(case, tmp_path / "first.pdf", cache_dir=cache).output
    runs = _tesseract_runs(monkeypatch)
    again = build_bundle(case, tmp_path / "again.pdf", cache_dir=cache).output
    assert runs == []
    assert again.read_bytes() == first.read_bytes()


def test_without_tesseract_the_cover_says_so(case: Path, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(ocr, "tesseract_version", lambda: None)
    import bundler.bundle.build as build

    monkeypatch.setattr(build, "tesseract_version", lambda: None)
    result = build_bundle(case, tmp_path / "b.pdf", cache_dir=tmp_path / "cache")
    assert any("Tesseract is not installed" in w for w in result.warnings)
    assert "text recognition was not run (Tesseract is not installed)" in _text(result.output, 1)


def test_verify_rebuilds_the_way_the_bundle_was_built(case: Path, tmp_path: Path) -> None:
    from bundler.bundle import verify_bundle

    cache = tmp_path / "cache"
    read = build_bundle(case, tmp_path / "read.pdf", cache_dir=cache).output
    unread = build_bundle(case, tmp_path / "unread.pdf", cache_dir=cache, ocr=False).output
    for pdf in (read, unread):
        result = verify_bundle(pdf, case)
        assert result.ok, (pdf.name, result.messages, result.notes)
        assert not result.notes, result.notes  # pages rebuilt and compared, nothing skipped
