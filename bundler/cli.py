"""The command line: parse arguments, call one library function, print.

Heavy imports (WeasyPrint, rich) happen inside the commands that need them, so
``bundler --help`` is instant. Exit codes: 0 success, 1 the case is invalid or not
ready, 2 the command could not be carried out (usage error, no such folder).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from . import __version__
from .errors import BundlerError

EXIT_OK, EXIT_INVALID, EXIT_USAGE = 0, 1, 2


def _limits(max_file_mb: float | None):
    from .load import Limits

    if max_file_mb is None:
        return Limits()
    size = int(max_file_mb * 1024 * 1024)
    return Limits(max_text_bytes=size, max_attachment_bytes=size)


max_file_option = click.option(
    "--max-file-mb",
    type=click.FloatRange(min=0.001),
    default=None,
    help="Largest file accepted in the case folder, in MiB (default 5 for text, 50 for attachments).",
)


class _Group(click.Group):
    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except BundlerError as exc:
            click.echo(f"error: {exc}", err=True)
            ctx.exit(EXIT_USAGE)


@click.group(cls=_Group)
@click.version_option(__version__, prog_name="bundler")
def main() -> None:
    """Build court-ready Section 444 attendance referral bundles from a case folder."""


@main.command()
@click.argument("case_folder", type=click.Path(file_okay=False, path_type=Path))
@max_file_option
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def validate(case_folder: Path, max_file_mb: float | None, fmt: str) -> None:
    """Check a case folder against the case format; report every problem at once."""
    from .validate import validate_folder

    result = validate_folder(case_folder, _limits(max_file_mb))
    if fmt == "json":
        click.echo(
            json.dumps(
                {"format": 1, "folder": str(case_folder), "valid": result.valid, "problems": [p.as_dict() for p in result.problems]},
                indent=2,
            )
        )
    elif result.valid:
        click.echo(f"{case_folder}: valid")
    else:
        for problem in result.problems:
            line = str(problem)
            if problem.hint:
                line += f" ({problem.hint})"
            click.echo(line)
        n = len(result.problems)
        click.echo(f"{case_folder}: {n} problem{'s' if n != 1 else ''}", err=True)
    sys.exit(EXIT_OK if result.valid else EXIT_INVALID)


@main.command()
@click.argument("case_folder", type=click.Path(file_okay=False, path_type=Path))
@click.option("--threshold", type=click.IntRange(min=1), default=10, show_default=True, help="Unauthorised sessions that meet the threshold.")
@click.option("--window", "window_weeks", type=click.IntRange(min=1), default=10, show_default=True, help="Rolling window, in school weeks.")
@max_file_option
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def stats(case_folder: Path, threshold: int, window_weeks: int, max_file_mb: float | None, fmt: str) -> None:
    """Attendance figures, bands and threshold windows for a case."""
    from .api import case_stats
    from .validate import validate_folder

    result = validate_folder(case_folder, _limits(max_file_mb))
    if not result.valid:
        for problem in result.problems:
            click.echo(str(problem), err=True)
        click.echo(f"{case_folder}: invalid case; run 'bundler validate' for details", err=True)
        sys.exit(EXIT_INVALID)
    report = case_stats(result.case, threshold=threshold, window_weeks=window_weeks)
    if fmt == "json":
        click.echo(json.dumps(report, indent=2))
    else:
        from .terminal import print_stats

        print_stats(report)


@main.command()
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), default=None, help="Write one .json file per schema into this folder.")
@click.option("--check", is_flag=True, help="Exit 1 if the files in --out differ from the models.")
def schema(out_dir: Path | None, check: bool) -> None:
    """JSON Schema for every input file, exported from the models."""
    from .api import write_schemas
    from .models import json_schemas

    if out_dir is None:
        click.echo(json.dumps(json_schemas(), indent=2, sort_keys=True))
        return
    changed = write_schemas(out_dir, dry_run=check)
    if check:
        for name in changed:
            click.echo(f"{out_dir / name}: out of date", err=True)
        sys.exit(EXIT_INVALID if changed else EXIT_OK)
    click.echo(f"wrote {len(changed)} changed schema file(s) to {out_dir}")


@main.command()
@click.argument("case_folder", type=click.Path(file_okay=False, path_type=Path))
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None, help="Where to write the PDF (default: out/CASE.pdf, outside the case folder).")
@click.option("--draft", is_flag=True, help="Build even if the case is not ready; every page is marked DRAFT.")
@click.option("--profile", default=None, help="Profile name or YAML file; overrides the case's own.")
@max_file_option
def build(case_folder: Path, output: Path | None, draft: bool, profile: str | None, max_file_mb: float | None) -> None:
    """Build the referral bundle PDF. Refuses a case that is not ready unless --draft."""
    from .bundle import build_bundle

    out = output or Path("out") / f"{case_folder.resolve().name}{'-draft' if draft else ''}.pdf"
    with _status() as report:
        result = build_bundle(case_folder, out, draft=draft, profile=profile, limits=_limits(max_file_mb), progress=report)
    for warning in result.warnings:
        click.echo(f"warning: {warning}", err=True)
    state = "DRAFT (not ready)" if result.draft and not result.ready else ("draft" if result.draft else "ready")
    click.echo(f"{result.output}: {result.pages} pages, {state}")


@main.command()
@click.argument("bundle_pdf", type=click.Path(dir_okay=False, exists=True, path_type=Path))
@click.argument("case_folder", required=False, type=click.Path(file_okay=False, path_type=Path))
def verify(bundle_pdf: Path, case_folder: Path | None) -> None:
    """Check a bundle is intact (and, with CASE_FOLDER, that it still matches the case)."""
    from .bundle import verify_bundle

    result = verify_bundle(bundle_pdf, case_folder)
    m = result.manifest
    click.echo(f"{bundle_pdf}: bundle of case {m.get('case_id')}, {m.get('pages')} pages, built by {m.get('tool')} from {len(m.get('inputs', []))} input files")
    for message in result.messages:
        click.echo(f"  {message}")
    click.echo("intact" + (" and matches the case folder" if case_folder and result.ok else "") if result.ok else "ALTERED")
    sys.exit(EXIT_OK if result.ok else EXIT_INVALID)


class _status:
    """A one-line status on stderr while a long build runs (terminals only)."""

    def __enter__(self):
        if sys.stderr.isatty():
            from rich.console import Console

            self.status = Console(stderr=True).status("building")
            self.status.start()
            return lambda message: self.status.update(message)
        self.status = None
        return lambda message: None

    def __exit__(self, *exc):
        if self.status is not None:
            self.status.stop()
        return False


@main.command()
def templates() -> None:
    """Every letter and form template: name, road-map step, what it produces and why."""
    from rich.console import Console
    from rich.table import Table

    from .letters import list_templates

    table = Table(title="Toolkit templates", title_justify="left")
    for column in ("Name", "Step", "Produces", "Purpose"):
        table.add_column(column)
    for t in sorted(list_templates(), key=lambda t: (t.step, t.name)):
        produces = t.type + (f" ({t.notice_kind})" if t.notice_kind else "")
        table.add_row(t.name, f"{t.step}. {t.step_name}", produces, t.purpose)
    Console().print(table)


@main.command()
@click.argument("template")
@click.argument("case_folder", type=click.Path(file_okay=False, exists=True, path_type=Path))
@click.option("--parent", "parents", multiple=True, help="Parent id to write to (repeat for several).")
@click.option("--all-parents", is_flag=True, help="One letter for every parent who is not excluded.")
@click.option("--date", "on", type=click.DateTime(formats=["%Y-%m-%d"]), required=True, help="Date of the letter (YYYY-MM-DD).")
@click.option("--serve", type=click.Choice(["post_first_class", "post_second_class", "recorded_delivery", "hand", "email"]), default=None, help="How it will be served.")
@click.option("--weeks", "monitoring_weeks", type=click.IntRange(1, 52), default=None, help="Improvement period for a notice, in weeks.")
@click.option("--pdf", "pdf_dir", type=click.Path(file_okay=False, path_type=Path), default=None, help="Also write a print-ready PDF of each letter here.")
@click.option("--docx", "docx_dir", type=click.Path(file_okay=False, path_type=Path), default=None, help="Also write an editable Word copy of each letter here.")
def letter(template: str, case_folder: Path, parents: tuple[str, ...], all_parents: bool, on, serve: str | None, monitoring_weeks: int | None, pdf_dir: Path | None, docx_dir: Path | None) -> None:
    """Write a toolkit letter into the case's documents/, one per parent.

    The one command that writes into a case folder, and only new files.
    """
    from .letters import write_letters

    if not parents and not all_parents:
        from .letters import get_template

        if get_template(template).addressed == "parent":
            raise click.UsageError("name a parent with --parent, or use --all-parents")
    written = write_letters(
        case_folder, template, parents, all_parents=all_parents, on=on.date(), serve=serve,
        pdf_dir=pdf_dir, docx_dir=docx_dir, monitoring_weeks=monitoring_weeks,
    )
    for item in written:
        click.echo(f"wrote {item.path}" + (f" (+ {item.pdf})" if item.pdf else "") + (f" (+ {item.docx})" if item.docx else ""))
        for warning in item.warnings:
            click.echo(f"warning: {item.path.name}: {warning}", err=True)


@main.command()
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path))
@click.option("--route", type=click.Choice(["penalty_notice", "prosecution_444_1", "prosecution_444_1a", "education_supervision_order", "notice_to_improve"]), required=True)
@click.option("--case-id", default=None, help="Case id (default: the folder's name).")
def new(folder: Path, route: str, case_id: str | None) -> None:
    """Write a commented case-folder skeleton that validates."""
    from .letters import new_case

    path = new_case(folder, route, case_id)
    click.echo(f"wrote a new {route.replace('_', ' ')} case in {path}; fill in case.yaml, then run bundler validate {path}")


CHECK_FORMATS = ["text", "json", "md", "html", "junit", "csv"]


@main.command()
@click.argument("cases", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--profile", default=None, help="Profile name or YAML file; overrides the case's own referral.profile.")
@click.option("--format", "fmt", type=click.Choice(CHECK_FORMATS), default="text", show_default=True)
@click.option("--summary", is_flag=True, help="One row per case (the LA view); formats text, csv, json, html.")
@click.option("--annotate", is_flag=True, help="Also print GitHub-style ::error lines for problems and failing rules.")
@max_file_option
def check(cases: tuple[Path, ...], profile: str | None, fmt: str, summary: bool, annotate: bool, max_file_mb: float | None) -> None:
    """Check cases against the Section 444 referral checklist.

    Exit 0 when every case is ready, 1 when one is not ready, 2 when one cannot be
    checked (invalid case, unknown profile).
    """
    from .api import case_folders, check_dict, check_folders
    from .profiles import load_profile

    if profile:
        load_profile(profile)  # an unknown profile is a usage error, before any case is read
    folders = case_folders(list(cases))
    if fmt == "csv" and not summary:
        raise click.UsageError("--format csv goes with --summary")
    limits = _limits(max_file_mb)
    if summary:
        from . import report

        if fmt not in ("text", "csv", "json", "html"):
            raise click.UsageError(f"--summary takes --format text, csv, json or html, not {fmt}")
        rows = []
        with _progress(len(folders)) as advance:
            for row in check_folders(folders, profile=profile, limits=limits, transform=report.summary_row):
                rows.append(row)
                advance()
        if fmt == "csv":
            click.echo(report.summary_csv(rows), nl=False)
        elif fmt == "json":
            click.echo(json.dumps({"format": 1, "cases": rows}, indent=2))
        elif fmt == "html":
            click.echo(report.summary_html(rows), nl=False)
        else:
            from .terminal import print_summary

            print_summary(rows)
        if any(row["case_id"] is None for row in rows):
            sys.exit(EXIT_USAGE)
        sys.exit(EXIT_OK if all(row["ready"] for row in rows) else EXIT_INVALID)

    checks = []
    with _progress(len(folders)) as advance:
        for result in check_folders(folders, profile=profile, limits=limits):
            checks.append(result)
            advance()

    if fmt == "json":
        data = [check_dict(c) for c in checks]
        click.echo(json.dumps(data[0] if len(data) == 1 else {"format": 1, "cases": data}, indent=2))
    elif fmt == "junit":
        from .report import junit_xml

        click.echo(junit_xml(checks), nl=False)
    elif fmt in ("md", "html"):
        from . import report

        render = report.check_markdown if fmt == "md" else report.check_html
        click.echo("\n".join(render(c) for c in checks), nl=False)
    else:
        from .terminal import print_check

        for c in checks:
            print_check(c)
    if annotate:
        from .report import github_annotations

        for c in checks:
            for line in github_annotations(c):
                click.echo(line)
    if any(not c.checked for c in checks):
        sys.exit(EXIT_USAGE)
    sys.exit(EXIT_OK if all(c.ready for c in checks) else EXIT_INVALID)


class _progress:
    """A progress bar on stderr when it is a terminal and there are many cases."""

    def __init__(self, total: int):
        self.total = total
        self.bar = None

    def __enter__(self):
        if self.total >= 10 and sys.stderr.isatty():
            from rich.console import Console
            from rich.progress import Progress

            self.bar = Progress(console=Console(stderr=True), transient=True)
            self.bar.start()
            task = self.bar.add_task("Checking cases", total=self.total)
            return lambda: self.bar.advance(task)
        return lambda: None

    def __exit__(self, *exc):
        if self.bar is not None:
            self.bar.stop()
        return False


@main.command()
@click.option("--profile", "profiles", multiple=True, help="Show settings for these profiles only (default: all).")
@click.option("--format", "fmt", type=click.Choice(["text", "json", "md"]), default="text", show_default=True)
def rules(profiles: tuple[str, ...], fmt: str) -> None:
    """Every checklist rule: ID, routes, severity, text, and its settings per profile."""
    from .api import rules_catalogue

    catalogue = rules_catalogue(list(profiles) or None)
    if fmt == "json":
        click.echo(json.dumps(catalogue, indent=2, default=str))
    elif fmt == "md":
        from .report import rules_markdown

        click.echo(rules_markdown(catalogue), nl=False)
    else:
        from .terminal import print_rules

        print_rules(catalogue)


if __name__ == "__main__":  # pragma: no cover
    main()
