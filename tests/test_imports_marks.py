"""``bundler import marks``: MIS mark sheets in either shape, CSV or XLSX, give the same
register; sub-codes are mapped or reported, never dropped; dates are read day first
or refused; hostile workbooks are refused; nothing is overwritten unless asked."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from bundler import api
from bundler.cli import main
from bundler.imports.common import ImportFailed, day_first_date

FIXTURES = Path(__file__).parent / "fixtures" / "imports"

# The register of 2 to 20 September 2024 that every sheet below holds (the CTF
# fixture's 2024 year): the I on 19 Sep is written as the MIS sub-code I01.
WEEKS = {
    dt.date(2024, 9, 2): "# # / \\ / \\ N N / \\",
    dt.date(2024, 9, 9): "O O / \\ G G G G G G",
    dt.date(2024, 9, 16): "/ \\ C \\ / U I01 \\ / \\",
}


@pytest.fixture
def folder(tmp_path) -> Path:
    result = api.import_ctf(FIXTURES / "ctf-three-years.xml", tmp_path / "EX-MARKS", referral_date=dt.date(2024, 9, 23))
    assert result.written
    (tmp_path / "EX-MARKS" / "attendance.csv").unlink()
    return tmp_path / "EX-MARKS"


def _daily_xlsx(path: Path) -> Path:
    """One row per day, AM and PM columns, a title above the header, dates as real
    spreadsheet dates on some rows and as day-first text on others."""
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "Marks"
    ws.append(["Attendance marks - Sam Example (fictional)"])
    ws.append([])
    ws.append(["Date", "AM", "PM"])
    for monday, marks in WEEKS.items():
        codes = marks.split()
        for day in range(5):
            when = monday + dt.timedelta(days=day)
            cell = dt.datetime.combine(when, dt.time()) if day % 2 == 0 else when.strftime("%d/%m/%Y")
            ws.append([cell, codes[2 * day], codes[2 * day + 1]])
    book.save(path)
    return path


def _register(folder: Path) -> list[tuple[str, str, str]]:
    rows = (folder / "attendance.csv").read_text().splitlines()[1:]
    return [tuple(r.split(",")[:3]) for r in rows]


def test_every_shape_of_mark_sheet_imports_to_the_same_register(folder, tmp_path):
    sheets = [FIXTURES / "marks-sessions.csv", FIXTURES / "marks-weeks.csv", _daily_xlsx(tmp_path / "daily.xlsx")]
    registers = []
    shapes = []
    for sheet in sheets:
        result = api.import_marks(sheet, folder, force=(folder / "attendance.csv").exists())
        registers.append(_register(folder))
        shapes.append(next(n for n in result.notes if n.startswith("read as")))
        assert api.validate(folder).valid
    assert registers[0] == registers[1] == registers[2]
    assert len(registers[0]) == 30
    assert ("2024-09-19", "AM", "I") in registers[0]  # I01 recorded as the statutory I
    assert ("2024-09-02", "AM", "#") in registers[0]
    assert shapes == [
        "read as one row per session (header at line 1)",
        "read as one row per week (header at line 1)",
        "read as one row per day (header at Marks!row 3)",
    ]
    # the figures are the CTF's for the same fortnight: 28 possible, 15 present, 11 unauthorised
    year = api.stats(api.validate(folder).case)["periods"]["school_year_to_date"]
    assert (year["possible"], year["present"], year["unauthorised"]) == (28, 15, 11)


def test_amendment_columns_are_carried_over(folder):
    api.import_marks(FIXTURES / "marks-sessions.csv", folder)
    text = (folder / "attendance.csv").read_text()
    assert text.splitlines()[0] == "date,session,code,minutes_late,amended_from,amended_on,amended_by,amended_reason"
    assert "2024-09-09,AM,O,,N,2024-09-16,A. Officer,No reason given by the parent within five school days" in text
    assert "2024-09-18,PM,U,35,,,," in text
    case = api.validate(folder).case
    amended = [m for m in case.register if m.amended]
    assert [(m.date.isoformat(), m.session, m.amended_from) for m in amended] == [
        ("2024-09-09", "AM", "N"),
        ("2024-09-09", "PM", "N"),
    ]


def test_unmapped_sub_codes_are_reported_and_nothing_is_written(folder, tmp_path):
    sheet = tmp_path / "marks.csv"
    sheet.write_text("Date,Session,Mark\n03/09/2024,AM,I03\n03/09/2024,PM,/\n04/09/2024,AM,I03\n04/09/2024,PM,Q7\n")
    with pytest.raises(ImportFailed) as info:
        api.import_marks(sheet, folder)
    messages = [str(p) for p in info.value.problems]
    assert messages == [
        f"{sheet}: line 2: mark 'I03' (2 session(s), also line 4) is not a DfE attendance code and not in the code mapping",
        f"{sheet}: line 5: mark 'Q7' (1 session(s)) is not a DfE attendance code and not in the code mapping",
    ]
    assert "2 MIS code(s) have no statutory code" in str(info.value)
    assert not (folder / "attendance.csv").exists()
    mapping = tmp_path / "map.yaml"
    mapping.write_text('codes:\n  I03: I\n  Q7: "Q"\n')
    api.import_marks(sheet, folder, map_file=mapping)
    assert [c for _, _, c in _register(folder)] == ["I", "/", "I", "Q"]


def test_a_map_file_names_the_columns_of_any_other_export(folder, tmp_path):
    sheet = tmp_path / "export.csv"
    sheet.write_text("Pupil report,,\n,,\nWhen,Half,Attendance\n03/09/2024,AM,/\n03/09/2024,PM,\\\n")
    with pytest.raises(ImportFailed, match="no header row in the first 30 rows names the columns"):
        api.import_marks(sheet, folder)
    mapping = tmp_path / "map.yaml"
    mapping.write_text("header_row: 3\ncolumns:\n  date: When\n  session: Half\n  code: Attendance\n")
    api.import_marks(sheet, folder, map_file=mapping)
    assert _register(folder) == [("2024-09-03", "AM", "/"), ("2024-09-03", "PM", "\\")]
    mapping.write_text("columns:\n  dat: When\n")
    with pytest.raises(ImportFailed, match="columns.dat: unknown field"):
        api.import_marks(sheet, folder, map_file=mapping, force=True)


@pytest.mark.parametrize(
    "value, error",
    [
        ("09/13/2024", "looks month first"),
        ("04/09/24", "two-digit year"),
        ("31/09/2024", "is not a real date"),
        ("Sept 4", "is not a date"),
    ],
)
def test_dates_are_day_first_and_never_guessed(folder, tmp_path, value, error):
    sheet = tmp_path / "marks.csv"
    sheet.write_text(f"Date,Session,Mark\n03/09/2024,AM,/\n{value},AM,/\n")
    with pytest.raises(ImportFailed, match=error) as info:
        api.import_marks(sheet, folder)
    assert info.value.problems[0].line == 3 and info.value.problems[0].field == "date"
    assert not (folder / "attendance.csv").exists()


def test_day_first_reading():
    assert day_first_date("04/09/2024") == dt.date(2024, 9, 4)
    assert day_first_date("2024-09-04") == dt.date(2024, 9, 4)
    assert day_first_date("2024-09-04 00:00:00") == dt.date(2024, 9, 4)
    assert day_first_date(dt.datetime(2024, 9, 4, 0, 0)) == dt.date(2024, 9, 4)


def test_xlsx_errors_name_the_sheet_and_cell(folder, tmp_path):
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "Marks"
    ws.append(["Date", "AM", "PM"])
    ws.append(["04/09/2024", "/", "\\"])
    ws.append(["09/13/2024", "/", "\\"])
    book.save(tmp_path / "bad.xlsx")
    with pytest.raises(ImportFailed) as info:
        api.import_marks(tmp_path / "bad.xlsx", folder)
    assert str(info.value.problems[0]).endswith(
        "bad.xlsx: Marks!A3 date: '09/13/2024' looks month first (MM/DD/YYYY); dates are read day first (DD/MM/YYYY)"
    )


def test_a_week_must_begin_on_a_monday(folder, tmp_path):
    sheet = tmp_path / "weeks.csv"
    sheet.write_text("Week commencing,Mon AM,Mon PM\n03/09/2024,/,\\\n")
    with pytest.raises(ImportFailed, match="2024-09-03 is a Tuesday, not the Monday a week begins"):
        api.import_marks(sheet, folder)


def test_an_existing_register_is_replaced_only_with_force_and_kept(folder):
    (folder / "attendance.csv").write_text("date,session,code\n2024-09-03,AM,/\n")
    with pytest.raises(ImportFailed, match="already exists: it is not overwritten"):
        api.import_marks(FIXTURES / "marks-weeks.csv", folder)
    assert (folder / "attendance.csv").read_text() == "date,session,code\n2024-09-03,AM,/\n"
    result = api.import_marks(FIXTURES / "marks-weeks.csv", folder, force=True)
    backups = list(folder.glob("attendance.csv.bak-*"))
    assert len(backups) == 1 and backups[0].read_text() == "date,session,code\n2024-09-03,AM,/\n"
    assert any(backups[0].name in n for n in result.notes)
    assert len(_register(folder)) == 30
    assert api.validate(folder).valid  # the backup is not part of the case


def _zip(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members.items():
            z.writestr(name, data)
    return out.getvalue()


@pytest.mark.parametrize(
    "members, error",
    [
        (
            {
                "[Content_Types].xml": b"<Types/>",
                "xl/workbook.xml": b"<workbook/>",
                "xl/sheet1.xml": b"\0" * (4 * 1048576),
            },
            "zip bomb",
        ),
        (
            {
                "[Content_Types].xml": b"<Types/>",
                "xl/workbook.xml": b'<?xml version="1.0"?><!DOCTYPE w [<!ENTITY a "aaaaaaaaaa">]><workbook>&a;</workbook>',
            },
            "declares a DTD or XML entities",
        ),
        ({"hello.txt": b"hi"}, "not an Excel workbook"),
    ],
    ids=["compression-ratio", "entities", "not-a-workbook"],
)
def test_a_hostile_workbook_is_refused_before_it_is_opened(folder, tmp_path, members, error):
    sheet = tmp_path / "marks.xlsx"
    sheet.write_bytes(_zip(members))
    with pytest.raises(ImportFailed, match=error):
        api.import_marks(sheet, folder)
    assert not (folder / "attendance.csv").exists()


def test_too_many_members_is_refused(folder, tmp_path):
    members = {"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<workbook/>"}
    members |= {f"xl/m{i}.xml": b"<x/>" for i in range(2100)}
    sheet = tmp_path / "marks.xlsx"
    sheet.write_bytes(_zip(members))
    with pytest.raises(ImportFailed, match="over the limit of 2000"):
        api.import_marks(sheet, folder)


def test_the_cli_prints_what_it_wrote(folder):
    out = CliRunner().invoke(main, ["import", "marks", str(FIXTURES / "marks-sessions.csv"), str(folder)])
    assert out.exit_code == 0, out.output
    assert f"wrote {folder / 'attendance.csv'}" in out.output
    assert "30 register sessions, 2024-09-02 to 2024-09-20" in out.output
    assert "1 MIS sub-code mark(s) recorded as their statutory code" in out.output
    again = CliRunner().invoke(main, ["import", "marks", str(FIXTURES / "marks-sessions.csv"), str(folder)])
    assert again.exit_code == 2 and "add --force to replace it" in again.output


def test_old_excel_files_and_unknown_sheets_are_refused_with_the_way_out(folder, tmp_path):
    xls = tmp_path / "marks.xls"
    xls.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600)
    with pytest.raises(ImportFailed, match=r"is an old Excel \(.xls\) workbook \(save it as .xlsx or CSV"):
        api.import_marks(xls, folder)
    mapping = tmp_path / "map.yaml"
    mapping.write_text("sheet: Register\n")
    with pytest.raises(ImportFailed, match="has no sheet 'Register' \\(sheets: Marks\\)"):
        api.import_marks(_daily_xlsx(tmp_path / "daily.xlsx"), folder, map_file=mapping)


def test_a_windows_csv_is_read_and_said_to_be(folder, tmp_path):
    sheet = tmp_path / "marks.csv"
    sheet.write_bytes("Date,Session,Mark,Note\n03/09/2024,AM,/,Caf\xe9 trip\n".encode("cp1252"))
    result = api.import_marks(sheet, folder)
    assert any("read as Windows-1252" in n for n in result.notes)
    assert "Café trip" in (folder / "attendance.csv").read_text()
