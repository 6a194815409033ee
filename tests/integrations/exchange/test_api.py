"""The exchange REST API: list, open (audited on both sides), acknowledge; nobody else's envelopes."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from send_platform.audit.models import AuditEvent

from integrations.exchange.models import Envelope
from tests.integrations.exchange.conftest import PDF, SECRET_IN_DOCUMENT, SECRET_IN_PAYLOAD


def _api(user, organisation) -> Client:
    connection.set_schema_to_public()
    client = Client(HTTP_HOST=organisation.get_primary_domain().domain)
    client.force_login(user)
    return client


def test_list_envelopes_for_the_organisation(ehc_request, people, la, school_a):
    body = _api(people.caseworker, la).get("/exchange/api/envelopes/").json()
    assert body["count"] == 1
    (item,) = body["results"]
    assert item["id"] == ehc_request.pk and item["kind"] == "ehc_request"
    assert item["sender"] == {"id": school_a.pk, "name": "Ashgrove Primary School"}
    assert item["state"] == "delivered" and item["document_count"] == 1
    assert "payload" not in item

    sent = _api(people.senco_a, school_a).get("/exchange/api/envelopes/?box=sent").json()
    assert [e["id"] for e in sent["results"]] == [ehc_request.pk]
    assert _api(people.senco_a, school_a).get("/exchange/api/envelopes/?box=inbox").json()["count"] == 0


def test_get_one_opens_it_and_is_audited(ehc_request, people, la, school_a, in_schema):
    client = _api(people.caseworker, la)
    body = client.get(f"/exchange/api/envelopes/{ehc_request.pk}/").json()
    assert body["payload"]["summary"] == SECRET_IN_PAYLOAD
    assert body["payload_version"] == 1
    assert body["envelope"]["state"] == "opened"
    (document,) = body["documents"]
    assert document["content_type"] == "application/pdf" and document["scan_status"] == "skipped"
    for organisation in (la, school_a):
        with in_schema(organisation):
            assert AuditEvent.objects.filter(action="view", object_type="exchange_envelope").count() == 1
    # The signed link in the answer downloads the document for this person.
    download = client.get(document["download_url"])
    assert b"".join(download.streaming_content) == PDF + SECRET_IN_DOCUMENT + b"\n%%EOF\n"


def test_acknowledge(ehc_request, people, la):
    client = _api(people.manager, la)
    refused = client.post(f"/exchange/api/envelopes/{ehc_request.pk}/acknowledge/")
    assert refused.status_code == 400 and "Open the envelope before acknowledging it." in str(refused.json())
    client.get(f"/exchange/api/envelopes/{ehc_request.pk}/")
    response = client.post(f"/exchange/api/envelopes/{ehc_request.pk}/acknowledge/")
    assert response.status_code == 200 and response.json()["state"] == "acknowledged"
    assert Envelope.objects.get(pk=ehc_request.pk).acknowledged_by == people.manager


def test_withdrawn_answers_410_and_tampered_409(send, people, la, school_a):
    from integrations.exchange import services

    withdrawn, damaged = send(), send()
    services.withdraw_envelope(withdrawn, organisation=school_a, user=people.senco_a)
    client = _api(people.caseworker, la)
    assert client.get(f"/exchange/api/envelopes/{withdrawn.pk}/").status_code == 410
    Envelope.objects.filter(pk=damaged.pk).update(payload_sealed=b"\x01" + b"\x00" * 40)
    response = client.get(f"/exchange/api/envelopes/{damaged.pk}/")
    assert response.status_code == 409 and "integrity check" in response.json()["detail"]


def test_a_third_party_gets_nothing(ehc_request, people, school_b):
    client = _api(people.senco_b, school_b)
    assert client.get("/exchange/api/envelopes/").json()["count"] == 0
    assert client.get(f"/exchange/api/envelopes/{ehc_request.pk}/").status_code == 404
    assert client.post(f"/exchange/api/envelopes/{ehc_request.pk}/acknowledge/").status_code == 404


@pytest.mark.parametrize("who, org", [("teacher_a", "school_a"), ("governor_a", "school_a"), ("lead", "trust")])
def test_other_roles_are_refused(request, ehc_request, people, who, org):
    client = _api(getattr(people, who), request.getfixturevalue(org))
    assert client.get("/exchange/api/envelopes/").status_code == 403
    assert client.get(f"/exchange/api/envelopes/{ehc_request.pk}/").status_code == 403
