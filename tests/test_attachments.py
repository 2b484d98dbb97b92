"""Stage 1 checks of office documents, emails and images (case/attachments.py), and the
pieces of bundle/sources that need no LibreOffice or WeasyPrint: hostile and damaged
inputs get a problem naming the file and the reason, never a traceback."""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from pathlib import Path

import pytest
import source_fixtures as fx
from PIL import Image

from bundler.case.attachments import (
    SourceError,
    check_email_bytes,
    check_image_bytes,
    decode_text,
    decode_words,
    inspect_source,
    parse_email,
    read_office,
)
from bundler.case.load import Limits

LIMITS = Limits()


def _zip(entries: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, body in entries.items():
            archive.writestr(name, body)
    return out.getvalue()


# --------------------------------------------------------------------------- office


def test_a_word_letter_is_read_with_its_markup_counted() -> None:
    info = read_office(fx.word_letter(), "documents/letter.docx", LIMITS)
    assert (info.format, info.revisions, info.comments) == ("docx", 2, 1)


def test_zip_bomb_docx_is_refused_before_conversion() -> None:
    bomb = _zip({"word/document.xml": b"0" * (12 * 1024 * 1024)})  # 12 MiB from 12 KiB
    with pytest.raises(SourceError, match=r"documents/bomb.docx: unpacks to 12 MiB .*over the 10 MiB limit"):
        read_office(bomb, "documents/bomb.docx", Limits(max_office_unpacked_bytes=10 * 1024 * 1024))


def test_zip_bomb_whose_headers_lie_about_its_size_is_refused() -> None:
    """The sizes in a zip's headers are the sender's word; the bytes unpacked are counted."""
    data = bytearray(_zip({"word/document.xml": b"<w:document/>" + b" " * 3_000_000}))
    for signature, offset in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
        at = data.index(signature)
        struct.pack_into("<I", data, at + offset, 100)  # "uncompressed size: 100 bytes"
    with pytest.raises(SourceError, match=r"documents/liar.docx: (unpacks to more than 1 MiB|is damaged)"):
        read_office(bytes(data), "documents/liar.docx", Limits(max_office_unpacked_bytes=1024 * 1024))


def test_password_protected_word_files_are_refused() -> None:
    encrypted_docx = fx_cfb("EncryptedPackage", "EncryptionInfo")
    with pytest.raises(SourceError, match="documents/secret.docx: is password-protected; remove the password"):
        read_office(encrypted_docx, "documents/secret.docx", LIMITS)
    # a Word 97-2003 file whose information block says it is encrypted
    doc = bytearray(fx_cfb("WordDocument"))
    fib = 512 * 2
    doc[fib : fib + 2] = b"\xec\xa5"
    struct.pack_into("<H", doc, fib + 0x0A, 0x0100)
    with pytest.raises(SourceError, match="documents/old.doc: is password-protected"):
        read_office(bytes(doc), "documents/old.doc", LIMITS)
    odt = _zip(
        {
            "mimetype": b"application/vnd.oasis.opendocument.text",
            "META-INF/manifest.xml": b"<manifest:manifest><manifest:encryption-data/></manifest:manifest>",
            "content.xml": b"<office:document-content/>",
        }
    )
    with pytest.raises(SourceError, match="documents/secret.odt: is password-protected"):
        read_office(odt, "documents/secret.odt", LIMITS)


def fx_cfb(*streams: str) -> bytes:
    """Enough of an OLE compound file for the checks: the magic, a sector size, stream names."""
    header = bytearray(512)
    header[:8] = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
    struct.pack_into("<H", header, 0x1E, 9)  # 512-byte sectors
    directory = b"".join(name.encode("utf-16-le").ljust(128, b"\0") for name in streams).ljust(512, b"\0")
    return bytes(header) + directory + bytes(4096)


def test_a_dtd_in_an_office_file_is_refused() -> None:
    evil = fx.rezip(
        fx.word_letter(),
        "word/document.xml",
        lambda xml: b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "aaaa">]>' + xml.split(b"?>", 1)[1],
    )
    with pytest.raises(SourceError, match="documents/evil.docx: word/document.xml declares a DTD"):
        read_office(evil, "documents/evil.docx", LIMITS)


