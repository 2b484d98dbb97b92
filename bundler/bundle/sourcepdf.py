"""A source PDF made safe and faithful to show: the pages as its own default view shows
them, and nothing that can act.

Takes a PDF from the case (a document, an email's attachment, an office document
converted to PDF); gives a ``pikepdf.Pdf`` ready to be placed into the bundle, and a
``SourceReport`` saying what was changed and why:

* opened (``bundler.case.pdfs.open_pdf``) with an empty password where it is encrypted
  that way, and refused, naming the file, where a password is needed or it is damaged;
* optional content (layers) shown as the document's default view shows it: content in a
  layer that is off by default is left out of the file (page content, forms, images,
  annotations and what their appearances draw; groups, membership policies and
  visibility expressions), so a hidden "staff note" stays hidden;
* filled form fields drawn with their values, and every annotation with an appearance
  flattened into the page as a viewer displays it (hidden and no-view ones stay unseen);
  what a viewer would show that the page cannot (a sticky note's text, an annotation
  with no appearance) is named, with its text, in the report;
* nothing that can act survives: document and page JavaScript, open and additional
  actions, launch, submit-form, import-data and remote go-to actions, embedded files,
  3D and rich media, including any tucked into a page's resources (which the bundle
  copies with the page). Only links to a page of the same document and plain
  ``https:`` links stay (``page_links``); the report lists what was removed, and
  ``strict`` makes any removal, links included, a refusal.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pikepdf
from pikepdf import Array, Dictionary, Name

from ..errors import BundleError

__all__ = ["SourceReport", "Link", "prepare_source", "page_links"]

#: action types that can do something other than move within the document
_ACTIVE_ACTIONS = {
    "/Launch": "an action that starts a program",
    "/JavaScript": "JavaScript",
    "/SubmitForm": "an action that sends form data",
    "/ResetForm": "an action that resets the form",
    "/ImportData": "an action that imports data",
    "/GoToR": "a link to another file",
    "/GoToE": "a link into an embedded file",
    "/Rendition": "a media action",
    "/Movie": "a media action",
    "/Sound": "a media action",
    "/Hide": "an action that hides fields",
    "/SetOCGState": "an action that switches layers",
    "/Trans": "a transition action",
    "/GoTo3DView": "a 3D action",
}
_ACTIVE_ANNOTATIONS = {
    "/RichMedia": "rich media",
    "/3D": "a 3D model",
    "/Movie": "a movie",
    "/Screen": "media",
    "/Sound": "a sound",
    "/FileAttachment": "an attached file",
}


@dataclass
class SourceReport:
    """What preparing a source PDF changed, in words for the build's report."""

    label: str
    removed: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        out = [f"{self.label}: removed {item}" for item in dict.fromkeys(self.removed)]
        return out + [f"{self.label}: {note}" for note in dict.fromkeys(self.notes)]


@dataclass(frozen=True)
class Link:
    """A link that survives: to a page of the same document, or to an https: address."""

    rect: tuple[float, float, float, float]  # in the source page's user space
    page: int | None = None  # 0-based page of the same document
    uri: str | None = None


def prepare_source(pdf: pikepdf.Pdf, label: str, *, strict: bool = False) -> SourceReport:
    """Make a source PDF safe and faithful in place (see the module docstring)."""
    report = SourceReport(label)
    _document_actions(pdf, report)
    hidden = _flatten_optional_content(pdf)
    if hidden:
        report.notes.append(
            f"left out {hidden} item(s) in layers that are off in the document's own view (as a reader of it sees it)"
        )
    _flatten_forms_and_annotations(pdf, report)
    for page in pdf.pages:
        if "/AA" in page.obj:
            del page.obj["/AA"]
            report.removed.append("actions that run when a page opens or closes")
    _scrub_resources(pdf, report)
    if strict:
        # links are kept or dropped as each page is placed (``page_links``); strict
        # refuses a disallowed one here, before anything is placed
        probe = SourceReport(label)
        for index in range(len(pdf.pages)):
            page_links(pdf, index, probe)
        report.removed += probe.removed
    if strict and report.removed:
        raise BundleError(
            f"{label}: holds active content ({', '.join(dict.fromkeys(report.removed))}); "
            "--strict-sources refuses it: remove it, or build without --strict-sources to strip it"
        )
    return report


# ----------------------------------------------------------------------- actions


