"""What every command shares: exit codes, the --format choices (one table), the
--max-file-mb option, and how a BundlerError becomes a message and exit code 2.

Imports nothing from bundler but ``api`` and ``errors``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import click

from .. import api
from ..errors import BundlerError

EXIT_OK, EXIT_INVALID, EXIT_USAGE = 0, 1, 2


def format_option(kind: str, default: str = "text") -> Callable[[Any], Any]:
    """``--format`` with the choices ``api.REPORT_FORMATS`` gives this kind of report."""
    return click.option(
        "--format", "fmt", type=click.Choice(list(api.REPORT_FORMATS[kind])), default=default, show_default=True
    )


max_file_option = click.option(
    "--max-file-mb",
    type=click.FloatRange(min=0.001),
    default=None,
    help="Largest file accepted in the case folder, in MiB (default 5 for text, 50 for attachments).",
)


def echo_report(kind: str, data: Any, fmt: str) -> None:
    """Print a report in a machine or document format."""
    text = api.report(kind, data, fmt)
    click.echo(text, nl=not text.endswith("\n"))


class Group(click.Group):
    """Turns every error the user can cause into ``error: ...`` and exit code 2."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except BundlerError as exc:
            click.echo(f"error: {exc}", err=True)
            ctx.exit(EXIT_USAGE)
