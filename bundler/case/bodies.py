"""What a Markdown document's body asks the bundle to show besides its text: images.

Takes a Markdown document (its path in the case, body and first body line) and the case
folder; gives a Problem for every image the bundle could not show: one that names a
web address or another scheme, an absolute path, a file outside ``documents/``, a file
that does not exist, or a kind of image a page cannot hold. ``validate`` reports these,
so a case that validates never loses an image in the build (the renderer also shows a
visible notice in place of any image it cannot show, never a gap).

Images are found as Markdown writes them, inline (``![alt](target)``) and by reference
(``![alt][ref]`` with a ``[ref]: target`` line); text inside code spans and fenced code
is not an image and is skipped.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import unquote

from ..errors import Problem

__all__ = ["IMAGE_SUFFIXES", "image_problem", "body_problems"]

#: the image files a Markdown document may show (what the page renderer draws faithfully)
IMAGE_SUFFIXES = frozenset({".png", ".jpg", ".jpeg", ".gif"})

_INLINE = re.compile(r"!\[(?:[^\]\\]|\\.)*\]\(\s*(<[^>]*>|[^)\s]*)")
_REFERENCE_USE = re.compile(r"!\[((?:[^\]\\]|\\.)*)\](?:\[((?:[^\]\\]|\\.)*)\])?")
_DEFINITION = re.compile(r"^ {0,3}\[((?:[^\]\\]|\\.)+)\]:\s*(<[^>]*>|\S+)", re.M)
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_CODE_SPAN = re.compile(r"(`+)(?:(?!\1).)+?\1")


def image_problem(target: str, document: str, root: Path) -> str | None:
    """Why the image ``target`` of the document at ``document`` (a case path such as
    ``documents/letter.md``) cannot be shown, or None when it can."""
    target = target.strip().strip("<>")
    if not target:
        return "the image names no file"
    head = target.split("/", 1)[0]
    if ":" in head or target.startswith(("/", "\\")):
        return "only image files inside the case's documents/ folder can be shown (not web addresses or other paths)"
    path = (root / document).parent / unquote(target.split("#", 1)[0].split("?", 1)[0])
    try:
        resolved = path.resolve()
        documents = (root / "documents").resolve()
    except OSError:
        return "the image's path cannot be read"
    if documents not in resolved.parents:
        return "the image is outside the case's documents/ folder"
    if not resolved.is_file():
        return "there is no such file in the case folder"
    if resolved.suffix.lower() not in IMAGE_SUFFIXES:
        return f"a {resolved.suffix or 'file without a suffix'} cannot be drawn on a page (use PNG, JPEG or GIF)"
    return None


def _prose_lines(body: str) -> list[tuple[int, str]]:
    """The body's lines outside fenced code, with code spans blanked out."""
    out = []
    fence: str | None = None
    for number, line in enumerate(body.splitlines()):
        opened = _FENCE.match(line)
        if fence is not None:
            if opened and opened.group(1)[0] == fence[0] and len(opened.group(1)) >= len(fence):
                fence = None
            continue
        if opened:
            fence = opened.group(1)
            continue
        out.append((number, _CODE_SPAN.sub(lambda m: " " * len(m.group(0)), line)))
    return out


def body_problems(document: str, body: str, body_line: int, root: Path, meta_file: str) -> list[Problem]:
    """Every image of a Markdown body that the bundle could not show."""
    lines = _prose_lines(body)
    prose = "\n".join(text for _, text in lines)
    definitions = {m.group(1).strip().lower(): m.group(2) for m in _DEFINITION.finditer(prose)}
    problems = []
    for number, text in lines:
        found = [m.group(1) for m in _INLINE.finditer(text)]
        for m in _REFERENCE_USE.finditer(text):
            after = text[m.end() : m.end() + 1]
            if after == "(":
                continue  # inline, handled above
            label = (m.group(2) or m.group(1)).strip().lower()
            if label in definitions:
                found.append(definitions[label])
        for target in found:
            reason = image_problem(target, document, root)
            if reason:
                problems.append(Problem(meta_file, body_line + number, "body", f"image {target.strip('<>')}: {reason}"))
    return problems
