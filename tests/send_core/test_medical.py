"""Medical conditions: the medical register and its flag."""

import datetime

import pytest

from send_core.models import MedicalCondition, Pupil
from send_core.selectors import (
    medical_register,
)
from send_core.services.medical import end_medical_condition, record_medical_condition
from tests.send_core.factories import SENCO, TEACHER, ClassTeacherFactory, PupilFactory

D = datetime.date


@pytest.fixture
def teacher_and_pupil(in_a, staff):
    teacher = staff("teacher")
    link = ClassTeacherFactory(user=teacher)
    return teacher, PupilFactory(school_class=link.school_class)


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
