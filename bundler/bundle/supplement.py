"""A supplementary bundle: what a case gained after its bundle was served, added at the end.

Takes the case folder and the bundle as served; gives a new PDF that holds every served
page exactly as it was (the same content digests, ``digest``), followed by the
supplement: its own index (what is new, what each document replaces, dated) and the new
and replaced documents, numbered on from the served bundle's last page, as the courts'
guidance on e-bundles asks once a bundle has been served. Nothing served is renumbered
or removed: a document that left the case folder is listed, its served pages stand.

The served bundle must verify against its own manifest first; the supplement is built
on its first revision (the pages as bundler wrote them, before any signature). The new
manifest records the chain: the served bundle's pages and digests, then each supplement's
range, so that ``bundler verify`` checks the served part and every supplement, and fails
when a served page changes. A pack stays a pack: the supplement to a parent's pack adds
only what that pack would show, and lists what it withholds.

What is compared with the served bundle: each document's file (sha256), the register
(``attendance.csv``: a changed register adds replacement attendance evidence), and the
witness statement (a signed statement replaces a served draft). The supplement is dated
the day it is built (``SOURCE_DATE_EPOCH`` sets the date, for reproducible builds).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pikepdf

from .. import __version__, figures
from ..case.load import Limits
from ..errors import BundleError
from ..output import atomic_write_with
from ..present.service import service_words
from .assemble import _attach, _link, _outline, _place_all, _stamp, check_entry, document_entry, file_entries
from .court import CourtFile, CourtOptions
from .digest import Digester
from .evidence import attendance_part
from .manifest import CASE_DATA_NAME, MANIFEST_NAME, case_json, revisions, verify_bundle
from .ocr import OcrSettings, recognise, scans_on_page, tesseract_version
from .parts import document_part, render_page
from .plan import BuildResult, Part, Section, batches
from .portal import size_warning
from .render import BatchJob, Renderer, RenderJob, default_cache_dir
from .sourcepdf import SourceReport

__all__ = ["build_supplement", "supplement_date"]

_OWN = frozenset({MANIFEST_NAME, CASE_DATA_NAME})


def supplement_date() -> dt.date:
    """The supplement's date: today, or ``SOURCE_DATE_EPOCH``'s day when it is set."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.isdigit():
        return dt.datetime.fromtimestamp(int(epoch), tz=dt.UTC).date()
    return dt.date.today()


def _served(path: Path, draft: bool) -> tuple[bytes, dict[str, Any]]:
    """The served bundle's first revision and its manifest; refuses one that does not verify."""
    if not path.is_file():
        raise BundleError(f"--supplement-to {path}: no such file")
    check = verify_bundle(path)
    if not check.ok:
        raise BundleError(
            f"{path}: the served bundle does not verify, so nothing can be added to it: " + "; ".join(check.messages)
        )
    if check.manifest.get("draft") and not draft:
        raise BundleError(f"{path}: the served bundle is a draft; build a new bundle instead of supplementing a draft")
    problems = _malformed(check.manifest)
    if problems:
        raise BundleError(f"{path}: its manifest cannot be added to ({'; '.join(problems)})")
    data = path.read_bytes()
    return data[: revisions(data)[0]], check.manifest


def _malformed(manifest: dict[str, Any]) -> list[str]:
    """What in a served manifest the supplement cannot rely on (verify checks the rest)."""
    problems = []
    for d in manifest["documents"]:
        if not (
            isinstance(d, dict)
            and isinstance(d.get("key"), str)
            and all(isinstance(d.get(k), int) for k in ("first_page", "last_page"))
            and all(isinstance(d.get(k, ""), str) for k in ("tab", "title", "section"))
        ):
            problems.append("a document entry without its key, tab, title or pages")
            break
    court = manifest.get("court", {})
    if not isinstance(court, dict):
        problems.append("its court record is not an object")
    else:
        for name in ("exhibits", "supplement_exhibits", "withheld"):
            entries = court.get(name) or []
            if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
                problems.append(f"its {name} are not a list of entries")
        if not isinstance(court.get("options", {}), dict):
            problems.append("its build options are not an object")
    chain = manifest.get("chain")
    if chain is not None and (
        not isinstance(chain, list) or not all(isinstance(c, dict) and isinstance(c.get("kind"), str) for c in chain)
    ):
        problems.append("its chain of supplements is damaged")
    return problems