def _document_actions(pdf: pikepdf.Pdf, report: SourceReport) -> None:
    root = pdf.Root
    if "/OpenAction" in root:
        action = root.OpenAction
        if isinstance(action, Dictionary) and action.get("/S") in _ACTIVE_ACTIONS:
            report.removed.append(_ACTIVE_ACTIONS[str(action.get("/S"))] + " that runs when the file opens")
        del root["/OpenAction"]
    if "/AA" in root:
        del root["/AA"]
        report.removed.append("actions that run when the file opens, prints or closes")
    names = root.get("/Names")
    if isinstance(names, Dictionary):
        if "/JavaScript" in names:
            del names["/JavaScript"]
            report.removed.append("JavaScript (document level)")
        if "/EmbeddedFiles" in names:
            for filename in _embedded_names(names.EmbeddedFiles):
                report.removed.append(f"an embedded file '{filename}'")
            del names["/EmbeddedFiles"]
    for key in ("/Threads", "/AcroForm"):
        if key == "/AcroForm":
            continue  # form fields are flattened below; the form goes with them
        if key in root:
            del root[key]


def _embedded_names(tree: Any) -> list[str]:
    out: list[str] = []
    if not isinstance(tree, Dictionary):
        return out
    names = tree.get("/Names")
    if isinstance(names, Array):
        out += [str(names[i]) for i in range(0, len(names), 2)]
    kids = tree.get("/Kids")
    if isinstance(kids, Array):
        for kid in kids:
            out += _embedded_names(kid)
    return out


#: keys that make an object act or carry a file, wherever they are
_ACTIVE_KEYS = {
    "/AA": "actions on an object in the page's resources",
    "/JS": "JavaScript",
    "/OpenAction": "an action that runs when the file opens",
    "/RichMediaContent": "rich media",
    "/3DD": "a 3D model",
}
#: what resources never refer to: the page tree and the document itself
_STRUCTURE = {"/Page", "/Pages", "/Catalog"}


def _scrub_resources(pdf: pikepdf.Pdf, report: SourceReport) -> None:
    """Empty anything in a page's resources (what the bundle copies with the page) that
    could act or carry a file: actions, scripts, embedded files, media. A viewer never
    runs them there, but nothing from a source that can act goes into the bundle, even
    unreachable; references to the page tree or catalog are cut, so no copy of the
    resources drags the rest of the file along."""
    seen: set[tuple[int, int]] = set()
    stack = [page.obj.get(key) for page in pdf.pages for key in ("/Resources", "/Group")]
    while stack:
        obj = stack.pop()
        if not isinstance(obj, Dictionary | pikepdf.Stream | Array):
            continue
        if obj.is_indirect:
            if obj.objgen in seen:
                continue
            seen.add(obj.objgen)
        if isinstance(obj, Array):
            stack += list(obj)
            continue
        if obj.get("/Type") == Name.EmbeddedFile and isinstance(obj, pikepdf.Stream):
            obj.write(b"")
            report.removed.append("an embedded file")
        action = str(obj.get("/S", ""))
        if action in _ACTIVE_ACTIONS or (action == "/URI" and "/URI" in obj):
            report.removed.append(_ACTIVE_ACTIONS.get(action, "a link kept in the page's resources"))
            for key in list(obj.keys()):
                del obj[key]
            continue
        for key in list(obj.keys()):
            value = obj[key]
            if key in _ACTIVE_KEYS:
                report.removed.append(_ACTIVE_KEYS[key])
                del obj[key]
            elif key == "/EF":
                name = obj.get("/UF", obj.get("/F", ""))
                report.removed.append(f"an embedded file '{name}'" if name else "an embedded file")
                del obj[key]
            elif isinstance(value, Dictionary) and value.get("/Type") in _STRUCTURE and key != "/Parent":
                del obj[key]
            elif key != "/Parent":
                stack.append(value)


# ----------------------------------------------------------------------- optional content


def _visibility(pdf: pikepdf.Pdf) -> tuple[set[tuple[int, int]], set[tuple[int, int]]]:
    """The optional content groups off, and on, in the document's default configuration."""
    props = pdf.Root.get("/OCProperties")
    if not isinstance(props, Dictionary):
        return set(), set()
    groups = [g for g in props.get("/OCGs", Array()) if isinstance(g, Dictionary)]
    default = props.get("/D", Dictionary())
    base_off = default.get("/BaseState") == Name.OFF
    on = {g.objgen for g in default.get("/ON", Array()) if isinstance(g, Dictionary)}
    off = {g.objgen for g in default.get("/OFF", Array()) if isinstance(g, Dictionary)}
    all_groups = {g.objgen for g in groups}
    hidden = (all_groups - on) if base_off else off
    return hidden, all_groups - hidden


