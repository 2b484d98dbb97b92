"""``bundler build``: validate, check, plan, render, assemble, write.

Takes a case folder and an output path; gives a ``BuildResult``. The bundle is written
atomically (a temporary file beside the output, renamed into place), never into the case
folder.
"""

from __future__ import annotations

import io
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..case.load import Limits
from ..case.validate import CaseFolder, validate_folder
from ..checklist import CheckResult, check_case, load_profile
from ..errors import BundleError
from ..output import atomic_write_bytes, atomic_write_with
from ..present.service import service_words
from .assemble import Assembly, assemble
from .court import CourtFile, CourtOptions
from .evidence import attendance_part
from .generated import front_matter_jobs
from .ocr import OcrSettings, tesseract_version, untexted_pages
from .parts import document_part
from .plan import DOCUMENT_SECTIONS, BuildResult, Generated, Section, assign_pages, batches
from .portal import size_warning
from .render import WARN_PAGES, BatchJob, Renderer, RenderJob, default_cache_dir
from .sign import load_signer, sign_bytes
from .sources import prefetch_office


def build_bundle(
    folder: str | os.PathLike[str],
    output: str | os.PathLike[str],
    *,
    draft: bool = False,
    profile: str | None = None,
    limits: Limits | None = None,
    progress: Callable[[str], None] | None = None,
    cache_dir: Path | None | bool = True,
    workers: int | None = None,
    strict_sources: bool = False,
    sign: Path | None = None,
    sign_password: bytes | None = None,
    ocr: bool = True,
    overwrite: bool = True,
    parent: str | None = None,
    statement: bool | None = None,
    witness: str | None = None,
    supplement_to: Path | None = None,
) -> BuildResult:
    """Build the referral bundle PDF for a case folder, written atomically to ``output``.

    ``strict_sources`` refuses a source PDF that holds active content (scripts, launch
    actions, embedded files) instead of stripping it; ``sign`` signs the finished bundle
    with that PKCS#12 key (``sign_password`` unlocks it); ``ocr=False`` recognises no
    text on scans (the cover and the warnings then say how many pages cannot be searched);
    ``overwrite=False`` refuses to replace a file already at ``output`` (the CLI's default:
    a bundle that was served is evidence of what was served). ``parent`` builds the pack
    served on that parent; ``statement`` puts the witness statement (of ``witness``, else
    the attendance lead) in or leaves it out (default: prosecution routes have it);
    ``supplement_to`` adds to a served bundle instead (``supplement``).
    """
    if supplement_to is not None:
        from .supplement import build_supplement

        return build_supplement(
            folder, output, supplement_to, draft=draft, profile=profile, limits=limits, progress=progress,
            cache_dir=cache_dir, strict_sources=strict_sources, statement=statement, witness=witness, parent=parent,
            ocr=ocr, overwrite=overwrite,
        )  # fmt: skip
    limits = limits or Limits()
    note = progress or _quiet
    root = Path(folder)
    out = Path(output)
    refuse_output_inside(root, out)
    if not overwrite and out.exists():
        raise BundleError(
            f"{out} already exists: it is not replaced without --force (a bundle that was served is a record "
            "of what was served); give --force to replace it, or -o another file"
        )
    case, result = checked_case(root, limits, profile, draft)
    signer = load_signer(sign, sign_password) if sign is not None else None
    warnings: list[str] = [str(note) for note in case.notes]  # hidden files, ignored clutter
    cache = default_cache_dir() if cache_dir is True else (cache_dir or None)
    with Renderer(cache, workers, limits.max_seconds) as renderer:
        note("preparing documents")
        generated = plan_sections(case, result, limits, cache, CourtOptions(parent, statement, witness))
        render_parts(renderer, case, result, generated, draft, note)
        reading = OcrSettings(enabled=ocr and tesseract_version() is not None, cache_dir=cache)
        if not reading.enabled:
            generated.unsearchable = _unsearchable(generated)
            generated.unsearchable_why = "built with --no-ocr" if not ocr else "Tesseract is not installed"
            if generated.unsearchable:
                warnings.append(
                    f"{generated.unsearchable} page(s) are scans or photos and no text was recognised on them "
                    f"({generated.unsearchable_why}): they cannot be searched; the cover says so"
                )
        assembly, total = lay_out_and_assemble(
            case,
            result,
            generated,
            renderer,
            draft,
            note,
            warnings,
            limits=limits,
            strict_sources=strict_sources,
            ocr=reading,
        )
    generated.court.annotate(assembly, generated, draft)
    warnings.extend(generated.court.warnings())
    for report in assembly.reports:
        warnings.extend(report.lines())
    warnings.extend(assembly.warnings)
    note("writing")
    # straight to a temporary file beside the output, renamed into place: the PDF is
    # never held in memory as bytes
    if signer is None:
        atomic_write_with(out, lambda fh: save(assembly.pdf, fh))
    else:
        buffer = io.BytesIO()
        save(assembly.pdf, buffer)
        note("signing")
        # signed before anything is written: a failed signature leaves no unsigned bundle behind
        atomic_write_bytes(out, sign_bytes(buffer.getvalue(), signer, str(out)))
    size = out.stat().st_size
    warnings.extend(filter(None, [size_warning(size)]))
    return BuildResult(out, total, result.ready, draft, warnings, assembly.manifest, size)


