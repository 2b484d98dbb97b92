"""Every sample case has a pinned outcome: the README's table is what the tool says."""

from __future__ import annotations

from pathlib import Path

import pytest

from bundler.case.validate import validate_folder
from bundler.checklist.run import check_folder

SAMPLES = Path(__file__).parent.parent / "sample_cases"

EXPECTED = {
    # case: (route, profile, failing rules, warnings)
    "EX-2025-001": ("penalty_notice", "national-2024", [], []),
    "EX-2025-002": ("prosecution_444_1a", "national-2024", [], []),
    "EX-2025-003": ("penalty_notice", "devon", [], []),
}

FLAWED = [
    "case.yaml:17: pupil.date_of_birth: is required but missing",
    "attendance.csv:219: session: 2024-11-12 AM is recorded twice (first on line 218)",
    "attendance.csv:274: code: 'H' is not a DfE attendance code on 2024-12-20",
    "attendance.csv:293: code: 'Q9' is not a DfE attendance code on 2025-01-20",
    "documents/2024-11-13-letter-p2-attendance-concern.md:7: front matter: served.method: 'carrier_pigeon' is not one of post_first_class, post_second_class, recorded_delivery, hand, email",
    "documents/2024-11-19-meeting-declining-attendance.md:13: front matter: review_dat: unknown field 'review_dat'",
    "documents/2024-12-03-letter-p3-grandmother-update.md:5: front matter: to: 'p3' is not a parent in case.yaml",
    "documents/2025-01-14-attendance-plan.pdf.yaml: is a sidecar without its file: 2025-01-14-attendance-plan.pdf is not in the folder",
    "documents/2025-02-30-letter-p1-attendance-update.md:4: front matter: date: '2025-02-30' is not a real date",
]


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_sample_case_outcome_is_pinned(name: str) -> None:
    route, profile, failing, warnings = EXPECTED[name]
    check = check_folder(SAMPLES / name)
    assert check.result is not None, check.problems or check.error
    result = check.result
    assert result.route.value == route
    assert result.profile.name == profile
    assert result.failing_rules == failing
    assert sorted({f.rule for f in result.findings if f.status.value == "warn"}) == warnings
    assert result.ready is (not failing)


def test_threshold_window_of_the_two_parent_case_spans_half_term() -> None:
    check = check_folder(SAMPLES / "EX-2025-001")
    s20 = next(f for f in check.result.findings if f.rule == "S444-20")
    windows = [e for e in s20.evidence if e.kind == "window"]
    # the October half-term (28 Oct - 1 Nov 2024) falls inside the first window
    assert any(str(e.first_day) <= "2024-10-28" and str(e.last_day) >= "2024-11-01" for e in windows)


def test_flawed_sample_reports_its_planted_problems() -> None:
    result = validate_folder(SAMPLES / "EX-2025-004")
    assert [str(p) for p in result.problems] == FLAWED
    check = check_folder(SAMPLES / "EX-2025-004")
    assert not check.ready and len(check.problems) == 9


def test_the_sample_registers_are_what_their_script_writes(tmp_path) -> None:
    """scripts/make_sample_registers.py is the source of the sample registers: a hand edit
    to a CSV that the script does not make would be lost the next time it runs."""
    import subprocess
    import sys

    root = Path(__file__).resolve().parent.parent
    subprocess.run([sys.executable, str(root / "scripts" / "make_sample_registers.py"), str(tmp_path)], check=True)
    written = sorted(tmp_path.glob("*/attendance.csv"))
    assert written
    for path in written:
        assert path.read_bytes() == (root / "sample_cases" / path.parent.name / "attendance.csv").read_bytes(), path
