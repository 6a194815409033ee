"""Annual reviews and amendments of EHC plans, as pure functions of dates and year groups.

- The plan is reviewed within 12 months starting with the date it was made, then within 12
  months starting with the date it was last reviewed (Children and Families Act 2014 s44(1)).
  Cairn counts "last reviewed" from the review meeting, never from the day an amended plan was
  issued: of the two dates that could be read as the review (the meeting, or the LA's decision on
  it up to 4 weeks later) the meeting is earlier, so Cairn never shows a later date than the law
  allows.
- "12 months starting with" a day ends on the day before the same date a year on: 31 January
  2026 gives 30 January 2027. Where that date does not exist (29 February), the period ends on
  the last day of the month: 29 February 2024 gives 28 February 2025. This is the strict reading.
- Everyone invited at least 2 weeks before the meeting (Reg 20(3)); the school's report sent
  within 2 weeks of it (Reg 20(7)); the LA's decision within 4 weeks of it (Reg 20(10)).
- Amending after a review: the decision to amend goes with the proposed amendments (R (L, M, P)
  v Devon CC [2022] EWHC 493 (Admin), reading Reg 20(10) with Reg 22(2)); the family has at
  least 15 days beginning with the day that notice is served (Reg 22(2)(c)); the final amended
  plan is issued within 8 weeks of the notice (Reg 22(3)).
- From Year 9 every review covers preparing for adulthood and independent living (Reg 20(6)).
"""

from __future__ import annotations

import calendar
import datetime

REVIEW_MONTHS = 12  # CFA 2014 s44(1)
REVIEW_NOTICE_WEEKS = 2  # Reg 20(3)
REVIEW_REPORT_WEEKS = 2  # Reg 20(7)
REVIEW_DECISION_WEEKS = 4  # Reg 20(10)
AMENDMENT_REPRESENTATION_DAYS = 15  # Reg 22(2)(c)
AMENDED_PLAN_WEEKS = 8  # Reg 22(3)
# Reg 20(6): "the year 9 review and each subsequent review"; Reg 2 defines year 9 by the national curriculum.
PREPARING_FOR_ADULTHOOD_YEARS = frozenset({"9", "10", "11", "12", "13", "14"})
SECONDARY_SENCO_YEARS = frozenset({"5", "6"})

DAY = datetime.timedelta(days=1)


def period_of_months_ends(start: datetime.date, months: int) -> datetime.date:
    """The last day of a period of `months` months starting with `start` (the strict reading).

    The day before the corresponding date `months` later; where that month has no such date,
    the last day of that month.
    """
    index = start.month - 1 + months
    year, month = start.year + index // 12, index % 12 + 1
    last_day = calendar.monthrange(year, month)[1]
    if start.day > last_day:
        return datetime.date(year, month, last_day)
    return datetime.date(year, month, start.day) - DAY


def annual_review_due(last_on: datetime.date) -> datetime.date:
    """The last day the next review may be held: 12 months starting with the plan or the last review."""
    return period_of_months_ends(last_on, REVIEW_MONTHS)


def next_review_due(plan_made_on: datetime.date | None, review_meetings: list[datetime.date]) -> datetime.date | None:
    """The next review's last day, from the latest review meeting held since the plan was made, else from the plan.

    An amended plan's issue date never counts: amending a plan does not review it (s44(1)).
    """
    held = [day for day in review_meetings if day and (plan_made_on is None or day >= plan_made_on)]
    start = max(held) if held else plan_made_on
    return annual_review_due(start) if start else None


def review_invitations_due(meeting_on: datetime.date) -> datetime.date:
    return meeting_on - datetime.timedelta(weeks=REVIEW_NOTICE_WEEKS)


def review_report_due(meeting_on: datetime.date) -> datetime.date:
    return meeting_on + datetime.timedelta(weeks=REVIEW_REPORT_WEEKS)


def review_decision_due(meeting_on: datetime.date) -> datetime.date:
    return meeting_on + datetime.timedelta(weeks=REVIEW_DECISION_WEEKS)


def amendment_representations_end(notice_served_on: datetime.date) -> datetime.date:
    """The last of the family's 15 days on the proposed amendments, beginning with the day served (Reg 22(2)(c))."""
    return notice_served_on + (AMENDMENT_REPRESENTATION_DAYS - 1) * DAY


def amended_plan_may_issue_from(notice_served_on: datetime.date) -> datetime.date:
    """The first day the amended plan may issue: once the family's 15 days have passed."""
    return notice_served_on + AMENDMENT_REPRESENTATION_DAYS * DAY


def amended_plan_due(notice_served_on: datetime.date) -> datetime.date:
    """The amended plan is issued within 8 weeks of the notice of proposed amendments (Reg 22(3))."""
    return notice_served_on + datetime.timedelta(weeks=AMENDED_PLAN_WEEKS)


def covers_preparing_for_adulthood(nc_year: str) -> bool:
    """Reg 20(6): the Year 9 review and every review after it consider preparing for adulthood."""
    return nc_year in PREPARING_FOR_ADULTHOOD_YEARS


def invites_secondary_senco(nc_year: str) -> bool:
    """Year 5 and Year 6 reviews invite the SENCO of the secondary school (CoP 9.179)."""
    return nc_year in SECONDARY_SENCO_YEARS
