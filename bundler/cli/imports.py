"""Commands that bring in evidence from where schools keep it: ``import ctf``, ``import
marks`` and ``add``. Each writes only new files (``import marks --force`` replaces the
register and keeps a backup) and prints what it wrote."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path
from typing import Any

import click

from .. import api
from .options import max_file_option


def _report(result: Any) -> None:
    for path in result.written:
        click.echo(f"wrote {path}")
    for note in result.notes:
        click.echo(f"  {note}")
    for warning in result.warnings:
        click.echo(f"warning: {warning}", err=True)
    if result.todo:
        click.echo("to fill in (marked TODO in case.yaml):")
        for item in result.todo:
            click.echo(f"  - {item}")


@click.group("import")
def import_group() -> None:
    """Bring in a case or a register from the school's MIS."""


@import_group.command("ctf")
@click.argument("ctf", type=click.Path(dir_okay=False, path_type=Path))
@click.argument("case_folder", type=click.Path(file_okay=False, path_type=Path))
@click.option("--upn", default=None, help="The pupil to import, when the CTF holds several.")
@click.option(
    "--parent-without-pr-cares",
    "carers",
    multiple=True,
    metavar="CONTACT",
    help="A contact without parental responsibility who has care of the pupil (order number or name); repeat for several.",
)
@click.option("--route", type=click.Choice(api.ROUTES), default="penalty_notice", show_default=True)
@click.option("--referral-date", type=click.DateTime(formats=["%Y-%m-%d"]), default=None, help="Default: today.")
@click.option("--case-id", default=None, help="Case id (default: the folder's name).")
@click.option(
    "--map",
    "map_file",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="A YAML file mapping the MIS's mark characters to statutory codes.",
)
@max_file_option
def ctf(
    ctf: Path,
    case_folder: Path,
    upn: str | None,
    carers: tuple[str, ...],
    route: str,
    referral_date: dt.datetime | None,
    case_id: str | None,
    map_file: Path | None,
    max_file_mb: float | None,
) -> None:
    """Make a new case folder from a Common Transfer File exported from the MIS."""
    if upn is None and len(pupils := api.ctf_pupils(ctf)) > 1:
        click.echo(f"{ctf} holds {len(pupils)} pupils; choose one with --upn:", err=True)
        for number, name in pupils:
            click.echo(f"  {number or '(no UPN)'}  {name}", err=True)
        sys.exit(2)
    result = api.import_ctf(
        ctf,
        case_folder,
        upn=upn,
        carers=carers,
        route=route,
        case_id=case_id,
        map_file=map_file,
        referral_date=referral_date.date() if referral_date else None,
        max_file_mb=max_file_mb,
    )
    _report(result)
    click.echo(f"next: fill in the TODO values, then run bundler validate {case_folder}")


@import_group.command("marks")
@click.argument("sheet", type=click.Path(dir_okay=False, path_type=Path))
@click.argument("case_folder", type=click.Path(file_okay=False, path_type=Path))
@click.option(
    "--map",
    "map_file",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="A YAML file naming columns, sheet, header row and MIS sub-codes.",
)
@click.option("--force", is_flag=True, help="Replace an existing attendance.csv (the old one is kept as a backup).")
@max_file_option
def marks(sheet: Path, case_folder: Path, map_file: Path | None, force: bool, max_file_mb: float | None) -> None:
    """Write a case's attendance.csv from an MIS mark sheet (CSV or XLSX)."""
    _report(api.import_marks(sheet, case_folder, map_file=map_file, force=force, max_file_mb=max_file_mb))


def _ask(name: str, allowed: list[str] | None, proposed: str | None) -> str:
    """Ask for one field on the terminal; an optional one (its name says "blank") may be left empty."""
    optional = "blank" in name
    default = proposed or ("" if optional or "comma-separated" in name else None)  # a list may be empty
    if allowed and "comma-separated" in name:
        click.echo(f"{name}: any of {', '.join(allowed)}")
        while True:
            answer = str(click.prompt(f"  {name.split(' ')[0]}", default=default, show_default=False))
            unknown = [part.strip() for part in answer.split(",") if part.strip() and part.strip() not in allowed]
            if not unknown:
                return answer
            click.echo(f"Error: {', '.join(unknown)} not one of {', '.join(allowed)}")
    if allowed:
        click.echo(f"{name}: one of {', '.join(allowed)}")
        choice = click.Choice([*allowed, ""] if optional else allowed)
        return str(click.prompt(f"  {name.split(' ')[0]}", type=choice, default=default, show_choices=False))
    return str(click.prompt(name, default=default, show_default=bool(proposed)))


