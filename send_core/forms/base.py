"""What every SEND form shares: the platform's GOV.UK form with one-time tokens and stale-edit
warnings, and who took part."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from send_platform.ui.forms import GovukForm, choice_field, date_field, text_area

from ..models import ParticipantRole
from ..services.concurrency import StaleEdit
from ..services.submissions import new_submission_token

# The GOV.UK fields are the platform's; the domain's forms take them from here with CairnForm.
__all__ = [
    "CairnForm",
    "PEOPLE_ROLES",
    "PeopleFormMixin",
    "choice_field",
    "date_field",
    "text_area",
]


class CairnForm(GovukForm):
    """A GOV.UK form that can refuse a doubled create and show another person's newer edit."""

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
        self.draw_fields()

    def full_clean(self) -> None:
        super().full_clean()
        if hasattr(self, "cleaned_data"):
            self.submission_token = self.cleaned_data.pop("submission_token", "") or ""

    def add_service_errors(self, error: ValidationError) -> None:
        """Put a service's ValidationError on the form; a stale edit shows the other person's values too."""
        if isinstance(error, StaleEdit):
            self.show_stale(error)
            return
        super().add_service_errors(error)

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
