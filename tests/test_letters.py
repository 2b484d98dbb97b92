"""Letters: every template renders for every case, figures come from the engine, user
text is escaped, refusals are clear, nothing is overwritten, and what is written validates."""

from __future__ import annotations

import datetime as dt
import io
import shutil
import textwrap
from pathlib import Path

import pytest

from bundler.case.load import split_front_matter
from bundler.case.models import DOCUMENT_ADAPTER, Route
from bundler.case.strict_yaml import parse_yaml
from bundler.case.templates import template_names
from bundler.case.validate import CaseFolder, validate_folder
from bundler.letters import (
    ROAD_MAP,
    LetterError,
    letter_context,
    letter_docx,
    letter_html,
    list_templates,
    new_case,
    render_letter,
    shared_mailbox_warning,
    write_letters,
)
from bundler.register import attendance
from bundler.register.calendar import add_school_days, add_weeks

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "sample_cases"

EXPECTED_TEMPLATES = {
    "attendance-monitoring", "medical-evidence-request", "leave-authorised", "leave-refused",
    "leave-failed-to-return", "leave-not-requested", "initial-concern-invite", "initial-concern-summary",
    "no-response", "no-response-further-absence", "declining-attendance-invite", "support-summary",
    "non-engagement", "contract-invite", "contract-meeting-missed", "contract-not-kept",
    "contract-meeting-rearranged", "notice-to-improve", "penalty-notice-warning", "final-warning",
    "referral-notification", "holiday-warning", "attendance-contract", "attendance-action-plan",
    "hand-delivery-log", "absence-callback-prompt", "pupil-check-in",
}  # fmt: skip

MONDAY = dt.date(2024, 9, 2)


# ----------------------------------------------------------------------- fixture cases


def _register(weeks: int = 14) -> str:
    """Sessions from 2 Sep 2024, weekdays only, with a half-term week off.

    Unauthorised: every Monday of weeks 3-9 (O, both sessions: 14 sessions), a holiday
    (G) on Thursday and Friday of week 11, illness (I) on the Wednesday of weeks 2 and 4.
    """
    rows = ["date,session,code"]
    for w in range(weeks):
        if w == 8:
            continue  # half term
        monday = MONDAY + dt.timedelta(weeks=w)
        for d in range(5):
            day = monday + dt.timedelta(days=d)
            if 2 <= w <= 9 and w != 8 and d == 0:
                codes = ("O", "O")
            elif w == 10 and d in (3, 4):
                codes = ("G", "G")
            elif w in (1, 3) and d == 2:
                codes = ("I", "I")
            else:
                codes = ("/", "\\")
            rows.append(f"{day.isoformat()},AM,{codes[0]}")
            rows.append(f"{day.isoformat()},PM,{codes[1]}")
    return "\n".join(rows) + "\n"


def _case_yaml(
    p1_name: str = "Alex Example", *, p1_email: str = "alex.example@mail.example", risk: bool = False
) -> str:
    return textwrap.dedent(
        f"""\
        case_id: TEST-001
        referral:
          route: penalty_notice
          date: 2024-12-13
          local_authority: Example County Council
          profile: national-2024
          prepared_by: {{name: A. Officer, role: Attendance Officer}}
        school:
          name: Example Primary School
          urn: "123456"
          address: "1 School Lane, Exampletown, ZZ1 1AA"
          attendance_lead: {{name: B. Lead, role: Deputy Headteacher}}
        pupil:
          first_name: Sam
          last_name: Example
          date_of_birth: 2014-05-02
          year_group: 6
          address: "2 Home Road, Exampletown, ZZ1 2BB"
          send: none
          medical_needs: false
          has_social_worker: false
        parents:
          - id: p1
            name: "{p1_name}"
            relationship: mother
            parental_responsibility: true
            lives_with_pupil: true
            address: "2 Home Road, Exampletown, ZZ1 2BB"
            email: {p1_email}
          - id: p2
            name: Jo Example
            relationship: father
            parental_responsibility: true
            lives_with_pupil: false
            address: "9 Other Street, Elsewhere, ZZ9 9ZZ"
          - id: p3
            name: Chris Other
            relationship: stepfather
            parental_responsibility: false
            lives_with_pupil: false
            address_unknown_reason: moved abroad, no forwarding address
            exclude:
              reason: court order prevents contact
        safeguarding:
          considered: true
          notify_parents_would_risk_harm: {"true" if risk else "false"}
          notes: "DSL consulted 2024-10-01."
        """
    )


