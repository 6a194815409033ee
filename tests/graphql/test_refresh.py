"""Refreshing figures: worked out from a school's schema, stored without identifiers, on change and nightly."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from send_graphql import figures as figures_module
from send_graphql.models import EhcTimeliness, RefreshRun, RefreshStatus, RefreshTrigger, SchoolFigures
from send_graphql.services import refresh_organisation
from send_graphql.tasks import refresh_all_task, schedule_refresh

from tests.graphql.conftest import TODAY

pytestmark = pytest.mark.django_db


def test_a_refresh_counts_the_schools_own_pupils_and_nobody_elses(school_a, school_b, pupils):
    pupils(school_a, k=6, e=2, monitoring=3, plain=9, need="ASD")
    pupils(school_b, k=1, plain=4, need="SEMH")

    run = refresh_organisation(school_a, trigger=RefreshTrigger.OPERATOR)
    refresh_organisation(school_b, trigger=RefreshTrigger.OPERATOR)

    assert run.status == RefreshStatus.SUCCEEDED and run.finished_at
    a = SchoolFigures.objects.get(organisation=school_a, on=TODAY)
    assert (a.pupils_on_roll, a.sen_support, a.ehc_plan, a.monitoring) == (20, 6, 2, 3)
    assert a.by_primary_need == {"ASD": 8, "none": 0}
    assert a.by_sex == {"F": 8} and a.by_year_group == {"4": 8}
    b = SchoolFigures.objects.get(organisation=school_b, on=TODAY)
    assert (b.pupils_on_roll, b.sen_support, b.ehc_plan) == (5, 1, 0)
    assert b.by_primary_need == {"SEMH": 1, "none": 0}


def test_stored_figures_hold_counts_only_no_pupil_identifier(school_a, pupils):
    made = pupils(school_a, k=5, plain=2)
    refresh_organisation(school_a)
    row = SchoolFigures.objects.get(organisation=school_a, on=TODAY)
    stored = str({f.name: getattr(row, f.attname) for f in SchoolFigures._meta.fields})
    for pupil in made:
        assert pupil.upn not in stored and pupil.last_name not in stored and str(pupil.pk) not in str(row.by_sex)
    assert {f.name for f in SchoolFigures._meta.fields}.isdisjoint({"pupil", "upn", "name", "date_of_birth"})


def test_back_dated_figures_follow_the_dated_register(school_a, pupils, in_schema):
    pupils(school_a, k=5, since=TODAY - datetime.timedelta(days=40))
    pupils(school_a, k=6, since=TODAY - datetime.timedelta(days=400))
    from send_graphql.services import refresh_history

    refresh_history(school_a, [TODAY - datetime.timedelta(days=100)])
    earlier = SchoolFigures.objects.get(organisation=school_a, on=TODAY - datetime.timedelta(days=100))
    assert earlier.sen_support == 6


def test_reviews_on_time_and_outcomes_met(school_a, pupils, in_schema):
    from tests.send_core.factories import OutcomeProgressFactory, PlanOutcomeFactory, ReviewFactory, SupportPlanFactory

    on_time, late = pupils(school_a, k=2)
    with in_schema(school_a):
        for pupil, reviews in ((on_time, 3), (late, 1)):
            plan = SupportPlanFactory(pupil=pupil, status="active")
            outcome = PlanOutcomeFactory(plan=plan)
            for i in range(reviews):
                review = ReviewFactory(plan=plan, held_on=TODAY - datetime.timedelta(days=30 + 100 * i))
                OutcomeProgressFactory(review=review, outcome=outcome, progress="met" if i == 0 else "not_met")
    refresh_organisation(school_a)
    row = SchoolFigures.objects.get(organisation=school_a, on=TODAY)
    assert (row.plans_due_review, row.plans_reviewed_on_time) == (2, 1)
    assert (row.outcomes_judged, row.outcomes_met) == (4, 2)


def test_figures_from_parts_not_yet_installed_are_stored_as_not_available(school_a, pupils, monkeypatch):
    pupils(school_a, k=5)
    monkeypatch.setattr(figures_module, "SOURCES", {})
    run = refresh_organisation(school_a)
    row = SchoolFigures.objects.get(organisation=school_a, on=TODAY)
    assert row.sen_support_cost_total is None and row.ehc_requests_made is None
    assert set(run.not_available) == {"provision cost", "EHC requests"}


def test_figures_from_provision_and_ehc_selectors_when_they_exist(school_a, pupils, monkeypatch):
    at_k = pupils(school_a, k=5)
    calls = {}

    def annual_cost_by_pupil(*, year_start, year_end):
        calls["cost"] = (year_start, year_end)
        return {at_k[0].pk: Decimal("1200.50"), at_k[1].pk: Decimal("800"), 999999: Decimal("5000")}

    def school_request_figures(*, start, end):
        calls["ehc"] = (start, end)
        return {"requests_made": 7, "requests_agreed": 5}

    selectors = {"annual_cost_by_pupil": annual_cost_by_pupil, "school_request_figures": school_request_figures}
    monkeypatch.setattr(figures_module, "SOURCES", selectors)
    refresh_organisation(school_a)
    row = SchoolFigures.objects.get(organisation=school_a, on=TODAY)
    # Only the two costed pupils at SEN Support count, and one of them has more than half the cost.
    assert row.sen_support_cost_total == Decimal("2000.50") and row.sen_support_costed_pupils == 2
    assert row.sen_support_cost_dominated is True
    assert (row.ehc_requests_made, row.ehc_requests_agreed) == (7, 5)
    assert calls["cost"][0].month == 9 and calls["ehc"][1] == TODAY


def test_an_las_timeliness_comes_from_its_own_casework(la, monkeypatch):
    month = TODAY.replace(day=1)

    def la_timeliness_by_month(*, start, end):
        assert connection.schema_name == la.schema_name
        return [
            {
                "month": month,
                "requests_received": 12,
                "decisions_due": 10,
                "decisions_within_6_weeks": 8,
                "plans_due": 6,
                "plans_within_20_weeks": 5,
                "annual_reviews_due": 20,
                "annual_reviews_decided_within_4_weeks": 15,
            }
        ]

    monkeypatch.setattr(figures_module, "SOURCES", {"la_timeliness_by_month": la_timeliness_by_month})
    refresh_organisation(la)
    row = EhcTimeliness.objects.get(organisation=la, month=month)
    assert (row.requests_received, row.plans_within_20_weeks) == (12, 5)


def test_an_la_without_casework_records_it_as_not_available(la, monkeypatch):
    monkeypatch.setattr(figures_module, "SOURCES", {})
    run = refresh_organisation(la)
    assert run.status == RefreshStatus.SUCCEEDED and run.not_available == ["EHC timeliness"]
    assert not EhcTimeliness.objects.filter(organisation=la).exists()


def test_one_schools_failure_never_stops_the_rest(school_a, school_b, secondary, la, pupils, monkeypatch, settings):
    from send_platform.celery_app import app

    pupils(school_b, k=5)
    real = figures_module.compute_school_figures

    def broken_for_a(on):
        if connection.schema_name == school_a.schema_name:
            raise RuntimeError('duplicate key (name)=(Amelia Hart) in "pupils"')
        return real(on)

    monkeypatch.setattr("send_graphql.services.compute_school_figures", broken_for_a)
    settings.CAIRN_REPORTING_JITTER_SECONDS = 0
    previous = app.conf.task_always_eager, app.conf.task_eager_propagates
    app.conf.task_always_eager, app.conf.task_eager_propagates = True, False
    try:
        queued = refresh_all_task.apply(headers={"_schema_name": "public"}).get()
    finally:
        app.conf.task_always_eager, app.conf.task_eager_propagates = previous

    connection.set_schema_to_public()
    assert queued >= 4
    failed = RefreshRun.objects.get(organisation=school_a, trigger=RefreshTrigger.NIGHTLY)
    # The kind of failure and a fixed reason: never the message, which can quote a record.
    assert failed.status == RefreshStatus.FAILED
    assert failed.error == "RuntimeError: the figures could not be worked out (see the server log)."
    assert "Amelia" not in failed.error
    for other in (school_b, secondary, la):
        assert (
            RefreshRun.objects.get(organisation=other, trigger=RefreshTrigger.NIGHTLY).status == RefreshStatus.SUCCEEDED
        )
    assert SchoolFigures.objects.get(organisation=school_b, on=TODAY).sen_support == 5
    assert not SchoolFigures.objects.filter(organisation=school_a, on=TODAY).exists()


def test_nightly_refreshes_are_spread_out(school_a, school_b, monkeypatch, settings):
    from django.utils import timezone
    from send_graphql import tasks

    old = RefreshRun.objects.create(
        organisation=school_a, trigger="nightly", queued_at=timezone.now() - datetime.timedelta(days=40)
    )
    sent = []
    monkeypatch.setattr(tasks.refresh_organisation_task, "apply_async", lambda **kw: sent.append(kw))
    settings.CAIRN_REPORTING_JITTER_SECONDS = 3600
    tasks.refresh_all_task.run()
    countdowns = [kw["countdown"] for kw in sent]
    assert len(sent) >= 2 and all(0 <= c <= 3600 for c in countdowns) and len(set(countdowns)) > 1
    assert all(kw["headers"] == {"_schema_name": "public"} for kw in sent)
    assert not RefreshRun.objects.filter(pk=old.pk).exists()  # a month of history is kept


def test_saving_records_queues_one_refresh_however_many_change(
    school_a, pupils, monkeypatch, django_capture_on_commit_callbacks, settings
):
    from django.core.cache import cache
    from send_graphql import tasks

    cache.clear()
    sent = []
    monkeypatch.setattr(tasks.refresh_organisation_task, "apply_async", lambda **kw: sent.append(kw))
    settings.CAIRN_REPORTING_DEBOUNCE_SECONDS = 90
    with django_capture_on_commit_callbacks(execute=True):
        pupils(school_a, k=3, plain=2)
    assert len(sent) == 1 and sent[0]["countdown"] == 90
    run = RefreshRun.objects.get(pk=sent[0]["args"][1])
    assert run.organisation == school_a and run.trigger == RefreshTrigger.CHANGE and run.status == RefreshStatus.QUEUED


def test_a_trust_is_not_refreshed_on_its_own(trust):
    assert schedule_refresh(trust) is False


def test_the_demo_seeder_refreshes_every_school_and_la_with_a_years_history(school_a, la, trust, pupils):
    from send_graphql.demo import HISTORY_MONTHS, seed_demo_reporting

    pupils(school_a, k=6, plain=4)
    organisations = {"ashgrove": school_a, "testshire": la, "northway": trust}
    seed_demo_reporting(organisations)
    seed_demo_reporting(organisations)  # idempotent: the same rows rewritten

    rows = SchoolFigures.objects.filter(organisation=school_a)
    assert rows.count() == HISTORY_MONTHS + 1
    assert rows.get(on=TODAY).sen_support == 6
    assert RefreshRun.objects.filter(organisation=la, trigger=RefreshTrigger.DEMO).count() == 2
    assert not RefreshRun.objects.filter(organisation=trust).exists()


def test_with_the_provision_and_ehc_parts_installed_every_figure_is_worked_out(school_a, la, pupils):
    pupils(school_a, k=5)
    run = refresh_organisation(school_a)
    row = SchoolFigures.objects.get(organisation=school_a, on=TODAY)
    assert run.not_available == []
    assert row.sen_support_cost_total == Decimal("0.00") and row.sen_support_costed_pupils == 0
    assert row.sen_support_cost_dominated is False
    assert (row.ehc_requests_made, row.ehc_requests_agreed) == (0, 0)
    assert refresh_organisation(la).status == RefreshStatus.SUCCEEDED


def test_the_cost_share_is_stored_as_counts_only(school_a, pupils, monkeypatch):
    at_k = pupils(school_a, k=6)
    costs = {p.pk: Decimal("100") for p in at_k[:5]} | {at_k[5].pk: Decimal("0")}
    monkeypatch.setattr(figures_module, "SOURCES", {"annual_cost_by_pupil": lambda **_: costs})
    refresh_organisation(school_a)
    row = SchoolFigures.objects.get(organisation=school_a, on=TODAY)
    assert (row.sen_support_cost_total, row.sen_support_costed_pupils) == (Decimal("500.00"), 5)
    assert row.sen_support_cost_dominated is False


def test_an_mis_import_written_in_bulk_queues_a_refresh_too(
    school_a, member, monkeypatch, django_capture_on_commit_callbacks, in_schema
):
    import io

    from django.core.cache import cache
    from send_graphql import tasks

    from send_core.services.importing import import_pupils
    from tests.send_core.test_importing import _csv, _row

    office = member(school_a, "school_admin")
    cache.clear()
    sent = []
    monkeypatch.setattr(tasks.refresh_organisation_task, "apply_async", lambda **kw: sent.append(kw))
    with in_schema(school_a), django_capture_on_commit_callbacks(execute=True):
        assert import_pupils(io.BytesIO(_csv([_row(1), _row(2)])), imported_by=office).created == 2
    assert [kw["args"][0] for kw in sent] == [school_a.pk]


def test_two_refreshes_of_one_organisation_never_run_at_once(school_a, pupils, monkeypatch):
    """The refresh holds an advisory lock on the organisation for its whole work."""
    from django.db import connection
    from send_graphql import services

    held = []

    def observe(organisation, on):
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND classid = %s AND objid = %s AND granted",
                [services.REFRESH_LOCK_SPACE, organisation.pk],
            )
            held.append(cursor.fetchone()[0])
        return []

    monkeypatch.setattr(services, "_refresh", observe)
    services.refresh_organisation(school_a)
    assert held == [1]
