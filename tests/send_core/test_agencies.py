"""Agencies need parents' consent to a referral; consent is scoped, dated and can be withdrawn."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from send_core.models import AgencyInvolvement, Consent, InvolvementStatus
from send_core.selectors import agency_catalogue, consents_for, has_consent, involvements_for
from send_core.services.agencies import (
    DEFAULT_AGENCIES,
    add_agency,
    ensure_agency_catalogue,
    record_consent,
    refer_to_agency,
    update_involvement,
    withdraw_consent,
)
from tests.send_core.factories import AgencyFactory, ParentCarerFactory, PupilFactory

D = datetime.date


@pytest.fixture
def family(in_a):
    pupil = PupilFactory()
    return pupil, ParentCarerFactory(pupil=pupil, name="Sara Malik", parental_responsibility=True)


def test_consent_is_in_force_between_given_and_withdrawn(family, staff, in_b):
    senco = staff("senco")
    pupil, mum = family
    consent = record_consent(pupil, scope="referral", given_by=mum, given_on=D(2024, 9, 10), recorded_by=senco)
    assert has_consent(pupil, "referral", D(2024, 9, 10))
    assert not has_consent(pupil, "referral", D(2024, 9, 9))
    assert not has_consent(pupil, "share_with_la", D(2024, 10, 1))  # scoped
    withdraw_consent(consent, withdrawn_on=D(2025, 1, 6), recorded_by=senco)
    assert has_consent(pupil, "referral", D(2025, 1, 5))
    assert not has_consent(pupil, "referral", D(2025, 1, 6))
    assert not has_consent(pupil, "referral")  # today
    with pytest.raises(ValidationError, match="already withdrawn"):
        withdraw_consent(consent, recorded_by=senco)
    assert [c.given_by.name for c in consents_for(pupil)] == ["Sara Malik"]
    with in_b():
        assert not Consent.objects.exists()


def test_consent_comes_from_a_parent_with_parental_responsibility(family, staff):
    senco = staff("senco")
    pupil, _ = family
    step_dad = ParentCarerFactory(pupil=pupil, name="Lee", relationship="step_parent", parental_responsibility=False)
    with pytest.raises(ValidationError, match="Lee does not hold parental responsibility"):
        record_consent(pupil, scope="referral", given_by=step_dad, recorded_by=senco)
    stranger = ParentCarerFactory()
    with pytest.raises(ValidationError, match="one of this pupil's own parents"):
        record_consent(pupil, scope="referral", given_by=stranger, recorded_by=senco)


def test_referral_needs_consent_in_force_on_the_day(family, staff, in_b):
    senco = staff("senco")
    pupil, mum = family
    salt = AgencyFactory(name="Westmere SALT")
    with pytest.raises(ValidationError, match="consent to a referral is not on record"):
        refer_to_agency(pupil, agency=salt, referred_by=senco, referred_on=D(2024, 10, 1))
    record_consent(pupil, scope="share_with_la", given_by=mum, given_on=D(2024, 9, 1), recorded_by=senco)
    with pytest.raises(ValidationError, match="consent to a referral is not on record"):
        refer_to_agency(pupil, agency=salt, referred_by=senco, referred_on=D(2024, 10, 1))
    consent = record_consent(pupil, scope="referral", given_by=mum, given_on=D(2024, 9, 20), recorded_by=senco)
    involvement = refer_to_agency(
        pupil, agency=salt, referred_by=senco, referred_on=D(2024, 10, 1), reason="Speech sounds"
    )
    assert involvement.consent == consent and involvement.status == InvolvementStatus.REFERRED
    update_involvement(
        involvement, changed_by=senco, status="active", report_received_on=D(2024, 12, 2), notes="Programme in place"
    )
    involvement.refresh_from_db()
    assert involvement.report_received and involvement.status == "active"
    update_involvement(involvement, changed_by=senco, closed_on=D(2025, 3, 1))
    involvement.refresh_from_db()
    assert involvement.status == "closed"
    assert list(involvements_for(pupil)) == [involvement]
    with in_b():
        assert not AgencyInvolvement.objects.exists()


def test_referrals_are_for_the_senco_or_head(family, staff):
    pupil, mum = family
    with pytest.raises(PermissionDenied):
        refer_to_agency(pupil, agency=AgencyFactory(), referred_by=staff("teacher"))
    with pytest.raises(PermissionDenied):
        record_consent(pupil, scope="referral", given_by=mum, recorded_by=staff("school_admin"))


def test_the_agency_catalogue(in_a, staff):
    senco = staff("senco")
    catalogue = ensure_agency_catalogue(by=senco)
    assert {a.kind for a in catalogue} == {kind for kind, _ in DEFAULT_AGENCIES}
    assert len(ensure_agency_catalogue(by=senco)) == len(catalogue)  # idempotent
    add_agency(added_by=senco, kind="other", name="Westmere Young Carers")
    with pytest.raises(ValidationError, match="already in the catalogue"):
        add_agency(added_by=senco, kind="other", name="westmere young carers")
    assert "Westmere Young Carers" in [a.name for a in agency_catalogue()]
