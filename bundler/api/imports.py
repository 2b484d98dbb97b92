"""Imports: a case from a Common Transfer File, the register from a mark sheet, documents added."""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..imports.add import Added, Ask
    from ..imports.common import ImportResult


def ctf_pupils(ctf: str | os.PathLike[str]) -> list[tuple[str, str]]:
    """The (UPN, name) of every pupil in a Common Transfer File.

    >>> api.ctf_pupils("tests/fixtures/imports/ctf-three-years.xml")
    [('A999210024001', 'Sam Example')]
    """
    from ..imports.ctfcase import ctf_pupils as pupils

    return pupils(ctf)


def import_ctf(ctf: str | os.PathLike[str], case_folder: str | os.PathLike[str], **options: Any) -> ImportResult:
    """Write a new case folder (case.yaml, attendance.csv) from one pupil of a CTF; what
    the CTF cannot give is left as TODO values. Options: ``upn``, ``carers`` (contacts
    without parental responsibility who have care of the pupil), ``route``,
    ``referral_date``, ``case_id``, ``map_file``, ``max_file_mb``.

    >>> api.import_ctf("tests/fixtures/imports/ctf-three-years.xml", tmp / "NEW-1").written[0].name  # doctest: +SKIP
    'case.yaml'
    """
    from ..imports.common import ImportLimits
    from ..imports.ctfcase import import_ctf as run

    return run(ctf, case_folder, limits=ImportLimits.scaled(options.pop("max_file_mb", None)), **options)


def import_marks(sheet: str | os.PathLike[str], case_folder: str | os.PathLike[str], **options: Any) -> ImportResult:
    """Write a case's attendance.csv from an MIS mark sheet (CSV or XLSX). Options:
    ``map_file`` (columns and sub-codes), ``force`` (replace an existing register,
    keeping a backup), ``max_file_mb``.

    >>> api.import_marks("tests/fixtures/imports/marks-weeks.csv", folder).notes[0]  # doctest: +SKIP
    '30 register sessions, 2024-09-02 to 2024-09-20'
    """
    from ..imports.common import ImportLimits
    from ..imports.marks import import_marks as run

    return run(sheet, case_folder, limits=ImportLimits.scaled(options.pop("max_file_mb", None)), **options)


def add_documents(
    files: Sequence[str | os.PathLike[str]],
    case_folder: str | os.PathLike[str],
    fields: Mapping[str, Any] | None = None,
    *,
    ask: Ask | None = None,
    max_file_mb: float | None = None,
) -> list[Added]:
    """Copy files into the case's documents/ and write a validated sidecar for each:
    from ``fields``, from an email's headers (.eml, .msg), and from ``ask`` (called for
    each missing required field). Never overwrites; one refusal writes nothing.

    >>> api.add_documents(["letter.pdf"], folder, {"type": "letter", "to": "p1"})[0].sidecar.name  # doctest: +SKIP
    'letter.pdf.yaml'
    """
    from ..imports.add import add_documents as run
    from ..imports.common import ImportLimits

    return run(files, case_folder, fields, ask=ask, limits=ImportLimits.scaled(max_file_mb))
