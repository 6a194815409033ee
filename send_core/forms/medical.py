"""Forms for medical conditions and individual healthcare plans."""

from __future__ import annotations

from django import forms
from send_platform.ui.forms import date_field, text_area

from .base import CairnForm


class MedicalConditionForm(CairnForm):
    condition = forms.CharField(
        label="Condition", max_length=200, error_messages={"required": "Enter the medical condition."}
    )
    has_care_plan = forms.BooleanField(label="Has an individual healthcare plan", required=False)
    care_plan_review_on = date_field("Healthcare plan review date", required=False)
    medication = text_area("Medication", rows=3)
    notes = text_area("Notes", rows=3)


class EndMedicalConditionForm(CairnForm):
    ended_on = date_field("Date it stopped applying")
