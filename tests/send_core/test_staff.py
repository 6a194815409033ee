"""References to staff cross from a school's schema to the public one; erasing a person must still work."""

import pytest
from django.db import connection, models

from send_core.models import ClassTeacher, Concern, RegisterEntry
from send_core.services.staff import detach_staff_member
from tenants.models import User
from tests.send_core.factories import ClassTeacherFactory, ConcernFactory, RegisterEntryFactory


def test_staff_references_have_no_database_constraint_and_do_nothing_on_delete():
    from send_core.services.staff import _tenant_models

    for model in _tenant_models():
        for field in model._meta.fields:
            if isinstance(field, models.ForeignKey) and field.related_model is User:
                assert field.db_constraint is False, field
                assert field.remote_field.on_delete is models.DO_NOTHING, field


def test_a_person_is_detached_in_each_school_then_erased(in_a, staff):
    teacher = staff("teacher")
    link = ClassTeacherFactory(user=teacher)
    concern = ConcernFactory(raised_by=teacher)
    entry = RegisterEntryFactory(decided_by=teacher)

    assert detach_staff_member(teacher.pk) == 3
    assert not ClassTeacher.objects.filter(pk=link.pk).exists()
    assert Concern.objects.get(pk=concern.pk).raised_by_id is None
    assert RegisterEntry.objects.get(pk=entry.pk).decided_by_id is None

    # Deleting the person in the public schema works: Django does not go looking for school tables there.
    connection.set_schema_to_public()
    User.objects.filter(pk=teacher.pk).delete()
    assert not User.objects.filter(pk=teacher.pk).exists()
    connection.set_tenant(in_a)
    # The school's record still says what was done.
    assert Concern.objects.get(pk=concern.pk).concern


def test_a_record_whose_author_has_gone_reads_as_no_author(in_a, staff):
    teacher = staff("teacher")
    ConcernFactory(raised_by=teacher)
    connection.set_schema_to_public()
    User.objects.filter(pk=teacher.pk).delete()
    connection.set_tenant(in_a)
    concern = Concern.objects.select_related("raised_by").get()
    assert concern.raised_by is None


@pytest.mark.parametrize("on_delete", [models.SET_NULL, models.PROTECT])
def test_why_not_set_null_or_protect(on_delete, in_a, staff, monkeypatch):
    """Either would make Django query school tables from the public schema when a person is deleted."""
    teacher = staff("teacher")
    field = Concern._meta.get_field("raised_by")
    monkeypatch.setattr(field.remote_field, "on_delete", on_delete)
    connection.set_schema_to_public()
    with pytest.raises(Exception, match='relation "send_core_concern" does not exist'):
        from django.db import transaction

        with transaction.atomic():
            User.objects.filter(pk=teacher.pk).delete()
    connection.set_tenant(in_a)


def test_provision_and_ehc_references_are_detached_too(in_a, staff):
    import datetime

    from send_core.ehc.models import EhcRequest, Reminder
    from send_core.provision.models import GroupStaff
    from tests.send_core.factories import PupilFactory

    ta = staff("teaching_assistant")
    senco = staff("senco")
    request = EhcRequest.objects.create(pupil=PupilFactory(), created_by=senco)
    Reminder.objects.create(
        user=senco,
        object_type="case",
        object_id=1,
        deadline_key="decision",
        due_on=datetime.date(2026, 3, 16),
        days_before=7,
        text="Decide",
        link="/",
    )
    from tests.send_core.provision.factories import ProvisionGroupFactory

    group = ProvisionGroupFactory()
    GroupStaff.objects.create(group=group, user=ta)
    detach_staff_member(ta.pk)
    detach_staff_member(senco.pk)
    assert not GroupStaff.objects.filter(user_id=ta.pk).exists()
    assert not Reminder.objects.filter(user_id=senco.pk).exists()
    assert EhcRequest.objects.get(pk=request.pk).created_by_id is None
