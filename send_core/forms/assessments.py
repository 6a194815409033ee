"""The form for recording an assessment: standardised scores, reading ages, teacher assessments."""

from __future__ import annotations

from django import forms
from send_platform.ui.forms import choice_field, date_field, text_area

from ..models import AssessmentKind
from .base import CairnForm


class AssessmentForm(CairnForm):
    kind = choice_field(
        "Kind of assessment", AssessmentKind.choices, radios=True, message="Choose the kind of assessment."
    )
    assessed_on = date_field("Date of the assessment")
    score = forms.DecimalField(
        label="Score",
        required=False,
        max_digits=6,
        decimal_places=1,
        help_text="For a reading age (in months), a standardised score or a phonics phase.",
        error_messages={"invalid": "Enter the score as a number, for example 96."},
    )
    result = forms.CharField(
        label="Result",
        max_length=100,
        required=False,
        help_text="For a teacher assessment, for example “Working towards”.",
    )
    instrument = forms.CharField(label="Test or scheme", max_length=150, required=False)
    subject = forms.CharField(label="Subject", max_length=60, required=False)
    notes = text_area("Notes", rows=3)
