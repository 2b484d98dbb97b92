"""Stage 1: cheap checks of the documents that are not Markdown or PDF, and safe readers.

Takes a document's bytes (an office document, an email, an image), its label (the path
in the case folder) and the limits; gives the problems that would stop the bundle from
showing it: it cannot be opened, it is password-protected, a zip bomb, over a pixel,
frame, nesting or part limit, or it pulls content from outside itself. Nothing is
rendered here. The bundle's renderers (``bundle/sources/``) read through the same
functions, so ``validate`` reports what ``build`` would refuse. PDFs are checked in
``case/pdfs.py``.
"""

from __future__ import annotations

import codecs
import contextlib
import email
import email.policy
import email.utils
import io
import re
import struct
import warnings
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from email.header import decode_header
from email.message import EmailMessage, Message
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import BundleError, Problem
from .load import Limits

if TYPE_CHECKING:
    from PIL import Image


class SourceError(BundleError):
    """A document cannot be shown as it is; says which file, why, and what to do."""

    def __init__(self, label: str, reason: str, hint: str = ""):
        super().__init__(f"{label}: {reason}" + (f"; {hint}" if hint else ""))
        self.label, self.reason, self.hint = label, reason, hint


def inspect_source(kind: str, path: Path, label: str, limits: Limits) -> list[Problem]:
    """What would stop the bundle showing an office document, email or image (no rendering).

    ``kind`` is the document kind from load.py (office, eml, image); other kinds give no
    problems here.
    """
    checks = {"office": read_office, "eml": check_email_bytes, "image": check_image_bytes}
    check = checks.get(kind)
    if check is None:
        return []
    try:
        check(path.read_bytes(), label, limits)
    except SourceError as exc:
        return [Problem(exc.label, None, "", exc.reason, exc.hint)]
    except OSError as exc:
        return [Problem(label, None, "", f"cannot be read: {exc.strerror}")]
    return []


# --------------------------------------------------------------------------- office

OFFICE_SUFFIXES = (".docx", ".doc", ".odt", ".rtf")
_CFB_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_WORD_STREAM = re.compile(b"".join(b"[%c%c]\x00" % (c, c ^ 0x20) for c in b"WordDocument"))
#: relationship types that may point outside a .docx without changing what it shows
_HARMLESS_EXTERNAL = ("/hyperlink", "/attachedTemplate", "/mailMergeSource", "/mailMergeHeaderSource", "/recipientData")
_DOCX_REVISION = re.compile(rb"<w:(?:ins|del|moveFrom|moveTo)\b")
_DOCX_COMMENT = re.compile(rb"<w:comment\b")
_DOCX_FIELD = re.compile(rb"(?:instr=\"|<w:instrText[^>]*>)\s*(INCLUDETEXT|INCLUDEPICTURE|LINK|DDE|DDEAUTO)\b", re.I)
_EXTERNAL_REL = re.compile(rb"<Relationship\b[^>]*>", re.I)
_ATTR = re.compile(rb'([\w:]+)\s*=\s*"([^"]*)"')
_ODF_LINKED = re.compile(
    rb"<(draw:image|draw:object|draw:object-ole|draw:plugin|draw:floating-frame|draw:fill-image"
    rb"|text:section-source|style:background-image|text:list-level-style-image)\b[^>]*?xlink:href=\"([^\"]*)\""
)
_RTF_LINK = re.compile(rb"\\fldinst[^}]{0,80}?(INCLUDETEXT|INCLUDEPICTURE|LINK|DDE)\b|\\objautlink|\\objlink", re.I)
#: the one DOCTYPE an office file holds: LibreOffice's own, in its macro libraries (public,
#: no internal subset, so no entities)
_MACRO_DOCTYPE = re.compile(
    rb'^(?:Basic|Dialogs)/[^<]*?<\?xml[^>]*\?>\s*<!DOCTYPE [\w:]+ PUBLIC "-//OpenOffice\.org//DTD OfficeDocument 1\.0//EN" "[\w.-]+\.dtd">'
)
_HINT_LINK = "break the link in Word (File > Info > Edit links to files), save, then add the document again"


@dataclass(frozen=True)
class OfficeFile:
    """What an office document is, found without converting it."""

    format: str  # docx | odt | doc | rtf
    revisions: int  # tracked changes; -1 when only the conversion can tell (.doc)
    comments: int  # -1 likewise


