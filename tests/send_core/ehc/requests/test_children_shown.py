"""The school's list of EHC requests is one audit row per response, naming each child listed."""

from __future__ import annotations

from send_platform.audit.models import AuditEvent

from ..conftest import make_ready_pupil


def test_the_request_list_is_one_row_naming_each_child(in_schema, school_a, school_b, people, client_for):
    with in_schema(school_a):
        first, second = make_ready_pupil(), make_ready_pupil()
    client = client_for(people.senco, school_a)
    for pupil in (first, second):
        assert client.post(f"/pupils/{pupil.pk}/ehc/request/").status_code == 302
    with in_schema(school_a):
        AuditEvent.objects.all().delete()  # only what the list itself writes
    page = client.get("/ehc-requests/")
    assert page.status_code == 200 and "Okafor" in page.content.decode()
    with in_schema(school_a):
        [row] = AuditEvent.objects.all()
        assert row.actor_id == people.senco.pk and row.pupil_ids == sorted([first.pk, second.pk])
    with in_schema(school_b):
        assert not AuditEvent.objects.exists()
