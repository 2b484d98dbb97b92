"""Commands about the case folder itself: ``validate``, ``stats``, ``schema``, ``new``."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from .. import api
from .options import EXIT_INVALID, EXIT_OK, echo_report, format_option, limit_options


@click.command()
@click.argument("case_folder", type=click.Path(file_okay=False, path_type=Path))
@limit_options
@format_option("validate")
def validate(case_folder: Path, limits: Any, fmt: str) -> None:
    """Check a case folder against the case format; report every problem at once."""
    result = api.validate(case_folder, limits)
    if fmt != "text":
        echo_report("validate", result, fmt)
        sys.exit(EXIT_OK if result.valid else EXIT_INVALID)
    for note in result.notes:
        click.echo(f"note: {note}" + (f" ({note.hint})" if note.hint else ""), err=True)
    if result.valid:
        click.echo(f"{case_folder}: valid")
    else:
        for problem in result.problems:
            click.echo(str(problem) + (f" ({problem.hint})" if problem.hint else ""))
        n = len(result.problems)
        click.echo(f"{case_folder}: {n} problem{'s' if n != 1 else ''}", err=True)
    sys.exit(EXIT_OK if result.valid else EXIT_INVALID)


@click.command()
@click.argument("case_folder", type=click.Path(file_okay=False, path_type=Path))
@click.option(
    "--threshold",
    type=click.IntRange(min=1),
    default=10,
    show_default=True,
    help="Unauthorised sessions that meet the threshold.",
)
@click.option(
    "--window",
    "window_weeks",
    type=click.IntRange(min=1),
    default=10,
    show_default=True,
    help="Rolling window, in school weeks.",
)
@limit_options
@format_option("stats")
def stats(case_folder: Path, threshold: int, window_weeks: int, limits: Any, fmt: str) -> None:
    """Attendance figures, bands and threshold windows for a case."""
    result = api.validate(case_folder, limits)
    if result.case is None:
        for problem in result.problems:
            click.echo(str(problem), err=True)
        click.echo(f"{case_folder}: invalid case; run 'bundler validate' for details", err=True)
        sys.exit(EXIT_INVALID)
    report = api.stats(result.case, threshold=threshold, window_weeks=window_weeks)
    if fmt == "text":
        api.print_stats(report)
    else:
        echo_report("stats", report, fmt)


@click.command()
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Write one .json file per schema into this folder.",
)
@click.option("--check", is_flag=True, help="Exit 1 if the files in --out differ from the models.")
def schema(out_dir: Path | None, check: bool) -> None:
    """JSON Schema for every input file, exported from the models."""
    import json

    if out_dir is None:
        click.echo(json.dumps(api.json_schemas(), indent=2, sort_keys=True))
        return
    changed = api.write_schemas(out_dir, dry_run=check)
    if check:
        for name in changed:
            click.echo(f"{out_dir / name}: out of date", err=True)
        sys.exit(EXIT_INVALID if changed else EXIT_OK)
    click.echo(f"wrote {len(changed)} changed schema file(s) to {out_dir}")


@click.command()
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path))
@click.option("--route", type=click.Choice(api.ROUTES), required=True)
@click.option("--case-id", default=None, help="Case id (default: the folder's name).")
def new(folder: Path, route: str, case_id: str | None) -> None:
    """Write a commented case-folder skeleton that validates."""
    path = api.new_case(folder, route, case_id)
    click.echo(
        f"wrote a new {route.replace('_', ' ')} case in {path}; fill in case.yaml, then run bundler validate {path}"
    )


COMMANDS = [validate, stats, schema, new]
