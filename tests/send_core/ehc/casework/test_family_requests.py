"""Requests for an assessment made by a parent or young person themselves (CFA 2014 s36(1))."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from send_platform.audit.models import AuditEvent

from send_core.ehc.casework import family_requests
from send_core.ehc.casework import selectors as case_reads
from send_core.ehc.casework import services as case_acts
from send_core.ehc.models import EhcCase

pytestmark = pytest.mark.django_db
D = datetime.date


def parent_request(people, **overrides):
    fields = dict(
        recorded_by=people.caseworker,
        requested_by="parent",
        requester_name="Grace Okafor",
        received_on=D(2026, 2, 2),
        received_how="email",
        first_name="Amara",
        last_name="Okafor",
        date_of_birth=D(2017, 3, 4),
        school_name="Ashgrove Primary School",
        reason="Amara is not making progress despite SEN Support.",
    )
    fields.update(overrides)
    return family_requests.record_family_request(**fields)


def test_a_parents_request_runs_the_same_clock_from_the_day_received(in_schema, la, people):
    with in_schema(la):
        case = parent_request(people)
        assert (case.requested_by, case.requester_name, case.received_how) == ("parent", "Grace Okafor", "email")
        assert case.reference == "EHC-2026-0001" and case.school_id is None
        timeline = {m.key: m for m in case_reads.case_timeline(case_reads.get_case(case.pk), today=D(2026, 2, 10))}
        # Received Monday 2 February 2026: decision Monday 16 March (Reg 5(1)), final plan Monday 22 June (Reg 13(2)).
        assert timeline["received"].done_on == D(2026, 2, 2)
        assert timeline["decision"].due == D(2026, 3, 16)
        assert timeline["final_plan"].due == D(2026, 6, 22)
        assert AuditEvent.objects.filter(object_id=str(case.pk), summary__contains="parent").exists()


def test_the_decision_is_recorded_without_a_school_to_send_it_to(in_schema, la, people):
    with in_schema(la):
        case = parent_request(people, received_on=D(2026, 11, 2))
        case_acts.decide_whether_to_assess(
            case, decided_by=people.caseworker, agree=True, reasons="Evidence of needs.", on=D(2026, 11, 20)
        )
        case.refresh_from_db()
        assert case.status == "assessing" and case.decision_on == D(2026, 11, 20)
        with pytest.raises(ValidationError, match="names no school"):
            case_acts.ask_school_for_information(case, asked_by=people.caseworker, question="Anything?")


def test_a_young_person_asks_only_once_over_compulsory_school_age(in_schema, la, people):
    # Born 1 October 2009: Year 11 in 2025/26, leaving date Friday 26 June 2026 (last Friday in June).
    with in_schema(la):
        with pytest.raises(ValidationError) as refused:
            parent_request(
                people, requested_by="young_person", date_of_birth=D(2009, 10, 1), received_on=D(2026, 6, 26)
            )
        assert "27 June 2026" in refused.value.message_dict["requested_by"][0]
        case = parent_request(
            people,
            requested_by="young_person",
            requester_name="Sam Lee",
            date_of_birth=D(2009, 10, 1),
            received_on=D(2026, 6, 27),
        )
        assert case.requested_by == "young_person" and case.nc_year == "11"


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"requested_by": "school"}, "requested_by"),
        ({"requested_by": "grandparent"}, "requested_by"),
        ({"received_how": "exchange"}, "received_how"),
        ({"received_how": "pigeon"}, "received_how"),
        ({"requester_name": "  "}, "requester_name"),
        ({"received_on": D(2099, 1, 1)}, "received_on"),
        ({"date_of_birth": D(2026, 3, 1)}, "date_of_birth"),
    ],
)
def test_bad_input_is_refused_with_a_clear_message_and_nothing_is_saved(in_schema, la, people, overrides, field):
    with in_schema(la):
        with pytest.raises(ValidationError) as refused:
            parent_request(people, **overrides)
        assert field in refused.value.message_dict
        assert not EhcCase.objects.exists()


def test_the_page_records_the_request_and_no_other_organisation_sees_the_case(
    in_schema, la, school_a, people, client_for
):
    client = client_for(people.caseworker, la)
    assert "Record a request from a parent or young person" in client.get("/casework/").content.decode()
    response = client.post(
        "/casework/family-requests/new/",
        {
            "requested_by": "parent",
            "requester_name": "Grace Okafor",
            "received_on": "2026-02-02",
            "received_how": "letter",
            "first_name": "Amara",
            "last_name": "Okafor",
            "date_of_birth": "2017-03-04",
            "school_name": "",
            "reason": "",
        },
    )
    assert response.status_code == 302
    with in_schema(la):
        case = EhcCase.objects.get()
    page = client.get(response["Location"]).content.decode()
    assert "Requested by Grace Okafor (a parent), received 2 February 2026 by letter." in page
    senco = client_for(people.senco, school_a)
    assert senco.get("/casework/family-requests/new/").status_code in {403, 404}
    refused = senco.get(f"/casework/cases/{case.pk}/")
    assert refused.status_code in {403, 404} and "Okafor" not in refused.content.decode()
    with in_schema(school_a):
        assert not EhcCase.objects.exists()
