"""The next school reads an incoming pupil's record under a live grant, through one audited service."""

from __future__ import annotations

import dataclasses
import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection, models
from django.utils import timezone
from send_platform.audit.models import AuditEvent

from send_core.models import Consent
from send_core.transition import services
from send_core.transition.access import incoming_pupils, read_incoming_pupil


def _grant(transition, in_schema, **window):
    with in_schema(transition.primary):
        return services.grant_access(transition.pupil, granted_by=transition.senco_a, **window)


def _contains_model(value) -> bool:
    if isinstance(value, models.Model):
        return True
    if isinstance(value, dict):
        return any(_contains_model(v) for v in value.values())
    if isinstance(value, list | tuple):
        return any(_contains_model(v) for v in value)
    if dataclasses.is_dataclass(value):
        return any(_contains_model(getattr(value, f.name)) for f in dataclasses.fields(value))
    return False


def test_the_secondary_senco_reads_plain_data_and_the_schema_is_restored(transition, in_schema):
    grant = _grant(transition, in_schema)
    with in_schema(transition.secondary):
        read = read_incoming_pupil(grant.pk, user=transition.senco_high, organisation=transition.secondary)
        # Back in the secondary's own schema, with nothing that could be saved.
        assert connection.schema_name == transition.secondary.schema_name
        assert connection.tenant == transition.secondary
    assert not _contains_model(read)
    with pytest.raises(dataclasses.FrozenInstanceError):
        read.grant_id = 0
    record = read.record
    assert record["pupil"]["display_name"] == "Tomas Nowak"
    assert record["plan"]["strategies"].startswith("Coloured overlays")
    assert [n["need_type"] for n in record["needs"]] == ["SPLD", "SLCN"]
    assert [e["census_code"] for e in record["register"]] == ["N", "K"]
    assert record["reviews"][0]["notes"] == "Good progress with reading."
    assert record["provision"][0]["description"] == "Toe by Toe"
    assert [a["value"] for a in record["assessments"]] == ["84.0", "96.0"]
    assert record["medical"][0]["condition"] == "Asthma"
    assert record["profile"]["what_works"].startswith("Coloured overlays")
    # Audited in both schools: the primary's trail names its pupil.
    with in_schema(transition.primary):
        assert AuditEvent.objects.filter(
            action="view", pupil_id=transition.pupil.pk, acting_organisation_id=transition.secondary.pk
        ).exists()
    with in_schema(transition.secondary):
        assert AuditEvent.objects.filter(
            action="view", object_type="transition_grant", object_id=str(grant.pk)
        ).exists()


def test_after_revocation_the_read_is_refused_and_the_attempt_audited_in_both(transition, in_schema):
    grant = _grant(transition, in_schema)
    with in_schema(transition.primary):
        services.revoke_grant(grant, revoked_by=transition.senco_a)
    with in_schema(transition.secondary), pytest.raises(PermissionDenied, match="revoked"):
        read_incoming_pupil(grant.pk, user=transition.senco_high, organisation=transition.secondary)
    for school in (transition.primary, transition.secondary):
        with in_schema(school):
            assert AuditEvent.objects.filter(action="denied", object_id=str(grant.pk)).exists()


def test_access_ends_by_itself_when_the_window_closes(transition, in_schema, move_clock):
    ends = timezone.localdate() + datetime.timedelta(days=10)
    grant = _grant(transition, in_schema, starts_on=timezone.localdate(), ends_on=ends)
    with in_schema(transition.secondary):
        assert read_incoming_pupil(grant.pk, user=transition.senco_high, organisation=transition.secondary)
        assert len(incoming_pupils(user=transition.senco_high, organisation=transition.secondary)) == 1
    move_clock(11)
    with in_schema(transition.secondary):
        with pytest.raises(PermissionDenied, match="has ended"):
            read_incoming_pupil(grant.pk, user=transition.senco_high, organisation=transition.secondary)
        assert incoming_pupils(user=transition.senco_high, organisation=transition.secondary) == []


def test_a_grant_that_has_not_started_gives_no_access_yet(transition, in_schema):
    start = timezone.localdate() + datetime.timedelta(days=5)
    grant = _grant(transition, in_schema, starts_on=start, ends_on=start + datetime.timedelta(days=5))
    with in_schema(transition.secondary), pytest.raises(PermissionDenied, match="not started"):
        read_incoming_pupil(grant.pk, user=transition.senco_high, organisation=transition.secondary)


def test_withdrawn_consent_ends_access_at_once(transition, in_schema):
    grant = _grant(transition, in_schema)
    with in_schema(transition.primary):
        Consent.objects.filter(pupil=transition.pupil).update(withdrawn_on=timezone.localdate())
    with in_schema(transition.secondary):
        with pytest.raises(PermissionDenied, match="consent"):
            read_incoming_pupil(grant.pk, user=transition.senco_high, organisation=transition.secondary)
        assert incoming_pupils(user=transition.senco_high, organisation=transition.secondary) == []


def test_a_grant_to_one_school_does_not_let_another_read(transition, in_schema):
    grant = _grant(transition, in_schema)
    with in_schema(transition.other):
        with pytest.raises(PermissionDenied, match="not shared with you"):
            read_incoming_pupil(grant.pk, user=transition.senco_b, organisation=transition.other)
        assert incoming_pupils(user=transition.senco_b, organisation=transition.other) == []
        assert AuditEvent.objects.filter(action="denied", object_id=str(grant.pk)).exists()
    with in_schema(transition.primary):
        assert AuditEvent.objects.filter(
            action="denied", pupil_id=transition.pupil.pk, acting_organisation_id=transition.other.pk
        ).exists()


def test_only_the_secondary_senco_reads(transition, in_schema):
    grant = _grant(transition, in_schema)
    with in_schema(transition.secondary):
        with pytest.raises(PermissionDenied, match="Only the SENCO"):
            read_incoming_pupil(grant.pk, user=transition.teacher_high, organisation=transition.secondary)
        with pytest.raises(PermissionDenied, match="Only the SENCO"):
            incoming_pupils(user=transition.teacher_high, organisation=transition.secondary)


def test_incoming_pupils_are_listed_by_feeder_school_and_the_listing_audited(transition, in_schema):
    grant = _grant(transition, in_schema)
    with in_schema(transition.secondary):
        feeders = incoming_pupils(user=transition.senco_high, organisation=transition.secondary)
    assert [f.name for f in feeders] == ["Ashgrove Primary School"]
    (pupil,) = feeders[0].pupils
    assert (pupil.pupil_name, pupil.year_label, pupil.primary_need, pupil.grant_id) == (
        "Tomas Nowak",
        "Year 6",
        "SPLD",
        grant.pk,
    )
    with in_schema(transition.primary):
        [listed] = AuditEvent.objects.filter(summary__contains="listed as incoming")
        assert listed.pupil_ids == [transition.pupil.pk] and listed.acting_organisation_id == transition.secondary.pk
