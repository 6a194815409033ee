"""Destinations and access grants, made in the primary school on the parents' consent."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.utils import timezone
from send_platform.audit.models import AuditEvent

from send_core.models import Consent, ConsentScope, Pupil
from send_core.transition import services
from send_core.transition.models import TransitionGrant
from send_core.transition.selectors import transition_board
from tests.send_core.factories import PupilFactory
from tests.send_core.transition.conftest import make_year6_pupil


def test_the_default_window_runs_from_june_of_year_5_to_december_of_year_7():
    autumn = datetime.date(2026, 11, 23)
    assert services.default_window("6", on=autumn) == (datetime.date(2026, 6, 1), datetime.date(2027, 12, 31))
    assert services.default_window("5", on=autumn) == (datetime.date(2027, 6, 1), datetime.date(2028, 12, 31))
    summer = datetime.date(2027, 7, 1)  # still Year 6 in July
    assert services.default_window("6", on=summer) == (datetime.date(2026, 6, 1), datetime.date(2027, 12, 31))
    with pytest.raises(ValidationError):
        services.default_window("R", on=autumn)


def test_a_destination_is_a_cairn_school_by_urn_or_any_school_by_urn_and_name(transition, in_schema):
    with in_schema(transition.primary):
        pupil = PupilFactory(nc_year="6")
        services.record_destination(pupil, recorded_by=transition.senco_a, urn=transition.secondary.urn)
        pupil.refresh_from_db()
        assert (pupil.destination_urn, pupil.destination) == (transition.secondary.urn, "Cedar High School")

        with pytest.raises(ValidationError) as refused:
            services.record_destination(pupil, recorded_by=transition.senco_a, urn="123456")
        assert "not on Cairn, so enter its name" in str(refused.value)
        services.record_destination(pupil, recorded_by=transition.senco_a, urn="123456", name="Riverside Academy")
        pupil.refresh_from_db()
        assert (pupil.destination_urn, pupil.destination) == ("123456", "Riverside Academy")

        with pytest.raises(ValidationError, match="6 digits"):
            services.record_destination(pupil, recorded_by=transition.senco_a, urn="12AB")
        with pytest.raises(PermissionDenied):
            services.record_destination(pupil, recorded_by=transition.teacher_a, urn=transition.secondary.urn)
        assert AuditEvent.objects.filter(pupil_id=pupil.pk, summary="Recorded the destination school").count() == 2


def test_a_year_6_cohort_gets_its_destination_in_one_go(transition, in_schema):
    with in_schema(transition.primary):
        year6 = [PupilFactory(nc_year="6") for _ in range(3)]
        year5 = PupilFactory(nc_year="5")
        left = PupilFactory(nc_year="6", leaving_date=timezone.localdate() - datetime.timedelta(days=3))
        count = services.record_cohort_destination(recorded_by=transition.senco_a, urn=transition.secondary.urn)
        assert count == 4  # the three, and the fixture's pupil
        assert {p.destination_urn for p in Pupil.objects.filter(pk__in=[p.pk for p in year6])} == {"991003"}
        assert Pupil.objects.get(pk=year5.pk).destination_urn == ""
        assert Pupil.objects.get(pk=left.pk).destination_urn == ""
        assert AuditEvent.objects.filter(pupil_id=year6[0].pk, action="update").exists()
        only = services.record_cohort_destination(
            recorded_by=transition.senco_a, urn="123456", name="Riverside Academy", pupil_ids=[year6[0].pk]
        )
        assert only == 1
        assert Pupil.objects.get(pk=year6[1].pk).destination_urn == "991003"


def test_a_grant_needs_the_parents_consent_and_says_so(transition, in_schema):
    with in_schema(transition.primary):
        pupil = make_year6_pupil(destination=transition.secondary, consent=False)
        with pytest.raises(ValidationError) as refused:
            services.grant_access(pupil, granted_by=transition.senco_a)
        assert refused.value.message_dict["consent"][0].startswith("Parents have not given consent")
        # Consent for something else does not count, nor does withdrawn consent.
        Consent.objects.filter(pupil=pupil).update(scope=ConsentScope.REFERRAL)
        consent = Consent.objects.create(
            pupil=pupil,
            scope=ConsentScope.SHARE_WITH_NEXT_SCHOOL,
            given_by=pupil.parents.first(),
            given_on=timezone.localdate() - datetime.timedelta(days=9),
            withdrawn_on=timezone.localdate() - datetime.timedelta(days=1),
        )
        with pytest.raises(ValidationError, match="consent"):
            services.grant_access(pupil, granted_by=transition.senco_a)
        with pytest.raises(ValidationError, match="consent"):
            services.prepare_transition_file(pupil, prepared_by=transition.senco_a)
        assert consent.pk
    assert not TransitionGrant.objects.filter(primary_pupil_id=pupil.pk).exists()


def test_the_senco_grants_revokes_and_changes_a_window_audited_on_both_sides(transition, in_schema):
    with in_schema(transition.primary):
        grant = services.grant_access(transition.pupil, granted_by=transition.senco_a)
        assert grant.destination == transition.secondary
        assert (grant.starts_on, grant.ends_on) == services.default_window("6")
        assert grant.is_live_on(timezone.localdate())
        assert AuditEvent.objects.filter(
            object_type="transition_grant", pupil_id=transition.pupil.pk, action="share"
        ).exists()
        with pytest.raises(ValidationError, match="already has access"):
            services.grant_access(transition.pupil, granted_by=transition.senco_a)
        with pytest.raises(PermissionDenied):
            services.revoke_grant(grant, revoked_by=transition.teacher_a)
        later = timezone.localdate() + datetime.timedelta(days=30)
        services.change_grant_window(grant, changed_by=transition.senco_a, starts_on=grant.starts_on, ends_on=later)
        with pytest.raises(ValidationError, match="after the start"):
            services.change_grant_window(grant, changed_by=transition.senco_a, starts_on=later, ends_on=grant.starts_on)
        services.revoke_grant(grant, revoked_by=transition.senco_a)
        grant.refresh_from_db()
        assert grant.revoked_at is not None and grant.ends_on == later
        with pytest.raises(ValidationError, match="revoked"):
            services.revoke_grant(grant, revoked_by=transition.senco_a)
        # After a revocation a new grant can be made.
        again = services.grant_access(transition.pupil, granted_by=transition.senco_a)
        assert again.pk != grant.pk
    with in_schema(transition.secondary):
        assert AuditEvent.objects.filter(object_type="transition_grant", object_id=str(grant.pk)).count() == 3
        assert not AuditEvent.objects.filter(pupil_id=transition.pupil.pk).exists()


def test_no_grant_to_a_school_that_is_not_on_cairn_or_without_a_destination(transition, in_schema):
    with in_schema(transition.primary):
        pupil = make_year6_pupil()
        with pytest.raises(ValidationError, match="Record the school"):
            services.grant_access(pupil, granted_by=transition.senco_a)
        services.record_destination(pupil, recorded_by=transition.senco_a, urn="123456", name="Riverside Academy")
        with pytest.raises(ValidationError, match="not on Cairn"):
            services.grant_access(pupil, granted_by=transition.senco_a)


def test_the_board_shows_each_year_6_pupil_in_a_fixed_number_of_queries(transition, in_schema, max_queries):
    with in_schema(transition.primary):
        services.grant_access(transition.pupil, granted_by=transition.senco_a)
        for _ in range(6):
            make_year6_pupil(destination=transition.secondary)
        with max_queries(5):
            rows = transition_board(transition.primary)
        assert len(rows) == 7
        mine = next(r for r in rows if r.pupil.pk == transition.pupil.pk)
        assert mine.has_consent and mine.destination_on_cairn and mine.grant is not None and mine.file is None
    # Another school's board shows none of it.
    with in_schema(transition.other):
        assert transition_board(transition.other) == []
    connection.set_schema_to_public()
