"""Stage 6: HTML -> PDF parts (WeasyPrint), input PDFs checked, then one bundle (pypdf).

Safety: WeasyPrint gets a URL fetcher that serves ``data:`` URLs, files inside the case
folder and the package's own assets, and refuses everything else (network,
``file:///etc/passwd``, attachments pointing outside) by stopping the render; the build
then fails naming the document. Input PDFs are refused when encrypted, corrupt or
truncated, and pypdf's decompression limits stay on.
"""

from __future__ import annotations

import hashlib
import io
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

from .errors import BundlerError

#: pages per document before the build warns (a bundle should stay readable)
WARN_PAGES = 350


class BundleError(BundlerError):
    """The bundle cannot be built (or verified); the message names the document."""


# ----------------------------------------------------------------------- URL fetcher


def _fetcher_class():
    from weasyprint.urls import FatalURLFetchingError, URLFetcher, URLFetcherResponse

    class Refused(FatalURLFetchingError):
        pass

    class CaseFetcher(URLFetcher):
        """Serves only data: URLs and files under the allowed roots; refuses the rest."""

        def __init__(self, roots: list[Path], max_bytes: int):
            super().__init__(fail_on_errors=True, allowed_protocols={"file", "data"})
            self.roots = [r.resolve() for r in roots]
            self.max_bytes = max_bytes
            self.refused: list[str] = []

        def fetch(self, url, headers=None):
            scheme = url.split(":", 1)[0].lower()
            if scheme == "data":
                if len(url) > self.max_bytes * 2:
                    self.refused.append(url[:60] + "...")
                    raise Refused(f"embedded data too large: {url[:60]}...")
                return super().fetch(url, headers)
            if scheme == "file":
                path = Path(unquote(urlparse(url).path)).resolve()
                if any(path == root or root in path.parents for root in self.roots) and path.is_file():
                    if path.stat().st_size > self.max_bytes:
                        self.refused.append(url)
                        raise Refused(f"file too large: {url}")
                    return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": _content_type(path)})
            self.refused.append(url)
            raise Refused(f"refused to fetch {url}: only files inside the case folder may be used")

    return CaseFetcher


def _content_type(path: Path) -> str:
    return {
        ".css": "text/css",
        ".png": "image/png",
        ".jpg": "image/jpeg",
        ".jpeg": "image/jpeg",
        ".svg": "image/svg+xml",
        ".ttf": "font/ttf",
    }.get(path.suffix.lower(), "application/octet-stream")


def assets_dir() -> Path:
    from .render import templates_dir

    return Path(str(templates_dir().joinpath("bundle")))


@dataclass
class RenderedPart:
    """A piece of the bundle rendered to PDF, with where its links point."""

    pdf: bytes
    pages: int


def html_to_pdf(html: str, *, label: str, case_root: Path | None, max_bytes: int = 50 * 1024 * 1024) -> RenderedPart:
    """Render one HTML document with WeasyPrint through the safe fetcher.

    ``label`` names the document in errors. Anything the fetcher refuses fails the build.
    """
    from weasyprint import HTML
    from weasyprint.urls import FatalURLFetchingError

    roots = [assets_dir()] + ([case_root / "documents"] if case_root else [])
    fetcher = _fetcher_class()(roots, max_bytes)
    base = (case_root / "documents").resolve().as_uri() + "/" if case_root else assets_dir().as_uri() + "/"
    try:
        document = HTML(string=html, base_url=base, url_fetcher=fetcher).render()
        pdf = document.write_pdf()
    except FatalURLFetchingError as exc:
        cause = exc.__cause__ or exc
        raise BundleError(f"{label}: {cause}") from None
    if fetcher.refused:
        raise BundleError(f"{label}: refused to fetch {', '.join(fetcher.refused)}")
    return RenderedPart(pdf, len(document.pages))


# ----------------------------------------------------------------------- input PDFs


def read_input_pdf(data: bytes, label: str):
    """Open a PDF from the case folder, refusing encrypted, corrupt or empty files."""
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    if not data.lstrip()[:5] == b"%PDF-":
        raise BundleError(f"{label}: is not a PDF file (it does not start with %PDF-)")
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            raise BundleError(f"{label}: is encrypted; save an unprotected copy and add that instead")
        count = len(reader.pages)
        for page in reader.pages:
            page.get_contents()  # decode now: a truncated or corrupt stream fails here, named
    except BundleError:
        raise
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, IndexError, OSError, RecursionError) as exc:
        raise BundleError(f"{label}: cannot be read as a PDF ({type(exc).__name__}: {exc})") from None
    if count == 0:
        raise BundleError(f"{label}: the PDF has no pages")
    return reader


# ----------------------------------------------------------------------- manifest


def page_digest(page) -> str:
    """sha256 of a page's decoded content stream(s): what a reader sees on the page."""
    contents = page.get_contents()
    data = contents.get_data() if contents is not None else b""
    return hashlib.sha256(data).hexdigest()


MANIFEST_NAME = "bundler-manifest.json"
CASE_DATA_NAME = "bundler-case.json"


def read_manifest(pdf_path: Path) -> tuple[dict[str, Any], Any]:
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    try:
        reader = PdfReader(str(pdf_path))
        attachments = reader.attachments
    except (PyPdfError, OSError, ValueError) as exc:
        raise BundleError(f"{pdf_path}: cannot be read as a PDF ({exc})") from None
    if MANIFEST_NAME not in attachments:
        raise BundleError(f"{pdf_path}: has no bundler manifest; it was not made by bundler build")
    try:
        manifest = json.loads(attachments[MANIFEST_NAME][0])
    except (ValueError, UnicodeDecodeError) as exc:
        raise BundleError(f"{pdf_path}: its manifest is damaged ({exc})") from None
    return manifest, reader


@dataclass
class Verification:
    ok: bool
    messages: list[str] = field(default_factory=list)
    manifest: dict[str, Any] = field(default_factory=dict)