_DOCUMENTS = {
    "meeting-initial.md": """\
        ---
        type: meeting
        title: Initial concern meeting
        date: 2024-09-24
        kind: initial_concern
        invited: [p1, p2]
        attended: [p1]
        staff: [B. Lead]
        outcome: attended
        actions: [Morning check-in with the learning mentor, "Mother to ring by 08:45 on any day of absence"]
        review_date: 2024-10-22
        ---
        Notes of the meeting.
        """,
    "letter-p1.md": """\
        ---
        type: letter
        title: Attendance concern
        date: 2024-09-20
        to: p1
        served: {method: post_first_class}
        ---
        Dear Alex Example,
        """,
    "support-early-help.md": """\
        ---
        type: support
        title: Early help assessment offered
        date: 2024-10-01
        kind: early_help
        offered_to: [p1, p2]
        status: declined
        ---
        """,
    "contract.md": """\
        ---
        type: contract
        title: Attendance contract
        date: 2024-10-15
        status: agreed
        parents: [p1, p2]
        start: 2024-10-16
        review_date: 2024-11-26
        ---
        """,
    "leave.md": """\
        ---
        type: leave
        title: Leave request refused
        date: 2024-11-01
        parents: [p1, p2]
        start: 2024-11-14
        end: 2024-11-15
        decision: refused
        ---
        """,
}


def make_case(folder: Path, *, documents: bool = True, **case_options) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "case.yaml").write_text(_case_yaml(**case_options), encoding="utf-8")
    (folder / "attendance.csv").write_text(_register(), encoding="utf-8")
    (folder / "documents").mkdir(exist_ok=True)
    if documents:
        for name, text in _DOCUMENTS.items():
            (folder / "documents" / name).write_text(textwrap.dedent(text), encoding="utf-8")
    return folder


def load(folder: Path) -> CaseFolder:
    result = validate_folder(folder)
    assert result.valid, [str(p) for p in result.problems]
    return result.case


def _valid_samples() -> list[Path]:
    if not SAMPLES.is_dir():
        return []
    return [p for p in sorted(SAMPLES.iterdir()) if p.is_dir() and validate_folder(p).valid]


VALID_SAMPLES = _valid_samples()


@pytest.fixture(scope="module")
def rich_case(tmp_path_factory) -> Path:
    return make_case(tmp_path_factory.mktemp("rich") / "TEST-001")


@pytest.fixture(scope="module")
def bare_case(tmp_path_factory) -> Path:
    return make_case(tmp_path_factory.mktemp("bare") / "TEST-001", documents=False)


def _cases(request) -> list[tuple[str, Path]]:
    return [("rich", request.getfixturevalue("rich_case")), ("bare", request.getfixturevalue("bare_case"))] + [
        (p.name, p) for p in VALID_SAMPLES
    ]


def _check_front_matter(text: str, case: CaseFolder) -> dict:
    split = split_front_matter(text)
    assert split is not None, text[:200]
    problems: list = []
    source = parse_yaml(split[0], "letter.md", problems, line_offset=1)
    assert not problems, [str(p) for p in problems]
    meta = DOCUMENT_ADAPTER.validate_python(source.data)
    known = {p.id for p in case.case.parents if not p.excluded}
    assert set(meta.recipients) <= known
    return source.data


# ----------------------------------------------------------------------- templates


def test_template_names_are_the_toolkit():
    assert set(template_names()) == EXPECTED_TEMPLATES
    assert template_names() == sorted(template_names())
    assert template_names() is template_names()  # cached: rule S444-92 calls it per case


def test_every_template_declares_its_metadata():
    templates = list_templates()
    assert {t.name for t in templates} == EXPECTED_TEMPLATES
    # every step of the road map has a template, except step 2 (the school's own policy)
    assert {t.step for t in templates} == set(ROAD_MAP) - {2}
    by_name = {t.name: t for t in templates}
    for t in templates:
        assert t.title and t.purpose.endswith(".")
        assert t.step_name == ROAD_MAP[t.step]
        assert t.type in ("letter", "notice", "plan", "contract", "other")
        assert (t.type == "notice") == (t.notice_kind is not None)
    kinds = {t.notice_kind for t in templates if t.notice_kind}
    assert kinds == {
        "notice_to_improve",
        "penalty_notice_warning",
        "final_warning",
        "notification_of_referral",
        "holiday_warning",
    }
    assert by_name["notice-to-improve"].monitoring_weeks == 6
    assert by_name["penalty-notice-warning"].monitoring_weeks == 3
    assert by_name["final-warning"].monitoring_weeks == 6
    assert by_name["attendance-contract"].type == "contract"
    assert by_name["attendance-action-plan"].type == "plan"
    assert by_name["pupil-check-in"].addressed == "pupil"


