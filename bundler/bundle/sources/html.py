"""An email's HTML made safe to lay out, kept as close as that allows to how a mail
program shows it.

Takes the HTML text of a body and a function that turns an image reference into what
to draw; gives HTML for the bundle page. The sanitiser is nh3 (ammonia): no scripts,
no style sheets, no forms or frames, links only to web, mail and phone addresses. Then
one pass over its (well-formed) output turns the old presentational attributes into
inline styles (colours, fonts, alignment), drops fixed widths that would run off the
page, refuses any style that could fetch, and hands every image to the caller: nothing
here ever fetches anything. A remote image or background is replaced by a visible
placeholder naming its address.
"""

from __future__ import annotations

import html as htmllib
import re
from collections.abc import Callable

import nh3

_TAGS = (set(nh3.ALLOWED_TAGS) | {"font", "center", "span", "div", "u", "s", "strike", "big", "small"}) - {
    "area",
    "map",
    "details",
    "summary",
}
_EVERYWHERE = {"style", "title", "dir", "lang", "align", "valign", "bgcolor", "width", "height", "background"}
_ATTRIBUTES = {
    "*": _EVERYWHERE,
    "a": {"href", "name"},
    "img": {"src", "alt"},
    "font": {"color", "face", "size"},
    "td": {"colspan", "rowspan", "nowrap"},
    "th": {"colspan", "rowspan", "nowrap", "scope"},
    "table": {"border", "cellpadding", "cellspacing"},
    "ol": {"start", "type", "reversed"},
    "ul": {"type"},
    "li": {"value"},
    "col": {"span"},
    "colgroup": {"span"},
    "hr": {"size", "noshade", "color"},
}
_STYLE_PROPERTIES = {
    "color",
    "background",
    "background-color",
    "background-image",
    "font",
    "font-family",
    "font-size",
    "font-style",
    "font-weight",
    "font-variant",
    "text-align",
    "text-decoration",
    "text-decoration-line",
    "text-decoration-style",
    "text-decoration-color",
    "text-indent",
    "text-transform",
    "vertical-align",
    "white-space",
    "letter-spacing",
    "word-spacing",
    "line-height",
    "direction",
    "unicode-bidi",
    "border",
    "border-top",
    "border-right",
    "border-bottom",
    "border-left",
    "border-color",
    "border-style",
    "border-width",
    "border-collapse",
    "border-spacing",
    "padding",
    "padding-top",
    "padding-right",
    "padding-bottom",
    "padding-left",
    "margin",
    "margin-top",
    "margin-right",
    "margin-bottom",
    "margin-left",
    "list-style-type",
    "list-style-position",
    "width",
    "height",
    "caption-side",
}
#: parts of a style value that could fetch, run or hide the real value (CSS escapes)
_UNSAFE_VALUE = re.compile(r"url\s*\(|image-set|expression|@import|\\|/\*", re.I)
_URL_IN_STYLE = re.compile(r"url\s*\(\s*['\"]?([^'\")]*)", re.I)
_SAFE_VALUE = re.compile(r"^[#\w\s,.%'\"()+-]*$")
_START_TAG = re.compile(r'<([a-zA-Z][a-zA-Z0-9]*)((?:\s+[^\s"\'<>/=]+(?:="[^"]*")?)*)\s*(/?)>')
_END_TAG = re.compile(r"</(font|center)\s*>", re.I)
_ATTRIBUTE = re.compile(r'([^\s"\'<>/=]+)(?:="([^"]*)")?')
_FONT_SIZES = {"1": "x-small", "2": "small", "3": "medium", "4": "large", "5": "x-large", "6": "xx-large", "7": "36pt"}
_LINK_SCHEMES = ("http:", "https:", "mailto:", "tel:", "#")
_VOID = {"img", "br", "hr", "col", "wbr"}

#: draws an image: (src, alt, width_px or None, height_px or None) -> HTML for it
ImageDrawer = Callable[[str, str, float | None, float | None], str]


def clean_html(text: str, draw_image: ImageDrawer) -> tuple[str, list[str]]:
    """Sanitised HTML for the page, and the remote addresses that were not fetched."""
    safe = nh3.clean(
        text,
        tags=_TAGS,
        clean_content_tags={"script", "style", "title", "template", "noscript", "object", "iframe", "select"},
        attributes=_ATTRIBUTES,
        url_schemes={"http", "https", "mailto", "tel", "cid", "data"},
        strip_comments=True,
        link_rel=None,
        filter_style_properties=_STYLE_PROPERTIES,
    )
    remote: list[str] = []
    restyled = _START_TAG.sub(lambda m: _tag(m, draw_image, remote), safe)
    restyled = _END_TAG.sub(lambda m: "</span>" if m.group(1).lower() == "font" else "</div>", restyled)
    return restyled, remote