def _next_letter(manifest: dict[str, Any]) -> str:
    letters = [d.get("section", "A") for d in manifest.get("documents", []) if isinstance(d, dict)]
    last = max((s for s in letters if isinstance(s, str) and len(s) == 1 and s.isalpha()), default="I")
    if last >= "Z":
        raise BundleError("the served bundle uses every section letter: no supplement section can follow it")
    return chr(ord(last) + 1)


def _changes(court: CourtFile, manifest: dict[str, Any]) -> tuple[list[tuple[Any, str]], list[dict[str, Any]]]:
    """(what to add, and what it replaces), and the served documents no longer in the case."""
    served = {d["key"]: d for d in manifest["documents"] if isinstance(d, dict) and "key" in d}
    inputs = {f.get("path"): f.get("sha256") for f in manifest.get("inputs", []) if isinstance(f, dict)}
    sha = {f.path: f.sha256 for f in court.case.files}
    added: list[tuple[Any, str]] = []

    def replaces(old: dict[str, Any]) -> str:
        pages = (
            f"page {old['first_page']}"
            if old["first_page"] == old["last_page"]
            else f"pages {old['first_page']}-{old['last_page']}"
        )
        return f"replaces {old.get('tab', '')} {old.get('title', '')} ({pages})"

    if sha.get("attendance.csv") != inputs.get("attendance.csv") and "attendance" in served:
        added.append(("attendance", replaces(served["attendance"])))
    if court.signed is not None:
        old = served.get(court.signed.path)
        if old is None:
            draft = served.get("statement")
            added.append((court.signed, replaces(draft) if draft else "new"))
        elif old.get("sha256") != sha.get(court.signed.path):
            added.append((court.signed, replaces(old)))
    for doc in court.documents:
        old = served.get(doc.path)
        if old is None:
            added.append((doc, "new"))
        elif old.get("sha256") != sha.get(doc.path):
            added.append((doc, replaces(old)))
    gone = [d for key, d in served.items() if key.startswith("documents/") and key not in sha]
    return added, gone