def test_content_linked_from_outside_the_document_is_refused() -> None:
    def link(rels: bytes) -> bytes:
        extra = (
            b'<Relationship Id="rIdX" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/image"'
            b' Target="file:///etc/passwd" TargetMode="External"/>'
        )
        return rels.replace(b"</Relationships>", extra + b"</Relationships>")

    linked = fx.rezip(fx.word_letter(), "word/_rels/document.xml.rels", link)
    with pytest.raises(
        SourceError, match=r"documents/linked.docx: shows content linked from outside .*file:///etc/passwd"
    ):
        read_office(linked, "documents/linked.docx", LIMITS)
    field = fx.rezip(
        fx.word_letter(),
        "word/document.xml",
        lambda xml: xml.replace(
            b"<w:body>", b'<w:body><w:p><w:fldSimple w:instr=" INCLUDETEXT &quot;/etc/passwd&quot; "/></w:p>'
        ),
    )
    with pytest.raises(SourceError, match="a INCLUDETEXT field"):
        read_office(field, "documents/field.docx", LIMITS)
    rtf = b'{\\rtf1 {\\field{\\*\\fldinst INCLUDETEXT "c:/secret.txt"}{\\fldrslt x}}}'
    with pytest.raises(SourceError, match="documents/x.rtf: pulls in content from outside"):
        read_office(rtf, "documents/x.rtf", LIMITS)


def test_a_hyperlink_is_not_outside_content() -> None:
    def link(rels: bytes) -> bytes:
        extra = (
            b'<Relationship Id="rIdH" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink"'
            b' Target="https://www.gov.uk/" TargetMode="External"/>'
        )
        return rels.replace(b"</Relationships>", extra + b"</Relationships>")

    assert (
        read_office(fx.rezip(fx.word_letter(), "word/_rels/document.xml.rels", link), "d.docx", LIMITS).format == "docx"
    )


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (_zip({"xl/workbook.xml": b"<workbook/>", "[Content_Types].xml": b"<Types/>"}), "is a spreadsheet"),
        (b"<html><body>Saved from Word as a web page</body></html>", "it looks like a web page"),
        (b"PK\x03\x04 truncated", "is damaged"),
        (b"just some words", "is not a Word"),
    ],
)
def test_files_that_are_not_word_processing_documents_are_named(data: bytes, message: str) -> None:
    with pytest.raises(SourceError, match=f"documents/x.docx: .*{message}"):
        read_office(data, "documents/x.docx", LIMITS)


def test_rtf_and_odt_markup_is_counted() -> None:
    rtf = b"{\\rtf1\\ansi Keep {\\revised new words}{\\deleted old words}{\\*\\annotation note}}"
    assert read_office(rtf, "a.rtf", LIMITS) == type(read_office(rtf, "a.rtf", LIMITS))("rtf", 2, 1)
    odt = _zip(
        {
            "mimetype": b"application/vnd.oasis.opendocument.text",
            "content.xml": b"<x><text:changed-region/><office:annotation><text:p>n</text:p></office:annotation></x>",
        }
    )
    info = read_office(odt, "a.odt", LIMITS)
    assert (info.format, info.revisions, info.comments) == ("odt", 1, 1)


# --------------------------------------------------------------------------- images


def test_a_truncated_image_is_named() -> None:
    import weasyprint  # noqa: F401 - it tells Pillow to load truncated images; ours must not

    from bundler.bundle.sources.image import image_html

    jpeg = io.BytesIO()
    Image.effect_noise((400, 300), 60).convert("RGB").save(jpeg, "JPEG")
    for data in (jpeg.getvalue()[:2000], fx.png_16bit()[:600]):
        with pytest.raises(SourceError, match="documents/scan.jpg: (is damaged or truncated|cannot be read)"):
            check_image_bytes(data, "documents/scan.jpg", LIMITS)
        with pytest.raises(SourceError, match="documents/scan.jpg: (is damaged or truncated|cannot be read)"):
            image_html(data, "documents/scan.jpg", LIMITS, "scan")
    from PIL import ImageFile

    assert ImageFile.LOAD_TRUNCATED_IMAGES  # WeasyPrint's own setting is left as it was


def _png_header(width: int, height: int) -> bytes:
    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\0" * 64)) + chunk(b"IEND", b"")


