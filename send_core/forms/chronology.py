"""The filter of a pupil's chronology."""

from __future__ import annotations

from django import forms

from ..chronology import ChronologyKind
from .base import CairnForm


class ChronologyFilterForm(CairnForm):
    plain_labels = True
    kind = forms.MultipleChoiceField(
        label="Show", required=False, choices=ChronologyKind.choices, widget=forms.CheckboxSelectMultiple
    )
