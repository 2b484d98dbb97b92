"""The DfE code tables: each code keeps the meaning it had on its date."""

from __future__ import annotations

from datetime import date

import pytest

from bundler.case.codes import (
    CODES_2006,
    CODES_2024,
    DEFENCE_CODES,
    MAPPING_2006_TO_2024,
    REGULATIONS_2024_START,
    UNAUTHORISED_CODES,
    AttendanceCode,
    Category,
    lookup,
    points_to_defence,
    regime_for,
)

OLD = date(2023, 5, 2)  # a 2006-set date
NEW = date(2025, 1, 10)  # a 2024-set date
Y_2024 = {f"Y{n}" for n in range(1, 8)}


def codes_in(table, category: Category) -> set[str]:
    return {code for code, entry in table.items() if entry.category is category}


# --- which set applies --------------------------------------------------------


def test_2024_set_starts_on_19_august_2024() -> None:
    assert REGULATIONS_2024_START == date(2024, 8, 19)
    assert regime_for(date(2024, 8, 18)) == "2006"
    assert regime_for(date(2024, 8, 19)) == "2024"
    assert lookup("H", date(2024, 8, 18)) is not None
    assert lookup("H", date(2024, 8, 19)) is None


# --- categories, as the brief and the DfE guidance give them --------------------


def test_2024_categories() -> None:
    assert codes_in(CODES_2024, Category.PRESENT) == {"/", "\\", "L"}
    assert codes_in(CODES_2024, Category.APPROVED_ACTIVITY) == {"K", "V", "P", "W", "B"}
    assert codes_in(CODES_2024, Category.AUTHORISED) == {"C", "C1", "C2", "E", "I", "J1", "M", "R", "S", "T"}
    assert codes_in(CODES_2024, Category.UNAUTHORISED) == {"G", "N", "O", "U"}
    assert codes_in(CODES_2024, Category.NOT_POSSIBLE) == {"X", "Z", "#", "D", "Q"} | Y_2024


def test_2006_categories() -> None:
    assert codes_in(CODES_2006, Category.PRESENT) == {"/", "\\", "L"}
    assert codes_in(CODES_2006, Category.APPROVED_ACTIVITY) == {"B", "J", "P", "V", "W"}
    assert codes_in(CODES_2006, Category.AUTHORISED) == {"C", "E", "H", "I", "M", "R", "S", "T"}
    assert codes_in(CODES_2006, Category.UNAUTHORISED) == {"G", "N", "O", "U"}
    assert codes_in(CODES_2006, Category.NOT_POSSIBLE) == {"X", "Y", "Z", "#", "D"}


@pytest.mark.parametrize("table", [CODES_2006, CODES_2024], ids=["2006", "2024"])
def test_unauthorised_codes_are_the_same_in_both_sets(table) -> None:
    assert UNAUTHORISED_CODES == frozenset({"G", "N", "O", "U"})
    assert codes_in(table, Category.UNAUTHORISED) == UNAUTHORISED_CODES


@pytest.mark.parametrize("table", [CODES_2006, CODES_2024], ids=["2006", "2024"])
def test_every_entry_is_filed_under_its_own_code_and_regime(table) -> None:
    regime = next(iter(table.values())).regime
    for code, entry in table.items():
        assert isinstance(entry, AttendanceCode)
        assert entry.code == code
        assert entry.regime == regime
        assert entry.meaning.strip()
        assert entry.late == (code in {"L", "U"})


def test_codes_that_exist_only_in_the_2024_set() -> None:
    only_2024 = {"J1", "C1", "C2", "K", "Q"} | Y_2024
    assert only_2024 <= CODES_2024.keys()
    assert not only_2024 & CODES_2006.keys()
    assert set(CODES_2024) - set(CODES_2006) == only_2024
    assert set(CODES_2006) - set(CODES_2024) == {"H", "J", "Y"}


def test_tables_are_read_only() -> None:
    with pytest.raises(TypeError):
        CODES_2024["H"] = CODES_2006["H"]  # type: ignore[index]
    with pytest.raises(TypeError):
        MAPPING_2006_TO_2024["H"] = MAPPING_2006_TO_2024["J"]  # type: ignore[index]