def save(pdf: Any, fh: Any) -> None:
    """Write the bundle: streams compressed, objects in object streams, and an ID made
    from the content, so the same case gives the same bytes."""
    import pikepdf

    pdf.save(
        fh,
        compress_streams=True,
        object_stream_mode=pikepdf.ObjectStreamMode.generate,
        deterministic_id=True,
        fix_metadata_version=False,
    )


def _quiet(message: str) -> None:
    """The progress callback when nobody is watching."""


def checked_case(root: Path, limits: Limits, profile: str | None, draft: bool) -> tuple[CaseFolder, CheckResult]:
    """The validated case and its check result; refuses an invalid case, and a case that
    is not ready unless ``draft``."""
    validation = validate_folder(root, limits)
    if validation.case is None:
        problems = validation.problems
        shown = "".join(f"\n  {p}" for p in problems[:5]) + (
            f"\n  ... and {len(problems) - 5} more" if len(problems) > 5 else ""
        )
        raise BundleError(
            f"{root}: the case is invalid ({len(problems)} problem{'s' if len(problems) != 1 else ''}; "
            f"bundler validate lists them all):{shown}"
        )
    case = validation.case
    result = check_case(case, load_profile(profile or case.case.referral.profile))
    if not result.ready and not draft:
        raise BundleError(
            f"{root}: not ready to refer ({', '.join(result.failing_rules)} failing); fix these, or build with --draft"
        )
    return case, result


def plan_sections(
    case: CaseFolder,
    result: CheckResult,
    limits: Limits,
    cache_dir: Path | None = None,
    options: CourtOptions | None = None,
) -> Generated:
    """Every section of the bundle with its parts (documents read and office documents
    converted, nothing rendered yet)."""
    court = CourtFile.plan(case, result, limits, options or CourtOptions())
    office = [(case.root / d.path, d.path) for d in court.documents if d.kind == "office"]
    if len(office) > 1:
        prefetch_office(office, limits, cache_dir, os.cpu_count() or 1)
    doc_sections: list[Section] = []
    for letter, title, types in DOCUMENT_SECTIONS:
        parts = [
            document_part(doc, case, letter, limits, cache_dir) for doc in court.documents if doc.meta.type in types
        ]
        for part in parts:
            if part.doc is not None:
                part.addressee = service_words(part.doc.meta, case.case)
        if parts:
            doc_sections.append(Section(letter, title, parts))
    generated = Generated.around(doc_sections, attendance_part(case, result), court.after_cover, court.after_index)
    generated.court = court
    court.finish(generated.sections)
    return generated


