"""What a person reads on a terminal: tables that fit 80 columns without cutting a word,
a list layout when the console is narrower still, progress bars only on a terminal, and
files written with the user's umask."""

from __future__ import annotations

import io
import os
import re
import stat
from pathlib import Path

import pytest
from click.testing import CliRunner
from rich.console import Console

from bundler import api
from bundler.cli import main
from bundler.output import atomic_write_bytes
from bundler.present.terminal import Column, Progress, Steps, _grid

ROOT = Path(__file__).resolve().parent.parent


def run(*args: str, columns: int = 80):
    return CliRunner().invoke(main, list(args), env={"COLUMNS": str(columns)})


def _not_ready(case) -> Path:
    """The base case with p2's letters and the support records removed: five rules fail."""
    case.remove_docs(lambda meta: meta.get("to") == "p2" or meta.get("type") in ("meeting", "support", "contract"))
    return case.write()


def test_the_la_summary_reads_whole_at_80_columns(case, monkeypatch):
    monkeypatch.chdir(ROOT)
    folders = ["sample_cases", "tests/broken_cases", str(_not_ready(case))]
    result = run("check", *folders, "--summary")
    assert result.exit_code == 2, result.output  # a broken case cannot be checked
    lines = result.output.splitlines()
    assert max(len(line) for line in lines) <= 80
    assert "…" not in result.output
    rows = [api.summary_row(api.check(f)) for f in api.case_folders(folders)]
    assert len(rows) >= 10 and any(len(r["failing_rules"]) > 2 for r in rows)
    for row in rows:
        label = row["case_id"] or row["folder"]
        assert any(label in line for line in lines), f"{label} is not whole on any line"
        for rule in row["failing_rules"]:
            assert re.search(rf"(?<![\w-]){re.escape(rule)}(?![\w-])", result.output), (label, rule)
        # each case's failing rules follow its name, before the next case's
        start = next(i for i, line in enumerate(lines) if label in line)
        block = "\n".join(lines[start : start + 4 + len(row["failing_rules"])])
        for rule in row["failing_rules"]:
            assert rule in block, (label, rule)


def test_the_summary_of_checkable_cases_is_a_table_at_80_columns(case):
    result = run("check", str(ROOT / "sample_cases" / "EX-2025-001"), str(_not_ready(case)), "--summary")
    lines = result.output.splitlines()
    assert lines[1].startswith("┏") and max(len(line) for line in lines) <= 80
    row = next(line for line in lines if "EX-TEST-001" in line)
    assert "│ no" in row and "S444-11" in result.output


@pytest.mark.parametrize(
    "args",
    [
        ("check", "sample_cases/EX-2025-001"),
        ("rules",),
        ("stats", "sample_cases/EX-2025-001"),
        ("templates",),
        ("templates", "attendance-action-plan"),
    ],
    ids=lambda a: " ".join(a),
)
@pytest.mark.parametrize("columns", [80, 50])
def test_every_table_fits_the_console_without_cutting_words(args, columns, monkeypatch):
    monkeypatch.chdir(ROOT)
    result = run(*args, columns=columns)
    assert result.exit_code == 0, result.output
    assert max(len(line) for line in result.output.splitlines()) <= columns, result.output
    assert "…" not in result.output
    if args[0] == "rules":
        for rule in api.rules_catalogue()["rules"]:
            assert re.search(rf"^\S*\s*{rule['id']}\b", result.output, flags=re.M), rule["id"]
    if args == ("templates",):
        for t in api.list_templates():
            assert t.name in result.output, t.name  # never split over two lines


def test_a_narrow_console_gets_a_list_instead_of_a_table():
    out = io.StringIO()
    console = Console(file=out, width=45, color_system=None)
    rows = [["tests/broken_cases/aliases-and-duplicates", "no", "S444-01 invalid case"]]
    _grid(console, "1 case", [Column("Case"), Column("Ready"), Column("Why", ratio=1)], rows)
    text = out.getvalue()
    assert "┏" not in text
    assert "tests/broken_cases/aliases-and-duplicates" in text.splitlines()[1]
    assert "  Ready: no" in text and "  Why: S444-01 invalid case" in text
    wide = io.StringIO()
    _grid(
        Console(file=wide, width=100, color_system=None),
        "1 case",
        [Column("Case"), Column("Ready"), Column("Why")],
        rows,
    )
    assert "┏" in wide.getvalue()


def test_progress_bars_stay_quiet_off_a_terminal(capsys):
    with Progress(50, "Checking cases") as advance:
        for _ in range(50):
            advance()
    with Steps("Building", api.BUILD_STEPS) as note:
        for step in ("preparing documents", "rendering 4 parts", "laying out index and checklist", "merging"):
            note(step)
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err == ""


def test_the_build_steps_move_a_bar_on_a_terminal(monkeypatch):
    import bundler.present.terminal as terminal

    monkeypatch.setattr(terminal, "_on_terminal", lambda: True)
    steps = Steps("Building", api.BUILD_STEPS)
    with steps as note:
        task = steps.bar.tasks[0]
        assert task.total == 6 and task.completed == 0
        note("rendering 12 parts")
        assert task.completed == 1 and "rendering 12 parts" in task.description
        note("laying out index and checklist")
        note("laying out index and checklist")  # the layout may run twice
        assert task.completed == 2
        note("merging")
        assert task.completed == 3
        note("recognising text: 2 of 5 scanned image(s) read")
        assert task.completed == 4 and "2 of 5" in task.description
        note("writing")
        assert task.completed == 5


@pytest.mark.parametrize("mask, mode", [(0o022, 0o644), (0o077, 0o600), (0o002, 0o664)])
def test_files_are_written_with_the_users_umask(tmp_path, mask, mode):
    previous = os.umask(mask)
    try:
        target = tmp_path / "out" / "bundle.pdf"
        atomic_write_bytes(target, b"%PDF-1.7\n")
        assert stat.S_IMODE(target.stat().st_mode) == mode
        atomic_write_bytes(target, b"%PDF-1.7\n%again\n")  # replacing it too
        assert stat.S_IMODE(target.stat().st_mode) == mode
    finally:
        os.umask(previous)
    assert not [p for p in target.parent.iterdir() if p.name != "bundle.pdf"], "a temporary file was left behind"


@pytest.mark.slow
def test_the_bundle_file_follows_the_umask(tmp_path):
    previous = os.umask(0o027)
    try:
        result = api.build(ROOT / "sample_cases" / "EX-2025-003", tmp_path / "EX-2025-003.pdf")
    finally:
        os.umask(previous)
    assert stat.S_IMODE(result.output.stat().st_mode) == 0o640
