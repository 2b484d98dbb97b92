"""Local authority code-of-conduct profiles: the settings that differ between LAs.

A profile is a YAML data file validated by ``Profile``. The national profile
(``national-2024``) names every setting; an LA profile ``extends`` it and overrides
only what it changes, with the source document and the date it took effect. Users
can point ``--profile`` at their own YAML file to model their own LA.
"""

from __future__ import annotations

import datetime as dt
from functools import cache
from importlib import resources
from importlib.abc import Traversable
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from ..case.models import builtin_profiles
from ..case.strict_yaml import parse_yaml
from ..errors import BundlerError, Problem, UsageError

NATIONAL = "national-2024"


class ProfileError(BundlerError):
    """A profile is unknown or its file is invalid."""


class Settings(BaseModel):
    """Every figure a rule reads from a profile, with the national default."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    register_recency_school_days: Annotated[
        int,
        Field(
            ge=0,
            description="S444-03: the register's last session is at most this many school days before the referral",
        ),
    ] = 15
    min_sessions: Annotated[
        int, Field(ge=0, description="S444-04: sessions the register should hold before the referral")
    ] = 0
    threshold_sessions: Annotated[
        int, Field(ge=1, description="S444-20: unauthorised sessions that meet the threshold")
    ] = 10
    threshold_window_weeks: Annotated[int, Field(ge=1, description="S444-20: rolling window, in school weeks")] = 10
    threshold_counts_from: Annotated[dt.date, Field(description="S444-20: sessions before this date do not count")] = (
        dt.date(2024, 8, 19)
    )
    prosecution_months: Annotated[
        int, Field(ge=1, description="S444-21: months within which an information must be laid")
    ] = 6
    unexplained_n_school_days: Annotated[int, Field(ge=0, description="S444-22: school days an N mark may stand")] = 5
    illness_pct_for_medical: Annotated[
        float,
        Field(ge=0, le=100, description="S444-25: illness share of possible sessions that calls for medical evidence"),
    ] = 10
    read_receipt_missing: Annotated[
        Literal["warn", "fail"], Field(description="S444-31: what a missing read receipt request gives")
    ] = "warn"
    formal_notice_by_email: Annotated[
        bool, Field(description="S444-35: whether formal notices may be served by email")
    ] = False
    min_contacts: Annotated[int, Field(ge=0, description="S444-45: recorded contacts with the family")] = 0
    improvement_weeks_min: Annotated[
        int, Field(ge=1, description="S444-60: shortest improvement period, calendar weeks")
    ] = 3
    improvement_period_unit: Annotated[
        Literal["calendar_weeks", "school_weeks"],
        Field(description="S444-60: whether the improvement period counts calendar weeks or school weeks"),
    ] = "calendar_weeks"
    improvement_weeks_max: Annotated[
        int, Field(ge=1, description="S444-60: longest improvement period, calendar weeks")
    ] = 6
    penalty_notice_limit: Annotated[
        int, Field(ge=1, description="S444-61: penalty notices allowed in the look-back period")
    ] = 2
    penalty_notice_lookback_years: Annotated[int, Field(ge=1, description="S444-61: look-back period, years")] = 3
    penalty_notices_count_from: Annotated[
        dt.date | None, Field(description="S444-61: notices issued before this date do not count")
    ] = dt.date(2024, 8, 19)
    final_warning_required: Annotated[
        bool, Field(description="S444-62: a final warning must be served before prosecution")
    ] = False
    referral_notice_required: Annotated[
        bool, Field(description="S444-63: parents must be told in writing of the referral")
    ] = False
    holiday_warning_required: Annotated[
        bool, Field(description="S444-64: parents must be warned in writing about term-time holidays")
    ] = False
    pre_court_interview_required: Annotated[
        bool, Field(description="S444-83: a pre-court interview under PACE must be offered")
    ] = False
    contact_gap_school_days: Annotated[
        int, Field(ge=1, description="S444-91: longest gap without a recorded contact, school days")
    ] = 20


class ProfileFile(BaseModel):
    """The YAML file of a profile, as written."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]*$")]
    title: str
    source: str
    effective: dt.date
    extends: str | None = None
    settings: dict[str, object] = Field(default_factory=dict)


class Profile(BaseModel):
    """A resolved profile: its own description and the full settings it applies."""

    model_config = ConfigDict(frozen=True)

    name: str
    title: str
    source: str
    effective: dt.date
    extends: str | None
    overrides: dict[str, object]
    settings: Settings


def _profile_dir() -> Traversable:
    return resources.files("bundler").joinpath("data", "profiles")


def known_profiles() -> list[str]:
    return list(builtin_profiles())


def _read(text: str, label: str) -> ProfileFile:
    problems: list[Problem] = []
    source = parse_yaml(text, label, problems)
    if problems or source is None:
        raise ProfileError("; ".join(str(p) for p in problems) or f"{label}: empty profile")
    try:
        return ProfileFile.model_validate(source.data)
    except ValidationError as exc:
        details = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors(include_url=False))
        raise ProfileError(f"{label}: {details}") from None


@cache
def _builtin(name: str) -> Profile:
    path = _profile_dir().joinpath(f"{name}.yaml")
    return _resolve(_read(path.read_text(encoding="utf-8"), f"profile {name}"), f"profile {name}")


def _resolve(file: ProfileFile, label: str) -> Profile:
    base: dict[str, object] = {}
    if file.extends:
        if file.extends not in known_profiles():
            raise ProfileError(
                f"{label}: extends unknown profile '{file.extends}' (known: {', '.join(known_profiles())})"
            )
        base = _builtin(file.extends).settings.model_dump()
    try:
        settings = Settings.model_validate({**base, **file.settings})
    except ValidationError as exc:
        details = "; ".join(
            f"settings.{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors(include_url=False)
        )
        raise ProfileError(f"{label}: {details}") from None
    if settings.improvement_weeks_min > settings.improvement_weeks_max:
        raise ProfileError(f"{label}: improvement_weeks_min is more than improvement_weeks_max")
    return Profile(
        name=file.name,
        title=file.title,
        source=file.source,
        effective=file.effective,
        extends=file.extends,
        overrides=dict(file.settings),
        settings=settings,
    )


def load_profile(name_or_path: str) -> Profile:
    """A built-in profile by name, or a user's profile file by path."""
    if name_or_path.endswith((".yaml", ".yml")) or "/" in name_or_path:
        path = Path(name_or_path)
        if not path.is_file():
            raise UsageError(f"profile file {path} does not exist")
        return _resolve(_read(path.read_text(encoding="utf-8"), str(path)), str(path))
    if name_or_path not in known_profiles():
        raise UsageError(f"unknown profile '{name_or_path}'; known profiles: {', '.join(known_profiles())}")
    return _builtin(name_or_path)