def read_office(data: bytes, label: str, limits: Limits) -> OfficeFile:
    """Identify an office document by its content and refuse what cannot be converted
    safely: zip bombs, DTDs (entity attacks), password protection, content linked from
    outside the file, and files that are not word-processing documents at all."""
    if data[:2] == b"PK":
        return _read_zip(data, label, limits)
    if data[:8] == _CFB_MAGIC:
        return _read_cfb(data, label)
    head = data[:512].lstrip(b"\xef\xbb\xbf \t\r\n")
    if head[:5] == b"{\\rtf":
        found = _RTF_LINK.search(data)
        if found:
            raise SourceError(
                label, "pulls in content from outside the document (a linked field or object)", _HINT_LINK
            )
        return OfficeFile(
            "rtf", len(re.findall(rb"\\(?:deleted|revised)(?![a-z])", data)), data.count(b"\\*\\annotation")
        )
    looks = "a web page" if head[:1] == b"<" else "plain text or another kind of file"
    raise SourceError(
        label,
        f"is not a Word (.docx, .doc), OpenDocument (.odt) or RTF file (it looks like {looks})",
        "open it in Word and save it as .docx, then add that",
    )


def _read_zip(data: bytes, label: str, limits: Limits) -> OfficeFile:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError, OSError):
        raise SourceError(label, "is damaged: it is not a readable Word or OpenDocument file") from None
    with archive:
        infos = archive.infolist()
        limit = limits.max_office_unpacked_bytes
        declared = sum(info.file_size for info in infos)
        if len(infos) > 10_000 or declared > limit:
            raise SourceError(
                label,
                f"unpacks to {declared / 1048576:.0f} MiB in {len(infos)} parts, over the {limit // 1048576} MiB limit (a zip bomb?)",
            )
        names = {info.filename for info in infos}
        xml = _unpack_xml(archive, infos, label, limit)
    if "word/document.xml" in names:
        return _check_docx(xml, label)
    mimetype = xml.get("mimetype", b"")
    if mimetype.startswith(b"application/vnd.oasis.opendocument.text"):
        return _check_odt(xml, label)
    what = (
        "a spreadsheet"
        if "xl/workbook.xml" in names or b"spreadsheet" in mimetype
        else "a presentation"
        if "ppt/presentation.xml" in names or b"presentation" in mimetype
        else "a zip archive"
    )
    raise SourceError(label, f"is {what}, not a word-processing document", "save it as PDF and add that")


def _unpack_xml(archive: zipfile.ZipFile, infos: list[zipfile.ZipInfo], label: str, limit: int) -> dict[str, bytes]:
    """Every part unpacked (counting the bytes really produced, whatever the headers
    claim); the XML parts and the mimetype kept. A DTD anywhere is refused."""
    total = 0
    kept: dict[str, bytes] = {}
    for info in infos:
        is_xml = info.filename.endswith((".xml", ".rels")) or info.filename == "mimetype"
        chunks: list[bytes] = []
        try:
            with archive.open(info) as fh:
                while chunk := fh.read(1 << 20):
                    total += len(chunk)
                    if total > limit:
                        raise SourceError(label, f"unpacks to more than {limit // 1048576} MiB (a zip bomb?)")
                    if is_xml:
                        chunks.append(chunk)
        except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError, RuntimeError) as exc:
            if "password" in str(exc) or info.flag_bits & 0x1:
                raise SourceError(
                    label, "is password-protected", "remove the password, save, then add it again"
                ) from None
            raise SourceError(label, f"is damaged ({info.filename}: {exc})") from None
        if is_xml:
            body = b"".join(chunks)
            if b"<!ENTITY" in body or (
                b"<!DOCTYPE" in body and not _MACRO_DOCTYPE.search(info.filename.encode() + body)
            ):
                raise SourceError(
                    label, f"{info.filename} declares a DTD, which office documents never need (an XML entity attack?)"
                )
            kept[info.filename] = body
    return kept


