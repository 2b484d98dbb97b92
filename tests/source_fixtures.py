"""Source documents made in code for the tests of bundle/sources and case/attachments:
a Word letter with a letterhead, a footer reference, tracked changes and a comment;
emails (HTML-only with an inline image and a Latin-1 body; an address group with an
unknown charset; a message with attachments and a forwarded message inside); images
(16-bit greyscale, EXIF-rotated, HEIC, multi-page TIFF, animated GIF). All fictional.
"""

from __future__ import annotations

import base64
import io
import zipfile

from PIL import Image

W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'

#: colours the tests look for on rendered pages
LOGO = (30, 144, 255)  # the letterhead's logo
MAGENTA = (230, 0, 200)  # the email's inline image
RED, BLUE, GREEN, YELLOW = (220, 20, 20), (20, 40, 220), (20, 180, 40), (240, 220, 20)


def png(size: tuple[int, int], colour: tuple[int, int, int]) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, "PNG")
    return out.getvalue()


def word_letter(hide_markup: bool = True) -> bytes:
    """A letter on letterhead: logo and school name in the header, a reference and the
    page number in the footer, a table, one tracked insertion, one tracked deletion and a
    comment. Saved, like many real files, with its markup hidden from view."""
    from docx import Document
    from docx.oxml import parse_xml
    from docx.shared import Mm

    doc = Document()
    section = doc.sections[0]
    head = section.header.paragraphs[0]
    head.add_run().add_picture(io.BytesIO(png((120, 60), LOGO)), width=Mm(30))
    head.add_run("  EXAMPLETOWN ACADEMY - Academy Way, Exampletown, ZZ1 1AA").bold = True
    foot = section.footer.paragraphs[0]
    foot.add_run("Our ref: ATT/2025/0042 - page ")
    foot._p.append(parse_xml(f'<w:fldSimple {W} w:instr="PAGE"><w:r><w:t>1</w:t></w:r></w:fldSimple>'))
    doc.add_paragraph("Dear Ms Example,")
    para = doc.add_paragraph("We would like to meet you at school; ")
    para._p.append(
        parse_xml(
            f'<w:del {W} w:id="90" w:author="D. Sample" w:date="2025-01-10T09:00:00Z"><w:r>'
            '<w:delText xml:space="preserve">the meeting is on Monday morning </w:delText></w:r></w:del>'
        )
    )
    para._p.append(
        parse_xml(
            f'<w:ins {W} w:id="91" w:author="D. Sample" w:date="2025-01-10T09:01:00Z"><w:r>'
            '<w:t xml:space="preserve">the meeting is on Tuesday afternoon </w:t></w:r></w:ins>'
        )
    )
    tail = para.add_run("at the main reception.")
    doc.add_comment(tail, text="Check the room with the office first", author="P. Placeholder", initials="PP")
    table = doc.add_table(rows=2, cols=2)
    for row, (left, right) in zip(table.rows, [("Sessions possible", "160"), ("Unauthorised", "23")]):
        row.cells[0].text, row.cells[1].text = left, right
    doc.add_paragraph("Yours sincerely,")
    doc.add_paragraph("D. Sample, Attendance Officer")
    out = io.BytesIO()
    doc.save(out)
    data = out.getvalue()
    if hide_markup:
        data = rezip(data, "word/settings.xml", _hide_markup)
    return data


def _hide_markup(xml: bytes) -> bytes:
    end = xml.index(b">", xml.index(b"<w:settings")) + 1
    return xml[:end] + b'<w:revisionView w:markup="0" w:insDel="0" w:formatting="0"/>' + xml[end:]


