"""PDF documents of a case: can each one be opened and shown as it is?

Takes a PDF's bytes (a document, an email's attachment); gives the opened ``pikepdf.Pdf``
or a ``SourceError`` naming the file and the reason: not a PDF, protected by a password,
damaged (a repair could drop pages, so a damaged file is refused, never quietly mended),
no pages, too many pages, or an image over the pixel limit. ``validate`` calls
``inspect_pdf`` so that a case which validates is one ``build`` can show; the bundle
opens its sources through ``open_pdf`` so the two can never disagree.
"""

from __future__ import annotations

import io
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
    except (pikepdf.PdfError, ValueError, OSError) as exc:
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
        _check(pdf, label, max_pixels)
    except pikepdf.PdfError as exc:
        raise SourceError(label, f"is damaged and cannot be shown as it is ({_first_line(exc)})") from None
    return pdf


def _first_line(exc: Exception) -> str:
    text = str(exc).strip()
    return (text.splitlines()[0] if text else type(exc).__name__)[:160]


def images(obj: Any, seen: set[tuple[int, int]]) -> Iterator[Any]:
    """Every image XObject a page or form reaches through its resources (forms too)."""
    resources = obj.get("/Resources") if isinstance(obj, Dictionary | pikepdf.Stream) else None
    xobjects = resources.get("/XObject") if isinstance(resources, Dictionary) else None
    if not isinstance(xobjects, Dictionary):
        return
    for _, xobject in xobjects.items():
        if not isinstance(xobject, pikepdf.Stream):
            continue
        key = xobject.objgen
        if key != (0, 0):
            if key in seen:
                continue
            seen.add(key)
        subtype = xobject.get("/Subtype")
        if subtype == Name.Image:
            yield xobject
        elif subtype == Name.Form:
            yield from images(xobject, seen)


def _check(pdf: pikepdf.Pdf, label: str, max_pixels: int) -> None:
    """Every page's content decodes; no image is over the pixel limit."""
    seen: set[tuple[int, int]] = set()
    for number, page in enumerate(pdf.pages, 1):
        try:
            for stream in _contents(page.obj):
                stream.read_bytes()
        except pikepdf.PdfError as exc:
            raise SourceError(label, f"page {number} cannot be read ({_first_line(exc)})") from None
        for image in images(page.obj, seen):
            try:
                width, height = int(image.get("/Width", 0)), int(image.get("/Height", 0))
            except (TypeError, ValueError):
                continue
            if width * height > max_pixels:
                raise SourceError(
                    label,
                    f"page {number} holds an image of {width} x {height} pixels, over the limit of "
                    f"{max_pixels // 1_000_000} megapixels (raise it with --max-megapixels if the file is genuine)",
                )


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