def _check_docx(xml: dict[str, bytes], label: str) -> OfficeFile:
    for name, body in xml.items():
        if not name.endswith(".rels"):
            continue
        for rel in _EXTERNAL_REL.findall(body):
            attrs = dict(_ATTR.findall(rel))
            if attrs.get(b"TargetMode", b"").lower() != b"external":
                continue
            if not attrs.get(b"Type", b"").endswith(tuple(t.encode() for t in _HARMLESS_EXTERNAL)):
                target = attrs.get(b"Target", b"").decode("utf-8", "replace")
                raise SourceError(label, f"shows content linked from outside the document ({target})", _HINT_LINK)
    stories = [
        b for n, b in xml.items() if re.fullmatch(r"word/(document|header\d*|footer\d*|footnotes|endnotes)\.xml", n)
    ]
    for body in stories:
        field = _DOCX_FIELD.search(body)
        if field:
            raise SourceError(
                label, f"pulls in content from outside the document (a {field.group(1).decode()} field)", _HINT_LINK
            )
    revisions = sum(len(_DOCX_REVISION.findall(b)) for b in stories)
    return OfficeFile("docx", revisions, len(_DOCX_COMMENT.findall(xml.get("word/comments.xml", b""))))


def _check_odt(xml: dict[str, bytes], label: str) -> OfficeFile:
    if b"encryption-data" in xml.get("META-INF/manifest.xml", b""):
        raise SourceError(label, "is password-protected", "remove the password, save, then add it again")
    for name in ("content.xml", "styles.xml"):
        for _element, href in _ODF_LINKED.findall(xml.get(name, b"")):
            target = href.decode("utf-8", "replace")
            if re.match(r"^[a-z][a-z0-9+.-]*:|^/|^\.\./", target, re.I):
                raise SourceError(label, f"shows content linked from outside the document ({target})", _HINT_LINK)
    content = xml.get("content.xml", b"")
    return OfficeFile(
        "odt", content.count(b"<text:changed-region"), len(re.findall(rb"<office:annotation[\s>]", content))
    )


def _read_cfb(data: bytes, label: str) -> OfficeFile:
    """An OLE compound file: a Word 97-2003 document, or an encrypted .docx."""
    if "EncryptedPackage".encode("utf-16-le") in data:
        raise SourceError(label, "is password-protected", "remove the password in Word, save, then add it again")
    if not _WORD_STREAM.search(data):  # stream names are not case-sensitive
        raise SourceError(
            label, "is an Office file but not a Word document (a spreadsheet or presentation?)", "save it as PDF"
        )
    sector = 1 << struct.unpack_from("<H", data, 0x1E)[0] if len(data) >= 0x20 else 512
    # the Word file information block starts a sector with the magic 0xA5EC
    for offset in range(sector, len(data) - 12, max(sector, 64)):
        if data[offset : offset + 2] == b"\xec\xa5":
            flags = struct.unpack_from("<H", data, offset + 0x0A)[0]
            if flags & 0x0100:
                raise SourceError(
                    label, "is password-protected", "remove the password in Word, save, then add it again"
                )
            break
    return OfficeFile("doc", -1, -1)


# --------------------------------------------------------------------------- images

IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".tif", ".tiff", ".gif", ".webp", ".heic", ".heif")
#: what Pillow's decoders raise on damaged or hostile files (the fuzzed files in Pillow's
#: own tests raise each of these)
IMAGE_ERRORS = (
    OSError,
    SyntaxError,
    ValueError,
    EOFError,
    struct.error,
    TypeError,
    KeyError,
    IndexError,
    ZeroDivisionError,
)
_HEIF_READY = False


def open_image(data: bytes, label: str, limits: Limits) -> Image.Image:
    """Open an image lazily (nothing decoded yet), refusing what is not an image and any
    frame over the pixel limit, and a TIFF with more pages than the frame limit."""
    global _HEIF_READY
    from PIL import Image, UnidentifiedImageError

    if not _HEIF_READY:
        from pi_heif import register_heif_opener

        register_heif_opener()
        _HEIF_READY = True
    try:
        with warnings.catch_warnings():
            # Pillow warns past its own limit; ours is lower and gives a named error
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
    except Image.DecompressionBombError as exc:
        pixels = re.search(r"\((\d+) pixels\)", str(exc))
        size = f"{int(pixels.group(1)):,} pixels" if pixels else "too many pixels"
        raise SourceError(label, f"the image has {size}, {_over_pixels(limits)}") from None
    except UnidentifiedImageError:
        raise SourceError(label, "cannot be read as an image (not an image format bundler reads, or damaged)") from None
    except IMAGE_ERRORS as exc:
        raise SourceError(label, f"cannot be read as an image ({exc})") from None
    width, height = image.size
    if width * height > limits.max_image_pixels:
        raise SourceError(label, f"the image is {width}x{height} pixels, {_over_pixels(limits)}")
    frames = frame_count(image, label)
    if image.format == "TIFF" and frames > limits.max_image_frames:
        raise SourceError(label, f"has {frames} pages, over the limit of {limits.max_image_frames}")
    return image


