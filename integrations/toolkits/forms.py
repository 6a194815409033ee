"""Forms of the toolkit pages (drawn by hand in the templates as GOV.UK components)."""

from __future__ import annotations

from django import forms

from send_core.models import AreaOfNeed


class ChooseToolkitForm(forms.Form):
    toolkit = forms.CharField(required=False, max_length=50)


class DescriptorLevelForm(forms.Form):
    area = forms.ChoiceField(choices=AreaOfNeed.choices, error_messages={"required": "Choose the area of need."})
    level_key = forms.CharField(
        max_length=50, error_messages={"required": "Choose the level that best describes the pupil's need."}
    )
    notes = forms.CharField(required=False, max_length=2000, widget=forms.Textarea)
