"""A trust's SEND lead publishes interventions in the trust's own schema; its schools list and adopt them,
each read of the trust's schema a deliberate, audited act."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from send_platform.audit.models import AuditEvent

from send_core.provision import services
from send_core.provision.models import Intervention
from tests.organisations import organisation_for_tests


@pytest.fixture
def trust_and_school(member, school_b, trust):
    """Northway Trust with a SEND lead, and Birchwood (one of its academies) with a SENCO."""
    lead = member(trust, "send_lead")
    senco = member(school_b, "senco")
    return trust, school_b, lead, senco


def _in(organisation, fn):
    connection.set_tenant(organisation)
    try:
        return fn()
    finally:
        connection.set_schema_to_public()


def test_a_school_adopts_what_its_trust_publishes(trust_and_school, client_for):
    trust, school, lead, senco = trust_and_school
    published = client_for(lead, trust).post(
        "/provision/catalogue/",
        {
            "name": "Precision teaching",
            "area": "cognition_learning",
            "group_size": "1",
            "staff_role": "teaching_assistant",
            "sessions_per_week": "5",
            "minutes_per_session": "10",
            "typical_weeks": "12",
            "resource_cost": "12.00",
            "measure": "Words read a minute",
            "is_active": "on",
        },
    )
    assert published.status_code == 302
    entry = _in(trust, lambda: Intervention.objects.get(name="Precision teaching"))
    assert not _in(school, lambda: Intervention.objects.filter(name="Precision teaching").exists())

    client = client_for(senco, school)
    listing = client.get("/provision/catalogue/trust/")
    assert listing.status_code == 200 and "Precision teaching" in listing.content.decode()
    assert client.post("/provision/catalogue/trust/", {"entry": entry.pk}).status_code == 302
    copy = _in(school, lambda: Intervention.objects.get(name="Precision teaching"))
    assert (copy.adopted_from_trust_id, copy.adopted_from_entry_id) == (trust.pk, entry.pk)
    assert (copy.sessions_per_week, copy.resource_cost) == (5, Decimal("12.00"))
    # Both organisations' trails record the read and the adoption.
    for organisation in (school, trust):
        kinds = set(_in(organisation, lambda: list(AuditEvent.objects.values_list("object_type", "action"))))
        assert ("trust catalogue", "view") in kinds and ("intervention", "create") in kinds, organisation
    # Adopting twice is refused with a reason.
    client.post("/provision/catalogue/trust/", {"entry": entry.pk})
    assert _in(school, lambda: Intervention.objects.filter(name="Precision teaching").count()) == 1


def test_only_the_trust_lead_publishes_and_only_the_schools_senco_adopts(trust_and_school, member, client_for):
    trust, school, lead, senco = trust_and_school
    teacher = member(school, "teacher")
    assert client_for(senco, trust).get("/provision/catalogue/").status_code == 403  # not a member there
    assert client_for(teacher, school).get("/provision/catalogue/trust/").status_code == 403

    def adopt_as_teacher():
        with pytest.raises(PermissionDenied):
            services.adopt_trust_intervention(1, adopted_by=teacher)

    _in(school, adopt_as_teacher)


def test_a_school_outside_any_trust_has_no_trust_catalogue(school_a, member, client_for):
    senco = member(school_a, "senco")
    assert client_for(senco, school_a).get("/provision/catalogue/trust/").status_code == 404

    def read():
        with pytest.raises(ValidationError):
            services.trust_catalogue(reader=senco)

    _in(school_a, read)
    assert organisation_for_tests("ashgrove").trust_id is None
