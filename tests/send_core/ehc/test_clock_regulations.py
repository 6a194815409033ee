"""The assessment clock against SI 2014/1530 Regs 5, 8, 10 and 13, with dates worked out by hand on a calendar."""

from __future__ import annotations

import datetime

import pytest

from send_core.ehc import clock

D = datetime.date
Exc = clock.ClockException


def dates(received, exceptions=()):
    return {item.key: item for item in clock.assessment_deadlines(received, exceptions)}


# --- The limits themselves (Reg 5(1), 10(1), 13(2)) -----------------------------------------


@pytest.mark.parametrize(
    ("received", "decision", "week_16", "week_20"),
    [
        # Tuesday 2 January 2024, a leap year: 29 days to 31 Jan, 29 to 29 Feb, 31 to 31 Mar, 23 to 23 Apr.
        (D(2024, 1, 2), D(2024, 2, 13), D(2024, 4, 23), D(2024, 5, 21)),
        # The same day in 2025: February has 28 days, so week 16 falls a day later in April.
        (D(2025, 1, 2), D(2025, 2, 13), D(2025, 4, 24), D(2025, 5, 22)),
        # Received on 29 February 2024: +42 days is 11 April; +140 days is 18 July.
        (D(2024, 2, 29), D(2024, 4, 11), D(2024, 6, 20), D(2024, 7, 18)),
        # Over the year end: Monday 1 December 2025 gives Monday 12 January and Monday 20 April 2026.
        (D(2025, 12, 1), D(2026, 1, 12), D(2026, 3, 23), D(2026, 4, 20)),
    ],
)
def test_six_sixteen_and_twenty_weeks_from_the_day_received(received, decision, week_16, week_20):
    got = dates(received)
    assert got["decision"].due == got["decision"].statutory == decision
    assert got["no_plan"].due == week_16
    assert got["draft_plan"].due == week_16
    assert got["final_plan"].due == week_20
    assert not any(item.is_extended for item in got.values())


def test_the_week_16_draft_is_cairns_target_not_a_statutory_date():
    got = dates(D(2026, 2, 2))
    assert got["draft_plan"].is_target
    assert "target" in got["draft_plan"].label and "not a statutory date" in got["draft_plan"].label
    assert not got["final_plan"].is_target and not got["no_plan"].is_target and not got["decision"].is_target


# --- Which circumstances excuse the LA (Reg 10(4), Reg 5(4), Reg 8(2)) ----------------------


def test_absence_from_the_area_of_less_than_four_weeks_is_not_an_exception():
    # Received Monday 2 February 2026: final plan Monday 22 June 2026.
    # Away 1–27 April: 27 days, short of the 4 weeks of Reg 10(4)(d).
    short = Exc("absent_from_area", D(2026, 4, 1), D(2026, 4, 27))
    assert not clock.excuses_the_la(short)
    assert dates(D(2026, 2, 2), [short])["final_plan"].due == D(2026, 6, 22)
    # Away 1–28 April: exactly 4 weeks, so 28 days later: 20 July.
    four_weeks = Exc("absent_from_area", D(2026, 4, 1), D(2026, 4, 28))
    assert clock.excuses_the_la(four_weeks)
    assert dates(D(2026, 2, 2), [four_weeks])["final_plan"].due == D(2026, 7, 20)


def test_exceptional_personal_circumstances_excuse_the_la_however_short():
    one_day = Exc("personal_circumstances", D(2026, 4, 1), D(2026, 4, 1))
    assert clock.excuses_the_la(one_day)
    assert dates(D(2026, 2, 2), [one_day])["final_plan"].due == D(2026, 6, 23)


def test_a_missed_appointment_never_moves_the_las_dates():
    missed = Exc("missed_appointment", D(2026, 3, 20), D(2026, 4, 2), affects_decision=True)
    assert not clock.excuses_the_la(missed)
    got = dates(D(2026, 2, 2), [missed])
    assert (got["decision"].due, got["final_plan"].due) == (D(2026, 3, 16), D(2026, 6, 22))


def test_an_unknown_reason_excuses_nothing():
    assert not clock.excuses_the_la(Exc("staff_shortage", D(2026, 4, 1), D(2026, 5, 30)))


