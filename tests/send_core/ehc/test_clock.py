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


def test_an_exception_that_held_up_the_decision_moves_it_too_and_exceptions_add_up():
    exceptions = [
        clock.ClockException("personal_circumstances", D(2026, 2, 20), D(2026, 2, 26), affects_decision=True),
        clock.ClockException("missed_appointment", D(2026, 4, 7), D(2026, 4, 9)),
    ]
    deadlines = by_key(clock.assessment_deadlines(D(2026, 2, 2), exceptions))
    assert deadlines["decision"].due == D(2026, 3, 23)
    assert deadlines["final_plan"].due == D(2026, 7, 2)


def test_advice_comments_and_annual_review_dates():
    assert clock.advice_due(D(2026, 3, 1)) == D(2026, 4, 12)
    assert clock.parent_comments_due(D(2026, 5, 25)) == D(2026, 6, 9)
    # A plan issued on 29 February: the review is due by the end of February the next year.
    assert clock.annual_review_due(D(2024, 2, 29)) == D(2025, 2, 28)
    assert clock.annual_review_due(D(2025, 11, 23)) == D(2026, 11, 23)
    assert clock.review_invitations_due(D(2026, 3, 10)) == D(2026, 2, 24)
    assert clock.review_report_due(D(2026, 3, 10)) == D(2026, 3, 24)
    assert clock.review_decision_due(D(2026, 3, 10)) == D(2026, 4, 7)
    assert clock.amendment_due(D(2026, 5, 1)) == D(2026, 6, 26)


@pytest.mark.parametrize(
    ("nc_year", "on", "school_last_year", "due"),
    [
        ("6", D(2026, 11, 23), "", D(2027, 2, 15)),  # Year 6 this autumn moves in September 2027
        ("6", D(2027, 3, 10), "", D(2027, 2, 15)),  # later in the same school year: the same date, now passed
        ("6", D(2026, 8, 31), "", D(2026, 2, 15)),  # the last day of the 2025/26 school year
        ("11", D(2026, 11, 23), "", D(2027, 3, 31)),  # secondary to post-16: 31 March
        ("N2", D(2026, 11, 23), "", D(2027, 2, 15)),  # nursery to Reception
        ("2", D(2026, 11, 23), "2", D(2027, 2, 15)),  # an infant school's Year 2
        ("2", D(2026, 11, 23), "6", None),  # Year 2 in a primary school stays
        ("5", D(2026, 11, 23), "", None),
        ("7", D(2026, 11, 23), "", None),
    ],
)
def test_phase_transfer_dates(nc_year, on, school_last_year, due):
    assert clock.phase_transfer_due(nc_year, on, school_last_year=school_last_year) == due


def test_year_5_and_6_reviews_invite_the_secondary_senco():
    assert clock.invites_secondary_senco("5") and clock.invites_secondary_senco("6")
    assert not clock.invites_secondary_senco("4") and not clock.invites_secondary_senco("7")


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
        st.tuples(st.integers(min_value=0, max_value=200), st.integers(min_value=0, max_value=60)), max_size=4
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
