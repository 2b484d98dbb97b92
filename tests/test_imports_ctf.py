"""``bundler import ctf``: a Common Transfer File becomes a case folder that validates,
whose figures are the ones a person counts from the file, and nothing is guessed or
written when the file is hostile or wrong."""

from __future__ import annotations

import datetime as dt
import json
import re
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from bundler import api
from bundler.cli import main
from bundler.imports.common import ImportFailed

FIXTURES = Path(__file__).parent / "fixtures" / "imports"
THREE_YEARS = FIXTURES / "ctf-three-years.xml"
REFERRAL = dt.date(2024, 9, 23)


def _import(tmp_path: Path, xml: str | Path = THREE_YEARS, **options) -> tuple[Path, object]:
    source = xml if isinstance(xml, Path) else tmp_path / "in.xml"
    if not isinstance(xml, Path):
        source.write_text(xml, encoding="utf-8")
    folder = tmp_path / "EX-IMP-1"
    options.setdefault("referral_date", REFERRAL)
    return folder, api.import_ctf(source, folder, **options)


def _ctf(pupils: str, header_estab: str = "2100") -> str:
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<CTfile><Header><CTFversion>25.0</CTFversion><SourceSchool><LEA>999</LEA><Estab>{header_estab}</Estab>
<SchoolName>Example Primary School</SchoolName></SourceSchool></Header><CTFpupilData>{pupils}</CTFpupilData></CTfile>"""


def _pupil(upn="A999210024009", marks="/\\/\\", start="2024-09-02", contacts=None) -> str:
    contacts = contacts or (
        "<Contact><Order>1</Order><Surname>Example</Surname><Forename>Alex</Forename><Relationship>PAM</Relationship>"
        "<Responsibility>true</Responsibility><Address><AddressAsPupil>true</AddressAsPupil></Address></Contact>"
    )
    return f"""<Pupil><UPN>{upn}</UPN><Surname>Example</Surname><Forename>Kim</Forename><DOB>2016-01-10</DOB>
