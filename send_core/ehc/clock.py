"""The statutory clock of an EHC needs assessment, as pure functions of dates.

Calendar weeks from the day the local authority received the request (SI 2014/1530, "the SEND
Regulations"; the SEND Code of Practice 0–25, "CoP"):

- decision whether to assess: 6 weeks (Reg 5(1));
- advice asked of a professional: given within 6 weeks of being asked (Reg 8(1));
- notice that no plan will be made: 16 weeks (Reg 10(1));
- draft plan: Cairn's own target of week 16 — not a statutory date — so that the family's 15 days
  (Reg 13(1)) and the LA's consideration of them fit before the final plan;
- final plan: 20 weeks (Reg 13(2)).

Only the circumstances of Reg 10(4) excuse the LA from the 16- and 20-week limits, and the matching
ones of Reg 5(4) from the 6-week decision: advice asked of a school or post-16 institution (a), or of
an early-years provider (b), around a closure of at least 4 weeks; exceptional personal
circumstances of the child, parent or young person (c); their absence from the area for at least
4 weeks (d). A missed appointment is a Reg 8(2) matter: it excuses the person giving advice, so it
moves that advice's own due date and never the LA's.

An exception moves only the deadlines it made impractical to meet: those not yet passed on the day
it began. It moves them by the days it lasted, each day once however many exceptions cover it.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

DECISION_WEEKS = 6  # Reg 5(1)
ADVICE_WEEKS = 6  # Reg 8(1)
NO_PLAN_WEEKS = 16  # Reg 10(1)
DRAFT_PLAN_TARGET_WEEKS = 16  # Cairn's target, not a statutory limit
FINAL_PLAN_WEEKS = 20  # Reg 13(2)
# Reg 13(1): "not less than 15 days beginning with the day on which the draft plan was served".
REPRESENTATION_DAYS = 15
# Reg 10(4)(a),(b),(d) and Reg 5(4): a closure, or an absence from the area, of "not less than 4 weeks".
MINIMUM_CLOSURE_DAYS = 28
MINIMUM_ABSENCE_DAYS = 28

SCHOOL_CLOSURE = "school_closure"  # Reg 10(4)(a), Reg 5(4)(a)
EARLY_YEARS_CLOSURE = "early_years_closure"  # Reg 10(4)(b), Reg 5(4)(b)
PERSONAL_CIRCUMSTANCES = "personal_circumstances"  # Reg 10(4)(c), Reg 5(4)(c)
ABSENT_FROM_AREA = "absent_from_area"  # Reg 10(4)(d), Reg 5(4)(d)
MISSED_APPOINTMENT = "missed_appointment"  # Reg 8(2): the advice-giver's limit only
LA_EXCEPTION_REASONS = frozenset({SCHOOL_CLOSURE, EARLY_YEARS_CLOSURE, PERSONAL_CIRCUMSTANCES, ABSENT_FROM_AREA})
CLOSURE_REASONS = frozenset({SCHOOL_CLOSURE, EARLY_YEARS_CLOSURE})

DAY = datetime.timedelta(days=1)
WEEK = datetime.timedelta(weeks=1)


@dataclass(frozen=True)
class ClockException:
    """Something that held the work up, from its first to its last day (inclusive).

    For a closure, the days the school or provider was closed and the day the LA asked it for
    advice; for a missed appointment, the missed day to the day the advice-giver could see the
    child again.
    """

    reason: str
    starts_on: datetime.date
    ends_on: datetime.date
    affects_decision: bool = False
    advice_asked_on: datetime.date | None = None

    @property
    def days(self) -> int:
        return max(0, (self.ends_on - self.starts_on).days + 1)


@dataclass(frozen=True)
class Deadline:
    """One milestone of a case: its date in law (or Cairn's target) and the date after lawful exceptions."""

    key: str
    label: str
    statutory: datetime.date
    due: datetime.date
    is_target: bool = False

    @property
    def is_extended(self) -> bool:
        return self.due != self.statutory


def weeks_after(start: datetime.date, weeks: int) -> datetime.date:
    return start + weeks * WEEK


def advice_asked_around_closure(asked_on: datetime.date, closed_from: datetime.date, closed_to: datetime.date) -> bool:
    """Reg 10(4)(a)/(b): advice asked from one week before the closure until one week before it re-opens.

    The school re-opens the day after `closed_to`, so the window ends six days before `closed_to`.
    """
    reopens_on = closed_to + DAY
    return closed_from - WEEK <= asked_on <= reopens_on - WEEK


def excuses_the_la(exception: ClockException) -> bool:
    """Whether the exception is one of Reg 10(4) (and Reg 5(4)); any other never moves the LA's dates."""
    if exception.reason not in LA_EXCEPTION_REASONS:
        return False
    if exception.reason == ABSENT_FROM_AREA:
        return exception.days >= MINIMUM_ABSENCE_DAYS
    if exception.reason in CLOSURE_REASONS:
        return (
            exception.days >= MINIMUM_CLOSURE_DAYS
            and exception.advice_asked_on is not None
            and advice_asked_around_closure(exception.advice_asked_on, exception.starts_on, exception.ends_on)
        )
    return True


def _merged(exceptions: Iterable[ClockException]) -> list[tuple[datetime.date, datetime.date]]:
    """The exceptions as separate runs of days: overlapping or touching ones become one run."""
    runs: list[tuple[datetime.date, datetime.date]] = []
    for item in sorted(exceptions, key=lambda e: e.starts_on):
        if item.ends_on < item.starts_on:
            continue
        if runs and item.starts_on <= runs[-1][1] + DAY:
            runs[-1] = (runs[-1][0], max(runs[-1][1], item.ends_on))
        else:
            runs.append((item.starts_on, item.ends_on))
    return runs


def exception_days(exceptions: Iterable[ClockException]) -> int:
    """Days covered by the exceptions, each day once."""
    return sum((end - start).days + 1 for start, end in _merged(exceptions))


def extended(statutory: datetime.date, exceptions: Iterable[ClockException]) -> datetime.date:
    """The deadline after the exceptions that began on or before it (as already moved by earlier ones).

    One that begins after the deadline has passed did not make it impractical to meet, so it
    does not move it (Reg 10(4): "if it is impractical to do so because ...").
    """
    due = statutory
    for start, end in _merged(exceptions):
        if start <= due:
            due += (end - start).days * DAY + DAY
    return due


def assessment_deadlines(received_on: datetime.date, exceptions: Iterable[ClockException] = ()) -> list[Deadline]:
    """The milestones of an EHC needs assessment from the day the LA received the request.

    Only Reg 10(4) exceptions move the 16-week notice, the draft target and the final plan; of
    those, only the ones marked as holding up the decision move the 6-week decision (Reg 5(4)).
    """
    lawful = [item for item in exceptions if excuses_the_la(item)]
    before_decision = [item for item in lawful if item.affects_decision]
    decision = weeks_after(received_on, DECISION_WEEKS)
    no_plan = weeks_after(received_on, NO_PLAN_WEEKS)
    draft = weeks_after(received_on, DRAFT_PLAN_TARGET_WEEKS)
    final = weeks_after(received_on, FINAL_PLAN_WEEKS)
    return [
        Deadline("decision", "Decide whether to assess", decision, extended(decision, before_decision)),
        Deadline("no_plan", "Notice if no plan will be made", no_plan, extended(no_plan, lawful)),
        Deadline(
            "draft_plan",
            "Issue the draft plan (Cairn's target, not a statutory date)",
            draft,
            extended(draft, lawful),
            is_target=True,
        ),
        Deadline("final_plan", "Issue the final plan", final, extended(final, lawful)),
    ]


def deadline(deadlines: Iterable[Deadline], key: str) -> Deadline:
    for item in deadlines:
        if item.key == key:
            return item
    raise KeyError(key)


def advice_due(requested_on: datetime.date, missed_appointments: Iterable[ClockException] = ()) -> datetime.date:
    """6 weeks after the advice was asked for (Reg 8(1)), later by the days lost to missed appointments.

    Reg 8(2) excuses the advice-giver when the child, parent or young person misses an appointment
    made during those 6 weeks; appointments missed outside them move nothing.
    """
    statutory = weeks_after(requested_on, ADVICE_WEEKS)
    missed = [
        item
        for item in missed_appointments
        if item.reason == MISSED_APPOINTMENT and requested_on <= item.starts_on <= statutory
    ]
    return extended(statutory, missed)


def representations_end(draft_served_on: datetime.date) -> datetime.date:
    """The last day of the family's 15 days, which begin with the day the draft is served (Reg 13(1))."""
    return draft_served_on + (REPRESENTATION_DAYS - 1) * DAY


def final_plan_may_issue_from(draft_served_on: datetime.date) -> datetime.date:
    """The first day the final plan may issue without the family saying they have finished (Reg 13(1))."""
    return draft_served_on + REPRESENTATION_DAYS * DAY


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day `months` later; the end of the month where that day does not exist (29 February)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    for candidate in (day.day, 30, 29, 28):
        try:
            return datetime.date(year, month, min(day.day, candidate))
        except ValueError:
            continue
    raise ValueError(f"No day of month for {day!r} + {months} months")  # pragma: no cover


def academic_year_end(on: datetime.date) -> int:
    """The calendar year in which the school year containing `on` ends (September to August)."""
    return on.year + 1 if on.month >= 9 else on.year


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


def young_person_from(date_of_birth: datetime.date) -> datetime.date:
    """The first day the child is a young person: over compulsory school age (CFA 2014 s83(2)).

    Compulsory school age ends on the school leaving date, the last Friday in June, of the school
    year in which the child turns 16 (Education Act 1996 s8(3); the School Leaving Date Order 1997):
    the end of Year 11.
    """
    birth_school_year = date_of_birth.year if date_of_birth.month >= 9 else date_of_birth.year - 1
    june_30 = datetime.date(birth_school_year + 17, 6, 30)
    last_friday = june_30 - datetime.timedelta(days=(june_30.weekday() - 4) % 7)
    return last_friday + DAY


def school_year_start(on: datetime.date) -> datetime.date:
    return datetime.date(academic_year_end(on) - 1, 9, 1)
