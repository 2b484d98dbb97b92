"""A source PDF made safe and faithful to show: the pages as its own default view shows
them, and nothing that can act.

Takes a PDF from the case (a document, an email's attachment, an office document
converted to PDF); gives a ``pikepdf.Pdf`` ready to be placed into the bundle, and a
``SourceReport`` saying what was changed and why:

* opened (``bundler.case.pdfs.open_pdf``) with an empty password where it is encrypted
  that way, and refused, naming the file, where a password is needed or it is damaged;
* optional content (layers) shown as the document's default view shows it: content in a
  layer that is off by default is left out, so a hidden "staff note" stays hidden;
* filled form fields drawn with their values, and every annotation with an appearance
  flattened into the page as it is displayed;
* nothing that can act survives: document and page JavaScript, open and additional
  actions, launch, submit-form, import-data and remote go-to actions, embedded files,
  3D and rich media. Only links to a page of the same document and plain ``https:``
  links stay (``links``); the report lists what was removed, and ``strict`` makes any
  removal a refusal;
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


def _flatten_optional_content(pdf: pikepdf.Pdf) -> int:
    """Leave out what is off in the default view; drop the layer markers. Returns how many
    marked sections, images, forms and annotations were left out."""
    if "/OCProperties" not in pdf.Root:
        return 0
    hidden, _ = _visibility(pdf)
    removed = 0
    done: set[tuple[int, int]] = set()
    for page in pdf.pages:
        removed += _filter_content(pdf, page.obj, hidden, done, is_page=True)
        annots = page.obj.get("/Annots")
        if isinstance(annots, Array):
            keep = [a for a in annots if not _is_hidden(a.get("/OC"), hidden)]
            removed += len(annots) - len(keep)
            page.obj.Annots = Array(keep)
    del pdf.Root["/OCProperties"]
    return removed


def _filter_content(
    pdf: pikepdf.Pdf, owner: Any, hidden: set[tuple[int, int]], done: set[tuple[int, int]], *, is_page: bool
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
    for _, xobject in xobjects.items() if isinstance(xobjects, Dictionary) else []:
        if isinstance(xobject, pikepdf.Stream) and xobject.get("/Subtype") == Name.Form:
            removed += _filter_content(pdf, xobject, hidden, done, is_page=False)
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
        fields = len(acroform.get("/Fields", Array()))
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
    pdf.flatten_annotations("all")
    if fields:
        report.notes.append(f"{fields} form field(s) drawn with the values they hold")
    if "/AcroForm" in pdf.Root:
        del pdf.Root["/AcroForm"]


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
