"""The audit trail: written in the schema where the thing happened; cross-organisation reads in both."""

from django_tenants.utils import schema_context
from send_platform.audit.models import AuditEvent
from send_platform.audit.services import record_cross_organisation_event, record_event


def test_an_event_lands_only_in_the_current_organisations_trail(member, school_a, school_b, in_schema):
    senco = member(school_a, "senco")
    with in_schema(school_a):
        record_event(
            actor=senco, action="view", object_type="pupil", object_id=7, pupil_id=7, acting_organisation=school_a
        )
        event = AuditEvent.objects.get(object_type="pupil", object_id="7")
        assert event.actor_id == senco.pk and event.acting_organisation_label == "Ashgrove Primary School"
    with in_schema(school_b):
        assert not AuditEvent.objects.filter(object_type="pupil", object_id="7").exists()
    assert not AuditEvent.objects.filter(object_type="pupil", object_id="7").exists()  # public


def test_a_cross_organisation_read_is_recorded_on_both_sides(member, school_a, secondary):
    reader = member(secondary, "senco")
    record_cross_organisation_event(
        actor=reader,
        action="view",
        object_type="transition_file",
        object_id=3,
        acting_organisation=secondary,
        owning_organisation=school_a,
        pupil_id=3,
    )
    for org in (school_a, secondary):
        with schema_context(org.schema_name):
            assert AuditEvent.objects.filter(object_type="transition_file", actor_id=reader.pk).count() == 1
    assert AuditEvent.objects.filter(object_type="transition_file").count() == 1


def test_unknown_actions_are_refused(school_a, in_schema):
    import pytest

    with in_schema(school_a), pytest.raises(ValueError):
        record_event(actor=None, action="peek", object_type="pupil")
