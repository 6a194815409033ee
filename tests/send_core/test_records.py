"""Meetings with parents, assessments over time, medical conditions and staff training."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from send_core.models import Assessment, MedicalCondition, ParentMeeting, Pupil, StaffTraining
from send_core.selectors import (
    assessment_series,
    medical_register,
    parent_meetings_for,
    parent_meetings_in_year,
    staff_training,
    training_expiring,
)
from send_core.services.assessments import record_assessment
from send_core.services.medical import end_medical_condition, record_medical_condition
from send_core.services.meetings import record_parent_meeting
from send_core.services.training import record_staff_training
from tests.send_core.factories import SENCO, TEACHER, ClassTeacherFactory, PupilFactory

D = datetime.date


@pytest.fixture
def teacher_and_pupil(in_a, staff):
    teacher = staff("teacher")
    link = ClassTeacherFactory(user=teacher)
    return teacher, PupilFactory(school_class=link.school_class)


def test_meetings_with_parents(teacher_and_pupil, in_b):
    teacher, pupil = teacher_and_pupil
    for held_on in (D(2024, 10, 1), D(2025, 2, 3), D(2025, 5, 20)):
        record_parent_meeting(
            pupil,
            recorded_by=teacher,
            held_on=held_on,
            kind="termly",
            attendees=[{"role": "parent", "name": "Mr Byrne"}, {"role": "teacher", "name": "Ms Ode"}],
            notes="Went through the plan",
            agreed_actions="Reading diary each night",
        )
    assert parent_meetings_for(pupil).count() == 3
    assert parent_meetings_in_year(pupil, D(2025, 6, 1)) == 3
    assert parent_meetings_in_year(pupil, D(2025, 10, 2)) == 2
    with pytest.raises(ValidationError, match="Choose the kind of meeting"):
        record_parent_meeting(pupil, recorded_by=teacher, held_on=D(2025, 1, 1), kind="party")
    with in_b():
        assert not ParentMeeting.objects.exists()


def test_assessment_series_for_a_chart(teacher_and_pupil, in_b):
    teacher, pupil = teacher_and_pupil
    for on, months in ((D(2025, 1, 10), 88), (D(2024, 9, 10), 80), (D(2025, 5, 12), 95)):
        record_assessment(
            pupil, recorded_by=teacher, kind="reading_age", assessed_on=on, score=months, instrument="Salford"
        )
    record_assessment(
        pupil,
        recorded_by=teacher,
        kind="teacher_assessment",
        assessed_on=D(2025, 3, 1),
        result="Working towards",
        subject="Writing",
    )
    series = assessment_series(pupil, "reading_age")
    assert [(p.on, p.value) for p in series] == [
        (D(2024, 9, 10), Decimal(80)),
        (D(2025, 1, 10), Decimal(88)),
        (D(2025, 5, 12), Decimal(95)),
    ]
    assert [p.value for p in assessment_series(pupil, "teacher_assessment")] == ["Working towards"]
    with in_b():
        assert not Assessment.objects.exists()


@pytest.mark.parametrize(
    "kind, score, result, message",
    [
        ("reading_age", 7, "", "reading age is given in months"),
        ("standardised_score", 200, "", "between 40 and 160"),
        ("phonics_phase", 9, "", "between 1 and 6"),
        ("phonics_phase", "three", "", "between 1 and 6"),
        ("teacher_assessment", None, "", "Record the teacher assessment"),
    ],
)
def test_implausible_assessments_are_refused(teacher_and_pupil, kind, score, result, message):
    teacher, pupil = teacher_and_pupil
    with pytest.raises(ValidationError, match=message):
        record_assessment(pupil, recorded_by=teacher, kind=kind, assessed_on=D(2025, 1, 1), score=score, result=result)


def test_teachers_only_assess_their_own_pupils(teacher_and_pupil):
    teacher, _ = teacher_and_pupil
    with pytest.raises(PermissionDenied):
        record_assessment(PupilFactory(), recorded_by=teacher, kind="reading_age", assessed_on=D(2025, 1, 1), score=90)


def test_the_medical_register_sets_and_clears_the_flag(in_a, staff, teacher_and_pupil, in_b):
    senco = staff("senco")
    teacher, pupil = teacher_and_pupil
    condition = record_medical_condition(
        pupil, recorded_by=senco, condition="Asthma", has_care_plan=True, medication="Salbutamol inhaler"
    )
    assert Pupil.objects.get(pk=pupil.pk).medical_needs
    assert [m.condition for m in medical_register(user=teacher, roles=TEACHER)] == ["Asthma"]
    other = PupilFactory()
    record_medical_condition(other, recorded_by=senco, condition="Epilepsy")
    assert (
        len(medical_register(user=senco, roles=SENCO)) == 2 and len(medical_register(user=teacher, roles=TEACHER)) == 1
    )
    end_medical_condition(condition, recorded_by=senco, ended_on=D(2025, 1, 1))
    assert not Pupil.objects.get(pk=pupil.pk).medical_needs
    with in_b():
        assert not MedicalCondition.objects.exists()


def test_staff_training(in_a, staff):
    senco, ta = staff("senco"), staff("teaching_assistant")
    record_staff_training(
        user=ta,
        course="Zones of Regulation",
        provider="Westmere Inclusion Team",
        completed_on=D(2024, 11, 5),
        area="semh",
        expires_on=D(2026, 11, 5),
        recorded_by=senco,
    )
    record_staff_training(
        user=ta,
        course="Team Teach",
        completed_on=D(2023, 6, 1),
        expires_on=D(2025, 6, 1),
        recorded_by=staff("business_manager"),
    )
    assert [t.course for t in staff_training(user_id=ta.pk)] == ["Zones of Regulation", "Team Teach"]
    assert [t.course for t in staff_training(area="semh")] == ["Zones of Regulation"]
    assert [t.course for t in training_expiring(D(2025, 5, 1))] == ["Team Teach"]
    assert staff_training(user_id=ta.pk).first().user.email == ta.email
    with pytest.raises(PermissionDenied):
        record_staff_training(user=ta, course="x", completed_on=D(2024, 1, 1), recorded_by=staff("teacher"))
    with pytest.raises(ValidationError, match="expiry date must be after"):
        record_staff_training(
            user=ta, course="x", completed_on=D(2024, 1, 1), expires_on=D(2023, 1, 1), recorded_by=senco
        )
    assert StaffTraining.objects.count() == 2
