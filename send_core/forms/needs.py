"""Forms for a pupil's needs and diagnoses."""

from __future__ import annotations

from django import forms
from send_platform.ui.forms import choice_field, date_field, text_area

from ..models import AreaOfNeed, DiagnosisSource, NeedRank, NeedType
from .base import CairnForm


class NeedForm(CairnForm):
    need_type = choice_field("Type of need", NeedType.choices, message="Choose the type of need.")
    rank = choice_field("Rank", NeedRank.choices, radios=True, message="Choose whether this is the primary need.")
    area = choice_field(
        "Broad area of need",
        AreaOfNeed.choices,
        required=False,
        blank="Follows from the type of need",
    )
    started_on = date_field("Date identified", required=False, help_text="Leave blank for today.")
    notes = text_area("Notes")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields[
            "area"
        ].help_text = (
            "Only needed for “other difficulty” and “no specialist assessment”; other types belong to one area."
        )


class EndNeedForm(CairnForm):
    ended_on = date_field("Date the need ended", required=False, help_text="Leave blank for today.")


class DiagnosisForm(CairnForm):
    name = forms.CharField(label="Diagnosis", max_length=200, error_messages={"required": "Enter the diagnosis."})
    source = choice_field("Made by", DiagnosisSource.choices, message="Choose who made the diagnosis.")
    source_detail = forms.CharField(
        label="Clinic or service", max_length=200, required=False, help_text="For example, the child development centre"
    )
    diagnosed_on = date_field("Date of diagnosis", required=False)
    notes = text_area("Notes")
