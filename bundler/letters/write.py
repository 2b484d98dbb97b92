"""``bundler letter``: write rendered letters into a case's ``documents/``.

Takes a case folder, a template and the parents; writes one new document per parent
(plus PDF and Word copies where asked, outside ``documents/``). Everything is rendered
and checked before anything is written; an existing file is never overwritten.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..case.validate import CaseFolder, validate_folder
from ..output import atomic_write_bytes, atomic_write_text
from .catalogue import LetterError, get_template
from .export import letter_docx, letter_pdf
from .render import RenderedLetter, render_letter

__all__ = ["WrittenLetter", "write_letters"]


@dataclass
class WrittenLetter:
    """A document written into the case, with any PDF or Word copy made of it."""

    path: Path
    letter: RenderedLetter
    pdf: Path | None = None
    docx: Path | None = None

    @property
    def warnings(self) -> list[str]:
        return self.letter.warnings


def _load(case_folder: str | os.PathLike[str]) -> CaseFolder:
    result = validate_folder(case_folder)
    if not result.valid or result.case is None:
        shown = "; ".join(str(p) for p in result.problems[:3])
        more = f" (and {len(result.problems) - 3} more)" if len(result.problems) > 3 else ""
        raise LetterError(
            f"{case_folder}: the case does not validate: {shown}{more}; run 'bundler validate' for details"
        )
    return result.case


def _inside(path: Path, folder: Path) -> bool:
    try:
        path.resolve().relative_to(folder.resolve())
    except ValueError:
        return False
    return True


def write_letters(
    case_folder: str | os.PathLike[str],
    name: str,
    parent_ids: Sequence[str] = (),
    *,
    all_parents: bool = False,
    on: dt.date,
    serve: str | None = None,
    pdf_dir: str | os.PathLike[str] | None = None,
    docx_dir: str | os.PathLike[str] | None = None,
    monitoring_weeks: int | None = None,
    inputs: Mapping[str, Any] | None = None,
    holidays: Iterable[dt.date] = (),
) -> list[WrittenLetter]:
    """Write template ``name`` into the case's ``documents/``, one file per parent.

    ``parent_ids`` names the parents; ``all_parents`` means every parent who is not
    excluded. A joint template (contract, plan) writes one document for the parents
    named (or all); a pupil template writes one document and takes no parents.
    Everything is rendered and checked before anything is written, so one refusal
    writes nothing, and an existing file is never overwritten. ``pdf_dir`` and
    ``docx_dir`` receive a PDF and an editable Word copy of each; they must be outside
    ``documents/``, where a copy would count as a second document without a sidecar.
    """
    root = Path(case_folder)
    case = _load(root)
    template = get_template(name)
    ids = list(dict.fromkeys(parent_ids))
    if all_parents and ids:
        raise LetterError("name parents, or ask for all parents, not both")
    if all_parents:
        ids = [p.id for p in case.case.parents if not p.excluded]
        if not ids:
            raise LetterError("every parent in case.yaml is excluded: there is nobody to write to")
    documents = root / "documents"
    for label, folder in (("PDF", pdf_dir), ("Word", docx_dir)):
        if folder is not None and _inside(Path(folder), documents):
            raise LetterError(
                f"the {label} copies would go inside {documents}, where each would be a second document without a sidecar: "
                "choose a folder outside the case's documents"
            )

    options: dict[str, Any] = {"monitoring_weeks": monitoring_weeks, "inputs": inputs, "holidays": tuple(holidays)}
    if template.addressed == "parent":
        if not ids:
            raise LetterError(
                f"the {name} template is written to each parent separately: name a parent, or ask for all parents"
            )
        letters = [render_letter(case, name, pid, on, serve, **options) for pid in ids]
    elif template.addressed == "parents":
        letters = [render_letter(case, name, None, on, serve, parent_ids=ids or None, **options)]
    else:
        if ids:
            raise LetterError(
                f"the {name} template is about the pupil and is not addressed to a parent: name no parents"
            )
        letters = [render_letter(case, name, None, on, serve, **options)]

    targets = []
    for letter in letters:
        stem = Path(letter.filename).stem
        path = documents / letter.filename
        pdf = Path(pdf_dir) / f"{stem}.pdf" if pdf_dir is not None else None
        docx = Path(docx_dir) / f"{stem}.docx" if docx_dir is not None else None
        for target in (path, pdf, docx):
            if target is not None and (target.exists() or target.is_symlink()):
                raise LetterError(
                    f"{target} already exists: it is not overwritten (move it aside, or date the letter differently)"
                )
        targets.append((letter, path, pdf, docx))

    written = []
    for letter, path, pdf, docx in targets:
        _write_new(path, letter.text.encode("utf-8"))
        result = WrittenLetter(path=path, letter=letter)
        if pdf is not None:
            _write_new(pdf, letter_pdf(letter))
            result.pdf = pdf
        if docx is not None:
            _write_new(docx, letter_docx(letter))
            result.docx = docx
        written.append(result)
    return written


def _write_new(path: Path, data: bytes) -> None:
    """Write a file that must not exist yet: claim the name exclusively, then write atomically."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        with open(path, "xb"):
            pass
    except FileExistsError:
        raise LetterError(f"{path} already exists: it is not overwritten") from None
    try:
        if path.suffix == ".md":
            atomic_write_text(path, data.decode("utf-8"))
        else:
            atomic_write_bytes(path, data)
    except BaseException:
        path.unlink(missing_ok=True)
        raise