<BasicDetails><NCyearActual>3</NCyearActual></BasicDetails>
<Address><AddressLines><AddressLine1>4 Lane End</AddressLine1></AddressLines><PostCode>ZZ2 3CC</PostCode></Address>
<Contacts>{contacts}</Contacts>
<Attendance><YearData><Year>2024</Year><LEA>999</LEA><Estab>2100</Estab>
<AttendSessions><AttendanceStartDate>{start}</AttendanceStartDate><AttendanceMarks>{marks}</AttendanceMarks></AttendSessions>
</YearData></Attendance></Pupil>"""


def test_three_school_years_import_to_a_case_whose_figures_are_counted_by_hand(tmp_path):
    folder, result = _import(tmp_path)
    check = api.validate(folder)
    assert check.valid, [str(p) for p in check.problems]
    stats = api.stats(check.case)
    year = stats["periods"]["school_year_to_date"]
    whole = stats["periods"]["whole_register"]
    # By hand, from tests/fixtures/imports/ctf-three-years.xml (two characters a day, AM then PM):
    #
    # 2022 YearData (this school), from Mon 2023-07-10: "/\ /\ II /\ /\ -- -- /\ OO /\ L\ /\"
    #   10 weekdays = 20 sessions (the weekend's "----" is no session): I I authorised (2),
    #   O O unauthorised (2), everything else present (/, \, L) = 16.
    # 2023 YearData, from Mon 2024-07-08 (before 19 Aug 2024: the 2006 codes):
    #   "/\ HH HH /\ /O ## ## /\ MM /\ /\ /\": 20 sessions; H x4 (agreed holiday) and M x2
    #   authorised (6), O x1 unauthorised (1), present 13. "##" falls on Sat and Sun: no session.
    # 2024 YearData, from Mon 2024-09-02 (the 2024 codes):
    #   "## /\ /\ NN /\ -- -- OO /\ GG GG GG -- -- /\ C\ /U I\ /\"
    #   15 weekdays = 30 sessions; "##" on Monday 2 Sep is a planned closure: 2 not possible,
    #   so 28 possible; unauthorised N x2 + O x2 + G x6 + U x1 = 11; authorised C + I = 2;
    #   present 28 - 11 - 2 = 15. Attendance 15 / 28 = 53.57%, shown truncated as 53.5.
    # The 2021 YearData is another school's (Estab 2001): not imported.
    assert (year["sessions_recorded"], year["possible"], year["present"]) == (30, 28, 15)
    assert (year["authorised"], year["unauthorised"], year["not_possible"]) == (2, 11, 2)
    assert year["attendance_pct"] == 53.5 and year["band"] == "persistent"
    assert year["by_code"] == {"#": 2, "/": 7, "\\": 8, "C": 1, "G": 6, "I": 1, "N": 2, "O": 2, "U": 1}
    # whole register: 20 + 20 + 30 = 70 sessions; possible 20 + 20 + 28 = 68; present
    # 16 + 13 + 15 = 44 (44 / 68 = 64.7%); authorised 2 + 6 + 2 = 10; unauthorised 2 + 1 + 11 = 14;
    # late marks: the L of 2023-07-20 and the U of 2024-09-18 = 2
    assert (whole["sessions_recorded"], whole["possible"], whole["present"]) == (70, 68, 44)
    assert (whole["authorised"], whole["unauthorised"], whole["late_marks"]) == (10, 14, 2)
    assert whole["attendance_pct"] == 64.7
    assert whole["first_date"] == "2023-07-10" and whole["last_date"] == "2024-09-20"
    # 11 unauthorised sessions from 3 Sep to 20 Sep meet the threshold of 10 in 10 weeks
    assert stats["threshold"]["met"] is True
    # every count the CTF states per year agrees with the marks: no warning about it
    assert not [w for w in result.warnings if "Sessions" in w]
    assert any("Example Infant School" in n and "not imported" in n for n in result.notes)


def test_the_2006_marks_keep_their_meaning_before_the_change(tmp_path):
    folder, _ = _import(tmp_path)
    rows = (folder / "attendance.csv").read_text().splitlines()
    assert "2024-07-09,AM,H" in rows  # agreed holiday: a 2006 code, valid in July 2024
    assert "2024-09-02,AM,#" in rows  # a weekday '#': the planned closure code
    assert not [r for r in rows if r.startswith(("2024-07-13", "2024-07-14", "2023-07-15"))]  # weekends


def test_a_two_household_ctf_gives_two_parents_with_their_own_addresses(tmp_path):
    folder, result = _import(tmp_path)
    case = api.validate(folder).case.case
    mother, father = case.parents
    assert (mother.id, mother.name, mother.relationship) == ("p1", "Alex Example", "mother")
    assert mother.address == case.pupil.address == "2 Home Road, Exampletown, ZZ1 2BB"
    assert mother.lives_with_pupil is True and mother.parental_responsibility is True
    assert (father.id, father.name, father.relationship) == ("p2", "Jo Sample", "father")
    assert father.address == "9 Other Street, Elsewhere, ZZ9 9ZZ" and father.lives_with_pupil is False
    assert (father.email, father.phone) == ("jo.sample@post.example", "07700 900002")  # the mobile, not the landline
    assert case.pupil.send.value == "sen_support"  # the latest SEN record: K
    assert case.pupil.upn == "A999210024001" and case.pupil.year_group == 4
    assert case.school.name == "Example Primary School"


def test_a_contact_without_parental_responsibility_is_not_made_a_parent(tmp_path):
    folder, result = _import(tmp_path)
    names = [p.name for p in api.validate(folder).case.case.parents]
    assert "Pat Example" not in names
    assert any("Pat Example" in w and "--parent-without-pr-cares 3" in w for w in result.warnings)


def test_named_with_the_flag_a_carer_without_responsibility_is_a_parent(tmp_path):
    folder, result = _import(tmp_path, carers=["3"])
    parents = api.validate(folder).case.case.parents
    carer = parents[-1]
    assert (carer.name, carer.relationship, carer.parental_responsibility) == ("Pat Example", "other relative", False)
    assert carer.address == "2 Home Road, Exampletown, ZZ1 2BB"
    assert not any("Pat Example" in w for w in result.warnings)


def test_a_professional_contact_is_refused_as_a_carer(tmp_path):
    contact = (
        "<Contact><Order>1</Order><Surname>Example</Surname><Forename>Alex</Forename><Relationship>PAM</Relationship>"
        "<Responsibility>true</Responsibility></Contact><Contact><Order>2</Order><Surname>Worker</Surname>"
        "<Forename>Sol</Forename><Relationship>SWR</Relationship><Responsibility>false</Responsibility></Contact>"
    )
    with pytest.raises(ImportFailed, match="social worker: someone in a professional role is not a parent"):
        _import(tmp_path, _ctf(_pupil(contacts=contact)), carers=["Sol Worker"])
    assert not (tmp_path / "EX-IMP-1").exists()


def test_no_parent_with_responsibility_is_an_error_naming_the_way_out(tmp_path):
    contact = "<Contact><Order>1</Order><Surname>Example</Surname><Forename>Pat</Forename><Relationship>REL</Relationship></Contact>"
    with pytest.raises(ImportFailed, match="no contact has parental responsibility") as info:
        _import(tmp_path, _ctf(_pupil(contacts=contact)))
    assert "--parent-without-pr-cares" in info.value.problems[0].hint


def test_everything_a_ctf_cannot_give_is_an_obvious_todo_and_the_checklist_fails(tmp_path):
    folder, result = _import(tmp_path)
    lines = (folder / "case.yaml").read_text().splitlines()
    text = "\n".join(lines)
    for field in ("local_authority:", "urn:", "attendance_lead:", "    name:", "has_social_worker:", "considered:"):
        line = next(line for line in lines if line.lstrip().startswith(field.strip()))
        assert "TODO" in line, line
    assert re.search(r"urn: \"TODO: URN \(the CTF gives the DfE number 999/2100\)\"", text)
    assert re.search(r"considered: false .*TODO", text)
    check = api.check(folder)
    failing = {f.rule for f in check.result.findings if f.status.value == "fail"}
    assert "S444-70" in failing  # safeguarding not yet considered
    assert any("safeguarding" in item for item in result.todo)


def test_several_pupils_are_listed_and_one_is_chosen_by_upn(tmp_path):
    xml = _ctf(_pupil("A999210024009") + _pupil("A999210024010").replace("Kim", "Lee"))
    with pytest.raises(ImportFailed, match="holds 2 pupils: A999210024009 Kim Example; A999210024010 Lee Example"):
        _import(tmp_path, xml)
    folder, _ = _import(tmp_path, xml, upn="A999210024010")
    assert api.validate(folder).case.case.pupil.first_name == "Lee"
    runner = CliRunner()
    out = runner.invoke(main, ["import", "ctf", str(tmp_path / "in.xml"), str(tmp_path / "other")])
    assert out.exit_code == 2 and "choose one with --upn" in out.output and "A999210024010  Lee Example" in out.output


def test_a_one_character_mark_that_is_no_2024_code_is_refused_not_guessed(tmp_path):
    # 'J' was a 2006 code; in the 2024 set it became J1, which one character cannot carry
    with pytest.raises(ImportFailed) as info:
        _import(tmp_path, _ctf(_pupil(marks="/\\JJ/\\", start="2024-09-03")))
    problem = info.value.problems[0]
    assert (
        "'J' is not a DfE attendance code of the 2024 set, in 2 session(s): 2024-09-04 AM, 2024-09-04 PM"
        in problem.message
    )
    assert "J1" in problem.hint and "bundler import marks" in problem.hint
    assert problem.field.endswith("AttendSessions/AttendanceMarks")
    assert not (tmp_path / "EX-IMP-1").exists()


def test_a_map_file_says_what_a_character_means(tmp_path):
    mapping = tmp_path / "map.yaml"
    mapping.write_text('codes:\n  "J": "J1"\n')
    folder, _ = _import(tmp_path, _ctf(_pupil(marks="/\\JJ/\\", start="2024-09-03")), map_file=mapping)
    assert "2024-09-04,AM,J1" in (folder / "attendance.csv").read_text()


def test_summary_counts_that_the_marks_do_not_reproduce_are_a_warning(tmp_path):
    xml = _ctf(_pupil()).replace("<Year>2024</Year>", "<Year>2024</Year><SessionsPossible>9</SessionsPossible>")
    _, result = _import(tmp_path, xml)
    assert any("SessionsPossible is 9, but the marks give 4" in w for w in result.warnings)


@pytest.mark.parametrize(
    "marks, message",
    [("/\\/", "has 3 characters, an odd number"), ("/\\\n/\\", "line break inside the marks")],
)
def test_a_malformed_marks_string_names_its_xml_path(tmp_path, marks, message):
    with pytest.raises(ImportFailed, match=message) as info:
        _import(tmp_path, _ctf(_pupil(marks=marks)))
    assert (
        info.value.problems[0].field
        == "CTfile/CTFpupilData/Pupil[1]/Attendance/YearData[1]/AttendSessions/AttendanceMarks"
    )


def test_a_bad_date_names_its_xml_path(tmp_path):
    with pytest.raises(ImportFailed) as info:
        _import(tmp_path, _ctf(_pupil().replace("2016-01-10", "2016-02-30")))
    assert str(info.value.problems[0]).endswith(
        "in.xml: CTfile/CTFpupilData/Pupil[1]/DOB: '2016-02-30' is not a real date"
    )


def test_not_xml_and_not_a_ctf_are_refused_with_the_reason(tmp_path):
    with pytest.raises(ImportFailed, match=r"in.xml:1: is not well-formed XML"):
        _import(tmp_path, "<CTfile><Header>")
    with pytest.raises(ImportFailed, match="admissions transfer file"):
        _import(tmp_path, "<ATfile/>")
    with pytest.raises(ImportFailed, match="this is not a CTF"):
        _import(tmp_path, "<html/>")


class _OpenWatch:
    """Records every file Python opens while ``active`` (an audit hook cannot be removed)."""

    installed = None

    def __init__(self):
        self.active = False
        self.opened: list[str] = []

    def __call__(self, event, args):
        if self.active and event == "open":
            self.opened.append(str(args[0]))


@pytest.fixture
def open_watch():
    if _OpenWatch.installed is None:
        _OpenWatch.installed = _OpenWatch()
        sys.addaudithook(_OpenWatch.installed)
    watch = _OpenWatch.installed
    watch.opened = []
    yield watch
    watch.active = False


@pytest.mark.parametrize(
    "doctype, reason",
    [
        ('<!DOCTYPE CTfile [<!ENTITY secret SYSTEM "file://{target}">]>', "declares a DTD"),
        ('<!DOCTYPE CTfile SYSTEM "file://{target}">', "declares a DTD"),
        (
            '<!DOCTYPE CTfile [<!ENTITY a "lol"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
            '<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">]>',
            "declares a DTD",
        ),
    ],
    ids=["external-entity", "external-dtd", "billion-laughs"],
)
def test_a_hostile_ctf_is_refused_and_reads_no_file(tmp_path, open_watch, doctype, reason):
    target = tmp_path / "secret.txt"  # it exists, so a resolved entity would read it
    target.write_text("do not read me")
    xml = _ctf(_pupil()).replace("<CTfile>", doctype.format(target=target) + "<CTfile><Name>&secret;&d;</Name>", 1)
    source = tmp_path / "in.xml"
    source.write_text(xml)
    data = source.read_bytes()
    from bundler.imports.ctf import parse_ctf

    open_watch.active = True
    target.open().close()  # the watch does see a file being opened
    assert open_watch.opened == [str(target)]
    open_watch.opened.clear()
    with pytest.raises(ImportFailed) as info:
        parse_ctf(data, "in.xml")
    open_watch.active = False
    assert reason in str(info.value)
    assert [p for p in open_watch.opened if "secret" in p] == []
    with pytest.raises(ImportFailed):
        api.import_ctf(source, tmp_path / "EX-HOSTILE")
    assert not (tmp_path / "EX-HOSTILE").exists()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []  # no staging folder left


def test_a_huge_ctf_is_refused_before_it_is_parsed(tmp_path):
    source = tmp_path / "big.xml"
    source.write_bytes(b"<CTfile>" + b" " * (2 * 1024 * 1024) + b"</CTfile>")
    with pytest.raises(ImportFailed, match="over the 1 MiB limit"):
        api.import_ctf(source, tmp_path / "EX-BIG", max_file_mb=1)


def test_an_existing_case_folder_is_never_written_into(tmp_path):
    folder = tmp_path / "EX-IMP-1"
    folder.mkdir()
    (folder / "case.yaml").write_text("keep me")
    with pytest.raises(ImportFailed, match="already exists and is not empty"):
        api.import_ctf(THREE_YEARS, folder)
    assert (folder / "case.yaml").read_text() == "keep me"
    assert sorted(p.name for p in folder.iterdir()) == ["case.yaml"]


def test_the_cli_imports_and_says_what_to_fill_in(tmp_path):
    out = CliRunner().invoke(
        main, ["import", "ctf", str(THREE_YEARS), str(tmp_path / "EX-CLI"), "--referral-date", "2024-09-23"]
    )
    assert out.exit_code == 0, out.output
    assert f"wrote {tmp_path / 'EX-CLI' / 'case.yaml'}" in out.output
    assert "to fill in (marked TODO in case.yaml):" in out.output
    stats = CliRunner().invoke(main, ["stats", str(tmp_path / "EX-CLI"), "--format", "json"])
    assert json.loads(stats.output)["periods"]["whole_register"]["possible"] == 68
    bad = CliRunner().invoke(main, ["import", "ctf", str(tmp_path / "missing.xml"), str(tmp_path / "EX-2")])
    assert bad.exit_code == 2 and "missing.xml: no such file" in bad.output and "nothing was written" in bad.output


def test_a_year_group_the_ctf_does_not_give_is_worked_out_and_marked_todo(tmp_path):
    folder, result = _import(
        tmp_path, _ctf(_pupil().replace("<NCyearActual>3</NCyearActual>", "<NCyearActual>N2</NCyearActual>"))
    )
    line = next(line for line in (folder / "case.yaml").read_text().splitlines() if "year_group" in line)
    assert "TODO: not in the CTF; worked out from the date of birth" in line
    assert any(item.startswith("pupil.year_group: the CTF gives no year group ('N2')") for item in result.todo)


def test_a_carer_the_ctf_does_not_list_is_an_error_listing_the_contacts(tmp_path):
    with pytest.raises(ImportFailed) as info:
        _import(tmp_path, carers=["Chris Nobody"])
    problem = info.value.problems[0]
    assert problem.message == "'Chris Nobody' is not a contact of Sam Example"
    assert "1: Alex Example (mother); 2: Jo Sample (father); 3: Pat Example (other relative)" in problem.hint