# --- each code keeps the meaning it had on its date -----------------------------


def test_j_is_an_interview_in_2006_and_unknown_in_2024() -> None:
    j = lookup("J", OLD)
    assert j is not None and j.regime == "2006"
    assert j.category is Category.APPROVED_ACTIVITY
    assert j.counts_as_attendance and j.counts_as_possible
    assert lookup("J", NEW) is None
    j1 = lookup("J1", NEW)
    assert j1 is not None and j1.category is Category.AUTHORISED
    assert not j1.counts_as_attendance and j1.counts_as_possible
    assert lookup("J1", OLD) is None


def test_h_is_authorised_holiday_in_2006_and_unknown_in_2024() -> None:
    h = lookup("H", OLD)
    assert h is not None and h.category is Category.AUTHORISED and not h.is_unauthorised
    assert lookup("H", NEW) is None


def test_t_changes_meaning() -> None:
    old, new = lookup("T", OLD), lookup("T", NEW)
    assert old is not None and new is not None
    assert "Traveller" in old.meaning
    assert "occupational" in new.meaning
    assert old.category is new.category is Category.AUTHORISED


def test_properties() -> None:
    late = lookup("L", NEW)
    after_close = lookup("U", NEW)
    closed = lookup("#", NEW)
    assert late is not None and after_close is not None and closed is not None
    assert late.late and late.counts_as_attendance and not late.is_unauthorised
    assert after_close.late and after_close.is_unauthorised and not after_close.counts_as_attendance
    assert not closed.counts_as_possible and not closed.counts_as_attendance and not closed.is_unauthorised


def test_lookup_is_exact_and_case_sensitive_but_ignores_surrounding_space() -> None:
    assert lookup(" N ", NEW) == CODES_2024["N"]
    assert lookup("\tJ1\n", NEW) == CODES_2024["J1"]
    assert lookup("n", NEW) is None
    assert lookup("j1", NEW) is None
    assert lookup("J 1", NEW) is None
    assert lookup("", NEW) is None
    assert lookup("-", NEW) is None


# --- 2006 to 2024 ---------------------------------------------------------------


def test_mapping_covers_every_2006_code_with_real_2024_codes() -> None:
    assert MAPPING_2006_TO_2024.keys() == CODES_2006.keys()
    for old, change in MAPPING_2006_TO_2024.items():
        assert change.old == old
        assert change.new, old
        assert set(change.new) <= CODES_2024.keys(), old


def test_mapping_records_the_changes() -> None:
    assert MAPPING_2006_TO_2024["H"].new == ("C",)
    assert "leave of absence" in MAPPING_2006_TO_2024["H"].note
    assert MAPPING_2006_TO_2024["J"].new == ("J1",)
    assert MAPPING_2006_TO_2024["Y"].new == tuple(sorted(Y_2024))
    assert MAPPING_2006_TO_2024["T"].new == ("T",)
    assert "meaning changed" in MAPPING_2006_TO_2024["T"].note
    assert not MAPPING_2006_TO_2024["T"].unchanged
    assert MAPPING_2006_TO_2024["N"].unchanged


# --- statutory defences (S444-27) -------------------------------------------------


@pytest.mark.parametrize("code", ["T", "Q", *sorted(Y_2024)])
def test_2024_defence_codes(code: str) -> None:
    assert points_to_defence(code, NEW)


@pytest.mark.parametrize("code", ["T", "Y"])
def test_2006_defence_codes(code: str) -> None:
    assert points_to_defence(code, OLD)


@pytest.mark.parametrize(
    ("code", "on"),
    [("Y", NEW), ("Q", OLD), ("Y1", OLD), ("N", NEW), ("G", OLD), ("C", NEW), ("X", NEW)],
)
def test_codes_that_point_to_no_defence(code: str, on: date) -> None:
    assert not points_to_defence(code, on)


def test_defence_codes_are_real_codes() -> None:
    assert DEFENCE_CODES["2006"] <= CODES_2006.keys()
    assert DEFENCE_CODES["2024"] <= CODES_2024.keys()
    assert points_to_defence(" Y7 ", NEW)