@pytest.mark.parametrize("name", sorted(EXPECTED_TEMPLATES))
def test_every_template_renders_for_every_case_and_parent(name, request):
    for label, folder in _cases(request):
        case = load(folder)
        on = case.as_of
        template = next(t for t in list_templates() if t.name == name)
        if template.addressed == "parent":
            targets = [p.id for p in case.case.parents if not p.excluded]
        else:
            targets = [None]
        for pid in targets:
            parent = case.case.parent(pid) if pid else None
            serve = None
            if template.served:
                serve = "post_first_class" if parent.address else "hand"
            letter = render_letter(case, name, pid, on, serve)
            assert "Undefined" not in letter.text, (label, pid)
            data = _check_front_matter(letter.text, case)
            assert data["template"] == name
            assert data["date"] == on.isoformat()  # the loader keeps dates as text for the models
            if template.served:
                assert data["to"] == pid and data["served"]["method"] == serve
                assert parent.name in letter.body
            assert case.case.school.name in letter.body
            assert letter.filename.startswith(on.isoformat() + "-" + name)


# ----------------------------------------------------------------------- figures and dates


def test_add_school_days_skips_weekends_and_holidays():
    friday = dt.date(2025, 1, 31)
    assert add_school_days(friday, 1) == dt.date(2025, 2, 3)
    assert add_school_days(friday, 5) == dt.date(2025, 2, 7)
    assert add_school_days(friday, 1, holidays=[dt.date(2025, 2, 3)]) == dt.date(2025, 2, 4)
    assert add_school_days(dt.date(2025, 2, 1), 0) == dt.date(2025, 2, 3)  # Saturday -> Monday
    assert add_school_days(dt.date(2025, 2, 3), 0) == dt.date(2025, 2, 3)
    assert add_weeks(dt.date(2025, 2, 3), 6) == dt.date(2025, 3, 17)
    with pytest.raises(ValueError):
        add_school_days(friday, -1)


def test_letter_figures_come_from_the_engine(rich_case):
    case = load(rich_case)
    on = dt.date(2024, 12, 2)
    summary = attendance.summarise(case.register, start=dt.date(2024, 9, 1), end=on)
    context = letter_context(case, "p1", on)
    figures = context["attendance"]
    assert figures["possible"] == summary.possible
    assert figures["missed"] == summary.sessions_missed
    assert figures["unauthorised"] == summary.unauthorised
    assert figures["days_lost"] == summary.days_lost
    tenths = summary.attended * 1000 // summary.possible
    assert figures["pct"] == f"{tenths // 10}.{tenths % 10}%"
    windows = attendance.threshold_windows(case.register, start=dt.date(2024, 8, 19), end=on)
    assert context["window"]["met"] and context["window"]["unauthorised"] == windows[-1].unauthorised
    assert context["window"]["first_day"] == windows[-1].first_day
    assert context["illness"]["sessions"] == summary.by_code["I"]

    letter = render_letter(case, "declining-attendance-invite", "p1", on, "post_first_class")
    assert figures["pct"] in letter.body
    assert f"{summary.sessions_missed} sessions" in letter.body
    assert f"{windows[-1].unauthorised} unauthorised sessions" in letter.body
    meeting = add_school_days(on, 5)
    assert f"{meeting:%A} {meeting.day} {meeting:%B %Y}" in letter.body


def test_percentages_are_never_rounded_up_over_a_threshold():
    from bundler.figures import percent

    assert percent(8996, 10000) == "89.9%"
    assert percent(9, 10) == "90.0%"
    assert percent(1, 0, none="not yet measurable") == "not yet measurable"


