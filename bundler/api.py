"""Library functions behind each command, callable from tests and other programs.

Each returns plain data (or writes only where it is asked to); the CLI formats it.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import attendance
from .codes import REGULATIONS_2024_START
from .errors import BundlerError, Problem
from .load import Limits
from .models import json_schemas
from .output import atomic_write_text
from .validate import CaseFolder, validate_folder

if TYPE_CHECKING:
    from .rules import CheckResult

STATS_FORMAT = 1


def summary_dict(summary: attendance.AttendanceSummary) -> dict[str, Any]:
    """The stable JSON form of an AttendanceSummary (percentages to one decimal place)."""

    def pct(value: float | None) -> float | None:
        return None if value is None else round(value, 1)

    return {
        "first_date": summary.first_date.isoformat() if summary.first_date else None,
        "last_date": summary.last_date.isoformat() if summary.last_date else None,
        "sessions_recorded": summary.sessions_recorded,
        "possible": summary.possible,
        "attended": summary.attended,
        "present": summary.present,
        "approved_activity": summary.approved_activity,
        "authorised": summary.authorised,
        "unauthorised": summary.unauthorised,
        "not_possible": summary.not_possible,
        "attendance_pct": pct(summary.attendance_pct),
        "missed_pct": pct(summary.missed_pct),
        "band": summary.band,
        "sessions_missed": summary.sessions_missed,
        "days_lost": summary.days_lost,
        "hours_lost": summary.hours_lost,
        "late_marks": summary.late_marks,
        "minutes_late": summary.minutes_late,
        "by_code": dict(summary.by_code),
    }


def window_dict(window: attendance.SchoolWeekWindow) -> dict[str, Any]:
    return {
        "first_day": window.first_day.isoformat(),
        "last_day": window.last_day.isoformat(),
        "weeks": window.weeks,
        "possible": window.possible,
        "unauthorised": window.unauthorised,
        "sessions": [
            {"date": m.date.isoformat(), "session": m.session, "code": m.code} for m in window.sessions
        ],
    }


def case_stats(
    case: CaseFolder,
    *,
    threshold: int = 10,
    window_weeks: int = 10,
    counts_from: dt.date = REGULATIONS_2024_START,
) -> dict[str, Any]:
    """Attendance figures and threshold windows for a validated case (``bundler stats``).

    The shape is documented in docs/stats-json.md and versioned by ``format``.
    """
    as_of = case.as_of
    register = attendance.Register.from_marks(case.register).between(None, as_of)
    year_start = attendance.school_year_start(as_of)
    windows = attendance.threshold_windows(
        register, threshold=threshold, window_weeks=window_weeks, start=counts_from, end=as_of
    )
    return {
        "format": STATS_FORMAT,
        "case_id": case.case.case_id,
        "pupil": case.case.pupil.name,
        "as_of": as_of.isoformat(),
        "settings": {
            "threshold": threshold,
            "window_weeks": window_weeks,
            "counts_from": counts_from.isoformat(),
        },
        "periods": {
            "school_year_to_date": {
                "start": year_start.isoformat(),
                "end": as_of.isoformat(),
                **summary_dict(attendance.summarise(register, start=year_start, end=as_of)),
            },
            "whole_register": {
                "start": register.marks[0].date.isoformat() if len(register) else None,
                "end": as_of.isoformat(),
                **summary_dict(attendance.summarise(register)),
            },
        },
        "threshold": {
            "met": bool(windows),
            "windows": [window_dict(w) for w in windows],
        },
    }


def write_schemas(out_dir: str | os.PathLike[str], *, dry_run: bool = False) -> list[str]:
    """Write the models' JSON Schemas into ``out_dir``; return the names that changed."""
    out = Path(out_dir)
    changed = []
    for name, schema in sorted(json_schemas().items()):
        text = json.dumps(schema, indent=2, sort_keys=True) + "\n"
        target = out / name
        if target.exists() and target.read_text(encoding="utf-8") == text:
            continue
        changed.append(name)
        if not dry_run:
            atomic_write_text(target, text)
    return changed


# ----------------------------------------------------------------------- check

CHECK_FORMAT = 1


@dataclass
class CaseCheck:
    """The result of checking one case folder: findings, or why it could not be checked."""

    folder: Path
    result: "CheckResult | None" = None
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
    from .profiles import load_profile
    from .rules import check_case

    path = Path(folder)
    try:
        validation = validate_folder(path, limits)
    except BundlerError as exc:
        return CaseCheck(path, error=str(exc))
    if not validation.valid:
        return CaseCheck(path, problems=validation.problems)
    case = validation.case
    try:
        chosen = load_profile(profile or case.case.referral.profile)
    except BundlerError as exc:
        return CaseCheck(path, error=str(exc))
    return CaseCheck(path, result=check_case(case, chosen))


def check_dict(check: CaseCheck) -> dict[str, Any]:
    """The stable JSON shape of ``bundler check --format json`` (documented in docs/check-json.md)."""
    if check.result is None:
        return {
            "format": CHECK_FORMAT,
            "folder": str(check.folder),
            "case_id": None,
            "ready": False,
            "error": check.error,
            "problems": [p.as_dict() for p in check.problems],
        }
    r = check.result
    return {
        "format": CHECK_FORMAT,
        "folder": str(check.folder),
        "case_id": r.case_id,
        "route": r.route.value,
        "profile": r.profile.name,
        "as_of": r.as_of.isoformat(),
        "ready": r.ready,
        "counts": r.counts,
        "failing_rules": r.failing_rules,
        "findings": [f.as_dict() for f in r.findings],
    }


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


def rules_catalogue(profiles: list[str] | None = None) -> dict[str, Any]:
    """Every rule with its routes, severity, text and the settings of each profile."""
    from .profiles import known_profiles, load_profile
    from .rules import RULES

    chosen = [load_profile(name) for name in (profiles or known_profiles())]
    return {
        "format": 1,
        "profiles": [
            {"name": p.name, "title": p.title, "effective": p.effective.isoformat(), "extends": p.extends, "source": p.source}
            for p in chosen
        ],
        "rules": [
            {
                "id": r.id,
                "section": r.section,
                "title": r.title,
                "routes": r.routes,
                "severity": r.severity.value,
                "per_parent": r.per_parent,
                "text": r.text,
                "settings": {
                    name: {p.name: _jsonable(getattr(p.settings, name)) for p in chosen} for name in r.settings
                },
            }
            for r in RULES.values()
        ],
    }


def _jsonable(value: Any) -> Any:
    return value.isoformat() if isinstance(value, dt.date) else value


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
    transform=None,
):
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