def _over_pixels(limits: Limits) -> str:
    return f"over the {limits.max_image_pixels / 1_000_000:g} megapixel limit (a decompression bomb?)"


def frame_count(image: Image.Image, label: str) -> int:
    try:
        return int(getattr(image, "n_frames", 1))
    except IMAGE_ERRORS as exc:
        raise SourceError(label, f"is damaged: its frames cannot be counted ({exc})") from None


@contextlib.contextmanager
def strict_decoding() -> Iterator[None]:
    """Decode images with a truncated file an error. WeasyPrint tells Pillow, when it is
    imported, to fill a truncated image with grey instead; a bundle must refuse it."""
    from PIL import ImageFile

    before = ImageFile.LOAD_TRUNCATED_IMAGES
    ImageFile.LOAD_TRUNCATED_IMAGES = False
    try:
        yield
    finally:
        ImageFile.LOAD_TRUNCATED_IMAGES = before


def check_image_bytes(data: bytes, label: str, limits: Limits) -> None:
    """Open the image and decode its first frame (JPEGs at an eighth of their size), so a
    truncated or corrupt file is found now rather than in the build."""
    image = open_image(data, label, limits)
    try:
        with warnings.catch_warnings(), strict_decoding():
            warnings.simplefilter("ignore")
            if image.format == "JPEG":
                image.draft("RGB", (max(1, image.width // 8), max(1, image.height // 8)))
            image.load()
    except IMAGE_ERRORS as exc:
        raise SourceError(label, f"is damaged or truncated: the image cannot be decoded ({exc})") from None
    finally:
        image.close()


# --------------------------------------------------------------------------- email

_HEADER_LINE = re.compile(rb"(?:From [^\r\n]*\r?\n)?[!-9;-~]+[ \t]*:")  # a header (after any mbox From_ line)
_PART_MARKERS = re.compile(rb"boundary\s*=|message/rfc822", re.I)
ENCRYPTED_TYPES = ("multipart/encrypted", "application/pkcs7-mime", "application/x-pkcs7-mime")
ENCRYPTED = "is encrypted or wrapped in a signature (S/MIME or PGP), so its content cannot be shown"
PDF_TYPES = ("application/pdf", "application/x-pdf")
IMAGE_TYPES = (
    "image/png",
    "image/jpeg",
    "image/jpg",
    "image/pjpeg",
    "image/gif",
    "image/tiff",
    "image/webp",
    "image/heic",
    "image/heif",
)
OFFICE_TYPES = (
    "application/msword",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.oasis.opendocument.text",
    "application/rtf",
    "text/rtf",
)


def parse_email(data: bytes, label: str, limits: Limits) -> EmailMessage:
    """Parse an email, refusing one with more parts or deeper nesting than the limits
    allow, or whose content is encrypted."""
    if data[:8] == _CFB_MAGIC:
        raise SourceError(
            label, "is not an email file: it is an Outlook .msg file", "rename it to .msg, or save the email as .eml"
        )
    if not _HEADER_LINE.match(data.lstrip(b"\r\n")[:1000]):
        raise SourceError(label, "is not an email file: it does not start with email headers (From:, Subject: ...)")
    markers = sum(1 for _ in _PART_MARKERS.finditer(data))
    if markers > limits.max_email_parts:
        raise SourceError(label, f"has more than {limits.max_email_parts} MIME parts, over the limit (a message bomb?)")
    try:
        message = email.message_from_bytes(data, policy=email.policy.default)
    except RecursionError:
        raise SourceError(
            label, f"is nested too deeply to read (the limit is {limits.max_email_depth} levels)"
        ) from None
    except (ValueError, LookupError, TypeError, IndexError, AttributeError) as exc:
        raise SourceError(label, f"cannot be read as an email ({type(exc).__name__}: {exc})") from None
    if not isinstance(message, EmailMessage):  # pragma: no cover - policy.default makes EmailMessage
        raise SourceError(label, "cannot be read as an email")
    check_message(message, label, limits)
    return message


def check_message(message: Message, label: str, limits: Limits, depth: int = 0) -> None:
    """Refuse an email nested deeper or with more parts than the limits allow, or whose
    content is encrypted (it cannot be shown). An attachment that cannot be shown does not
    stop the email: the bundle lists it, with the reason, on the email's page."""
    parts = 0
    for part, _level, attached in walk(message, label, limits, depth):
        parts += 1
        if parts > limits.max_email_parts:
            raise SourceError(label, f"has more than {limits.max_email_parts} MIME parts, over the limit")
        if content_type(part) in ENCRYPTED_TYPES and not attached:
            raise SourceError(label, ENCRYPTED, "open it in the mail program, print it to PDF and add that")


def walk(message: Message, label: str, limits: Limits, depth: int = 0) -> Iterator[tuple[Message, int, bool]]:
    """Every part of a message, depth first in reading order, with its nesting level and
    whether it is an attachment rather than part of the message shown. Attached emails
    stored as bytes (not parsed) are parsed and walked too. Iterative, so a hostile
    nesting cannot exhaust the stack."""
    stack: list[tuple[Message, int, bool]] = [(message, depth, False)]
    while stack:
        part, level, attached = stack.pop()
        if level > limits.max_email_depth:
            raise SourceError(
                label,
                f"is nested more than {limits.max_email_depth} levels deep (messages or parts within each other), over the limit",
            )
        yield part, level, attached
        payload = part.get_payload()
        children: list[tuple[Message, int, bool]] = []
        if isinstance(payload, list):
            within = attached or part_kind(part) == "email"
            children = [
                (child, level + 1, within or is_attachment(child)) for child in payload if isinstance(child, Message)
            ]
        elif part_kind(part) == "email" and not part.is_multipart():
            try:
                children = [
                    (email.message_from_bytes(payload_bytes(part), policy=email.policy.default), level + 1, True)
                ]
            except (RecursionError, ValueError, LookupError, TypeError, IndexError, AttributeError):
                pass  # the bundle lists it as an attachment that cannot be read
        stack.extend(reversed(children))


def header_view(part: Message) -> Message:
    """The part's headers as written, in a plain (compat32) message: parameters and file
    names read without the structured parser, which some real headers crash."""
    view = Message()
    for name, value in part.raw_items():
        view[name] = str(value)
    return view


def content_type(part: Message) -> str:
    return header_view(part).get_content_type()


def part_name(part: Message) -> str:
    """The attachment's file name as its sender gave it, decoded; "" when it has none."""
    view = header_view(part)
    raw = view.get_filename() or view.get_param("name")
    if isinstance(raw, tuple):  # an RFC 2231 triple get_param did not collapse
        raw = email.utils.collapse_rfc2231_value(raw)
    if not isinstance(raw, str):
        return ""
    return Path(decode_words(raw)[0].replace("\\", "/")).name.strip()


def is_attachment(part: Message) -> bool:
    disposition = str(header_view(part).get("content-disposition", "")).split(";")[0].strip().lower()
    return disposition == "attachment"


def part_kind(part: Message) -> str:
    """What a MIME part is, from its type and file name: email, pdf, image, office, text
    or other."""
    ctype = content_type(part)
    suffix = Path(part_name(part).lower()).suffix
    if ctype in ("message/rfc822", "message/global") or suffix == ".eml":
        return "email"
    if ctype in PDF_TYPES or suffix == ".pdf":
        return "pdf"
    if ctype in IMAGE_TYPES or suffix in IMAGE_SUFFIXES:
        return "image"
    if ctype in OFFICE_TYPES or suffix in OFFICE_SUFFIXES:
        return "office"
    if ctype in ("text/plain", "text/html") and suffix not in (".ics", ".vcf", ".csv"):
        return "text"
    return "other"


def payload_bytes(part: Message) -> bytes:
    """The part's content, transfer encoding undone."""
    if part.is_multipart():
        return b""
    try:
        data = part.get_payload(decode=True)
    except (ValueError, TypeError, LookupError, AssertionError):
        data = None
    if isinstance(data, bytes):
        return data
    payload = part.get_payload()
    return payload.encode("utf-8", "surrogateescape") if isinstance(payload, str) else b""


#: names mail programs write that Python's codecs do not know, or know by a narrower
#: one; each is tried in turn (ISO-8859-1 mail is read as Windows-1252, as mail programs do)
_CHARSETS = {
    "ks_c_5601-1987": ("cp949",),
    "iso-8859-8-i": ("iso-8859-8",),
    "gb2312": ("gb18030",),
    "gbk": ("gb18030",),
    "x-gbk": ("gb18030",),
    "windows-874": ("cp874",),
    "unicode-1-1-utf-7": ("utf-7",),
    "x-sjis": ("shift_jis",),
    "iso-8859-1": ("cp1252", "latin-1"),
    "latin1": ("cp1252", "latin-1"),
    "latin-1": ("cp1252", "latin-1"),
}
_ASCII = ("us-ascii", "ascii", "ansi_x3.4-1968")


def decode_text(data: bytes, charset: str | None) -> tuple[str, str]:
    """Bytes of a text part as text, and a note for the reader when the charset was
    missing, unknown or wrong (the text is then decoded another way, nothing dropped)."""
    declared = (charset or "").strip().strip('"').lower()
    if not declared:
        return _decode_undeclared(data)
    names = [n for n in _CHARSETS.get(declared, (declared,)) if _known(n)]
    if not names:
        text, used = _guess(data)
        return text, f"declares the character set '{declared}', which is not known; shown decoded as {used}"
    for name in names:
        try:
            return data.decode(name), ""
        except UnicodeDecodeError:
            continue
    if declared in _ASCII:
        text, used = _guess(data)
        return text, f"declares {declared} but holds 8-bit text; shown decoded as {used}"
    text = data.decode(names[0], "replace")
    bad = text.count("\ufffd") - data.decode(names[0], "ignore").count("\ufffd")
    return text, f"holds {bad} bytes that are not valid {declared}; each is shown as \ufffd"


def _known(name: str) -> bool:
    """A text codec Python has (not a bytes-to-bytes one such as zlib or base64)."""
    try:
        info = codecs.lookup(name)
    except LookupError:
        return False
    return bool(getattr(info, "_is_text_encoding", True))


def _decode_undeclared(data: bytes) -> tuple[str, str]:
    try:
        return data.decode("ascii"), ""
    except UnicodeDecodeError:
        text, used = _guess(data)
        return text, f"does not say which character set it uses; shown decoded as {used}"


def _guess(data: bytes) -> tuple[str, str]:
    try:
        return data.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError:
        return data.decode("cp1252", "replace"), "Windows-1252 (Western European)"


def decode_words(value: str) -> tuple[str, str]:
    """A header value as a reader sees it: folding undone, RFC 2047 encoded words decoded
    (an unknown charset decoded another way), raw 8-bit bytes read as UTF-8 or
    Windows-1252; and a note when something had to be guessed."""
    value = re.sub(r"\r?\n(?=[ \t])", "", value)
    notes: list[str] = []
    try:
        pieces = decode_header(value)
    except (ValueError, LookupError, AssertionError):
        pieces = [(value, None)]
    out = []
    for chunk, charset in pieces:
        if isinstance(chunk, str):
            out.append(_unescape_bytes(chunk, notes))
            continue
        text, note = decode_text(chunk, charset)
        out.append(text)
        if note:
            notes.append(note)
    return "".join(out), "; ".join(dict.fromkeys(notes))


def _unescape_bytes(text: str, notes: list[str]) -> str:
    """Text parsed with surrogateescape: raw 8-bit bytes come back as surrogates."""
    if not any("\udc80" <= ch <= "\udcff" for ch in text):
        return text
    data = text.encode("utf-8", "surrogateescape")
    decoded, note = _decode_undeclared(data)
    if note:
        notes.append(note)
    return decoded


def check_email_bytes(data: bytes, label: str, limits: Limits) -> None:
    parse_email(data, label, limits)