def test_notice_improvement_period_and_front_matter(rich_case):
    case = load(rich_case)
    on = dt.date(2024, 10, 28)
    letter = render_letter(case, "notice-to-improve", "p2", on, "hand")
    data = _check_front_matter(letter.text, case)
    assert data["type"] == "notice" and data["kind"] == "notice_to_improve"
    assert data["monitoring_weeks"] == 6
    assert data["served"] == {"method": "hand"}
    assert "from 28 October 2024 to 9 December 2024" in letter.body
    assert "# recipient: p2" in letter.text  # the staff fill in the hand-delivery details

    shorter = render_letter(case, "notice-to-improve", "p2", on, "hand", monitoring_weeks=4)
    assert "from 28 October 2024 to 25 November 2024" in shorter.body
    with pytest.raises(LetterError, match="3 to 6 weeks, not 8"):
        render_letter(case, "notice-to-improve", "p2", on, "hand", monitoring_weeks=8)
    with pytest.raises(LetterError, match="no monitoring period"):
        render_letter(case, "attendance-monitoring", "p2", on, "hand", monitoring_weeks=4)


def test_inputs_fill_the_letter_or_leave_a_placeholder(rich_case):
    case = load(rich_case)
    on = dt.date(2024, 10, 28)
    bare = render_letter(case, "initial-concern-invite", "p1", on, "post_first_class")
    assert "[time of the meeting]" in bare.body
    filled = render_letter(
        case, "initial-concern-invite", "p1", on, "post_first_class",
        inputs={"meeting_time": "15:30", "meeting_date": dt.date(2024, 11, 6)},
    )  # fmt: skip
    assert "Wednesday 6 November 2024 at 15:30" in filled.body
    with pytest.raises(LetterError, match="has no blank called colour"):
        render_letter(case, "initial-concern-invite", "p1", on, inputs={"colour": "red"})


def test_leave_letters_use_the_right_record(tmp_path, rich_case, bare_case):
    on = dt.date(2024, 12, 2)
    rich = load(rich_case)
    refused = render_letter(rich, "leave-refused", "p1", on, "post_first_class")
    assert "from Thursday 14 November 2024 to Friday 15 November 2024" in refused.body
    # the only record is a refused request: an authorised-leave letter must not reuse its dates
    authorised = render_letter(rich, "leave-authorised", "p1", on, "post_first_class")
    assert "[first day of the absence]" in authorised.body
    given = render_letter(
        rich, "leave-authorised", "p1", on, "post_first_class",
        inputs={"leave_start": dt.date(2025, 1, 6), "leave_end": dt.date(2025, 1, 7), "reason": "a family funeral"},
    )  # fmt: skip
    assert "from **Monday 6 January 2025** to **Tuesday 7 January 2025**" in given.body
    assert "back in school on **Wednesday 8 January 2025**" in given.body
    assert "a family funeral" in given.body
    # no leave record of its own: the register's last run of G marks (holiday not authorised)
    bare = load(bare_case)
    taken = render_letter(bare, "leave-not-requested", "p1", on, "post_first_class")
    assert "from Thursday 14 November 2024 to Friday 15 November 2024" in taken.body
    with pytest.raises(LetterError, match="leave_start: .soon. is not a date"):
        render_letter(bare, "leave-refused", "p1", on, inputs={"leave_start": "soon"})


# ----------------------------------------------------------------------- escaping


def test_user_text_from_case_yaml_is_escaped(tmp_path):
    folder = make_case(tmp_path / "TEST-001", p1_name="<script>alert(1)</script>")
    case = load(folder)
    for name in ("attendance-monitoring", "attendance-contract", "hand-delivery-log"):
        letter = render_letter(case, name, "p1" if name != "attendance-contract" else None, dt.date(2024, 12, 2))
        assert "<script>" not in letter.body
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in letter.body
        assert "<script>" not in letter_html(letter)


def test_markdown_in_user_text_makes_no_link_or_emphasis(tmp_path):
    case = load(make_case(tmp_path / "TEST-001", p1_name="[click](javascript:alert(1)) *Alex* | Example_Name"))
    letter = render_letter(case, "attendance-monitoring", "p1", dt.date(2024, 12, 2), "post_first_class")
    page = letter_html(letter)
    assert "<a " not in page and "<em>Alex</em>" not in page
    assert "[click](javascript:alert(1)) *Alex* | Example_Name" in page  # reads as written
    plan = render_letter(case, "attendance-action-plan", None, dt.date(2024, 12, 2))
    assert "<td>[click](javascript:alert(1)) *Alex* | Example_Name (mother" in letter_html(plan)  # one cell, not split


