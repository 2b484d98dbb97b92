"""The toolkit's letter and form templates, as a case refers to them.

A document may name the toolkit template it was written from (``template:`` in its
front matter). This module is the one listing of those names: the files
``templates/letters/NAME.md.j2`` shipped as ``bundler.templates``; files whose name
starts with ``_`` are partials, not templates. Nothing here parses or renders a
template (that is ``bundler.letters``).
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from importlib.abc import Traversable

__all__ = ["TEMPLATE_PACKAGE", "TEMPLATE_FOLDER", "TEMPLATE_SUFFIX", "letters_dir", "template_names"]

TEMPLATE_PACKAGE = "bundler.templates"
TEMPLATE_FOLDER = "letters"
TEMPLATE_SUFFIX = ".md.j2"


def letters_dir() -> Traversable:
    """The folder of the letter templates, wherever the package is installed."""
    return resources.files(TEMPLATE_PACKAGE).joinpath(TEMPLATE_FOLDER)


@cache
def template_names() -> list[str]:
    """The name of every toolkit template, sorted (from the file names; nothing is parsed)."""
    names = [
        entry.name[: -len(TEMPLATE_SUFFIX)]
        for entry in letters_dir().iterdir()
        if entry.name.endswith(TEMPLATE_SUFFIX) and not entry.name.startswith("_")
    ]
    return sorted(names)