def _is_hidden(oc: Any, hidden: set[tuple[int, int]]) -> bool:
    """Whether an optional content group or membership dictionary is off."""
    if not isinstance(oc, Dictionary):
        return False
    if oc.get("/Type") == Name.OCMD:
        expression = oc.get("/VE")
        if isinstance(expression, Array) and len(expression):
            return not _expression_visible(expression, hidden, 0)  # VE takes precedence over /P
        members = oc.get("/OCGs")
        groups = [members] if isinstance(members, Dictionary) else list(members or [])
        states = [g.objgen not in hidden for g in groups if isinstance(g, Dictionary)]
        if not states:
            return False
        policy = str(oc.get("/P", Name.AnyOn))
        visible = {
            "/AllOn": all(states),
            "/AnyOff": not all(states),
            "/AllOff": not any(states),
        }.get(policy, any(states))
        return not visible
    return oc.objgen in hidden


def _expression_visible(expression: Any, hidden: set[tuple[int, int]], depth: int) -> bool:
    """A visibility expression: a group, or [/And|/Or|/Not operand ...]."""
    if isinstance(expression, Dictionary):
        return expression.objgen not in hidden
    if not isinstance(expression, Array) or not len(expression) or depth > 32:
        return True
    operator = str(expression[0])
    operands = [_expression_visible(e, hidden, depth + 1) for e in list(expression)[1:]]
    if operator == "/Not":
        return not operands[0] if operands else True
    if operator == "/And":
        return all(operands)
    return any(operands) if operands else True


def _flatten_optional_content(pdf: pikepdf.Pdf) -> int:
    """Leave out what is off in the default view; drop the layer markers. Returns how many
    marked sections, images, forms and annotations were left out."""
    if "/OCProperties" not in pdf.Root:
        return 0
    hidden, _ = _visibility(pdf)
    removed = 0
    done: set[tuple[int, int]] = set()
    doomed: list[tuple[Any, str]] = []
    for page in pdf.pages:
        removed += _filter_content(pdf, page.obj, hidden, done, doomed, is_page=True)
        annots = page.obj.get("/Annots")
        if isinstance(annots, Array):
            keep = [a for a in annots if not (isinstance(a, Dictionary) and _is_hidden(a.get("/OC"), hidden))]
            removed += len(annots) - len(keep)
            page.obj.Annots = Array(keep)
            for annot in keep:
                for appearance in _appearances(annot):
                    removed += _filter_content(pdf, appearance, hidden, done, doomed, is_page=False)
    for xobjects, name in doomed:
        if name in xobjects:
            del xobjects[name]
    del pdf.Root["/OCProperties"]
    return removed


def _appearances(annot: Any) -> list[Any]:
    """The normal appearance stream(s) of an annotation (one, or one per state)."""
    ap = annot.get("/AP") if isinstance(annot, Dictionary) else None
    normal = ap.get("/N") if isinstance(ap, Dictionary) else None
    if isinstance(normal, pikepdf.Stream):
        return [normal]
    if isinstance(normal, Dictionary):
        return [v for _, v in normal.items() if isinstance(v, pikepdf.Stream)]
    return []


