"""Pupils' core details, classes and their staff, parents and carers."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from send_core.models import ClassTeacher, ParentCarer, PlanStatus, Pupil, RegisterEntry, SchoolClass
from send_core.selectors import classes_taught_by, visible_pupils
from send_core.services.pupils import (
    add_parent_carer,
    assign_class_staff,
    create_pupil,
    create_school_class,
    record_leaving,
    remove_class_staff,
    remove_parent_carer,
    update_parent_carer,
    update_pupil,
)
from send_core.upn import make_upn
from tests.send_core.factories import TEACHER, ConsentFactory, PupilFactory, active_plan_for, on_register

D = datetime.date


def _details(**overrides):
    fields = dict(
        upn=make_upn("881", "2101", 21, 7),
        legal_first_name="Amelia",
        last_name="Nwosu",
        date_of_birth=D(2017, 2, 11),
        sex="F",
        nc_year="3",
    )
    fields.update(overrides)
    return fields


def test_the_office_adds_a_pupil_with_context(in_a, staff, in_b):
    office = staff("school_admin")
    pupil = create_pupil(
        created_by=office,
        preferred_name="Millie",
        eal=True,
        pupil_premium=True,
        attendance_percentage=93.5,
        **_details(),
    )
    assert pupil.display_name == "Millie Nwosu" and pupil.legal_name == "Amelia Nwosu"
    assert pupil.eal and pupil.pupil_premium and not pupil.upn_is_temporary
    with in_b():
        assert not Pupil.objects.filter(upn=pupil.upn).exists()


def test_temporary_upns_are_marked(in_a, staff):
    pupil = create_pupil(created_by=staff("senco"), **_details(upn=make_upn("881", "2101", 25, 30, temporary=True)))
    assert pupil.upn_is_temporary
    permanent = make_upn("881", "2101", 25, 30)
    update_pupil(pupil, changed_by=staff("school_admin"), upn=permanent.lower())
    pupil.refresh_from_db()
    assert pupil.upn == permanent and not pupil.upn_is_temporary


@pytest.mark.parametrize(
    "overrides, field, message",
    [
        ({"upn": "A801200001001"}, "upn", "check letter does not match"),
        ({"sex": "X"}, "sex", "not a valid choice"),
        ({"nc_year": "15"}, "nc_year", "not a valid choice"),
        (
            {"date_of_birth": datetime.date.today() + datetime.timedelta(days=1)},
            "date_of_birth",
            "cannot be in the future",
        ),
        ({"admission_date": D(2016, 1, 1)}, "admission_date", "before the date of birth"),
    ],
)
def test_bad_details_are_refused(in_a, staff, overrides, field, message):
    details = _details(**overrides)
    with pytest.raises(ValidationError) as error:
        create_pupil(created_by=staff("school_admin"), **details)
    assert any(message in m for m in error.value.message_dict[field])
    assert not Pupil.objects.exists()


def test_upns_are_unique_in_a_school(in_a, staff):
    office = staff("school_admin")
    create_pupil(created_by=office, **_details())
    with pytest.raises(ValidationError) as error:
        create_pupil(created_by=office, **_details(legal_first_name="Other"))
    assert "upn" in error.value.message_dict


def test_teachers_and_governors_do_not_keep_pupil_details(in_a, staff):
    for role in ("teacher", "teaching_assistant", "governor", "business_manager"):
        with pytest.raises(PermissionDenied):
            create_pupil(created_by=staff(role), **_details())


def test_classes_and_their_staff_decide_what_teachers_see(in_a, staff):
    office, teacher = staff("school_admin"), staff("teacher")
    kestrels = create_school_class(name="4  Kestrels", year_group="4", created_by=office)
    assert kestrels.name == "4 Kestrels"
    with pytest.raises(ValidationError, match="already a class called 4 kestrels"):
        create_school_class(name="4 kestrels", created_by=office)
    pupil = PupilFactory(school_class=kestrels)
    assert not visible_pupils(teacher, TEACHER).exists()
    assign_class_staff(kestrels, user=teacher, assigned_by=office)
    assert list(visible_pupils(teacher, TEACHER)) == [pupil]
    assert list(classes_taught_by(teacher)) == [kestrels]
    assign_class_staff(kestrels, user=teacher, assigned_by=office, role="teaching_assistant")
    assert ClassTeacher.objects.get(user_id=teacher.pk).role == "teaching_assistant"
    remove_class_staff(kestrels, user=teacher, removed_by=office)
    assert not visible_pupils(teacher, TEACHER).exists()
    # Moving the pupil to another class moves them out of that class's staff's sight.
    assign_class_staff(kestrels, user=teacher, assigned_by=office)
    update_pupil(pupil, changed_by=office, school_class=SchoolClass.objects.create(name="5 Wrens"))
    assert not visible_pupils(teacher, TEACHER).exists()


def test_leaving_ends_the_register_entry_and_closes_plans(in_a, staff):
    senco = staff("senco")
    pupil = PupilFactory()
    entry = on_register(pupil, since=D(2023, 9, 1))
    plan = active_plan_for(pupil)
    record_leaving(
        pupil,
        leaving_date=D(2025, 7, 18),
        destination="Harbourside Academy",
        destination_urn="990104",
        recorded_by=senco,
    )
    entry.refresh_from_db()
    plan.refresh_from_db()
    pupil.refresh_from_db()
    assert pupil.leaving_date == D(2025, 7, 18) and pupil.destination_urn == "990104"
    assert entry.ended_on == D(2025, 7, 18) and entry.end_reason == "Left the school"
    assert plan.status == PlanStatus.CLOSED
    assert not RegisterEntry.objects.filter(pupil=pupil, ended_on__isnull=True).exists()
    with pytest.raises(ValidationError, match="A URN is 6 digits"):
        record_leaving(PupilFactory(), leaving_date=D(2025, 7, 18), destination_urn="12", recorded_by=senco)


def test_parents_and_the_primary_contact(in_a, staff, in_b):
    office = staff("school_admin")
    pupil = PupilFactory()
    mum = add_parent_carer(
        pupil,
        added_by=office,
        name="Grace Nwosu",
        relationship="mother",
        phone="07700 900123",
        preferred_contact="phone",
    )
    dad = add_parent_carer(pupil, added_by=office, name="Tobi Nwosu", relationship="father", email="tobi@example.org")
    assert mum.is_primary_contact and not dad.is_primary_contact
    update_parent_carer(dad, changed_by=office, is_primary_contact=True)
    assert list(ParentCarer.objects.filter(pupil=pupil, is_primary_contact=True)) == [dad]
    with pytest.raises(ValidationError):
        add_parent_carer(pupil, added_by=office, name="X", relationship="uncle")
    with in_b():
        assert not ParentCarer.objects.exists()


def test_a_parent_who_gave_consent_stays_on_record(in_a, staff):
    office = staff("school_admin")
    consent = ConsentFactory()
    with pytest.raises(ValidationError, match="has given consent that is on record"):
        remove_parent_carer(consent.given_by, removed_by=office)
    assert ParentCarer.objects.filter(pk=consent.given_by_id).exists()
    other = add_parent_carer(
        consent.pupil, added_by=office, name="Aunt", relationship="other", parental_responsibility=False
    )
    remove_parent_carer(other, removed_by=office)
    assert not ParentCarer.objects.filter(pk=other.pk).exists()