def test_a_missed_appointment_moves_that_advices_own_due_date():
    # Advice asked Monday 2 March 2026: due 6 weeks later, Monday 13 April (Reg 8(1)).
    assert clock.advice_due(D(2026, 3, 2)) == D(2026, 4, 13)
    # The family missed the appointment of 20 March; the next was 2 April: 14 days, so 27 April (Reg 8(2)).
    missed = Exc("missed_appointment", D(2026, 3, 20), D(2026, 4, 2))
    assert clock.advice_due(D(2026, 3, 2), [missed]) == D(2026, 4, 27)
    # Missed on the last day of the 6 weeks still counts; the day after, or the day before asking, does not.
    assert clock.advice_due(D(2026, 3, 2), [Exc("missed_appointment", D(2026, 4, 13), D(2026, 4, 13))]) == D(
        2026, 4, 14
    )
    assert clock.advice_due(D(2026, 3, 2), [Exc("missed_appointment", D(2026, 4, 14), D(2026, 4, 20))]) == D(
        2026, 4, 13
    )
    assert clock.advice_due(D(2026, 3, 2), [Exc("missed_appointment", D(2026, 3, 1), D(2026, 3, 1))]) == D(2026, 4, 13)
    # The family's absence is the LA's exception, not the advice-giver's.
    assert clock.advice_due(D(2026, 3, 2), [Exc("absent_from_area", D(2026, 3, 3), D(2026, 4, 3))]) == D(2026, 4, 13)


def test_a_closure_counts_only_when_advice_was_asked_of_the_school_around_it():
    # Reg 10(4)(a): closed Monday 20 July to Wednesday 2 September 2026 (45 days), re-opening 3 September.
    # The window runs from one week before the closure (13 July) to one week before re-opening (27 August).
    assert clock.advice_asked_around_closure(D(2026, 7, 13), D(2026, 7, 20), D(2026, 9, 2))
    assert clock.advice_asked_around_closure(D(2026, 8, 27), D(2026, 7, 20), D(2026, 9, 2))
    assert not clock.advice_asked_around_closure(D(2026, 7, 12), D(2026, 7, 20), D(2026, 9, 2))
    assert not clock.advice_asked_around_closure(D(2026, 8, 28), D(2026, 7, 20), D(2026, 9, 2))
    # Received Monday 1 June 2026: final plan Monday 19 October; the 45 days move it to Thursday 3 December.
    summer = Exc("school_closure", D(2026, 7, 20), D(2026, 9, 2), advice_asked_on=D(2026, 7, 15))
    assert clock.excuses_the_la(summer)
    assert dates(D(2026, 6, 1), [summer])["final_plan"].due == D(2026, 12, 3)
    # Reg 10(4)(b): the same for an early-years provider.
    nursery = Exc("early_years_closure", D(2026, 7, 20), D(2026, 9, 2), advice_asked_on=D(2026, 8, 27))
    assert dates(D(2026, 6, 1), [nursery])["final_plan"].due == D(2026, 12, 3)
    # Asked too early, or no advice asked of the school at all: no exception.
    early = Exc("school_closure", D(2026, 7, 20), D(2026, 9, 2), advice_asked_on=D(2026, 7, 12))
    assert not clock.excuses_the_la(early)
    assert not clock.excuses_the_la(Exc("school_closure", D(2026, 7, 20), D(2026, 9, 2)))
    assert dates(D(2026, 6, 1), [early])["final_plan"].due == D(2026, 10, 19)


def test_a_closure_of_less_than_four_weeks_is_not_an_exception():
    # Closed 1–27 April 2026 (27 days); advice asked 30 March. One day longer (to 28 April) is 4 weeks.
    assert not clock.excuses_the_la(
        Exc("school_closure", D(2026, 4, 1), D(2026, 4, 27), advice_asked_on=D(2026, 3, 30))
    )
    assert clock.excuses_the_la(Exc("school_closure", D(2026, 4, 1), D(2026, 4, 28), advice_asked_on=D(2026, 3, 30)))


# --- An exception moves only the deadlines it made impractical ------------------------------


def test_an_exception_straddling_the_decision_moves_it_and_the_later_dates():
    # Received 2 February 2026; decision due 16 March. Personal circumstances 10–23 March (14 days)
    # began before it: decision 30 March, 16-week notice 25 May → 8 June, final 22 June → 6 July.
    straddling = Exc("personal_circumstances", D(2026, 3, 10), D(2026, 3, 23), affects_decision=True)
    got = dates(D(2026, 2, 2), [straddling])
    assert got["decision"].due == D(2026, 3, 30)
    assert got["no_plan"].due == D(2026, 6, 8)
    assert got["final_plan"].due == D(2026, 7, 6)
    assert got["final_plan"].statutory == D(2026, 6, 22) and got["final_plan"].is_extended


