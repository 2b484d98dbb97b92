"""Letters ready to post: every blank a template leaves is declared and listed by
``bundler templates NAME``, ``--set`` fills it, a letter written with blanks left says so;
dates a letter sets are school days (weekends, ``school.holidays`` and the register's
closed days skipped); a letter says nothing about the register past its last session;
the letterhead carries the school's telephone and email; ``--date`` defaults to today.

The cases are the READY base case of ``builder.py`` (``case`` fixture), edited.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from bundler import api
from bundler.case.validate import validate_folder
from bundler.checklist.s9_bundle import TEMPLATE_BLANK
from bundler.cli import main
from bundler.letters import CASE_BLANKS, list_templates, render_letter

D = dt.date.fromisoformat


def run(*args: str, columns: int = 80):
    return CliRunner().invoke(main, list(args), catch_exceptions=False, env={"COLUMNS": str(columns)})


def _load(folder: Path):
    result = validate_folder(folder)
    assert result.valid, [str(p) for p in result.problems]
    return result.case


def _render(case_folder, name: str, on: dt.date, **options):
    t = api.get_template(name)
    parent = "p1" if t.addressed == "parent" else None
    return render_letter(case_folder, name, parent, on, **options)


# ----------------------------------------------------------------------- every blank declared


def _bare(case) -> Path:
    """The base case with no documents or events: every record a letter might quote is missing."""
    case.docs.clear()
    case.events.clear()
    return case.write()


@pytest.mark.parametrize("bare", [False, True], ids=["full case", "bare case"])
def test_every_blank_a_template_leaves_is_declared(case, bare):
    """Render every template for a full case and a bare one: each blank left is an
    input's blank (which --set fills) or a case blank of one of the template's needs."""
    folder = _load(_bare(case) if bare else case.write())
    for t in list_templates():
        letter = _render(folder, t.name, D("2025-03-03"))
        declared = {i.blank for i in t.inputs} | {
            f"[{label}]" for need in t.needs for label in CASE_BLANKS.get(need, {})
        }
        found = [m.group(0) for line in letter.body.splitlines() for m in TEMPLATE_BLANK.finditer(line)]
        undeclared = sorted(set(found) - declared)
        assert not undeclared, f"{t.name} leaves blanks it does not declare: {undeclared}"
        # the letter lists each of them, at its line in the written file
        assert [b.text for b in letter.blanks] == found
        lines = letter.text.splitlines()
        for blank in letter.blanks:
            assert blank.text in lines[blank.line - 1], (t.name, blank)
        # no bracketed note to staff escapes S444-93 by starting with a capital letter
        assert not re.search(r"(?<![\\!])\[[A-Z][^\]\n]*\](?![(\[:])", letter.body), t.name


def test_filling_every_input_leaves_no_blank_for_a_full_case(case):
    folder = _load(case.write())
    for t in list_templates():
        values = {i.name: ("2025-03-04" if i.type == "date" else f"value {i.name.replace('_', ' ')}") for i in t.inputs}
        letter = _render(folder, t.name, D("2025-03-03"), inputs=values)
        inputs_left = [b for b in letter.blanks if b.input is not None]
        assert not inputs_left, (t.name, inputs_left)
        for name, value in values.items():
            if not value.startswith("2025"):
                assert value in letter.body or name in ("decisions", "agreed", "since_letter"), (t.name, name)


# ----------------------------------------------------------------------- bundler templates NAME


def test_templates_name_lists_every_blank_with_its_description():
    result = run("templates", "attendance-contract", columns=250)
    assert result.exit_code == 0, result.output
    text = result.output
    t = api.get_template("attendance-contract")
    assert len(t.inputs) >= 8
    for i in t.inputs:
        assert i.name in text
        assert re.search(rf"│ {i.name} +│ {re.escape(i.blank)} +│ {re.escape(i.about)} +│", text), i.name
    assert "--set NAME=VALUE" in text
    assert "review_date" in text  # a date it works out, which --set may change
    # where the case lacks the record, what to add
    follow_up = run("templates", "no-response", columns=250).output
    assert "[date of our last letter]" in follow_up and "documents/" in follow_up
    unknown = run("templates", "no-such-letter")
    assert unknown.exit_code == 2 and "no letter template 'no-such-letter'" in unknown.output


# ----------------------------------------------------------------------- --set and the report


def test_set_fills_blanks_and_the_rest_are_reported_on_stdout(case, tmp_path):
    folder = case.write()
    result = run(
        "letter", "contract-invite", str(folder), "--parent", "p1", "--date", "2025-03-03",
        "--serve", "post_first_class", "--pdf", str(tmp_path / "pdf"),
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    written = folder / "documents" / "2025-03-03-contract-invite-p1.md"
    assert "NOT READY TO SEND: 1 blank left to fill" in result.output
    line = next(n for n, text in enumerate(written.read_text().splitlines(), 1) if "[time of the meeting]" in text)
    assert f"{written.name}:{line}: [time of the meeting] (--set meeting_time=...)" in result.output
    # the checklist fails the case while the blank is there (S444-93)
    check = api.check(folder)
    assert "S444-93" in check.result.failing_rules

    written.unlink()
    filled = run(
        "letter", "contract-invite", str(folder), "--parent", "p1", "--date", "2025-03-03",
        "--serve", "post_first_class", "--set", "meeting_time=3:30pm", "--set", "meeting_place=the library",
        "--set", "meeting_date=2025-03-12",
    )  # fmt: skip
    assert filled.exit_code == 0, filled.output
    assert "NOT READY" not in filled.output and "left to fill" not in filled.output
    text = written.read_text()
    assert "**Wednesday 12 March 2025 at 3:30pm**, at the library" in text
    assert not TEMPLATE_BLANK.search(text)
    assert "S444-93" not in api.check(folder).result.failing_rules


def test_set_refuses_what_the_template_does_not_take(case):
    folder = case.write()
    base = ("letter", "contract-invite", str(folder), "--parent", "p1", "--date", "2025-03-03")
    unknown = run(*base, "--set", "meeting_tme=3pm")
    assert unknown.exit_code == 2
    assert "no blank called meeting_tme (did you mean meeting_time?)" in unknown.output
    assert "bundler templates contract-invite" in unknown.output
    not_pair = run(*base, "--set", "3pm")
    assert not_pair.exit_code == 2 and "'3pm' is not NAME=VALUE" in not_pair.output
    bad_date = run(*base, "--set", "meeting_date=12/03/2025")
    assert bad_date.exit_code == 2 and "meeting_date: '12/03/2025' is not a date (write YYYY-MM-DD" in bad_date.output
    assert not list((folder / "documents").glob("*contract-invite*"))


def test_set_text_is_escaped_like_case_text(case):
    letter = _render(_load(case.write()), "contract-invite", D("2025-03-03"), inputs={"meeting_time": "[3pm](x) <b>"})
    assert "\\[3pm\\](x) &lt;b&gt;" in letter.body
    assert api.markdown_html(letter.body).count("<a ") == 0


def test_date_defaults_to_today(case):
    folder = case.write()
    result = run("letter", "attendance-monitoring", str(folder), "--parent", "p2")
    assert result.exit_code == 0, result.output
    today = dt.date.today()
    written = folder / "documents" / f"{today.isoformat()}-attendance-monitoring-p2.md"
    assert written.is_file(), result.output
    assert f"date: {today.isoformat()}" in written.read_text()


# ----------------------------------------------------------------------- school days


def test_a_meeting_is_never_set_in_a_half_term(case):
    """A letter dated the Monday before half-term: five school days on is not the half-term
    Monday. The register stops before the half-term, so only school.holidays can say so."""
    case.keep_marks(lambda day, session: day <= D("2025-02-07"))
    case.remove_docs(lambda meta: meta["date"] > D("2025-02-07"))
    case.case["referral"]["date"] = D("2025-02-14")
    on = D("2025-02-10")  # Monday; half-term is 17-21 February
    plain = _render(_load(case.write()), "initial-concern-invite", on)
    assert "Monday 17 February 2025" in plain.body  # what the calendar alone gives
    case.case["school"]["holidays"] = [{"start": D("2025-02-17"), "end": D("2025-02-21"), "name": "February half-term"}]
    folder = _load(case.write())
    invite = _render(folder, "initial-concern-invite", on)
    assert "**Monday 24 February 2025 at [time of the meeting]**" in invite.body
    assert "February 2025" in invite.body and "17 February" not in invite.body
    reply = _render(folder, "medical-evidence-request", on)  # reply_by: ten school days
    assert "**Monday 3 March 2025**" in reply.body
    # a date the school sets in the holiday is written as asked, with a warning
    chosen = _render(folder, "initial-concern-invite", on, inputs={"meeting_date": "2025-02-18"})
    assert "Tuesday 18 February 2025" in chosen.body
    assert any("meeting_date is Tuesday 18 February 2025, when the school is closed" in w for w in chosen.warnings)


def test_the_registers_closed_days_count_as_holidays(case):
    """A letter dated inside the register: the weekdays it shows closed are skipped too."""
    folder = _load(case.write())  # the base register has no sessions 17-21 February
    invite = _render(folder, "initial-concern-invite", D("2025-02-12"))
    # 13, 14 February, then 24, 25, 26 February
    assert "Wednesday 26 February 2025" in invite.body


# ----------------------------------------------------------------------- the register's end


def test_a_follow_up_says_up_to_the_registers_last_session(case):
    """The register ends on Wednesday 5 March; the letter is dated Friday 7 March."""
    case.keep_marks(lambda day, session: day <= D("2025-03-05"))
    case.set_marks("2025-03-03", "/", sessions=("AM",))
    case.set_marks("2025-03-03", "\\", sessions=("PM",))
    folder = _load(case.write())
    letter = _render(folder, "no-response", D("2025-03-07"))
    assert "has not missed any sessions since that letter, up to 5 March 2025." in letter.body
    assert "So far this school year, up to 5 March 2025," in letter.body
    assert "7 March 2025" in letter.body  # the letter's own date, in the letterhead only
    assert letter.body.count("7 March 2025") == 1
    further = _render(folder, "no-response-further-absence", D("2025-03-07"))
    assert "no further absence since that letter, up to 5 March 2025" in further.body


def test_a_follow_up_claims_nothing_when_the_register_stops_at_the_last_letter(case):
    """The last letter to p1 is dated 28 February, the register's last session: nothing is
    known about attendance since, so the letter leaves that to the school."""
    case.keep_marks(lambda day, session: day <= D("2025-02-28"))
    letter = _render(_load(case.write()), "no-response", D("2025-03-07"))
    assert "has not missed any sessions" not in letter.body
    assert "[attendance since that letter]" in letter.body
    assert [b.input for b in letter.blanks] == ["since_letter"]
    filled = _render(
        _load(case.write()), "no-response", D("2025-03-07"),
        inputs={"since_letter": "We have not yet had a school day since that letter."},
    )  # fmt: skip
    assert "We have not yet had a school day since that letter." in filled.body
    assert not filled.blanks


def test_a_follow_up_with_absence_since_points_staff_to_the_other_letter(case):
    letter = _render(_load(case.write()), "no-response", D("2025-03-07"))  # Monday 3 March is O
    assert "has not missed any sessions" not in letter.body
    [blank] = letter.blanks
    assert blank.text == "[note for staff: absence since that letter; use no-response-further-absence]"
    assert "no-response-further-absence letter instead" in blank.hint


# ----------------------------------------------------------------------- the letterhead


def test_the_letterhead_gives_the_schools_telephone_and_email(case):
    plain = _render(_load(case.write()), "attendance-monitoring", D("2025-03-03"))
    assert "Telephone" not in plain.body
    case.case["school"]["phone"] = "07700 900100"
    case.case["school"]["email"] = "office@exampletown.example"
    letter = _render(_load(case.write()), "attendance-monitoring", D("2025-03-03"))
    assert (
        "Academy Way, Exampletown, ZZ1 1AA  \nTelephone 07700 900100 · Email office@exampletown.example\n"
        in letter.body
    )
    html = api.letter_html(letter)
    assert "Telephone 07700 900100 · Email office@exampletown.example" in html
    import io

    import docx

    header = docx.Document(io.BytesIO(api.letter_docx(letter))).sections[0].header
    assert "Telephone 07700 900100 · Email office@exampletown.example" in [p.text for p in header.paragraphs]
    case.case["school"].pop("email")
    only_phone = _render(_load(case.write()), "attendance-monitoring", D("2025-03-03"))
    assert "ZZ1 1AA  \nTelephone 07700 900100\n" in only_phone.body


def test_a_planned_closure_in_the_register_is_not_a_meeting_day(case):
    """Both sessions of Wednesday 26 February marked # (planned school closure)."""
    case.set_marks("2025-02-26", "#")
    invite = _render(_load(case.write()), "initial-concern-invite", D("2025-02-12"))
    # 13, 14 February, then 24, 25 and (26 closed) 27 February
    assert "Thursday 27 February 2025" in invite.body
