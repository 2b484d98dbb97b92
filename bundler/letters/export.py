"""A rendered letter as a print-ready PDF and as an editable Word document.

Takes a ``RenderedLetter``; gives bytes. Both come from the one Markdown engine's token
stream, so the PDF, the Word copy and the bundle read the same.
"""

from __future__ import annotations

import datetime as dt
import html
import io
import zipfile
from typing import TYPE_CHECKING, Any

from ..present.markdown import docx_blocks, to_html

if TYPE_CHECKING:
    from .render import RenderedLetter

__all__ = ["letter_html", "letter_pdf", "letter_docx"]


_PDF_CSS = """
@page { size: A4; margin: 22mm 20mm 22mm 20mm;
        @bottom-center { content: counter(page) " of " counter(pages); font-size: 8pt; color: #555; } }
body { font-family: "DejaVu Sans", Arial, sans-serif; font-size: 10.5pt; line-height: 1.4; }
h1 { font-size: 14pt; } h2 { font-size: 12pt; } h3 { font-size: 11pt; }
table { border-collapse: collapse; width: 100%; margin: 3mm 0; }
td, th { border: 1px solid #777; padding: 2mm; vertical-align: top; text-align: left; }
thead { display: table-header-group; }
/* page breaks: no line left alone at the foot or head of a page; a heading or a bold
   lead-in line stays with what follows; a table of six rows or fewer stays whole,
   a longer one keeps its first two rows and its last two (a total) together; the
   closing words stay with the last lines above them, the signature and the note below */
p, li, td, th { orphans: 3; widows: 3; }
h1, h2, h3, h4, p.subhead { break-after: avoid; }
tr { break-inside: avoid; }
tbody tr:nth-child(2), tbody tr:last-child { break-before: avoid; }
table:not(:has(tbody > tr:nth-child(7))) { break-inside: avoid; }
p.closing { break-before: avoid; break-after: avoid; }
p.closing + p { break-inside: avoid; break-after: avoid; }
body > p:last-child { break-before: avoid; }
"""


def letter_html(letter: RenderedLetter) -> str:
    """The letter as an HTML page (its body starts with the school's name and address).

    User text in the body is already escaped by the template environment.
    """
    return (
        "<!DOCTYPE html><html lang='en-GB'><head><meta charset='utf-8'>"
        f"<title>{html.escape(letter.title)}</title><style>{_PDF_CSS}</style></head><body>"
        f"{to_html(letter.body)}</body></html>"
    )


def letter_pdf(letter: RenderedLetter) -> bytes:
    """The letter as PDF bytes (WeasyPrint)."""
    from weasyprint import HTML

    return bytes(HTML(string=letter_html(letter), base_url=None).write_pdf())


def _add_runs(paragraph: Any, runs: list[Any]) -> None:
    for run in runs:
        if run is None:
            paragraph.add_run().add_break()
            continue
        text, bold, italic = run
        added = paragraph.add_run(text)
        added.bold = bold or None
        added.italic = italic or None


def _school_block(block: dict[str, Any], school_name: str) -> bool:
    """The body's own letterhead paragraph (the Word header carries it instead)."""
    runs = [r for r in block.get("runs", []) if r is not None]
    return block["kind"] == "paragraph" and bool(runs) and runs[0][0] == school_name and runs[0][1]


def letter_docx(letter: RenderedLetter) -> bytes:
    """The letter as an editable Word document, the school's name, address and telephone
    and email (when the case gives them) in the header. The same letter gives the same
    bytes: the file's dates are the letter's date."""
    import docx
    from docx.shared import Pt

    document = docx.Document()
    header = document.sections[0].header
    first = header.paragraphs[0]
    first.text = ""
    first.add_run(letter.school_name).bold = True
    header.add_paragraph(letter.school_address)
    if letter.school_contact:
        header.add_paragraph(letter.school_contact)

    blocks = docx_blocks(letter.body)
    if blocks and _school_block(blocks[0], letter.school_name):
        blocks = blocks[1:]
    after_closing = False
    for block in blocks:
        if block["kind"] == "paragraph":
            paragraph = document.add_paragraph(style=block["style"])
            _add_runs(paragraph, block["runs"])
            # a lead-in line stays with what follows it, the closing words with the
            # signature, and the signature with the note below it
            layout = paragraph.paragraph_format
            if block.get("role") or after_closing:
                layout.keep_with_next = True
            if after_closing:
                layout.keep_together = True
            after_closing = block.get("role") == "closing"
            continue
        after_closing = False
        if block["kind"] == "heading":
            text = "".join(r[0] if r is not None else " " for r in block["runs"])
            document.add_heading(text, level=block["level"])
        elif block["kind"] == "rule":
            document.add_paragraph("_" * 40)
        elif block["kind"] == "table":
            rows = block["rows"]
            width = max((len(r) for r in rows), default=1)
            table = document.add_table(rows=len(rows), cols=width)
            table.style = "Table Grid"
            for r, cells in enumerate(rows):
                for col, cell in enumerate(cells):
                    target = table.cell(r, col).paragraphs[0]
                    _add_runs(target, cell)
                    if r == 0:
                        for run in target.runs:
                            run.bold = True
    document.styles["Normal"].font.size = Pt(11)
    moment = dt.datetime.combine(letter.date, dt.time(), tzinfo=dt.UTC)
    properties = document.core_properties
    properties.title = letter.title
    properties.author = letter.school_name
    properties.comments = ""
    properties.last_modified_by = letter.school_name
    properties.created = properties.modified = moment
    properties.revision = 1
    buffer = io.BytesIO()
    document.save(buffer)
    return _stable_zip(buffer.getvalue(), moment)


def _stable_zip(data: bytes, moment: dt.datetime) -> bytes:
    """The same Word file with every entry stamped with the letter's date rather than the
    time it was written, so the same letter gives the same bytes."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            stamped = zipfile.ZipInfo(info.filename, date_time=moment.timetuple()[:6])
            stamped.compress_type = zipfile.ZIP_DEFLATED
            stamped.external_attr = info.external_attr
            target.writestr(stamped, source.read(info.filename))
    return out.getvalue()
