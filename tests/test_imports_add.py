"""``bundler add`` and the Outlook reader: documents are copied into a case with a
sidecar that validates, proposed from an email's headers (the right parent, the
service, the read receipt), never overwriting anything; .msg files read into standard
email messages, and a damaged one is a validation problem."""

from __future__ import annotations

import datetime as dt
import importlib.util
import shutil
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from bundler import api
from bundler.case.outlook import MsgError, MsgLimits, read_msg
from bundler.cli import main
from bundler.imports.common import ImportFailed

FIXTURES = Path(__file__).parent / "fixtures" / "imports"
ROOT = Path(__file__).resolve().parent.parent


def _writer():
    spec = importlib.util.spec_from_file_location("make_msg_fixture", ROOT / "scripts" / "make_msg_fixture.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def folder(tmp_path) -> Path:
    api.import_ctf(FIXTURES / "ctf-three-years.xml", tmp_path / "EX-ADD", referral_date=dt.date(2024, 12, 2))
    return tmp_path / "EX-ADD"


def _sidecar(folder: Path, name: str) -> str:
    return (folder / "documents" / f"{name}.yaml").read_text()


def test_an_eml_to_a_parent_is_proposed_as_an_email_served_on_that_parent(folder):
    added = api.add_documents([FIXTURES / "email-to-p1.eml"], folder)
    meta = added[0].meta
    assert (meta["type"], meta["to"], meta["date"]) == ("email", "p1", dt.date(2024, 11, 4))
    assert meta["title"] == "Attendance concern - invitation to meeting"
    assert meta["served"] == {
        "method": "email",
        "address": "alex.example@mail.example",
        "sent_at": dt.datetime(2024, 11, 4, 10, 2),
        "read_receipt": "requested",
    }
    assert (folder / "documents" / "email-to-p1.eml").read_bytes() == (FIXTURES / "email-to-p1.eml").read_bytes()
    assert "sent_at: 2024-11-04T10:02" in _sidecar(folder, "email-to-p1.eml")
    assert api.validate(folder).valid
    check = api.check(folder)
    s31 = [f for f in check.result.findings if f.rule == "S444-31"]
    assert s31 and all(f.status.value == "pass" for f in s31)


def test_a_msg_to_the_other_parent_is_proposed_for_them(folder):
    added = api.add_documents([FIXTURES / "email-to-p2.msg"], folder)
    meta = added[0].meta
    assert (meta["type"], meta["to"]) == ("email", "p2")
    assert meta["served"]["address"] == "jo.sample@post.example"
    assert meta["served"]["read_receipt"] == "requested"  # PR_READ_RECEIPT_REQUESTED in the .msg
    assert meta["served"]["sent_at"] == dt.datetime(2024, 11, 4, 10, 2)
    assert api.validate(folder).valid


def test_summer_time_is_converted_to_uk_local_time(folder, tmp_path):
    eml = tmp_path / "summer.eml"
    eml.write_bytes(
        (FIXTURES / "email-to-p1.eml")
        .read_bytes()
        .replace(b"Mon, 04 Nov 2024 10:02:00 +0000", b"Tue, 02 Jul 2024 23:30:00 +0000")
    )
    meta = api.add_documents([eml], folder)[0].meta
    assert meta["date"] == dt.date(2024, 7, 3)  # 00:30 on 3 July in British Summer Time
    assert meta["served"]["sent_at"] == dt.datetime(2024, 7, 3, 0, 30)


def test_an_email_to_an_address_two_parents_share_names_no_parent(folder, tmp_path):
    case = folder / "case.yaml"
    case.write_text(case.read_text().replace("jo.sample@post.example", "alex.example@mail.example"))
    with pytest.raises(ImportFailed) as info:
        api.add_documents([FIXTURES / "email-to-p1.eml"], folder)
    assert "to: is required but missing" in str(info.value)
    assert "sent to the recorded addresses of p1 and p2" in _notes_of(folder, FIXTURES / "email-to-p1.eml")
    assert not (folder / "documents").exists()
    added = api.add_documents([FIXTURES / "email-to-p1.eml"], folder, {"to": "p2"})
    assert added[0].meta["served"]["address"] == "alex.example@mail.example"


def _notes_of(folder, path):
    from bundler.imports.propose import parse_email, propose

    from_case = api.validate(folder)
    parents = [p.model_dump() for p in from_case.case.case.parents] if from_case.case else []
    return " ".join(propose(parse_email(path.read_bytes(), str(path), path.suffix), parents).notes)


def test_an_email_from_a_parent_is_not_a_document_served_on_them(folder, tmp_path):
    eml = tmp_path / "reply.eml"
    eml.write_text(
        "From: Alex Example <alex.example@mail.example>\r\nTo: B. Lead <b.lead@school.example>\r\n"
        "Subject: Re: attendance\r\nDate: Tue, 05 Nov 2024 08:00:00 +0000\r\n\r\nSam was ill.\r\n"
    )
    meta = api.add_documents([eml], folder)[0].meta
    assert meta["type"] == "other" and "to" not in meta and "served" not in meta
    assert api.validate(folder).valid


def test_options_make_the_sidecar_of_a_scanned_letter(folder, tmp_path):
    scan = tmp_path / "letter-p2.pdf"
    shutil.copy(
        ROOT
        / "sample_cases"
        / "EX-2025-001"
        / "documents"
        / next(p.name for p in (ROOT / "sample_cases" / "EX-2025-001" / "documents").iterdir() if p.suffix == ".pdf"),
        scan,
    )
    fields = {
        "type": "letter",
        "title": "Attendance letter",
        "date": dt.date(2024, 11, 6),
        "to": "p2",
        "served.method": "post_first_class",
    }
    added = api.add_documents([scan], folder, fields)
    assert _sidecar(folder, "letter-p2.pdf").splitlines()[1:] == [
        "type: letter",
        'title: "Attendance letter"',
        "date: 2024-11-06",
        "to: p2",
        "served:",
        "  method: post_first_class",
    ]
    assert added[0].warnings == []
    assert api.validate(folder).valid


def test_a_sidecar_that_would_not_validate_writes_nothing(folder, tmp_path):
    scan = tmp_path / "a.png"
    scan.write_bytes(_writer().PNG)
    with pytest.raises(ImportFailed) as info:
        api.add_documents([scan], folder, {"type": "letter", "title": "x", "date": dt.date(2024, 11, 6), "to": "p9"})
    assert "'p9' is not a parent in case.yaml" in str(info.value)
    with pytest.raises(ImportFailed, match="served.method: 'pigeon' is not one of"):
        api.add_documents(
            [scan],
            folder,
            {"type": "letter", "title": "x", "date": dt.date(2024, 11, 6), "to": "p1", "served.method": "pigeon"},
        )
    with pytest.raises(ImportFailed, match="give --type"):
        api.add_documents([scan], folder, {})
    assert not (folder / "documents").exists()


def test_nothing_is_overwritten_and_one_refusal_writes_nothing(folder, tmp_path):
    api.add_documents([FIXTURES / "email-to-p1.eml"], folder)
    before = _sidecar(folder, "email-to-p1.eml")
    with pytest.raises(ImportFailed, match="already exists: it is not overwritten"):
        api.add_documents([FIXTURES / "email-to-p2.msg", FIXTURES / "email-to-p1.eml"], folder)
    assert not (folder / "documents" / "email-to-p2.msg").exists()  # the first file was not written either
    assert _sidecar(folder, "email-to-p1.eml") == before


def test_missing_fields_are_asked_for_with_the_allowed_values(folder, tmp_path):
    scan = tmp_path / "meeting-notes.pdf"
    import pdf_fixtures

    scan.write_bytes(pdf_fixtures.corners())  # a real PDF: validate opens every PDF document
    asked = []
    answers = {
        "type": "meeting",
        "title": "Attendance meeting",
        "date": "2024-11-11",
        "kind": "declining_attendance",
        "invited (comma-separated)": "p1, p2",
        "attended (comma-separated)": "p1",
        "staff (comma-separated)": "B. Lead",
        "outcome": "attended",
    }

    def ask(name, allowed, proposed):
        asked.append((name, allowed))
        return answers[name]

    meta = api.add_documents([scan], folder, {}, ask=ask)[0].meta
    assert (meta["invited"], meta["attended"], meta["outcome"]) == (["p1", "p2"], ["p1"], "attended")
    allowed = dict(asked)
    assert "declining_attendance" in allowed["kind"] and allowed["invited (comma-separated)"] == ["p1", "p2"]
    assert api.validate(folder).valid


def test_the_cli_prints_what_it_wrote(folder):
    out = CliRunner().invoke(main, ["add", str(FIXTURES / "email-to-p2.msg"), str(folder)])
    assert out.exit_code == 0, out.output
    assert (
        "email-to-p2.msg.yaml (email to p2, 2024-11-04, served by email to jo.sample@post.example (read receipt requested))"
        in out.output
    )
    out = CliRunner().invoke(main, ["add", str(FIXTURES / "email-to-p2.msg"), str(folder)])
    assert out.exit_code == 2 and "already exists: it is not overwritten" in out.output


# --------------------------------------------------------------------------- .msg


def test_a_msg_reads_as_a_standard_email_with_every_part_in_order():
    message = read_msg((FIXTURES / "email-to-p2.msg").read_bytes(), "email-to-p2.msg")
    assert message["From"] == '"B. Lead" <b.lead@school.example>'
    assert message["To"] == "Jo Sample <jo.sample@post.example>"
    assert message["Cc"] == "Attendance office <attendance@school.example>"
    assert message["Disposition-Notification-To"] == '"B. Lead" <b.lead@school.example>'
    assert message.get_body(("plain",)).get_content().startswith("Dear Mr Sample,")
    html = message.get_body(("html",))
    assert "<b>84%</b>" in html.get_content()
    related = [p for p in message.walk() if p.get("Content-ID")]
    assert [(p.get_content_type(), p["Content-ID"]) for p in related] == [("image/png", "<crest@school.example>")]
    attachments = list(message.iter_attachments())
    assert [(a.get_content_type(), a.get_filename()) for a in attachments] == [
        ("text/plain", "attendance-summary.txt"),
        ("message/rfc822", "Re: Sam's attendance.eml"),
    ]
    inner = attachments[1].get_content()
    assert inner["From"] == "Alex Example <alex.example@mail.example>"
    assert inner.get_body(("plain",)).get_content().startswith("Thank you, I will come to the meeting.")


def test_a_damaged_or_hostile_msg_is_a_clear_error():
    good = (FIXTURES / "email-to-p2.msg").read_bytes()
    with pytest.raises(MsgError, match="x.msg: not an Outlook .msg file"):
        read_msg(b"From: a@b.example\r\n\r\nhi", "x.msg")
    with pytest.raises(MsgError, match="x.msg: the Outlook file is damaged"):
        read_msg(good[:1200], "x.msg")
    with pytest.raises(MsgError, match="over the 1 MiB limit"):
        read_msg(good + b"\0" * 1048576, "x.msg", MsgLimits(max_bytes=1048576))
    with pytest.raises(MsgError, match="has 3 attachments, over the limit of 2"):
        read_msg(good, "x.msg", MsgLimits(max_attachments=2))
    w = _writer()
    inner = w.message(
        subject="0",
        sender=("A", "a@school.example"),
        to=[("B", "b@mail.example")],
        sent=dt.datetime(2024, 1, 1, tzinfo=dt.UTC),
        body="x",
        embedded=True,
    )
    for depth in range(3):
        inner = w.message(
            subject=str(depth + 1),
            sender=("A", "a@school.example"),
            to=[("B", "b@mail.example")],
            sent=dt.datetime(2024, 1, 1, tzinfo=dt.UTC),
            body="x",
            embedded=depth < 2,
            attachments=[{"name": "m", "message": inner}],
        )
    nested = w.write_cfb(w.Storage("Root Entry", inner))
    assert read_msg(nested, "n.msg")["Subject"] == "3"
    with pytest.raises(MsgError, match="attached inside each other more than 2 deep"):
        read_msg(nested, "n.msg", MsgLimits(max_depth=2))


def test_a_case_accepts_a_msg_document_and_names_a_damaged_one(folder):
    api.add_documents([FIXTURES / "email-to-p2.msg"], folder)
    assert api.validate(folder).valid
    path = folder / "documents" / "email-to-p2.msg"
    path.write_bytes(path.read_bytes()[:1500])
    problems = [str(p) for p in api.validate(folder).problems]
    assert problems == [
        "documents/email-to-p2.msg: cannot be opened: the Outlook file is damaged and cannot be opened (incomplete OLE sector)"
    ] or (
        len(problems) == 1
        and problems[0].startswith("documents/email-to-p2.msg: cannot be opened: the Outlook file is damaged")
    )


def test_the_fixture_script_writes_the_committed_fixture(tmp_path):
    w = _writer()
    w.main(tmp_path)
    assert (tmp_path / "email-to-p2.msg").read_bytes() == (FIXTURES / "email-to-p2.msg").read_bytes()


def test_a_msg_whose_text_is_only_rtf_is_refused_with_what_to_do():
    w = _writer()
    children = w.message(
        subject="RTF",
        sender=("A", "a@school.example"),
        to=[("B", "b@mail.example")],
        sent=dt.datetime(2024, 1, 1, tzinfo=dt.UTC),
        body="",
    )
    children = [c for c in children if c.name != "__substg1.0_1000001F"]
    children.append(w.Stream("__substg1.0_10090102", b"\x2d\x00\x00\x00" + b"\0" * 12))
    with pytest.raises(
        MsgError, match="kept only as RTF, which bundler cannot read: save it from Outlook as .eml or PDF"
    ):
        read_msg(w.write_cfb(w.Storage("Root Entry", children)), "rtf.msg")