def rezip(data: bytes, name: str, change) -> bytes:
    """A copy of a zip file with one part changed (``change(old bytes) -> new bytes``)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as copy:
        for item in source.infolist():
            body = source.read(item)
            copy.writestr(item.filename, change(body) if item.filename == name else body)
    return out.getvalue()


#: the words of the HTML email's body, as a reader sees them
HTML_EMAIL_WORDS = (
    "Bonjour Mme Example, la réunion prévue à l'école est déplacée à mercredi. "
    "Riley a manqué trois séances ce trimestre. Merci de votre compréhension. "
    "Cordialement, le secrétariat"
).split()


def html_email() -> bytes:
    """HTML only (no plain-text part), ISO-8859-1, with a cid: logo, a remote tracking
    image, a style that would fetch, and a script; a read receipt is requested."""
    body = (
        "<html><head><style>p { color: red } body { background: url(https://tracker.example/bg.png) }</style>"
        "<script>document.write('x')</script></head><body>"
        '<p><img src="cid:logo.123@school.example" alt="School logo" width="120" height="60"></p>'
        f"<p>{' '.join(HTML_EMAIL_WORDS[:8])}</p>"
        f'<p><font color="#0000cc">{" ".join(HTML_EMAIL_WORDS[8:17])}</font></p>'
        f'<table width="900"><tr><td>{" ".join(HTML_EMAIL_WORDS[17:])}</td></tr></table>'
        '<img src="https://tracker.example/open.gif?id=7" width="1" height="1">'
        "</body></html>"
    ).encode("iso-8859-1")
    logo = base64.encodebytes(png((240, 120), MAGENTA)).decode()
    return (
        (
            b"From: Secretariat <office@exampletown-academy.example>\r\n"
            b"To: Morgan Example <morgan.example@mail.example>\r\n"
            b"Subject: =?iso-8859-1?q?R=E9union_d=E9plac=E9e?=\r\n"
            b"Date: Mon, 06 Jan 2025 10:15:00 +0000\r\n"
            b"Disposition-Notification-To: office@exampletown-academy.example\r\n"
            b"MIME-Version: 1.0\r\n"
            b'Content-Type: multipart/related; boundary="REL"; type="text/html"\r\n\r\n'
            b"--REL\r\n"
            b"Content-Type: text/html; charset=iso-8859-1\r\n"
            b"Content-Transfer-Encoding: 8bit\r\n\r\n"
        )
        + body
        + (
            "\r\n--REL\r\n"
            "Content-Type: image/png\r\n"
            "Content-Transfer-Encoding: base64\r\n"
            "Content-ID: <logo.123@school.example>\r\n"
            "Content-Disposition: inline\r\n\r\n" + logo + "--REL--\r\n"
        ).encode()
    )


GROUP_EMAIL_WORDS = "Absence recorded on Monday for Riley; the café meeting is next week.".split()


def group_email() -> bytes:
    """To an address group with no members, Cc a named group, in a charset nobody knows."""
    return (
        b"From: Attendance Office <office@exampletown-academy.example>\r\n"
        b"To: unlisted-recipients:; (no To-header on input)\r\n"
        b"Cc: Parents: morgan.example@mail.example, jamie.specimen@mail.example;\r\n"
        b"Subject: =?x-unknown?q?Absence_report?=\r\n"
        b"Date: Tue, 07 Jan 2025 08:30:00 +0000\r\n"
        b'Content-Type: text/plain; charset="x-unknown-8bit"\r\n'
        b"Content-Transfer-Encoding: 8bit\r\n\r\n" + " ".join(GROUP_EMAIL_WORDS).encode("utf-8") + b"\r\n"
    )


def pdf_pages(*lines: str) -> bytes:
    """A PDF with one page per line of text."""
    from weasyprint import HTML

    html = "<style>@page{size:A4;margin:20mm}</style>" + "".join(
        f'<p style="break-after:page">{line}</p>' for line in lines
    )
    return HTML(string=html).write_pdf()


def nested_email(inner_attachment: bytes, office: bytes) -> bytes:
    """A message with, in order: a PDF, a photo, a forwarded message (itself holding a
    PDF), a Word document and a zip file."""
    from email.message import EmailMessage

    inner = EmailMessage()
    inner["From"] = "Jamie Specimen <jamie.specimen@mail.example>"
    inner["To"] = "office@exampletown-academy.example"
    inner["Subject"] = "Inner message about Riley"
    inner["Date"] = "Fri, 03 Jan 2025 17:00:00 +0000"
    inner.set_content("The inner message body: Riley was unwell on Thursday.\n")
    inner.add_attachment(inner_attachment, maintype="application", subtype="pdf", filename="inner-note.pdf")

    outer = EmailMessage()
    outer["From"] = "Morgan Example <morgan.example@mail.example>"
    outer["To"] = "D. Sample <d.sample@exampletown-academy.example>"
    outer["Subject"] = "Fwd: documents for the meeting"
    outer["Date"] = "Sat, 04 Jan 2025 09:00:00 +0000"
    outer.set_content("The outer message body: please find the documents attached.\n")
    outer.add_attachment(
        pdf_pages("Outer report page one"), maintype="application", subtype="pdf", filename="report.pdf"
    )
    outer.add_attachment(png((300, 200), GREEN), maintype="image", subtype="png", filename="photo.png")
    outer.add_attachment(inner)
    outer.add_attachment(
        office,
        maintype="application",
        subtype="vnd.openxmlformats-officedocument.wordprocessingml.document",
        filename="plan.docx",
    )
    outer.add_attachment(b"PK\x05\x06" + b"\0" * 18, maintype="application", subtype="zip", filename="archive.zip")
    return bytes(outer)


def simple_docx(text: str) -> bytes:
    from docx import Document

    doc = Document()
    doc.add_paragraph(text)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def png_16bit() -> bytes:
    """A 16-bit greyscale gradient, dark on the left to white on the right."""
    width, height = 400, 240
    row = b"".join(int(65535 * x / (width - 1)).to_bytes(2, "little") for x in range(width))
    image = Image.frombytes("I;16", (width, height), row * height)
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def rotated_jpeg() -> bytes:
    """Upright it is landscape, red above blue; stored on its side with EXIF orientation 6
    (turn 90 degrees clockwise to view), as a phone saves it."""
    upright = Image.new("RGB", (360, 240), RED)
    upright.paste(BLUE, (0, 120, 360, 240))
    stored = upright.transpose(Image.Transpose.ROTATE_90)
    exif = Image.Exif()
    exif[0x0112] = 6
    out = io.BytesIO()
    stored.save(out, "JPEG", quality=95, exif=exif.tobytes())
    return out.getvalue()


def heic_photo() -> bytes:
    import pillow_heif

    photo = Image.new("RGB", (320, 240), YELLOW)
    photo.paste(BLUE, (0, 0, 160, 240))
    out = io.BytesIO()
    pillow_heif.from_pillow(photo).save(out, quality=90)
    return out.getvalue()


def tiff_pages() -> bytes:
    """Three pages: red, green, blue."""
    pages = [Image.new("RGB", (300, 400), colour) for colour in (RED, GREEN, BLUE)]
    out = io.BytesIO()
    pages[0].save(out, "TIFF", save_all=True, append_images=pages[1:], compression="tiff_deflate")
    return out.getvalue()


def animated_gif() -> bytes:
    """Two frames: green first, then blue."""
    frames = [Image.new("RGB", (200, 150), colour) for colour in (GREEN, BLUE)]
    out = io.BytesIO()
    frames[0].save(out, "GIF", save_all=True, append_images=frames[1:], duration=500, loop=0)
    return out.getvalue()
