"""Where each page of the bundle comes from, and where it sits on the bundle page.

Takes a page of a rendered or source PDF; gives a new page of the bundle that draws it
as a form XObject, leaving a band along the foot of the page that holds nothing but the
bundle's stamp (page number, tab, exhibit). Nothing bundler adds can cover the evidence:

* a source page (a PDF from the case, an office document as printed, an email's PDF
  attachment) is shown whole, as its own viewer shows it (its crop box, its rotation), on
  an A4 page, portrait or landscape as the source is, scaled uniformly to fit above the
  band and never enlarged: an A4 source is shown at ``SOURCE_SCALE`` (96.9%) of its size;
* a page bundler rendered itself (cover, index, checklist, chronology, register, a
  Markdown letter, an email's text) keeps the clear margin its stylesheet gives it, so it
  is placed at full size.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pikepdf
from pikepdf import Array, Dictionary, Name

__all__ = ["BAND", "A4", "SOURCE_SCALE", "Matrix", "visible_box", "place_page", "transform_rect"]

#: the height of the stamp band at the foot of every bundle page, in points (9.2 mm)
BAND = 26.0
#: A4 in points, portrait
A4 = (595.28, 841.89)
#: the scale an A4 portrait source is shown at (fit above the band)
SOURCE_SCALE = (A4[1] - BAND) / A4[1]

Matrix = tuple[float, float, float, float, float, float]


def _multiply(m: Matrix, n: Matrix) -> Matrix:
    """m then n, as PDF matrices compose (a point is transformed by m first)."""
    a, b, c, d, e, f = m
    A, B, C, D, E, F = n
    return (a * A + b * C, a * B + b * D, c * A + d * C, c * B + d * D, e * A + f * C + E, e * B + f * D + F)


def transform_point(m: Matrix, x: float, y: float) -> tuple[float, float]:
    a, b, c, d, e, f = m
    return a * x + c * y + e, b * x + d * y + f


def transform_rect(m: Matrix, rect: tuple[float, float, float, float]) -> tuple[float, float, float, float]:
    """The bounding box of a rectangle after ``m``."""
    x0, y0, x1, y1 = rect
    points = [transform_point(m, x, y) for x, y in ((x0, y0), (x0, y1), (x1, y0), (x1, y1))]
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    return min(xs), min(ys), max(xs), max(ys)


def _box(value: Any) -> tuple[float, float, float, float] | None:
    try:
        x0, y0, x1, y1 = (float(v) for v in value)
    except (TypeError, ValueError):
        return None
    return min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1)


def visible_box(page: Any) -> tuple[float, float, float, float]:
    """What a viewer shows of a page: its crop box within its media box."""
    media = _box(page.get("/MediaBox")) or (0.0, 0.0, A4[0], A4[1])
    crop = _box(page.get("/CropBox")) or media
    box = (max(media[0], crop[0]), max(media[1], crop[1]), min(media[2], crop[2]), min(media[3], crop[3]))
    if box[2] - box[0] < 1 or box[3] - box[1] < 1:  # a crop box outside the media box: show the media box
        return media
    return box


def _rotation(page: Any) -> int:
    try:
        return int(page.get("/Rotate", 0)) % 360 // 90 * 90
    except (TypeError, ValueError):
        return 0


def _user_unit(page: Any) -> float:
    try:
        unit = float(page.get("/UserUnit", 1))
    except (TypeError, ValueError):
        return 1.0
    return unit if unit > 0 else 1.0


@dataclass(frozen=True)
class Placed:
    """A bundle page and how the page it draws was put on it."""

    page: pikepdf.Page
    matrix: Matrix  # source page user space -> bundle page
    scale: float


def _display_matrix(page: Any) -> tuple[Matrix, float, float]:
    """Source user space -> the page as displayed, with its lower left at the origin;
    and the displayed width and height."""
    x0, y0, x1, y1 = visible_box(page)
    unit = _user_unit(page)
    w, h = (x1 - x0) * unit, (y1 - y0) * unit
    shift: Matrix = (unit, 0, 0, unit, -x0 * unit, -y0 * unit)
    rotation = _rotation(page)
    turns: dict[int, tuple[Matrix, float, float]] = {
        0: ((1, 0, 0, 1, 0, 0), w, h),
        90: ((0, -1, 1, 0, 0, w), h, w),
        180: ((-1, 0, 0, -1, w, h), w, h),
        270: ((0, 1, -1, 0, h, 0), h, w),
    }
    turn, dw, dh = turns[rotation]
    return _multiply(shift, turn), dw, dh


def place_page(out: pikepdf.Pdf, source: pikepdf.Pdf, index: int, *, fit: bool, name: str = "/BundlerSource") -> Placed:
    """Add a bundle page to ``out`` that draws page ``index`` of ``source``.

    ``fit``: a source page, on A4 (portrait or landscape, as it is), scaled to fit above
    the band; otherwise a page bundler rendered, at its own size and full scale.
    """
    page = source.pages[index].obj
    display, dw, dh = _display_matrix(page)
    if fit:
        width, height = (A4[1], A4[0]) if dw > dh else A4
        scale = min((width) / dw, (height - BAND) / dh, 1.0)
        dx = (width - dw * scale) / 2
        dy = BAND + (height - BAND - dh * scale) / 2
        placement: Matrix = (scale, 0, 0, scale, dx, dy)
    else:
        width, height, scale = dw, dh, 1.0
        placement = (1, 0, 0, 1, 0, 0)
    matrix = _multiply(display, placement)
    form = _form_xobject(out, source, page)
    new = pikepdf.Page(
        out.make_indirect(
            Dictionary(
                Type=Name.Page,
                MediaBox=Array([0, 0, round(width, 2), round(height, 2)]),
                Resources=Dictionary(XObject=Dictionary({name: form})),
                Contents=out.make_stream(
                    b"q " + " ".join(_num(v) for v in matrix).encode() + b" cm " + name.encode() + b" Do Q\n"
                ),
            )
        )
    )
    out.pages.append(new)
    return Placed(out.pages[-1], matrix, scale)


def _num(value: float) -> str:
    text = f"{value:.5f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _form_xobject(out: pikepdf.Pdf, source: pikepdf.Pdf, page: Any) -> pikepdf.Stream:
    """The page's content as a form XObject in ``out`` (its own coordinates, clipped to
    what a viewer shows of it)."""
    contents = page.get("/Contents")
    streams = (
        [contents]
        if isinstance(contents, pikepdf.Stream)
        else [c for c in (contents or []) if isinstance(c, pikepdf.Stream)]
    )
    data = b"\n".join(s.read_bytes() for s in streams)
    form = out.make_stream(data)
    form.Type = Name.XObject
    form.Subtype = Name.Form
    form.BBox = Array(list(visible_box(page)))
    resources = page.get("/Resources")
    form.Resources = _copied(out, source, resources) if isinstance(resources, Dictionary) else Dictionary()
    group = page.get("/Group")
    if isinstance(group, Dictionary):
        form.Group = _copied(out, source, group)
    return form


def _copied(out: pikepdf.Pdf, source: pikepdf.Pdf, obj: Any) -> Any:
    """``obj`` of ``source`` copied into ``out`` with what it refers to (each shared
    object, such as a font used on many pages, is copied once)."""
    if not obj.is_indirect:
        obj = source.make_indirect(obj)
    return out.copy_foreign(obj)
