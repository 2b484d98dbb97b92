"""DfE attendance register codes: the 2006 set and the 2024 set, as pure data.

A register mark keeps the meaning its code had on the date of the session:

* sessions before 19 August 2024 use the codes of the Education (Pupil
  Registration) (England) Regulations 2006, as amended (the set described in the
  DfE's 2013-2023 school attendance advice);
* sessions on or after 19 August 2024 use the codes of the School Attendance
  (Pupil Registration) (England) Regulations 2024.

So ``J`` on 2023-05-02 is a 2006 interview mark (approved educational activity,
counted as attendance), while ``J`` on 2025-01-10 is not a code at all (the 2024
set replaced it with ``J1``, an authorised leave of absence). ``H`` (agreed
holiday) does not exist in the 2024 set, ``T`` changed its meaning, and ``J1``,
``C1``, ``C2``, ``K``, ``Q`` and ``Y1``-``Y7`` exist only in the 2024 set.

Sources for the statistical categories (which codes count as attendance, which
as absence, which are not counted as a possible session):

* DfE, *Working together to improve school attendance* (statutory guidance,
  August 2024), the attendance and absence codes section, which says for each
  code how it is counted "for statistical purposes"; and the School Attendance
  (Pupil Registration) (England) Regulations 2024.
* Cross-checked against published summaries of the 2024 change (the
  ``search`` tool, corpus "pages"): schoolbusinessservices.co.uk "Overview of NEW
  Attendance codes - Autumn 2024 onwards" (H, Y and J withdrawn; J moved from
  approved educational activity to authorised absence as J1; K, Q, Y1-Y7 new),
  and the 2024 code table of somercotesacademy.co.uk (K, V, P, W, B approved
  educational activity; C1, C2, C, M, T, R, I, J1, S, E authorised absence;
  G, N, O, U unauthorised). A third-party extraction of the DfE August 2024 PDF
  lists D, Q, X and Y1-Y7 as "not a possible attendance" and Z and # as not
  collected, which is what ``Category.NOT_POSSIBLE`` encodes here. Q is the
  least certain entry: no primary DfE text was retrievable here to confirm it,
  only that extraction; if Q turned out to count as authorised absence, only
  its row below changes.
* 2006 set: DfE *Absence and attendance codes: guidance for schools and local
  authorities* and the 2013 departmental advice (X, Y, Z, # and D not counted as
  possible sessions; B, J, P, V, W approved educational activity). ``F``
  (agreed extended family holiday) was withdrawn in 2013 and is not included.

The meanings below are short plain-English descriptions, not the statutory
wording.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from types import MappingProxyType
from typing import Final, Literal

__all__ = [
    "REGULATIONS_2024_START",
    "REGIME_2006",
    "REGIME_2024",
    "Regime",
    "Category",
    "AttendanceCode",
    "CodeChange",
    "CODES_2006",
    "CODES_2024",
    "MAPPING_2006_TO_2024",
    "UNAUTHORISED_CODES",
    "LATE_CODES",
    "DEFENCE_CODES",
    "regime_for",
    "codes_for",
    "lookup",
    "points_to_defence",
]

REGULATIONS_2024_START: Final = date(2024, 8, 19)
"""First day on which the 2024 Regulations' codes apply."""

Regime = Literal["2006", "2024"]
REGIME_2006: Final[Regime] = "2006"
REGIME_2024: Final[Regime] = "2024"


class Category(StrEnum):
    """How a code is counted in attendance statistics."""

    PRESENT = "present"
    """In school for the session (``/``, ``\\``, ``L``)."""

    APPROVED_ACTIVITY = "approved_activity"
    """Off-site educational activity that counts as attendance."""

    AUTHORISED = "authorised"
    """Absent, with the school's leave or for a reason the law accepts."""

    UNAUTHORISED = "unauthorised"
    """Absent without authority (``G``, ``N``, ``O``, ``U``)."""

    NOT_POSSIBLE = "not_possible"
    """Not counted as a possible session at all (neither attendance nor absence)."""


@dataclass(frozen=True)
class AttendanceCode:
    """One register code as it is defined in one regime."""

    code: str
    regime: Regime
    category: Category
    meaning: str
    late: bool = False
    """True for the two late marks: ``L`` (before the register closed, present)
    and ``U`` (after it closed, unauthorised absence)."""

    @property
    def counts_as_possible(self) -> bool:
        """The session is one the pupil could have attended (the denominator)."""
        return self.category is not Category.NOT_POSSIBLE

    @property
    def counts_as_attendance(self) -> bool:
        """Present in school, or at an approved educational activity."""
        return self.category in (Category.PRESENT, Category.APPROVED_ACTIVITY)

    @property
    def is_unauthorised(self) -> bool:
        """Unauthorised absence (G, N, O, U in both sets)."""
        return self.category is Category.UNAUTHORISED


