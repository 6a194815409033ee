"""A save answers normally while the cache or the broker is away, and the reporting refresh it owes is not lost."""

from __future__ import annotations

import datetime
import socket

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import override_settings
from django.utils import timezone
from send_graphql import tasks
from send_graphql.models import RefreshRun, RefreshStatus, RefreshTrigger

from send_core.models import PupilNeed, RegisterEntry
from tests.send_core.factories import PupilFactory

pytestmark = pytest.mark.django_db


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _cache_away() -> override_settings:
    cache = dict(settings.CACHES["default"])
    cache.update(
        BACKEND="django.core.cache.backends.redis.RedisCache",
        LOCATION=f"redis://127.0.0.1:{_closed_port()}/0",
        OPTIONS={"socket_connect_timeout": 1, "socket_timeout": 1},
    )
    return override_settings(CACHES={"default": cache})


@pytest.fixture
def sent(monkeypatch):
    """The refresh tasks handed to the broker (none really leaves the test)."""
    handed = []
    monkeypatch.setattr(tasks.refresh_organisation_task, "apply_async", lambda **kw: handed.append(kw))
    return handed


@pytest.fixture
def broker_away(monkeypatch):
    def refuse(**kw):
        raise ConnectionRefusedError("broker refused")

    monkeypatch.setattr(tasks.refresh_organisation_task, "apply_async", refuse)


@pytest.fixture
def pupil(school_a, school_b, in_schema):
    with in_schema(school_a):
        return PupilFactory(legal_first_name="Nadia", school_class=None)


def _change_stage(client_for, member, school_a, pupil):
    senco = member(school_a, "senco")
    return client_for(senco, school_a).post(
        f"/pupils/{pupil.pk}/register/change/",
        {"stage_key": "monitoring", "reason": "Reading age two years behind"},
    )


def _not_in_school_b(school_b, in_schema, pupil):
    with in_schema(school_b):
        assert not RegisterEntry.objects.filter(pupil_id=pupil.pk).exists()
        assert not PupilNeed.objects.filter(pupil_id=pupil.pk).exists()
    assert not RefreshRun.objects.filter(organisation=school_b).exists()


def test_a_form_post_with_the_cache_away_saves_and_still_queues_one_refresh(
    client_for, member, school_a, school_b, pupil, in_schema, sent, django_capture_on_commit_callbacks
):
    with _cache_away(), django_capture_on_commit_callbacks(execute=True):
        response = _change_stage(client_for, member, school_a, pupil)
    assert response.status_code == 302, response.content.decode()[:500]
    with in_schema(school_a):
        assert RegisterEntry.objects.filter(pupil_id=pupil.pk, ended_on__isnull=True).count() == 1
    # The database kept the debounce window the cache could not: one refresh, not one per row saved.
    assert len(sent) == 1
    assert RefreshRun.objects.get(pk=sent[0]["args"][1]).trigger == RefreshTrigger.CHANGE
    _not_in_school_b(school_b, in_schema, pupil)


def test_an_api_post_with_the_cache_away_is_not_throttled_into_an_error(
    client_for, member, school_a, school_b, pupil, in_schema, sent, django_capture_on_commit_callbacks, caplog
):
    client = client_for(member(school_a, "senco"), school_a)
    with _cache_away(), django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/api/v1/pupils/{pupil.pk}/needs/",
            {"need_type": "SLCN", "rank": "primary"},
            content_type="application/json",
        )
    assert response.status_code == 201, response.content.decode()[:500]
    with in_schema(school_a):
        assert PupilNeed.objects.filter(pupil_id=pupil.pk, need_type="SLCN").count() == 1
    assert "API throttle skipped: the cache is unreachable" in caplog.text
    assert "Nadia" not in caplog.text
    assert len(sent) == 1
    _not_in_school_b(school_b, in_schema, pupil)


def test_a_save_answers_normally_when_scheduling_fails_outright(
    client_for, member, school_a, school_b, pupil, in_schema, monkeypatch, django_capture_on_commit_callbacks
):
    def broken(organisation):
        raise TimeoutError("cache and broker both hung")

    monkeypatch.setattr(tasks, "schedule_refresh", broken)
    with django_capture_on_commit_callbacks(execute=True):
        response = _change_stage(client_for, member, school_a, pupil)
    assert response.status_code == 302
    with in_schema(school_a):
        assert RegisterEntry.objects.filter(pupil_id=pupil.pk).count() == 1
    _not_in_school_b(school_b, in_schema, pupil)