# ----------------------------------------------------------------------- service and refusals


def test_excluded_parent_is_refused_with_the_reason(rich_case):
    case = load(rich_case)
    with pytest.raises(LetterError, match=r"Chris Other \(p3\) is excluded.*court order prevents contact"):
        render_letter(case, "attendance-monitoring", "p3", dt.date(2024, 12, 2), "hand")
    with pytest.raises(LetterError, match="court order"):
        render_letter(case, "attendance-contract", None, dt.date(2024, 12, 2), parent_ids=["p1", "p3"])


def test_unknown_parent_lists_the_known_ones(rich_case):
    case = load(rich_case)
    with pytest.raises(LetterError, match=r"'p9' is not a parent.*p1 \(Alex Example\), p2 \(Jo Example\)"):
        render_letter(case, "attendance-monitoring", "p9", dt.date(2024, 12, 2))


def test_unknown_template_is_refused(rich_case):
    case = load(rich_case)
    with pytest.raises(LetterError, match="did you mean 'notice-to-improve'"):
        render_letter(case, "notice-to-improv", "p1", dt.date(2024, 12, 2))


def test_post_needs_an_address_and_email_needs_the_parents_own(tmp_path):
    folder = make_case(tmp_path / "TEST-001")
    text = (folder / "case.yaml").read_text(encoding="utf-8")
    text = text.replace(
        '    address: "9 Other Street, Elsewhere, ZZ9 9ZZ"\n', "    address_unknown_reason: of no fixed abode\n"
    )
    (folder / "case.yaml").write_text(text, encoding="utf-8")
    case = load(folder)
    on = dt.date(2024, 12, 2)
    with pytest.raises(LetterError, match=r"Jo Example \(p2\) has no postal address.*of no fixed abode"):
        render_letter(case, "attendance-monitoring", "p2", on, "post_first_class")
    with pytest.raises(LetterError, match=r"no postal address"):
        render_letter(case, "notice-to-improve", "p2", on, "recorded_delivery")
    with pytest.raises(LetterError, match=r"Jo Example \(p2\) has no email address of their own"):
        render_letter(case, "attendance-monitoring", "p2", on, "email")
    handed = render_letter(case, "attendance-monitoring", "p2", on, "hand")  # by hand needs no address
    assert handed.front_matter["served"] == {"method": "hand"}
    emailed = render_letter(case, "attendance-monitoring", "p1", on, "email")
    data = _check_front_matter(emailed.text, case)
    assert data["type"] == "email"
    assert data["served"] == {"method": "email", "address": "alex.example@mail.example"}
    assert emailed.warnings == []
    with pytest.raises(LetterError, match="not a way to serve"):
        render_letter(case, "attendance-monitoring", "p1", on, "carrier_pigeon")
    with pytest.raises(LetterError, match="not served on a parent"):
        render_letter(case, "hand-delivery-log", "p1", on, "post_first_class")


def test_household_mailbox_gets_a_warning(tmp_path):
    folder = make_case(tmp_path / "TEST-001", p1_email="the.example.family@mail.example")
    case = load(folder)
    letter = render_letter(case, "attendance-monitoring", "p1", dt.date(2024, 12, 2), "email")
    assert len(letter.warnings) == 1
    assert "the.example.family@mail.example looks shared by the household" in letter.warnings[0]
    assert "contains 'family'" in letter.warnings[0]
    p1, p2 = case.case.parents[0], case.case.parents[1].model_copy(update={"email": "alex.example@mail.example"})
    both = shared_mailbox_warning(
        "alex.example@mail.example", [p1.model_copy(update={"email": "alex.example@mail.example"}), p2]
    )
    assert both and "Alex Example (p1) and Jo Example (p2)" in both
    assert (
        shared_mailbox_warning(
            "alex.example@mail.example", [p1.model_copy(update={"email": "alex.example@mail.example"})]
        )
        is None
    )


def test_notice_by_email_and_second_class_post_warn(rich_case):
    case = load(rich_case)
    on = dt.date(2024, 10, 28)
    notice = render_letter(case, "notice-to-improve", "p1", on, "email")
    assert any("S444-35" in w for w in notice.warnings)
    second = render_letter(case, "attendance-monitoring", "p2", on, "post_second_class")
    assert any("S444-34" in w for w in second.warnings)
    late = render_letter(case, "attendance-monitoring", "p2", dt.date(2024, 12, 16), "post_first_class")
    assert any("S444-90" in w for w in late.warnings)


