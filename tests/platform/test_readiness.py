"""/health/ready/ reports the database, cache and broker one by one; /health/ stays a cheap liveness check."""

import socket

import pytest
from django.conf import settings
from django.test import Client
from django.test.utils import override_settings


def _closed_port() -> int:
    # A port that was free a moment ago: nothing listens there, so connecting is refused at once.
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _cache_at(port: int) -> dict:
    cache = dict(settings.CACHES["default"])
    cache.update(
        BACKEND="django.core.cache.backends.redis.RedisCache",
        LOCATION=f"redis://127.0.0.1:{port}/0",
        OPTIONS={"socket_connect_timeout": 1, "socket_timeout": 1},
    )
    return {"default": cache}


@pytest.fixture
def hosts(public_client, school_a):
    return {"base": public_client, "organisation": Client(HTTP_HOST=school_a.get_primary_domain().domain)}


@pytest.mark.parametrize("host", ["base", "organisation"])
def test_ready_when_everything_answers(hosts, host):
    response = hosts[host].get("/health/ready/")
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "checks": {"database": "ok", "cache": "ok", "broker": "ok"},
        "unavailable": [],
    }


@pytest.mark.parametrize("host", ["base", "organisation"])
def test_cache_down_is_named_and_liveness_is_unaffected(hosts, host):
    with override_settings(CACHES=_cache_at(_closed_port())):
        response = hosts[host].get("/health/ready/")
        live = hosts[host].get("/health/")
    assert response.status_code == 503
    body = response.json()
    assert body["unavailable"] == ["cache"]
    assert body["checks"] == {"database": "ok", "cache": "unavailable", "broker": "ok"}
    assert live.status_code == 200


@pytest.mark.parametrize("host", ["base", "organisation"])
def test_broker_down_is_named(hosts, host):
    with override_settings(CELERY_BROKER_URL=f"redis://127.0.0.1:{_closed_port()}/0"):
        response = hosts[host].get("/health/ready/")
    assert response.status_code == 503
    body = response.json()
    assert body["unavailable"] == ["broker"]
    assert body["checks"] == {"database": "ok", "cache": "ok", "broker": "unavailable"}


def test_database_down_is_named(public_client, monkeypatch):
    from send_platform import views

    def refused():
        raise ConnectionRefusedError("database refused")

    monkeypatch.setitem(views.READY_CHECKS, "database", refused)
    response = public_client.get("/health/ready/")
    assert response.status_code == 503
    assert response.json()["unavailable"] == ["database"]


def test_a_down_answer_names_no_host_or_error(public_client):
    port = _closed_port()
    with override_settings(CACHES=_cache_at(port), CELERY_BROKER_URL=f"redis://127.0.0.1:{port}/0"):
        response = public_client.get("/health/ready/")
    assert response.status_code == 503
    assert response.json()["unavailable"] == ["cache", "broker"]
    assert str(port) not in response.content.decode()



def test_probes_at_the_same_moment_do_not_read_each_others_value(public_client, monkeypatch):
    # Every pod probes one shared cache. A second probe running whole between this probe's write
    # and its read back must not make a healthy cache look down.
    from django.core.cache import cache
    from send_platform import views

    real_set = cache.set
    others = []

    def set_while_another_probe_runs(key, value, *args, **kwargs):
        real_set(key, value, *args, **kwargs)
        if not others:
            others.append("running")
            views._cache_ready()

    monkeypatch.setattr(cache, "set", set_while_another_probe_runs)
    response = public_client.get("/health/ready/")
    assert others
    assert response.json()["checks"]["cache"] == "ok"