def test_an_exception_after_the_decision_date_does_not_move_the_decision():
    # Began 17 March, the day after the decision was due: the decision stays 16 March, later dates move 14 days.
    after = Exc("personal_circumstances", D(2026, 3, 17), D(2026, 3, 30), affects_decision=True)
    got = dates(D(2026, 2, 2), [after])
    assert got["decision"].due == D(2026, 3, 16) and not got["decision"].is_extended
    assert got["final_plan"].due == D(2026, 7, 6)


def test_an_exception_beginning_on_the_deadline_moves_it_and_one_the_day_after_does_not():
    on_the_day = Exc("personal_circumstances", D(2026, 6, 22), D(2026, 6, 22))
    assert dates(D(2026, 2, 2), [on_the_day])["final_plan"].due == D(2026, 6, 23)
    day_after = Exc("personal_circumstances", D(2026, 6, 23), D(2026, 7, 20))
    assert dates(D(2026, 2, 2), [day_after])["final_plan"].due == D(2026, 6, 22)
    # The 16-week notice (25 May) had passed before either began.
    assert dates(D(2026, 2, 2), [on_the_day, day_after])["no_plan"].due == D(2026, 5, 25)


def test_a_second_exception_counts_while_the_moved_deadline_has_not_passed():
    # Personal circumstances 1–30 April (30 days): final plan 22 June → 22 July, notice 25 May → 24 June.
    # Away 1–31 July (31 days) began after 22 June but before 22 July: the final plan moves again, to
    # 22 August; the notice, already passed on 24 June, does not.
    first = Exc("personal_circumstances", D(2026, 4, 1), D(2026, 4, 30))
    second = Exc("absent_from_area", D(2026, 7, 1), D(2026, 7, 31))
    got = dates(D(2026, 2, 2), [second, first])
    assert got["no_plan"].due == D(2026, 6, 24)
    assert got["final_plan"].due == D(2026, 8, 22)


def test_overlapping_and_touching_exceptions_count_each_day_once():
    # 1–10 April and 5–20 April overlap: 20 days, not 26; 21–25 April touches them: 25 days in all.
    runs = [
        Exc("personal_circumstances", D(2026, 4, 5), D(2026, 4, 20)),
        Exc("personal_circumstances", D(2026, 4, 1), D(2026, 4, 10)),
        Exc("personal_circumstances", D(2026, 4, 21), D(2026, 4, 25)),
    ]
    assert clock.exception_days(runs) == 25
    assert dates(D(2026, 2, 2), runs)["final_plan"].due == D(2026, 7, 17)
    # An exception recorded backwards covers nothing.
    assert clock.exception_days([Exc("personal_circumstances", D(2026, 4, 5), D(2026, 4, 4))]) == 0
    assert Exc("personal_circumstances", D(2026, 4, 5), D(2026, 4, 4)).days == 0


def test_a_leap_day_inside_an_exception_is_a_day_held_up():
    # Received Tuesday 2 January 2024: final plan Tuesday 21 May 2024. Away 15 February – 14 March 2024:
    # 15 days of February (with the 29th) and 14 of March, 29 days, so 19 June.
    away = Exc("absent_from_area", D(2024, 2, 15), D(2024, 3, 14))
    assert away.days == 29
    assert dates(D(2024, 1, 2), [away])["final_plan"].due == D(2024, 6, 19)


def test_deadline_lookup():
    got = clock.assessment_deadlines(D(2026, 2, 2))
    assert clock.deadline(got, "final_plan").due == D(2026, 6, 22)
    with pytest.raises(KeyError):
        clock.deadline(got, "nothing")


# --- The family's representations on the draft (Reg 13(1)) ---------------------------------


@pytest.mark.parametrize(
    ("served", "last_day", "final_from"),
    [
        (D(2026, 5, 25), D(2026, 6, 8), D(2026, 6, 9)),  # day + 14 is the 15th day beginning with the 25th
        (D(2025, 12, 20), D(2026, 1, 3), D(2026, 1, 4)),  # over the year end
        (D(2024, 2, 15), D(2024, 2, 29), D(2024, 3, 1)),  # ends on 29 February in a leap year
        (D(2025, 2, 15), D(2025, 3, 1), D(2025, 3, 2)),  # and on 1 March otherwise
    ],
)
def test_fifteen_days_beginning_with_the_day_the_draft_is_served(served, last_day, final_from):
    assert clock.representations_end(served) == last_day
    assert clock.final_plan_may_issue_from(served) == final_from


