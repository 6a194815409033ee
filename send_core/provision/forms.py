"""Forms for provision pages, drawn with the GOV.UK components the rest of Cairn uses."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from send_core.forms.base import CairnForm, choice_field, date_field, text_area
from send_core.forms.school import school_staff
from send_core.models import AreaOfNeed, Pupil
from tenants.models import Organisation, User

from .models import IndividualKind, Intervention, StaffRole
from .permissions import GROUP_RUNNERS


def money(
    label: str, *, required: bool = True, help_text: str = "", least: Decimal = Decimal("0")
) -> forms.DecimalField:
    too_little = (
        f"The {label[0].lower()}{label[1:]} cannot be less than nothing."
        if not least
        else f"The {label[0].lower()}{label[1:]} must be at least £{least}."
    )
    return forms.DecimalField(
        label=label,
        required=required,
        min_value=least,
        max_digits=9,
        decimal_places=2,
        help_text=help_text,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "class": "govuk-input govuk-input--width-10"}),
        error_messages={
            "required": f"Enter the {label[0].lower()}{label[1:]} in pounds.",
            "invalid": f"Enter the {label[0].lower()}{label[1:]} as an amount in pounds, for example 18.50.",
            "min_value": too_little,
            "max_decimal_places": "Give the amount to the penny at most.",
        },
    )


def whole_number(label: str, *, help_text: str = "", required: bool = True) -> forms.IntegerField:
    return forms.IntegerField(
        label=label,
        required=required,
        min_value=1,
        max_value=1000,
        help_text=help_text,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "class": "govuk-input govuk-input--width-4"}),
        error_messages={
            "required": f"Enter the {label[0].lower()}{label[1:]}.",
            "invalid": f"Enter the {label[0].lower()}{label[1:]} as a whole number.",
            "min_value": f"The {label[0].lower()}{label[1:]} must be at least 1.",
        },
    )


def measure_field(label: str, *, required: bool = False, help_text: str = "") -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        required=required,
        max_digits=7,
        decimal_places=2,
        help_text=help_text,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "class": "govuk-input govuk-input--width-5"}),
        error_messages={
            "required": f"Enter the {label[0].lower()}{label[1:]}.",
            "invalid": f"Enter the {label[0].lower()}{label[1:]} as a number, for example 84.",
        },
    )


class InterventionForm(CairnForm):
    name = forms.CharField(label="Name", max_length=120, error_messages={"required": "Enter the intervention's name."})
    area = choice_field("Area of need", AreaOfNeed.choices)
    description = text_area("What it involves", rows=3)
    group_size = whole_number("Largest group", help_text="1 for one-to-one work")
    staff_role = choice_field("Delivered by", StaffRole.choices)
    sessions_per_week = whole_number("Sessions a week")
    minutes_per_session = whole_number("Minutes a session")
    typical_weeks = whole_number("Typical length in weeks")
    resource_cost = money("Resource cost", help_text="Materials and licences for one group's run, in pounds")
    measure = forms.CharField(
        label="Judged by", max_length=120, required=False, help_text="For example reading age in months"
    )
    is_active = forms.BooleanField(label="Offered this year", required=False, initial=True)


def parse_schedule(text: str) -> list[dict[str, str]]:
    """ "Tuesday 09:10, Thursday 13:30" as [{"day": "Tuesday", "time": "09:10"}, …]."""
    slots = []
    for part in (text or "").split(","):
        words = part.split()
        if not words:
            continue
        if len(words) != 2:
            raise ValidationError("Write each session as a day and a time, for example Tuesday 09:10.")
        slots.append({"day": words[0], "time": words[1]})
    return slots


class GroupForm(CairnForm):
    intervention = forms.ModelChoiceField(
        label="Intervention",
        queryset=Intervention.objects.none(),
        empty_label="Choose…",
        error_messages={"required": "Choose the intervention.", "invalid_choice": "Choose one from the catalogue."},
    )
    name = forms.CharField(
        label="Group name",
        max_length=120,
        help_text="For example Toe by Toe, Year 4",
        error_messages={"required": "Give the group a name staff will recognise."},
    )
    staff = forms.ModelMultipleChoiceField(
        label="Run by",
        queryset=User.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one member of staff to run the group."},
    )
    starts_on = date_field("Start date")
    ends_on = date_field("End date", required=False, help_text="Leave blank for the intervention's typical length.")
    schedule = forms.CharField(
        label="When it meets",
        required=False,
        max_length=300,
        help_text="Days and times, separated by commas: Tuesday 09:10, Thursday 09:10",
    )
    location = forms.CharField(label="Where", max_length=120, required=False)

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["intervention"].queryset = Intervention.objects.filter(is_active=True)
        self.fields["staff"].queryset = school_staff(organisation, GROUP_RUNNERS)

    def clean_schedule(self) -> list[dict[str, str]]:
        return parse_schedule(self.cleaned_data.get("schedule", ""))


class AddPupilForm(CairnForm):
    pupil = forms.ModelChoiceField(
        label="Pupil",
        queryset=Pupil.objects.none(),
        empty_label="Choose…",
        error_messages={"required": "Choose a pupil.", "invalid_choice": "Choose one of the school's pupils."},
    )
    joined_on = date_field("Joined on", required=False, help_text="Leave blank for today or the group's start.")
    entry_value = measure_field("Entry measure")
    entry_on = date_field("Date of the entry measure", required=False)
    exit_target = measure_field("Exit target")

    def __init__(self, *args: Any, pupils: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["pupil"].queryset = pupils


class MeasureForm(CairnForm):
    which = choice_field("Measure", [("entry", "On entry"), ("exit", "On exit")], radios=True)
    value = measure_field("Result", required=True)
    on = date_field("Date taken")
    exit_target = measure_field("Exit target")


class IndividualProvisionForm(CairnForm):
    kind = choice_field("Kind of provision", IndividualKind.choices, radios=True)
    description = forms.CharField(
        label="What it is", max_length=200, error_messages={"required": "Say what the provision is."}
    )
    area = choice_field("Area of need", AreaOfNeed.choices, required=False, blank="Not set")
    staff_role = choice_field("Support given by", StaffRole.choices, required=False, blank="Not one-to-one")
    hours_per_week = forms.DecimalField(
        label="Hours a week",
        required=False,
        min_value=Decimal("0.25"),
        max_digits=5,
        decimal_places=2,
        help_text="For one-to-one support",
        widget=forms.TextInput(attrs={"inputmode": "decimal", "class": "govuk-input govuk-input--width-4"}),
        error_messages={"invalid": "Enter the hours a week as a number, for example 5."},
    )
    cost = money("One-off cost", required=False, help_text="For equipment, in pounds")
    starts_on = date_field("Start date")
    ends_on = date_field("End date")


class CostsForm(CairnForm):
    """Hourly rates for each staff role, and the notional threshold."""

    notional_threshold = money(
        "Notional SEN support threshold",
        least=Decimal("0.01"),
        help_text="A pupil whose costed provision in a school year passes this is flagged (usually £6,000).",
    )

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        for role, label in StaffRole.choices:
            self.fields[f"rate_{role}"] = money(f"{label}: hourly rate", required=False)
        # The threshold reads best after the rates.
        self.fields["notional_threshold"] = self.fields.pop("notional_threshold")

    def rates(self) -> dict[str, Decimal]:
        return {
            role: self.cleaned_data[f"rate_{role}"]
            for role in StaffRole.values
            if self.cleaned_data.get(f"rate_{role}") is not None
        }
