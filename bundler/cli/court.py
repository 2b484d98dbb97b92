"""The court-file commands: ``statement`` (the draft s9 witness statement as Word)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from .. import api
from .options import limit_options


@click.command()
@click.argument("case_folder", type=click.Path(file_okay=False, path_type=Path))
@click.option("--witness", default=None, help="Whose statement (default: the school's attendance lead).")
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Where to write the .docx (default: out/CASE-statement.docx, outside the case folder).",
)
@click.option("--profile", default=None, help="Profile name or YAML file; overrides the case's own.")
@click.option("--force", is_flag=True, help="Replace the output file if it exists (it may hold the witness's edits).")
@limit_options
def statement(
    case_folder: Path, witness: str | None, output: Path | None, profile: str | None, force: bool, limits: Any
) -> None:
    """Write a draft witness statement in s9 Criminal Justice Act 1967 form, as an editable
    Word document, for the witness to correct and sign."""
    out = output or Path("out") / f"{case_folder.resolve().name}-statement.docx"
    written = api.statement(case_folder, out, witness=witness, profile=profile, limits=limits, overwrite=force)
    refs = written.exhibits
    span = f"{refs[0]} to {refs[-1]}" if refs else "none"
    click.echo(
        f"{written.path}: draft statement of {written.witness.name}, {written.paragraphs} paragraphs, "
        f"{len(refs)} exhibits ({span})"
    )
    if written.signed:
        click.echo(
            f"note: the case already holds a signed statement of this witness ({written.signed}); the bundle shows that one"
        )


COMMANDS = [statement]
