"""Images (PNG, JPEG, TIFF, GIF, WebP, HEIC/HEIF) as pages of the bundle.

Takes an image's bytes; gives the HTML of its pages and what the reader is told about
them. Every page of a TIFF is shown, each on its own page; of an animation, the first
frame, and the page says so. Each frame is turned upright (EXIF orientation), put in
sRGB, laid on white where it is transparent, and shown at its own size where that fits
on the page (else fitted to it), with at most 300 dots per inch at the size it is drawn
(the e-bundle guidance): larger images are reduced, and the page says so.
"""

from __future__ import annotations

import base64
import html
import io
import math
import warnings
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ...case.attachments import IMAGE_ERRORS, SourceError, frame_count, open_image, strict_decoding
from ...case.load import Limits
from . import Piece

if TYPE_CHECKING:
    from PIL import Image

#: the largest an image is drawn: the page's text width, and its height less the
#: document's header
BOX_MM = (174.0, 205.0)
MAX_DPI = 300
#: formats whose pixels were already lossy: re-encoded as JPEG, the rest as PNG
_LOSSY = ("JPEG", "MPO", "HEIF", "WEBP")


@dataclass
class Drawn:
    """One frame ready for the page: a data: URL and the size it is drawn at."""

    url: str
    width_mm: float
    height_mm: float
    reduced_from: tuple[int, int] | None = None  # the pixel size before reducing to 300 dpi


def image_pieces(data: bytes, title: str, label: str, limits: Limits) -> list[Piece]:
    """An image document: one piece holding all its pages."""
    body, note = image_html(data, label, limits, title)
    return [Piece(title, html=body, note=note)]


def image_html(data: bytes, label: str, limits: Limits, alt: str) -> tuple[str, str]:
    """The image's pages as HTML, and the note about how it is shown ("" when nothing
    needs saying)."""
    image = open_image(data, label, limits)
    with image:
        frames = frame_count(image, label)
        notes = []
        if image.format == "TIFF":
            shown = frames
            if frames > 1:
                notes.append(f"a TIFF of {frames} pages, each shown on its own page")
        else:
            shown = 1
            if frames > 1 and image.format == "HEIF":
                notes.append(f"the file holds {frames} images; its primary image is shown")
            elif frames > 1:
                kind = "an animated GIF" if image.format == "GIF" else "an animated image"
                notes.append(f"{kind} of {frames} frames: only the first frame is shown")
        blocks = []
        reduced = []
        for index in range(shown):
            if shown > 1:
                try:
                    image.seek(index)
                except IMAGE_ERRORS as exc:
                    raise SourceError(label, f"page {index + 1} of the TIFF cannot be read ({exc})") from None
                width, height = image.size
                if width * height > limits.max_image_pixels:
                    raise SourceError(
                        label,
                        f"page {index + 1} of the TIFF is {width}x{height} pixels, over the "
                        f"{limits.max_image_pixels / 1_000_000:g} megapixel limit (a decompression bomb?)",
                    )
            drawn = draw(image, label, original=data if shown == 1 else None)
            if drawn.reduced_from:
                reduced.append(drawn.reduced_from)
            blocks.append(_block(drawn, alt, index, shown))
    if reduced:
        if shown == 1:
            w, h = reduced[0]
            notes.append(f"reduced from {w} x {h} pixels to {MAX_DPI} dots per inch at the size shown")
        else:
            notes.append(f"{len(reduced)} of its pages reduced to {MAX_DPI} dots per inch at the size shown")
    return "\n".join(blocks), "; ".join(notes)


def _block(drawn: Drawn, alt: str, index: int, count: int) -> str:
    caption = f'<p class="image-caption">Page {index + 1} of {count}</p>' if count > 1 else ""
    cls = "image-page image-next" if index else "image-page"
    return (
        f'<div class="{cls}">{caption}<img src="{drawn.url}" alt="{html.escape(alt)}"'
        f' style="width: {drawn.width_mm:.2f}mm; height: {drawn.height_mm:.2f}mm"></div>'
    )


