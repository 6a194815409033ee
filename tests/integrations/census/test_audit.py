"""The census page and its files are one audit row each, naming the children they show."""

from __future__ import annotations

import datetime

from django.db import connection
from send_platform.audit.models import AuditEvent

from tests.integrations.census.test_extract import pupil


def _rows(school) -> list[AuditEvent]:
    connection.set_tenant(school.organisation)
    try:
        return list(AuditEvent.objects.filter(actor_id=school.people["senco"].pk).order_by("id"))
    finally:
        connection.set_schema_to_public()


def test_each_response_is_one_row_naming_the_children_in_it(school, in_schema):
    with in_schema(school.organisation):
        dee = pupil("Dee", code="K")  # SEN Support with no type of need: a breach in the spring census
        eli = pupil("Eli", admission_date=datetime.date(2025, 9, 1))  # no stage: N, no breach
    client = school.client("senco")
    assert client.get("/census/?on=2026-01-15").status_code == 200
    assert client.get("/census/?on=2026-01-15&download=report").status_code == 200
    assert client.get("/census/?on=2026-01-15&download=extract").status_code == 200
    page, report, extract = _rows(school)
    assert (page.action, page.pupil_ids) == ("view", [dee.pk])
    assert (report.action, report.pupil_ids) == ("export", [dee.pk])
    assert extract.action == "export" and extract.object_type == "census SEN extract"
    assert {dee.pk, eli.pk, school.pupil.pk} <= set(extract.pupil_ids)
    with in_schema(school.organisation):
        assert AuditEvent.objects.filter(actor_id=school.people["senco"].pk).count() == 3  # not one per child
