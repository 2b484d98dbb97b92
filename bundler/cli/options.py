"""What every command shares: exit codes, the --format choices (one table), the
size-limit options, and how a BundlerError becomes a message and exit code 2.

Imports nothing from bundler but ``api`` and ``errors``.
"""

from __future__ import annotations

import functools
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
    help="Largest file accepted, in MiB (default 5 for text, 50 for attachments).",
)


def limit_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """``--max-file-mb``, ``--max-pages``, ``--max-megapixels`` and ``--max-seconds``, given
    to the command as one ``limits`` argument (``api.limits``)."""

    @functools.wraps(command)
    def with_limits(
        *args: Any,
        max_file_mb: float | None,
        max_pages: int | None,
        max_megapixels: float | None,
        max_seconds: float | None,
        **kwargs: Any,
    ) -> Any:
        limits = api.limits(max_file_mb, max_pages=max_pages, max_megapixels=max_megapixels, max_seconds=max_seconds)
        return command(*args, limits=limits, **kwargs)

    options = [
        max_file_option,
        click.option(
            "--max-pages",
            type=click.IntRange(min=1),
            default=None,
            help="Most pages accepted in one PDF document (default 2000).",
        ),
        click.option(
            "--max-megapixels",
            type=click.FloatRange(min=0.001),
            default=None,
            help="Largest image accepted, in millions of pixels (default 40 for an image file, 100 inside a PDF).",
        ),
        click.option(
            "--max-seconds",
            type=click.FloatRange(min=0.1),
            default=None,
            help="Longest time one document may take to open, convert or render, in seconds (default 120; 60 for converting one office document).",
        ),
    ]
    for option in reversed(options):
        with_limits = option(with_limits)
    return with_limits


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
