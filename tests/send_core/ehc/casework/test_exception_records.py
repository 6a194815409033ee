"""Recording exceptions to the time limits: only Reg 10(4) ones move the LA's dates; a missed appointment
moves only its advice's due date (Reg 8(2)); the "within 20 weeks" figure counts lawful exceptions only."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError

from send_core.ehc.casework import selectors as case_reads
from send_core.ehc.casework import services as case_acts
from send_core.ehc.models import AdviceRequest, ClockException, EhcCase

from .test_casework import make_case

pytestmark = pytest.mark.django_db
D = datetime.date


def assessing_case(received_on: datetime.date = D(2026, 2, 2), n: int = 1) -> EhcCase:
    return make_case(received_on, n, status="assessing", decision_on=received_on + datetime.timedelta(days=30))


def record(case, people, **fields):
    defaults = dict(recorded_by=people.caseworker, notes="What happened.")
    defaults.update(fields)
    return case_acts.record_clock_exception(case, **defaults)


def test_a_missed_appointment_moves_the_advice_not_the_las_dates(in_schema, la, people):
    with in_schema(la):
        case = assessing_case()
        # Asked Monday 2 March 2026: due Monday 13 April. Missed 20 March, seen 2 April: 14 days, so 27 April.
        advice = AdviceRequest.objects.create(
            case=case, source="educational_psychology", requested_on=D(2026, 3, 2), due_on=D(2026, 4, 13)
        )
        with pytest.raises(ValidationError) as refused:
            record(case, people, reason="missed_appointment", starts_on=D(2026, 3, 20), ends_on=D(2026, 4, 2))
        assert "advice" in refused.value.message_dict
        record(
            case, people, reason="missed_appointment", starts_on=D(2026, 3, 20), ends_on=D(2026, 4, 2), advice=advice
        )
        advice.refresh_from_db()
        assert advice.due_on == D(2026, 4, 27)
        timeline = {m.key: m for m in case_reads.case_timeline(case_reads.get_case(case.pk), today=D(2026, 3, 25))}
        assert timeline["final_plan"].due == D(2026, 6, 22) and not timeline["final_plan"].is_extended
        assert timeline[f"advice_{advice.pk}"].due == D(2026, 4, 27)
        # Missed after the 6 weeks were up: not a Reg 8(2) matter.
        with pytest.raises(ValidationError, match="during the 6 weeks"):
            record(
                case,
                people,
                reason="missed_appointment",
                starts_on=D(2026, 4, 28),
                ends_on=D(2026, 4, 30),
                advice=advice,
            )


def test_an_absence_shorter_than_4_weeks_is_refused(in_schema, la, people):
    with in_schema(la):
        case = assessing_case()
        with pytest.raises(ValidationError) as refused:
            record(case, people, reason="absent_from_area", starts_on=D(2026, 4, 1), ends_on=D(2026, 4, 27))
        assert "27 days" in refused.value.message_dict["ends_on"][0]
        assert not ClockException.objects.exists()
        record(case, people, reason="absent_from_area", starts_on=D(2026, 4, 1), ends_on=D(2026, 4, 28))
        timeline = {m.key: m for m in case_reads.case_timeline(case_reads.get_case(case.pk), today=D(2026, 4, 1))}
        assert timeline["final_plan"].due == D(2026, 7, 20)


def test_a_closure_needs_the_advice_asked_of_the_school_around_it(in_schema, la, people):
    with in_schema(la):
        case = assessing_case(D(2026, 6, 1))
        early = AdviceRequest.objects.create(
            case=case, source="school", requested_on=D(2026, 7, 6), due_on=D(2026, 8, 17)
        )
        in_time = AdviceRequest.objects.create(
            case=case, source="school", requested_on=D(2026, 7, 15), due_on=D(2026, 8, 26)
        )
        summer = dict(reason="school_closure", starts_on=D(2026, 7, 20), ends_on=D(2026, 9, 2))
        with pytest.raises(ValidationError, match="a week before it closed"):
            record(case, people, **summer, advice=early)
        with pytest.raises(ValidationError, match="at least 4 weeks"):
            record(
                case, people, reason="school_closure", starts_on=D(2026, 7, 20), ends_on=D(2026, 8, 15), advice=in_time
            )
        record(case, people, **summer, advice=in_time)
        # Received Monday 1 June 2026: final plan Monday 19 October; 45 days closed move it to 3 December.
        timeline = {m.key: m for m in case_reads.case_timeline(case_reads.get_case(case.pk), today=D(2026, 7, 20))}
        assert timeline["final_plan"].due == D(2026, 12, 3)


def test_advice_from_another_case_is_refused(in_schema, la, people):
    with in_schema(la):
        case, other = assessing_case(n=1), assessing_case(n=2)
        foreign = AdviceRequest.objects.create(
            case=other, source="health", requested_on=D(2026, 3, 2), due_on=D(2026, 4, 13)
        )
        with pytest.raises(ValidationError) as refused:
            record(
                case,
                people,
                reason="missed_appointment",
                starts_on=D(2026, 3, 20),
                ends_on=D(2026, 3, 20),
                advice=foreign,
            )
        assert "this case" in refused.value.message_dict["advice"][0]


def test_the_20_week_figure_counts_lawful_exceptions_only(in_schema, la):
    with in_schema(la):
        # Both received 2 February 2026 (final plan due 22 June) and finalised on 2 July, 10 days late in law.
        missed = make_case(D(2026, 2, 2), 1, status="plan_issued", final_issued_on=D(2026, 7, 2))
        short_absence = make_case(D(2026, 2, 2), 2, status="plan_issued", final_issued_on=D(2026, 7, 2))
        lawful = make_case(D(2026, 2, 2), 3, status="plan_issued", final_issued_on=D(2026, 7, 2))
        ClockException.objects.create(
            case=missed, reason="missed_appointment", starts_on=D(2026, 4, 1), ends_on=D(2026, 4, 14), notes="x"
        )
        ClockException.objects.create(
            case=short_absence, reason="absent_from_area", starts_on=D(2026, 4, 1), ends_on=D(2026, 4, 14), notes="x"
        )
        # Exceptional personal circumstances 1–14 April (14 days): due 6 July, so 2 July is in time.
        ClockException.objects.create(
            case=lawful, reason="personal_circumstances", starts_on=D(2026, 4, 1), ends_on=D(2026, 4, 14), notes="x"
        )
        rows = case_reads.la_timeliness_by_month(start=D(2026, 1, 1), end=D(2026, 12, 31), today=D(2026, 11, 1))
    by_month = {row["month"]: row for row in rows}
    assert (by_month[D(2026, 6, 1)]["plans_due"], by_month[D(2026, 6, 1)]["plans_within_20_weeks"]) == (2, 0)
    assert (by_month[D(2026, 7, 1)]["plans_due"], by_month[D(2026, 7, 1)]["plans_within_20_weeks"]) == (1, 1)


def test_an_exception_after_the_final_deadline_does_not_rescue_a_late_plan(in_schema, la):
    with in_schema(la):
        # Final plan due 22 June 2026; personal circumstances from 23 June did not make that date impractical.
        case = make_case(D(2026, 2, 2), 1, status="plan_issued", final_issued_on=D(2026, 7, 2))
        ClockException.objects.create(
            case=case, reason="personal_circumstances", starts_on=D(2026, 6, 23), ends_on=D(2026, 7, 20), notes="x"
        )
        rows = case_reads.la_timeliness_by_month(start=D(2026, 1, 1), end=D(2026, 12, 31), today=D(2026, 11, 1))
    june = next(row for row in rows if row["month"] == D(2026, 6, 1))
    assert (june["plans_due"], june["plans_within_20_weeks"]) == (1, 0)
