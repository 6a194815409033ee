"""Who sees which pupils: SENCO and head all; teachers and TAs their classes; office core details; governors none."""

import pytest
from django.core.exceptions import PermissionDenied
from django.db.models import Q

from send_core import permissions
from send_core.models import Pupil
from send_core.permissions import (
    can_edit_send_record,
    can_raise_concern,
    can_record_review,
    can_view_pupil,
    can_view_register_summary,
    can_view_send_record,
    register_pupil_visibility,
    require_edit_send_record,
    require_raise_concern,
    require_record_review,
    require_view_pupil,
    require_view_send_record,
)
from send_core.selectors import get_visible_pupil, pupil_list, pupil_send_record, send_record_pupils, visible_pupils
from tests.send_core.factories import ClassTeacherFactory, PupilFactory, SchoolClassFactory, on_register


@pytest.fixture
def school(in_a, staff):
    """Two classes; the teacher teaches 4K, the TA supports 4K, nobody from here teaches 5W."""
    kestrels, wrens = SchoolClassFactory(name="4 Kestrels"), SchoolClassFactory(name="5 Wrens", year_group="5")
    people = {
        role: staff(role)
        for role in (
            "senco",
            "headteacher",
            "teacher",
            "teaching_assistant",
            "school_admin",
            "governor",
            "business_manager",
        )
    }
    ClassTeacherFactory(school_class=kestrels, user=people["teacher"])
    ClassTeacherFactory(school_class=kestrels, user=people["teaching_assistant"], role="teaching_assistant")
    mine, theirs = (
        PupilFactory(school_class=kestrels, last_name="Mine"),
        PupilFactory(school_class=wrens, last_name="Theirs"),
    )
    on_register(mine)
    on_register(theirs)
    return people, mine, theirs


def roles(role):
    return frozenset({role})


@pytest.mark.parametrize(
    "role, core_mine, core_theirs, record_mine, record_theirs, edit, review_mine, review_theirs, concern_mine, figures",
    [
        ("senco", True, True, True, True, True, True, True, True, True),
        ("headteacher", True, True, True, True, True, True, True, True, True),
        ("teacher", True, False, True, False, False, True, False, True, False),
        ("teaching_assistant", True, False, True, False, False, True, False, True, False),
        ("school_admin", True, True, False, False, False, False, False, False, False),
        ("governor", False, False, False, False, False, False, False, False, True),
        ("business_manager", False, False, False, False, False, False, False, False, True),
    ],
)
def test_the_role_matrix(
    school,
    role,
    core_mine,
    core_theirs,
    record_mine,
    record_theirs,
    edit,
    review_mine,
    review_theirs,
    concern_mine,
    figures,
):
    people, mine, theirs = school
    user, r = people[role], roles(role)
    assert can_view_pupil(user, r, mine) is core_mine
    assert can_view_pupil(user, r, theirs) is core_theirs
    assert can_view_send_record(user, r, mine) is record_mine
    assert can_view_send_record(user, r, theirs) is record_theirs
    assert can_edit_send_record(r) is edit
    assert can_record_review(user, r, mine) is review_mine
    assert can_record_review(user, r, theirs) is review_theirs
    assert can_raise_concern(user, r, mine) is concern_mine
    assert can_view_register_summary(r) is figures
    expected_core = {name for name, ok in (("Mine", core_mine), ("Theirs", core_theirs)) if ok}
    assert {p.last_name for p in visible_pupils(user, r)} == expected_core
    expected_record = {name for name, ok in (("Mine", record_mine), ("Theirs", record_theirs)) if ok}
    assert {p.last_name for p in send_record_pupils(user, r)} == expected_record