def build_supplement(
    folder: str | os.PathLike[str],
    output: str | os.PathLike[str],
    served_pdf: str | os.PathLike[str],
    *,
    draft: bool = False,
    profile: str | None = None,
    limits: Limits | None = None,
    progress: Callable[[str], None] | None = None,
    cache_dir: Path | None | bool = True,
    strict_sources: bool = False,
    statement: bool | None = None,
    witness: str | None = None,
    parent: str | None = None,
    ocr: bool = True,
    overwrite: bool = True,
) -> BuildResult:
    """Write ``output``: the served bundle's pages unchanged, then the supplement (a
    pack's supplement is that parent's pack: ``parent``, when given, must be it). Scans
    among the new documents get their text recognised (``ocr``), as in any bundle."""
    from .build import checked_case, refuse_output_inside, save

    limits = limits or Limits()
    note = progress or (lambda message: None)
    root, out, served_path = Path(folder), Path(output), Path(served_pdf)
    refuse_output_inside(root, out)
    if out.resolve() == served_path.resolve():
        raise BundleError(f"{out}: the supplement must be written to a new file, not over the served bundle")
    if not overwrite and out.exists():
        raise BundleError(f"{out} already exists: it is not replaced without --force; give --force, or -o another file")
    note("checking the served bundle")
    served_bytes, manifest = _served(served_path, draft)
    case, result = checked_case(root, limits, profile, draft)
    if manifest.get("case_id") != case.case.case_id:
        raise BundleError(
            f"{served_path}: it is the bundle of case {manifest.get('case_id')}, not of {case.case.case_id}"
        )
    court_record: dict[str, Any] = manifest["court"] if isinstance(manifest.get("court"), dict) else {}
    options: dict[str, Any] = court_record["options"] if isinstance(court_record.get("options"), dict) else {}
    if parent is not None and parent != options.get("parent"):
        served_for = f"the pack of {options['parent']}" if options.get("parent") else "the full bundle"
        raise BundleError(f"--parent {parent}: {served_path} is {served_for}; its supplement is too")
    served_exhibits = [*court_record.get("exhibits", []), *court_record.get("supplement_exhibits", [])]
    served_refs = {e["key"]: e["ref"] for e in served_exhibits if isinstance(e, dict) and e.get("ref")}
    had_statement = court_record.get("statement") is not None
    court = CourtFile.plan(
        case,
        result,
        limits,
        CourtOptions(
            parent=options.get("parent"),
            statement=statement if statement is not None else had_statement,
            witness=witness or options.get("witness"),
            served_exhibits=served_refs,
        ),
    )
    added, gone = _changes(court, manifest)
    if not added:
        raise BundleError(
            f"{root}: nothing to add to {served_path}: every document of the case is in it unchanged"
            + (f" ({len(gone)} served document(s) are no longer in the case folder; their pages stand)" if gone else "")
        )
    chain = list(manifest.get("chain") or [_link_of(manifest, served_bytes)])
    number = sum(1 for c in chain if c.get("kind") == "supplement") + 1
    when = supplement_date()
    letter = _next_letter(manifest)
    first = int(manifest["pages"])

    parts: list[Part] = []
    what: dict[str, str] = {}
    for item, words in added:
        if item == "attendance":
            part = attendance_part(case, result)
        else:
            part = document_part(item, case, letter, limits)
        part.section = letter
        part.exhibit = court.refs.get(part.key)
        if part.doc is not None:
            part.addressee = service_words(part.doc.meta, case.case)
        what[part.key] = words
        parts.append(part)
    index = Part(key=f"supplement-{number}", section=letter, title=f"Index of supplement {number}", date=when)
    section = Section(letter, f"Supplement {number}, {figures.long_date(when)}", [index, *parts])
    for n, part in enumerate(section.parts, 1):
        part.tab = f"{letter}{n}"
    withheld = [w for w in (court.pack.withheld if court.pack else []) if w.doc.path not in {
        d["path"] for d in (court_record.get("withheld") or []) if isinstance(d, dict)
    }]  # fmt: skip

    def index_job(layout_only: bool) -> RenderJob:
        page = first + 1
        for part in section.parts:
            part.first_page = page
            page += part.total_pages or 1
        html = render_page(
            "supplement.html.j2",
            title=index.title,
            case=case.case,
            number=number,
            date=when,
            served_pages=first,
            served_built_for=_iso_date(manifest.get("built_for")),
            statement_served=had_statement,
            new_exhibits=[p.exhibit for p in parts if p.exhibit and p.exhibit not in served_refs.values()],
            served_file=chain[-1].get("file_sha256", "") if chain[-1].get("kind") == "bundle" else "",
            entries=[{"part": p, "what": what[p.key]} for p in parts],
            gone=gone,
            withheld=withheld,
            pack=court.defendant,
        )
        return RenderJob(html, index.title, None, layout_only=layout_only)

    cache = default_cache_dir() if cache_dir is True else (cache_dir or None)
    with Renderer(cache) as renderer:
        note(f"rendering {len(parts)} parts")
        alone = [p for p in parts if p.job is not None and p.key == "attendance"]
        groups = batches([Section(letter, "", [p for p in parts if p.job is not None and p not in alone])])
        units: list[BatchJob | RenderJob] = [BatchJob(tuple(p.job for p in group if p.job)) for group in groups]
        units += [p.job for p in alone if p.job is not None]
        rendered = renderer.render(units)
        for group, done in zip(groups, rendered):
            ends = done.starts[1:] + (done.pages,)
            for part, start, end in zip(group, done.starts, ends):
                part.pdf, part.page_offset, part.pages, part.job = done.pdf, start, end - start, None
        for part, done in zip(alone, rendered[len(groups) :]):
            part.pdf, part.pages, part.job = done.pdf, done.pages, None
        for _ in range(4):
            before = index.pages
            done = renderer.render([index_job(False)])[0]
            index.pdf, index.pages = done.pdf, done.pages
            if index.pages == before:
                break
        index_job(True)  # the numbering as laid out

    note("merging")
    pdf = pikepdf.open(io.BytesIO(served_bytes))
    reports: list[SourceReport] = []
    placed = _place_all(pdf, [section], reports, limits, strict_sources)
    total = first + len(placed)
    keep = list({id(p.source): p.source for p in placed}.values())  # open until the save
    reading = OcrSettings(enabled=ocr and tesseract_version() is not None, cache_dir=cache)
    ocr_warnings: list[str] = []
    if reading.enabled:
        pages = [
            (
                pdf.pages[first + n],
                scans_on_page(p.source, p.index, p.matrix, drawn_by_bundler=p.piece.scan),
                p.piece.key,
            )
            for n, p in enumerate(placed)
            if p.piece.source or p.piece.scan
        ]
        ocr_warnings = recognise(pdf, pages, reading, note, keep)
    _link(pdf, placed, first)
    _stamp(pdf, placed, total, draft, first)
    _outline(pdf, [section], placed)
    stamp = (dt.datetime.combine(when, dt.time(), dt.UTC)).strftime("D:%Y%m%d%H%M%S+00'00'")
    pdf.docinfo.ModDate = stamp
    new_manifest = _manifest(manifest, case, result, section, total, draft, pdf, chain, number, when)
    new_manifest["court"] = court_record | {
        "supplement_exhibits": [
            *court_record.get("supplement_exhibits", []),
            *(
                {"ref": p.exhibit, "key": p.key, "first_page": p.first_page, "last_page": p.last_page}
                for p in parts
                if p.exhibit
            ),
        ]
    }
    _attach(pdf, MANIFEST_NAME, json.dumps(new_manifest, indent=1, sort_keys=True).encode(), case)
    data = case_json(case)
    if court.pack is not None:
        from .packs import check_pages, redacted_case_json

        data = redacted_case_json(data, court.pack)
        check_pages(court.pack, [("supplement index", index_job(True).html), ("embedded case data", data)])
    _attach(pdf, CASE_DATA_NAME, data.encode(), case)
    note("writing")
    atomic_write_with(out, lambda fh: save(pdf, fh))
    warnings = [line for report in reports for line in report.lines()] + court.warnings() + ocr_warnings
    size = out.stat().st_size
    warnings.extend(filter(None, [size_warning(size)]))
    return BuildResult(out, total, result.ready, draft, warnings, new_manifest, size)


