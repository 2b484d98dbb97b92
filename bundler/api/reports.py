"""Reports in every format, the code and reference tables, Markdown as bundler renders it."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from ..errors import UsageError

if TYPE_CHECKING:
    pass


#: what each report kind can be written as (the CLI's --format choices)
REPORT_FORMATS: Mapping[str, tuple[str, ...]] = {
    "validate": ("text", "json"),
    "stats": ("text", "json"),
    "check": ("text", "json", "md", "html", "junit"),
    "summary": ("text", "csv", "json", "html"),
    "rules": ("text", "json", "md"),
}


def report(kind: str, data: Any, fmt: str) -> str:
    """A report as text in a machine or document format (``text`` is for ``print_*``).

    ``kind`` is ``check`` (``data``: a list of CaseCheck; also ``annotations``, the
    GitHub ``::error`` lines), ``summary`` (rows),
    ``rules`` (the catalogue), ``stats`` (the stats dict) or ``validate`` (a
    ValidationResult).

    >>> api.report("summary", [api.summary_row(api.check("sample_cases/EX-2025-001"))], "csv").splitlines()[0]
    'folder,case_id,route,profile,ready,fail,warn,pass,info,not_applicable,failing_rules,error'
    """
    from ..present.report import REPORTS

    if (kind, fmt) not in REPORTS:
        known = ", ".join(f for k, f in REPORTS if k == kind)
        raise UsageError(f"a {kind} report is written as {known or 'nothing'}, not {fmt}")
    return REPORTS[(kind, fmt)](data)


def code_tables() -> dict[str, Any]:
    """The DfE attendance codes: both sets, the 2006-to-2024 mapping, the code classes,
    and the date the 2024 set starts.

    >>> api.code_tables()["2024"]["J1"].category.value
    'authorised'
    """
    from ..case import codes

    return {
        "2006": codes.CODES_2006,
        "2024": codes.CODES_2024,
        "mapping": codes.MAPPING_2006_TO_2024,
        "defence": codes.DEFENCE_CODES,
        "late": codes.LATE_CODES,
        "unauthorised": codes.UNAUTHORISED_CODES,
        "starts": codes.REGULATIONS_2024_START,
    }


def days_lost_table(
    possible_days: int = 190, levels: Iterable[float] = (100, 97, 95, 90, 85, 80, 50)
) -> list[tuple[Any, float, float]]:
    """What an attendance level costs over a school year: (level %, days, weeks).

    >>> api.days_lost_table(190, [90])[0][1]
    19.0
    """
    from ..register.attendance import days_lost_table as table

    return table(possible_days, levels)


def minutes_late_table(
    minutes: Iterable[float] = (5, 10, 15, 20, 30), school_days: int = 190
) -> list[tuple[Any, float]]:
    """Days of learning lost in a year by arriving late every day: (minutes, days).

    >>> round(api.minutes_late_table([5])[0][1], 1)
    3.2
    """
    from ..register.attendance import minutes_late_table as table

    return table(minutes, school_days)


def markdown_html(text: str) -> str:
    """Markdown as bundler renders it everywhere (CommonMark and tables; raw HTML shown
    as text, never passed through).

    >>> api.markdown_html("**Dear** <b>x</b>")
    '<p><strong>Dear</strong> &lt;b&gt;x&lt;/b&gt;</p>\\n'
    """
    from ..present.markdown import to_html

    return to_html(text)


def reference() -> dict[str, Any]:
    """The toolkit's fixed figures and vocabularies, for pages that explain the tool:
    the road map, what templates may fill in, penalty amounts, the absence bands, hours
    per session, the shared-mailbox words, the national profile's name, what each profile
    setting means, the number of rules, and the defaults of the learning-lost tables.

    >>> api.reference()["road_map"][9]
    'Deciding if legal intervention is appropriate'
    """
    import inspect

    from ..checklist import NATIONAL, RULES, Settings
    from ..checklist.s3_service import SHARED_MAILBOX_WORDS
    from ..letters import NEEDS, PENALTY, ROAD_MAP
    from ..register import attendance

    band = inspect.signature(attendance.absence_band).parameters
    days = inspect.signature(attendance.days_lost_table).parameters
    late = inspect.signature(attendance.minutes_late_table).parameters
    return {
        "road_map": dict(ROAD_MAP),
        "needs": dict(NEEDS),
        "penalty": dict(PENALTY),
        "persistent_missed_pct": band["persistent_missed_pct"].default,
        "severe_missed_pct": band["severe_missed_pct"].default,
        "hours_per_session": inspect.signature(attendance.summarise).parameters["hours_per_session"].default,
        "possible_days": days["possible_days"].default,
        "late_school_days": late["school_days"].default,
        "learning_hours_per_day": late["learning_hours_per_day"].default,
        "shared_mailbox_words": tuple(SHARED_MAILBOX_WORDS),
        "national_profile": NATIONAL,
        "settings": {name: info.description or "" for name, info in Settings.model_fields.items()},
        "rule_count": len(RULES),
    }


def clear_caches() -> None:
    """Forget cached templates and profiles (a long-running process, e.g. ``mkdocs
    serve``, then sees edited template and profile files).

    >>> api.clear_caches()
    """
    from ..case.templates import template_names
    from ..checklist.profiles import _builtin
    from ..letters.catalogue import _templates
    from ..present.jinja import environment

    for func in (template_names, _templates, environment, _builtin):
        func.cache_clear()