def test_a_50000_by_50000_image_is_refused_from_its_header() -> None:
    with pytest.raises(
        SourceError, match=r"documents/huge.png: the image has 2,500,000,000 pixels, over the 40 megapixel"
    ):
        check_image_bytes(_png_header(50_000, 50_000), "documents/huge.png", LIMITS)
    with pytest.raises(SourceError, match=r"documents/big.png: the image is 8000x6000 pixels, over the 40 megapixel"):
        check_image_bytes(_png_header(8000, 6000), "documents/big.png", LIMITS)


def test_a_tiff_with_too_many_pages_is_refused() -> None:
    with pytest.raises(SourceError, match="documents/scan.tiff: has 3 pages, over the limit of 2"):
        check_image_bytes(fx.tiff_pages(), "documents/scan.tiff", Limits(max_image_frames=2))


def test_not_an_image() -> None:
    with pytest.raises(SourceError, match="documents/x.png: cannot be read as an image"):
        check_image_bytes(b"GIF89a but not really", "documents/x.png", LIMITS)


@pytest.mark.parametrize("make", [fx.png_16bit, fx.rotated_jpeg, fx.heic_photo, fx.tiff_pages, fx.animated_gif])
def test_every_kind_of_image_passes_the_check(make) -> None:
    check_image_bytes(make(), "documents/picture", LIMITS)


def test_display_modes_are_not_black() -> None:
    from bundler.bundle.sources.image import display_mode

    grey16 = Image.open(io.BytesIO(fx.png_16bit()))
    shown, changed = display_mode(grey16, "x")
    assert changed and shown.mode == "L"
    assert shown.getpixel((0, 0)) < 10 and shown.getpixel((399, 0)) > 245 and 100 < shown.getpixel((200, 0)) < 160
    cmyk = Image.new("CMYK", (4, 4), (0, 255, 255, 0))  # process red
    red = display_mode(cmyk, "x")[0].getpixel((0, 0))
    assert red[0] > 200 and red[1] < 60 and red[2] < 60
    clear = Image.new("RGBA", (4, 4), (0, 0, 0, 0))
    assert display_mode(clear, "x")[0].getpixel((0, 0)) == (255, 255, 255)  # transparent is paper, not black
    palette = Image.new("P", (4, 4), 0)
    palette.putpalette([10, 200, 30] + [0] * 765)
    assert display_mode(palette, "x")[0].getpixel((0, 0)) == (10, 200, 30)
    floats = Image.new("F", (4, 4), 0.5)
    assert display_mode(floats, "x")[0].getpixel((0, 0)) in (127, 128)


def test_large_images_are_drawn_at_300_dpi_at_most() -> None:
    from bundler.bundle.sources.image import draw

    photo = io.BytesIO()
    Image.new("RGB", (3000, 2000), fx.GREEN).save(photo, "JPEG", quality=80)
    image = Image.open(io.BytesIO(photo.getvalue()))
    drawn = draw(image, "documents/photo.jpg", original=photo.getvalue())
    assert round(drawn.width_mm) == 174 and drawn.reduced_from == (3000, 2000)
    pixels = Image.open(io.BytesIO(__import__("base64").b64decode(drawn.url.split(",", 1)[1]))).size
    assert pixels[0] <= 174 / 25.4 * 300 + 1
    small = io.BytesIO(fx.png((200, 100), fx.RED))
    same = draw(Image.open(small), "x", original=small.getvalue())
    assert same.reduced_from is None and same.url.endswith(__import__("base64").b64encode(small.getvalue()).decode())


# --------------------------------------------------------------------------- email


def test_an_email_nested_200_deep_is_refused() -> None:
    data = b"Subject: innermost\r\n\r\nhello\r\n"
    for level in range(200):
        data = f"Subject: level {level}\r\nContent-Type: message/rfc822\r\n\r\n".encode() + data
    with pytest.raises(SourceError, match=r"documents/deep.eml: is nested (more than 30 levels deep|too deeply)"):
        parse_email(data, "documents/deep.eml", LIMITS)
    # nested multiparts, too
    data = b"Content-Type: text/plain\r\n\r\ncore\r\n"
    for level in range(200):
        data = (
            f'Content-Type: multipart/mixed; boundary="b{level}"\r\n\r\n--b{level}\r\n'.encode()
            + data
            + f"\r\n--b{level}--\r\n".encode()
        )
    with pytest.raises(SourceError, match="documents/deep.eml: is nested"):
        parse_email(b"Subject: x\r\n" + data, "documents/deep.eml", LIMITS)


