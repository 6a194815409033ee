"""Organisations validate with messages a person can act on."""

import pytest
from django.core.exceptions import ValidationError

from tenants.models import Organisation
from tenants.roles import OrganisationKind


def _school(**overrides):
    fields = dict(
        kind=OrganisationKind.SCHOOL,
        name="New Primary",
        slug="new-primary",
        schema_name="org_new_primary",
        urn="991099",
        la_code="991",
        establishment_number="2199",
        phase="primary",
    )
    fields.update(overrides)
    return Organisation(**fields)


def test_a_valid_school_passes(la):
    _school(local_authority=la).full_clean()


@pytest.mark.parametrize(
    "overrides, field, message",
    [
        ({"urn": "12345"}, "urn", "A URN is 6 digits"),
        ({"la_code": "99"}, "la_code", "An LA code is 3 digits"),
        ({"establishment_number": "12a4"}, "establishment_number", "An establishment number is 4 digits"),
        ({"phase": ""}, "phase", "Choose the school's phase."),
        ({"la_code": "992"}, "la_code", "does not match"),
    ],
)
def test_school_fields_are_checked(la, overrides, field, message):
    with pytest.raises(ValidationError) as error:
        _school(local_authority=la, **overrides).full_clean()
    assert any(message in m for m in error.value.message_dict[field])


def test_a_schools_local_authority_must_be_a_local_authority(trust):
    with pytest.raises(ValidationError) as error:
        _school(local_authority=trust).full_clean()
    assert any("is not a local authority" in m for m in error.value.message_dict["local_authority"])


def test_a_schools_trust_must_be_a_trust(la, school_a):
    with pytest.raises(ValidationError) as error:
        _school(local_authority=la, trust=school_a).full_clean()
    assert any("is not a multi-academy trust" in m for m in error.value.message_dict["trust"])


def test_a_school_belongs_to_at_most_one_trust():
    # One foreign key: a second trust can only replace the first, never sit beside it.
    field = Organisation._meta.get_field("trust")
    assert field.many_to_one and not field.many_to_many


def test_only_schools_have_urns_and_trusts(trust, la):
    with pytest.raises(ValidationError) as error:
        Organisation(
            kind=OrganisationKind.TRUST, name="T", slug="t2", schema_name="org_t2", urn="991098", trust=trust
        ).full_clean()
    assert "Only a school has this." in error.value.message_dict["urn"]
    assert "Only a school can belong to a trust." in error.value.message_dict["trust"]


def test_urns_are_unique(la, school_a):
    with pytest.raises(ValidationError) as error:
        _school(local_authority=la, urn=school_a.urn).full_clean()
    assert "urn" in str(error.value.message_dict) or "__all__" in error.value.message_dict
