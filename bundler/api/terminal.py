"""What the CLI draws on the terminal: tables, progress bars and status lines."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from .letters import get_template, list_templates, template_blanks

if TYPE_CHECKING:
    from rich.console import Console

    from ..checklist.run import CaseCheck


def print_stats(report: dict[str, Any], console: Console | None = None) -> None:
    """``bundler stats`` as tables on the terminal."""
    from ..present.terminal import print_stats as show

    show(report, console)


def print_check(check: CaseCheck, console: Console | None = None) -> None:
    """One case's findings as tables, grouped by checklist section, fails first."""
    from ..present.terminal import print_check as show

    show(check, console)


def print_summary(rows: list[dict[str, Any]], console: Console | None = None) -> None:
    """The LA summary as a table, one row per case."""
    from ..present.terminal import print_summary as show

    show(rows, console)


def print_rules(catalogue: dict[str, Any], console: Console | None = None) -> None:
    """Every checklist rule with each profile's settings."""
    from ..present.terminal import print_rules as show

    show(catalogue, console)


def print_templates(console: Console | None = None) -> None:
    """Every toolkit template by road-map step."""
    from ..present.terminal import print_templates as show

    show(list_templates(), console)


def print_template(name: str, console: Console | None = None) -> None:
    """One template (``bundler templates NAME``): what it is, and every blank it leaves
    with what fills it."""
    from ..present.terminal import print_template as show

    blanks = template_blanks(name)
    show(get_template(name), list(blanks["dated"].items()), blanks["case"], blanks["needs"], console)


def progress(total: int, label: str) -> Any:
    """A context manager giving ``advance()``: a progress bar on stderr when it is a
    terminal and there are many items, nothing otherwise."""
    from ..present.terminal import Progress

    return Progress(total, label)


def status(label: str = "working") -> Any:
    """A context manager giving ``update(message)``: a one-line status on stderr while
    a long command runs (terminals only)."""
    from ..present.terminal import Status

    return Status(label)


#: the steps ``build`` reports through its ``progress`` callback, in order
BUILD_STEPS = ("preparing documents", "rendering", "laying out", "merging", "recognising text", "writing")


def steps(label: str, names: Sequence[str]) -> Any:
    """A context manager giving ``note(message)``: a progress bar on stderr over the
    known steps of a long command (terminals only); a message starting with a step's
    name moves the bar to it. ``api.steps("Building", api.BUILD_STEPS)`` is the
    build's.

    >>> with api.steps("Building", api.BUILD_STEPS) as note:
    ...     note("rendering 3 parts")
    """
    from ..present.terminal import Steps

    return Steps(label, names)
