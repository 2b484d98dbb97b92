#!/usr/bin/env python3
"""Write the non-Markdown documents of sample case EX-2025-001.

Usage: python scripts/make_sample_attachments.py [CASES_DIR]

Makes, in CASES_DIR/EX-2025-001/documents/ (default CASES_DIR: sample_cases/):

- 2024-11-05-email-p1-declining-attendance-invite.eml  (an exported email with a
  read-receipt header)
- 2024-11-26-attendance-contract.pdf                    (WeasyPrint; page 2 landscape)
- 2025-01-17-notice-p1-notice-to-improve.docx           (python-docx)
- 2025-01-17-hand-delivery-log.png                      (Pillow; a photo-like scan)

Each file's sidecar (NAME.yaml) is kept by hand next to it; this script does not
write sidecars. The .eml and .png come out byte-identical on every run; the PDF and
DOCX carry creation timestamps, so only their content is reproducible.
Everything in them is fictional.
"""

from __future__ import annotations

import random
import sys
from datetime import UTC, datetime
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path

SCHOOL = "Exampletown Academy"
SCHOOL_ADDRESS = "Academy Way, Exampletown, ZZ1 1AA"
OFFICER = "D. Sample"
OFFICER_EMAIL = "d.sample@exampletown-academy.example"
MOTHER_EMAIL = "morgan.example@mail.example"


def write_eml(folder: Path) -> None:
    msg = EmailMessage()
    msg["From"] = Address(f"{OFFICER}, Attendance Officer", addr_spec=OFFICER_EMAIL)
    msg["To"] = Address("Morgan Example", addr_spec=MOTHER_EMAIL)
    msg["Date"] = format_datetime(datetime(2024, 11, 5, 9, 12, tzinfo=UTC))
    msg["Subject"] = "Riley - invitation to a meeting about attendance, 12 November"
    msg["Message-ID"] = "<20241105091200.riley-attendance@exampletown-academy.example>"
    msg["Disposition-Notification-To"] = OFFICER_EMAIL
    msg["Return-Receipt-To"] = OFFICER_EMAIL
    msg.set_content(
        "Dear Ms Example,\n\n"
        "Riley's attendance has continued to fall since we met on 1 October. This term\n"
        "Riley has been present for 64 of 78 sessions (82%), and 10 sessions are\n"
        "unauthorised, most of them on Mondays and Fridays. That is about seven school\n"
        "days missed since September.\n\n"
        "Every parent has a legal duty to make sure their child attends school\n"
        "regularly. We want to work on this with you, so I would like to invite you to\n"
        "a meeting on Tuesday 12 November 2024 at 15:30 at the main reception, with\n"
        "Mr G. Sample (Head of Year 8) and Riley's learning mentor. We will look at\n"
        "what has helped, what has not, and what more we can offer, including the\n"
        "family support visit you agreed to.\n\n"
        "If the time does not suit, please reply to this email or ring 07700 900100\n"
        "before the meeting.\n\n"
        "Riley's father has been invited by a separate letter.\n\n"
        "Yours sincerely,\n\n"
        f"{OFFICER}\nAttendance Officer, {SCHOOL}\n"
    )
    (folder / "2024-11-05-email-p1-declining-attendance-invite.eml").write_bytes(bytes(msg))


CONTRACT_CSS = """
@page { size: A4; margin: 20mm 18mm;
        @bottom-center { content: "Attendance contract - Riley Example - page "
                         counter(page) " of " counter(pages); font-size: 8pt;
                         font-family: "DejaVu Sans", sans-serif; } }
@page grid { size: A4 landscape; margin: 15mm; }
body { font-family: "DejaVu Sans", sans-serif; font-size: 10pt; line-height: 1.4; }
h1 { font-size: 16pt; margin-bottom: 2mm; }
h2 { font-size: 11.5pt; margin: 5mm 0 1mm; }
.head { border-bottom: 1px solid #444; padding-bottom: 2mm; margin-bottom: 4mm; }
.grid { page: grid; page-break-before: always; }
table { border-collapse: collapse; width: 100%; }
th, td { border: 1px solid #555; padding: 2.5mm 2mm; vertical-align: top; }
th { background: #e8e8e8; text-align: left; }
.signatures { page-break-before: always; }
.sig td { height: 16mm; }
.small { font-size: 8.5pt; color: #333; }
"""