def test_referral_notification_refused_where_telling_would_risk_harm(tmp_path):
    case = load(make_case(tmp_path / "TEST-001", risk=True))
    with pytest.raises(LetterError, match="risk of harm"):
        render_letter(case, "referral-notification", "p1", dt.date(2024, 12, 2), "post_first_class")


# ----------------------------------------------------------------------- writing


def test_written_letters_validate_and_name_a_known_template(tmp_path, rich_case):
    folder = tmp_path / "case"
    shutil.copytree(rich_case, folder)
    on = dt.date(2024, 12, 2)
    written = write_letters(
        folder, "notice-to-improve", all_parents=True, on=on, serve="post_first_class", monitoring_weeks=3
    )
    assert [w.path.name for w in written] == [
        "2024-12-02-notice-to-improve-p1.md",
        "2024-12-02-notice-to-improve-p2.md",
    ]
    written += write_letters(folder, "attendance-action-plan", on=on, all_parents=True)
    written += write_letters(folder, "pupil-check-in", on=on)
    written += write_letters(folder, "attendance-monitoring", ["p1"], on=on, serve="email")
    case = load(folder)
    docs = {Path(d.path).name: d for d in case.documents}
    for w in written:
        doc = docs[w.path.name]
        assert doc.meta.template in template_names()
    assert docs["2024-12-02-notice-to-improve-p2.md"].meta.monitoring_weeks == 3
    assert docs["2024-12-02-attendance-action-plan.md"].meta.parents == ["p1", "p2"]
    assert docs["2024-12-02-attendance-monitoring-p1.md"].meta.type == "email"


def test_existing_file_is_not_overwritten(tmp_path, rich_case):
    folder = tmp_path / "case"
    shutil.copytree(rich_case, folder)
    on = dt.date(2024, 12, 2)
    first = write_letters(folder, "attendance-monitoring", ["p1"], on=on, serve="post_first_class")
    original = first[0].path.read_text(encoding="utf-8")
    with pytest.raises(LetterError, match="already exists"):
        write_letters(folder, "attendance-monitoring", ["p2", "p1"], on=on, serve="hand")
    assert first[0].path.read_text(encoding="utf-8") == original
    assert not (folder / "documents" / "2024-12-02-attendance-monitoring-p2.md").exists()  # nothing half-written


def test_one_refusal_writes_nothing(tmp_path, rich_case):
    folder = tmp_path / "case"
    shutil.copytree(rich_case, folder)
    before = sorted(p.name for p in (folder / "documents").iterdir())
    with pytest.raises(LetterError, match=r"Jo Example \(p2\) has no email"):
        write_letters(folder, "attendance-monitoring", all_parents=True, on=dt.date(2024, 12, 2), serve="email")
    with pytest.raises(LetterError, match="excluded"):
        write_letters(folder, "attendance-monitoring", ["p1", "p3"], on=dt.date(2024, 12, 2), serve="hand")
    with pytest.raises(LetterError, match="name a parent"):
        write_letters(folder, "attendance-monitoring", on=dt.date(2024, 12, 2))
    with pytest.raises(LetterError, match="not both"):
        write_letters(folder, "attendance-monitoring", ["p1"], all_parents=True, on=dt.date(2024, 12, 2))
    with pytest.raises(LetterError, match="inside"):
        write_letters(
            folder, "attendance-monitoring", ["p1"], on=dt.date(2024, 12, 2), docx_dir=folder / "documents" / "word"
        )
    assert sorted(p.name for p in (folder / "documents").iterdir()) == before


def test_invalid_case_is_refused(tmp_path, rich_case):
    folder = tmp_path / "case"
    shutil.copytree(rich_case, folder)
    (folder / "attendance.csv").write_text("date,session,code\n2024-09-02,AM,ZZ\n", encoding="utf-8")
    with pytest.raises(LetterError, match="does not validate"):
        write_letters(folder, "attendance-monitoring", ["p1"], on=dt.date(2024, 12, 2))


