"""Office documents to HTML for the renderer.

Takes a Word (``.docx``) file; gives its body as HTML, refusing zip bombs and damaged
files by name.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

from ..errors import BundleError

MAX_DOCX_UNCOMPRESSED = 100 * 1024 * 1024


#: where a Word document's converted body goes in its page template
DOCX_BODY = "<!--bundler:docx-body-->"


def docx_html(path: Path, label: str) -> str:
    """A Word document's body as HTML (mammoth), refusing zip bombs and damaged files."""
    try:
        with zipfile.ZipFile(path) as archive:
            total = sum(info.file_size for info in archive.infolist())
            if total > MAX_DOCX_UNCOMPRESSED:
                raise BundleError(
                    f"{label}: unpacks to {total / 1048576:.0f} MiB, over the {MAX_DOCX_UNCOMPRESSED // 1048576} MiB limit (a zip bomb?)"
                )
            if archive.testzip() is not None:
                raise BundleError(f"{label}: the Word file is damaged")
    except zipfile.BadZipFile:
        raise BundleError(f"{label}: is not a Word (.docx) file") from None
    import mammoth

    with path.open("rb") as fh:
        try:
            result = mammoth.convert_to_html(fh)
        except (KeyError, ValueError, zipfile.BadZipFile) as exc:
            raise BundleError(f"{label}: cannot be converted ({exc})") from None
    return _strip_active_html(result.value)


def _strip_active_html(html: str) -> str:
    """mammoth produces plain HTML, but a .docx could still carry links or image URLs:
    keep text and data: images, drop anything that points elsewhere."""
    html = re.sub(r"<(script|style|iframe|object|embed|link)[^>]*>.*?</\1>", "", html, flags=re.S | re.I)
    html = re.sub(r'\s(href)="(?!#)[^"]*"', "", html)
    html = re.sub(r'<img[^>]*src="(?!data:)[^"]*"[^>]*>', "[image not embedded]", html)
    return html
