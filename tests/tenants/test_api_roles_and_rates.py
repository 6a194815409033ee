"""API requests look the caller's roles up once; sessions and personal tokens have their own rates."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from send_platform.throttling import UserRateThrottle

from tenants.models import Membership
from tenants.tokens import issue_api_token
from tests.send_core.factories import PupilFactory

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]
MEMBERSHIP_TABLE = f'"{Membership._meta.db_table}"'


def token_client(organisation, key: str) -> Client:
    return Client(HTTP_HOST=organisation.get_primary_domain().domain, HTTP_AUTHORIZATION=f"Token {key}")


def roles_queries(queries) -> list[str]:
    return [q["sql"] for q in queries if f"FROM {MEMBERSHIP_TABLE}" in q["sql"] and '"role"' in q["sql"]]


def test_a_session_list_looks_the_roles_up_once(member, client_for, school_a, school_b, in_schema):
    with in_schema(school_a):
        PupilFactory(legal_first_name="Rosalind", last_name="Onceonly")
    senco = member(school_a, "senco")
    client = client_for(senco, school_a)
    with CaptureQueriesContext(connection) as captured:
        response = client.get("/api/v1/pupils/")
    assert response.status_code == 200 and "Onceonly" in response.content.decode()
    # Before: once in MembershipMiddleware and again in tenants.api.api_roles.
    assert len(roles_queries(captured.captured_queries)) == 1
    # Another school's SENCO with a session on this address sees none of it.
    outsider = client_for(member(school_b, "senco"), school_a).get("/api/v1/pupils/")
    assert outsider.status_code == 403 and "Onceonly" not in outsider.content.decode()


def test_a_token_request_gets_the_token_holders_roles_once(member, school_a, school_b, in_schema):
    with in_schema(school_a):
        PupilFactory(legal_first_name="Tobias", last_name="Tokenheld")
    key = issue_api_token(user=member(school_a, "senco")).key
    with CaptureQueriesContext(connection) as captured:
        response = token_client(school_a, key).get("/api/v1/pupils/")
    # The middleware saw no one signed in; the holder's roles are looked up for them, once.
    assert response.status_code == 200 and "Tokenheld" in response.content.decode()
    assert len(roles_queries(captured.captured_queries)) == 1
    # A governor's token reaches the API but is given no child's record (governors see no child).
    governor_key = issue_api_token(user=member(school_a, "governor")).key
    assert "Tokenheld" not in token_client(school_a, governor_key).get("/api/v1/pupils/").content.decode()
    # Another school's token is refused here.
    other_key = issue_api_token(user=member(school_b, "senco")).key
    refused = token_client(school_a, other_key).get("/api/v1/pupils/")
    assert refused.status_code == 403 and "Tokenheld" not in refused.content.decode()


def _rates_with(extra_env: dict) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in {"API_RATE_SESSION", "API_RATE_TOKEN"}}
    env.update(extra_env)
    program = "import json, send_platform.settings as s; print(json.dumps(s.REST_FRAMEWORK['DEFAULT_THROTTLE_RATES']))"
    result = subprocess.run(
        [sys.executable, "-c", program], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_rates_default_to_fit_an_mis_sync_and_come_from_the_environment():
    assert _rates_with({}) == {"session": "3000/hour", "token": "10000/hour"}
    assert _rates_with({"API_RATE_TOKEN": "20000/hour", "API_RATE_SESSION": "500/hour"}) == {
        "session": "500/hour",
        "token": "20000/hour",
    }


def test_a_token_client_is_throttled_by_its_own_scope(member, client_for, school_a, monkeypatch):
    monkeypatch.setattr(UserRateThrottle, "THROTTLE_RATES", {"session": "1/hour", "token": "3/hour"})
    cache.clear()
    senco = member(school_a, "senco")
    session = client_for(senco, school_a)
    assert [session.get("/api/v1/pupils/").status_code for _ in range(2)] == [200, 429]
    # The same person's token has its own rate and its own count: the session's use costs it nothing.
    tokens = token_client(school_a, issue_api_token(user=senco).key)
    assert [tokens.get("/api/v1/pupils/").status_code for _ in range(4)] == [200, 200, 200, 429]
    cache.clear()