def test_a_refresh_the_broker_could_not_take_is_kept_and_queued_by_the_next_sweep(
    client_for,
    member,
    school_a,
    school_b,
    pupil,
    in_schema,
    broker_away,
    monkeypatch,
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        response = _change_stage(client_for, member, school_a, pupil)
    assert response.status_code == 302
    run = RefreshRun.objects.get(organisation=school_a)
    assert (run.status, run.error) == (RefreshStatus.QUEUED, tasks.NOT_QUEUED)

    # Still away at the first sweep: the run stays owed.
    assert tasks.make_good_refreshes_task.run()["requeued"] == 0
    handed = []
    monkeypatch.setattr(tasks.refresh_organisation_task, "apply_async", lambda **kw: handed.append(kw))
    assert tasks.make_good_refreshes_task.run()["requeued"] == 1
    assert [kw["args"] for kw in handed] == [[school_a.pk, run.pk]]
    run.refresh_from_db()
    assert (run.status, run.error) == (RefreshStatus.QUEUED, "")
    # Queued once: the next sweep has nothing more to send.
    assert tasks.make_good_refreshes_task.run()["requeued"] == 0
    assert len(handed) == 1
    _not_in_school_b(school_b, in_schema, pupil)


def test_a_run_left_running_by_a_lost_worker_is_failed_and_done_again(school_a, school_b, sent, settings):
    settings.CELERY_TASK_TIME_LIMIT = 900
    now = timezone.now()
    # Started 16 minutes ago: past the 15-minute limit and the minute's grace.
    lost = RefreshRun.objects.create(
        organisation=school_a,
        trigger=RefreshTrigger.NIGHTLY,
        status=RefreshStatus.RUNNING,
        started_at=now - datetime.timedelta(minutes=16, seconds=1),
    )
    # Started 10 minutes ago: still within its limit, left alone.
    busy = RefreshRun.objects.create(
        organisation=school_b,
        trigger=RefreshTrigger.NIGHTLY,
        status=RefreshStatus.RUNNING,
        started_at=now - datetime.timedelta(minutes=10),
    )
    assert tasks.make_good_refreshes_task.run() == {"stale": 1, "requeued": 0, "redone": 1}
    lost.refresh_from_db()
    busy.refresh_from_db()
    assert (lost.status, lost.error) == (RefreshStatus.FAILED, tasks.STOPPED) and lost.finished_at
    assert busy.status == RefreshStatus.RUNNING
    again = RefreshRun.objects.get(pk=sent[0]["args"][1])
    assert (again.organisation, again.trigger, again.status) == (school_a, RefreshTrigger.NIGHTLY, RefreshStatus.QUEUED)
    assert [kw["args"][0] for kw in sent] == [school_a.pk]


def test_a_run_killed_three_times_in_a_day_waits_for_an_operator(school_a, sent, settings):
    settings.CELERY_TASK_TIME_LIMIT = 900
    now = timezone.now()
    for hours in (5, 3):
        RefreshRun.objects.create(
            organisation=school_a,
            trigger=RefreshTrigger.NIGHTLY,
            status=RefreshStatus.FAILED,
            error=tasks.STOPPED,
            finished_at=now - datetime.timedelta(hours=hours),
        )
    RefreshRun.objects.create(
        organisation=school_a,
        trigger=RefreshTrigger.NIGHTLY,
        status=RefreshStatus.RUNNING,
        started_at=now - datetime.timedelta(hours=1),
    )
    assert tasks.make_good_refreshes_task.run() == {"stale": 1, "requeued": 0, "redone": 0}
    assert sent == []


def test_a_finished_run_delivered_again_is_not_redone(school_a, monkeypatch):
    run = RefreshRun.objects.create(
        organisation=school_a, trigger=RefreshTrigger.CHANGE, status=RefreshStatus.SUCCEEDED, finished_at=timezone.now()
    )
    monkeypatch.setattr(tasks, "refresh_organisation", lambda *a, **k: pytest.fail("refreshed twice"))
    connection.set_schema_to_public()
    assert tasks.refresh_organisation_task.run(school_a.pk, run.pk) == "done"


def test_reporting_answers_are_worked_out_afresh_while_the_cache_is_away(school_a, school_b, member, gql, caplog):
    from tests.graphql.conftest import figures_row

    figures_row(school_a, sen_support=30)
    figures_row(school_b, sen_support=40)
    senco = member(school_a, "senco")
    with _cache_away():
        status, body = gql(senco, school_a, "{ schools { slug } }")
    assert status == 200, body
    assert [s["slug"] for s in body["data"]["schools"]] == ["ashgrove"]  # never school B
    assert "Reporting answers not cached: the cache is unreachable" in caplog.text