def _filter_content(
    pdf: pikepdf.Pdf,
    owner: Any,
    hidden: set[tuple[int, int]],
    done: set[tuple[int, int]],
    doomed: list[tuple[Any, str]],
    *,
    is_page: bool,
) -> int:
    """Rewrite one content stream (a page's or a form's) without its hidden sections."""
    key = owner.objgen
    if key in done:
        return 0
    done.add(key)
    resources = owner.get("/Resources", Dictionary())
    properties = resources.get("/Properties", Dictionary()) if isinstance(resources, Dictionary) else Dictionary()
    xobjects = resources.get("/XObject", Dictionary()) if isinstance(resources, Dictionary) else Dictionary()
    removed = 0
    for name, xobject in xobjects.items() if isinstance(xobjects, Dictionary) else []:
        if isinstance(xobject, pikepdf.Stream) and _is_hidden(xobject.get("/OC"), hidden):
            doomed.append((xobjects, name))  # off wherever it is drawn: it goes, once every page is done
        elif isinstance(xobject, pikepdf.Stream) and xobject.get("/Subtype") == Name.Form:
            removed += _filter_content(pdf, xobject, hidden, done, doomed, is_page=False)
    source = pikepdf.Page(owner) if is_page else owner
    out = []
    stack: list[tuple[bool, bool]] = []  # per open marked section: (drop its markers, hidden inside)
    changed = False
    for instruction in pikepdf.parse_content_stream(source):
        operands, operator = instruction.operands, instruction.operator
        op = str(operator)
        inside_hidden = any(hides for _, hides in stack)
        if op in ("BDC", "BMC"):
            is_oc = op == "BDC" and len(operands) == 2 and operands[0] == Name("/OC")
            hides = inside_hidden
            if is_oc:
                prop: Any = operands[1]
                if isinstance(prop, Name):
                    prop = properties.get(prop) if isinstance(properties, Dictionary) else None
                hides = hides or _is_hidden(prop, hidden)
                if hides and not inside_hidden:
                    removed += 1
            stack.append((is_oc or inside_hidden, hides))
            if is_oc or inside_hidden:
                changed = True  # the layer marker goes; hidden content goes with it
                continue
        elif op == "EMC":
            drop, _ = stack.pop() if stack else (False, False)
            if drop:
                continue
        elif inside_hidden:
            continue
        elif op == "Do" and operands and isinstance(xobjects, Dictionary):
            drawn: Any = xobjects.get(str(operands[0]))
            if isinstance(drawn, pikepdf.Stream) and _is_hidden(drawn.get("/OC"), hidden):
                removed += 1
                changed = True
                continue
        out.append(instruction)
    if changed:
        data = pikepdf.unparse_content_stream(out)
        if is_page:
            owner.Contents = pdf.make_stream(data)
        else:
            owner.write(data)
    return removed


# ----------------------------------------------------------------------- forms and annotations


def _flatten_forms_and_annotations(pdf: pikepdf.Pdf, report: SourceReport) -> None:
    """Draw every visible annotation (form fields with their values, stamps, ink) into its
    page; keep links apart (``page_links``), drop whatever can act."""
    acroform = pdf.Root.get("/AcroForm")
    fields = 0
    if isinstance(acroform, Dictionary):
        listed = acroform.get("/Fields")
        fields = len(listed) if isinstance(listed, Array) else 0
        if "/XFA" in acroform:
            report.notes.append("an XFA form was shown by its fallback (AcroForm) appearance")
            del acroform["/XFA"]
        try:
            pdf.generate_appearance_streams()
        except pikepdf.PdfError:
            pass  # fields keep the appearance the file gives them
    for page in pdf.pages:
        annots = page.obj.get("/Annots")
        if not isinstance(annots, Array):
            continue
        keep = []
        for annot in annots:
            if not isinstance(annot, Dictionary):
                continue
            subtype = str(annot.get("/Subtype", ""))
            if subtype in _ACTIVE_ANNOTATIONS:
                report.removed.append(_ACTIVE_ANNOTATIONS[subtype])
                continue
            for key in ("/AA", "/A"):
                action = annot.get(key)
                if key == "/AA" and action is not None:
                    del annot["/AA"]
                    report.removed.append("actions on an annotation")
                elif key == "/A" and isinstance(action, Dictionary) and subtype != "/Link":
                    del annot["/A"]
                    if action.get("/S") in _ACTIVE_ACTIONS:
                        report.removed.append(_ACTIVE_ACTIONS[str(action.get("/S"))])
            keep.append(annot)
        page.obj.Annots = Array(keep)
    # "screen": as a viewer displays the page (hidden and no-view annotations stay unseen)
    _unshown_annotations(pdf, report, comments=True)
    pdf.flatten_annotations("screen")
    _unshown_annotations(pdf, report, comments=False)
    if fields:
        report.notes.append(f"{fields} form field(s) drawn with the values they hold")
    if "/AcroForm" in pdf.Root:
        del pdf.Root["/AcroForm"]


#: annotation flags that keep an annotation off the screen: invisible, hidden, no view
_NOT_SHOWN = 1 | 2 | 32
_ANNOTATION_WORDS = {"/Text": "a comment (sticky note)", "/FreeText": "a text box", "/Widget": "a form field"}


