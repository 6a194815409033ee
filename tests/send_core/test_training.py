"""Staff training and when it expires."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from send_core.models import StaffTraining
from send_core.selectors import (
    staff_training,
    training_expiring,
)
from send_core.services.training import record_staff_training

D = datetime.date


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
