"""Forms for transition: a destination (one pupil or a year group), a grant's window, what a file carries."""

from __future__ import annotations

from django import forms

from tenants.validators import validate_name

from ..forms.base import CairnForm, date_field
from .records import SECTIONS


class DestinationForm(CairnForm):
    urn = forms.CharField(
        label="URN of the school they are moving to",
        max_length=6,
        help_text="6 digits. A school on Cairn is found by its URN alone.",
        error_messages={"required": "Enter the destination school's URN (6 digits)."},
        widget=forms.TextInput(attrs={"class": "govuk-input--width-10", "inputmode": "numeric"}),
    )
    name = forms.CharField(
        label="School name",
        max_length=200,
        required=False,
        help_text="Needed only for a school that is not on Cairn.",
        validators=[validate_name],
    )


class CohortDestinationForm(DestinationForm):
    pupils = forms.TypedMultipleChoiceField(
        label="Pupils",
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Leave all unticked to record it for every Year 6 pupil on roll.",
    )

    def __init__(self, *args, pupils=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["pupils"].choices = [(p.pk, p.display_name) for p in pupils]


class WindowForm(CairnForm):
    error_fields = {"destination": "__all__", "consent": "__all__"}

    starts_on = date_field("Access starts on")
    ends_on = date_field("Access ends on")


class TransitionFileForm(CairnForm):
    sections = forms.MultipleChoiceField(
        label="What to send",
        choices=list(SECTIONS.items()),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one part of the record to send."},
    )
    documents = forms.TypedMultipleChoiceField(
        label="Documents to send",
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, documents=(), has_ehc_plan: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["documents"].choices = [(d.pk, d.title) for d in documents]
        # Only offer what the pupil has: no documents, or no EHC plan, means nothing to choose.
        offered = [
            (key, label)
            for key, label in SECTIONS.items()
            if (key != "documents" or documents) and (key != "ehc_plan" or has_ehc_plan)
        ]
        self.fields["sections"].choices = offered
        if not self.fields["documents"].choices:
            del self.fields["documents"]
