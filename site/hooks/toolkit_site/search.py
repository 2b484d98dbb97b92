"""Search that finds rule IDs, template names and codes whole (``S444-33``,
``notice-to-improve``, ``J1``).

The theme's search splits the index into terms at the ``separator`` of mkdocs.yml (here
whitespace and punctuation, never a hyphen), but splits what the reader types with
lunr's own built-in separator, which includes the hyphen, whatever mkdocs.yml says. So
"S444-33" was looked up as "S444" and "33" and found nothing, and "S444-11" found every
page with an "11" on it. The hook points each page at a small worker script that loads
the theme's worker and makes lunr's query lexer use the separator the index uses, so a
typed term is split exactly as the text was.

Takes the built pages' HTML; gives it back pointing at the wrapper, and the wrapper's
source, written beside the theme's worker.
"""

from __future__ import annotations

import re

#: the theme's search worker, as each page's configuration names it
_WORKER = re.compile(r'("search":\s*")([^"]*?/workers/)(search\.[0-9a-f]+\.min\.js)(")')


def wrapper_name(worker: str) -> str:
    """The file name of the wrapper of the theme's worker ``search.<hash>.min.js``."""
    return worker.replace(".min.js", ".whole-terms.js")


def point_at_wrapper(html: str) -> tuple[str, str | None]:
    """The page with its search worker replaced by the wrapper, and the theme worker's
    file name (None when the page names no search worker)."""
    found: list[str] = []

    def sub(m: re.Match[str]) -> str:
        found.append(m.group(3))
        return m.group(1) + m.group(2) + wrapper_name(m.group(3)) + m.group(4)

    out = _WORKER.sub(sub, html, count=1)
    return out, (found[0] if found else None)


def wrapper_source(worker: str) -> str:
    """The wrapper: the theme's worker, then lunr's query lexer tied to the tokenizer's
    separator, which the theme sets from mkdocs.yml when it builds the index."""
    return f"""// Search for the attendance toolkit: the theme's worker, with what the reader types
// split into terms by the same separator as the pages were (mkdocs.yml, plugins: search:
// separator), so that S444-33 or notice-to-improve is looked up whole.
importScripts("{worker}");
(function (lunr) {{
  var separator = lunr.tokenizer.separator;
  lunr.QueryLexer.termSeparator = separator;
  Object.defineProperty(lunr.tokenizer, "separator", {{
    configurable: true,
    get: function () {{ return separator; }},
    set: function (value) {{ separator = value; lunr.QueryLexer.termSeparator = value; }},
  }});
}})(self.lunr);
"""
