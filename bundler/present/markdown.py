"""The one Markdown engine (markdown-it-py, CommonMark plus tables): Markdown to HTML,
to plain text, and to a Word document's paragraphs.

Takes Markdown (a case document's body, a rendered letter); gives HTML with raw HTML
escaped (never passed through), or Word paragraphs built from the same token stream, so
a letter reads the same in the bundle, in its PDF, in its Word copy and on the site.

Two kinds of paragraph are marked for the page layout, in HTML (a class) and in Word
(keep with the next paragraph): a lead-in line that is all bold (``**The support
offered so far**``, class ``subhead``), which belongs with what follows it, and a letter's
closing (``Yours sincerely,``, class ``closing``), which belongs with the signature.

Also here: how text from a case is made safe to put into Markdown (``escape_text``),
and the ``Placeholder`` a template leaves for staff to fill in.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from functools import cache
from typing import TYPE_CHECKING, Any

from markupsafe import Markup

if TYPE_CHECKING:
    from markdown_it import MarkdownIt
    from markdown_it.token import Token

__all__ = ["Placeholder", "escape_text", "parser", "to_html", "links_and_images", "docx_blocks"]


class Placeholder(str):
    """A value the school fills in by hand; shown in the text as ``[label]``."""

    __slots__ = ()

    def __new__(cls, label: str) -> Placeholder:
        return super().__new__(cls, f"[{label}]")

    @property
    def label(self) -> str:
        return str(self)[1:-1]


_MARKDOWN_INLINE = re.compile(r"([\\`*_\[\]|])")


def escape_text(value: Any) -> Any:
    """Text from the case, made safe to put into Markdown that becomes HTML.

    ``&``, ``<`` and ``>`` are HTML-escaped (no tag or entity can be injected), and the
    Markdown punctuation that makes links, images, emphasis, code or table cells is
    backslash-escaped, so a name reads as written. Quotes are left alone: the text only
    ever lands in HTML text, never in an attribute. Template text (Markup) and
    placeholders pass unchanged. This is the Markdown templates' ``finalize``: autoescape
    then sees Markup and does not escape twice.
    """
    if isinstance(value, Markup):
        return value
    if isinstance(value, Placeholder):
        return Markup(html.escape(str(value), quote=False))
    if isinstance(value, str):
        text = html.escape(" ".join(value.splitlines()), quote=False)
        text = _MARKDOWN_INLINE.sub(r"\\\1", text)
        text = re.sub(r"^(\s*)([#>]|[+-](?=\s))", r"\1\\\2", text)  # not a heading, quote or list
        text = re.sub(r"^(\s*\d+)\.(?=\s)", r"\1\\.", text)  # "12. High Street" is not a numbered list
        return Markup(text)
    return value


@cache
def parser() -> MarkdownIt:
    """CommonMark with tables and hard line breaks; raw HTML is text, never markup."""
    from markdown_it import MarkdownIt

    # breaks: a line break in the text is a line break on the page, so an address block
    # written line by line reads as one (templates write paragraphs on one line)
    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "breaks": True}).enable("table")
    md.validateLink = lambda url: True  # type: ignore[method-assign]  # links are judged by the caller, so a refusal is reported
    return md


#: the closing words of a letter, which stay on the page of the signature below them
_CLOSING = re.compile(
    r"(yours (sincerely|faithfully|truly)|kind regards|best wishes|with best wishes|regards|many thanks)[,.]?",
    re.IGNORECASE,
)


def _paragraph_role(inline: Token) -> str | None:
    """``subhead`` for a paragraph that is all bold, ``closing`` for a letter's closing
    words, else None."""
    children = [c for c in inline.children or [] if not (c.type == "text" and not c.content.strip())]
    if (
        len(children) >= 3
        and children[0].type == "strong_open"
        and children[-1].type == "strong_close"
        and not any(c.type == "strong_open" for c in children[1:-1])
    ):
        return "subhead"
    if _CLOSING.fullmatch(inline.content.strip()):
        return "closing"
    return None


def _mark_paragraphs(tokens: list[Token]) -> None:
    """Give lead-in and closing paragraphs their class (see the module docstring)."""
    for opening, inline in zip(tokens, tokens[1:]):
        if opening.type == "paragraph_open" and inline.type == "inline" and not opening.hidden:
            role = _paragraph_role(inline)
            if role:
                opening.attrSet("class", role)


def _inline_children(tokens: list[Token]) -> list[Token]:
    return [child for token in tokens for child in (token.children or [])]


def links_and_images(text: str) -> list[tuple[str, str]]:
    """Every link and image target in ``text``: ("link" | "image", target)."""
    out = []
    for child in _inline_children(parser().parse(text)):
        if child.type == "image":
            out.append(("image", str(child.attrGet("src") or "")))
        elif child.type == "link_open":
            out.append(("link", str(child.attrGet("href") or "")))
    return out


def to_html(
    text: str,
    *,
    link: Callable[[str], str | None] | None = None,
    image: Callable[[str], str | None] | None = None,
) -> str:
    """Markdown to HTML. ``link`` may rewrite each link target (None drops the link,
    keeping its text and showing the target after it, so nothing is lost); ``image`` may rewrite each image source (None puts a visible
    notice naming the image in its place)."""
    from markdown_it.token import Token

    def text_token(content: str) -> Token:
        token = Token("text", "", 0)
        token.content = content
        return token

    md = parser()
    tokens = md.parse(text)
    _mark_paragraphs(tokens)
    for token in tokens:
        if not token.children:
            continue
        children: list[Token] = []
        dropped: list[str | None] = []  # per open link: the target no longer linked, shown after its text
        opened_at: list[int] = []
        for child in token.children:
            if child.type == "link_open" and link is not None:
                href = str(child.attrGet("href") or "")
                target = link(href)
                if target is None:  # the link goes; its text stays
                    dropped.append(href)
                    opened_at.append(len(children))
                    continue
                child.attrSet("href", target)
                dropped.append(None)
                opened_at.append(len(children))
            elif child.type == "link_close" and dropped:
                unlinked, start = dropped.pop(), opened_at.pop()
                if unlinked is None:
                    children.append(child)
                    continue
                label = "".join(c.content for c in children[start:] if c.type == "text")
                if unlinked and unlinked != label:
                    children.append(text_token(f" ({unlinked})"))
                continue
            elif child.type == "image" and image is not None:
                source = str(child.attrGet("src") or "")
                rewritten = image(source)
                if rewritten is None:
                    children.append(text_token(f"[image not shown: {source}]"))
                    continue
                child.attrSet("src", rewritten)
            children.append(child)
        token.children = children
    return str(md.renderer.render(tokens, md.options, {}))


# ----------------------------------------------------------------------- Word

#: a run of text in a Word paragraph: (text, bold, italic)
Run = tuple[str, bool, bool]


def _runs(inline: Token) -> list[Run | None]:
    """The runs of an inline token; None stands for a line break."""
    runs: list[Run | None] = []
    bold = italic = False
    for child in inline.children or []:
        if child.type == "strong_open":
            bold = True
        elif child.type == "strong_close":
            bold = False
        elif child.type == "em_open":
            italic = True
        elif child.type == "em_close":
            italic = False
        elif child.type in ("text", "code_inline"):
            if child.content:
                runs.append((child.content, bold, italic))
        elif child.type in ("softbreak", "hardbreak"):  # line breaks are kept (see parser)
            runs.append(None)
        elif child.type == "image":
            runs.append((f"[image: {child.content or child.attrGet('src')}]", bold, italic))
    return runs


def docx_blocks(text: str) -> list[dict[str, Any]]:
    """Markdown as a list of blocks a Word writer can add in order:

    ``{"kind": "heading", "level": n, "runs": [...]}``, ``{"kind": "paragraph",
    "style": None | "List Bullet" | "List Number", "runs": [...], "role": None | "subhead"
    | "closing"}``, ``{"kind": "rule"}``, ``{"kind": "table", "rows": [[runs, ...], ...]}``
    (the first row is the header). ``role`` marks a lead-in line or a letter's closing
    words, which a Word writer keeps on the page of what follows.
    """
    tokens = parser().parse(text)
    blocks: list[dict[str, Any]] = []
    lists: list[str] = []
    table: list[list[list[Run | None]]] | None = None
    row: list[list[Run | None]] | None = None
    heading_level = 0
    for token in tokens:
        kind = token.type
        if kind == "bullet_list_open":
            lists.append("List Bullet")
        elif kind == "ordered_list_open":
            lists.append("List Number")
        elif kind in ("bullet_list_close", "ordered_list_close"):
            lists.pop()
        elif kind == "heading_open":
            heading_level = int(token.tag[1])
        elif kind == "heading_close":
            heading_level = 0
        elif kind == "hr":
            blocks.append({"kind": "rule"})
        elif kind == "table_open":
            table = []
        elif kind == "table_close":
            blocks.append({"kind": "table", "rows": table or []})
            table = None
        elif kind == "tr_open":
            row = []
        elif kind == "tr_close" and table is not None and row is not None:
            table.append(row)
            row = None
        elif kind == "inline":
            runs = _runs(token)
            if row is not None:
                row.append(runs)
            elif heading_level:
                blocks.append({"kind": "heading", "level": min(heading_level, 4), "runs": runs})
            else:
                role = None if lists else _paragraph_role(token)
                blocks.append({"kind": "paragraph", "style": lists[-1] if lists else None, "runs": runs, "role": role})
        elif kind in ("code_block", "fence"):
            runs = [(token.content.rstrip("\n"), False, False)]
            blocks.append({"kind": "paragraph", "style": None, "runs": runs, "role": None})
    return blocks