# --- Dates of the school year ---------------------------------------------------------------


def test_school_year_helpers():
    assert clock.academic_year_end(D(2026, 8, 31)) == 2026
    assert clock.academic_year_end(D(2026, 9, 1)) == 2027
    assert clock.school_year_start(D(2027, 3, 1)) == D(2026, 9, 1)
    assert clock.school_year_start(D(2026, 9, 1)) == D(2026, 9, 1)
    assert clock.add_months(D(2024, 1, 31), 1) == D(2024, 2, 29)
    assert clock.add_months(D(2025, 1, 31), 1) == D(2025, 2, 28)
    assert clock.add_months(D(2025, 3, 31), 1) == D(2025, 4, 30)
    assert clock.add_months(D(2025, 11, 15), 2) == D(2026, 1, 15)
    assert clock.weeks_after(D(2026, 2, 2), 1) == D(2026, 2, 9)


def test_nursery_years_and_the_last_school_year():
    # Born 31 August 2022: turns 5 on 31 August 2027, in the school year 2026/27 (Reception);
    # 2025/26 is Nursery 2, 2024/25 Nursery 1, and before that no year group.
    born = D(2022, 8, 31)
    assert clock.nc_year_on(born, D(2026, 9, 1)) == "R"
    assert clock.nc_year_on(born, D(2025, 9, 1)) == "N2"
    assert clock.nc_year_on(born, D(2024, 9, 1)) == "N1"
    assert clock.nc_year_on(born, D(2023, 9, 1)) == ""
    # Born 1 September 2007: Reception in 2012/13, so Year 14 in 2026/27; a year older has left.
    assert clock.nc_year_on(D(2007, 9, 1), D(2026, 9, 1)) == "14"
    assert clock.nc_year_on(D(2006, 9, 1), D(2026, 9, 1)) == ""
    assert clock.nc_year_on(D(2016, 5, 17), D(2026, 11, 23)) == "6"


@pytest.mark.parametrize(
    ("born", "young_person_from"),
    [
        # Year 11 in 2025/26; 30 June 2026 is a Tuesday, so the leaving date is Friday 26 June.
        (D(2009, 10, 1), D(2026, 6, 27)),
        # Turns 16 on 31 August 2026, after the leaving date: the same cohort, the same day.
        (D(2010, 8, 31), D(2026, 6, 27)),
        # Born 1 September 2010: Year 11 in 2026/27; 30 June 2027 is a Wednesday, so Friday 25 June.
        (D(2010, 9, 1), D(2027, 6, 26)),
        # Born on 29 February 2012: Year 11 in 2027/28; 30 June 2028 is itself a Friday.
        (D(2012, 2, 29), D(2028, 7, 1)),
    ],
)
def test_a_young_person_from_the_day_after_the_school_leaving_date(born, young_person_from):
    # CFA 2014 s83(2) with Education Act 1996 s8(3): compulsory school age ends on the last Friday in June.
    assert clock.young_person_from(born) == young_person_from


def test_each_milestone_is_named_for_the_caseworker():
    got = dates(D(2026, 2, 2))
    assert [item.key for item in clock.assessment_deadlines(D(2026, 2, 2))] == [
        "decision",
        "no_plan",
        "draft_plan",
        "final_plan",
    ]
    assert got["decision"].label == "Decide whether to assess"
    assert got["no_plan"].label == "Notice if no plan will be made"
    assert got["draft_plan"].label == "Issue the draft plan (Cairn's target, not a statutory date)"
    assert got["final_plan"].label == "Issue the final plan"
    with pytest.raises(KeyError, match="nothing"):
        clock.deadline(clock.assessment_deadlines(D(2026, 2, 2)), "nothing")


def test_edges_of_the_advice_and_exception_counts():
    # An appointment missed on the very day the advice was asked for is within the 6 weeks (Reg 8(2)).
    same_day = Exc("missed_appointment", D(2026, 3, 2), D(2026, 3, 2))
    assert clock.advice_due(D(2026, 3, 2), [same_day]) == D(2026, 4, 14)
    # An exception recorded backwards is skipped, and those after it still count (10–12 April: 3 days).
    backwards = Exc("personal_circumstances", D(2026, 4, 5), D(2026, 4, 4))
    later = Exc("personal_circumstances", D(2026, 4, 10), D(2026, 4, 12))
    assert clock.exception_days([backwards, later]) == 3
