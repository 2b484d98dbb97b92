"""The checklist: checking one case or many, the LA summary row, rules and profiles."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..case.load import Limits

if TYPE_CHECKING:
    from ..checklist.profiles import Profile
    from ..checklist.run import CaseCheck


def check(folder: str | os.PathLike[str], *, profile: str | None = None, limits: Limits | None = None) -> CaseCheck:
    """Validate a case folder and run the checklist on it. Never raises for a bad case:
    an invalid case gives its problems, an unusable one its error.

    >>> api.check("sample_cases/EX-2025-001").ready
    True
    """
    from ..checklist.run import check_folder

    return check_folder(folder, profile=profile, limits=limits)


def check_many(
    folders: Sequence[Path],
    *,
    profile: str | None = None,
    limits: Limits | None = None,
    transform: Callable[[CaseCheck], Any] | None = None,
    workers: int | None = None,
) -> Iterator[Any]:
    """Check many case folders, yielding results in order, on every core when there are
    many; ``transform`` (a module-level function such as ``api.summary_row``) runs in
    the worker, so only what it returns crosses between processes.

    >>> [c.ready for c in api.check_many(api.case_folders(["sample_cases"]))]
    [True, True, True, False]
    """
    from ..checklist.run import check_folders

    return check_folders(list(folders), profile=profile, limits=limits, transform=transform, workers=workers)


def case_folders(paths: Iterable[str | os.PathLike[str]]) -> list[Path]:
    """Expand arguments into case folders: a case folder itself, or a folder of them.

    >>> [p.name for p in api.case_folders(["sample_cases"])]
    ['EX-2025-001', 'EX-2025-002', 'EX-2025-003', 'EX-2025-004']
    """
    from ..checklist.run import case_folders as expand

    return expand(list(paths))


def summary_row(check: CaseCheck) -> dict[str, Any]:
    """One row of the LA summary for a checked case (``bundler check --summary``).

    >>> api.summary_row(api.check("sample_cases/EX-2025-001"))["ready"]
    True
    """
    from ..present.report import summary_row as row

    return row(check)


def rules_catalogue(profiles: Sequence[str] | None = None) -> dict[str, Any]:
    """Every checklist rule with its routes, severity, text and each profile's settings.

    >>> api.rules_catalogue()["rules"][0]["id"]
    'S444-01'
    """
    from ..present.report import rules_catalogue as catalogue

    return catalogue(list(profiles) if profiles else None)


def known_profiles() -> list[str]:
    """The built-in profile names.

    >>> "national-2024" in api.known_profiles()
    True
    """
    from ..checklist.profiles import known_profiles as names

    return names()


def load_profile(name_or_path: str) -> Profile:
    """A built-in profile by name, or a user's profile file by path; a ``UsageError``
    names the known profiles when the name is unknown.

    >>> api.load_profile("devon").settings.min_sessions
    100
    """
    from ..checklist.profiles import load_profile as load

    return load(name_or_path)