CONTRACT_HTML = """
<html><head><meta charset="utf-8"><title>Attendance contract - Riley Example</title></head><body>
<div class="head"><strong>{school}</strong><br>{address}</div>
<h1>Attendance contract</h1>
<p><strong>Pupil:</strong> Riley Example (Year 8, date of birth 15 January 2012)<br>
<strong>Parents:</strong> Ms Morgan Example (mother) and Mr Jamie Specimen (father)<br>
<strong>Agreed on:</strong> 26 November 2024 &nbsp; <strong>Runs from:</strong> 27 November 2024
&nbsp; <strong>Review:</strong> Tuesday 14 January 2025 at 15:30</p>

<h2>Why we are making this agreement</h2>
<p>Riley's attendance this term is 81% (87 of 108 sessions to 25 November 2024), with
17 sessions unauthorised, nearly all on Mondays and Fridays. Riley, both parents and
the school all want Riley to be in school every day. This contract records what each
of us will do. It is a voluntary agreement, not a court order.</p>

<h2>Riley will</h2>
<ul>
<li>come to school every day on time, arriving by 08:40;</li>
<li>use the breakfast club place on Monday mornings;</li>
<li>go to the weekly check-in with the learning mentor and say if something is worrying.</li>
</ul>

<h2>Ms Example will</h2>
<ul>
<li>make sure Riley leaves home in time for school each morning;</li>
<li>ring the school by 08:45 on any day Riley cannot attend, giving the reason;</li>
<li>rebook and keep the visit with the family support worker.</li>
</ul>

<h2>Mr Specimen will</h2>
<ul>
<li>bring Riley home to Exampletown by 18:00 on Sundays after contact weekends;</li>
<li>not collect Riley early on Fridays unless the school has agreed it in advance;</li>
<li>talk to the school if contact arrangements change.</li>
</ul>

<h2>The school will</h2>
<ul>
<li>provide a free breakfast club place on Mondays and weekly mentor check-ins;</li>
<li>keep a spare PE kit for Riley and offer private changing;</li>
<li>call home on the first morning of any absence and share attendance with both parents every two weeks;</li>
<li>keep the offer of an early help assessment open to both parents.</li>
</ul>

<h2>If the contract is not kept</h2>
<p>We will contact you straight away to find out why and whether the support needs to
change. If unauthorised absence continues, the school may serve a notice to improve on
each parent and may ask Exampleshire County Council to consider a penalty notice.</p>

<section class="grid">
<h2>Fortnightly attendance record (completed by the school, shared with both parents)</h2>
<table>
<tr><th>Fortnight</th><th>Sessions possible</th><th>Sessions attended</th>
<th>Unauthorised</th><th>Breakfast club used (Mondays)</th><th>Mentor check-in</th>
<th>Contact with home</th><th>Initials</th></tr>
<tr><td>27 Nov - 6 Dec 2024</td><td></td><td></td><td></td><td></td><td></td><td></td><td></td></tr>
<tr><td>9 - 20 Dec 2024</td><td></td><td></td><td></td><td></td><td></td><td></td><td></td></tr>
<tr><td>7 - 13 Jan 2025</td><td></td><td></td><td></td><td></td><td></td><td></td><td></td></tr>
<tr><td>Review 14 Jan 2025</td><td colspan="7">Outcome:</td></tr>
</table>
<p class="small">Sessions are morning and afternoon registrations. Attendance figures
come from the school register; parents may ask for a printout at any time.</p>
</section>

<section class="signatures">
<h2>Signatures</h2>
<p>We have read this contract and agree to it.</p>
<table class="sig">
<tr><th>Name</th><th>Role</th><th>Signature</th><th>Date</th></tr>
<tr><td>Morgan Example</td><td>Mother</td><td><em>M. Example</em></td><td>26/11/2024</td></tr>
<tr><td>Jamie Specimen</td><td>Father</td><td><em>J. Specimen</em></td><td>26/11/2024</td></tr>
<tr><td>Riley Example</td><td>Pupil</td><td><em>Riley</em></td><td>26/11/2024</td></tr>
<tr><td>P. Placeholder</td><td>Attendance Lead, for the school</td><td><em>P. Placeholder</em></td><td>26/11/2024</td></tr>
</table>
<p class="small">A copy of this contract was given to each parent at the meeting on
26 November 2024.</p>
</section>
</body></html>
"""


