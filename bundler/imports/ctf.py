"""Read a DfE Common Transfer File (CTF): the header's school, each pupil, their contacts
and their session marks.

Takes the bytes of a CTF XML file; gives a ``CtfFile`` (plain dataclasses, every value
with the XML path it came from) and, for one pupil, the register as ``Mark``s. The
structure followed is described, with its sources, in docs/ctf.md.

The file is untrusted. It is parsed with defusedxml with every DTD refused, so an
external entity (which could read a file or a URL) or an entity expansion ("billion
laughs") is never resolved: the file is refused, naming the reason. Its size is
limited before it is parsed. Unknown elements are ignored; a value that is present but
malformed (a date that does not exist, an odd-length marks string) is an error naming
its XML path.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from typing import Any
from xml.etree.ElementTree import Element, ParseError

from ..case import codes
from ..errors import Problem
from .common import ImportFailed, ImportLimits, Mark

__all__ = ["CtfContact", "CtfFile", "CtfPupil", "CtfYear", "MarksDecoded", "decode_marks", "parse_ctf"]

#: characters a marks string uses for a session with no mark: a day the school was not
#: in session for the pupil (weekends, holidays, before admission) or a mark not taken
NO_MARK = frozenset("- ")
#: '#' is also a register code (planned whole-school closure): on a Saturday or Sunday it
#: can only be the placeholder for a day that is not a school day
WEEKEND_ONLY_PLACEHOLDER = "#"


@dataclass
class CtfContact:
    path: str
    order: int | None = None
    title: str = ""
    forename: str = ""
    surname: str = ""
    relationship: str = ""  # the CBDS code: PAM, PAF, CAR, ...
    responsibility: bool | None = None
    address: str = ""
    address_as_pupil: bool = False
    email: str = ""
    phones: list[tuple[str, str]] = field(default_factory=list)  # (type, number)

    @property
    def name(self) -> str:
        return " ".join(p for p in (self.forename, self.surname) if p) or "(no name)"


@dataclass
class CtfYear:
    """One ``Attendance/YearData``: a school year's summary counts and its session marks."""

    path: str
    year: str = ""
    lea: str = ""
    estab: str = ""
    school_name: str = ""
    possible: int | None = None
    attended: int | None = None
    authorised: int | None = None
    unauthorised: int | None = None
    start: dt.date | None = None
    marks: str = ""
    marks_path: str = ""


@dataclass
class CtfPupil:
    path: str
    upn: str = ""
    forename: str = ""
    surname: str = ""
    preferred_forename: str = ""
    preferred_surname: str = ""
    dob: dt.date | None = None
    nc_year: str = ""
    address: str = ""
    email: str = ""
    phones: list[tuple[str, str]] = field(default_factory=list)
    sen_provision: str = ""  # the latest SEN/SENprovision: N, K, E (S, A, P in older files)
    medical_flag: bool | None = None
    in_care: bool | None = None
    entry_date: dt.date | None = None  # SchoolHistory entry date at the source school
    contacts: list[CtfContact] = field(default_factory=list)
    years: list[CtfYear] = field(default_factory=list)

    @property
    def name(self) -> str:
        return f"{self.forename} {self.surname}".strip()


@dataclass
class CtfFile:
    label: str
    version: str = ""
    lea: str = ""
    estab: str = ""
    school_name: str = ""
    academic_year: str = ""
    pupils: list[CtfPupil] = field(default_factory=list)


# --------------------------------------------------------------------------- parsing


class _Reader:
    """Reads values out of the element tree, collecting problems with their XML path."""

    def __init__(self, label: str):
        self.label = label
        self.problems: list[Problem] = []

    def bad(self, path: str, message: str, hint: str = "") -> None:
        self.problems.append(Problem(self.label, None, path, message, hint))

    def text(self, parent: Element | None, name: str) -> str:
        if parent is None:
            return ""
        child = parent.find(name)
        return (child.text or "").strip() if child is not None else ""

    def date(self, parent: Element | None, name: str, path: str) -> dt.date | None:
        value = self.text(parent, name)
        if not value:
            return None
        try:
            return dt.date.fromisoformat(value[:10])
        except ValueError:
            self.bad(f"{path}/{name}", f"'{value}' is not a real date", "CTF dates are written YYYY-MM-DD")
            return None

    def integer(self, parent: Element | None, name: str, path: str) -> int | None:
        value = self.text(parent, name)
        if not value:
            return None
        if not value.isdigit():
            self.bad(f"{path}/{name}", f"'{value}' is not a whole number")
            return None
        return int(value)

    def boolean(self, parent: Element | None, name: str, path: str) -> bool | None:
        value = self.text(parent, name).lower()
        if not value:
            return None
        if value in ("true", "1"):
            return True
        if value in ("false", "0"):
            return False
        self.bad(f"{path}/{name}", f"'{value}' is not true or false")
        return None


