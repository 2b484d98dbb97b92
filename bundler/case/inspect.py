"""Would the bundle show this document? Every attachment opened when the case is read.

Takes a document's bytes, its kind (from ``load``) and the limits; gives the Problem that
``build`` would refuse it for, or None. PDFs are opened and every page decoded, with the
page and pixel limits (``pdfs``); office documents, emails and images get the checks of
``attachments`` (zip bombs, passwords, linked content, damaged files, pixel limits);
Outlook messages are opened by ``outlook``. So a case that validates is a case whose
every document ``build`` can show, and ``check`` saying ready means the build succeeds.
Nothing is rendered here: LibreOffice conversion is the one check left to the build.
"""

from __future__ import annotations

from ..errors import Problem
from .attachments import SourceError, check_email_bytes, check_image_bytes, read_office
from .load import Limits
from .pdfs import open_pdf

__all__ = ["inspect_bytes"]


def inspect_bytes(kind: str, data: bytes, label: str, limits: Limits) -> Problem | None:
    """The reason the bundle could not show the document ``label``, as a Problem."""
    try:
        if kind == "pdf":
            with open_pdf(data, label, max_pages=limits.max_pages, max_pixels=limits.max_pixels):
                pass
        elif kind == "office":
            read_office(data, label, limits)
        elif kind == "eml":
            check_email_bytes(data, label, limits)
        elif kind == "image":
            check_image_bytes(data, label, limits)
    except SourceError as exc:
        return Problem(label, None, "", exc.reason, exc.hint)
    return None