@click.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.argument("case_folder", type=click.Path(file_okay=False, exists=True, path_type=Path))
@click.option(
    "--type",
    "doc_type",
    default=None,
    help="letter, email, meeting, notice, support, ... (the document types of the case format).",
)
@click.option("--title", default=None)
@click.option("--date", "on", type=click.DateTime(formats=["%Y-%m-%d"]), default=None, help="YYYY-MM-DD.")
@click.option("--to", default=None, help="The parent id it is addressed to.")
@click.option("--served", type=click.Choice(api.SERVICE_METHODS), default=None, help="How it was served.")
@click.option("--address", default=None, help="The email address it was served to (--served email).")
@click.option("--sent-at", default=None, help="When the email was sent: YYYY-MM-DDTHH:MM.")
@click.option("--read-receipt", type=click.Choice(["requested", "received", "none"]), default=None)
@click.option("--handed-at", default=None, help="When it was handed over: YYYY-MM-DDTHH:MM (--served hand).")
@click.option("--handed-by", default=None)
@click.option("--recipient", default=None, help="The parent id who took it (--served hand).")
@click.option("--kind", default=None, help="The kind of meeting, notice or support.")
@click.option("--template", default=None)
@click.option("--exhibit", default=None)
@click.option("--notes", default=None)
@click.option(
    "--field",
    "extra",
    multiple=True,
    metavar="KEY=VALUE",
    help="Any other field; lists comma-separated (e.g. invited=p1,p2).",
)
@max_file_option
def add(
    files: tuple[Path, ...],
    case_folder: Path,
    doc_type: str | None,
    title: str | None,
    on: dt.datetime | None,
    to: str | None,
    served: str | None,
    address: str | None,
    sent_at: str | None,
    read_receipt: str | None,
    handed_at: str | None,
    handed_by: str | None,
    recipient: str | None,
    kind: str | None,
    template: str | None,
    exhibit: str | None,
    notes: str | None,
    extra: tuple[str, ...],
    max_file_mb: float | None,
) -> None:
    """Copy documents into the case and write their sidecars (proposed from an email's headers).

    Missing required fields are asked for when this runs in a terminal.
    """
    fields: dict[str, Any] = {
        "type": doc_type,
        "title": title,
        "date": on.date() if on else None,
        "to": to,
        "kind": kind,
        "template": template,
        "exhibit": exhibit,
        "notes": notes,
        "served.method": served,
        "served.address": address,
        "served.sent_at": sent_at,
        "served.read_receipt": read_receipt,
        "served.handed_at": handed_at,
        "served.handed_by": handed_by,
        "served.recipient": recipient,
    }
    for item in extra:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise click.UsageError(f"--field {item}: write KEY=VALUE")
        lists = ("invited", "attended", "parents", "offered_to", "staff", "actions")
        fields[key.strip()] = [v.strip() for v in value.split(",") if v.strip()] if key.strip() in lists else value
    interactive = sys.stdin.isatty()
    added = api.add_documents(files, case_folder, fields, ask=_ask if interactive else None, max_file_mb=max_file_mb)
    for doc in added:
        meta = doc.meta
        what = f"{meta['type']}" + (f" to {meta['to']}" if meta.get("to") else "") + f", {meta['date']}"
        if isinstance(meta.get("served"), dict):
            s = meta["served"]
            what += f", served by {s['method'].replace('_', ' ')}" + (f" to {s['address']}" if s.get("address") else "")
            if s.get("read_receipt") == "requested":
                what += " (read receipt requested)"
        click.echo(f"wrote {doc.document} and {doc.sidecar.name} ({what})")
        for note in doc.notes:
            click.echo(f"  {note}")
        for warning in doc.warnings:
            click.echo(f"warning: {doc.document.name}: {warning}", err=True)


COMMANDS = [import_group, add]
