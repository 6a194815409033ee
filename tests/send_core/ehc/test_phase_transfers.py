"""Phase transfers against SI 2014/1530 Reg 2 (which moves count) and Reg 18(1) (15 February / 31 March)."""

from __future__ import annotations

import datetime

import pytest

from send_core.ehc import transfers

D = datetime.date
AUTUMN_2026 = D(2026, 11, 23)  # in the school year 2026/27: moves happen in September 2027


@pytest.mark.parametrize(
    ("phase", "nc_year", "due"),
    [
        ("nursery", "N2", D(2027, 2, 15)),  # early years to school, Reg 2(a)
        ("nursery", "N1", None),
        ("infant", "2", D(2027, 2, 15)),  # infant to junior, Reg 2(b)
        ("infant", "1", None),
        ("junior", "6", D(2027, 2, 15)),  # junior (a primary school) to secondary, Reg 2(d)
        ("junior", "3", None),
        ("first", "4", D(2027, 2, 15)),  # first (a primary school) to middle, Reg 2(c)
        ("first", "6", None),
        ("primary", "6", D(2027, 2, 15)),  # primary to secondary, Reg 2(d)
        ("primary", "2", None),  # Year 2 of a primary school stays
        ("middle", "8", D(2027, 2, 15)),  # middle to secondary, Reg 2(e)
        ("middle", "6", None),
        ("secondary", "11", D(2027, 3, 31)),  # secondary to post-16, Reg 18(1)(a)
        ("secondary", "9", None),
        ("all_through", "6", None),  # an all-through school has no Year 6 move
        ("all_through", "11", None),
        ("all_through", "13", D(2027, 3, 31)),
    ],
)
def test_each_phase_pattern(phase, nc_year, due):
    first, last = transfers.year_range(phase)
    assert transfers.phase_transfer_due(nc_year, AUTUMN_2026, last_year=last) == due


def test_a_school_records_its_own_range():
    # A secondary school with a sixth form (7–13): Year 11 stays on; Year 13 moves to post-16 by 31 March.
    assert transfers.year_range("secondary", "7", "13") == ("7", "13")
    assert transfers.phase_transfer_due("11", AUTUMN_2026, last_year="13") is None
    assert transfers.phase_transfer_due("13", AUTUMN_2026, last_year="13") == D(2027, 3, 31)
    # A special school for ages 2–19 (N1 to Year 14).
    assert transfers.year_range("special", "N1", "14") == ("N1", "14")
    assert transfers.phase_transfer_due("14", AUTUMN_2026, last_year="14") == D(2027, 3, 31)
    assert transfers.phase_transfer_due("6", AUTUMN_2026, last_year="14") is None
    # A special primary school (Reception to Year 6) moves at Year 6 by 15 February.
    assert transfers.phase_transfer_due("6", AUTUMN_2026, last_year="6") == D(2027, 2, 15)
    # A middle school deemed secondary (Years 5–8) moves to the upper school by 15 February, not 31 March.
    assert transfers.phase_transfer_due("8", AUTUMN_2026, last_year="8") == D(2027, 2, 15)
    # Only half a range recorded: the phase's usual range; a special school with none has no default.
    assert transfers.year_range("infant", "R", "") == ("R", "2")
    assert transfers.year_range("special") is None
    assert transfers.year_range("") is None


@pytest.mark.parametrize(
    ("nc_year", "due"),
    [("N2", D(2027, 2, 15)), ("6", D(2027, 2, 15)), ("11", D(2027, 3, 31)), ("2", None), ("8", None), ("", None)],
)
def test_with_the_range_unknown_the_commonest_pattern_is_assumed(nc_year, due):
    assert transfers.phase_transfer_due(nc_year, AUTUMN_2026, last_year="") == due


def test_the_calendar_year_of_the_move_follows_the_school_year():
    # On 31 August 2026 a Year 6 pupil moves in September 2026: 15 February 2026 (already passed).
    assert transfers.phase_transfer_due("6", D(2026, 8, 31), last_year="6") == D(2026, 2, 15)
    # From 1 September 2026 the new Year 6 moves in September 2027.
    assert transfers.phase_transfer_due("6", D(2026, 9, 1), last_year="6") == D(2027, 2, 15)
    # Later in the same school year: the same date, now passed.
    assert transfers.phase_transfer_due("11", D(2027, 5, 1), last_year="11") == D(2027, 3, 31)
    # Across a leap year's February the date is still the 15th.
    assert transfers.phase_transfer_due("6", D(2023, 10, 1), last_year="6") == D(2024, 2, 15)


@pytest.mark.parametrize(
    ("last", "year", "due"),
    [
        ("6", 2028, D(2028, 2, 15)),
        ("8", 2028, D(2028, 2, 15)),
        ("10", 2028, D(2028, 2, 15)),
        ("11", 2028, D(2028, 3, 31)),
        ("12", 2028, D(2028, 3, 31)),
        ("13", 2028, D(2028, 3, 31)),
        ("14", 2028, D(2028, 3, 31)),
    ],
)
def test_transfer_deadline(last, year, due):
    assert transfers.transfer_deadline(last, year) == due


def test_moves_phase():
    assert transfers.moves_phase("6", "6")
    assert not transfers.moves_phase("5", "6")
    assert not transfers.moves_phase("", "6")
    assert transfers.moves_phase("6", "")
