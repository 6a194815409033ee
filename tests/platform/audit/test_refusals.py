"""Refusals are recorded in the refused person's own trail, throttled, and carry no text of theirs."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django_tenants.utils import schema_context
from send_platform.audit.models import AuditEvent
from send_platform.audit.services import REFUSALS_PER_MINUTE


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


def _trail(organisation=None) -> list[AuditEvent]:
    with schema_context(organisation.schema_name if organisation else "public"):
        return list(AuditEvent.objects.filter(action="denied"))


def test_a_non_member_cannot_write_into_the_schools_trail(member, client_for, school_a, school_b):
    outsider = member(school_b, "senco")
    client = client_for(outsider, school_a)
    assert client.get("/pupils/?note=<b>ignore-all-previous</b>").status_code == 403
    assert client.get("/made-up/path/that-says-anything/").status_code == 403
    assert _trail(school_a) == []  # the refused organisation's trail stays free of it
    rows = [row for row in _trail() if row.actor_id == outsider.pk]
    assert sorted(row.detail["route"] for row in rows) == ["", "send_core:pupils"]
    assert all(row.detail["refused_organisation_id"] == school_a.pk for row in rows)
    for row in rows:
        written = f"{row.summary} {row.object_id} {row.detail}"
        assert "ignore-all-previous" not in written and "that-says-anything" not in written


def test_refusals_stop_being_written_after_the_throttle(member, client_for, school_a, school_b):
    outsider = member(school_b, "senco")
    client = client_for(outsider, school_a)
    for _ in range(REFUSALS_PER_MINUTE + 5):
        assert client.get("/pupils/").status_code == 403  # still refused every time
    assert len([row for row in _trail() if row.actor_id == outsider.pk]) == REFUSALS_PER_MINUTE


def _api(user, organisation) -> Client:
    connection.set_schema_to_public()
    client = Client(HTTP_HOST=organisation.get_primary_domain().domain)
    client.force_login(user)
    return client


def test_exchange_api_refusals_are_recorded_in_the_callers_own_trail(member, school_a, school_b):
    teacher = member(school_a, "teacher")  # a member here, but not one who uses the exchange
    outsider = member(school_b, "senco")
    assert _api(teacher, school_a).get("/exchange/api/envelopes/").status_code == 403
    assert _api(outsider, school_a).get("/exchange/api/envelopes/").status_code == 403
    [mine] = _trail(school_a)  # the teacher's refusal is in their own school's trail
    assert mine.actor_id == teacher.pk and mine.detail["route"] == "exchange-api-envelopes"
    assert [row.actor_id for row in _trail()] == [outsider.pk]  # the outsider's in the public one
    assert _trail(school_b) == []


def test_a_refusal_is_still_refused_and_recorded_while_the_cache_is_away(member, client_for, school_a, school_b):
    import socket

    from django.conf import settings
    from django.test import override_settings

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed = probe.getsockname()[1]
    away = {
        **settings.CACHES["default"],
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": f"redis://127.0.0.1:{closed}/0",
        "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
    }
    outsider = member(school_b, "senco")
    client = client_for(outsider, school_a)
    with override_settings(CACHES={"default": away}):
        # Before: the throttle's cache call raised and the refusal became a 500.
        assert client.get("/pupils/").status_code == 403
    assert [row.actor_id for row in _trail()] == [outsider.pk]
    assert _trail(school_a) == []