def test_an_email_with_too_many_parts_is_refused() -> None:
    parts = "".join(f"--B\r\nContent-Type: text/plain\r\n\r\npart {i}\r\n" for i in range(600))
    data = f'Subject: many\r\nContent-Type: multipart/mixed; boundary="B"\r\n\r\n{parts}--B--\r\n'.encode()
    with pytest.raises(SourceError, match="documents/many.eml: has more than 500 MIME parts"):
        check_email_bytes(data, "documents/many.eml", LIMITS)


def test_an_encrypted_email_is_refused() -> None:
    data = (
        b'Subject: secret\r\nContent-Type: application/pkcs7-mime; smime-type=enveloped-data; name="smime.p7m"\r\n'
        b"Content-Transfer-Encoding: base64\r\n\r\nMIAGCSqGSIb3DQEHA6CAMIACAQAx\r\n"
    )
    with pytest.raises(SourceError, match="documents/secret.eml: is encrypted"):
        check_email_bytes(data, "documents/secret.eml", LIMITS)


def test_address_groups_and_unknown_charsets_do_not_crash() -> None:
    message = parse_email(fx.group_email(), "documents/group.eml", LIMITS)
    to = next(v for k, v in message.raw_items() if k == "To")
    assert decode_words(str(to)) == ("unlisted-recipients:; (no To-header on input)", "")
    subject, note = decode_words("=?x-unknown?q?Absence_report?=")
    assert subject == "Absence report" and "'x-unknown', which is not known" in note
    assert decode_words("=?utf-8?b?UmlsZXkgKOKckyk=?=") == ("Riley (\u2713)", "")


@pytest.mark.parametrize(
    ("data", "charset", "text", "note"),
    [
        ("caf\u00e9".encode("latin-1"), "iso-8859-1", "caf\u00e9", ""),
        (b"\x93quoted\x94", "iso-8859-1", "\u201cquoted\u201d", ""),  # as mail programs read it
        ("caf\u00e9".encode(), "x-unknown-8bit", "caf\u00e9", "which is not known; shown decoded as UTF-8"),
        (b"caf\xe9", None, "caf\u00e9", "does not say which character set it uses; shown decoded as Windows-1252"),
        (b"caf\xe9", "us-ascii", "caf\u00e9", "declares us-ascii but holds 8-bit text"),
        (b"abc\xff", "utf-8", "abc\ufffd", "holds 1 bytes that are not valid utf-8"),
        (b"x\x9cK", "zlib", "x\u0153K", "'zlib', which is not known"),  # a bytes codec is no charset
        (b"\xb0\xa1", "ks_c_5601-1987", "\uac00", ""),
    ],
)
def test_text_is_decoded_whatever_its_charset(data: bytes, charset: str | None, text: str, note: str) -> None:
    decoded, said = decode_text(data, charset)
    assert decoded == text
    assert note in said and (said == "") == (note == "")


# --------------------------------------------------------------------------- inspect_source


def test_inspect_source_gives_problems_naming_the_file(tmp_path: Path) -> None:
    (tmp_path / "bomb.docx").write_bytes(_zip({"word/document.xml": b"0" * (2 * 1024 * 1024)}))
    (tmp_path / "fine.png").write_bytes(fx.png((10, 10), fx.RED))
    (tmp_path / "deep.eml").write_bytes(b"Content-Type: message/rfc822\r\n\r\n" * 40 + b"\r\nbody")
    limits = Limits(max_office_unpacked_bytes=1024 * 1024)
    [bomb] = inspect_source("office", tmp_path / "bomb.docx", "documents/bomb.docx", limits)
    assert bomb.file == "documents/bomb.docx" and "zip bomb" in bomb.message
    assert inspect_source("image", tmp_path / "fine.png", "documents/fine.png", limits) == []
    [deep] = inspect_source("eml", tmp_path / "deep.eml", "documents/deep.eml", limits)
    assert "nested" in deep.message
    assert inspect_source("pdf", tmp_path / "fine.png", "documents/x.pdf", limits) == []
    [missing] = inspect_source("image", tmp_path / "gone.png", "documents/gone.png", limits)
    assert "cannot be read" in missing.message


