"""Text recognition (OCR) for scans and photos: an invisible text layer, so that every
page of the bundle can be searched and copied, as the judiciary's e-bundle guidance asks.

Takes the bundle's placed pages; gives each scanned image on them a layer of invisible
text (Tesseract's text-only PDF) drawn exactly over the image, so what the reader sees is
unchanged. An image is a scan when it covers a good part of its page and nothing on the
page is text already (a scanned PDF), or when bundler drew it as the document itself (an
image document, an image attached to an email). Results are cached by the image's bytes
and the Tesseract version, so a rebuild recognises nothing again.

Tesseract runs as a separate program (Debian ``tesseract-ocr`` and ``tesseract-ocr-eng``),
one process per image with a time limit, several at a time. Without it, or with
``--no-ocr``, the build says how many pages cannot be searched, and so does the cover.
"""

from __future__ import annotations

import hashlib
import io
import os
import shutil
import subprocess
import tempfile
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import pikepdf
from pikepdf import Dictionary, Name

from ..errors import BundleError
from .place import Matrix, _form_xobject, _multiply, visible_box

__all__ = ["OcrSettings", "Scan", "scans_on_page", "tesseract_version", "recognise", "untexted_pages"]

#: an image smaller than this share of its page is a logo or a signature, not a scan
MIN_SHARE = 0.2
#: Tesseract reads best at about 300 dpi; images are enlarged towards it, never past 4x
TARGET_DPI = 300
MAX_UPSCALE = 4
#: the most pixels an image is enlarged to before it is read
MAX_PIXELS = 40_000_000
_TEXT_OPERATORS = frozenset({"Tj", "TJ", "'", '"'})


@dataclass
class OcrSettings:
    """How the build recognises text: on or off, where results are kept, time per image."""

    enabled: bool = True
    cache_dir: Path | None = None
    timeout_s: float = 120.0
    language: str = "eng"
    workers: int = field(default_factory=lambda: os.cpu_count() or 1)


@dataclass(frozen=True)
class Scan:
    """A scanned image on a page: the image, and where it is drawn (image space -> page)."""

    image: pikepdf.Stream
    ctm: Matrix
    key: str  # the image's content hash (with the reader's version and language)

    @property
    def size_pt(self) -> tuple[float, float]:
        a, b, c, d, _, _ = self.ctm
        return (a * a + b * b) ** 0.5, (c * c + d * d) ** 0.5