def remote_placeholder(what: str, url: str) -> str:
    return f'<span class="remote-content">[{htmllib.escape(what)} not fetched: {htmllib.escape(url)}]</span>'


def _tag(match: re.Match[str], draw_image: ImageDrawer, remote: list[str]) -> str:
    tag = match.group(1).lower()
    attrs = {name.lower(): htmllib.unescape(value or "") for name, value in _ATTRIBUTE.findall(match.group(2))}
    styles, fetching = _declarations(attrs.pop("style", ""))
    background = attrs.pop("background", "")
    if background:
        fetching.append(background)
    if tag == "img":
        sized = {**{p: v for p, v in styles if p in ("width", "height")}, **attrs}
        return draw_image(attrs.get("src", ""), attrs.get("alt", ""), _pixels(sized, "width"), _pixels(sized, "height"))
    styles += _presentational(tag, attrs)
    # a fixed width or height would run off the page (a 900 px table is wider than A4):
    # only shares of the width are kept
    styles = [(p, v) for p, v in styles if p not in ("width", "height") or (p == "width" and v.strip().endswith("%"))]
    out = {"font": "span", "center": "div"}.get(tag, tag)
    if tag == "center":
        styles.append(("text-align", "center"))
    keep = {
        name: value
        for name, value in attrs.items()
        if name
        in (
            "href",
            "name",
            "title",
            "dir",
            "lang",
            "colspan",
            "rowspan",
            "scope",
            "start",
            "type",
            "reversed",
            "value",
            "span",
        )
    }
    href = keep.get("href")
    if href is not None and not href.strip().lower().startswith(_LINK_SCHEMES):
        del keep["href"]
    if tag == "table" and attrs.get("border", "0").strip() not in ("", "0"):
        keep["class"] = "bordered"
    if styles:
        keep["style"] = "; ".join(f"{p}: {v}" for p, v in styles)
    rendered = "".join(f' {name}="{htmllib.escape(value)}"' for name, value in keep.items())
    start = f"<{out}{rendered}>"
    notes = ""
    for url in fetching:
        remote.append(url)
        notes += remote_placeholder("Background image", url)
    return start + notes if tag not in _VOID else start


def _declarations(style: str) -> tuple[list[tuple[str, str]], list[str]]:
    """A style attribute as (property, value) pairs that cannot fetch anything; and the
    addresses of the images it named, which are not fetched."""
    kept, fetching = [], []
    for declaration in style.split(";"):
        prop, _, value = declaration.partition(":")
        prop, value = prop.strip().lower(), value.strip()
        if not prop or not value:
            continue
        if _UNSAFE_VALUE.search(value):
            fetching += [u.strip() for u in _URL_IN_STYLE.findall(value) if u.strip()]
            continue
        if _SAFE_VALUE.match(value) and not prop.startswith("background-image"):
            kept.append((prop, value))
    return kept, fetching


def _presentational(tag: str, attrs: dict[str, str]) -> list[tuple[str, str]]:
    """What the old HTML attributes asked for, as styles (only plain values kept)."""
    styles = []
    if attrs.get("bgcolor"):
        styles.append(("background-color", attrs["bgcolor"]))
    if attrs.get("color") and tag in ("font", "hr"):
        styles.append(("color", attrs["color"]))
    if attrs.get("face") and tag == "font":
        styles.append(("font-family", attrs["face"]))
    if attrs.get("size") in _FONT_SIZES and tag == "font":
        styles.append(("font-size", _FONT_SIZES[attrs["size"]]))
    align = attrs.get("align", "").strip().lower()
    if align in ("left", "right", "center", "justify"):
        if tag == "table" and align == "center":
            styles += [("margin-left", "auto"), ("margin-right", "auto")]
        elif tag != "table":
            styles.append(("text-align", align))
    valign = attrs.get("valign", "").strip().lower()
    if valign in ("top", "middle", "bottom", "baseline"):
        styles.append(("vertical-align", valign))
    if "nowrap" in attrs:
        styles.append(("white-space", "nowrap"))
    width = attrs.get("width", "").strip()
    if tag in ("td", "th", "col", "colgroup", "table") and re.fullmatch(r"\d{1,3}%", width):
        styles.append(("width", width))
    return [(p, v) for p, v in styles if _SAFE_VALUE.match(v) and not _UNSAFE_VALUE.search(v)]


def _pixels(attrs: dict[str, str], name: str) -> float | None:
    found = re.fullmatch(r"\s*(\d{1,5}(?:\.\d+)?)\s*(?:px)?\s*", attrs.get(name, ""))
    return float(found.group(1)) if found and float(found.group(1)) > 0 else None