def write_pdf(folder: Path) -> None:
    from weasyprint import CSS, HTML

    html = HTML(string=CONTRACT_HTML.format(school=SCHOOL, address=SCHOOL_ADDRESS))
    html.write_pdf(folder / "2024-11-26-attendance-contract.pdf", stylesheets=[CSS(string=CONTRACT_CSS)])


def write_docx(folder: Path) -> None:
    from docx import Document
    from docx.shared import Pt

    doc = Document()
    doc.styles["Normal"].font.name = "Arial"
    doc.styles["Normal"].font.size = Pt(10.5)
    doc.core_properties.author = "P. Placeholder"
    doc.core_properties.title = "Notice to improve - Riley Example"
    doc.add_paragraph(f"{SCHOOL}\n{SCHOOL_ADDRESS}")
    doc.add_paragraph("Private and confidential\nMs Morgan Example\n12 Example Crescent\nExampletown\nZZ1 4EX")
    doc.add_paragraph("17 January 2025")
    doc.add_paragraph("Dear Ms Example,")
    doc.add_heading("Notice to improve - Riley Example (date of birth 15 January 2012), Year 8", level=2)
    paragraphs = [
        (
            "",
            "As a parent of Riley you have a legal duty under section 7 of the Education "
            "Act 1996 to make sure Riley receives a suitable full-time education and, "
            "because Riley is registered at this school, that Riley attends regularly.",
        ),
        (
            "Why this notice is being given. ",
            "Between 4 September 2024 and 16 January 2025 Riley attended 131 of 160 possible "
            "sessions (82%). 23 sessions were unauthorised, including 19 between 7 October "
            "and 20 December 2024, which is above the national threshold of 10 unauthorised "
            "sessions within 10 school weeks. The attendance contract you agreed on "
            "26 November 2024 has not been kept (review meeting, 14 January 2025).",
        ),
        (
            "Support offered so far. ",
            "Meetings on 1 October and 12 November 2024; weekly learning mentor check-ins; "
            "spare PE kit and private changing; a free breakfast club place on Mondays; an "
            "early help assessment with the Family Support Service; the attendance contract "
            "and its review.",
        ),
        (
            "What must happen now. ",
            "For the next four weeks, from 17 January to 14 February 2025, Riley must attend "
            "every session unless absent for a reason the school can authorise, such as "
            "genuine illness reported on the morning. The support above continues, and the "
            "early help offer remains open to you.",
        ),
        (
            "What happens if attendance does not improve. ",
            "If Riley has further unauthorised absence in this period, the school may ask "
            "Exampleshire County Council to issue a penalty notice to you. A penalty notice "
            "is £80 per parent if paid within 21 days, rising to £160 if paid within 28 "
            "days. If it is not paid, the council may prosecute under section 444 of the "
            "Education Act 1996.",
        ),
    ]
    for lead, text in paragraphs:
        para = doc.add_paragraph()
        if lead:
            para.add_run(lead).bold = True
        para.add_run(text)
    table = doc.add_table(rows=1, cols=3)
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, ("Period", "Sessions possible", "Unauthorised sessions")):
        cell.text = text
    for row in (("4 Sep - 20 Dec 2024", "144", "21"), ("7 - 16 Jan 2025", "16", "2"), ("Total", "160", "23")):
        cells = table.add_row().cells
        for cell, text in zip(cells, row):
            cell.text = text
    doc.add_paragraph(
        "Mr Specimen is being given his own notice. If you want to discuss "
        "this notice or the support, please contact me or D. Sample on "
        "07700 900100."
    )
    doc.add_paragraph("Yours sincerely,\n\nP. Placeholder\nAssistant Headteacher (Attendance Lead)")
    doc.add_paragraph("Served by first-class post on 17 January 2025.").runs[0].italic = True
    doc.save(folder / "2025-01-17-notice-p1-notice-to-improve.docx")


