"""Digests of what a reader of a PDF sees: per page, and for the document as a whole.

Takes an opened ``pikepdf.Pdf``; gives sha256 digests that change whenever anything a
viewer shows or does changes, and not when the file is merely re-saved:

* a page's digest covers its content streams and every resource they use (images,
  fonts, forms, patterns, colour spaces, graphics states), its boxes, rotation and user
  unit, its transparency group, and its annotations, links included, with each link's
  target written as the page number it points to;
* the document's digest covers the catalogue: the outline (titles and the pages they go
  to), page labels, names (JavaScript, embedded files), open and additional actions, the
  form, viewer preferences, and the document information (title, author ...), but not
  the bundle's own manifest and case data, which record these digests.

Streams are compared by their decoded bytes, dictionaries by their keys in order, and
objects by what they hold (never by their object numbers); the keys a save rewrites
(``/Length``, ``/Filter``, ``/DecodeParms``) are left out.
"""

from __future__ import annotations

import hashlib
from decimal import Decimal, InvalidOperation
from typing import Any

import pikepdf
from pikepdf import Array, Dictionary, Name

__all__ = ["page_digests", "document_digest", "Digester"]

#: keys a save may rewrite without changing what is shown
_STREAM_KEYS = {"/Length", "/Filter", "/DecodeParms", "/DL"}
#: back-references that would make every page depend on every other
_SKIP_KEYS = {"/Parent", "/P", "/StructParent", "/StructParents"}


