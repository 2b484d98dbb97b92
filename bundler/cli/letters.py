"""The toolkit's letters: ``templates`` and ``letter``."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from .. import api

SERVE_METHODS = ["post_first_class", "post_second_class", "recorded_delivery", "hand", "email"]


@click.command()
@click.argument("name", required=False)
def templates(name: str | None) -> None:
    """Every letter and form template; with NAME, that template's blanks and what fills them."""
    if name is None:
        api.print_templates()
    else:
        api.print_template(name)


def _settings(values: tuple[str, ...]) -> dict[str, str]:
    """``--set NAME=VALUE`` pairs as a mapping (the last of a repeated NAME wins)."""
    out = {}
    for value in values:
        name, sep, text = value.partition("=")
        if not sep or not name.strip():
            raise click.BadParameter(f"'{value}' is not NAME=VALUE (e.g. meeting_time=3:30pm)", param_hint="--set")
        out[name.strip()] = text
    return out


@click.command()
@click.argument("template")
@click.argument("case_folder", type=click.Path(file_okay=False, exists=True, path_type=Path))
@click.option("--parent", "parents", multiple=True, help="Parent id to write to (repeat for several).")
@click.option("--all-parents", is_flag=True, help="One letter for every parent who is not excluded.")
@click.option(
    "--date",
    "on",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    help="Date of the letter (YYYY-MM-DD; default: today).",
)
@click.option("--serve", type=click.Choice(SERVE_METHODS), default=None, help="How it will be served.")
@click.option(
    "--set",
    "values",
    multiple=True,
    metavar="NAME=VALUE",
    help="Fill one of the template's blanks (repeat for each; 'bundler templates NAME' lists them).",
)
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
    on: dt.datetime | None,
    serve: str | None,
    values: tuple[str, ...],
    monitoring_weeks: int | None,
    pdf_dir: Path | None,
    docx_dir: Path | None,
) -> None:
    """Write a toolkit letter into the case's documents/, one per parent.

    The one command that writes into a case folder, and only new files. A letter that
    still holds blanks is listed with them: fill them with --set, or edit the file.
    """
    if not parents and not all_parents and api.get_template(template).addressed == "parent":
        raise click.UsageError("name a parent with --parent, or use --all-parents")
    written = api.write_letters(
        case_folder,
        template,
        parents,
        all_parents=all_parents,
        on=on.date() if on else dt.date.today(),
        serve=serve,
        pdf_dir=pdf_dir,
        docx_dir=docx_dir,
        monitoring_weeks=monitoring_weeks,
        inputs=_settings(values),
    )
    for item in written:
        click.echo(
            f"wrote {item.path}" + (f" (+ {item.pdf})" if item.pdf else "") + (f" (+ {item.docx})" if item.docx else "")
        )
        blanks = item.letter.blanks
        if blanks:
            n = len(blanks)
            copies = " and its copies are" if item.pdf or item.docx else " is"
            click.echo(
                f"  NOT READY TO SEND: {n} blank{'s' if n != 1 else ''} left to fill; {item.path.name}{copies} not"
                " finished, and rule S444-93 fails the case until every blank is filled:"
            )
            for blank in blanks:
                click.echo(f"    {item.path.name}:{blank.line}: {blank.text} ({blank.hint})")
        for warning in item.warnings:
            click.echo(f"warning: {item.path.name}: {warning}", err=True)


COMMANDS = [templates, letter]
