"""The toolkit's letters: templates, rendering and writing them, and their PDF, Word and HTML copies."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ...case.validate import CaseFolder
    from ..letters import LetterTemplate, RenderedLetter, WrittenLetter


def list_templates() -> list[LetterTemplate]:
    """Every toolkit template with its metadata, in road-map order.

    >>> api.list_templates()[0].step
    1
    """
    from ..letters import list_templates as templates

    return templates()


def get_template(name: str) -> LetterTemplate:
    """A template by name; an error lists the known names (and the nearest one).

    >>> api.get_template("final-warning").notice_kind
    'final_warning'
    """
    from ..letters import get_template as get

    return get(name)


def template_source(name: str) -> str:
    """A template file's text as shipped (front matter and Jinja body), or a partial's
    (``_letterhead``).

    >>> api.template_source("final-warning").startswith("---")
    True
    """
    from ..case.templates import TEMPLATE_SUFFIX, letters_dir

    file_name = name if name.endswith(TEMPLATE_SUFFIX) else name + TEMPLATE_SUFFIX
    return letters_dir().joinpath(file_name).read_text(encoding="utf-8")


def template_partials() -> list[str]:
    """The file names of the shared template pieces (``_letterhead.md.j2`` ...).

    >>> "_signoff.md.j2" in api.template_partials()
    True
    """
    from ..case.templates import TEMPLATE_SUFFIX, letters_dir

    return sorted(
        e.name for e in letters_dir().iterdir() if e.name.startswith("_") and e.name.endswith(TEMPLATE_SUFFIX)
    )


def render_letter(
    case: CaseFolder, name: str, parent_id: str | None, on: dt.date, serve: str | None = None, **options: Any
) -> RenderedLetter:
    """Render a template for one parent of a validated case (nothing is written).

    >>> case = api.validate("sample_cases/EX-2025-001").case
    >>> api.render_letter(case, "final-warning", "p1", dt.date(2025, 3, 3)).filename
    '2025-03-03-final-warning-p1.md'
    """
    from ..letters import render_letter as render

    return render(case, name, parent_id, on, serve, **options)


def write_letters(
    case_folder: str | os.PathLike[str], name: str, parent_ids: Sequence[str] = (), **options: Any
) -> list[WrittenLetter]:
    """Write a template into the case's ``documents/``, one new file per parent (never
    overwriting), with PDF and Word copies where ``pdf_dir`` / ``docx_dir`` ask.
    ``inputs`` fill the template's blanks (``{"meeting_time": "3:30pm"}``); each written
    letter lists the blanks it still holds (``.letter.blanks``).

    >>> api.write_letters(folder, "final-warning", ["p1"], on=dt.date(2025, 3, 3))[0].path.name  # doctest: +SKIP
    '2025-03-03-final-warning-p1.md'
    """
    from ..letters import write_letters as write

    return write(case_folder, name, parent_ids, **options)


def letter_pdf(letter: RenderedLetter) -> bytes:
    """A rendered letter as a print-ready PDF."""
    from ..letters import letter_pdf as pdf

    return pdf(letter)


def letter_docx(letter: RenderedLetter) -> bytes:
    """A rendered letter as an editable Word document."""
    from ..letters import letter_docx as docx

    return docx(letter)


def letter_html(letter: RenderedLetter) -> str:
    """A rendered letter as a standalone HTML page (as its PDF shows it)."""
    from ..letters import letter_html as page

    return page(letter)


def new_case(
    folder: str | os.PathLike[str], route: str, case_id: str | None = None, *, today: dt.date | None = None
) -> Path:
    """Write a commented case-folder skeleton that validates; refuses a folder that is
    not empty.

    >>> api.new_case(tmp / "NEW-1", "penalty_notice").name  # doctest: +SKIP
    'NEW-1'
    """
    from ..letters import new_case as new

    return new(folder, route, case_id, today=today)


def template_blanks(name: str) -> dict[str, Any]:
    """What a template leaves for the school, by kind: ``inputs`` (the blanks
    ``--set NAME=VALUE`` fills), ``dated`` (the dates it works out that ``--set`` may
    change: name -> what it is), ``case`` (the blanks it shows where the case holds no
    record: blank -> what to add) and ``needs`` (the figures it fills in from the case).

    >>> [i.name for i in api.template_blanks("contract-invite")["inputs"]]
    ['meeting_time', 'meeting_place']
    """
    from ..letters import CASE_BLANKS, NEEDS, dated_inputs

    t = get_template(name)
    days = {"meeting_date": t.meeting_school_days, "reply_by": t.reply_school_days}
    dated = {}
    for field in dated_inputs(t):
        if field in days:
            dated[field] = f"{NEEDS[field]}: {days[field]} school days after the letter's date"
        elif field == "review_date":
            dated[field] = f"{NEEDS[field]}: {t.review_weeks} weeks after the letter's date"
        else:
            dated[field] = f"the {'first' if field == 'leave_start' else 'last'} day of the leave in question"
    case = {label: how for need in t.needs for label, how in CASE_BLANKS.get(need, {}).items()}
    return {"inputs": list(t.inputs), "dated": dated, "case": case, "needs": {n: NEEDS[n] for n in t.needs}}
