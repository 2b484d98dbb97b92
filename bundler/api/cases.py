"""The case folder: limits, validation, figures, schemas and new case folders."""

from __future__ import annotations

import dataclasses
import os
from typing import TYPE_CHECKING, Any

from ..case.load import Limits
from ..case.models import Route, ServeMethod

#: every referral route and every way a document can be served, as a case file spells them
ROUTES: tuple[str, ...] = tuple(route.value for route in Route)
SERVICE_METHODS: tuple[str, ...] = tuple(method.value for method in ServeMethod)

if TYPE_CHECKING:
    from ...case.validate import CaseFolder, ValidationResult


def limits(
    max_file_mb: float | None = None,
    *,
    max_pages: int | None = None,
    max_megapixels: float | None = None,
    max_seconds: float | None = None,
) -> Limits:
    """Limits for a case folder; each argument raises (or lowers) one limit: the
    per-file size, pages of one PDF, pixels of one image, seconds to open, convert or
    render one document (office conversion included).

    >>> api.limits(80).max_attachment_bytes
    83886080
    >>> api.limits(max_megapixels=2.5).max_pixels
    2500000
    >>> api.limits(max_seconds=300).office_timeout_s
    300.0
    """
    changes: dict[str, Any] = {}
    if max_file_mb is not None:
        size = int(max_file_mb * 1024 * 1024)
        changes.update(max_text_bytes=size, max_attachment_bytes=size)
    if max_pages is not None:
        changes["max_pages"] = max_pages
    if max_megapixels is not None:
        changes["max_pixels"] = changes["max_image_pixels"] = int(max_megapixels * 1_000_000)
    if max_seconds is not None:
        changes["max_seconds"] = changes["office_timeout_s"] = float(max_seconds)
    return dataclasses.replace(Limits(), **changes)


def validate(folder: str | os.PathLike[str], limits: Limits | None = None) -> ValidationResult:
    """Load and validate a case folder: the ``CaseFolder``, or every problem at once.

    Reads only; never writes into the folder. Raises ``CaseFolderError`` when there is
    no folder to read.

    >>> result = api.validate("tests/broken_cases/five-problems")
    >>> [str(p) for p in result.problems][0]
    "case.yaml:18: pupil.year_group: '14' should be less than or equal to 13"
    """
    from ..case.validate import validate_folder

    return validate_folder(folder, limits)


def stats(case: CaseFolder, *, threshold: int = 10, window_weeks: int = 10) -> dict[str, Any]:
    """Attendance figures and threshold windows of a validated case (``bundler stats``),
    in the shape of docs/stats-json.md.

    >>> case = api.validate("sample_cases/EX-2025-001").case
    >>> api.stats(case)["threshold"]["met"]
    True
    """
    from ..present.stats import case_stats

    return case_stats(case, threshold=threshold, window_weeks=window_weeks)


def json_schemas() -> dict[str, dict[str, Any]]:
    """JSON Schema for every input file, keyed by file name (``case.schema.json`` ...).

    >>> sorted(api.json_schemas())[0]
    'case.schema.json'
    """
    from ..case.schema import json_schemas as schemas

    return schemas()


def write_schemas(out_dir: str | os.PathLike[str], *, dry_run: bool = False) -> list[str]:
    """Write the schemas into ``out_dir``; return the names that changed (``dry_run``:
    write nothing, only say which would change).

    >>> api.write_schemas("schemas", dry_run=True)
    []
    """
    from ..case.schema import write_schemas as write

    return write(out_dir, dry_run=dry_run)
