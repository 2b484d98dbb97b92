"""The toolkit's letters: ``templates`` and ``letter``."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from .. import api

SERVE_METHODS = ["post_first_class", "post_second_class", "recorded_delivery", "hand", "email"]


@click.command()
def templates() -> None:
    """Every letter and form template: name, road-map step, what it produces and why."""
    api.print_templates()


@click.command()
@click.argument("template")
@click.argument("case_folder", type=click.Path(file_okay=False, exists=True, path_type=Path))
@click.option("--parent", "parents", multiple=True, help="Parent id to write to (repeat for several).")
@click.option("--all-parents", is_flag=True, help="One letter for every parent who is not excluded.")
@click.option(
    "--date", "on", type=click.DateTime(formats=["%Y-%m-%d"]), required=True, help="Date of the letter (YYYY-MM-DD)."
)
@click.option("--serve", type=click.Choice(SERVE_METHODS), default=None, help="How it will be served.")
@click.option(
    "--weeks",
    "monitoring_weeks",
    type=click.IntRange(1, 52),
    default=None,
    help="Improvement period for a notice, in weeks.",
)
@click.option(
    "--pdf",
    "pdf_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Also write a print-ready PDF of each letter here.",
)
@click.option(
    "--docx",
    "docx_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Also write an editable Word copy of each letter here.",
)
def letter(
    template: str,
    case_folder: Path,
    parents: tuple[str, ...],
    all_parents: bool,
    on: dt.datetime,
    serve: str | None,
    monitoring_weeks: int | None,
    pdf_dir: Path | None,
    docx_dir: Path | None,
) -> None:
    """Write a toolkit letter into the case's documents/, one per parent.

    The one command that writes into a case folder, and only new files.
    """
    if not parents and not all_parents and api.get_template(template).addressed == "parent":
        raise click.UsageError("name a parent with --parent, or use --all-parents")
    written = api.write_letters(
        case_folder,
        template,
        parents,
        all_parents=all_parents,
        on=on.date(),
        serve=serve,
        pdf_dir=pdf_dir,
        docx_dir=docx_dir,
        monitoring_weeks=monitoring_weeks,
    )
    for item in written:
        click.echo(
            f"wrote {item.path}" + (f" (+ {item.pdf})" if item.pdf else "") + (f" (+ {item.docx})" if item.docx else "")
        )
        for warning in item.warnings:
            click.echo(f"warning: {item.path.name}: {warning}", err=True)


COMMANDS = [templates, letter]
