"""The one Jinja2 environment: bundle pages, reports and the toolkit's letters.

Takes a template name under ``templates/`` (``bundle/cover.html.j2``,
``letters/final-warning.md.j2``, ``reports/check.html.j2``) and a context; gives text.

* Autoescaped everywhere (``select_autoescape`` would not cover ``.j2``), and strict
  about undefined names.
* Markdown templates (``.md.j2``) get case text escaped for Markdown as well as HTML
  (``markdown.escape_text``), so a name with ``*`` or ``[`` reads as written and can
  never become a link; HTML templates get plain autoescaping.
* A template's YAML front matter (the letters declare themselves there) becomes a Jinja
  comment, so line numbers in template errors still match the file.
* ``{% include "x" %}`` without a folder means the including template's folder.
* Figures and dates go through ``bundler.figures`` (filters ``longdate``, ``daydate``,
  ``date``, ``num``, ``plural``, ``pct``).
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from importlib.abc import Traversable
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, pass_context
from jinja2.runtime import Context

from .. import figures
from ..case.load import split_front_matter
from ..errors import BundlerError
from .markdown import escape_text

__all__ = ["environment", "render", "templates_dir", "assets_dir"]


def templates_dir() -> Traversable:
    """The templates/ folder, wherever the package is installed."""
    return resources.files("bundler.templates")


def assets_dir() -> Path:
    """The bundle's own assets (stylesheet), which the render fetcher may serve."""
    return Path(str(templates_dir().joinpath("bundle")))


class _Loader(FileSystemLoader):
    """Loads from templates/; a Markdown template's front matter becomes a Jinja comment."""

    def get_source(self, environment: Environment, template: str) -> Any:
        source, filename, uptodate = super().get_source(environment, template)
        split = split_front_matter(source) if template.endswith(".md.j2") else None
        if split is not None:
            body = split[1]
            head = source[: len(source) - len(body)]
            if "#}" in head:
                raise BundlerError(f"template {template}: '#}}' may not appear in the front matter")
            source = "{#" + head.rstrip("\n") + " -#}\n" + body
        return source, filename, uptodate


class _Environment(Environment):
    def join_path(self, template: str, parent: str) -> str:
        """``include "_signoff.md.j2"`` in ``letters/x.md.j2`` means ``letters/_signoff.md.j2``."""
        if "/" not in template and "/" in parent:
            return parent.rsplit("/", 1)[0] + "/" + template
        return template


@pass_context
def _finalize(context: Context, value: Any) -> Any:
    if context.name and context.name.endswith(".md.j2"):
        return escape_text(value)
    return value


def _date(value: Any, style: str = "long") -> Any:
    if style == "iso" and value is not None:
        return value.isoformat()
    return figures.long_date(value) if value is not None else ""


def _text_date(format_: Any) -> Any:
    """A date filter that leaves anything that is not a date (a placeholder) as it is."""

    def apply(value: Any) -> Any:
        import datetime as dt

        return format_(value) if isinstance(value, dt.date) else value

    return apply


def _status_label(value: str) -> str:
    return {"pass": "Pass", "fail": "Fail", "warn": "Warning", "info": "Info", "not_applicable": "N/A"}.get(
        value, value
    )


@cache
def environment() -> Environment:
    """The shared environment (one per process)."""
    env = _Environment(
        loader=_Loader(str(templates_dir())),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        finalize=_finalize,
    )
    env.filters.update(
        date=_date,
        longdate=_text_date(figures.long_date),
        daydate=_text_date(figures.day_date),
        num=figures.number,
        plural=figures.plural,
        pct=figures.percent,
        status_label=_status_label,
    )
    return env


def render(template: str, **context: Any) -> str:
    """Render ``template`` (a path under templates/) with ``context``."""
    return environment().get_template(template).render(**context)