def draw(image: Image.Image, label: str, original: bytes | None = None, box: tuple[float, float] = BOX_MM) -> Drawn:
    """The current frame upright, in sRGB on white, at most 300 dpi at the size drawn.

    ``original`` (the file's bytes) is embedded unchanged when nothing had to change.
    """
    from PIL import Image as PILImage
    from PIL import ImageOps

    try:
        with warnings.catch_warnings(), strict_decoding():
            warnings.simplefilter("ignore")
            image.load()
            orientation = int(image.getexif().get(0x0112, 1) or 1)
            upright = ImageOps.exif_transpose(image) if orientation != 1 else image
            shown, changed = display_mode(upright, label)
    except SourceError:
        raise
    except IMAGE_ERRORS as exc:
        raise SourceError(label, f"is damaged or truncated: the image cannot be decoded ({exc})") from None
    changed = changed or orientation != 1
    dpi = _dpi(image)
    width, height = shown.size
    natural = (width / dpi * 25.4, height / dpi * 25.4)
    scale = min(1.0, box[0] / natural[0], box[1] / natural[1])
    size_mm = (natural[0] * scale, natural[1] * scale)
    limit = (math.ceil(size_mm[0] / 25.4 * MAX_DPI), math.ceil(size_mm[1] / 25.4 * MAX_DPI))
    reduced_from = None
    if width > limit[0] * 1.01 or height > limit[1] * 1.01:
        shown = shown.resize(limit, PILImage.Resampling.LANCZOS, reducing_gap=3.0)
        reduced_from, changed = (width, height), True
    if not changed and original is not None and image.format in ("JPEG", "PNG"):
        mime, body = f"image/{image.format.lower()}", original
    elif (image.format or "") in _LOSSY or image.info.get("compression") == "jpeg":
        out = io.BytesIO()
        shown.save(out, "JPEG", quality=92, subsampling=0)
        mime, body = "image/jpeg", out.getvalue()
    else:
        out = io.BytesIO()
        shown.save(out, "PNG", compress_level=6)
        mime, body = "image/png", out.getvalue()
    url = f"data:{mime};base64,{base64.b64encode(body).decode('ascii')}"
    return Drawn(url, size_mm[0], size_mm[1], reduced_from)


def _dpi(image: Image.Image) -> float:
    """The resolution the image says it was made at, when believable; else 96 (CSS px)."""
    value = image.info.get("dpi")
    try:
        dpi = float(value[0]) if isinstance(value, tuple) else 0.0
    except (TypeError, ValueError, IndexError):
        dpi = 0.0
    return dpi if 50 <= dpi <= 2400 else 96.0


def display_mode(image: Image.Image, label: str) -> tuple[Image.Image, bool]:
    """The frame as 8-bit greyscale or RGB that looks as it should (16-bit and float
    greyscale scaled, not clipped; CMYK and other profiles converted to sRGB; alpha laid
    on white); and whether anything changed."""
    from PIL import Image as PILImage

    mode = image.mode
    if mode.startswith("I;16") or mode in ("I", "F"):
        grey = image if mode in ("I", "F") else image.convert("I")
        extrema = grey.getextrema()
        high = float(extrema[1]) if isinstance(extrema[1], int | float) else 255.0
        if mode == "F":
            factor = 255.0 if high <= 1.0 else 1.0
        elif mode == "I" and high <= 255:
            factor = 1.0
        else:  # 16 bits a sample: as a viewer shows it, 65535 is white
            factor = 1 / 257 if high <= 65535 else 255 / high
        return grey.point(lambda v: v * factor).convert("L"), True
    if mode in ("LA", "La", "PA", "RGBA", "RGBa") or (mode == "P" and "transparency" in image.info):
        rgba = _to_srgb(image.convert("RGBA"), image) if mode in ("RGBA", "RGBa") else image.convert("RGBA")
        flat = PILImage.new("RGB", rgba.size, "white")
        flat.paste(rgba, mask=rgba.getchannel("A"))
        return flat, True
    if mode in ("1", "P"):
        return image.convert("L" if mode == "1" else "RGB"), True
    if mode == "L":
        return image, False
    if mode in ("RGB", "CMYK", "YCbCr", "HSV", "RGBX", "LAB"):
        converted = _to_srgb(image, image)
        if converted is image and mode != "RGB":
            try:
                converted = image.convert("RGB")
            except ValueError:
                raise SourceError(label, f"uses the colour mode {mode}, which cannot be shown") from None
        return converted, converted is not image
    raise SourceError(label, f"uses the colour mode {mode}, which cannot be shown")


def _to_srgb(image: Image.Image, source: Image.Image) -> Image.Image:
    """Convert through the image's embedded colour profile to sRGB; the image itself when
    it has none, or says it is sRGB already, or the profile cannot be used."""
    from PIL import ImageCms

    profile = source.info.get("icc_profile")
    mode = "RGBA" if image.mode == "RGBA" else "RGB"
    try:
        if profile:
            embedded = ImageCms.ImageCmsProfile(io.BytesIO(profile))
            if "srgb" in (ImageCms.getProfileDescription(embedded) or "").lower() and image.mode in ("RGB", "RGBA"):
                return image
            converted = ImageCms.profileToProfile(image, embedded, ImageCms.createProfile("sRGB"), outputMode=mode)
            return converted if converted is not None else image
        if image.mode == "LAB":
            transform = ImageCms.buildTransform(
                ImageCms.createProfile("LAB"), ImageCms.createProfile("sRGB"), "LAB", "RGB"
            )
            converted = ImageCms.applyTransform(image, transform)
            return converted if converted is not None else image
    except (ImageCms.PyCMSError, OSError, ValueError, TypeError):
        return image
    return image


def inline_image(data: bytes, label: str, limits: Limits, box: tuple[float, float] = BOX_MM) -> Drawn:
    """An image inside an email's HTML (a cid: or data: image): its first frame."""
    image = open_image(data, label, limits)
    with image:
        return draw(image, label, original=data if frame_count(image, label) == 1 else None, box=box)
