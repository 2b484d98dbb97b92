"""The checklist commands: ``check`` (one case, many, or the LA summary) and ``rules``."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from .. import api
from .options import EXIT_INVALID, EXIT_OK, EXIT_USAGE, echo_report, limit_options

CHECK_FORMATS = sorted(
    set(api.REPORT_FORMATS["check"]) | set(api.REPORT_FORMATS["summary"]),
    key=["text", "json", "md", "html", "junit", "csv"].index,
)


@click.command()
@click.argument("cases", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--profile", default=None, help="Profile name or YAML file; overrides the case's own referral.profile.")
@click.option("--format", "fmt", type=click.Choice(CHECK_FORMATS), default="text", show_default=True)
@click.option("--summary", is_flag=True, help="One row per case (the LA view); formats text, csv, json, html.")
@click.option("--annotate", is_flag=True, help="Also print GitHub-style ::error lines for problems and failing rules.")
@limit_options
def check(cases: tuple[Path, ...], profile: str | None, fmt: str, summary: bool, annotate: bool, limits: Any) -> None:
    """Check cases against the Section 444 referral checklist.

    Exit 0 when every case is ready, 1 when one is not ready, 2 when one cannot be
    checked (invalid case, unknown profile).
    """
    if profile:
        api.load_profile(profile)  # an unknown profile is a usage error, before any case is read
    kind = "summary" if summary else "check"
    if fmt not in api.REPORT_FORMATS[kind]:
        raise click.UsageError(
            f"--summary takes --format text, csv, json or html, not {fmt}"
            if summary
            else f"--format {fmt} goes with --summary"
        )
    folders = api.case_folders(list(cases))
    if summary:
        sys.exit(_summary(folders, profile, limits, fmt))
    sys.exit(_check(folders, profile, limits, fmt, annotate))


def _checked(folders: list[Path], profile: str | None, limits: Any, transform: Any = None) -> list[Any]:
    """Every folder checked, in order, with a progress bar on a terminal."""
    out = []
    with api.progress(len(folders), "Checking cases") as advance:
        for item in api.check_many(folders, profile=profile, limits=limits, transform=transform):
            out.append(item)
            advance()
    return out


def _summary(folders: list[Path], profile: str | None, limits: Any, fmt: str) -> int:
    rows = _checked(folders, profile, limits, api.summary_row)
    if fmt == "text":
        api.print_summary(rows)
    else:
        echo_report("summary", rows, fmt)
    if any(row["case_id"] is None for row in rows):
        return EXIT_USAGE
    return EXIT_OK if all(row["ready"] for row in rows) else EXIT_INVALID


def _check(folders: list[Path], profile: str | None, limits: Any, fmt: str, annotate: bool) -> int:
    checks = _checked(folders, profile, limits)
    if fmt == "text":
        for c in checks:
            api.print_check(c)
    else:
        echo_report("check", checks, fmt)
    if annotate:
        click.echo(api.report("check", checks, "annotations"), nl=False)
    if any(not c.checked for c in checks):
        return EXIT_USAGE
    return EXIT_OK if all(c.ready for c in checks) else EXIT_INVALID


@click.command()
@click.option("--profile", "profiles", multiple=True, help="Show settings for these profiles only (default: all).")
@click.option(
    "--format", "fmt", type=click.Choice(list(api.REPORT_FORMATS["rules"])), default="text", show_default=True
)
def rules(profiles: tuple[str, ...], fmt: str) -> None:
    """Every checklist rule: ID, routes, severity, text, and its settings per profile."""
    catalogue = api.rules_catalogue(list(profiles) or None)
    if fmt == "text":
        api.print_rules(catalogue)
    else:
        echo_report("rules", catalogue, fmt)


COMMANDS = [check, rules]
