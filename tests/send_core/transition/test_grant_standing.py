"""A grant rests on one consent and one destination: it stops speaking for the parents when either changes."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from send_platform.audit.models import AuditEvent

from send_core.models import Consent, ConsentScope, Pupil
from send_core.transition import services
from send_core.transition.access import incoming_pupils, read_incoming_pupil
from send_core.transition.models import TransitionGrant
from tests.send_core.factories import ConsentFactory, PupilFactory


def _grant(transition, in_schema):
    with in_schema(transition.primary):
        return services.grant_access(transition.pupil, granted_by=transition.senco_a)


def _refused_in_both(transition, in_schema, grant, match):
    with in_schema(transition.secondary):
        with pytest.raises(PermissionDenied, match=match):
            read_incoming_pupil(grant.pk, user=transition.senco_high, organisation=transition.secondary)
        assert incoming_pupils(user=transition.senco_high, organisation=transition.secondary) == []
        assert AuditEvent.objects.filter(action="denied", object_id=str(grant.pk)).exists()
    with in_schema(transition.primary):
        assert AuditEvent.objects.filter(
            action="denied", pupil_id=transition.pupil.pk, acting_organisation_id=transition.secondary.pk
        ).exists()


def test_a_fresh_consent_does_not_revive_a_grant_made_on_a_withdrawn_one(transition, in_schema):
    grant = _grant(transition, in_schema)
    with in_schema(transition.primary):
        Consent.objects.filter(pk=grant.consent_id).update(withdrawn_on=timezone.localdate())
        ConsentFactory(pupil=transition.pupil, scope=ConsentScope.SHARE_WITH_NEXT_SCHOOL, given_on=timezone.localdate())
    _refused_in_both(transition, in_schema, grant, "consent")


def test_a_pupil_now_going_elsewhere_is_not_readable_under_the_old_grant(transition, in_schema):
    grant = _grant(transition, in_schema)
    with in_schema(transition.primary):
        # Changed without going through record_destination (for example by an import): the read still refuses.
        Pupil.objects.filter(pk=transition.pupil.pk).update(destination_urn="123456", destination="Riverside Academy")
    _refused_in_both(transition, in_schema, grant, "no longer recorded as moving to your school")


def test_a_pupil_who_has_left_for_the_granted_school_stays_readable_in_the_window(transition, in_schema):
    # Year 6 leave in July; the window runs to December of Year 7 so the new school can read on.
    grant = _grant(transition, in_schema)
    with in_schema(transition.primary):
        Pupil.objects.filter(pk=transition.pupil.pk).update(
            leaving_date=timezone.localdate() - datetime.timedelta(days=30)
        )
    with in_schema(transition.secondary):
        assert read_incoming_pupil(grant.pk, user=transition.senco_high, organisation=transition.secondary)
        (feeder,) = incoming_pupils(user=transition.senco_high, organisation=transition.secondary)
        assert [p.grant_id for p in feeder.pupils] == [grant.pk]


def test_the_listing_keeps_pupils_whose_grant_still_stands(transition, in_schema):
    grant = _grant(transition, in_schema)
    with in_schema(transition.primary):
        Pupil.objects.filter(pk=transition.pupil.pk).update(leaving_date=timezone.localdate())
    with in_schema(transition.secondary):
        (feeder,) = incoming_pupils(user=transition.senco_high, organisation=transition.secondary)
        assert [p.grant_id for p in feeder.pupils] == [grant.pk]
        assert read_incoming_pupil(grant.pk, user=transition.senco_high, organisation=transition.secondary)
    with in_schema(transition.other):
        assert incoming_pupils(user=transition.senco_b, organisation=transition.other) == []


def test_recording_a_new_destination_revokes_the_old_schools_grant(transition, in_schema):
    grant = _grant(transition, in_schema)
    with in_schema(transition.primary):
        services.record_destination(
            transition.pupil, recorded_by=transition.senco_a, urn="123456", name="Riverside Academy"
        )
    grant = TransitionGrant.objects.get(pk=grant.pk)
    assert grant.revoked_at is not None and grant.revoked_by == transition.senco_a
    for school in (transition.primary, transition.secondary):
        with in_schema(school):
            assert AuditEvent.objects.filter(object_id=str(grant.pk), summary__contains="destination school changed")
    with in_schema(transition.secondary), pytest.raises(PermissionDenied, match="revoked"):
        read_incoming_pupil(grant.pk, user=transition.senco_high, organisation=transition.secondary)


def test_recording_the_same_school_again_keeps_the_grant(transition, in_schema):
    grant = _grant(transition, in_schema)
    with in_schema(transition.primary):
        services.record_destination(transition.pupil, recorded_by=transition.senco_a, urn=transition.secondary.urn)
        services.record_cohort_destination(recorded_by=transition.senco_a, urn=transition.secondary.urn)
    assert TransitionGrant.objects.get(pk=grant.pk).revoked_at is None


def test_a_cohort_destination_revokes_grants_to_the_old_school(transition, in_schema):
    grant = _grant(transition, in_schema)
    with in_schema(transition.primary):
        untouched = PupilFactory(nc_year="5")
        services.record_cohort_destination(
            recorded_by=transition.senco_a, urn="123456", name="Riverside Academy", pupil_ids=[transition.pupil.pk]
        )
        assert Pupil.objects.get(pk=untouched.pk).destination_urn == ""
    assert TransitionGrant.objects.get(pk=grant.pk).revoked_at is not None


def test_a_grant_window_cannot_be_changed_once_consent_is_withdrawn(transition, in_schema):
    grant = _grant(transition, in_schema)
    ends = timezone.localdate() + datetime.timedelta(days=30)
    with in_schema(transition.primary):
        Consent.objects.filter(pk=grant.consent_id).update(withdrawn_on=timezone.localdate())
        ConsentFactory(pupil=transition.pupil, scope=ConsentScope.SHARE_WITH_NEXT_SCHOOL, given_on=timezone.localdate())
        with pytest.raises(ValidationError) as refused:
            services.change_grant_window(
                grant, changed_by=transition.senco_a, starts_on=timezone.localdate(), ends_on=ends
            )
    assert "consent" in refused.value.message_dict
    assert TransitionGrant.objects.get(pk=grant.pk).ends_on != ends


def test_a_grant_window_cannot_be_changed_once_the_destination_differs(transition, in_schema):
    grant = _grant(transition, in_schema)
    with in_schema(transition.primary):
        Pupil.objects.filter(pk=transition.pupil.pk).update(destination_urn="123456", destination="Riverside")
        with pytest.raises(ValidationError) as refused:
            services.change_grant_window(
                grant,
                changed_by=transition.senco_a,
                starts_on=timezone.localdate(),
                ends_on=timezone.localdate() + datetime.timedelta(days=30),
            )
    assert "destination" in refused.value.message_dict
