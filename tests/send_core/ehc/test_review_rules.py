"""Annual review and amendment dates against CFA 2014 s44 and SI 2014/1530 Regs 20 and 22, worked by hand."""

from __future__ import annotations

import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from send_core.ehc import reviews

D = datetime.date


@pytest.mark.parametrize(
    ("last", "due"),
    [
        (D(2026, 1, 31), D(2027, 1, 30)),  # 12 months starting with 31 January end on 30 January
        (D(2024, 2, 29), D(2025, 2, 28)),  # no 29 February 2025: the period ends on the last day of February
        (D(2023, 2, 28), D(2024, 2, 27)),  # the day before 28 February 2024, even in a leap year
        (D(2023, 3, 1), D(2024, 2, 29)),  # the day before 1 March 2024 is the leap day
        (D(2024, 3, 1), D(2025, 2, 28)),
        (D(2025, 12, 31), D(2026, 12, 30)),  # over the year end
        (D(2026, 1, 1), D(2026, 12, 31)),  # starting on New Year's Day ends on New Year's Eve
        (D(2025, 11, 23), D(2026, 11, 22)),
    ],
)
def test_twelve_months_starting_with_the_plan_or_the_last_review(last, due):
    assert reviews.annual_review_due(last) == due


@pytest.mark.parametrize(
    ("start", "months", "end"),
    [
        (D(2026, 1, 15), 1, D(2026, 2, 14)),
        (D(2026, 1, 31), 1, D(2026, 2, 28)),  # no 31 February: the end of February
        (D(2024, 1, 30), 1, D(2024, 2, 29)),
        (D(2026, 3, 31), 1, D(2026, 4, 30)),
        (D(2026, 11, 30), 3, D(2027, 2, 28)),
        (D(2026, 12, 1), 1, D(2026, 12, 31)),
    ],
)
def test_periods_of_months(start, months, end):
    assert reviews.period_of_months_ends(start, months) == end


def test_the_next_review_counts_from_the_review_meeting_never_from_an_amended_plan():
    # Plan made 10 March 2025: first review by 9 March 2026.
    assert reviews.next_review_due(D(2025, 3, 10), []) == D(2026, 3, 9)
    # Reviewed on 2 February 2026: next by 1 February 2027, whenever the amended plan is issued.
    assert reviews.next_review_due(D(2025, 3, 10), [D(2026, 2, 2)]) == D(2027, 2, 1)
    assert reviews.next_review_due(D(2025, 3, 10), [D(2025, 9, 1), D(2026, 2, 2)]) == D(2027, 2, 1)
    # A meeting about an earlier plan (before this one was made) does not count.
    assert reviews.next_review_due(D(2025, 3, 10), [D(2025, 1, 1)]) == D(2026, 3, 9)
    # A review on the day the plan was made counts.
    assert reviews.next_review_due(D(2025, 3, 10), [D(2025, 3, 10)]) == D(2026, 3, 9)
    # A plan made before Cairn (its date unknown) counts from its reviews; nothing known, nothing due.
    assert reviews.next_review_due(None, [D(2026, 2, 2)]) == D(2027, 2, 1)
    assert reviews.next_review_due(None, []) is None


@pytest.mark.parametrize(
    ("meeting", "invitations_by", "report_by", "decision_by"),
    [
        (D(2026, 3, 10), D(2026, 2, 24), D(2026, 3, 24), D(2026, 4, 7)),
        # Leap year: 14 days before 7 March 2024 is 22 February (via the 29th); 28 days after 15 February is 14 March.
        (D(2024, 3, 7), D(2024, 2, 22), D(2024, 3, 21), D(2024, 4, 4)),
        (D(2024, 2, 15), D(2024, 2, 1), D(2024, 2, 29), D(2024, 3, 14)),
        (D(2025, 2, 15), D(2025, 2, 1), D(2025, 3, 1), D(2025, 3, 15)),
        # Over the year end.
        (D(2026, 12, 20), D(2026, 12, 6), D(2027, 1, 3), D(2027, 1, 17)),
    ],
)
def test_notice_report_and_decision_around_the_meeting(meeting, invitations_by, report_by, decision_by):
    assert reviews.review_invitations_due(meeting) == invitations_by  # Reg 20(3): 2 weeks' notice
    assert reviews.review_report_due(meeting) == report_by  # Reg 20(7): report within 2 weeks
    assert reviews.review_decision_due(meeting) == decision_by  # Reg 20(10): decision within 4 weeks


@pytest.mark.parametrize(
    ("notice", "last_day", "issue_from", "due"),
    [
        # 1 May 2026: 15 days beginning with the 1st end on the 15th; 8 weeks is 26 June.
        (D(2026, 5, 1), D(2026, 5, 15), D(2026, 5, 16), D(2026, 6, 26)),
        # Over the year end: 10 December 2025 → 24 December, 25 December, 4 February 2026.
        (D(2025, 12, 10), D(2025, 12, 24), D(2025, 12, 25), D(2026, 2, 4)),
        # Leap year: 20 February 2024 → 5 March (via the 29th), 6 March, 16 April.
        (D(2024, 2, 20), D(2024, 3, 5), D(2024, 3, 6), D(2024, 4, 16)),
        (D(2025, 2, 20), D(2025, 3, 6), D(2025, 3, 7), D(2025, 4, 17)),
    ],
)
def test_amendment_dates(notice, last_day, issue_from, due):
    assert reviews.amendment_representations_end(notice) == last_day  # Reg 22(2)(c)
    assert reviews.amended_plan_may_issue_from(notice) == issue_from
    assert reviews.amended_plan_due(notice) == due  # Reg 22(3)


@pytest.mark.parametrize(
    ("nc_year", "covers"),
    [("8", False), ("9", True), ("10", True), ("11", True), ("12", True), ("13", True), ("14", True)]
    + [("R", False), ("N1", False), ("1", False), ("", False)],
)
def test_preparing_for_adulthood_from_year_9(nc_year, covers):
    assert reviews.covers_preparing_for_adulthood(nc_year) is covers  # Reg 20(6)


@pytest.mark.parametrize(("nc_year", "invites"), [("4", False), ("5", True), ("6", True), ("7", False)])
def test_year_5_and_6_reviews_invite_the_secondary_senco(nc_year, invites):
    assert reviews.invites_secondary_senco(nc_year) is invites


@given(st.dates(min_value=D(2000, 1, 1), max_value=D(2100, 12, 31)))
def test_twelve_months_end_the_day_before_the_anniversary_or_on_the_last_day_of_february(start):
    # The anniversary is the same date a year on; 29 February has none in a common year, so its period
    # ends on 28 February, the day before 1 March.
    try:
        anniversary = D(start.year + 1, start.month, start.day)
    except ValueError:
        anniversary = D(start.year + 1, 3, 1)
    due = reviews.annual_review_due(start)
    assert due == anniversary - datetime.timedelta(days=1)
    assert (due - start).days in {364, 365}
