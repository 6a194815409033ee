"""The reporting keys page: leaders make a key, see it once, and revoke it."""

from __future__ import annotations

import pytest
from send_graphql.models import ReportingToken

pytestmark = pytest.mark.django_db


def test_a_leader_makes_a_key_sees_it_once_and_revokes_it(school_a, member, client_for):
    client = client_for(member(school_a, "senco"), school_a)
    response = client.post("/reporting/keys/", {"name": ""})
    assert response.status_code == 400 and "Enter what the key is for" in response.content.decode()

    response = client.post("/reporting/keys/", {"name": "Governors' Power BI"})
    html = response.content.decode()
    token = ReportingToken.objects.get(organisation=school_a)
    key = html.split('data-testid="new-key">')[1].split("<")[0]
    assert key.startswith(token.prefix) and token.key_hash != key
    assert key not in client.get("/reporting/keys/").content.decode()  # shown once

    response = client.post(f"/reporting/keys/{token.pk}/revoke/", follow=True)
    assert "has been revoked" in response.content.decode()
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_only_leaders_see_the_keys_page(school_a, trust, member, client_for):
    assert client_for(member(school_a, "governor"), school_a).get("/reporting/keys/").status_code == 403
    assert client_for(member(trust, "send_lead"), trust).get("/reporting/keys/").status_code == 200
