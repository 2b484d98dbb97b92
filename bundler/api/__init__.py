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

The functions live in modules by subject (``cases``, ``checks``, ``reports``,
``letters``, ``imports``, ``bundles``, ``terminal``); use them from here, as ``api.NAME``.
"""

from __future__ import annotations

from .. import figures
from ..case.load import Limits
from ..errors import BundleError, BundlerError, CaseFolderError, Problem, UsageError
from .bundles import build, build_packs, statement, verify
from .cases import ROUTES, SERVICE_METHODS, json_schemas, limits, stats, validate, write_schemas
from .checks import case_folders, check, check_many, known_profiles, load_profile, rules_catalogue, summary_row
from .imports import add_documents, ctf_pupils, import_ctf, import_marks
from .letters import (
    get_template,
    letter_docx,
    letter_html,
    letter_pdf,
    list_templates,
    new_case,
    render_letter,
    template_blanks,
    template_partials,
    template_source,
    write_letters,
)
from .reports import (
    REPORT_FORMATS,
    clear_caches,
    code_tables,
    days_lost_table,
    markdown_html,
    minutes_late_table,
    reference,
    report,
)
from .terminal import (
    BUILD_STEPS,
    print_check,
    print_rules,
    print_stats,
    print_summary,
    print_template,
    print_templates,
    progress,
    status,
    steps,
)

# fmt: off
__all__ = [
    "BundleError", "BundlerError", "CaseFolderError", "Problem", "UsageError", "Limits", "figures", "limits",
    "ROUTES", "SERVICE_METHODS", "validate", "stats", "json_schemas", "write_schemas", "check", "check_many",
    "case_folders", "summary_row",
    "rules_catalogue", "known_profiles", "load_profile", "report", "code_tables", "days_lost_table",
    "minutes_late_table", "markdown_html", "reference", "clear_caches", "list_templates", "get_template",
    "template_source", "template_partials", "render_letter", "write_letters", "letter_docx", "letter_pdf",
    "letter_html", "new_case", "ctf_pupils", "import_ctf", "import_marks", "add_documents", "build", "build_packs",
    "statement", "verify", "print_stats", "print_check", "print_summary", "print_rules", "print_templates",
    "progress", "status", "template_blanks", "print_template", "steps", "BUILD_STEPS", "REPORT_FORMATS",
]
# fmt: on