def _unshown_annotations(pdf: pikepdf.Pdf, report: SourceReport, *, comments: bool) -> None:
    """What of an annotation the bundle cannot show, named with its text in the report:
    a sticky note's text (``comments``, before flattening: a viewer shows it in a pop-up,
    the page shows at most the icon), and, after flattening, any annotation left with no
    appearance to draw (a field never drawn, a mark with no appearance)."""
    for number, page in enumerate(pdf.pages, 1):
        annots = page.obj.get("/Annots")
        for annot in annots if isinstance(annots, Array) else []:
            if not isinstance(annot, Dictionary):
                continue
            subtype = str(annot.get("/Subtype", ""))
            try:
                flags = int(annot.get("/F", 0))
            except (TypeError, ValueError):
                flags = 0
            if subtype in ("/Link", "/Popup") or flags & _NOT_SHOWN or (subtype == "/Text") != comments:
                continue
            text = annot.get("/V") if subtype == "/Widget" else annot.get("/Contents")
            said = " ".join(str(text).split())[:120] if isinstance(text, pikepdf.String | Name) else ""
            if comments:
                if said:
                    report.notes.append(f"page {number}: the text of a comment (sticky note) is not shown: '{said}'")
                continue
            what = _ANNOTATION_WORDS.get(subtype, f"an annotation ({subtype.lstrip('/') or 'of no type'})")
            report.notes.append(
                f"page {number}: {what} has no appearance of its own and is not shown"
                + (f" (it reads: '{said}')" if said else "")
            )


def page_links(
    pdf: pikepdf.Pdf, page_index: int, report: SourceReport, *, internal: tuple[str, ...] = ()
) -> list[Link]:
    """The links on a page that may stay (same document, https:, or a URI starting with
    one of ``internal``: the bundle's own cross-references), in the page's own
    coordinates; every other link is reported as removed."""
    page = pdf.pages[page_index]
    annots = page.obj.get("/Annots")
    links: list[Link] = []
    if not isinstance(annots, Array):
        return links
    page_numbers: dict[tuple[int, int], int] = {p.obj.objgen: i for i, p in enumerate(pdf.pages)}
    for annot in annots:
        if not isinstance(annot, Dictionary) or annot.get("/Subtype") != Name.Link:
            continue
        try:
            x0, y0, x1, y1 = (float(v) for v in annot.Rect)
        except (AttributeError, TypeError, ValueError):
            continue
        rect = (min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1))
        action = annot.get("/A")
        dest = annot.get("/Dest")
        if isinstance(action, Dictionary):
            kind = str(action.get("/S", ""))
            if kind == "/URI":
                uri = str(action.get("/URI", ""))
                if uri.lower().startswith("https://") or (internal and uri.startswith(internal)):
                    links.append(Link(rect, uri=uri))
                else:
                    report.removed.append(f"a link to '{uri[:80]}' (only https: links are kept)")
                continue
            if kind == "/GoTo":
                dest = action.get("/D")
            else:
                report.removed.append(_ACTIVE_ACTIONS.get(kind, f"a link action {kind}"))
                continue
        target = _dest_page(pdf, dest, page_numbers)
        if target is not None:
            links.append(Link(rect, page=target))
    return links


def _dest_page(pdf: pikepdf.Pdf, dest: Any, page_numbers: dict[tuple[int, int], int]) -> int | None:
    if isinstance(dest, pikepdf.String | Name):
        dest = _named_dest(pdf, str(dest))
    if isinstance(dest, Dictionary):
        dest = dest.get("/D")
    if isinstance(dest, Array) and len(dest) and isinstance(dest[0], Dictionary):
        return page_numbers.get(dest[0].objgen)
    return None


def _named_dest(pdf: pikepdf.Pdf, name: str) -> Any:
    names = pdf.Root.get("/Names")
    dests = names.get("/Dests") if isinstance(names, Dictionary) else None
    if dests is not None:
        try:
            tree = pikepdf.NameTree(dests)
            if name in tree:
                return tree[name]
        except (TypeError, ValueError, pikepdf.PdfError):
            return None
    old = pdf.Root.get("/Dests")
    if isinstance(old, Dictionary):
        return old.get(Name("/" + name.lstrip("/")))
    return None
