"""Two people adding the same pupil or class at once: the second is told plainly, never a server error.

The race is simulated: the second person's uniqueness check runs before the first's insert is
committed, so it sees nothing, and their insert then meets the unique index.
"""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError

from send_core.models import Pupil, SchoolClass
from send_core.services.pupils import create_pupil, create_school_class
from send_core.upn import make_upn


def _pupil(**overrides):
    return {
        "upn": make_upn("881", "2101", 21, 7),
        "legal_first_name": "Amelia",
        "last_name": "Nwosu",
        "date_of_birth": datetime.date(2017, 2, 11),
        "sex": "F",
        "nc_year": "3",
        **overrides,
    }


def test_the_second_of_two_racing_adds_of_a_pupil_is_told_about_the_upn(in_a, staff, in_b, monkeypatch):
    office = staff("school_admin")
    create_pupil(created_by=office, **_pupil())
    # The second person's check cannot see the first pupil yet.
    monkeypatch.setattr(Pupil, "validate_unique", lambda self, exclude=None: None)
    with pytest.raises(ValidationError) as refused:
        create_pupil(created_by=office, **_pupil(legal_first_name="Amy"))
    assert refused.value.message_dict["upn"] == [
        f"A pupil with UPN {make_upn('881', '2101', 21, 7)} has just been added by someone else."
    ]
    assert list(Pupil.objects.values_list("legal_first_name", flat=True)) == ["Amelia"]
    with in_b():
        assert not Pupil.objects.exists()


def test_the_second_of_two_racing_adds_of_a_class_is_told_it_exists(in_a, staff, monkeypatch):
    office = staff("school_admin")
    create_school_class(created_by=office, name="4 Kestrels")
    manager = SchoolClass.objects
    real_filter = manager.filter
    monkeypatch.setattr(manager, "filter", lambda *a, **k: real_filter(*a, **k).none())
    monkeypatch.setattr(SchoolClass, "validate_unique", lambda self, exclude=None: None)
    with pytest.raises(ValidationError) as refused:
        create_school_class(created_by=office, name="4 Kestrels")
    assert refused.value.message_dict["name"] == ["There is already a class called 4 Kestrels."]
    monkeypatch.undo()
    assert SchoolClass.objects.filter(name="4 Kestrels").count() == 1
