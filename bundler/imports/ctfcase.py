"""``bundler import ctf``: a new case folder from one pupil of a Common Transfer File.

Takes a CTF file, the folder to create, and the choices a CTF cannot make (which pupil,
which contacts without parental responsibility have care of the pupil, the route);
gives a new case folder holding ``case.yaml`` and ``attendance.csv`` that validates.

What the CTF gives is taken from it: the pupil (names, date of birth, UPN, address, SEN
provision, medical flag, in care), each contact with parental responsibility as a
parent (relationship, name, address, email, phone), the school's name, and the session
marks. A contact without parental responsibility is never made a parent by guessing:
only when ``carers`` names them (they have care of the pupil). Everything else is an
obvious ``TODO`` value with a comment saying what to write, and
``safeguarding.considered`` starts false, so the checklist fails (S444-70) until the
designated safeguarding lead has looked at the case.

The folder is written beside its final name, validated there, and only then renamed
into place: on any error nothing is left behind.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
import tempfile
from collections.abc import Sequence
from pathlib import Path

from ..case.load import Limits
from ..case.models import Route
from ..case.validate import validate_folder
from ..errors import Problem
from .codemap import load_map
from .common import ImportFailed, ImportLimits, ImportResult, read_input, register_csv
from .ctf import CtfContact, CtfFile, CtfPupil, decode_marks, parse_ctf

__all__ = ["RELATIONSHIPS", "ctf_pupils", "import_ctf"]

#: CBDS contact relationship codes, as a CTF carries them, in plain words
RELATIONSHIPS = {
    "PAM": "mother",
    "PAF": "father",
    "STM": "step-mother",
    "STF": "step-father",
    "FOM": "foster mother",
    "FOF": "foster father",
    "CAR": "carer",
    "FAM": "other family member",
    "REL": "other relative",
    "OTH": "other contact",
    "CHM": "childminder",
    "DOC": "doctor",
    "HTC": "head teacher",
    "RLG": "religious or spiritual contact",
    "SWR": "social worker",
    "TCH": "teacher",
}
#: contacts who are there in a professional role: never a parent in law
PROFESSIONALS = frozenset({"CHM", "DOC", "HTC", "RLG", "SWR", "TCH"})

#: CTF SENprovision codes: N no SEN, K SEN support, E EHC plan; S (statement), A and P
#: (School Action, School Action Plus) in files from before 2014-15
SEN = {"N": "none", "K": "sen_support", "E": "ehcp", "S": "ehcp", "A": "sen_support", "P": "sen_support"}


def _q(value: str) -> str:
    """A YAML double-quoted scalar (a JSON string is one) that the strict loader reads as text."""
    return json.dumps(value, ensure_ascii=False)


def _year_group(pupil: CtfPupil, todo: list[str]) -> tuple[int, str]:
    nc = pupil.nc_year.strip().upper()
    if nc == "R":
        return 0, "# from the CTF (NCyearActual R)"
    if nc.isdigit() and 0 <= int(nc) <= 13:
        return int(nc), f"# from the CTF (NCyearActual {nc})"
    # not given (or nursery, or X): the year a child of this age is in, to be confirmed
    assert pupil.dob is not None
    today = dt.date.today()
    year_start = today.year if today.month >= 9 else today.year - 1
    age = year_start - pupil.dob.year - (1 if (pupil.dob.month, pupil.dob.day) > (8, 31) else 0)
    group = min(max(age - 4, 0), 13)
    todo.append(
        f"pupil.year_group: the CTF gives no year group ('{pupil.nc_year}'); {group} is worked out from the date of birth"
    )
    return group, "# TODO: not in the CTF; worked out from the date of birth: confirm"


def _phone(phones: list[tuple[str, str]]) -> str:
    for wanted in ("M", "H", "W", ""):
        for kind, number in phones:
            if not wanted or kind.upper() == wanted:
                return number
    return ""


def _resolve_carers(pupil: CtfPupil, carers: Sequence[str], label: str) -> set[int]:
    """Indexes of the contacts without parental responsibility named as having care."""
    chosen: set[int] = set()
    problems = []
    for wanted in carers:
        key = wanted.strip().lower()
        matches = [
            i
            for i, c in enumerate(pupil.contacts)
            if (c.order is not None and str(c.order) == key) or c.name.lower() == key
        ]
        if not matches:
            listing = "; ".join(
                f"{c.order or '-'}: {c.name} ({RELATIONSHIPS.get(c.relationship, c.relationship)})"
                for c in pupil.contacts
            )
            problems.append(
                Problem(
                    label,
                    None,
                    "--parent-without-pr-cares",
                    f"'{wanted}' is not a contact of {pupil.name}",
                    f"name a contact by its order number or full name: {listing or 'the CTF lists no contacts'}",
                )
            )
            continue
        if len(matches) > 1:
            problems.append(
                Problem(
                    label,
                    None,
                    "--parent-without-pr-cares",
                    f"'{wanted}' names more than one contact: use the order number",
                )
            )
            continue
        contact = pupil.contacts[matches[0]]
        if contact.relationship in PROFESSIONALS:
            problems.append(
                Problem(
                    label,
                    None,
                    contact.path,
                    f"{contact.name} is recorded as {RELATIONSHIPS[contact.relationship]}: someone in a professional role is not a parent in law",
                )
            )
            continue
        chosen.add(matches[0])
    if problems:
        raise ImportFailed(problems)
    return chosen


def _parent_yaml(pid: str, contact: CtfContact, pupil: CtfPupil, carer: bool, todo: list[str]) -> list[str]:
    relationship = RELATIONSHIPS.get(contact.relationship, contact.relationship.lower() or "TODO: relationship")
    source = (
        ""
        if contact.relationship in RELATIONSHIPS
        else "  # TODO: the CTF code is not a known one: write the relationship"
    )
    lines = [
        f"  - id: {pid}                        # CTF contact {contact.order or '-'} ({contact.path.rsplit('/', 1)[1]})",
        f"    name: {_q(contact.name)}" + (f"   # title in the CTF: {contact.title}" if contact.title else ""),
        f"    relationship: {_q(relationship)}{source}",
    ]
    if carer:
        lines.append("    parental_responsibility: false   # has care of the pupil (--parent-without-pr-cares)")
    else:
        lines.append("    parental_responsibility: true    # Responsibility true in the CTF")
    same = contact.address_as_pupil or (contact.address and contact.address == pupil.address)
    lines.append(
        f"    lives_with_pupil: {'true' if same else 'false'}        # from the CTF address (same as the pupil's or not): confirm"
    )
    if contact.address:
        lines.append(f"    address: {_q(contact.address)}")
    else:
        lines.append(
            "    # address: TODO: the CTF gives no address; without one (or address_unknown_reason) S444-10 fails"
        )
        todo.append(f"parents[{pid}].address: the CTF gives no address for {contact.name}")
    if contact.email:
        lines.append(f"    email: {_q(contact.email)}               # the parent's own address, not a shared one")
    phone = _phone(contact.phones)
    if phone:
        lines.append(f"    phone: {_q(phone)}")
    return lines


def build_case_yaml(
    ctf: CtfFile,
    pupil: CtfPupil,
    *,
    case_id: str,
    route: str,
    referral_date: dt.date,
    carers: Sequence[str] = (),
) -> tuple[str, ImportResult]:
    """The text of case.yaml for ``pupil``, and what was left to do."""
    result = ImportResult()
    todo = result.todo
    if pupil.dob is None:
        raise ImportFailed(
            [Problem(ctf.label, None, f"{pupil.path}/DOB", "is missing: a case needs the pupil's date of birth")]
        )
    carer_indexes = _resolve_carers(pupil, carers, ctf.label)
    parents: list[tuple[CtfContact, bool]] = []
    ordered = sorted(enumerate(pupil.contacts), key=lambda pair: (pair[1].order is None, pair[1].order or 0, pair[0]))
    for index, contact in ordered:
        if contact.responsibility:
            parents.append((contact, False))
            if index in carer_indexes:
                result.notes.append(f"{contact.name} has parental responsibility and is a parent already")
        elif index in carer_indexes:
            parents.append((contact, True))
        else:
            relationship = RELATIONSHIPS.get(contact.relationship, contact.relationship or "contact")
            result.warnings.append(
                f"contact {contact.order or '-'} ({contact.name}, {relationship}) has no parental responsibility in the CTF "
                f"and is not listed as a parent; if they have care of {pupil.forename}, import again with "
                f"--parent-without-pr-cares {contact.order or _q(contact.name)}"
            )
    if not parents:
        raise ImportFailed(
            [
                Problem(
                    ctf.label,
                    None,
                    f"{pupil.path}/Contacts",
                    "no contact has parental responsibility (Responsibility true): a case needs at least one parent",
                    "check the contacts in the MIS, or name a contact who has care of the pupil with --parent-without-pr-cares",
                )
            ]
        )
    year_group, year_note = _year_group(pupil, todo)
    send = SEN.get(pupil.sen_provision)
    if send is None:
        send_line = (
            "send: none                      # TODO: the CTF has no SEN history: confirm (none | sen_support | ehcp)"
        )
        todo.append("pupil.send: the CTF gives no SEN provision")
    else:
        send_line = f"send: {send}                # CTF SENprovision {pupil.sen_provision}"
    if pupil.medical_flag is None:
        medical = "medical_needs: false            # TODO: not in the CTF: confirm"
        todo.append("pupil.medical_needs: not in the CTF")
    else:
        medical = f"medical_needs: {'true' if pupil.medical_flag else 'false'}            # CTF MedicalFlag"
    looked_after = "false" if pupil.in_care is None else ("true" if pupil.in_care else "false")
    looked_note = "# TODO: not in the CTF: confirm" if pupil.in_care is None else "# CTF LookedAfter/InCare"
    if pupil.in_care is None:
        todo.append("pupil.looked_after: not in the CTF")
    todo += [
        "referral: the route, date, local authority and who prepares it",
        "school: the URN, address and attendance lead (the CTF gives the school's name and DfE number only)",
        "pupil.has_social_worker: not in a CTF",
        "safeguarding: record the designated safeguarding lead's view (considered is false until then: S444-70 fails)",
    ]
    address = pupil.address or "TODO: the pupil's address (not in the CTF)"
    if not pupil.address:
        todo.append("pupil.address: the CTF gives none")
    preferred = ""
    if pupil.preferred_forename and pupil.preferred_forename != pupil.forename:
        preferred = f"      # known as {pupil.preferred_forename}"
    la = f"LA {ctf.lea}" if ctf.lea else "the LA"
    lines = [
        f"# Imported by `bundler import ctf` from {Path(ctf.label).name} (CTF {ctf.version or 'version not given'},",
        f"# {ctf.school_name or 'school not named'}, DfE number {ctf.lea or '?'}/{ctf.estab or '?'}) on {dt.date.today().isoformat()}.",
        "# Every value marked TODO is not in a CTF: replace it, then run `bundler validate` and",
        "# `bundler check` on this folder. Values from the CTF say so in their comment.",
        "",
        f"case_id: {case_id}",
        "",
        "referral:",
        f"  route: {route}                # TODO: confirm: penalty_notice | notice_to_improve | prosecution_444_1 | prosecution_444_1a | education_supervision_order",
        f"  date: {referral_date.isoformat()}              # TODO: the date the referral is made (every rule is checked as of it)",
        f"  local_authority: {_q(f'TODO: the local authority ({la} in the CTF)')}",
        "  profile: national-2024        # or your LA's profile",
        "  prepared_by:",
        f"    name: {_q('TODO: your name')}",
        f"    role: {_q('Attendance Officer (TODO: confirm)')}",
        "",
        "school:",
        f"  name: {_q(ctf.school_name or 'TODO: the school name')}"
        + ("   # from the CTF header" if ctf.school_name else ""),
        f"  urn: {_q('TODO: URN (the CTF gives the DfE number ' + (ctf.lea or '?') + '/' + (ctf.estab or '?') + ')')}",
        f"  address: {_q('TODO: the school address')}",
        f"  attendance_lead: {{name: {_q('TODO: name')}, role: {_q('TODO: role, e.g. Deputy Headteacher')}}}",
        "",
        "pupil:",
        f"  first_name: {_q(pupil.forename or 'TODO')}{preferred}",
        f"  last_name: {_q(pupil.surname or 'TODO')}",
        f"  date_of_birth: {pupil.dob.isoformat()}",
        f"  year_group: {year_group}                   {year_note}",
    ]
    if pupil.upn:
        lines.append(f"  upn: {_q(pupil.upn)}")
    lines += [
        f"  address: {_q(address)}",
        f"  {send_line}",
        f"  {medical}",
        "  has_social_worker: false        # TODO: not in a CTF: confirm",
        f"  looked_after: {looked_after}             {looked_note}",
    ]
    if pupil.entry_date:
        lines.append(f"  admission_date: {pupil.entry_date.isoformat()}    # CTF SchoolHistory entry date")
    lines += ["", "# Every holder of parental responsibility in the CTF, and any carer named on import.", "parents:"]
    for n, (contact, carer) in enumerate(parents, 1):
        lines += _parent_yaml(f"p{n}", contact, pupil, carer, todo)
    lines += [
        "",
        "safeguarding:",
        "  considered: false               # TODO: true once the designated safeguarding lead has considered the case",
        "  notify_parents_would_risk_harm: false   # TODO: confirm with the DSL",
        f"  notes: {_q('TODO: who was consulted, when, and what was decided')}",
        "",
    ]
    result.notes.append(
        f"{len(parents)} parent(s): "
        + ", ".join(f"p{n} {c.name}" + (" (carer)" if carer else "") for n, (c, carer) in enumerate(parents, 1))
    )
    return "\n".join(lines), result


def ctf_pupils(ctf_path: str | os.PathLike[str], limits: ImportLimits | None = None) -> list[tuple[str, str]]:
    """The (UPN, name) of every pupil in a CTF."""
    limits = limits or ImportLimits()
    ctf = parse_ctf(read_input(ctf_path, limits.max_xml_bytes, "a CTF"), str(ctf_path), limits)
    return [(p.upn, p.name) for p in ctf.pupils]


def _choose(ctf: CtfFile, upn: str | None) -> CtfPupil:
    listing = "; ".join(f"{p.upn or '(no UPN)'} {p.name}" for p in ctf.pupils)
    if upn is None:
        if len(ctf.pupils) == 1:
            return ctf.pupils[0]
        raise ImportFailed(
            [
                Problem(
                    ctf.label,
                    None,
                    "CTFpupilData",
                    f"holds {len(ctf.pupils)} pupils: {listing}",
                    "choose one with --upn UPN",
                )
            ]
        )
    found = [p for p in ctf.pupils if p.upn.upper() == upn.strip().upper()]
    if not found:
        raise ImportFailed(
            [Problem(ctf.label, None, "CTFpupilData", f"has no pupil with UPN {upn}", f"pupils: {listing}")]
        )
    return found[0]


def import_ctf(
    ctf_path: str | os.PathLike[str],
    case_folder: str | os.PathLike[str],
    *,
    upn: str | None = None,
    carers: Sequence[str] = (),
    route: str = "penalty_notice",
    referral_date: dt.date | None = None,
    case_id: str | None = None,
    map_file: str | os.PathLike[str] | None = None,
    limits: ImportLimits | None = None,
) -> ImportResult:
    """Write a new case folder from one pupil of a CTF; see the module docstring."""
    limits = limits or ImportLimits()
    root = Path(case_folder)
    label = str(ctf_path)
    if route not in Route.__members__:
        raise ImportFailed([Problem(label, None, "--route", f"'{route}' is not a route; routes: {', '.join(Route)}")])
    if root.exists() and (not root.is_dir() or any(root.iterdir())):
        raise ImportFailed(
            [Problem(str(root), None, "", "already exists and is not empty: an import writes a new case folder")]
        )
    if case_id is None:
        case_id = root.name if re.fullmatch(r"[A-Za-z0-9._-]+", root.name) else "NEW-CASE"
    elif not re.fullmatch(r"[A-Za-z0-9._-]+", case_id):
        raise ImportFailed(
            [Problem(label, None, "--case-id", f"'{case_id}' is not a case id: use letters, digits, '.', '_' and '-'")]
        )
    ctf = parse_ctf(read_input(ctf_path, limits.max_xml_bytes, "a CTF"), label, limits)
    pupil = _choose(ctf, upn)
    code_map = load_map(map_file, with_defaults=False).codes if map_file else {}
    decoded = decode_marks(ctf, pupil, code_map)
    register = register_csv(decoded.marks, label, limits)
    text, result = build_case_yaml(
        ctf, pupil, case_id=case_id, route=route, referral_date=referral_date or dt.date.today(), carers=carers
    )
    _write_folder(root, {"case.yaml": text, "attendance.csv": register}, label)
    result.written = [root / "case.yaml", root / "attendance.csv"]
    result.notes.insert(0, f"{pupil.name} (UPN {pupil.upn or 'not given'}), from {ctf.school_name or 'the CTF'}")
    if decoded.marks:
        first, last = decoded.marks[0].date, decoded.marks[-1].date
        result.notes.append(f"{len(decoded.marks)} register sessions, {first.isoformat()} to {last.isoformat()}")
    else:
        result.warnings.append("the CTF holds no session marks for this pupil: attendance.csv has only its header")
    if decoded.weekday_blanks:
        d, s = decoded.weekday_blanks[0]
        result.warnings.append(
            f"{len(decoded.weekday_blanks)} weekday session(s) carry no mark in the CTF (first {d.isoformat()} {s}); "
            "they are left out of attendance.csv, which reads as the school not being in session: check them in the MIS"
        )
    for year in decoded.other_schools:
        result.notes.append(
            f"marks of {year.school_name or 'another school'} ({year.lea}/{year.estab}, year {year.year}) are not this school's register: not imported"
        )
    result.warnings += decoded.mismatches
    return result


def _write_folder(root: Path, files: dict[str, str], label: str) -> None:
    """Write ``files`` into a new folder beside ``root``, validate it, and rename it into place."""
    parent = root.parent if str(root.parent) else Path(".")
    parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{root.name}.import-", dir=parent))
    try:
        for rel, text in files.items():
            (staging / rel).write_text(text, encoding="utf-8")
        result = validate_folder(staging, Limits())
        if not result.valid:
            raise ImportFailed(
                result.problems, f"{label}: the case it gives does not validate (a value in the CTF is not usable):"
            )
        if root.exists():
            root.rmdir()  # empty, checked above
        staging.rename(root)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