# --------------------------------------------------------------------------- HTML


def _draw(src: str, alt: str, width: float | None, height: float | None) -> str:
    return f"[IMG {src} {alt} {width} {height}]"


def test_html_is_sanitised_and_never_fetches() -> None:
    from bundler.bundle.sources.html import clean_html

    html, remote = clean_html(
        '<script>alert(1)</script><style>p{color:red}</style><p onclick="x()" style="color: red; '
        'background: url(https://t.example/bg.png); position: absolute">Hello</p>'
        '<a href="javascript:alert(1)">bad</a> <a href="https://www.gov.uk/">good</a>'
        '<font color="#0000cc" face="Arial" size="4">blue</font><center>middle</center>'
        '<table width="900" border="1" bgcolor="#eeeeee"><tr><td width="50%" style="width: 600px">cell</td></tr></table>'
        '<img src="cid:logo@x" alt="Logo" width="120" height="60"><iframe src="https://x.example/">inside</iframe>'
        '<form action="https://x.example/"><input name="q"></form><td background="https://t.example/td.png">',
        _draw,
    )
    assert "script" not in html and "alert" not in html and "onclick" not in html and "position" not in html
    assert "color:red" not in html.replace(" ", "") or 'style="color: red"' in html
    assert '<a href="https://www.gov.uk/">good</a>' in html and "javascript" not in html
    assert '<span style="color: #0000cc; font-family: Arial; font-size: large">blue</span>' in html
    assert '<div style="text-align: center">middle</div>' in html
    assert 'class="bordered"' in html and "900" not in html and "600px" not in html and "width: 50%" in html
    assert "[IMG cid:logo@x Logo 120.0 60.0]" in html
    assert "inside" not in html and "<form" not in html and "<input" not in html
    assert remote == ["https://t.example/bg.png"]
    assert "[Background image not fetched: https://t.example/bg.png]" in html


def test_an_email_message_from_any_reader_renders_as_an_eml_does() -> None:
    """An Outlook .msg reader gives an EmailMessage; it renders through the same code."""
    from email.message import EmailMessage

    from bundler.bundle.sources import render_message

    message = EmailMessage()
    message["From"] = "D. Sample <d.sample@exampletown-academy.example>"
    message["To"] = "Morgan Example <morgan.example@mail.example>"
    message["Subject"] = "Riley's attendance"
    message["Return-Receipt-To"] = "d.sample@exampletown-academy.example"
    message.set_content("Plain words for the parent.")
    message.add_alternative("<p>Rich <b>words</b> for the parent.<script>x()</script></p>", subtype="html")
    message.add_attachment(fx.png((40, 20), fx.RED), maintype="image", subtype="png", filename="note.png")
    message.add_attachment(b"BEGIN:VCALENDAR", maintype="text", subtype="calendar", filename="meeting.ics")
    first, picture = render_message(message, "documents/outlook.msg", LIMITS, None, title="From Outlook")
    assert first.title == "From Outlook" and picture.title == "Attachment: note.png"
    assert "Return-Receipt-To" in first.html and "Riley&#x27;s attendance" in first.html
    assert "Rich <b>words</b> for the parent." in first.html and "Plain words" not in first.html  # as a client shows
    assert "script" not in first.html and "x()" not in first.html
    assert "meeting.ics" in first.html and "not reproduced" in first.html
    assert picture.html and picture.html.count("data:image/png;base64,") == 1


def test_a_tiff_page_over_the_pixel_limit_is_refused_even_after_a_small_first_page() -> None:
    from bundler.bundle.sources.image import image_html

    pages = [Image.new("1", (100, 100), 1), Image.new("1", (7000, 6000), 1)]
    out = io.BytesIO()
    pages[0].save(out, "TIFF", save_all=True, append_images=pages[1:], compression="group4")
    with pytest.raises(
        SourceError, match="documents/fax.tif: page 2 of the TIFF is 7000x6000 pixels, over the 40 megapixel"
    ):
        image_html(out.getvalue(), "documents/fax.tif", LIMITS, "fax")


