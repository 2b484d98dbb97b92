"""What a source document shows, as pages for the bundle: office documents, emails and
images (PDFs are kept as they are, and Markdown is rendered, elsewhere in the bundle).

Takes a document's kind, file and limits; gives its ``Piece``s in reading order: the
document itself, then what follows it (an email's attachments, the list of a Word
document's comments). A piece is either PDF pages kept as they are, or the HTML of a
page body for the bundle's page template. Anything that cannot be shown as it is raises
a ``SourceError`` naming the file, the reason and what to do.
"""

from __future__ import annotations

from dataclasses import dataclass
from email.message import Message
from pathlib import Path

from ...case.load import Limits


@dataclass
class Piece:
    """One run of pages of what a source shows, in reading order."""

    title: str  # the document's title, or "Attachment: name.pdf"
    html: str | None = None  # a page body (HTML) for the bundle's page template
    pdf: bytes | None = None  # or PDF pages, kept as they are
    note: str = ""  # what the reader is told about how it is shown ("first frame of a GIF")


def render_source(
    kind: str, path: Path, label: str, limits: Limits, cache_dir: Path | None, title: str = ""
) -> list[Piece]:
    """The pieces of one office document (kind ``office``), email (``eml``) or image
    (``image``); ``cache_dir`` holds converted office documents (``office/``) between
    builds, or None for no cache.

    >>> from bundler.case.load import Limits
    >>> pieces = render_source("image", Path("scan.png"), "documents/scan.png", Limits(), None)  # doctest: +SKIP
    """
    data = path.read_bytes()
    title = title or path.name
    if kind == "office":
        from .office import office_pieces

        return office_pieces(data, path.name, title, label, limits, cache_dir)
    if kind == "eml":
        from .email import email_pieces

        return email_pieces(data, title, label, limits, cache_dir)
    if kind == "image":
        from .image import image_pieces

        return image_pieces(data, title, label, limits)
    raise ValueError(f"{label}: render_source does not show documents of kind {kind}")


def render_message(
    message: Message, label: str, limits: Limits, cache_dir: Path | None, title: str = ""
) -> list[Piece]:
    """The pieces of an email already parsed, by any reader (an Outlook .msg file read
    into an ``EmailMessage`` renders exactly as an .eml file does)."""
    from .email import message_pieces

    return message_pieces(message, title or "Email", label, limits, cache_dir)


def prefetch_office(documents: list[tuple[Path, str]], limits: Limits, cache_dir: Path | None, workers: int) -> None:
    """Convert a case's office documents ((file, label) pairs) several at a time before
    their parts are made one by one; what fails is reported then, by ``render_source``."""
    from .office import prefetch

    ready = []
    for path, label in documents:
        try:
            ready.append((path.read_bytes(), label))
        except OSError:
            continue
    prefetch(ready, limits, cache_dir, workers)
