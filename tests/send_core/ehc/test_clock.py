"""The statutory clock against worked examples, with dates checked by hand on a calendar."""

from __future__ import annotations

import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from send_core.ehc import clock

D = datetime.date


def by_key(deadlines):
    return {item.key: item for item in deadlines}


def test_a_request_received_on_2_february_2026():
    # Monday 2 February 2026: 6 weeks is Monday 16 March, 16 weeks Monday 25 May, 20 weeks Monday 22 June.
    deadlines = by_key(clock.assessment_deadlines(D(2026, 2, 2)))
    assert deadlines["decision"].due == D(2026, 3, 16)
    assert deadlines["no_plan"].due == D(2026, 5, 25)
    assert deadlines["draft_plan"].due == D(2026, 5, 25)
    assert deadlines["final_plan"].due == D(2026, 6, 22)
    assert not any(item.is_extended for item in deadlines.values())


def test_a_reg_10_4_exception_moves_the_later_dates_by_its_days_but_not_the_decision():
    # The family was away from the area from 1 to 30 April 2026: 30 days.
    away = clock.ClockException(reason="absent_from_area", starts_on=D(2026, 4, 1), ends_on=D(2026, 4, 30))
    deadlines = by_key(clock.assessment_deadlines(D(2026, 2, 2), [away]))
    assert deadlines["decision"].due == D(2026, 3, 16)
    assert deadlines["no_plan"].due == D(2026, 6, 24)
    assert deadlines["final_plan"].statutory == D(2026, 6, 22)
    assert deadlines["final_plan"].due == D(2026, 7, 22)
    assert deadlines["final_plan"].is_extended


def test_an_exception_that_held_up_the_decision_moves_it_too_and_a_missed_appointment_moves_no_la_date():
    # Personal circumstances 20–26 February (7 days, before the 16 March decision): decision 23 March,
    # final plan 22 June + 7 = 29 June. The missed appointment of 7–9 April is a Reg 8(2) matter for
    # the advice-giver and moves none of the LA's dates.
    exceptions = [
        clock.ClockException("personal_circumstances", D(2026, 2, 20), D(2026, 2, 26), affects_decision=True),
        clock.ClockException("missed_appointment", D(2026, 4, 7), D(2026, 4, 9)),
    ]
    deadlines = by_key(clock.assessment_deadlines(D(2026, 2, 2), exceptions))
    assert deadlines["decision"].due == D(2026, 3, 23)
    assert deadlines["final_plan"].due == D(2026, 6, 29)


def test_overlapping_exceptions_count_each_day_once():
    # Personal circumstances 1–30 June and absence from the area 10–30 June: 30 days, not 51.
    exceptions = [
        clock.ClockException("personal_circumstances", D(2026, 6, 1), D(2026, 6, 30)),
        clock.ClockException("absent_from_area", D(2026, 6, 10), D(2026, 6, 30)),
        clock.ClockException("missed_appointment", D(2026, 7, 2), D(2026, 7, 2)),
    ]
    assert clock.exception_days(exceptions) == 31


@given(
    received=st.dates(min_value=D(2015, 1, 1), max_value=D(2035, 12, 31)),
    spans=st.lists(
        # Each starts no later than the 20-week date, so each held up the final plan and moves it.
        st.tuples(st.integers(min_value=0, max_value=140), st.integers(min_value=0, max_value=60)),
        max_size=4,
    ),
)
def test_exceptions_never_bring_a_date_forward_and_count_each_day_once(received, spans):
    exceptions = [
        clock.ClockException(
            "personal_circumstances", received + datetime.timedelta(days=a), received + datetime.timedelta(days=a + n)
        )
        for a, n in spans
    ]
    deadlines = by_key(clock.assessment_deadlines(received, exceptions))
    for item in deadlines.values():
        assert item.due >= item.statutory
    assert deadlines["decision"].due < deadlines["no_plan"].due <= deadlines["final_plan"].due
    covered = {e.starts_on + datetime.timedelta(days=i) for e in exceptions for i in range(e.days)}
    assert (deadlines["final_plan"].due - deadlines["final_plan"].statutory).days == len(covered)


@pytest.mark.parametrize(
    ("born", "on", "year"),
    [
        (D(2016, 5, 17), D(2026, 11, 23), "6"),
        (D(2016, 8, 31), D(2026, 11, 23), "6"),
        (D(2016, 9, 1), D(2026, 11, 23), "5"),
        (D(2015, 9, 1), D(2026, 8, 31), "5"),
        (D(2021, 3, 1), D(2026, 1, 10), "R"),
        (D(2022, 3, 1), D(2026, 1, 10), "N2"),
        (D(2010, 10, 1), D(2026, 11, 23), "11"),
    ],
)
def test_year_group_from_date_of_birth(born, on, year):
    assert clock.nc_year_on(born, on) == year
