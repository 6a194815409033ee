"""Forms for the rest of a pupil's record: assessments, agencies and consent, meetings, medical, documents."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from send_platform.ui.forms import choice_field, date_field, text_area

from ..chronology import ChronologyKind
from ..models import (
    Agency,
    AssessmentKind,
    ConsentScope,
    DocumentKind,
    InvolvementStatus,
    MeetingKind,
    ParentCarer,
)
from .base import CairnForm, PeopleFormMixin


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


class ConsentForm(CairnForm):
    scope = choice_field(
        "What consent is for", ConsentScope.choices, radios=True, message="Choose what the consent is for."
    )
    given_by = forms.ModelChoiceField(
        label="Given by",
        queryset=ParentCarer.objects.none(),
        empty_label="Choose…",
        error_messages={"required": "Choose the parent or carer who gave consent."},
    )
    given_on = date_field("Date given", required=False, help_text="Leave blank for today.")
    notes = text_area("Notes", rows=3)

    def __init__(self, *args: Any, parents: QuerySet[ParentCarer], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["given_by"].queryset = parents
        self.fields["given_by"].help_text = "Only a parent or carer with parental responsibility can give consent."


class WithdrawConsentForm(CairnForm):
    withdrawn_on = date_field("Date consent was withdrawn", required=False, help_text="Leave blank for today.")


class ReferralForm(CairnForm):
    agency = forms.ModelChoiceField(
        label="Agency",
        queryset=Agency.objects.none(),
        empty_label="Choose…",
        error_messages={"required": "Choose the agency."},
    )
    referred_on = date_field("Date of the referral", required=False, help_text="Leave blank for today.")
    reason = text_area("Reason for the referral")

    def __init__(self, *args: Any, agencies: QuerySet[Agency], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = agencies


class InvolvementForm(CairnForm):
    status = choice_field("Where it stands", InvolvementStatus.choices, radios=True)
    report_received_on = date_field("Report received", required=False)
    notes = text_area("Notes")
    closed_on = date_field("Finished on", required=False)


class MeetingForm(PeopleFormMixin, CairnForm):
    held_on = date_field("Date of the meeting")
    kind = choice_field("Kind of meeting", MeetingKind.choices, message="Choose the kind of meeting.")
    notes = text_area("What was discussed", rows=5)
    agreed_actions = text_area("What was agreed")
    people_legend = "Who came"
    error_fields = {"attendees": "people_parent"}

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.add_people_fields()


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


class DocumentForm(CairnForm):
    title = forms.CharField(
        label="Title",
        max_length=200,
        help_text="For example, Speech and language therapy report, March 2025",
        error_messages={"required": "Enter a title for the document."},
    )
    kind = choice_field("Kind of document", DocumentKind.choices, radios=True, message="Choose the kind of document.")
    file = forms.FileField(
        label="File", error_messages={"required": "Choose the file to upload.", "empty": "The file is empty."}
    )

    def __init__(self, *args: Any, refused: str | None = None, limit_help: str = "", **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = limit_help
        self.refused = refused

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if self.refused:
            self.errors.pop("file", None)
            message = self.refused if self.refused.endswith(".") else f"{self.refused}."
            self.add_error("file", f"{message} Choose a smaller file.")
        return data


class ChronologyFilterForm(CairnForm):
    plain_labels = True
    kind = forms.MultipleChoiceField(
        label="Show", required=False, choices=ChronologyKind.choices, widget=forms.CheckboxSelectMultiple
    )
