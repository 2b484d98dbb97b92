"""Case folders that try to trick the loader: links that loop or lead back in, a file
under two names, hidden files and clutter, names no report can print on one line, a
profile path in case.yaml, dates no case can hold, and a document that takes too long.

Each gets a clean answer from ``validate`` (a problem naming the file and the reason,
or a note), and a case that validates never makes a later command fail.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
from pathlib import Path

import pdf_fixtures as fx
import pikepdf
import pytest
from builder import CaseBuilder
from click.testing import CliRunner

from bundler.cli import main

D = dt.date.fromisoformat


def run(*args: str):
    result = CliRunner().invoke(main, [str(a) for a in args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result


def lines(result) -> list[str]:
    return result.output.splitlines()


def _pdf(folder: Path, name: str, data: bytes | None = None, title: str = "Scan", day: int = 6) -> Path:
    path = folder / "documents" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data if data is not None else fx.corners())
    (path.parent / f"{path.name}.yaml").write_text(
        f"type: other\ntitle: '{title}'\ndate: 2025-01-{day:02d}\n", encoding="utf-8"
    )
    return path


def _manifest(pdf: Path) -> dict:
    with pikepdf.open(pdf) as doc:
        return json.loads(doc.attachments["bundler-manifest.json"].get_file().read_bytes())


@pytest.fixture
def folder(case: CaseBuilder) -> Path:
    return case.write()


# ----------------------------------------------------------------------- links and second names


def test_a_link_from_documents_to_itself_is_refused_not_read_forty_times(folder: Path) -> None:
    os.symlink(".", folder / "documents" / "self")
    result = run("validate", folder)
    assert result.exit_code == 1
    assert lines(result)[0].startswith("documents/self: is a link back to a folder of the case's documents")
    assert "self/self" not in result.output


def test_a_link_to_a_folder_above_is_a_loop_refused(folder: Path) -> None:
    (folder / "documents" / "scans").mkdir()
    os.symlink("..", folder / "documents" / "scans" / "up")
    os.symlink("../..", folder / "documents" / "scans" / "case")
    result = run("validate", folder)
    assert result.exit_code == 1
    named = sorted(line.split(":")[0] for line in lines(result) if line.startswith("documents/"))
    assert named == ["documents/scans/case", "documents/scans/up"]


def test_a_link_that_loops_on_itself_is_refused(folder: Path) -> None:
    os.symlink("spin", folder / "documents" / "spin")
    result = run("validate", folder)
    assert result.exit_code == 1
    assert "documents/spin: is a link that leads round in a loop" in result.output


def test_a_second_name_for_a_document_is_refused(folder: Path) -> None:
    _pdf(folder, "scan.pdf")
    os.symlink("scan.pdf", folder / "documents" / "copy.pdf")
    (folder / "documents" / "copy.pdf.yaml").write_text("type: other\ntitle: Copy\ndate: 2025-01-07\n")
    os.link(folder / "documents" / "scan.pdf", folder / "documents" / "hard.pdf")
    (folder / "documents" / "hard.pdf.yaml").write_text("type: other\ntitle: Hard\ndate: 2025-01-08\n")
    result = run("validate", folder)
    assert result.exit_code == 1
    assert "documents/hard.pdf: is another name for documents/copy.pdf (a link to the same file)" in result.output
    assert "documents/scan.pdf: is another name for documents/copy.pdf" in result.output


def test_two_documents_with_the_same_bytes_are_refused(folder: Path) -> None:
    _pdf(folder, "scan.pdf")
    _pdf(folder, "scan-again.pdf", title="Again")
    result = run("validate", folder)
    assert result.exit_code == 1
    assert "documents/scan.pdf: has the same content as documents/scan-again.pdf" in result.output


def test_documents_of_the_same_name_in_two_folders_each_find_their_sidecar(folder: Path) -> None:
    _pdf(folder, "p1/letter.pdf", fx.corners(), title="To mother")
    _pdf(folder, "p2/letter.pdf", fx.corners((400, 600)), title="To father")
    result = run("validate", folder)
    assert result.exit_code == 0, result.output


# ----------------------------------------------------------------------- hidden files and clutter


def test_a_hidden_document_is_reported_not_silently_left_out(folder: Path) -> None:
    (folder / "documents" / ".late-letter.md").write_text(
        "---\ntype: other\ntitle: Hidden\ndate: 2025-01-06\n---\nHi\n"
    )
    result = run("validate", folder)
    assert result.exit_code == 0
    assert "note: documents/.late-letter.md: is a hidden file (its name starts with '.')" in result.output
    assert "rename it without the '.'" in result.output
    data = json.loads(run("validate", folder, "--format", "json").output)
    assert [n["file"] for n in data["notes"]] == ["documents/.late-letter.md"]


def test_clutter_is_ignored_and_listed_as_ignored(folder: Path, tmp_path: Path) -> None:
    (folder / "documents" / ".DS_Store").write_bytes(b"\0\0\0\1Bud1")
    (folder / "documents" / "Thumbs.db").write_bytes(b"thumbs")
    (folder / "documents" / "~$letter.docx").write_bytes(b"owner")
    (folder / "documents" / "__MACOSX").mkdir()
    result = run("validate", folder)
    assert result.exit_code == 0, result.output
    assert "ignored 3 file(s) an operating system or program leaves behind (.DS_Store, Thumbs.db, ~$letter.docx)" in (
        result.output
    )


@pytest.mark.slow
def test_every_file_a_document_uses_is_an_input_so_verify_sees_it_change(case: CaseBuilder, tmp_path: Path) -> None:
    from PIL import Image

    case.add_doc(
        "zz-logo.md", {"type": "other", "title": "With logo", "date": D("2025-01-06")}, "![logo](.assets/logo.png)"
    )
    folder = case.write()
    (folder / "documents" / ".assets").mkdir()
    Image.new("RGB", (60, 60), "navy").save(folder / "documents" / ".assets" / "logo.png")
    (folder / "documents" / ".DS_Store").write_bytes(b"\0\0\0\1Bud1")
    out = tmp_path / "bundle.pdf"
    built = run("build", folder, "-o", out)
    assert built.exit_code == 0, built.output
    manifest = _manifest(out)
    inputs = {f["path"] for f in manifest["inputs"]}
    assert "documents/.assets/logo.png" in inputs and "documents/.DS_Store" not in inputs
    assert [f["path"] for f in manifest["ignored"]] == ["documents/.DS_Store"]
    assert run("verify", out, folder).exit_code == 0
    # clutter changing is no change to the case; the image changing is
    (folder / "documents" / ".DS_Store").write_bytes(b"\0\0\0\1Bud2")
    assert run("verify", out, folder).exit_code == 0
    Image.new("RGB", (60, 60), "red").save(folder / "documents" / ".assets" / "logo.png")
    checked = run("verify", out, folder)
    assert checked.exit_code == 1
    assert "documents/.assets/logo.png: changed since the bundle was built" in checked.output
    # and a rebuild shows the new image, not a cached render of the old one
    again = tmp_path / "again.pdf"
    assert run("build", folder, "-o", again).exit_code == 0
    doc = next(d for d in manifest["documents"] if d["key"] == "documents/zz-logo.md")
    page = doc["first_page"] - 1
    assert _manifest(again)["page_sha256"][page] != manifest["page_sha256"][page]


@pytest.mark.slow
def test_an_image_a_document_names_that_is_not_there_is_named(case: CaseBuilder, tmp_path: Path) -> None:
    case.add_doc(
        "zz-logo.md", {"type": "other", "title": "With logo", "date": D("2025-01-06")}, "![logo](.assets/logo.png)"
    )
    folder = case.write()
    checked = run("validate", folder)
    assert checked.exit_code == 1
    assert "documents/zz-logo.md:6: body: image .assets/logo.png: there is no such file" in checked.output
    built = run("build", folder, "-o", tmp_path / "bundle.pdf")
    assert built.exit_code == 2
    assert "documents/zz-logo.md:6: body: image .assets/logo.png: there is no such file" in built.output


# ----------------------------------------------------------------------- names


NAMES = ["a#b", "what?", "c:d", "with  spaces", "Ünïcödé ✓ 日本", "100% (final) [v2]", "semi;colon&amp", "it's"]


@pytest.mark.slow
def test_any_name_windows_or_linux_allows_builds(case: CaseBuilder, tmp_path: Path) -> None:
    for i, name in enumerate(NAMES):
        case.add_doc(f"{name}.md", {"type": "other", "title": f"Note {i}", "date": D("2025-01-06")}, f"Body {i}")
    folder = case.write()
    for i, name in enumerate(NAMES):
        _pdf(folder, f"scans/{name}.pdf", fx.corners((300 + i, 300)), title=f"Scan {i}", day=7)
    assert run("validate", folder).exit_code == 0
    out = tmp_path / "bundle.pdf"
    built = run("build", folder, "-o", out)
    assert built.exit_code == 0, built.output
    keys = {d["key"] for d in _manifest(out)["documents"]}
    for name in NAMES:
        assert f"documents/{name}.md" in keys and f"documents/scans/{name}.pdf" in keys


def test_a_name_with_a_line_break_is_refused_and_cannot_forge_a_line(folder: Path) -> None:
    name = "late\ncase.yaml:1: referral.date: all is well.md"
    (folder / "documents" / name).write_text("---\ntype: other\ntitle: Evil\ndate: 2025-01-06\n---\n")
    (folder / "documents" / "right\u202etxt.pdf").write_bytes(fx.corners())
    result = run("validate", folder)
    assert result.exit_code == 1
    assert not any(line.startswith("case.yaml") for line in lines(result))
    assert "documents/late\\ncase.yaml:1: referral.date: all is well.md: has a control character" in result.output
    assert "documents/right\\u202etxt.pdf: has a character in its name that changes the direction" in result.output


def test_a_value_with_a_line_break_cannot_forge_a_line(case: CaseBuilder) -> None:
    case.docs["2024-09-20-letter-p2-concern.md"]["served"] = {"method": "pigeon\ncase.yaml:1: all is well"}
    result = run("validate", case.write())
    assert result.exit_code == 1
    assert not any(line.startswith("case.yaml") for line in lines(result))
    assert "'pigeon\\ncase.yaml:1: all is well' is not one of" in result.output


# ----------------------------------------------------------------------- profiles


@pytest.mark.parametrize("value", ["/etc/passwd", "../profiles/mine.yaml", "mine.yaml", "C:\\profiles\\la"])
def test_case_yaml_may_name_only_a_built_in_profile(case: CaseBuilder, value: str) -> None:
    case.case["referral"]["profile"] = value
    result = run("validate", case.write())
    assert result.exit_code == 1
    assert f"referral.profile: '{value}' is a file, and case.yaml may name only a built-in profile" in (result.output)
    assert "--profile FILE" in result.output


def test_an_unknown_profile_name_is_refused_by_validate(case: CaseBuilder) -> None:
    case.case["referral"]["profile"] = "atlantis"
    result = run("validate", case.write())
    assert result.exit_code == 1
    assert "referral.profile: 'atlantis' is not a built-in profile (central-bedfordshire, devon" in result.output


def test_a_profile_file_is_accepted_on_the_command_line(folder: Path, tmp_path: Path) -> None:
    profile = tmp_path / "my-la.yaml"
    profile.write_text(
        "name: my-la\ntitle: My LA\nextends: national-2024\nsource: test\neffective: 2025-01-01\n"
        "settings: {min_sessions: 100}\n"
    )
    result = run("check", folder, "--profile", profile, "--format", "json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["profile"] == "my-la"


# ----------------------------------------------------------------------- dates


@pytest.mark.parametrize(
    "edit, where",
    [
        (lambda b: b.case["pupil"].update(date_of_birth=D("9999-12-31")), "pupil.date_of_birth: '9999-12-31'"),
        (lambda b: b.case["referral"].update(date=D("0001-01-01")), "referral.date: '0001-01-01'"),
        (
            lambda b: b.case["referral"].update(offence_period={"start": D("0001-01-01"), "end": D("2025-03-07")}),
            "referral.offence_period.start: '0001-01-01'",
        ),
        (lambda b: b.events[0].update(date=D("9999-12-31")), "[0].date: '9999-12-31'"),
        (
            lambda b: b.docs["2024-11-26-contract.md"].update(review_date=D("1899-12-31")),
            "front matter: review_date: '1899-12-31'",
        ),
        (lambda b: b.set_marks(D("2100-01-04"), "O"), "date: '2100-01-04'"),
        (
            lambda b: b.docs["2025-01-17-notice-p2-nti.md"]["served"].update(handed_at="9999-01-17T15:25"),
            "served.handed_at: '9999-01-17",
        ),
    ],
)
def test_a_date_no_case_can_hold_is_refused_by_validate(case: CaseBuilder, edit, where: str) -> None:
    edit(case)
    result = run("validate", case.write())
    assert result.exit_code == 1
    assert where in result.output and "is outside the dates a case can hold (1900-01-01 to 2099-12-31)" in (
        result.output
    )


@pytest.mark.slow
@pytest.mark.parametrize(
    "edit",
    [
        lambda b: b.case["referral"].update(date=D("2024-08-01")),  # before the national framework
        lambda b: b.case["referral"].update(date=D("1900-01-01")),
        lambda b: b.case["referral"].update(date=D("2099-12-31")),
        lambda b: b.case["pupil"].update(date_of_birth=D("2099-12-31")),
        lambda b: b.case["referral"].update(offence_period={"start": D("1900-01-01"), "end": D("2099-12-31")}),
        lambda b: b.case["school"].update(holidays=[{"start": D("1900-01-01"), "end": D("2099-12-31")}]),
    ],
    ids=["before-framework", "referral-1900", "referral-2099", "birth-2099", "period-everything", "holiday-everything"],
)
def test_a_case_with_extreme_dates_that_validates_never_crashes_a_later_command(
    case: CaseBuilder, tmp_path: Path, edit
) -> None:
    edit(case)
    folder = case.write()
    assert run("validate", folder).exit_code == 0
    for command in (["check"], ["check", "--format", "json"], ["stats"], ["stats", "--format", "json"]):
        assert run(*command, folder).exit_code in (0, 1)
    built = run("build", folder, "--draft", "-o", tmp_path / "draft.pdf")
    assert built.exit_code == 0, built.output


# ----------------------------------------------------------------------- time


@pytest.mark.slow
def test_a_document_that_renders_too_long_is_stopped_naming_it_and_the_limit(case: CaseBuilder, tmp_path) -> None:
    # about five times the limit to lay out even in a warm process on a fast machine
    body = "\n\n".join(f"| row {i} | b | c |\n|---|---|---|\n| 1 | 2 | 3 |" for i in range(6000))
    case.add_doc("zz-long.md", {"type": "other", "title": "Very long", "date": D("2025-01-06")}, body)
    out = tmp_path / "b.pdf"
    result = run("build", case.write(), "-o", out, "--max-seconds", "4")
    assert result.exit_code == 2, result.output
    assert "error: documents/zz-long.md: rendering it took longer than 4 seconds, the limit for one document" in (
        result.output
    )
    assert "--max-seconds" in result.output and not out.exists()
    assert "--max-seconds" in run("build", "--help").output


def test_a_cluttered_copy_of_the_sample_case_validates(tmp_path: Path) -> None:
    sample = Path(__file__).resolve().parent.parent / "sample_cases" / "EX-2025-001"
    copy = shutil.copytree(sample, tmp_path / "EX-2025-001")
    (copy / "documents" / "._2024-11-26-attendance-contract.pdf").write_bytes(b"\0\5\26\7AppleDouble")
    (copy / "documents" / ".~lock.2025-01-17-notice-p1-notice-to-improve.docx#").write_text("lock")
    result = run("validate", copy)
    assert result.exit_code == 0, result.output


@pytest.mark.slow
def test_an_image_whose_name_holds_url_characters_builds(case: CaseBuilder, tmp_path: Path) -> None:
    from PIL import Image

    folder = case.write()
    for i, name in enumerate(["scan#1", "scan?2", "scan 3"]):
        Image.new("RGB", (80, 60), ("navy", "teal", "maroon")[i]).save(folder / "documents" / f"{name}.png")
        (folder / "documents" / f"{name}.png.yaml").write_text(f"type: other\ntitle: Scan {i}\ndate: 2025-01-06\n")
    built = run("build", folder, "-o", tmp_path / "bundle.pdf")
    assert built.exit_code == 0, built.output
