"""bundler's public API: one function per thing the command line does, callable from
tests, notebooks, the toolkit site and other programs.

Each function takes paths and options and gives plain data (or writes only where it is
asked to); nothing here prints except the ``print_*`` functions, which draw the
terminal tables the CLI shows. Heavy modules (WeasyPrint, pikepdf, rich) are imported
inside the functions that need them, so ``import bundler.api`` stays quick.

>>> from bundler import api
>>> api.validate("sample_cases/EX-2025-001").valid
True

The stages behind it, in the order data flows: ``bundler.case`` (load, models,
validate) -> ``bundler.register`` (attendance maths, calendar) -> ``bundler.checklist``
(rules, profiles) -> ``bundler.present`` (reports, templates, Markdown) ->
``bundler.bundle`` (the PDF) and ``bundler.letters``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import figures
from .case.load import Limits
from .errors import BundleError, BundlerError, CaseFolderError, Problem, UsageError

if TYPE_CHECKING:
    from rich.console import Console

    from .bundle import BuildResult, Verification
    from .case.validate import CaseFolder, ValidationResult
    from .checklist.profiles import Profile
    from .checklist.run import CaseCheck
    from .imports.add import Added, Ask
    from .imports.common import ImportResult
    from .letters import LetterTemplate, RenderedLetter, WrittenLetter

# fmt: off
__all__ = [
    "BundleError", "BundlerError", "CaseFolderError", "Problem", "UsageError", "Limits", "figures", "limits",
    "validate", "stats", "json_schemas", "write_schemas", "check", "check_many", "case_folders", "summary_row",
    "rules_catalogue", "known_profiles", "load_profile", "report", "code_tables", "days_lost_table",
    "minutes_late_table", "markdown_html", "reference", "clear_caches", "list_templates", "get_template",
    "template_source", "template_partials", "render_letter", "write_letters", "letter_docx", "letter_pdf",
    "letter_html", "new_case", "ctf_pupils", "import_ctf", "import_marks", "add_documents", "build", "verify",
    "print_stats", "print_check", "print_summary", "print_rules", "print_templates", "progress", "status",
]
# fmt: on


# ----------------------------------------------------------------------- the case


def limits(
    max_file_mb: float | None = None,
    *,
    max_pages: int | None = None,
    max_megapixels: float | None = None,
    max_seconds: float | None = None,
) -> Limits:
    """Limits for a case folder; each argument raises (or lowers) one limit: the
    per-file size, pages of one PDF, pixels of one image, seconds to open, convert or
    render one document.

    >>> api.limits(80).max_attachment_bytes
    83886080
    >>> api.limits(max_megapixels=2.5).max_pixels
    2500000
    >>> api.limits(max_seconds=300).max_seconds
    300.0
    """
    changes: dict[str, Any] = {}
    if max_file_mb is not None:
        size = int(max_file_mb * 1024 * 1024)
        changes.update(max_text_bytes=size, max_attachment_bytes=size)
    if max_pages is not None:
        changes["max_pages"] = max_pages
    if max_megapixels is not None:
        changes["max_pixels"] = int(max_megapixels * 1_000_000)
    if max_seconds is not None:
        changes["max_seconds"] = float(max_seconds)
    return dataclasses.replace(Limits(), **changes)


def validate(folder: str | os.PathLike[str], limits: Limits | None = None) -> ValidationResult:
    """Load and validate a case folder: the ``CaseFolder``, or every problem at once.

    Reads only; never writes into the folder. Raises ``CaseFolderError`` when there is
    no folder to read.

    >>> result = api.validate("tests/broken_cases/five-problems")
    >>> [str(p) for p in result.problems][0]
    "case.yaml:18: pupil.year_group: '14' should be less than or equal to 13"
    """
    from .case.validate import validate_folder

    return validate_folder(folder, limits)


def stats(case: CaseFolder, *, threshold: int = 10, window_weeks: int = 10) -> dict[str, Any]:
    """Attendance figures and threshold windows of a validated case (``bundler stats``),
    in the shape of docs/stats-json.md.

    >>> case = api.validate("sample_cases/EX-2025-001").case
    >>> api.stats(case)["threshold"]["met"]
    True
    """
    from .present.stats import case_stats

    return case_stats(case, threshold=threshold, window_weeks=window_weeks)


def json_schemas() -> dict[str, dict[str, Any]]:
    """JSON Schema for every input file, keyed by file name (``case.schema.json`` ...).

    >>> sorted(api.json_schemas())[0]
    'case.schema.json'
    """
    from .case.schema import json_schemas as schemas

    return schemas()


def write_schemas(out_dir: str | os.PathLike[str], *, dry_run: bool = False) -> list[str]:
    """Write the schemas into ``out_dir``; return the names that changed (``dry_run``:
    write nothing, only say which would change).

    >>> api.write_schemas("schemas", dry_run=True)
    []
    """
    from .case.schema import write_schemas as write

    return write(out_dir, dry_run=dry_run)


# ----------------------------------------------------------------------- the checklist


def check(folder: str | os.PathLike[str], *, profile: str | None = None, limits: Limits | None = None) -> CaseCheck:
    """Validate a case folder and run the checklist on it. Never raises for a bad case:
    an invalid case gives its problems, an unusable one its error.

    >>> api.check("sample_cases/EX-2025-001").ready
    True
    """
    from .checklist.run import check_folder

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
    from .checklist.run import check_folders

    return check_folders(list(folders), profile=profile, limits=limits, transform=transform, workers=workers)


def case_folders(paths: Iterable[str | os.PathLike[str]]) -> list[Path]:
    """Expand arguments into case folders: a case folder itself, or a folder of them.

    >>> [p.name for p in api.case_folders(["sample_cases"])]
    ['EX-2025-001', 'EX-2025-002', 'EX-2025-003', 'EX-2025-004']
    """
    from .checklist.run import case_folders as expand

    return expand(list(paths))


def summary_row(check: CaseCheck) -> dict[str, Any]:
    """One row of the LA summary for a checked case (``bundler check --summary``).

    >>> api.summary_row(api.check("sample_cases/EX-2025-001"))["ready"]
    True
    """
    from .present.report import summary_row as row

    return row(check)


def rules_catalogue(profiles: Sequence[str] | None = None) -> dict[str, Any]:
    """Every checklist rule with its routes, severity, text and each profile's settings.

    >>> api.rules_catalogue()["rules"][0]["id"]
    'S444-01'
    """
    from .present.report import rules_catalogue as catalogue

    return catalogue(list(profiles) if profiles else None)


def known_profiles() -> list[str]:
    """The built-in profile names.

    >>> "national-2024" in api.known_profiles()
    True
    """
    from .checklist.profiles import known_profiles as names

    return names()


def load_profile(name_or_path: str) -> Profile:
    """A built-in profile by name, or a user's profile file by path; a ``UsageError``
    names the known profiles when the name is unknown.

    >>> api.load_profile("devon").settings.min_sessions
    100
    """
    from .checklist.profiles import load_profile as load

    return load(name_or_path)


# ----------------------------------------------------------------------- reports

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
    from .present.report import REPORTS

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
    from .case import codes

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
    from .register.attendance import days_lost_table as table

    return table(possible_days, levels)


def minutes_late_table(
    minutes: Iterable[float] = (5, 10, 15, 20, 30), school_days: int = 190
) -> list[tuple[Any, float]]:
    """Days of learning lost in a year by arriving late every day: (minutes, days).

    >>> round(api.minutes_late_table([5])[0][1], 1)
    3.2
    """
    from .register.attendance import minutes_late_table as table

    return table(minutes, school_days)


def markdown_html(text: str) -> str:
    """Markdown as bundler renders it everywhere (CommonMark and tables; raw HTML shown
    as text, never passed through).

    >>> api.markdown_html("**Dear** <b>x</b>")
    '<p><strong>Dear</strong> &lt;b&gt;x&lt;/b&gt;</p>\\n'
    """
    from .present.markdown import to_html

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

    from .checklist import NATIONAL, RULES, Settings
    from .checklist.s3_service import SHARED_MAILBOX_WORDS
    from .letters import NEEDS, PENALTY, ROAD_MAP
    from .register import attendance

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
    from .case.templates import template_names
    from .checklist.profiles import _builtin
    from .letters.catalogue import _templates
    from .present.jinja import environment

    for func in (template_names, _templates, environment, _builtin):
        func.cache_clear()


# ----------------------------------------------------------------------- letters


def list_templates() -> list[LetterTemplate]:
    """Every toolkit template with its metadata, in road-map order.

    >>> api.list_templates()[0].step
    1
    """
    from .letters import list_templates as templates

    return templates()


def get_template(name: str) -> LetterTemplate:
    """A template by name; an error lists the known names (and the nearest one).

    >>> api.get_template("final-warning").notice_kind
    'final_warning'
    """
    from .letters import get_template as get

    return get(name)


def template_source(name: str) -> str:
    """A template file's text as shipped (front matter and Jinja body), or a partial's
    (``_letterhead``).

    >>> api.template_source("final-warning").startswith("---")
    True
    """
    from .case.templates import TEMPLATE_SUFFIX, letters_dir

    file_name = name if name.endswith(TEMPLATE_SUFFIX) else name + TEMPLATE_SUFFIX
    return letters_dir().joinpath(file_name).read_text(encoding="utf-8")


def template_partials() -> list[str]:
    """The file names of the shared template pieces (``_letterhead.md.j2`` ...).

    >>> "_signoff.md.j2" in api.template_partials()
    True
    """
    from .case.templates import TEMPLATE_SUFFIX, letters_dir

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
    from .letters import render_letter as render

    return render(case, name, parent_id, on, serve, **options)


def write_letters(
    case_folder: str | os.PathLike[str], name: str, parent_ids: Sequence[str] = (), **options: Any
) -> list[WrittenLetter]:
    """Write a template into the case's ``documents/``, one new file per parent (never
    overwriting), with PDF and Word copies where ``pdf_dir`` / ``docx_dir`` ask.

    >>> api.write_letters(folder, "final-warning", ["p1"], on=dt.date(2025, 3, 3))[0].path.name  # doctest: +SKIP
    '2025-03-03-final-warning-p1.md'
    """
    from .letters import write_letters as write

    return write(case_folder, name, parent_ids, **options)


def letter_pdf(letter: RenderedLetter) -> bytes:
    """A rendered letter as a print-ready PDF."""
    from .letters import letter_pdf as pdf

    return pdf(letter)


def letter_docx(letter: RenderedLetter) -> bytes:
    """A rendered letter as an editable Word document."""
    from .letters import letter_docx as docx

    return docx(letter)


def letter_html(letter: RenderedLetter) -> str:
    """A rendered letter as a standalone HTML page (as its PDF shows it)."""
    from .letters import letter_html as page

    return page(letter)


def new_case(
    folder: str | os.PathLike[str], route: str, case_id: str | None = None, *, today: dt.date | None = None
) -> Path:
    """Write a commented case-folder skeleton that validates; refuses a folder that is
    not empty.

    >>> api.new_case(tmp / "NEW-1", "penalty_notice").name  # doctest: +SKIP
    'NEW-1'
    """
    from .letters import new_case as new

    return new(folder, route, case_id, today=today)


# ----------------------------------------------------------------------- imports


def ctf_pupils(ctf: str | os.PathLike[str]) -> list[tuple[str, str]]:
    """The (UPN, name) of every pupil in a Common Transfer File.

    >>> api.ctf_pupils("tests/fixtures/imports/ctf-three-years.xml")
    [('A999210024001', 'Sam Example')]
    """
    from .imports.ctfcase import ctf_pupils as pupils

    return pupils(ctf)


def import_ctf(ctf: str | os.PathLike[str], case_folder: str | os.PathLike[str], **options: Any) -> ImportResult:
    """Write a new case folder (case.yaml, attendance.csv) from one pupil of a CTF; what
    the CTF cannot give is left as TODO values. Options: ``upn``, ``carers`` (contacts
    without parental responsibility who have care of the pupil), ``route``,
    ``referral_date``, ``case_id``, ``map_file``, ``max_file_mb``.

    >>> api.import_ctf("tests/fixtures/imports/ctf-three-years.xml", tmp / "NEW-1").written[0].name  # doctest: +SKIP
    'case.yaml'
    """
    from .imports.common import ImportLimits
    from .imports.ctfcase import import_ctf as run

    return run(ctf, case_folder, limits=ImportLimits.scaled(options.pop("max_file_mb", None)), **options)


def import_marks(sheet: str | os.PathLike[str], case_folder: str | os.PathLike[str], **options: Any) -> ImportResult:
    """Write a case's attendance.csv from an MIS mark sheet (CSV or XLSX). Options:
    ``map_file`` (columns and sub-codes), ``force`` (replace an existing register,
    keeping a backup), ``max_file_mb``.

    >>> api.import_marks("tests/fixtures/imports/marks-weeks.csv", folder).notes[0]  # doctest: +SKIP
    '30 register sessions, 2024-09-02 to 2024-09-20'
    """
    from .imports.common import ImportLimits
    from .imports.marks import import_marks as run

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
    from .imports.add import add_documents as run
    from .imports.common import ImportLimits

    return run(files, case_folder, fields, ask=ask, limits=ImportLimits.scaled(max_file_mb))


# ----------------------------------------------------------------------- the bundle


def build(folder: str | os.PathLike[str], output: str | os.PathLike[str], **options: Any) -> BuildResult:
    """Build the referral bundle of a case folder into ``output`` (atomically, never
    inside the case folder). Refuses a case that is not ready unless ``draft=True``.

    >>> api.build("sample_cases/EX-2025-001", "out/EX-2025-001.pdf").pages  # doctest: +SKIP
    34
    """
    from .bundle import build_bundle

    return build_bundle(folder, output, **options)


def verify(bundle_pdf: str | os.PathLike[str], case_folder: str | os.PathLike[str] | None = None) -> Verification:
    """Is a built bundle intact, and (with the case folder) does it still match it?

    >>> api.verify("out/EX-2025-001.pdf").ok  # doctest: +SKIP
    True
    """
    from .bundle import verify_bundle

    return verify_bundle(bundle_pdf, case_folder)


# ----------------------------------------------------------------------- the terminal


def print_stats(report: dict[str, Any], console: Console | None = None) -> None:
    """``bundler stats`` as tables on the terminal."""
    from .present.terminal import print_stats as show

    show(report, console)


def print_check(check: CaseCheck, console: Console | None = None) -> None:
    """One case's findings as tables, grouped by checklist section, fails first."""
    from .present.terminal import print_check as show

    show(check, console)


def print_summary(rows: list[dict[str, Any]], console: Console | None = None) -> None:
    """The LA summary as a table, one row per case."""
    from .present.terminal import print_summary as show

    show(rows, console)


def print_rules(catalogue: dict[str, Any], console: Console | None = None) -> None:
    """Every checklist rule with each profile's settings."""
    from .present.terminal import print_rules as show

    show(catalogue, console)


def print_templates(console: Console | None = None) -> None:
    """Every toolkit template by road-map step."""
    from .present.terminal import print_templates as show

    show(list_templates(), console)


def progress(total: int, label: str) -> Any:
    """A context manager giving ``advance()``: a progress bar on stderr when it is a
    terminal and there are many items, nothing otherwise."""
    from .present.terminal import Progress

    return Progress(total, label)


def status(label: str = "working") -> Any:
    """A context manager giving ``update(message)``: a one-line status on stderr while
    a long command runs (terminals only)."""
    from .present.terminal import Status

    return Status(label)
