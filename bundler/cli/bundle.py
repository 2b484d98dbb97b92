"""The bundle commands: ``build`` and ``verify``."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

import click

from .. import api
from .options import EXIT_INVALID, EXIT_OK, limit_options


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
@click.option("--force", is_flag=True, help="Replace the output file if it exists.")
@click.option("--profile", default=None, help="Profile name or YAML file; overrides the case's own.")
@click.option(
    "--strict-sources",
    is_flag=True,
    help="Refuse a source PDF holding scripts, launch actions or embedded files, instead of removing them.",
)
@click.option(
    "--no-ocr",
    is_flag=True,
    help="Do not recognise text on scans and photos (quicker); the cover says which pages cannot be searched.",
)
@click.option(
    "--sign",
    "sign_key",
    type=click.Path(dir_okay=False, exists=True, path_type=Path),
    default=None,
    help="Sign the finished bundle with this PKCS#12 (.p12/.pfx) key; the password is asked for, "
    "or read from BUNDLER_SIGN_PASSWORD.",
)
@click.option("--parent", default=None, help="Build the pack served on this parent (a parent id) as defendant.")
@click.option(
    "--all-parents",
    is_flag=True,
    help="One pack per parent proceeded against, into the folder -o names (default out/), as CASE-PARENT.pdf.",
)
@click.option(
    "--supplement-to",
    type=click.Path(dir_okay=False, exists=True, path_type=Path),
    default=None,
    help="Add what is new since this served bundle after its last page, keeping its pages exactly.",
)
@click.option(
    "--statement/--no-statement",
    default=None,
    help="Put the witness statement and exhibit list in section A, or leave them out (default: prosecution routes).",
)
@click.option("--witness", default=None, help="Whose statement (default: the school's attendance lead).")
@limit_options
def build(
    case_folder: Path,
    output: Path | None,
    draft: bool,
    force: bool,
    profile: str | None,
    strict_sources: bool,
    no_ocr: bool,
    sign_key: Path | None,
    parent: str | None,
    all_parents: bool,
    supplement_to: Path | None,
    statement: bool | None,
    witness: str | None,
    limits: Any,
) -> None:
    """Build the referral bundle PDF. Refuses a case that is not ready unless --draft."""
    if all_parents and (parent or supplement_to or sign_key):
        raise click.UsageError("--all-parents cannot be combined with --parent, --supplement-to or --sign")
    name = case_folder.resolve().name + (f"-{parent}" if parent else "") + ("-supplement" if supplement_to else "")
    out = output or (Path("out") if all_parents else Path("out") / f"{name}{'-draft' if draft else ''}.pdf")
    password = _sign_password(sign_key) if sign_key else None
    options = {"draft": draft, "profile": profile, "limits": limits, "strict_sources": strict_sources}
    options |= {"statement": statement, "witness": witness, "ocr": not no_ocr, "overwrite": force}
    with api.steps(f"Building {out.name}", api.BUILD_STEPS) as report:
        if all_parents:
            results = api.build_packs(case_folder, out, progress=report, **options)
        else:
            results = [
                api.build(
                    case_folder,
                    out,
                    progress=report,
                    sign=sign_key,
                    sign_password=password,
                    parent=parent,
                    supplement_to=supplement_to,
                    **options,
                )  # fmt: skip
            ]
    for result in results:
        for warning in result.warnings:
            click.echo(f"warning: {warning}", err=True)
        state = "DRAFT (not ready)" if result.draft and not result.ready else ("draft" if result.draft else "ready")
        signed = ", signed" if sign_key else ""
        click.echo(f"{result.output}: {result.pages} pages, {result.size_text}, {state}{signed}")


def _sign_password(key: Path) -> bytes | None:
    """The key's password: BUNDLER_SIGN_PASSWORD, else asked for on a terminal, else none."""
    env = os.environ.get("BUNDLER_SIGN_PASSWORD")
    if env is not None:
        return env.encode("utf-8")
    if sys.stdin.isatty():
        typed = click.prompt(f"Password for {key.name}", hide_input=True, default="", show_default=False)
        return typed.encode("utf-8") if typed else None
    return None


@click.command()
@click.argument("bundle_pdf", type=click.Path(dir_okay=False, exists=True, path_type=Path))
@click.argument("case_folder", required=False, type=click.Path(file_okay=False, path_type=Path))
def verify(bundle_pdf: Path, case_folder: Path | None) -> None:
    """Check a bundle is intact (and, with CASE_FOLDER, that it still matches the case).

    Exit 0 when intact, 1 when anything a reader sees has changed since it was built.
    """
    result = api.verify(bundle_pdf, case_folder)
    m = result.manifest
    if m:
        click.echo(
            f"{bundle_pdf}: bundle of case {m.get('case_id')}, {m.get('pages')} pages, "
            f"built by {m.get('tool')} from {len(m.get('inputs', []))} input files"
        )
    else:
        click.echo(f"{bundle_pdf}: no bundle manifest could be read")
    for message in result.messages:
        click.echo(f"  {message}")
    for signature in result.signatures:
        state = "valid" if signature.intact else "INVALID"
        scope = "covers the whole file" if signature.whole_file else "does not cover changes saved after it"
        trust = (
            "certificate trusted on this machine" if signature.trusted else "certificate not trusted on this machine"
        )
        when = f", signed {signature.signed_at}" if signature.signed_at else ""
        click.echo(f"  signature by {signature.signer}{when}: {state}, {scope}, {trust}")
    for note in result.notes:
        click.echo(f"  note: {note}")
    if not result.ok:
        click.echo("ALTERED")
    elif case_folder:
        click.echo("intact and matches the case folder")
    else:
        click.echo("intact")
    sys.exit(EXIT_OK if result.ok else EXIT_INVALID)


COMMANDS = [build, verify]
