"""A provision API client retrying a POST with the same Idempotency-Key starts one group and records one session."""

from __future__ import annotations

import datetime

from send_core.provision.models import GroupSession, ProvisionGroup
from tests.send_core.provision.factories import InterventionFactory

from .test_api import _api, _in

TODAY = datetime.date.today()


def test_retried_group_and_session_posts_make_one_of_each(school, school_b, member):
    intervention = _in(school, lambda: InterventionFactory(name="Catch Up Literacy"))
    senco = _api(school.people["senco"], school.organisation)
    body = {
        "intervention": intervention.pk,
        "name": "Catch Up, Year 4",
        "staff": [school.people["teaching_assistant"].pk],
        "starts_on": (TODAY - datetime.timedelta(days=7)).isoformat(),
        "pupils": [school.pupil.pk],
    }
    first = senco.post("/api/v1/provision/groups/", body, content_type="application/json", HTTP_IDEMPOTENCY_KEY="g-1")
    again = senco.post("/api/v1/provision/groups/", body, content_type="application/json", HTTP_IDEMPOTENCY_KEY="g-1")
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json() and again["Idempotent-Replayed"] == "true"
    assert _in(school, lambda: ProvisionGroup.objects.filter(name="Catch Up, Year 4").count()) == 1

    url = f"/api/v1/provision/groups/{first.json()['id']}/sessions/"
    session = {"held_on": TODAY.isoformat()}
    assert senco.post(url, session, content_type="application/json", HTTP_IDEMPOTENCY_KEY="s-1").status_code == 201
    assert senco.post(url, session, content_type="application/json", HTTP_IDEMPOTENCY_KEY="s-1").status_code == 201
    assert _in(school, lambda: GroupSession.objects.filter(group_id=first.json()["id"]).count()) == 1

    # Another school neither reaches the group nor replays the key.
    outsider = _api(member(school_b, "senco"), school_b)
    refused = outsider.post(url, session, content_type="application/json", HTTP_IDEMPOTENCY_KEY="s-1")
    assert refused.status_code == 404
