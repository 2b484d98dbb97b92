"""The stamps as a reader sees them, on rendered pages: on the page, in the band below
the evidence, never over it; and a DRAFT mark that leaves what is under it readable."""

from __future__ import annotations

import io
import json
import re
import subprocess
from pathlib import Path

import pikepdf
import pytest
from builder import CaseBuilder
from PIL import Image, ImageChops, ImageFilter

from bundler.bundle import build_bundle
from bundler.bundle.place import BAND

pytestmark = pytest.mark.slow

DPI = 72  # one pixel per point: boxes and pixels share coordinates


def _edge_to_edge_pdf() -> bytes:
    """A source page painted black to its very edges, with a word in each bottom corner:
    the worst case for a stamp."""
    pdf = pikepdf.new()
    page = pdf.add_blank_page(page_size=(595.28, 841.89))
    font = pdf.make_indirect(
        pikepdf.Dictionary(Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1, BaseFont=pikepdf.Name.Helvetica)
    )
    page.obj.Resources = pikepdf.Dictionary(Font=pikepdf.Dictionary(F1=font))
    page.obj.Contents = pdf.make_stream(
        b"0 0 0 rg 0 0 595.28 841.89 re f "
        b"1 1 1 rg BT /F1 9 Tf 2 2 Td (BottomLeftWord) Tj ET BT /F1 9 Tf 500 2 Td (BottomRightWord) Tj ET"
    )
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()


def _grey_pdf() -> bytes:
    pdf = pikepdf.new()
    page = pdf.add_blank_page(page_size=(595.28, 841.89))
    page.obj.Contents = pdf.make_stream(b"0.5 g 0 0 595.28 841.89 re f")
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()


@pytest.fixture(scope="module")
def bundles(tmp_path_factory) -> dict[str, tuple[Path, int]]:
    """The same case built ready and as a draft, each with the two test pages in it."""
    root = tmp_path_factory.mktemp("stamps")
    built = {}
    for draft in (False, True):
        b = CaseBuilder(root / f"EX-TEST-{int(draft)}")
        folder = b.write()
        for name, data in (("2025-01-20-black.pdf", _edge_to_edge_pdf()), ("2025-01-21-grey.pdf", _grey_pdf())):
            (folder / "documents" / name).write_bytes(data)
            (folder / "documents" / f"{name}.yaml").write_text(f"type: other\ntitle: {name}\ndate: {name[:10]}\n")
        out = root / f"bundle-{draft}.pdf"
        build_bundle(folder, out, draft=draft)
        with pikepdf.open(out) as pdf:
            manifest = json.loads(pdf.attachments["bundler-manifest.json"].get_file().read_bytes())
        pages = {d["key"].rsplit("/", 1)[-1]: d["first_page"] for d in manifest["documents"]}
        built["draft" if draft else "ready"] = (out, pages)
    return built


def _render(pdf: Path, page: int, tmp: Path) -> Image.Image:
    prefix = tmp / f"p{page}"
    subprocess.run(
        ["pdftoppm", "-r", str(DPI), "-f", str(page), "-l", str(page), "-png", str(pdf), str(prefix)], check=True
    )
    [png] = tmp.glob(f"p{page}-*.png")
    return Image.open(png).convert("RGB")


def _words(pdf: Path, page: int) -> list[tuple[str, float, float, float, float]]:
    done = subprocess.run(
        ["pdftotext", "-bbox", "-f", str(page), "-l", str(page), str(pdf), "-"], capture_output=True, text=True
    )
    pattern = r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>'
    return [(w, float(a), float(b), float(c), float(d)) for a, b, c, d, w in re.findall(pattern, done.stdout)]


def test_the_stamp_sits_on_the_page_in_the_band(bundles, tmp_path) -> None:
    pdf, pages = bundles["ready"]
    number = pages["2025-01-20-black.pdf"]
    width, height = _render(pdf, number, tmp_path).size
    words = _words(pdf, number)
    stamp = [w for w in words if w[0] in ("Page", "of", str(number)) or re.fullmatch(r"[A-Z]\d+", w[0])]
    assert {"Page", "of"} <= {w[0] for w in stamp}, words
    for word, x0, y0, x1, y1 in stamp:
        assert 0 <= x0 < x1 <= width and height - BAND <= y0 < y1 <= height, (word, x0, y0, x1, y1, width, height)


def test_nothing_of_the_source_is_under_the_band(bundles, tmp_path) -> None:
    pdf, pages = bundles["ready"]
    number = pages["2025-01-20-black.pdf"]
    picture = _render(pdf, number, tmp_path)
    width, height = picture.size
    words = _words(pdf, number)
    # the source's corner words are all there, and above the band
    corners = {w[0]: w for w in words if w[0] in ("BottomLeftWord", "BottomRightWord")}
    assert set(corners) == {"BottomLeftWord", "BottomRightWord"}
    assert all(w[4] <= height - BAND for w in corners.values()), corners
    # the band itself is white but for the stamp's own letters: the source was shrunk
    # to leave it clear, not covered by a box
    stamp_boxes = [w for w in words if w[4] > height - BAND]
    top = round(height - BAND) + 1
    band = picture.crop((0, top, width, height))

    def in_stamp(x: int, y: int) -> bool:
        return any(a - 3 <= x <= c + 3 and b - 3 <= y <= d + 3 for _, a, b, c, d in stamp_boxes)

    dark = [
        (x, y + top)
        for x in range(0, band.width, 2)
        for y in range(band.height)
        if sum(band.getpixel((x, y))) < 600 and not in_stamp(x, y + top)
    ]
    assert not dark, dark[:10]


def test_the_draft_mark_is_outlined_and_leaves_the_page_readable(bundles, tmp_path) -> None:
    ready, pages = bundles["ready"]
    draft, draft_pages = bundles["draft"]
    (tmp_path / "ready").mkdir()
    (tmp_path / "draft").mkdir()
    plain = _render(ready, pages["2025-01-21-grey.pdf"], tmp_path / "ready")
    marked = _render(draft, draft_pages["2025-01-21-grey.pdf"], tmp_path / "draft")
    assert plain.size == marked.size
    w, h = plain.size
    body = (0, 0, w, h - round(BAND))  # the page above the band
    a, b = plain.crop(body), marked.crop(body)
    changed = ImageChops.difference(a, b).convert("L").point(lambda v: 255 if v else 0)
    assert changed.getbbox() is not None  # the mark is on the page
    # outlined, not filled: no 7 x 7 patch of the page is covered by the mark (a stroke is
    # about three points wide; a filled letter's stem is four times that)
    solid = changed.filter(ImageFilter.MinFilter(7))
    assert solid.getbbox() is None, solid.getbbox()
    # translucent: where the outline crosses the grey, the grey still shows through
    reds = [
        b.getpixel((x, y))
        for x in range(0, a.width, 2)
        for y in range(0, a.height, 2)
        if a.getpixel((x, y)) != b.getpixel((x, y))
    ]
    assert all(pixel[1] > 20 and pixel[2] > 20 for pixel in reds), reds[:5]