LATE_CODES: Final = frozenset({"L", "U"})
"""Late marks, in both sets: ``L`` counts as present, ``U`` as unauthorised."""

UNAUTHORISED_CODES: Final = frozenset({"G", "N", "O", "U"})
"""Unauthorised absence codes, the same in the 2006 and 2024 sets."""


def _table(regime: Regime, rows: Iterable[tuple[str, Category, str]]) -> Mapping[str, AttendanceCode]:
    table: dict[str, AttendanceCode] = {}
    for code, category, meaning in rows:
        if code in table:  # pragma: no cover - guards the literal tables below
            raise ValueError(f"duplicate code {code!r} in the {regime} set")
        table[code] = AttendanceCode(
            code=code,
            regime=regime,
            category=category,
            meaning=meaning,
            late=code in LATE_CODES,
        )
    return MappingProxyType(table)


_P = Category.PRESENT
_AA = Category.APPROVED_ACTIVITY
_AUTH = Category.AUTHORISED
_UNAUTH = Category.UNAUTHORISED
_NP = Category.NOT_POSSIBLE

CODES_2006: Final[Mapping[str, AttendanceCode]] = _table(
    REGIME_2006,
    [
        ("/", _P, "present at morning registration"),
        ("\\", _P, "present at afternoon registration"),
        ("L", _P, "late, arrived before the register closed"),
        ("B", _AA, "educated off site (not at another school)"),
        ("J", _AA, "at an interview with a prospective employer or school"),
        ("P", _AA, "at an approved sporting activity"),
        ("V", _AA, "on an educational visit or trip"),
        ("W", _AA, "on work experience"),
        ("C", _AUTH, "other authorised circumstances"),
        ("E", _AUTH, "excluded, no alternative provision made"),
        ("H", _AUTH, "family holiday agreed by the school"),
        ("I", _AUTH, "illness (not a medical or dental appointment)"),
        ("M", _AUTH, "medical or dental appointment"),
        ("R", _AUTH, "day set apart for religious observance"),
        ("S", _AUTH, "study leave"),
        ("T", _AUTH, "Traveller absence (family travelling, agreed with the school)"),
        ("G", _UNAUTH, "family holiday not agreed, or longer than agreed"),
        ("N", _UNAUTH, "no reason for the absence provided yet"),
        ("O", _UNAUTH, "absent in other or unknown circumstances"),
        ("U", _UNAUTH, "late, arrived after the register closed"),
        ("D", _NP, "dual registered: attending another school"),
        ("X", _NP, "not required to attend (non-compulsory school age)"),
        ("Y", _NP, "unable to attend because of exceptional circumstances"),
        ("Z", _NP, "pupil not yet on the admission register"),
        ("#", _NP, "planned whole or partial school closure"),
    ],
)

CODES_2024: Final[Mapping[str, AttendanceCode]] = _table(
    REGIME_2024,
    [
        ("/", _P, "present at morning registration"),
        ("\\", _P, "present at afternoon registration"),
        ("L", _P, "late, arrived before the register closed"),
        ("K", _AA, "at education provision arranged by the local authority"),
        ("V", _AA, "on an educational visit or trip"),
        ("P", _AA, "at an approved sporting activity"),
        ("W", _AA, "on work experience"),
        ("B", _AA, "at another approved, supervised educational activity"),
        ("C", _AUTH, "leave of absence for exceptional circumstances"),
        ("C1", _AUTH, "leave to take part in a regulated performance or employment abroad"),
        ("C2", _AUTH, "leave under an agreed temporary part-time timetable"),
        ("E", _AUTH, "suspended or excluded, no alternative provision made"),
        ("I", _AUTH, "illness (not a medical or dental appointment)"),
        ("J1", _AUTH, "leave to attend an interview for work or another school or college"),
        ("M", _AUTH, "leave for a medical or dental appointment"),
        ("R", _AUTH, "day set apart for religious observance"),
        ("S", _AUTH, "leave to study for a public examination"),
        ("T", _AUTH, "parent travelling for occupational purposes"),
        ("G", _UNAUTH, "holiday not granted by the school"),
        ("N", _UNAUTH, "no reason for the absence provided yet"),
        ("O", _UNAUTH, "absent in other or unknown circumstances"),
        ("U", _UNAUTH, "late, arrived after the register closed"),
        ("D", _NP, "dual registered: attending another school"),
        ("Q", _NP, "unable to attend: the local authority has not made access arrangements"),
        ("X", _NP, "not required to attend (non-compulsory school age)"),
        ("Y1", _NP, "unable to attend: the transport normally provided is not available"),
        ("Y2", _NP, "unable to attend: widespread disruption to travel"),
        ("Y3", _NP, "unable to attend: part of the school premises is closed"),
        ("Y4", _NP, "unable to attend: the whole school site is unexpectedly closed"),
        ("Y5", _NP, "unable to attend: in criminal justice detention"),
        ("Y6", _NP, "unable to attend: public health guidance or law"),
        ("Y7", _NP, "unable to attend: another unavoidable cause"),
        ("Z", _NP, "prospective pupil not yet on the admission register"),
        ("#", _NP, "planned whole school closure"),
    ],
)


