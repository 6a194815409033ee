"""Forms for the school's own lists: classes and their staff, staff training, and a pupil leaving."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from send_platform.ui.forms import choice_field, date_field, text_area

from tenants.models import Organisation, User
from tenants.roles import PUPIL_READERS_OWN
from tenants.selectors import staff_of

from ..models import AreaOfNeed, ClassTeacherRole, NCYear
from .base import CairnForm


def school_staff(organisation: Organisation, roles: frozenset[str] | None = None) -> QuerySet[User]:
    """The school's active members (only those holding one of `roles` if given), each once, by name."""
    memberships = staff_of(organisation)
    if roles is not None:
        memberships = memberships.filter(role__in=roles)
    return User.objects.filter(pk__in=memberships.values("user_id")).order_by("full_name", "email")


class SchoolClassForm(CairnForm):
    name = forms.CharField(
        label="Class name",
        max_length=60,
        help_text="For example 2 Hawthorns",
        error_messages={"required": "Enter the class's name."},
    )
    year_group = choice_field("Year group", NCYear.choices, required=False, blank="Mixed ages")


class ClassStaffForm(CairnForm):
    """Who works with a class: one of the school's teachers or teaching assistants."""

    user = forms.ModelChoiceField(
        label="Member of staff",
        queryset=User.objects.none(),
        empty_label="Choose…",
        error_messages={
            "required": "Choose a member of staff.",
            "invalid_choice": "Choose one of the school's teachers or teaching assistants.",
        },
    )
    role = choice_field("Works with the class as", ClassTeacherRole.choices)

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = school_staff(organisation, PUPIL_READERS_OWN)


class StaffTrainingForm(CairnForm):
    user = forms.ModelChoiceField(
        label="Member of staff",
        queryset=User.objects.none(),
        empty_label="Choose…",
        error_messages={
            "required": "Choose a member of staff.",
            "invalid_choice": "Choose one of the school's staff.",
        },
    )
    course = forms.CharField(label="Course", max_length=200, error_messages={"required": "Enter the course."})
    provider = forms.CharField(label="Provider", max_length=200, required=False)
    completed_on = date_field("Date completed")
    area = choice_field("Area of need", AreaOfNeed.choices, required=False, blank="General")
    expires_on = date_field("Expiry date", required=False, help_text="Leave blank if it does not need renewing.")
    notes = text_area("Notes", rows=3)

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = school_staff(organisation)


class LeavingForm(CairnForm):
    leaving_date = date_field("Leaving date")
    destination = forms.CharField(
        label="Destination",
        max_length=200,
        required=False,
        help_text="The school or setting the pupil went to, if known.",
    )
    destination_urn = forms.RegexField(
        label="Destination URN",
        regex=r"^\d{6}$",
        required=False,
        help_text="The 6-digit URN of the school they went to, if known.",
        error_messages={"invalid": "Enter the URN as 6 digits, for example 123456."},
    )