def _strip_namespaces(root: Element) -> None:
    for el in root.iter():
        if isinstance(el.tag, str) and "}" in el.tag:
            el.tag = el.tag.rsplit("}", 1)[1]


def _parse_xml(data: bytes, label: str) -> Element:
    from defusedxml import DefusedXmlException
    from defusedxml.ElementTree import fromstring

    try:
        root: Element = fromstring(data, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as exc:
        kind = type(exc).__name__
        reason = {
            "DTDForbidden": "declares a DTD (<!DOCTYPE ...>), which a CTF never needs and which can "
            "define entities that read other files or expand without end",
            "EntitiesForbidden": "defines XML entities, which a CTF never needs (an entity can expand without end)",
            "ExternalReferenceForbidden": "refers to an external entity (a file or web address)",
        }.get(kind, f"is refused by the safe XML reader ({kind})")
        raise ImportFailed(
            [Problem(label, None, "", reason, "export the CTF again from the MIS; do not edit it by hand")]
        ) from None
    except ParseError as exc:
        line, column = exc.position
        raise ImportFailed([Problem(label, line, "", f"is not well-formed XML (column {column}): {exc.msg}")]) from None
    except (ValueError, UnicodeError) as exc:
        raise ImportFailed([Problem(label, None, "", f"cannot be read as XML: {exc}")]) from None
    _strip_namespaces(root)
    return root


def parse_ctf(data: bytes, label: str, limits: ImportLimits | None = None) -> CtfFile:
    """Parse a CTF. Raises ImportFailed for a hostile, malformed or empty file."""
    limits = limits or ImportLimits()
    if len(data) > limits.max_xml_bytes:
        raise ImportFailed([Problem(label, None, "", f"is over the {limits.max_xml_bytes // 1048576} MiB limit")])
    root = _parse_xml(data, label)
    if root.tag == "ATfile":
        raise ImportFailed(
            [Problem(label, None, "ATfile", "is an admissions transfer file (ATF): it holds no register; export a CTF")]
        )
    if root.tag != "CTfile":
        raise ImportFailed(
            [Problem(label, None, root.tag, f"the root element is <{root.tag}>, not <CTfile>: this is not a CTF")]
        )
    r = _Reader(label)
    header = root.find("Header")
    source = header.find("SourceSchool") if header is not None else None
    ctf = CtfFile(
        label=label,
        version=r.text(header, "CTFversion"),
        lea=r.text(source, "LEA"),
        estab=r.text(source, "Estab"),
        school_name=r.text(source, "SchoolName"),
        academic_year=r.text(source, "AcademicYear"),
    )
    pupils = root.findall("CTFpupilData/Pupil")
    if len(pupils) > limits.max_pupils:
        raise ImportFailed([Problem(label, None, "CTFpupilData", f"holds more than {limits.max_pupils} pupils")])
    for i, element in enumerate(pupils, 1):
        ctf.pupils.append(_pupil(r, element, f"CTfile/CTFpupilData/Pupil[{i}]", ctf.estab))
    if not ctf.pupils:
        r.bad("CTfile/CTFpupilData", "holds no pupil")
    if r.problems:
        raise ImportFailed(r.problems)
    return ctf


def _address(r: _Reader, element: Element | None) -> str:
    """An address as one line, parts separated by commas (letters break lines there)."""
    if element is None:
        return ""
    parts: list[str] = []
    bs = element.find("BS7666Address")
    if bs is not None:
        saon, paon, street = r.text(bs, "SAON"), r.text(bs, "PAON"), r.text(bs, "Street")
        if saon:
            parts.append(saon)
        if paon and street and paon[:1].isdigit():
            parts.append(f"{paon} {street}")
        else:
            parts += [p for p in (paon, street) if p]
        for name in ("Locality", "Town", "PostTown", "AdministrativeArea"):
            value = r.text(bs, name)
            if value and value not in parts:
                parts.append(value)
    lines = element.find("AddressLines")
    if lines is not None:
        for n in range(1, 6):
            value = r.text(lines, f"AddressLine{n}")
            if value:
                parts.append(value)
    for name in ("County", "PostCode", "Zip"):
        value = r.text(element, name)
        if value and value not in parts:
            parts.append(value)
    return ", ".join(parts)


def _phones(r: _Reader, element: Element | None) -> list[tuple[str, str]]:
    if element is None:
        return []
    return [
        (r.text(p, "TelephoneType"), r.text(p, "PhoneNo")) for p in element.findall("Phone") if r.text(p, "PhoneNo")
    ]


def _pupil(r: _Reader, el: Element, path: str, estab: str) -> CtfPupil:
    basic = el.find("BasicDetails")
    pupil = CtfPupil(
        path=path,
        upn=r.text(el, "UPN"),
        forename=r.text(el, "Forename"),
        surname=r.text(el, "Surname"),
        preferred_forename=r.text(basic, "PreferredForename"),
        preferred_surname=r.text(basic, "PreferredSurname"),
        dob=r.date(el, "DOB", path),
        nc_year=r.text(basic, "NCyearActual"),
        medical_flag=r.boolean(basic, "MedicalFlag", f"{path}/BasicDetails"),
        address=_address(r, el.find("Address")),
        email=r.text(el, "Email"),
        phones=_phones(r, el.find("Phones")),
    )
    looked_after = el.find("LookedAfter")
    pupil.in_care = r.boolean(looked_after, "InCare", f"{path}/LookedAfter")
    sens = el.findall("SENhistory/SEN")
    if sens:
        dated = [
            (r.date(s, "StartDate", f"{path}/SENhistory/SEN[{i}]") or dt.date.min, s) for i, s in enumerate(sens, 1)
        ]
        latest = max(dated, key=lambda pair: pair[0])[1]
        pupil.sen_provision = r.text(latest, "SENprovision").upper()
    for i, school in enumerate(el.findall("SchoolHistory/School"), 1):
        if estab and r.text(school, "Estab") == estab:
            pupil.entry_date = r.date(school, "EntryDate", f"{path}/SchoolHistory/School[{i}]")
    for i, contact in enumerate(el.findall("Contacts/Contact"), 1):
        cpath = f"{path}/Contacts/Contact[{i}]"
        address = contact.find("Address")
        as_pupil = r.boolean(address, "AddressAsPupil", f"{cpath}/Address") if address is not None else None
        pupil.contacts.append(
            CtfContact(
                path=cpath,
                order=r.integer(contact, "Order", cpath),
                title=r.text(contact, "Title"),
                forename=r.text(contact, "Forename"),
                surname=r.text(contact, "Surname"),
                relationship=r.text(contact, "Relationship").upper(),
                responsibility=r.boolean(contact, "Responsibility", cpath),
                address_as_pupil=bool(as_pupil),
                address=pupil.address if as_pupil else _address(r, address),
                email=r.text(contact, "Email"),
                phones=_phones(r, contact.find("Phones")),
            )
        )
    for i, year in enumerate(el.findall("Attendance/YearData"), 1):
        ypath = f"{path}/Attendance/YearData[{i}]"
        sessions = year.find("AttendSessions")
        pupil.years.append(
            CtfYear(
                path=ypath,
                year=r.text(year, "Year"),
                lea=r.text(year, "LEA"),
                estab=r.text(year, "Estab"),
                school_name=r.text(year, "SchoolName"),
                possible=r.integer(year, "SessionsPossible", ypath),
                attended=r.integer(year, "SessionsAttended", ypath),
                authorised=r.integer(year, "SessionsAuthorised", ypath),
                unauthorised=r.integer(year, "SessionsUnauthorised", ypath),
                start=r.date(sessions, "AttendanceStartDate", f"{ypath}/AttendSessions"),
                marks=(sessions.findtext("AttendanceMarks") or "") if sessions is not None else "",
                marks_path=f"{ypath}/AttendSessions/AttendanceMarks",
            )
        )
    return pupil


# --------------------------------------------------------------------------- the marks


@dataclass
class MarksDecoded:
    """The register a CTF gives for one pupil, and what the decoding left out."""

    marks: list[Mark] = field(default_factory=list)
    placeholders: int = 0  # sessions with no mark on days not in session (weekends)
    weekday_blanks: list[tuple[dt.date, str]] = field(default_factory=list)  # no mark on a weekday
    other_schools: list[CtfYear] = field(default_factory=list)
    mismatches: list[str] = field(default_factory=list)  # summary counts the marks do not reproduce


def decode_marks(
    ctf: CtfFile, pupil: CtfPupil, code_map: dict[str, str | None] | None = None, label: str | None = None
) -> MarksDecoded:
    """The pupil's session marks from every ``YearData`` of the source school.

    A marks string holds two characters per calendar day from its start date, the AM
    mark then the PM mark. ``-`` and a space are sessions with no mark (left out: a day
    missing from the register is a day the school was not in session); ``#`` on a
    Saturday or Sunday is the same, and on a school day it is kept as the planned
    closure code. ``code_map`` maps a character the MIS uses to a statutory code (or to
    None: no session). A character that is not a DfE code on its date is an error: a
    one-character string cannot carry a two-character 2024 code such as J1, and this
    never guesses which one was meant.
    """
    label = label or ctf.label
    code_map = code_map or {}
    out = MarksDecoded()
    problems: list[Problem] = []
    unknown: dict[tuple[str, str], list[tuple[str, str]]] = {}  # (char, regime) -> [(path, "date session")]
    for year in pupil.years:
        if not year.marks.strip():
            continue
        if (year.lea or year.estab) and (year.lea, year.estab) != (ctf.lea, ctf.estab) and ctf.estab:
            out.other_schools.append(year)
            continue
        if year.start is None:
            problems.append(Problem(label, None, f"{year.path}/AttendSessions", "has marks but no AttendanceStartDate"))
            continue
        marks = year.marks.strip("\r\n\t")
        if any(c in "\r\n\t" for c in marks):
            problems.append(Problem(label, None, year.marks_path, "has a line break inside the marks string"))
            continue
        if len(marks) % 2:
            problems.append(
                Problem(
                    label,
                    None,
                    year.marks_path,
                    f"has {len(marks)} characters, an odd number: the marks are two per day (AM then PM)",
                )
            )
            continue
        kept: list[Mark] = []
        for i, char in enumerate(marks):
            day = year.start + dt.timedelta(days=i // 2)
            session = "AM" if i % 2 == 0 else "PM"
            where = f"{year.marks_path}[{i + 1}] ({day.isoformat()} {session})"
            if char in code_map:
                mapped = code_map[char]
                if mapped is None:
                    out.placeholders += 1
                    continue
                char = mapped
            elif char in NO_MARK or (char == WEEKEND_ONLY_PLACEHOLDER and day.weekday() >= 5):
                if day.weekday() < 5 and char in NO_MARK:
                    out.weekday_blanks.append((day, session))
                else:
                    out.placeholders += 1
                continue
            if codes.lookup(char, day) is None:
                unknown.setdefault((char, codes.regime_for(day)), []).append((year.marks_path, f"{day} {session}"))
                continue
            kept.append(Mark(day, session, char, where))
        out.marks += kept
        out.mismatches += _check_counts(year, kept)
    for (char, regime), places in sorted(unknown.items()):
        hint = (
            "the 2024 codes J1, C1, C2 and Y1-Y7 have two characters, which a one-character mark cannot carry: "
            "take the register for these dates from an MIS mark sheet (bundler import marks), or map the "
            "character in a --map file if you know which code your MIS means by it"
            if regime == "2024"
            else "map it to a statutory code in a --map file if your MIS uses it for one"
        )
        more = f" and {len(places) - 3} more" if len(places) > 3 else ""
        problems.append(
            Problem(
                label,
                None,
                places[0][0],
                f"'{char}' is not a DfE attendance code of the {regime} set, in {len(places)} session(s): "
                + ", ".join(when for _, when in places[:3])
                + more,
                hint,
            )
        )
    if problems:
        raise ImportFailed(problems)
    return out


def _check_counts(year: CtfYear, marks: list[Mark]) -> list[str]:
    """The YearData summary counts against the same counts worked out from the marks."""
    found: Counter[str] = Counter()
    for mark in marks:
        code = codes.lookup(mark.code, mark.date)
        assert code is not None
        if code.counts_as_possible:
            found["possible"] += 1
        if code.counts_as_attendance:
            found["attended"] += 1
        if code.category is codes.Category.AUTHORISED:
            found["authorised"] += 1
        if code.category is codes.Category.UNAUTHORISED:
            found["unauthorised"] += 1
    out = []
    for name in ("possible", "attended", "authorised", "unauthorised"):
        stated: Any = getattr(year, name)
        if stated is not None and stated != found[name]:
            out.append(
                f"{year.path}: Sessions{name.capitalize()} is {stated}, but the marks give {found[name]} "
                f"(year {year.year or year.start}): check the register in the MIS before relying on it"
            )
    return out