@cache
def tesseract_version() -> str | None:
    """The installed Tesseract's version line, or None when it is not installed."""
    program = shutil.which("tesseract")
    if program is None:
        return None
    try:
        done = subprocess.run([program, "--version"], capture_output=True, text=True, timeout=30, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return None
    lines = (done.stdout or done.stderr).splitlines()
    return lines[0].strip() if done.returncode == 0 and lines else None


def _walk(obj: Any, resources: Any, ctm: Matrix, depth: int, seen: set[tuple[int, int]]) -> Iterator[tuple[str, Any]]:
    """What a content stream draws: ("text", None) for each text operator, ("image",
    (stream, ctm)) for each image, forms followed (to a depth)."""
    try:
        instructions = pikepdf.parse_content_stream(obj)
    except (pikepdf.PdfError, TypeError, ValueError):  # content pikepdf cannot parse: nothing found to read
        return
    stack: list[Matrix] = []
    for instruction in instructions:
        if isinstance(instruction, pikepdf.ContentStreamInlineImage):
            continue  # an inline image is small: a logo or a rule, not a scan
        operands, op = instruction.operands, str(instruction.operator)
        if op in _TEXT_OPERATORS:
            yield "text", None
        elif op == "q":
            stack.append(ctm)
        elif op == "Q" and stack:
            ctm = stack.pop()
        elif op == "cm" and len(operands) == 6:
            try:
                ctm = _multiply(tuple(float(v) for v in operands), ctm)  # type: ignore[arg-type]
            except (TypeError, ValueError):
                continue
        elif op == "Do" and operands and isinstance(resources, Dictionary):
            xobjects = resources.get("/XObject")
            target = xobjects.get(str(operands[0])) if isinstance(xobjects, Dictionary) else None
            if not isinstance(target, pikepdf.Stream):
                continue
            subtype = target.get("/Subtype")
            if subtype == Name.Image:
                yield "image", (target, ctm)
            elif subtype == Name.Form and depth < 8 and target.objgen not in seen:
                seen.add(target.objgen)
                matrix = target.get("/Matrix")
                inner = ctm
                if isinstance(matrix, pikepdf.Array) and len(matrix) == 6:
                    inner = _multiply(tuple(float(v) for v in matrix), ctm)  # type: ignore[arg-type]
                yield from _walk(target, target.get("/Resources", resources), inner, depth + 1, seen)
                seen.discard(target.objgen)


def _key(image: pikepdf.Stream, language: str) -> str:
    digest = hashlib.sha256()
    for part in (str(tesseract_version()), language, str(image.get("/Width")), str(image.get("/Height"))):
        digest.update(part.encode() + b"\0")
    digest.update(image.read_raw_bytes())
    return digest.hexdigest()


def scans_on_page(
    source: pikepdf.Pdf, index: int, matrix: Matrix, *, drawn_by_bundler: bool, language: str = "eng"
) -> list[Scan]:
    """The scanned images page ``index`` of ``source`` shows, placed by ``matrix``.

    A source page with any text on it is not a scan (its text is searchable already);
    a page bundler drew to show an image document always is, whatever its header says.
    """
    page = source.pages[index].obj
    x0, y0, x1, y1 = visible_box(page)
    a, b, c, d, _, _ = matrix
    scale = abs(a * d - b * c)  # the placement's area factor
    page_area = max((x1 - x0) * (y1 - y0) * scale, 1.0)
    found: list[tuple[pikepdf.Stream, Matrix]] = []
    for kind, what in _walk(page, page.get("/Resources"), matrix, 0, set()):
        if kind == "text" and not drawn_by_bundler:
            return []
        if kind == "image":
            found.append(what)
    scans = []
    for image, ctm in found:
        ia, ib, ic, id_, _, _ = ctm
        if abs(ia * id_ - ib * ic) >= MIN_SHARE * page_area and not image.get("/ImageMask", False):
            scans.append(Scan(image, ctm, _key(image, language)))
    return scans


def untexted_pages(data: bytes) -> int:
    """How many pages of a source PDF show scans and no text (for the cover's note when
    text is not recognised)."""
    try:
        with pikepdf.open(io.BytesIO(data)) as pdf:
            return sum(
                1 for i in range(len(pdf.pages)) if scans_on_page(pdf, i, (1, 0, 0, 1, 0, 0), drawn_by_bundler=False)
            )
    except pikepdf.PdfError:
        return 0


def _pixels(scan: Scan) -> tuple[bytes, int]:
    """The image as a greyscale PNG near 300 dpi as drawn, and that dpi."""
    from PIL import Image

    try:
        picture = pikepdf.PdfImage(scan.image).as_pil_image()
    except Exception as exc:
        # an image pikepdf cannot decode (JBIG2 without jbig2dec, an odd colour space, short
        # data) is one OCR cannot read; the page itself is still shown as it is
        raise _Unreadable(" ".join(str(exc).split())[:160] or type(exc).__name__) from None
    picture = picture.convert("L")
    width_pt, _ = scan.size_pt
    dpi = picture.width / max(width_pt / 72, 1e-6)
    factor = min(MAX_UPSCALE, max(1.0, TARGET_DPI / max(dpi, 1.0)))
    if factor > 1 and picture.width * picture.height * factor * factor <= MAX_PIXELS:
        picture = picture.resize(
            (round(picture.width * factor), round(picture.height * factor)), Image.Resampling.LANCZOS
        )
        dpi *= factor
    out = io.BytesIO()
    picture.save(out, "PNG")
    return out.getvalue(), max(round(dpi), 30)


class _Unreadable(Exception):
    """The image's pixels cannot be decoded for reading (an exotic filter, say)."""


def _read(scan: Scan, settings: OcrSettings) -> bytes:
    """Tesseract's text-only PDF for one scan (cached)."""
    cached = settings.cache_dir / "ocr" / scan.key[:2] / f"{scan.key}.pdf" if settings.cache_dir else None
    if cached is not None:
        try:
            return cached.read_bytes()
        except OSError:
            pass
    png, dpi = _pixels(scan)
    program = shutil.which("tesseract")
    if program is None:  # pragma: no cover - checked before
        raise _Unreadable("tesseract is not installed")
    with tempfile.TemporaryDirectory(prefix="bundler-ocr-") as tmp:
        source = Path(tmp) / "scan.png"
        source.write_bytes(png)
        # one thread per process: several images are read at once, and the output is the
        # same on every run
        env = dict(os.environ, OMP_THREAD_LIMIT="1")
        try:
            done = subprocess.run(
                [program, str(source), str(Path(tmp) / "text"), "-l", settings.language, "--dpi", str(dpi)]
                + ["-c", "textonly_pdf=1", "pdf"],
                capture_output=True,
                timeout=settings.timeout_s,
                env=env,
                check=False,
            )
        except subprocess.TimeoutExpired:
            raise _Unreadable(f"reading it took longer than {settings.timeout_s:.0f} s") from None
        result = Path(tmp) / "text.pdf"
        if done.returncode != 0 or not result.is_file():
            raise _Unreadable(
                next(iter(done.stderr.decode("utf-8", "replace").strip().splitlines()[-1:]), "tesseract failed")
            )
        data = result.read_bytes()
    if cached is not None:
        from ..output import atomic_write_bytes

        atomic_write_bytes(cached, data)
    return data


def recognise(
    out: pikepdf.Pdf,
    pages: list[tuple[pikepdf.Page, list[Scan], str]],
    settings: OcrSettings,
    note: Callable[[str], None],
    keep: list[pikepdf.Pdf],
) -> list[str]:
    """Give every scan on the bundle's ``pages`` ((bundle page, scans, label)) its text
    layer; gives the warnings (images that could not be read, named). The PDFs the
    layers come from are added to ``keep``: they must stay open until the bundle is saved."""
    work = [(page, scan, label) for page, scans, label in pages for scan in scans]
    if not work:
        return []
    unique = {scan.key: scan for _, scan, _ in work}
    note(f"recognising text on {len(unique)} scanned image(s)")
    results: dict[str, bytes | str] = {}

    def read(scan: Scan) -> tuple[str, bytes | str]:
        try:
            return scan.key, _read(scan, settings)
        except _Unreadable as exc:
            return scan.key, str(exc)

    with ThreadPoolExecutor(max(1, settings.workers)) as pool:
        for done, future in enumerate(as_completed([pool.submit(read, s) for s in unique.values()]), 1):
            key, value = future.result()
            results[key] = value
            note(f"recognising text: {done} of {len(unique)} scanned image(s) read")
    warnings = []
    layers: dict[str, tuple[pikepdf.Stream, float, float]] = {}
    for number, (page, scan, label) in enumerate(work):
        value = results[scan.key]
        if isinstance(value, str):
            warnings.append(
                f"{label}: a scanned image could not be read for text ({value}); it is shown, not searchable"
            )
            continue
        if scan.key not in layers:
            try:
                layers[scan.key] = _layer(out, value, keep)
            except pikepdf.PdfError as exc:
                raise BundleError(f"{label}: the text recognised on a scan could not be added ({exc})") from None
        form, width, height = layers[scan.key]
        # the layer's page (its size in points) mapped onto the image's unit square, then
        # wherever the image is drawn: the words lie over the words the reader sees
        matrix = _multiply((1 / width, 0, 0, 1 / height, 0, 0), scan.ctm)
        name = f"/BundlerText{number}"
        resources = page.obj.Resources
        xobjects = resources.get("/XObject")
        if not isinstance(xobjects, Dictionary):
            xobjects = resources.XObject = Dictionary()
        xobjects[name] = form
        ops = b"q " + " ".join(f"{v:.6f}" for v in matrix).encode() + b" cm " + name.encode() + b" Do Q\n"
        contents = page.obj.Contents
        contents.write(contents.read_bytes() + b"\n" + ops)
    return warnings


def _layer(out: pikepdf.Pdf, data: bytes, keep: list[pikepdf.Pdf]) -> tuple[pikepdf.Stream, float, float]:
    text = pikepdf.open(io.BytesIO(data))
    keep.append(text)
    page = text.pages[0].obj
    x0, y0, x1, y1 = visible_box(page)
    return _form_xobject(out, text, page), x1 - x0, y1 - y0
