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

from importlib import resources

from jinja2 import Environment, FileSystemLoader, StrictUndefined


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
