"""Reading the casework inbox writes nothing to the exchange: a request waits there as it was sent, and it
reaches the LA (delivered) through an act, opening it as a case."""

from __future__ import annotations

import pytest
from django.db import connection

from integrations.exchange.models import Envelope
from send_core.ehc.casework import services as case_acts
from send_core.ehc.models import EhcCase
from tests.send_core.ehc.test_journey import submitted_request

pytestmark = pytest.mark.django_db


def _states() -> list[tuple]:
    return list(Envelope.objects.order_by("pk").values_list("pk", "state", "delivered_at", "opened_at"))


def test_the_inbox_page_marks_nothing_delivered(in_schema, school_a, la, people, client_for):
    _, request = submitted_request(in_schema, school_a, people)
    before = _states()
    assert Envelope.objects.get(pk=request.envelope_id).state == "sent"
    page = client_for(people.caseworker, la).get("/casework/")
    assert page.status_code == 200 and "Open as a case" in page.content.decode()
    assert _states() == before
    connection.set_schema_to_public()
    with in_schema(la):
        assert not EhcCase.objects.exists()


def test_opening_the_request_is_the_act_that_takes_delivery(in_schema, school_a, la, people):
    _, request = submitted_request(in_schema, school_a, people)
    with in_schema(la):
        case_acts.open_ehc_request(request.envelope_id, opened_by=people.caseworker)
    envelope = Envelope.objects.get(pk=request.envelope_id)
    assert envelope.state in {"opened", "acknowledged"} and envelope.delivered_at is not None