def test_docx_has_the_school_in_the_header(tmp_path, rich_case):
    import docx

    folder = tmp_path / "case"
    shutil.copytree(rich_case, folder)
    out = tmp_path / "word"
    written = write_letters(
        folder, "notice-to-improve", ["p1"], on=dt.date(2024, 10, 28), serve="post_first_class", docx_dir=out
    )
    assert written[0].docx == out / "2024-10-28-notice-to-improve-p1.docx"
    document = docx.Document(str(written[0].docx))
    header = "\n".join(p.text for p in document.sections[0].header.paragraphs)
    assert "Example Primary School" in header
    assert "1 School Lane, Exampletown, ZZ1 1AA" in header
    body = "\n".join(p.text for p in document.paragraphs)
    assert "Notice to improve" in body
    assert "Dear Alex Example," in body
    assert "from 28 October 2024 to 9 December 2024" in body
    assert "Example Primary School\n1 School Lane" not in body  # the school block moved to the header
    assert document.tables  # the threshold sessions


def test_docx_unescapes_user_text(tmp_path):
    import docx

    case = load(make_case(tmp_path / "TEST-001", p1_name="Alex O'Brien & Co"))
    letter = render_letter(case, "attendance-monitoring", "p1", dt.date(2024, 12, 2), "post_first_class")
    assert "O'Brien &amp; Co" in letter.body
    document = docx.Document(io.BytesIO(letter_docx(letter)))
    assert "Dear Alex O'Brien & Co," in [p.text for p in document.paragraphs]


@pytest.mark.slow
def test_pdf_reads_back(tmp_path, rich_case):
    from pypdf import PdfReader

    folder = tmp_path / "case"
    shutil.copytree(rich_case, folder)
    written = write_letters(
        folder,
        "attendance-monitoring",
        ["p2"],
        on=dt.date(2024, 12, 2),
        serve="post_first_class",
        pdf_dir=tmp_path / "pdf",
    )
    text = PdfReader(str(written[0].pdf)).pages[0].extract_text()
    assert "Example Primary School" in text
    assert "Dear Jo Example," in text


# ----------------------------------------------------------------------- new case


@pytest.mark.parametrize("route", [r.value for r in Route])
def test_new_case_skeleton_validates(tmp_path, route):
    folder = new_case(tmp_path / "NEW-1", route, today=dt.date(2025, 2, 3))
    result = validate_folder(folder)
    assert result.valid, [str(p) for p in result.problems]
    assert result.case.case.referral.route == route
    assert result.case.case.case_id == "NEW-1"
    assert "# " in (folder / "case.yaml").read_text(encoding="utf-8")  # commented
    assert [d.meta.template for d in result.case.documents] == ["attendance-monitoring"]
    # the skeleton's example letter names a template that exists, and letters can be written into it
    written = write_letters(
        folder, "attendance-monitoring", all_parents=True, on=dt.date(2025, 2, 3), serve="post_first_class"
    )
    assert len(written) == 2 and validate_folder(folder).valid


def test_new_case_refuses_a_folder_in_use_and_an_unknown_route(tmp_path):
    (tmp_path / "used").mkdir()
    (tmp_path / "used" / "notes.txt").write_text("x", encoding="utf-8")
    with pytest.raises(LetterError, match="not empty"):
        new_case(tmp_path / "used", "penalty_notice")
    with pytest.raises(LetterError, match="'fine' is not a route"):
        new_case(tmp_path / "new", "fine")
    with pytest.raises(LetterError, match="not a case id"):
        new_case(tmp_path / "new", "penalty_notice", case_id="bad id")
    (tmp_path / "empty").mkdir()
    assert new_case(tmp_path / "empty", "penalty_notice", case_id="X-1").is_dir()


def test_no_template_leaves_a_line_break_inside_a_paragraph() -> None:
    """Line breaks are kept as written (an address block reads as one), so a template's
    paragraph must be one line of Markdown, or its letter would break mid-sentence."""
    from bundler import api
    from bundler.present.markdown import parser

    case = api.validate(Path(__file__).resolve().parent.parent / "sample_cases" / "EX-2025-001").case
    broken = []
    for template in api.list_templates():
        for pid in ("p1", "p2"):
            letter = api.render_letter(case, template.name, pid, dt.date(2025, 3, 3))
            for token in parser().parse(letter.body):
                if token.type == "inline" and any(c.type == "softbreak" for c in token.children or []):
                    broken.append((template.name, pid, token.content[:60]))
    assert broken == []
