"""A letter written by hand in Markdown, as the bundle shows it: its lines as written,
only links a reader can follow, and no path of the machine that built it."""

from __future__ import annotations

import io
import json
import struct
import zlib
from pathlib import Path

import pikepdf
import pytest
from builder import CaseBuilder

from bundler.bundle import build_bundle
from bundler.present.markdown import docx_blocks, to_html

ADDRESS = "Morgan Example\n12 Example Crescent\nExampletown\nZZ1 4EX"


def test_line_breaks_are_kept_in_html_and_word() -> None:
    html = to_html(ADDRESS)
    assert html.count("<br />") == 3
    runs = docx_blocks(ADDRESS)[0]["runs"]
    assert runs.count(None) == 3  # a line break in the Word copy too


def test_a_dropped_link_keeps_its_target_as_text() -> None:
    html = to_html("See [the contract](contract.docx) and [site](https://gov.uk/x).", link=lambda t: None)
    assert "<a" not in html
    assert "the contract (contract.docx)" in html and "site (https://gov.uk/x)" in html
    # a link whose text is its target is not printed twice
    assert to_html("[a@b.example](a@b.example)", link=lambda t: None).count("a@b.example") == 1


def _png(width: int = 4, height: int = 4) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    raw = b"".join(b"\x00" + b"\x20\x40\x80" * width for _ in range(height))
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")


@pytest.mark.slow
def test_a_hand_written_letter_in_the_bundle(tmp_path: Path) -> None:
    b = CaseBuilder(tmp_path / "EX-TEST-001")
    body = (
        f"{ADDRESS}\n\n"
        "Dear Ms Example,\n\n"
        "Please read [the earlier letter](2024-09-20-email-p1-concern.md), the guidance at "
        "[gov.uk](https://www.gov.uk/school-attendance-absence), [our policy](../policy.docx), "
        "[this file](file:///home/officer/secret.txt) and [old site](http://school.example/a).\n\n"
        "![the school's logo](.assets/logo.png)\n"
    )
    b.add_doc(
        "2024-12-01-letter-p1-handwritten.md", {"type": "other", "title": "Hand-written", "date": "2024-12-01"}, body
    )
    folder = b.write()
    (folder / "documents" / ".assets").mkdir()
    (folder / "documents" / ".assets" / "logo.png").write_bytes(_png())
    out = tmp_path / "b.pdf"
    build_bundle(folder, out)
    with pikepdf.open(out) as pdf:
        manifest = json.loads(pdf.attachments["bundler-manifest.json"].get_file().read_bytes())
        doc = next(d for d in manifest["documents"] if d["key"].endswith("handwritten.md"))
        earlier = next(d for d in manifest["documents"] if d["key"].endswith("2024-09-20-email-p1-concern.md"))
        page = pdf.pages[doc["first_page"] - 1]
        uris, gotos = [], []
        for annot in page.obj.get("/Annots", []):
            action = annot.get("/A")
            if action is None:
                continue
            if action.S == "/URI":
                uris.append(str(action.URI))
            elif action.S == "/GoTo":
                gotos.append(pdf.pages.index(pikepdf.Page(action.D[0])) + 1)
        plain = io.BytesIO()
        pdf.save(plain, compress_streams=False, object_stream_mode=pikepdf.ObjectStreamMode.disable)
    assert uris == ["https://www.gov.uk/school-attendance-absence"]
    assert earlier["first_page"] in gotos  # the relative link now goes to that document in the bundle
    assert str(tmp_path).encode() not in plain.getvalue()  # no path of the building machine, anywhere
    from pypdf import PdfReader

    text = PdfReader(str(out)).pages[doc["first_page"] - 1].extract_text()
    lines = [line.strip() for line in text.splitlines()]
    for line in ADDRESS.splitlines():
        assert line in lines, (line, lines[:12])  # each address line on its own line
    flat = " ".join(text.split())
    # links a reader cannot follow lose their target, which is printed as the author wrote it
    assert "our policy (../policy.docx)" in flat
    assert "thisfile(file:///home/officer/secret.txt)" in "".join(flat.split())
    assert "old site (http://school.example/a)" in flat
    assert "[image not shown" not in flat  # the logo beside the letter is drawn