def test_requirements_refuse_with_reasons(school):
    people, mine, theirs = school
    with pytest.raises(PermissionDenied, match="only see pupils in the classes you work with"):
        require_view_pupil(people["teacher"], roles("teacher"), theirs)
    with pytest.raises(PermissionDenied, match="contact details only, not their SEND records"):
        require_view_send_record(people["school_admin"], roles("school_admin"), mine)
    with pytest.raises(PermissionDenied, match="Only the SENCO or headteacher can change the SEND register"):
        require_edit_send_record(roles("teacher"))
    with pytest.raises(PermissionDenied, match="record a review"):
        require_record_review(people["teacher"], roles("teacher"), theirs)
    with pytest.raises(PermissionDenied, match="raise a concern"):
        require_raise_concern(people["governor"], roles("governor"), mine)
    require_view_send_record(people["teacher"], roles("teacher"), mine)


def test_no_roles_or_no_person_sees_nothing(school):
    people, mine, _ = school
    assert not visible_pupils(people["senco"], frozenset()).exists()
    assert not visible_pupils(None, roles("senco")).exists()
    assert not can_view_pupil(None, roles("senco"), mine)


def test_roles_held_elsewhere_do_not_count(school, staff, school_b, in_b):
    people, mine, _ = school
    # A SENCO at school B has no roles here; and school A's pupils are not in school B's schema at all.
    outsider = staff("senco", organisation=school_b)
    assert not permissions.acting_roles(outsider)
    with in_b():
        assert permissions.acting_roles(outsider) == {"senco"}
        assert not visible_pupils(outsider, roles("senco")).exists()
        assert not Pupil.objects.filter(upn=mine.upn).exists()


def test_office_staff_get_the_list_without_send_details(school):
    people, mine, theirs = school
    rows = {p.last_name: p for p in pupil_list(people["school_admin"], roles("school_admin"))}
    assert set(rows) == {"Mine", "Theirs"}
    assert rows["Mine"].current_census_code is None and rows["Mine"].primary_need_type is None
    senco_rows = {p.last_name: p for p in pupil_list(people["senco"], roles("senco"))}
    assert senco_rows["Mine"].current_census_code == "K" and senco_rows["Mine"].primary_need_type == "SPLD"
    with pytest.raises(PermissionDenied):
        pupil_send_record(people["school_admin"], roles("school_admin"), mine)


def test_office_staff_who_also_teach_see_send_details_only_for_their_class(school):
    people, mine, theirs = school
    both = frozenset({"school_admin", "teacher"})
    rows = {p.last_name: p for p in pupil_list(people["teacher"], both)}
    assert rows["Mine"].current_census_code == "K"
    assert rows["Theirs"].current_census_code is None


def test_get_visible_pupil_hides_pupils_out_of_scope(school):
    people, mine, theirs = school
    assert get_visible_pupil(people["teacher"], roles("teacher"), mine.pk) == mine
    with pytest.raises(Pupil.DoesNotExist):
        get_visible_pupil(people["teacher"], roles("teacher"), theirs.pk)


def test_the_pupil_record_for_a_teacher(school):
    people, mine, _ = school
    record = pupil_send_record(people["teacher"], roles("teacher"), mine)
    assert record.on_register and record.stage.stage_key == "sen_support"
    assert [n.need_type for n in record.needs] == ["SPLD"]


def test_later_parts_of_cairn_can_add_ways_staff_see_pupils(school, monkeypatch):
    people, mine, theirs = school
    monkeypatch.setattr(permissions, "PUPIL_VISIBILITY_SOURCES", list(permissions.PUPIL_VISIBILITY_SOURCES))
    # e.g. an intervention group the TA runs that includes a pupil from another class
    register_pupil_visibility(
        lambda user: Q(pk=theirs.pk) if user.pk == people["teaching_assistant"].pk else Q(pk__in=[])
    )
    ta = people["teaching_assistant"]
    assert {p.last_name for p in visible_pupils(ta, roles("teaching_assistant"))} == {"Mine", "Theirs"}
    assert {p.last_name for p in visible_pupils(people["teacher"], roles("teacher"))} == {"Mine"}
