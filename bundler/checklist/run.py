"""Checking case folders: validate, pick the profile, run the checklist; one or many.

Takes case folder paths; gives a ``CaseCheck`` per folder: the findings, or the
validation problems, or why the case could not be checked at all. Never raises for a
bad case. Many cases are checked on every core, in order.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..case.load import Limits
from ..case.validate import validate_folder
from ..errors import BundlerError, Problem
from .engine import CheckResult, check_case
from .profiles import load_profile

__all__ = ["CaseCheck", "case_folders", "check_folder", "check_folders"]


@dataclass
class CaseCheck:
    """The result of checking one case folder: findings, or why it could not be checked."""

    folder: Path
    result: CheckResult | None = None
    problems: list[Problem] = field(default_factory=list)
    error: str | None = None  # the case could not be checked at all (unknown profile, unreadable)

    @property
    def checked(self) -> bool:
        return self.result is not None

    @property
    def ready(self) -> bool:
        return self.result is not None and self.result.ready


def check_folder(
    folder: str | os.PathLike[str],
    *,
    profile: str | None = None,
    limits: Limits | None = None,
) -> CaseCheck:
    """Validate a case folder and run the checklist on it. Never raises for a bad case:
    an invalid case gives its problems (rule S444-01), an unusable one its error."""
    path = Path(folder)
    try:
        validation = validate_folder(path, limits)
    except BundlerError as exc:
        return CaseCheck(path, error=str(exc))
    case = validation.case
    if case is None:
        return CaseCheck(path, problems=validation.problems)
    try:
        chosen = load_profile(profile or case.case.referral.profile)
    except BundlerError as exc:
        return CaseCheck(path, error=str(exc))
    return CaseCheck(path, result=check_case(case, chosen))


def case_folders(paths: list[str | os.PathLike[str]]) -> list[Path]:
    """Expand arguments into case folders: a case folder itself, or a folder of them."""
    out: list[Path] = []
    for item in paths:
        path = Path(item)
        if len(paths) > 1 and path.is_file():
            continue  # a shell glob such as sample_cases/* also matches README.md
        if (path / "case.yaml").exists() or not path.is_dir():
            out.append(path)
            continue
        children = sorted(p for p in path.iterdir() if p.is_dir() and (p / "case.yaml").exists())
        out.extend(children if children else [path])
    return out


def _check_one(args: tuple[Path, str | None, Limits | None, Any]) -> Any:
    folder, profile, limits, transform = args
    check = check_folder(folder, profile=profile, limits=limits)
    return transform(check) if transform else check


def check_folders(
    folders: list[Path],
    *,
    profile: str | None = None,
    limits: Limits | None = None,
    workers: int | None = None,
    transform: Callable[[CaseCheck], Any] | None = None,
) -> Iterator[Any]:
    """Check many case folders, yielding results in order; on every core when there are many.

    Memory stays flat in the number of cases: each case is loaded, checked and
    released by a worker, and only its result comes back; ``transform`` (a module-level
    function such as ``report.summary_row``) runs in the worker, so only what the
    caller keeps crosses between processes.
    """
    workers = workers if workers is not None else (os.cpu_count() or 1)
    jobs = [(Path(f), profile, limits, transform) for f in folders]
    if workers <= 1 or len(jobs) < 20:
        for job in jobs:
            yield _check_one(job)
        return
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork")) as pool:
        yield from pool.map(_check_one, jobs, chunksize=8)
