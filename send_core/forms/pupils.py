"""Forms for finding pupils and keeping their core details and parents."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from send_platform.ui.forms import choice_field, date_field

from tenants.validators import validate_name

from ..models import ContactMethod, NCYear, NeedType, Pupil, Relationship, SchoolClass, Sex
from ..toolkit import Toolkit
from .base import CairnForm

# Context flags a SENCO filters by (field name on Pupil → label).
CONTEXT_FLAGS: dict[str, str] = {
    "eal": "English as an additional language",
    "pupil_premium": "Pupil premium",
    "looked_after": "Looked-after child",
    "previously_looked_after": "Previously looked-after child",
    "service_child": "Service child",
    "young_carer": "Young carer",
    "medical_needs": "Medical needs",
}


class PupilFilterForm(CairnForm):
    """Filters on the pupil list; every one is optional and an unknown value is ignored."""

    plain_labels = True

    q = forms.CharField(label="Name or UPN", required=False, max_length=100)
    stage = forms.ChoiceField(label="Stage", required=False)
    need = forms.ChoiceField(label="Type of need", required=False)
    year = forms.ChoiceField(label="Year group", required=False, choices=[("", "All year groups"), *NCYear.choices])
    school_class = forms.ModelChoiceField(
        label="Class", required=False, queryset=SchoolClass.objects.none(), empty_label="All classes"
    )
    flags = forms.MultipleChoiceField(
        label="Context", required=False, choices=list(CONTEXT_FLAGS.items()), widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: Any, toolkit: Toolkit, send_record: bool, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["school_class"].queryset = SchoolClass.objects.order_by("name")
        if send_record:
            self.fields["stage"].choices = [
                ("", "All stages"),
                *((stage.key, stage.label) for stage in toolkit.stages),
                ("none", "Not on the register"),
            ]
            self.fields["need"].choices = [("", "All types of need"), *NeedType.choices]
        else:
            del self.fields["stage"]
            del self.fields["need"]

    def selector_options(self) -> dict[str, Any]:
        """The filters the pupil list selector takes itself."""
        data = self.cleaned_data if self.is_valid() else {}
        school_class = data.get("school_class")
        return {
            "search": data.get("q", ""),
            "nc_year": data.get("year", ""),
            "school_class_id": school_class.pk if school_class else None,
            # The selector applies these only to records the person may read.
            "stage": data.get("stage") or "",
            "need": data.get("need") or "",
        }

    def narrow(self, pupils: QuerySet[Pupil]) -> QuerySet[Pupil]:
        """The context filters on the selector's list (stage and type of need are the selector's)."""
        if not self.is_valid():
            return pupils
        for flag in self.cleaned_data.get("flags") or ():
            pupils = pupils.filter(**{flag: True})
        return pupils

    @property
    def is_filtered(self) -> bool:
        return self.is_valid() and any(self.cleaned_data.get(name) for name in self.fields)


class PupilForm(CairnForm):
    """A pupil's core details, as the school's MIS holds them."""

    upn = forms.CharField(
        label="UPN",
        max_length=13,
        help_text="The 13-character unique pupil number, for example A801200110001",
        error_messages={"required": "Enter the pupil's UPN."},
    )
    legal_first_name = forms.CharField(
        label="Legal first name",
        max_length=100,
        validators=[validate_name],
        error_messages={"required": "Enter the pupil's legal first name."},
    )
    preferred_name = forms.CharField(
        label="Preferred first name", max_length=100, required=False, validators=[validate_name]
    )
    last_name = forms.CharField(
        label="Last name",
        max_length=100,
        validators=[validate_name],
        error_messages={"required": "Enter the pupil's last name."},
    )
    date_of_birth = date_field("Date of birth")
    sex = choice_field("Sex", Sex.choices, radios=True, message="Choose the pupil's sex as the census records it.")
    nc_year = choice_field("Year group", NCYear.choices, message="Choose the pupil's year group.")
    school_class = forms.ModelChoiceField(
        label="Class", required=False, queryset=SchoolClass.objects.none(), empty_label="No class"
    )
    admission_date = date_field("Admission date", required=False)
    eal = forms.BooleanField(label=CONTEXT_FLAGS["eal"], required=False)
    pupil_premium = forms.BooleanField(label=CONTEXT_FLAGS["pupil_premium"], required=False)
    looked_after = forms.BooleanField(label=CONTEXT_FLAGS["looked_after"], required=False)
    previously_looked_after = forms.BooleanField(label=CONTEXT_FLAGS["previously_looked_after"], required=False)
    service_child = forms.BooleanField(label=CONTEXT_FLAGS["service_child"], required=False)
    young_carer = forms.BooleanField(label=CONTEXT_FLAGS["young_carer"], required=False)
    attendance_percentage = forms.DecimalField(
        label="Attendance (%)",
        required=False,
        min_value=0,
        max_value=100,
        decimal_places=2,
        error_messages={
            "invalid": "Enter attendance as a number, for example 94.5.",
            "min_value": "Attendance is between 0 and 100%.",
            "max_value": "Attendance is between 0 and 100%.",
        },
    )

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["school_class"].queryset = SchoolClass.objects.order_by("name")

    @classmethod
    def initial_for(cls, pupil: Pupil) -> dict[str, Any]:
        return {name: getattr(pupil, name) for name in cls.base_fields}

    def details(self) -> dict[str, Any]:
        return dict(self.cleaned_data)

    def changes(self, pupil: Pupil) -> dict[str, Any]:
        """Only what differs from the pupil's record (so an unchanged UPN is not checked again)."""
        return {name: value for name, value in self.cleaned_data.items() if getattr(pupil, name) != value}


class ParentCarerForm(CairnForm):
    name = forms.CharField(
        label="Full name",
        max_length=150,
        validators=[validate_name],
        error_messages={"required": "Enter their name."},
    )
    relationship = choice_field("Relationship to the pupil", Relationship.choices)
    parental_responsibility = forms.BooleanField(
        label="Has parental responsibility",
        required=False,
        initial=True,
        help_text="Only someone with parental responsibility can give consent.",
    )
    phone = forms.CharField(label="Phone", max_length=30, required=False)
    email = forms.EmailField(
        label="Email address",
        required=False,
        error_messages={"invalid": "Enter an email address like name@example.com."},
    )
    address = forms.CharField(label="Address", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    preferred_contact = choice_field("Preferred contact", ContactMethod.choices, required=False, blank="No preference")
    is_primary_contact = forms.BooleanField(label="Primary contact", required=False)
