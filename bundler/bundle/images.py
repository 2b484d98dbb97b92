"""Images on the pages bundler renders, at no more than 300 dpi.

Takes the bytes of an image the renderer is about to place (a case image, a picture in
a Markdown document, an image attached to an email); gives it back as it is, or, when
it would print at more than ``MAX_DPI`` at the largest size a bundle page can show it,
scaled down to that resolution (Pillow, Lanczos). The judiciary's guidance on electronic
bundles (November 2021) asks for no more than 300 dpi, so that pages scroll and render
quickly; the picture a reader sees is the same, only its needless pixels are gone.

The largest size comes from the bundle stylesheet: an image is never wider than the
text column of an A4 portrait page (210 mm less 18 mm margins each side) nor, on an
image page, taller than 220 mm. The image's own orientation (EXIF) is applied before it
is scaled, because the copy carries no EXIF. A JPEG stays a JPEG (quality 90); anything
else becomes a PNG. Source PDFs are never touched: they are shown as they are.
"""

from __future__ import annotations

import base64
import binascii
import io
import re
import warnings

__all__ = ["MAX_DPI", "MAX_WIDTH_PX", "MAX_HEIGHT_PX", "fit", "fit_data_url", "POLICY"]

MAX_DPI = 300
_MM_PER_INCH = 25.4
#: the text column of a portrait bundle page, and the tallest an image page shows an image
_WIDTH_MM, _HEIGHT_MM = 210 - 2 * 18, 220
MAX_WIDTH_PX = round(_WIDTH_MM / _MM_PER_INCH * MAX_DPI)  # 2055
MAX_HEIGHT_PX = round(_HEIGHT_MM / _MM_PER_INCH * MAX_DPI)  # 2598
#: an image of more pixels than this is not decoded here (``case.load.Limits.max_pixels``)
MAX_DECODE_PIXELS = 100_000_000
#: part of the render cache key: a change here renders images again
POLICY = f"images<= {MAX_DPI}dpi {MAX_WIDTH_PX}x{MAX_HEIGHT_PX}"

_IMAGE_TYPES = ("image/png", "image/jpeg", "image/gif", "image/webp", "image/tiff", "image/bmp")
_DATA_URL = re.compile(r"data:(image/[a-z.+-]+);base64,(.*)\Z", re.I | re.S)


def _sniff(data: bytes) -> str | None:
    """An image's type from its first bytes (a file's suffix may not say)."""
    heads = {
        b"\x89PNG\r\n\x1a\n": "image/png",
        b"\xff\xd8\xff": "image/jpeg",
        b"GIF87a": "image/gif",
        b"GIF89a": "image/gif",
        b"II*\x00": "image/tiff",
        b"MM\x00*": "image/tiff",
        b"BM": "image/bmp",
    }
    for head, kind in heads.items():
        if data.startswith(head):
            return kind
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    return None


def fit(data: bytes, content_type: str) -> tuple[bytes, str]:
    """The image as it may be shown: unchanged when small enough, or unreadable (the
    renderer then reports it as before); else scaled down. Gives (bytes, content type)."""
    sniffed = _sniff(data)
    if sniffed is None or sniffed not in _IMAGE_TYPES:
        return data, content_type
    content_type = sniffed
    from PIL import Image, ImageOps

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            opened = Image.open(io.BytesIO(data))
            width, height = opened.size
            if min(1.0, MAX_WIDTH_PX / width, MAX_HEIGHT_PX / height) >= 1.0 or width * height > MAX_DECODE_PIXELS:
                return data, content_type  # small enough; or too large to decode here (the renderer refuses it)
            image = ImageOps.exif_transpose(opened)
            scale = min(1.0, MAX_WIDTH_PX / image.width, MAX_HEIGHT_PX / image.height)
            size = (max(1, round(image.width * scale)), max(1, round(image.height * scale)))
            out = io.BytesIO()
            if content_type == "image/jpeg":
                image.convert("RGB").resize(size, Image.Resampling.LANCZOS).save(out, "JPEG", quality=90)
                return out.getvalue(), "image/jpeg"
            if image.mode not in ("RGB", "RGBA", "L", "LA"):
                image = image.convert("RGBA")
            image.resize(size, Image.Resampling.LANCZOS).save(out, "PNG", optimize=False)
            return out.getvalue(), "image/png"
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError, ZeroDivisionError):
        return data, content_type


def fit_data_url(url: str) -> tuple[bytes, str] | None:
    """A base64 ``data:`` image URL, decoded and fitted; None for any other data URL."""
    match = _DATA_URL.match(url)
    if match is None:
        return None
    try:
        data = base64.b64decode(match.group(2), validate=False)
    except (binascii.Error, ValueError):
        return None
    return fit(data, match.group(1).lower())
