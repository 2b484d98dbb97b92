"""Validation: every problem at once, each pointing at file, line and field."""

from __future__ import annotations

import hashlib
import os
import shutil
from pathlib import Path

import pytest

from bundler.case.load import Limits
from bundler.case.validate import validate_folder

BROKEN = Path(__file__).parent / "broken_cases"
SAMPLES = Path(__file__).parent.parent / "sample_cases"


@pytest.mark.parametrize("case", sorted(p.name for p in BROKEN.iterdir() if p.is_dir()))
def test_golden_errors(case: str) -> None:
    """Each broken case reports exactly the lines in its expected.txt, in order."""
    folder = BROKEN / case
    expected = (folder / "expected.txt").read_text(encoding="utf-8").splitlines()
    result = validate_folder(folder)
    assert [str(p) for p in result.problems] == expected


def test_five_problems_in_one_run() -> None:
    """The five-problems case plants problems in four files; one run reports them all."""
    result = validate_folder(BROKEN / "five-problems")
    files = {p.file for p in result.problems}
    assert files == {"case.yaml", "attendance.csv", "events.yaml", "documents/letter-1.md"}
    assert len(result.problems) >= 5
    fields = {(p.file, p.line, p.field) for p in result.problems}
    assert ("documents/letter-1.md", 7, "front matter: served.method") in fields
    assert ("events.yaml", 1, "[0].date") in fields
    assert ("case.yaml", 18, "pupil.year_group") in fields


def test_unknown_value_names_the_allowed_ones() -> None:
    result = validate_folder(BROKEN / "five-problems")
    served = next(p for p in result.problems if p.field.endswith("served.method"))
    assert (
        served.message
        == "'carrier pigeon' is not one of post_first_class, post_second_class, recorded_delivery, hand, email"
    )


def test_yaml_11_surprises_are_errors_not_values() -> None:
    result = validate_folder(BROKEN / "yaml11")
    messages = {p.field: p.message for p in result.problems}
    assert "older YAML reads it as false" in messages["pupil.medical_needs"]
    assert "leading zero" in messages["school.urn"]
    assert messages["pupil.date_of_birth"] == "'2014-13-02' is not a real date"


def _copy_sample(tmp_path: Path, name: str = "EX-2025-001") -> Path:
    target = tmp_path / name
    shutil.copytree(SAMPLES / name, target)
    return target


def test_symlink_out_of_the_case_folder_is_refused(tmp_path: Path) -> None:
    case = _copy_sample(tmp_path)
    (case / "documents" / "passwd.md").symlink_to("/etc/passwd")
    result = validate_folder(case)
    assert any(p.file == "documents/passwd.md" and "outside the case folder" in p.message for p in result.problems)
    assert not any("root:" in str(p) for p in result.problems)


def test_symlinked_case_file_out_of_folder_is_refused(tmp_path: Path) -> None:
    case = _copy_sample(tmp_path)
    outside = tmp_path / "elsewhere.csv"
    shutil.move(case / "attendance.csv", outside)
    (case / "attendance.csv").symlink_to(outside)
    result = validate_folder(case)
    assert [str(p) for p in result.problems] == ["attendance.csv: leads outside the case folder (a symlink or '..')"]


def test_file_over_size_limit_is_named(tmp_path: Path) -> None:
    case = _copy_sample(tmp_path)
    result = validate_folder(case, Limits(max_text_bytes=2_000))
    big = [p for p in result.problems if "limit" in p.message]
    assert any(p.file == "attendance.csv" for p in big)
    assert "--max-file-mb" in big[0].hint


def test_billion_laughs_is_refused_quickly(tmp_path: Path) -> None:
    case = _copy_sample(tmp_path)
    lines = ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    lines += [f"a{i}: &a{i} [" + ",".join([f"*a{i - 1}"] * 9) + "]" for i in range(1, 9)]
    (case / "events.yaml").write_text("\n".join(lines) + "\n")
    result = validate_folder(case)
    assert any("alias" in p.message for p in result.problems)


def _tree_digest(folder: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(folder.rglob("*")):
        stat = path.lstat()
        digest.update(str(path.relative_to(folder)).encode())
        digest.update(str(stat.st_mtime_ns).encode())
        if path.is_file():
            digest.update(path.read_bytes())
    return digest.hexdigest()


@pytest.mark.parametrize("name", sorted(p.name for p in SAMPLES.iterdir() if p.is_dir()))
def test_validating_leaves_the_folder_unchanged(tmp_path: Path, name: str) -> None:
    case = _copy_sample(tmp_path, name)
    before = _tree_digest(case)
    validate_folder(case)
    from bundler.checklist.run import check_folder

    check_folder(case)
    assert _tree_digest(case) == before
    assert sorted(os.listdir(case)) == sorted(os.listdir(SAMPLES / name))


def test_no_traceback_on_garbage(tmp_path: Path) -> None:
    """Whatever the bytes, validation reports problems; it never raises."""
    case = tmp_path / "garbage"
    (case / "documents").mkdir(parents=True)
    (case / "case.yaml").write_bytes(b"\xff\xfe\x00garbage: [unclosed")
    (case / "attendance.csv").write_text('date,session,code\n"unterminated\n')
    (case / "events.yaml").write_text("{just: a mapping}\n")
    (case / "documents" / "a.md").write_text("---\n- a list\n---\nbody\n")
    (case / "documents" / "b.md").write_text("---\ntype: letter\n")
    result = validate_folder(case)
    assert not result.valid
    files = {p.file for p in result.problems}
    assert {"case.yaml", "events.yaml", "documents/a.md", "documents/b.md"} <= files


def test_a_typo_hint_never_suggests_the_word_typed(case) -> None:
    """'phone' is a field of school and parents, not of pupil: the hint says it is in
    the wrong place instead of 'did you mean phone?'; a real typo gets its nearest field."""
    case.case["pupil"]["phone"] = "07700 900123"
    case.case["school"]["phonee"] = "07700 900100"
    problems = {p.field: p for p in validate_folder(case.write()).problems}
    misplaced = problems["pupil.phone"]
    assert misplaced.message == "unknown field 'phone'"
    assert "did you mean 'phone'" not in misplaced.hint
    assert misplaced.hint.startswith("'phone' is a field of another part of the file, not under pupil")
    typo = problems["school.phonee"]
    assert typo.hint == "did you mean 'phone'?"
