"""The LA's view of its cases: the timeline, deadlines this week, caseload, timeliness figures, reminders."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.utils import timezone

from send_core.ehc import reminders
from send_core.ehc.casework import selectors as case_reads
from send_core.ehc.casework import services as case_acts
from send_core.ehc.models import ClockException, EhcCase, EhcRequest, Reminder
from send_core.ehc.requests import selectors as school_reads

pytestmark = pytest.mark.django_db


def make_case(received_on: datetime.date, n: int = 1, **fields) -> EhcCase:
    defaults = dict(
        reference=f"EHC-{received_on.year}-{n:04d}",
        school_id=1,
        school_name="Ashgrove Primary School",
        school_pupil_id=n,
        received_on=received_on,
        first_name="Amara",
        last_name="Okafor",
        date_of_birth=datetime.date(2017, 3, 4),
    )
    defaults.update(fields)
    return EhcCase.objects.create(**defaults)


def test_the_timeline_shows_statutory_and_moved_dates(in_schema, la, people):
    today = datetime.date(2026, 3, 20)
    with in_schema(la):
        case = make_case(datetime.date(2026, 2, 2), decision_on=datetime.date(2026, 3, 10), status="assessing")
        ClockException.objects.create(
            case=case,
            reason="absent_from_area",
            starts_on=datetime.date(2026, 4, 1),
            ends_on=datetime.date(2026, 4, 30),
            notes="Away",
        )
        timeline = {m.key: m for m in case_reads.case_timeline(case_reads.get_case(case.pk), today=today)}
    assert timeline["decision"].state == "done" and timeline["decision"].due == datetime.date(2026, 3, 16)
    assert timeline["final_plan"].statutory == datetime.date(2026, 6, 22)
    assert timeline["final_plan"].due == datetime.date(2026, 7, 22)
    assert timeline["final_plan"].is_extended and timeline["final_plan"].state == "upcoming"


def test_a_late_decision_shows_as_late_and_a_missed_one_as_overdue(in_schema, la):
    with in_schema(la):
        late = make_case(datetime.date(2026, 2, 2), 1, decision_on=datetime.date(2026, 3, 20), status="assessing")
        missed = make_case(datetime.date(2026, 2, 2), 2)
        on = datetime.date(2026, 3, 20)
        assert {m.key: m.state for m in case_reads.case_timeline(late, today=on)}["decision"] == "late"
        assert {m.key: m.state for m in case_reads.case_timeline(missed, today=on)}["decision"] == "overdue"
        assert [row.case.pk for row in case_reads.overdue(today=on)] == [missed.pk]


def test_recording_an_exception_moves_the_deadlines_and_needs_its_story(in_schema, la, people):
    with in_schema(la):
        case = make_case(datetime.date(2026, 2, 2))
        with pytest.raises(Exception):
            case_acts.record_clock_exception(
                case,
                recorded_by=people.caseworker,
                reason="personal_circumstances",
                starts_on=datetime.date(2026, 2, 10),
                ends_on=datetime.date(2026, 2, 16),
                notes="",
            )
        case_acts.record_clock_exception(
            case,
            recorded_by=people.caseworker,
            reason="personal_circumstances",
            starts_on=datetime.date(2026, 2, 10),
            ends_on=datetime.date(2026, 2, 16),
            affects_decision=True,
            notes="Bereavement",
        )
        deadlines = {d.key: d for d in case_reads.case_deadlines(case_reads.get_case(case.pk))}
    assert deadlines["decision"].due == datetime.date(2026, 3, 23)
    assert deadlines["final_plan"].due == datetime.date(2026, 6, 29)


def test_deadlines_this_week_and_caseload(in_schema, la, people, django_assert_max_num_queries):
    on = datetime.date(2026, 3, 14)  # decisions fall due from 16 to 20 March
    with in_schema(la):
        for n in range(1, 21):
            make_case(
                datetime.date(2026, 2, 2) + datetime.timedelta(days=n % 5),
                n,
                caseworker=people.caseworker if n % 2 else None,
            )
        with django_assert_max_num_queries(6):
            week = case_reads.deadlines_between(on, on + datetime.timedelta(days=6), today=on)
        assert len(week) == 20 and all(row.milestone.key == "decision" for row in week)
        assert week == sorted(week, key=lambda row: (row.milestone.due, row.case.reference))
        with django_assert_max_num_queries(6):
            load = case_reads.caseload(today=on)
        assert load[0].caseworker is None and len(load[0].open_cases) == 10
        assert load[1].caseworker.pk == people.caseworker.pk and load[1].due_this_week == 10


def test_timeliness_by_month(in_schema, la):
    with in_schema(la):
        make_case(
            datetime.date(2026, 1, 5), 1, decision_on=datetime.date(2026, 2, 10), status="assessing"
        )  # due 16 Feb: on time
        make_case(
            datetime.date(2026, 1, 6), 2, decision_on=datetime.date(2026, 2, 20), status="assessing"
        )  # due 17 Feb: late
        make_case(datetime.date(2026, 1, 7), 3)  # due 18 Feb, never decided: counts as due, not on time
        make_case(
            datetime.date(2025, 9, 1),
            4,
            decision_on=datetime.date(2025, 10, 1),
            final_issued_on=datetime.date(2026, 1, 15),
            status="plan_issued",
        )  # final due 19 January 2026: on time
        rows = case_reads.la_timeliness_by_month(
            start=datetime.date(2026, 1, 1), end=datetime.date(2026, 2, 28), today=datetime.date(2026, 3, 1)
        )
    by_month = {row["month"]: row for row in rows}
    assert by_month[datetime.date(2026, 1, 1)]["requests_received"] == 3
    assert by_month[datetime.date(2026, 1, 1)]["plans_due"] == 1
    assert by_month[datetime.date(2026, 1, 1)]["plans_within_20_weeks"] == 1
    february = by_month[datetime.date(2026, 2, 1)]
    assert (february["decisions_due"], february["decisions_within_6_weeks"]) == (3, 1)


def test_school_request_figures(in_schema, school_a, people):
    from ..conftest import make_ready_pupil

    with in_schema(school_a):
        pupil = make_ready_pupil()
        EhcRequest.objects.create(pupil=pupil, status="assessing", submitted_on=datetime.date(2026, 1, 10))
        EhcRequest.objects.create(pupil=pupil, status="not_assessing", submitted_on=datetime.date(2026, 2, 10))
        EhcRequest.objects.create(pupil=pupil, status="draft")
        figures = school_reads.school_request_figures(start=datetime.date(2026, 1, 1), end=datetime.date(2026, 12, 31))
    assert figures == {"requests_made": 2, "requests_agreed": 1}


def test_reminders_go_once_to_the_owner_and_name_the_child_only_by_initials_by_email(in_schema, la, people, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    received = datetime.date(2026, 2, 2)
    with in_schema(la):
        make_case(received, 1, caseworker=people.caseworker)
        unallocated = make_case(received, 2, first_name="Ben", last_name="Hall")
        week_before = datetime.date(2026, 3, 9)  # decision due 16 March
        assert (
            reminders.send_reminders(week_before) == 2
        )  # the caseworker, and the SEN manager for the unallocated case
        assert reminders.send_reminders(week_before) == 0
        mine = Reminder.objects.get(user_id=people.caseworker.pk)
        assert mine.text == "Decide whether to assess for Amara Okafor (EHC-2026-0001): due by 16 March 2026."
        managers = Reminder.objects.get(user_id=people.manager.pk)
        assert managers.object_id == unallocated.pk
        assert reminders.send_reminders(datetime.date(2026, 3, 10)) == 0  # not a reminder day
        assert reminders.send_reminders(datetime.date(2026, 3, 17)) == 2  # overdue, once
        assert reminders.send_reminders(datetime.date(2026, 3, 18)) == 0
    bodies = [message.body for message in mail.outbox]
    assert len(bodies) == 4
    assert all("Okafor" not in body and "Hall" not in body for body in bodies)
    to_caseworker = [m.body for m in mail.outbox if m.to == [people.caseworker.email]]
    assert "Decide whether to assess for A. O. (EHC-2026-0001): due by 16 March 2026." in to_caseworker[0]


def test_schools_are_reminded_of_annual_reviews_and_phase_transfers(in_schema, school_a, member, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    from send_core.ehc.models import EhcPlan

    from ..conftest import make_ready_pupil

    senco = member(school_a, "senco")
    with in_schema(school_a):
        pupil = make_ready_pupil()
        pupil.nc_year = "6"
        pupil.save()
        EhcPlan.objects.create(pupil=pupil, status="final", issued_on=datetime.date(2025, 12, 1))
        items = {item.deadline_key: item for item in reminders.due_items(datetime.date(2026, 11, 23))}
        # 12 months starting with 1 December 2025 end on 30 November 2026 (CFA 2014 s44(1)): a week ahead.
        assert items["annual_review"].due_on == datetime.date(2026, 11, 30)
        assert items["phase_transfer"].due_on == datetime.date(2027, 2, 15)
        assert reminders.send_reminders(datetime.date(2026, 11, 23)) == 1
        assert Reminder.objects.get().user_id == senco.pk
    assert timezone.now()


def test_the_senco_dashboard_lists_requests_with_the_la_and_annual_reviews_due(in_schema, school_a, people, client_for):
    from send_core.ehc.models import AnnualReview, EhcPlan

    from ..conftest import make_ready_pupil

    today = timezone.localdate()
    with in_schema(school_a):
        waiting = make_ready_pupil()
        EhcRequest.objects.create(
            pupil=waiting, status="information_requested", submitted_on=today, status_changed_on=today
        )
        due_soon, overdue, later = make_ready_pupil(), make_ready_pupil(), make_ready_pupil()
        EhcPlan.objects.create(pupil=due_soon, status="final", issued_on=today - datetime.timedelta(days=340))
        EhcPlan.objects.create(pupil=overdue, status="final", issued_on=today - datetime.timedelta(days=800))
        AnnualReview.objects.create(
            pupil=overdue, due_by=today, meeting_on=today - datetime.timedelta(days=370), invitations_sent_on=None
        )
        EhcPlan.objects.create(pupil=later, status="final", issued_on=today - datetime.timedelta(days=30))
        due = school_reads.annual_reviews_due(on=today)
        assert [(row.pupil.pk, row.overdue) for row in due] == [(overdue.pk, True), (due_soon.pk, False)]
    page = client_for(people.senco, school_a).get("/send/").content.decode()
    assert "Requests with the local authority (1)" in page and "The LA has asked for more information" in page
    assert "Annual reviews due in the next 8 weeks or overdue (2)" in page


def test_school_reminders_cost_the_same_queries_for_3_or_15_pupils_with_plans(in_schema, school_a, member):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from send_core.ehc.models import EhcPlan
    from tests.send_core.factories import PupilFactory

    member(school_a, "senco")
    on = datetime.date(2026, 11, 23)
    counts = []
    with in_schema(school_a):
        for total in (3, 15):
            while EhcPlan.objects.filter(pupil__isnull=False).count() < total:
                EhcPlan.objects.create(
                    pupil=PupilFactory(nc_year="6"), status="final", issued_on=datetime.date(2025, 11, 27)
                )
            with CaptureQueriesContext(connection) as queries:
                items = reminders.due_items(on)
            counts.append(len(queries))
            assert len([i for i in items if i.deadline_key == "annual_review"]) == total
    assert counts[0] == counts[1], counts