def render_parts(
    renderer: Renderer,
    case: CaseFolder,
    result: CheckResult,
    generated: Generated,
    draft: bool,
    note: Callable[[str], None],
) -> None:
    """Render the documents and the attendance evidence, and lay out the front matter once
    to count its pages.

    The front matter's columns have fixed widths, so its page counts do not depend on
    the page numbers it prints, only on how many digits they have (the bundle's digits
    are all one width): a first layout (no PDF) with numbers of the expected number of
    digits runs alongside the documents and gives the counts the final render keeps.
    When this case was built before, the counts of that build are the guess instead (an
    edit rarely changes them) and the first layout is skipped; the final render checks
    the guess either way.
    """
    remembered = renderer.remembered_counts(_counts_key(case, generated, draft))
    first_layout: list[RenderJob] = []
    if remembered is not None and len(remembered) == len(generated.parts):
        for part, count in zip(generated.parts, remembered):
            part.pages = count
    else:
        assign_pages(generated.sections, estimate=True)
        expected = sum(p.total_pages or 1 for s in generated.sections for p in s.parts)
        assign_pages(generated.sections, estimate=True, start=10 ** (len(str(expected)) - 1))
        first_layout = front_matter_jobs(case, result, generated, draft, layout_only=True)
    doc_batches = batches(list(generated.sections[3:]))
    evidence = generated.attendance
    assert evidence.job is not None
    court = [p for p in generated.sections[0].parts if p.job is not None]  # referral form, statement
    units: list[BatchJob | RenderJob] = [
        BatchJob(tuple(p.job for p in batch if p.job is not None)) for batch in doc_batches
    ]
    units += [evidence.job, *(p.job for p in court if p.job is not None), *first_layout]
    note(f"rendering {sum(len(b) for b in doc_batches) + 1} parts")
    rendered = renderer.render(units)
    for batch, done in zip(doc_batches, rendered):
        ends = done.starts[1:] + (done.pages,)
        for part, start, end in zip(batch, done.starts, ends):
            part.pdf, part.page_offset, part.pages, part.job = done.pdf, start, end - start, None
    done = rendered[len(doc_batches)]
    evidence.pdf, evidence.pages, evidence.job = done.pdf, done.pages, None
    start = len(doc_batches) + 1
    for part, done in zip(court, rendered[start:]):
        part.pdf, part.pages, part.job = done.pdf, done.pages, None
    for part, done in zip(generated.parts, rendered[start + len(court) :]):
        part.pages = done.pages


def _counts_key(case: CaseFolder, generated: Generated, draft: bool) -> str:
    """Which build the remembered front-matter page counts belong to."""
    return "\0".join([str(case.root.resolve()), str(draft), *(p.key for p in generated.parts)])


def lay_out_and_assemble(
    case: CaseFolder,
    result: CheckResult,
    generated: Generated,
    renderer: Renderer,
    draft: bool,
    note: Callable[[str], None],
    warnings: list[str],
    *,
    limits: Limits,
    strict_sources: bool = False,
    ocr: OcrSettings | None = None,
) -> tuple[Assembly, int]:
    """Settle the page numbers of the generated sections, render them, merge."""
    sections = generated.sections
    # The generated parts print page numbers, which depend on their own page counts:
    # render with the current numbering until the counts settle (usually once).
    for _ in range(4):
        assign_pages(sections)
        before = [p.pages for p in generated.parts]
        note("laying out index and checklist")
        for part, done in zip(generated.parts, renderer.render(front_matter_jobs(case, result, generated, draft))):
            part.pdf, part.pages = done.pdf, done.pages
        if before == [p.pages for p in generated.parts]:
            break
    else:  # pragma: no cover - page counts oscillating is not expected
        raise BundleError("the index and checklist did not settle on a page count")
    renderer.remember_counts(_counts_key(case, generated, draft), [p.pages for p in generated.parts])
    assign_pages(sections)
    total = sum(p.total_pages for s in sections for p in s.parts)
    if total > WARN_PAGES:
        warnings.append(
            f"the bundle has {total} pages, more than {WARN_PAGES}: consider whether every document is needed"
        )

    note("merging")
    assembly = assemble(
        case, result, sections, total, draft, limits=limits, strict_sources=strict_sources, ocr=ocr, note=note
    )
    return assembly, total


def _unsearchable(generated: Generated) -> int:
    """Pages that show scans with no text on them: what OCR would have made searchable."""
    count = 0
    for section in generated.sections:
        for part in section.parts:
            for piece in [part, *part.attachments]:
                if piece.scan:
                    count += piece.pages
                elif piece.source and piece.pdf:
                    count += untexted_pages(piece.pdf)
    return count


def refuse_output_inside(root: Path, out: Path) -> None:
    try:
        out.resolve().relative_to(root.resolve())
    except ValueError:
        return
    raise BundleError(
        f"{out}: the bundle must be written outside the case folder (the case folder is never written to)"
    )