LOG_ROWS = [
    (
        "06/12/24",
        "15:20",
        "Mr J. Specimen",
        "Father",
        "Letter: attendance contract not kept",
        "J Specimen",
        "D. Sample",
    ),
    ("17/01/25", "15:25", "Mr J. Specimen", "Father", "Notice to improve (Riley Example)", "J Specimen", "D. Sample"),
]


def write_png(folder: Path) -> None:
    from PIL import Image, ImageDraw, ImageFilter, ImageFont

    fonts = "/usr/share/fonts/truetype/dejavu/"
    title = ImageFont.truetype(fonts + "DejaVuSans-Bold.ttf", 30)
    head = ImageFont.truetype(fonts + "DejaVuSansCondensed-Bold.ttf", 19)
    printed = ImageFont.truetype(fonts + "DejaVuSansCondensed.ttf", 19)
    hand = ImageFont.truetype(fonts + "DejaVuSerif-Italic.ttf", 23)
    rng = random.Random(1701)
    width, height = 1700, 900
    page = Image.new("RGB", (width, height), (246, 243, 232))
    pixels = page.load()
    for _ in range(20000):  # paper grain
        x, y = rng.randrange(width), rng.randrange(height)
        shade = rng.randint(-14, 6)
        r, g, b = pixels[x, y]
        pixels[x, y] = (r + shade, g + shade, b + shade)
    draw = ImageDraw.Draw(page)
    ink, pen = (35, 35, 40), (28, 45, 120)
    draw.text((80, 60), f"{SCHOOL} - main reception", font=title, fill=ink)
    draw.text((80, 105), "Hand-delivery log: letters handed to parents in person", font=head, fill=ink)
    draw.text(
        (80, 135),
        "Record date, time, staff member and the parent who took the "
        "letter. Hand letters only to the parent they are addressed to.",
        font=printed,
        fill=ink,
    )
    columns = [
        ("Date", 80),
        ("Time", 200),
        ("Received by", 290),
        ("Relationship", 500),
        ("Document", 660),
        ("Parent signature", 1110),
        ("Handed by", 1390),
        ("", 1620),
    ]
    top, row_h = 190, 70
    draw.rectangle((80, top, 1620, top + row_h * 9), outline=ink, width=2)
    for name, x in columns[:-1]:
        draw.text((x + 8, top + 22), name, font=head, fill=ink)
        draw.line((x, top, x, top + row_h * 9), fill=ink, width=2)
    for n in range(1, 9):
        draw.line((80, top + row_h * n, 1620, top + row_h * n), fill=ink, width=1)
    for i, row in enumerate(LOG_ROWS, start=1):
        y = top + row_h * i + 20
        for (_name, x), text in zip(columns, row):
            draw.text((x + 10 + rng.randint(-3, 3), y + rng.randint(-4, 4)), text, font=hand, fill=pen)
    draw.text((80, top + row_h * 9 + 25), "Page 14 - Autumn 2024 / Spring 2025", font=printed, fill=ink)
    page = page.rotate(-1.2, resample=Image.BICUBIC, expand=True, fillcolor=(60, 60, 64))
    page = page.filter(ImageFilter.GaussianBlur(0.6))
    page = page.convert("P", palette=Image.ADAPTIVE, colors=64)
    page.save(folder / "2025-01-17-hand-delivery-log.png", optimize=True)


def main(argv: list[str]) -> int:
    root = Path(argv[1]) if len(argv) > 1 else Path(__file__).resolve().parent.parent / "sample_cases"
    folder = root / "EX-2025-001" / "documents"
    folder.mkdir(parents=True, exist_ok=True)
    write_eml(folder)
    write_pdf(folder)
    write_docx(folder)
    write_png(folder)
    print(f"wrote 4 documents to {folder}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
