"""The stamp on every page: "Page N of M" and its tab label, and the DRAFT mark.

Takes a page of the merged bundle; adds a content stream drawn after (on top of) the
page's own content, wrapped so neither can change the other's graphics state.
"""

from __future__ import annotations

from typing import Any

STAMP_FONT = "/BundlerStamp"


def stamp_page(writer: Any, page: Any, text: str, label: str, draft: bool) -> None:
    """Add the stamp in the visible area (CropBox), bottom right, on a white ground."""
    from pypdf.generic import DecodedStreamObject, DictionaryObject, NameObject

    box = page.cropbox
    left, bottom, right, top = float(box.left), float(box.bottom), float(box.right), float(box.top)
    size = 8.0
    line = f"{text}   {label}"
    width = 0.6 * size * len(line)  # Courier: every glyph is 600/1000 em wide
    x = right - 28 - width
    y = bottom + 16
    ops = [
        "q",
        "1 1 1 rg",
        f"{x - 4:.2f} {y - 3:.2f} {width + 8:.2f} {size + 6:.2f} re f",
        "0 0 0 rg",
        "BT",
        f"{STAMP_FONT} {size} Tf",
        f"{x:.2f} {y:.2f} Td",
        f"({_pdf_string(line)}) Tj",
        "ET",
    ]
    if draft:
        cx, cy = (left + right) / 2, (bottom + top) / 2
        ops += [
            "0.85 0.1 0.1 rg",
            "BT",
            f"{STAMP_FONT} 72 Tf",
            f"0.7071 0.7071 -0.7071 0.7071 {cx - 110:.2f} {cy - 130:.2f} Tm",
            "(DRAFT) Tj",
            "ET",
        ]
    ops.append("Q")
    resources = page.get("/Resources")
    if resources is None:
        resources = DictionaryObject()
        page[NameObject("/Resources")] = resources
    resources = resources.get_object()
    fonts = resources.get("/Font")
    if fonts is None:
        fonts = DictionaryObject()
        resources[NameObject("/Font")] = fonts
    fonts = fonts.get_object()
    fonts[NameObject(STAMP_FONT)] = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Font"),
            NameObject("/Subtype"): NameObject("/Type1"),
            NameObject("/BaseFont"): NameObject("/Courier-Bold"),
            NameObject("/Encoding"): NameObject("/WinAnsiEncoding"),
        }
    )
    stream = DecodedStreamObject()
    stream.set_data(("\n".join(ops) + "\n").encode("latin-1"))
    # wrap the existing content in q/Q so its graphics state cannot leak into the stamp
    existing = page.get_contents()
    wrapped = DecodedStreamObject()
    wrapped.set_data(b"q\n" + (existing.get_data() if existing is not None else b"") + b"\nQ\n" + stream.get_data())
    page.replace_contents(wrapped)


def _pdf_string(text: str) -> str:
    return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