def test_an_eml_that_is_not_an_email_is_named() -> None:
    with pytest.raises(SourceError, match="documents/x.eml: is not an email file: it is an Outlook .msg file"):
        check_email_bytes(fx_cfb("__substg1.0_0037001F"), "documents/x.eml", LIMITS)
    with pytest.raises(
        SourceError, match="documents/y.eml: is not an email file: it does not start with email headers"
    ):
        check_email_bytes(b"\x00\x01binary soup\nwith no headers", "documents/y.eml", LIMITS)
    check_email_bytes(
        b"From someone@example Mon Jan 6 10:00:00 2025\nSubject: mbox\n\nbody\n", "documents/z.eml", LIMITS
    )


def test_libreoffice_macro_libraries_may_carry_their_public_doctype() -> None:
    doctype = (
        b'<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE library:library PUBLIC '
        b'"-//OpenOffice.org//DTD OfficeDocument 1.0//EN" "library.dtd">\n<library:library/>'
    )
    odt = {"mimetype": b"application/vnd.oasis.opendocument.text", "content.xml": b"<office:document-content/>"}
    assert read_office(_zip({**odt, "Basic/Standard/script-lb.xml": doctype}), "a.odt", LIMITS).format == "odt"
    with pytest.raises(SourceError, match="content.xml declares a DTD"):
        read_office(_zip({**odt, "content.xml": doctype}), "b.odt", LIMITS)
    entity = doctype.replace(b'"library.dtd">', b'"library.dtd" [<!ENTITY x SYSTEM "file:///etc/passwd">]>')
    with pytest.raises(SourceError, match="script-lb.xml declares a DTD"):
        read_office(_zip({**odt, "Basic/Standard/script-lb.xml": entity}), "c.odt", LIMITS)


def test_word_97_stream_names_in_any_case() -> None:
    assert read_office(fx_cfb("worddocument"), "documents/lower.doc", LIMITS).format == "doc"
    with pytest.raises(SourceError, match="not a Word document"):
        read_office(fx_cfb("Workbook"), "documents/sheet.doc", LIMITS)


def test_read_receipts_signed_mail_and_odd_images_are_shown() -> None:
    """A read receipt (multipart/report) shows its disposition; a signed message shows its
    content and lists the signature; data: images are drawn, a missing cid is marked."""
    from bundler.bundle.sources.email import email_pieces

    logo = __import__("base64").b64encode(fx.png((30, 20), fx.BLUE)).decode()
    receipt = (
        "From: Morgan Example <morgan.example@mail.example>\r\nTo: office@exampletown-academy.example\r\n"
        "Subject: Read: Notice to improve\r\nContent-Type: multipart/report; report-type=disposition-notification;"
        ' boundary="R"\r\n\r\n--R\r\nContent-Type: text/plain\r\n\r\nYour message was displayed.\r\n'
        "--R\r\nContent-Type: message/disposition-notification\r\n\r\n"
        "Final-Recipient: rfc822;morgan.example@mail.example\r\nDisposition: manual-action/MDN-sent-manually; displayed\r\n"
        '--R\r\nContent-Type: multipart/signed; protocol="application/pkcs7-signature"; boundary="S"\r\n\r\n'
        '--S\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<p>Signed words <img src="data:image/png;base64,'
        f'{logo}" alt="inline"> <img src="cid:gone@x"></p>\r\n'
        '--S\r\nContent-Type: application/pkcs7-signature; name="smime.p7s"\r\nContent-Disposition: attachment;'
        ' filename="smime.p7s"\r\n\r\nMIIB\r\n--S--\r\n'
        '--R\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Disposition: attachment; filename="notes.txt"\r\n\r\n'
        "Notes from the call.\r\n--R--\r\n"
    ).encode()
    message, notes = email_pieces(receipt, "Read receipt", "documents/receipt.eml", LIMITS, None)
    assert "Disposition: manual-action/MDN-sent-manually; displayed" in message.html
    assert "Your message was displayed." in message.html and "Signed words" in message.html
    assert (
        message.html.count("data:image/png;base64,") == 1
        and "[Image not included in the email: cid:gone@x]" in message.html
    )
    assert "smime.p7s" in message.html and "application/pkcs7-signature" in message.html
    assert notes.title == "Attachment: notes.txt" and "Notes from the call." in notes.html