def _iso_date(value: Any) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None


def _link_of(manifest: dict[str, Any], served: bytes) -> dict[str, Any]:
    """The chain's first link: the bundle as it was first served."""
    return {
        "kind": "bundle",
        "first_page": 1,
        "last_page": manifest["pages"],
        "built_for": manifest.get("built_for"),
        "tool": manifest.get("tool"),
        "file_sha256": hashlib.sha256(served).hexdigest(),
        "page_sha256": list(manifest["page_sha256"]),
        "document_sha256": manifest["document_sha256"],
    }


def _manifest(
    served: dict[str, Any],
    case: Any,
    result: Any,
    section: Section,
    total: int,
    draft: bool,
    pdf: pikepdf.Pdf,
    chain: list[dict[str, Any]],
    number: int,
    when: dt.date,
) -> dict[str, Any]:
    digester = Digester(pdf, _OWN)
    digests = [digester.page(i) for i in range(total)]
    first = int(served["pages"]) + 1
    sha = {f.path: f.sha256 for f in case.files}
    documents = list(served["documents"]) + [
        {**document_entry(part, sha, register=True), "supplement": number} for part in section.parts
    ]
    link = {
        "kind": "supplement",
        "number": number,
        "date": when.isoformat(),
        "first_page": first,
        "last_page": total,
        "page_sha256": digests[first - 1 :],
        "tool": f"bundler {__version__}",
    }
    return served | {
        "tool": f"bundler {__version__}",
        "draft": draft or bool(served.get("draft")),
        "pages": total,
        "inputs": file_entries(case.files),
        "documents": documents,
        "check": check_entry(result),
        "page_sha256": digests,
        "document_sha256": digester.document(),
        "chain": [*chain, link],
    }
