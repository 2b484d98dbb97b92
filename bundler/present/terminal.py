"""Terminal output with rich: tables a person reads, not parses (that is what --format
json is for), and the progress bar and status line of long commands.

Takes report data; prints to a rich console (stdout, or stderr for progress).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Literal

from rich.console import Console
from rich.table import Table

from .. import figures
from ..checklist.run import CaseCheck
from .report import grouped

_PERIOD_TITLES = {
    "school_year_to_date": "School year to date",
    "whole_register": "Whole register",
}


def _pct(period: dict[str, Any]) -> str:
    return figures.percent(period["attended"], period["possible"], none="-")


def print_stats(report: dict[str, Any], console: Console | None = None) -> None:
    console = console or Console()
    console.print(f"[bold]{report['case_id']}[/bold]  {report['pupil']}  (as of {report['as_of']})")
    table = Table(title="Attendance", title_justify="left")
    table.add_column("")
    for key in report["periods"]:
        table.add_column(_PERIOD_TITLES.get(key, key), justify="right")
    rows: list[tuple[str, Callable[[dict[str, Any]], str]]] = [
        ("From", lambda p: p["start"] or "-"),
        ("To", lambda p: p["end"]),
        ("Possible sessions", lambda p: str(p["possible"])),
        ("Attended", lambda p: str(p["attended"])),
        ("Authorised absence", lambda p: str(p["authorised"])),
        ("Unauthorised absence", lambda p: str(p["unauthorised"])),
        ("Attendance", _pct),
        ("Band", lambda p: p["band"]),
        ("Learning lost", lambda p: figures.learning_lost(p["days_lost"], p["hours_lost"], hours_word="h")),
        ("Late marks (minutes)", lambda p: f"{p['late_marks']} ({p['minutes_late']})"),
    ]
    for label, get in rows:
        table.add_row(label, *(get(p) for p in report["periods"].values()))
    console.print(table)

    settings = report["settings"]
    threshold = report["threshold"]
    heading = (
        f"Threshold: {settings['threshold']} unauthorised sessions in {settings['window_weeks']} "
        f"school weeks (counting from {settings['counts_from']})"
    )
    if not threshold["windows"]:
        console.print(f"{heading}: [yellow]not met[/yellow]")
        return
    windows = Table(title=f"{heading}: met", title_justify="left")
    for column in ("First school day", "Last school day", "Weeks", "Unauthorised", "Sessions"):
        windows.add_column(column)
    for w in threshold["windows"]:
        sessions = ", ".join(f"{s['date']} {s['session']} {s['code']}" for s in w["sessions"])
        windows.add_row(w["first_day"], w["last_day"], str(w["weeks"]), str(w["unauthorised"]), sessions)
    console.print(windows)


_STYLE = {"fail": "bold red", "warn": "yellow", "pass": "green", "info": "cyan", "not_applicable": "dim"}


def print_check(check: CaseCheck, console: Console | None = None) -> None:
    """The findings of one case, grouped by section, fails first."""
    console = console or Console()
    if check.result is None:
        console.print(f"[bold red]{check.folder}: cannot be checked[/bold red]")
        if check.error:
            console.print(check.error)
        for p in check.problems:
            console.print(str(p), markup=False, highlight=False)
        return
    r = check.result
    console.print(
        f"[bold]{r.case_id}[/bold]: Section 444 checklist ({r.route.value.replace('_', ' ')}, profile {r.profile.name}, as of {r.as_of.isoformat()})"
    )
    for section, findings in grouped(r.findings):
        table = Table(title=section, title_justify="left", title_style="bold", expand=True)
        table.add_column("Rule", no_wrap=True, width=8)
        table.add_column("Status", no_wrap=True, width=14)
        table.add_column("Parent", no_wrap=True, width=6)
        table.add_column("Finding / next step", ratio=1)
        for f in findings:
            text = _escape(f.message) + (f"\n[bold]Next:[/bold] {_escape(f.next_step)}" if f.next_step else "")
            table.add_row(f.rule, f"[{_STYLE[f.status.value]}]{f.status.value}[/]", f.parent or "", text)
        console.print(table)
    counts = ", ".join(f"{k} {v}" for k, v in r.counts.items())
    if r.ready:
        console.print(f"[bold green]READY[/bold green] to refer ({counts})")
    else:
        console.print(f"[bold red]NOT READY[/bold red]: {', '.join(r.failing_rules)} failing ({counts})")


def _escape(text: str) -> str:
    from rich.markup import escape

    return escape(text)


def print_summary(rows: list[dict[str, Any]], console: Console | None = None) -> None:
    console = console or Console()
    table = Table(title=f"{len(rows)} cases", title_justify="left")
    for column in ("Case", "Route", "Profile", "Ready", "Fail", "Warn", "Failing rules / why"):
        table.add_column(column)
    for row in rows:
        ready = "[green]yes[/green]" if row["ready"] else "[red]no[/red]"
        why = " ".join(row["failing_rules"]) + (f" {row['error']}" if row["error"] else "")
        table.add_row(
            row["case_id"] or row["folder"],
            (row["route"] or "").replace("_", " "),
            row["profile"] or "",
            ready,
            "" if row["fail"] is None else str(row["fail"]),
            "" if row["warn"] is None else str(row["warn"]),
            _escape(why),
        )
    console.print(table)


def print_rules(catalogue: dict[str, Any], console: Console | None = None) -> None:
    console = console or Console()
    names = [p["name"] for p in catalogue["profiles"]]
    table = Table(title="Section 444 referral checklist", title_justify="left", show_lines=True)
    for column in ("Rule", "Routes", "Severity", "Rule text", "Settings"):
        table.add_column(column)
    for r in catalogue["rules"]:
        settings = "\n".join(
            f"{name}: " + ", ".join(f"{p}={values[p]}" for p in names) for name, values in r["settings"].items()
        )
        table.add_row(
            r["id"] + ("\n(per parent)" if r["per_parent"] else ""),
            r["routes"],
            r["severity"],
            _escape(r["text"]),
            settings,
        )
    console.print(table)


def print_templates(templates: list[Any], console: Console | None = None) -> None:
    """Every toolkit template: name, road-map step, what it produces and why."""
    console = console or Console()
    table = Table(title="Toolkit templates", title_justify="left")
    for column in ("Name", "Step", "Produces", "Purpose"):
        table.add_column(column)
    for t in sorted(templates, key=lambda t: (t.step, t.name)):
        produces = t.type + (f" ({t.notice_kind})" if t.notice_kind else "")
        table.add_row(t.name, f"{t.step}. {t.step_name}", produces, t.purpose)
    console.print(table)


class Progress:
    """A progress bar on stderr when it is a terminal and there are many items."""

    def __init__(self, total: int, label: str):
        self.total = total
        self.label = label
        self.bar: Any = None

    def __enter__(self) -> Any:
        import sys

        if self.total >= 10 and sys.stderr.isatty():
            from rich.progress import Progress as Bar

            bar = Bar(console=Console(stderr=True), transient=True)
            self.bar = bar
            bar.start()
            task = bar.add_task(self.label, total=self.total)
            return lambda: bar.advance(task)
        return lambda: None

    def __exit__(self, *exc: object) -> Literal[False]:
        if self.bar is not None:
            self.bar.stop()
        return False


class Status:
    """A one-line status on stderr while a long command runs (terminals only)."""

    def __init__(self, label: str = "working") -> None:
        self.label = label
        self.status: Any = None

    def __enter__(self) -> Any:
        import sys

        if sys.stderr.isatty():
            status = Console(stderr=True).status(self.label)
            self.status = status
            status.start()
            return lambda message: status.update(message)
        return lambda message: None

    def __exit__(self, *exc: object) -> Literal[False]:
        if self.status is not None:
            self.status.stop()
        return False
