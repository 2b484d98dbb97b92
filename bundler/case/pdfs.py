"""PDF documents of a case: can each one be opened and shown as it is?

Takes a PDF's bytes (a document, an email's attachment); gives the opened ``pikepdf.Pdf``
or a ``SourceError`` naming the file and the reason: not a PDF, protected by a password,
damaged (a repair could drop pages, so a damaged file is refused, never quietly mended;
that includes a file qpdf reads only by mending it as it goes, unless its warning is one
of the few that lose nothing), an empty page box, no pages, too many pages, or an image
over the pixel limit (any image a page can draw:
image XObjects and their masks, inline images, and images inside forms, tiling
patterns, Type 3 glyphs and annotation appearances). ``load`` opens every PDF document
through ``open_pdf`` when a case is validated, so a case which validates is one
``build`` can show; the bundle opens its sources the same way, so the two can never
disagree. ``inspect_pdf`` gives the same verdict as problems, for PDFs found elsewhere.
"""

from __future__ import annotations

import hashlib
import io
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pikepdf
from pikepdf import Dictionary, Name

from ..errors import Problem
from .attachments import SourceError

__all__ = ["SourceError", "open_pdf", "inspect_pdf", "images"]


def open_pdf(data: bytes, label: str, *, max_pages: int, max_pixels: int) -> pikepdf.Pdf:
    """Open a PDF from the case, refusing what cannot be shown faithfully."""
    if data.lstrip()[:5] != b"%PDF-":
        raise SourceError(label, "is not a PDF file (it does not start with %PDF-)")
    try:
        pdf = pikepdf.open(io.BytesIO(data), attempt_recovery=False)
    except pikepdf.PasswordError:
        raise SourceError(
            label, "is protected by a password; save an unprotected copy (print it to PDF) and add that instead"
        ) from None
    except (pikepdf.PdfError, RuntimeError, ValueError, OSError) as exc:
        raise SourceError(
            label,
            f"is damaged and cannot be shown as it is ({_first_line(exc)}); save it again from the "
            "program that made it, or print it to PDF, and add that",
        ) from None
    try:
        count = len(pdf.pages)
        if count == 0:
            raise SourceError(label, "the PDF has no pages")
        if count > max_pages:
            raise SourceError(label, f"has {count} pages, over the limit of {max_pages} for one document")
        verdict = (hashlib.sha256(data).digest(), max_pixels)
        if verdict not in _PASSED:  # validate, plan and assembly open the same bytes
            _check(pdf, label, max_pixels)
            _repairs(pdf, label)
            if len(_PASSED) > 20_000:
                _PASSED.clear()
            _PASSED.add(verdict)
    except (pikepdf.PdfError, RuntimeError) as exc:
        raise SourceError(label, f"is damaged and cannot be shown as it is ({_first_line(exc)})") from None
    return pdf


#: (sha256 of the bytes, pixel limit) of every PDF whose pages this process has decoded
#: and found within the limit: the same bytes are never decoded twice
_PASSED: set[tuple[bytes, int]] = set()


def _first_line(exc: Exception) -> str:
    """qpdf's message, first line, without the name of the in-memory stream it read."""
    text = re.sub(r"(stream )?<_io\.BytesIO object at 0x[0-9a-f]+>:?\s*", "", str(exc).strip())
    return (text.splitlines()[0] if text else type(exc).__name__)[:160]


def images(obj: Any, seen: set[tuple[int, int]]) -> Iterator[Any]:
    """Every image XObject a page or form reaches through its resources (forms too)."""
    for stream in _drawn(obj, seen):
        if stream.get("/Subtype") == Name.Image:
            yield stream


def _drawn(obj: Any, seen: set[tuple[int, int]], depth: int = 0) -> Iterator[Any]:
    """Every stream a page (or form, pattern, glyph, appearance) can draw, reached through
    its resources: XObjects (images with their masks, forms), tiling patterns, Type 3
    glyphs, soft masks, and a page's annotation appearances. Each stream once."""
    if depth > 32 or not isinstance(obj, Dictionary | pikepdf.Stream):
        return
    resources = obj.get("/Resources")
    found: list[Any] = []
    if isinstance(resources, Dictionary):
        for category in ("/XObject", "/Pattern", "/Font", "/ExtGState"):
            entries = resources.get(category)
            if isinstance(entries, Dictionary):
                found += [value for _, value in entries.items()]
    annots = obj.get("/Annots") if obj.get("/Type") == Name.Page else None
    for annot in annots if isinstance(annots, pikepdf.Array) else []:
        appearances = annot.get("/AP") if isinstance(annot, Dictionary) else None
        for _, appearance in appearances.items() if isinstance(appearances, Dictionary) else []:
            found += [appearance] if isinstance(appearance, pikepdf.Stream) else list(_values(appearance))
    while found:
        item = found.pop()
        if isinstance(item, Dictionary) and not isinstance(item, pikepdf.Stream):
            # a Type 3 font (its glyphs and their resources), or a graphics state's soft mask
            found += list(_values(item.get("/CharProcs")))
            mask = item.get("/SMask")
            if isinstance(mask, Dictionary):
                found.append(mask.get("/G"))
            if "/Resources" in item and item.get("/Subtype") == Name.Type3:
                yield from _drawn(item, seen, depth + 1)
            continue
        if not isinstance(item, pikepdf.Stream):
            continue
        key = item.objgen
        if key != (0, 0):
            if key in seen:
                continue
            seen.add(key)
        yield item
        if item.get("/Subtype") == Name.Image:
            found += [item.get("/SMask"), item.get("/Mask")]
        else:  # a form, a tiling pattern or a glyph: what it draws in turn
            yield from _drawn(item, seen, depth + 1)


