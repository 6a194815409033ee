"""Forms for plans: their sections, SMART outcomes and the provision they rely on."""

from __future__ import annotations

from typing import Any

from django import forms
from send_platform.ui.forms import choice_field, date_field, text_area

from ..models import AreaOfNeed
from ..toolkit import Toolkit
from .base import CairnForm

# Plan sections a toolkit may name that are written on the plan itself.
PLAN_TEXT_SECTIONS = ("child_views", "parent_views", "strengths", "needs_summary", "strategies")


class PlanSectionsForm(CairnForm):
    """The sections the school's toolkit gives its plan, and its dates."""

    starts_on = date_field("Start date", required=False)
    review_due_on = date_field("Review due", required=False)

    def __init__(self, *args: Any, toolkit: Toolkit, **kwargs: Any):
        super().__init__(*args, **kwargs)
        labels = {section.key: section.label for section in toolkit.plan_sections}
        sections = [key for key in labels if key in PLAN_TEXT_SECTIONS] or list(PLAN_TEXT_SECTIONS)
        text_fields = {key: text_area(labels.get(key, key.replace("_", " ").capitalize()), rows=5) for key in sections}
        self.fields = {**text_fields, **self.fields}
        self.order_fields([*sections, "starts_on", "review_due_on"])


class OutcomeForm(CairnForm):
    description = text_area(
        "Outcome", required=True, help_text="What the pupil will be able to do.", message="Describe the outcome."
    )
    measure = forms.CharField(
        label="Measure", max_length=255, required=False, help_text="How progress will be measured."
    )
    baseline = forms.CharField(label="Baseline", max_length=255, required=False, help_text="Where the pupil is now.")
    target = forms.CharField(label="Target", max_length=255, required=False, help_text="What success looks like.")
    target_date = date_field("Target date", required=False)
    area = choice_field("Broad area of need", AreaOfNeed.choices, required=False, blank="Not set")


class ProvisionForm(CairnForm):
    description = forms.CharField(
        label="Provision",
        max_length=255,
        help_text="For example, Toe by Toe or a social communication group",
        error_messages={"required": "Describe the provision."},
    )
    frequency = forms.CharField(
        label="How often", max_length=100, required=False, help_text="For example, three times a week"
    )
    staff_role = forms.CharField(
        label="Delivered by", max_length=100, required=False, help_text="For example, teaching assistant"
    )
    weekly_minutes = forms.IntegerField(
        label="Minutes a week",
        required=False,
        min_value=0,
        max_value=3000,
        error_messages={"invalid": "Enter the minutes a week as a whole number, for example 60."},
    )


class PlanDateForm(CairnForm):
    """The date a plan becomes active or closes (blank for today)."""

    on = date_field("Date", required=False, help_text="Leave blank for today.")
