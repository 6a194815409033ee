"""Assessments over time: a series for a chart, implausible scores refused, teachers assess their own pupils."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from send_core.models import Assessment
from send_core.selectors import (
    assessment_series,
)
from send_core.services.assessments import record_assessment
from tests.send_core.factories import ClassTeacherFactory, PupilFactory

D = datetime.date


@pytest.fixture
def teacher_and_pupil(in_a, staff):
    teacher = staff("teacher")
    link = ClassTeacherFactory(user=teacher)
    return teacher, PupilFactory(school_class=link.school_class)


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