@dataclass(frozen=True)
class CodeChange:
    """What became of one 2006 code in the 2024 set."""

    old: str
    new: tuple[str, ...]
    note: str

    @property
    def unchanged(self) -> bool:
        """The code carries over with the same meaning and category."""
        return self.new == (self.old,) and not self.note


def _changes(rows: Iterable[tuple[str, tuple[str, ...], str]]) -> Mapping[str, CodeChange]:
    return MappingProxyType({old: CodeChange(old, new, note) for old, new, note in rows})


MAPPING_2006_TO_2024: Final[Mapping[str, CodeChange]] = _changes(
    [
        ("/", ("/",), ""),
        ("\\", ("\\",), ""),
        ("L", ("L",), ""),
        (
            "B",
            ("B", "K"),
            "narrowed to supervised approved activity; provision arranged by the local authority is now K",
        ),
        ("C", ("C", "C1", "C2"), "regulated performance (C1) and part-time timetables (C2) now have their own codes"),
        ("D", ("D",), ""),
        ("E", ("E",), ""),
        ("G", ("G",), ""),
        (
            "H",
            ("C",),
            "authorised holiday withdrawn: holiday leave in exceptional circumstances is now a C leave of absence",
        ),
        ("I", ("I",), ""),
        (
            "J",
            ("J1",),
            "interview moved from approved educational activity (attendance) to authorised leave of absence",
        ),
        ("M", ("M",), ""),
        ("N", ("N",), ""),
        ("O", ("O",), ""),
        ("P", ("P",), ""),
        ("R", ("R",), ""),
        ("S", ("S",), ""),
        ("T", ("T",), "meaning changed: Traveller absence became parent travelling for occupational purposes"),
        ("U", ("U",), ""),
        ("V", ("V",), ""),
        ("W", ("W",), ""),
        ("X", ("X",), ""),
        (
            "Y",
            ("Y1", "Y2", "Y3", "Y4", "Y5", "Y6", "Y7"),
            "split by cause; a local authority's failure to arrange access (e.g. transport) is now Q",
        ),
        ("Z", ("Z",), ""),
        ("#", ("#",), ""),
    ]
)

DEFENCE_CODES: Final[Mapping[Regime, frozenset[str]]] = MappingProxyType(
    {
        REGIME_2006: frozenset({"T", "Y"}),
        REGIME_2024: frozenset({"T", "Q", "Y1", "Y2", "Y3", "Y4", "Y5", "Y6", "Y7"}),
    }
)
"""Codes that point to a statutory defence or exception (rule S444-27), by regime."""

_TABLES: Final[Mapping[Regime, Mapping[str, AttendanceCode]]] = MappingProxyType(
    {REGIME_2006: CODES_2006, REGIME_2024: CODES_2024}
)


def regime_for(d: date) -> Regime:
    """The code set in force on ``d``: "2024" from 19 August 2024, else "2006"."""
    return REGIME_2024 if d >= REGULATIONS_2024_START else REGIME_2006


def codes_for(d: date) -> Mapping[str, AttendanceCode]:
    """The code table in force on ``d``."""
    return _TABLES[regime_for(d)]


def lookup(code: str, on: date) -> AttendanceCode | None:
    """The code as defined on the date ``on``, or None when it is not a code then.

    Matching is exact and case-sensitive (``j1`` is not ``J1``); only
    surrounding whitespace is ignored.
    """
    return codes_for(on).get(code.strip())


def points_to_defence(code: str, on: date) -> bool:
    """True when the mark points to a statutory defence or exception (S444-27).

    2024 set: ``T`` (parent travelling for work), ``Q`` (no access arrangements)
    and ``Y1``-``Y7`` (unable to attend); 2006 set: ``T`` (Traveller absence)
    and ``Y`` (exceptional circumstances).
    """
    return code.strip() in DEFENCE_CODES[regime_for(on)]
