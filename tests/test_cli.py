"""The command line as a user meets it: output, exit codes, formats."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from click.testing import CliRunner

from bundler.cli import main

ROOT = Path(__file__).parent.parent
SAMPLES = ROOT / "sample_cases"
READY = str(SAMPLES / "EX-2025-001")
BROKEN = str(ROOT / "tests" / "broken_cases" / "five-problems")


def run(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def test_validate_valid_case() -> None:
    result = run("validate", READY)
    assert result.exit_code == 0
    assert result.output.strip().endswith(": valid")


def test_validate_invalid_case_lists_every_problem() -> None:
    result = run("validate", BROKEN)
    assert result.exit_code == 1
    assert "documents/letter-1.md:7: front matter: served.method: 'carrier pigeon' is not one of" in result.output
    assert "6 problems" in result.output


def test_validate_json() -> None:
    result = run("validate", BROKEN, "--format", "json")
    data = json.loads(result.output)
    assert data["valid"] is False
    assert {"file", "line", "field", "message", "hint"} <= set(data["problems"][0])


def test_usage_errors_exit_2(tmp_path: Path) -> None:
    assert run("validate", str(tmp_path / "nope")).exit_code == 2
    assert run("check", READY, "--profile", "atlantis").exit_code == 2
    result = run("check", READY, "--profile", "atlantis")
    assert "known profiles: central-bedfordshire, devon, national-2024, south-tyneside" in result.output
    assert run("frobnicate").exit_code == 2


def test_stats_json_shape() -> None:
    result = run("stats", READY, "--format", "json")
    assert result.exit_code == 0
    data = json.loads(result.output)
    assert data["format"] == 1
    assert set(data["periods"]) == {"school_year_to_date", "whole_register"}
    year = data["periods"]["school_year_to_date"]
    assert 0 <= year["attendance_pct"] <= 100
    assert data["threshold"]["met"] is True
    window = data["threshold"]["windows"][0]
    assert window["unauthorised"] >= 10
    assert len(window["sessions"]) == window["unauthorised"]


def test_stats_settings_come_from_the_caller() -> None:
    strict = json.loads(run("stats", READY, "--format", "json", "--threshold", "1000").output)
    assert strict["threshold"]["met"] is False
    assert strict["settings"]["threshold"] == 1000


def test_stats_text_table() -> None:
    result = run("stats", READY)
    assert "Attendance" in result.output
    assert "Threshold: 10 unauthorised sessions in 10 school weeks" in result.output


def test_check_ready_case_exit_0_and_json_shape() -> None:
    result = run("check", READY, "--format", "json")
    assert result.exit_code == 0
    data = json.loads(result.output)
    assert data["format"] == 1 and data["ready"] is True
    assert set(data["counts"]) == {"pass", "fail", "warn", "info", "not_applicable"}
    finding = data["findings"][0]
    assert set(finding) == {"rule", "status", "parent", "title", "message", "next_step", "evidence"}


def test_check_invalid_case_exit_2_with_problems() -> None:
    result = run("check", BROKEN, "--format", "json")
    assert result.exit_code == 2
    data = json.loads(result.output)
    assert data["ready"] is False and len(data["problems"]) == 6


def test_check_annotate_points_at_the_file() -> None:
    result = run("check", BROKEN, "--annotate", "--format", "md")
    assert f"::error file={BROKEN}/documents/letter-1.md,line=7::front matter: served.method" in result.output


def test_check_markdown_and_html_group_by_section() -> None:
    md = run("check", READY, "--format", "md").output
    assert "## Parents and carers" in md and "| S444-11 | pass | p1 |" in md
    html = run("check", READY, "--format", "html").output
    assert html.startswith("<!doctype html>") and "Ready to refer" in html
    assert 'id="S444-11-p1"' in html


def test_check_junit_one_testcase_per_rule_per_case() -> None:
    result = run("check", READY, BROKEN, "--format", "junit")
    assert result.exit_code == 2
    root = ET.fromstring(result.output)
    suites = root.findall("testsuite")
    assert len(suites) == 2
    ready = suites[0]
    names = [c.get("name") for c in ready.findall("testcase")]
    assert any(n.startswith("S444-20") for n in names)
    assert ready.get("failures") == "0"
    broken = suites[1]
    assert broken.find("testcase/failure") is not None


def test_summary_csv_keeps_broken_cases_as_rows(tmp_path: Path) -> None:
    result = run("check", READY, BROKEN, str(tmp_path / "missing"), "--summary", "--format", "csv")
    lines = result.output.strip().splitlines()
    assert lines[0].startswith("folder,case_id,route,profile,ready")
    assert len(lines) == 4
    assert "EX-2025-001" in lines[1] and ",yes," in lines[1]
    assert "invalid case: 6 problems" in lines[2]
    assert "no such case folder" in lines[3]


def test_rules_lists_every_rule_with_profile_settings() -> None:
    data = json.loads(run("rules", "--format", "json").output)
    ids = [r["id"] for r in data["rules"]]
    assert len(ids) == 52 and ids[0] == "S444-01" and ids[-1] == "S444-93"
    s04 = next(r for r in data["rules"] if r["id"] == "S444-04")
    assert s04["settings"]["min_sessions"] == {
        "central-bedfordshire": 0,
        "devon": 100,
        "national-2024": 0,
        "south-tyneside": 0,
    }


def test_user_profile_file(tmp_path: Path) -> None:
    profile = tmp_path / "my-la.yaml"
    profile.write_text(
        "name: my-la\ntitle: My LA\nextends: national-2024\nsource: test\neffective: 2025-09-01\n"
        "settings:\n  min_sessions: 100000\n"
    )
    data = json.loads(run("check", READY, "--profile", str(profile), "--format", "json").output)
    assert data["profile"] == "my-la"
    s04 = next(f for f in data["findings"] if f["rule"] == "S444-04")
    assert s04["status"] == "warn"


@pytest.mark.parametrize("command", ["validate", "stats", "check", "rules", "schema"])
def test_help_is_instant_and_complete(command: str) -> None:
    result = run(command, "--help")
    assert result.exit_code == 0 and "Usage:" in result.output


def test_letter_command_turns_s444_11_from_fail_to_pass(case) -> None:
    """Jo's letters are removed, so S444-11 fails for p2; `bundler letter` writes one, and it passes."""
    case.remove_docs(lambda meta: meta.get("to") == "p2")
    folder = case.write()
    before = json.loads(run("check", str(folder), "--format", "json").output)
    s11 = [f for f in before["findings"] if f["rule"] == "S444-11" and f["parent"] == "p2"]
    assert s11[0]["status"] == "fail"
    result = run(
        "letter",
        "attendance-monitoring",
        str(folder),
        "--parent",
        "p2",
        "--date",
        "2025-01-06",
        "--serve",
        "post_first_class",
    )
    assert result.exit_code == 0, result.output
    assert "wrote " in result.output and "-p2.md" in result.output
    assert run("validate", str(folder)).exit_code == 0
    after = json.loads(run("check", str(folder), "--format", "json").output)
    s11 = [f for f in after["findings"] if f["rule"] == "S444-11" and f["parent"] == "p2"][0]
    assert s11["status"] == "pass"
    assert any(e["ref"].endswith("attendance-monitoring-p2.md") for e in s11["evidence"])


def test_letter_refuses_excluded_parent_and_new_writes_a_valid_skeleton(case, tmp_path: Path) -> None:
    case.parent("p2")["exclude"] = {"reason": "court order prevents contact"}
    case.remove_docs(
        lambda meta: (
            meta.get("to") == "p2"
            or "p2"
            in (meta.get("invited") or [])
            + (meta.get("parents") or [])
            + (meta.get("offered_to") or [])
            + (meta.get("attended") or [])
        )
    )
    folder = case.write()
    result = CliRunner().invoke(
        main, ["letter", "final-warning", str(folder), "--parent", "p2", "--date", "2025-02-03"]
    )
    assert result.exit_code == 2 and "court order prevents contact" in result.output
    skeleton = tmp_path / "EX-2025-020"
    assert run("new", str(skeleton), "--route", "prosecution_444_1a").exit_code == 0
    assert run("validate", str(skeleton)).exit_code == 0
    assert "notice-to-improve" in run("templates").output
