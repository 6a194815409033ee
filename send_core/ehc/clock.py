"""The statutory clock for EHC needs assessments, annual reviews and phase transfers.

Dates follow the SEND Regulations 2014 and the SEND Code of Practice (2015), in calendar weeks
from the day the local authority received the request:

- decision whether to assess: 6 weeks (CoP 9.14);
- advice asked of professionals: given within 6 weeks of being asked (CoP 9.52);
- notice that no plan will be made: 16 weeks (CoP 9.61);
- draft plan: Cairn asks for it by week 16 too, which leaves the parent's 15 days to comment
  (CoP 9.77) and four weeks to finalise;
- final plan: 20 weeks (CoP 9.40).

Reg 10(4) excuses the LA from the time limits after the decision when meeting them is impractical:
advice asked of a school within a week of a closure of at least four weeks, the child's or
parent's exceptional personal circumstances, or their absence from the area for four weeks or
more (CoP 9.42). Cairn records each exception with the days it held the work up and moves the
later dates by that many days, keeping the statutory date beside the adjusted one. An exception
that also held up the decision (the same circumstances under Reg 5(4)) moves that date too.

Annual reviews (CoP 9.166–9.176): within 12 months of the plan or the last review; at least 2
weeks' notice of the meeting; the school's report within 2 weeks of it; the LA's decision
(maintain, amend, cease) within 4 weeks of it; an amended plan within 8 weeks of the LA's
proposal. Phase transfers (Reg 18; CoP 9.179): the plan is reviewed and amended by 15 February
of the calendar year of the move, or 31 March for a move from secondary school to post-16.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

DECISION_WEEKS = 6
ADVICE_WEEKS = 6
NO_PLAN_WEEKS = 16
DRAFT_PLAN_WEEKS = 16
FINAL_PLAN_WEEKS = 20
PARENT_COMMENT_DAYS = 15
ANNUAL_REVIEW_MONTHS = 12
REVIEW_NOTICE_WEEKS = 2
REVIEW_REPORT_WEEKS = 2
REVIEW_DECISION_WEEKS = 4
AMENDMENT_WEEKS = 8

# Year groups whose pupils move phase at the end of the school year (into Reception, Year 3
# for an infant school, Year 7, and post-16); Year 2 applies only where the school ends at Year 2.
PHASE_TRANSFER_YEARS = frozenset({"N2", "6", "11"})
INFANT_TRANSFER_YEAR = "2"
POST_16_TRANSFER_YEAR = "11"


@dataclass(frozen=True)
class ClockException:
    """A Reg 10(4) exception: its reason and the days it held the process up (first to last day, inclusive)."""

    reason: str
    starts_on: datetime.date
    ends_on: datetime.date
    affects_decision: bool = False

    @property
    def days(self) -> int:
        return max(0, (self.ends_on - self.starts_on).days + 1)


@dataclass(frozen=True)
class Deadline:
    """One milestone of a case: its statutory date and the date after any exceptions."""

    key: str
    label: str
    statutory: datetime.date
    due: datetime.date

    @property
    def is_extended(self) -> bool:
        return self.due != self.statutory


def weeks_after(start: datetime.date, weeks: int) -> datetime.date:
    return start + datetime.timedelta(weeks=weeks)


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day `months` later; the end of the month where that day does not exist (29 Feb)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    for candidate in (day.day, 30, 29, 28):
        try:
            return datetime.date(year, month, min(day.day, candidate))
        except ValueError:
            continue
    raise ValueError(f"No day of month for {day!r} + {months} months")  # pragma: no cover


def exception_days(exceptions: Iterable[ClockException]) -> int:
    """Days covered by the exceptions, each day once: overlapping exceptions do not add up twice."""
    total, covered_to = 0, None
    for exception in sorted(exceptions, key=lambda e: e.starts_on):
        if exception.ends_on < exception.starts_on:
            continue
        start = (
            exception.starts_on
            if covered_to is None
            else max(exception.starts_on, covered_to + datetime.timedelta(days=1))
        )
        if start <= exception.ends_on:
            total += (exception.ends_on - start).days + 1
        covered_to = exception.ends_on if covered_to is None else max(covered_to, exception.ends_on)
    return total


def assessment_deadlines(received_on: datetime.date, exceptions: Iterable[ClockException] = ()) -> list[Deadline]:
    """The milestones of an EHC needs assessment from the day the LA received the request.

    Every exception moves the 16-week notice, the draft and the final plan; only those marked as
    holding up the decision move the 6-week decision.
    """
    exceptions = list(exceptions)
    delay = datetime.timedelta(days=exception_days(exceptions))
    decision_delay = datetime.timedelta(days=exception_days(e for e in exceptions if e.affects_decision))
    decision = weeks_after(received_on, DECISION_WEEKS)
    no_plan = weeks_after(received_on, NO_PLAN_WEEKS)
    draft = weeks_after(received_on, DRAFT_PLAN_WEEKS)
    final = weeks_after(received_on, FINAL_PLAN_WEEKS)
    return [
        Deadline("decision", "Decide whether to assess", decision, decision + decision_delay),
        Deadline("no_plan", "Notice if no plan will be made", no_plan, no_plan + delay),
        Deadline("draft_plan", "Issue the draft plan", draft, draft + delay),
        Deadline("final_plan", "Issue the final plan", final, final + delay),
    ]


def deadline(deadlines: Iterable[Deadline], key: str) -> Deadline:
    for item in deadlines:
        if item.key == key:
            return item
    raise KeyError(key)


def advice_due(requested_on: datetime.date) -> datetime.date:
    return weeks_after(requested_on, ADVICE_WEEKS)


def parent_comments_due(draft_issued_on: datetime.date) -> datetime.date:
    return draft_issued_on + datetime.timedelta(days=PARENT_COMMENT_DAYS)


def annual_review_due(last_on: datetime.date) -> datetime.date:
    """The last day the next annual review may be held: 12 months after the plan or the last review."""
    return add_months(last_on, ANNUAL_REVIEW_MONTHS)


def review_invitations_due(meeting_on: datetime.date) -> datetime.date:
    return meeting_on - datetime.timedelta(weeks=REVIEW_NOTICE_WEEKS)


def review_report_due(meeting_on: datetime.date) -> datetime.date:
    return weeks_after(meeting_on, REVIEW_REPORT_WEEKS)


def review_decision_due(meeting_on: datetime.date) -> datetime.date:
    return weeks_after(meeting_on, REVIEW_DECISION_WEEKS)


def amendment_due(amendment_notice_on: datetime.date) -> datetime.date:
    return weeks_after(amendment_notice_on, AMENDMENT_WEEKS)


def academic_year_end(on: datetime.date) -> int:
    """The calendar year in which the school year containing `on` ends (Sept–Aug)."""
    return on.year + 1 if on.month >= 9 else on.year


def phase_transfer_due(nc_year: str, on: datetime.date, *, school_last_year: str = "") -> datetime.date | None:
    """When the plan of a pupil in `nc_year` on `on` must be amended for their move of phase, if they move.

    15 February of the calendar year of the move (31 March from Year 11 to post-16); None when
    the pupil does not change phase at the end of this school year. `school_last_year` is the
    school's last year group, so an infant school's Year 2 counts as a move.
    """
    moving = nc_year in PHASE_TRANSFER_YEARS or (nc_year == INFANT_TRANSFER_YEAR and school_last_year == "2")
    if not moving:
        return None
    year = academic_year_end(on)
    if nc_year == POST_16_TRANSFER_YEAR:
        return datetime.date(year, 3, 31)
    return datetime.date(year, 2, 15)


def invites_secondary_senco(nc_year: str) -> bool:
    """Year 5 and Year 6 annual reviews invite the secondary school's SENCO."""
    return nc_year in {"5", "6"}


def nc_year_on(date_of_birth: datetime.date, on: datetime.date) -> str:
    """The year group a child of this age is in on `on`, by the English school year (Sept–Aug).

    Reception is the school year in which the child turns five; earlier years are nursery (N1, N2);
    after Year 14 the child has left school-age groups ("" then).
    """
    birth_school_year = date_of_birth.year if date_of_birth.month >= 9 else date_of_birth.year - 1
    this_school_year = on.year if on.month >= 9 else on.year - 1
    group = this_school_year - birth_school_year - 5
    if group < -2:
        return ""
    if group < 0:
        return "N2" if group == -1 else "N1"
    if group == 0:
        return "R"
    return str(group) if group <= 14 else ""


def school_year_start(on: datetime.date) -> datetime.date:
    return datetime.date(academic_year_end(on) - 1, 9, 1)
