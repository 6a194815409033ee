"""The GOV.UK fields and form: radios and checkboxes drawn as fieldsets, plain messages, service errors."""

from __future__ import annotations

import pytest
from django import forms
from django.core.exceptions import ValidationError
from send_platform.ui.forms import (
    CHECKBOXES_TEMPLATE,
    PLAIN_FIELD_TEMPLATE,
    RADIOS_TEMPLATE,
    GovukForm,
    choice_field,
    date_field,
    show_service_errors,
    text_area,
)


class ReviewForm(GovukForm):
    error_fields = {"held_on": "review_date"}

    review_date = date_field("Date of the review")
    decision = choice_field("Decision", [("continue", "Continue"), ("end", "End")], radios=True)
    areas = forms.MultipleChoiceField(
        label="Areas", choices=[("c", "Cognition")], widget=forms.CheckboxSelectMultiple, required=False
    )
    notes = text_area("Notes")


class FilterForm(GovukForm):
    plain_labels = True
    name = forms.CharField(label="Name", required=False)


def test_radios_and_checkboxes_are_drawn_as_fieldsets():
    form = ReviewForm()
    assert form.fields["decision"].template_name == RADIOS_TEMPLATE
    assert form.fields["areas"].template_name == CHECKBOXES_TEMPLATE
    assert form.fields["notes"].template_name is None
    assert FilterForm().fields["name"].template_name == PLAIN_FIELD_TEMPLATE


def test_the_fields_say_what_is_missing_in_plain_words():
    form = ReviewForm({"review_date": "31 February", "notes": ""})
    assert not form.is_valid()
    assert form.errors["review_date"] == ["Enter the date of the review as a real date, for example 14 3 2025."]
    assert form.errors["decision"] == ["Choose decision."]
    assert "notes" not in form.errors


def test_a_select_starts_with_a_blank_choice():
    field = choice_field("Year group", [("7", "Year 7")])
    assert field.choices[0] == ("", "Choose…")


@pytest.mark.parametrize(
    ("error", "on_field", "above"),
    [
        (ValidationError({"held_on": "Not in the future."}), ["Not in the future."], []),
        (ValidationError({"elsewhere": "Ask the SENCO."}), None, ["Ask the SENCO."]),
        (ValidationError("Not now."), None, ["Not now."]),
    ],
)
def test_a_service_refusal_goes_on_the_field_it_names_or_above_the_form(error, on_field, above):
    form = ReviewForm({"review_date": "2025-03-14", "decision": "continue"})
    assert form.is_valid()
    form.add_service_errors(error)
    assert form.errors.get("review_date") == on_field
    assert form.non_field_errors() == above


def test_a_second_reason_for_the_same_field_is_added_to_the_first():
    form = ReviewForm({"review_date": "2025-03-14", "decision": "continue"})
    form.is_valid()
    show_service_errors(form, ValidationError({"review_date": "One."}))
    show_service_errors(form, ValidationError({"review_date": "Two."}))
    assert form.errors["review_date"] == ["One.", "Two."]