def _values(obj: Any) -> Iterator[Any]:
    if isinstance(obj, Dictionary) and not isinstance(obj, pikepdf.Stream):
        for _, value in obj.items():
            yield value


def _pixels(label: str, number: int, width: Any, height: Any, max_pixels: int, inline: bool = False) -> None:
    try:
        w, h = int(width), int(height)
    except (TypeError, ValueError):
        return
    if w * h > max_pixels:
        kind = "an inline image" if inline else "an image"
        raise SourceError(
            label,
            f"page {number} holds {kind} of {w} x {h} pixels, over the limit of "
            f"{max_pixels / 1_000_000:g} megapixels (raise it with --max-megapixels if the file is genuine)",
        )


def _check(pdf: pikepdf.Pdf, label: str, max_pixels: int) -> None:
    """Every page's content decodes; no image it can draw is over the pixel limit (image
    XObjects, their masks, inline images, and images inside forms, patterns, glyphs and
    annotation appearances)."""
    seen: set[tuple[int, int]] = set()
    for number, page in enumerate(pdf.pages, 1):
        try:
            for stream in _contents(page.obj):
                _inline_images(stream, label, number, max_pixels)
            for drawn in _drawn(page.obj, seen):
                if drawn.get("/Subtype") == Name.Image:
                    _pixels(label, number, drawn.get("/Width", 0), drawn.get("/Height", 0), max_pixels)
                else:
                    _inline_images(drawn, label, number, max_pixels)
        except (pikepdf.PdfError, RuntimeError, ValueError, TypeError) as exc:
            # qpdf's decoders raise runtime errors too (a PNG predictor that overflows)
            raise SourceError(label, f"page {number} cannot be read ({_first_line(exc)})") from None
        _page_box(page.obj, label, number)


#: what qpdf says of a file it reads without losing anything: a wrong object count, an
#: offset or whitespace it allows for, a missing /Type or page /Resources it fills in as
#: every viewer assumes them. Any other warning is a repair that can drop content (an
#: object it could not read becomes null: a page, a content stream, a font).
_HARMLESS = (
    "reported number of objects",
    "handled correctly by qpdf",
    "extraneous whitespace seen before xref",
    "stream keyword followed by carriage return only",
    "setting missing or invalid /Type entry to /Catalog",
    "Resources is missing or invalid; repairing",
    "input stream is complete but output may still be valid",
    "MediaBox is undefined; setting to letter",
)


def _repairs(pdf: pikepdf.Pdf, label: str) -> None:
    """Refuse a file qpdf had to mend as it read it: what a repair drops is silent."""
    for warning in pdf.get_warnings():
        if not any(harmless in warning for harmless in _HARMLESS):
            raise SourceError(
                label,
                f"is damaged: reading it needed a repair that can lose content "
                f"(qpdf: {_first_line(Exception(warning)).lstrip(', ')}); "
                "save it again from the program that made it, or print it to PDF, and add that",
            )


def _page_box(page: Any, label: str, number: int) -> None:
    """A page whose media box is empty shows nothing in any viewer: refused, not guessed."""
    box = page.get("/MediaBox")
    try:
        x0, y0, x1, y1 = (float(v) for v in box)
    except (TypeError, ValueError):
        return  # no usable box: the bundle shows the page on A4, as viewers do
    if abs(x1 - x0) < 1 or abs(y1 - y0) < 1:
        raise SourceError(
            label,
            f"page {number} has an empty page box ({abs(x1 - x0):g} x {abs(y1 - y0):g} points), so no viewer "
            "shows anything of it; print the document to PDF again and add that",
        )


def _inline_images(stream: pikepdf.Stream, label: str, number: int, max_pixels: int) -> None:
    """Inline images (``BI ... ID ... EI``) sit in the content itself; it is parsed only
    where it could hold one."""
    data = stream.read_bytes()
    if b"BI" not in data or b"ID" not in data:
        return
    for instruction in pikepdf.parse_content_stream(stream):
        if isinstance(instruction, pikepdf.ContentStreamInlineImage):
            image = instruction.iimage
            _pixels(label, number, image.width, image.height, max_pixels, inline=True)


def _contents(page: Any) -> list[Any]:
    contents = page.get("/Contents")
    if isinstance(contents, pikepdf.Stream):
        return [contents]
    if isinstance(contents, pikepdf.Array):
        return [c for c in contents if isinstance(c, pikepdf.Stream)]
    return []


def inspect_pdf(path: Path, label: str, *, max_pages: int, max_pixels: int) -> list[Problem]:
    """The problems ``build`` would refuse this PDF for ([] when it can be shown)."""
    try:
        with open_pdf(path.read_bytes(), label, max_pages=max_pages, max_pixels=max_pixels):
            return []
    except SourceError as exc:
        return [Problem(label, None, "", exc.reason, exc.hint)]
