"""Terminal output with rich: tables a person reads, not parses (that is what --format
json is for), and the progress bars of long commands.

Takes report data; prints to a rich console (stdout, or stderr for progress). Every
table goes through ``_grid``: its cells wrap at spaces, never cut a word (a case id, a
rule ID, a profile name) with an ellipsis, and when the console is too narrow for the
table's longest words side by side, the rows are printed as a list instead, one block
per row. Progress bars show only on a terminal; piped output stays quiet.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from rich.console import Console
from rich.measure import Measurement
from rich.padding import Padding
from rich.table import Table
from rich.text import Text

from .. import figures
from ..checklist.run import CaseCheck
from .report import grouped

_PERIOD_TITLES = {
    "school_year_to_date": "School year to date",
    "whole_register": "Whole register",
}


@dataclass(frozen=True)
class Column:
    """A table column: its header and how its cells sit (``justify``, ``ratio`` of the
    spare width, ``width`` fixed)."""

    header: str
    justify: Literal["left", "right", "center"] = "left"
    ratio: int | None = None
    width: int | None = None


def _grid(
    console: Console,
    title: str | None,
    columns: Sequence[Column],
    rows: Sequence[Sequence[str]],
    *,
    show_lines: bool = False,
    expand: bool = False,
) -> None:
    """Rows as a table whose cells wrap at spaces; as a list of blocks (the first cell a
    heading, then ``Header: value`` lines) when the table would have to cut words to fit.
    Cells are rich markup; empty cells are left out of the list.

    The widths are worked out here, not by rich: each column gets at least its longest
    word, then the spare width goes to the columns whose text would wrap, in proportion
    to what they lack (times their ``ratio``); with ``expand``, what is left goes to the
    ``ratio`` columns."""
    wide = console.options.update_width(10**6)

    def measure(cell: str) -> tuple[int, int]:
        m = Measurement.get(console, wide, Text.from_markup(cell))
        return m.minimum, m.maximum

    sizes = [[measure(c.header), *(measure(row[i]) for row in rows)] for i, c in enumerate(columns)]
    least = [max(m for m, _ in col) for col in sizes]
    most = [max(x for _, x in col) for col in sizes]
    for i, c in enumerate(columns):
        if c.width is not None:
            least[i] = most[i] = max(c.width, least[i])
    room = console.width - (3 * len(columns) + 1)  # a border and a space either side of each
    if sum(least) > room:
        _rows_as_list(console, title, columns, rows)
        return
    widths = _share(room, least, most, [c.ratio or 1 for c in columns], expand, [bool(c.ratio) for c in columns])
    table = Table(title=title, title_justify="left", title_style="bold", show_lines=show_lines)
    for c, width in zip(columns, widths):
        table.add_column(c.header, justify=c.justify, width=width, overflow="fold")
    for row in rows:
        table.add_row(*row)
    console.print(table)


def _share(
    room: int, least: list[int], most: list[int], weights: list[int], expand: bool, flexible: list[bool]
) -> list[int]:
    """Column widths within ``room``: each at least ``least``, at most ``most`` unless
    ``expand`` gives the rest to the ``flexible`` columns."""
    widths = list(least)
    spare = room - sum(widths)
    lacking = [(mx - w) * wt for w, mx, wt in zip(widths, most, weights)]
    if sum(m - w for w, m in zip(widths, most)) <= spare:
        widths = [max(w, m) for w, m in zip(widths, most)]
    elif sum(lacking):
        total = sum(lacking)
        gains = [spare * lack // total for lack in lacking]
        widths = [min(w + g, max(w, m)) for w, g, m in zip(widths, gains, most)]
    spare = room - sum(widths)
    order = sorted(range(len(widths)), key=lambda i: most[i] - widths[i], reverse=True)
    for i in order:  # what integer division left over, to the columns still lacking most
        if spare <= 0:
            break
        gain = min(spare, max(0, most[i] - widths[i]))
        widths[i] += gain
        spare -= gain
    if expand and spare > 0 and any(flexible):
        share = [i for i, f in enumerate(flexible) if f]
        for n, i in enumerate(share):
            widths[i] += spare // len(share) + (1 if n < spare % len(share) else 0)
    return widths


def _rows_as_list(
    console: Console, title: str | None, columns: Sequence[Column], rows: Sequence[Sequence[str]]
) -> None:
    """Each row as a block: its first cell as a heading, then ``Header: value`` lines."""
    if title:
        console.print(Text(title, style="bold"))
    for row in rows:
        console.print(Text.from_markup(row[0] or "-", style="bold"))
        for column, cell in zip(columns[1:], row[1:]):
            if cell.strip():
                line = Text.from_markup(f"[dim]{column.header}:[/dim] {cell}".replace("\n", "; "))
                console.print(Padding(line, (0, 0, 0, 2), expand=False))


def _pct(period: dict[str, Any]) -> str:
    return figures.percent(period["attended"], period["possible"], none="-")


def print_stats(report: dict[str, Any], console: Console | None = None) -> None:
    console = console or Console()
    console.print(f"[bold]{report['case_id']}[/bold]  {report['pupil']}  (as of {report['as_of']})")
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
    columns = [Column("")] + [Column(_PERIOD_TITLES.get(key, key), justify="right") for key in report["periods"]]
    _grid(
        console,
        "Attendance",
        columns,
        [[label, *(_escape(str(get(p))) for p in report["periods"].values())] for label, get in rows],
    )

    settings = report["settings"]
    threshold = report["threshold"]
    heading = (
        f"Threshold: {settings['threshold']} unauthorised sessions in {settings['window_weeks']} "
        f"school weeks (counting from {settings['counts_from']})"
    )
    if not threshold["windows"]:
        console.print(f"{heading}: [yellow]not met[/yellow]")
        return
    windows = []
    for w in threshold["windows"]:
        sessions = ", ".join(f"{s['date']} {s['session']} {s['code']}" for s in w["sessions"])
        windows.append([w["first_day"], w["last_day"], str(w["weeks"]), str(w["unauthorised"]), _escape(sessions)])
    _grid(
        console,
        f"{heading}: met",
        [
            Column("First school day"),
            Column("Last school day"),
            Column("Weeks"),
            Column("Unauthorised"),
            Column("Sessions", ratio=1),
        ],
        windows,
    )


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
        rows = []
        for f in findings:
            text = _escape(f.message) + (f"\n[bold]Next:[/bold] {_escape(f.next_step)}" if f.next_step else "")
            rows.append([f.rule, f"[{_STYLE[f.status.value]}]{f.status.value}[/]", f.parent or "", text])
        _grid(
            console,
            section,
            [
                Column("Rule"),
                Column("Status", width=14),
                Column("Parent", width=6),
                Column("Finding / next step", ratio=1),
            ],
            rows,
            expand=True,
        )
    counts = ", ".join(f"{k} {v}" for k, v in r.counts.items())
    if r.ready:
        console.print(f"[bold green]READY[/bold green] to refer ({counts})")
    else:
        console.print(f"[bold red]NOT READY[/bold red]: {', '.join(r.failing_rules)} failing ({counts})")


def _escape(text: str) -> str:
    from rich.markup import escape

    return escape(text)


def print_summary(rows: list[dict[str, Any]], console: Console | None = None) -> None:
    """The LA view, one row per case: its id (or folder), ready or not, the counts, and
    the rules that fail (or why it could not be checked)."""
    console = console or Console()
    ready = sum(1 for row in rows if row["ready"])
    title = f"{len(rows)} case{'s' if len(rows) != 1 else ''}: {ready} ready, {len(rows) - ready} not ready"
    cells = []
    for row in rows:
        why = " ".join(row["failing_rules"]) + (f" {row['error']}" if row["error"] else "")
        route = (row["route"] or "").replace("_", " ")
        cells.append(
            [
                _escape(row["case_id"] or row["folder"]),
                "[green]yes[/green]" if row["ready"] else "[red]no[/red]",
                "" if row["fail"] is None else str(row["fail"]),
                "" if row["warn"] is None else str(row["warn"]),
                _escape("\n".join(x for x in (route, row["profile"] or "") if x)),
                _escape(why.strip()),
            ]
        )
    _grid(
        console,
        title,
        [
            Column("Case"),
            Column("Ready"),
            Column("Fail", justify="right"),
            Column("Warn", justify="right"),
            Column("Route, profile"),
            Column("Failing rules / why", ratio=1),
        ],
        cells,
    )


def print_rules(catalogue: dict[str, Any], console: Console | None = None) -> None:
    console = console or Console()
    names = [p["name"] for p in catalogue["profiles"]]
    rows = []
    for r in catalogue["rules"]:
        settings = "\n".join(
            f"{name}: " + ", ".join(f"{p}={values[p]}" for p in names) for name, values in r["settings"].items()
        )
        rows.append(
            [
                r["id"] + (" (per parent)" if r["per_parent"] else ""),
                r["routes"],
                r["severity"],
                _escape(r["text"]),
                _escape(settings),
            ]
        )
    _grid(
        console,
        "Section 444 referral checklist",
        [
            Column("Rule"),
            Column("Routes"),
            Column("Severity"),
            Column("Rule text", ratio=2),
            Column("Settings", ratio=1),
        ],
        rows,
        show_lines=True,
    )


def print_templates(templates: list[Any], console: Console | None = None) -> None:
    """Every toolkit template: name, road-map step, what it produces and why."""
    console = console or Console()
    rows = [
        [t.name, f"{t.step}. {t.step_name}", _produces(t), _escape(t.purpose)]
        for t in sorted(templates, key=lambda t: (t.step, t.name))
    ]
    _grid(
        console,
        "Toolkit templates (bundler templates NAME for one template's blanks)",
        [Column("Name"), Column("Step"), Column("Produces"), Column("Purpose", ratio=1)],
        rows,
    )


def _produces(t: Any) -> str:
    return str(t.type) + (f" ({t.notice_kind.replace('_', ' ')})" if t.notice_kind else "")


def print_template(
    t: Any,
    dated: Sequence[tuple[str, str]],
    case_blanks: Mapping[str, str],
    needs: Mapping[str, str],
    console: Console | None = None,
) -> None:
    """One template: what it is, the blanks the school fills (``--set NAME=VALUE``), the
    dates it works out (which ``--set`` may change), the blanks it shows where the case
    lacks a record, and the figures it fills in from the case."""
    console = console or Console()
    console.print(Text(f"{t.name}: {t.title}", style="bold"))
    who = {"parent": "one parent", "parents": "the parents, jointly", "pupil": "the pupil"}.get(t.addressed, "")
    console.print(f"Step {t.step}. {_escape(t.step_name)}; produces a {_produces(t)}, written to {who}.")
    console.print(_escape(t.purpose))
    console.print()
    example = f"bundler letter {t.name} CASE_FOLDER{' --parent p1' if t.addressed == 'parent' else ''}"
    if t.inputs:
        _grid(
            console,
            f"Blanks to fill: {example} --set NAME=VALUE",
            [Column("NAME"), Column("Until filled, the letter shows"), Column("What to write", ratio=1)],
            [
                [
                    i.name,
                    _escape(f"{i.default} (the default)" if i.default else i.blank),
                    _escape(i.about + (" (YYYY-MM-DD)" if i.type == "date" else "")),
                ]
                for i in t.inputs
            ],
        )
    else:
        console.print("No blanks to fill: everything comes from the case.")
    if dated:
        _grid(
            console,
            "Dates it works out (school days; --set NAME=YYYY-MM-DD to choose another)",
            [Column("NAME"), Column("What it is", ratio=1)],
            [[name, _escape(about)] for name, about in dated],
        )
    if case_blanks:
        _grid(
            console,
            "Blanks it shows where the case holds no record",
            [Column("Blank"), Column("To fill it", ratio=1)],
            [[_escape(f"[{label}]"), _escape(how)] for label, how in case_blanks.items()],
        )
    if needs:
        _grid(
            console,
            "Figures it fills in from the case",
            [Column("Figure"), Column("What it is", ratio=1)],
            [[name, _escape(about)] for name, about in needs.items()],
        )


def _on_terminal() -> bool:
    import sys

    return sys.stderr.isatty()


class Progress:
    """A progress bar on stderr over ``total`` items, when stderr is a terminal and
    there is more than one item; nothing otherwise. Entering gives ``advance()``."""

    def __init__(self, total: int, label: str):
        self.total = total
        self.label = label
        self.bar: Any = None

    def __enter__(self) -> Callable[[], None]:
        if self.total > 1 and _on_terminal():
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


class Steps:
    """A progress bar on stderr over the known steps of a long command (terminals only).

    Entering gives ``note(message)``: the message is shown beside the bar, and a message
    that starts with one of ``steps`` moves the bar on to that step (a step may repeat,
    as the build's layout does, without moving the bar back)."""

    def __init__(self, label: str, steps: Sequence[str]) -> None:
        self.label = label
        self.steps = tuple(steps)
        self.bar: Any = None

    def __enter__(self) -> Callable[[str], None]:
        if not _on_terminal():
            return lambda message: None
        from rich.progress import BarColumn, MofNCompleteColumn, TextColumn, TimeElapsedColumn
        from rich.progress import Progress as Bar

        bar = Bar(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=Console(stderr=True),
            transient=True,
        )
        self.bar = bar
        bar.start()
        task = bar.add_task(self.label, total=len(self.steps))
        reached = [0]

        def note(message: str) -> None:
            for number, step in enumerate(self.steps):
                if message.startswith(step) and number >= reached[0]:
                    reached[0] = number
            bar.update(task, completed=reached[0], description=f"{self.label}: {message}")

        return note

    def __exit__(self, *exc: object) -> Literal[False]:
        if self.bar is not None:
            self.bar.stop()
        return False


class Status:
    """A one-line status on stderr while a long command runs (terminals only)."""

    def __init__(self, label: str = "working") -> None:
        self.label = label
        self.status: Any = None

    def __enter__(self) -> Callable[[str], None]:
        if _on_terminal():
            status = Console(stderr=True).status(self.label)
            self.status = status
            status.start()
            return lambda message: status.update(message)
        return lambda message: None

    def __exit__(self, *exc: object) -> Literal[False]:
        if self.status is not None:
            self.status.stop()
        return False