class Digester:
    """Canonical digests of the objects of one PDF, each object hashed once."""

    def __init__(self, pdf: pikepdf.Pdf, exclude_files: frozenset[str] = frozenset()):
        self.pdf = pdf
        self.pages = {page.obj.objgen: i for i, page in enumerate(pdf.pages)}
        self.exclude_files = exclude_files
        self._memo: dict[tuple[int, int], bytes] = {}
        self._busy: set[tuple[int, int]] = set()

    def digest(self, obj: Any) -> bytes:
        """The canonical digest of ``obj`` and all it refers to."""
        key = obj.objgen if isinstance(obj, pikepdf.Object) and obj.is_indirect else None
        if key is not None:
            if key in self.pages:
                return b"page:%d" % self.pages[key]
            if key in self._memo:
                return self._memo[key]
            if key in self._busy:
                return b"cycle"
            self._busy.add(key)
        try:
            value = hashlib.sha256(self._canon(obj)).digest()
        finally:
            if key is not None:
                self._busy.discard(key)
        if key is not None:
            self._memo[key] = value
        return value

    def _canon(self, obj: Any) -> bytes:
        if isinstance(obj, pikepdf.Stream):
            try:
                data = obj.read_bytes()
            except pikepdf.PdfError:
                data = b"raw:" + obj.read_raw_bytes()
            head = self._dict(obj, skip=_STREAM_KEYS)
            return b"S" + head + hashlib.sha256(data).digest()
        if isinstance(obj, Dictionary):
            return b"D" + self._dict(obj)
        if isinstance(obj, Array):
            return b"A" + b"".join(self.digest(item) for item in obj)
        if isinstance(obj, Name):
            return b"N" + bytes(obj.unparse())  # a name's bytes need not be UTF-8
        if isinstance(obj, pikepdf.String):
            return b"T" + bytes(obj)
        return bytes(_scalar(obj))

    def _dict(self, obj: Any, skip: frozenset[str] | set[str] = frozenset()) -> bytes:
        parts = []
        for key in sorted(obj.keys()):
            if key in skip or key in _SKIP_KEYS:
                continue
            parts.append(key.encode() + b"=" + self.digest(obj[key]))
        return b"{" + b";".join(parts) + b"}"

    def page(self, index: int) -> str:
        """A page's digest: its dictionary (content, resources, boxes, annotations) with the
        boxes and rotation it inherits."""
        page = self.pdf.pages[index].obj
        parts = [self._dict(page)]
        return hashlib.sha256(b"page" + b"".join(parts)).hexdigest()

    def document(self) -> str:
        """The document's digest (see the module docstring)."""
        root = self.pdf.Root
        parts = []
        for key in sorted(root.keys()):
            if key in ("/Pages", "/Type"):
                continue
            if key == "/Outlines":
                parts.append(b"outline=" + self._outline(root.Outlines))
            elif key == "/Names":
                names = self._names(root.Names)
                if names != b"{}":
                    parts.append(b"names=" + names)
            elif key == "/AF":  # associated files: the bundle's own are the manifest's
                files = [
                    f
                    for f in root.AF
                    if not (isinstance(f, Dictionary) and str(f.get("/UF", f.get("/F", ""))) in self.exclude_files)
                ]
                if files:
                    parts.append(b"af=" + b";".join(self.digest(f) for f in files))
            else:
                parts.append(key.encode() + b"=" + self.digest(root[key]))
        info = self.pdf.trailer.get("/Info")
        if isinstance(info, Dictionary):
            kept = {k: info[k] for k in info.keys() if k not in ("/CreationDate", "/ModDate")}
            parts.append(b"info=" + b";".join(k.encode() + b"=" + self.digest(v) for k, v in sorted(kept.items())))
        parts.append(b"pages=%d" % len(self.pdf.pages))
        return hashlib.sha256(b"document" + b"|".join(parts)).hexdigest()

    def _outline(self, outlines: Any) -> bytes:
        """Titles, targets and nesting of the outline (its links are a doubly linked list)."""
        out = []
        item = outlines.get("/First") if isinstance(outlines, Dictionary) else None
        guard = 0
        while isinstance(item, Dictionary) and guard < 100_000:
            guard += 1
            fields = {
                k: item[k] for k in item.keys() if k not in ("/Parent", "/Prev", "/Next", "/First", "/Last", "/Count")
            }
            out.append(
                b"("
                + b";".join(k.encode() + b"=" + self.digest(v) for k, v in sorted(fields.items()))
                + b"/"
                + self._outline(item)
                + b")"
            )
            item = item.get("/Next")
        return b"[" + b",".join(out) + b"]"

    def _names(self, names: Any) -> bytes:
        parts = []
        for key in sorted(names.keys()):
            value = names[key]
            if key == "/EmbeddedFiles":
                files = {name: spec for name, spec in pikepdf.NameTree(value).items() if name not in self.exclude_files}
                if files:
                    parts.append(
                        b"files=" + b";".join(n.encode() + b"=" + self.digest(s) for n, s in sorted(files.items()))
                    )
            else:
                parts.append(key.encode() + b"=" + self.digest(value))
        return b"{" + b";".join(parts) + b"}"


def _scalar(obj: Any) -> bytes:
    """Numbers, booleans and null, written the same however a save spells them."""
    if isinstance(obj, pikepdf.Object):
        text: str = bytes(obj.unparse()).decode("latin-1")
        if text in ("true", "false", "null"):
            return b"V" + text.encode()
        obj = text
    if obj is None:
        return b"Vnull"
    if isinstance(obj, bool):
        return b"Vtrue" if obj else b"Vfalse"
    try:
        number = Decimal(str(obj))
    except (InvalidOperation, ValueError):
        return b"?" + str(obj).encode()
    if number == number.to_integral_value():
        return b"I%d" % int(number)
    return b"R" + format(number.quantize(Decimal("0.00001")).normalize(), "f").encode()


def page_digests(pdf: pikepdf.Pdf, exclude_files: frozenset[str] = frozenset()) -> list[str]:
    """Every page's digest, in page order."""
    digester = Digester(pdf, exclude_files)
    return [digester.page(i) for i in range(len(pdf.pages))]


def document_digest(pdf: pikepdf.Pdf, exclude_files: frozenset[str] = frozenset()) -> str:
    """The digest of everything outside the pages."""
    return Digester(pdf, exclude_files).document()
