"""File names in a case folder: which are refused, which are system clutter, and how a
name is shown in a message.

Takes a file or folder name (or a path); gives the reason it is refused (control
characters, which could forge a line of a report, and text-direction overrides, which
make a name read as something else), whether it is clutter an operating system or editor
leaves behind (``.DS_Store``, ``Thumbs.db``, a Word owner file), and a printable form of
any name with its control characters written as escapes.

Any other name that Windows or Linux allows is a name a case may use: spaces, ``#``,
``?``, ``:``, accents and other scripts.
"""

from __future__ import annotations

import re
import unicodedata

from ..errors import DIRECTION_CHARS as _DIRECTION
from ..errors import printable

__all__ = ["printable", "name_problem", "is_clutter", "is_hidden"]

#: what operating systems, sync tools and editors leave in folders, by whole name
_CLUTTER_NAMES = frozenset(
    {
        ".ds_store",
        ".localized",
        ".directory",
        ".gitkeep",
        ".keep",
        ".gitignore",
        "thumbs.db",
        "ehthumbs.db",
        "desktop.ini",
        ".spotlight-v100",
        ".trashes",
        ".fseventsd",
        ".temporaryitems",
        ".documentrevisions-v100",
        "__macosx",
    }
)
#: ... and by pattern: AppleDouble files, LibreOffice and Emacs locks, Word owner files,
#: vim swap files
_CLUTTER = re.compile(r"\._.*|\.~lock\..*#|\.#.*|~\$.*|\..*\.sw[a-p]", re.IGNORECASE | re.DOTALL)


def name_problem(name: str) -> str | None:
    """Why a file or folder name is refused, or None when it may be used."""
    if any(unicodedata.category(ch) == "Cc" for ch in name):
        return "has a control character (such as a line break) in its name"
    if any(ch in _DIRECTION for ch in name):
        return "has a character in its name that changes the direction it is shown in, so it reads as another name"
    return None


def is_hidden(name: str) -> bool:
    """A name a file manager hides (it starts with '.')."""
    return name.startswith(".")


def is_clutter(name: str) -> bool:
    """A file or folder an operating system, sync tool or editor leaves behind, which is
    never part of a case."""
    return name.lower() in _CLUTTER_NAMES or _CLUTTER.fullmatch(name) is not None
