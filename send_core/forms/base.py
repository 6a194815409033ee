"""What every SEND form shares: GOV.UK widgets, dates, who took part, and service errors on the form."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from ..models import ParticipantRole
from ..services.concurrency import StaleEdit
from ..services.submissions import new_submission_token

RADIOS_TEMPLATE = "send_core/govuk/radios.html"
CHECKBOXES_TEMPLATE = "send_core/govuk/checkboxes.html"
PLAIN_FIELD_TEMPLATE = "send_core/govuk/field_plain.html"


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


def text_area(label: str, *, required: bool = False, rows: int = 4, help_text: str = "", message: str = ""):
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


class CairnForm(forms.Form):
    """A form drawn with GOV.UK components, that can take a service's ValidationError onto its fields."""

    # Service field names that this form shows under another name.
    error_fields: Mapping[str, str] = {}
    # Filters and other forms where every field is optional say so once, not on each label.
    plain_labels = False

    def __init__(self, *args: Any, version: str | None = None, once: bool = False, **kwargs: Any):
        super().__init__(*args, **kwargs)
        # The other person's values after a refused stale save, as (label, value) pairs.
        self.theirs: list[tuple[str, Any]] = []
        # A create form's one-time token (see services/submissions.py), kept out of cleaned_data.
        self.submission_token = ""
        if once:
            self.fields["submission_token"] = forms.CharField(
                widget=forms.HiddenInput, initial=new_submission_token(), required=False, max_length=128
            )
        if version is not None:
            # An edit form carries the version of the record it was drawn from (see services/concurrency.py).
            self.fields["seen_version"] = forms.CharField(
                widget=forms.HiddenInput,
                initial=version,
                required=False,
            )
        for field in self.fields.values():
            # Checkboxes first: Django's CheckboxSelectMultiple is a kind of RadioSelect.
            if isinstance(field.widget, forms.CheckboxSelectMultiple):
                field.template_name = CHECKBOXES_TEMPLATE
            elif isinstance(field.widget, forms.RadioSelect):
                field.template_name = RADIOS_TEMPLATE
            elif self.plain_labels:
                field.template_name = PLAIN_FIELD_TEMPLATE

    def full_clean(self) -> None:
        super().full_clean()
        if hasattr(self, "cleaned_data"):
            self.submission_token = self.cleaned_data.pop("submission_token", "") or ""

    def add_service_errors(self, error: ValidationError) -> None:
        """Put a service's ValidationError on the form: on a field when it names one, else above the form."""
        if isinstance(error, StaleEdit):
            self.show_stale(error)
            return
        if hasattr(error, "error_dict"):
            for name, errors in error.error_dict.items():
                field = self.error_fields.get(name, name)
                messages = [message for item in errors for message in item.messages]
                if field in self.fields and field not in self.errors:
                    self.add_error(field, messages)
                elif field in self.fields:
                    self.errors[field].extend(messages)
                else:
                    self.add_error(None, messages)
        else:
            self.add_error(None, error.messages)

    def show_stale(self, error: StaleEdit) -> None:
        """Keep what this person typed, show the other person's values beside it, and carry the new
        version so that saving again (having seen their change) goes through."""
        self.add_error(None, error.messages)
        data = self.data.copy()
        data["seen_version"] = error.version
        self.data = data
        self.theirs = [
            (self.fields[self.error_fields.get(name, name)].label, value)
            for name, value in error.current.items()
            if self.error_fields.get(name, name) in self.fields
        ]


# --- Who took part -----------------------------------------------------------------------------

PEOPLE_ROLES: tuple[tuple[str, str], ...] = (
    (ParticipantRole.PARENT, "Parents or carers"),
    (ParticipantRole.TEACHER, "Teachers"),
    (ParticipantRole.TEACHING_ASSISTANT, "Teaching assistants"),
    (ParticipantRole.SENCO, "SENCO"),
    (ParticipantRole.PROFESSIONAL, "Professionals"),
)


class PeopleFormMixin:
    """Who took part: names per role (separated by commas), and whether the child took part."""

    people_legend = "Who took part"

    def add_people_fields(self, initial: Iterable[Mapping[str, str]] | None = None) -> None:
        names: dict[str, list[str]] = {}
        child = False
        for person in initial or ():
            if person.get("role") == ParticipantRole.CHILD:
                child = True
            else:
                names.setdefault(person.get("role", ""), []).append(person.get("name", ""))
        self.fields["people_child"] = forms.BooleanField(label="The child took part", required=False)
        self.initial.setdefault("people_child", child)
        for role, label in PEOPLE_ROLES:
            name = f"people_{role}"
            self.fields[name] = forms.CharField(
                label=label,
                required=False,
                max_length=600,
                help_text="Names, separated by commas" if role != ParticipantRole.SENCO else "Name",
            )
            self.initial.setdefault(name, ", ".join(n for n in names.get(role, []) if n))

    @property
    def people_field_names(self) -> list[str]:
        return ["people_child", *(f"people_{role}" for role, _ in PEOPLE_ROLES)]

    def people(self) -> list[dict[str, str]]:
        data = self.cleaned_data
        people: list[dict[str, str]] = []
        if data.get("people_child"):
            people.append({"role": ParticipantRole.CHILD, "name": ""})
        for role, _ in PEOPLE_ROLES:
            for name in (data.get(f"people_{role}") or "").split(","):
                if name.strip():
                    people.append({"role": role, "name": name.strip()})
        return people
