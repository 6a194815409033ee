"""GOV.UK form widgets and fields, and a form that can show a service's refusal on its fields."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django import forms
from django.core.exceptions import ValidationError

RADIOS_TEMPLATE = "govuk/radios.html"
CHECKBOXES_TEMPLATE = "govuk/checkboxes.html"
PLAIN_FIELD_TEMPLATE = "govuk/field_plain.html"


class DateInput(forms.DateInput):
    """The browser's own date picker; the value travels as 2025-03-14."""

    input_type = "date"

    def __init__(self, attrs: dict | None = None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


def date_field(label: str, *, required: bool = True, help_text: str = "") -> forms.DateField:
    return forms.DateField(
        label=label,
        required=required,
        help_text=help_text,
        widget=DateInput(),
        error_messages={
            "required": f"Enter the {label[0].lower()}{label[1:]}.",
            "invalid": f"Enter the {label[0].lower()}{label[1:]} as a real date, for example 14 3 2025.",
        },
    )


def text_area(
    label: str, *, required: bool = False, rows: int = 4, help_text: str = "", message: str = ""
) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=required,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": rows}),
        error_messages={"required": message or f"Enter {label[0].lower()}{label[1:]}."},
    )


def choice_field(
    label: str, choices: Iterable, *, required: bool = True, radios: bool = False, blank: str = "", message: str = ""
) -> forms.ChoiceField:
    choices = list(choices)
    if not radios:
        choices = [("", blank or "Choose…"), *choices]
    return forms.ChoiceField(
        label=label,
        choices=choices,
        required=required,
        widget=forms.RadioSelect if radios else forms.Select,
        error_messages={"required": message or f"Choose {label[0].lower()}{label[1:]}."},
    )


def show_service_errors(form: forms.BaseForm, error: ValidationError, names: Mapping[str, str] | None = None) -> None:
    """Put a service's ValidationError on a form: on a field when it names one, else above the form.

    `names` maps the service's field names to the form's where the form shows them under another name.
    """
    names = names or {}
    if not hasattr(error, "error_dict"):
        form.add_error(None, error.messages)
        return
    for name, errors in error.error_dict.items():
        field = names.get(name, name)
        messages = [message for item in errors for message in item.messages]
        if field in form.fields and field not in form.errors:
            form.add_error(field, messages)
        elif field in form.fields:
            form.errors[field].extend(messages)
        else:
            form.add_error(None, messages)


class GovukForm(forms.Form):
    """A form drawn with GOV.UK components (radios and checkboxes as fieldsets), that can take a
    service's ValidationError onto its fields."""

    # Service field names that this form shows under another name.
    error_fields: Mapping[str, str] = {}
    # Filters and other forms where every field is optional say so once, not on each label.
    plain_labels = False

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.draw_fields()

    def draw_fields(self) -> None:
        """Give each field its GOV.UK template (call again after adding fields)."""
        for field in self.fields.values():
            # Checkboxes first: Django's CheckboxSelectMultiple is a kind of RadioSelect.
            if isinstance(field.widget, forms.CheckboxSelectMultiple):
                field.template_name = CHECKBOXES_TEMPLATE
            elif isinstance(field.widget, forms.RadioSelect):
                field.template_name = RADIOS_TEMPLATE
            elif self.plain_labels:
                field.template_name = PLAIN_FIELD_TEMPLATE

    def add_service_errors(self, error: ValidationError) -> None:
        show_service_errors(self, error, self.error_fields)
