"""The bundle commands: ``build`` and ``verify``."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from .. import api
from .options import EXIT_INVALID, EXIT_OK, max_file_option


@click.command()
@click.argument("case_folder", type=click.Path(file_okay=False, path_type=Path))
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Where to write the PDF (default: out/CASE.pdf, outside the case folder).",
)
@click.option("--draft", is_flag=True, help="Build even if the case is not ready; every page is marked DRAFT.")
@click.option("--profile", default=None, help="Profile name or YAML file; overrides the case's own.")
@max_file_option
def build(case_folder: Path, output: Path | None, draft: bool, profile: str | None, max_file_mb: float | None) -> None:
    """Build the referral bundle PDF. Refuses a case that is not ready unless --draft."""
    out = output or Path("out") / f"{case_folder.resolve().name}{'-draft' if draft else ''}.pdf"
    with api.steps(f"Building {out.name}", api.BUILD_STEPS) as report:
        result = api.build(
            case_folder, out, draft=draft, profile=profile, limits=api.limits(max_file_mb), progress=report
        )
    for warning in result.warnings:
        click.echo(f"warning: {warning}", err=True)
    state = "DRAFT (not ready)" if result.draft and not result.ready else ("draft" if result.draft else "ready")
    click.echo(f"{result.output}: {result.pages} pages, {state}")


@click.command()
@click.argument("bundle_pdf", type=click.Path(dir_okay=False, exists=True, path_type=Path))
@click.argument("case_folder", required=False, type=click.Path(file_okay=False, path_type=Path))
def verify(bundle_pdf: Path, case_folder: Path | None) -> None:
    """Check a bundle is intact (and, with CASE_FOLDER, that it still matches the case)."""
    result = api.verify(bundle_pdf, case_folder)
    m = result.manifest
    click.echo(
        f"{bundle_pdf}: bundle of case {m.get('case_id')}, {m.get('pages')} pages, built by {m.get('tool')} from {len(m.get('inputs', []))} input files"
    )
    for message in result.messages:
        click.echo(f"  {message}")
    click.echo(
        "intact" + (" and matches the case folder" if case_folder and result.ok else "") if result.ok else "ALTERED"
    )
    sys.exit(EXIT_OK if result.ok else EXIT_INVALID)


COMMANDS = [build, verify]
