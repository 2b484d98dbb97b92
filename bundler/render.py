"""Stage 5: Jinja2 -> HTML/Markdown. One environment, autoescaped, strict about undefined names.

Templates live in the repository's top-level templates/ folder, shipped as the
``bundler.templates`` package. ``select_autoescape`` does not cover ``.j2``, so
autoescaping is switched on for every template explicitly; Markdown templates that
must not be HTML-escaped opt out by name (``.md.j2`` files are escaped too: user text
in a letter must never become markup).
"""

from __future__ import annotations

import datetime as dt
from functools import cache

import re
import zipfile
from importlib import resources
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from .errors import BundleError


def _date(value: dt.date | None, style: str = "long") -> str:
    if value is None:
        return ""
    if style == "iso":
        return value.isoformat()
    return f"{value.day} {value:%B %Y}"


def _status_label(value: str) -> str:
    return {"pass": "Pass", "fail": "Fail", "warn": "Warning", "info": "Info", "not_applicable": "N/A"}.get(value, value)


def templates_dir():
    """The templates/ folder, wherever the package is installed."""
    return resources.files("bundler.templates")


@cache
def environment(folder: str | None = None) -> Environment:
    """The shared Jinja2 environment; ``folder`` narrows the loader (e.g. ``letters``)."""
    env = Environment(
        loader=FileSystemLoader(str(templates_dir().joinpath(folder or ""))),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["date"] = _date
    env.filters["status_label"] = _status_label
    return env


# ----------------------------------------------------------------------- Word documents

MAX_DOCX_UNCOMPRESSED = 100 * 1024 * 1024
#: where a Word document's converted body goes in its page template
DOCX_BODY = "<!--bundler:docx-body-->"


def docx_html(path: Path, label: str) -> str:
    """A Word document's body as HTML (mammoth), refusing zip bombs and damaged files."""
    try:
        with zipfile.ZipFile(path) as archive:
            total = sum(info.file_size for info in archive.infolist())
            if total > MAX_DOCX_UNCOMPRESSED:
                raise BundleError(f"{label}: unpacks to {total / 1048576:.0f} MiB, over the {MAX_DOCX_UNCOMPRESSED // 1048576} MiB limit (a zip bomb?)")
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


