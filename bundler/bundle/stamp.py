"""The stamp on every page: the tab of the document, its exhibit reference on its first
page, and "Page N of M", in the band at the foot of the page that holds nothing else
(``place.BAND``); and, on a draft, a translucent outlined DRAFT mark.

Takes a bundle page; adds a content stream drawn after the page's own (which is a single
form XObject wrapped in q/Q, so neither can change the other's graphics state).
"""

from __future__ import annotations

import pikepdf
from pikepdf import Dictionary, Name

from .place import BAND

__all__ = ["STAMP_FONT", "STAMP_SIZE", "STAMP_TAG", "Stamper", "stamp_text_width"]

STAMP_FONT = "/BundlerStamp"
STAMP_SIZE = 8.5
#: marked content tag around everything the stamp draws (tests and tools can find it)
STAMP_TAG = "/BundlerStamp"
_MARGIN = 28.0  # from the page's left and right edges


def stamp_text_width(text: str, size: float = STAMP_SIZE) -> float:
    """Courier: every glyph is 600/1000 of an em."""
    return 0.6 * size * len(text)


def _pdf_string(text: str) -> str:
    return (
        text.encode("latin-1", "replace")
        .decode("latin-1")
        .replace("\\", "\\\\")
        .replace("(", "\\(")
        .replace(")", "\\)")
    )


class Stamper:
    """Stamps the pages of one bundle (one font and one transparency state, shared)."""

    def __init__(self, pdf: pikepdf.Pdf):
        self.pdf = pdf
        self.font = pdf.make_indirect(
            Dictionary(
                Type=Name.Font, Subtype=Name.Type1, BaseFont=Name("/Courier-Bold"), Encoding=Name.WinAnsiEncoding
            )
        )
        self.draft_state = pdf.make_indirect(Dictionary(Type=Name.ExtGState, CA=0.45, ca=0.45))
        #: content streams already stamped (a stream two pages share is never stamped twice)
        self._shared: set[tuple[int, int]] = set()
        self._draft_forms: dict[tuple[float, ...], pikepdf.Object] = {}

    def stamp(self, page: pikepdf.Page, *, left: str, right: str, draft: bool) -> None:
        """Write ``left`` (tab, exhibit) and ``right`` (page N of M) in the band, black on
        the page's white; on a draft, the DRAFT mark across the page, translucent and
        outlined."""
        x0, y0, x1, y1 = (float(v) for v in page.obj.MediaBox)
        baseline = y0 + (BAND - STAMP_SIZE) / 2 + 1.5
        ops = [f"{STAMP_TAG} BMC", "q", "0 g", "BT", f"{STAMP_FONT} {STAMP_SIZE} Tf"]
        ops += [f"1 0 0 1 {x0 + _MARGIN:.2f} {baseline:.2f} Tm", f"({_pdf_string(left)}) Tj"]
        width = stamp_text_width(right)
        ops += [f"1 0 0 1 {x1 - _MARGIN - width:.2f} {baseline:.2f} Tm", f"({_pdf_string(right)}) Tj", "ET", "Q"]
        resources = page.obj.Resources
        if draft:
            # one form per page size, drawn on every page: the mark is the same everywhere
            ops += ["/BundlerDraftMark Do"]
            xobjects = resources.get("/XObject")
            if not isinstance(xobjects, Dictionary):
                xobjects = resources.XObject = Dictionary()
            xobjects["/BundlerDraftMark"] = self._draft_form(x0, y0, x1, y1)
        ops.append("EMC")
        fonts = resources.get("/Font")
        if not isinstance(fonts, Dictionary):
            fonts = resources.Font = Dictionary()
        fonts[STAMP_FONT] = self.font
        stamp = ("\n".join(ops) + "\n").encode("latin-1")
        contents = page.obj.get("/Contents")
        if isinstance(contents, pikepdf.Stream) and contents.objgen not in self._shared:
            # the page's own stream (bundler's placement of the source): one stream per
            # page is smaller than two, and the source's content is untouched either way
            contents.write(contents.read_bytes() + b"\n" + stamp)
            self._shared.add(contents.objgen)
        else:
            page.contents_add(self.pdf.make_stream(stamp))

    def _draft_form(self, x0: float, y0: float, x1: float, y1: float) -> pikepdf.Object:
        key = (round(x0, 2), round(y0, 2), round(x1, 2), round(y1, 2))
        form = self._draft_forms.get(key)
        if form is None:
            form = self._draft_forms[key] = self.pdf.make_stream(
                ("\n".join(_draft_mark(x0, y0, x1, y1)) + "\n").encode("latin-1"),
                Type=Name.XObject,
                Subtype=Name.Form,
                BBox=[x0, y0, x1, y1],
                Resources=Dictionary(
                    Font=Dictionary({STAMP_FONT: self.font}), ExtGState=Dictionary(BundlerDraft=self.draft_state)
                ),
            )
        return form


def _draft_mark(x0: float, y0: float, x1: float, y1: float) -> list[str]:
    """DRAFT across the middle of the page, outlined in translucent red."""
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    size = min(x1 - x0, y1 - y0) / 5
    half = stamp_text_width("DRAFT", size) / 2
    return [
        "q",
        "/BundlerDraft gs",
        "0.75 0.05 0.05 RG",
        f"{size / 40:.2f} w",
        "1 Tr",  # outlined, not filled: what is under it stays readable
        "BT",
        f"{STAMP_FONT} {size:.2f} Tf",
        f"0.7071 0.7071 -0.7071 0.7071 {cx - half * 0.7071:.2f} {cy - half * 0.7071:.2f} Tm",
        "(DRAFT) Tj",
        "ET",
        "Q",
    ]
