"""Meetings with parents: recorded with who took part, counted by school year."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from send_core.models import ParentMeeting
from send_core.selectors import (
    parent_meetings_for,
    parent_meetings_in_year,
)
from send_core.services.meetings import record_parent_meeting
from tests.send_core.factories import ClassTeacherFactory, PupilFactory

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
